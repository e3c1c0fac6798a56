"""The service modules the AWS collector runs, by the service key used in --services/coverage."""

from __future__ import annotations

from collections.abc import Callable

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
)
from aiscan.collectors.aws.context import ScopeContext

ServiceFn = Callable[[ScopeContext], None]

#: Read per (account, region).
REGIONAL_SERVICES: dict[str, ServiceFn] = {
    "sagemaker": sagemaker.collect,
    "bedrock": bedrock.collect,
    "bedrock-agent": bedrock_agent.collect,
    "bedrock-agentcore": agentcore.collect,
    "ec2": compute.collect_instances,
    "eks": compute.collect_nodegroups,
}

#: Read once per account after the regional pass: they hold what AI assets referred to.
GLOBAL_SERVICES: dict[str, ServiceFn] = {
    "s3": s3.collect,
    "ecr": ecr.collect,
    "iam": iam.collect,
}

#: Every module that reads a service (each lists the IAM actions it calls in `PERMISSIONS`).
MODULES = (agentcore, bedrock, bedrock_agent, compute, ecr, iam, organizations, s3, sagemaker)

#: botocore endpoint names where they differ from the service key (for region availability).
SERVICE_ENDPOINTS = {"bedrock-agentcore": "bedrock-agentcore-control"}
