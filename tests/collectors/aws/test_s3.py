"""S3 buckets referenced by AI assets: exposure, encryption, versioning and writers."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws

from aiscan.collectors.aws import guard, s3
from aiscan.collectors.aws.context import References, ScopeContext
from aiscan.core.inventory import Inventory, InventoryBuilder
from aiscan.core.model import AssetKind, CoverageStatus
from tests import awsfake

DATA = Path(__file__).resolve().parents[2] / "data" / "aws"
ACCOUNT = "123456789012"
FLAGS_ON = dict.fromkeys(s3.FLAGS, True)


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text())


def run_global(
    fn: Callable[[ScopeContext], None],
    service: str,
    refs: References,
    handlers: Mapping[str, awsfake.Handler] | None = None,
) -> Inventory:
    """Run a global service module the way the collector does, with primed references."""
    session = awsfake.session_factory(handlers)(None)
    guard.install(session._session)
    sink = InventoryBuilder()
    ctx = ScopeContext(
        account=ACCOUNT,
        region="global",
        service=service,
        partition="aws",
        client=lambda svc, region: session.client(svc, region_name=region),
        sink=sink,
        refs=refs,
    )
    ctx.section(service, fn, ctx)
    sink.add_coverage(ctx.coverage())
    return sink.build()


def refs_for(*buckets: str) -> References:
    refs = References()
    for bucket in buckets:
        refs.add("buckets", bucket, f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:model/m")
    return refs


def bucket_arn(name: str) -> str:
    return f"arn:aws:s3:::{name}"


# -- pure transforms on recorded responses --------------------------------------------------------


def test_recorded_public_bucket():
    asset = s3.to_bucket(load("s3_bucket_public.json"), "aws", ACCOUNT)
    assert asset.id == bucket_arn("models-public")
    assert asset.kind is AssetKind.BUCKET
    assert asset.type == "AWS::S3::Bucket"
    assert asset.region == "us-east-1"
    attrs = asset.attributes
    assert attrs["public"] is True
    assert attrs["public_reasons"] == [
        "bucket policy allows public access",
        "ACL grants READ to AllUsers",
    ]
    assert attrs["block_public_access"] == dict.fromkeys(s3.FLAGS.values(), False)
    # no default-encryption configuration: S3 applies SSE-S3 anyway
    assert attrs["encryption"] == {"algorithm": "AES256", "kms_key": None, "default": True}
    assert attrs["versioning"] == "Disabled"
    assert attrs["logging_enabled"] is False
    assert attrs["owned"] is True
    # s3:Put* to another account, s3:* to anyone in the org (conditional)
    assert attrs["write_principals"] == ["*", "arn:aws:iam::210987654321:root"]
    assert attrs["write_principals_conditional"] == ["*"]
    assert isinstance(asset.raw["GetBucketPolicy"]["Policy"], dict)


def test_recorded_private_bucket():
    asset = s3.to_bucket(load("s3_bucket_private.json"), "aws", ACCOUNT)
    attrs = asset.attributes
    assert attrs["public"] is False
    assert "public_reasons" not in attrs
    assert attrs["block_public_access"] == dict.fromkeys(s3.FLAGS.values(), True)
    assert attrs["encryption"] == {
        "algorithm": "aws:kms",
        "kms_key": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "default": False,
    }
    assert attrs["kms_key"] == attrs["encryption"]["kms_key"]
    assert attrs["bucket_key_enabled"] is True
    assert attrs["versioning"] == "Enabled"
    assert attrs["logging_enabled"] is True
    assert attrs["write_principals"] == []
    assert asset.tags == {"team": "ml"}


def test_account_block_decides_public_and_unknown_account_block_leaves_it_open():
    payload = load("s3_bucket_public.json")
    blocked = {**payload, "AccountPublicAccessBlock": {"PublicAccessBlockConfiguration": FLAGS_ON}}
    attrs = s3.to_bucket(blocked, "aws", ACCOUNT).attributes
    assert attrs["public"] is False
    assert attrs["block_public_access"] == dict.fromkeys(s3.FLAGS.values(), True)
    assert attrs["bucket_block_public_access"] == dict.fromkeys(s3.FLAGS.values(), False)

    unknown = {k: v for k, v in payload.items() if k != "AccountPublicAccessBlock"}
    attrs = s3.to_bucket(unknown, "aws", ACCOUNT).attributes
    assert "public" not in attrs  # the account block could have changed the answer
    assert "account_block_public_access" not in attrs
    assert attrs["public_reasons"]

    # a bucket-level block settles it without the account level
    bucket_blocked = {
        **unknown,
        "GetPublicAccessBlock": {"PublicAccessBlockConfiguration": FLAGS_ON},
    }
    assert s3.to_bucket(bucket_blocked, "aws", ACCOUNT).attributes["public"] is False


def test_unreadable_policy_status_leaves_public_absent():
    payload = load("s3_bucket_private.json")
    payload["GetPublicAccessBlock"] = {"Error": {"Code": "NoSuchPublicAccessBlockConfiguration"}}
    del payload["GetBucketPolicyStatus"]
    attrs = s3.to_bucket(payload, "aws", ACCOUNT).attributes
    assert "public" not in attrs
    assert "policy_public" not in attrs


def test_write_principals_handle_wildcards_notaction_and_other_actions():
    policy = {
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:role/a"}, "Action": "s3:*"},
            {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::1:role/b"]}, "Action": "*"},
            {
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "NotAction": "s3:Delete*",
            },
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::1:role/c"},
                "NotAction": ["s3:Put*"],
            },
            {"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:ListBucket"]},
            {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject"},
            {
                "Effect": "Allow",
                "NotPrincipal": {"AWS": "arn:aws:iam::1:role/d"},
                "Action": "s3:putobject",
            },
        ]
    }
    writers, conditional = s3.write_principals(policy)
    assert writers == [
        "*",
        "arn:aws:iam::1:role/a",
        "arn:aws:iam::1:role/b",
        "logging.s3.amazonaws.com",
    ]
    assert conditional == []
    assert s3.write_principals(None) == ([], [])


# -- the real SDK under moto ----------------------------------------------------------------------


def _seed() -> None:
    client = boto3.client("s3", region_name="us-east-1")
    client.create_bucket(Bucket="ai-public")
    client.put_bucket_policy(
        Bucket="ai-public",
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": ["s3:GetObject", "s3:PutObject"],
                        "Resource": "arn:aws:s3:::ai-public/*",
                    }
                ],
            }
        ),
    )
    client.create_bucket(Bucket="ai-private")
    client.put_public_access_block(Bucket="ai-private", PublicAccessBlockConfiguration=FLAGS_ON)
    client.put_bucket_versioning(Bucket="ai-private", VersioningConfiguration={"Status": "Enabled"})
    client.put_bucket_encryption(
        Bucket="ai-private",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
        },
    )
    eu = boto3.client("s3", region_name="eu-west-1")
    eu.create_bucket(Bucket="ai-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    client.create_bucket(Bucket="payroll-exports")  # not referenced by any AI asset


@mock_aws
def test_only_referenced_buckets_are_collected_with_their_posture():
    _seed()
    inv = run_global(s3.collect, "s3", refs_for("ai-public", "ai-private", "ai-eu", "ai-gone"))

    assert {a.id for a in inv.assets} == {
        bucket_arn("ai-public"),
        bucket_arn("ai-private"),
        bucket_arn("ai-eu"),
    }
    public = inv.get(bucket_arn("ai-public"))
    private = inv.get(bucket_arn("ai-private"))
    eu = inv.get(bucket_arn("ai-eu"))
    assert public is not None and private is not None and eu is not None
    assert public.attributes["public"] is True
    assert public.attributes["write_principals"] == ["*"]
    assert public.attributes["versioning"] == "Disabled"
    assert public.attributes["owned"] is True
    assert private.attributes["public"] is False
    assert private.attributes["versioning"] == "Enabled"
    # SSE-KMS with the AWS-managed key: encrypted, but not with a customer-managed key
    assert private.attributes["encryption"]["algorithm"] == "aws:kms"
    assert private.attributes["kms_key"] is None
    assert eu.region == "eu-west-1"
    assert eu.attributes["public"] is False

    (cov,) = inv.coverage
    assert (cov.account, cov.region, cov.service) == (ACCOUNT, "global", "s3")
    # a dangling reference is noted, not a failed read
    assert cov.status is CoverageStatus.OK
    assert "ai-gone does not exist" in cov.message


@mock_aws
def test_account_level_public_access_block_neutralises_a_public_policy():
    _seed()
    boto3.client("s3control", region_name="us-east-1").put_public_access_block(
        AccountId=ACCOUNT, PublicAccessBlockConfiguration=FLAGS_ON
    )
    inv = run_global(s3.collect, "s3", refs_for("ai-public"))
    (asset,) = inv.assets
    assert asset.attributes["policy_public"] is True
    assert asset.attributes["public"] is False
    assert asset.attributes["account_block_public_access"] == dict.fromkeys(s3.FLAGS.values(), True)


def _only_for(bucket: str, handler: awsfake.Handler) -> awsfake.Handler:
    def conditional(params: dict[str, Any], **kwargs: Any) -> Any:
        if params.get("context", {}).get("aiscan_params", {}).get("Bucket") == bucket:
            return handler(params=params, **kwargs)
        return None

    return conditional


@mock_aws
def test_denied_policy_status_marks_the_scope_denied_and_keeps_other_buckets():
    _seed()
    inv = run_global(
        s3.collect,
        "s3",
        refs_for("ai-public", "ai-private"),
        handlers={
            "before-call.s3.GetBucketPolicyStatus": _only_for(
                "ai-public", awsfake.error("AccessDenied", status=403)
            )
        },
    )
    assert {a.id for a in inv.assets} == {bucket_arn("ai-public"), bucket_arn("ai-private")}
    denied = inv.get(bucket_arn("ai-public"))
    assert denied is not None
    assert "policy_public" not in denied.attributes
    assert "public" not in denied.attributes  # never a silent "not public"
    assert denied.attributes["versioning"] == "Disabled"  # the other reads still happened
    private = inv.get(bucket_arn("ai-private"))
    assert private is not None and private.attributes["public"] is False
    (cov,) = inv.coverage
    assert cov.status is CoverageStatus.DENIED
    assert "GetBucketPolicyStatus" in cov.message and "ai-public" in cov.message


@mock_aws
def test_denied_account_block_is_recorded_and_nothing_read_without_references():
    _seed()
    inv = run_global(s3.collect, "s3", References())
    assert inv.assets == ()
    assert inv.coverage[0].status is CoverageStatus.OK

    inv = run_global(
        s3.collect,
        "s3",
        refs_for("ai-private"),
        handlers={"before-call.s3-control.GetPublicAccessBlock": awsfake.error("AccessDenied")},
    )
    (asset,) = inv.assets
    assert "account_block_public_access" not in asset.attributes
    assert asset.attributes["public"] is False  # the bucket's own block settles it
    assert inv.coverage[0].status is CoverageStatus.DENIED


@mock_aws
def test_another_accounts_bucket_that_refuses_reads_is_noted_not_denied(monkeypatch):
    _seed()
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "210987654321")  # create it as another account
    boto3.client("s3", region_name="us-east-1").create_bucket(
        Bucket="jumpstart-cache-prod-us-east-1"
    )
    monkeypatch.delenv("MOTO_ACCOUNT_ID")
    inv = run_global(
        s3.collect,
        "s3",
        refs_for("jumpstart-cache-prod-us-east-1", "ai-private"),
        handlers={
            "before-call.s3": _only_for(
                "jumpstart-cache-prod-us-east-1", awsfake.error("AccessDenied", status=403)
            )
        },
    )
    foreign = inv.get(bucket_arn("jumpstart-cache-prod-us-east-1"))
    assert foreign is not None
    assert foreign.attributes == {"owned": False}  # nothing readable is guessed
    (cov,) = inv.coverage
    assert cov.status is CoverageStatus.OK
    assert "belongs to another account" in cov.message


def test_bucket_policy_statements_for_anyone_are_kept():
    attrs = s3.to_bucket(load("s3_bucket_public_policy.json"), "aws", ACCOUNT).attributes
    assert attrs["public_statements"] == [
        {
            "policy": "bucket policy",
            "policy_arn": None,
            "sid": "Read",
            "effect": "Allow",
            "actions": ["s3:GetObject"],
            "resources": ["arn:aws:s3:::datasets-public/*"],
            "principals": ["*"],
            "has_condition": False,
        }
    ]
    assert s3.public_statements(
        {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"},
                        "Action": "s3:*", "Resource": "*"}]}
    ) == []  # fmt: skip
