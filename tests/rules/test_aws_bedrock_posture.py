"""Edge cases of the issue-8 Bedrock / CloudTrail rules on hand-made facts (the recorded pass and
fail cases are in test_aws_real_path.py)."""

from __future__ import annotations

from typing import Any

import pytest

from aiscan.collectors.aws import bedrock, iam
from aiscan.core.engine import evaluate
from aiscan.core.model import Asset, AssetKind, RelationType, ResultStatus
from aiscan.rules import aws_bedrock as br
from tests.factories import asset, inventory, rel, statuses

ACCOUNT = "123456789012"
SVC = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:llm-service"
TRAIL = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/audit"
PASS, FAIL, MANUAL, NA = (
    ResultStatus.PASS,
    ResultStatus.FAIL,
    ResultStatus.MANUAL,
    ResultStatus.NOT_APPLICABLE,
)


def service(**attrs: Any) -> Asset:
    return asset(
        AssetKind.LLM_SERVICE, SVC, service="bedrock", type="AWS::Bedrock::Service", **attrs
    )


def trail(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "arn": TRAIL,
        "name": "audit",
        "home_region": "us-east-1",
        "multi_region": True,
        "logging": True,
        "selectors_read": True,
        "management_events": True,
        "data_resource_types": list(br.AGENT_DATA_EVENTS),
    }
    return {**base, **overrides}


def one(rule: Any, subject: Asset, *others: Asset, relations: Any = ()) -> ResultStatus:
    return statuses(rule, inventory([subject, *others], list(relations)))[subject.id]


def test_an_undecided_trail_never_passes_and_a_known_good_one_wins() -> None:
    undecided = service(trails=[trail(logging=None)])
    assert one(br.management_events, undecided) is MANUAL
    assert one(br.trail_logging, undecided) is MANUAL
    assert one(br.multi_region_trail, undecided) is MANUAL
    # a good trail decides even beside an undecided one
    mixed = service(trails=[trail(logging=None, arn=TRAIL + "2"), trail()])
    assert one(br.management_events, mixed) is PASS
    assert one(br.multi_region_trail, mixed) is PASS


def test_no_trail_at_all_fails_management_and_multi_region_but_nothing_is_stopped() -> None:
    bare = service(trails=[])
    assert one(br.management_events, bare) is FAIL
    assert one(br.multi_region_trail, bare) is FAIL
    assert one(br.trail_logging, bare) is NA


def test_unread_trails_are_manual_for_every_cloudtrail_rule() -> None:
    # no `trails` attribute: the region's trails were not read, so no rule may pass or fail
    svc, others, relations = _weights(["*"])
    blind = svc.model_copy(update={"attributes": {"agents_in_use": True}})
    for check in (
        br.management_events,
        br.trail_logging,
        br.multi_region_trail,
        br.agent_data_events,
        br.ai_bucket_data_events,
    ):
        out = evaluate(inventory([blind, *others], relations), [check])
        assert not out.findings, check
        assert [(e.asset_id, e.status, e.reason) for e in out.evaluations] == [
            (SVC, MANUAL, "the region's CloudTrail trails could not be read")
        ], check


def test_data_events_split_across_trails_count_and_a_stopped_trail_does_not() -> None:
    split = service(
        agents_in_use=True,
        trails=[
            trail(data_resource_types=["AWS::Bedrock::AgentAlias"]),
            trail(arn=TRAIL + "2", data_resource_types=["AWS::Bedrock::KnowledgeBase"]),
        ],
    )
    assert one(br.agent_data_events, split) is PASS
    stopped = service(agents_in_use=True, trails=[trail(logging=False)])
    assert one(br.agent_data_events, stopped) is FAIL
    assert one(br.agent_data_events, service(trails=[trail()])) is MANUAL  # agents unread


def _weights(
    prefixes: list[str], excluded: tuple[str, ...] = ()
) -> tuple[Asset, list[Asset], list[Any]]:
    model = asset(
        AssetKind.MODEL,
        f"arn:aws:bedrock:us-east-1:{ACCOUNT}:imported-model/m",
        service="bedrock",
        type="AWS::Bedrock::ImportedModel",
    )
    weights = asset(
        AssetKind.BUCKET, "arn:aws:s3:::weights", service="s3", region=None, type="AWS::S3::Bucket"
    )
    svc = service(
        trails=[trail(s3_data_prefixes=prefixes, s3_data_excluded=list(excluded))],
    )
    return svc, [model, weights], [rel(model.id, RelationType.STORES_ARTIFACT_IN, weights.id)]


@pytest.mark.parametrize(
    ("prefixes", "excluded", "expected"),
    [
        (["*"], [], PASS),
        (["arn:aws:s3"], [], PASS),  # basic selector: every bucket
        (["arn:aws:s3:::weights/"], [], PASS),
        (["arn:aws:s3:::weights/llama/"], [], PASS),  # narrowed to a prefix still counts
        (["arn:aws:s3:::weights-archive/"], [], FAIL),  # another bucket sharing the name start
        (["*"], ["arn:aws:s3:::weights/"], FAIL),
        ([], [], FAIL),
    ],
)
def test_s3_data_event_coverage_of_an_ai_bucket(
    prefixes: list[str], excluded: list[str], expected: ResultStatus
) -> None:
    svc, others, relations = _weights(prefixes, tuple(excluded))
    assert one(br.ai_bucket_data_events, svc, *others, relations=relations) is expected


