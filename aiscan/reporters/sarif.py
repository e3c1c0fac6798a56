"""SARIF 2.1.0 for GitHub code scanning (and any other SARIF consumer).

Cloud resources have no source file, and GitHub shows only results with a physical location, so
each resource gets a stable pseudo-path (`aws/<account>/<region>/<service>/<resource>`) on line 1;
the native id is the logical location (and a result property, for other consumers).
`partialFingerprints.primaryLocationLineHash` is the finding fingerprint, so an alert stays the
same alert from scan to scan. Waived findings carry an accepted external `suppressions` entry;
against a baseline, `baselineState` says whether a result is new.

Built as plain dicts by one function: the SARIF object-model packages are stale or inject
defaults (see docs/ci-gate.md); tests validate against the OASIS schema.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, ClassVar

from aiscan.core.model import SEVERITY_SCORE, Asset, Finding, ScanResult, Severity
from aiscan.reporters.base import Reporter
from aiscan.reporters.resources import node_path, pseudo_path

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}


class SarifReporter(Reporter):
    name: ClassVar[str] = "sarif"

    def render(self, result: ScanResult, *, command: str = "scan") -> str:
        return json.dumps(sarif_log(result), indent=2) + "\n"


def sarif_log(result: ScanResult) -> dict[str, Any]:
    assets = {a.id: a for a in result.assets}
    by_rule: dict[str, list[Finding]] = {}
    for f in result.findings:
        by_rule.setdefault(f.rule_id, []).append(f)
    rule_ids = sorted(by_rule)
    index = {rid: i for i, rid in enumerate(rule_ids)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": result.tool.name,
                "version": result.tool.version,
                "semanticVersion": result.tool.version,
                "rules": [_rule(rid, by_rule[rid]) for rid in rule_ids],
            }
        },
        "automationDetails": {"id": "aiscan/"},
        "invocations": [_invocation(result)],
        "results": [
            _result(f, assets.get(f.asset_id), index[f.rule_id], assets) for f in result.findings
        ],
        "columnKind": "unicodeCodePoints",
    }
    if result.baseline is not None:
        run["properties"] = {"baseline": result.baseline.model_dump(mode="json")}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def _rule(rule_id: str, findings: list[Finding]) -> dict[str, Any]:
    first = findings[0]
    worst = max((f.severity for f in findings), key=lambda s: s.rank)
    # the rule's severity label (GitHub: > 9.0 critical); a risk score above it (an attack path
    # raised over the findings on its assets) wins
    score = max(SEVERITY_SCORE[worst], *(f.risk_score for f in findings))
    references = "\n".join(f"- `{r}`" for r in first.references) or "- none"
    markdown = (
        f"**{first.title}**\n\n"
        f"Category: `{first.category.value}` · default severity: `{worst.value}`\n\n"
        f"### Remediation\n\n{first.remediation}\n\n"
        f"### References\n\n{references}\n\n"
        f"`aiscan rules explain {rule_id}` shows the rule's description and risk."
    )
    properties: dict[str, Any] = {
        "tags": ["security", "cloud", "ai", first.category.value],
        "precision": "high",
    }
    if score > 0:
        properties["security-severity"] = f"{min(score, 10.0):.1f}"
    return {
        "id": rule_id,
        "name": _camel(first.title),
        "shortDescription": {"text": first.title[:1024]},
        "fullDescription": {"text": first.title},
        "help": {
            "text": f"{first.title}\n\nRemediation: {first.remediation}",
            "markdown": markdown,
        },
        "defaultConfiguration": {"level": LEVEL[worst]},
        "properties": properties,
    }


def _camel(title: str) -> str:
    words = [w for w in "".join(c if c.isalnum() else " " for c in title).split() if w]
    return "".join(w[:1].upper() + w[1:] for w in words) or "Rule"


def _result(
    f: Finding, asset: Asset | None, rule_index: int, assets: dict[str, Asset]
) -> dict[str, Any]:
    name = asset.name if asset else f.asset_id
    kind = f"{asset.kind.value} " if asset else ""
    out: dict[str, Any] = {
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": LEVEL[f.severity],
        "message": {"text": f"{f.title}: {f.message} ({kind}{name}, {f.asset_id})"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": pseudo_path(f, asset)},
                    "region": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1},
                },
                "logicalLocations": [
                    {
                        "name": name,
                        "fullyQualifiedName": f.asset_id,
                        "kind": asset.type if asset else "resource",
                    }
                ],
            }
        ],
        "partialFingerprints": {
            "primaryLocationLineHash": f.fingerprint,
            "aiscanFingerprint/v1": f.fingerprint,
        },
        "properties": {
            "severity": f.severity.value,
            "risk-score": f.risk_score,
            "category": f.category.value,
            "resource": f.asset_id,
            "cloud": f.cloud.value,
            "account": f.account,
            "region": f.region,
            "evidence": f.evidence,
            **({"attack-path": list(f.path)} if f.path else {}),
        },
    }
    if f.hops:
        out["codeFlows"] = [_code_flow(f, assets)]
    if f.new is not None:
        out["baselineState"] = "new" if f.new else "unchanged"
    if f.first_seen is not None and f.last_seen is not None:
        # Lifecycle from the scan store (--store): SARIF's own provenance fields, and the age.
        out["provenance"] = {
            "firstDetectionTimeUtc": _utc(f.first_seen),
            "lastDetectionTimeUtc": _utc(f.last_seen),
        }
        out["properties"]["first-seen"] = _utc(f.first_seen)
        out["properties"]["last-seen"] = _utc(f.last_seen)
        out["properties"]["age-days"] = f.age_days
    if f.suppressed and f.suppression is not None:
        s = f.suppression
        out["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"{s.reason} (owner {s.owner}, expires {s.expires.isoformat()})",
                "properties": {
                    "owner": s.owner,
                    "expires": s.expires.isoformat(),
                    "waiver": s.waiver,
                },
            }
        ]
    return out


def _name(node_id: str, assets: dict[str, Asset]) -> str:
    asset = assets.get(node_id)
    if asset is not None:
        return asset.name
    return node_id.removeprefix("aiscan:")


def _code_flow(f: Finding, assets: dict[str, Asset]) -> dict[str, Any]:
    """An attack path as a SARIF code flow: one thread-flow location per hop, at the node the
    hop reaches, its message `source --edge--> target` and the edge's evidence in properties,
    so code-scanning UIs show the steps in order."""
    chain = " -> ".join(_name(n, assets) for n in f.path) if f.path else ""
    locations = []
    for i, hop in enumerate(f.hops):
        target = assets.get(hop.target)
        text = f"{_name(hop.source, assets)} --{hop.edge}--> {_name(hop.target, assets)}"
        locations.append(
            {
                "location": {
                    "physicalLocation": {
                        "artifactLocation": {"uri": node_path(hop.target, target)},
                        "region": {"startLine": 1, "startColumn": 1},
                    },
                    "logicalLocations": [
                        {
                            "name": _name(hop.target, assets),
                            "fullyQualifiedName": hop.target,
                            "kind": target.type if target else "resource",
                        }
                    ],
                    "message": {"text": text},
                },
                "kinds": [hop.edge],
                "executionOrder": i + 1,
                "importance": "essential",
                "properties": {
                    "step": i + 1,
                    "edge": hop.edge,
                    "source": hop.source,
                    "target": hop.target,
                    "evidence": hop.evidence,
                },
            }
        )
    return {
        "message": {"text": f"attack path: {chain}" if chain else f"attack path to {f.asset_id}"},
        "threadFlows": [{"locations": locations}],
    }


def _utc(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _invocation(result: ScanResult) -> dict[str, Any]:
    incomplete = result.incomplete_scopes
    invocation: dict[str, Any] = {
        "executionSuccessful": not incomplete,
        "startTimeUtc": result.scan.started.isoformat().replace("+00:00", "Z"),
        "endTimeUtc": result.scan.finished.isoformat().replace("+00:00", "Z"),
    }
    if incomplete:
        invocation["toolExecutionNotifications"] = [
            {
                "level": "error",
                "message": {
                    "text": f"{c.status.value}: {c.cloud.value} {c.account} {c.region} "
                    f"{c.service}: {c.message}"
                },
            }
            for c in incomplete
        ]
    for notice in result.waivers:
        invocation.setdefault("toolConfigurationNotifications", []).append(
            {
                "level": "warning",
                "message": {
                    "text": f"waiver {notice.waiver} is {notice.status} "
                    f"(owner {notice.owner}, expires {notice.expires.isoformat()})"
                },
            }
        )
    return invocation
