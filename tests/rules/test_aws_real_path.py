"""AWS rule packs through the real path: every AWS-* rule fails an asset the collector's pure
transforms build from a recorded botocore response (tests/data/aws) and passes its recorded twin.

Nothing here hand-builds facts: a renamed or mistyped attribute in a transform, or a fact a rule
reads that no transform produces, turns a recorded FAIL or PASS into MANUAL and a case fails.
The relations (runs-as, serves, stores-artifact-in, writes-data-to, guarded-by) are the ones the
collector draws from the same payloads; `relations_of` mirrors that glue, and says where.

The builders live here so tests/rules/test_cross_cloud_real_path.py judges the same assets.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from aiscan.collectors.aws import (
    agentcore,
    bedrock,
    bedrock_agent,
    compute,
    iam,
    organizations,
    s3,
    sagemaker,
)
from aiscan.core.engine import evaluate
from aiscan.core.model import Asset, Relation, RelationType, ResultStatus
from aiscan.core.refs import s3_bucket_of
from aiscan.core.rules import RuleFunc
from aiscan.rules import aws_bedrock, aws_compute, aws_sagemaker
from tests.factories import inventory, rel, statuses

DATA = Path(__file__).parents[1] / "data" / "aws"
ACCOUNT, REGION, PARTITION = "123456789012", "us-east-1", "aws"
WHERE = {"account": ACCOUNT, "region": REGION}
PASS, FAIL, NA = ResultStatus.PASS, ResultStatus.FAIL, ResultStatus.NOT_APPLICABLE
MANUAL = ResultStatus.MANUAL


def load(name: str) -> Any:
    """A recorded payload, tests/data/aws/<name>.json."""
    return json.loads((DATA / f"{name}.json").read_text())


# -- the recorded payloads have botocore's response shape -----------------------------------------

_SESSION = botocore.session.get_session()
#: file-name prefix -> botocore service; the rest of the stem (before any ``__variant``) is the
#: operation whose response the file records.
_PREFIXES = (
    ("sagemaker_", "sagemaker"),
    ("bedrock_agentcore_", "bedrock-agentcore-control"),
    ("bedrock_agent_", "bedrock-agent"),
    ("bedrock_", "bedrock"),
    ("logs_", "logs"),
    ("cloudtrail_", "cloudtrail"),
    ("organizations_", "organizations"),
)
#: composite recordings of one operation under a descriptive name
_SINGLE = {
    "ec2_instances_gpu": ("ec2", "DescribeInstances"),
    "ec2_security_groups": ("ec2", "DescribeSecurityGroups"),
    "ec2_instance_types": ("ec2", "DescribeInstanceTypes"),
    "eks_nodegroup_gpu": ("eks", "DescribeNodegroup"),
    "ecr_repositories": ("ecr", "DescribeRepositories"),
    "ecr_images": ("ecr", "DescribeImages"),
    "iam_instance_profile": ("iam", "GetInstanceProfile"),
    "ec2_vpc_endpoints": ("ec2", "DescribeVpcEndpoints"),
    "iam_service_specific_credentials": ("iam", "ListServiceSpecificCredentials"),
}


def _check_shape(shape: Any, value: Any, path: str) -> None:
    """Every key is a member of the botocore shape and every value has the shape's type."""
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
    elif kind == "string":
        assert isinstance(value, str), path
    elif kind == "timestamp":
        assert isinstance(value, str | int), path
    elif kind in ("integer", "long"):
        assert isinstance(value, int) and not isinstance(value, bool), path
    elif kind == "boolean":
        assert isinstance(value, bool), path
    elif kind in ("float", "double"):
        assert isinstance(value, int | float), path


def _output(service: str, operation: str) -> Any:
    return _SESSION.get_service_model(service).operation_model(operation).output_shape


def _responses(name: str) -> list[tuple[str, str, Any]]:
    """(service, operation, response) of each botocore response a recorded file holds."""
    stem, payload = name.split("__")[0], load(name)
    for prefix, service in _PREFIXES:
        if stem.startswith(prefix):
            return [(service, stem[len(prefix) :], payload)]
    if stem in _SINGLE:
        return [(*_SINGLE[stem], payload)]
    if stem.startswith("iam_role_"):
        # to_role's input: GetRole (trust policy as a document), the listings, the documents
        trust = json.dumps(payload["Role"]["AssumeRolePolicyDocument"])
        return [
            ("iam", "GetRole", {"Role": {**payload["Role"], "AssumeRolePolicyDocument": trust}}),
            ("iam", "ListAttachedRolePolicies", {"AttachedPolicies": payload["AttachedPolicies"]}),
            ("iam", "ListRolePolicies", {"PolicyNames": payload["InlinePolicyNames"]}),
        ]
    if stem.startswith("s3_bucket_"):
        # to_bucket's input: one answer per operation; {"Error": ...} records a "not configured"
        return [
            ("s3control", "GetPublicAccessBlock", part)
            if op == "AccountPublicAccessBlock"
            else ("s3", op, part)
            for op, part in payload.items()
            if isinstance(part, dict) and "Error" not in part
        ]
    raise AssertionError(f"{name}: no botocore operation known for this recording")


