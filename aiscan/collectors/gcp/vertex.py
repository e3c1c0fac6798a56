"""Vertex AI, one location at a time: models and versions, endpoints, jobs, pipelines, datasets,
feature stores, vector search, tuning jobs and Colab Enterprise runtimes.

The locations come from the API (``projects.locations.list``), never from a hard-coded list; each
location is read through its regional host (``{location}-aiplatform.googleapis.com``). Every
resource family is a `ResourceSpec` row of `SPECS` (collection, pure transform) read by the
framework's `run_spec` through the GCP binding (aiscan/collectors/gcp/spec.py), each in its own
section, so a denied or unsupported family is recorded in coverage without losing the others. A
family the location does not offer (HTTP 400/404/501 on its collection) is noted as skipped.

Transforms are pure: ``to_*(payload, project, location)`` returns the `Asset` and the links it
carries (buckets, images, service accounts, relations), which `apply_links` turns into relations
and second-pass references. A model version that is not the default is its own asset
(``.../models/ID@VERSION``, ``version-of`` the model); a model deployed with a service account
``runs-as`` it (the endpoint's deployed model says so).

Facts: aiscan/core/facts/gcp.py ``Vertex*Facts`` and ``Notebook*Facts``; docs/attributes.md.
Their ``containers`` come from ``containerSpec`` (models), the worker pools (jobs) or the
compiled pipeline's executors; a ``service_account`` of "" is the Vertex AI service agent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from aiscan.collectors.gcp.context import Project, ScopeContext
from aiscan.collectors.gcp.http import GcpHttp
from aiscan.collectors.gcp.names import AIPLATFORM, gcs_bucket_of, last, vertex_id
from aiscan.collectors.gcp.spec import Collected, GcpReader, GcpSpec, Link, gcp_asset, row
from aiscan.collectors.payload import mapping, opt
from aiscan.collectors.spec import run_spec
from aiscan.core.model import Asset, AssetKind, RelationType
from aiscan.core.refs import hub_facts
from aiscan.core.secrets import redact_env

SERVICE = "aiplatform"
#: The asset kind of each Vertex AI type.
KINDS = {
    "Model": AssetKind.MODEL,
    "Endpoint": AssetKind.ENDPOINT,
    **dict.fromkeys(("CustomJob", "TrainingPipeline", "TuningJob"), AssetKind.TRAINING_JOB),
    "PipelineJob": AssetKind.PIPELINE,
    **dict.fromkeys(("Dataset", "FeatureOnlineStore", "Featurestore"), AssetKind.DATASET),
    **dict.fromkeys(("Index", "IndexEndpoint"), AssetKind.KNOWLEDGE_BASE),
    **dict.fromkeys(("NotebookRuntimeTemplate", "NotebookRuntime"), AssetKind.NOTEBOOK),
}


# -- SDK-level calls (plain REST) ---------------------------------------------------------------


def host(location: str) -> str:
    return AIPLATFORM if location == "global" else f"{location}-{AIPLATFORM}"


def list_locations(http: GcpHttp, project: str) -> list[str]:
    return sorted(
        str(loc.get("locationId") or last(str(loc["name"])))
        for loc in http.items(AIPLATFORM, f"/v1/projects/{project}/locations", "locations")
    )


def list_versions(http: GcpHttp, location: str, model_name: str) -> list[dict[str, Any]]:
    return list(http.items(host(location), f"/v1/{model_name}:listVersions", "models"))


# -- transforms ---------------------------------------------------------------------------------


def _collected(
    payload: dict[str, Any],
    project: Project,
    location: str,
    type_: str,
    attributes: dict[str, Any],
    *,
    name: str | None = None,
    id_: str | None = None,
    links: Iterable[Link] = (),
) -> Collected:
    asset = gcp_asset(
        payload,
        id=id_ or vertex_id(str(payload["name"])),
        account=project.id,
        region=location,
        kind=KINDS[type_],
        type=f"aiplatform.googleapis.com/{type_}",
        name=str(name or payload.get("displayName") or last(str(payload["name"]))),
        attributes=attributes,
    )
    return Collected(asset, tuple(links))


def kms_key(payload: dict[str, Any]) -> str | None:
    return opt(mapping(payload, "encryptionSpec"), "kmsKeyName")


def env_map(env: Any) -> dict[str, str]:
    """Google's ``[{name, value}]`` environment list as a map (valueFrom entries are omitted)."""
    out: dict[str, str] = {}
    for item in env or []:
        if isinstance(item, dict) and item.get("name") and "value" in item:
            out[str(item["name"])] = str(item["value"])
    return out


