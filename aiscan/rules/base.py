"""The public rule API for rule packs (built-in and third-party).

A rule reads typed facts: `def my_rule(asset: Asset, facts: SomeFacts, ctx: RuleContext)`; the
annotation of `facts` is the rule's scope (the engine calls it only for assets whose facts are
instances), and `unread(facts.x)` tells a fact the collector could not read (answer manual).
"""

from collections.abc import Callable
from typing import TypeVar

from aiscan.core.facts import UNREAD, Facts, Unread, known, unread
from aiscan.core.graph.model import ANONYMOUS, INTERNET, EdgeType, EstateGraph
from aiscan.core.inventory import Inventory
from aiscan.core.model import Asset, AssetKind, Category, Cloud, PathHop, RelationType, Severity
from aiscan.core.rules import (
    GraphRuleFunc,
    PathResult,
    Result,
    RuleContext,
    RuleFunc,
    RuleMeta,
    graph_rule,
    rule,
)

__all__ = [
    "ANONYMOUS",
    "INTERNET",
    "UNREAD",
    "EdgeType",
    "EstateGraph",
    "GraphRuleFunc",
    "PathHop",
    "PathResult",
    "Asset",
    "AssetKind",
    "Category",
    "Cloud",
    "Facts",
    "Inventory",
    "RelationType",
    "Result",
    "RuleContext",
    "RuleFunc",
    "RuleMeta",
    "Severity",
    "Unread",
    "graph_rule",
    "judge",
    "known",
    "rule",
    "unread",
]

V = TypeVar("V")


def judge(
    value: V | Unread,
    fact: str,
    failing: Callable[[V], bool],
    *,
    fail: str,
    ok: str,
    evidence: dict[str, object],
) -> Result:
    """One fact decides the rule: manual naming `fact` when it was not read, fail with `evidence`
    when `failing(value)`, else ok. `evidence` is built before the value is judged, so it may hold
    the value and other facts (`known(...)`); it is only kept on a failure."""
    if unread(value):
        return Result.manual(f"not read: {fact}")
    if failing(value):
        return Result.fail(fail, evidence=evidence)
    return Result.ok(ok)
