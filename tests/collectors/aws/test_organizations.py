"""Service control policies as evidence, read through the real collector under moto: an OU's SCP
becomes the account's guardrail facts; a member account that may not read SCPs is a skipped
remark (the CI gate stays green) and the facts stay unread; an account in no organization has
none; a multi-region scan reads them once."""

from __future__ import annotations

import json
from typing import Any

import boto3
from moto import mock_aws

from aiscan.core.model import CoverageStatus
from tests import awsfake
from tests.collectors.aws.test_bedrock_posture import ACCOUNT, EMPTY_BEDROCK, REGION, SERVICE_ID

NO_INTERNET_NOTEBOOKS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "NoInternetNotebooks",
            "Effect": "Deny",
            "Action": "sagemaker:CreateNotebookInstance",
            "Resource": "*",
            "Condition": {"StringEquals": {"sagemaker:DirectInternetAccess": "Enabled"}},
        }
    ],
}


def _agent(region: str = REGION) -> None:
    boto3.client("bedrock-agent", region_name=region).create_agent(
        agentName="support", agentResourceRoleArn=f"arn:aws:iam::{ACCOUNT}:role/agent-role"
    )


def _org_with_ou_scp() -> None:
    """An organization whose management account sits in an OU with the notebook SCP."""
    org = boto3.client("organizations", region_name=REGION)
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    ou = org.create_organizational_unit(ParentId=root, Name="ml")["OrganizationalUnit"]["Id"]
    policy = org.create_policy(
        Content=json.dumps(NO_INTERNET_NOTEBOOKS),
        Description="notebooks stay off the internet",
        Name="ml-guardrails",
        Type="SERVICE_CONTROL_POLICY",
    )["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=policy, TargetId=ou)
    org.move_account(AccountId=ACCOUNT, SourceParentId=root, DestinationParentId=ou)


@mock_aws
def test_an_ou_scp_is_the_accounts_guardrail() -> None:
    _org_with_ou_scp()
    _agent()
    inv = awsfake.collect(services=("bedrock",), handlers=EMPTY_BEDROCK)
    svc = inv.get(SERVICE_ID)
    assert svc is not None
    scps = svc.attributes["scp_guardrails"]
    assert scps["enforced"] == {"sagemaker:DirectInternetAccess": ["ml-guardrails"]}
    assert "ml-guardrails" in scps["policies"] and scps["organization"].startswith("o-")
    assert all(not c.status.incomplete for c in inv.coverage)


@mock_aws
def test_a_member_account_that_may_not_read_scps_is_skipped_not_failed() -> None:
    _org_with_ou_scp()
    _agent()
    denied = awsfake.error("AccessDeniedException", "You don't have permissions", 400)
    inv = awsfake.collect(
        services=("bedrock",),
        handlers={**EMPTY_BEDROCK, "before-call.organizations.ListParents": denied},
    )
    svc = inv.get(SERVICE_ID)
    assert svc is not None and "scp_guardrails" not in svc.attributes
    (cov,) = [c for c in inv.coverage if c.service == "bedrock"]
    assert cov.status is CoverageStatus.OK  # the gate does not fail
    assert "organizations: SCPs not readable from this account" in cov.message


@mock_aws
def test_an_account_in_no_organization_has_no_scps_and_no_remark() -> None:
    _agent()
    inv = awsfake.collect(services=("bedrock",), handlers=EMPTY_BEDROCK)
    svc = inv.get(SERVICE_ID)
    assert svc is not None and svc.attributes["scp_guardrails"]["organization"] is None
    (cov,) = [c for c in inv.coverage if c.service == "bedrock"]
    assert cov.status is CoverageStatus.OK and not cov.message


@mock_aws
def test_throttling_while_reading_scps_is_an_error() -> None:
    _org_with_ou_scp()
    _agent()
    throttled = awsfake.error("TooManyRequestsException", "slow down", 400)
    inv = awsfake.collect(
        services=("bedrock",),
        handlers={**EMPTY_BEDROCK, "before-call.organizations.DescribePolicy": throttled},
    )
    (cov,) = [c for c in inv.coverage if c.service == "bedrock"]
    assert cov.status is CoverageStatus.ERROR and "organizations: " in cov.message


@mock_aws
def test_a_multi_region_scan_reads_organizations_once_per_account() -> None:
    _org_with_ou_scp()
    regions = (REGION, "us-west-2")
    for region in regions:
        _agent(region)
    calls: list[str] = []

    def count(**kwargs: Any) -> None:
        calls.append(kwargs["model"].name)  # and let the real call through

    ops = ("DescribeOrganization", "ListParents", "ListPoliciesForTarget", "DescribePolicy")
    inv = awsfake.collect(
        regions=regions,
        services=("bedrock",),
        handlers={**EMPTY_BEDROCK, **{f"before-call.organizations.{op}": count for op in ops}},
    )
    for region in regions:
        svc = inv.get(f"arn:aws:bedrock:{region}:{ACCOUNT}:llm-service")
        assert svc is not None and svc.attributes["scp_guardrails"]["enforced"], region
    # the account, its OU and the root each listed once; each distinct policy described once
    assert calls.count("DescribeOrganization") == 1
    assert calls.count("ListParents") == 2
    assert calls.count("ListPoliciesForTarget") == 3
    assert calls.count("DescribePolicy") == 2  # FullAWSAccess (on every target), ml-guardrails
