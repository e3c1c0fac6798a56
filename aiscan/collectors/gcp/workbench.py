"""Vertex AI Workbench instances (Notebooks API v2), every zone of a project in one list: one
`ResourceSpec` row read through the GCP binding (aiscan/collectors/gcp/spec.py).

``projects/P/locations/-/instances`` answers for all locations at once; locations the API could
not reach come back in ``unreachable`` and are recorded as an error for the scope.

Facts: aiscan/core/facts/gcp.py `WorkbenchInstanceFacts`; docs/attributes.md. The instance runs
as the first of ``gceSetup.serviceAccounts`` ("" when none), ``kms_key`` is the boot disk's key,
and ``secrets`` are hits in the instance metadata values (redacted in ``raw``).
"""

from __future__ import annotations

from typing import Any

from aiscan.collectors.gcp.context import Project, ScopeContext
from aiscan.collectors.gcp.names import (
    NOTEBOOKS,
    full_name,
    is_default_compute_sa,
    last,
    location_of,
)
from aiscan.collectors.gcp.spec import Collected, GcpReader, Link, gcp_asset, row
from aiscan.collectors.payload import mapping, opt
from aiscan.collectors.spec import run_spec
from aiscan.core.model import AssetKind
from aiscan.core.secrets import redact_env

SERVICE = "notebooks"
PERMISSIONS: tuple[str, ...] = ("notebooks.instances.list",)


def _flag_off(metadata: dict[str, str], key: str) -> bool:
    """A ``notebook-disable-*`` switch that is not set to true leaves the feature on."""
    return str(metadata.get(key, "")).strip().lower() != "true"


def to_instance(payload: dict[str, Any], project: Project, location: str = "") -> Collected:
    """`location` (the scope's, ``global``) is not the instance's: that is in its name."""
    name = str(payload["name"])
    asset_id = full_name(NOTEBOOKS, name)
    gce = dict(payload.get("gceSetup") or {})
    metadata = {str(k): str(v) for k, v in (gce.get("metadata") or {}).items()}
    clean, secrets = redact_env(metadata, f"{asset_id}:gceSetup.metadata")
    if "metadata" in gce:
        gce["metadata"] = clean
    accounts = gce.get("serviceAccounts") or []
    sa = str(accounts[0].get("email") or "") if accounts else ""
    boot = gce.get("bootDisk") or {}
    data_disks = gce.get("dataDisks") or []
    shielded = gce.get("shieldedInstanceConfig") or {}
    nics = gce.get("networkInterfaces") or []
    attributes: dict[str, Any] = {
        "external_ip": gce.get("disablePublicIp") is not True,
        "root_access": _flag_off(metadata, "notebook-disable-root"),
        "file_downloads": _flag_off(metadata, "notebook-disable-downloads"),
        "terminal": _flag_off(metadata, "notebook-disable-terminal"),
        "upgrade_schedule": metadata.get("notebook-upgrade-schedule") or None,
        "service_account": sa,
        "default_service_account": is_default_compute_sa(sa),
        "boot_disk_cmek": boot.get("diskEncryption") == "CMEK",
        "data_disks_cmek": all(d.get("diskEncryption") == "CMEK" for d in data_disks),
        "kms_key": boot.get("kmsKey") or None,
        "secure_boot": bool(shielded.get("enableSecureBoot")),
        "vtpm": bool(shielded.get("enableVtpm")),
        "integrity_monitoring": bool(shielded.get("enableIntegrityMonitoring")),
        "machine_type": gce.get("machineType"),
        "accelerators": [
            {"class": "gpu", "type": a.get("type"), "count": int(a.get("coreCount") or 0)}
            for a in gce.get("acceleratorConfigs") or []
        ],
        "network": (nics[0].get("network") if nics else None) or None,
        "proxy_access": not payload.get("disableProxyAccess", False),
        "state": payload.get("state"),
        "secrets": secrets,
    }
    image = mapping(gce, "containerImage")
    repository, tag = opt(image, "repository"), opt(image, "tag")
    links: list[Link] = [
        ("sa", sa),
        ("image", f"{repository}:{tag}" if repository and tag else repository),
    ]
    asset = gcp_asset(
        payload,
        id=asset_id,
        account=project.id,
        region=location_of(name),
        kind=AssetKind.NOTEBOOK,
        type="notebooks.googleapis.com/Instance",
        name=last(name),
        attributes=attributes,
        raw={**payload, "gceSetup": gce},
    )
    return Collected(asset, tuple(links))


#: Every location in one list (``locations/-``).
INSTANCES = row("instances", "instance", "notebooks.googleapis.com/Instance", to_instance)
READER = GcpReader(
    host=lambda ctx: NOTEBOOKS,
    collection=lambda ctx: f"/v2/projects/{ctx.project.id}/locations/-",
    located=lambda entry: location_of(str(entry.get("name") or "")),
)


def collect(ctx: ScopeContext) -> None:
    run_spec(ctx, INSTANCES, READER)
