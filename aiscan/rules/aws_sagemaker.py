"""Amazon SageMaker AI posture rules (AWS-SM-*), from the researched catalogue.

Each rule reads the attributes `aiscan.collectors.aws.sagemaker` documents; an attribute that is
absent means the collector could not read it, and the rule answers `manual`.

Choices where the catalogue left room:

* AWS-SM-006 accepts ``notebook-al2023-v1`` and ``notebook-al2-v3`` (Security Hub's parameter
  names only the former; AL2 v3 is still a supported platform until AWS retires it).
* AWS-SM-011 is ``low``: every model pulling from ECR over the platform path fails it, so it is
  defence in depth rather than a gap.
* AWS-SM-012 and AWS-SM-014 do not ask for a storage-volume key on instance types with local NVMe
  instance storage (the API refuses one there) or on serverless variants.
* AWS-SM-013 treats a job as contained when it has network isolation *or* runs in a customer VPC
  (whose egress the customer controls); it fails only with neither.
* AWS-SM-016 checks network isolation of monitoring job definitions only; inter-container
  encryption needs the job's instance count, which the collector does not record.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from typing import Any

from aiscan.core.facts import Unread, known, unread
from aiscan.core.facts.aws import (
    IamRoleFacts,
    SageMakerAutoMLJobFacts,
    SageMakerDomainFacts,
    SageMakerEndpointFacts,
    SageMakerFeatureGroupFacts,
    SageMakerInferenceExperimentFacts,
    SageMakerJobFacts,
    SageMakerModelFacts,
    SageMakerModelPackageFacts,
    SageMakerNotebookFacts,
    SageMakerProcessingJobFacts,
    SageMakerTransformJobFacts,
    SageMakerTuningJobFacts,
)
from aiscan.core.facts.common import ContainerFacts
from aiscan.rules.aws_bedrock import scps_in_effect
from aiscan.rules.base import (
    Asset,
    AssetKind,
    Category,
    Cloud,
    RelationType,
    Result,
    RuleContext,
    Severity,
    rule,
)

SUPPORTED_NOTEBOOK_PLATFORMS = frozenset({"notebook-al2023-v1", "notebook-al2-v3"})

_AWS = (Cloud.AWS,)
_SM = ("sagemaker",)

#: Instance families with local NVMe instance storage: the API refuses a volume KMS key for them
#: (their storage is hardware-encrypted). A family with a "d" after its generation (m5d, g4dn,
#: p4d, c6gd, ...) has it; so do these families without the letter.
_NVME_FAMILIES = frozenset({"g5", "g6", "g6e", "gr6", "p5", "p5e", "p5en", "trn1", "trn1n", "trn2"})
_D_FAMILY = re.compile(r"^[a-z]+\d+[a-z]*d[a-z]*$")


def has_local_nvme(instance_type: str | None) -> bool:
    if not instance_type:
        return False
    parts = instance_type.split(".")
    family = parts[1] if len(parts) >= 3 and parts[0] == "ml" else parts[0]
    return family in _NVME_FAMILIES or bool(_D_FAMILY.match(family))


# -- notebooks ------------------------------------------------------------------------------------


@rule(
    id="AWS-SM-001",
    title="SageMaker notebook instance has direct internet access",
    severity=Severity.HIGH,
    category=Category.NETWORK_EXPOSURE,
    kinds=(AssetKind.NOTEBOOK,),
    clouds=_AWS,
    services=_SM,
    description="The notebook instance was created with DirectInternetAccess=Enabled.",
    risk=(
        "The notebook reaches (and is reachable through) the internet outside the customer's "
        "network controls: code and data can be exfiltrated and untrusted packages pulled in."
    ),
    remediation=(
        "Recreate the notebook in a VPC subnet with DirectInternetAccess=Disabled "
        "(`aws sagemaker create-notebook-instance --subnet-id ... --security-group-ids ... "
        '--direct-internet-access Disabled`; Terraform `direct_internet_access = "Disabled"`).'
    ),
    references=(
        "securityhub:SageMaker.1",
        "config:sagemaker-notebook-no-direct-internet-access",
        "prowler:sagemaker_notebook_instance_without_direct_internet_access_configured",
        "OWASP-ML:ML06",
        "OWASP-LLM:LLM03",
        "MITRE-ATLAS:AML.T0025",
        "MITRE-ATLAS:AML.T0010.001",
    ),
)
def notebook_direct_internet(
    asset: Asset, facts: SageMakerNotebookFacts, ctx: RuleContext
) -> Result:
    value = facts.direct_internet_access
    if unread(value):
        return Result.manual("DirectInternetAccess was not read")
    if value:
        return Result.fail(
            "Direct internet access is enabled", evidence={"direct_internet_access": True}
        )
    return Result.ok()


@rule(
    id="AWS-SM-002",
    title="SageMaker notebook instance is not in a customer VPC",
    severity=Severity.HIGH,
    category=Category.NETWORK_EXPOSURE,
    kinds=(AssetKind.NOTEBOOK,),
    clouds=_AWS,
    services=_SM,
    description="The notebook instance has no SubnetId, so it runs in the SageMaker service VPC.",
    risk=(
        "Without a customer VPC there are no security groups, VPC endpoints or flow logs around "
        "the notebook, and traffic to data stores leaves the customer's network controls."
    ),
    remediation=(
        "Recreate the notebook with `--subnet-id` and `--security-group-ids` "
        "(Terraform `subnet_id`, `security_groups`)."
    ),
    references=(
        "securityhub:SageMaker.2",
        "config:sagemaker-notebook-instance-inside-vpc",
        "prowler:sagemaker_notebook_instance_vpc_settings_configured",
        "MITRE-ATLAS:AML.T0025",
    ),
)
def notebook_in_vpc(asset: Asset, facts: SageMakerNotebookFacts, ctx: RuleContext) -> Result:
    value = facts.vpc
    if unread(value):
        return Result.manual("the notebook's subnet was not read")
    if not value:
        return Result.fail(
            "The notebook is not attached to a customer VPC", evidence={"vpc": False}
        )
    return Result.ok()


@rule(
    id="AWS-SM-003",
    title="Root access is enabled on a SageMaker notebook instance",
    severity=Severity.HIGH,
    category=Category.COMPUTE_HARDENING,
    kinds=(AssetKind.NOTEBOOK,),
    clouds=_AWS,
    services=_SM,
    description="Notebook users can become root (RootAccess=Enabled, the API default).",
    risk=(
        "Root lets any notebook user change the instance, install arbitrary software, read other "
        "users' files and tamper with the instance's credentials and lifecycle configuration."
    ),
    remediation=(
        "`aws sagemaker update-notebook-instance --notebook-instance-name NAME "
        '--root-access Disabled` (Terraform `root_access = "Disabled"`).'
    ),
    references=(
        "securityhub:SageMaker.3",
        "config:sagemaker-notebook-instance-root-access-check",
        "prowler:sagemaker_notebook_instance_root_access_disabled",
        "OWASP-ML:ML06",
        "MITRE-ATLAS:AML.T0011.001",
        "MITRE-ATLAS:AML.T0010.001",
    ),
)
def notebook_root_access(asset: Asset, facts: SageMakerNotebookFacts, ctx: RuleContext) -> Result:
    value = facts.root_access
    if unread(value):
        return Result.manual("RootAccess was not read")
    if value:
        return Result.fail("Root access is enabled", evidence={"root_access": True})
    return Result.ok()


@rule(
    id="AWS-SM-004",
    title="SageMaker notebook instance permits IMDSv1",
    severity=Severity.HIGH,
    category=Category.COMPUTE_HARDENING,
    kinds=(AssetKind.NOTEBOOK,),
    clouds=_AWS,
    services=_SM,
    description=(
        "The notebook's minimum instance metadata service version is not 2, so the execution "
        "role's credentials can be read without a session token."
    ),
    risk=(
        "An SSRF in any notebook-hosted app, or a malicious package, can fetch the execution "
        "role's credentials from IMDSv1 with a single GET."
    ),
    remediation=(
        "`aws sagemaker update-notebook-instance --notebook-instance-name NAME "
        "--instance-metadata-service-configuration MinimumInstanceMetadataServiceVersion=2` "
        "(Terraform `instance_metadata_service_configuration { minimum_instance_metadata_service"
        '_version = "2" }`).'
    ),
    references=("OWASP-LLM:LLM02", "MITRE-ATLAS:AML.T0055"),
)
def notebook_imdsv2(asset: Asset, facts: SageMakerNotebookFacts, ctx: RuleContext) -> Result:
    value = facts.imds_v2_required
    if unread(value):
        return Result.manual("the instance metadata configuration was not read")
    if not value:
        return Result.fail(
            "The notebook accepts IMDSv1 requests", evidence={"imds_v2_required": False}
        )
    return Result.ok()


@rule(
    id="AWS-SM-005",
    title="SageMaker notebook storage is not encrypted with a customer-managed KMS key",
    severity=Severity.MEDIUM,
    category=Category.ENCRYPTION,
    kinds=(AssetKind.NOTEBOOK,),
    clouds=_AWS,
    services=_SM,
    description="The notebook's ML storage volume uses the service-managed key (no KmsKeyId).",
    risk=(
        "Without a customer-managed key, access to notebook data cannot be revoked or audited "
        "through key policy, and the volume falls outside key-based data controls."
    ),
    remediation=(
        "Recreate the notebook with `--kms-key-id` (Terraform `kms_key_id`); notebooks cannot "
        "change their key in place."
    ),
    references=(
        "securityhub:SageMaker.21",
        "config:sagemaker-notebook-instance-kms-key-configured",
        "prowler:sagemaker_notebook_instance_encryption_enabled",
        "OWASP-LLM:LLM02",
        "OWASP-ML:ML05",
        "MITRE-ATLAS:AML.T0035",
    ),
)
def notebook_cmk(asset: Asset, facts: SageMakerNotebookFacts, ctx: RuleContext) -> Result:
    if unread(facts.kms_key):
        return Result.manual("the notebook's KMS key was not read")
    if not facts.kms_key:
        return Result.fail(
            "The notebook volume uses the service-managed key", evidence={"kms_key": None}
        )
    return Result.ok()


@rule(
    id="AWS-SM-006",
    title="SageMaker notebook instance runs on an unsupported platform",
    severity=Severity.MEDIUM,
    category=Category.COMPUTE_HARDENING,
    kinds=(AssetKind.NOTEBOOK,),
    clouds=_AWS,
    services=_SM,
    description=(
        "The notebook's PlatformIdentifier is not a supported platform "
        f"({', '.join(sorted(SUPPORTED_NOTEBOOK_PLATFORMS))})."
    ),
    risk="Deprecated platforms no longer receive OS, Jupyter and driver security updates.",
    remediation=(
        "Create a new notebook with `--platform-identifier notebook-al2023-v1` and move the work "
        "over (Terraform `platform_identifier`)."
    ),
    references=(
        "securityhub:SageMaker.8",
        "config:sagemaker-notebook-instance-platform-version",
        "OWASP-ML:ML06",
        "MITRE-ATLAS:AML.T0010.001",
    ),
)
def notebook_platform(asset: Asset, facts: SageMakerNotebookFacts, ctx: RuleContext) -> Result:
    platform = facts.platform_identifier
    if unread(platform) or platform is None:
        return Result.manual("the notebook's platform was not read")
    if platform not in SUPPORTED_NOTEBOOK_PLATFORMS:
        return Result.fail(
            f"The notebook runs on {platform}", evidence={"platform_identifier": platform}
        )
    return Result.ok()


@rule(
    id="AWS-SM-007",
    title="Hard-coded secret in a SageMaker notebook lifecycle script",
    severity=Severity.HIGH,
    category=Category.SECRETS,
    kinds=(AssetKind.NOTEBOOK,),
    clouds=_AWS,
    services=_SM,
    description=(
        "A lifecycle configuration script (OnCreate/OnStart) of the notebook contains a credential."
    ),
    risk=(
        "Anyone who can describe the lifecycle configuration reads the credential; it is also "
        "stored unencrypted in the notebook's environment and cannot be rotated centrally."
    ),
    remediation=(
        "Remove the secret from the script, rotate it, and read it at start-up from Secrets "
        "Manager with the execution role (`aws secretsmanager get-secret-value`)."
    ),
    references=(
        "prowler:sagemaker_notebook_instance_no_secrets",
        "OWASP-LLM:LLM02",
        "MITRE-ATLAS:AML.T0055",
    ),
)
def notebook_lifecycle_secrets(
    asset: Asset, facts: SageMakerNotebookFacts, ctx: RuleContext
) -> Iterator[Result]:
    if unread(facts.secrets):
        yield Result.manual("the lifecycle configuration could not be read")
        return
    hits = [s for s in facts.secrets if s.location.startswith("lifecycle-config/")]
    if not hits:
        yield Result.ok()
        return
    for hit in hits:
        yield Result.fail(
            f"{hit.kind} in {hit.location}",
            evidence={"location": hit.location, "kind": hit.kind, "name": hit.name},
            key=hit.location,
        )


# -- Studio domains -------------------------------------------------------------------------------


@rule(
    id="AWS-SM-008",
    title="SageMaker Studio domain allows public-internet app traffic",
    severity=Severity.HIGH,
    category=Category.NETWORK_EXPOSURE,
    kinds=(AssetKind.WORKSPACE,),
    clouds=_AWS,
    services=_SM,
    description="The domain's AppNetworkAccessType is not VpcOnly.",
    risk=(
        "Studio apps reach the internet through the SageMaker service network, bypassing the "
        "customer's VPC egress controls; data and credentials can be exfiltrated directly."
    ),
    remediation=(
        "`aws sagemaker update-domain --domain-id ID --app-network-access-type VpcOnly` "
        '(Terraform `app_network_access_type = "VpcOnly"`), with VPC endpoints for the APIs used.'
    ),
    references=(
        "prowler:sagemaker_domain_vpc_only_enabled",
        "MITRE-ATLAS:AML.T0025",
        "MITRE-ATLAS:AML.T0049",
    ),
)
def domain_vpc_only(asset: Asset, facts: SageMakerDomainFacts, ctx: RuleContext) -> Result:
    access = facts.app_network_access_type
    if unread(access) or access is None:
        return Result.manual("the domain's network access type was not read")
    if access != "VpcOnly":
        return Result.fail(
            f"App network access is {access}", evidence={"app_network_access_type": access}
        )
    return Result.ok()


@rule(
    id="AWS-SM-009",
    title="SageMaker Studio domain storage is not encrypted with a customer-managed KMS key",
    severity=Severity.MEDIUM,
    category=Category.ENCRYPTION,
    kinds=(AssetKind.WORKSPACE,),
    clouds=_AWS,
    services=_SM,
    description="The domain's EFS home volume and app storage use the service-managed key.",
    risk="User home directories and app data cannot be protected or revoked through key policy.",
    remediation=(
        "Create the domain with `--kms-key-id` (Terraform `kms_key_id`); the key cannot be "
        "changed on an existing domain."
    ),
    references=(
        "prowler:sagemaker_domain_encrypted_with_cmk",
        "OWASP-LLM:LLM02",
        "MITRE-ATLAS:AML.T0035",
    ),
)
def domain_cmk(asset: Asset, facts: SageMakerDomainFacts, ctx: RuleContext) -> Result:
    if unread(facts.kms_key):
        return Result.manual("the domain's KMS key was not read")
    if not facts.kms_key:
        return Result.fail("The domain uses the service-managed key", evidence={"kms_key": None})
    return Result.ok()


# -- models ---------------------------------------------------------------------------------------


@rule(
    id="AWS-SM-010",
    title="SageMaker model runs without network isolation",
    severity=Severity.MEDIUM,
    category=Category.NETWORK_EXPOSURE,
    kinds=(AssetKind.MODEL,),
    clouds=_AWS,
    services=_SM,
    description="The model was created without EnableNetworkIsolation, so its containers have "
    "outbound network access.",
    risk=(
        "A compromised or malicious model container (e.g. a pickled artifact, a remote-code model) "
        "can call out to the internet and exfiltrate inference data or credentials."
    ),
    remediation=(
        "Recreate the model with `--enable-network-isolation` (Terraform "
        "`enable_network_isolation = true`) and point the endpoint config at it."
    ),
    references=(
        "securityhub:SageMaker.5",
        "config:sagemaker-model-isolation-enabled",
        "prowler:sagemaker_models_network_isolation_enabled",
        "OWASP-LLM:LLM03",
        "MITRE-ATLAS:AML.T0025",
    ),
)
def model_network_isolation(asset: Asset, facts: SageMakerModelFacts, ctx: RuleContext) -> Result:
    isolation = facts.network_isolation
    if unread(isolation):
        return Result.manual("the model's network isolation was not read")
    if not isolation:
        vpc = None if unread(facts.vpc) else facts.vpc
        return Result.fail(
            "Network isolation is disabled",
            evidence={"network_isolation": False, "vpc": vpc},
        )
    return Result.ok()


@rule(
    id="AWS-SM-011",
    title="SageMaker model containers are not pulled from a private registry in the VPC",
    severity=Severity.LOW,
    category=Category.SUPPLY_CHAIN,
    kinds=(AssetKind.MODEL,),
    clouds=_AWS,
    services=_SM,
    description=(
        "A container of the model uses RepositoryAccessMode Platform (the default) instead of Vpc."
    ),
    risk=(
        "Images are pulled over the SageMaker platform path rather than from a registry the "
        "customer reaches only through its VPC, outside its registry network controls."
    ),
    remediation=(
        "Create the model with `ImageConfig={RepositoryAccessMode=Vpc}` on each container and a "
        'VpcConfig (Terraform `image_config { repository_access_mode = "Vpc" }`).'
    ),
    references=(
        "securityhub:SageMaker.16",
        "securityhub:SageMaker.19",
        "config:sagemaker-model-private-registry-required",
        "config:sagemaker-model-multicontainer-private-registry",
        "OWASP-LLM:LLM03",
        "OWASP-ML:ML06",
        "MITRE-ATLAS:AML.T0010.004",
    ),
)
def model_private_registry(asset: Asset, facts: SageMakerModelFacts, ctx: RuleContext) -> Result:
    if unread(facts.containers):
        return Result.manual("the model's containers were not read")
    platform = [c.name for c in facts.containers if c.image and c.repository_access_mode != "Vpc"]
    if platform:
        return Result.fail(
            f"{len(platform)} container(s) pull over the platform path",
            evidence={"containers": platform},
        )
    return Result.ok()


# -- endpoints ------------------------------------------------------------------------------------


@rule(
    id="AWS-SM-012",
    title="SageMaker inference data at rest is not encrypted with a customer-managed KMS key",
    severity=Severity.MEDIUM,
    category=Category.ENCRYPTION,
    kinds=(AssetKind.ENDPOINT,),
    clouds=_AWS,
    services=_SM,
    description=(
        "The endpoint config has no KmsKeyId for its instance storage (on instance types that "
        "accept one), or async inference output or data capture is written without a KMS key."
    ),
    risk=(
        "Inference requests and responses (often sensitive prompts and predictions) are stored "
        "under keys the customer cannot restrict or revoke."
    ),
    remediation=(
        "Create a new endpoint config with `KmsKeyId`, "
        "`AsyncInferenceConfig.OutputConfig.KmsKeyId` and `DataCaptureConfig.KmsKeyId`, "
        "then `aws sagemaker update-endpoint` to it "
        "(Terraform `kms_key_arn`, `data_capture_config.kms_key_id`)."
    ),
    references=(
        "config:sagemaker-endpoint-configuration-kms-key-configured",
        "config:sagemaker-endpoint-config-kms-key-required",
        "prowler:sagemaker_endpoint_config_kms_encryption_enabled",
        "OWASP-LLM:LLM02",
        "MITRE-ATLAS:AML.T0057",
    ),
)
def endpoint_cmk(asset: Asset, facts: SageMakerEndpointFacts, ctx: RuleContext) -> Result:
    variants = facts.variants
    if unread(variants):
        return Result.manual("the endpoint config was not read")
    gaps: list[str] = []
    needs_volume_key = any(
        not v.serverless and not has_local_nvme(v.instance_type) for v in variants
    )
    if needs_volume_key and (unread(facts.kms_key) or not facts.kms_key):
        gaps.append("storage volume")
    async_output = facts.async_output
    if not unread(async_output) and async_output is not None and not async_output.kms_key:
        gaps.append("async inference output")
    capture = facts.data_capture
    if not unread(capture) and capture is not None and capture.enabled and not capture.kms_key:
        gaps.append("data capture")
    if gaps:
        return Result.fail(
            f"No customer-managed key for: {', '.join(gaps)}", evidence={"unencrypted": gaps}
        )
    return Result.ok()


@rule(
    id="AWS-SM-016",
    title="SageMaker model monitoring job runs without network isolation",
    severity=Severity.MEDIUM,
    category=Category.NETWORK_EXPOSURE,
    kinds=(AssetKind.ENDPOINT,),
    clouds=_AWS,
    services=_SM,
    description=(
        "A monitoring schedule of the endpoint runs a job definition without "
        "EnableNetworkIsolation."
    ),
    risk="Monitoring jobs read captured inference data; without isolation they can send it out.",
    remediation=(
        "Recreate the monitoring job definition / schedule with "
        "`NetworkConfig.EnableNetworkIsolation=true`."
    ),
    references=(
        "securityhub:SageMaker.11",
        "securityhub:SageMaker.12",
        "securityhub:SageMaker.14",
        "securityhub:SageMaker.20",
        "securityhub:SageMaker.25",
        "config:sagemaker-monitoring-schedule-isolation",
        "OWASP-LLM:LLM02",
        "MITRE-ATLAS:AML.T0025",
    ),
)
def monitoring_isolation(asset: Asset, facts: SageMakerEndpointFacts, ctx: RuleContext) -> Result:
    schedules = facts.monitoring
    if unread(schedules):
        return Result.manual("the endpoint's monitoring schedules were not read")
    if not schedules:
        return Result.not_applicable("the endpoint has no monitoring schedule")
    open_jobs = [s.name for s in schedules if s.network_isolation is False]
    if open_jobs:
        return Result.fail(
            f"{len(open_jobs)} monitoring schedule(s) without network isolation",
            evidence={"schedules": open_jobs},
        )
    if any(s.network_isolation is None for s in schedules):
        return Result.manual("a monitoring job definition could not be read")
    return Result.ok()


@rule(
    id="AWS-SM-019",
    title="SageMaker endpoint serves a model not approved in the Model Registry",
    severity=Severity.MEDIUM,
    category=Category.GOVERNANCE,
    kinds=(AssetKind.ENDPOINT,),
    clouds=_AWS,
    services=_SM,
    description=(
        "A model the endpoint serves was not created from a model package, or its package's "
        "approval status is not Approved."
    ),
    risk=(
        "Models reach production without the registry's review and lineage, so a tampered or "
        "untested model can be served."
    ),
    remediation=(
        "Register models in a model package group, approve them "
        "(`aws sagemaker update-model-package --model-approval-status Approved`), and create "
        "deployed models from the package ARN (`PrimaryContainer.ModelPackageName`)."
    ),
    references=(
        "prowler:sagemaker_models_registry_in_use",
        "OWASP-LLM:LLM03",
        "OWASP-ML:ML06",
        "MITRE-ATLAS:AML.T0010.003",
    ),
)
def endpoint_registered_models(
    asset: Asset, facts: SageMakerEndpointFacts, ctx: RuleContext
) -> Result:
    inv = ctx.inventory
    served = inv.outgoing(asset.id, RelationType.SERVES)
    if not served:
        return Result.manual("the models this endpoint serves are not known")
    problems: list[dict[str, Any]] = []
    unknown: list[str] = []
    for rel in served:
        model = inv.get(rel.target)
        model_facts = model.facts if model is not None else None
        if (
            model is None
            or not isinstance(model_facts, ContainerFacts)
            or unread(model_facts.containers)
        ):
            unknown.append(rel.target)
            continue
        for c in model_facts.containers:
            if not c.model_package:
                problems.append({"model": model.id, "problem": "not from a model package"})
                continue
            package = inv.get(c.model_package)
            package_facts = package.facts if package is not None else None
            status = (
                package_facts.approval_status
                if isinstance(package_facts, SageMakerModelPackageFacts)
                else None
            )
            if status is None or unread(status):
                unknown.append(c.model_package)
            elif status != "Approved":
                problems.append({"model": model.id, "package": c.model_package, "approval": status})
    if problems:
        return Result.fail(
            f"{len(problems)} served model container(s) not from an approved package",
            evidence={"models": problems},
        )
    if unknown:
        return Result.manual(f"not read: {', '.join(sorted(set(unknown))[:5])}")
    return Result.ok()


@rule(
    id="AWS-SM-020",
    title="SageMaker endpoint has no Model Monitor schedule",
    severity=Severity.LOW,
    category=Category.GOVERNANCE,
    kinds=(AssetKind.ENDPOINT,),
    clouds=_AWS,
    services=_SM,
    description="No monitoring schedule watches the endpoint for data or model-quality drift.",
    risk="Poisoned inputs, drift or degraded model quality go unnoticed in production.",
    remediation=(
        "Enable data capture and create a schedule (`aws sagemaker create-monitoring-schedule`, "
        "or `DefaultModelMonitor.create_monitoring_schedule` in the SageMaker SDK)."
    ),
    references=(
        "prowler:sagemaker_models_monitor_enabled",
        "OWASP-ML:ML08",
        "OWASP-LLM:LLM04",
        "MITRE-ATLAS:AML.T0031",
    ),
)
def endpoint_monitored(asset: Asset, facts: SageMakerEndpointFacts, ctx: RuleContext) -> Result:
    count = facts.monitoring_schedules
    if unread(count):
        return Result.manual("the monitoring schedules were not read")
    if count == 0:
        return Result.fail("No monitoring schedule", evidence={"monitoring_schedules": 0})
    return Result.ok()


# -- jobs -----------------------------------------------------------------------------------------


@rule(
    id="AWS-SM-013",
    title="SageMaker training job is not network-contained",
    severity=Severity.MEDIUM,
    category=Category.NETWORK_EXPOSURE,
    kinds=(AssetKind.TRAINING_JOB,),
    clouds=_AWS,
    services=_SM,
    description="The training job has neither network isolation nor a customer VPC.",
    risk=(
        "Training code (often third-party) reaches the internet freely: training data and the "
        "execution role's credentials can be exfiltrated, and poisoned data fetched."
    ),
    remediation=(
        "Run training with `EnableNetworkIsolation=True` (SageMaker SDK "
        "`enable_network_isolation=True`) or in private subnets (`VpcConfig`)."
    ),
    references=(
        "prowler:sagemaker_training_jobs_network_isolation_enabled",
        "prowler:sagemaker_training_jobs_vpc_settings_configured",
        "OWASP-LLM:LLM04",
        "OWASP-ML:ML02",
        "MITRE-ATLAS:AML.T0025",
        "MITRE-ATLAS:AML.T0020",
    ),
)
def training_network(asset: Asset, facts: SageMakerJobFacts, ctx: RuleContext) -> Result:
    if facts.job_type != "training":
        return Result.not_applicable("not a training job")
    isolation, vpc = facts.network_isolation, facts.vpc
    if unread(isolation) or unread(vpc):
        return Result.manual("the job's network settings were not read")
    if not isolation and not vpc:
        return Result.fail(
            "Neither network isolation nor a VPC",
            evidence={"network_isolation": False, "vpc": False},
        )
    return Result.ok()


@rule(
    id="AWS-SM-014",
    title="SageMaker job volumes or outputs are not encrypted with a customer-managed KMS key",
    severity=Severity.MEDIUM,
    category=Category.ENCRYPTION,
    kinds=(AssetKind.TRAINING_JOB,),
    clouds=_AWS,
    services=_SM,
    description=(
        "A training, processing or transform job has no VolumeKmsKeyId (on instance types that "
        "accept one) or writes its output without a KMS key."
    ),
    risk=(
        "Training data on the volume and the produced model artifacts are stored under keys the "
        "customer cannot restrict or revoke, easing model and data theft."
    ),
    remediation=(
        "Set `ResourceConfig.VolumeKmsKeyId` and `OutputDataConfig.KmsKeyId` (SageMaker SDK "
        "`volume_kms_key=`, `output_kms_key=`); for processing/transform the equivalent fields."
    ),
    references=(
        "prowler:sagemaker_training_jobs_volume_and_output_encryption_enabled",
        "prowler:sagemaker_processing_job_volume_encrypted_with_cmk",
        "prowler:sagemaker_transform_job_volume_encrypted_with_cmk",
        "OWASP-LLM:LLM02",
        "OWASP-ML:ML05",
        "MITRE-ATLAS:AML.T0035",
    ),
)
def job_cmk(
    asset: Asset, facts: SageMakerJobFacts | SageMakerTransformJobFacts, ctx: RuleContext
) -> Result:
    volume, output = facts.volume_kms_key, facts.output_kms_key
    if unread(volume) or unread(output):
        return Result.manual("the job's KMS settings were not read")
    instance_type = None if unread(facts.instance_type) else facts.instance_type
    gaps: list[str] = []
    if not volume and not has_local_nvme(instance_type):
        gaps.append("volume")
    if not output:
        gaps.append("output")
    if gaps:
        job_type = known(facts.job_type)
        return Result.fail(
            f"No customer-managed key for: {', '.join(gaps)}",
            evidence={"unencrypted": gaps, "job_type": job_type},
        )
    return Result.ok()


@rule(
    id="AWS-SM-015",
    title="Inter-container traffic encryption is disabled for a distributed SageMaker job",
    severity=Severity.MEDIUM,
    category=Category.ENCRYPTION,
    kinds=(AssetKind.TRAINING_JOB,),
    clouds=_AWS,
    services=_SM,
    description=(
        "A job on more than one instance runs without EnableInterContainerTrafficEncryption."
    ),
    risk="Training data and model weights cross the network between instances in clear text.",
    remediation=(
        "Set `EnableInterContainerTrafficEncryption=True` (SageMaker SDK "
        "`encrypt_inter_container_traffic=True`)."
    ),
    references=(
        "prowler:sagemaker_training_jobs_intercontainer_encryption_enabled",
        "OWASP-LLM:LLM02",
    ),
)
def job_inter_container_encryption(
    asset: Asset, facts: SageMakerJobFacts, ctx: RuleContext
) -> Result:
    count = facts.instance_count
    if unread(count) or count is None or unread(facts.inter_container_encryption):
        return Result.manual("the job's instance count or traffic encryption was not read")
    if count <= 1:
        return Result.not_applicable("single-instance job")
    if not facts.inter_container_encryption:
        return Result.fail(
            f"{count} instances exchange traffic unencrypted",
            evidence={"instance_count": count, "inter_container_encryption": False},
        )
    return Result.ok()


# -- feature store --------------------------------------------------------------------------------


@rule(
    id="AWS-SM-017",
    title="SageMaker Feature Store is not encrypted with a customer-managed KMS key",
    severity=Severity.MEDIUM,
    category=Category.ENCRYPTION,
    kinds=(AssetKind.DATASET,),
    clouds=_AWS,
    services=_SM,
    description=(
        "The feature group's offline store (S3) or standard-tier online store has no KMS key."
    ),
    risk="Feature data used for training and inference cannot be protected through key policy.",
    remediation=(
        "Create the feature group with `OfflineStoreConfig.S3StorageConfig.KmsKeyId` and "
        "`OnlineStoreConfig.SecurityConfig.KmsKeyId`."
    ),
    references=(
        "securityhub:SageMaker.17",
        "securityhub:SageMaker.18",
        "config:sagemaker-featuregroup-encryption-at-rest",
        "config:sagemaker-featuregroup-online-store-encryption",
        "prowler:sagemaker_feature_group_offline_store_encrypted_with_cmk",
        "OWASP-LLM:LLM04",
        "OWASP-ML:ML02",
        "MITRE-ATLAS:AML.T0020",
    ),
)
def feature_group_cmk(asset: Asset, facts: SageMakerFeatureGroupFacts, ctx: RuleContext) -> Result:
    offline, online = facts.offline_store, facts.online_store
    if unread(offline) or unread(online):
        return Result.manual("the feature group's store settings were not read")
    gaps: list[str] = []
    if offline.enabled and not offline.kms_key:
        gaps.append("offline store")
    if online.enabled and online.storage_type != "InMemory" and not online.kms_key:
        gaps.append("online store")
    if gaps:
        return Result.fail(
            f"No customer-managed key for: {', '.join(gaps)}", evidence={"unencrypted": gaps}
        )
    return Result.ok()


# -- IAM ------------------------------------------------------------------------------------------


@rule(
    id="AWS-SM-018",
    title="AmazonSageMakerFullAccess is attached to a non-service principal",
    severity=Severity.HIGH,
    category=Category.IDENTITY,
    kinds=(AssetKind.IDENTITY,),
    clouds=_AWS,
    services=("iam",),
    description=(
        "An IAM role, user or group outside the /service-role/ path has the "
        "AmazonSageMakerFullAccess managed policy."
    ),
    risk=(
        "The policy allows every SageMaker action plus passing roles and reading broad S3 data: "
        "the principal can deploy, replace or exfiltrate any model."
    ),
    remediation=(
        "Detach the policy (`aws iam detach-role-policy --policy-arn "
        "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess`) and grant scoped SageMaker actions."
    ),
    references=(
        "prowler:sagemaker_full_access_policy_attached",
        "OWASP-LLM:LLM06",
        "MITRE-ATLAS:AML.T0012",
    ),
)
def sagemaker_full_access(asset: Asset, facts: IamRoleFacts, ctx: RuleContext) -> Result:
    policies = facts.full_access_policies
    if unread(policies):
        return Result.manual("the identity's attached policies were not read")
    attached = any(p.rsplit("/", 1)[-1] == "AmazonSageMakerFullAccess" for p in policies)
    if not attached:
        return Result.ok()
    if "/service-role/" in asset.id:
        return Result.not_applicable("a service role")
    return Result.fail(
        "AmazonSageMakerFullAccess is attached",
        evidence={"policy": "AmazonSageMakerFullAccess"},
    )


# -- jobs that launch jobs (tuning, AutoML), processing containment, inference experiments -------

#: The metadata these rules share: medium SageMaker findings on job-like assets (training-job
#: kind); each rule's facts annotation says which resource types it judges.
_job_rule = partial(
    rule, severity=Severity.MEDIUM, kinds=(AssetKind.TRAINING_JOB,), clouds=_AWS, services=_SM
)

_ATLAS_EXFIL = "MITRE-ATLAS:AML.T0025"
_ATLAS_THEFT = "MITRE-ATLAS:AML.T0035"


def _off(flag: bool | Unread, what: str) -> Result | None:
    """manual for an unread switch; None once it was read (the caller judges its value)."""
    if unread(flag):
        return Result.manual(f"the job's {what} was not read")
    return None


def _no_key(key: str | None | Unread, what: str, evidence: dict[str, Any]) -> Result:
    if unread(key):
        return Result.manual(f"the {what} KMS setting was not read")
    if not key:
        return Result.fail(f"No customer-managed KMS key for the {what}", evidence=evidence)
    return Result.ok()


@_job_rule(
    id="AWS-SM-040",
    title="SageMaker processing job is not network-contained",
    category=Category.NETWORK_EXPOSURE,
    description="The processing job has neither network isolation nor a customer VPC.",
    risk=(
        "Processing code (feature engineering, evaluation, often third-party containers) reaches "
        "the internet freely: the input data and the execution role's credentials can be "
        "exfiltrated, and poisoned data fetched into the features a model is trained on."
    ),
    remediation=(
        "Set `NetworkConfig.EnableNetworkIsolation=True` or run the job in private subnets "
        "(`NetworkConfig.VpcConfig`; SageMaker SDK `network_config=NetworkConfig(...)`)."
    ),
    references=(
        "prowler:sagemaker_processing_jobs_network_isolation_enabled",
        "OWASP-ML:ML02",
        "OWASP-LLM:LLM04",
        _ATLAS_EXFIL,
        "MITRE-ATLAS:AML.T0020",
    ),
)
def processing_network(
    asset: Asset, facts: SageMakerProcessingJobFacts, ctx: RuleContext
) -> Result:
    isolation, vpc = facts.network_isolation, facts.vpc
    if unread(isolation) or unread(vpc):
        return Result.manual("the job's network settings were not read")
    if not isolation and not vpc:
        return Result.fail(
            "Neither network isolation nor a VPC",
            evidence={"network_isolation": False, "vpc": False},
        )
    return Result.ok()


@_job_rule(
    id="AWS-SM-041",
    title="SageMaker hyper-parameter tuning job runs without network isolation",
    category=Category.NETWORK_EXPOSURE,
    description=(
        "A training job definition of the tuning job lacks EnableNetworkIsolation, so every "
        "training job the tuner launches has outbound network access."
    ),
    risk=(
        "A tuning job runs the same training code tens or hundreds of times; without isolation "
        "each run can send training data or the role's credentials anywhere."
    ),
    remediation=(
        "Set `TrainingJobDefinition.EnableNetworkIsolation=True` (SageMaker SDK: an Estimator "
        "with `enable_network_isolation=True` passed to the `HyperparameterTuner`)."
    ),
    references=("OWASP-ML:ML02", "OWASP-LLM:LLM04", _ATLAS_EXFIL),
)
def tuning_network_isolation(
    asset: Asset, facts: SageMakerTuningJobFacts, ctx: RuleContext
) -> Result:
    if (gap := _off(facts.network_isolation, "network isolation")) is not None:
        return gap
    if not facts.network_isolation:
        definitions = known(facts.definitions)
        return Result.fail(
            "Network isolation is disabled for the tuner's training jobs",
            evidence={"network_isolation": False, "definitions": definitions},
        )
    return Result.ok()


@_job_rule(
    id="AWS-SM-042",
    title="Inter-container traffic encryption is disabled for a distributed tuning job",
    category=Category.ENCRYPTION,
    description=(
        "The tuning job's training jobs run on more than one instance without "
        "EnableInterContainerTrafficEncryption."
    ),
    risk="Training data and model weights cross the network between instances in clear text.",
    remediation=(
        "Set `TrainingJobDefinition.EnableInterContainerTrafficEncryption=True` (SageMaker SDK "
        "`encrypt_inter_container_traffic=True` on the tuner's Estimator)."
    ),
    references=(
        "prowler:sagemaker_training_jobs_intercontainer_encryption_enabled",
        "OWASP-LLM:LLM02",
    ),
)
def tuning_inter_container_encryption(
    asset: Asset, facts: SageMakerTuningJobFacts, ctx: RuleContext
) -> Result:
    count = facts.instance_count
    if unread(count) or count is None:
        return Result.manual("the tuning job's instance count was not read")
    if count <= 1:
        return Result.not_applicable("single-instance training jobs")
    if (gap := _off(facts.inter_container_encryption, "traffic encryption")) is not None:
        return gap
    if not facts.inter_container_encryption:
        return Result.fail(
            f"{count} instances a training job exchange traffic unencrypted",
            evidence={"instance_count": count, "inter_container_encryption": False},
        )
    return Result.ok()


@_job_rule(
    id="AWS-SM-043",
    title="Inter-container traffic encryption is disabled for a SageMaker AutoML job",
    category=Category.ENCRYPTION,
    description=(
        "The AutoML job's SecurityConfig lacks EnableInterContainerTrafficEncryption; AutoML "
        "chooses instance counts itself, so its candidates may train distributed."
    ),
    risk="Training data and candidate models cross the network between instances in clear text.",
    remediation=(
        "Create AutoML jobs with `SecurityConfig.EnableInterContainerTrafficEncryption=True` "
        "(SageMaker SDK `AutoMLV2(..., encrypt_inter_container_traffic=True)`)."
    ),
    references=("OWASP-LLM:LLM02", "OWASP-ML:ML05"),
)
def automl_inter_container_encryption(
    asset: Asset, facts: SageMakerAutoMLJobFacts, ctx: RuleContext
) -> Result:
    if (gap := _off(facts.inter_container_encryption, "traffic encryption")) is not None:
        return gap
    if not facts.inter_container_encryption:
        return Result.fail(
            "Inter-container traffic encryption is disabled",
            evidence={"inter_container_encryption": False},
        )
    return Result.ok()


def _tuning_evidence(facts: SageMakerTuningJobFacts | SageMakerAutoMLJobFacts) -> dict[str, Any]:
    return {"job_type": known(facts.job_type)}


@_job_rule(
    id="AWS-SM-044",
    title="SageMaker tuning job output is not encrypted with a customer-managed KMS key",
    category=Category.ENCRYPTION,
    description="A training job definition of the tuning job has no OutputDataConfig.KmsKeyId.",
    risk=(
        "Every candidate model the tuner produces is stored under a key the customer cannot "
        "restrict or revoke, easing model theft."
    ),
    remediation="Set `TrainingJobDefinition.OutputDataConfig.KmsKeyId` (SDK `output_kms_key=`).",
    references=("OWASP-LLM:LLM02", "OWASP-ML:ML05", _ATLAS_THEFT),
)
def tuning_output_cmk(asset: Asset, facts: SageMakerTuningJobFacts, ctx: RuleContext) -> Result:
    return _no_key(facts.output_kms_key, "tuning output", _tuning_evidence(facts))


@_job_rule(
    id="AWS-SM-045",
    title="SageMaker tuning job volumes are not encrypted with a customer-managed KMS key",
    category=Category.ENCRYPTION,
    description=(
        "A training job definition of the tuning job has no ResourceConfig.VolumeKmsKeyId on an "
        "instance type that accepts one."
    ),
    risk="Training data on the instances' volumes cannot be protected through key policy.",
    remediation=(
        "Set `TrainingJobDefinition.ResourceConfig.VolumeKmsKeyId` (SDK `volume_kms_key=`)."
    ),
    references=(
        "prowler:sagemaker_training_jobs_volume_and_output_encryption_enabled",
        "OWASP-ML:ML05",
        _ATLAS_THEFT,
    ),
)
def tuning_volume_cmk(asset: Asset, facts: SageMakerTuningJobFacts, ctx: RuleContext) -> Result:
    instance_type = None if unread(facts.instance_type) else facts.instance_type
    if has_local_nvme(instance_type):
        return Result.not_applicable("instance storage is NVMe (hardware-encrypted)")
    return _no_key(facts.volume_kms_key, "tuning volume", _tuning_evidence(facts))


@_job_rule(
    id="AWS-SM-046",
    title="SageMaker AutoML job output is not encrypted with a customer-managed KMS key",
    category=Category.ENCRYPTION,
    description="The AutoML job has no OutputDataConfig.KmsKeyId.",
    risk=(
        "Candidate models, notebooks and the data-exploration report (which quotes training "
        "data) are stored under a key the customer cannot restrict or revoke."
    ),
    remediation="Create AutoML jobs with `OutputDataConfig.KmsKeyId` (SDK `output_kms_key=`).",
    references=("OWASP-LLM:LLM02", "OWASP-ML:ML05", _ATLAS_THEFT),
)
def automl_output_cmk(asset: Asset, facts: SageMakerAutoMLJobFacts, ctx: RuleContext) -> Result:
    return _no_key(facts.output_kms_key, "AutoML output", _tuning_evidence(facts))


@_job_rule(
    id="AWS-SM-047",
    title="SageMaker AutoML job volumes are not encrypted with a customer-managed KMS key",
    category=Category.ENCRYPTION,
    description="The AutoML job's SecurityConfig has no VolumeKmsKeyId.",
    risk="Training data on the volumes of every candidate job cannot be protected by key policy.",
    remediation=(
        "Create AutoML jobs with `SecurityConfig.VolumeKmsKeyId` (SDK `volume_kms_key=`)."
    ),
    references=("OWASP-ML:ML05", _ATLAS_THEFT),
)
def automl_volume_cmk(asset: Asset, facts: SageMakerAutoMLJobFacts, ctx: RuleContext) -> Result:
    return _no_key(facts.volume_kms_key, "AutoML volume", _tuning_evidence(facts))


@_job_rule(
    id="AWS-SM-048",
    title="SageMaker AutoML job does not run in a VPC",
    category=Category.NETWORK_EXPOSURE,
    description="The AutoML job's SecurityConfig has no VpcConfig with subnets.",
    risk=(
        "The processing, training and inference jobs AutoML launches use SageMaker's own network "
        "with internet access: training data and credentials can leave outside the customer's "
        "egress controls."
    ),
    remediation=(
        "Create AutoML jobs with `SecurityConfig.VpcConfig` naming private subnets and security "
        "groups (SDK `vpc_config=`)."
    ),
    references=("OWASP-ML:ML02", "OWASP-LLM:LLM04", _ATLAS_EXFIL),
)
def automl_vpc(asset: Asset, facts: SageMakerAutoMLJobFacts, ctx: RuleContext) -> Result:
    if unread(facts.vpc):
        return Result.manual("the AutoML job's network settings were not read")
    if not facts.vpc:
        return Result.fail("The AutoML job runs outside a VPC", evidence={"vpc": False})
    return Result.ok()


@_job_rule(
    id="AWS-SM-049",
    title="SageMaker inference experiment data storage is not encrypted with a customer-managed "
    "KMS key",
    category=Category.ENCRYPTION,
    description=(
        "The inference experiment captures requests and responses (DataStorageConfig) without a "
        "KmsKey."
    ),
    risk=(
        "Captured production prompts, features and predictions (often personal data) are stored "
        "under a key the customer cannot restrict or revoke."
    ),
    remediation="Set `DataStorageConfig.KmsKey` when creating the inference experiment.",
    references=(
        "securityhub:SageMaker.24",
        "config:sagemaker-inf-experiment-data-storage-kms-encrypted",
        "OWASP-LLM:LLM02",
        "MITRE-ATLAS:AML.T0057",
    ),
)
def experiment_storage_cmk(
    asset: Asset, facts: SageMakerInferenceExperimentFacts, ctx: RuleContext
) -> Result:
    storage = facts.data_storage
    if unread(storage):
        return Result.manual("the experiment's data storage was not read")
    if storage is None:
        return Result.not_applicable("the experiment captures no data")
    if not storage.kms_key:
        return Result.fail(
            "Captured data is stored without a customer-managed key",
            evidence={"destination": storage.destination, "kms_key": None},
        )
    return Result.ok()


@_job_rule(
    id="AWS-SM-050",
    title="SageMaker inference experiment instance storage is not encrypted with a "
    "customer-managed KMS key",
    category=Category.ENCRYPTION,
    description="The inference experiment has no KmsKey for the storage volumes of its variants.",
    risk="Model weights and request data on the hosting instances' volumes cannot be protected "
    "through key policy.",
    remediation="Set `KmsKey` when creating the inference experiment.",
    references=(
        "securityhub:SageMaker.23",
        "config:sagemaker-inf-experiment-instance-storage-kms-encrypted",
        "OWASP-LLM:LLM02",
        _ATLAS_THEFT,
    ),
)
def experiment_volume_cmk(
    asset: Asset, facts: SageMakerInferenceExperimentFacts, ctx: RuleContext
) -> Result:
    return _no_key(facts.kms_key, "experiment's instance storage", {"kms_key": None})


#: The SCP condition keys that keep the next notebook off the internet and out of root.
NOTEBOOK_SCP_KEYS = ("sagemaker:DirectInternetAccess", "sagemaker:RootAccess")


@rule(
    id="AWS-SM-051",
    title="No SCP keeps new SageMaker notebooks off the internet and out of root",
    severity=Severity.LOW,
    category=Category.GOVERNANCE,
    kinds=(AssetKind.NOTEBOOK,),
    clouds=_AWS,
    services=_SM,
    description=(
        "No service control policy in effect for the account denies "
        "sagemaker:CreateNotebookInstance with sagemaker:DirectInternetAccess or "
        "sagemaker:RootAccess set to Enabled."
    ),
    risk=(
        "Each new notebook is only as safe as whoever creates it: direct internet access and "
        "root come back with the next instance, whatever today's notebooks look like."
    ),
    remediation=(
        "Attach an SCP to the organization root or the OU that denies "
        "sagemaker:CreateNotebookInstance when sagemaker:DirectInternetAccess or "
        'sagemaker:RootAccess equals "Enabled" (one Deny statement per key).'
    ),
    references=(
        *(f"scp:{key}" for key in NOTEBOOK_SCP_KEYS),
        "securityhub:SageMaker.1",
        "securityhub:SageMaker.3",
        "OWASP-ML:ML06",
        "MITRE-ATLAS:AML.T0025",
    ),
)
def notebook_scp_guardrails(
    asset: Asset, facts: SageMakerNotebookFacts, ctx: RuleContext
) -> Result:
    scps = scps_in_effect(facts.scp_guardrails)
    if isinstance(scps, Result):
        return scps
    missing = scps.missing(*NOTEBOOK_SCP_KEYS)
    if missing:
        return Result.fail(
            f"no SCP enforces {', '.join(missing)}",
            evidence={"not_enforced": missing, "scps": list(scps.policies)},
        )
    return Result.ok(f"enforced by SCP {', '.join(scps.enforcing(*NOTEBOOK_SCP_KEYS))}")


RULES = (
    notebook_direct_internet,
    notebook_in_vpc,
    notebook_root_access,
    notebook_imdsv2,
    notebook_cmk,
    notebook_platform,
    notebook_lifecycle_secrets,
    domain_vpc_only,
    domain_cmk,
    model_network_isolation,
    model_private_registry,
    endpoint_cmk,
    training_network,
    job_cmk,
    job_inter_container_encryption,
    monitoring_isolation,
    feature_group_cmk,
    sagemaker_full_access,
    endpoint_registered_models,
    endpoint_monitored,
    processing_network,
    tuning_network_isolation,
    tuning_inter_container_encryption,
    automl_inter_container_encryption,
    tuning_output_cmk,
    tuning_volume_cmk,
    automl_output_cmk,
    automl_volume_cmk,
    automl_vpc,
    experiment_storage_cmk,
    experiment_volume_cmk,
    notebook_scp_guardrails,
)
