"""Every Azure RBAC action the collector may use, gathered from the service modules.

docs/azure-custom-role.json (the custom role of docs/azure-permissions.md) is generated from this
tuple. All are `*/read` actions; no `*/action` (listKeys and the like) is ever needed.
"""

from __future__ import annotations

from aiscan.collectors.azure.services import MODULES

#: Permissions outside the service modules: subscriptions, the probe, Resource Graph.
CORE_PERMISSIONS = (
    "Microsoft.Resources/subscriptions/read",
    "Microsoft.Resources/subscriptions/resourceGroups/read",
    "Microsoft.ResourceGraph/resources/read",
)

PERMISSIONS: tuple[str, ...] = tuple(
    sorted(set(CORE_PERMISSIONS).union(*(m.PERMISSIONS for m in MODULES)))
)


def custom_role(
    scopes: tuple[str, ...] = ("/subscriptions/00000000-0000-0000-0000-000000000000",),
) -> dict[str, object]:
    """An Azure custom role (`az role definition create --role-definition @role.json`)."""
    return {
        "Name": "aiscan AI posture reader",
        "IsCustom": True,
        "Description": (
            "Read-only access aiscan needs to inventory AI resources and judge their posture. "
            "No */action permission: keys and secrets are never listed."
        ),
        "Actions": list(PERMISSIONS),
        "NotActions": [],
        "DataActions": [],
        "NotDataActions": [],
        "AssignableScopes": list(scopes),
    }


def document() -> str:
    """docs/azure-permissions.md, generated from `PERMISSIONS` by `python -m aiscan.docgen`."""
    import json

    role = json.dumps(custom_role(), indent=2)
    lines = [
        "# Azure permissions",
        "",
        "Generated from `aiscan.collectors.azure.permissions` by `python -m aiscan.docgen`; do not "
        "edit by hand.",
        "",
        "aiscan reads Azure with ARM GET requests and Azure Resource Graph queries only. Its "
        "read-only guard (an azure-core pipeline policy) refuses every other request before it "
        "is sent, including `listKeys`, `listSecrets` and resource-provider registration. The "
        "built-in **Reader** role is enough; the custom role below grants only the reads the "
        "collector uses, with no `*/action` and no data actions.",
        "",
        "Assign it at each subscription (or at a management group: then every subscription below "
        "it is scanned). Save the JSON as `aiscan-role.json`, replace the assignable scope, and:",
        "",
        "```sh",
        "az role definition create --role-definition @aiscan-role.json",
        'az role assignment create --assignee "$PRINCIPAL_ID" '
        '--role "aiscan AI posture reader" --scope "/subscriptions/$SUBSCRIPTION_ID"',
        "```",
        "",
        "```json",
        role,
        "```",
        "",
        "## Credentials and endpoints",
        "",
        "- `AISCAN_AZURE_TOKEN`: a pre-obtained ARM access token (e.g. from a CI OIDC exchange: "
        "`az account get-access-token --resource https://management.azure.com`); no credential "
        "chain runs when it is set.",
        "- Otherwise azure-identity's `DefaultAzureCredential` (environment, workload identity, "
        "managed identity, Azure CLI ...).",
        "- `--azure-cloud public|china|usgov` picks the ARM endpoint; `AISCAN_AZURE_ENDPOINT` "
        "overrides it (private or sovereign ARM).",
        "- `--subscription ID` (repeatable) restricts the scan; by default every subscription the "
        "identity can see is read. A subscription whose reads are denied shows as `denied` in "
        "coverage and makes the scan incomplete (exit code 3 unless `--allow-partial`).",
        "",
        "## What each permission reads",
        "",
        "| permission | used for |",
        "|---|---|",
    ]
    lines.extend(f"| `{p}` | {_PURPOSE.get(p, 'AI resources of that type')} |" for p in PERMISSIONS)
    lines += [
        "",
        "## `--deep`: model artifacts",
        "",
        "`aiscan scan --deep` (and `aiscan artifacts https://ACCOUNT.blob.core.windows.net/...`) "
        "also reads the blobs of every Azure ML model version (blob URLs, and `azureml://` "
        "datastore paths resolved through the workspace's datastores) to inspect them statically. "
        "That is a data action, which Reader does not grant: "
        + ", ".join(f"`{p}`" for p in DEEP_DATA_ACTIONS)
        + ", e.g. the built-in **Storage Blob Data Reader** role assigned on the artifact "
        "storage accounts or containers only.",
        "",
        "The blob reads go through their own pipeline whose guard allows GET and HEAD only; the "
        "ARM pipeline's guard refuses every storage data-plane host, so without `--deep` no blob "
        "is ever read. Token: `AISCAN_AZURE_STORAGE_TOKEN` (or `AISCAN_AZURE_TOKEN`), else "
        "`DefaultAzureCredential` for `https://storage.azure.com/.default`; "
        "`AISCAN_AZURE_BLOB_ENDPOINT` (or a loopback `AISCAN_AZURE_ENDPOINT`) points blob reads "
        "at an emulator, addressed path-style. A blob that cannot be read shows as "
        "`denied`/`error` in the `blob-artifacts` coverage of the subscription (exit code 3 "
        "unless `--allow-partial`).",
    ]
    return "\n".join(lines) + "\n"


#: What --deep adds (data actions: Storage Blob Data Reader holds them).
DEEP_DATA_ACTIONS: tuple[str, ...] = (
    "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
)


_PURPOSE = {
    "Microsoft.Resources/subscriptions/read": "listing the subscriptions to scan",
    "Microsoft.Resources/subscriptions/resourceGroups/read": "checking a subscription is readable",
    "Microsoft.ResourceGraph/resources/read": "enumerating resources across subscriptions",
    "Microsoft.Authorization/roleAssignments/read": "roles of managed identities AI assets use",
    "Microsoft.Authorization/roleDefinitions/read": "what those roles allow",
    "Microsoft.Compute/skus/read": "deciding from VM size capabilities whether a size has GPUs",
    "Microsoft.Insights/DiagnosticSettings/read": "resource logs of AI services and workspaces",
    "Microsoft.Security/pricings/read": "the Defender for AI Services plan",
    "Microsoft.Authorization/policyAssignments/read": (
        "Azure Policy guardrails (deny assignments) for AI services"
    ),
    "Microsoft.Network/networkInterfaces/read": "network path of GPU VMs",
    "Microsoft.Network/networkSecurityGroups/read": "ports GPU VMs expose to the internet",
    "Microsoft.Network/publicIPAddresses/read": "public addresses of GPU VMs",
    "Microsoft.Network/virtualNetworks/subnets/read": "subnet network security groups",
    "Microsoft.Storage/storageAccounts/read": "storage accounts AI assets use",
    "Microsoft.Storage/storageAccounts/blobServices/read": "blob versioning",
    "Microsoft.Storage/storageAccounts/blobServices/containers/read": "container public access",
    "Microsoft.ContainerRegistry/registries/read": "registries AI workloads pull from",
}
