"""Amazon SageMaker AI: notebooks, models, endpoints, jobs, pipelines, registry, domains, features.

One call of `collect(ctx)` reads one (account, region). Each resource family is a row of the
module's table (`SPECS`, read by aiscan/collectors/spec.py through the AWS binding in
aiscan/collectors/aws/spec.py) and an independent coverage section, and each per-item describe is
its own section, so a denied or malformed read is recorded in coverage without losing the rest.
Monitoring schedules are not assets: they are read once per region into the endpoints' facts.

Facts: aiscan/core/facts/aws.py (`SageMakerNotebookFacts`, `SageMakerEndpointFacts`, ... one
model per ``AWS::SageMaker::*`` type); docs/attributes.md.

Bounds (documented because they are deliberate gaps):

* training, processing, transform, tuning and AutoML jobs and inference experiments: only the
  `MAX_RECENT_JOBS` (500) most recently created of each type are read (``SortBy=CreationTime,
  SortOrder=Descending``). Jobs are immutable history; the newest ones say how the account trains
  today, and older ones would cost one describe each.
* model packages: the `MAX_PACKAGES_PER_GROUP` (100) newest versions of each group, plus the
  unversioned packages.
* tags are read for endpoints, models and notebooks only, at most `MAX_TAGS` (50) each.
* script text, environments, hyper-parameters and pipeline definitions never reach `raw`:
  lifecycle scripts are kept as hashes, environments redacted, a definition as its size.

Request floor (see docs/performance.md): every list asks for 100 items a page; tags come from one
``tag:GetResources`` index per region (100 resources a page, see tagging.py), with one
``ListTags`` per resource only where that is denied; monitoring schedules are read with one
``ListMonitoringSchedules`` for the region (the summaries carry ``EndpointName``) instead of one
call per endpoint; an endpoint config shared by several endpoints, a lifecycle config shared by
notebooks and a job definition shared by monitoring schedules are each described once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from functools import partial
from typing import Any

from aiscan.collectors.aws import organizations, tagging
from aiscan.collectors.aws.assets import aws_asset, without_metadata
from aiscan.collectors.aws.context import ScopeContext, paginate
from aiscan.collectors.aws.iam import as_datetime
from aiscan.collectors.aws.pipeline_definition import pipeline_steps
from aiscan.collectors.aws.spec import AwsSpec, read
from aiscan.collectors.payload import flag, integer, items, mapping, objects, opt, req
from aiscan.collectors.spec import listed
from aiscan.core.model import Asset, AssetKind, RelationType
from aiscan.core.refs import hub_facts
from aiscan.core.sanitize import decode_b64
from aiscan.core.secrets import redact_env, redact_text, scan_text

PERMISSIONS: tuple[str, ...] = tuple(f"sagemaker:{op}" for op in (
    "ListNotebookInstances", "DescribeNotebookInstance", "DescribeNotebookInstanceLifecycleConfig",
    "ListModels", "DescribeModel", "ListEndpoints", "DescribeEndpoint", "DescribeEndpointConfig",
    "ListMonitoringSchedules", "DescribeMonitoringSchedule", "DescribeDataQualityJobDefinition",
    "DescribeModelQualityJobDefinition", "DescribeModelBiasJobDefinition",
    "DescribeModelExplainabilityJobDefinition", "ListTrainingJobs", "DescribeTrainingJob",
    "ListProcessingJobs", "DescribeProcessingJob", "ListTransformJobs", "DescribeTransformJob",
    "ListPipelines", "DescribePipeline", "ListModelPackageGroups", "ListModelPackages",
    "DescribeModelPackage", "ListDomains", "DescribeDomain", "ListFeatureGroups",
    "DescribeFeatureGroup", "ListHyperParameterTuningJobs", "DescribeHyperParameterTuningJob",
    "ListAutoMLJobs", "DescribeAutoMLJobV2", "ListInferenceExperiments",
    "DescribeInferenceExperiment", "ListTags",
))  # fmt: skip

MAX_RECENT_JOBS = 500
MAX_PACKAGES_PER_GROUP = 100
MAX_TAGS = tagging.MAX_TAGS
#: Every SageMaker list operation returns at most 100 items a page and defaults to 10: asking for
#: 100 makes listing 10x cheaper.
PAGE_SIZE = 100
#: Item reads in flight at once inside one (account, region) scope. SageMaker's Describe* calls
#: are throttled per account and region well above this; adaptive retries absorb bursts.
ITEM_WORKERS = 8
#: Resource families read at once (threads that mostly wait on the item pool or a list page).
FAMILIES = 15
#: Resource types whose tags the assets carry (one tag:GetResources index per type and region).
TAGGED_TYPES = ("sagemaker:endpoint", "sagemaker:model", "sagemaker:notebook-instance")

SERVICE = "sagemaker"

#: Asset kind of each SageMaker resource type (``AWS::SageMaker::<key>``).
_KINDS = {
    "NotebookInstance": AssetKind.NOTEBOOK, "Model": AssetKind.MODEL,
    "ModelPackage": AssetKind.MODEL, "ModelPackageGroup": AssetKind.MODEL_REGISTRY,
    "Endpoint": AssetKind.ENDPOINT, "Pipeline": AssetKind.PIPELINE, "Domain": AssetKind.WORKSPACE,
    "FeatureGroup": AssetKind.DATASET,
    # job-like: training-job kind (an inference experiment is a time-boxed run, not a service)
    **dict.fromkeys(("TrainingJob", "ProcessingJob", "TransformJob", "HyperParameterTuningJob",
                     "AutoMLJob", "InferenceExperiment"), AssetKind.TRAINING_JOB),
}  # fmt: skip


def _asset(
    type_: str,
    payload: Mapping[str, Any],
    attributes: dict[str, Any],
    account: str,
    region: str,
    *,
    arn: str | None = None,
    name: str | None = None,
    raw: Mapping[str, Any] | None = None,
    tags: Mapping[str, str] | None = None,
) -> Asset:
    """The asset of type ``AWS::SageMaker::<type_>``, the payload's ``<type_>Arn`` named
    ``<type_>Name`` unless given; raw is the payload (without its response metadata) unless
    given."""
    return aws_asset(
        id=arn or req(payload, f"{type_}Arn"),
        kind=_KINDS[type_],
        service=SERVICE,
        type=f"AWS::SageMaker::{type_}",
        name=name or req(payload, f"{type_}Name"),
        account=account,
        region=region,
        payload=payload,
        attributes=attributes,
        created_at=as_datetime(payload.get("CreationTime")),
        tags=tags,
        raw=raw,
    )


def _env(
    env: Any, location: str, secrets: list[dict[str, str]]
) -> tuple[dict[str, str], Mapping[str, str]]:
    """(redacted env, original env) for one environment map; hits go to `secrets`."""
    if env is None:
        return {}, {}
    if not isinstance(env, Mapping):
        raise TypeError(f"{location} is not an object")
    original = {str(k): str(v) if v is not None else "" for k, v in env.items()}
    clean, hits = redact_env(original, location)
    secrets.extend(hits)
    return clean, original


def _container(
    name: str | None,
    image: str | None,
    environment: dict[str, str],
    artifact_uri: str | None = None,
    repository_access_mode: str | None = None,
    model_package: str | None = None,
) -> dict[str, Any]:
    """One entry of a workload's ``containers``."""
    return {
        "name": name,
        "image": image,
        "environment": environment,
        "artifact_uri": artifact_uri,
        "repository_access_mode": repository_access_mode,
        "model_package": model_package,
    }


