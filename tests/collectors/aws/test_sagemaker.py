"""SageMaker collector: pure transforms on recorded payloads, and the real collector under moto."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from moto import mock_aws

from aiscan.collectors.aws import sagemaker
from aiscan.core.inventory import Inventory
from aiscan.core.model import AssetKind, CoverageStatus, RelationType
from tests import awsfake

DATA = Path(__file__).resolve().parents[2] / "data" / "aws"
ACCOUNT, REGION = "123456789012", "us-east-1"
WHERE = {"account": ACCOUNT, "region": REGION}
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sm-exec"
ECR = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"
SM_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}"
_SERVICE_MODEL = botocore.session.get_session().get_service_model("sagemaker")


def _check_shape(shape: Any, value: Any, path: str) -> None:
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(value, dict), path
        for key, item in value.items():
            assert key in shape.members, f"{path}.{key} is not in the botocore shape"
            _check_shape(shape.members[key], item, f"{path}.{key}")
    elif kind == "list":
        assert isinstance(value, list), path
        for i, item in enumerate(value):
            _check_shape(shape.member, item, f"{path}[{i}]")
    elif kind == "map":
        assert isinstance(value, dict), path
        for key, item in value.items():
            _check_shape(shape.value, item, f"{path}[{key}]")
    elif kind in ("string", "timestamp"):
        assert isinstance(value, str), path
    elif kind in ("integer", "long"):
        assert isinstance(value, int) and not isinstance(value, bool), path
    elif kind == "boolean":
        assert isinstance(value, bool), path
    elif kind in ("float", "double"):
        assert isinstance(value, int | float), path


def load(operation: str) -> dict[str, Any]:
    """A recorded response (``Operation`` or ``Operation__variant``), checked against botocore's
    output shape for that operation."""
    payload: dict[str, Any] = json.loads((DATA / f"sagemaker_{operation}.json").read_text())
    op = operation.split("__")[0]
    _check_shape(_SERVICE_MODEL.operation_model(op).output_shape, payload, operation)
    return payload


# -- transforms -----------------------------------------------------------------------------------


def test_notebook_with_lifecycle_keeps_hashes_and_secret_locations_not_script_text():
    lifecycle = sagemaker.lifecycle_facts(load("DescribeNotebookInstanceLifecycleConfig"))
    nb = sagemaker.to_notebook(load("DescribeNotebookInstance"), lifecycle=lifecycle, **WHERE)

    assert nb.id == f"{SM_ARN}:notebook-instance/research-nb"
    assert nb.kind is AssetKind.NOTEBOOK
    assert nb.type == "AWS::SageMaker::NotebookInstance"
    a = nb.attributes
    assert a["direct_internet_access"] is False
    assert a["root_access"] is False
    assert a["vpc"] is True
    assert a["imds_v2_required"] is True
    assert a["platform_identifier"] == "notebook-al2023-v1"
    assert a["kms_key"].endswith("key/1111aaaa-2222-3333-4444-555566667777")
    assert [(s["hook"], s["index"]) for s in a["lifecycle_config"]["scripts"]] == [
        ("OnCreate", 0),
        ("OnStart", 0),
    ]
    assert all(len(s["sha256"]) == 64 for s in a["lifecycle_config"]["scripts"])
    assert {(s["location"], s["kind"]) for s in a["secrets"]} == {
        ("lifecycle-config/install-deps/OnStart[0]:3", "aws-access-key-id"),
        ("lifecycle-config/install-deps/OnStart[0]:4", "secret-named-variable"),
    }
    dumped = nb.model_dump_json()
    assert "AKIAIOSFODNN7EXAMPLE" not in dumped
    assert "correct-horse-battery" not in dumped


def test_notebook_without_imds_config_or_subnet_reads_as_defaults():
    payload = load("DescribeNotebookInstance")
    for key in ("InstanceMetadataServiceConfiguration", "SubnetId", "KmsKeyId", "RootAccess"):
        payload.pop(key)
    payload["NotebookInstanceLifecycleConfigName"] = "unreadable"
    nb = sagemaker.to_notebook(payload, lifecycle=None, **WHERE)

    assert nb.attributes["imds_v2_required"] is False  # the API default is version 1
    assert nb.attributes["vpc"] is False
    assert nb.attributes["kms_key"] is None
    assert "root_access" not in nb.attributes  # not read, so absent rather than guessed
    assert "secrets" not in nb.attributes  # the lifecycle config could not be read


def test_multi_container_model_redacts_env_and_reads_hub_and_registry_facts():
    model = sagemaker.to_model(load("DescribeModel"), **WHERE)

    a = model.attributes
    assert model.id == f"{SM_ARN}:model/churn-pipeline"
    assert str(model.created_at) == "2026-10-01 12:00:00+00:00"
    assert a["network_isolation"] is True
    assert a["vpc"] is True
    assert [c["name"] for c in a["containers"]] == ["preprocess", "llm", "registered"]
    pre, llm, reg = a["containers"]
    assert pre["repository_access_mode"] == "Vpc"
    assert pre["artifact_uri"] == "s3://ml-artifacts-prod/churn/preprocess/"
    assert pre["environment"]["OPENAI_API_KEY"] == "<redacted>"
    assert llm["repository_access_mode"] is None
    assert llm["environment"]["HF_TOKEN"] == "<redacted>"
    assert reg["model_package"] == f"{SM_ARN}:model-package/churn-models/3"
    assert reg["image"] is None
    assert a["hub_model"] == {
        "repo_id": "acme/churn-llm",
        "revision": "0123456789abcdef0123456789abcdef01234567",
        "pinned": True,
        "variable": "HF_MODEL_ID",
    }
    assert a["trust_remote_code"] == "HF_MODEL_TRUST_REMOTE_CODE"
    assert {(s["location"], s["name"]) for s in a["secrets"]} == {
        ("Containers[0].Environment", "OPENAI_API_KEY"),
        ("Containers[1].Environment", "HF_TOKEN"),
    }
    dumped = model.model_dump_json()
    assert "hf_abcdefghij" not in dumped
    assert "sk-proj-abc" not in dumped


def test_endpoint_joins_config_variants_capture_and_monitoring():
    schedule = load("DescribeMonitoringSchedule")
    summary = {k: schedule[k] for k in ("MonitoringScheduleName", "MonitoringType")}
    entry = sagemaker.monitoring_entry(summary, schedule, None)
    ep = sagemaker.to_endpoint(
        load("DescribeEndpoint"), load("DescribeEndpointConfig"), monitoring=[entry], **WHERE
    )

    a = ep.attributes
    assert ep.kind is AssetKind.ENDPOINT
    assert a["endpoint_url"].endswith("/endpoints/churn-prod/invocations")
    assert [(v["name"], v["model_name"], v["serverless"], v["shadow"]) for v in a["variants"]] == [
        ("primary", "churn-pipeline", False, False),
        ("cheap", "churn-small", True, False),
        ("shadow", "churn-candidate", False, True),
    ]
    assert a["kms_key"] is None
    assert a["data_capture"] == {
        "enabled": True,
        "kms_key": None,
        "destination": "s3://ml-capture-prod/churn",
    }
    assert a["async_output"]["kms_key"].endswith("key/async")
    assert a["monitoring_schedules"] == 1
    assert a["monitoring"] == [
        {
            "name": "churn-quality",
            "type": "DataQuality",
            "status": None,
            "network_isolation": False,
            "inter_container_encryption": True,
        }
    ]


def test_endpoint_without_readable_config_or_schedules_leaves_facts_absent():
    ep = sagemaker.to_endpoint(load("DescribeEndpoint"), None, monitoring=None, **WHERE)
    for key in ("variants", "kms_key", "data_capture", "monitoring_schedules"):
        assert key not in ep.attributes


def test_training_job_redacts_hyperparameters_and_records_data_and_encryption():
    job = sagemaker.to_training_job(load("DescribeTrainingJob"), **WHERE)

    a = job.attributes
    assert job.kind is AssetKind.TRAINING_JOB
    assert a["job_type"] == "training"
    assert a["input_uris"] == ["s3://ml-training-data/churn/train/"]
    assert a["output_uri"] == "s3://ml-artifacts-prod/churn/"
    assert a["model_artifacts"].endswith("churn-train-2026-10-01/output/model.tar.gz")
    assert a["instance_count"] == 4
    assert a["network_isolation"] is False
    assert a["vpc"] is False
    assert a["inter_container_encryption"] is False
    assert a["volume_kms_key"] is None
    assert a["output_kms_key"] is None
    assert a["trust_remote_code"] == "TRUST_REMOTE_CODE"
    assert a["secrets"] == [
        {"location": "HyperParameters", "name": "wandb_api_key", "kind": "secret-named-variable"}
    ]
    assert job.raw["HyperParameters"]["wandb_api_key"] == "<redacted>"
    assert job.raw["HyperParameters"]["epochs"] == "3"


def test_processing_and_transform_jobs():
    proc = sagemaker.to_processing_job(load("DescribeProcessingJob"), **WHERE)
    assert proc.attributes["job_type"] == "processing"
    assert proc.attributes["network_isolation"] is True
    assert proc.attributes["vpc"] is True
    assert proc.attributes["volume_kms_key"].endswith("key/vol")
    assert proc.attributes["output_uris"] == ["s3://ml-features/churn/"]
    assert [s["kind"] for s in proc.attributes["secrets"]] == ["github-token"]
    assert "ghp_abc" not in proc.model_dump_json()

    tr = sagemaker.to_transform_job(load("DescribeTransformJob"), **WHERE)
    assert tr.type == "AWS::SageMaker::TransformJob"
    assert tr.attributes["model_name"] == "churn-pipeline"
    assert tr.attributes["volume_kms_key"] is None
    assert "inter_container_encryption" not in tr.attributes


def test_pipeline_steps_skip_expressions_and_redact_step_environment():
    pipe = sagemaker.to_pipeline(load("DescribePipeline"), **WHERE)

    assert pipe.attributes["steps"] == [
        {"name": "Prep", "type": "Processing", "images": [f"{ECR}/prep:1"], "role_arn": ROLE_SVC},
        {
            "name": "Train",
            "type": "Training",
            "images": [],
            "role_arn": f"arn:aws:iam::{ACCOUNT}:role/pipeline-train",
        },
    ]
    assert pipe.attributes["secrets"][0]["name"] == "HF_TOKEN"
    assert "hf_abcdefghij" not in pipe.model_dump_json()


ROLE_SVC = f"arn:aws:iam::{ACCOUNT}:role/service-role/AmazonSageMaker-ExecutionRole"


@pytest.mark.parametrize("definition", ["{not json", "[]", '{"Steps": "x"}', None, "7"])
def test_pipeline_with_garbage_definition_is_kept_without_steps(definition: Any):
    payload = load("DescribePipeline")
    payload["PipelineDefinition"] = definition
    pipe = sagemaker.to_pipeline(payload, **WHERE)
    assert pipe.attributes["role_arn"].endswith("role/pipeline-exec")
    assert "steps" not in pipe.attributes


def test_domain_feature_group_and_model_package():
    dom = sagemaker.to_domain(load("DescribeDomain"), **WHERE)
    assert dom.kind is AssetKind.WORKSPACE
    assert dom.attributes["app_network_access_type"] == "PublicInternetOnly"
    assert dom.attributes["kms_key"] is None
    assert dom.attributes["vpc"] is True

    fg = sagemaker.to_feature_group(load("DescribeFeatureGroup"), **WHERE)
    assert fg.kind is AssetKind.DATASET
    assert fg.attributes["offline_store"]["kms_key"].endswith("key/fs")
    assert fg.attributes["offline_store"]["s3_uri"].startswith("s3://ml-features/customers/")
    assert fg.attributes["online_store"] == {
        "enabled": True,
        "kms_key": None,
        "storage_type": "Standard",
    }

    pkg = sagemaker.to_model_package(load("DescribeModelPackage"), **WHERE)
    assert pkg.id == f"{SM_ARN}:model-package/churn-models/3"
    assert pkg.attributes["approval_status"] == "PendingManualApproval"
    assert pkg.attributes["containers"][0]["image"] == f"{ECR}/churn:3"
    assert sagemaker.group_of_package(pkg.id) == f"{SM_ARN}:model-package-group/churn-models"


@pytest.mark.parametrize(
    "mutate",
    [
        lambda p: p.pop("NotebookInstanceArn"),
        lambda p: p.update(SubnetId=42),
        lambda p: p.update(SecurityGroups="sg-1"),
        lambda p: p.update(InstanceMetadataServiceConfiguration=["2"]),
    ],
)
def test_malformed_notebook_payload_raises_for_the_section_to_record(mutate: Any):
    payload = load("DescribeNotebookInstance")
    mutate(payload)
    with pytest.raises((KeyError, TypeError)):
        sagemaker.to_notebook(payload, **WHERE)


# -- the real collector under moto ----------------------------------------------------------------


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _seed() -> dict[str, Any]:
    sm = boto3.client("sagemaker", region_name=REGION)
    sm.create_notebook_instance_lifecycle_config(
        NotebookInstanceLifecycleConfigName="setup",
        OnStart=[{"Content": _b64("#!/bin/bash\nexport HF_TOKEN=hf_" + "a" * 34 + "\n")}],
    )
    sm.create_notebook_instance(
        NotebookInstanceName="open-nb",
        InstanceType="ml.t3.medium",
        RoleArn=ROLE,
        DirectInternetAccess="Enabled",
        RootAccess="Enabled",
        LifecycleConfigName="setup",
        Tags=[{"Key": "team", "Value": "research"}],
    )
    sm.create_model_package_group(ModelPackageGroupName="churn")
    pkg = sm.create_model_package(
        ModelPackageGroupName="churn",
        ModelApprovalStatus="Approved",
        InferenceSpecification={
            "Containers": [
                {"Image": f"{ECR}/churn:1", "ModelDataUrl": "s3://ml-artifacts/pkg/model.tar.gz"}
            ],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    )["ModelPackageArn"]
    sm.create_training_job(
        TrainingJobName="train-1",
        AlgorithmSpecification={"TrainingImage": f"{ECR}/train:1", "TrainingInputMode": "File"},
        RoleArn=ROLE,
        InputDataConfig=[
            {
                "ChannelName": "train",
                "DataSource": {
                    "S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://ml-data/train"}
                },
            }
        ],
        OutputDataConfig={"S3OutputPath": "s3://ml-artifacts/"},
        ResourceConfig={"InstanceType": "ml.p3.2xlarge", "InstanceCount": 2, "VolumeSizeInGB": 50},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        HyperParameters={"api_key": "do-not-store-this-value"},
    )
    artifacts = sm.describe_training_job(TrainingJobName="train-1")["ModelArtifacts"]
    sm.create_model(
        ModelName="churn-model",
        ExecutionRoleArn=ROLE,
        PrimaryContainer={
            "Image": f"{ECR}/inf:1",
            "ModelDataUrl": artifacts["S3ModelArtifacts"],
            "Environment": {"HF_MODEL_ID": "acme/churn", "HF_TOKEN": "hf_" + "b" * 34},
        },
        Tags=[{"Key": "owner", "Value": "ml"}],
    )
    sm.create_model(
        ModelName="registered-model",
        ExecutionRoleArn=ROLE,
        PrimaryContainer={"ModelPackageName": pkg},
    )
    sm.create_endpoint_config(
        EndpointConfigName="churn-config",
        ProductionVariants=[
            {
                "VariantName": "a",
                "ModelName": "churn-model",
                "InitialInstanceCount": 1,
                "InstanceType": "ml.g4dn.xlarge",
            },
            {
                "VariantName": "b",
                "ModelName": "registered-model",
                "InitialInstanceCount": 1,
                "InstanceType": "ml.p3.2xlarge",
            },
        ],
        DataCaptureConfig={
            "EnableCapture": True,
            "InitialSamplingPercentage": 50,
            "DestinationS3Uri": "s3://ml-capture/churn",
            "CaptureOptions": [{"CaptureMode": "Input"}],
        },
    )
    sm.create_endpoint(EndpointName="churn", EndpointConfigName="churn-config")
    sm.create_processing_job(
        ProcessingJobName="prep-1",
        ProcessingResources={
            "ClusterConfig": {
                "InstanceCount": 1,
                "InstanceType": "ml.m5.xlarge",
                "VolumeSizeInGB": 10,
            }
        },
        AppSpecification={"ImageUri": f"{ECR}/prep:1"},
        RoleArn=ROLE,
        StoppingCondition={"MaxRuntimeInSeconds": 600},
        ProcessingInputs=[
            {
                "InputName": "raw",
                "S3Input": {
                    "S3Uri": "s3://ml-raw/in",
                    "LocalPath": "/opt/ml/processing/input",
                    "S3DataType": "S3Prefix",
                    "S3InputMode": "File",
                },
            }
        ],
    )
    sm.create_transform_job(
        TransformJobName="batch-1",
        ModelName="churn-model",
        TransformInput={
            "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://ml-batch/in"}}
        },
        TransformOutput={"S3OutputPath": "s3://ml-batch-out/"},
        TransformResources={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1},
    )
    sm.create_pipeline(
        PipelineName="churn-pipe",
        RoleArn=ROLE,
        PipelineDefinition=json.dumps(
            {
                "Version": "2020-12-01",
                "Steps": [
                    {
                        "Name": "Train",
                        "Type": "Training",
                        "Arguments": {
                            "AlgorithmSpecification": {"TrainingImage": f"{ECR}/train:1"},
                            "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/pipe-step",
                        },
                    }
                ],
            }
        ),
    )
    domain = sm.create_domain(
        DomainName="studio",
        AuthMode="IAM",
        DefaultUserSettings={"ExecutionRole": ROLE},
        SubnetIds=["subnet-1"],
        VpcId="vpc-1",
        AppNetworkAccessType="PublicInternetOnly",
    )["DomainArn"]
    sm.create_feature_group(
        FeatureGroupName="customers",
        RecordIdentifierFeatureName="id",
        EventTimeFeatureName="ts",
        FeatureDefinitions=[
            {"FeatureName": "id", "FeatureType": "String"},
            {"FeatureName": "ts", "FeatureType": "String"},
        ],
        OfflineStoreConfig={"S3StorageConfig": {"S3Uri": "s3://ml-features/customers"}},
        RoleArn=ROLE,
    )
    fg = sm.describe_feature_group(FeatureGroupName="customers")
    # Not scanned: another region.
    boto3.client("sagemaker", region_name="us-west-2").create_model(
        ModelName="elsewhere", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": f"{ECR}/x:1"}
    )
    return {"package": pkg, "domain": domain, "feature_group": fg}


def _moto_gaps(seeded: dict[str, Any] | None = None) -> dict[str, awsfake.Handler]:
    """Canned answers for the SageMaker reads moto does not implement."""
    groups = []
    if seeded is not None:
        fg = seeded["feature_group"]
        groups = [
            {
                "FeatureGroupName": fg["FeatureGroupName"],
                "FeatureGroupArn": fg["FeatureGroupArn"],
                "CreationTime": fg["CreationTime"],
                "FeatureGroupStatus": "Created",
            }
        ]
    schedules = [
        {
            "MonitoringScheduleName": "churn-quality",
            "MonitoringScheduleArn": f"{SM_ARN}:monitoring-schedule/churn-quality",
            "CreationTime": "2026-10-01T12:00:00Z",
            "LastModifiedTime": "2026-10-01T12:00:00Z",
            "MonitoringScheduleStatus": "Scheduled",
            "EndpointName": "churn",
            "MonitoringType": "DataQuality",
        }
    ]
    return {
        "before-call.sagemaker.ListFeatureGroups": awsfake.canned(
            {"FeatureGroupSummaries": groups}
        ),
        "before-call.sagemaker.ListInferenceExperiments": awsfake.canned(
            {"InferenceExperiments": []}
        ),
        "before-call.sagemaker.ListMonitoringSchedules": awsfake.canned(
            {"MonitoringScheduleSummaries": schedules if seeded is not None else []}
        ),
        "before-call.sagemaker.DescribeMonitoringSchedule": awsfake.canned(
            load("DescribeMonitoringSchedule")
        ),
    }


def _rels(inv: Inventory, source: str) -> set[tuple[str, str]]:
    return {(r.type.value, r.target) for r in inv.outgoing(source)}


@mock_aws
def test_collector_reads_the_sagemaker_estate_with_relations():
    seeded = _seed()
    inv = awsfake.collect(services=("sagemaker",), handlers=_moto_gaps(seeded))

    (cov,) = inv.coverage
    assert cov.status is CoverageStatus.OK, cov.message
    nb_arn, model_arn = f"{SM_ARN}:notebook-instance/open-nb", f"{SM_ARN}:model/churn-model"
    ep_arn, job_arn = f"{SM_ARN}:endpoint/churn", f"{SM_ARN}:training-job/train-1"
    group_arn = f"{SM_ARN}:model-package-group/churn"
    kinds = {a.id: a.kind for a in inv.assets}
    assert kinds == {
        nb_arn: AssetKind.NOTEBOOK,
        model_arn: AssetKind.MODEL,
        f"{SM_ARN}:model/registered-model": AssetKind.MODEL,
        seeded["package"]: AssetKind.MODEL,
        group_arn: AssetKind.MODEL_REGISTRY,
        ep_arn: AssetKind.ENDPOINT,
        job_arn: AssetKind.TRAINING_JOB,
        f"{SM_ARN}:processing-job/prep-1": AssetKind.TRAINING_JOB,
        f"{SM_ARN}:transform-job/batch-1": AssetKind.TRAINING_JOB,
        f"{SM_ARN}:pipeline/churn-pipe": AssetKind.PIPELINE,
        seeded["domain"]: AssetKind.WORKSPACE,
        seeded["feature_group"]["FeatureGroupArn"]: AssetKind.DATASET,
    }
    assert not any("elsewhere" in i for i in kinds), "a model in an unscanned region"

    nb = inv.get(nb_arn)
    assert nb is not None
    assert nb.attributes["direct_internet_access"] is True
    assert nb.attributes["root_access"] is True
    assert nb.attributes["secrets"][0]["kind"] == "huggingface-token"
    assert nb.tags == {"team": "research"}
    assert _rels(inv, nb_arn) == {("runs-as", ROLE)}

    model = inv.get(model_arn)
    assert model is not None
    assert model.tags == {"owner": "ml"}
    assert model.attributes["hub_model"]["repo_id"] == "acme/churn"
    assert "hf_bbbb" not in model.model_dump_json()
    assert _rels(inv, model_arn) == {
        ("runs-as", ROLE),
        ("pulls-image", f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/inf"),
        ("stores-artifact-in", "arn:aws:s3:::ml-artifacts"),
        ("produced-by", job_arn),
    }
    assert ("member-of", group_arn) in _rels(inv, f"{SM_ARN}:model/registered-model")
    assert ("member-of", group_arn) in _rels(inv, seeded["package"])
    pkg = inv.get(seeded["package"])
    assert pkg is not None and pkg.attributes["approval_status"] == "Approved"

    ep = inv.get(ep_arn)
    assert ep is not None
    assert [v["instance_type"] for v in ep.attributes["variants"]] == [
        "ml.g4dn.xlarge",
        "ml.p3.2xlarge",
    ]
    assert ep.attributes["monitoring_schedules"] == 1
    assert ep.attributes["monitoring"][0]["network_isolation"] is False
    assert _rels(inv, ep_arn) == {
        ("serves", model_arn),
        ("serves", f"{SM_ARN}:model/registered-model"),
        ("writes-data-to", "arn:aws:s3:::ml-capture"),
    }

    job = inv.get(job_arn)
    assert job is not None
    assert job.attributes["instance_count"] == 2
    assert job.attributes["secrets"][0]["name"] == "api_key"
    assert "do-not-store-this-value" not in job.model_dump_json()
    assert _rels(inv, job_arn) >= {
        ("reads-data-from", "arn:aws:s3:::ml-data"),
        ("writes-data-to", "arn:aws:s3:::ml-artifacts"),
        ("runs-as", ROLE),
    }
    assert ("uses-model", model_arn) in _rels(inv, f"{SM_ARN}:transform-job/batch-1")
    assert ("reads-data-from", "arn:aws:s3:::ml-raw") in _rels(
        inv, f"{SM_ARN}:processing-job/prep-1"
    )
    assert _rels(inv, f"{SM_ARN}:pipeline/churn-pipe") == {
        ("runs-as", ROLE),
        ("runs-as", f"arn:aws:iam::{ACCOUNT}:role/pipe-step"),
        ("pulls-image", f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/train"),
    }
    assert _rels(inv, seeded["domain"]) == {("runs-as", ROLE)}
    fg_arn = seeded["feature_group"]["FeatureGroupArn"]
    assert _rels(inv, fg_arn) == {("runs-as", ROLE), ("writes-data-to", "arn:aws:s3:::ml-features")}
    assert all(r.type is not RelationType.SERVES or r.source == ep_arn for r in inv.relations)


@mock_aws
def test_denied_list_models_marks_coverage_denied_but_keeps_notebooks():
    _seed()
    handlers = {
        **_moto_gaps(),
        "before-call.sagemaker.ListModels": awsfake.error("AccessDeniedException"),
    }
    inv = awsfake.collect(services=("sagemaker",), handlers=handlers)

    (cov,) = inv.coverage
    assert cov.status is CoverageStatus.DENIED
    assert "ListModels" in cov.message
    assert inv.get(f"{SM_ARN}:notebook-instance/open-nb") is not None
    assert not [a for a in inv.assets if a.type == "AWS::SageMaker::Model"]
    # endpoints still say what they serve, from the ARNs the config names
    served = {r.target for r in inv.outgoing(f"{SM_ARN}:endpoint/churn", RelationType.SERVES)}
    assert served == {f"{SM_ARN}:model/churn-model", f"{SM_ARN}:model/registered-model"}


@mock_aws
def test_malformed_notebook_payload_is_an_error_in_coverage_not_a_crash():
    _seed()
    handlers = {
        **_moto_gaps(),
        "before-call.sagemaker.DescribeNotebookInstance": awsfake.canned(
            {"NotebookInstanceName": "open-nb", "SubnetId": 7, "SecurityGroups": "sg"}
        ),
    }
    inv = awsfake.collect(services=("sagemaker",), handlers=handlers)

    (cov,) = inv.coverage
    assert cov.status is CoverageStatus.ERROR
    assert "notebook instance open-nb" in cov.message
    assert not list(inv.of_kind(AssetKind.NOTEBOOK))
    assert inv.get(f"{SM_ARN}:endpoint/churn") is not None  # the rest was still read


@mock_aws
def test_only_the_most_recent_jobs_are_read(monkeypatch: pytest.MonkeyPatch):
    # the row's bound (MAX_RECENT_JOBS) lowered to 2
    monkeypatch.setattr(sagemaker, "TRAINING_JOBS", replace(sagemaker.TRAINING_JOBS, limit=2))
    sm = boto3.client("sagemaker", region_name=REGION)
    for name in ("job-old", "job-mid", "job-new"):
        sm.create_training_job(
            TrainingJobName=name,
            AlgorithmSpecification={"TrainingImage": f"{ECR}/t:1", "TrainingInputMode": "File"},
            RoleArn=ROLE,
            OutputDataConfig={"S3OutputPath": "s3://out/"},
            ResourceConfig={
                "InstanceType": "ml.m5.xlarge",
                "InstanceCount": 1,
                "VolumeSizeInGB": 5,
            },
            StoppingCondition={"MaxRuntimeInSeconds": 60},
        )
    summaries = sm.list_training_jobs()["TrainingJobSummaries"]
    seen: list[dict[str, Any]] = []

    def newest_first(params: dict[str, Any]) -> dict[str, Any]:
        # moto ignores SortOrder for this operation; answer as AWS would.
        seen.append(params)
        ordered = sorted(summaries, key=lambda s: s["CreationTime"], reverse=True)
        if params.get("SortOrder") != "Descending":
            ordered.reverse()
        return {"TrainingJobSummaries": ordered}

    handlers = {
        **_moto_gaps(),
        "before-call.sagemaker.ListTrainingJobs": awsfake.canned(newest_first),
    }
    inv = awsfake.collect(services=("sagemaker",), handlers=handlers)

    names = {a.name for a in inv.of_kind(AssetKind.TRAINING_JOB)}
    assert names == {"job-mid", "job-new"}
    assert seen[0]["SortBy"] == "CreationTime"
    assert inv.coverage[0].status is CoverageStatus.OK


# -- table rows: tuning, AutoML and inference experiments ----------------------------------------

WHERE = {"account": ACCOUNT, "region": REGION}


def test_tuning_job_transform_reads_the_definition_and_redacts_it():
    payload = load("DescribeHyperParameterTuningJob")
    asset = sagemaker.to_tuning_job(payload, **WHERE)

    assert asset.type == "AWS::SageMaker::HyperParameterTuningJob"
    assert asset.id == payload["HyperParameterTuningJobArn"]
    a = asset.attributes
    assert (a["network_isolation"], a["vpc"], a["inter_container_encryption"]) == (
        False,
        False,
        False,
    )
    assert (a["instance_count"], a["volume_kms_key"], a["output_kms_key"]) == (2, None, None)
    assert a["role_arns"] == [f"arn:aws:iam::{ACCOUNT}:role/sm-train"]
    assert a["input_uris"] == ["s3://ml-training-data/churn/train/"]
    # the static hyper-parameters carry a Hugging Face token: never in the output
    token = payload["TrainingJobDefinition"]["StaticHyperParameters"]["HF_TOKEN"]
    assert token not in json.dumps(asset.raw)
    assert asset.raw["TrainingJobDefinition"]["StaticHyperParameters"]["num_round"] == "100"
    hardened = sagemaker.to_tuning_job(load("DescribeHyperParameterTuningJob__hardened"), **WHERE)
    assert hardened.attributes["network_isolation"] and hardened.attributes["vpc"]
    assert hardened.attributes["output_kms_key"].startswith("arn:aws:kms:")


def test_tuning_job_with_several_definitions_holds_a_setting_only_if_all_do():
    secure = load("DescribeHyperParameterTuningJob__hardened")["TrainingJobDefinition"]
    weak = load("DescribeHyperParameterTuningJob")["TrainingJobDefinition"]
    payload = {
        k: v
        for k, v in load("DescribeHyperParameterTuningJob").items()
        if k != "TrainingJobDefinition"
    }
    payload["TrainingJobDefinitions"] = [secure, {**weak, "RoleArn": ROLE}]
    a = sagemaker.to_tuning_job(payload, **WHERE).attributes
    assert a["definitions"] == 2
    assert (a["network_isolation"], a["vpc"], a["output_kms_key"]) == (False, False, None)
    assert a["role_arns"] == sorted({secure["RoleArn"], ROLE})
    with pytest.raises(TypeError):
        sagemaker.to_tuning_job({**payload, "TrainingJobDefinitions": []}, **WHERE)


def test_automl_and_experiment_transforms():
    automl = sagemaker.to_automl_job(load("DescribeAutoMLJobV2"), **WHERE).attributes
    assert (automl["vpc"], automl["inter_container_encryption"]) == (False, False)
    assert (automl["volume_kms_key"], automl["output_kms_key"]) == (None, None)
    assert automl["problem_type"] == "Tabular"
    secure = sagemaker.to_automl_job(load("DescribeAutoMLJobV2__hardened"), **WHERE).attributes
    assert secure["vpc"] and secure["inter_container_encryption"] and secure["volume_kms_key"]

    exp = sagemaker.to_inference_experiment(load("DescribeInferenceExperiment"), **WHERE)
    assert exp.type == "AWS::SageMaker::InferenceExperiment"
    assert exp.attributes["data_storage"] == {
        "destination": "s3://ml-capture/shadow/",
        "kms_key": None,
    }
    assert exp.attributes["model_names"] == ["churn-candidate", "churn-model"]
    assert exp.attributes["kms_key"] is None
    exp.facts  # noqa: B018 - the transform's output validates against the facts model


def _experiment_handlers(describe: awsfake.Handler | None = None) -> dict[str, awsfake.Handler]:
    recorded = load("DescribeInferenceExperiment")
    summary = {
        "Name": recorded["Name"],
        "Type": recorded["Type"],
        "Status": recorded["Status"],
        "CreationTime": recorded["CreationTime"],
        "LastModifiedTime": recorded["CreationTime"],
    }
    broken = {"Name": "broken", **{k: v for k, v in summary.items() if k != "Name"}}
    return {
        **_moto_gaps(),
        "before-call.sagemaker.ListInferenceExperiments": awsfake.canned(
            {"InferenceExperiments": [summary, broken, {"Type": "ShadowMode"}]}
        ),
        "before-call.sagemaker.DescribeInferenceExperiment": describe
        or awsfake.canned(
            lambda p: (
                recorded
                if p["Name"] == recorded["Name"]
                else {**recorded, "Name": "broken", "ModelVariants": "not a list"}
            )
        ),
    }


def _seed_tuning_and_automl(sm: Any) -> None:
    hpo = load("DescribeHyperParameterTuningJob")
    sm.create_hyper_parameter_tuning_job(
        HyperParameterTuningJobName="hpo-1",
        HyperParameterTuningJobConfig=hpo["HyperParameterTuningJobConfig"],
        TrainingJobDefinition=hpo["TrainingJobDefinition"],
    )
    automl = load("DescribeAutoMLJobV2")
    sm.create_auto_ml_job_v2(
        AutoMLJobName="automl-1",
        AutoMLJobInputDataConfig=automl["AutoMLJobInputDataConfig"],
        OutputDataConfig=automl["OutputDataConfig"],
        # moto needs the problem type and completion criteria spelled out
        AutoMLProblemTypeConfig={
            "TabularJobConfig": {
                "TargetAttributeName": "churned",
                "ProblemType": "BinaryClassification",
                "CompletionCriteria": {"MaxCandidates": 5},
            }
        },
        RoleArn=ROLE,
        SecurityConfig={"EnableInterContainerTrafficEncryption": True},
    )


@mock_aws
def test_collector_reads_tuning_automl_and_experiment_rows_with_relations():
    sm = boto3.client("sagemaker", region_name=REGION)
    _seed_tuning_and_automl(sm)
    inv = awsfake.collect(services=("sagemaker",), handlers=_experiment_handlers())

    types = {a.type: a for a in inv.assets}
    hpo = types["AWS::SageMaker::HyperParameterTuningJob"]
    automl = types["AWS::SageMaker::AutoMLJob"]
    exp = types["AWS::SageMaker::InferenceExperiment"]
    assert hpo.id == f"{SM_ARN}:hyper-parameter-tuning-job/hpo-1"
    assert automl.attributes["inter_container_encryption"] is True
    assert automl.attributes["vpc"] is False
    assert _rels(inv, hpo.id) >= {
        ("runs-as", f"arn:aws:iam::{ACCOUNT}:role/sm-train"),
        ("reads-data-from", "arn:aws:s3:::ml-training-data"),
        ("writes-data-to", "arn:aws:s3:::ml-models"),
        ("pulls-image", f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/xgboost"),
    }
    assert _rels(inv, automl.id) == {
        ("runs-as", ROLE),
        ("reads-data-from", "arn:aws:s3:::ml-training-data"),
        ("writes-data-to", "arn:aws:s3:::ml-models"),
    }
    assert _rels(inv, exp.id) == {
        ("runs-as", f"arn:aws:iam::{ACCOUNT}:role/sm-inference"),
        ("writes-data-to", "arn:aws:s3:::ml-capture"),
        ("uses-model", f"{SM_ARN}:model/churn-model"),
        ("uses-model", f"{SM_ARN}:model/churn-candidate"),
    }
    # a malformed describe and a summary without a name are errors for those items alone
    (cov,) = inv.coverage
    assert cov.status is CoverageStatus.ERROR
    assert (
        "inference experiment broken: malformed response: TypeError: ModelVariants" in cov.message
    )
    assert "inference experiment: malformed response: ValueError: a inference experiment " in (
        cov.message
    )
    assert cov.assets == 3


@mock_aws
@pytest.mark.parametrize(
    ("event", "code", "status", "family", "coverage"),
    [
        (
            "ListHyperParameterTuningJobs",
            "AccessDeniedException",
            400,
            "hyper-parameter tuning jobs",
            CoverageStatus.DENIED,
        ),
        ("ListAutoMLJobs", "ThrottlingException", 400, "AutoML jobs", CoverageStatus.ERROR),
    ],
)
def test_a_denied_or_throttled_listing_is_a_coverage_record_not_a_crash(
    event: str, code: str, status: int, family: str, coverage: CoverageStatus
):
    sm = boto3.client("sagemaker", region_name=REGION)
    _seed_tuning_and_automl(sm)
    handlers = {
        **_moto_gaps(),
        f"before-call.sagemaker.{event}": awsfake.error(code, "no", status=status),
    }
    inv = awsfake.collect(services=("sagemaker",), handlers=handlers)

    (cov,) = inv.coverage
    assert cov.status is coverage
    assert f"{family}: " in cov.message and code in cov.message
    # the other row is still read
    assert len(inv.assets) == 1


@mock_aws
def test_a_failed_describe_is_an_error_for_that_item_only():
    failing = awsfake.error("InternalFailure", "boom", status=500)
    handlers = _experiment_handlers(describe=failing)
    inv = awsfake.collect(services=("sagemaker",), handlers=handlers)

    (cov,) = inv.coverage
    assert cov.status is CoverageStatus.ERROR
    assert "inference experiment churn-shadow: " in cov.message
    assert "inference experiment broken: " in cov.message
    assert not inv.assets


def test_every_table_row_reads_only_and_declares_its_permissions():
    client = botocore.session.get_session().create_client(
        "sagemaker", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x"
    )
    api = client.meta.method_to_api_mapping
    for spec in sagemaker.SPECS:
        for op in (spec.list_operation, spec.describe_operation):
            assert not op or f"sagemaker:{api[op]}" in sagemaker.PERMISSIONS, op
        assert client.can_paginate(spec.list_operation), spec.list_operation
    with pytest.raises(ValueError, match="not a read operation"):
        replace(sagemaker.MODELS, describe_operation="delete_model")
