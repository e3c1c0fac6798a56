"""Google Cloud estates with a planted attack chain, scanned by the real collector against
`GcpFake` (the real REST shapes, keyed by request path).

The chain ("model tampering"), in project ``chain-prod`` (number 555000000001): the GPU VM
``gpu-box`` has an external address and a VPC firewall rule open to 0.0.0.0/0 on 22 and 8000;
it runs as ``gpu-runner@chain-prod.iam.gserviceaccount.com``, which the bucket ``chain-models``
grants **roles/storage.objectAdmin**; the Vertex AI model ``llama-chat`` (501) has its
artifacts in ``gs://chain-models/llama/`` and is deployed, with 100% of the traffic, on the
endpoint ``chat`` (601).

Broken twins (`BROKEN`), one link each:

* ``viewer``: the bucket grants the VM's account **roles/storage.objectViewer** (no can-write);
* ``no-external-ip``: the VM has no access config (no exposed-to for it).

`gcp_estate(broken)` is the estate; `scan_gcp_estate(estate)` the inventory the real collector
reads from it.
"""

from __future__ import annotations

from typing import Any

from aiscan.collectors.base import NullProgress, Scope
from aiscan.collectors.gcp import GcpCollector
from aiscan.collectors.gcp.names import bucket_id, service_account_id
from aiscan.core.inventory import Inventory, InventoryBuilder
from aiscan.demo.gcp import GcpFake

PROJECT = "chain-prod"
NUMBER = "555000000001"
LOC = "us-central1"
RUNNER = f"gpu-runner@{PROJECT}.iam.gserviceaccount.com"
SERVING = f"serving@{PROJECT}.iam.gserviceaccount.com"
BUCKET = "chain-models"
COMPUTE = "https://www.googleapis.com/compute/v1"
BROKEN = ("viewer", "no-external-ip")


def ids() -> dict[str, str]:
    """The inventory ids (full resource names) of the chain's assets."""
    vertex = f"//aiplatform.googleapis.com/projects/{NUMBER}/locations/{LOC}"
    return {
        "vm": f"//compute.googleapis.com/projects/{PROJECT}/zones/{LOC}-a/instances/gpu-box",
        "vm_identity": service_account_id(RUNNER),
        "serving_identity": service_account_id(SERVING),
        "bucket": bucket_id(BUCKET),
        "model": f"{vertex}/models/501",
        "endpoint": f"{vertex}/endpoints/601",
    }


def _project() -> dict[str, Any]:
    return {
        "name": f"projects/{NUMBER}",
        "parent": "organizations/900000000001",
        "projectId": PROJECT,
        "displayName": "Chain production",
        "state": "ACTIVE",
    }


def _instance(external: bool) -> dict[str, Any]:
    nic: dict[str, Any] = {
        "name": "nic0",
        "network": f"{COMPUTE}/projects/{PROJECT}/global/networks/default",
        "networkIP": "10.128.0.7",
    }
    if external:
        nic["accessConfigs"] = [
            {"name": "External NAT", "natIP": "34.10.20.30", "type": "ONE_TO_ONE_NAT"}
        ]
    zone = f"{COMPUTE}/projects/{PROJECT}/zones/{LOC}-a"
    return {
        "kind": "compute#instance",
        "id": "100200300400",
        "name": "gpu-box",
        "machineType": f"{zone}/machineTypes/a2-highgpu-1g",
        "guestAccelerators": [
            {"acceleratorCount": 1, "acceleratorType": f"{zone}/acceleratorTypes/nvidia-tesla-a100"}
        ],
        "networkInterfaces": [nic],
        "serviceAccounts": [
            {"email": RUNNER, "scopes": ["https://www.googleapis.com/auth/cloud-platform"]}
        ],
        "tags": {"items": ["inference"]},
        "metadata": {"items": []},
        "shieldedInstanceConfig": {"enableSecureBoot": True, "enableVtpm": True},
        "status": "RUNNING",
        "selfLink": f"{zone}/instances/gpu-box",
        "zone": zone,
    }


def _account(email: str, name: str) -> dict[str, Any]:
    return {
        "name": f"projects/{PROJECT}/serviceAccounts/{email}",
        "email": email,
        "displayName": name,
        "projectId": PROJECT,
        "disabled": False,
    }