def container(
    spec: dict[str, Any], location: str, *, name: str, artifact_uri: str | None = None
) -> tuple[dict[str, Any], list[dict[str, str]], dict[str, Any]]:
    """(shared ``containers`` entry, secret hits, the spec with secret values redacted)."""
    clean, hits = redact_env(env_map(spec.get("env")), location)
    redacted = dict(spec)
    if "env" in spec:
        redacted["env"] = [
            {**item, "value": clean[item["name"]]}
            if isinstance(item, dict) and item.get("name") in clean and "value" in item
            else item
            for item in spec["env"] or []
        ]
    entry = {
        "name": name,
        "image": spec.get("imageUri") or spec.get("executorImageUri") or spec.get("image"),
        "environment": clean,
        "artifact_uri": artifact_uri,
    }
    return entry, hits, redacted


def _machine(spec: dict[str, Any]) -> dict[str, Any]:
    machine = spec.get("machineSpec") or {}
    return {
        "machine_type": machine.get("machineType"),
        "accelerator_type": machine.get("acceleratorType"),
        "accelerator_count": int(machine.get("acceleratorCount") or 0),
    }


def to_model(
    payload: dict[str, Any], project: Project, location: str, *, default_version: bool = True
) -> Collected:
    name = str(payload["name"])
    version = str(payload.get("versionId") or "")
    asset_id = vertex_id(name if default_version or not version else f"{name}@{version}")
    artifact = payload.get("artifactUri")
    links: list[Link] = []
    containers: list[dict[str, Any]] = []
    secrets: list[dict[str, str]] = []
    body = dict(payload)
    if payload.get("containerSpec"):
        entry, secrets, body["containerSpec"] = container(
            payload["containerSpec"],
            f"{asset_id}:containerSpec.env",
            name="serving",
            artifact_uri=artifact,
        )
        containers.append(entry)
        links.append(("image", entry["image"]))
    links.append(("bucket", artifact, RelationType.STORES_ARTIFACT_IN))
    if payload.get("trainingPipeline"):
        links.append(
            ("rel", asset_id, RelationType.PRODUCED_BY, vertex_id(payload["trainingPipeline"]))
        )
    if not default_version:
        links.append(("rel", asset_id, RelationType.VERSION_OF, vertex_id(name)))
    source = payload.get("baseModelSource") or {}
    base = (source.get("modelGardenSource") or {}).get("publicModelName") or (
        source.get("genieSource") or {}
    ).get("baseModelUri")
    if base:
        links.append(("rel", asset_id, RelationType.FINE_TUNED_FROM, vertex_id(str(base))))
    attributes: dict[str, Any] = {
        "containers": containers,
        "secrets": secrets,
        **hub_facts([env_map((payload.get("containerSpec") or {}).get("env"))]),
        "kms_key": kms_key(payload),
        "version_id": version or None,
        "version_aliases": list(payload.get("versionAliases") or []),
        "default_version": default_version,
        "source_type": (payload.get("modelSourceInfo") or {}).get("sourceType"),
        "deployed": len(payload.get("deployedModels") or []),
    }
    display = str(payload.get("displayName") or last(name))
    display = display if default_version else f"{display}:{version}"
    return _collected(
        body, project, location, "Model", attributes, name=display, id_=asset_id, links=links
    )


def _https(domain: str | None) -> str | None:
    return f"https://{domain}" if domain else None


def _public_network(payload: dict[str, Any]) -> tuple[bool, bool]:
    """(private service connect, public network) of an endpoint-like resource."""
    psc = bool(
        (payload.get("privateServiceConnectConfig") or {}).get("enablePrivateServiceConnect")
        or payload.get("enablePrivateServiceConnect")
    )
    return psc, not psc and not payload.get("network")