# -- assets, each from one recorded payload through the collector's transform --------------------

SM = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}"


def scps(*policies: str) -> dict[str, Any]:
    """The account's SCP guardrails from recorded DescribeOrganization / DescribePolicy answers,
    as organizations.read_policies gathers them."""
    payload = {
        "Organization": load("organizations_DescribeOrganization")["Organization"],
        "Policies": [load(p)["Policy"] for p in policies],
    }
    return organizations.scp_guardrails(payload)


#: the SCPs of a guarded account (FullAWSAccess plus the AI guardrails) and of a sandbox one
GUARDED = ("organizations_DescribePolicy", "organizations_DescribePolicy__ai_guardrails")
SANDBOX = ("organizations_DescribePolicy", "organizations_DescribePolicy__weak")


def notebook(name: str, lifecycle: str, policies: Sequence[str] | None = None) -> Asset:
    config = sagemaker.lifecycle_facts(load(lifecycle))
    guardrails = scps(*policies) if policies is not None else None
    return sagemaker.to_notebook(load(name), lifecycle=config, scp_guardrails=guardrails, **WHERE)


def domain(name: str) -> Asset:
    return sagemaker.to_domain(load(name), **WHERE)


def model(name: str) -> Asset:
    return sagemaker.to_model(load(name), partition=PARTITION, **WHERE)


def package(name: str) -> Asset:
    return sagemaker.to_model_package(load(name), partition=PARTITION, **WHERE)


#: schedule name -> its recorded DescribeMonitoringSchedule
SCHEDULES = {
    "churn-quality": "sagemaker_DescribeMonitoringSchedule",
    "churn-secure-quality": "sagemaker_DescribeMonitoringSchedule__isolated",
}


def endpoint(name: str, config: str, schedules: str = "sagemaker_ListMonitoringSchedules") -> Asset:
    """An endpoint with its config and the schedules of the region's listing that watch it."""
    payload = load(name)
    monitoring = [
        sagemaker.monitoring_entry(
            summary, load(SCHEDULES[summary["MonitoringScheduleName"]]), None
        )
        for summary in load(schedules)["MonitoringScheduleSummaries"]
        if summary.get("EndpointName") == payload["EndpointName"]
    ]
    return sagemaker.to_endpoint(payload, load(config), monitoring=monitoring, **WHERE)


def training_job(name: str) -> Asset:
    return sagemaker.to_training_job(load(name), **WHERE)


def processing_job(name: str) -> Asset:
    return sagemaker.to_processing_job(load(name), **WHERE)


def transform_job(name: str) -> Asset:
    return sagemaker.to_transform_job(load(name), **WHERE)


def feature_group(name: str) -> Asset:
    return sagemaker.to_feature_group(load(name), **WHERE)


def tuning_job(name: str) -> Asset:
    return sagemaker.to_tuning_job(load(name), **WHERE)


def automl_job(name: str) -> Asset:
    return sagemaker.to_automl_job(load(name), **WHERE)


def experiment(name: str) -> Asset:
    return sagemaker.to_inference_experiment(load(name), **WHERE)


def role(name: str) -> Asset:
    return iam.to_role(load(name), ACCOUNT)


def bucket(name: str) -> Asset:
    return s3.to_bucket(load(name), PARTITION, ACCOUNT)


#: guardrail id -> its recorded GetGuardrail
GUARDRAILS = {
    "gr0strict001": "bedrock_GetGuardrail__strict",
    "gr0weak00002": "bedrock_GetGuardrail__weak",
}


def guardrail(name: str) -> Asset:
    return bedrock.to_guardrail(load(name), ACCOUNT, REGION)


def bedrock_service(
    logging: str = "bedrock_GetModelInvocationLoggingConfiguration",
    log_groups: str = "logs_DescribeLogGroups",
    guardrails: str = "bedrock_ListGuardrails",
    enforced: str = "bedrock_ListEnforcedGuardrailsConfiguration",
    policies: Sequence[str] | None = None,
) -> Asset:
    """The region's Bedrock service asset, read as the collector reads it: the logging config
    (plus the log group it names), the READY guardrails, the enforced configurations and the
    account's SCPs (`policies`, None: not readable)."""
    attrs = bedrock.logging_attributes(load(logging))
    group = attrs["cloudwatch_log_group"]
    if group:
        found = next(g for g in load(log_groups)["logGroups"] if g["logGroupName"] == group)
        attrs["cloudwatch_kms_key"] = found.get("kmsKeyId")
    items = load(enforced)["guardrailsConfig"]
    ready = sum(
        guardrail(GUARDRAILS[g["id"]]).attributes["status"] == "READY"
        for g in load(guardrails)["guardrails"]
    )
    return bedrock.to_service(
        partition=PARTITION,
        account=ACCOUNT,
        region=REGION,
        logging=attrs,
        guardrails_ready=ready,
        enforced=bedrock.enforced_attribute(items),
        raw={"loggingConfig": load(logging).get("loggingConfig"), "enforced": items},
        scp_guardrails=scps(*policies) if policies is not None else None,
    )


