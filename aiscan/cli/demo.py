"""`aiscan demo`: the whole pipeline against the bundled example estate, with no cloud account.

An in-process AWS emulation (moto) is started on 127.0.0.1, seeded with `examples/`' estate, and
scanned through AWS_ENDPOINT_URL exactly as a real account would be. No real credential chain is
consulted and nothing leaves loopback.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Mapping

import click
from rich.text import Text

from aiscan.cli.app import App
from aiscan.cli.scan import emit, parse_outputs


@contextlib.contextmanager
def patched_environ(values: Mapping[str, str], drop: Iterable[str] = ()) -> Iterator[None]:
    saved = dict(os.environ)
    try:
        for key in drop:
            os.environ.pop(key, None)
        os.environ.update(values)
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@click.command()
@click.option("--format", "fmt", default="table", show_default=True, help="table or json")
@click.option("-o", "--output", "outputs", multiple=True, metavar="FORMAT=PATH")
@click.option("--top", type=click.IntRange(1), default=15, show_default=True)
@click.pass_obj
def demo(app: App, fmt: str, outputs: tuple[str, ...], top: int) -> None:
    """Scan the bundled example AI estate in a local AWS emulation (no account needed)."""
    try:
        from aiscan.demo.emulator import AwsEmulator, demo_environment, demo_unset
        from aiscan.demo.estate import seed_aws
    except ImportError as exc:
        app.abort(f"the demo needs its extra: pip install 'aiscan[demo]' ({exc})")
    from aiscan.collectors.base import Scope
    from aiscan.scan import ScanRequest, run

    parsed = parse_outputs(outputs)
    with AwsEmulator() as emulator:
        if not app.quiet:
            app.err.print(
                Text(f"demo: AWS emulation on {emulator.url}; seeding the example estate")
            )
        report = seed_aws(emulator)
        env = demo_environment(emulator.url)
        with patched_environ(env, drop=demo_unset(os.environ)):
            request = ScanRequest(
                clouds=("aws",),
                scope=Scope(regions=report.regions),
                evaluate_rules=True,
                environ=dict(os.environ),
            )
            with app.progress() as progress:
                result = run(request, progress)
    emit(app, result, command="scan", fmt=fmt, outputs=parsed, top=top)
    if fmt == "table" and not app.quiet:
        app.err.print(
            Text(
                "\nThis was the bundled example estate. Next: `aiscan scan --cloud aws` on your "
                "own account (read-only), `aiscan show <id>` for one asset, `aiscan rules list`."
            )
        )
