"""The public rule API for rule packs (built-in and third-party)."""

from aiscan.core.inventory import Inventory
from aiscan.core.model import Asset, AssetKind, Category, Cloud, RelationType, Severity
from aiscan.core.rules import Result, RuleContext, RuleFunc, RuleMeta, rule

__all__ = [
    "Asset",
    "AssetKind",
    "Category",
    "Cloud",
    "Inventory",
    "RelationType",
    "Result",
    "RuleContext",
    "RuleFunc",
    "RuleMeta",
    "Severity",
    "rule",
]