def test_buckets_of_other_regions_are_not_judged_here() -> None:
    svc, (model, weights), relations = _weights([])
    far = model.model_copy(update={"region": "eu-west-1"})
    assert one(br.ai_bucket_data_events, svc, far, weights, relations=relations) is NA


def test_gateway_or_pending_endpoints_are_not_private_connectivity() -> None:
    def ep(**kw: Any) -> dict[str, Any]:
        return {"id": "vpce-1", "service": "bedrock-runtime", "state": "available", **kw}

    assert one(br.runtime_endpoint, service(vpc_endpoints=[ep(state="pendingAcceptance")])) is FAIL
    assert one(br.runtime_endpoint, service(vpc_endpoints=[ep(endpoint_type="Gateway")])) is FAIL
    assert one(br.runtime_endpoint, service(vpc_endpoints=[ep(endpoint_type="Interface")])) is PASS
    assert one(br.endpoint_policy, service(vpc_endpoints=[])) is NA


@pytest.mark.parametrize(
    ("document", "is_open"),
    [
        (None, True),  # no policy: the default full-access policy
        ('{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}', True),
        (
            '{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*",'
            '"Resource":"*"}]}',
            True,
        ),
        (
            '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*",'
            '"Condition":{"StringEquals":{"aws:PrincipalAccount":"123456789012"}}}]}',
            False,
        ),
        (
            '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"bedrock:InvokeModel",'
            '"Resource":"*"}]}',
            False,
        ),
        ("{not json", False),
    ],
)
def test_endpoint_policy_openness(document: str | None, is_open: bool) -> None:
    entry = bedrock.vpc_endpoint_entry(
        {"VpcEndpointId": "vpce-1", "ServiceName": "com.amazonaws.us-east-1.bedrock-runtime"}
        | ({"PolicyDocument": document} if document is not None else {})
    )
    assert entry["open_policy"] is is_open


def test_selectors_basic_and_advanced() -> None:
    basic = bedrock.selector_attributes(
        {
            "EventSelectors": [
                {
                    "IncludeManagementEvents": True,
                    "DataResources": [
                        {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::data/"]},
                        {"Type": "AWS::Lambda::Function", "Values": []},
                    ],
                }
            ]
        }
    )
    assert basic["management_events"] is True
    assert basic["data_resource_types"] == ["AWS::S3::Object"]
    assert basic["s3_data_prefixes"] == ["arn:aws:s3:::data/"]
    advanced = bedrock.selector_attributes(
        {
            "AdvancedEventSelectors": [
                {
                    "FieldSelectors": [
                        {"Field": "eventCategory", "Equals": ["Data"]},
                        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                        {"Field": "resources.ARN", "NotStartsWith": ["arn:aws:s3:::logs/"]},
                    ]
                }
            ]
        }
    )
    assert advanced["management_events"] is False
    assert advanced["s3_data_prefixes"] == ["*"]
    assert advanced["s3_data_excluded"] == ["arn:aws:s3:::logs/"]


def role(**attrs: Any) -> Asset:
    return asset(
        AssetKind.IDENTITY,
        attrs.pop("id", f"arn:aws:iam::{ACCOUNT}:role/dev"),
        service="iam",
        type="AWS::IAM::Role",
        **attrs,
    )


def test_bedrock_wildcard_on_all_resources_fails_but_scoped_does_not() -> None:
    wide = iam.summarize_policies(
        [{"Statement": [{"Effect": "Allow", "Action": "Bedrock:*", "Resource": "*"}]}]
    )
    scoped = iam.summarize_policies(
        [
            {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "bedrock:*",
                        "Resource": "arn:aws:bedrock:*::foundation-model/amazon.*",
                    }
                ]
            }
        ]
    )
    assert wide.service_wide_grants == ["bedrock"] and scoped.service_wide_grants == []
    fails = role(full_access_policies=[], service_wide_grants=["bedrock"])
    assert one(br.bedrock_full_access, fails) is FAIL
    assert (
        one(br.bedrock_full_access, role(full_access_policies=[], service_wide_grants=[])) is PASS
    )
    # the documents were not read: not green
    assert one(br.bedrock_full_access, role(full_access_policies=[])) is MANUAL
    service_role = role(
        id=f"arn:aws:iam::{ACCOUNT}:role/service-role/br",
        full_access_policies=["AmazonBedrockFullAccess"],
    )
    assert one(br.bedrock_full_access, service_role) is NA


def key(**attrs: Any) -> Asset:
    return asset(
        AssetKind.IDENTITY,
        f"arn:aws:iam::{ACCOUNT}:user/u/service-specific-credential/K",
        service="iam",
        type="AWS::IAM::ServiceSpecificCredential",
        **attrs,
    )


def test_api_key_edge_cases() -> None:
    assert one(br.api_key_no_expiry, key(status="Active")) is MANUAL  # expiry unread
    assert one(br.api_key_no_expiry, key(status="Expired", expires_at=None)) is PASS
    exactly = key(
        status="Active",
        created_at="2026-01-01T00:00:00+00:00",
        expires_at="2026-04-01T00:00:00+00:00",
    )
    assert one(br.api_key_lifetime, exactly) is PASS  # 90 days is within the bound
    longer = key(
        status="Active", created_at="2026-01-01T00:00:00Z", expires_at="2026-04-02T01:00:00Z"
    )
    assert one(br.api_key_lifetime, longer) is FAIL
    garbled = key(status="Active", created_at="yesterday", expires_at="2026-04-02")
    assert one(br.api_key_lifetime, garbled) is MANUAL
