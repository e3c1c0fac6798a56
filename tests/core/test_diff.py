"""`diff(old, new)`: what a user must see after a change, and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiscan.core.diff import aspect_of, attribute_changes, diff
from aiscan.core.engine import evaluate
from aiscan.core.inventory import Inventory
from aiscan.core.model import (
    Asset,
    Cloud,
    Coverage,
    CoverageStatus,
    Relation,
    ScanInfo,
    ScanResult,
    Severity,
    ToolInfo,
)
from aiscan.rules.exposure import RULES as EXPOSURE
from tests.factories import asset, rel

ACCT = "123456789012"
EP = f"arn:aws:sagemaker:us-east-1:{ACCT}:endpoint/chat"
EP2 = f"arn:aws:sagemaker:us-east-1:{ACCT}:endpoint/new-shadow"
EU_EP = f"arn:aws:sagemaker:eu-west-1:{ACCT}:endpoint/eu"
BUCKET = "arn:aws:s3:::ml-artifacts"
FOREIGN = "arn:aws:s3:::jumpstart-cache"


def cov(region: str, service: str, status: CoverageStatus = CoverageStatus.OK) -> Coverage:
    return Coverage(cloud=Cloud.AWS, account=ACCT, region=region, service=service, status=status)


def bucket(public: bool, **extra: object) -> Asset:
    return asset(
        "bucket", BUCKET, service="s3", type="AWS::S3::Bucket", public=public, kms_key=None, **extra
    )


def result(
    assets: list[Asset],
    coverage: list[Coverage] | None = None,
    relations: list[Relation] = (),
    *,
    regions: tuple[str, ...] = ("us-east-1",),
    day: int = 0,
) -> ScanResult:
    coverage = coverage or [cov(r, "sagemaker") for r in regions] + [cov("global", "s3")]
    inv = Inventory.of(assets, relations, coverage)
    out = evaluate(inv, list(EXPOSURE))
    started = datetime(2026, 11, 1, tzinfo=UTC) + timedelta(days=day)
    return ScanResult(
        tool=ToolInfo(version="test"),
        scan=ScanInfo(
            started=started,
            finished=started + timedelta(minutes=1),
            scope={"clouds": ["aws"], "regions": list(regions), "services": "all"},
        ),
        assets=inv.assets,
        relations=inv.relations,
        coverage=inv.coverage,
        findings=out.findings,
        evaluations=out.evaluations,
    )


def endpoint(asset_id: str = EP, region: str = "us-east-1", **attrs: object) -> Asset:
    return asset("endpoint", asset_id, region=region, authenticated=True, **attrs)


def test_an_unchanged_estate_diffs_to_nothing():
    old = result([endpoint(), bucket(False)])
    new = result([endpoint(), bucket(False)], day=1)
    d = diff(old, new)
    assert d.empty
    assert d.scope.same
    assert d.findings_unchanged == 0


def test_an_endpoint_added_is_the_one_asset_that_appeared():
    d = diff(
        result([endpoint(), bucket(False)]), result([endpoint(), endpoint(EP2), bucket(False)])
    )
    assert [a.id for a in d.assets_appeared] == [EP2]
    assert d.assets_appeared[0].kind == "endpoint"
    assert not d.assets_disappeared
    assert not d.assets_changed
    assert not d.findings_new


def test_a_bucket_made_public_shows_old_to_new_and_the_new_finding():
    d = diff(result([endpoint(), bucket(False)]), result([endpoint(), bucket(True)]))
    assert not d.assets_appeared and not d.assets_disappeared
    [change] = d.assets_changed
    assert change.asset.id == BUCKET
    assert [(c.attribute, c.aspect, c.old, c.new) for c in change.changes] == [
        ("public", "exposure", False, True)
    ]
    assert [(f.rule_id, f.asset_id) for f in d.findings_new] == [("XC-SC-009", BUCKET)]
    assert d.findings_new[0].severity is Severity.CRITICAL
    assert d.alerting(Severity.HIGH) == d.findings_new
    assert d.alerting(Severity.CRITICAL) == d.findings_new


def test_a_finding_fixed_is_resolved():
    d = diff(result([bucket(True)]), result([bucket(False)]))
    assert [f.asset_id for f in d.findings_resolved] == [BUCKET]
    assert not d.findings_new
    assert d.alerting(Severity.INFO) == ()


def test_a_finding_back_after_an_earlier_fix_is_a_regression_not_new():
    old, new = result([bucket(False)]), result([bucket(True)])
    fp = new.findings[0].fingerprint
    d = diff(old, new, seen_before={fp})
    assert not d.findings_new
    [f] = d.findings_regressed
    assert f.fingerprint == fp and "earlier" in f.why
    assert d.alerting(Severity.HIGH) == (f,)


def test_a_severity_that_rose_is_a_regression():
    old, new = result([bucket(True)]), result([bucket(True)])
    low = old.findings[0].model_copy(update={"severity": Severity.LOW})
    d = diff(old.model_copy(update={"findings": (low,)}), new)
    [f] = d.findings_regressed
    assert (f.old_severity, f.severity) == (Severity.LOW, Severity.CRITICAL)
    assert d.findings_unchanged == 0


def test_waived_findings_never_alert():
    old, new = result([bucket(False)]), result([bucket(True)])
    waived = new.findings[0].model_copy(update={"suppressed": True})
    d = diff(old, new.model_copy(update={"findings": (waived,)}))
    assert len(d.findings_new) == 1
    assert d.alerting(Severity.INFO) == ()


def test_a_smaller_scope_says_so_instead_of_reporting_the_rest_as_gone():
    eu = endpoint(EU_EP, region="eu-west-1", public_network_access="Enabled")
    old = result([endpoint(), eu, bucket(False)], regions=("us-east-1", "eu-west-1"))
    new = result([endpoint(), endpoint(EP2), bucket(False)], regions=("us-east-1",))
    d = diff(old, new)
    assert not d.scope.same
    assert d.scope.only_old == (f"aws {ACCT} eu-west-1 sagemaker",)
    assert d.scope.declared["regions"] == (["us-east-1", "eu-west-1"], ["us-east-1"])
    assert not d.assets_disappeared
    assert [a.id for a in d.assets_appeared] == [EP2]
    assert d.scope.excluded_assets == 1


def test_a_scope_denied_in_the_new_scan_is_not_compared():
    old = result([endpoint(), bucket(False)])
    new = result(
        [bucket(False)], [cov("us-east-1", "sagemaker", CoverageStatus.DENIED), cov("global", "s3")]
    )
    d = diff(old, new)
    assert not d.assets_disappeared
    assert d.scope.unread == (f"aws {ACCT} us-east-1 sagemaker (denied)",)
    assert not d.scope.same


def test_an_asset_of_another_account_counts_when_something_in_scope_uses_it():
    foreign = asset("bucket", FOREIGN, service="s3", account="999999999999", public=False)
    link = [rel(EP, "reads-data-from", FOREIGN)]
    old = result([endpoint(), foreign], relations=link)
    d = diff(old, result([endpoint()]))
    assert [a.id for a in d.assets_disappeared] == [FOREIGN]
    unlinked = diff(result([endpoint(), foreign]), result([endpoint()]))
    assert not unlinked.assets_disappeared


def test_attribute_aspects_follow_the_documented_names():
    assert aspect_of("public") == "exposure"
    assert aspect_of("internet_open_ports") == "exposure"
    assert aspect_of("network_isolation") == "exposure"
    assert aspect_of("kms_key") == "encryption"
    assert aspect_of("inter_container_encryption") == "encryption"
    assert aspect_of("role_arn") == "identity"
    assert aspect_of("write_principals") == "identity"
    assert aspect_of("content_filter") == "guardrails"
    assert aspect_of("enforced_guardrails") == "guardrails"
    assert aspect_of("containers") == "model"
    assert aspect_of("foundation_model") == "model"
    assert aspect_of("status") is None
    assert aspect_of("instance_count") is None


def test_only_security_attributes_change_and_unread_is_not_null():
    old = {"status": "InService", "kms_key": None, "data_capture": {"kms_key": "k1", "pct": 5}}
    new = {"status": "Updating", "data_capture": {"kms_key": "k2", "pct": 50}, "vpc": True}
    changes = {c.attribute: c for c in attribute_changes(old, new)}
    assert set(changes) == {"kms_key", "data_capture.kms_key", "vpc"}
    assert (changes["kms_key"].old_read, changes["kms_key"].new_read) == (True, False)
    assert (changes["vpc"].old_read, changes["vpc"].new) == (False, True)
    assert (changes["data_capture.kms_key"].old, changes["data_capture.kms_key"].new) == (
        "k1",
        "k2",
    )
