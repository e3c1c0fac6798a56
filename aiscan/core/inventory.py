"""Collecting into, and reading from, one inventory.

`InventoryBuilder` is what collectors write into (from many threads); `Inventory` is the frozen
result that rules and reporters read, with a small relation-graph index for rules that follow
relations (attack paths, "the bucket this model's artifact is stored in").
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from aiscan.core.model import Asset, AssetKind, Coverage, CoverageStatus, Relation, RelationType


class InventoryBuilder:
    """Thread-safe sink for collector output. Later writes of the same asset id merge attributes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._assets: dict[str, Asset] = {}
        self._relations: dict[tuple[str, str, str], Relation] = {}
        self._coverage: dict[tuple[str, str, str, str], Coverage] = {}

    def add_asset(self, asset: Asset) -> None:
        """Add (or merge into) an asset. Its facts are validated against the model of its
        resource type first: an undeclared or mistyped fact raises (pydantic.ValidationError)
        in the collector's section, which records it in that scope's coverage."""
        with self._lock:
            old = self._assets.get(asset.id)
            if old is not None:
                merged_attrs = {**old.attributes, **asset.attributes}
                merged_raw = {**old.raw, **asset.raw}
                asset = asset.model_copy(update={"attributes": merged_attrs, "raw": merged_raw})
            asset.facts  # noqa: B018 - validates (and caches) the typed view
            self._assets[asset.id] = asset

    def add_relation(self, source: str, type_: RelationType, target: str) -> None:
        if not source or not target or source == target:
            return
        rel = Relation(source=source, type=type_, target=target)
        with self._lock:
            self._relations[(source, type_.value, target)] = rel

    def add_coverage(self, cov: Coverage) -> None:
        """Record a scope; if the same scope is recorded twice, the worse status wins."""
        key = (cov.cloud.value, cov.account, cov.region, cov.service)
        with self._lock:
            old = self._coverage.get(key)
            if old is None:
                self._coverage[key] = cov
                return
            worse = cov if _status_rank(cov.status) > _status_rank(old.status) else old
            message = "; ".join(m for m in (old.message, cov.message) if m)
            self._coverage[key] = worse.model_copy(
                update={"message": message[:2000], "assets": old.assets + cov.assets}
            )

    def has_asset(self, asset_id: str) -> bool:
        with self._lock:
            return asset_id in self._assets

    def build(self) -> Inventory:
        with self._lock:
            assets = tuple(sorted(self._assets.values(), key=lambda a: (a.kind.value, a.id)))
            relations = tuple(
                sorted(self._relations.values(), key=lambda r: (r.source, r.type.value, r.target))
            )
            coverage = tuple(
                sorted(
                    self._coverage.values(),
                    key=lambda c: (c.cloud.value, c.account, c.region, c.service),
                )
            )
        return Inventory(assets=assets, relations=relations, coverage=coverage)


def _status_rank(status: CoverageStatus) -> int:
    return {
        CoverageStatus.OK: 0,
        CoverageStatus.SKIPPED: 1,
        CoverageStatus.ERROR: 2,
        CoverageStatus.DENIED: 3,
    }[status]


@dataclass(frozen=True)
class Inventory:
    assets: tuple[Asset, ...] = ()
    relations: tuple[Relation, ...] = ()
    coverage: tuple[Coverage, ...] = ()
    _by_id: dict[str, Asset] = field(default_factory=dict, init=False, repr=False, compare=False)
    _out: dict[str, list[Relation]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _in: dict[str, list[Relation]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        out: defaultdict[str, list[Relation]] = defaultdict(list)
        inc: defaultdict[str, list[Relation]] = defaultdict(list)
        for rel in self.relations:
            out[rel.source].append(rel)
            inc[rel.target].append(rel)
        object.__setattr__(self, "_by_id", {a.id: a for a in self.assets})
        object.__setattr__(self, "_out", dict(out))
        object.__setattr__(self, "_in", dict(inc))

    def get(self, asset_id: str) -> Asset | None:
        return self._by_id.get(asset_id)

    def of_kind(self, *kinds: AssetKind) -> Iterator[Asset]:
        return (a for a in self.assets if a.kind in kinds)

    def outgoing(self, asset_id: str, type_: RelationType | None = None) -> list[Relation]:
        rels = self._out.get(asset_id, [])
        return [r for r in rels if type_ is None or r.type == type_]

    def incoming(self, asset_id: str, type_: RelationType | None = None) -> list[Relation]:
        rels = self._in.get(asset_id, [])
        return [r for r in rels if type_ is None or r.type == type_]

    def targets(self, asset_id: str, type_: RelationType) -> list[Asset]:
        """Assets this one points at with `type_` (relations to ids outside the inventory drop)."""
        found = (self._by_id.get(r.target) for r in self.outgoing(asset_id, type_))
        return [a for a in found if a is not None]

    def sources(self, asset_id: str, type_: RelationType) -> list[Asset]:
        found = (self._by_id.get(r.source) for r in self.incoming(asset_id, type_))
        return [a for a in found if a is not None]

    @classmethod
    def of(
        cls,
        assets: Iterable[Asset],
        relations: Iterable[Relation] = (),
        coverage: Iterable[Coverage] = (),
    ) -> Inventory:
        return cls(assets=tuple(assets), relations=tuple(relations), coverage=tuple(coverage))
