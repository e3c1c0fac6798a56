"""The store's value types and errors (no SQLAlchemy here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


class StoreError(Exception):
    """The store cannot be opened, read or written: a usage/configuration error for the CLI."""


@dataclass(frozen=True)
class StoredScan:
    """One stored scan, as `aiscan history` lists it (the whole result is `Store.load(id)`)."""

    id: str
    started: datetime
    finished: datetime
    scope: dict[str, Any]
    clouds: tuple[str, ...]
    assets: int
    findings: int
    incomplete_scopes: int
    exit_code: int
    shard: str | None