def to_endpoint(payload: dict[str, Any], project: Project, location: str) -> Collected:
    asset_id = vertex_id(str(payload["name"]))
    psc, public = _public_network(payload)
    deployed = []
    links: list[Link] = []
    for dm in payload.get("deployedModels") or []:
        resources = dm.get("dedicatedResources") or dm.get("automaticResources") or {}
        sa = opt(dm, "serviceAccount") or ""
        deployed.append(
            {
                "id": dm.get("id"),
                "model": dm.get("model"),
                "model_version_id": dm.get("modelVersionId"),
                "service_account": sa,
                **_machine(resources),
                "min_replicas": resources.get("minReplicaCount"),
                "max_replicas": resources.get("maxReplicaCount"),
            }
        )
        model = vertex_id(str(dm["model"])) if dm.get("model") else None
        links += [("rel", asset_id, RelationType.SERVES, model), ("sa", sa)]
        if model:  # the deployed model's container runs as this account
            links.append(("sa_for", model, sa))
    dns = opt(payload, "dedicatedEndpointDns") or f"{host(location)}/v1/{payload['name']}:predict"
    logging = payload.get("predictRequestResponseLoggingConfig") or {}
    attributes = {
        "network": payload.get("network") or None,
        "private_service_connect": psc,
        "public_network": public,
        "dedicated_endpoint": bool(payload.get("dedicatedEndpointEnabled")),
        "endpoint_url": f"https://{dns}",
        "authenticated": True,  # prediction always needs an OAuth token with aiplatform access
        "kms_key": kms_key(payload),
        "request_response_logging": bool(logging.get("enabled")),
        "deployed_models": deployed,
    }
    return _collected(payload, project, location, "Endpoint", attributes, links=links)


