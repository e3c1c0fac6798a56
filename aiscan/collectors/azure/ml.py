"""Azure Machine Learning and AI Foundry hubs/projects (`Microsoft.MachineLearningServices`).

Workspaces and registries come from Resource Graph; everything below a workspace is read with ARM
GETs at api-version 2024-10-01 (the azure-mgmt-machinelearningservices package is stuck at
2020-08-01, which has no online endpoints, serverless endpoints or registries): datastores,
model containers and versions, computes, online endpoints and their deployments (and the
environment version each deployment runs), serverless endpoints; registry model containers.
Datastore secrets (`listSecrets`) and endpoint keys (`listKeys`) are never read. Computes are
instances (`notebook`) and AmlCompute clusters with a GPU size (`gpu-compute`); CPU clusters are
not AI assets. A compute's only open port is its SSH port (public SSH on a node with a public IP).

Facts: aiscan/core/facts/azure.py `MlWorkspaceFacts`, `MlComputeFacts`, `MlOnlineEndpointFacts`,
`MlOnlineDeploymentFacts`, `MlServerlessEndpointFacts`, `MlDatastoreFacts`, `MlModelFacts`,
`MlRegistryFacts`; docs/attributes.md.
Relations: project member-of hub; compute/endpoint member-of workspace; deployment member-of
endpoint; endpoint serves and deployment uses-model the model; deployment stores-artifact-in the
model's blob container; model stores-artifact-in it too; datastore reads-data-from its container;
workspace stores-artifact-in its storage account, pulls-image its container registry,
reads-data-from its key vault; computes, endpoints and deployments run-as their identities.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from aiscan.collectors.azure.cognitive import approved_private_endpoints
from aiscan.collectors.azure.compute import accelerators, size_catalog
from aiscan.collectors.azure.context import (
    AzureContext,
    as_map,
    child_name,
    location,
    norm,
    props,
    ref_id,
    to_asset,
)
from aiscan.collectors.azure.monitor import with_diagnostics
from aiscan.collectors.azure.spec import ArmReader, arm_row
from aiscan.collectors.payload import mapping, opt
from aiscan.collectors.spec import Collected, run_spec
from aiscan.core.model import Asset, AssetKind, RelationType
from aiscan.core.refs import hub_facts
from aiscan.core.secrets import redact_env

SERVICE = "azureml"
WORKSPACE_TYPE = "Microsoft.MachineLearningServices/workspaces"
REGISTRY_TYPE = "Microsoft.MachineLearningServices/registries"
API = "2024-10-01"
COMPUTE_TYPE = f"{WORKSPACE_TYPE}/computes"
ENDPOINT_TYPE = f"{WORKSPACE_TYPE}/onlineEndpoints"
DEPLOYMENT_TYPE = f"{ENDPOINT_TYPE}/deployments"
SERVERLESS_TYPE = f"{WORKSPACE_TYPE}/serverlessEndpoints"
DATASTORE_TYPE = f"{WORKSPACE_TYPE}/datastores"
VERSION_TYPE = f"{WORKSPACE_TYPE}/models/versions"
REGISTRY_MODEL_TYPE = f"{REGISTRY_TYPE}/models"

PERMISSIONS = (
    "Microsoft.MachineLearningServices/workspaces/read",
    "Microsoft.MachineLearningServices/workspaces/computes/read",
    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/read",
    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments/read",
    "Microsoft.MachineLearningServices/workspaces/serverlessEndpoints/read",
    "Microsoft.MachineLearningServices/workspaces/datastores/read",
    "Microsoft.MachineLearningServices/workspaces/models/read",
    "Microsoft.MachineLearningServices/workspaces/models/versions/read",
    "Microsoft.MachineLearningServices/workspaces/environments/versions/read",
    "Microsoft.MachineLearningServices/registries/read",
    "Microsoft.MachineLearningServices/registries/models/read",
)

_DATASTORE_URI = re.compile(
    r"^azureml://(?:subscriptions/[^/]+/resourcegroups/[^/]+/workspaces/[^/]+/)?"
    r"datastores/([^/]+)/paths/",
    re.IGNORECASE,
)
_BLOB_URL = re.compile(
    r"^https://([a-z0-9]{3,24})\.(?:blob|dfs)\.core\.(?:windows\.net|chinacloudapi\.cn|"
    r"usgovcloudapi\.net)/([^/?]+)",
    re.IGNORECASE,
)
_REGISTRY_REF = re.compile(r"^azureml://registries/([^/]+)/", re.IGNORECASE)
_REGISTRY_MODEL = re.compile(r"^azureml://registries/([^/]+)/models/([^/]+)", re.IGNORECASE)


# -- pure transforms ------------------------------------------------------------------------------


def _asset(
    payload: Mapping[str, Any],
    kind: AssetKind,
    type_: str,
    attrs: dict[str, Any],
    *,
    child: str = "",
    **rest: Any,
) -> Asset:
    """An ML asset; `child` (a separator) names a resource below a workspace after its parent."""
    name = child_name(payload, sep=child) if child else None
    return to_asset(payload, kind, SERVICE, type_, attrs, name=name, **rest)


def to_workspace(payload: Mapping[str, Any]) -> Asset:
    p = props(payload)
    encryption = as_map(p.get("encryption"))
    kv = as_map(encryption.get("keyVaultProperties"))
    kms_key = kv.get("keyIdentifier") if str(encryption.get("status", "")) == "Enabled" else None
    managed = as_map(p.get("managedNetwork"))
    attrs: dict[str, Any] = {
        "workspace_kind": payload.get("kind") or "Default",
        "public_network_access": str(p.get("publicNetworkAccess") or "Enabled").capitalize(),
        "approved_private_endpoints": approved_private_endpoints(p),
        "encryption_status": str(encryption.get("status") or "Disabled"),
        "kms_key": kms_key,
        "managed_network_isolation": str(managed.get("isolationMode") or "Disabled"),
        "hub_id": ref_id(p.get("hubResourceId")),
        "v1_legacy_mode": p.get("v1LegacyMode") is True,
        "hbi_workspace": p.get("hbiWorkspace") is True,
        "storage_account": ref_id(p.get("storageAccount")),
        "container_registry": ref_id(p.get("containerRegistry")),
        "key_vault": ref_id(p.get("keyVault")),
    }
    return _asset(payload, AssetKind.WORKSPACE, WORKSPACE_TYPE, attrs)


def to_compute(
    payload: Mapping[str, Any],
    *,
    workspace: Asset,
    gpus: tuple[list[dict[str, Any]], str] | None,
) -> Asset | None:
    """A compute instance (`notebook`) or GPU cluster (`gpu-compute`); None for anything else."""
    p = props(payload)
    inner = as_map(p.get("properties"))
    ctype = str(p.get("computeType", ""))
    if ctype not in ("ComputeInstance", "AmlCompute"):
        return None
    if ctype == "AmlCompute" and (gpus is None or not gpus[0]):
        return None
    managed = str(workspace.attributes.get("managed_network_isolation") or "Disabled")
    subnet = as_map(inner.get("subnet")).get("id")
    if ctype == "ComputeInstance":
        ssh = str(as_map(inner.get("sshSettings")).get("sshPublicAccess") or "Disabled")
        port = as_map(inner.get("sshSettings")).get("sshPort") or 50000
    else:
        ssh = str(inner.get("remoteLoginPortPublicAccess") or "NotSpecified")
        # NotSpecified opens the port when the cluster is not in a VNet (ARM schema).
        ssh = "Enabled" if ssh == "NotSpecified" and not subnet else ssh
        ssh = "Disabled" if ssh == "NotSpecified" else ssh
        port = 50000
    node_public_ip = inner.get("enableNodePublicIp") is not False
    endpoints = as_map(inner.get("connectivityEndpoints"))
    public_ip = endpoints.get("publicIpAddress") if node_public_ip else None
    attrs: dict[str, Any] = {
        "compute_type": ctype,
        "vm_size": inner.get("vmSize"),
        "local_auth_disabled": p.get("disableLocalAuth") is True,
        "subnet": ref_id(subnet),
        "workspace_managed_network": managed,
        "in_vnet": bool(subnet) or managed != "Disabled",
        "node_public_ip": node_public_ip,
        "ssh_public_access": ssh,
        "public_ip": public_ip,
        "internet_open_ports": (
            [{"protocol": "tcp", "from": int(port), "to": int(port)}]
            if ssh == "Enabled" and node_public_ip
            else []
        ),
    }
    if gpus is not None:
        attrs["accelerators"], attrs["accelerators_source"] = gpus
    if ctype == "ComputeInstance":
        image = as_map(inner.get("osImageMetadata"))
        if isinstance(image.get("isLatestOsImageVersion"), bool):
            attrs["os_image_latest"] = image["isLatestOsImageVersion"]
        attrs["idle_shutdown"] = inner.get("idleTimeBeforeShutdown")
        kind = AssetKind.NOTEBOOK
    else:
        kind = AssetKind.GPU_COMPUTE
    region = location(p.get("computeLocation") or payload.get("location")) or workspace.region
    return _asset(payload, kind, COMPUTE_TYPE, attrs, region=region)


def to_online_endpoint(payload: Mapping[str, Any], *, region: str | None) -> Asset:
    p = props(payload)
    attrs: dict[str, Any] = {
        "endpoint_kind": "online",
        "auth_mode": p.get("authMode"),
        "authenticated": True,  # every auth mode (Key, AMLToken, AADToken) requires a credential
        "public_network_access": str(p.get("publicNetworkAccess") or "Enabled").capitalize(),
        "endpoint_url": p.get("scoringUri"),
        "traffic": dict(as_map(p.get("traffic"))),
    }
    return _asset(payload, AssetKind.ENDPOINT, ENDPOINT_TYPE, attrs, region=region)


def model_ref(value: Any) -> tuple[str | None, str | None]:
    """(inventory id or URI of the model, registry name) of a deployment's model reference."""
    if not isinstance(value, str) or not value:
        return None, None
    m = _REGISTRY_REF.match(value)
    if m:
        return value.lower(), m.group(1)
    if value.lower().startswith("azureml:/subscriptions/"):
        return norm(value[len("azureml:") :]), None
    if value.startswith("/subscriptions/"):
        return norm(value), None
    return value, None


