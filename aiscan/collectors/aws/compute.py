"""Accelerated compute that hosts AI outside the managed services: EC2 GPU/Trainium/Inferentia
instances (service key `ec2`) and EKS managed node groups of such instances (service key `eks`).

Whether an instance type is an accelerator type is decided from DescribeInstanceTypes (GpuInfo,
InferenceAcceleratorInfo or NeuronInfo present), not from a list of names: names drift with every
new family. Only when DescribeInstanceTypes is denied does a name-prefix guess (`p`, `g`, `gr`,
`trn`, `inf`, `dl` followed by a digit) stand in (`accelerator_source`). CPU-only instances and
node groups produce nothing; terminated instances are skipped.

An instance's identity is its instance profile, resolved to its role with IAM GetInstanceProfile
(once per profile and account): each role gets a `runs-as` relation and is queued for the IAM
collector, so the instance's permissions are the role's. When the profile cannot be read (denied,
gone) the `runs-as` relation points at the profile ARN instead and the failure is noted in
coverage. A node group's node role is related with `runs-as` and queued for the IAM collector.

`internet_open_ports` lists the inbound rules of the instance's security groups open to 0.0.0.0/0
or ::/0 as `{"protocol", "from", "to"}` with inclusive bounds: `tcp`/`udp` (other numbered
protocols as their number) or `all` ("all traffic", written 0-65535); ICMP rules have no ports and
are left out.

Facts: aiscan/core/facts/aws.py `Ec2InstanceFacts`, `EksNodegroupFacts`; docs/attributes.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from aiscan.collectors.aws.assets import aws_asset
from aiscan.collectors.aws.context import ScopeContext, paginate
from aiscan.collectors.aws.errors import classify
from aiscan.collectors.aws.iam import as_datetime, home_region
from aiscan.collectors.aws.tagging import bounded_tags
from aiscan.collectors.payload import items, mapping, opt
from aiscan.core.model import Asset, AssetKind, CoverageStatus, RelationType
from aiscan.core.sanitize import clean_text

PERMISSIONS: tuple[str, ...] = (
    "ec2:DescribeInstances",
    "ec2:DescribeInstanceTypes",
    "ec2:DescribeSecurityGroups",
    "iam:GetInstanceProfile",
    "eks:ListClusters",
    "eks:ListNodegroups",
    "eks:DescribeNodegroup",
)

BATCH = 100
INTERNET = ("0.0.0.0/0", "::/0")
SOURCE_API = "describe-instance-types"
SOURCE_NAME = "instance-type-name"
SOURCE_AMI = "ami-type"
_ACCELERATOR_NAME = re.compile(r"^(?:p|g|gr|trn|inf|dl)\d", re.IGNORECASE)
_GPU_AMI = re.compile(r"GPU|NVIDIA|NEURON", re.IGNORECASE)
_PROTOCOLS = {"-1": "all", "6": "tcp", "17": "udp", "tcp": "tcp", "udp": "udp"}


# -- SDK calls -----------------------------------------------------------------------------------


def describe_instances(client: Any) -> list[dict[str, Any]]:
    return [
        dict(instance)
        for reservation in paginate(client, "describe_instances", "Reservations")
        for instance in reservation.get("Instances") or []
    ]


#: The describes read for a set of ids: (operation, result key, id key, id list parameter).
INSTANCE_TYPES = ("describe_instance_types", "InstanceTypes", "InstanceType", "InstanceTypes")
SECURITY_GROUPS = ("describe_security_groups", "SecurityGroups", "GroupId", "GroupIds")


def describe_by_ids(
    client: Any, read: tuple[str, str, str, str], ids: Iterable[str]
) -> dict[str, dict[str, Any]]:
    """One of the describes above for `ids`, BATCH ids a call: each answer by its id."""
    operation, key, id_key, parameter = read
    names = sorted(set(ids))
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(names), BATCH):
        batch = {parameter: names[start : start + BATCH]}
        out.update((str(v[id_key]), dict(v)) for v in paginate(client, operation, key, **batch))
    return out


def get_instance_profile(client: Any, name: str) -> dict[str, Any]:
    return dict(client.get_instance_profile(InstanceProfileName=name)["InstanceProfile"])


def list_clusters(client: Any) -> list[str]:
    return [str(c) for c in paginate(client, "list_clusters", "clusters")]


def list_nodegroups(client: Any, cluster: str) -> list[str]:
    return [str(n) for n in paginate(client, "list_nodegroups", "nodegroups", clusterName=cluster)]


def describe_nodegroup(client: Any, cluster: str, nodegroup: str) -> dict[str, Any]:
    resp = client.describe_nodegroup(clusterName=cluster, nodegroupName=nodegroup)
    return dict(resp["nodegroup"])


# -- transforms ----------------------------------------------------------------------------------


def accelerators(type_info: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The accelerator devices of an instance type (DescribeInstanceTypes entry)."""
    gpus = items(mapping(type_info, "GpuInfo"), "Gpus")
    neuron = items(mapping(type_info, "NeuronInfo"), "NeuronDevices")
    inference = items(mapping(type_info, "InferenceAcceleratorInfo"), "Accelerators")
    out = [_device("gpu", d, d.get("Manufacturer")) for d in gpus]
    out += [_device("neuron", d, "AWS") for d in neuron]
    # Inferentia appears both as a Neuron device and an inference accelerator: count it once.
    names = {d["type"] for d in out}
    out += [
        _device("inference", d, d.get("Manufacturer"))
        for d in inference
        if d.get("Name") not in names
    ]
    return out


