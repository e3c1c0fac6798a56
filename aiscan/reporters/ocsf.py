"""OCSF Detection Finding (class 2004, OCSF 1.5.0, `cloud` and `datetime` profiles) for SIEMs and
security data lakes: a JSON array with one event per finding, the shape Prowler emits.

The finding fingerprint is `finding_info.uid`, so a SIEM can de-duplicate repeated scans. Waived
findings are `status: Suppressed` with the waiver in `status_detail`; the AI-specific context
(asset kind, evidence, attack path, waiver, baseline) goes in `resources[].data` and `unmapped`,
because OCSF's `ai_model` profile does not apply to findings. An attack path is also a graph in
the crown jewel's `resources[0].resource_relationship` (nodes in path order, one edge per hop with
its type and evidence), and every other asset on it is one more `resources[]` entry.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, ClassVar

from aiscan.core.model import Asset, Cloud, Finding, ScanResult, Severity
from aiscan.reporters.base import Reporter
from aiscan.reporters.resources import PROVIDER

OCSF_VERSION = "1.5.0"
CLASS_UID = 2004
CATEGORY_UID = 2
ACTIVITY_CREATE = 1
TYPE_UID = CLASS_UID * 100 + ACTIVITY_CREATE

SEVERITY_ID = {
    Severity.INFO: (1, "Informational"),
    Severity.LOW: (2, "Low"),
    Severity.MEDIUM: (3, "Medium"),
    Severity.HIGH: (4, "High"),
    Severity.CRITICAL: (5, "Critical"),
}
RISK_LEVEL_ID = {
    Severity.INFO: (0, "Info"),
    Severity.LOW: (1, "Low"),
    Severity.MEDIUM: (2, "Medium"),
    Severity.HIGH: (3, "High"),
    Severity.CRITICAL: (4, "Critical"),
}
STATUS_NEW = (1, "New")
STATUS_SUPPRESSED = (3, "Suppressed")
#: OCSF account.type_id for each cloud's account unit.
ACCOUNT_TYPE = {
    Cloud.AWS: (10, "AWS Account"),
    Cloud.AZURE: (13, "Azure Subscription"),
    Cloud.GCP: (11, "GCP Project"),
}
CLOUD_PROVIDER = {Cloud.AWS: "AWS", Cloud.AZURE: "Azure", Cloud.GCP: "GCP", Cloud.LOCAL: "local"}


class OcsfReporter(Reporter):
    name: ClassVar[str] = "ocsf"

    def render(self, result: ScanResult, *, command: str = "scan") -> str:
        return json.dumps(ocsf_events(result), indent=2) + "\n"


def ocsf_events(result: ScanResult) -> list[dict[str, Any]]:
    assets = {a.id: a for a in result.assets}
    return [_event(f, assets, result) for f in result.findings]


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _dt(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _lifecycle(f: Finding) -> dict[str, Any]:
    """first/last seen from the scan store (--store); absent without one."""
    out: dict[str, Any] = {}
    if f.first_seen is not None:
        out["first_seen_time"] = _ms(f.first_seen)
        out["first_seen_time_dt"] = _dt(f.first_seen)
    if f.last_seen is not None:
        out["last_seen_time"] = _ms(f.last_seen)
        out["last_seen_time_dt"] = _dt(f.last_seen)
    return out


def _node_name(node_id: str, assets: dict[str, Asset]) -> str:
    asset = assets.get(node_id)
    return asset.name if asset is not None else node_id.removeprefix("aiscan:")


def _path_nodes(f: Finding) -> list[str]:
    """An attack path's nodes once each: the path in order, then any hop end it does not name."""
    return list(dict.fromkeys([*f.path, *(n for h in f.hops for n in (h.source, h.target))]))


def _attack_graph(f: Finding, assets: dict[str, Asset]) -> dict[str, Any]:
    """The attack path as an OCSF graph (the crown jewel's `resource_relationship`): the path's
    nodes in order, one directed edge per hop with its type and evidence."""
    order = _path_nodes(f)
    nodes = []
    for step, node_id in enumerate(order):
        asset = assets.get(node_id)
        if asset is not None:
            kind = asset.kind.value
        else:
            kind = "synthetic" if node_id.startswith("aiscan:") else "external"
        nodes.append(
            {
                "uid": node_id,
                "name": _node_name(node_id, assets),
                "type": kind,
                "data": {"position": step},
            }
        )
    edges = [
        {
            "uid": f"{f.fingerprint}/{i + 1}",
            "name": hop.edge,
            "relation": hop.edge,
            "source": hop.source,
            "target": hop.target,
            "is_directed": True,
            "data": {"step": i + 1, "evidence": hop.evidence},
        }
        for i, hop in enumerate(f.hops)
    ]
    return {
        "uid": f.fingerprint,
        "name": "attack path",
        "type": "attack-path",
        "desc": " -> ".join(_node_name(n, assets) for n in order),
        "is_directed": True,
        "nodes": nodes,
        "edges": edges,
    }