def _package_arn(name: str | None, *, account: str, region: str, partition: str) -> str | None:
    """A ModelPackageName as an ARN (a bare name is an unversioned package in this account)."""
    if not name:
        return None
    if name.startswith("arn:"):
        return name
    return f"arn:{partition}:sagemaker:{region}:{account}:model-package/{name.lower()}"


def group_of_package(package_arn: str) -> str | None:
    """The model package group ARN of a versioned package ARN (``model-package/<group>/<n>``)."""
    head, sep, resource = package_arn.partition(":model-package/")
    if not sep:
        return None
    group, slash, version = resource.rpartition("/")
    if not slash or not group or not version.isdigit():
        return None
    return f"{head}:model-package-group/{group}"


def _vpc(payload: Mapping[str, Any]) -> bool:
    return bool(items(mapping(payload, "VpcConfig"), "Subnets"))


# -- pure transforms ------------------------------------------------------------------------------


def lifecycle_facts(payload: Mapping[str, Any]) -> dict[str, Any]:
    """{name, scripts: [{hook, index, sha256}], secrets} of a lifecycle config; no script text."""
    name = req(payload, "NotebookInstanceLifecycleConfigName")
    scripts: list[dict[str, Any]] = []
    secrets: list[dict[str, str]] = []
    for hook in ("OnCreate", "OnStart"):
        for index, item in enumerate(items(payload, hook)):
            content = opt(item, "Content") or ""
            text = decode_b64(content)
            digest = hashlib.sha256(text.encode("utf-8", errors="replace")).hexdigest()
            scripts.append({"hook": hook, "index": index, "sha256": digest})
            secrets.extend(scan_text(text, f"lifecycle-config/{name}/{hook}[{index}]"))
    return {"name": name, "scripts": scripts, "secrets": secrets}


def to_notebook(
    payload: Mapping[str, Any],
    *,
    account: str,
    region: str,
    lifecycle: Mapping[str, Any] | None = None,
    tags: Mapping[str, str] | None = None,
    scp_guardrails: Mapping[str, Any] | None = None,
) -> Asset:
    imds = mapping(payload, "InstanceMetadataServiceConfiguration")
    attrs: dict[str, Any] = {
        "vpc": opt(payload, "SubnetId") is not None,
        "subnet_id": opt(payload, "SubnetId"),
        "security_groups": [str(s) for s in items(payload, "SecurityGroups")],
        "kms_key": opt(payload, "KmsKeyId"),
        # The API default is version 1; older notebooks omit the whole structure.
        "imds_v2_required": opt(imds, "MinimumInstanceMetadataServiceVersion") == "2",
        "instance_type": opt(payload, "InstanceType"),
        "status": opt(payload, "NotebookInstanceStatus"),
        "role_arn": opt(payload, "RoleArn"),
    }
    # absent when the API leaves them out (not guessed)
    for attr, key in (
        ("direct_internet_access", "DirectInternetAccess"),
        ("root_access", "RootAccess"),
    ):
        if (value := opt(payload, key)) is not None:
            attrs[attr] = value == "Enabled"
    if (platform := opt(payload, "PlatformIdentifier")) is not None:
        attrs["platform_identifier"] = platform
    config_name = opt(payload, "NotebookInstanceLifecycleConfigName")
    if config_name is None:
        attrs["secrets"] = []
    elif lifecycle is not None:
        attrs["lifecycle_config"] = {"name": lifecycle["name"], "scripts": lifecycle["scripts"]}
        attrs["secrets"] = list(lifecycle["secrets"])
    if scp_guardrails is not None:
        attrs["scp_guardrails"] = dict(scp_guardrails)
    return _asset("NotebookInstance", payload, attrs, account, region, tags=tags)


def _model_containers(
    containers: list[Any],
    location: str,
    secrets: list[dict[str, str]],
    envs: list[Mapping[str, str]],
    where: Mapping[str, str],
) -> tuple[list[dict[str, Any]], list[Any]]:
    """(container attributes, containers with redacted env for raw); `where` is the account,
    region and partition a bare package name is in."""
    out: list[dict[str, Any]] = []
    raw: list[Any] = []
    for index, c in enumerate(containers):
        if not isinstance(c, Mapping):
            raise TypeError(f"{location}[{index}] is not an object")
        at = f"{location}[{index}]" if len(containers) > 1 else location
        clean, original = _env(c.get("Environment"), f"{at}.Environment", secrets)
        envs.append(original)
        source = mapping(mapping(c, "ModelDataSource"), "S3DataSource")
        package = opt(c, "ModelPackageName")
        out.append(
            _container(
                opt(c, "ContainerHostname") or f"container-{index}",
                opt(c, "Image"),
                clean,
                opt(c, "ModelDataUrl") or opt(source, "S3Uri"),
                opt(mapping(c, "ImageConfig"), "RepositoryAccessMode"),
                _package_arn(package, **where),
            )
        )
        raw.append({**c, "Environment": clean} if "Environment" in c else dict(c))
    return out, raw


