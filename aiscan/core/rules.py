"""Rule metadata, the `@rule` decorator and rule results.

The decorator only attaches metadata to a function; it registers nothing. Rule packs export an
explicit `RULES` tuple which the `aiscan.rules` entry point names.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import Field, ValidationError, computed_field

from aiscan.core.facts.base import Facts, resource_types
from aiscan.core.graph.model import EstateGraph
from aiscan.core.inventory import Inventory
from aiscan.core.model import (
    Asset,
    AssetKind,
    Category,
    Cloud,
    Frozen,
    PathHop,
    ResultStatus,
    Severity,
)


class RuleMeta(Frozen):
    id: str
    title: str
    severity: Severity
    category: Category
    description: str
    risk: str
    remediation: str
    references: tuple[str, ...] = Field(
        description="Security Hub control ids, Azure Policy ids, CIS, OWASP LLM/ML Top 10, ATLAS"
    )
    kinds: tuple[AssetKind, ...]
    clouds: tuple[Cloud, ...] = ()
    services: tuple[str, ...] = ()
    version: str = "1.0"
    graph: bool = Field(
        default=False,
        description="A graph rule: it reads the estate graph and reports attack paths",
    )
    facts: tuple[type[Facts], ...] = Field(
        default=(),
        exclude=True,
        description="The facts models the rule reads (from its `facts` parameter's annotation)",
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def resource_types(self) -> tuple[str, ...]:
        """The resource types (Asset.type) the rule applies to; empty means by kind only."""
        return tuple(sorted({t for cls in self.facts for t in resource_types(cls)}))

    def applies_to(self, asset: Asset) -> bool:
        """Scope is metadata: kind, cloud, service and, for typed rules, the facts model of the
        asset's resource type. An asset whose facts do not validate is in scope (the engine
        answers manual for it) so a broken payload is never a silent pass. A graph rule
        applies to no single asset: the engine gives it the whole graph."""
        if self.graph:
            return False
        if asset.kind not in self.kinds:
            return False
        if self.clouds and asset.cloud not in self.clouds:
            return False
        if self.services and asset.service not in self.services:
            return False
        if not self.facts:
            return True
        try:
            return isinstance(asset.facts, self.facts)
        except ValidationError:
            return any(asset.type in resource_types(cls) for cls in self.facts)


@dataclass(frozen=True)
class Result:
    """What a rule decides about one asset.

    `key` distinguishes several results of one rule on one asset (e.g. one per secret found) and
    feeds the finding fingerprint; `severity` overrides the rule's default for this result.
    """

    status: ResultStatus
    reason: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)
    key: str = ""
    severity: Severity | None = None
    path: tuple[str, ...] = ()

    @classmethod
    def fail(
        cls,
        reason: str,
        *,
        evidence: dict[str, Any] | None = None,
        key: str = "",
        severity: Severity | None = None,
        path: Iterable[str] = (),
    ) -> Result:
        return cls(ResultStatus.FAIL, reason, evidence or {}, key, severity, tuple(path))

    @classmethod
    def ok(cls, reason: str = "") -> Result:
        return cls(ResultStatus.PASS, reason)

    @classmethod
    def manual(cls, reason: str) -> Result:
        """The data that decides this rule could not be read: never a silent pass."""
        return cls(ResultStatus.MANUAL, reason)

    @classmethod
    def not_applicable(cls, reason: str = "") -> Result:
        return cls(ResultStatus.NOT_APPLICABLE, reason)


class RuleContext:
    """What a rule may see beyond its own asset: the whole (read-only) inventory."""

    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory


RuleOutput = Result | Iterable[Result]


class RuleFunc(Protocol):
    """`fn(asset, ctx)`, or for a typed rule `fn(asset, facts, ctx)` where `facts` is the
    asset's facts model (the engine passes it, already checked against `meta.facts`)."""

    meta: RuleMeta

    def __call__(self, asset: Asset, /, *args: Any) -> RuleOutput: ...


