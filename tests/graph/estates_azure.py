"""Azure estates with a planted attack chain, scanned by the real collector against `FakeArm`.

The chain ("model tampering"): the GPU VM ``vm-gpu-jupyter`` has a public IP and an NSG open to
the internet on 8888 and 22; its system-assigned identity holds **Storage Blob Data
Contributor** on the storage account ``stmodels``; the ``models`` container of that account
holds the model ``llama-ft`` (version 1) of workspace ``mlw-prod``; the online endpoint
``scoring`` (auth mode **Key**, public network access) serves it through its live deployment
``blue`` (100% traffic).

Broken twins (`BROKEN`), one link each:

* ``reader``: the VM's identity holds Storage Blob Data **Reader** instead (no can-write);
* ``entra``: the endpoint's auth mode is **AADToken** (no exposed-to for it);
* ``no-public-ip``: the VM's NIC has no public IP (no exposed-to for the VM).

Use `azure_estate(broken)` for the estate file (the real ARM JSON shapes) and
`scan_azure_estate(estate)` for the inventory the real collector reads from it.
"""

from __future__ import annotations

from typing import Any

from aiscan.collectors.azure import AzureCollector
from aiscan.collectors.base import NullProgress, Scope
from aiscan.core.inventory import Inventory, InventoryBuilder
from aiscan.demo.azure import FakeArm, load_estate

SUB = "44444444-4444-4444-8444-444444444444"
RG = f"/subscriptions/{SUB}/resourceGroups/rg-chain/providers"
VM = f"{RG}/Microsoft.Compute/virtualMachines/vm-gpu-jupyter"
NIC = f"{RG}/Microsoft.Network/networkInterfaces/nic-gpu-jupyter"
PIP = f"{RG}/Microsoft.Network/publicIPAddresses/pip-gpu-jupyter"
NSG = f"{RG}/Microsoft.Network/networkSecurityGroups/nsg-gpu-jupyter"
SUBNET = f"{RG}/Microsoft.Network/virtualNetworks/vnet/subnets/gpu"
ST = f"{RG}/Microsoft.Storage/storageAccounts/stmodels"
CONTAINER = f"{ST}/blobServices/default/containers/models"
WS = f"{RG}/Microsoft.MachineLearningServices/workspaces/mlw-prod"
MODEL = f"{WS}/models/llama-ft/versions/1"
ENDPOINT = f"{WS}/onlineEndpoints/scoring"
DEPLOYMENT = f"{ENDPOINT}/deployments/blue"
VM_PRINCIPAL = "0a1b2c3d-0000-4000-8000-0000000c0001"
WS_PRINCIPAL = "0a1b2c3d-0000-4000-8000-0000000c0002"
EP_PRINCIPAL = "0a1b2c3d-0000-4000-8000-0000000c0003"

BLOB_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
BLOB_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
BROKEN = ("reader", "entra", "no-public-ip")


def ids() -> dict[str, str]:
    """The inventory ids (ARM ids in lower case) of the chain's assets."""
    low = {k: v.lower() for k, v in {"vm": VM, "storage": ST, "container": CONTAINER}.items()}
    low |= {"model": MODEL.lower(), "endpoint": ENDPOINT.lower(), "deployment": DEPLOYMENT.lower()}
    low["vm_identity"] = f"{low['vm']}/providers/microsoft.managedidentity/identities/default"
    return low


def _system(principal: str) -> dict[str, Any]:
    return {"type": "SystemAssigned", "principalId": principal, "tenantId": "t"}


def _assignment(n: int, role: str, principal: str, scope: str) -> dict[str, Any]:
    name = f"9d1c0b2a-0000-4000-8000-0000000c{n:04d}"
    return {
        "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}",
        "name": name,
        "type": "Microsoft.Authorization/roleAssignments",
        "properties": {
            "roleDefinitionId": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/"
            f"roleDefinitions/{role}",
            "principalId": principal,
            "principalType": "ServicePrincipal",
            "scope": scope,
            "condition": None,
        },
    }


def _rule(name: str, port: str, priority: int) -> dict[str, Any]:
    return {
        "name": name,
        "properties": {
            "protocol": "Tcp",
            "sourcePortRange": "*",
            "destinationPortRange": port,
            "sourceAddressPrefix": "Internet",
            "destinationAddressPrefix": "*",
            "access": "Allow",
            "priority": priority,
            "direction": "Inbound",
        },
    }


