"""`aiscan demo`: the whole pipeline against the bundled example estate, with no cloud account.

Local emulations are started on 127.0.0.1 — AWS (moto, seeded with the estate through the AWS
API), Azure Resource Manager and Google Cloud REST (fake servers answering with the real JSON
shapes) — and scanned through the same endpoint overrides a private-endpoint user would set
(AWS_ENDPOINT_URL, AISCAN_AZURE_ENDPOINT, AISCAN_GCP_ENDPOINT), given to the collectors as
their settings objects with demo tokens: the process environment is neither read nor changed. No
real credential chain is consulted and nothing leaves loopback.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

import click
from rich.text import Text

from aiscan.cli.app import App
from aiscan.cli.scan import FULL_OPTION, WIDE_OPTION, emit, parse_outputs, summary_hints
from aiscan.cli.storing import open_store_or_abort, save, store_option, with_lifecycle
from aiscan.core.model import ScanResult

DEMO_CLOUDS = ("aws", "azure", "gcp")


def run_demo(app: App, clouds: Iterable[str] = ()) -> ScanResult:
    """Scan the bundled example estate (all three clouds unless `clouds` names some)."""
    clouds = tuple(clouds)
    try:
        from aiscan.demo.azure import FakeArm, load_estate
        from aiscan.demo.emulator import AwsEmulator, demo_settings
        from aiscan.demo.estate import seed_aws
        from aiscan.demo.gcp import GcpFake
    except ImportError as exc:
        app.abort(f"the demo needs its extra: pip install 'aiscan[demo]' ({exc})")
    from aiscan.collectors.base import Scope
    from aiscan.collectors.settings import ScanSettings
    from aiscan.scan import ScanRequest, run

    chosen = tuple(c for c in DEMO_CLOUDS if c in clouds) or DEMO_CLOUDS
    settings = ScanSettings()
    cloud_scopes: dict[str, Scope] = {}
    with contextlib.ExitStack() as stack:
        if "aws" in chosen:
            emulator = stack.enter_context(AwsEmulator())
            report = seed_aws(emulator)
            settings = settings.model_copy(update={"aws": demo_settings(emulator.url)})
            cloud_scopes["aws"] = Scope(regions=report.regions)
        if "azure" in chosen:
            arm = stack.enter_context(FakeArm(load_estate()))
            settings = settings.model_copy(update={"azure": arm.settings()})
        if "gcp" in chosen:
            gcp = stack.enter_context(GcpFake())
            settings = settings.model_copy(update={"gcp": gcp.settings()})
        if not app.quiet:
            app.err.print(Text(f"demo: example estate of {', '.join(chosen)} on 127.0.0.1"))
        request = ScanRequest(
            clouds=chosen,
            scope=Scope(),
            cloud_scopes=cloud_scopes,
            evaluate_rules=True,
            environ={},  # the clouds are named: no credential is detected
            settings=settings,
        )
        with app.progress() as progress:
            result = run(request, progress)
    return result


@click.command()
@click.option(
    "--cloud",
    "clouds",
    multiple=True,
    type=click.Choice(DEMO_CLOUDS),
    help="Only this cloud's part of the estate (repeatable). Default: all three.",
)
@click.option("--format", "fmt", default="table", show_default=True, help="table or json")
@click.option("-o", "--output", "outputs", multiple=True, metavar="FORMAT=PATH")
@click.option(
    "--top",
    type=click.IntRange(1),
    help="Findings shown [default: 10 in the summary, 15 with --full].",
)
@FULL_OPTION
@WIDE_OPTION
@store_option
@click.pass_obj
def demo(
    app: App,
    clouds: tuple[str, ...],
    fmt: str,
    outputs: tuple[str, ...],
    top: int | None,
    full: bool,
    wide: bool,
    store_url: str | None,
) -> None:
    """Scan the bundled example AI estate (AWS, Azure, Google Cloud) in local emulations."""
    parsed = parse_outputs(outputs)
    store = open_store_or_abort(app, store_url) if store_url else None
    result = run_demo(app, clouds)
    result = with_lifecycle(app, store, result)
    emit(
        app,
        result,
        command="scan",
        fmt=fmt,
        outputs=parsed,
        top=top or (None if not full and app.out.is_terminal else 15),
        wide=wide,
        summary_hints=None if full else summary_hints(result, demo=True),
    )
    if store is not None:
        from aiscan.scan import exit_code

        # The demo's own exit stays 0; the store records what a scan of this estate would exit.
        would_exit = exit_code(result, None, allow_partial=False)
        if save(app, store, result, would_exit) != would_exit:
            raise click.exceptions.Exit(2)
    if fmt == "table" and not app.quiet and (full or not app.out.is_terminal):
        app.err.print(
            Text(
                "\nThis was the bundled example estate. Next: `aiscan scan` on your own clouds "
                "(read-only), `aiscan show <id>` for one asset, `aiscan rules list`."
            )
        )
