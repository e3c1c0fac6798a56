"""Azure Machine Learning and AI Foundry hubs/projects (`Microsoft.MachineLearningServices`).

Workspaces and registries come from Resource Graph; everything below a workspace is read with ARM
GETs at api-version 2024-10-01 (the azure-mgmt-machinelearningservices package is stuck at
2020-08-01, which has no online endpoints, serverless endpoints or registries): datastores,
model containers and versions, computes, online endpoints and their deployments (and the
environment version each deployment runs), serverless endpoints; registry model containers.
Datastore secrets (`listSecrets`) and endpoint keys (`listKeys`) are never read.

Attributes, `workspace`: `workspace_kind` (Default/Hub/Project/FeatureStore),
  `public_network_access` (default Enabled), `approved_private_endpoints`, `encryption_status`
  ("Enabled"/"Disabled"), `kms_key`, `managed_network_isolation` ("Disabled" when no managed
  network is configured), `hub_id`, `v1_legacy_mode`, `hbi_workspace`, `storage_account`,
  `container_registry`, `key_vault`, `diagnostic_logs_enabled`, `log_destinations`.
`notebook` (compute instance) and `gpu-compute` (AmlCompute cluster with a GPU size; CPU clusters
  are not AI assets): `compute_type`, `vm_size`, `accelerators`, `accelerators_source`,
  `local_auth_disabled`, `subnet`, `workspace_managed_network`, `in_vnet` (own subnet or a
  workspace managed network), `node_public_ip`, `ssh_public_access` ("Enabled"/"Disabled"),
  `public_ip`, `internet_open_ports` (the compute's SSH port when SSH is public and the node has
  a public IP; AML computes expose nothing else), `os_image_latest` (instances),
  `idle_shutdown` (instances).
`endpoint` (online endpoint): `endpoint_kind` "online", `auth_mode` (Key/AMLToken/AADToken),
  `authenticated`, `public_network_access`, `endpoint_url`, `traffic`.
`endpoint` (online deployment): `endpoint_kind` "online-deployment", `containers` ([{name, image,
  environment (secrets redacted), artifact_uri}]), `secrets`, `instance_type`, `accelerators`,
  `egress_public_network_access`, `model`, `model_registry`, `environment_id`,
  `workspace_managed_network`.
`endpoint` (serverless endpoint): `endpoint_kind` "serverless", `auth_mode`, `model`,
  `model_registry`, `content_safety`, `endpoint_url`.
`model` (workspace model version / registry model): `model_type`, `artifact_uri`, `stage`.
`dataset` (datastore): `datastore_type`, `account_name`, `container`, `credentials_type`,
  `is_default`.
`model-registry` (ML registry): `public_network_access`, `regions`.
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
    to_asset,
)
from aiscan.collectors.azure.monitor import diagnostics_facts, list_diagnostic_settings
from aiscan.collectors.azure.spec import ArmReader, ArmSpec, arm_label
from aiscan.collectors.spec import Collected, run_spec
from aiscan.core.model import Asset, AssetKind, RelationType
from aiscan.core.refs import hub_facts
from aiscan.core.secrets import redact_env

SERVICE = "azureml"
WORKSPACE_TYPE = "Microsoft.MachineLearningServices/workspaces"
REGISTRY_TYPE = "Microsoft.MachineLearningServices/registries"
API = "2024-10-01"

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


# -- reads ----------------------------------------------------------------------------------------


def list_children(arm: Any, parent_id: str, child: str) -> list[dict[str, Any]]:
    return list(arm.list(f"{parent_id}/{child}", API))


def get_resource(arm: Any, resource_id: str) -> dict[str, Any]:
    result: dict[str, Any] = arm.get(resource_id, API)
    return result


# -- pure transforms ------------------------------------------------------------------------------


def _asset(
    payload: Mapping[str, Any], kind: AssetKind, type_: str, attrs: dict[str, Any], **rest: Any
) -> Asset:
    return to_asset(payload, kind=kind, service=SERVICE, type_=type_, attributes=attrs, **rest)


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
        "hub_id": norm(str(p["hubResourceId"])) if p.get("hubResourceId") else None,
        "v1_legacy_mode": p.get("v1LegacyMode") is True,
        "hbi_workspace": p.get("hbiWorkspace") is True,
        "storage_account": norm(str(p["storageAccount"])) if p.get("storageAccount") else None,
        "container_registry": (
            norm(str(p["containerRegistry"])) if p.get("containerRegistry") else None
        ),
        "key_vault": norm(str(p["keyVault"])) if p.get("keyVault") else None,
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
        "subnet": norm(str(subnet)) if subnet else None,
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
    return to_asset(
        payload,
        kind=kind,
        service=SERVICE,
        type_=f"{WORKSPACE_TYPE}/computes",
        attributes=attrs,
        region=location(p.get("computeLocation") or payload.get("location")) or workspace.region,
    )


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
    return _asset(
        payload, AssetKind.ENDPOINT, f"{WORKSPACE_TYPE}/onlineEndpoints", attrs, region=region
    )


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
        payload,
        AssetKind.ENDPOINT,
        f"{WORKSPACE_TYPE}/onlineEndpoints/deployments",
        attrs,
        raw=clean,
        region=region,
        name=child_name(payload),
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
    return _asset(
        payload, AssetKind.ENDPOINT, f"{WORKSPACE_TYPE}/serverlessEndpoints", attrs, region=region
    )


def datastore_target(payload: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(storage account id, container) a blob / ADLS Gen2 datastore points at."""
    p = props(payload)
    account = p.get("accountName")
    if not isinstance(account, str) or not account:
        return None, None
    sub = p.get("subscriptionId")
    rg = p.get("resourceGroup")
    account_id = (
        f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Storage/storageAccounts/"
        f"{account}"
        if sub and rg
        else None
    )
    container = p.get("containerName") or p.get("filesystem")
    return (norm(account_id) if account_id else None), (
        str(container) if isinstance(container, str) else None
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
        payload,
        AssetKind.DATASET,
        f"{WORKSPACE_TYPE}/datastores",
        attrs,
        raw=clean,
        region=region,
        name=child_name(payload),
    )


