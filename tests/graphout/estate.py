"""A small estate with one planted attack path (findings constructed by hand: the graph rules
live on another branch): internet -> notebook -> its role -> the artifact bucket of the model a
live endpoint serves. `hostile` names every asset with text that must stay inert."""

from __future__ import annotations

from datetime import UTC, datetime

from aiscan.core.graph import INTERNET
from aiscan.core.model import (
    Category,
    Cloud,
    Coverage,
    CoverageStatus,
    Finding,
    PathHop,
    Risk,
    RiskFactor,
    ScanInfo,
    ScanResult,
    Severity,
    ToolInfo,
    fingerprint,
)
from tests.factories import asset, rel

NB = "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/nb"
ROLE = "arn:aws:iam::123456789012:role/nb-role"
BUCKET = "arn:aws:s3:::model-artifacts"
MODEL = "arn:aws:sagemaker:us-east-1:123456789012:model/fraud"
ENDPOINT = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/fraud-prod"
OTHER = "arn:aws:s3:::unrelated-logs"
OUTSIDE = "arn:aws:s3:::not-in-the-inventory"

HOSTILE_NAME = '</script><img src=x onerror="alert(1)">"\'&\\N<b>]|;{}#\n\x1b[31m\u202e'


def path_finding(*, path: tuple[str, ...] | None = None, rule: str = "XC-PATH-001") -> Finding:
    hops = (
        PathHop(source=INTERNET, edge="exposed-to", target=NB,
                evidence={"reason": "direct internet access enabled", "auth": None}),
        PathHop(source=NB, edge="runs-as", target=ROLE),
        PathHop(source=ROLE, edge="can-write", target=BUCKET,
                evidence={"source": "iam-policy", "actions": ["s3:PutObject"],
                          "resource": "arn:aws:s3:::model-*/*"}),
        PathHop(source=BUCKET, edge="stores-artifact-in", target=MODEL,
                evidence={"via": "model artifact"}),
        PathHop(source=MODEL, edge="serves", target=ENDPOINT),
    )  # fmt: skip
    return Finding(
        rule_id=rule,
        asset_id=ENDPOINT,
        severity=Severity.CRITICAL,
        category=Category.ATTACK_PATH,
        title="Internet-exposed notebook can tamper with a production model",
        message="nb is reachable from the internet and its role can overwrite the artifact of "
        "the model fraud-prod serves",
        remediation="Disable direct internet access or scope the role's s3:PutObject.",
        risk_score=9.8,
        risk=Risk(
            score=9.8,
            factors=(
                RiskFactor(name="severity", value=9.0, level="critical", why="model tampering"),
                RiskFactor(name="exposure", value=1.0, level="internet", why="direct access"),
            ),
        ),  # fmt: skip
        fingerprint=fingerprint(rule, ENDPOINT, key=INTERNET),
        path=path if path is not None else (INTERNET, NB, ROLE, BUCKET, MODEL, ENDPOINT),
        hops=hops,
        cloud=Cloud.AWS,
        account="123456789012",
        region="us-east-1",
    )


def single_finding() -> Finding:
    return Finding(
        rule_id="AWS-SM-001",
        asset_id=NB,
        severity=Severity.HIGH,
        category=Category.NETWORK_EXPOSURE,
        title="Notebook has direct internet access",
        message="direct internet access is enabled",
        remediation="Disable it.",
        risk_score=7.0,
        fingerprint=fingerprint("AWS-SM-001", NB),
        cloud=Cloud.AWS,
        account="123456789012",
        region="us-east-1",
    )


def estate(*, hostile: str | None = None, paths: int = 1) -> ScanResult:
    assets = [
        asset("notebook", NB, direct_internet_access=True),
        asset("identity", ROLE, service="iam"),
        asset("bucket", BUCKET, service="s3"),
        asset("model", MODEL),
        asset("endpoint", ENDPOINT),
        asset("bucket", OTHER, service="s3"),
    ]
    if hostile is not None:
        assets = [a.model_copy(update={"name": hostile + a.name}) for a in assets]
    relations = (
        rel(NB, "runs-as", ROLE),
        rel(MODEL, "stores-artifact-in", BUCKET),
        rel(ENDPOINT, "serves", MODEL),
        rel(ENDPOINT, "writes-data-to", OUTSIDE),
    )
    findings = [single_finding()] + [path_finding(rule=f"XC-PATH-00{i + 1}") for i in range(paths)]
    now = datetime(2026, 1, 1, tzinfo=UTC)
    cov = Coverage(cloud=Cloud.AWS, account="123456789012", region="us-east-1",
                   service="sagemaker", status=CoverageStatus.OK)  # fmt: skip
    return ScanResult(
        tool=ToolInfo(version="t"),
        scan=ScanInfo(started=now, finished=now),
        assets=tuple(assets),
        relations=relations,
        coverage=(cov,),
        findings=tuple(findings),
    )