def bedrock_posture(
    endpoints: str = "ec2_vpc_endpoints",
    trails: str = "cloudtrail_DescribeTrails",
    status: str = "cloudtrail_GetTrailStatus",
    selectors: str = "cloudtrail_GetEventSelectors",
    agents: bool = True,
) -> Asset:
    """The region's Bedrock service asset with what bedrock.collect reads for it besides the
    logging: agents in use, the Bedrock VPC endpoints and the trails applying to the region
    (each trail's GetTrailStatus and GetEventSelectors)."""
    service = bedrock_service()
    return bedrock.to_service(
        partition=PARTITION,
        account=ACCOUNT,
        region=REGION,
        logging=service.attributes["invocation_logging"],
        guardrails_ready=service.attributes["guardrails_ready"],
        enforced=service.attributes["enforced_guardrails"],
        agents_in_use=agents,
        vpc_endpoints=[bedrock.vpc_endpoint_entry(e) for e in load(endpoints)["VpcEndpoints"]],
        trails=[
            bedrock.trail_entry(t, load(status), load(selectors)) for t in load(trails)["trailList"]
        ],
    )


def api_key(key_id: str) -> Asset:
    """One Bedrock API key of the recorded ListServiceSpecificCredentials answer."""
    (payload,) = (
        c
        for c in load("iam_service_specific_credentials")["ServiceSpecificCredentials"]
        if c["ServiceSpecificCredentialId"] == key_id
    )
    return iam.to_service_credential(payload, PARTITION, ACCOUNT)


def custom_model(name: str) -> Asset:
    return bedrock.to_custom_model(load(name), ACCOUNT, REGION)


def imported_model(name: str) -> Asset:
    return bedrock.to_imported_model(load(name), ACCOUNT, REGION)


def customization_job(name: str) -> Asset:
    return bedrock.to_customization_job(load(name), ACCOUNT, REGION)


def agent(name: str) -> Asset:
    return bedrock_agent.to_agent(load(name)["agent"], partition=PARTITION, **WHERE)


def knowledge_base(*sources: str) -> Asset:
    return bedrock_agent.to_knowledge_base(
        load("bedrock_agent_GetKnowledgeBase")["knowledgeBase"],
        data_sources=[load(s)["dataSource"] for s in sources],
        **WHERE,
    )


def flow(name: str) -> Asset:
    return bedrock_agent.to_flow(load(name), partition=PARTITION, **WHERE)


def runtime(name: str) -> Asset:
    return agentcore.to_runtime(load(name), ACCOUNT, REGION)


def gateway(name: str) -> Asset:
    return agentcore.to_gateway(load(name), ACCOUNT, REGION)


def code_interpreter(name: str) -> Asset:
    return agentcore.to_code_interpreter(load(name), ACCOUNT, REGION)


def browser(name: str) -> Asset:
    return agentcore.to_browser(load(name), ACCOUNT, REGION)


def memory(name: str) -> Asset:
    return agentcore.to_memory(load(name)["memory"], ACCOUNT, REGION)


def _instance_types() -> dict[str, Any]:
    return {t["InstanceType"]: t for t in load("ec2_instance_types")["InstanceTypes"]}


def instance(name: str, groups: str) -> Asset:
    (reservation,) = load(name)["Reservations"]
    (one,) = reservation["Instances"]
    return compute.to_instance(
        one,
        partition=PARTITION,
        type_info=_instance_types()[one["InstanceType"]],
        groups={g["GroupId"]: g for g in load(groups)["SecurityGroups"]},
        **WHERE,
    )


def nodegroup(name: str) -> Asset:
    payload, types = load(name)["nodegroup"], _instance_types()
    source = compute.nodegroup_accelerator_source(payload, types, by_name=False)
    assert source is not None, f"{name} is not recognised as an accelerated node group"
    return compute.to_nodegroup(payload, types=types, source=source, **WHERE)


# -- the relations the collector draws from the same payloads ------------------------------------


