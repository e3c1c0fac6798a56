"""The read-only guard refuses every non-read operation before it is sent."""

import boto3
import pytest
from moto import mock_aws

from aiscan.collectors.aws import AwsCollector
from aiscan.collectors.aws.guard import ReadOnlyViolation, is_read_only
from tests import awsfake


@pytest.mark.parametrize(
    ("service", "op", "allowed"),
    [
        ("sagemaker", "ListEndpoints", True),
        ("sagemaker", "DescribeModel", True),
        ("s3", "GetBucketPolicy", True),
        ("sts", "AssumeRole", True),
        # the SCP reads (organizations.py) pass; changing a policy or the tree does not
        *(
            ("organizations", op, True)
            for op in (
                "DescribeOrganization",
                "ListParents",
                "ListPoliciesForTarget",
                "DescribePolicy",
            )
        ),
        ("organizations", "AttachPolicy", False),
        ("organizations", "UpdatePolicy", False),
        ("organizations", "MoveAccount", False),
        ("sagemaker", "CreateEndpoint", False),
        ("sagemaker", "DeleteModel", False),
        ("s3", "PutBucketPolicy", False),
        ("ec2", "RunInstances", False),
        ("ec2", "ModifyInstanceMetadataOptions", False),
        ("secretsmanager", "GetSecretValue", False),
        ("ecr", "GetAuthorizationToken", False),
        ("s3", "GetObject", False),
        ("iam", "AttachRolePolicy", False),
        ("sagemaker", "CreatePresignedNotebookInstanceUrl", False),
    ],
)
def test_read_only_decision(service, op, allowed):
    assert is_read_only(service, op) is allowed


@mock_aws
def test_collector_sessions_refuse_writes_and_nothing_is_created():
    collector = AwsCollector()
    session = collector._new_session(None)
    s3 = session.client("s3", region_name="us-east-1")
    with pytest.raises(ReadOnlyViolation, match="CreateBucket"):
        s3.create_bucket(Bucket="should-not-exist")
    sm = session.client("sagemaker", region_name="us-east-1")
    with pytest.raises(ReadOnlyViolation):
        sm.delete_endpoint(EndpointName="x")
    # the write never reached the (emulated) cloud
    assert boto3.client("s3", region_name="us-east-1").list_buckets()["Buckets"] == []
    # reads still work through the same session
    assert s3.list_buckets()["Buckets"] == []


@mock_aws
def test_guard_wins_over_a_before_call_handler_answering_a_write():
    """A handler that would answer a write at `before-call` (a stub, a plugin) cannot bypass the
    guard: it runs at `before-parameter-build`, which is never short-circuited."""
    handlers = {"before-call.s3.CreateBucket": awsfake.canned({"Location": "/x"})}
    collector = AwsCollector(session_factory=awsfake.session_factory(handlers))
    session = collector._new_session(None)
    with pytest.raises(ReadOnlyViolation):
        session.client("s3", region_name="us-east-1").create_bucket(Bucket="b")
