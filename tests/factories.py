"""Factory helpers for rule tests: build assets and inventories without any cloud."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from aiscan.core.engine import evaluate
from aiscan.core.inventory import Inventory
from aiscan.core.model import Asset, AssetKind, Cloud, Finding, Relation, RelationType, ResultStatus
from aiscan.core.rules import RuleFunc


def asset(
    kind: AssetKind | str,
    id: str,  # noqa: A002
    *,
    service: str = "sagemaker",
    cloud: Cloud = Cloud.AWS,
    account: str = "123456789012",
    region: str | None = "us-east-1",
    type: str = "",  # noqa: A002
    **attributes: Any,
) -> Asset:
    made = Asset(
        id=id,
        cloud=cloud,
        account=account,
        region=region,
        kind=AssetKind(kind),
        service=service,
        type=type or f"test::{kind}",
        name=id.replace(":", "/").rsplit("/", 1)[-1],
        attributes=attributes,
    )
    made.facts  # noqa: B018 - hand-made facts must validate like collected ones
    return made


def raw_asset(kind: AssetKind | str, id: str, *, type: str, **attributes: Any) -> Asset:  # noqa: A002
    """Like `asset`, without validating the facts (malformed input on purpose)."""
    return Asset(
        id=id,
        cloud=Cloud.AWS,
        account="123456789012",
        region="us-east-1",
        kind=AssetKind(kind),
        service="sagemaker",
        type=type,
        name=id.rsplit("/", 1)[-1],
        attributes=attributes,
    )


def rel(source: str, type_: RelationType | str, target: str) -> Relation:
    return Relation(source=source, type=RelationType(type_), target=target)


def inventory(assets: Iterable[Asset], relations: Iterable[Relation] = ()) -> Inventory:
    return Inventory.of(assets, relations)


def run(rule: RuleFunc, inv: Inventory) -> list[Finding]:
    return list(evaluate(inv, [rule]).findings)


def failing_ids(rule: RuleFunc, inv: Inventory) -> set[str]:
    """The exact set of asset ids a rule fails on."""
    return {f.asset_id for f in run(rule, inv)}


def statuses(rule: RuleFunc, inv: Inventory) -> dict[str, ResultStatus]:
    """asset id -> status for every asset the rule evaluated (fail wins over other results)."""
    out = evaluate(inv, [rule])
    result = {e.asset_id: e.status for e in out.evaluations}
    result.update({f.asset_id: ResultStatus.FAIL for f in out.findings})
    return result


__all__: Sequence[str] = ("asset", "rel", "inventory", "run", "failing_ids", "statuses")