def to_model_version(payload: Mapping[str, Any], *, region: str | None, type_: str) -> Asset:
    p = props(payload)
    attrs: dict[str, Any] = {
        "model_type": p.get("modelType"),
        "artifact_uri": p.get("modelUri"),
        "stage": p.get("stage"),
    }
    return _asset(
        payload, AssetKind.MODEL, type_, attrs, region=region, name=child_name(payload, sep=":")
    )


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
    type_ = f"{WORKSPACE_TYPE}/models/versions"
    model = to_model_version(payload, region=parent.region, type_=type_)
    uri = model.attributes.get("artifact_uri")
    account, container = blob_target(uri, datastores, storage_by_name)
    return Collected(model, (("storage", account, RelationType.STORES_ARTIFACT_IN, container),))


def _registry_model(payload: Mapping[str, Any], *, parent: Asset, **_: Any) -> Asset:
    return to_model_version(payload, region=parent.region, type_=f"{REGISTRY_TYPE}/models")


def _compute(
    payload: Mapping[str, Any], *, parent: Asset, sizes: Callable[[str | None], Any], **_: Any
) -> Collected | None:
    p = props(payload)
    size = as_map(p.get("properties")).get("vmSize")
    loc = location(p.get("computeLocation") or payload.get("location")) or parent.region
    gpus = accelerators(size if isinstance(size, str) else None, sizes(loc))
    asset = to_compute(payload, workspace=parent, gpus=gpus)
    return Collected(asset, (("identities", payload),)) if asset is not None else None


def _serverless(payload: Mapping[str, Any], *, parent: Asset, **_: Any) -> Collected:
    region = location(payload.get("location")) or parent.region
    return Collected(to_serverless_endpoint(payload, region=region), (("identities", payload),))


def _serves(ctx: AzureContext, endpoint: Asset) -> None:
    model = resolve_registry_model(ctx, endpoint.attributes.get("model"))
    ctx.relate(endpoint.id, RelationType.SERVES, model)


def row(child: str, item: str, type_: str, transform: Callable[..., Any], **more: Any) -> ArmSpec:
    """A family of ARM children `child` (list-only: ARM lists answer with whole resources)."""
    return ArmSpec(
        family=child,
        item=item,
        service=SERVICE,
        resource_type=type_,
        list_operation="list",
        result_key=child,
        id_key="id",
        transform=transform,
        label=arm_label,
        **more,
    )


