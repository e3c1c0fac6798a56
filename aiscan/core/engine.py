"""The rule engine: walks the assets each rule applies to and turns results into findings; builds
the estate graph once and runs graph rules on it (attack paths); scores every finding's risk."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from pydantic import ValidationError

from aiscan.core.graph.build import build_graph
from aiscan.core.graph.model import EstateGraph
from aiscan.core.inventory import Inventory
from aiscan.core.model import (
    Asset,
    Category,
    Evaluation,
    Finding,
    ResultStatus,
    Severity,
    fingerprint,
)
from aiscan.core.risk import Reach, above_assets, assess, worst_by_asset
from aiscan.core.rules import AnyRule, GraphRuleFunc, PathResult, Result, RuleContext, RuleFunc

log = logging.getLogger(__name__)

#: The asset id an evaluation of a graph rule that could not run is reported on.
GRAPH_SCOPE = "aiscan:graph"


@dataclass(frozen=True)
class EngineOutput:
    findings: tuple[Finding, ...]
    evaluations: tuple[Evaluation, ...]


def evaluate(
    inventory: Inventory, rules: Sequence[AnyRule], graph: EstateGraph | None = None
) -> EngineOutput:
    """Every rule on `inventory`. `graph` is its estate graph (built here when not given)."""
    ctx = RuleContext(inventory)
    graph = graph if graph is not None else build_graph(inventory)
    findings: dict[str, Finding] = {}
    evaluations: list[Evaluation] = []
    reach: Reach = {}
    asset_rules = [cast(RuleFunc, r) for r in rules if not r.meta.graph]
    graph_rules = [cast(GraphRuleFunc, r) for r in rules if r.meta.graph]
    for rule_fn in asset_rules:
        meta = rule_fn.meta
        for asset in inventory.assets:
            if not meta.applies_to(asset):
                continue
            for res in _run(rule_fn, asset, ctx):
                if res.status is ResultStatus.FAIL:
                    f = to_finding(rule_fn, asset, res, graph, reach)
                    findings[f.fingerprint] = f
                else:
                    evaluations.append(
                        Evaluation(
                            rule_id=meta.id, asset_id=asset.id, status=res.status, reason=res.reason
                        )
                    )
    singles = worst_by_asset(findings.values())
    for graph_fn in graph_rules:
        results, error = _run_graph(graph_fn, graph)
        if error:
            evaluations.append(
                Evaluation(
                    rule_id=graph_fn.meta.id,
                    asset_id=GRAPH_SCOPE,
                    status=ResultStatus.MANUAL,
                    reason=error,
                )
            )
        for chain in dedupe(results):
            path_finding = to_path_finding(graph_fn, chain, graph, singles, reach)
            if path_finding is not None:
                findings[path_finding.fingerprint] = path_finding
    ordered = sorted(findings.values(), key=order)
    return EngineOutput(tuple(ordered), tuple(evaluations))


def order(f: Finding) -> tuple[int, float, str, str, str]:
    """Attack paths first, then by risk (worst first)."""
    return (
        0 if f.category is Category.ATTACK_PATH else 1,
        -f.risk_score,
        f.rule_id,
        f.asset_id,
        f.fingerprint,
    )


def _run(rule_fn: RuleFunc, asset: Asset, ctx: RuleContext) -> Iterable[Result]:
    if rule_fn.meta.facts:
        try:
            facts = asset.facts
        except ValidationError as exc:  # e.g. a result file written by an older aiscan
            return [Result.manual(f"facts do not validate: {_first_error(exc)}")]
    try:
        out = rule_fn(asset, facts, ctx) if rule_fn.meta.facts else rule_fn(asset, ctx)
        results = [out] if isinstance(out, Result) else list(out)
    except Exception as exc:  # a broken rule must not stop the scan; it shows as manual
        log.warning("rule %s failed on %s: %s", rule_fn.meta.id, asset.id, exc)
        return [Result.manual(f"rule error: {type(exc).__name__}: {exc}")]
    return results


def _run_graph(rule_fn: GraphRuleFunc, graph: EstateGraph) -> tuple[list[PathResult], str]:
    try:
        return [r for r in rule_fn(graph) if len(r.path) >= 2], ""
    except Exception as exc:  # a broken graph rule must not stop the scan: manual, never silent
        log.warning("graph rule %s failed: %s", rule_fn.meta.id, exc)
        return [], f"rule error: {type(exc).__name__}: {exc}"[:300]


def dedupe(results: Iterable[PathResult]) -> list[PathResult]:
    """One result per (entry, crown jewel): the shortest path, then the most evidenced, then the
    first in id order (deterministic)."""
    best: dict[tuple[str, str], PathResult] = {}
    for res in results:
        key = (res.entry, res.crown_jewel)
        held = best.get(key)
        if held is None or _rank(res) < _rank(held):
            best[key] = res
    return [best[k] for k in sorted(best)]


def _rank(res: PathResult) -> tuple[int, int, tuple[str, ...]]:
    evidenced = sum(1 for h in res.hops if h.evidence)
    return (len(res.path), -evidenced, res.path)


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ()))
    return f"{where}: {err.get('msg', '')}"[:300]


def to_finding(
    rule_fn: RuleFunc,
    asset: Asset,
    res: Result,
    graph: EstateGraph,
    reach: Reach | None = None,
) -> Finding:
    meta = rule_fn.meta
    severity: Severity = res.severity or meta.severity
    risk = assess(graph, severity, (asset.id,), cache=reach)
    return Finding(
        rule_id=meta.id,
        asset_id=asset.id,
        severity=severity,
        category=meta.category,
        title=meta.title,
        message=res.reason,
        evidence=res.evidence,
        remediation=meta.remediation,
        references=meta.references,
        risk_score=risk.score,
        risk=risk,
        fingerprint=fingerprint(meta.id, asset.id, res.key),
        path=res.path,
        cloud=asset.cloud,
        account=asset.account,
        region=asset.region,
    )


def to_path_finding(
    rule_fn: GraphRuleFunc,
    res: PathResult,
    graph: EstateGraph,
    singles: dict[str, Finding],
    reach: Reach | None = None,
) -> Finding | None:
    meta = rule_fn.meta
    jewel = graph.asset(res.crown_jewel)
    if jewel is None:  # a crown jewel outside the inventory has nowhere to be reported
        log.warning("graph rule %s: crown jewel %s is not an asset", meta.id, res.crown_jewel)
        return None
    severity: Severity = res.severity or meta.severity
    risk = above_assets(
        assess(graph, severity, res.path, entry=res.path[0], cache=reach), res.path, singles
    )
    return Finding(
        rule_id=meta.id,
        asset_id=jewel.id,
        severity=severity,
        category=Category.ATTACK_PATH,
        title=meta.title,
        message=res.reason,
        evidence={"entry": res.entry, "crown_jewel": jewel.id, **res.evidence},
        remediation=meta.remediation,
        references=meta.references,
        risk_score=risk.score,
        risk=risk,
        fingerprint=fingerprint(meta.id, jewel.id, key=res.entry),
        path=res.path,
        hops=res.hops,
        cloud=jewel.cloud,
        account=jewel.account,
        region=jewel.region,
    )
