"""The public rule API for rule packs (built-in and third-party).

A rule reads typed facts: `def my_rule(asset: Asset, facts: SomeFacts, ctx: RuleContext)`; the
annotation of `facts` is the rule's scope (the engine calls it only for assets whose facts are
instances), and `unread(facts.x)` tells a fact the collector could not read (answer manual).
"""

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
    "known",
    "rule",
    "unread",
]
