"""`--store URL` for the commands that make a scan (scan, inventory, demo), and opening a store
for the commands that read one (history, prune, diff).

The store is opened before the scan starts, so a wrong URL fails in a second rather than after an
hour of scanning; the lifecycle is applied before any output is written; the scan is saved last.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import click
from rich.text import Text

from aiscan.cli.app import App
from aiscan.core.model import ScanResult
from aiscan.core.sanitize import clean_text

if TYPE_CHECKING:
    from aiscan.store import Store

STORE_ENV = "AISCAN_STORE"


def _store(*, required: bool, help_text: str) -> Callable[[Callable[..., Any]], Any]:
    return click.option(
        "--store", "store_url", metavar="URL", envvar=STORE_ENV, required=required, help=help_text
    )


#: --store for the commands that make a scan (scan, inventory, demo).
store_option = _store(
    required=False,
    help_text=(
        "Keep the scan in a scan store and add first/last seen to findings: a SQLite file "
        f"path or postgresql+psycopg://USER@HOST/DB (env {STORE_ENV}). See docs/history.md."
    ),
)
#: --store for the commands that read or maintain a store (history, prune).
existing_store_option = _store(
    required=True,
    help_text=f"The scan store: a SQLite file path or postgresql+psycopg://... (env {STORE_ENV}).",
)


def display_url(url: str) -> str:
    """The URL with its password replaced by ***, for messages."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
    except ValueError:  # not a URL we can take apart: show none of it
        return "<store URL>"
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def open_store_or_abort(app: App, url: str) -> Store:
    """The store at `url`; a missing extra or an unusable store is a usage error (exit 2)."""
    try:
        from aiscan.store import StoreError, open_store
    except ImportError as exc:
        app.abort(f"the scan store needs its extra: pip install 'aiscan[store]' ({exc})")
    try:
        return open_store(url)
    except StoreError as exc:
        app.abort(f"store {display_url(url)}: {exc}")


def with_lifecycle(app: App, store: Store | None, result: ScanResult) -> ScanResult:
    """first_seen / last_seen / age_days on every finding, from the store's earlier scans."""
    if store is None:
        return result
    from aiscan.store import StoreError
    from aiscan.store.lifecycle import with_lifecycle as apply

    try:
        seen = store.lifecycle(f.fingerprint for f in result.findings)
    except StoreError as exc:
        app.abort(f"store {store.url}: {exc}")
    return apply(result, seen)


def save(app: App, store: Store | None, result: ScanResult, exit_code: int) -> int:
    """Save the scan; the exit code to use (2 when the store could not take the scan)."""
    if store is None:
        return exit_code
    from aiscan.store import StoreError

    try:
        scan_id = store.save(result, exit_code=exit_code)
    except StoreError as exc:
        app.err.print(Text(clean_text(f"aiscan: store {store.url}: {exc}", 2000), style="bold red"))
        return 2
    finally:
        store.close()
    if not app.quiet:
        app.err.print(Text(clean_text(f"stored scan {scan_id} in {store.url}", 500)))
    return exit_code