def _device(kind: str, dev: Mapping[str, Any], manufacturer: Any) -> dict[str, Any]:
    return {
        "type": dev.get("Name"),
        "manufacturer": manufacturer,
        "count": dev.get("Count"),
        "memory_mib": mapping(dev, "MemoryInfo").get("SizeInMiB"),
        "class": kind,
    }


def is_accelerator_name(instance_type: str) -> bool:
    return _ACCELERATOR_NAME.match(instance_type) is not None


def internet_open_ports(groups: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Inbound rules open to the internet, as {protocol, from, to} (see the module docstring)."""
    found: set[tuple[str, int, int]] = set()
    for group in groups:
        for perm in items(group, "IpPermissions"):
            cidrs = [r.get("CidrIp") for r in items(perm, "IpRanges")]
            cidrs += [r.get("CidrIpv6") for r in items(perm, "Ipv6Ranges")]
            if not any(c in INTERNET for c in cidrs):
                continue
            raw_proto = str(perm.get("IpProtocol", "")).lower()
            if raw_proto in ("icmp", "icmpv6", "1", "58"):
                continue
            protocol = _PROTOCOLS.get(raw_proto, raw_proto)
            low, high = 0, 65535
            if protocol != "all" and perm.get("FromPort") is not None:
                low, high = int(perm["FromPort"]), int(perm.get("ToPort", perm["FromPort"]))
                if low == -1:
                    low, high = 0, 65535
            found.add((protocol, low, high))
    return [{"protocol": p, "from": a, "to": b} for p, a, b in sorted(found)]


def security_group_ids(instance: Mapping[str, Any]) -> list[str]:
    """The instance's groups and those of every attached network interface, in order."""
    groups = list(items(instance, "SecurityGroups"))
    for eni in items(instance, "NetworkInterfaces"):
        groups.extend(items(eni, "Groups"))
    return list(dict.fromkeys(str(g["GroupId"]) for g in groups if g.get("GroupId")))


def public_ip(instance: Mapping[str, Any]) -> str | None:
    addresses = [
        opt(mapping(eni, "Association"), "PublicIp") for eni in items(instance, "NetworkInterfaces")
    ]
    return next(filter(None, [opt(instance, "PublicIpAddress"), *addresses]), None)


def to_instance(
    instance: Mapping[str, Any],
    *,
    partition: str,
    account: str,
    region: str,
    type_info: Mapping[str, Any] | None,
    groups: Mapping[str, Mapping[str, Any]] | None,
) -> Asset:
    """A gpu-compute asset from a DescribeInstances entry. `type_info` None means the type was
    judged by name only; `groups` None means the security groups could not be read."""
    instance_id = str(instance["InstanceId"])
    tags = bounded_tags(instance.get("Tags"))
    metadata = mapping(instance, "MetadataOptions")
    group_ids = security_group_ids(instance)
    attributes: dict[str, Any] = {
        "instance_type": instance.get("InstanceType"),
        "state": mapping(instance, "State").get("Name"),
        "public_ip": public_ip(instance),
        "instance_profile": mapping(instance, "IamInstanceProfile").get("Arn"),
        "subnet_id": instance.get("SubnetId"),
        "vpc_id": instance.get("VpcId"),
        "security_groups": group_ids,
        "accelerator_source": SOURCE_API if type_info is not None else SOURCE_NAME,
    }
    if type_info is not None:
        attributes["accelerators"] = accelerators(type_info)
    if "HttpTokens" in metadata:
        attributes["imds_v2_required"] = metadata["HttpTokens"] == "required"
    if "HttpEndpoint" in metadata:
        attributes["imds_enabled"] = metadata["HttpEndpoint"] == "enabled"
    if "HttpPutResponseHopLimit" in metadata:
        attributes["imds_hop_limit"] = metadata["HttpPutResponseHopLimit"]
    if groups is not None and all(g in groups for g in group_ids):
        attributes["internet_open_ports"] = internet_open_ports(groups[g] for g in group_ids)
    return aws_asset(
        id=f"arn:{partition}:ec2:{region}:{account}:instance/{instance_id}",
        kind=AssetKind.GPU_COMPUTE,
        service="ec2",
        type="AWS::EC2::Instance",
        name=clean_text(tags.get("Name") or instance_id, 256),
        account=account,
        region=region,
        payload=instance,
        attributes=attributes,
        created_at=as_datetime(instance.get("LaunchTime")),
        tags=tags,
    )


_PROFILE_ARN = re.compile(
    r"^arn:aws[\w-]*:iam::(\d{12}):instance-profile/(?:[\w+=,.@/-]*/)?([\w+=,.@-]{1,128})$"
)


def profile_name(arn: str | None, account: str) -> str | None:
    """The name of an instance profile of `account` from its ARN (None: not one of ours)."""
    m = _PROFILE_ARN.match(arn or "")
    return m.group(2) if m and m.group(1) == account else None


def profile_roles(profile: Mapping[str, Any]) -> list[str]:
    """The role ARNs of a GetInstanceProfile answer (an instance profile holds at most one)."""
    return sorted({str(r["Arn"]) for r in items(profile, "Roles") if r.get("Arn")})


def nodegroup_accelerator_source(
    nodegroup: Mapping[str, Any], types: Mapping[str, Mapping[str, Any]] | None, *, by_name: bool
) -> str | None:
    """How a node group was recognised as accelerated, or None when it is not (as far as known).

    `types` holds DescribeInstanceTypes answers (None: unavailable); `by_name` allows the
    name-prefix guess (only when DescribeInstanceTypes was denied)."""
    names = [str(t) for t in items(nodegroup, "instanceTypes")]
    if types is not None and any(accelerators(types.get(n) or {}) for n in names):
        return SOURCE_API
    if by_name and any(is_accelerator_name(n) for n in names):
        return SOURCE_NAME
    if _GPU_AMI.search(str(nodegroup.get("amiType") or "")):
        return SOURCE_AMI
    return None


def to_nodegroup(
    nodegroup: Mapping[str, Any],
    *,
    account: str,
    region: str,
    types: Mapping[str, Mapping[str, Any]] | None,
    source: str,
) -> Asset:
    """A gpu-compute asset from a DescribeNodegroup answer; `types` holds DescribeInstanceTypes
    answers (None: unavailable) and `source` how the node group was recognised as accelerated."""
    instance_types = [str(t) for t in items(nodegroup, "instanceTypes")]
    scaling = mapping(nodegroup, "scalingConfig")
    remote = mapping(nodegroup, "remoteAccess")
    sources = [str(s) for s in items(remote, "sourceSecurityGroups")]
    cluster = nodegroup.get("clusterName")
    attributes: dict[str, Any] = {
        "cluster": cluster,
        "instance_types": instance_types,
        "ami_type": nodegroup.get("amiType"),
        "scaling": {
            "min": scaling.get("minSize"),
            "max": scaling.get("maxSize"),
            "desired": scaling.get("desiredSize"),
        },
        "node_role": nodegroup.get("nodeRole"),
        "role_arn": nodegroup.get("nodeRole"),
        "remote_access": {"ec2_ssh_key": remote.get("ec2SshKey"), "source_security_groups": sources}
        if remote
        else None,
        "ssh_open_to_world": bool(remote.get("ec2SshKey")) and not sources,
        "accelerator_source": source,
    }
    if types is not None and instance_types and all(t in types for t in instance_types):
        attributes["accelerators"] = [d for t in instance_types for d in accelerators(types[t])]
    return aws_asset(
        id=str(nodegroup["nodegroupArn"]),
        kind=AssetKind.GPU_COMPUTE,
        service="eks",
        type="AWS::EKS::Nodegroup",
        # A node group is named within its cluster, as GKE and AKS node pools are.
        name=clean_text(
            "/".join(str(n) for n in (cluster, nodegroup.get("nodegroupName")) if n), 256
        ),
        account=account,
        region=region,
        payload=nodegroup,
        attributes=attributes,
        created_at=as_datetime(nodegroup.get("createdAt")),
        tags=bounded_tags(nodegroup.get("tags")),
    )


# -- collection ----------------------------------------------------------------------------------


def _type_infos(
    ctx: ScopeContext, ec2: Any, types: Iterable[str]
) -> tuple[dict[str, dict[str, Any]] | None, bool]:
    """(type name -> DescribeInstanceTypes entry, ok). None with ok=True means "denied, fall back
    to names" (recorded in coverage); ok=False means a failure that leaves nothing to decide on."""
    wanted = sorted(set(types))
    if not wanted:
        return {}, True
    try:
        return describe_by_ids(ec2, INSTANCE_TYPES, wanted), True
    except Exception as exc:
        status, message = classify(exc)
        denied = status is CoverageStatus.DENIED
        if denied:
            message += "; accelerator types guessed from instance type names"
        ctx.note(status, f"DescribeInstanceTypes: {message}")
        return None, denied


def _transform(
    ctx: ScopeContext, label: str, fn: Any, payload: Mapping[str, Any], **kwargs: Any
) -> Asset | None:
    """`fn(payload, account, region, **kwargs)` as the item's section `label`."""
    return ctx.section(label, fn, payload, account=ctx.account, region=ctx.region, **kwargs)


def collect_instances(ctx: ScopeContext) -> None:
    ec2 = ctx.client("ec2")
    instances = ctx.section("DescribeInstances", describe_instances, ec2)
    if not instances:
        return
    live = [i for i in instances if (i.get("State") or {}).get("Name") != "terminated"]
    infos, ok = _type_infos(ctx, ec2, (str(i.get("InstanceType")) for i in live))
    if not ok:
        return
    if infos is None:
        gpu = [i for i in live if is_accelerator_name(str(i.get("InstanceType")))]
    else:
        gpu = [i for i in live if accelerators(infos.get(str(i.get("InstanceType"))) or {})]
    if not gpu:
        return
    group_ids = [g for i in gpu for g in security_group_ids(i)]
    groups = ctx.section("DescribeSecurityGroups", describe_by_ids, ec2, SECURITY_GROUPS, group_ids)
    for instance in gpu:
        asset = _transform(
            ctx,
            f"instance {clean_text(instance.get('InstanceId'), 32)}",
            to_instance,
            instance,
            partition=ctx.partition,
            type_info=None if infos is None else infos.get(str(instance.get("InstanceType"))),
            groups=groups,
        )
        if asset is None:
            continue
        profile = asset.attributes.get("instance_profile")
        roles = _resolve_profile(ctx, profile)
        if roles is None:
            ctx.add(asset)
            ctx.relate(asset.id, RelationType.RUNS_AS, profile)
            continue
        attributes = {**asset.attributes, "instance_profile_roles": roles}
        ctx.add(asset.model_copy(update={"attributes": attributes}))
        for role in roles:
            ctx.use_role(asset.id, role)


def _resolve_profile(ctx: ScopeContext, profile: str | None) -> list[str] | None:
    """The role ARNs of an instance profile (None: no profile, or it could not be read)."""
    name = profile_name(profile, ctx.account)
    if name is None:
        return None
    iam = ctx.client("iam", home_region(ctx.partition))
    found = ctx.section(
        f"instance profile {clean_text(name, 64)}",
        ctx.refs.once,
        ("instance-profile", name),
        get_instance_profile,
        iam,
        name,
    )
    return None if found is None else profile_roles(found)


def _in_cluster(ctx: ScopeContext, fn: Any, eks: Any, args: tuple[str, ...]) -> Any:
    """`fn(eks, cluster, ...)`, its failure noted under the cluster's printable name (so ctx.each,
    whose label only names the item for a failure it catches, never sees one)."""
    return ctx.section(f"cluster {clean_text(args[0], 100)}", fn, eks, *args)


def collect_nodegroups(ctx: ScopeContext) -> None:
    eks = ctx.client("eks")
    clusters = ctx.section("ListClusters", list_clusters, eks) or []
    listed = ctx.each("cluster", _in_cluster, [(c,) for c in clusters], ctx, list_nodegroups, eks)
    pairs = [(c, ng) for c, names in zip(clusters, listed, strict=True) for ng in names or []]
    found = ctx.each("nodegroup", _in_cluster, pairs, ctx, describe_nodegroup, eks)
    nodegroups = [ng for ng in found if ng is not None]
    if not nodegroups:
        return
    all_types = (str(t) for ng in nodegroups for t in ng.get("instanceTypes") or [])
    infos, ok = _type_infos(ctx, ctx.client("ec2"), all_types)
    for ng in nodegroups:
        # without type answers (denied: names may stand in; failed: only the AMI type can tell)
        source = nodegroup_accelerator_source(ng, infos, by_name=ok and infos is None)
        if source is None:
            continue
        label = f"nodegroup {clean_text(ng.get('nodegroupName'), 63)}"
        asset = _transform(ctx, label, to_nodegroup, ng, types=infos, source=source)
        if asset is None:
            continue
        ctx.add(asset)
        cluster_arn = ctx.arn("eks", f"cluster/{ng.get('clusterName')}")
        ctx.relate(asset.id, RelationType.MEMBER_OF, cluster_arn)
        ctx.use_role(asset.id, ng.get("nodeRole"))