def relations_of(asset: Asset) -> list[Relation]:
    """What the collector relates this asset to (ScopeContext.use_role / use_bucket / relate in
    the service modules), from the attributes its transform produced."""
    a = asset.attributes
    out: list[Relation] = []
    role_arn = a.get("role_arn")
    if isinstance(role_arn, str) and ":role/" in role_arn:  # ScopeContext.use_role
        out.append(rel(asset.id, RelationType.RUNS_AS, role_arn))
    if asset.type in ("AWS::SageMaker::Model", "AWS::SageMaker::ModelPackage"):
        for c in a.get("containers") or []:  # sagemaker._one_model / _one_package
            name = s3_bucket_of(c.get("artifact_uri"))
            if name:
                out.append(rel(asset.id, RelationType.STORES_ARTIFACT_IN, f"arn:aws:s3:::{name}"))
    if asset.type == "AWS::SageMaker::Endpoint":
        out.extend(  # sagemaker._one_endpoint / _model_arn
            rel(asset.id, RelationType.SERVES, f"{SM}:model/{name.lower()}")
            for variant in a.get("variants") or []
            for name in variant["model_names"]
        )
    if asset.type == "AWS::Bedrock::Agent" and a.get("guardrail"):  # bedrock_agent._collect_agent
        out.append(rel(asset.id, RelationType.GUARDED_BY, a["guardrail"]))
    if asset.type == "AWS::Bedrock::ImportedModel":  # bedrock._collect_imported_models
        name = s3_bucket_of(a.get("artifact_uri"))
        if name:
            out.append(rel(asset.id, RelationType.STORES_ARTIFACT_IN, f"arn:aws:s3:::{name}"))
    if asset.type == "AWS::Bedrock::Service":  # bedrock.collect: the logging buckets
        out.extend(
            rel(asset.id, RelationType.WRITES_DATA_TO, f"arn:aws:s3:::{name}")
            for name in bedrock.logging_buckets(asset.raw)
        )
    return out


# -- cases ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """`subject` judged by `rule_id` among `others` (what it points at) gives `expected`; a
    failing case may also name a fragment its finding's message must contain."""

    rule_id: str
    expected: ResultStatus
    subject: Callable[[], Asset]
    others: Callable[[], Sequence[Asset]] = tuple
    message: str = ""

    @property
    def label(self) -> str:
        return f"{self.rule_id}-{self.expected.value}"


def judge(rules: Iterable[RuleFunc], case: Case) -> None:
    rule_fn = next(r for r in rules if r.meta.id == case.rule_id)
    subject = case.subject()
    assets = [subject, *case.others()]
    inv = inventory(assets, [r for a in assets for r in relations_of(a)])
    got = statuses(rule_fn, inv).get(subject.id)
    if got is not case.expected:
        reasons = [
            e.reason for e in evaluate(inv, [rule_fn]).evaluations if e.asset_id == subject.id
        ]
        raise AssertionError(
            f"{case.rule_id} on {subject.id}: {got}, expected {case.expected} {reasons}"
        )
    if case.message:
        messages = [
            f.message for f in evaluate(inv, [rule_fn]).findings if f.asset_id == subject.id
        ]
        assert any(case.message in m for m in messages), messages


def missing_pairs(rules: Iterable[RuleFunc], cases: Iterable[Case]) -> dict[str, set[str]]:
    """rule id -> what it lacks of a real-path PASS and FAIL case."""
    have: dict[str, set[ResultStatus]] = {}
    for case in cases:
        have.setdefault(case.rule_id, set()).add(case.expected)
    return {
        r.meta.id: {s.value for s in (PASS, FAIL) if s not in have.get(r.meta.id, set())}
        for r in rules
        if not {PASS, FAIL} <= have.get(r.meta.id, set())
    }


def uncovered_types(rules: Iterable[RuleFunc], cases: Iterable[Case]) -> dict[str, set[str]]:
    """rule id -> the AWS resource types it names that no case's subject has."""
    judged: dict[str, set[str]] = {}
    for case in cases:
        judged.setdefault(case.rule_id, set()).add(case.subject().type)
    return {
        r.meta.id: missing
        for r in rules
        if (
            missing := {t for t in r.meta.resource_types if t.startswith("AWS::")}
            - judged.get(r.meta.id, set())
        )
    }


# SageMaker: the recorded assets and their twins
NB = "sagemaker_DescribeNotebookInstance"
LIFECYCLE = "sagemaker_DescribeNotebookInstanceLifecycleConfig"


def nb_hardened() -> Asset:
    return notebook(NB, LIFECYCLE)  # in a VPC, no root, IMDSv2, CMK; secrets in its OnStart


def nb_weak() -> Asset:
    return notebook(f"{NB}__weak", f"{LIFECYCLE}__clean")


def model_pipeline() -> Asset:  # isolated; a ghcr.io TGI container with remote code and secrets
    return model("sagemaker_DescribeModel")


def model_small() -> Asset:  # isolated, one ECR image by digest through the VPC, read-only role
    return model("sagemaker_DescribeModel__hardened")


def model_candidate() -> Asset:  # no isolation, image by tag, unpinned Hub model, writer role
    return model("sagemaker_DescribeModel__open")


def endpoint_prod() -> Asset:
    return endpoint("sagemaker_DescribeEndpoint", "sagemaker_DescribeEndpointConfig")


def endpoint_secure() -> Asset:
    return endpoint(
        "sagemaker_DescribeEndpoint__secure", "sagemaker_DescribeEndpointConfig__secure"
    )


def endpoint_unmonitored() -> Asset:
    return endpoint(
        "sagemaker_DescribeEndpoint",
        "sagemaker_DescribeEndpointConfig",
        "sagemaker_ListMonitoringSchedules__empty",
    )


def prod_models() -> list[Asset]:
    return [
        model_pipeline(),
        model_small(),
        model_candidate(),
        package("sagemaker_DescribeModelPackage"),  # churn-models/3, pending approval
    ]