def _path_resources(f: Finding, assets: dict[str, Asset]) -> list[dict[str, Any]]:
    """The other inventory assets on an attack path, so a SIEM finds the event by any of them."""
    out = []
    for node_id in _path_nodes(f):
        asset = assets.get(node_id)
        if asset is None or node_id == f.asset_id:
            continue
        resource: dict[str, Any] = {
            "uid": asset.id,
            "name": asset.name,
            "type": asset.type,
            "data": {"kind": asset.kind.value, "service": asset.service,
                     "cloud": asset.cloud.value, "role": "attack-path hop"},
        }  # fmt: skip
        if asset.region:
            resource["region"] = asset.region
        out.append(resource)
    return out


def _event(f: Finding, assets: dict[str, Asset], result: ScanResult) -> dict[str, Any]:
    asset = assets.get(f.asset_id)
    severity_id, severity = SEVERITY_ID[f.severity]
    risk_id, risk = RISK_LEVEL_ID[f.severity]
    status_id, status = STATUS_SUPPRESSED if f.suppressed else STATUS_NEW
    finished = result.scan.finished
    account: dict[str, Any] = {"uid": f.account}
    if f.cloud in ACCOUNT_TYPE:
        account["type_id"], account["type"] = ACCOUNT_TYPE[f.cloud]
    cloud: dict[str, Any] = {"provider": CLOUD_PROVIDER[f.cloud], "account": account}
    if f.region:
        cloud["region"] = f.region
    resource: dict[str, Any] = {
        "uid": f.asset_id,
        "name": asset.name if asset else f.asset_id,
        "type": asset.type if asset else "unknown",
        "data": {
            "kind": asset.kind.value if asset else None,
            "service": asset.service if asset else None,
            "cloud": f.cloud.value,
            "provider": PROVIDER[f.cloud],
        },
    }
    if f.region:
        resource["region"] = f.region
    if asset and asset.tags:
        resource["labels"] = [f"{k}={v}" for k, v in sorted(asset.tags.items())]
    if f.hops:
        resource["resource_relationship"] = _attack_graph(f, assets)
    event: dict[str, Any] = {
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "class_uid": CLASS_UID,
        "class_name": "Detection Finding",
        "type_uid": TYPE_UID,
        "type_name": "Detection Finding: Create",
        "time": _ms(finished),
        "time_dt": _dt(finished),
        "severity_id": severity_id,
        "severity": severity,
        "risk_level_id": risk_id,
        "risk_level": risk,
        "status_id": status_id,
        "status": status,
        "is_alert": not f.suppressed,
        "message": f.message or f.title,
        "finding_info": {
            "uid": f.fingerprint,
            "title": f.title,
            "desc": f.message or f.title,
            "types": [f.category.value],
            "created_time": _ms(finished),
            "created_time_dt": _dt(finished),
            "analytic": {"uid": f.rule_id, "name": f.title, "type_id": 1, "type": "Rule"},
            **_lifecycle(f),
        },
        "metadata": {
            "version": OCSF_VERSION,
            "product": {
                "name": result.tool.name,
                "vendor_name": result.tool.name,
                "version": result.tool.version,
            },
            "profiles": ["cloud", "datetime"],
            "event_code": f.rule_id,
            "uid": f.fingerprint,
        },
        "cloud": cloud,
        "resources": [resource, *(_path_resources(f, assets) if f.hops else [])],
        "remediation": {"desc": f.remediation, "references": list(f.references)},
        "unmapped": {
            "fingerprint": f.fingerprint,
            "risk_score": f.risk_score,
            "evidence": f.evidence,
            "attack_path": list(f.path),
            **({"hops": [h.model_dump(mode="json") for h in f.hops]} if f.hops else {}),
            "new": f.new,
            "age_days": f.age_days,
        },
    }
    if f.suppressed and f.suppression is not None:
        s = f.suppression
        event["status_detail"] = (
            f"waived by {s.waiver}: {s.reason} (owner {s.owner}, expires {s.expires.isoformat()})"
        )
        event["unmapped"]["suppression"] = s.model_dump(mode="json")
    return event
