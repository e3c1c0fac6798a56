"""Joining the results of `--shard K/N` runs into the inventory of one scan of the whole estate.

Asset ids and coverage scopes are the join keys, so merging is exact: an asset read by two shards
(a bucket two regions' models use) is merged the way one process merges a second write of the
same id, and a scope recorded by several shards (an account's `global` s3 scope, when its regions
were split) keeps the worst status, every message and the number of distinct assets read there.
Findings of the shards are dropped: rules run again on the merged inventory, so rules that follow
relations see the whole estate.

Pure: the CLI loads the shard results and evaluates the rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiscan.core.diff import comparable_scope
from aiscan.core.inventory import Inventory, InventoryBuilder
from aiscan.core.model import Coverage, CoverageStatus, ScanResult
from aiscan.core.shard import Shard, ShardError


class MergeError(ValueError):
    """The results are not one complete set of shards of the same scan."""


@dataclass(frozen=True)
class Merged:
    inventory: Inventory
    scope: dict[str, Any]
    identity: dict[str, str]
    started: datetime
    finished: datetime


def shard_of(result: ScanResult, source: str) -> Shard:
    text = result.scan.scope.get("shard")
    if not isinstance(text, str):
        raise MergeError(f"{source} is not a shard result (scanned without --shard)")
    try:
        return Shard.parse(text)
    except ShardError as exc:
        raise MergeError(f"{source}: {exc}") from exc


def check_complete(results: Sequence[tuple[str, ScanResult]]) -> list[tuple[Shard, ScanResult]]:
    """The results ordered by shard index; MergeError unless they are exactly shards 1..N of
    one scope (a missing shard would be a silently smaller estate)."""
    if not results:
        raise MergeError("no shard results to merge")
    shards = [(shard_of(r, src), src, r) for src, r in results]
    counts = {s.count for s, _, _ in shards}
    if len(counts) > 1:
        raise MergeError(f"shards of different runs: N is {sorted(counts)}")
    count = counts.pop()
    seen: dict[int, str] = {}
    for s, src, _ in shards:
        if s.index in seen:
            raise MergeError(f"shard {s} given twice ({seen[s.index]} and {src})")
        seen[s.index] = src
    missing = [str(k) for k in range(1, count + 1) if k not in seen]
    if missing:
        raise MergeError(f"missing shard(s) {', '.join(missing)} of {count}")
    scopes = {unsharded_key(r.scan.scope) for _, _, r in shards}
    if len(scopes) > 1:
        raise MergeError("the shards were run with different scopes (clouds, regions, services)")
    return [(s, r) for s, _, r in sorted(shards, key=lambda x: x[0].index)]


def _unsharded(scope: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in scope.items() if k != "shard"}


def unsharded_key(scope: dict[str, Any]) -> str:
    return comparable_scope(_unsharded(scope))


def merge(results: Sequence[tuple[str, ScanResult]]) -> Merged:
    """`results`: (source, shard result) pairs; see `check_complete`."""
    ordered = check_complete(results)
    sink = InventoryBuilder()
    coverage: dict[tuple[str, str, str, str], list[Coverage]] = {}
    identity: dict[str, str] = {}
    for _shard, result in ordered:
        for asset in result.assets:
            sink.add_asset(asset)
        for rel in result.relations:
            sink.add_relation(rel.source, rel.type, rel.target)
        for cov in result.coverage:
            key = (cov.cloud.value, cov.account, cov.region, cov.service)
            coverage.setdefault(key, []).append(cov)
        identity.update(result.scan.identity)
    built = sink.build()
    merged_coverage = tuple(
        _one_scope(records, built) for _key, records in sorted(coverage.items())
    )
    first = ordered[0][1]
    scope = _unsharded(first.scan.scope)
    scope["merged_shards"] = len(ordered)
    return Merged(
        inventory=Inventory(
            assets=built.assets, relations=built.relations, coverage=merged_coverage
        ),
        scope=scope,
        identity=identity,
        started=min(r.scan.started for _, r in ordered),
        finished=max(r.scan.finished for _, r in ordered),
    )


_RANK = {
    CoverageStatus.SKIPPED: 0,
    CoverageStatus.OK: 1,
    CoverageStatus.ERROR: 2,
    CoverageStatus.DENIED: 3,
}


def _one_scope(records: list[Coverage], inventory: Inventory) -> Coverage:
    """One coverage record for a scope several shards read (identical records are one)."""
    distinct = list(dict.fromkeys(records))
    if len(distinct) == 1:
        return distinct[0]
    worst = max(distinct, key=lambda c: _RANK[c.status])
    parts = sorted({p for c in distinct for p in c.message.split("; ") if p})
    # The same asset read by two shards in one scope counts once, as in a single process.
    read = sum(
        1
        for a in inventory.assets
        if a.cloud == worst.cloud and a.account == worst.account and a.service == worst.service
    )
    return worst.model_copy(
        update={
            "message": "; ".join(parts)[:2000],
            "assets": min(read, sum(c.assets for c in distinct)),
        }
    )
