"""Amazon SageMaker AI: notebooks, models, endpoints, jobs, pipelines, registry, domains, features.

One call of `collect(ctx)` reads one (account, region). Each resource family is an independent
section, and each per-item describe is its own section, so a denied or malformed read is recorded
in coverage without losing the rest.

Bounds (documented because they are deliberate gaps):

* training, processing, transform, tuning and AutoML jobs and inference experiments: only the
  `MAX_RECENT_JOBS` (500) most recently created of each type are read (``SortBy=CreationTime,
  SortOrder=Descending``). Jobs are immutable history; the newest ones say how the account trains
  today, and older ones would cost one describe each.
* model packages: the `MAX_PACKAGES_PER_GROUP` (100) newest versions of each group, plus the
  unversioned packages.
* tags are read for endpoints, models and notebooks only, at most `MAX_TAGS` (50) each.

Request floor (see docs/performance.md): every list asks for 100 items a page; tags come from one
``tag:GetResources`` index per region (100 resources a page, see tagging.py), with one
``ListTags`` per resource only where that is denied; monitoring schedules are read with one
``ListMonitoringSchedules`` for the region (the summaries carry ``EndpointName``) instead of one
call per endpoint; an endpoint config shared by several endpoints, a lifecycle config shared by
notebooks and a job definition shared by monitoring schedules are each described once.

Service-specific attributes (the shared ones are in docs/attributes.md):

notebook (AWS::SageMaker::NotebookInstance)
    ``direct_internet_access`` bool, ``root_access`` bool, ``vpc`` bool, ``subnet_id``,
    ``security_groups``, ``kms_key``, ``platform_identifier`` str, ``imds_v2_required`` bool (an
    absent ``InstanceMetadataServiceConfiguration`` means the API default, version 1, so False),
    ``instance_type``, ``status``, ``role_arn``, ``lifecycle_config`` ``{name, scripts: [{hook,
    index, sha256}]}`` (never the script text; absent if the config could not be read),
    ``secrets`` (hits in the lifecycle scripts), ``scp_guardrails`` (organizations.py).
model (AWS::SageMaker::Model)
    ``containers``, ``network_isolation``, ``vpc``, ``role_arn``, ``secrets``, ``hub_model``
    ``{repo_id, revision, pinned, variable}`` or None, ``trust_remote_code`` (the variable that
    enables remote code, or None).
model (AWS::SageMaker::ModelPackage)
    ``approval_status`` (``Approved``/``Rejected``/``PendingManualApproval``), ``group``,
    ``version``, ``containers``, ``secrets``, ``hub_model``, ``trust_remote_code``.
model-registry (AWS::SageMaker::ModelPackageGroup)
    ``status``.
endpoint (AWS::SageMaker::Endpoint)
    ``endpoint_url``, ``authenticated`` (always True: SigV4), ``status``, ``endpoint_config``,
    ``variants`` ``[{name, model_name, instance_type, instance_count, serverless, shadow}]``,
    ``kms_key``, ``data_capture`` ``{enabled, kms_key, destination}``, ``async_output``
    ``{kms_key, destination}`` or None, ``monitoring_schedules`` int, ``monitoring``
    ``[{name, type, status, network_isolation, inter_container_encryption}]`` (the last two only
    where the schedule's job definition could be read).
training-job (AWS::SageMaker::TrainingJob / ProcessingJob / TransformJob)
    ``job_type`` (``training``/``processing``/``transform``), ``status``, ``containers``,
    ``secrets``, ``hub_model``, ``trust_remote_code``, ``input_uris``, ``output_uri``,
    ``network_isolation``, ``vpc``, ``inter_container_encryption``, ``instance_type``,
    ``instance_count``, ``volume_kms_key``, ``output_kms_key``, ``role_arn``, ``model_artifacts``
    (training), ``model_name`` (transform).
pipeline (AWS::SageMaker::Pipeline)
    ``role_arn``, ``steps`` ``[{name, type, images, role_arn}]`` (absent if the definition did not
    parse), ``containers`` (one per step image), ``secrets``.
workspace (AWS::SageMaker::Domain)
    ``app_network_access_type``, ``kms_key``, ``vpc``, ``vpc_id``, ``auth_mode``, ``role_arn``
    (default user execution role), ``space_role_arn``, ``status``.
dataset (AWS::SageMaker::FeatureGroup)
    ``offline_store`` ``{enabled, kms_key, s3_uri}``, ``online_store`` ``{enabled, kms_key,
    storage_type}``, ``role_arn``, ``status``.
training-job (AWS::SageMaker::HyperParameterTuningJob)
    ``job_type`` (``tuning``), ``status``, ``strategy``, ``definitions`` (how many training job
    definitions), ``images``, ``input_uris``, ``output_uri``, ``network_isolation``, ``vpc``,
    ``inter_container_encryption`` (each True only if every definition has it),
    ``instance_type``, ``instance_count`` (the largest), ``volume_kms_key`` and
    ``output_kms_key`` (None if a definition has none), ``role_arn``, ``role_arns``. Environments
    and static hyper-parameters are redacted in raw.
training-job (AWS::SageMaker::AutoMLJob, read with DescribeAutoMLJobV2)
    ``job_type`` (``automl``), ``status``, ``problem_type``, ``input_uris``, ``output_uri``,
    ``vpc``, ``inter_container_encryption``, ``volume_kms_key``, ``output_kms_key``,
    ``role_arn``.
training-job (AWS::SageMaker::InferenceExperiment)
    ``experiment_type``, ``status``, ``endpoint_name``, ``model_names``,
    ``shadow_source_variant``, ``kms_key`` (instance storage), ``data_storage``
    ``{destination, kms_key}`` or None (nothing captured), ``role_arn``.

Plain list/describe families are rows of the module's table (`SPECS`, read by
aiscan/collectors/spec.py through the AWS binding in aiscan/collectors/aws/spec.py); tuning, AutoML
and inference-experiment jobs are bounded like the other jobs (`MAX_RECENT_JOBS` newest).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from functools import partial
from itertools import islice
from typing import Any

from aiscan.collectors.aws import organizations, tagging
from aiscan.collectors.aws.context import ScopeContext, paginate
from aiscan.collectors.aws.iam import as_datetime
from aiscan.collectors.aws.spec import AwsSpec, read
from aiscan.collectors.spec import listed
from aiscan.core.model import Asset, AssetKind, Cloud, RelationType
from aiscan.core.refs import hub_facts
from aiscan.core.sanitize import bounded, decode_b64
from aiscan.core.secrets import redact_env, redact_text, scan_text

PERMISSIONS: tuple[str, ...] = tuple(
    f"sagemaker:{op}"
    for op in (
        "ListNotebookInstances",
        "DescribeNotebookInstance",
        "DescribeNotebookInstanceLifecycleConfig",
        "ListModels",
        "DescribeModel",
        "ListEndpoints",
        "DescribeEndpoint",
        "DescribeEndpointConfig",
        "ListMonitoringSchedules",
        "DescribeMonitoringSchedule",
        "DescribeDataQualityJobDefinition",
        "DescribeModelQualityJobDefinition",
        "DescribeModelBiasJobDefinition",
        "DescribeModelExplainabilityJobDefinition",
        "ListTrainingJobs",
        "DescribeTrainingJob",
        "ListProcessingJobs",
        "DescribeProcessingJob",
        "ListTransformJobs",
        "DescribeTransformJob",
        "ListPipelines",
        "DescribePipeline",
        "ListModelPackageGroups",
        "ListModelPackages",
        "DescribeModelPackage",
        "ListDomains",
        "DescribeDomain",
        "ListFeatureGroups",
        "DescribeFeatureGroup",
        "ListHyperParameterTuningJobs",
        "DescribeHyperParameterTuningJob",
        "ListAutoMLJobs",
        "DescribeAutoMLJobV2",
        "ListInferenceExperiments",
        "DescribeInferenceExperiment",
        "ListTags",
    )
)

MAX_RECENT_JOBS = 500
MAX_PACKAGES_PER_GROUP = 100
MAX_TAGS = tagging.MAX_TAGS
#: Every SageMaker list operation returns at most 100 items a page and defaults to 10: asking for
#: 100 makes listing 10x cheaper.
PAGE_SIZE = 100
PAGE = {"PageSize": PAGE_SIZE}
#: Item reads in flight at once inside one (account, region) scope. SageMaker's Describe* calls
#: are throttled per account and region well above this; adaptive retries absorb bursts.
ITEM_WORKERS = 8
#: Resource families read at once (threads that mostly wait on the item pool or a list page).
FAMILIES = 14
#: Resource types whose tags the assets carry (one tag:GetResources index per type and region).
TAGGED_TYPES = ("sagemaker:endpoint", "sagemaker:model", "sagemaker:notebook-instance")

SERVICE = "sagemaker"


# -- payload helpers: attacker-controlled dicts, so types are checked, not assumed ----------------


def _req(payload: Mapping[str, Any], key: str) -> str:
    """A required string field; a missing or mistyped one is a malformed payload."""
    value = payload[key]
    if not isinstance(value, str) or not value:
        raise TypeError(f"{key} is not a non-empty string")
    return value


def _opt(payload: Mapping[str, Any] | None, key: str) -> str | None:
    if not isinstance(payload, Mapping):
        return None
    value = payload.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise TypeError(f"{key} is not a string")
    return value


def _map(payload: Mapping[str, Any] | None, key: str) -> Mapping[str, Any]:
    if not isinstance(payload, Mapping):
        return {}
    value = payload.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(f"{key} is not an object")
    return value


def _list(payload: Mapping[str, Any] | None, key: str) -> list[Any]:
    if not isinstance(payload, Mapping):
        return []
    value = payload.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise TypeError(f"{key} is not a list")
    return value


def _bool(payload: Mapping[str, Any], key: str) -> bool | None:
    value = payload.get(key)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise TypeError(f"{key} is not a boolean")
    return value


def _int(payload: Mapping[str, Any] | None, key: str) -> int | None:
    if not isinstance(payload, Mapping):
        return None
    value = payload.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{key} is not an integer")
    return value


#: Asset kind of each SageMaker resource type (``AWS::SageMaker::<key>``).
_KINDS = {
    "NotebookInstance": AssetKind.NOTEBOOK,
    "Model": AssetKind.MODEL,
    "ModelPackage": AssetKind.MODEL,
    "ModelPackageGroup": AssetKind.MODEL_REGISTRY,
    "Endpoint": AssetKind.ENDPOINT,
    "Pipeline": AssetKind.PIPELINE,
    "Domain": AssetKind.WORKSPACE,
    "FeatureGroup": AssetKind.DATASET,
    # job-like: training-job kind (an inference experiment is a time-boxed run, not a service)
    **dict.fromkeys(
        (
            "TrainingJob",
            "ProcessingJob",
            "TransformJob",
            "HyperParameterTuningJob",
            "AutoMLJob",
            "InferenceExperiment",
        ),
        AssetKind.TRAINING_JOB,
    ),
}


def _asset(
    type_: str,
    arn: str,
    name: str,
    payload: Mapping[str, Any],
    attributes: dict[str, Any],
    account: str,
    region: str,
    *,
    raw: Mapping[str, Any] | None = None,
    tags: Mapping[str, str] | None = None,
) -> Asset:
    """The asset of type ``AWS::SageMaker::<type_>``; raw is the payload (without its response
    metadata) unless given."""
    return Asset(
        id=arn,
        cloud=Cloud.AWS,
        account=account,
        region=region,
        kind=_KINDS[type_],
        service=SERVICE,
        type=f"AWS::SageMaker::{type_}",
        name=name,
        created_at=as_datetime(payload.get("CreationTime")),
        tags=dict(tags or {}),
        attributes=attributes,
        raw=bounded(dict(raw if raw is not None else _redacted_payload(payload))),
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


def _artifact_uri(container: Mapping[str, Any]) -> str | None:
    return _opt(container, "ModelDataUrl") or _opt(
        _map(_map(container, "ModelDataSource"), "S3DataSource"), "S3Uri"
    )


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
    return bool(_list(_map(payload, "VpcConfig"), "Subnets"))


def _redacted_payload(payload: Mapping[str, Any], **replace: Any) -> dict[str, Any]:
    out = dict(payload)
    out.pop("ResponseMetadata", None)
    out.update({k: v for k, v in replace.items() if k in payload})
    return out


# -- SDK calls (the only functions that touch the client) -----------------------------------------


def list_notebook_instances(client: Any) -> Iterator[dict[str, Any]]:
    return paginate(client, "list_notebook_instances", "NotebookInstances", PaginationConfig=PAGE)


def describe_notebook_instance(client: Any, name: str) -> dict[str, Any]:
    return dict(client.describe_notebook_instance(NotebookInstanceName=name))


def describe_lifecycle_config(client: Any, name: str) -> dict[str, Any]:
    return dict(
        client.describe_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName=name)
    )


def describe_endpoint_config(client: Any, name: str) -> dict[str, Any]:
    return dict(client.describe_endpoint_config(EndpointConfigName=name))


def list_monitoring_schedules(client: Any) -> Iterator[dict[str, Any]]:
    return paginate(
        client, "list_monitoring_schedules", "MonitoringScheduleSummaries", PaginationConfig=PAGE
    )


def describe_monitoring_schedule(client: Any, name: str) -> dict[str, Any]:
    return dict(client.describe_monitoring_schedule(MonitoringScheduleName=name))


_JOB_DEFINITION_CALLS = {
    "DataQuality": "describe_data_quality_job_definition",
    "ModelQuality": "describe_model_quality_job_definition",
    "ModelBias": "describe_model_bias_job_definition",
    "ModelExplainability": "describe_model_explainability_job_definition",
}


def describe_job_definition(client: Any, monitoring_type: str, name: str) -> dict[str, Any]:
    call = _JOB_DEFINITION_CALLS[monitoring_type]
    return dict(getattr(client, call)(JobDefinitionName=name))


def list_model_package_groups(client: Any) -> Iterator[dict[str, Any]]:
    return paginate(
        client, "list_model_package_groups", "ModelPackageGroupSummaryList", PaginationConfig=PAGE
    )


def list_model_packages(client: Any, group: str | None) -> Iterator[dict[str, Any]]:
    if group is None:
        return paginate(
            client, "list_model_packages", "ModelPackageSummaryList", PaginationConfig=PAGE
        )
    pages = paginate(
        client,
        "list_model_packages",
        "ModelPackageSummaryList",
        ModelPackageGroupName=group,
        SortBy="CreationTime",
        SortOrder="Descending",
        PaginationConfig=PAGE,
    )
    return islice(pages, MAX_PACKAGES_PER_GROUP)


def describe_model_package(client: Any, arn: str) -> dict[str, Any]:
    return dict(client.describe_model_package(ModelPackageName=arn))


def list_tags(client: Any, arn: str) -> dict[str, str]:
    return tagging.bounded_tags(client.list_tags(ResourceArn=arn, MaxResults=MAX_TAGS).get("Tags"))


# -- pure transforms ------------------------------------------------------------------------------


def lifecycle_facts(payload: Mapping[str, Any]) -> dict[str, Any]:
    """{name, scripts: [{hook, index, sha256}], secrets} of a lifecycle config; no script text."""
    name = _req(payload, "NotebookInstanceLifecycleConfigName")
    scripts: list[dict[str, Any]] = []
    secrets: list[dict[str, str]] = []
    for hook in ("OnCreate", "OnStart"):
        for index, item in enumerate(_list(payload, hook)):
            content = _opt(item, "Content") or ""
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
    arn = _req(payload, "NotebookInstanceArn")
    name = _req(payload, "NotebookInstanceName")
    imds = _map(payload, "InstanceMetadataServiceConfiguration")
    attrs: dict[str, Any] = {
        "vpc": _opt(payload, "SubnetId") is not None,
        "subnet_id": _opt(payload, "SubnetId"),
        "security_groups": [str(s) for s in _list(payload, "SecurityGroups")],
        "kms_key": _opt(payload, "KmsKeyId"),
        # The API default is version 1; older notebooks omit the whole structure.
        "imds_v2_required": _opt(imds, "MinimumInstanceMetadataServiceVersion") == "2",
        "instance_type": _opt(payload, "InstanceType"),
        "status": _opt(payload, "NotebookInstanceStatus"),
        "role_arn": _opt(payload, "RoleArn"),
    }
    direct = _opt(payload, "DirectInternetAccess")
    if direct is not None:
        attrs["direct_internet_access"] = direct == "Enabled"
    root = _opt(payload, "RootAccess")
    if root is not None:
        attrs["root_access"] = root == "Enabled"
    platform = _opt(payload, "PlatformIdentifier")
    if platform is not None:
        attrs["platform_identifier"] = platform
    config_name = _opt(payload, "NotebookInstanceLifecycleConfigName")
    if config_name is None:
        attrs["secrets"] = []
    elif lifecycle is not None:
        attrs["lifecycle_config"] = {"name": lifecycle["name"], "scripts": lifecycle["scripts"]}
        attrs["secrets"] = list(lifecycle["secrets"])
    if scp_guardrails is not None:
        attrs["scp_guardrails"] = dict(scp_guardrails)
    return _asset("NotebookInstance", arn, name, payload, attrs, account, region, tags=tags)


def _model_containers(
    containers: list[Any],
    location: str,
    secrets: list[dict[str, str]],
    envs: list[Mapping[str, str]],
    *,
    account: str,
    region: str,
    partition: str,
) -> tuple[list[dict[str, Any]], list[Any]]:
    """(container attributes, containers with redacted env for raw)."""
    out: list[dict[str, Any]] = []
    raw: list[Any] = []
    for index, c in enumerate(containers):
        if not isinstance(c, Mapping):
            raise TypeError(f"{location}[{index}] is not an object")
        where = f"{location}[{index}]" if len(containers) > 1 else location
        clean, original = _env(c.get("Environment"), f"{where}.Environment", secrets)
        envs.append(original)
        out.append(
            {
                "name": _opt(c, "ContainerHostname") or f"container-{index}",
                "image": _opt(c, "Image"),
                "environment": clean,
                "artifact_uri": _artifact_uri(c),
                "repository_access_mode": _opt(_map(c, "ImageConfig"), "RepositoryAccessMode"),
                "model_package": _package_arn(
                    _opt(c, "ModelPackageName"), account=account, region=region, partition=partition
                ),
            }
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
    arn = _req(payload, "ModelArn")
    name = _req(payload, "ModelName")
    secrets: list[dict[str, str]] = []
    envs: list[Mapping[str, str]] = []
    where = {"account": account, "region": region, "partition": partition}
    primary = _map(payload, "PrimaryContainer")
    replace: dict[str, Any] = {}
    containers: list[dict[str, Any]] = []
    if primary:
        got, raw = _model_containers([primary], "PrimaryContainer", secrets, envs, **where)
        containers += got
        replace["PrimaryContainer"] = raw[0]
    multi = _list(payload, "Containers")
    if multi:
        got, raw = _model_containers(multi, "Containers", secrets, envs, **where)
        containers += got
        replace["Containers"] = raw
    attrs: dict[str, Any] = {
        "containers": containers,
        "vpc": _vpc(payload),
        "role_arn": _opt(payload, "ExecutionRoleArn"),
        "secrets": secrets,
        **hub_facts(envs),
    }
    isolation = _bool(payload, "EnableNetworkIsolation")
    # The API omits the flag when it is off; a successful describe therefore means False.
    attrs["network_isolation"] = bool(isolation)
    redacted = _redacted_payload(payload, **replace)
    return _asset("Model", arn, name, payload, attrs, account, region, raw=redacted, tags=tags)


def to_model_package(
    payload: Mapping[str, Any], *, account: str, region: str, partition: str = "aws"
) -> Asset:
    arn = _req(payload, "ModelPackageArn")
    # A versioned package's name is its group's; the ARN's resource part says which version
    # (`group/3`), written `group:3` as a model version is everywhere in aiscan.
    group, sep, version = arn.split(":model-package/", 1)[-1].rpartition("/")
    name = f"{group}:{version}" if sep else version or _req(payload, "ModelPackageName")
    secrets: list[dict[str, str]] = []
    envs: list[Mapping[str, str]] = []
    spec = _map(payload, "InferenceSpecification")
    containers, raw_containers = _model_containers(
        _list(spec, "Containers"),
        "InferenceSpecification.Containers",
        secrets,
        envs,
        account=account,
        region=region,
        partition=partition,
    )
    attrs: dict[str, Any] = {
        "group": _opt(payload, "ModelPackageGroupName"),
        "version": _int(payload, "ModelPackageVersion"),
        "containers": containers,
        "secrets": secrets,
        "status": _opt(payload, "ModelPackageStatus"),
        **hub_facts(envs),
    }
    approval = _opt(payload, "ModelApprovalStatus")
    if approval is not None:
        attrs["approval_status"] = approval
    replace = {"InferenceSpecification": {**spec, "Containers": raw_containers}} if spec else {}
    raw = _redacted_payload(payload, **replace)
    return _asset("ModelPackage", arn, name, payload, attrs, account, region, raw=raw)


def to_model_package_group(payload: Mapping[str, Any], *, account: str, region: str) -> Asset:
    arn = _req(payload, "ModelPackageGroupArn")
    name = _req(payload, "ModelPackageGroupName")
    attrs = {"status": _opt(payload, "ModelPackageGroupStatus")}
    return _asset("ModelPackageGroup", arn, name, payload, attrs, account, region)


def _variants(config: Mapping[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for key, shadow in (("ProductionVariants", False), ("ShadowProductionVariants", True)):
        for v in _list(config, key):
            if not isinstance(v, Mapping):
                raise TypeError(f"{key} item is not an object")
            models = [_opt(v, "ModelName")]
            models += [_opt(p, "ModelNameOverride") for p in _list(v, "InstancePools")]
            out.append(
                {
                    "name": _opt(v, "VariantName"),
                    "model_name": _opt(v, "ModelName"),
                    "model_names": sorted({m for m in models if m}),
                    "instance_type": _opt(v, "InstanceType"),
                    "instance_count": _int(v, "InitialInstanceCount"),
                    "serverless": bool(_map(v, "ServerlessConfig")),
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
    arn = _req(payload, "EndpointArn")
    name = _req(payload, "EndpointName")
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    attrs: dict[str, Any] = {
        "endpoint_url": f"https://runtime.sagemaker.{region}.{suffix}/endpoints/{name}/invocations",
        "authenticated": True,
        "status": _opt(payload, "EndpointStatus"),
        "endpoint_config": _opt(payload, "EndpointConfigName"),
    }
    if config is not None:
        capture = _map(config, "DataCaptureConfig")
        asynccfg = _map(_map(config, "AsyncInferenceConfig"), "OutputConfig")
        attrs.update(
            {
                "variants": _variants(config),
                "kms_key": _opt(config, "KmsKeyId"),
                "data_capture": {
                    "enabled": bool(_bool(capture, "EnableCapture")),
                    "kms_key": _opt(capture, "KmsKeyId"),
                    "destination": _opt(capture, "DestinationS3Uri"),
                },
                "async_output": (
                    {
                        "kms_key": _opt(asynccfg, "KmsKeyId"),
                        "destination": _opt(asynccfg, "S3OutputPath"),
                    }
                    if _map(config, "AsyncInferenceConfig")
                    else None
                ),
            }
        )
    if monitoring is not None:
        attrs["monitoring_schedules"] = len(monitoring)
        attrs["monitoring"] = monitoring
    raw = _redacted_payload(payload)
    if config is not None:
        raw["EndpointConfig"] = _redacted_payload(config)
    return _asset("Endpoint", arn, name, payload, attrs, account, region, raw=raw, tags=tags)


def monitoring_entry(
    summary: Mapping[str, Any],
    schedule: Mapping[str, Any] | None,
    definition: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """One schedule on an endpoint; network facts only where a job definition was read."""
    entry: dict[str, Any] = {
        "name": _req(summary, "MonitoringScheduleName"),
        "type": _opt(summary, "MonitoringType"),
        "status": _opt(summary, "MonitoringScheduleStatus"),
    }
    job: Mapping[str, Any] = {}
    if schedule is not None:
        cfg = _map(schedule, "MonitoringScheduleConfig")
        entry["type"] = _opt(cfg, "MonitoringType") or entry["type"]
        job = _map(cfg, "MonitoringJobDefinition")
    if not job and definition is not None:
        job = definition
    if job:
        network = _map(job, "NetworkConfig")
        entry["network_isolation"] = bool(_bool(network, "EnableNetworkIsolation"))
        entry["inter_container_encryption"] = bool(
            _bool(network, "EnableInterContainerTrafficEncryption")
        )
    return entry


def _job_common(
    *,
    image: str | None,
    env: Any,
    artifact: str | None,
    secrets: list[dict[str, str]],
    location: str,
) -> tuple[dict[str, Any], dict[str, str]]:
    clean, original = _env(env, location, secrets)
    container = {
        "name": "job",
        "image": image,
        "environment": clean,
        "artifact_uri": artifact,
        "repository_access_mode": None,
        "model_package": None,
    }
    return container, dict(original)


def _s3_uris(items: list[Any], *path: str) -> list[str]:
    out: list[str] = []
    for item in items:
        node: Any = item
        for key in path[:-1]:
            node = _map(node, key)
        uri = _opt(node, path[-1])
        if uri:
            out.append(uri)
    return out


def to_training_job(payload: Mapping[str, Any], *, account: str, region: str) -> Asset:
    arn = _req(payload, "TrainingJobArn")
    name = _req(payload, "TrainingJobName")
    secrets: list[dict[str, str]] = []
    algo = _map(payload, "AlgorithmSpecification")
    artifacts = _opt(_map(payload, "ModelArtifacts"), "S3ModelArtifacts")
    container, env = _job_common(
        image=_opt(algo, "TrainingImage"),
        env=payload.get("Environment"),
        artifact=artifacts,
        secrets=secrets,
        location="Environment",
    )
    hyper, _ = _env(payload.get("HyperParameters"), "HyperParameters", secrets)
    resources = _map(payload, "ResourceConfig")
    output = _map(payload, "OutputDataConfig")
    attrs: dict[str, Any] = {
        "job_type": "training",
        "status": _opt(payload, "TrainingJobStatus"),
        "containers": [container],
        "secrets": secrets,
        **hub_facts([env]),
        "input_uris": _s3_uris(
            _list(payload, "InputDataConfig"), "DataSource", "S3DataSource", "S3Uri"
        ),
        "output_uri": _opt(output, "S3OutputPath"),
        "model_artifacts": artifacts,
        "network_isolation": bool(_bool(payload, "EnableNetworkIsolation")),
        "vpc": _vpc(payload),
        "inter_container_encryption": bool(_bool(payload, "EnableInterContainerTrafficEncryption")),
        "instance_type": _opt(resources, "InstanceType"),
        "instance_count": _int(resources, "InstanceCount"),
        "volume_kms_key": _opt(resources, "VolumeKmsKeyId"),
        "output_kms_key": _opt(output, "KmsKeyId"),
        "role_arn": _opt(payload, "RoleArn"),
    }
    if not resources:
        # Heterogeneous clusters describe instances in InstanceGroups instead.
        attrs.pop("instance_count")
    raw = _redacted_payload(payload, Environment=container["environment"], HyperParameters=hyper)
    return _asset("TrainingJob", arn, name, payload, attrs, account, region, raw=raw)


def _redact_args(app: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(app)
    for key in ("ContainerArguments", "ContainerEntrypoint"):
        if isinstance(out.get(key), list):
            out[key] = [redact_text(str(a)) for a in out[key]]
    return out


def to_processing_job(payload: Mapping[str, Any], *, account: str, region: str) -> Asset:
    arn = _req(payload, "ProcessingJobArn")
    name = _req(payload, "ProcessingJobName")
    secrets: list[dict[str, str]] = []
    app = _map(payload, "AppSpecification")
    container, env = _job_common(
        image=_opt(app, "ImageUri"),
        env=payload.get("Environment"),
        artifact=None,
        secrets=secrets,
        location="Environment",
    )
    for arg in _list(app, "ContainerArguments") + _list(app, "ContainerEntrypoint"):
        secrets.extend(scan_text(str(arg), "AppSpecification.ContainerArguments"))
    cluster = _map(_map(payload, "ProcessingResources"), "ClusterConfig")
    output = _map(payload, "ProcessingOutputConfig")
    network = _map(payload, "NetworkConfig")
    outputs = _s3_uris(_list(output, "Outputs"), "S3Output", "S3Uri")
    attrs: dict[str, Any] = {
        "job_type": "processing",
        "status": _opt(payload, "ProcessingJobStatus"),
        "containers": [container],
        "secrets": secrets,
        **hub_facts([env]),
        "input_uris": _s3_uris(_list(payload, "ProcessingInputs"), "S3Input", "S3Uri"),
        "output_uri": outputs[0] if outputs else None,
        "output_uris": outputs,
        "network_isolation": bool(_bool(network, "EnableNetworkIsolation")),
        "vpc": _vpc(network),
        "inter_container_encryption": bool(_bool(network, "EnableInterContainerTrafficEncryption")),
        "instance_type": _opt(cluster, "InstanceType"),
        "instance_count": _int(cluster, "InstanceCount"),
        "volume_kms_key": _opt(cluster, "VolumeKmsKeyId"),
        "output_kms_key": _opt(output, "KmsKeyId"),
        "role_arn": _opt(payload, "RoleArn"),
    }
    raw = _redacted_payload(
        payload, Environment=container["environment"], AppSpecification=_redact_args(app)
    )
    return _asset("ProcessingJob", arn, name, payload, attrs, account, region, raw=raw)


def to_transform_job(payload: Mapping[str, Any], *, account: str, region: str) -> Asset:
    arn = _req(payload, "TransformJobArn")
    name = _req(payload, "TransformJobName")
    secrets: list[dict[str, str]] = []
    clean, original = _env(payload.get("Environment"), "Environment", secrets)
    resources = _map(payload, "TransformResources")
    output = _map(payload, "TransformOutput")
    source = _map(_map(_map(payload, "TransformInput"), "DataSource"), "S3DataSource")
    attrs: dict[str, Any] = {
        "job_type": "transform",
        "status": _opt(payload, "TransformJobStatus"),
        "model_name": _opt(payload, "ModelName"),
        "environment": clean,
        "secrets": secrets,
        **hub_facts([original]),
        "input_uris": [u for u in (_opt(source, "S3Uri"),) if u],
        "output_uri": _opt(output, "S3OutputPath"),
        "instance_type": _opt(resources, "InstanceType"),
        "instance_count": _int(resources, "InstanceCount"),
        "volume_kms_key": _opt(resources, "VolumeKmsKeyId"),
        "output_kms_key": _opt(output, "KmsKeyId"),
    }
    raw = _redacted_payload(payload, Environment=clean)
    return _asset("TransformJob", arn, name, payload, attrs, account, region, raw=raw)


_IMAGE_KEYS = ("TrainingImage", "ImageUri", "Image")
_ROLE_KEYS = ("RoleArn", "ExecutionRoleArn")


def _walk_step(node: Any, found: dict[str, Any], depth: int = 0) -> None:
    """Collect images, roles and environments anywhere in a step's arguments (bounded)."""
    if depth > 12:
        return
    if isinstance(node, Mapping):
        for key, value in list(node.items())[:200]:
            if key in _IMAGE_KEYS and isinstance(value, str):
                found["images"].append(value)
            elif key in _ROLE_KEYS and isinstance(value, str):
                found["roles"].append(value)
            elif key == "Environment" and isinstance(value, Mapping):
                found["envs"].append(value)
            else:
                _walk_step(value, found, depth + 1)
    elif isinstance(node, list):
        for item in node[:200]:
            _walk_step(item, found, depth + 1)