def to_model(
    payload: Mapping[str, Any],
    *,
    account: str,
    region: str,
    partition: str = "aws",
    tags: Mapping[str, str] | None = None,
) -> Asset:
    secrets: list[dict[str, str]] = []
    envs: list[Mapping[str, str]] = []
    where = {"account": account, "region": region, "partition": partition}
    primary = mapping(payload, "PrimaryContainer")
    replace: dict[str, Any] = {}
    containers: list[dict[str, Any]] = []
    if primary:
        got, raw = _model_containers([primary], "PrimaryContainer", secrets, envs, where)
        containers += got
        replace["PrimaryContainer"] = raw[0]
    multi = items(payload, "Containers")
    if multi:
        got, raw = _model_containers(multi, "Containers", secrets, envs, where)
        containers += got
        replace["Containers"] = raw
    attrs: dict[str, Any] = {
        "containers": containers,
        "vpc": _vpc(payload),
        "role_arn": opt(payload, "ExecutionRoleArn"),
        "secrets": secrets,
        **hub_facts(envs),
    }
    # The API omits the flag when it is off; a successful describe therefore means False.
    attrs["network_isolation"] = bool(flag(payload, "EnableNetworkIsolation"))
    redacted = without_metadata(payload, **replace)
    return _asset("Model", payload, attrs, account, region, raw=redacted, tags=tags)


def to_model_package(
    payload: Mapping[str, Any], *, account: str, region: str, partition: str = "aws"
) -> Asset:
    arn = req(payload, "ModelPackageArn")
    # A versioned package's name is its group's; the ARN's resource part says which version
    # (`group/3`), written `group:3` as a model version is everywhere in aiscan.
    group, sep, version = arn.split(":model-package/", 1)[-1].rpartition("/")
    name = f"{group}:{version}" if sep else version or req(payload, "ModelPackageName")
    secrets: list[dict[str, str]] = []
    envs: list[Mapping[str, str]] = []
    spec = mapping(payload, "InferenceSpecification")
    where = {"account": account, "region": region, "partition": partition}
    location = "InferenceSpecification.Containers"
    containers, raw_containers = _model_containers(
        items(spec, "Containers"), location, secrets, envs, where
    )
    attrs: dict[str, Any] = {
        "group": opt(payload, "ModelPackageGroupName"),
        "version": integer(payload, "ModelPackageVersion"),
        "containers": containers,
        "secrets": secrets,
        "status": opt(payload, "ModelPackageStatus"),
        **hub_facts(envs),
    }
    approval = opt(payload, "ModelApprovalStatus")
    if approval is not None:
        attrs["approval_status"] = approval
    replace = {"InferenceSpecification": {**spec, "Containers": raw_containers}} if spec else {}
    raw = without_metadata(payload, **replace)
    return _asset("ModelPackage", payload, attrs, account, region, arn=arn, name=name, raw=raw)


def to_model_package_group(payload: Mapping[str, Any], *, account: str, region: str) -> Asset:
    attrs = {"status": opt(payload, "ModelPackageGroupStatus")}
    return _asset("ModelPackageGroup", payload, attrs, account, region)