def secure_models() -> list[Asset]:
    return [
        model("sagemaker_DescribeModel__registered"),
        package("sagemaker_DescribeModelPackage__approved"),
    ]


def training_open() -> Asset:
    return training_job("sagemaker_DescribeTrainingJob")


def training_hardened() -> Asset:
    return training_job("sagemaker_DescribeTrainingJob__hardened")


def processing() -> Asset:
    return processing_job("sagemaker_DescribeProcessingJob")


def processing_open() -> Asset:
    return processing_job("sagemaker_DescribeProcessingJob__open")


def hpo_open() -> Asset:  # 2 instances a job, no isolation, no encryption, no VPC, no CMK
    return tuning_job("sagemaker_DescribeHyperParameterTuningJob")


def hpo_hardened() -> Asset:
    return tuning_job("sagemaker_DescribeHyperParameterTuningJob__hardened")


def automl_open() -> Asset:  # no VPC, no CMK, inter-container encryption off
    return automl_job("sagemaker_DescribeAutoMLJobV2")


def automl_hardened() -> Asset:
    return automl_job("sagemaker_DescribeAutoMLJobV2__hardened")


def experiment_open() -> Asset:  # shadow test capturing data to S3 without KMS
    return experiment("sagemaker_DescribeInferenceExperiment")


def experiment_encrypted() -> Asset:
    return experiment("sagemaker_DescribeInferenceExperiment__encrypted")


def role_admin() -> Asset:  # AdministratorAccess and AmazonSageMakerFullAccess
    return role("iam_role_admin")


def role_writer() -> Asset:  # writes models-private/*, logs:* on *
    return role("iam_role_writer")


def role_inference() -> Asset:  # reads models-private, pulls one ECR repository
    return role("iam_role_inference")


def role_agent() -> Asset:  # invokes one model and applies one guardrail
    return role("iam_role_agent_support")


def _nb(rule_id: str) -> list[Case]:
    return [Case(rule_id, FAIL, nb_weak), Case(rule_id, PASS, nb_hardened)]


def _domain(rule_id: str) -> list[Case]:
    return [
        Case(rule_id, FAIL, lambda: domain("sagemaker_DescribeDomain")),
        Case(rule_id, PASS, lambda: domain("sagemaker_DescribeDomain__vpconly")),
    ]


SAGEMAKER_CASES = [
    *(case for i in range(1, 7) for case in _nb(f"AWS-SM-{i:03d}")),
    Case("AWS-SM-007", FAIL, nb_hardened, message="lifecycle-config/install-deps/OnStart[0]"),
    Case("AWS-SM-007", PASS, nb_weak),
    Case(
        "AWS-SM-051",
        FAIL,
        lambda: notebook(NB, LIFECYCLE, SANDBOX),
        message="sagemaker:DirectInternetAccess, sagemaker:RootAccess",
    ),
    Case("AWS-SM-051", PASS, lambda: notebook(f"{NB}__weak", f"{LIFECYCLE}__clean", GUARDED)),
    Case("AWS-SM-051", MANUAL, nb_hardened),
    *_domain("AWS-SM-008"),
    *_domain("AWS-SM-009"),
    Case("AWS-SM-010", FAIL, model_candidate),
    Case("AWS-SM-010", PASS, model_pipeline),
    Case("AWS-SM-011", FAIL, model_pipeline, message="1 container(s)"),
    Case("AWS-SM-011", PASS, model_small),
    Case("AWS-SM-012", FAIL, endpoint_prod, message="storage volume, data capture"),
    Case("AWS-SM-012", PASS, endpoint_secure),
    Case("AWS-SM-013", FAIL, training_open),
    Case("AWS-SM-013", PASS, training_hardened),
    Case("AWS-SM-013", NA, processing),  # the rule judges training jobs only
    Case("AWS-SM-014", FAIL, training_open, message="volume, output"),
    Case("AWS-SM-014", PASS, training_hardened),
    Case("AWS-SM-014", FAIL, processing_open),
    Case("AWS-SM-014", PASS, processing),
    Case("AWS-SM-014", FAIL, lambda: transform_job("sagemaker_DescribeTransformJob")),
    Case("AWS-SM-014", PASS, lambda: transform_job("sagemaker_DescribeTransformJob__encrypted")),
    Case("AWS-SM-015", FAIL, training_open, message="4 instances"),
    Case("AWS-SM-015", PASS, training_hardened),
    Case("AWS-SM-015", FAIL, processing_open, message="2 instances"),
    Case("AWS-SM-015", PASS, processing),
    Case("AWS-SM-040", FAIL, processing_open, message="Neither network isolation nor a VPC"),
    Case("AWS-SM-040", PASS, processing),
    Case("AWS-SM-041", FAIL, hpo_open, message="Network isolation is disabled"),
    Case("AWS-SM-041", PASS, hpo_hardened),
    Case("AWS-SM-042", FAIL, hpo_open, message="2 instances"),
    Case("AWS-SM-042", PASS, hpo_hardened),
    Case("AWS-SM-043", FAIL, automl_open, message="encryption is disabled"),
    Case("AWS-SM-043", PASS, automl_hardened),
    Case("AWS-SM-044", FAIL, hpo_open, message="tuning output"),
    Case("AWS-SM-044", PASS, hpo_hardened),
    Case("AWS-SM-045", FAIL, hpo_open, message="tuning volume"),
    Case("AWS-SM-045", PASS, hpo_hardened),
    Case("AWS-SM-046", FAIL, automl_open, message="AutoML output"),
    Case("AWS-SM-046", PASS, automl_hardened),
    Case("AWS-SM-047", FAIL, automl_open, message="AutoML volume"),
    Case("AWS-SM-047", PASS, automl_hardened),
    Case("AWS-SM-048", FAIL, automl_open, message="outside a VPC"),
    Case("AWS-SM-048", PASS, automl_hardened),
    Case("AWS-SM-049", FAIL, experiment_open, message="without a customer-managed key"),
    Case("AWS-SM-049", PASS, experiment_encrypted),
    Case("AWS-SM-050", FAIL, experiment_open, message="instance storage"),
    Case("AWS-SM-050", PASS, experiment_encrypted),
    Case("AWS-SM-016", FAIL, endpoint_prod),
    Case("AWS-SM-016", PASS, endpoint_secure),
    Case("AWS-SM-017", FAIL, lambda: feature_group("sagemaker_DescribeFeatureGroup")),
    Case("AWS-SM-017", PASS, lambda: feature_group("sagemaker_DescribeFeatureGroup__encrypted")),
    Case("AWS-SM-018", FAIL, role_admin),
    Case("AWS-SM-018", PASS, role_inference),
    Case("AWS-SM-019", FAIL, endpoint_prod, prod_models, message="5 served model container"),
    Case("AWS-SM-019", PASS, endpoint_secure, secure_models),
    Case("AWS-SM-020", FAIL, endpoint_unmonitored),
    Case("AWS-SM-020", PASS, endpoint_prod),
]