def _worker_pools(
    pools: Iterable[dict[str, Any]], location: str
) -> tuple[list[dict[str, Any]], list[dict[str, str]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(containers, secret hits, machines, redacted pools) of CustomJobSpec.workerPoolSpecs."""
    containers: list[dict[str, Any]] = []
    hits: list[dict[str, str]] = []
    machines: list[dict[str, Any]] = []
    redacted_pools: list[dict[str, Any]] = []
    for i, pool in enumerate(pools):
        pool = dict(pool)
        machines.append({**_machine(pool), "replicas": int(pool.get("replicaCount") or 0)})
        for key in ("containerSpec", "pythonPackageSpec"):
            if pool.get(key):
                entry, found, pool[key] = container(
                    pool[key], f"{location}:workerPoolSpecs[{i}].{key}.env", name=f"pool-{i}"
                )
                containers.append(entry)
                hits.extend(found)
        redacted_pools.append(pool)
    return containers, hits, machines, redacted_pools


def to_custom_job(payload: dict[str, Any], project: Project, location: str) -> Collected:
    asset_id = vertex_id(str(payload["name"]))
    spec = dict(payload.get("jobSpec") or {})
    containers, secrets, machines, spec["workerPoolSpecs"] = _worker_pools(
        spec.get("workerPoolSpecs") or [], asset_id
    )
    body = {**payload, "jobSpec": spec}
    output = (spec.get("baseOutputDirectory") or {}).get("outputUriPrefix")
    links: list[Link] = [("image", c["image"]) for c in containers]
    links.append(("bucket", output, RelationType.WRITES_DATA_TO))
    links.extend(
        ("bucket", uri, RelationType.READS_DATA_FROM)
        for pool in spec["workerPoolSpecs"]
        for uri in (pool.get("pythonPackageSpec") or {}).get("packageUris") or []
    )
    sa = opt(spec, "serviceAccount") or ""
    links.append(("sa", sa))
    attributes = {
        "job_type": "custom",
        "state": payload.get("state"),
        "containers": containers,
        "secrets": secrets,
        "service_account": sa,
        "network": spec.get("network") or None,
        "vpc": bool(spec.get("network") or spec.get("pscInterfaceConfig")),
        "web_access": bool(spec.get("enableWebAccess")),
        "dashboard_access": bool(spec.get("enableDashboardAccess")),
        "kms_key": kms_key(payload),
        "machines": machines,
        "output_uri": output,
    }
    return _collected(body, project, location, "CustomJob", attributes, links=links)


def to_training_pipeline(payload: dict[str, Any], project: Project, location: str) -> Collected:
    name = str(payload["name"])
    asset_id = vertex_id(name)
    inputs = dict(payload.get("trainingTaskInputs") or {})
    containers, secrets, machines, pools = _worker_pools(
        inputs.get("workerPoolSpecs") or [], asset_id
    )
    if "workerPoolSpecs" in inputs:
        inputs["workerPoolSpecs"] = pools
    body = {**payload, "trainingTaskInputs": inputs}
    links: list[Link] = [("image", c["image"]) for c in containers]
    data = payload.get("inputDataConfig") or {}
    parent = name.split("/trainingPipelines/")[0]
    if data.get("datasetId"):
        dataset = vertex_id(f"{parent}/datasets/{data['datasetId']}")
        links.append(("rel", asset_id, RelationType.READS_DATA_FROM, dataset))
    output = (inputs.get("baseOutputDirectory") or {}).get("outputUriPrefix") or (
        data.get("gcsDestination") or {}
    ).get("outputUriPrefix")
    links.append(("bucket", output, RelationType.WRITES_DATA_TO))
    uploaded = opt(mapping(payload, "modelToUpload"), "name")
    if uploaded or payload.get("modelId"):
        model = uploaded or f"{parent}/models/{payload['modelId']}"
        links.append(("rel", vertex_id(model), RelationType.PRODUCED_BY, asset_id))
    attributes: dict[str, Any] = {
        "job_type": "training-pipeline",
        "state": payload.get("state"),
        "task": last(str(payload.get("trainingTaskDefinition") or "")) or None,
        "containers": containers,
        "secrets": secrets,
        "kms_key": kms_key(payload),
        "machines": machines,
        "output_uri": output,
    }
    if "serviceAccount" in inputs or containers:
        attributes["service_account"] = opt(inputs, "serviceAccount") or ""
        links.append(("sa", attributes["service_account"]))
    if containers:  # only custom training runs customer code where a network matters
        attributes["network"] = inputs.get("network") or None
        attributes["vpc"] = bool(inputs.get("network"))
        attributes["web_access"] = bool(inputs.get("enableWebAccess"))
    return _collected(body, project, location, "TrainingPipeline", attributes, links=links)


def _executors(spec: dict[str, Any], asset_id: str) -> tuple[list[dict[str, Any]], list[Any]]:
    """Containers and secret hits of a compiled KFP pipeline's executors (deploymentSpec)."""
    containers: list[dict[str, Any]] = []
    hits: list[Any] = []
    deployment = spec.get("deploymentSpec") or {}
    for name, executor in sorted((deployment.get("executors") or {}).items()):
        c = (executor or {}).get("container") or {}
        if c.get("image"):
            where = f"{asset_id}:executors.{name}.env"
            entry, found, executor["container"] = container(c, where, name=str(name))
            containers.append(entry)
            hits.extend(found)
    return containers, hits


def to_pipeline_job(payload: dict[str, Any], project: Project, location: str) -> Collected:
    asset_id = vertex_id(str(payload["name"]))
    body = json.loads(json.dumps(payload))  # deep copy: the redaction edits nested executors
    containers, secrets = _executors(body.get("pipelineSpec") or {}, asset_id)
    runtime = body.get("runtimeConfig") or {}
    params = {
        k: (v if isinstance(v, str) else json.dumps(v))
        for k, v in (runtime.get("parameterValues") or {}).items()
    }
    clean, found = redact_env(params, f"{asset_id}:runtimeConfig.parameterValues")
    secrets.extend(found)
    if found:
        runtime["parameterValues"] = {
            k: (clean[k] if clean[k] == "<redacted>" else v)
            for k, v in (runtime.get("parameterValues") or {}).items()
        }
    output = runtime.get("gcsOutputDirectory")
    links: list[Link] = [("image", c["image"]) for c in containers]
    links.append(("bucket", output, RelationType.WRITES_DATA_TO))
    sa = opt(payload, "serviceAccount") or ""
    links.append(("sa", sa))
    attributes = {
        "state": payload.get("state"),
        "service_account": sa,
        "network": payload.get("network") or None,
        "vpc": bool(payload.get("network") or payload.get("pscInterfaceConfig")),
        "kms_key": kms_key(payload),
        "template_uri": payload.get("templateUri"),
        "containers": containers,
        "secrets": secrets,
        "output_uri": output,
    }
    return _collected(body, project, location, "PipelineJob", attributes, links=links)


def _source_uris(value: Any) -> list[str]:
    """Every gs:// or bq:// string inside a free-form metadata struct."""
    if isinstance(value, str):
        return [value] if value.startswith(("gs://", "bq://")) else []
    inner = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [uri for v in inner for uri in _source_uris(v)]


def to_dataset(payload: dict[str, Any], project: Project, location: str) -> Collected:
    sources = _source_uris(payload.get("metadata"))
    attributes = {
        "kms_key": kms_key(payload),
        "schema": last(str(payload.get("metadataSchemaUri") or "")).removesuffix(".yaml") or None,
        "data_item_count": int(payload.get("dataItemCount") or 0),
        "sources": sources,
    }
    links = [("bucket", s, RelationType.READS_DATA_FROM) for s in sources if gcs_bucket_of(s)]
    return _collected(payload, project, location, "Dataset", attributes, links=links)


def to_feature_online_store(payload: dict[str, Any], project: Project, location: str) -> Collected:
    serving = payload.get("dedicatedServingEndpoint") or {}
    optimized = "optimized" in payload
    psc = bool(
        (serving.get("privateServiceConnectConfig") or {}).get("enablePrivateServiceConnect")
    )
    attributes = {
        "serving": "optimized" if optimized else "bigtable",
        "private_service_connect": psc,
        # Bigtable online serving goes through the regional Vertex AI API; Optimized serving
        # has its own public endpoint unless Private Service Connect is configured.
        "public_network": not psc,
        "endpoint_url": _https(opt(serving, "publicEndpointDomainName")),
    }
    return _store(payload, project, location, "FeatureOnlineStore", attributes)


def to_featurestore(payload: dict[str, Any], project: Project, location: str) -> Collected:
    online = payload.get("onlineServingConfig") or {}
    attributes = {
        "online_nodes": int(
            online.get("fixedNodeCount") or (online.get("scaling") or {}).get("minNodeCount") or 0
        ),
    }
    return _store(payload, project, location, "Featurestore", attributes)


def _store(
    payload: dict[str, Any], project: Project, location: str, type_: str, attrs: dict[str, Any]
) -> Collected:
    """A feature store, named by its id (feature stores have no display name)."""
    attrs = {"kms_key": kms_key(payload), **attrs, "state": payload.get("state")}
    name = last(str(payload["name"]))
    return _collected(payload, project, location, type_, attrs, name=name)


def to_index(payload: dict[str, Any], project: Project, location: str) -> Collected:
    metadata = payload.get("metadata") or {}
    contents = metadata.get("contentsDeltaUri")
    attributes = {
        "kms_key": kms_key(payload),
        "vectors": int((payload.get("indexStats") or {}).get("vectorsCount") or 0),
        "dimensions": (metadata.get("config") or {}).get("dimensions"),
        "update_method": payload.get("indexUpdateMethod"),
        "contents_uri": contents,
    }
    links: list[Link] = [("bucket", contents, RelationType.READS_DATA_FROM)]
    return _collected(payload, project, location, "Index", attributes, links=links)


def to_index_endpoint(payload: dict[str, Any], project: Project, location: str) -> Collected:
    asset_id = vertex_id(str(payload["name"]))
    psc, _ = _public_network(payload)
    public = bool(payload.get("publicEndpointEnabled"))
    deployed = [
        {"id": d.get("id"), "index": d.get("index")} for d in payload.get("deployedIndexes") or []
    ]
    links: list[Link] = [
        ("rel", asset_id, RelationType.SERVES, vertex_id(str(d["index"])))
        for d in deployed
        if d.get("index")
    ]
    attributes = {
        "public_network": public,
        "endpoint_url": _https(opt(payload, "publicEndpointDomainName")),
        "network": payload.get("network") or None,
        "private_service_connect": psc,
        "authenticated": True,
        "kms_key": kms_key(payload),
        "deployed_indexes": deployed,
    }
    return _collected(payload, project, location, "IndexEndpoint", attributes, links=links)


def to_tuning_job(payload: dict[str, Any], project: Project, location: str) -> Collected:
    asset_id = vertex_id(str(payload["name"]))
    tuned = payload.get("tunedModel") or {}
    base = payload.get("baseModel")
    spec = payload.get("supervisedTuningSpec") or {}
    links: list[Link] = [
        ("bucket", spec[key], RelationType.READS_DATA_FROM)
        for key in ("trainingDatasetUri", "validationDatasetUri")
        if spec.get(key)
    ]
    if tuned.get("model"):
        model = vertex_id(str(tuned["model"]).split("@", 1)[0])
        links.append(("rel", model, RelationType.PRODUCED_BY, asset_id))
        if base:
            base_id = vertex_id(f"publishers/google/models/{base}")
            links.append(("rel", model, RelationType.FINE_TUNED_FROM, base_id))
    sa = opt(payload, "serviceAccount") or ""
    links.append(("sa", sa))
    attributes: dict[str, Any] = {
        "job_type": "tuning",
        "state": payload.get("state"),
        "base_model": base,
        "tuned_model": tuned.get("model"),
        "tuned_endpoint": tuned.get("endpoint"),
        "service_account": sa,
        "kms_key": kms_key(payload),
        "containers": [],
        "secrets": [],
    }
    name = str(payload.get("tunedModelDisplayName") or last(asset_id))
    return _collected(payload, project, location, "TuningJob", attributes, name=name, links=links)


def _runtime_attributes(payload: dict[str, Any]) -> dict[str, Any]:
    network = payload.get("networkSpec") or {}
    idle = payload.get("idleShutdownConfig") or {}
    machine = payload.get("machineSpec") or {}
    euc = payload.get("eucConfig") or {}
    attributes: dict[str, Any] = {
        "internet_access": bool(network.get("enableInternetAccess")),
        "network": network.get("network") or None,
        "kms_key": kms_key(payload),
        "secure_boot": bool((payload.get("shieldedVmConfig") or {}).get("enableSecureBoot")),
        "idle_shutdown": not idle.get("idleShutdownDisabled", False),
        "idle_timeout": idle.get("idleTimeout"),
        "end_user_credentials": "eucConfig" in payload and not euc.get("eucDisabled"),
        "machine_type": machine.get("machineType"),
        "accelerators": (
            [{"type": machine["acceleratorType"], "count": machine.get("acceleratorCount", 1)}]
            if machine.get("acceleratorType")
            else []
        ),
    }
    if payload.get("serviceAccount"):
        attributes["service_account"] = opt(payload, "serviceAccount")
    return attributes


def to_runtime_template(payload: dict[str, Any], project: Project, location: str) -> Collected:
    return _runtime(payload, project, location, "NotebookRuntimeTemplate", {})


def to_runtime(payload: dict[str, Any], project: Project, location: str) -> Collected:
    more = {
        "runtime_user": payload.get("runtimeUser"),
        "template": (payload.get("notebookRuntimeTemplateRef") or {}).get(
            "notebookRuntimeTemplate"
        ),
        "state": payload.get("runtimeState"),
    }
    return _runtime(payload, project, location, "NotebookRuntime", more)


def _runtime(
    payload: dict[str, Any], project: Project, location: str, type_: str, more: dict[str, Any]
) -> Collected:
    attributes = {**_runtime_attributes(payload), **more}
    links = [("sa", attributes.get("service_account"))]
    return _collected(payload, project, location, type_, attributes, links=links)


def _versions(ctx: ScopeContext, model: Asset) -> None:
    """A model's versions other than its default, each its own asset ``version-of`` the model."""
    default = str(model.attributes.get("version_id") or "")
    name = model.id.removeprefix(f"//{AIPLATFORM}/")
    for version in list_versions(ctx.http, ctx.region, name):
        if str(version.get("versionId") or "") != default:
            collected = to_model(version, ctx.project, ctx.region, default_version=False)
            ctx.add(collected.asset)
            READER.apply(ctx, collected.asset, collected.links)


def _row(collection: str, type_: str, transform: Callable[..., Collected], **more: Any) -> GcpSpec:
    """A Vertex AI family: the collection under ``projects/P/locations/L`` (also its coverage
    label, of the family and of each item), the asset type its transform makes."""
    return row(collection, collection, f"{AIPLATFORM}/{type_}", transform, **more)


READER = GcpReader(
    host=lambda ctx: host(ctx.region),
    collection=lambda ctx: f"/v1/projects/{ctx.project.id}/locations/{ctx.region}",
)

#: Every family read per location, in order (endpoints refer to models, read first).
SPECS: tuple[GcpSpec, ...] = (
    _row("models", "Model", to_model, relate=_versions),
    _row("endpoints", "Endpoint", to_endpoint),
    _row("customJobs", "CustomJob", to_custom_job),
    _row("trainingPipelines", "TrainingPipeline", to_training_pipeline),
    _row("pipelineJobs", "PipelineJob", to_pipeline_job),
    _row("datasets", "Dataset", to_dataset),
    _row("featureOnlineStores", "FeatureOnlineStore", to_feature_online_store),
    _row("featurestores", "Featurestore", to_featurestore),
    _row("indexes", "Index", to_index),
    _row("indexEndpoints", "IndexEndpoint", to_index_endpoint),
    _row("tuningJobs", "TuningJob", to_tuning_job),
    _row("notebookRuntimeTemplates", "NotebookRuntimeTemplate", to_runtime_template),
    _row("notebookRuntimes", "NotebookRuntime", to_runtime),
)

PERMISSIONS: tuple[str, ...] = (
    "aiplatform.locations.list",
    *(f"aiplatform.{spec.result_key}.list" for spec in SPECS),
)


def collect_location(ctx: ScopeContext) -> None:
    """Read every Vertex AI family of one (project, location)."""
    for spec in SPECS:
        run_spec(ctx, spec, READER)