def gcp_estate(broken: str | None = None) -> dict[str, Any]:
    """The estate of the planted chain, or of its twin with one link broken."""
    if broken is not None and broken not in BROKEN:
        raise ValueError(f"unknown broken link {broken!r} (one of {BROKEN})")
    vertex = f"projects/{NUMBER}/locations/{LOC}"
    model = {
        "name": f"{vertex}/models/501",
        "displayName": "llama-chat",
        "artifactUri": f"gs://{BUCKET}/llama/",
        "containerSpec": {
            "imageUri": "us-docker.pkg.dev/vertex-ai/prediction/pytorch-gpu.2-1:latest",
            "env": [],
        },
        "deployedModels": [{"deployedModelId": "9601", "endpoint": f"{vertex}/endpoints/601"}],
        "versionId": "1",
        "versionAliases": ["default"],
        "modelSourceInfo": {"sourceType": "CUSTOM"},
    }
    endpoint = {
        "name": f"{vertex}/endpoints/601",
        "displayName": "chat",
        "deployedModels": [
            {
                "id": "9601",
                "model": f"{vertex}/models/501",
                "modelVersionId": "1",
                "serviceAccount": SERVING,
                "dedicatedResources": {
                    "machineSpec": {"machineType": "g2-standard-8"},
                    "minReplicaCount": 1,
                    "maxReplicaCount": 1,
                },
            }
        ],
        "trafficSplit": {"9601": 100},
    }
    bucket_role = (
        "roles/storage.objectViewer" if broken == "viewer" else "roles/storage.objectAdmin"
    )
    return {
        "description": "aiscan graph test estate: one planted model-tampering chain",
        "disabled": {},
        "lists": {
            "/v3/projects:search": {"key": "projects", "items": [_project()]},
            f"/v1/projects/{PROJECT}/locations": {
                "key": "locations",
                "items": [
                    {
                        "locationId": LOC,
                        "name": f"projects/{PROJECT}/locations/{LOC}",
                        "displayName": "Iowa",
                    }
                ],
            },
            f"/compute/v1/projects/{PROJECT}/aggregated/instances": {
                "key": "instances",
                "aggregated_by": "zone",
                "items": [_instance(external=broken != "no-external-ip")],
            },
            f"/compute/v1/projects/{PROJECT}/global/firewalls": {
                "key": "items",
                "items": [
                    {
                        "kind": "compute#firewall",
                        "name": "allow-inference-from-anywhere",
                        "network": f"{COMPUTE}/projects/{PROJECT}/global/networks/default",
                        "direction": "INGRESS",
                        "priority": 1000,
                        "disabled": False,
                        "allowed": [{"IPProtocol": "tcp", "ports": ["22", "8000"]}],
                        "sourceRanges": ["0.0.0.0/0"],
                        "targetTags": ["inference"],
                    }
                ],
            },
            f"/v1/projects/{PROJECT}/locations/{LOC}/models": {"key": "models", "items": [model]},
            f"/v1/{vertex}/models/501:listVersions": {"key": "models", "items": [model]},
            f"/v1/projects/{PROJECT}/locations/{LOC}/endpoints": {
                "key": "endpoints",
                "items": [endpoint],
            },
            f"/storage/v1/b?project={PROJECT}": {
                "key": "items",
                "items": [
                    {
                        "kind": "storage#bucket",
                        "id": BUCKET,
                        "name": BUCKET,
                        "projectNumber": NUMBER,
                        "location": "US-CENTRAL1",
                        "iamConfiguration": {
                            "publicAccessPrevention": "enforced",
                            "uniformBucketLevelAccess": {"enabled": True},
                        },
                        "versioning": {"enabled": True},
                    }
                ],
            },
        },
        "objects": {
            f"/v3/projects/{PROJECT}": _project(),
            f"/v1/projects/{PROJECT}:getIamPolicy": {
                "version": 1,
                "bindings": [
                    {"role": "roles/owner", "members": ["user:admin@chain.example"]},
                    {"role": "roles/aiplatform.user", "members": [f"serviceAccount:{SERVING}"]},
                ],
            },
            f"/storage/v1/b/{BUCKET}/iam": {
                "version": 1,
                "bindings": [
                    {"role": bucket_role, "members": [f"serviceAccount:{RUNNER}"]},
                    {
                        "role": "roles/storage.objectViewer",
                        "members": [f"serviceAccount:{SERVING}"],
                    },
                ],
            },
            f"/v1/projects/-/serviceAccounts/{RUNNER}": _account(RUNNER, "GPU runner"),
            f"/v1/projects/-/serviceAccounts/{SERVING}": _account(SERVING, "Vertex serving"),
        },
    }


def scan_gcp_estate(estate: dict[str, Any]) -> Inventory:
    """The inventory the real GCP collector reads from `estate` served by `GcpFake`."""
    with GcpFake(estate) as fake:
        sink = InventoryBuilder()
        settings = fake.settings().model_copy(update={"backoff": 0.001})
        GcpCollector(settings=settings).collect(
            Scope(options={"projects": (PROJECT,)}), sink, NullProgress()
        )
        return sink.build()