# Bedrock, Agents for Bedrock, AgentCore
def guardrail_strict() -> Asset:
    return guardrail("bedrock_GetGuardrail__strict")


def guardrail_weak() -> Asset:
    return guardrail("bedrock_GetGuardrail__weak")


def agent_support() -> Asset:  # guarded, CMK, a secret in its instruction
    return agent("bedrock_agent_GetAgent")


def agent_unguarded() -> Asset:  # no guardrail, AWS-owned key, runs as sm-admin
    return agent("bedrock_agent_GetAgent__unguarded")


def runtime_public() -> Asset:  # PUBLIC network, image by tag, an API key in its environment
    return runtime("bedrock_agentcore_GetAgentRuntime")


def runtime_vpc() -> Asset:
    return runtime("bedrock_agentcore_GetAgentRuntime__vpc")


def gateway_jwt() -> Asset:
    return gateway("bedrock_agentcore_GetGateway")


def gateway_open() -> Asset:
    return gateway("bedrock_agentcore_GetGateway__open")


def browser_vpc() -> Asset:
    return browser("bedrock_agentcore_GetBrowser")


def browser_public() -> Asset:
    return browser("bedrock_agentcore_GetBrowser__public")


def log_buckets() -> list[Asset]:
    return [bucket("s3_bucket_bedrock_logs")]