def to_online_deployment(
    payload: Mapping[str, Any],
    *,
    region: str | None,
    environment: Mapping[str, Any] | None,
    workspace: Asset,
    artifact_uri: str | None,
    gpus: tuple[list[dict[str, Any]], str] | None,
) -> Asset:
    p = props(payload)
    original = as_map(p.get("environmentVariables"))
    env, hits = redact_env(original, "environmentVariables")
    model, registry = model_ref(p.get("model"))
    image = props(environment).get("image") if environment is not None else None
    container: dict[str, Any] = {
        "name": str(payload.get("name", "")),
        "image": image if isinstance(image, str) else None,
        "environment": env,
        "artifact_uri": artifact_uri,
    }
    attrs: dict[str, Any] = {
        "endpoint_kind": "online-deployment",
        "containers": [container],
        "secrets": hits,
        **hub_facts([{str(k): str(v) for k, v in original.items() if isinstance(v, str)}]),
        "instance_type": p.get("instanceType"),
        "egress_public_network_access": p.get("egressPublicNetworkAccess") or "Enabled",
        "model": model,
        "model_registry": registry,
        "environment_id": p.get("environmentId"),
        "workspace_managed_network": workspace.attributes.get("managed_network_isolation"),
    }
    if gpus is not None:
        attrs["accelerators"] = gpus[0]
    clean = {**payload, "properties": {**p, "environmentVariables": env}}
    return _asset(
        payload, AssetKind.ENDPOINT, DEPLOYMENT_TYPE, attrs, region=region, raw=clean, child="/"
    )