def _variants(config: Mapping[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for key, shadow in (("ProductionVariants", False), ("ShadowProductionVariants", True)):
        for v in objects(config, key):
            models = [opt(v, "ModelName")]
            models += [opt(p, "ModelNameOverride") for p in items(v, "InstancePools")]
            out.append(
                {
                    "name": opt(v, "VariantName"),
                    "model_name": opt(v, "ModelName"),
                    "model_names": sorted({m for m in models if m}),
                    "instance_type": opt(v, "InstanceType"),
                    "instance_count": integer(v, "InitialInstanceCount"),
                    "serverless": bool(mapping(v, "ServerlessConfig")),
                    "shadow": shadow,
                }
            )
    return out


def to_endpoint(
    payload: Mapping[str, Any],
    config: Mapping[str, Any] | None,
    *,
    account: str,
    region: str,
    monitoring: list[dict[str, Any]] | None = None,
    tags: Mapping[str, str] | None = None,
) -> Asset:
    """An endpoint with its endpoint config (None if it could not be read) and its schedules
    (None if they could not be listed)."""
    name = req(payload, "EndpointName")
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    attrs: dict[str, Any] = {
        "endpoint_url": f"https://runtime.sagemaker.{region}.{suffix}/endpoints/{name}/invocations",
        "authenticated": True,
        "status": opt(payload, "EndpointStatus"),
        "endpoint_config": opt(payload, "EndpointConfigName"),
    }
    raw = without_metadata(payload)
    if config is not None:
        raw["EndpointConfig"] = without_metadata(config)
        capture = mapping(config, "DataCaptureConfig")
        asynchronous = mapping(config, "AsyncInferenceConfig")
        out = mapping(asynchronous, "OutputConfig")
        attrs["variants"] = _variants(config)
        attrs["kms_key"] = opt(config, "KmsKeyId")
        attrs["data_capture"] = {
            "enabled": bool(flag(capture, "EnableCapture")),
            "kms_key": opt(capture, "KmsKeyId"),
            "destination": opt(capture, "DestinationS3Uri"),
        }
        attrs["async_output"] = (
            {"kms_key": opt(out, "KmsKeyId"), "destination": opt(out, "S3OutputPath")}
            if asynchronous
            else None
        )
    if monitoring is not None:
        attrs["monitoring_schedules"] = len(monitoring)
        attrs["monitoring"] = monitoring
    return _asset("Endpoint", payload, attrs, account, region, name=name, raw=raw, tags=tags)


def monitoring_entry(
    summary: Mapping[str, Any],
    schedule: Mapping[str, Any] | None,
    definition: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """One schedule on an endpoint; network facts only where a job definition was read."""
    listed = opt(summary, "MonitoringType")  # checked even where the schedule names the type
    cfg = mapping(schedule, "MonitoringScheduleConfig")
    entry: dict[str, Any] = {
        "name": req(summary, "MonitoringScheduleName"),
        "type": opt(cfg, "MonitoringType") or listed,
        "status": opt(summary, "MonitoringScheduleStatus"),
    }
    # a definition inline in the schedule, or the named one the caller read
    job = mapping(cfg, "MonitoringJobDefinition") or definition or {}
    if job:
        network = mapping(job, "NetworkConfig")
        entry["network_isolation"] = bool(flag(network, "EnableNetworkIsolation"))
        entry["inter_container_encryption"] = bool(
            flag(network, "EnableInterContainerTrafficEncryption")
        )
    return entry


#: Where a channel of a training job's input data names its S3 location.
_S3_DATA = ("DataSource", "S3DataSource", "S3Uri")


def _s3_uris(entries: list[Any], *path: str) -> list[str]:
    """The S3 URI at `path` in each entry that names one."""
    uris = []
    for node in entries:
        for key in path[:-1]:
            node = mapping(node, key)
        uris.append(opt(node, path[-1]))
    return [u for u in uris if u]


def _job_setup(
    payload: Mapping[str, Any],
    network: Mapping[str, Any],
    resources: Mapping[str, Any],
    output: Mapping[str, Any],
) -> dict[str, Any]:
    """The network, instance, key and role facts of a training or processing job, from the
    parts of its payload that hold its network flags (and VpcConfig), instances and output."""
    return {
        "network_isolation": bool(flag(network, "EnableNetworkIsolation")),
        "vpc": _vpc(network),
        "inter_container_encryption": bool(flag(network, "EnableInterContainerTrafficEncryption")),
        "instance_type": opt(resources, "InstanceType"),
        "instance_count": integer(resources, "InstanceCount"),
        "volume_kms_key": opt(resources, "VolumeKmsKeyId"),
        "output_kms_key": opt(output, "KmsKeyId"),
        "role_arn": opt(payload, "RoleArn"),
    }


def to_training_job(payload: Mapping[str, Any], *, account: str, region: str) -> Asset:
    secrets: list[dict[str, str]] = []
    algo = mapping(payload, "AlgorithmSpecification")
    artifacts = opt(mapping(payload, "ModelArtifacts"), "S3ModelArtifacts")
    clean, env = _env(payload.get("Environment"), "Environment", secrets)
    container = _container("job", opt(algo, "TrainingImage"), clean, artifacts)
    hyper, _ = _env(payload.get("HyperParameters"), "HyperParameters", secrets)
    resources = mapping(payload, "ResourceConfig")
    output = mapping(payload, "OutputDataConfig")
    attrs: dict[str, Any] = {
        "job_type": "training",
        "status": opt(payload, "TrainingJobStatus"),
        "containers": [container],
        "secrets": secrets,
        **hub_facts([env]),
        "input_uris": _s3_uris(items(payload, "InputDataConfig"), *_S3_DATA),
        "output_uri": opt(output, "S3OutputPath"),
        "model_artifacts": artifacts,
        **_job_setup(payload, payload, resources, output),
    }
    if not resources:
        # Heterogeneous clusters describe instances in InstanceGroups instead.
        attrs.pop("instance_count")
    raw = without_metadata(payload, Environment=clean, HyperParameters=hyper)
    return _asset("TrainingJob", payload, attrs, account, region, raw=raw)


def _redact_args(app: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(app)
    for key in ("ContainerArguments", "ContainerEntrypoint"):
        if isinstance(out.get(key), list):
            out[key] = [redact_text(str(a)) for a in out[key]]
    return out


def to_processing_job(payload: Mapping[str, Any], *, account: str, region: str) -> Asset:
    secrets: list[dict[str, str]] = []
    app = mapping(payload, "AppSpecification")
    clean, env = _env(payload.get("Environment"), "Environment", secrets)
    container = _container("job", opt(app, "ImageUri"), clean)
    for arg in items(app, "ContainerArguments") + items(app, "ContainerEntrypoint"):
        secrets.extend(scan_text(str(arg), "AppSpecification.ContainerArguments"))
    cluster = mapping(mapping(payload, "ProcessingResources"), "ClusterConfig")
    output = mapping(payload, "ProcessingOutputConfig")
    network = mapping(payload, "NetworkConfig")
    outputs = _s3_uris(items(output, "Outputs"), "S3Output", "S3Uri")
    attrs: dict[str, Any] = {
        "job_type": "processing",
        "status": opt(payload, "ProcessingJobStatus"),
        "containers": [container],
        "secrets": secrets,
        **hub_facts([env]),
        "input_uris": _s3_uris(items(payload, "ProcessingInputs"), "S3Input", "S3Uri"),
        "output_uri": outputs[0] if outputs else None,
        "output_uris": outputs,
        **_job_setup(payload, network, cluster, output),
    }
    raw = without_metadata(payload, Environment=clean, AppSpecification=_redact_args(app))
    return _asset("ProcessingJob", payload, attrs, account, region, raw=raw)


def to_transform_job(payload: Mapping[str, Any], *, account: str, region: str) -> Asset:
    secrets: list[dict[str, str]] = []
    clean, original = _env(payload.get("Environment"), "Environment", secrets)
    resources = mapping(payload, "TransformResources")
    output = mapping(payload, "TransformOutput")
    source = mapping(mapping(mapping(payload, "TransformInput"), "DataSource"), "S3DataSource")
    attrs: dict[str, Any] = {
        "job_type": "transform",
        "status": opt(payload, "TransformJobStatus"),
        "model_name": opt(payload, "ModelName"),
        "environment": clean,
        "secrets": secrets,
        **hub_facts([original]),
        "input_uris": [u for u in (opt(source, "S3Uri"),) if u],
        "output_uri": opt(output, "S3OutputPath"),
        "instance_type": opt(resources, "InstanceType"),
        "instance_count": integer(resources, "InstanceCount"),
        "volume_kms_key": opt(resources, "VolumeKmsKeyId"),
        "output_kms_key": opt(output, "KmsKeyId"),
    }
    raw = without_metadata(payload, Environment=clean)
    return _asset("TransformJob", payload, attrs, account, region, raw=raw)


def to_pipeline(payload: Mapping[str, Any], *, account: str, region: str) -> Asset:
    attrs: dict[str, Any] = {
        "role_arn": opt(payload, "RoleArn"),
        "status": opt(payload, "PipelineStatus"),
    }
    parsed = pipeline_steps(payload.get("PipelineDefinition"))
    if parsed is not None:
        steps, step_envs = parsed
        secrets: list[dict[str, str]] = []
        containers: list[dict[str, Any]] = []
        originals: list[Mapping[str, str]] = []
        for step, env in zip(steps, step_envs, strict=True):
            clean, original = _env(env, f"step/{step['name']}.Environment", secrets)
            originals.append(original)
            containers += [_container(step["name"], image, clean) for image in step["images"]]
        attrs.update(
            {"steps": steps, "containers": containers, "secrets": secrets, **hub_facts(originals)}
        )
    # The definition can carry secrets in step environments; keep only its size in raw.
    definition = payload.get("PipelineDefinition")
    raw = without_metadata(
        payload,
        PipelineDefinition=f"<{len(definition) if isinstance(definition, str) else 0} chars>",
    )
    return _asset("Pipeline", payload, attrs, account, region, raw=raw)


def to_domain(payload: Mapping[str, Any], *, account: str, region: str) -> Asset:
    attrs: dict[str, Any] = {
        "kms_key": opt(payload, "KmsKeyId"),
        "vpc_id": opt(payload, "VpcId"),
        "vpc": opt(payload, "VpcId") is not None and bool(items(payload, "SubnetIds")),
        "auth_mode": opt(payload, "AuthMode"),
        "role_arn": opt(mapping(payload, "DefaultUserSettings"), "ExecutionRole"),
        "space_role_arn": opt(mapping(payload, "DefaultSpaceSettings"), "ExecutionRole"),
        "status": opt(payload, "Status"),
    }
    # The API default is PublicInternetOnly; it is always returned, but not guessed if missing.
    access = opt(payload, "AppNetworkAccessType")
    if access is not None:
        attrs["app_network_access_type"] = access
    name = opt(payload, "DomainName") or req(payload, "DomainId")
    return _asset("Domain", payload, attrs, account, region, name=name)


def to_feature_group(payload: Mapping[str, Any], *, account: str, region: str) -> Asset:
    offline = mapping(payload, "OfflineStoreConfig")
    s3 = mapping(offline, "S3StorageConfig")
    online = mapping(payload, "OnlineStoreConfig")
    attrs: dict[str, Any] = {
        "offline_store": {
            "enabled": bool(offline),
            "kms_key": opt(s3, "KmsKeyId"),
            "s3_uri": opt(s3, "ResolvedOutputS3Uri") or opt(s3, "S3Uri"),
        },
        "online_store": {
            "enabled": bool(flag(online, "EnableOnlineStore")),
            "kms_key": opt(mapping(online, "SecurityConfig"), "KmsKeyId"),
            "storage_type": opt(online, "StorageType") or ("Standard" if online else None),
        },
        "role_arn": opt(payload, "RoleArn"),
        "status": opt(payload, "FeatureGroupStatus"),
    }
    return _asset("FeatureGroup", payload, attrs, account, region)


def _redacted_definition(definition: Mapping[str, Any]) -> dict[str, Any]:
    """A training job definition for raw: environment and static hyper-parameters redacted."""
    out = dict(definition)
    for key in ("Environment", "StaticHyperParameters"):
        if key in out:
            out[key], _ = _env(out[key], key, [])
    return out


def _definitions(payload: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    single = mapping(payload, "TrainingJobDefinition")
    found = ([single] if single else []) + objects(payload, "TrainingJobDefinitions")
    if not found:
        raise TypeError("the tuning job has no training job definition")
    return found


def _all_keys(
    defs: list[Mapping[str, Any]], pick: Callable[[Mapping[str, Any]], str | None]
) -> str | None:
    """The key every definition names (the first), or None if one names none."""
    keys = [pick(d) for d in defs]
    return keys[0] if all(keys) else None


def to_tuning_job(payload: Mapping[str, Any], *, account: str, region: str) -> Asset:
    """A hyper-parameter tuning job: the settings of its training job definition(s); where a job
    has several, a setting holds only if every definition has it."""
    defs = _definitions(payload)

    def resources(d: Mapping[str, Any]) -> Mapping[str, Any]:
        return mapping(d, "ResourceConfig") or mapping(d, "HyperParameterTuningResourceConfig")

    counts = [c for c in (integer(resources(d), "InstanceCount") for d in defs) if c is not None]
    roles = [r for r in (opt(d, "RoleArn") for d in defs) if r]
    images = {opt(mapping(d, "AlgorithmSpecification"), "TrainingImage") for d in defs}
    inputs = {u for d in defs for u in _s3_uris(items(d, "InputDataConfig"), *_S3_DATA)}
    attrs: dict[str, Any] = {
        "job_type": "tuning",
        "status": opt(payload, "HyperParameterTuningJobStatus"),
        "strategy": opt(mapping(payload, "HyperParameterTuningJobConfig"), "Strategy"),
        "definitions": len(defs),
        "images": sorted(i for i in images if i),
        "input_uris": sorted(inputs),
        "output_uri": opt(mapping(defs[0], "OutputDataConfig"), "S3OutputPath"),
        "network_isolation": all(bool(flag(d, "EnableNetworkIsolation")) for d in defs),
        "vpc": all(_vpc(d) for d in defs),
        "inter_container_encryption": all(
            bool(flag(d, "EnableInterContainerTrafficEncryption")) for d in defs
        ),
        "instance_type": opt(resources(defs[0]), "InstanceType"),
        "instance_count": max(counts) if counts else None,
        "volume_kms_key": _all_keys(defs, lambda d: opt(resources(d), "VolumeKmsKeyId")),
        "output_kms_key": _all_keys(
            defs, lambda d: opt(mapping(d, "OutputDataConfig"), "KmsKeyId")
        ),
        "role_arn": roles[0] if roles else None,
        "role_arns": sorted(set(roles)),
    }
    # (without_metadata replaces only what the payload has)
    single = _redacted_definition(mapping(payload, "TrainingJobDefinition"))
    many = [_redacted_definition(d) for d in items(payload, "TrainingJobDefinitions")]
    raw = without_metadata(payload, TrainingJobDefinition=single, TrainingJobDefinitions=many)
    return _asset("HyperParameterTuningJob", payload, attrs, account, region, raw=raw)


def to_automl_job(payload: Mapping[str, Any], *, account: str, region: str) -> Asset:
    """An AutoML job (DescribeAutoMLJobV2): the security settings of the jobs it launches."""
    security = mapping(payload, "SecurityConfig")
    output = mapping(payload, "OutputDataConfig")
    attrs: dict[str, Any] = {
        "job_type": "automl",
        "status": opt(payload, "AutoMLJobStatus"),
        "problem_type": opt(payload, "AutoMLProblemTypeConfigName"),
        "input_uris": _s3_uris(items(payload, "AutoMLJobInputDataConfig"), *_S3_DATA),
        "output_uri": opt(output, "S3OutputPath"),
        "vpc": _vpc(security),
        "inter_container_encryption": bool(flag(security, "EnableInterContainerTrafficEncryption")),
        "volume_kms_key": opt(security, "VolumeKmsKeyId"),
        "output_kms_key": opt(output, "KmsKeyId"),
        "role_arn": opt(payload, "RoleArn"),
    }
    return _asset("AutoMLJob", payload, attrs, account, region)


def to_inference_experiment(payload: Mapping[str, Any], *, account: str, region: str) -> Asset:
    """An inference experiment (a shadow test on an endpoint); kind training-job, since it is a
    time-boxed run, not a place that answers requests."""
    storage = mapping(payload, "DataStorageConfig")
    variants = objects(payload, "ModelVariants")
    shadow = mapping(payload, "ShadowModeConfig")
    attrs: dict[str, Any] = {
        "experiment_type": opt(payload, "Type"),
        "status": opt(payload, "Status"),
        "endpoint_name": opt(mapping(payload, "EndpointMetadata"), "EndpointName"),
        "model_names": sorted({m for m in (opt(v, "ModelName") for v in variants) if m}),
        "shadow_source_variant": opt(shadow, "SourceModelVariantName"),
        "kms_key": opt(payload, "KmsKey"),
        "data_storage": (
            {"destination": opt(storage, "Destination"), "kms_key": opt(storage, "KmsKey")}
            if storage
            else None
        ),
        "role_arn": opt(payload, "RoleArn"),
    }
    arn, name = req(payload, "Arn"), req(payload, "Name")
    return _asset("InferenceExperiment", payload, attrs, account, region, arn=arn, name=name)


# -- collection: list, describe, transform, relate ------------------------------------------------


def _relate(ctx: ScopeContext, asset: Asset, models: Mapping[str, Asset] | None = None) -> None:
    """The relations an asset's facts name: the roles it runs as (``role_arn``, a tuning job's
    ``role_arns``, a domain's space role, a pipeline's step roles), the images it pulls, the
    buckets it reads (``input_uris``) and writes (outputs, offline store, captured data), a model's
    artifacts and registry group, and the models (`models`, by name) it serves or uses."""
    a, id_ = asset.attributes, asset.id
    containers = a.get("containers") or []
    roles = a.get("role_arns") or [a.get("role_arn")]
    for role in [*roles, a.get("space_role_arn"), *(s["role_arn"] for s in a.get("steps") or [])]:
        ctx.use_role(id_, role)
    for image in a.get("images") or [c.get("image") for c in containers]:
        ctx.use_image(id_, image)
    if asset.kind is AssetKind.MODEL:  # a job's container artifact is its output, not its model
        ctx.relate(id_, RelationType.MEMBER_OF, group_of_package(id_))
        for c in containers:
            ctx.use_bucket(id_, c.get("artifact_uri"), RelationType.STORES_ARTIFACT_IN)
            ctx.relate(id_, RelationType.MEMBER_OF, group_of_package(c.get("model_package") or ""))
    for uri in a.get("input_uris") or []:
        ctx.use_bucket(id_, uri, RelationType.READS_DATA_FROM)
    capture = a.get("data_capture") or {}
    writes = [
        *(a.get("output_uris") or [a.get("output_uri")]),
        (a.get("offline_store") or {}).get("s3_uri"),
        (a.get("data_storage") or {}).get("destination"),
        (a.get("async_output") or {}).get("destination"),
        capture.get("destination") if capture.get("enabled") else None,
    ]
    for uri in writes:
        ctx.use_bucket(id_, uri, RelationType.WRITES_DATA_TO)
    if models is None:
        return
    for variant in a.get("variants") or []:
        for name in variant["model_names"]:
            ctx.relate(id_, RelationType.SERVES, _model_arn(ctx, models, name))
    used = a.get("model_names") or [a.get("model_name")]
    for name in (n for n in used if n):
        ctx.relate(id_, RelationType.USES_MODEL, _model_arn(ctx, models, name))


def _model_arn(ctx: ScopeContext, models: Mapping[str, Asset], name: str) -> str:
    known = models.get(name)
    # SageMaker lowercases resource names in ARNs.
    return known.id if known is not None else ctx.arn("sagemaker", f"model/{name.lower()}")


def _link_produced_by(
    ctx: ScopeContext, models: Mapping[str, Asset], training: Mapping[str, Asset]
) -> None:
    """A model whose artifact lies under a training job's output was produced by that job."""
    artifacts = {
        a.attributes["model_artifacts"]: a.id
        for a in training.values()
        if a.attributes.get("model_artifacts")
    }
    if not artifacts:
        return
    for model in models.values():
        for c in model.attributes.get("containers") or []:
            uri = c.get("artifact_uri")
            for prefix, job_arn in artifacts.items():
                if uri and uri.startswith(prefix):
                    ctx.relate(model.id, RelationType.PRODUCED_BY, job_arn)


def _tags(ctx: ScopeContext, type_: str, arn: str) -> dict[str, str]:
    """Tags of an endpoint, model or notebook (see tagging.py), per resource only where the
    region's index is denied."""
    client = ctx.client(SERVICE)

    def per_resource(one: str) -> dict[str, str]:
        answer = client.list_tags(ResourceArn=one, MaxResults=MAX_TAGS)
        return tagging.bounded_tags(answer.get("Tags"))

    return tagging.tags_of(ctx, type_, arn, per_resource)


def _shared(
    ctx: ScopeContext,
    label: str,
    operation: str,
    parameter: str,
    name: str | None,
    then: Callable[[Mapping[str, Any]], dict[str, Any]] = dict,
) -> dict[str, Any] | None:
    """A describe shared by several items (a lifecycle config, an endpoint config, a monitoring
    job definition), read once per scope as its own coverage section: `then` of the answer (None
    if `name` is unset or the read failed)."""
    if not name:
        return None
    call = getattr(ctx.client(SERVICE), operation)

    def describe() -> dict[str, Any]:
        return then(call(**{parameter: name}))

    return ctx.once((operation, name), ctx.section, f"{label} {name}", describe)


#: The describe of each monitoring type's job definition.
_JOB_DEFINITION_CALLS = {
    "DataQuality": "describe_data_quality_job_definition",
    "ModelQuality": "describe_model_quality_job_definition",
    "ModelBias": "describe_model_bias_job_definition",
    "ModelExplainability": "describe_model_explainability_job_definition",
}


def _model_inputs(ctx: ScopeContext, name: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    tags = _tags(ctx, "sagemaker:model", req(payload, "ModelArn"))
    return {"partition": ctx.partition, "tags": tags}


def _notebook_inputs(ctx: ScopeContext, name: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Its tags, its lifecycle config (read once per config, None if unreadable) and the
    account's SCP guardrails (read once per account, noted once per scope)."""
    tags = _tags(ctx, "sagemaker:notebook-instance", req(payload, "NotebookInstanceArn"))
    key = "NotebookInstanceLifecycleConfigName"  # the describe's parameter too
    describe = "describe_notebook_instance_lifecycle_config"
    lifecycle = _shared(ctx, "lifecycle config", describe, key, opt(payload, key), lifecycle_facts)
    scps = ctx.once(("scp guardrails",), organizations.guardrails, ctx)
    return {"lifecycle": lifecycle, "tags": tags, "scp_guardrails": scps}


def _package_inputs(ctx: ScopeContext, arn: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    return {"partition": ctx.partition}


def _endpoint_inputs(
    schedules: Mapping[str, list[dict[str, Any]]] | None,
    ctx: ScopeContext,
    name: str,
    payload: Mapping[str, Any],
) -> dict[str, Any]:
    """The endpoint config (read once per config, None if unreadable), the schedules watching
    the endpoint (None if they could not be listed) and its tags."""
    key = "EndpointConfigName"  # the describe's parameter too
    config = _shared(ctx, "endpoint config", "describe_endpoint_config", key, opt(payload, key))
    arn = req(payload, "EndpointArn")
    monitoring = None if schedules is None else list(schedules.get(name, []))
    tags = _tags(ctx, "sagemaker:endpoint", arn)
    return {"config": config, "monitoring": monitoring, "tags": tags}


def _family(family: str, type_: str, list_key: str, **row: Any) -> AwsSpec:
    """A SageMaker row of ``AWS::SageMaker::<type_>``: ``list_<type>s`` / ``describe_<type>``
    (snake case) with the item's ``<type_>Name`` as the id; `row` names any other."""
    noun = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", type_).lower()
    id_key = row.pop("id_key", f"{type_}Name")
    return AwsSpec(
        family=family,
        item=row.pop("item", family.removesuffix("s")),
        service=SERVICE,
        resource_type=f"AWS::SageMaker::{type_}",
        list_operation=row.pop("list_operation", f"list_{noun}s"),
        result_key=list_key,
        id_key=id_key,
        describe_operation=row.pop("describe_operation", f"describe_{noun}"),
        id_parameter=row.pop("id_parameter", id_key),
        page_size=PAGE_SIZE,
        **row,
    )


#: Newest first, at most MAX_RECENT_JOBS: jobs are immutable history (see the module docstring).
_NEWEST = {"SortBy": "CreationTime", "SortOrder": "Descending"}
_RECENT: dict[str, Any] = {"list_parameters": _NEWEST, "limit": MAX_RECENT_JOBS}

# fmt: off
NOTEBOOKS = _family("notebook instances", "NotebookInstance", "NotebookInstances",
                    transform=to_notebook, inputs=_notebook_inputs, relate=_relate,
                    listed=partial(tagging.prefetch, "sagemaker:notebook-instance"))
MODELS = _family("models", "Model", "Models", transform=to_model, inputs=_model_inputs,
                 relate=_relate, listed=partial(tagging.prefetch, "sagemaker:model"))
#: ListModelPackages without a group answers the unversioned packages
UNVERSIONED_PACKAGES = _family("unversioned model packages", "ModelPackage",
                               "ModelPackageSummaryList", item="model package",
                               id_key="ModelPackageArn", id_parameter="ModelPackageName",
                               transform=to_model_package, inputs=_package_inputs,
                               relate=_relate)
#: a group's packages, newest first, at most MAX_PACKAGES_PER_GROUP (listed per group)
GROUP_PACKAGES = replace(UNVERSIONED_PACKAGES, family="model packages", list_parameters=_NEWEST,
                         limit=MAX_PACKAGES_PER_GROUP)
#: the group listing is the whole group (nothing to describe)
PACKAGE_GROUPS = _family("model package groups", "ModelPackageGroup",
                         "ModelPackageGroupSummaryList", describe_operation="",
                         transform=to_model_package_group, children=GROUP_PACKAGES,
                         child_parameter="ModelPackageGroupName")
#: inputs and relate are bound to the region's schedules and models when the scope is read (see
#: `collect`), as are the relations of transform jobs and inference experiments
ENDPOINTS = _family("endpoints", "Endpoint", "Endpoints", transform=to_endpoint, relate=_relate,
                    listed=partial(tagging.prefetch, "sagemaker:endpoint"))
TRAINING_JOBS = _family("training jobs", "TrainingJob", "TrainingJobSummaries",
                        transform=to_training_job, relate=_relate, **_RECENT)
PROCESSING_JOBS = _family("processing jobs", "ProcessingJob", "ProcessingJobSummaries",
                          transform=to_processing_job, relate=_relate, **_RECENT)
TRANSFORM_JOBS = _family("transform jobs", "TransformJob", "TransformJobSummaries",
                         transform=to_transform_job, relate=_relate, **_RECENT)
TUNING_JOBS = _family("hyper-parameter tuning jobs", "HyperParameterTuningJob",
                      "HyperParameterTuningJobSummaries", transform=to_tuning_job,
                      relate=_relate, **_RECENT)
AUTOML_JOBS = _family("AutoML jobs", "AutoMLJob", "AutoMLJobSummaries",
                      describe_operation="describe_auto_ml_job_v2", transform=to_automl_job,
                      relate=_relate, **_RECENT)
INFERENCE_EXPERIMENTS = _family("inference experiments", "InferenceExperiment",
                                "InferenceExperiments", id_key="Name",
                                transform=to_inference_experiment, relate=_relate, **_RECENT)
PIPELINES = _family("pipelines", "Pipeline", "PipelineSummaries", transform=to_pipeline,
                    relate=_relate)
DOMAINS = _family("domains", "Domain", "Domains", id_key="DomainId", transform=to_domain,
                  relate=_relate)
FEATURE_GROUPS = _family("feature groups", "FeatureGroup", "FeatureGroupSummaries",
                         transform=to_feature_group, relate=_relate)
# fmt: on

#: Every table row of the module (the permissions test checks their operations are declared).
SPECS = (
    NOTEBOOKS, MODELS, UNVERSIONED_PACKAGES, GROUP_PACKAGES, PACKAGE_GROUPS, ENDPOINTS,
    TRAINING_JOBS, PROCESSING_JOBS, TRANSFORM_JOBS, TUNING_JOBS, AUTOML_JOBS,
    INFERENCE_EXPERIMENTS, PIPELINES, DOMAINS, FEATURE_GROUPS,
)  # fmt: skip
#: Rows whose relations name no model (no other family waits for them).
INDEPENDENT = (
    NOTEBOOKS, PACKAGE_GROUPS, UNVERSIONED_PACKAGES, PIPELINES, DOMAINS, FEATURE_GROUPS,
    TUNING_JOBS, AUTOML_JOBS,
)  # fmt: skip


def collect(ctx: ScopeContext) -> None:
    """The resource families are independent reads, so they run concurrently (each from its own
    thread: its list pages overlap the others' describes) while their per-item reads share the
    scope's pool of `ITEM_WORKERS`; endpoints, transform jobs and inference experiments wait for
    models (they name them), and the produced-by links for models and training jobs."""
    ctx.item_workers = ITEM_WORKERS
    with (
        ctx.item_pool(),
        ThreadPoolExecutor(max_workers=FAMILIES, thread_name_prefix="aiscan-sagemaker") as pool,
    ):

        def table(spec: AwsSpec) -> Future[dict[str, Asset] | None]:
            return pool.submit(read, ctx, spec)

        models_read = table(MODELS)
        schedules_read = pool.submit(ctx.section, "monitoring schedules", _schedules, ctx)
        independent = [table(spec) for spec in INDEPENDENT]
        models: dict[str, Asset] = models_read.result() or {}
        naming = partial(_relate, models=models)
        inputs = partial(_endpoint_inputs, schedules_read.result())
        independent.append(table(replace(ENDPOINTS, inputs=inputs, relate=naming)))
        jobs = [
            table(TRAINING_JOBS),
            table(PROCESSING_JOBS),
            table(replace(TRANSFORM_JOBS, relate=naming)),
            table(replace(INFERENCE_EXPERIMENTS, relate=naming)),
        ]
        training = jobs[0].result() or {}
        for done in jobs + independent:
            done.result()
        _link_produced_by(ctx, models, training)
    tagging.settle(ctx, TAGGED_TYPES)


def _schedules(ctx: ScopeContext) -> dict[str, list[dict[str, Any]]] | None:
    """Monitoring schedules by endpoint name (one listing for the region)."""
    client = ctx.client(SERVICE)
    page = {"PageSize": PAGE_SIZE}
    pages = paginate(
        client, "list_monitoring_schedules", "MonitoringScheduleSummaries", PaginationConfig=page
    )
    summaries = dict(listed(ctx, "monitoring schedule", pages, "MonitoringScheduleName"))
    read = ctx.each("monitoring schedule", _one_schedule, summaries, ctx, client, summaries)
    if any(one is None for one in read):
        # A malformed schedule leaves every endpoint's monitoring unknown (absent), as a
        # failure of the whole listing would, rather than silently undercounted.
        return None
    by_endpoint: dict[str, list[dict[str, Any]]] = {}
    for endpoint, entry in (one for one in read if one is not None):
        if endpoint and entry is not None:
            by_endpoint.setdefault(endpoint, []).append(entry)
    return by_endpoint


def _one_schedule(
    ctx: ScopeContext, client: Any, summaries: Mapping[str, dict[str, Any]], name: str
) -> tuple[str | None, dict[str, Any] | None]:
    """(endpoint name, monitoring entry) of one schedule; the entry is None if unreadable. A
    schedule that cannot be described still counts, from its summary."""
    summary = summaries[name]
    label = f"monitoring schedule {name}"
    schedule = ctx.section(label, client.describe_monitoring_schedule, MonitoringScheduleName=name)
    cfg = mapping(schedule, "MonitoringScheduleConfig")
    def_name = opt(cfg, "MonitoringJobDefinitionName") or opt(
        summary, "MonitoringJobDefinitionName"
    )
    def_type = opt(cfg, "MonitoringType") or opt(summary, "MonitoringType")
    definition = None
    if not mapping(cfg, "MonitoringJobDefinition") and def_type in _JOB_DEFINITION_CALLS:
        describe = _JOB_DEFINITION_CALLS[def_type]
        kind = "monitoring job definition"
        definition = _shared(ctx, kind, describe, "JobDefinitionName", def_name)
    endpoint = opt(summary, "EndpointName") or opt(schedule, "EndpointName")
    return endpoint, ctx.section(label, monitoring_entry, summary, schedule, definition)