BEDROCK_CASES = [
    Case(
        "AWS-BR-001",
        FAIL,
        lambda: bedrock_service(logging="bedrock_GetModelInvocationLoggingConfiguration__off"),
    ),
    Case(
        "AWS-BR-001",
        FAIL,
        lambda: bedrock_service(log_groups="logs_DescribeLogGroups__unencrypted"),
        log_buckets,
        message="log group /aws/bedrock/invocations, not encrypted",
    ),
    Case("AWS-BR-001", PASS, bedrock_service, log_buckets),
    Case("AWS-BR-002", FAIL, lambda: bedrock_service(guardrails="bedrock_ListGuardrails__empty")),
    Case("AWS-BR-002", PASS, bedrock_service),
    Case(
        "AWS-BR-003",
        FAIL,
        lambda: bedrock_service(enforced="bedrock_ListEnforcedGuardrailsConfiguration__none"),
    ),
    Case("AWS-BR-003", PASS, bedrock_service),
    Case(
        "AWS-BR-003",
        FAIL,
        lambda: bedrock_service(
            enforced="bedrock_ListEnforcedGuardrailsConfiguration__none", policies=SANDBOX
        ),
    ),
    # no enforced configuration, but an SCP refuses every call without a guardrail
    Case(
        "AWS-BR-003",
        PASS,
        lambda: bedrock_service(
            enforced="bedrock_ListEnforcedGuardrailsConfiguration__none", policies=GUARDED
        ),
    ),
    Case("AWS-BR-047", FAIL, lambda: bedrock_service(policies=SANDBOX), message="allow-list"),
    Case("AWS-BR-047", PASS, lambda: bedrock_service(policies=GUARDED)),
    Case("AWS-BR-047", MANUAL, bedrock_service),  # a member account cannot read SCPs
    Case("AWS-BR-004", FAIL, guardrail_weak, message="MEDIUM"),
    Case("AWS-BR-004", PASS, guardrail_strict),
    Case("AWS-BR-005", FAIL, guardrail_weak),
    Case("AWS-BR-005", PASS, guardrail_strict),
    Case("AWS-BR-006", FAIL, guardrail_weak),
    Case("AWS-BR-006", PASS, guardrail_strict),
    Case("AWS-BR-007", FAIL, agent_unguarded),
    Case("AWS-BR-007", PASS, agent_support, lambda: [guardrail_strict()]),
    Case("AWS-BR-008", FAIL, agent_unguarded, lambda: [role_admin()], message="administrator"),
    Case("AWS-BR-008", PASS, agent_support, lambda: [role_agent()]),
    Case("AWS-BR-009", FAIL, lambda: flow("bedrock_agent_GetFlow"), message="LookupManuals"),
    Case("AWS-BR-009", PASS, lambda: flow("bedrock_agent_GetFlow__guarded")),
    Case(
        "AWS-BR-010",
        FAIL,
        lambda: knowledge_base("bedrock_agent_GetDataSource", "bedrock_agent_GetDataSource__web"),
        message="docs-site",
    ),
    Case("AWS-BR-010", PASS, lambda: knowledge_base("bedrock_agent_GetDataSource")),
    Case("AWS-BR-011", FAIL, lambda: custom_model("bedrock_GetCustomModel__default_key")),
    Case("AWS-BR-011", PASS, lambda: custom_model("bedrock_GetCustomModel")),
    Case("AWS-BR-011", FAIL, lambda: imported_model("bedrock_GetImportedModel")),
    Case("AWS-BR-011", PASS, lambda: imported_model("bedrock_GetImportedModel__cmk")),
    Case("AWS-BR-012", FAIL, agent_unguarded),
    Case("AWS-BR-012", PASS, agent_support),
    Case("AWS-BR-012", FAIL, guardrail_weak),
    Case("AWS-BR-012", PASS, guardrail_strict),
    Case("AWS-BR-017", FAIL, lambda: customization_job("bedrock_GetModelCustomizationJob__novpc")),
    Case("AWS-BR-017", PASS, lambda: customization_job("bedrock_GetModelCustomizationJob")),
    Case("AWS-AC-001", FAIL, runtime_public),
    Case("AWS-AC-001", PASS, runtime_vpc),
    Case("AWS-AC-001", FAIL, lambda: code_interpreter("bedrock_agentcore_GetCodeInterpreter")),
    Case(
        "AWS-AC-001",
        PASS,
        lambda: code_interpreter("bedrock_agentcore_GetCodeInterpreter__sandbox"),
    ),
    Case("AWS-AC-001", FAIL, browser_public),
    Case("AWS-AC-001", PASS, browser_vpc),
    Case("AWS-AC-002", FAIL, gateway_open),
    Case("AWS-AC-002", PASS, gateway_jwt),
    Case("AWS-AC-003", FAIL, lambda: memory("bedrock_agentcore_GetMemory__default_key")),
    Case("AWS-AC-003", PASS, lambda: memory("bedrock_agentcore_GetMemory")),
    Case("AWS-AC-003", FAIL, gateway_open),
    Case("AWS-AC-003", PASS, gateway_jwt),
    Case("AWS-AC-003", FAIL, browser_public),
    Case("AWS-AC-003", PASS, browser_vpc),
]


# Bedrock identity, private connectivity, API keys and CloudTrail (issue 8)
def weights_estate() -> list[Asset]:  # an imported model whose weights sit in ml-model-weights
    return [imported_model("bedrock_GetImportedModel"), bucket("s3_bucket_model_weights")]


BASIC_TRAIL = {
    "trails": "cloudtrail_DescribeTrails__single",
    "selectors": "cloudtrail_GetEventSelectors__basic",
}

