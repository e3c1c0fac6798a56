"""Synthetic scan results for the store tests: every part of a ScanResult filled in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from aiscan.core.model import (
    Asset,
    AssetKind,
    BaselineInfo,
    Category,
    Cloud,
    Coverage,
    CoverageStatus,
    Evaluation,
    Finding,
    Relation,
    RelationType,
    ResultStatus,
    ScanInfo,
    ScanResult,
    Severity,
    Suppression,
    ToolInfo,
    WaiverNotice,
    fingerprint,
)

T0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


def asset(i: int, **attributes: Any) -> Asset:
    return Asset(
        id=f"arn:aws:sagemaker:us-east-1:123456789012:endpoint/ep-{i}",
        cloud=Cloud.AWS,
        account="123456789012",
        region="us-east-1",
        kind=AssetKind.ENDPOINT,
        service="sagemaker",
        type="AWS::SageMaker::Endpoint",
        name=f"ep-{i}",
        created_at=T0 - timedelta(days=i),
        tags={"team": "ml", "odd": "[bold]x[/bold] \u202e"},
        attributes={"public": i % 2 == 0, "kms_key": None, "models": [f"m-{i}"], **attributes},
        raw={"EndpointName": f"ep-{i}", "nested": {"n": i, "f": 0.5}},
    )


def finding(asset_id: str, rule: str = "AIS-T-001", **extra: Any) -> Finding:
    return Finding(
        rule_id=rule,
        asset_id=asset_id,
        severity=Severity.HIGH,
        category=Category.NETWORK_EXPOSURE,
        title="Endpoint is public",
        message="reachable from the internet",
        evidence={"public": True},
        remediation="make it private",
        references=("https://example.invalid/doc",),
        risk_score=8.0,
        fingerprint=fingerprint(rule, asset_id),
        cloud=Cloud.AWS,
        account="123456789012",
        region="us-east-1",
        **extra,
    )


def result(
    n: int = 5,
    *,
    started: datetime = T0,
    failing: range | list[int] | None = None,
    scope: dict[str, Any] | None = None,
) -> ScanResult:
    """`n` endpoints; findings on `failing` (default: the even ones)."""
    assets = tuple(asset(i) for i in range(n))
    fail = range(0, n, 2) if failing is None else failing
    findings = tuple(finding(assets[i].id) for i in fail)
    if findings:  # one waived finding with an attack path, so those fields round-trip too
        waived = finding(
            assets[fail[0]].id,
            rule="AIS-T-002",
            suppressed=True,
            suppression=Suppression(
                reason="accepted", owner="sec", expires=date(2027, 1, 1), waiver="w.yaml:3"
            ),
            path=(assets[fail[0]].id, "role/x"),
            new=True,
        )
        findings += (waived,)
    return ScanResult(
        tool=ToolInfo(version="0.1.0"),
        scan=ScanInfo(
            started=started,
            finished=started + timedelta(minutes=3),
            scope=scope or {"clouds": ["aws"], "regions": ["us-east-1"], "services": "all"},
            identity={"aws.account": "123456789012"},
        ),
        assets=assets,
        relations=tuple(
            Relation(source=a.id, type=RelationType.SERVES, target=f"model/m-{i}")
            for i, a in enumerate(assets)
        ),
        coverage=(
            Coverage(
                cloud=Cloud.AWS,
                account="123456789012",
                region="us-east-1",
                service="sagemaker",
                status=CoverageStatus.OK,
                assets=n,
            ),
            Coverage(
                cloud=Cloud.AWS,
                account="123456789012",
                region="us-east-1",
                service="bedrock",
                status=CoverageStatus.DENIED,
                message="AccessDenied",
            ),
        ),
        findings=findings,
        evaluations=tuple(
            Evaluation(rule_id="AIS-T-001", asset_id=a.id, status=ResultStatus.PASS)
            for i, a in enumerate(assets)
            if i not in fail
        ),
        waivers=(
            WaiverNotice(
                waiver="w.yaml:9",
                status="stale",
                rule="AIS-T-009",
                reason="old",
                owner="sec",
                expires=date(2027, 1, 1),
            ),
        ),
        baseline=BaselineInfo(source="prev.json", known=3, new=1, resolved=0),
    )
