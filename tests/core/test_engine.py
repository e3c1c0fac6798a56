from aiscan.core.engine import evaluate
from aiscan.core.inventory import InventoryBuilder
from aiscan.core.model import (
    AssetKind,
    Category,
    Cloud,
    Coverage,
    CoverageStatus,
    RelationType,
    ResultStatus,
    Severity,
)
from aiscan.core.rules import Result, rule
from tests.factories import asset, inventory


@rule(
    id="T-1",
    title="t",
    severity=Severity.MEDIUM,
    category=Category.ENCRYPTION,
    kinds=(AssetKind.BUCKET,),
    description="d",
    risk="r",
    remediation="fix",
    references=("x",),
)
def needs_kms(a, ctx):
    if "kms_key" not in a.attributes:
        return Result.manual("not read")
    return Result.ok() if a.attributes["kms_key"] else Result.fail("no key", evidence={"k": None})


@rule(
    id="T-2",
    title="boom",
    severity=Severity.HIGH,
    category=Category.ENCRYPTION,
    kinds=(AssetKind.BUCKET,),
    description="d",
    risk="r",
    remediation="fix",
    references=(),
)
def broken(a, ctx):
    raise KeyError("surprise")


def test_engine_results_and_fingerprints_are_stable():
    inv = inventory(
        [
            asset("bucket", "arn:aws:s3:::good", kms_key="k"),
            asset("bucket", "arn:aws:s3:::bad", kms_key=None),
            asset("bucket", "arn:aws:s3:::unknown"),
            asset("model", "arn:aws:sagemaker:us-east-1:1:model/m"),
        ]
    )
    out = evaluate(inv, [needs_kms, broken])
    assert [f.asset_id for f in out.findings] == ["arn:aws:s3:::bad"]
    f = out.findings[0]
    assert (f.severity, f.category, f.remediation) == (Severity.MEDIUM, Category.ENCRYPTION, "fix")
    # medium 5.5 x internal 0.6 x blast radius 0.7 (its identities reach nothing) = 2.31
    assert f.risk is not None
    assert [(r.name, r.value, r.level) for r in f.risk.factors] == [
        ("severity", 5.5, "medium"),
        ("exposure", 0.6, "internal"),
        ("blast-radius", 0.7, "0 reachable"),
    ]
    assert f.risk_score == f.risk.score == 2.3
    statuses = {(e.rule_id, e.asset_id): e.status for e in out.evaluations}
    assert statuses[("T-1", "arn:aws:s3:::good")] is ResultStatus.PASS
    assert statuses[("T-1", "arn:aws:s3:::unknown")] is ResultStatus.MANUAL
    # a crashing rule is reported as manual for each asset, never a crash or a pass
    assert statuses[("T-2", "arn:aws:s3:::good")] is ResultStatus.MANUAL
    reasons = {e.reason for e in out.evaluations if e.rule_id == "T-2"}
    assert reasons == {"rule error: KeyError: 'surprise'"}
    again = evaluate(inv, [needs_kms])
    assert again.findings[0].fingerprint == f.fingerprint


def test_builder_merges_and_keeps_worst_coverage():
    b = InventoryBuilder()
    b.add_asset(asset("bucket", "arn:aws:s3:::b", public=False))
    b.add_asset(asset("bucket", "arn:aws:s3:::b", versioning="Enabled"))
    b.add_relation("m", RelationType.STORES_ARTIFACT_IN, "arn:aws:s3:::b")
    b.add_relation("m", RelationType.STORES_ARTIFACT_IN, "arn:aws:s3:::b")
    cov = {"cloud": Cloud.AWS, "account": "1", "region": "us-east-1", "service": "s3"}
    b.add_coverage(Coverage(**cov, status=CoverageStatus.OK, assets=2))
    b.add_coverage(Coverage(**cov, status=CoverageStatus.DENIED, message="AccessDenied"))
    inv = b.build()
    assert inv.assets[0].attributes == {"public": False, "versioning": "Enabled"}
    assert len(inv.relations) == 1
    assert inv.coverage[0].status is CoverageStatus.DENIED and inv.coverage[0].assets == 2
    assert inv.incoming("arn:aws:s3:::b")[0].source == "m"
