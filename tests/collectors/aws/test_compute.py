"""EC2 GPU instances and EKS GPU node groups: only accelerated compute becomes an asset."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws

from aiscan.collectors.aws import compute
from aiscan.core.model import AssetKind, CoverageStatus, RelationType
from tests import awsfake

DATA = Path(__file__).resolve().parents[2] / "data" / "aws"
ACCOUNT = "123456789012"
PROFILE_ARN = f"arn:aws:iam::{ACCOUNT}:instance-profile/gpu"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/gpu-role"


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text())


def _types() -> dict[str, dict[str, Any]]:
    return {t["InstanceType"]: t for t in load("ec2_instance_types.json")["InstanceTypes"]}


# -- pure transforms on recorded responses --------------------------------------------------------


def test_accelerators_come_from_the_instance_type_capabilities():
    types = _types()
    assert compute.accelerators(types["g5.xlarge"]) == [
        {
            "type": "A10G",
            "manufacturer": "NVIDIA",
            "count": 1,
            "memory_mib": 22888,
            "class": "gpu",
        }
    ]
    # Inferentia2 is listed as both a Neuron device and an inference accelerator: counted once.
    assert compute.accelerators(types["inf2.xlarge"]) == [
        {
            "type": "Inferentia2",
            "manufacturer": "AWS",
            "count": 1,
            "memory_mib": 32768,
            "class": "neuron",
        }
    ]
    assert compute.accelerators(types["t3.micro"]) == []


def test_recorded_gpu_instance_becomes_a_gpu_compute_asset():
    instance = load("ec2_instances_gpu.json")["Reservations"][0]["Instances"][0]
    groups = {g["GroupId"]: g for g in load("ec2_security_groups.json")["SecurityGroups"]}
    asset = compute.to_instance(
        instance,
        partition="aws",
        account=ACCOUNT,
        region="us-east-1",
        type_info=_types()["g5.xlarge"],
        groups=groups,
    )
    assert asset.id == f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/{instance['InstanceId']}"
    assert asset.kind is AssetKind.GPU_COMPUTE
    assert asset.type == "AWS::EC2::Instance"
    assert asset.name == "trainer"
    attrs = asset.attributes
    assert attrs["instance_type"] == "g5.xlarge"
    assert attrs["imds_v2_required"] is False
    assert attrs["imds_enabled"] is True
    assert attrs["public_ip"] == "54.214.92.69"
    assert attrs["instance_profile"] == PROFILE_ARN
    assert attrs["accelerator_source"] == "describe-instance-types"
    assert attrs["accelerators"][0]["type"] == "A10G"
    # 8888 from anywhere and "all traffic" from ::/0; SSH from 10.0.0.0/8 is not internet-open
    assert attrs["internet_open_ports"] == [
        {"protocol": "all", "from": 0, "to": 65535},
        {"protocol": "tcp", "from": 8888, "to": 8888},
    ]


def test_unreadable_security_groups_leave_open_ports_absent_and_public_ip_via_eni():
    instance = dict(load("ec2_instances_gpu.json")["Reservations"][0]["Instances"][0])
    del instance["PublicIpAddress"]  # the address is still on the network interface
    del instance["MetadataOptions"]
    asset = compute.to_instance(
        instance, partition="aws", account=ACCOUNT, region="us-east-1", type_info=None, groups=None
    )
    assert asset.attributes["public_ip"] == "54.214.92.69"
    assert "internet_open_ports" not in asset.attributes
    assert "imds_v2_required" not in asset.attributes
    assert "accelerators" not in asset.attributes
    assert asset.attributes["accelerator_source"] == "instance-type-name"


def test_recorded_nodegroup_with_ssh_key_and_no_source_groups_is_open_to_the_world():
    ng = load("eks_nodegroup_gpu.json")["nodegroup"]
    asset = compute.to_nodegroup(
        ng, account=ACCOUNT, region="us-east-1", types=_types(), source="describe-instance-types"
    )
    assert asset.id == ng["nodegroupArn"]
    assert asset.type == "AWS::EKS::Nodegroup"
    attrs = asset.attributes
    assert attrs["ssh_open_to_world"] is True
    assert attrs["remote_access"] == {"ec2_ssh_key": "ops", "source_security_groups": []}
    assert attrs["ami_type"] == "AL2_x86_64_GPU"
    assert attrs["scaling"] == {"min": 0, "max": 4, "desired": 1}
    assert attrs["role_arn"] == f"arn:aws:iam::{ACCOUNT}:role/node"
    assert [a["type"] for a in attrs["accelerators"]] == ["A10G"]

    restricted = {**ng, "remoteAccess": {"ec2SshKey": "ops", "sourceSecurityGroups": ["sg-1"]}}
    asset = compute.to_nodegroup(
        restricted, account=ACCOUNT, region="us-east-1", types=_types(), source="ami-type"
    )
    assert asset.attributes["ssh_open_to_world"] is False


def test_nodegroup_accelerator_decision():
    types = _types()
    cpu = {"instanceTypes": ["t3.micro"], "amiType": "AL2_x86_64"}
    assert compute.nodegroup_accelerator_source(cpu, types, by_name=False) is None
    gpu_ami = {"amiType": "AL2023_x86_64_NVIDIA"}  # launch-template node group: no types listed
    assert compute.nodegroup_accelerator_source(gpu_ami, types, by_name=False) == "ami-type"
    by_type = {"instanceTypes": ["g5.xlarge"], "amiType": "AL2023_x86_64_STANDARD"}
    assert compute.nodegroup_accelerator_source(by_type, types, by_name=False) == (
        "describe-instance-types"
    )
    assert compute.nodegroup_accelerator_source(by_type, None, by_name=True) == (
        "instance-type-name"
    )


# -- the real collector under moto ----------------------------------------------------------------


def _seed_instances() -> dict[str, str]:
    ec2 = boto3.client("ec2", region_name="us-east-1")
    iam = boto3.client("iam", region_name="us-east-1")
    iam.create_instance_profile(InstanceProfileName="gpu")
    iam.create_role(RoleName="gpu-role", AssumeRolePolicyDocument=awsfake.SAGEMAKER_TRUST)
    iam.add_role_to_instance_profile(InstanceProfileName="gpu", RoleName="gpu-role")
    sg = ec2.create_security_group(GroupName="jupyter", Description="jupyter")["GroupId"]
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
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    private = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]

    def run(instance_type: str, **kwargs: Any) -> str:
        resp = ec2.run_instances(
            ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType=instance_type, **kwargs
        )
        return str(resp["Instances"][0]["InstanceId"])

    ids = {
        "g5": run("g5.xlarge", SecurityGroupIds=[sg], IamInstanceProfile={"Arn": PROFILE_ARN}),
        "p4d": run(
            "p4d.24xlarge",
            SubnetId=private,
            MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
        ),
        "cpu": run("t3.micro", SecurityGroupIds=[sg]),
        "gone": run("g5.xlarge"),
    }
    ec2.terminate_instances(InstanceIds=[ids["gone"]])
    return ids


def _arn(instance_id: str) -> str:
    return f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/{instance_id}"


@mock_aws
def test_only_live_gpu_instances_are_collected_with_their_posture():
    ids = _seed_instances()
    inv = awsfake.collect(services=("ec2",))

    assert {a.id for a in inv.assets} == {_arn(ids["g5"]), _arn(ids["p4d"])}
    g5 = inv.get(_arn(ids["g5"]))
    p4d = inv.get(_arn(ids["p4d"]))
    assert g5 is not None and p4d is not None
    assert g5.attributes["imds_v2_required"] is False
    assert g5.attributes["public_ip"]
    assert g5.attributes["internet_open_ports"] == [{"protocol": "tcp", "from": 8888, "to": 8888}]
    assert g5.attributes["instance_profile"] == PROFILE_ARN
    assert p4d.attributes["imds_v2_required"] is True
    assert p4d.attributes["public_ip"] is None
    assert p4d.attributes["accelerators"][0] == {
        "type": "A100",
        "manufacturer": "NVIDIA",
        "count": 8,
        "memory_mib": 40960,
        "class": "gpu",
    }
    assert p4d.attributes["internet_open_ports"] == []
    # the instance profile resolves to its role: runs-as targets the role, the profile is a fact
    assert [r.target for r in inv.outgoing(g5.id, RelationType.RUNS_AS)] == [ROLE_ARN]
    assert g5.attributes["instance_profile_roles"] == [ROLE_ARN]
    (cov,) = inv.coverage
    assert (cov.service, cov.region, cov.status, cov.assets) == (
        "ec2",
        "us-east-1",
        CoverageStatus.OK,
        2,
    )


@mock_aws
def test_an_instance_profile_resolves_to_its_role_in_the_inventory_and_the_graph():
    from aiscan.core.graph.build import build_graph
    from aiscan.core.graph.model import EdgeType

    ids = _seed_instances()
    inv = awsfake.collect(services=("ec2", "iam"))
    g5 = _arn(ids["g5"])
    role = inv.get(ROLE_ARN)
    assert role is not None and role.kind is AssetKind.IDENTITY  # queued for the IAM pass
    graph = build_graph(inv)
    assert [t for t, _ in graph.out_edges(g5, EdgeType.RUNS_AS)] == [ROLE_ARN]
    assert graph.asset(ROLE_ARN) is role
    assert PROFILE_ARN not in graph.g  # the profile is a fact, not a node
    assert all(c.status is CoverageStatus.OK for c in inv.coverage)


@mock_aws
def test_an_unreadable_instance_profile_keeps_the_profile_as_the_identity():
    ids = _seed_instances()
    inv = awsfake.collect(
        services=("ec2",),
        handlers={"before-call.iam.GetInstanceProfile": awsfake.error("AccessDenied", status=403)},
    )
    g5 = inv.get(_arn(ids["g5"]))
    assert g5 is not None and "instance_profile_roles" not in g5.attributes
    assert [r.target for r in inv.outgoing(g5.id, RelationType.RUNS_AS)] == [PROFILE_ARN]
    (cov,) = inv.coverage
    assert cov.status is CoverageStatus.DENIED and "instance profile gpu" in cov.message


@mock_aws
def test_denied_instance_types_fall_back_to_names_and_say_so():
    ids = _seed_instances()
    inv = awsfake.collect(
        services=("ec2",),
        handlers={
            "before-call.ec2.DescribeInstanceTypes": awsfake.error("UnauthorizedOperation"),
        },
    )
    assert {a.id for a in inv.assets} == {_arn(ids["g5"]), _arn(ids["p4d"])}
    assert all(a.attributes["accelerator_source"] == "instance-type-name" for a in inv.assets)
    assert all("accelerators" not in a.attributes for a in inv.assets)
    (cov,) = inv.coverage
    assert cov.status is CoverageStatus.DENIED
    assert "DescribeInstanceTypes" in cov.message


@mock_aws
def test_only_gpu_nodegroups_are_collected_and_their_node_role_is_queued():
    eks = boto3.client("eks", region_name="us-east-1")
    eks.create_cluster(
        name="ml",
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/eks",
        resourcesVpcConfig={"subnetIds": ["subnet-1"]},
    )

    def nodegroup(name: str, **kwargs: Any) -> str:
        resp = eks.create_nodegroup(
            clusterName="ml",
            nodegroupName=name,
            nodeRole=f"arn:aws:iam::{ACCOUNT}:role/{name}-node",
            subnets=["subnet-1"],
            **kwargs,
        )
        return str(resp["nodegroup"]["nodegroupArn"])

    gpu = nodegroup("gpu", instanceTypes=["g5.xlarge"], remoteAccess={"ec2SshKey": "ops"})
    locked = nodegroup(
        "gpu-locked",
        instanceTypes=["g5.xlarge"],
        remoteAccess={"ec2SshKey": "ops", "sourceSecurityGroups": ["sg-12345678"]},
    )
    neuron_ami = nodegroup("neuron", amiType="AL2023_x86_64_NEURON", instanceTypes=["trn1.2xlarge"])
    nodegroup("cpu", instanceTypes=["m5.large"], remoteAccess={"ec2SshKey": "ops"})

    inv = awsfake.collect(services=("eks",))

    assert {a.id for a in inv.assets} == {gpu, locked, neuron_ami}
    assert inv.get(gpu).attributes["ssh_open_to_world"] is True  # type: ignore[union-attr]
    assert inv.get(locked).attributes["ssh_open_to_world"] is False  # type: ignore[union-attr]
    trn = inv.get(neuron_ami)
    assert trn is not None and trn.attributes["accelerators"][0]["type"] == "Trainium"
    assert {r.target for r in inv.outgoing(gpu, RelationType.RUNS_AS)} == {
        f"arn:aws:iam::{ACCOUNT}:role/gpu-node"
    }
    assert {r.target for r in inv.outgoing(gpu, RelationType.MEMBER_OF)} == {
        f"arn:aws:eks:us-east-1:{ACCOUNT}:cluster/ml"
    }
    (cov,) = inv.coverage
    assert cov.status is CoverageStatus.OK


def test_instance_profile_transforms_on_a_recorded_answer():
    profile = load("iam_instance_profile.json")["InstanceProfile"]
    assert compute.profile_roles(profile) == [ROLE_ARN]
    assert compute.profile_roles({"Roles": []}) == []
    assert compute.profile_name(PROFILE_ARN, ACCOUNT) == "gpu"
    assert compute.profile_name(f"arn:aws:iam::{ACCOUNT}:instance-profile/team/a/gpu", ACCOUNT) == (
        "gpu"
    )
    # another account's profile, or not a profile ARN at all: nothing to resolve here
    assert compute.profile_name("arn:aws:iam::999999999999:instance-profile/gpu", ACCOUNT) is None
    assert compute.profile_name(f"arn:aws:iam::{ACCOUNT}:role/gpu", ACCOUNT) is None
