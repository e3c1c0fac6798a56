"""Rules for accelerated compute hosting AI on AWS: EC2 GPU/Trainium/Inferentia instances and EKS
managed node groups of them (assets of kind gpu-compute from the `ec2` and `eks` collectors)."""

from __future__ import annotations

from aiscan.core.facts import known as _known
from aiscan.core.facts import unread
from aiscan.core.facts.aws import Ec2InstanceFacts, EksNodegroupFacts
from aiscan.rules.base import Asset, AssetKind, Category, Cloud, Result, RuleContext, Severity, rule

_IMDS_REFS = (
    "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html"
)


@rule(
    id="AWS-GPU-001",
    title="GPU / accelerator instance allows IMDSv1",
    severity=Severity.HIGH,
    category=Category.COMPUTE_HARDENING,
    kinds=(AssetKind.GPU_COMPUTE,),
    clouds=(Cloud.AWS,),
    services=("ec2",),
    description=(
        "The instance metadata service of a GPU, Trainium or Inferentia instance answers "
        "IMDSv1 requests (HttpTokens is not 'required')."
    ),
    risk=(
        "IMDSv1 hands out the instance role's credentials to any request that reaches it, so a "
        "server-side request forgery in a notebook, model server or agent tool running on the "
        "instance leaks credentials that usually reach training data and model artifacts."
    ),
    remediation=(
        "Require IMDSv2: `aws ec2 modify-instance-metadata-options --instance-id <id> "
        "--http-tokens required --http-endpoint enabled` (console: Actions > Instance settings > "
        "Modify instance metadata options); Terraform `metadata_options { http_tokens = "
        '"required" }`. Set the account default with `aws ec2 modify-instance-metadata-defaults '
        "--http-tokens required`."
    ),
    references=(
        "securityhub:EC2.8",
        "config:ec2-imdsv2-check",
        "prowler:ec2_instance_imdsv2_enabled",
        "OWASP-LLM:LLM02",
        "MITRE-ATLAS:AML.T0055",
        _IMDS_REFS,
    ),
)
def gpu_imdsv1_allowed(asset: Asset, facts: Ec2InstanceFacts, ctx: RuleContext) -> Result:
    if facts.imds_enabled is False:
        return Result.ok("instance metadata service is disabled")
    required = facts.imds_v2_required
    if unread(required):
        return Result.manual("instance metadata options could not be read")
    if required:
        return Result.ok("IMDSv2 required")
    instance_type = _known(facts.instance_type)
    return Result.fail(
        f"{instance_type or 'instance'} accepts IMDSv1 requests (HttpTokens is not 'required')",
        evidence={
            "imds_v2_required": False,
            "imds_enabled": _known(facts.imds_enabled),
            "instance_type": instance_type,
            "instance_profile": _known(facts.instance_profile),
        },
    )


@rule(
    id="AWS-GPU-002",
    title="GPU / accelerator instance has a public IP address",
    severity=Severity.HIGH,
    category=Category.NETWORK_EXPOSURE,
    kinds=(AssetKind.GPU_COMPUTE,),
    clouds=(Cloud.AWS,),
    services=("ec2",),
    description="A GPU, Trainium or Inferentia instance has a public IPv4 address.",
    risk=(
        "AI hosts run notebooks, model servers and orchestration dashboards (Jupyter, Ray, vLLM) "
        "that often listen without authentication; a public address puts them one security-group "
        "mistake away from the internet, and exposed GPUs are a favourite target for cost "
        "harvesting."
    ),
    remediation=(
        "Launch accelerated instances in private subnets and reach them through SSM Session "
        "Manager, a bastion or a load balancer; disassociate the address "
        "(`aws ec2 disassociate-address` for an Elastic IP) or relaunch with "
        "`--no-associate-public-ip-address`; Terraform `associate_public_ip_address = false`."
    ),
    references=(
        "securityhub:EC2.9",
        "config:ec2-instance-no-public-ip",
        "prowler:ec2_instance_public_ip",
        "MITRE-ATLAS:AML.T0049",
        "MITRE-ATLAS:AML.T0034",
    ),
)
def gpu_public_ip(asset: Asset, facts: Ec2InstanceFacts, ctx: RuleContext) -> Result:
    address = facts.public_ip
    if unread(address):
        return Result.manual("network interfaces could not be read")
    if not address:
        return Result.ok("no public address")
    ports = facts.internet_open_ports
    instance_type = _known(facts.instance_type)
    return Result.fail(
        f"{instance_type or 'instance'} has public address {address}",
        evidence={
            "public_ip": address,
            "internet_open_ports": None
            if unread(ports)
            else [p.model_dump(mode="json", by_alias=True) for p in ports],
            "instance_type": instance_type,
        },
    )


@rule(
    id="AWS-GPU-003",
    title="EKS GPU node group allows SSH from the internet",
    severity=Severity.HIGH,
    category=Category.NETWORK_EXPOSURE,
    kinds=(AssetKind.GPU_COMPUTE,),
    clouds=(Cloud.AWS,),
    services=("eks",),
    description=(
        "An EKS managed node group of accelerator instances sets an SSH key for remote access "
        "without source security groups, which opens port 22 on every node to 0.0.0.0/0."
    ),
    risk=(
        "Nodes of a GPU node group run training and inference pods with their service-account "
        "tokens, model weights and datasets; SSH from anywhere exposes them to credential "
        "stuffing and, with a leaked key, gives a shell next to that data and the node role."
    ),
    remediation=(
        "Remove remote access or restrict it: recreate the node group with "
        "`remoteAccess.sourceSecurityGroups` set to an admin security group (eksctl "
        "`ssh.sourceSecurityGroupIds`; Terraform `remote_access { source_security_group_ids = "
        "[...] }`), or drop SSH keys and use SSM Session Manager as the EKS best practices guide "
        "recommends."
    ),
    references=(
        "eks-best-practices:protecting-the-infrastructure",
        "https://docs.aws.amazon.com/eks/latest/best-practices/protecting-the-infrastructure.html",
        "https://docs.aws.amazon.com/eks/latest/APIReference/API_RemoteAccessConfig.html",
        "MITRE-ATLAS:AML.T0049",
    ),
)
def eks_gpu_ssh_open(asset: Asset, facts: EksNodegroupFacts, ctx: RuleContext) -> Result:
    if unread(facts.ssh_open_to_world):
        return Result.manual("node group remote access could not be read")
    if not facts.ssh_open_to_world:
        return Result.ok("SSH is not open to the internet")
    remote = _known(facts.remote_access)
    types = _known(facts.instance_types)
    return Result.fail(
        "node group sets an SSH key without source security groups: port 22 is open to 0.0.0.0/0",
        evidence={
            "ec2_ssh_key": remote.ec2_ssh_key if remote else None,
            "source_security_groups": list(remote.source_security_groups) if remote else None,
            "instance_types": list(types) if types is not None else None,
        },
    )


RULES = (gpu_imdsv1_allowed, gpu_public_ip, eks_gpu_ssh_open)
