"""Every IAM action the AWS collector may call, gathered from the service modules.

docs/aws-read-only-policy.json is generated from this tuple, and a test checks that each API
operation a full scan calls maps to an action listed here.
"""

from __future__ import annotations

from aiscan.collectors.aws import (
    agentcore,
    bedrock,
    bedrock_agent,
    compute,
    ecr,
    iam,
    organizations,
    s3,
    sagemaker,
    tagging,
)

#: Calls the collector makes outside the service modules.
CORE_PERMISSIONS = (
    "sts:GetCallerIdentity",
    "sts:AssumeRole",
    "ec2:DescribeRegions",
    "organizations:ListAccounts",
)

PERMISSIONS: tuple[str, ...] = tuple(
    sorted(
        set(CORE_PERMISSIONS)
        | set(sagemaker.PERMISSIONS)
        | set(bedrock.PERMISSIONS)
        | set(bedrock_agent.PERMISSIONS)
        | set(agentcore.PERMISSIONS)
        | set(compute.PERMISSIONS)
        | set(ecr.PERMISSIONS)
        | set(iam.PERMISSIONS)
        | set(organizations.PERMISSIONS)
        | set(s3.PERMISSIONS)
        | set(tagging.PERMISSIONS)
    )
)

#: What --deep adds: object contents of model artifacts (the guard allows GetObject only then).
#: ListBucket authorises HeadObject/ListObjectsV2 on artifact prefixes.
DEEP_PERMISSIONS: tuple[str, ...] = ("s3:GetObject", "s3:ListBucket")

#: botocore operation -> IAM action, where the IAM action is not "<prefix>:<OperationName>".
IAM_PREFIX = {
    "api.sagemaker": "sagemaker",
    "api.ecr": "ecr",
    "bedrock-agent": "bedrock",
    "bedrock-agentcore-control": "bedrock-agentcore",
    "tagging": "tag",
}
IAM_ACTION_OVERRIDES = {
    "s3:ListBuckets": "s3:ListAllMyBuckets",
    "s3:GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "s3:GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketLogging": "s3:GetBucketLogging",
    "s3:GetBucketOwnershipControls": "s3:GetBucketOwnershipControls",
    "s3:HeadBucket": "s3:ListBucket",
    "s3:HeadObject": "s3:GetObject",
    "s3:ListObjectsV2": "s3:ListBucket",
    "s3-control:GetPublicAccessBlock": "s3:GetAccountPublicAccessBlock",
}


def iam_action(service_prefix: str, operation: str) -> str:
    """The IAM action that authorises a botocore operation of a service endpoint prefix."""
    prefix = IAM_PREFIX.get(service_prefix, service_prefix)
    action = f"{prefix}:{operation}"
    return IAM_ACTION_OVERRIDES.get(action, action)
