"""Accelerated compute: Compute Engine VMs with GPUs (or on accelerator machine types) and GKE
node pools with GPUs/TPUs. CPU-only VMs and node pools are not AI assets and are dropped.

VMs come from one aggregated list per project (every zone at once, a `ResourceSpec` row); the
project's VPC firewall rules are read once to decide which ports of a VM with an external address
are open to the internet. Node pools come from ``projects/P/locations/-/clusters`` (every
location at once; one cluster holds many pools, so they are read by hand).

Limits, deliberately: firewall *policies* (hierarchical / network firewall policies) and deny
rules are not evaluated, so ``internet_open_ports`` may over-report; node pools get
``internet_open_ports`` only when their nodes are private (then it is empty).

Facts: aiscan/core/facts/gcp.py `ComputeInstanceFacts`, `NodePoolFacts`; docs/attributes.md.
A VM's ``public_ip`` is its NAT address (``"ephemeral"`` when one is attached but not reported),
its ``secrets`` hits in instance metadata such as startup scripts; a node pool's ``default``
service account is resolved to the project's default compute service account.

GKE answers in proto3 JSON, which omits false booleans: an absent ``enableSecureBoot`` is false.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from aiscan.collectors.gcp.context import Project, ScopeContext
from aiscan.collectors.gcp.http import GcpHttp
from aiscan.collectors.gcp.names import COMPUTE, CONTAINER, full_name, is_default_compute_sa, last
from aiscan.collectors.gcp.spec import Collected, GcpReader, apply_links, gcp_asset, row
from aiscan.collectors.spec import run_spec
from aiscan.core.model import AssetKind
from aiscan.core.secrets import redact_env

PERMISSIONS: tuple[str, ...] = (
    "compute.instances.list",
    "compute.firewalls.list",
    "container.clusters.list",
)

#: Machine families with built-in accelerators -> (class, accelerator type).
ACCELERATOR_FAMILIES = {
    "a2": ("gpu", "nvidia-tesla-a100"),
    "a3": ("gpu", "nvidia-h100-80gb"),
    "a4": ("gpu", "nvidia-b200"),
    "a4x": ("gpu", "nvidia-gb200"),
    "g2": ("gpu", "nvidia-l4"),
    "g4": ("gpu", "nvidia-rtx-pro-6000"),
    "ct4p": ("tpu", "tpu-v4"),
    "ct5l": ("tpu", "tpu-v5-lite"),
    "ct5lp": ("tpu", "tpu-v5-lite"),
    "ct5p": ("tpu", "tpu-v5p"),
    "ct6e": ("tpu", "tpu-v6e"),
}
_GPU_COUNT = re.compile(r"-(\d+)g$")
_INTERNET = ("0.0.0.0/0", "::/0")
CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
_TRUE = ("true", "1", "yes", "y")
_FALSE = ("false", "0", "no", "n")


def metadata_flag(items: dict[str, str], key: str) -> bool | None:
    """A boolean metadata key as Compute Engine reads it (TRUE/1/yes), None when it is unset."""
    value = items.get(key)
    if value is None:
        return None
    value = value.strip().lower()
    return True if value in _TRUE else False if value in _FALSE else None


def scope_facts(scopes: list[Any]) -> dict[str, Any]:
    names = [str(s) for s in scopes]
    return {"scopes": names, "cloud_platform_scope": CLOUD_PLATFORM in names}


def list_firewalls(http: GcpHttp, project: str) -> list[dict[str, Any]]:
    return list(http.items(COMPUTE, f"/compute/v1/projects/{project}/global/firewalls", "items"))


def list_clusters(http: GcpHttp, project: str) -> list[dict[str, Any]]:
    return list(http.items(CONTAINER, f"/v1/projects/{project}/locations/-/clusters", "clusters"))


def machine_accelerators(machine_type: str) -> list[dict[str, Any]]:
    family = machine_type.split("-", 1)[0]
    if family not in ACCELERATOR_FAMILIES:
        return []
    cls, acc_type = ACCELERATOR_FAMILIES[family]
    m = _GPU_COUNT.search(machine_type)
    return [{"class": cls, "type": acc_type, "count": int(m.group(1)) if m else None}]


def accelerators(machine_type: str, attached: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for acc in attached:
        acc_type = last(str(acc.get("acceleratorType") or ""))
        out.append(
            {
                "class": "tpu" if acc_type.startswith("tpu") else "gpu",
                "type": acc_type,
                "count": int(acc.get("acceleratorCount") or 0),
            }
        )
    return out or machine_accelerators(machine_type)


def _relative(self_link: str) -> str:
    return self_link.split("/compute/v1/", 1)[-1]


def _ports(rule: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for allowed in rule.get("allowed") or []:
        proto = str(allowed.get("IPProtocol") or "")
        if proto == "all":
            out.append({"protocol": "all", "from": 0, "to": 65535})
            continue
        if proto not in ("tcp", "udp", "sctp"):
            continue
        ports = allowed.get("ports") or ["0-65535"]
        for spec in ports:
            lo, _, hi = str(spec).partition("-")
            out.append({"protocol": proto, "from": int(lo), "to": int(hi or lo)})
    return out


def open_ports(instance: dict[str, Any], firewalls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Port ranges that VPC firewall allow-rules open to the internet for this VM."""
    networks = {str(n.get("network")) for n in instance.get("networkInterfaces") or []}
    tags = set((instance.get("tags") or {}).get("items") or [])
    accounts = {str(a.get("email")) for a in instance.get("serviceAccounts") or []}
    found: list[dict[str, Any]] = []
    for rule in firewalls:
        if rule.get("disabled") or rule.get("direction", "INGRESS") != "INGRESS":
            continue
        if str(rule.get("network")) not in networks:
            continue
        if not any(r in _INTERNET for r in rule.get("sourceRanges") or []):
            continue
        target_tags = set(rule.get("targetTags") or [])
        target_sas = set(rule.get("targetServiceAccounts") or [])
        if target_tags and not target_tags & tags:
            continue
        if target_sas and not target_sas & accounts:
            continue
        found.extend(p for p in _ports(rule) if p not in found)
    return found