def pipeline_steps(definition: Any) -> tuple[list[dict[str, Any]], list[Mapping[str, Any]]] | None:
    """(steps, their environments) from a PipelineDefinition JSON string; None if unparseable.

    Values that are pipeline expressions (``{"Get": ...}``) instead of strings are skipped.
    """
    if not isinstance(definition, str):
        return None
    try:
        doc = json.loads(definition[: 4 << 20])
    except (ValueError, RecursionError):
        return None
    if not isinstance(doc, Mapping) or not isinstance(doc.get("Steps"), list):
        return None
    steps: list[dict[str, Any]] = []
    envs: list[Mapping[str, Any]] = []
    for step in doc["Steps"][:500]:
        if not isinstance(step, Mapping):
            continue
        found: dict[str, Any] = {"images": [], "roles": [], "envs": []}
        _walk_step(step.get("Arguments"), found)
        steps.append(
            {
                "name": str(step.get("Name", ""))[:256],
                "type": str(step.get("Type", ""))[:64],
                "images": sorted(set(found["images"])),
                "role_arn": found["roles"][0] if found["roles"] else None,
            }
        )
        envs.append({k: v for env in found["envs"] for k, v in env.items()})
    return steps, envs


def to_pipeline(payload: Mapping[str, Any], *, account: str, region: str) -> Asset:
    arn = _req(payload, "PipelineArn")
    name = _req(payload, "PipelineName")
    attrs: dict[str, Any] = {
        "role_arn": _opt(payload, "RoleArn"),
        "status": _opt(payload, "PipelineStatus"),
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
            containers += [
                {
                    "name": step["name"],
                    "image": image,
                    "environment": clean,
                    "artifact_uri": None,
                    "repository_access_mode": None,
                    "model_package": None,
                }
                for image in step["images"]
            ]
        attrs.update(
            {"steps": steps, "containers": containers, "secrets": secrets, **hub_facts(originals)}
        )
    # The definition can carry secrets in step environments; keep only its size in raw.
    definition = payload.get("PipelineDefinition")
    raw = _redacted_payload(
        payload,
        PipelineDefinition=f"<{len(definition) if isinstance(definition, str) else 0} chars>",
    )
    return _asset("Pipeline", arn, name, payload, attrs, account, region, raw=raw)


def to_domain(payload: Mapping[str, Any], *, account: str, region: str) -> Asset:
    arn = _req(payload, "DomainArn")
    attrs: dict[str, Any] = {
        "kms_key": _opt(payload, "KmsKeyId"),
        "vpc_id": _opt(payload, "VpcId"),
        "vpc": _opt(payload, "VpcId") is not None and bool(_list(payload, "SubnetIds")),
        "auth_mode": _opt(payload, "AuthMode"),
        "role_arn": _opt(_map(payload, "DefaultUserSettings"), "ExecutionRole"),
        "space_role_arn": _opt(_map(payload, "DefaultSpaceSettings"), "ExecutionRole"),
        "status": _opt(payload, "Status"),
    }
    # The API default is PublicInternetOnly; it is always returned, but not guessed if missing.
    access = _opt(payload, "AppNetworkAccessType")
    if access is not None:
        attrs["app_network_access_type"] = access
    name = _opt(payload, "DomainName") or _req(payload, "DomainId")
    return _asset("Domain", arn, name, payload, attrs, account, region)


def to_feature_group(payload: Mapping[str, Any], *, account: str, region: str) -> Asset:
    arn = _req(payload, "FeatureGroupArn")
    offline = _map(payload, "OfflineStoreConfig")
    s3 = _map(offline, "S3StorageConfig")
    online = _map(payload, "OnlineStoreConfig")
    attrs: dict[str, Any] = {
        "offline_store": {
            "enabled": bool(offline),
            "kms_key": _opt(s3, "KmsKeyId"),
            "s3_uri": _opt(s3, "ResolvedOutputS3Uri") or _opt(s3, "S3Uri"),
        },
        "online_store": {
            "enabled": bool(_bool(online, "EnableOnlineStore")),
            "kms_key": _opt(_map(online, "SecurityConfig"), "KmsKeyId"),
            "storage_type": _opt(online, "StorageType") or ("Standard" if online else None),
        },
        "role_arn": _opt(payload, "RoleArn"),
        "status": _opt(payload, "FeatureGroupStatus"),
    }
    name = _req(payload, "FeatureGroupName")
    return _asset("FeatureGroup", arn, name, payload, attrs, account, region)


def _redacted_definition(definition: Mapping[str, Any]) -> dict[str, Any]:
    """A training job definition for raw: environment and static hyper-parameters redacted."""
    out = dict(definition)
    for key in ("Environment", "StaticHyperParameters"):
        if key in out:
            out[key], _ = _env(out[key], key, [])
    return out


def _definitions(payload: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    single = _map(payload, "TrainingJobDefinition")
    many = _list(payload, "TrainingJobDefinitions")
    found = ([single] if single else []) + many
    for index, item in enumerate(found):
        if not isinstance(item, Mapping):
            raise TypeError(f"TrainingJobDefinitions[{index}] is not an object")
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
    arn = _req(payload, "HyperParameterTuningJobArn")
    defs = _definitions(payload)

    def resources(d: Mapping[str, Any]) -> Mapping[str, Any]:
        return _map(d, "ResourceConfig") or _map(d, "HyperParameterTuningResourceConfig")

    counts = [c for c in (_int(resources(d), "InstanceCount") for d in defs) if c is not None]
    roles = [r for r in (_opt(d, "RoleArn") for d in defs) if r]
    attrs: dict[str, Any] = {
        "job_type": "tuning",
        "status": _opt(payload, "HyperParameterTuningJobStatus"),
        "strategy": _opt(_map(payload, "HyperParameterTuningJobConfig"), "Strategy"),
        "definitions": len(defs),
        "images": sorted(
            {
                i
                for i in (_opt(_map(d, "AlgorithmSpecification"), "TrainingImage") for d in defs)
                if i
            }
        ),
        "input_uris": sorted(
            {
                u
                for d in defs
                for u in _s3_uris(
                    _list(d, "InputDataConfig"), "DataSource", "S3DataSource", "S3Uri"
                )
            }
        ),
        "output_uri": _opt(_map(defs[0], "OutputDataConfig"), "S3OutputPath"),
        "network_isolation": all(bool(_bool(d, "EnableNetworkIsolation")) for d in defs),
        "vpc": all(_vpc(d) for d in defs),
        "inter_container_encryption": all(
            bool(_bool(d, "EnableInterContainerTrafficEncryption")) for d in defs
        ),
        "instance_type": _opt(resources(defs[0]), "InstanceType"),
        "instance_count": max(counts) if counts else None,
        "volume_kms_key": _all_keys(defs, lambda d: _opt(resources(d), "VolumeKmsKeyId")),
        "output_kms_key": _all_keys(defs, lambda d: _opt(_map(d, "OutputDataConfig"), "KmsKeyId")),
        "role_arn": roles[0] if roles else None,
        "role_arns": sorted(set(roles)),
    }
    replace: dict[str, Any] = {}
    if "TrainingJobDefinition" in payload:
        replace["TrainingJobDefinition"] = _redacted_definition(
            _map(payload, "TrainingJobDefinition")
        )
    if "TrainingJobDefinitions" in payload:
        replace["TrainingJobDefinitions"] = [
            _redacted_definition(d) for d in _list(payload, "TrainingJobDefinitions")
        ]
    name = _req(payload, "HyperParameterTuningJobName")
    raw = _redacted_payload(payload, **replace)
    return _asset("HyperParameterTuningJob", arn, name, payload, attrs, account, region, raw=raw)


def to_automl_job(payload: Mapping[str, Any], *, account: str, region: str) -> Asset:
    """An AutoML job (DescribeAutoMLJobV2): the security settings of the jobs it launches."""
    arn = _req(payload, "AutoMLJobArn")
    security = _map(payload, "SecurityConfig")
    output = _map(payload, "OutputDataConfig")
    attrs: dict[str, Any] = {
        "job_type": "automl",
        "status": _opt(payload, "AutoMLJobStatus"),
        "problem_type": _opt(payload, "AutoMLProblemTypeConfigName"),
        "input_uris": _s3_uris(
            _list(payload, "AutoMLJobInputDataConfig"), "DataSource", "S3DataSource", "S3Uri"
        ),
        "output_uri": _opt(output, "S3OutputPath"),
        "vpc": _vpc(security),
        "inter_container_encryption": bool(
            _bool(security, "EnableInterContainerTrafficEncryption")
        ),
        "volume_kms_key": _opt(security, "VolumeKmsKeyId"),
        "output_kms_key": _opt(output, "KmsKeyId"),
        "role_arn": _opt(payload, "RoleArn"),
    }
    name = _req(payload, "AutoMLJobName")
    return _asset("AutoMLJob", arn, name, payload, attrs, account, region)


def to_inference_experiment(payload: Mapping[str, Any], *, account: str, region: str) -> Asset:
    """An inference experiment (a shadow test on an endpoint); kind training-job, since it is a
    time-boxed run, not a place that answers requests."""
    arn = _req(payload, "Arn")
    storage = _map(payload, "DataStorageConfig")
    variants = _list(payload, "ModelVariants")
    for index, v in enumerate(variants):
        if not isinstance(v, Mapping):
            raise TypeError(f"ModelVariants[{index}] is not an object")
    shadow = _map(payload, "ShadowModeConfig")
    attrs: dict[str, Any] = {
        "experiment_type": _opt(payload, "Type"),
        "status": _opt(payload, "Status"),
        "endpoint_name": _opt(_map(payload, "EndpointMetadata"), "EndpointName"),
        "model_names": sorted({m for m in (_opt(v, "ModelName") for v in variants) if m}),
        "shadow_source_variant": _opt(shadow, "SourceModelVariantName"),
        "kms_key": _opt(payload, "KmsKey"),
        "data_storage": (
            {"destination": _opt(storage, "Destination"), "kms_key": _opt(storage, "KmsKey")}
            if storage
            else None
        ),
        "role_arn": _opt(payload, "RoleArn"),
    }
    name = _req(payload, "Name")
    return _asset("InferenceExperiment", arn, name, payload, attrs, account, region)


# -- collection: list, describe, transform, relate ------------------------------------------------


def _relate_model(ctx: ScopeContext, asset: Asset) -> None:
    _relate_runtime(ctx, asset)
    for c in asset.attributes["containers"]:
        ctx.use_bucket(asset.id, c.get("artifact_uri"), RelationType.STORES_ARTIFACT_IN)
        if c.get("model_package"):
            ctx.relate(asset.id, RelationType.MEMBER_OF, group_of_package(c["model_package"]))


def _relate_job(ctx: ScopeContext, asset: Asset) -> None:
    _relate_runtime(ctx, asset)
    _relate_job_data(ctx, asset)


def _relate_tuning_job(ctx: ScopeContext, asset: Asset) -> None:
    for role in asset.attributes["role_arns"]:
        ctx.use_role(asset.id, role)
    for image in asset.attributes["images"]:
        ctx.use_image(asset.id, image)
    _relate_job_data(ctx, asset)


def _relate_automl_job(ctx: ScopeContext, asset: Asset) -> None:
    ctx.use_role(asset.id, asset.attributes.get("role_arn"))
    _relate_job_data(ctx, asset)


def _relate_uses_models(
    models: Mapping[str, Asset], ctx: ScopeContext, asset: Asset, names: list[str]
) -> None:
    for name in names:
        ctx.relate(asset.id, RelationType.USES_MODEL, _model_arn(ctx, models, name))


def _relate_transform_job(models: Mapping[str, Asset], ctx: ScopeContext, asset: Asset) -> None:
    _relate_job_data(ctx, asset)
    model_name = asset.attributes.get("model_name")
    _relate_uses_models(models, ctx, asset, [model_name] if model_name else [])


def _relate_experiment(models: Mapping[str, Asset], ctx: ScopeContext, asset: Asset) -> None:
    ctx.use_role(asset.id, asset.attributes.get("role_arn"))
    storage = asset.attributes.get("data_storage") or {}
    ctx.use_bucket(asset.id, storage.get("destination"), RelationType.WRITES_DATA_TO)
    _relate_uses_models(models, ctx, asset, asset.attributes["model_names"])


def _relate_pipeline(ctx: ScopeContext, asset: Asset) -> None:
    _relate_runtime(ctx, asset)
    for step in asset.attributes.get("steps") or []:
        ctx.use_role(asset.id, step.get("role_arn"))


def _relate_domain(ctx: ScopeContext, asset: Asset) -> None:
    ctx.use_role(asset.id, asset.attributes.get("role_arn"))
    ctx.use_role(asset.id, asset.attributes.get("space_role_arn"))


def _relate_feature_group(ctx: ScopeContext, asset: Asset) -> None:
    ctx.use_role(asset.id, asset.attributes.get("role_arn"))
    offline = asset.attributes["offline_store"]
    ctx.use_bucket(asset.id, offline.get("s3_uri"), RelationType.WRITES_DATA_TO)


def _model_inputs(ctx: ScopeContext, name: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    arn = _req(payload, "ModelArn")
    tags = _tags(ctx, ctx.client(SERVICE), "sagemaker:model", arn)
    return {"partition": ctx.partition, "tags": tags}


def _prefetch_model_tags(ctx: ScopeContext, names: list[str]) -> None:
    _prefetch_tags(ctx, "sagemaker:model", names)


def _prefetch_endpoint_tags(ctx: ScopeContext, names: list[str]) -> None:
    _prefetch_tags(ctx, "sagemaker:endpoint", names)


def _family(
    family: str, item: str, type_: str, list_key: str, id_key: str, noun: str, **row: Any
) -> AwsSpec:
    """A SageMaker row: ``list_<noun>s`` / ``describe_<noun>`` with ``<IdKey>=`` as the id."""
    return AwsSpec(
        family=family,
        item=item,
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
_RECENT: dict[str, Any] = {
    "list_parameters": {"SortBy": "CreationTime", "SortOrder": "Descending"},
    "limit": MAX_RECENT_JOBS,
}

# fmt: off
MODELS = _family("models", "model", "Model", "Models", "ModelName", "model",
                 transform=to_model, inputs=_model_inputs, listed=_prefetch_model_tags,
                 relate=_relate_model)
#: inputs and relate are bound to the region's schedules and models when the scope is read
ENDPOINTS = _family("endpoints", "endpoint", "Endpoint", "Endpoints", "EndpointName", "endpoint",
                    transform=to_endpoint, listed=_prefetch_endpoint_tags)
TRAINING_JOBS = _family("training jobs", "training job", "TrainingJob", "TrainingJobSummaries",
                        "TrainingJobName", "training_job", transform=to_training_job,
                        relate=_relate_job, **_RECENT)
PROCESSING_JOBS = _family("processing jobs", "processing job", "ProcessingJob",
                          "ProcessingJobSummaries", "ProcessingJobName", "processing_job",
                          transform=to_processing_job, relate=_relate_job, **_RECENT)
#: relate is bound to the region's models when the scope is read (see `collect`)
TRANSFORM_JOBS = _family("transform jobs", "transform job", "TransformJob",
                         "TransformJobSummaries", "TransformJobName", "transform_job",
                         transform=to_transform_job, **_RECENT)
TUNING_JOBS = _family("hyper-parameter tuning jobs", "hyper-parameter tuning job",
                      "HyperParameterTuningJob", "HyperParameterTuningJobSummaries",
                      "HyperParameterTuningJobName", "hyper_parameter_tuning_job",
                      transform=to_tuning_job, relate=_relate_tuning_job, **_RECENT)
AUTOML_JOBS = _family("AutoML jobs", "AutoML job", "AutoMLJob", "AutoMLJobSummaries",
                      "AutoMLJobName", "auto_ml_job", describe_operation="describe_auto_ml_job_v2",
                      transform=to_automl_job, relate=_relate_automl_job, **_RECENT)
INFERENCE_EXPERIMENTS = _family("inference experiments", "inference experiment",
                                "InferenceExperiment", "InferenceExperiments", "Name",
                                "inference_experiment", transform=to_inference_experiment,
                                **_RECENT)
PIPELINES = _family("pipelines", "pipeline", "Pipeline", "PipelineSummaries", "PipelineName",
                    "pipeline", transform=to_pipeline, relate=_relate_pipeline)
DOMAINS = _family("domains", "domain", "Domain", "Domains", "DomainId", "domain",
                  transform=to_domain, relate=_relate_domain)
FEATURE_GROUPS = _family("feature groups", "feature group", "FeatureGroup",
                         "FeatureGroupSummaries", "FeatureGroupName", "feature_group",
                         transform=to_feature_group, relate=_relate_feature_group)
# fmt: on

#: Every table row of the module (the permissions test checks their operations are declared).
SPECS = (
    MODELS, ENDPOINTS, TRAINING_JOBS, PROCESSING_JOBS, TRANSFORM_JOBS, TUNING_JOBS, AUTOML_JOBS,
    INFERENCE_EXPERIMENTS, PIPELINES, DOMAINS, FEATURE_GROUPS,
)  # fmt: skip
#: Rows no other family waits for.
INDEPENDENT = (PIPELINES, DOMAINS, FEATURE_GROUPS, TUNING_JOBS, AUTOML_JOBS)


def collect(ctx: ScopeContext) -> None:
    """The resource families are independent reads, so they run concurrently (each from its own
    thread: its list pages overlap the others' describes) while their per-item reads share the
    scope's pool of `ITEM_WORKERS`; endpoints, transform jobs and inference experiments wait for
    models (they name them), and the produced-by links for models and training jobs."""
    ctx.item_workers = ITEM_WORKERS
    client = ctx.client("sagemaker")
    with (
        ctx.item_pool(),
        ThreadPoolExecutor(max_workers=FAMILIES, thread_name_prefix="aiscan-sagemaker") as pool,
    ):

        def run(label: str, fn: Callable[..., Any], *args: Any) -> Future[Any]:
            return pool.submit(ctx.section, label, fn, ctx, client, *args)

        def table(spec: AwsSpec) -> Future[dict[str, Asset] | None]:
            return pool.submit(read, ctx, spec)

        models_read = table(MODELS)
        schedules_read = run("monitoring schedules", _collect_schedules)
        independent = [
            run("notebook instances", _collect_notebooks),
            run("model package groups", _collect_registry),
            *(table(spec) for spec in INDEPENDENT),
        ]
        models: dict[str, Asset] = models_read.result() or {}
        endpoints = replace(
            ENDPOINTS,
            inputs=partial(_endpoint_inputs, schedules_read.result()),
            relate=partial(_relate_endpoint, models),
        )
        independent.append(table(endpoints))
        uses_models = partial(_relate_transform_job, models)
        jobs = [
            table(TRAINING_JOBS),
            table(PROCESSING_JOBS),
            table(replace(TRANSFORM_JOBS, relate=uses_models)),
            table(replace(INFERENCE_EXPERIMENTS, relate=partial(_relate_experiment, models))),
        ]
        training = jobs[0].result() or {}
        for done in jobs:
            done.result()
        artifacts = {
            a.attributes["model_artifacts"]: a.id
            for a in training.values()
            if a.attributes.get("model_artifacts")
        }
        _link_produced_by(ctx, models, artifacts)
        for done in independent:
            done.result()
    # A prefetch still running (no asset needed its tags, e.g. every describe failed) must finish
    # before the scope's coverage is taken, since it may record a remark.
    for type_ in TAGGED_TYPES:
        prefetch = ctx.once(("tag prefetch", type_), _no_prefetch)
        if prefetch is not None:
            prefetch.join()


def _where(ctx: ScopeContext) -> dict[str, str]:
    return {"account": ctx.account, "region": ctx.region}


def _prefetch_tags(ctx: ScopeContext, type_: str, names: list[str]) -> None:
    """Once a listing shows the region has resources of `type_`, read their tags in the
    background: the index's pages overlap the describes instead of stalling the first asset that
    needs tags, and one index per type splits the sequential page chain three ways (same number
    of requests). A region without such resources never sends GetResources."""
    if names:
        ctx.once(("tag prefetch", type_), _start_prefetch, ctx, type_)


def _start_prefetch(ctx: ScopeContext, type_: str) -> threading.Thread:
    thread = threading.Thread(
        target=_tag_index, args=(ctx, type_), name=f"aiscan-tags-{type_}", daemon=True
    )
    thread.start()
    return thread


def _no_prefetch() -> threading.Thread | None:
    return None


def _tag_index(ctx: ScopeContext, type_: str) -> tagging.TagIndex | None:
    return ctx.once(("tag index", type_), tagging.read_index, ctx, (type_,))


def _tags(ctx: ScopeContext, client: Any, type_: str, arn: str) -> dict[str, str]:
    """Tags of an endpoint, model or notebook: from the region's index of its type, read once,
    or per resource where GetResources is denied."""
    return tagging.tags_of(ctx, _tag_index(ctx, type_), arn, lambda one: list_tags(client, one))


def _relate_runtime(ctx: ScopeContext, asset: Asset) -> None:
    """Role and images of anything that runs containers."""
    ctx.use_role(asset.id, asset.attributes.get("role_arn"))
    for c in asset.attributes.get("containers") or []:
        ctx.use_image(asset.id, c.get("image"))


def _names(ctx: ScopeContext, label: str, items: Iterator[dict[str, Any]], key: str) -> list[str]:
    return [name for name, _ in listed(ctx, label, items, key)]


def _collect_notebooks(ctx: ScopeContext, client: Any) -> None:
    names = _names(
        ctx, "notebook instance", list_notebook_instances(client), "NotebookInstanceName"
    )
    _prefetch_tags(ctx, "sagemaker:notebook-instance", names)
    read = ctx.each("notebook instance", _read_notebook, names, ctx, client)
    # Notebooks share lifecycle configs: each one is read once, after all notebooks are known,
    # so the worker threads never race on a shared cache.
    wanted = dict.fromkeys(r[1] for r in read if r is not None and r[1] is not None)
    configs = dict(
        zip(wanted, ctx.each("lifecycle config", _lifecycle, wanted, client), strict=True)
    )
    scps = organizations.guardrails(ctx) if names else None  # once per account
    for name, one in zip(names, read, strict=True):
        if one is not None:
            payload, config_name, tags = one
            lifecycle = configs.get(config_name) if config_name is not None else None
            ctx.section(
                f"notebook instance {name}", _add_notebook, ctx, payload, lifecycle, tags, scps
            )


def _read_notebook(
    ctx: ScopeContext, client: Any, name: str
) -> tuple[dict[str, Any], str | None, dict[str, str]]:
    """(DescribeNotebookInstance, its lifecycle config name, its tags)."""
    payload = describe_notebook_instance(client, name)
    config_name = _opt(payload, "NotebookInstanceLifecycleConfigName")
    arn = _req(payload, "NotebookInstanceArn")
    return payload, config_name, _tags(ctx, client, "sagemaker:notebook-instance", arn)


def _add_notebook(
    ctx: ScopeContext,
    payload: dict[str, Any],
    lifecycle: dict[str, Any] | None,
    tags: dict[str, str],
    scps: dict[str, Any] | None,
) -> None:
    asset = to_notebook(payload, lifecycle=lifecycle, tags=tags, scp_guardrails=scps, **_where(ctx))
    ctx.add(asset)
    ctx.use_role(asset.id, asset.attributes.get("role_arn"))


def _lifecycle(client: Any, name: str) -> dict[str, Any]:
    return lifecycle_facts(describe_lifecycle_config(client, name))


def _collect_registry(ctx: ScopeContext, client: Any) -> None:
    groups = dict(
        listed(
            ctx, "model package group", list_model_package_groups(client), "ModelPackageGroupName"
        )
    )
    per_group = ctx.each("model package group", _one_group, groups, ctx, client, groups)
    per_group.append(ctx.section("unversioned model packages", _packages, ctx, client, None))
    # Packages of all groups are described together, so no pool runs inside another.
    arns = [arn for group in per_group for arn in group or []]
    ctx.each("model package", _one_package, arns, ctx, client)


def _one_group(
    ctx: ScopeContext, client: Any, groups: Mapping[str, dict[str, Any]], name: str
) -> list[str]:
    ctx.add(to_model_package_group(groups[name], **_where(ctx)))
    return _packages(ctx, client, name)


def _packages(ctx: ScopeContext, client: Any, group: str | None) -> list[str]:
    return _names(ctx, "model package", list_model_packages(client, group), "ModelPackageArn")


def _one_package(ctx: ScopeContext, client: Any, arn: str) -> None:
    asset = to_model_package(
        describe_model_package(client, arn), partition=ctx.partition, **_where(ctx)
    )
    ctx.add(asset)
    group = group_of_package(asset.id)
    ctx.relate(asset.id, RelationType.MEMBER_OF, group)
    _relate_runtime(ctx, asset)
    for c in asset.attributes["containers"]:
        ctx.use_bucket(asset.id, c.get("artifact_uri"), RelationType.STORES_ARTIFACT_IN)


def _model_arn(ctx: ScopeContext, models: Mapping[str, Asset], name: str) -> str:
    known = models.get(name)
    # SageMaker lowercases resource names in ARNs.
    return known.id if known is not None else ctx.arn("sagemaker", f"model/{name.lower()}")


def _collect_schedules(ctx: ScopeContext, client: Any) -> dict[str, list[dict[str, Any]]] | None:
    """Monitoring schedules by endpoint name."""
    summaries = dict(
        listed(
            ctx, "monitoring schedule", list_monitoring_schedules(client), "MonitoringScheduleName"
        )
    )
    read = ctx.each("monitoring schedule", _one_schedule, summaries, ctx, client, summaries)
    if any(one is None for one in read):
        # A malformed schedule leaves every endpoint's monitoring unknown (absent), as a
        # failure of the whole listing would, rather than silently undercounted.
        return None
    by_endpoint: dict[str, list[dict[str, Any]]] = {}
    for one in read:
        if one is not None and one[0] and one[1] is not None:
            by_endpoint.setdefault(one[0], []).append(one[1])
    return by_endpoint


def _one_schedule(
    ctx: ScopeContext, client: Any, summaries: Mapping[str, dict[str, Any]], name: str
) -> tuple[str | None, dict[str, Any] | None]:
    """(endpoint name, monitoring entry) of one schedule; the entry is None if unreadable."""
    summary = summaries[name]
    schedule = ctx.section(
        f"monitoring schedule {name}", describe_monitoring_schedule, client, name
    )
    definition = None
    cfg = _map(schedule, "MonitoringScheduleConfig") if schedule else {}
    def_name = _opt(cfg, "MonitoringJobDefinitionName") or _opt(
        summary, "MonitoringJobDefinitionName"
    )
    def_type = _opt(cfg, "MonitoringType") or _opt(summary, "MonitoringType")
    if not _map(cfg, "MonitoringJobDefinition") and def_name and def_type in _JOB_DEFINITION_CALLS:
        definition = ctx.section(
            f"monitoring job definition {def_name}",
            ctx.once,
            ("job definition", def_type, def_name),
            describe_job_definition,
            client,
            def_type,
            def_name,
        )
    endpoint = _opt(summary, "EndpointName") or _opt(schedule, "EndpointName")
    entry = ctx.section(
        f"monitoring schedule {name}", monitoring_entry, summary, schedule, definition
    )
    return endpoint, entry


def _endpoint_inputs(
    schedules: Mapping[str, list[dict[str, Any]]] | None,
    ctx: ScopeContext,
    name: str,
    payload: Mapping[str, Any],
) -> dict[str, Any]:
    """The endpoint config (read once per config, None if unreadable), the schedules watching
    the endpoint (None if they could not be listed) and its tags."""
    client = ctx.client(SERVICE)
    config_name = _opt(payload, "EndpointConfigName")
    config = (
        ctx.section(
            f"endpoint config {config_name}",
            ctx.once,
            ("endpoint config", config_name),
            describe_endpoint_config,
            client,
            config_name,
        )
        if config_name
        else None
    )
    arn = _req(payload, "EndpointArn")
    monitoring = None if schedules is None else list(schedules.get(name, []))
    tags = _tags(ctx, client, "sagemaker:endpoint", arn)
    return {"config": config, "monitoring": monitoring, "tags": tags}


def _relate_endpoint(models: Mapping[str, Asset], ctx: ScopeContext, asset: Asset) -> None:
    for variant in asset.attributes.get("variants") or []:
        for model_name in variant["model_names"]:
            ctx.relate(asset.id, RelationType.SERVES, _model_arn(ctx, models, model_name))
    capture = asset.attributes.get("data_capture") or {}
    if capture.get("enabled"):
        ctx.use_bucket(asset.id, capture.get("destination"), RelationType.WRITES_DATA_TO)
    async_out = asset.attributes.get("async_output") or {}
    ctx.use_bucket(asset.id, async_out.get("destination"), RelationType.WRITES_DATA_TO)


def _relate_job_data(ctx: ScopeContext, asset: Asset) -> None:
    for uri in asset.attributes.get("input_uris") or []:
        ctx.use_bucket(asset.id, uri, RelationType.READS_DATA_FROM)
    outputs = asset.attributes.get("output_uris") or [asset.attributes.get("output_uri")]
    for uri in outputs:
        ctx.use_bucket(asset.id, uri, RelationType.WRITES_DATA_TO)


def _link_produced_by(
    ctx: ScopeContext, models: Mapping[str, Asset], artifacts: Mapping[str, str]
) -> None:
    if not artifacts:
        return
    for model in models.values():
        for c in model.attributes.get("containers") or []:
            uri = c.get("artifact_uri")
            if not uri:
                continue
            for prefix, job_arn in artifacts.items():
                if uri.startswith(prefix):
                    ctx.relate(model.id, RelationType.PRODUCED_BY, job_arn)
