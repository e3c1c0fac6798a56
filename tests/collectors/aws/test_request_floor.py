"""The request floor: what a scan of a small SageMaker estate costs, call by call.

A regression to one ListTags per resource, to describing a shared endpoint config, job definition
or managed policy once per user, or to SageMaker's default page of 10 shows up here as a count,
not as a slower benchmark.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from typing import Any

import boto3
import pytest
from moto import mock_aws

from aiscan.collectors.aws import tagging
from aiscan.core.inventory import Inventory
from aiscan.core.model import AssetKind, CoverageStatus
from tests import awsfake

ACCOUNT, REGION = "123456789012", "us-east-1"
SM_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}"
PAIRS = 6  # endpoints; every two share an endpoint config
NOTEBOOKS = 12  # more than SageMaker's default page of 10
POLICY_DOC = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
)


class Calls:
    """API calls by operation, counted on `before-parameter-build`, which botocore emits to
    every handler for every call (a canned answer cannot hide one)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __call__(self, model: Any, **_: Any) -> None:
        with self._lock:
            self.counts[model.name] += 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _seed() -> None:
    iam = boto3.client("iam", region_name=REGION)
    policy = iam.create_policy(PolicyName="shared-data", PolicyDocument=POLICY_DOC)["Policy"]
    for role in ("nb-role", "model-role"):
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=awsfake.SAGEMAKER_TRUST)
        iam.attach_role_policy(RoleName=role, PolicyArn=policy["Arn"])
    sm = boto3.client("sagemaker", region_name=REGION)
    for i in range(NOTEBOOKS):
        sm.create_notebook_instance(
            NotebookInstanceName=f"nb-{i:02d}",
            InstanceType="ml.t3.medium",
            RoleArn=f"arn:aws:iam::{ACCOUNT}:role/nb-role",
            Tags=[{"Key": "team", "Value": f"t{i}"}],
        )
    for i in range(PAIRS):
        sm.create_model(
            ModelName=f"m-{i}",
            ExecutionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/model-role",
            PrimaryContainer={"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/inf:1"},
            Tags=[{"Key": "owner", "Value": f"o{i}"}],
        )
    for c in range(PAIRS // 2):
        sm.create_endpoint_config(
            EndpointConfigName=f"cfg-{c}",
            ProductionVariants=[
                {
                    "VariantName": "v",
                    "ModelName": f"m-{2 * c}",
                    "InstanceType": "ml.g4dn.xlarge",
                    "InitialInstanceCount": 1,
                }
            ],
        )
    for i in range(PAIRS):
        sm.create_endpoint(
            EndpointName=f"ep-{i}",
            EndpointConfigName=f"cfg-{i // 2}",
            Tags=[{"Key": "app", "Value": f"a{i}"}],
        )


def _schedules() -> dict[str, awsfake.Handler]:
    """Two monitoring schedules (moto has none) on two endpoints sharing one job definition."""
    summaries = [
        {
            "MonitoringScheduleName": f"mon-{i}",
            "EndpointName": f"ep-{i}",
            "MonitoringType": "DataQuality",
            "MonitoringJobDefinitionName": "dq-shared",
            "MonitoringScheduleStatus": "Scheduled",
        }
        for i in range(2)
    ]

    def describe(params: dict[str, Any]) -> dict[str, Any]:
        return {
            "MonitoringScheduleName": params["MonitoringScheduleName"],
            "MonitoringScheduleConfig": {
                "MonitoringJobDefinitionName": "dq-shared",
                "MonitoringType": "DataQuality",
            },
        }

    definition = {
        "JobDefinitionName": "dq-shared",
        "NetworkConfig": {"EnableNetworkIsolation": True},
    }
    return {
        "before-call.sagemaker.ListFeatureGroups": awsfake.canned({"FeatureGroupSummaries": []}),
        "before-call.sagemaker.ListInferenceExperiments": awsfake.canned(
            {"InferenceExperiments": []}
        ),
        "before-call.sagemaker.ListMonitoringSchedules": awsfake.canned(
            {"MonitoringScheduleSummaries": summaries}
        ),
        "before-call.sagemaker.DescribeMonitoringSchedule": awsfake.canned(describe),
        "before-call.sagemaker.DescribeDataQualityJobDefinition": awsfake.canned(definition),
    }


def _scan(calls: Calls, **handlers: awsfake.Handler) -> Inventory:
    return awsfake.collect(
        services=("sagemaker", "iam"),
        handlers={"before-parameter-build": calls, **_schedules(), **handlers},
    )


def _assert_tags(inv: Inventory) -> None:
    tags = {a.name: a.tags for a in inv.assets if a.service == "sagemaker"}
    assert {n: t for n, t in tags.items() if n.startswith("nb-")} == {
        f"nb-{i:02d}": {"team": f"t{i}"} for i in range(NOTEBOOKS)
    }
    assert {n: t for n, t in tags.items() if n.startswith("m-")} == {
        f"m-{i}": {"owner": f"o{i}"} for i in range(PAIRS)
    }
    assert {n: t for n, t in tags.items() if n.startswith("ep-")} == {
        f"ep-{i}": {"app": f"a{i}"} for i in range(PAIRS)
    }


@mock_aws
def test_a_scan_reads_tags_in_batches_and_shared_resources_once() -> None:
    _seed()
    calls = Calls()
    inv = _scan(calls)

    assert all(c.status is CoverageStatus.OK and not c.message for c in inv.coverage), [
        (c.service, c.message) for c in inv.coverage
    ]
    _assert_tags(inv)
    assert len(list(inv.of_kind(AssetKind.ENDPOINT))) == PAIRS
    assert len(list(inv.of_kind(AssetKind.IDENTITY))) == 2
    monitored = [a for a in inv.of_kind(AssetKind.ENDPOINT) if a.attributes["monitoring"]]
    assert sorted(a.name for a in monitored) == ["ep-0", "ep-1"]
    assert all(a.attributes["monitoring"][0]["network_isolation"] for a in monitored)

    counts = calls.counts
    assert counts["ListTags"] == 0
    # one tag index per resource type with resources, each a single page here
    assert counts["GetResources"] == 3
    # one list page each (12 notebooks: 100 a page, not the default 10)
    assert counts["ListNotebookInstances"] == 1
    # per-item reads: one each, shared ones once
    assert counts["DescribeNotebookInstance"] == NOTEBOOKS
    assert counts["DescribeModel"] == PAIRS
    assert counts["DescribeEndpoint"] == PAIRS
    assert counts["DescribeEndpointConfig"] == PAIRS // 2
    assert counts["DescribeDataQualityJobDefinition"] == 1
    assert counts["GetRole"] == 2
    assert counts["GetPolicy"] == 1
    assert counts["GetPolicyVersion"] == 1
    # and overall, 26 assets: 59 requests, of which 20 are the fixed cost of an identity, a
    # region's family lists (13 SageMaker families) and the IAM lists, the account's Bedrock API
    # keys and SCPs among them (about 80 with ListTags per resource and repeated describes of
    # shared things)
    assert counts["ListServiceSpecificCredentials"] == 1
    assert counts["DescribeOrganization"] == 1  # in no organization: nothing more to read
    assets = len(inv.assets)
    assert assets == NOTEBOOKS + 2 * PAIRS + 2
    assert calls.total <= 59, (calls.total, sorted(counts.items()))
    # the per-asset budget, without the account's one SCP read (a fixed cost, not per asset)
    per_asset = (calls.total - counts["DescribeOrganization"]) / assets
    assert per_asset <= 2.25, (calls.total, sorted(counts.items()))


@mock_aws
def test_denied_tagging_api_falls_back_to_list_tags_and_says_so() -> None:
    _seed()
    calls = Calls()
    denied = awsfake.error("AccessDeniedException", "not authorized to perform tag:GetResources")
    inv = _scan(calls, **{"before-call.resource-groups-tagging-api.GetResources": denied})

    _assert_tags(inv)
    assert calls.counts["ListTags"] == NOTEBOOKS + 2 * PAIRS
    sm = next(c for c in inv.coverage if c.service == "sagemaker")
    # complete, so OK, with the remark once (three resource types asked)
    assert sm.status is CoverageStatus.OK
    assert sm.message.count("tags read per resource: tag:GetResources is denied") == 1


@mock_aws
def test_failed_tagging_api_is_an_error_not_silently_untagged_assets() -> None:
    _seed()
    failed = awsfake.error("InternalServiceException", "boom", status=500)
    inv = _scan(Calls(), **{"before-call.resource-groups-tagging-api.GetResources": failed})

    sm = next(c for c in inv.coverage if c.service == "sagemaker")
    assert sm.status is CoverageStatus.ERROR
    assert "tags: GetResources: InternalServiceException" in sm.message
    assert len(list(inv.of_kind(AssetKind.NOTEBOOK))) == NOTEBOOKS


@mock_aws
def test_a_region_without_sagemaker_resources_sends_no_tag_request() -> None:
    calls = Calls()
    inv = _scan(calls)

    assert not inv.assets
    assert calls.counts["GetResources"] == 0
    assert calls.counts["ListTags"] == 0


def test_tag_index_is_bounded_and_matches_arns_regardless_of_case() -> None:
    many = [{"Key": f"k{i:02d}" + "x" * 200, "Value": "v" * 300} for i in range(60)]
    index = tagging.TagIndex(
        [
            {"ResourceARN": f"{SM_ARN}:endpoint/Chat-Prod", "Tags": many},
            {"ResourceARN": f"{SM_ARN}:model/m", "Tags": "not a list"},
        ]
    )

    tags = index.get(f"{SM_ARN}:endpoint/chat-prod")
    assert len(tags) == tagging.MAX_TAGS
    assert all(len(k) == 128 and len(v) == 256 for k, v in tags.items())
    assert index.get(f"{SM_ARN}:model/m") == {}
    assert index.get(f"{SM_ARN}:model/never-tagged") == {}
    with pytest.raises(TypeError):
        tagging.TagIndex([{"Tags": []}])
