"""Joining shard results: exact by asset id and coverage scope; incomplete sets refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aiscan.core.merge import MergeError, merge
from aiscan.core.model import (
    Cloud,
    Coverage,
    CoverageStatus,
    ScanInfo,
    ScanResult,
    ToolInfo,
)
from tests.factories import asset, rel

ACCT = "123456789012"
BUCKET = "arn:aws:s3:::shared-artifacts"


def cov(region: str, service: str, assets: int, status=CoverageStatus.OK, message=""):
    return Coverage(
        cloud=Cloud.AWS,
        account=ACCT,
        region=region,
        service=service,
        status=status,
        assets=assets,
        message=message,
    )


def shard(k: int, n: int, assets, coverage, relations=(), scope=None) -> ScanResult:
    started = datetime(2026, 12, 1, 1, tzinfo=UTC) + timedelta(minutes=k)
    return ScanResult(
        tool=ToolInfo(version="t"),
        scan=ScanInfo(
            started=started,
            finished=started + timedelta(minutes=10),
            scope={
                "clouds": ["aws"],
                "regions": "all enabled",
                "shard": f"{k}/{n}",
                **(scope or {}),
            },
            identity={"aws.account": ACCT},
        ),
        assets=tuple(assets),
        relations=tuple(relations),
        coverage=tuple(coverage),
    )


def region_shards() -> list[tuple[str, ScanResult]]:
    """One account split by region: both regions' models use one bucket, so both shards read it
    in the account's global s3 scope."""
    east = asset("model", f"arn:aws:sagemaker:us-east-1:{ACCT}:model/a", kms_key=None)
    west = asset("model", f"arn:aws:sagemaker:us-west-2:{ACCT}:model/b", region="us-west-2")
    bucket1 = asset("bucket", BUCKET, service="s3", public=False)
    bucket2 = asset("bucket", BUCKET, service="s3", versioning="Enabled")
    one = shard(
        1,
        2,
        [east, bucket1],
        [cov("us-east-1", "sagemaker", 1), cov("global", "s3", 1, message="dangling: x")],
        [rel(east.id, "stores-artifact-in", BUCKET)],
    )
    two = shard(
        2,
        2,
        [west, bucket2],
        [
            cov("us-west-2", "sagemaker", 1),
            cov("global", "s3", 1, CoverageStatus.DENIED, "GetBucketPolicy: denied"),
        ],
        [rel(west.id, "stores-artifact-in", BUCKET)],
    )
    return [("s1.json", one), ("s2.json", two)]


def test_assets_read_by_two_shards_merge_and_count_once_in_their_scope():
    m = merge(region_shards())
    [bucket] = [a for a in m.inventory.assets if a.id == BUCKET]
    assert bucket.attributes == {"public": False, "versioning": "Enabled"}
    assert len(m.inventory.assets) == 3 and len(m.inventory.relations) == 2
    s3 = next(c for c in m.inventory.coverage if c.service == "s3")
    assert s3.status is CoverageStatus.DENIED  # the worst wins: the scan is incomplete
    assert s3.assets == 1
    assert s3.message == "GetBucketPolicy: denied; dangling: x"
    assert m.scope["merged_shards"] == 2 and "shard" not in m.scope
    assert m.started == region_shards()[0][1].scan.started


def test_identical_scope_records_of_several_shards_are_one():
    shards = region_shards()
    same = cov("global", "regions", 0, CoverageStatus.ERROR, "cannot list regions")
    shards = [(s, r.model_copy(update={"coverage": (*r.coverage, same)})) for s, r in shards]
    m = merge(shards)
    assert [c for c in m.inventory.coverage if c.service == "regions"] == [same]


def test_the_order_of_the_shard_files_does_not_matter():
    assert merge(region_shards()) == merge(list(reversed(region_shards())))


@pytest.mark.parametrize(
    ("mangle", "error"),
    [
        (lambda s: s[:1], "missing shard(s) 2 of 2"),
        (lambda s: [s[0], s[0], s[1]], "given twice"),
        (lambda s: [s[0], ("x", shard(2, 3, [], []))], "different runs"),
        (lambda s: [s[0], ("x", shard(2, 2, [], [], scope={"regions": ["eu-west-1"]}))], "scopes"),
        (lambda s: [], "no shard results"),
    ],
)
def test_an_incomplete_or_mixed_set_is_refused(mangle, error):
    with pytest.raises(MergeError, match=error.replace("(", r"\(").replace(")", r"\)")):
        merge(mangle(region_shards()))


def test_a_result_without_shard_is_refused():
    whole = region_shards()[0][1]
    scope = {k: v for k, v in whole.scan.scope.items() if k != "shard"}
    plain = whole.model_copy(update={"scan": whole.scan.model_copy(update={"scope": scope})})
    with pytest.raises(MergeError, match="not a shard result"):
        merge([("whole.json", plain)])
