"""`aiscan history`: the scans kept in a scan store, newest first."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click
from rich.table import Table
from rich.text import Text

from aiscan.cli.app import App
from aiscan.cli.storing import display_url, existing_store_option, open_store_or_abort
from aiscan.core.sanitize import clean_text

if TYPE_CHECKING:
    from aiscan.store import StoredScan


def scope_text(scope: dict[str, Any]) -> str:
    """A one-line summary of a stored scan's scope (clouds, regions, services, shard)."""
    parts = []
    for key in ("regions", "services"):
        value = scope.get(key)
        if isinstance(value, list):
            parts.append(f"{key} {','.join(str(v) for v in value)}")
    for key in ("accounts", "subscriptions", "projects"):
        value = scope.get(key)
        if isinstance(value, list) and value:
            parts.append(f"{key} {','.join(str(v) for v in value)}")
    if scope.get("org"):
        parts.append("org")
    if scope.get("shard"):
        parts.append(f"shard {scope['shard']}")
    return "; ".join(parts) or "all"


def _as_json(s: StoredScan) -> dict[str, Any]:
    return {
        "id": s.id,
        "started": s.started.isoformat(),
        "finished": s.finished.isoformat(),
        "clouds": list(s.clouds),
        "scope": s.scope,
        "assets": s.assets,
        "findings": s.findings,
        "incomplete_scopes": s.incomplete_scopes,
        "exit_code": s.exit_code,
        "shard": s.shard,
    }


@click.command()
@existing_store_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
)
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
@click.pass_obj
def history(app: App, store_url: str, fmt: str, limit: int) -> None:
    """List the scans kept in a scan store (id, time, scope, counts, exit code), newest first."""
    from aiscan.store import StoreError

    store = open_store_or_abort(app, store_url)
    try:
        scans = store.scans(limit=limit)
    except StoreError as exc:
        app.abort(f"store {display_url(store_url)}: {exc}")
    finally:
        store.close()
    if fmt == "json":
        click.echo(json.dumps([_as_json(s) for s in scans], indent=2))
        return
    if not scans:
        app.out.print(Text("no scans stored yet (aiscan scan --store URL keeps one)"))
        return
    table = Table(title=f"{len(scans)} most recent scan(s)", title_justify="left")
    for name, justify in (
        ("id", "left"),
        ("started (UTC)", "left"),
        ("clouds", "left"),
        ("scope", "left"),
        ("assets", "right"),
        ("findings", "right"),
        ("incomplete", "right"),
        ("exit", "right"),
    ):
        table.add_column(
            name,
            justify=justify,  # type: ignore[arg-type]
            overflow="fold",
            no_wrap=name in ("id", "started (UTC)"),
        )
    for s in scans:
        table.add_row(
            Text(clean_text(s.id, 80)),
            Text(f"{s.started:%Y-%m-%d %H:%M:%S}"),
            Text(clean_text(",".join(s.clouds), 80)),
            Text(clean_text(scope_text(s.scope), 200)),
            str(s.assets),
            str(s.findings),
            Text(str(s.incomplete_scopes), style="yellow" if s.incomplete_scopes else ""),
            Text(str(s.exit_code), style="red" if s.exit_code else "green"),
        )
    app.out.print(table)
