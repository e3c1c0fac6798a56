"""IAM roles AI assets run as: what their policies allow, and who may assume them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws

from aiscan.collectors.aws import iam
from aiscan.collectors.aws.context import References
from aiscan.core.model import AssetKind, CoverageStatus
from tests import awsfake
from tests.collectors.aws.test_s3 import run_global

DATA = Path(__file__).resolve().parents[2] / "data" / "aws"
ACCOUNT = "123456789012"
USER = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:model/m"


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text())


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


# -- the pure policy summary ----------------------------------------------------------------------


def test_admin_from_the_document_and_from_the_name_alone():
    assert iam.summarize_policies([doc(allow("*"))]).administrator is True
    assert iam.summarize_policies([doc(allow("*:*"))]).administrator is True
    # the document could not be read, the attached AWS-managed policy's name still tells
    assert iam.summarize_policies([], ["AdministratorAccess"]).administrator is True
    # Action * on one resource is not administrator
    scoped = iam.summarize_policies([doc(allow("*", "arn:aws:s3:::b/*"))])
    assert scoped.administrator is False
    assert scoped.wildcard_resources is False


def test_least_privilege_policy_has_no_wildcards_and_no_s3_write():
    summary = iam.summarize_policies(
        [
            doc(
                allow(["s3:GetObject", "s3:ListBucket"], ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]),
                allow("ecr:BatchGetImage", "arn:aws:ecr:us-east-1:1:repository/r"),
            )
        ]
    )
    assert summary.attributes() == {
        "administrator": False,
        "wildcard_actions": [],
        "wildcard_resources": False,
        "full_access_policies": [],
        "s3_write_resources": [],
        "service_wide_grants": [],
    }


def test_s3_write_resources_by_pattern():
    summary = iam.summarize_policies(
        [
            doc(
                allow("s3:PutObject", "arn:aws:s3:::models/*"),
                allow("s3:Put*", "arn:aws:s3:::data/*"),
                allow("S3:*", ["arn:aws:s3:::raw/*", "arn:aws:dynamodb:*:*:table/t"]),
                allow("s3:DeleteObject", "arn:aws:s3:::scratch/*"),
                allow("s3:GetObject", "arn:aws:s3:::read-only/*"),
                {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::denied/*"},
            ),
            json.dumps(doc(allow("s3:PutObject*", "arn:aws:s3:::as-text/*"))),  # text documents
        ]
    )
    assert summary.s3_write_resources == [
        "arn:aws:s3:::models/*",
        "arn:aws:s3:::data/*",
        "arn:aws:s3:::raw/*",
        "arn:aws:s3:::scratch/*",
        "arn:aws:s3:::as-text/*",
    ]
    assert sorted(set(summary.wildcard_actions)) == ["S3:*", "s3:Put*", "s3:PutObject*"]
    assert summary.wildcard_resources is False


def test_notaction_and_notresource_are_read_conservatively():
    power_user = doc(
        {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}
    )
    summary = iam.summarize_policies([power_user])
    assert summary.wildcard_actions == ["*"]
    assert summary.wildcard_resources is True
    assert summary.s3_write_resources == ["*"]
    assert summary.administrator is False

    not_resource = doc({"Effect": "Allow", "Action": "s3:PutObject", "NotResource": "arn:x"})
    assert iam.summarize_policies([not_resource]).s3_write_resources == ["*"]
    # NotAction that excludes S3 writes grants none
    no_s3 = doc({"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"})
    assert iam.summarize_policies([no_s3]).s3_write_resources == []


def test_full_access_policies_are_recognised_by_name():
    summary = iam.summarize_policies(
        [], ["AmazonSageMakerFullAccess", "PowerUserAccess", "AmazonS3ReadOnlyAccess"]
    )
    assert sorted(summary.full_access_policies) == ["AmazonSageMakerFullAccess", "PowerUserAccess"]


def test_trust_summary():
    trust = doc(
        {
            "Effect": "Allow",
            "Principal": {"Service": ["sagemaker.amazonaws.com"]},
            "Action": "sts:AssumeRole",
        },
        {
            "Effect": "Allow",
            "Principal": {"AWS": ["arn:aws:iam::210987654321:root", f"{ACCOUNT}"]},
            "Action": "sts:AssumeRole",
        },
        {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"},
    )
    assert iam.trust_summary(trust, ACCOUNT) == {
        "trust_principals": [
            ACCOUNT,
            "arn:aws:iam::210987654321:root",
            "sagemaker.amazonaws.com",
        ],
        "trusted_services": ["sagemaker.amazonaws.com"],
        "trust_external_accounts": ["210987654321"],
    }
    # URL-encoded JSON (the raw IAM API form) is understood too
    encoded = "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%22%2A"
    encoded += "%22%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D"
    assert iam.trust_summary(encoded, ACCOUNT)["trust_principals"] == ["*"]


# -- transforms on recorded payloads --------------------------------------------------------------


def test_recorded_admin_role():
    asset = iam.to_role(load("iam_role_admin.json"), ACCOUNT)
    assert asset.id == f"arn:aws:iam::{ACCOUNT}:role/sm-admin"
    assert asset.kind is AssetKind.IDENTITY
    assert asset.type == "AWS::IAM::Role"
    assert asset.region is None
    attrs = asset.attributes
    assert attrs["administrator"] is True
    assert attrs["full_access_policies"] == ["AmazonSageMakerFullAccess"]
    assert attrs["wildcard_resources"] is True
    assert "*" in attrs["wildcard_actions"]
    assert attrs["policies_complete"] is True
    assert attrs["policies"] == ["AdministratorAccess", "AmazonSageMakerFullAccess"]
    assert attrs["trusted_services"] == ["bedrock.amazonaws.com", "sagemaker.amazonaws.com"]
    assert attrs["trust_external_accounts"] == ["210987654321"]


def test_recorded_bucket_writer_role():
    attrs = iam.to_role(load("iam_role_writer.json"), ACCOUNT).attributes
    assert attrs["administrator"] is False
    assert attrs["s3_write_resources"] == ["arn:aws:s3:::models-private/*"]
    assert attrs["wildcard_actions"] == ["logs:*"]
    assert attrs["wildcard_resources"] is True
    assert attrs["full_access_policies"] == []
    assert attrs["policies"] == ["ecr-pull", "model-bucket-rw"]
    assert attrs["inline_policies"] == ["ecr-pull"]
    assert attrs["trust_principals"] == ["sagemaker.amazonaws.com"]


# -- the real SDK under moto ----------------------------------------------------------------------

TRUST = json.dumps(
    doc(
        {
            "Effect": "Allow",
            "Principal": {"Service": "sagemaker.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    )
)


def _seed(*, admin: bool = True) -> dict[str, str]:
    client = boto3.client("iam", region_name="us-east-1")

    def role(name: str) -> str:
        return str(client.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)["Role"]["Arn"])

    arns = {"admin": role("ml-admin"), "writer": role("ml-writer"), "least": role("ml-least")}
    role("unrelated")
    if admin:  # AWS-managed policies exist in moto only when loaded (slower)
        client.attach_role_policy(
            RoleName="ml-admin", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess"
        )
    policy = client.create_policy(
        PolicyName="write-models",
        PolicyDocument=json.dumps(doc(allow("s3:PutObject", "arn:aws:s3:::models/*"))),
    )["Policy"]["Arn"]
    client.attach_role_policy(RoleName="ml-writer", PolicyArn=policy)
    client.put_role_policy(
        RoleName="ml-least",
        PolicyName="read-models",
        PolicyDocument=json.dumps(doc(allow("s3:GetObject", "arn:aws:s3:::models/*"))),
    )
    return arns


def _refs(*arns: str) -> References:
    refs = References()
    for arn in arns:
        refs.add("roles", arn, USER)
    return refs


@mock_aws(config={"iam": {"load_aws_managed_policies": True}})
def test_only_referenced_roles_of_this_account_are_collected():
    arns = _seed()
    foreign = "arn:aws:iam::210987654321:role/elsewhere"
    missing = f"arn:aws:iam::{ACCOUNT}:role/deleted"
    inv = run_global(iam.collect, "iam", _refs(*arns.values(), foreign, missing))

    assert {a.id for a in inv.assets} == set(arns.values())
    admin, writer, least = (inv.get(arns[k]) for k in ("admin", "writer", "least"))
    assert admin is not None and writer is not None and least is not None
    assert admin.attributes["administrator"] is True
    assert admin.attributes["policies_complete"] is True
    assert writer.attributes["administrator"] is False
    assert writer.attributes["s3_write_resources"] == ["arn:aws:s3:::models/*"]
    assert least.attributes["s3_write_resources"] == []
    assert least.attributes["wildcard_actions"] == []
    assert least.attributes["policies"] == ["read-models"]
    assert least.attributes["trusted_services"] == ["sagemaker.amazonaws.com"]
    (cov,) = inv.coverage
    assert cov.status is CoverageStatus.OK
    assert "deleted does not exist" in cov.message


@mock_aws
def test_denied_inline_policy_makes_the_summary_incomplete_and_the_scope_denied():
    arns = _seed(admin=False)
    inv = run_global(
        iam.collect,
        "iam",
        _refs(arns["least"], arns["writer"]),
        handlers={"before-call.iam.GetRolePolicy": awsfake.error("AccessDenied", status=403)},
    )
    least = inv.get(arns["least"])
    writer = inv.get(arns["writer"])
    assert least is not None and writer is not None
    assert least.attributes["policies_complete"] is False
    assert writer.attributes["policies_complete"] is True
    (cov,) = inv.coverage
    assert cov.status is CoverageStatus.DENIED
    assert "GetRolePolicy" in cov.message


@mock_aws
def test_full_scan_reads_the_node_role_an_eks_gpu_node_group_runs_as():
    client = boto3.client("iam", region_name="us-east-1")
    node_role = str(
        client.create_role(RoleName="gpu-node", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    )
    eks = boto3.client("eks", region_name="us-east-1")
    eks.create_cluster(name="ml", roleArn=node_role, resourcesVpcConfig={"subnetIds": ["subnet-1"]})
    eks.create_nodegroup(
        clusterName="ml",
        nodegroupName="gpu",
        nodeRole=node_role,
        subnets=["subnet-1"],
        instanceTypes=["g5.xlarge"],
    )
    inv = awsfake.collect(services=("eks", "iam"))
    assert {a.kind for a in inv.assets} == {AssetKind.GPU_COMPUTE, AssetKind.IDENTITY}
    role = inv.get(node_role)
    assert role is not None and role.attributes["policies_complete"] is True
    assert {(c.region, c.service, c.status) for c in inv.coverage} == {
        ("us-east-1", "eks", CoverageStatus.OK),
        ("global", "iam", CoverageStatus.OK),
    }


# -- the statements the security graph matches -----------------------------------------------------


def test_role_statements_keep_effect_negations_conditions_and_their_policy():
    asset = iam.to_role(load("iam_role_writer.json"), ACCOUNT)
    found = asset.facts.policy_statements  # type: ignore[attr-defined]
    assert [(s.policy, s.policy_arn, s.effect, s.actions, s.resources) for s in found] == [
        (
            "model-bucket-rw",
            f"arn:aws:iam::{ACCOUNT}:policy/model-bucket-rw",
            "Allow",
            ("s3:GetObject", "s3:PutObject"),
            ("arn:aws:s3:::models-private/*",),
        ),
        ("model-bucket-rw", f"arn:aws:iam::{ACCOUNT}:policy/model-bucket-rw", "Allow",
         ("logs:*",), ("*",)),
        (
            "ecr-pull",
            None,
            "Allow",
            ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"),
            ("arn:aws:ecr:us-east-1:123456789012:repository/llm/serve",),
        ),
    ]  # fmt: skip
    assert asset.facts.policy_statements_truncated is False  # type: ignore[attr-defined]

    payload = load("iam_role_writer.json")
    payload["InlinePolicies"][0]["PolicyDocument"] = doc(
        {
            "Sid": "NoDelete",
            "Effect": "Deny",
            "NotAction": "s3:Get*",
            "NotResource": ["arn:aws:s3:::keep/*"],
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}},
        },
        {"Effect": "Allow", "Action": 7, "Resource": "*"},  # not a pattern: dropped, flagged
        {"Effect": "Maybe", "Action": "*", "Resource": "*"},  # not a statement: dropped
    )
    asset = iam.to_role(payload, ACCOUNT)
    deny = asset.facts.policy_statements[2]  # type: ignore[attr-defined]
    assert (deny.sid, deny.effect, deny.actions, deny.not_actions) == (
        "NoDelete",
        "Deny",
        (),
        ("s3:Get*",),
    )
    assert (deny.resources, deny.not_resources, deny.has_condition) == (
        (),
        ("arn:aws:s3:::keep/*",),
        True,
    )
    assert len(asset.facts.policy_statements) == 4  # type: ignore[attr-defined]
    assert asset.facts.policy_statements_truncated is True  # type: ignore[attr-defined]


def test_role_statements_are_bounded():
    payload = load("iam_role_writer.json")
    huge = doc(*[allow(f"s3:GetObject{i}") for i in range(iam.MAX_STATEMENTS + 10)])
    payload["InlinePolicies"][0]["PolicyDocument"] = huge
    asset = iam.to_role(payload, ACCOUNT)
    assert len(asset.facts.policy_statements) == iam.MAX_STATEMENTS  # type: ignore[attr-defined]
    assert asset.facts.policy_statements_truncated is True  # type: ignore[attr-defined]
