"""GPU virtual machines and AKS node pools with GPU sizes (`gpu-compute`), and the VM-size
capabilities every Azure module uses to decide "has GPUs".

Whether a size has accelerators is decided from the Resource SKUs API (`capabilities` GPUs > 0),
not from a list of names; only when the SKU list cannot be read does the N-series naming rule
decide, and then `accelerators_source` says "size-name". CPU-only VMs are not AI assets.

For a GPU VM the network path to the internet is read: its NICs, their public IPs, and the
network security groups of the NIC and its subnet (a port is open only when every NSG on the
path lets the internet in, honouring rule priorities).

A VM's `internet_open_ports` is absent when a NIC or NSG on the path could not be read. A node
pool's asset id is `<cluster>/agentPools/<name>`.

Facts: aiscan/core/facts/azure.py `VirtualMachineFacts`, `AksAgentPoolFacts`; docs/attributes.md.
Relations: VM runs-as its managed identities; node pool runs-as the cluster's kubelet identity.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from aiscan.collectors.azure.context import (
    AzureContext,
    IdentityRef,
    as_map,
    child_name,
    location,
    name_of,
    norm,
    props,
    to_asset,
)
from aiscan.collectors.payload import mapping, opt
from aiscan.core.model import Asset, AssetKind, RelationType

VM_TYPE = "Microsoft.Compute/virtualMachines"
AKS_TYPE = "Microsoft.ContainerService/managedClusters"
POOL_TYPE = f"{AKS_TYPE}/agentPools"
SKU_API = "2021-07-01"
NETWORK_API = "2024-05-01"

PERMISSIONS = (
    "Microsoft.Compute/virtualMachines/read",
    "Microsoft.Compute/skus/read",
    "Microsoft.Network/networkInterfaces/read",
    "Microsoft.Network/networkSecurityGroups/read",
    "Microsoft.Network/publicIPAddresses/read",
    "Microsoft.Network/virtualNetworks/subnets/read",
    "Microsoft.ContainerService/managedClusters/read",
)

#: GPU model by the marker Azure puts in N-series size names (for the `type` field only).
_GPU_MODELS = (
    ("MI300X", "AMD"),
    ("V620", "AMD"),
    ("H200", "NVIDIA"),
    ("H100", "NVIDIA"),
    ("A100", "NVIDIA"),
    ("A10", "NVIDIA"),
    ("V100", "NVIDIA"),
    ("T4", "NVIDIA"),
    ("P100", "NVIDIA"),
    ("P40", "NVIDIA"),
    ("M60", "NVIDIA"),
    ("K80", "NVIDIA"),
)
_N_SERIES = re.compile(r"^standard_n[cdvg]", re.IGNORECASE)
_INTERNET_SOURCES = frozenset({"*", "internet", "0.0.0.0/0", "::/0", "any", "0.0.0.0"})


def size_catalog(ctx: AzureContext, loc: str | None) -> dict[str, dict[str, Any]] | None:
    """VM size (lower case) -> resource SKU of a location, read once a scan; None if unreadable."""
    if not loc:
        return None
    cached = ctx.refs.skus.get(loc)
    if cached is not None:
        return cached
    path = f"/subscriptions/{ctx.subscription}/providers/Microsoft.Compute/skus"
    rows = ctx.listing(f"VM sizes in {loc}", path, SKU_API, {"$filter": f"location eq '{loc}'"})
    if rows is None:
        return None
    catalog = {
        str(r.get("name", "")).lower(): r
        for r in rows
        if str(r.get("resourceType", "")).lower() == "virtualmachines"
    }
    ctx.refs.skus[loc] = catalog
    return catalog


def accelerators(
    size: str | None, catalog: Mapping[str, Mapping[str, Any]] | None
) -> tuple[list[dict[str, Any]], str] | None:
    """(accelerators, source) of a VM size; None when undecidable."""
    if not size:
        return None
    sku = catalog.get(size.lower()) if catalog is not None else None
    if sku is not None:
        caps = {
            str(c.get("name")): str(c.get("value"))
            for c in sku.get("capabilities") or []
            if isinstance(c, Mapping)
        }
        try:
            count = int(float(caps.get("GPUs", "0")))
        except ValueError:
            count = 0
        return (_gpu(size, count) if count > 0 else []), "capabilities"
    if catalog is not None and not _N_SERIES.match(size):
        return [], "capabilities"  # not in the location's catalogue and not N-series
    if _N_SERIES.match(size):
        return _gpu(size, None), "size-name"
    return None


def _gpu(size: str, count: int | None) -> list[dict[str, Any]]:
    upper = size.upper()
    model, maker = next(((m, v) for m, v in _GPU_MODELS if m in upper), (None, None))
    return [
        {
            "class": "gpu",
            "type": model,
            "manufacturer": maker,
            "count": count,
            "memory_mib": None,
        }
    ]


# -- network security groups ---------------------------------------------------------------------


def _port_ranges(rule: Mapping[str, Any]) -> list[tuple[int, int]]:
    values = list(rule.get("destinationPortRanges") or [])
    if rule.get("destinationPortRange"):
        values.append(rule["destinationPortRange"])
    out = []
    for value in values:
        text = str(value).strip()
        if text == "*":
            out.append((0, 65535))
            continue
        lo, _, hi = text.partition("-")
        try:
            out.append((int(lo), int(hi or lo)))
        except ValueError:
            continue
    return out


def _from_internet(rule: Mapping[str, Any]) -> bool:
    sources = list(rule.get("sourceAddressPrefixes") or [])
    if rule.get("sourceAddressPrefix"):
        sources.append(rule["sourceAddressPrefix"])
    return any(str(s).strip().lower() in _INTERNET_SOURCES for s in sources)


def nsg_open_tcp(nsg: Mapping[str, Any]) -> bytearray:
    """A 65536-entry map: 1 where this NSG lets internet TCP traffic in (priority order)."""
    rules = []
    for r in list(props(nsg).get("securityRules") or []) + list(
        props(nsg).get("defaultSecurityRules") or []
    ):
        p = props(r) if isinstance(r, Mapping) else {}
        if str(p.get("direction", "")).lower() != "inbound":
            continue
        if str(p.get("protocol", "*")).lower() not in ("*", "tcp"):
            continue
        rules.append(p)
    rules.sort(key=lambda p: int(p.get("priority") or 65500))
    decided = bytearray(65536)
    allowed = bytearray(65536)
    for p in rules:
        if not _from_internet(p):
            continue
        allow = str(p.get("access", "")).lower() == "allow"
        for lo, hi in _port_ranges(p):
            for port in range(max(lo, 0), min(hi, 65535) + 1):
                if not decided[port]:
                    decided[port] = 1
                    allowed[port] = 1 if allow else 0
    return allowed


def open_ranges(nsgs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """TCP port ranges every NSG on the path lets the internet reach."""
    maps = [nsg_open_tcp(n) for n in nsgs]
    out: list[dict[str, Any]] = []
    start: int | None = None
    for port in range(65537):
        is_open = port < 65536 and all(m[port] for m in maps)
        if is_open and start is None:
            start = port
        elif not is_open and start is not None:
            out.append({"protocol": "tcp", "from": start, "to": port - 1})
            start = None
    return out


def to_vm(
    payload: Mapping[str, Any],
    *,
    gpus: tuple[list[dict[str, Any]], str],
    network: Mapping[str, Any] | None,
) -> Asset:
    p = props(payload)
    attrs: dict[str, Any] = {
        "vm_size": as_map(p.get("hardwareProfile")).get("vmSize"),
        "accelerators": gpus[0],
        "accelerators_source": gpus[1],
        "os_type": as_map(as_map(p.get("storageProfile")).get("osDisk")).get("osType"),
        **(network or {}),
    }
    return to_asset(payload, AssetKind.GPU_COMPUTE, "compute", VM_TYPE, attrs)


def collect_vms(ctx: AzureContext) -> None:
    ctx.each("virtual machine", _one_vm, ctx.resources(VM_TYPE), ctx)


def _one_vm(ctx: AzureContext, payload: dict[str, Any]) -> None:
    size = opt(mapping(props(payload), "hardwareProfile"), "vmSize")
    gpus = accelerators(size, size_catalog(ctx, location(payload.get("location"))))
    if gpus is None or not gpus[0]:
        return  # a CPU-only VM is not an AI asset
    network = vm_network(ctx, payload)
    asset = to_vm(payload, gpus=gpus, network=network)
    ctx.add(asset)
    ctx.use_identities(asset.id, payload, region=asset.region)


def vm_network(ctx: AzureContext, payload: Mapping[str, Any]) -> dict[str, Any] | None:
    """`public_ip` and `internet_open_ports` of a VM; None when part of the path is unreadable."""
    profile = props(payload).get("networkProfile")
    nics = profile.get("networkInterfaces") if isinstance(profile, Mapping) else None
    public_ip: str | None = None
    ports: list[dict[str, Any]] = []
    for ref in nics or []:
        nic_id = ref.get("id") if isinstance(ref, Mapping) else None
        if not isinstance(nic_id, str):
            continue
        nic = ctx.section(f"NIC {name_of(nic_id)}", ctx.arm.get, nic_id, NETWORK_API)
        if nic is None:
            return None
        nsg_ids = []
        if isinstance(props(nic).get("networkSecurityGroup"), Mapping):
            nsg_ids.append(str(props(nic)["networkSecurityGroup"].get("id")))
        nic_public: list[Mapping[str, Any]] = []
        for conf in props(nic).get("ipConfigurations") or []:
            cp = props(conf) if isinstance(conf, Mapping) else {}
            pip = cp.get("publicIPAddress")
            if isinstance(pip, Mapping) and isinstance(pip.get("id"), str):
                addr = ctx.section("public IP", ctx.arm.get, pip["id"], NETWORK_API)
                if addr is None:
                    return None
                nic_public.append(addr)
            subnet = cp.get("subnet")
            if isinstance(subnet, Mapping) and isinstance(subnet.get("id"), str):
                sub = ctx.section("subnet", ctx.arm.get, subnet["id"], NETWORK_API)
                if sub is None:
                    return None
                sub_nsg = props(sub).get("networkSecurityGroup")
                if isinstance(sub_nsg, Mapping) and sub_nsg.get("id"):
                    nsg_ids.append(str(sub_nsg["id"]))
        if not nic_public:
            continue  # no public address on this NIC: not reachable from the internet through it
        public_ip = public_ip or str(props(nic_public[0]).get("ipAddress") or "") or None
        nsgs = []
        for nsg_id in dict.fromkeys(norm(i) for i in nsg_ids):
            nsg = ctx.section(f"NSG {name_of(nsg_id)}", ctx.arm.get, nsg_id, NETWORK_API)
            if nsg is None:
                return None
            nsgs.append(nsg)
        if nsgs:
            ports.extend(open_ranges(nsgs))
        elif any(
            str((a.get("sku") or {}).get("name", "Basic")).lower() == "basic" for a in nic_public
        ):
            # A Basic public IP with no NSG anywhere on the path is open on every port.
            ports.append({"protocol": "all", "from": 0, "to": 65535})
    return {"public_ip": public_ip, "internet_open_ports": ports}


# -- AKS ------------------------------------------------------------------------------------------


def to_node_pool(
    cluster: Mapping[str, Any], pool: Mapping[str, Any], gpus: tuple[list[dict[str, Any]], str]
) -> Asset:
    p = props(cluster)
    api = as_map(p.get("apiServerAccessProfile"))
    name = str(pool.get("name", ""))
    payload = {
        "id": f"{cluster['id']}/agentPools/{name}",
        "name": name,
        "location": cluster.get("location"),
        "tags": pool.get("tags") or cluster.get("tags"),
    }
    attrs: dict[str, Any] = {
        "vm_size": pool.get("vmSize"),
        "accelerators": gpus[0],
        "accelerators_source": gpus[1],
        "node_count": pool.get("count"),
        "node_public_ip": pool.get("enableNodePublicIP") is True,
        "mode": pool.get("mode"),
        "cluster_private": api.get("enablePrivateCluster") is True,
        "authorized_ip_ranges": [str(r) for r in api.get("authorizedIPRanges") or []],
        "cluster": norm(str(cluster["id"])),
        "local_accounts_disabled": p.get("disableLocalAccounts") is True,
    }
    raw = {"cluster": cluster.get("id"), "agentPool": dict(pool)}
    kind, name = AssetKind.GPU_COMPUTE, child_name(payload)
    return to_asset(payload, kind, "aks", POOL_TYPE, attrs, raw=raw, name=name)


def kubelet_identity(cluster: Mapping[str, Any]) -> IdentityRef | None:
    profile = props(cluster).get("identityProfile")
    kubelet = profile.get("kubeletidentity") if isinstance(profile, Mapping) else None
    if not isinstance(kubelet, Mapping) or not isinstance(kubelet.get("resourceId"), str):
        return None
    region = location(cluster.get("location"))
    return IdentityRef.user(
        kubelet["resourceId"], kubelet.get("objectId"), kubelet.get("clientId"), region
    )


def collect_aks(ctx: AzureContext) -> None:
    ctx.each("AKS cluster", _one_cluster, ctx.resources(AKS_TYPE), ctx)


def _one_cluster(ctx: AzureContext, cluster: dict[str, Any]) -> None:
    pools = [p for p in props(cluster).get("agentPoolProfiles") or [] if isinstance(p, Mapping)]
    catalog = size_catalog(ctx, location(cluster.get("location"))) if pools else None
    kubelet = kubelet_identity(cluster)
    for pool in pools:
        size = pool.get("vmSize") if isinstance(pool.get("vmSize"), str) else None
        gpus = accelerators(size, catalog)
        if gpus is None or not gpus[0]:
            continue
        asset = to_node_pool(cluster, pool, gpus)
        ctx.add(asset)
        if kubelet is not None:
            ctx.refs.add_identity(kubelet, asset.id)
            ctx.relate(asset.id, RelationType.RUNS_AS, kubelet.asset_id)