def facts_scope(fn: Callable[..., Any]) -> tuple[type[Facts], ...]:
    """The facts models named by the annotation of a rule's `facts` parameter (a class or a
    union of classes); () for an untyped rule."""
    hints = typing.get_type_hints(fn)
    hint = hints.get("facts")
    if hint is None:
        return ()
    members = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    if not all(isinstance(m, type) and issubclass(m, Facts) for m in members):
        raise TypeError(f"{fn.__name__}: the facts parameter must name Facts models")
    return tuple(members)


def rule(
    *,
    id: str,  # noqa: A002 - the metadata field is called id
    title: str,
    severity: Severity,
    category: Category,
    kinds: Iterable[AssetKind],
    description: str,
    risk: str,
    remediation: str,
    references: Iterable[str],
    clouds: Iterable[Cloud] = (),
    services: Iterable[str] = (),
    version: str = "1.0",
) -> Callable[[Callable[..., RuleOutput]], RuleFunc]:
    meta = RuleMeta(
        id=id,
        title=title,
        severity=severity,
        category=category,
        description=description,
        risk=risk,
        remediation=remediation,
        references=tuple(references),
        kinds=tuple(kinds),
        clouds=tuple(clouds),
        services=tuple(services),
        version=version,
    )

    def attach(fn: Callable[..., RuleOutput]) -> RuleFunc:
        fn.meta = meta.model_copy(update={"facts": facts_scope(fn)})  # type: ignore[attr-defined]
        return fn  # type: ignore[return-value]

    return attach


# -- graph rules ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PathResult:
    """What a graph rule reports: one attack path from an entry point to a crown jewel.

    `path` is the ordered node ids, crown jewel last; it may start with a synthetic node (the
    internet, the anonymous principal, a public hub). `hops` holds one PathHop per consecutive
    pair of `path` with the edge's type and evidence; a hop names the edge's own ends, so it may
    run against the path's direction. The entry point is the first asset of the path after any
    synthetic start; the engine keys the finding on (rule, crown jewel, entry point) so each
    chain is reported once.
    """

    path: tuple[str, ...]
    hops: tuple[PathHop, ...]
    reason: str
    evidence: dict[str, Any] = field(default_factory=dict)
    severity: Severity | None = None

    @property
    def entry(self) -> str:
        """The entry point: the first node that is not synthetic (``aiscan:`` ids)."""
        return next((n for n in self.path if not n.startswith("aiscan:")), self.path[0])

    @property
    def crown_jewel(self) -> str:
        return self.path[-1]


class GraphRuleFunc(Protocol):
    """`fn(graph)`: reads the EstateGraph (typed facts through `graph.asset(id).facts`) and yields
    PathResults."""

    meta: RuleMeta

    def __call__(self, graph: EstateGraph, /) -> Iterable[PathResult]: ...


def graph_rule(
    *,
    id: str,  # noqa: A002 - the metadata field is called id
    title: str,
    severity: Severity,
    kinds: Iterable[AssetKind],
    description: str,
    risk: str,
    remediation: str,
    references: Iterable[str],
    version: str = "1.0",
) -> Callable[[Callable[[EstateGraph], Iterable[PathResult]]], GraphRuleFunc]:
    """A rule over the whole estate graph. `kinds` are the crown jewels' kinds (metadata for
    `aiscan rules list` and the docs); graph rules are cross-cloud and in category attack-path."""
    meta = RuleMeta(
        id=id,
        title=title,
        severity=severity,
        category=Category.ATTACK_PATH,
        description=description,
        risk=risk,
        remediation=remediation,
        references=tuple(references),
        kinds=tuple(kinds),
        version=version,
        graph=True,
    )

    def attach(fn: Callable[[EstateGraph], Iterable[PathResult]]) -> GraphRuleFunc:
        fn.meta = meta  # type: ignore[attr-defined]
        return fn  # type: ignore[return-value]

    return attach


AnyRule = RuleFunc | GraphRuleFunc
