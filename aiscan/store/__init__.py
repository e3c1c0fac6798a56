"""Scan history: every scan stored whole in SQLite or PostgreSQL, through one SQLAlchemy code path.

    store = open_store("scans.db")              # or sqlite:///scans.db, postgresql+psycopg://...
    scan_id = store.save(result, exit_code=0)   # one transaction: all of the scan or none of it
    store.scans(limit=10)                       # StoredScan summaries, newest first
    store.load(scan_id) == result

The schema is migrated (Alembic) when a store is opened, so an older store upgrades in place.
SQLAlchemy is imported by this package only: the CLI imports it inside the commands that use it.
"""

from __future__ import annotations

from aiscan.store.base import StoredScan, StoreError
from aiscan.store.sql import Store, open_store

__all__ = ["Store", "StoreError", "StoredScan", "open_store"]
