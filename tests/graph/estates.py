"""Estates with planted attack chains, seeded in moto and read by the real AWS collector.

Reusable by graph-rule tests: call a `seed_*` function inside `mock_aws`, then `collect()`, then
`build_graph(inventory)`. Every name takes a `prefix`, so a chain and its broken twin can live in
one account side by side.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import boto3

from aiscan.core.inventory import Inventory
from tests import awsfake

ACCOUNT = "123456789012"
REGION = "us-east-1"
SERVICES = ("ec2", "iam", "s3", "sagemaker")


@dataclass(frozen=True)
class ModelTampering:
    """An internet-exposed GPU instance whose role (through its instance profile) can write the
    bucket holding the artifact a live SageMaker endpoint serves; `broken`: the role can only
    read and the instance has no public IP."""

    instance: str
    profile: str
    role: str
    bucket: str
    model: str
    endpoint: str
    serving_role: str
    broken: bool


def _policy(*statements: dict[str, object]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


EC2_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def seed_model_tampering(prefix: str = "", *, broken: bool = False) -> ModelTampering:
    """Seed the chain (call inside `mock_aws`)."""
    iam = boto3.client("iam", region_name=REGION)
    ec2 = boto3.client("ec2", region_name=REGION)
    s3 = boto3.client("s3", region_name=REGION)
    sm = boto3.client("sagemaker", region_name=REGION)

    bucket = f"{prefix}model-artifacts"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="fraud/model.tar.gz", Body=b"weights")

    box_role = f"{prefix}gpu-box"
    iam.create_role(RoleName=box_role, AssumeRolePolicyDocument=EC2_TRUST)
    actions = ["s3:GetObject"] if broken else ["s3:GetObject", "s3:PutObject"]
    iam.put_role_policy(
        RoleName=box_role,
        PolicyName="artifacts",
        PolicyDocument=_policy(
            {"Effect": "Allow", "Action": actions, "Resource": f"arn:aws:s3:::{bucket}/*"}
        ),
    )
    profile = iam.create_instance_profile(InstanceProfileName=f"{prefix}gpu-box")
    iam.add_role_to_instance_profile(InstanceProfileName=f"{prefix}gpu-box", RoleName=box_role)

    serving_role = f"{prefix}sm-serving"
    iam.create_role(RoleName=serving_role, AssumeRolePolicyDocument=awsfake.SAGEMAKER_TRUST)
    iam.put_role_policy(
        RoleName=serving_role,
        PolicyName="read-artifacts",
        PolicyDocument=_policy(
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}
        ),
    )

    sg = ec2.create_security_group(GroupName=f"{prefix}jupyter", Description="jupyter")["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=sg,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 8888,
                "ToPort": 8888,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    kwargs: dict[str, object] = {"SecurityGroupIds": [sg]}
    if broken:  # a subnet that maps no public IP
        vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
        sg = ec2.create_security_group(
            GroupName=f"{prefix}jupyter-private", Description="jupyter", VpcId=vpc
        )["GroupId"]
        ec2.authorize_security_group_ingress(
            GroupId=sg,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 8888,
                    "ToPort": 8888,
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                }
            ],
        )
        kwargs = {"SubnetId": subnet, "SecurityGroupIds": [sg]}
    instance = ec2.run_instances(
        ImageId="ami-12c6146b",
        MinCount=1,
        MaxCount=1,
        InstanceType="g5.xlarge",
        IamInstanceProfile={"Arn": profile["InstanceProfile"]["Arn"]},
        **kwargs,  # type: ignore[arg-type]
    )["Instances"][0]["InstanceId"]

    model = f"{prefix}fraud-model"
    sm.create_model(
        ModelName=model,
        ExecutionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/{serving_role}",
        PrimaryContainer={
            "Image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/fraud:1",
            "ModelDataUrl": f"s3://{bucket}/fraud/model.tar.gz",
        },
    )
    sm.create_endpoint_config(
        EndpointConfigName=f"{prefix}fraud-config",
        ProductionVariants=[
            {
                "VariantName": "a",
                "ModelName": model,
                "InitialInstanceCount": 1,
                "InstanceType": "ml.g4dn.xlarge",
            }
        ],
    )
    sm.create_endpoint(
        EndpointName=f"{prefix}fraud-prod", EndpointConfigName=f"{prefix}fraud-config"
    )
    sm_arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}"
    return ModelTampering(
        instance=f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{instance}",
        profile=str(profile["InstanceProfile"]["Arn"]),
        role=f"arn:aws:iam::{ACCOUNT}:role/{box_role}",
        bucket=f"arn:aws:s3:::{bucket}",
        model=f"{sm_arn}:model/{model}",
        endpoint=f"{sm_arn}:endpoint/{prefix}fraud-prod",
        serving_role=f"arn:aws:iam::{ACCOUNT}:role/{serving_role}",
        broken=broken,
    )


#: SageMaker reads moto does not implement, answered empty.
MOTO_GAPS: dict[str, awsfake.Handler] = {
    "before-call.sagemaker.ListFeatureGroups": awsfake.canned({"FeatureGroupSummaries": []}),
    "before-call.sagemaker.ListMonitoringSchedules": awsfake.canned(
        {"MonitoringScheduleSummaries": []}
    ),
}


def collect() -> Inventory:
    """Read the seeded account with the real collector (inside `mock_aws`)."""
    return awsfake.collect(regions=(REGION,), services=SERVICES, handlers=MOTO_GAPS)