def _external(instance: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The access configs (IPv4 and IPv6) that give a VM an external address."""
    return [
        ac
        for nic in instance.get("networkInterfaces") or []
        for ac in (nic.get("accessConfigs") or []) + (nic.get("ipv6AccessConfigs") or [])
    ]


def to_instance(
    payload: dict[str, Any],
    project: Project,
    firewalls: list[dict[str, Any]] | None = None,
    location: str = "",
) -> Collected | None:
    """`firewalls`: the project's rules (None: unread); `location` (the scope's) is unused: a VM's
    zone is in the payload."""
    machine = last(str(payload.get("machineType") or ""))
    accs = accelerators(machine, payload.get("guestAccelerators") or [])
    if not accs:
        return None  # a CPU-only VM is not an AI asset
    asset_id = full_name(COMPUTE, _relative(str(payload["selfLink"])))
    nats = _external(payload)
    public_ip = next((str(a["natIP"]) for a in nats if a.get("natIP")), None)
    if nats and public_ip is None:
        public_ip = "ephemeral"
    accounts = payload.get("serviceAccounts") or []
    sa = str(accounts[0].get("email") or "") if accounts else ""
    scopes = (accounts[0].get("scopes") or []) if accounts else []
    shielded = payload.get("shieldedInstanceConfig") or {}
    metadata = dict(payload.get("metadata") or {})
    items = {str(i.get("key")): str(i.get("value", "")) for i in metadata.get("items") or []}
    clean, secrets = redact_env(items, f"{asset_id}:metadata")
    if "items" in metadata:
        metadata["items"] = [{"key": k, "value": v} for k, v in clean.items()]
    attributes: dict[str, Any] = {
        "machine_type": machine,
        "status": payload.get("status"),
        "external_ip": bool(nats),
        "public_ip": public_ip,
        "accelerators": accs,
        "network_tags": list((payload.get("tags") or {}).get("items") or []),
        "service_account": sa,
        "default_service_account": is_default_compute_sa(sa),
        **scope_facts(scopes),
        "secure_boot": bool(shielded.get("enableSecureBoot")),
        "vtpm": bool(shielded.get("enableVtpm")),
        "integrity_monitoring": bool(shielded.get("enableIntegrityMonitoring")),
        "serial_port": metadata_flag(items, "serial-port-enable") is True,
        "os_login": metadata_flag(items, "enable-oslogin"),
        "secrets": secrets,
    }
    if not nats:
        attributes["internet_open_ports"] = []  # no external address: nothing is reachable
    elif firewalls is not None:
        attributes["internet_open_ports"] = open_ports(payload, firewalls)
    asset = gcp_asset(
        payload,
        created="creationTimestamp",
        id=asset_id,
        account=project.id,
        region=last(str(payload.get("zone") or "")),
        kind=AssetKind.GPU_COMPUTE,
        type="compute.googleapis.com/Instance",
        name=str(payload.get("name")),
        attributes=attributes,
        raw={**payload, "metadata": metadata},
    )
    return Collected(asset, (("sa", sa),))


def to_node_pools(cluster: dict[str, Any], project: Project) -> list[Collected]:
    out: list[Collected] = []
    location = str(cluster.get("location") or cluster.get("zone") or "")
    private_cluster = bool((cluster.get("privateClusterConfig") or {}).get("enablePrivateNodes"))
    shielded_nodes = bool((cluster.get("shieldedNodes") or {}).get("enabled"))
    for pool in cluster.get("nodePools") or []:
        config = pool.get("config") or {}
        machine = str(config.get("machineType") or "")
        accs = accelerators(machine, config.get("accelerators") or [])
        if not accs:
            continue
        relative = (
            f"projects/{project.id}/locations/{location}/clusters/{cluster['name']}"
            f"/nodePools/{pool['name']}"
        )
        sa = str(config.get("serviceAccount") or "default")
        if sa == "default":
            sa = f"{project.number}-compute@developer.gserviceaccount.com"
        private = bool((pool.get("networkConfig") or {}).get("enablePrivateNodes", private_cluster))
        shielded = config.get("shieldedInstanceConfig") or {}
        node_metadata = config.get("metadata") or {}
        legacy = str(node_metadata.get("disable-legacy-endpoints", "")).lower() != "true"
        attributes: dict[str, Any] = {
            "machine_type": machine,
            "accelerators": accs,
            "service_account": sa,
            "default_service_account": is_default_compute_sa(sa),
            **scope_facts(config.get("oauthScopes") or []),
            "private_nodes": private,
            "workload_identity": (config.get("workloadMetadataConfig") or {}).get("mode")
            == "GKE_METADATA",
            "secure_boot": bool(shielded.get("enableSecureBoot")),
            "integrity_monitoring": bool(shielded.get("enableIntegrityMonitoring")),
            "shielded_nodes": shielded_nodes,
            "legacy_metadata_endpoints": legacy,
            "cluster": cluster.get("name"),
            "node_count": pool.get("initialNodeCount"),
        }
        if private:
            attributes["internet_open_ports"] = []
        asset = gcp_asset(
            pool,
            tags=config.get("resourceLabels") or config.get("labels") or {},
            id=full_name(CONTAINER, relative),
            account=project.id,
            region=location,
            kind=AssetKind.GPU_COMPUTE,
            type="container.googleapis.com/NodePool",
            name=f"{cluster['name']}/{pool['name']}",
            attributes=attributes,
        )
        out.append(Collected(asset, (("sa", sa),)))
    return out


def _firewalls(ctx: ScopeContext, _: str, vm: Mapping[str, Any]) -> dict[str, Any]:
    """The project's firewall rules, for a GPU VM with an external address: read once per scope
    (its own coverage section), by the first such VM."""
    gpu = accelerators(last(str(vm.get("machineType") or "")), vm.get("guestAccelerators") or [])
    if not gpu or not _external(vm):
        return {"firewalls": None}
    read = ctx.once("firewalls", ctx.section, "firewalls", list_firewalls, ctx.http, ctx.project.id)
    return {"firewalls": read}


#: Every zone in one aggregated list; CPU-only VMs are dropped by the transform.
INSTANCES = row(
    "instances",
    "instance",
    "compute.googleapis.com/Instance",
    to_instance,
    id_key="selfLink",
    list_parameters={"returnPartialSuccess": "true"},
    inputs=_firewalls,
    label=lambda _, vm: str(vm.get("name"))[:200],
)
READER = GcpReader(
    host=lambda ctx: COMPUTE,
    collection=lambda ctx: f"/compute/v1/projects/{ctx.project.id}/aggregated",
    located=lambda vm: last(str(vm.get("zone") or "")),
    aggregated=True,
)


def collect_instances(ctx: ScopeContext) -> None:
    run_spec(ctx, INSTANCES, READER)


def collect_node_pools(ctx: ScopeContext) -> None:
    clusters = ctx.section("clusters", list_clusters, ctx.http, ctx.project.id)
    for cluster in clusters or []:
        if not ctx.wants_location(str(cluster.get("location") or "")):
            continue

        def one(c: dict[str, Any]) -> None:
            for collected in to_node_pools(c, ctx.project):
                ctx.add(collected.asset)
                apply_links(ctx, collected.asset.id, collected.links)

        ctx.section(f"cluster {cluster.get('name', '?')}", one, cluster)
