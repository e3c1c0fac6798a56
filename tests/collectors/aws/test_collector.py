"""The AWS collector's fan-out: regions, organizations, and how failures become coverage."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError, EndpointConnectionError
from moto import mock_aws

from aiscan.collectors.aws.errors import classify
from aiscan.core.model import CoverageStatus
from tests import awsfake

TRUST = '{"Version":"2012-10-17","Statement":[]}'


def cov(inv, **match: str):
    return [c for c in inv.coverage if all(getattr(c, k) == v for k, v in match.items())]


def client_error(code: str, status: int = 400) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "ListThings",
    )


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (client_error("AccessDeniedException", 403), CoverageStatus.DENIED),
        (client_error("UnauthorizedOperation"), CoverageStatus.DENIED),
        (client_error("UnrecognizedClientException"), CoverageStatus.DENIED),
        (client_error("OptInRequired"), CoverageStatus.SKIPPED),
        (client_error("ThrottlingException"), CoverageStatus.ERROR),
        (client_error("UnknownOperationException"), CoverageStatus.ERROR),
        (client_error("InternalFailure", 500), CoverageStatus.ERROR),
        (EndpointConnectionError(endpoint_url="https://x"), CoverageStatus.ERROR),
        (
            EndpointConnectionError(
                endpoint_url="https://bedrock-agent.ap-east-1.amazonaws.com/agents/",
                error=OSError("Failed to resolve host ([Errno -2] Name or service not known)"),
            ),
            CoverageStatus.SKIPPED,
        ),
        (NotImplementedError("moto"), CoverageStatus.ERROR),
        (KeyError("NotebookInstanceName"), CoverageStatus.ERROR),
    ],
)
def test_classify(exc: BaseException, status: CoverageStatus) -> None:
    got, message = classify(exc)
    assert got is status
    assert message


@mock_aws
def test_service_not_offered_in_region_is_skipped_not_incomplete() -> None:
    inv = awsfake.collect(regions=("ap-east-1",), services=("bedrock",))
    [c] = cov(inv, service="bedrock")
    assert c.status is CoverageStatus.SKIPPED
    assert "not offered" in c.message


@mock_aws
def test_default_regions_are_the_enabled_ones() -> None:
    inv = awsfake.collect(regions=(), services=("ec2",))
    regions = {c.region for c in inv.coverage}
    assert {"us-east-1", "eu-west-1", "ap-southeast-2"} <= regions
    assert not [c for c in inv.coverage if c.status.incomplete]
    assert cov(inv, region="us-east-1")[0].status is CoverageStatus.OK


@mock_aws
def test_throttling_that_outlasts_retries_is_an_error() -> None:
    calls = []

    def throttled(**_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        calls.append(1)
        return AWSResponse("https://x", 400, {}, None), {
            "Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"},
            "ResponseMetadata": {"HTTPStatusCode": 400},
        }

    inv = awsfake.collect(
        services=("ec2",), handlers={"before-call.ec2.DescribeInstances": throttled}
    )
    [c] = cov(inv, service="ec2")
    assert c.status is CoverageStatus.ERROR
    assert "retries exhausted" in c.message


@mock_aws
def test_organization_walk_reads_every_member_account_and_records_failures() -> None:
    org = boto3.client("organizations", region_name="us-east-1")
    org.create_organization(FeatureSet="ALL")
    ok_id = org.create_account(AccountName="ml", Email="ml@example.com")["CreateAccountStatus"][
        "AccountId"
    ]
    bad_id = org.create_account(AccountName="x", Email="x@example.com")["CreateAccountStatus"][
        "AccountId"
    ]
    # a notebook inside the member account, created with that account's own credentials
    creds = boto3.client("sts", region_name="us-east-1").assume_role(
        RoleArn=f"arn:aws:iam::{ok_id}:role/Audit", RoleSessionName="seed"
    )["Credentials"]
    member = boto3.client(
        "sagemaker",
        region_name="us-east-1",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    arn = member.create_notebook_instance(
        NotebookInstanceName="member-lab",
        InstanceType="ml.t3.medium",
        RoleArn=f"arn:aws:iam::{ok_id}:role/nb",
    )["NotebookInstanceArn"]
    seen: list[dict[str, Any]] = []

    def assume(params: dict[str, Any], **kw: Any) -> Any:
        args = awsfake._params(params)
        seen.append(args)
        if bad_id in args["RoleArn"]:
            return AWSResponse("https://x", 403, {}, None), {
                "Error": {"Code": "AccessDenied", "Message": "not authorized to assume"},
                "ResponseMetadata": {"HTTPStatusCode": 403},
            }
        return None  # let moto answer

    inv = awsfake.collect(
        services=("sagemaker",),
        handlers={"before-call.sts.AssumeRole": assume},
        org=True,
        assume_role="Audit",
        external_id="xyz",
    )
    assert arn in {a.id for a in inv.assets}
    assert next(a for a in inv.assets if a.id == arn).account == ok_id
    assert {c.account for c in cov(inv, service="sagemaker")} >= {"123456789012", ok_id}
    [denied] = cov(inv, account=bad_id)
    assert denied.status is CoverageStatus.DENIED
    assert "Audit" in denied.message
    assert all(a["ExternalId"] == "xyz" for a in seen)


@mock_aws
def test_shards_of_an_organization_assume_roles_only_in_their_own_accounts() -> None:
    from aiscan.core.shard import Shard

    org = boto3.client("organizations", region_name="us-east-1")
    org.create_organization(FeatureSet="ALL")
    for name in ("a", "b", "c"):
        org.create_account(AccountName=name, Email=f"{name}@example.com")
    every = {a["Id"] for a in org.list_accounts()["Accounts"]}
    assert len(every) == 4
    read: list[set[str]] = []
    for k in (1, 2):
        assumed: list[str] = []

        def assume(params: dict[str, Any], assumed: list[str] = assumed, **kw: Any) -> None:
            assumed.append(awsfake._params(params)["RoleArn"].split(":")[4])

        inv = awsfake.collect(
            services=("sagemaker",),
            handlers={"before-call.sts.AssumeRole": assume},
            org=True,
            assume_role="Audit",
            shard=Shard(k, 2),
        )
        accounts = {c.account for c in cov(inv, service="sagemaker")}
        assert set(assumed) <= accounts and len(accounts) == 2
        read.append(accounts)
    assert read[0] | read[1] == every and not read[0] & read[1]


@mock_aws
def test_more_shards_than_accounts_split_the_regions_of_the_account() -> None:
    from aiscan.core.shard import Shard

    regions = ("eu-west-1", "us-east-1", "us-west-2")
    seen = []
    for k in (1, 2):
        inv = awsfake.collect(regions=regions, services=("sagemaker",), shard=Shard(k, 2))
        seen.append({c.region for c in cov(inv, service="sagemaker")})
    assert seen == [{"eu-west-1", "us-west-2"}, {"us-east-1"}]
