"""The rule engine: walks the assets each rule applies to and turns results into findings."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from aiscan.core.inventory import Inventory
from aiscan.core.model import (
    SEVERITY_SCORE,
    Asset,
    Evaluation,
    Finding,
    ResultStatus,
    Severity,
    fingerprint,
)
from aiscan.core.rules import Result, RuleContext, RuleFunc

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EngineOutput:
    findings: tuple[Finding, ...]
    evaluations: tuple[Evaluation, ...]


def evaluate(inventory: Inventory, rules: Sequence[RuleFunc]) -> EngineOutput:
    ctx = RuleContext(inventory)
    findings: dict[str, Finding] = {}
    evaluations: list[Evaluation] = []
    for rule_fn in rules:
        meta = rule_fn.meta
        for asset in inventory.assets:
            if not meta.applies_to(asset):
                continue
            for res in _run(rule_fn, asset, ctx):
                if res.status is ResultStatus.FAIL:
                    f = to_finding(rule_fn, asset, res)
                    findings[f.fingerprint] = f
                else:
                    evaluations.append(
                        Evaluation(
                            rule_id=meta.id, asset_id=asset.id, status=res.status, reason=res.reason
                        )
                    )
    ordered = sorted(
        findings.values(), key=lambda f: (-f.risk_score, f.rule_id, f.asset_id, f.fingerprint)
    )
    return EngineOutput(tuple(ordered), tuple(evaluations))


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


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ()))
    return f"{where}: {err.get('msg', '')}"[:300]


def to_finding(rule_fn: RuleFunc, asset: Asset, res: Result) -> Finding:
    meta = rule_fn.meta
    severity: Severity = res.severity or meta.severity
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
        risk_score=SEVERITY_SCORE[severity],
        fingerprint=fingerprint(meta.id, asset.id, res.key),
        path=res.path,
        cloud=asset.cloud,
        account=asset.account,
        region=asset.region,
    )