def to_serverless_endpoint(payload: Mapping[str, Any], *, region: str | None) -> Asset:
    p = props(payload)
    model, registry = model_ref(as_map(p.get("modelSettings")).get("modelId"))
    attrs: dict[str, Any] = {
        "endpoint_kind": "serverless",
        "auth_mode": p.get("authMode"),
        "authenticated": True,
        "model": model,
        "model_registry": registry,
        "content_safety": as_map(p.get("contentSafety")).get("contentSafetyStatus"),
        "endpoint_url": as_map(p.get("inferenceEndpoint")).get("uri"),
    }
    return _asset(payload, AssetKind.ENDPOINT, SERVERLESS_TYPE, attrs, region=region)


def datastore_target(payload: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(storage account id, container) a blob / ADLS Gen2 datastore points at."""
    p = props(payload)
    account = p.get("accountName")
    if not isinstance(account, str) or not account:
        return None, None
    sub, rg = p.get("subscriptionId"), p.get("resourceGroup")
    rid = f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Storage/storageAccounts/"
    container = p.get("containerName") or p.get("filesystem")
    return ref_id(f"{rid}{account}" if sub and rg else None), (
        container if isinstance(container, str) else None
    )


def to_datastore(payload: Mapping[str, Any], *, region: str | None) -> Asset:
    p = props(payload)
    _, container = datastore_target(payload)
    attrs: dict[str, Any] = {
        "datastore_type": p.get("datastoreType"),
        "account_name": p.get("accountName"),
        "container": container,
        "credentials_type": as_map(p.get("credentials")).get("credentialsType"),
        "is_default": p.get("isDefault") is True,
    }
    # GET never returns datastore secrets, but drop the credentials block in case it does.
    clean = {**payload, "properties": {k: v for k, v in p.items() if k != "credentials"}}
    return _asset(
        payload, AssetKind.DATASET, DATASTORE_TYPE, attrs, region=region, raw=clean, child="/"
    )


def to_model_version(payload: Mapping[str, Any], *, region: str | None, type_: str) -> Asset:
    p = props(payload)
    attrs: dict[str, Any] = {
        "model_type": p.get("modelType"),
        "artifact_uri": p.get("modelUri"),
        "stage": p.get("stage"),
    }
    return _asset(payload, AssetKind.MODEL, type_, attrs, region=region, child=":")


def to_registry(payload: Mapping[str, Any]) -> Asset:
    p = props(payload)
    attrs: dict[str, Any] = {
        "public_network_access": str(p.get("publicNetworkAccess") or "Enabled").capitalize(),
        "regions": [
            str(r.get("location")) for r in p.get("regionDetails") or [] if isinstance(r, Mapping)
        ],
    }
    return _asset(payload, AssetKind.MODEL_REGISTRY, REGISTRY_TYPE, attrs)


def blob_target(
    uri: Any,
    datastores: Mapping[str, tuple[str | None, str | None]],
    storage_by_name: Mapping[str, str],
) -> tuple[str | None, str | None]:
    """(storage account id, container) an artifact URI lives in, if it can be resolved."""
    if not isinstance(uri, str):
        return None, None
    m = _DATASTORE_URI.match(uri)
    if m:
        return datastores.get(m.group(1).lower(), (None, None))
    m = _BLOB_URL.match(uri)
    if m:
        return storage_by_name.get(m.group(1).lower()), m.group(2)
    return None, None


# -- the families below a workspace or registry: rows and their link-drawing transforms ------


def datastore_account(
    payload: Mapping[str, Any], storage_by_name: Mapping[str, str]
) -> tuple[str | None, str | None]:
    """`datastore_target`, the account found by name when the datastore does not say where."""
    account_id, container = datastore_target(payload)
    if account_id is None:
        name = props(payload).get("accountName")
        account_id = storage_by_name.get(str(name).lower()) if name else None
    return account_id, container


def _datastore(
    payload: Mapping[str, Any], *, parent: Asset, storage_by_name: Mapping[str, str], **_: Any
) -> Collected:
    account_id, container = datastore_account(payload, storage_by_name)
    link = ("storage", account_id, RelationType.READS_DATA_FROM, container)
    return Collected(to_datastore(payload, region=parent.region), (link,))


def _model_version(
    payload: Mapping[str, Any],
    *,
    parent: Asset,
    datastores: Mapping[str, tuple[str | None, str | None]],
    storage_by_name: Mapping[str, str],
    **_: Any,
) -> Collected:
    model = to_model_version(payload, region=parent.region, type_=VERSION_TYPE)
    uri = model.attributes.get("artifact_uri")
    account, container = blob_target(uri, datastores, storage_by_name)
    return Collected(model, (("storage", account, RelationType.STORES_ARTIFACT_IN, container),))


def _registry_model(payload: Mapping[str, Any], *, parent: Asset, **_: Any) -> Asset:
    return to_model_version(payload, region=parent.region, type_=REGISTRY_MODEL_TYPE)


def _compute(
    payload: Mapping[str, Any], *, parent: Asset, sizes: Callable[[str | None], Any], **_: Any
) -> Collected | None:
    p = props(payload)
    size = opt(mapping(p, "properties"), "vmSize")
    loc = location(p.get("computeLocation") or payload.get("location")) or parent.region
    gpus = accelerators(size, sizes(loc))
    asset = to_compute(payload, workspace=parent, gpus=gpus)
    return Collected(asset, (("identities", payload),)) if asset is not None else None


def _serverless(payload: Mapping[str, Any], *, parent: Asset, **_: Any) -> Collected:
    region = location(payload.get("location")) or parent.region
    return Collected(to_serverless_endpoint(payload, region=region), (("identities", payload),))


def _online_endpoint(payload: Mapping[str, Any], *, parent: Asset, **_: Any) -> Collected:
    region = location(payload.get("location")) or parent.region
    return Collected(to_online_endpoint(payload, region=region), (("identities", payload),))


def _environment(ctx: AzureContext, item_id: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """The environment version a deployment runs (its image), read in the deployment's section."""
    env_id = props(payload).get("environmentId")
    if not isinstance(env_id, str) or not env_id.lower().startswith("azureml:/subscriptions/"):
        return {"environment": None}
    label = f"environment of {payload.get('name')}"
    return {"environment": ctx.section(label, ctx.arm.get, env_id[len("azureml:") :], API)}


def _deployment(
    payload: Mapping[str, Any],
    *,
    parent: Asset,
    parent_payload: Mapping[str, Any],
    workspace: Asset,
    environment: Mapping[str, Any] | None,
    models: Mapping[str, Asset],
    datastores: Mapping[str, tuple[str | None, str | None]],
    storage_by_name: Mapping[str, str],
    sizes: Callable[[str | None], Any],
    resolve: Callable[[str | None], str | None],
    **_: Any,
) -> Collected:
    """An online deployment; it runs as its endpoint's identities."""
    p = props(payload)
    model_id = resolve(model_ref(p.get("model"))[0])
    model = models.get(model_id or "")
    artifact = model.attributes.get("artifact_uri") if model is not None else None
    size = opt(p, "instanceType")
    dep = to_online_deployment(
        payload,
        region=parent.region,
        environment=environment,
        workspace=workspace,
        artifact_uri=artifact,
        gpus=accelerators(size, sizes(parent.region)) if size else None,
    )
    account, container = blob_target(artifact, datastores, storage_by_name)
    links = (
        ("identities", parent_payload),
        ("relation", dep.id, RelationType.USES_MODEL, model_id),
        ("relation", parent.id, RelationType.SERVES, model_id),
        ("image", dep.attributes["containers"][0].get("image")),
        ("storage", account, RelationType.STORES_ARTIFACT_IN, container),
    )
    return Collected(dep, links)


def _serves(ctx: AzureContext, endpoint: Asset) -> None:
    model = resolve_registry_model(ctx, endpoint.attributes.get("model"))
    ctx.relate(endpoint.id, RelationType.SERVES, model)


row = partial(arm_row, SERVICE)


DATASTORES = row("datastores", "datastore", DATASTORE_TYPE, _datastore)
VERSIONS = row("versions", "model version", VERSION_TYPE, _model_version)
REGISTRY_MODELS = row("models", "registry model", REGISTRY_MODEL_TYPE, _registry_model)
COMPUTES = row("computes", "compute", COMPUTE_TYPE, _compute)
DEPLOYMENTS = row("deployments", "deployment", DEPLOYMENT_TYPE, _deployment, inputs=_environment)
ONLINE_ENDPOINTS = row(
    "onlineEndpoints", "online endpoint", ENDPOINT_TYPE, _online_endpoint, nested=(DEPLOYMENTS,)
)
SERVERLESS = row(
    "serverlessEndpoints", "serverless endpoint", SERVERLESS_TYPE, _serverless, relate=_serves
)


# -- collection -----------------------------------------------------------------------------------


def collect(ctx: AzureContext) -> None:
    ctx.each("workspace", _one_workspace, ctx.resources(WORKSPACE_TYPE), ctx)
    ctx.each("registry", _one_registry, ctx.resources(REGISTRY_TYPE), ctx)


def _one_workspace(ctx: AzureContext, payload: dict[str, Any]) -> None:
    rid = str(payload["id"])
    ws = with_diagnostics(ctx, to_workspace(payload), rid)
    ctx.add(ws)
    ctx.use_identities(ws.id, payload, region=ws.region)
    ctx.relate(ws.id, RelationType.MEMBER_OF, ws.attributes.get("hub_id"))
    ctx.use_storage(
        ws.id, ws.attributes.get("storage_account"), RelationType.STORES_ARTIFACT_IN, None
    )
    ctx.use_registry(ws.id, ws.attributes.get("container_registry"))
    ctx.relate(ws.id, RelationType.READS_DATA_FROM, ws.attributes.get("key_vault"))

    storage = ctx.refs.storage_by_name
    reader = ArmReader(
        rid, API, parent=ws, storage_by_name=storage, sizes=partial(size_catalog, ctx)
    )
    stores = run_spec(ctx, DATASTORES, reader, section=f"datastores of {ws.name}") or {}
    datastores = {
        str(a.raw.get("name", "")).lower(): datastore_account(a.raw, storage)
        for a in stores.values()
    }
    models = _models(ctx, ws, rid, datastores)
    run_spec(ctx, COMPUTES, reader, section=f"computes of {ws.name}")
    where = {**reader.where(ctx), "workspace": ws, "models": models, "datastores": datastores}
    endpoints = ArmReader(rid, API, **where, resolve=partial(resolve_registry_model, ctx))
    run_spec(ctx, ONLINE_ENDPOINTS, endpoints, section=f"online endpoints of {ws.name}")
    run_spec(ctx, SERVERLESS, reader, section=f"serverless endpoints of {ws.name}")


def _models(
    ctx: AzureContext,
    ws: Asset,
    rid: str,
    datastores: Mapping[str, tuple[str | None, str | None]],
) -> dict[str, Asset]:
    """Model versions by inventory id."""
    containers = ctx.listing(f"models of {ws.name}", f"{rid}/models", API)
    storage = ctx.refs.storage_by_name

    def versions(container: Mapping[str, Any]) -> dict[str, Asset] | None:
        reader = ArmReader(
            str(container["id"]), API, parent=ws, datastores=datastores, storage_by_name=storage
        )
        section = f"model versions {ctx.label(container)}"
        return run_spec(ctx, VERSIONS, reader, section=section)

    found: dict[str, Asset] = {}
    for batch in ctx.each("model versions", versions, containers or []):
        found.update({model.id: model for model in (batch or {}).values()})
    return found


def resolve_registry_model(ctx: AzureContext, model: str | None) -> str | None:
    """A registry model reference as the inventory id of that model when the registry is part of
    the scanned estate (`azureml://registries/<r>/models/<m>/...` -> `<registry id>/models/<m>`)."""
    m = _REGISTRY_MODEL.match(model or "")
    if not m:
        return model
    found = ctx.refs.ml_registries_by_name.get(m.group(1).lower(), set())
    if len(found) != 1:
        return model
    return f"{next(iter(found))}/models/{m.group(2).lower()}"


def _one_registry(ctx: AzureContext, payload: dict[str, Any]) -> None:
    reg = to_registry(payload)
    ctx.add(reg)
    ctx.use_identities(reg.id, payload, region=reg.region)
    reader = ArmReader(str(payload["id"]), API, parent=reg)
    run_spec(ctx, REGISTRY_MODELS, reader, section=f"models of registry {reg.name}")