DATASTORES = row("datastores", "datastore", f"{WORKSPACE_TYPE}/datastores", _datastore)
VERSIONS = row("versions", "model version", f"{WORKSPACE_TYPE}/models/versions", _model_version)
REGISTRY_MODELS = row("models", "registry model", f"{REGISTRY_TYPE}/models", _registry_model)
COMPUTES = row("computes", "compute", f"{WORKSPACE_TYPE}/computes", _compute)
SERVERLESS = row(
    "serverlessEndpoints",
    "serverless endpoint",
    f"{WORKSPACE_TYPE}/serverlessEndpoints",
    _serverless,
    relate=_serves,
)


# -- collection -----------------------------------------------------------------------------------


def collect(ctx: AzureContext) -> None:
    ctx.each("workspace", _one_workspace, ctx.resources(WORKSPACE_TYPE), ctx)
    ctx.each("registry", _one_registry, ctx.resources(REGISTRY_TYPE), ctx)


def _one_workspace(ctx: AzureContext, payload: dict[str, Any]) -> None:
    ws = to_workspace(payload)
    rid = str(payload["id"])
    settings = ctx.section(
        f"diagnostic settings of {ws.name}", list_diagnostic_settings, ctx.arm, rid
    )
    ws = ws.model_copy(update={"attributes": {**ws.attributes, **diagnostics_facts(settings)}})
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
    endpoints = ctx.section(
        f"online endpoints of {ws.name}", list_children, ctx.arm, rid, "onlineEndpoints"
    )
    ctx.each("online endpoint", _one_endpoint, endpoints or [], ctx, ws, datastores, models)
    run_spec(ctx, SERVERLESS, reader, section=f"serverless endpoints of {ws.name}")


def _models(
    ctx: AzureContext,
    ws: Asset,
    rid: str,
    datastores: Mapping[str, tuple[str | None, str | None]],
) -> dict[str, Asset]:
    """Model versions by inventory id."""
    containers = ctx.section(f"models of {ws.name}", list_children, ctx.arm, rid, "models")
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


def _one_endpoint(
    ctx: AzureContext,
    ws: Asset,
    datastores: Mapping[str, tuple[str | None, str | None]],
    models: Mapping[str, Asset],
    payload: dict[str, Any],
) -> None:
    region = location(payload.get("location")) or ws.region
    ep = to_online_endpoint(payload, region=region)
    ctx.add(ep)
    ctx.relate(ep.id, RelationType.MEMBER_OF, ws.id)
    identities = ctx.use_identities(ep.id, payload, region=region)
    items = ctx.section(
        f"deployments of {ep.name}", list_children, ctx.arm, str(payload["id"]), "deployments"
    )
    for item in items or []:
        p = props(item)
        env_id = p.get("environmentId")
        environment = None
        if isinstance(env_id, str) and env_id.lower().startswith("azureml:/subscriptions/"):
            environment = ctx.section(
                f"environment of {item.get('name')}",
                get_resource,
                ctx.arm,
                env_id[len("azureml:") :],
            )
        model_id = resolve_registry_model(ctx, model_ref(p.get("model"))[0])
        model = models.get(model_id or "")
        artifact = model.attributes.get("artifact_uri") if model is not None else None
        size = p.get("instanceType") if isinstance(p.get("instanceType"), str) else None
        gpus = accelerators(size, size_catalog(ctx, region)) if size else None
        dep = to_online_deployment(
            item,
            region=region,
            environment=environment,
            workspace=ws,
            artifact_uri=artifact,
            gpus=gpus,
        )
        ctx.add(dep)
        ctx.relate(dep.id, RelationType.MEMBER_OF, ep.id)
        ctx.relate(dep.id, RelationType.USES_MODEL, model_id)
        ctx.relate(ep.id, RelationType.SERVES, model_id)
        for ident in identities:
            ctx.relate(dep.id, RelationType.RUNS_AS, ident)
        ctx.use_image(dep.id, dep.attributes["containers"][0].get("image"))
        account, container = blob_target(artifact, datastores, ctx.refs.storage_by_name)
        ctx.use_storage(dep.id, account, RelationType.STORES_ARTIFACT_IN, container)


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
