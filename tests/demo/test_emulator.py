"""The demo's AWS emulator: real boto3 over HTTP to moto, canned answers for what moto lacks,
amendments, latency, request counting, loopback only."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from aiscan.demo.emulator import (
    AwsEmulator,
    CannedError,
    CannedRequest,
    by_label,
    demo_environment,
    demo_unset,
    running,
)

ACCOUNT = "123456789012"
GUARDRAIL = {
    "name": "strict",
    "guardrailId": "k3x9q2m7v4wd",
    "guardrailArn": "arn:aws:bedrock:us-east-1:123456789012:guardrail/k3x9q2m7v4wd",
    "version": "DRAFT",
    "status": "READY",
    "createdAt": "2025-09-14T10:21:07Z",
    "updatedAt": "2025-09-14T10:21:07Z",
    "blockedInputMessaging": "no",
    "blockedOutputsMessaging": "no",
}


@pytest.fixture(scope="module")
def emu() -> Iterator[AwsEmulator]:
    with AwsEmulator() as emulator:
        yield emulator


@pytest.fixture(autouse=True)
def _clean(emu: AwsEmulator) -> None:
    emu.canned.clear()
    emu.latency_ms = 0
    emu.reset_counts()


def client(emu: AwsEmulator, service: str, region: str = "us-east-1") -> Any:
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=emu.url,
        aws_access_key_id="demo",
        aws_secret_access_key="demo",
        config=Config(retries={"total_max_attempts": 1}),
    )


def test_serves_a_real_boto3_client_over_http(emu: AwsEmulator) -> None:
    s3 = client(emu, "s3")
    s3.create_bucket(Bucket="demo-emulator-bucket")
    assert "demo-emulator-bucket" in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert running(emu.url) is emu


def test_canned_rest_json_operation_answers_with_the_canned_body(emu: AwsEmulator) -> None:
    summary = {k: GUARDRAIL[k] for k in ("name", "version", "status", "createdAt", "updatedAt")}
    summary |= {"id": GUARDRAIL["guardrailId"], "arn": GUARDRAIL["guardrailArn"]}
    emu.add_canned("bedrock:ListGuardrails", {"guardrails": [summary]})
    emu.add_canned(
        "bedrock:GetGuardrail", by_label("guardrailIdentifier", {"k3x9q2m7v4wd": GUARDRAIL})
    )
    bedrock = client(emu, "bedrock")

    listed = bedrock.list_guardrails()["guardrails"]
    assert [(g["id"], g["status"]) for g in listed] == [("k3x9q2m7v4wd", "READY")]
    # by id and by ARN (the label is URL-encoded on the wire)
    assert bedrock.get_guardrail(guardrailIdentifier="k3x9q2m7v4wd")["name"] == "strict"
    got = bedrock.get_guardrail(guardrailIdentifier=GUARDRAIL["guardrailArn"])
    assert got["guardrailId"] == "k3x9q2m7v4wd"
    with pytest.raises(ClientError) as err:
        bedrock.get_guardrail(guardrailIdentifier="nope")
    assert err.value.response["Error"]["Code"] == "ResourceNotFoundException"
    # an operation that is not canned still reaches moto
    answer = bedrock.get_model_invocation_logging_configuration()
    assert answer["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"] != "canned"


def test_canned_answer_sees_region_and_json_protocol_works(emu: AwsEmulator) -> None:
    def by_region(req: CannedRequest) -> dict[str, Any]:
        return {
            "FeatureGroupSummaries": [
                {
                    "FeatureGroupName": f"fg-{req.region}",
                    "FeatureGroupArn": f"arn:aws:sagemaker:{req.region}:{ACCOUNT}:feature-group/x",
                    "CreationTime": "2025-01-01T00:00:00Z",
                }
            ]
        }

    emu.add_canned("sagemaker:ListFeatureGroups", by_region)
    groups = client(emu, "sagemaker", "eu-west-1").list_feature_groups()["FeatureGroupSummaries"]
    assert [g["FeatureGroupName"] for g in groups] == ["fg-eu-west-1"]


def test_amendment_rewrites_what_moto_answers(emu: AwsEmulator) -> None:
    sm = client(emu, "sagemaker")
    sm.create_model(
        ModelName="amended-model",
        ExecutionRoleArn="arn:aws:iam::123456789012:role/x",
        PrimaryContainer={"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1"},
        EnableNetworkIsolation=True,
    )
    assert sm.describe_model(ModelName="amended-model")["EnableNetworkIsolation"] is False

    emu.add_amendment(
        "sagemaker:DescribeModel", lambda req, body: body | {"EnableNetworkIsolation": True}
    )
    assert sm.describe_model(ModelName="amended-model")["EnableNetworkIsolation"] is True
    emu._mw.amendments.clear()


def test_canned_keys_are_checked_against_the_service_model(emu: AwsEmulator) -> None:
    with pytest.raises(ValueError, match="no operation"):
        emu.add_canned("bedrock:ListGuardRails", {})
    with pytest.raises(ValueError, match="JSON and query protocols"):
        emu.add_canned("s3:ListBuckets", {})


def _deny(req: CannedRequest) -> dict[str, Any]:
    raise CannedError("AccessDenied", "no <access>", 403)


def test_canned_query_protocol_answers_parse_as_botocore_xml(emu: AwsEmulator) -> None:
    key = {
        "UserName": "ci-bot",
        "Status": "Active",
        "ServiceUserName": "ci-bot-at-123456789012",
        "CreateDate": "2026-03-01T10:00:00Z",
        "ServiceSpecificCredentialId": "ACCA1NEVEREXPIRES001",
        "ServiceName": "bedrock.amazonaws.com",
    }
    emu.add_canned(
        "iam:ListServiceSpecificCredentials",
        {"ServiceSpecificCredentials": [key], "IsTruncated": False},
    )
    iam = client(emu, "iam")
    got = iam.list_service_specific_credentials(ServiceName="bedrock.amazonaws.com")
    (cred,) = got["ServiceSpecificCredentials"]
    assert cred["UserName"] == "ci-bot" and cred["Status"] == "Active"
    assert cred["CreateDate"].year == 2026 and got["IsTruncated"] is False
    emu.add_canned(
        "iam:ListServiceSpecificCredentials",
        _deny,
    )
    with pytest.raises(ClientError) as err:
        iam.list_service_specific_credentials(ServiceName="bedrock.amazonaws.com")
    assert err.value.response["Error"]["Code"] == "AccessDenied"
    assert err.value.response["Error"]["Message"] == "no <access>"


def test_latency_is_added_to_each_request(emu: AwsEmulator) -> None:
    sm = client(emu, "sagemaker")
    sm.list_endpoints()  # warm the backend and the connection
    emu.latency_ms = 50
    started = time.perf_counter()
    sm.list_endpoints()
    assert time.perf_counter() - started >= 0.05


def test_requests_are_counted_in_total_and_per_operation(emu: AwsEmulator) -> None:
    emu.add_canned("bedrock:ListGuardrails", {"guardrails": []})
    sm = client(emu, "sagemaker")
    sm.list_endpoints()
    sm.list_endpoints()
    client(emu, "bedrock").list_guardrails()
    client(emu, "bedrock-agent").list_agents()
    client(emu, "sts").get_caller_identity()

    assert emu.request_count == 5
    assert emu.operation_counts == {
        "sagemaker:ListEndpoints": 2,
        "bedrock:ListGuardrails": 1,
        "bedrock-agent:ListAgents": 1,
        "sts:GetCallerIdentity": 1,
    }


def test_listens_on_loopback_127_0_0_1_only(emu: AwsEmulator) -> None:
    parts = urlsplit(emu.url)
    assert parts.hostname == "127.0.0.1"
    with socket.create_connection(("127.0.0.1", parts.port), timeout=2):
        pass
    # bound to 127.0.0.1 itself, not to every address: another loopback address is refused
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.2", parts.port), timeout=2).close()


def test_reset_wipes_moto_state_and_canned_answers(emu: AwsEmulator) -> None:
    s3 = client(emu, "s3")
    s3.create_bucket(Bucket="demo-reset-bucket")
    emu.add_canned("bedrock:ListGuardrails", {"guardrails": []})
    emu.reset()
    assert s3.list_buckets()["Buckets"] == []
    assert emu.canned == {}
    assert emu.request_count == 1


def test_managed_policies_can_be_attached(emu: AwsEmulator) -> None:
    iam = client(emu, "iam")
    iam.create_role(RoleName="demo-admin", AssumeRolePolicyDocument="{}")
    iam.attach_role_policy(
        RoleName="demo-admin", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess"
    )
    attached = iam.list_attached_role_policies(RoleName="demo-admin")["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["AdministratorAccess"]


def test_demo_environment_points_everything_at_the_emulator() -> None:
    env = demo_environment("http://127.0.0.1:4566")
    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:4566"
    assert env["AWS_ACCESS_KEY_ID"] == "demo"
    assert env["AWS_EC2_METADATA_DISABLED"] == "true"
    assert env["AWS_CONFIG_FILE"] == env["AWS_SHARED_CREDENTIALS_FILE"] == "/dev/null"
    removed = demo_unset(
        {"AWS_PROFILE": "prod", "AWS_ENDPOINT_URL_S3": "https://s3.example", "HOME": "/root"}
    )
    assert removed == ["AWS_ENDPOINT_URL_S3", "AWS_PROFILE"]
