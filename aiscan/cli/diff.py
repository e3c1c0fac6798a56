"""`aiscan diff [OLD] [NEW]`: what changed between two scans (JSON results or stored scans)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from aiscan.cli.app import App
from aiscan.cli.storing import open_store_or_abort, store_option
from aiscan.core.model import ScanResult, Severity

if TYPE_CHECKING:
    from aiscan.core.diff import Diff
    from aiscan.store import Store

EXIT_NEW = 1
EXIT_INCOMPLETE = 3


def load_result(app: App, source: str, store: Store | None) -> ScanResult:
    """A JSON result file, or (with a store) a stored scan id. Problems are usage errors."""
    path = Path(source)
    if path.is_file() or store is None:
        try:
            return ScanResult.model_validate_json(path.read_bytes())
        except OSError as exc:
            hint = "" if store is not None else " (a stored scan id needs --store)"
            app.abort(f"cannot read {source}: {exc.strerror}{hint}")
        except ValueError as exc:
            app.abort(f"{source} is not an aiscan JSON result: {str(exc)[:300]}")
    from aiscan.store import StoreError

    try:
        return store.load(source)
    except (StoreError, KeyError, LookupError) as exc:
        app.abort(f"no scan {source} in {store.url}: {exc}")


def latest_comparable(app: App, store: Store) -> tuple[str, str]:
    """The ids of the two newest stored scans of the same scope (older, newer)."""
    from aiscan.core.diff import comparable_scope

    scans = store.scans()
    if not scans:
        app.abort(f"{store.url} holds no scan yet")
    newest = scans[0]
    key = comparable_scope(newest.scope)
    for older in scans[1:]:
        if comparable_scope(older.scope) == key:
            return older.id, newest.id
    app.abort(
        f"{store.url} holds no earlier scan of the same scope as {newest.id}; "
        "name two scans (see aiscan history)"
    )


def seen_before(store: Store | None, old: ScanResult, new: ScanResult) -> frozenset[str]:
    """Fingerprints of NEW, absent from OLD, that a stored scan older than OLD reported."""
    if store is None:
        return frozenset()
    known = {f.fingerprint for f in old.findings}
    candidates = [f.fingerprint for f in new.findings if f.fingerprint not in known]
    if not candidates:
        return frozenset()
    seen = store.lifecycle(candidates)
    return frozenset(fp for fp, (first, _last) in seen.items() if first < old.scan.started)


def parse_outputs(values: tuple[str, ...]) -> list[tuple[str, Path]]:
    from aiscan.reporters.diff import FORMATS

    outputs = []
    for value in values:
        fmt, sep, path = value.partition("=")
        if not sep or fmt not in FORMATS or not path:
            raise click.BadParameter(
                f"{value!r} is not FORMAT=PATH with FORMAT one of {', '.join(FORMATS)}",
                param_hint="-o/--output",
            )
        outputs.append((fmt, Path(path)))
    return outputs


@click.command()
@click.argument("old", required=False)
@click.argument("new", required=False)
@store_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown"]),
    default="table",
    show_default=True,
    help="Output on stdout.",
)
@click.option(
    "-o",
    "--output",
    "outputs",
    multiple=True,
    metavar="FORMAT=PATH",
    help="Also write FORMAT (table, json, markdown) to PATH (repeatable).",
)
@click.option(
    "--fail-on-new",
    type=click.Choice([s.value for s in Severity], case_sensitive=False),
    help="Exit 1 when a new or regressed, unwaived finding at or above this severity appears.",
)
@click.option(
    "--allow-partial",
    is_flag=True,
    help="Exit 0 even when a scope of either scan could not be read (the diff still says so).",
)
@click.pass_obj
def diff(
    app: App,
    old: str | None,
    new: str | None,
    store_url: str | None,
    fmt: str,
    outputs: tuple[str, ...],
    fail_on_new: str | None,
    allow_partial: bool,
) -> None:
    """What changed between two scans: assets, security attributes and findings.

    From OLD to NEW: assets that appeared or disappeared, security-relevant
    attribute changes, findings new, resolved and regressed.

    \b
    OLD and NEW are JSON results (aiscan scan -o json=PATH) or, with --store, stored scan ids.
    Without them: the two newest comparable scans (same scope) in the store.
    Exit codes: 0 no alert, 1 a new finding at or above --fail-on-new, 2 usage error,
    3 a scope of either scan was not read (unless --allow-partial).
    """
    from aiscan.core.diff import diff as compare
    from aiscan.reporters.diff import render

    parsed = parse_outputs(outputs)
    if new is None and old is not None:
        raise click.UsageError("give both OLD and NEW, or neither (with --store)")
    store = open_store_or_abort(app, store_url) if store_url else None
    try:
        if old is None or new is None:
            if store is None:
                raise click.UsageError("without OLD and NEW, --store URL is needed")
            old, new = latest_comparable(app, store)
        old_result = load_result(app, old, store)
        new_result = load_result(app, new, store)
        earlier = seen_before(store, old_result, new_result)
    finally:
        if store is not None:
            store.close()
    d: Diff = compare(old_result, new_result, old_source=old, new_source=new, seen_before=earlier)
    for out_fmt, path in parsed:
        try:
            path.write_text(render(d, out_fmt), encoding="utf-8")
        except OSError as exc:
            app.abort(f"cannot write {path}: {exc.strerror}")
    if fmt == "table":
        from aiscan.reporters.diff import renderable

        app.out.print(renderable(d))
    else:
        click.echo(render(d, fmt), nl=False)
    raise click.exceptions.Exit(exit_code(app, d, fail_on_new, allow_partial))


def exit_code(app: App, d: Diff, fail_on_new: str | None, allow_partial: bool) -> int:
    if fail_on_new:
        alerts = d.alerting(Severity(fail_on_new.lower()))
        if alerts:
            app.warn(f"{len(alerts)} new or regressed finding(s) at or above {fail_on_new}")
            return EXIT_NEW
    if d.scope.unread and not allow_partial:
        app.warn(f"{len(d.scope.unread)} scope(s) not read by one of the scans: not compared")
        return EXIT_INCOMPLETE
    return 0
