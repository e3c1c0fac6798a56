"""Finding lifecycle: first seen, last seen and age, from what the store has seen before.

Pure (no SQLAlchemy): the store answers `Store.lifecycle`, this module applies the answer to the
scan being made, whose own start time is the newest sighting of each of its findings.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from aiscan.core.model import Finding, ScanResult


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def with_lifecycle(result: ScanResult, seen: Mapping[str, tuple[datetime, datetime]]) -> ScanResult:
    """Every finding gets first_seen (earliest stored sighting, or this scan), last_seen (this
    scan) and age_days (whole days between them)."""
    now = _utc(result.scan.started)

    def one(f: Finding) -> Finding:
        earlier = seen.get(f.fingerprint)
        first = min(_utc(earlier[0]), now) if earlier else now
        return f.model_copy(
            update={"first_seen": first, "last_seen": now, "age_days": (now - first).days}
        )

    return result.model_copy(update={"findings": tuple(one(f) for f in result.findings)})