def azure_estate(broken: str | None = None) -> dict[str, Any]:
    """The estate file of the planted chain, or of its twin with one link broken."""
    if broken is not None and broken not in BROKEN:
        raise ValueError(f"unknown broken link {broken!r} (one of {BROKEN})")
    demo = load_estate()
    ip_config: dict[str, Any] = {
        "privateIPAddress": "10.0.1.4",
        "subnet": {"id": SUBNET},
        "primary": True,
    }
    if broken != "no-public-ip":
        ip_config["publicIPAddress"] = {"id": PIP}
    resources: list[dict[str, Any]] = [
        {
            "id": VM,
            "name": "vm-gpu-jupyter",
            "type": "Microsoft.Compute/virtualMachines",
            "location": "eastus",
            "identity": _system(VM_PRINCIPAL),
            "properties": {
                "hardwareProfile": {"vmSize": "Standard_NC24ads_A100_v4"},
                "storageProfile": {"osDisk": {"osType": "Linux"}},
                "networkProfile": {"networkInterfaces": [{"id": NIC}]},
            },
        },
        {
            "id": NIC,
            "name": "nic-gpu-jupyter",
            "type": "Microsoft.Network/networkInterfaces",
            "location": "eastus",
            "properties": {
                "ipConfigurations": [
                    {
                        "id": f"{NIC}/ipConfigurations/ipconfig1",
                        "name": "ipconfig1",
                        "properties": ip_config,
                    }
                ],
                "networkSecurityGroup": {"id": NSG},
            },
        },
        {
            "id": SUBNET,
            "name": "gpu",
            "type": "Microsoft.Network/virtualNetworks/subnets",
            "properties": {"addressPrefix": "10.0.1.0/24"},
        },
        {
            "id": PIP,
            "name": "pip-gpu-jupyter",
            "type": "Microsoft.Network/publicIPAddresses",
            "location": "eastus",
            "properties": {"ipAddress": "20.121.9.9", "publicIPAllocationMethod": "Static"},
        },
        {
            "id": NSG,
            "name": "nsg-gpu-jupyter",
            "type": "Microsoft.Network/networkSecurityGroups",
            "location": "eastus",
            "properties": {
                "securityRules": [
                    _rule("allow-jupyter", "8888", 100),
                    _rule("allow-ssh", "22", 110),
                ]
            },
        },
        {
            "id": ST,
            "name": "stmodels",
            "type": "Microsoft.Storage/storageAccounts",
            "location": "eastus",
            "kind": "StorageV2",
            "properties": {
                "allowBlobPublicAccess": False,
                "allowSharedKeyAccess": False,
                "minimumTlsVersion": "TLS1_2",
                "supportsHttpsTrafficOnly": True,
                "publicNetworkAccess": "Disabled",
                "networkAcls": {"defaultAction": "Deny", "ipRules": []},
                "primaryEndpoints": {"blob": "https://stmodels.blob.core.windows.net/"},
            },
        },
        {
            "id": f"{ST}/blobServices/default",
            "name": "default",
            "type": "Microsoft.Storage/storageAccounts/blobServices",
            "properties": {"isVersioningEnabled": True},
        },
        {
            "id": CONTAINER,
            "name": "models",
            "type": "Microsoft.Storage/storageAccounts/blobServices/containers",
            "properties": {"publicAccess": "None", "hasImmutabilityPolicy": False},
        },
        {
            "id": WS,
            "name": "mlw-prod",
            "type": "Microsoft.MachineLearningServices/workspaces",
            "location": "eastus",
            "kind": "Default",
            "identity": _system(WS_PRINCIPAL),
            "properties": {
                "storageAccount": ST,
                "publicNetworkAccess": "Disabled",
                "v1LegacyMode": False,
            },
        },
        {
            "id": f"{WS}/models/llama-ft",
            "name": "llama-ft",
            "type": "Microsoft.MachineLearningServices/workspaces/models",
            "properties": {"latestVersion": "1"},
        },
        {
            "id": MODEL,
            "name": "1",
            "type": "Microsoft.MachineLearningServices/workspaces/models/versions",
            "properties": {
                "modelType": "mlflow_model",
                "modelUri": "https://stmodels.blob.core.windows.net/models/llama-ft/",
                "stage": "Production",
            },
        },
        {
            "id": ENDPOINT,
            "name": "scoring",
            "type": "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
            "location": "eastus",
            "kind": "Managed",
            "identity": _system(EP_PRINCIPAL),
            "properties": {
                "authMode": "AADToken" if broken == "entra" else "Key",
                "scoringUri": "https://scoring.eastus.inference.ml.azure.com/score",
                "publicNetworkAccess": "Enabled",
                "traffic": {"blue": 100},
            },
        },
        {
            "id": DEPLOYMENT,
            "name": "blue",
            "type": "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments",
            "location": "eastus",
            "kind": "Managed",
            "sku": {"name": "Default", "capacity": 1},
            "properties": {
                "endpointComputeType": "Managed",
                "model": f"azureml:{MODEL}",
                "instanceType": "Standard_DS3_v2",
                "environmentVariables": {},
                "egressPublicNetworkAccess": "Disabled",
            },
        },
        _assignment(1, BLOB_READER if broken == "reader" else BLOB_CONTRIBUTOR, VM_PRINCIPAL, ST),
        _assignment(2, BLOB_READER, EP_PRINCIPAL, ST),
    ]
    return {
        "tenant": "72f988bf-86f1-41af-91ab-2d7cd011db47",
        "subscriptions": [{"subscriptionId": SUB, "displayName": "chain"}],
        "denied_subscriptions": [],
        "resources": resources,
        "role_definitions": demo["role_definitions"],
        "skus": [s for s in demo["skus"] if s["name"] == "Standard_NC24ads_A100_v4"],
    }


def scan_azure_estate(estate: dict[str, Any]) -> Inventory:
    """The inventory the real Azure collector reads from `estate` served by `FakeArm`."""
    with FakeArm(estate) as arm:
        sink = InventoryBuilder()
        AzureCollector(settings=arm.settings()).collect(
            Scope(options={"azure_cloud": "public", "subscriptions": (SUB,)}),
            sink,
            NullProgress(),
        )
        return sink.build()
