"""`aiscan merge SHARD.json...`: the shards of a `--shard K/N` run as one scan of the estate."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from aiscan.cli.app import App
from aiscan.cli.diff import load_result
from aiscan.cli.scan import (
    _formats,
    bom_options,
    conclude,
    load_baseline,
    load_waivers,
    parse_outputs,
)
from aiscan.cli.storing import open_store_or_abort, store_option
from aiscan.core.model import Severity

if TYPE_CHECKING:
    from aiscan.store import Store


def newest_shard_set(app: App, store: Store, window_hours: float) -> list[str]:
    """Ids of the newest run of each shard index, among shard scans of the newest shard's scope
    that started within `window_hours` of it: a shard that failed today is missing (and the
    merge refuses), never silently replaced by yesterday's."""
    from datetime import timedelta

    from aiscan.core.merge import unsharded_key
    from aiscan.core.shard import Shard

    scans = [s for s in store.scans() if s.shard]
    if not scans:
        app.abort(f"{store.url} holds no shard scan (scan with --shard K/N --store URL)")
    newest = scans[0]
    count = Shard.parse(str(newest.shard)).count
    key = unsharded_key(newest.scope)
    since = newest.started - timedelta(hours=window_hours)
    chosen: dict[int, str] = {}
    for s in scans:
        shard = Shard.parse(str(s.shard))
        if shard.count == count and unsharded_key(s.scope) == key and s.started >= since:
            chosen.setdefault(shard.index, s.id)
    return [chosen[k] for k in sorted(chosen)]


@click.command()
@click.argument("sources", nargs=-1)
@store_option
@click.option("--format", "fmt", default="table", show_default=True, help="Output on stdout.")
@click.option("-o", "--output", "outputs", multiple=True, metavar="FORMAT=PATH")
@click.option(
    "--fail-on",
    type=click.Choice([s.value for s in Severity], case_sensitive=False),
    help="Exit 1 when an unwaived finding at or above this severity exists (after the merge).",
)
@click.option("--waivers", "waivers_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="PREVIOUS.json",
)
@click.option("--allow-partial", is_flag=True, help="Exit 0 even when a scope was not read.")
@click.option(
    "--bom-spec",
    type=click.Choice(["1.6", "1.7"]),
    default="1.6",
    show_default=True,
    help="CycloneDX specification version of -o cyclonedx=PATH.",
)
@click.option("--top", type=click.IntRange(1), default=50, show_default=True)
@click.option(
    "--window",
    "window_hours",
    type=click.FloatRange(0, min_open=True),
    default=12.0,
    show_default=True,
    help="With --store and no SOURCES: hours within which the shards of one run started.",
)
@click.pass_obj
def merge(
    app: App,
    sources: tuple[str, ...],
    store_url: str | None,
    fmt: str,
    outputs: tuple[str, ...],
    fail_on: str | None,
    waivers_file: Path | None,
    baseline_file: Path | None,
    allow_partial: bool,
    bom_spec: str,
    top: int,
    window_hours: float,
) -> None:
    """Combine the shards of a scan into one result and evaluate the rules on it.

    Takes the results of `aiscan scan --shard K/N` (JSON files, or stored scan ids with
    --store; with --store and no SOURCES the newest complete set of shards) into one result, and
    evaluate the rules on the merged inventory. With --store the merged scan is stored too.

    \b
    Every shard 1..N must be there exactly once. Exit codes as `aiscan scan`.
    """
    from aiscan.core.merge import MergeError
    from aiscan.core.merge import merge as join

    parsed = parse_outputs(outputs)
    if fmt not in _formats():
        raise click.BadParameter(
            f"unknown format {fmt!r} (known: {', '.join(_formats())})", param_hint="--format"
        )
    waivers = load_waivers(app, waivers_file)
    baseline = load_baseline(app, baseline_file)
    store = open_store_or_abort(app, store_url) if store_url else None
    if not sources and store is None:
        raise click.UsageError("name the shard results, or give --store URL")
    ids = list(sources)
    if not ids and store is not None:
        ids = newest_shard_set(app, store, window_hours)
    results = [(src, load_result(app, src, store)) for src in ids]
    try:
        merged = join(results)
    except MergeError as exc:
        app.abort(str(exc))
    from aiscan.core.model import ScanInfo
    from aiscan.scan import assemble

    info = ScanInfo(
        started=merged.started,
        finished=merged.finished,
        scope=merged.scope,
        identity=merged.identity,
    )
    # Shard findings are not used: the rules judge the merged inventory as a whole.
    conclude(
        app,
        assemble(merged.inventory, info),
        store=store,
        waivers=waivers,
        baseline=baseline,
        baseline_file=baseline_file,
        fmt=fmt,
        outputs=parsed,
        top=top,
        options=bom_options(bom_spec),
        fail_on=fail_on,
        allow_partial=allow_partial,
    )