POSTURE_CASES = [
    Case("AWS-BR-040", FAIL, lambda: role("iam_role_bedrock_full"), message="AmazonBedrock"),
    Case("AWS-BR-040", PASS, role_inference),
    Case("AWS-BR-041", FAIL, lambda: bedrock_posture(endpoints="ec2_vpc_endpoints__open")),
    Case("AWS-BR-041", PASS, bedrock_posture),
    Case("AWS-BR-042", FAIL, lambda: bedrock_posture(endpoints="ec2_vpc_endpoints__open")),
    Case("AWS-BR-042", PASS, bedrock_posture),
    Case(
        "AWS-BR-042", NA, lambda: bedrock_posture(endpoints="ec2_vpc_endpoints__open", agents=False)
    ),
    Case(
        "AWS-BR-043",
        FAIL,
        lambda: bedrock_posture(endpoints="ec2_vpc_endpoints__open"),
        message="vpce-03a1b2c3d4e5f6a7b",
    ),
    Case("AWS-BR-043", PASS, bedrock_posture),
    Case("AWS-BR-044", FAIL, lambda: api_key("ACCA1NEVEREXPIRES001"), message="ci-bot"),
    Case("AWS-BR-044", PASS, lambda: api_key("ACCA2ONEYEARKEY00002")),
    Case("AWS-BR-044", PASS, lambda: api_key("ACCA4INACTIVEKEY0004")),
    Case("AWS-BR-045", FAIL, lambda: api_key("ACCA2ONEYEARKEY00002"), message="365 days"),
    Case("AWS-BR-045", PASS, lambda: api_key("ACCA3THIRTYDAYKEY003")),
    Case("AWS-BR-045", NA, lambda: api_key("ACCA1NEVEREXPIRES001")),
    Case("AWS-BR-046", FAIL, lambda: bedrock_posture(**BASIC_TRAIL), message="AgentAlias"),
    Case("AWS-BR-046", PASS, bedrock_posture),
    Case("AWS-CT-001", FAIL, lambda: bedrock_posture(**BASIC_TRAIL)),
    Case("AWS-CT-001", PASS, bedrock_posture),
    Case(
        "AWS-CT-001",
        FAIL,
        lambda: bedrock_posture(status="cloudtrail_GetTrailStatus__stopped"),
        message="no logging trail",
    ),
    Case(
        "AWS-CT-002",
        FAIL,
        lambda: bedrock_posture(status="cloudtrail_GetTrailStatus__stopped"),
        message="org-audit is not logging",
    ),
    Case("AWS-CT-002", PASS, bedrock_posture),
    Case("AWS-CT-003", FAIL, lambda: bedrock_posture(**BASIC_TRAIL)),
    Case("AWS-CT-003", PASS, bedrock_posture),
    Case(
        "AWS-CT-004",
        FAIL,
        lambda: bedrock_posture(**BASIC_TRAIL),
        weights_estate,
        message="bucket ml-model-weights",
    ),
    Case("AWS-CT-004", PASS, bedrock_posture, weights_estate),
    Case("AWS-CT-004", NA, bedrock_posture),
]


# EC2 GPU instances and EKS GPU node groups
def instance_open() -> Asset:  # IMDSv1, public IP, Jupyter and all traffic open to the internet
    return instance("ec2_instances_gpu", "ec2_security_groups")


def instance_hardened() -> Asset:
    return instance("ec2_instances_gpu__hardened", "ec2_security_groups__private")


COMPUTE_CASES = [
    Case("AWS-GPU-001", FAIL, instance_open),
    Case("AWS-GPU-001", PASS, instance_hardened),
    Case("AWS-GPU-002", FAIL, instance_open, message="54.214.92.69"),
    Case("AWS-GPU-002", PASS, instance_hardened),
    Case("AWS-GPU-003", FAIL, lambda: nodegroup("eks_nodegroup_gpu")),
    Case("AWS-GPU-003", PASS, lambda: nodegroup("eks_nodegroup_gpu__private")),
]

AWS_RULES: tuple[RuleFunc, ...] = (*aws_sagemaker.RULES, *aws_bedrock.RULES, *aws_compute.RULES)
AWS_CASES = [*SAGEMAKER_CASES, *BEDROCK_CASES, *POSTURE_CASES, *COMPUTE_CASES]


@pytest.mark.parametrize("case", AWS_CASES, ids=lambda c: c.label)
def test_aws_rule_on_recorded_payloads(case: Case) -> None:
    judge(AWS_RULES, case)


def test_every_aws_rule_has_a_recorded_pass_and_fail() -> None:
    assert missing_pairs(AWS_RULES, AWS_CASES) == {}


def test_every_resource_type_an_aws_rule_names_is_judged_on_a_recorded_payload() -> None:
    assert uncovered_types(AWS_RULES, AWS_CASES) == {}


def test_a_missing_case_is_reported() -> None:
    cases = [c for c in AWS_CASES if c.rule_id != "AWS-SM-001" or c.expected is not PASS]
    assert missing_pairs(AWS_RULES, cases) == {"AWS-SM-001": {"pass"}}


def test_a_transform_that_stops_producing_a_fact_turns_its_cases_manual() -> None:
    # what the real path buys: drop the fact AWS-SM-001 reads and the recorded FAIL is no longer
    # a failure (hand-built facts would still say "fail").
    weak = nb_weak()
    attrs = {k: v for k, v in weak.attributes.items() if k != "direct_internet_access"}
    renamed = weak.model_copy(update={"attributes": attrs})
    rule_fn = next(r for r in AWS_RULES if r.meta.id == "AWS-SM-001")
    assert statuses(rule_fn, inventory([renamed]))[weak.id] is ResultStatus.MANUAL


@pytest.mark.parametrize("name", sorted(p.stem for p in DATA.glob("*.json")))
def test_recorded_payload_has_the_botocore_shape(name: str) -> None:
    for service, operation, response in _responses(name):
        _check_shape(_output(service, operation), response, f"{name}:{operation}")
