"""`aiscan prune --keep-days N`: the retention policy of a scan store."""

from __future__ import annotations

import click
from rich.text import Text

from aiscan.cli.app import App
from aiscan.cli.storing import display_url, existing_store_option, open_store_or_abort


@click.command()
@existing_store_option
@click.option(
    "--keep-days",
    type=click.IntRange(0),
    required=True,
    help="Keep the scans that started within the last N days; delete the older ones.",
)
@click.pass_obj
def prune(app: App, store_url: str, keep_days: int) -> None:
    """Delete stored scans older than --keep-days (first-seen times of findings survive)."""
    from aiscan.store import StoreError

    store = open_store_or_abort(app, store_url)
    try:
        removed = store.prune(keep_days)
        left = len(store.scans())
    except StoreError as exc:
        app.abort(f"store {display_url(store_url)}: {exc}")
    finally:
        store.close()
    app.out.print(Text(f"removed {removed} scan(s) older than {keep_days} day(s); {left} kept"))
