"""Issue 8 reads through the real collector under moto: the Bedrock region's VPC endpoints and
CloudTrail trails (bedrock scope), and the account's Bedrock API keys (iam scope; moto lacks
ListServiceSpecificCredentials, answered with the recorded real shape)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws

from aiscan.core.engine import evaluate
from aiscan.core.inventory import Inventory
from aiscan.core.model import CoverageStatus, ResultStatus
from aiscan.rules import aws_bedrock
from tests import awsfake

DATA = Path(__file__).parents[2] / "data" / "aws"
REGION, ACCOUNT = "us-east-1", "123456789012"
SERVICE_ID = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:llm-service"
EMPTY_BEDROCK = {
    "before-call.bedrock.ListGuardrails": awsfake.canned({"guardrails": []}),
    "before-call.bedrock.ListImportedModels": awsfake.canned({"modelSummaries": []}),
    "before-call.bedrock.ListProvisionedModelThroughputs": awsfake.canned(
        {"provisionedModelSummaries": []}
    ),
    "before-call.bedrock.ListEnforcedGuardrailsConfiguration": awsfake.canned(
        {"guardrailsConfig": []}
    ),
}


def load(name: str) -> Any:
    return json.loads((DATA / f"{name}.json").read_text())


def _statuses(inv: Inventory, asset_id: str) -> dict[str, ResultStatus]:
    out = evaluate(inv, list(aws_bedrock.RULES))
    got = {e.rule_id: e.status for e in out.evaluations if e.asset_id == asset_id}
    got.update({f.rule_id: ResultStatus.FAIL for f in out.findings if f.asset_id == asset_id})
    return got


def _agent() -> None:
    boto3.client("bedrock-agent", region_name=REGION).create_agent(
        agentName="support", agentResourceRoleArn=f"arn:aws:iam::{ACCOUNT}:role/agent-role"
    )


def _trail(*, logging: bool, advanced: list[dict[str, Any]] | None = None) -> str:
    boto3.client("s3", region_name=REGION).create_bucket(Bucket="audit-logs")
    ct = boto3.client("cloudtrail", region_name=REGION)
    arn = str(
        ct.create_trail(Name="audit", S3BucketName="audit-logs", IsMultiRegionTrail=True)[
            "TrailARN"
        ]
    )
    if advanced is not None:
        ct.put_event_selectors(TrailName="audit", AdvancedEventSelectors=advanced)
    if logging:
        ct.start_logging(Name="audit")
    return arn


def _endpoint(service: str) -> str:
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    return str(
        ec2.create_vpc_endpoint(
            VpcId=vpc,
            ServiceName=f"com.amazonaws.{REGION}.{service}",
            VpcEndpointType="Interface",
        )["VpcEndpoint"]["VpcEndpointId"]
    )


AGENT_EVENTS = [
    {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
    {
        "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Data"]},
            {
                "Field": "resources.type",
                "Equals": ["AWS::Bedrock::AgentAlias", "AWS::Bedrock::KnowledgeBase"],
            },
        ]
    },
]


@mock_aws
def test_endpoints_and_trails_are_read_for_the_bedrock_region() -> None:
    _agent()
    endpoint = _endpoint("bedrock-runtime")
    trail = _trail(logging=True, advanced=AGENT_EVENTS)
    inv = awsfake.collect(services=("bedrock",), handlers=EMPTY_BEDROCK)
    (cov,) = [c for c in inv.coverage if c.service == "bedrock"]
    assert cov.status is CoverageStatus.OK, cov.message
    svc = inv.get(SERVICE_ID)
    assert svc is not None
    assert svc.attributes["agents_in_use"] is True
    (entry,) = svc.attributes["vpc_endpoints"]
    assert (entry["id"], entry["service"], entry["state"]) == (
        endpoint,
        "bedrock-runtime",
        "available",
    )
    (read,) = svc.attributes["trails"]
    assert read["arn"] == trail and read["multi_region"] is True and read["logging"] is True
    assert read["management_events"] is True
    assert read["data_resource_types"] == [
        "AWS::Bedrock::AgentAlias",
        "AWS::Bedrock::KnowledgeBase",
    ]
    got = _statuses(inv, SERVICE_ID)
    assert got["AWS-BR-041"] is ResultStatus.PASS  # the runtime endpoint exists
    assert got["AWS-BR-042"] is ResultStatus.FAIL  # agents, but no agent-runtime endpoint
    assert got["AWS-BR-046"] is ResultStatus.PASS
    assert got["AWS-CT-001"] is ResultStatus.PASS
    assert got["AWS-CT-002"] is ResultStatus.PASS
    assert got["AWS-CT-003"] is ResultStatus.PASS


@mock_aws
def test_a_stopped_trail_with_default_selectors_is_judged() -> None:
    _agent()
    _trail(logging=False)  # default selectors: management events, no data events
    inv = awsfake.collect(services=("bedrock",), handlers=EMPTY_BEDROCK)
    got = _statuses(inv, SERVICE_ID)
    assert got["AWS-CT-002"] is ResultStatus.FAIL
    assert got["AWS-CT-001"] is ResultStatus.FAIL  # the only trail records nothing
    assert got["AWS-BR-046"] is ResultStatus.FAIL
    assert got["AWS-BR-041"] is ResultStatus.FAIL  # no endpoint at all


@mock_aws
def test_denied_endpoint_and_trail_reads_make_their_rules_manual_not_pass() -> None:
    _agent()
    denied = awsfake.error("UnauthorizedOperation", status=403)
    handlers = {
        **EMPTY_BEDROCK,
        "before-call.ec2.DescribeVpcEndpoints": denied,
        "before-call.cloudtrail.DescribeTrails": awsfake.error("AccessDeniedException", status=403),
    }
    inv = awsfake.collect(services=("bedrock",), handlers=handlers)
    (cov,) = [c for c in inv.coverage if c.service == "bedrock"]
    assert cov.status is CoverageStatus.DENIED
    assert "DescribeVpcEndpoints" in cov.message and "DescribeTrails" in cov.message
    svc = inv.get(SERVICE_ID)
    assert svc is not None
    assert "vpc_endpoints" not in svc.attributes and "trails" not in svc.attributes
    got = _statuses(inv, SERVICE_ID)
    for rule_id in (
        "AWS-BR-041",
        "AWS-BR-042",
        "AWS-BR-043",
        "AWS-BR-046",
        "AWS-CT-001",
        "AWS-CT-002",
        "AWS-CT-003",
    ):
        assert got[rule_id] is ResultStatus.MANUAL, rule_id


@mock_aws
def test_a_trail_whose_status_is_denied_stays_undecided() -> None:
    _agent()
    _trail(logging=True)
    handlers = {
        **EMPTY_BEDROCK,
        "before-call.cloudtrail.GetTrailStatus": awsfake.error("AccessDeniedException", status=403),
    }
    inv = awsfake.collect(services=("bedrock",), handlers=handlers)
    svc = inv.get(SERVICE_ID)
    assert svc is not None
    (trail,) = svc.attributes["trails"]
    assert trail["logging"] is None and trail["selectors_read"] is True
    got = _statuses(inv, SERVICE_ID)
    assert got["AWS-CT-001"] is ResultStatus.MANUAL
    assert got["AWS-CT-002"] is ResultStatus.MANUAL


def _keys_handler(pages: list[dict[str, Any]]) -> awsfake.Handler:
    def answer(params: dict[str, Any]) -> dict[str, Any]:
        assert params["ServiceName"] == "bedrock.amazonaws.com" and params["AllUsers"] is True
        return pages[int(params.get("Marker") or 0)]

    return awsfake.canned(answer)


@mock_aws
def test_bedrock_api_keys_are_read_across_pages_and_judged() -> None:
    keys = load("iam_service_specific_credentials")["ServiceSpecificCredentials"]
    pages = [
        {"ServiceSpecificCredentials": keys[:2], "IsTruncated": True, "Marker": "1"},
        {"ServiceSpecificCredentials": keys[2:], "IsTruncated": False},
    ]
    handlers = {"before-call.iam.ListServiceSpecificCredentials": _keys_handler(pages)}
    inv = awsfake.collect(services=("iam",), handlers=handlers)
    (cov,) = [c for c in inv.coverage if c.service == "iam"]
    assert cov.status is CoverageStatus.OK, cov.message
    creds = {a.name: a for a in inv.assets if a.type == "AWS::IAM::ServiceSpecificCredential"}
    assert len(creds) == 4
    never = next(a for a in creds.values() if "ACCA1NEVEREXPIRES001" in a.id)
    assert never.attributes["expires_at"] is None and never.attributes["user"] == "ci-bot"
    out = evaluate(inv, list(aws_bedrock.RULES))
    failed = {(f.rule_id, f.asset_id.rsplit("/", 1)[-1]) for f in out.findings}
    assert failed == {
        ("AWS-BR-044", "ACCA1NEVEREXPIRES001"),
        ("AWS-BR-045", "ACCA2ONEYEARKEY00002"),
    }


@mock_aws
def test_denied_api_key_listing_is_coverage_and_no_green() -> None:
    handlers = {
        "before-call.iam.ListServiceSpecificCredentials": awsfake.error("AccessDenied", status=403)
    }
    inv = awsfake.collect(services=("iam",), handlers=handlers)
    (cov,) = [c for c in inv.coverage if c.service == "iam"]
    assert cov.status is CoverageStatus.DENIED and "ListServiceSpecificCredentials" in cov.message
    assert not [a for a in inv.assets if a.type == "AWS::IAM::ServiceSpecificCredential"]


@mock_aws
def test_a_multi_region_trail_is_read_once_per_account_not_once_per_region() -> None:
    for region in (REGION, "us-west-2"):
        boto3.client("bedrock-agent", region_name=region).create_agent(
            agentName="support", agentResourceRoleArn=f"arn:aws:iam::{ACCOUNT}:role/agent-role"
        )
    _trail(logging=True, advanced=AGENT_EVENTS)
    calls: list[str] = []

    def count(**kwargs: Any) -> None:
        calls.append(kwargs["model"].name)  # and let the real call through

    inv = awsfake.collect(
        regions=(REGION, "us-west-2"),
        services=("bedrock",),
        handlers={
            **EMPTY_BEDROCK,
            "before-call.cloudtrail.GetTrailStatus": count,
            "before-call.cloudtrail.GetEventSelectors": count,
        },
    )
    # both regions judge the trail, from one status and one selector read
    for region in (REGION, "us-west-2"):
        svc = inv.get(f"arn:aws:bedrock:{region}:{ACCOUNT}:llm-service")
        assert svc is not None and svc.attributes["trails"][0]["logging"] is True, region
    assert sorted(calls) == ["GetEventSelectors", "GetTrailStatus"]
