"""Facts of AWS resource types (SageMaker, Bedrock, AgentCore, EC2/EKS, IAM, S3, ECR).

A fact's meaning is its description here (docs/attributes.md is generated from these models); how
it is read is in the docstring of the collector module that produces it (aiscan/collectors/aws/*).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from aiscan.core.facts.base import UNREAD, Facts, Nested, Unread, facts_for
from aiscan.core.facts.common import (
    AcceleratorFacts,
    ArtifactScanFacts,
    BucketFacts,
    Container,
    EndpointFacts,
    HostExposureFacts,
    IdentityFacts,
    KmsFacts,
    MetadataFacts,
    NetworkIsolationFacts,
    RunsAsFacts,
    SecretFacts,
    SecretHit,
    VpcFacts,
    WorkloadFacts,
)


class StatusFacts(Facts):
    status: str | None | Unread = UNREAD


class ScpGuardrails(Nested):
    """The service control policies in effect for the account (attached to it, the OUs above it
    and the root), as far as they enforce AI guardrails. A Deny counts only on ``Resource: *``
    and without ``NotAction``; its condition must refuse the weak value (or the key's absence)."""

    organization: str | None = Field(
        default=None, description="the organization's id; None: in no organization, no SCP applies"
    )
    policies: tuple[str, ...] = Field(default=(), description="names of the SCPs in effect")
    enforced: dict[str, tuple[str, ...]] = Field(
        default_factory=dict,
        description="guardrail condition key (sagemaker:DirectInternetAccess, RootAccess, "
        "NetworkIsolation, InterContainerTrafficEncryption, VolumeKmsKey, VpcSubnets; "
        "bedrock:GuardrailIdentifier) -> the SCPs whose Deny on the key's create / invoke "
        "action refuses the weak value (or the key's absence)",
    )
    model_allow_lists: tuple[str, ...] = Field(
        default=(),
        description="SCPs denying bedrock:InvokeModel on every model but those in NotResource",
    )

    def missing(self, *keys: str) -> list[str]:
        """The guardrail keys no SCP in effect enforces."""
        return [k for k in keys if not self.enforced.get(k)]

    def enforcing(self, *keys: str) -> list[str]:
        """The SCPs that enforce any of `keys`."""
        return sorted({p for k in keys for p in self.enforced.get(k, ())})


class ScpGuardrailFacts(Facts):
    scp_guardrails: ScpGuardrails | Unread = Field(
        default=UNREAD,
        description="the account's SCP guardrails; unread unless the scan may read SCPs "
        "(management account or delegated administrator)",
    )


# -- SageMaker ------------------------------------------------------------------------------------


class LifecycleScript(Nested):
    hook: str
    index: int
    sha256: str


class LifecycleConfig(Nested):
    name: str
    scripts: tuple[LifecycleScript, ...] = ()


@facts_for("AWS::SageMaker::NotebookInstance")
class SageMakerNotebookFacts(
    RunsAsFacts, KmsFacts, VpcFacts, MetadataFacts, SecretFacts, StatusFacts, ScpGuardrailFacts
):
    direct_internet_access: bool | Unread = UNREAD
    root_access: bool | Unread = UNREAD
    subnet_id: str | None | Unread = UNREAD
    security_groups: tuple[str, ...] | Unread = UNREAD
    platform_identifier: str | None | Unread = UNREAD
    instance_type: str | None | Unread = UNREAD
    imds_v2_required: bool | Unread = Field(
        default=UNREAD,
        description="instance metadata requires session tokens (an absent "
        "InstanceMetadataServiceConfiguration is the API default, version 1: False)",
    )
    lifecycle_config: LifecycleConfig | None | Unread = Field(
        default=UNREAD,
        description="hashes of the lifecycle scripts, never their text (absent, as are "
        "`secrets`, if the config could not be read)",
    )
    secrets: tuple[SecretHit, ...] | Unread = Field(
        default=UNREAD, description="secrets in the lifecycle scripts; never the value"
    )


@facts_for("AWS::SageMaker::Model")
class SageMakerModelFacts(
    WorkloadFacts, RunsAsFacts, NetworkIsolationFacts, VpcFacts, ArtifactScanFacts
):
    pass


@facts_for("AWS::SageMaker::ModelPackage")
class SageMakerModelPackageFacts(WorkloadFacts, StatusFacts, ArtifactScanFacts):
    approval_status: str | None | Unread = Field(
        default=UNREAD, description="Approved, Rejected or PendingManualApproval"
    )
    group: str | None | Unread = UNREAD
    version: int | None | Unread = UNREAD


@facts_for("AWS::SageMaker::ModelPackageGroup")
class SageMakerModelPackageGroupFacts(StatusFacts):
    pass


class EndpointVariant(Nested):
    name: str | None = None
    model_name: str | None = None
    model_names: tuple[str, ...] = ()
    instance_type: str | None = None
    instance_count: int | None = None
    serverless: bool = False
    shadow: bool = False


class DataCapture(Nested):
    enabled: bool = False
    kms_key: str | None = None
    destination: str | None = None


class AsyncOutput(Nested):
    kms_key: str | None = None
    destination: str | None = None


class MonitoringSchedule(Nested):
    name: str | None = None
    type: str | None = None
    status: str | None = None
    network_isolation: bool | None = Field(
        default=None, description="None where the schedule's job definition could not be read"
    )
    inter_container_encryption: bool | None = Field(
        default=None, description="None where the schedule's job definition could not be read"
    )


@facts_for("AWS::SageMaker::Endpoint")
class SageMakerEndpointFacts(EndpointFacts, KmsFacts, StatusFacts):
    """The config's facts (variants, key, capture, async output) are absent if the endpoint
    config could not be read; the monitoring ones if the region's schedules could not be."""

    authenticated: bool | Unread = Field(default=UNREAD, description="always True: SigV4")
    endpoint_config: str | None | Unread = UNREAD
    variants: tuple[EndpointVariant, ...] | Unread = UNREAD
    data_capture: DataCapture | None | Unread = UNREAD
    async_output: AsyncOutput | None | Unread = Field(
        default=UNREAD, description="where asynchronous results go (None: not asynchronous)"
    )
    monitoring_schedules: int | Unread = Field(
        default=UNREAD, description="how many monitoring schedules watch the endpoint"
    )
    monitoring: tuple[MonitoringSchedule, ...] | Unread = UNREAD


class _SageMakerJobFacts(WorkloadFacts, RunsAsFacts, StatusFacts):
    job_type: str | Unread = Field(default=UNREAD, description="training, processing or transform")
    input_uris: tuple[str, ...] | Unread = UNREAD
    output_uri: str | None | Unread = UNREAD
    instance_type: str | None | Unread = UNREAD
    instance_count: int | None | Unread = UNREAD
    volume_kms_key: str | None | Unread = UNREAD
    output_kms_key: str | None | Unread = UNREAD


class SageMakerJobFacts(_SageMakerJobFacts, NetworkIsolationFacts, VpcFacts):
    """Training and processing jobs: the jobs with a network and inter-container setting."""

    inter_container_encryption: bool | Unread = UNREAD


@facts_for("AWS::SageMaker::TrainingJob")
class SageMakerTrainingJobFacts(SageMakerJobFacts):
    model_artifacts: str | None | Unread = Field(
        default=UNREAD, description="where the model artifact was written"
    )


@facts_for("AWS::SageMaker::ProcessingJob")
class SageMakerProcessingJobFacts(SageMakerJobFacts):
    output_uris: tuple[str, ...] | Unread = Field(
        default=UNREAD, description="every output location"
    )


@facts_for("AWS::SageMaker::TransformJob")
class SageMakerTransformJobFacts(_SageMakerJobFacts):
    model_name: str | None | Unread = Field(default=UNREAD, description="the model it runs")
    environment: dict[str, str] | Unread = UNREAD


class PipelineStep(Nested):
    name: str | None = None
    type: str | None = None
    images: tuple[str, ...] = ()
    role_arn: str | None = None


@facts_for("AWS::SageMaker::Pipeline")
class SageMakerPipelineFacts(WorkloadFacts, RunsAsFacts, StatusFacts):
    containers: tuple[Container, ...] | Unread = Field(
        default=UNREAD, description="one per image a step runs"
    )
    steps: tuple[PipelineStep, ...] | Unread = Field(
        default=UNREAD, description="absent if the definition did not parse"
    )


@facts_for("AWS::SageMaker::Domain")
class SageMakerDomainFacts(RunsAsFacts, KmsFacts, VpcFacts, StatusFacts):
    app_network_access_type: str | None | Unread = UNREAD
    vpc_id: str | None | Unread = UNREAD
    auth_mode: str | None | Unread = UNREAD
    role_arn: str | None | Unread = Field(
        default=UNREAD, description="the default execution role of its users"
    )
    space_role_arn: str | None | Unread = Field(
        default=UNREAD, description="the default execution role of its shared spaces"
    )


class OfflineStore(Nested):
    enabled: bool = False
    kms_key: str | None = None
    s3_uri: str | None = None


class OnlineStore(Nested):
    enabled: bool = False
    kms_key: str | None = None
    storage_type: str | None = None


@facts_for("AWS::SageMaker::FeatureGroup")
class SageMakerFeatureGroupFacts(RunsAsFacts, StatusFacts):
    offline_store: OfflineStore | Unread = UNREAD
    online_store: OnlineStore | Unread = UNREAD


class _SageMakerRunFacts(RunsAsFacts, StatusFacts):
    """Jobs that launch training jobs of their own (tuning, AutoML)."""

    job_type: str | Unread = Field(default=UNREAD, description="tuning or automl")
    input_uris: tuple[str, ...] | Unread = UNREAD
    output_uri: str | None | Unread = UNREAD
    vpc: bool | Unread = Field(
        default=UNREAD, description="the jobs it launches run in a customer VPC"
    )
    inter_container_encryption: bool | Unread = UNREAD
    volume_kms_key: str | None | Unread = UNREAD
    output_kms_key: str | None | Unread = UNREAD


@facts_for("AWS::SageMaker::HyperParameterTuningJob")
class SageMakerTuningJobFacts(_SageMakerRunFacts, NetworkIsolationFacts):
    """With several training job definitions, a setting holds only if every one has it (a KMS
    key is None if one definition has none). Environments and static hyper-parameters are
    redacted in raw."""

    strategy: str | None | Unread = UNREAD
    definitions: int | Unread = Field(default=UNREAD, description="training job definitions")
    images: tuple[str, ...] | Unread = UNREAD
    instance_type: str | None | Unread = UNREAD
    instance_count: int | None | Unread = Field(
        default=UNREAD, description="instances per training job (the largest definition)"
    )
    role_arns: tuple[str, ...] | Unread = Field(
        default=UNREAD, description="every definition's execution role"
    )


@facts_for("AWS::SageMaker::AutoMLJob")
class SageMakerAutoMLJobFacts(_SageMakerRunFacts):
    problem_type: str | None | Unread = UNREAD


class DataStorage(Nested):
    destination: str | None = None
    kms_key: str | None = None


@facts_for("AWS::SageMaker::InferenceExperiment")
class SageMakerInferenceExperimentFacts(RunsAsFacts, KmsFacts, StatusFacts):
    kms_key: str | None | Unread = Field(
        default=UNREAD,
        description="customer-managed key of its instance storage; None = service-managed key",
    )
    experiment_type: str | None | Unread = UNREAD
    endpoint_name: str | None | Unread = UNREAD
    model_names: tuple[str, ...] | Unread = UNREAD
    shadow_source_variant: str | None | Unread = UNREAD
    data_storage: DataStorage | None | Unread = Field(
        default=UNREAD, description="where captured requests and responses go (None: nowhere)"
    )


# -- Bedrock --------------------------------------------------------------------------------------


class FilterStrength(Nested):
    input: str | None = None
    output: str | None = None


@facts_for("AWS::Bedrock::Guardrail")
class BedrockGuardrailFacts(KmsFacts, StatusFacts):
    content_filters: dict[str, FilterStrength] | Unread = Field(
        default=UNREAD,
        description="effective strength per filter type and side: NONE where that side is "
        "disabled or only detects ({} = no content policy)",
    )
    prompt_attack_strength: str | None | Unread = Field(
        default=UNREAD,
        description="effective input strength of the PROMPT_ATTACK filter (unread when there is "
        "no such filter: content_filters tells that from not read)",
    )
    pii_actions: tuple[str, ...] | Unread = Field(
        default=UNREAD,
        description="effective action per PII entity: BLOCK, ANONYMIZE or NONE (detect-only)",
    )
    regex_actions: tuple[str, ...] | Unread = Field(
        default=UNREAD, description="the same per regex"
    )
    regexes: int | Unread = UNREAD
    contextual_grounding: bool | Unread = Field(
        default=UNREAD, description="some grounding or relevance filter is enabled"
    )
    tier: str | None | Unread = Field(
        default=UNREAD, description="content-filter tier, CLASSIC or STANDARD (None: not reported)"
    )


@facts_for("AWS::Bedrock::CustomModel")
class BedrockCustomModelFacts(KmsFacts, SecretFacts, StatusFacts, ArtifactScanFacts):
    customization_type: str | None | Unread = UNREAD
    base_model: str | None | Unread = UNREAD


@facts_for("AWS::Bedrock::ImportedModel")
class BedrockImportedModelFacts(KmsFacts, ArtifactScanFacts):
    architecture: str | None | Unread = UNREAD
    artifact_uri: str | None | Unread = Field(
        default=UNREAD, description="where the imported weights were read from"
    )


@facts_for("AWS::Bedrock::ProvisionedModelThroughput")
class BedrockProvisionedThroughputFacts(StatusFacts):
    authenticated: bool | Unread = Field(
        default=UNREAD, description="always true: the Bedrock runtime accepts only SigV4 calls"
    )
    model_units: int | None | Unread = UNREAD
    commitment: str | None | Unread = UNREAD
    model: str | None | Unread = Field(
        default=UNREAD, description="the custom or foundation model it serves"
    )


@facts_for("AWS::Bedrock::ModelCustomizationJob")
class BedrockCustomizationJobFacts(RunsAsFacts, KmsFacts, VpcFacts, SecretFacts, StatusFacts):
    customization_type: str | None | Unread = UNREAD
    base_model: str | None | Unread = UNREAD


class InvocationLogging(Nested):
    enabled: bool = Field(default=False, description="an S3 bucket or CloudWatch log group is set")
    text: bool | None = Field(default=None, description="None: the API left it out")
    image: bool | None = None
    embedding: bool | None = None
    s3_bucket: str | None = None
    cloudwatch_log_group: str | None = None
    cloudwatch_kms_key: str | None | Unread = Field(
        default=UNREAD, description="set once the log group itself was read"
    )


class EnforcedGuardrail(Nested):
    guardrail_arn: str | None = None
    guardrail_version: str | None = None
    owner: str | None = None


class VpcEndpoint(Nested):
    id: str
    service: str = Field(description="the endpoint service's last name, e.g. bedrock-runtime")
    vpc_id: str | None = None
    state: str | None = None
    endpoint_type: str | None = Field(default=None, description="Interface, Gateway, ...")
    private_dns: bool | None = None
    open_policy: bool = Field(
        default=False,
        description="some unconditional Allow statement lets any principal do any action (no "
        "policy: the default full-access one)",
    )


class Trail(Nested):
    arn: str
    name: str | None = None
    home_region: str | None = None
    multi_region: bool = False
    organization: bool = False
    logging: bool | None = Field(default=None, description="None: GetTrailStatus not read")
    selectors_read: bool = Field(default=False, description="False: GetEventSelectors not read")
    management_events: bool = False
    data_resource_types: tuple[str, ...] = Field(
        default=(),
        description="resources.type of the data events it records (basic selectors' "
        "DataResources[].Type, advanced selectors with eventCategory = Data)",
    )
    s3_data_prefixes: tuple[str, ...] = Field(
        default=(), description="S3 object ARN prefixes recorded as data events (* = all)"
    )
    s3_data_excluded: tuple[str, ...] = Field(
        default=(), description="S3 object ARN prefixes excluded by NotStartsWith / NotEquals"
    )


@facts_for("AWS::Bedrock::Service")
class BedrockServiceFacts(ScpGuardrailFacts):
    endpoint_url: str | None | Unread = Field(
        default=UNREAD, description="the regional runtime endpoint"
    )
    invocation_logging: InvocationLogging | Unread = UNREAD
    guardrails_ready: int | Unread = Field(default=UNREAD, description="READY guardrails")
    enforced_guardrails: tuple[EnforcedGuardrail, ...] | Unread = Field(
        default=UNREAD,
        description="the account's enforced guardrail configurations (unread also when "
        "botocore lacks the operation)",
    )
    agents_in_use: bool | Unread = Field(
        default=UNREAD, description="an agent or knowledge base exists in the region"
    )
    vpc_endpoints: tuple[VpcEndpoint, ...] | Unread = Field(
        default=UNREAD,
        description="the region's VPC endpoints to bedrock, bedrock-runtime, bedrock-agent and "
        "bedrock-agent-runtime",
    )
    trails: tuple[Trail, ...] | Unread = Field(
        default=UNREAD, description="the CloudTrail trails that apply to the region"
    )


class ActionGroup(Nested):
    name: str | None = None
    state: str | None = None
    lambda_: str | None = Field(default=None, alias="lambda")
    signature: str | None = None


@facts_for("AWS::Bedrock::Agent")
class BedrockAgentFacts(RunsAsFacts, KmsFacts, SecretFacts, StatusFacts):
    foundation_model: str | None | Unread = Field(
        default=UNREAD, description="as configured: model id, inference-profile id or ARN"
    )
    guardrail: str | None | Unread = Field(
        default=UNREAD, description="the guardrail's ARN (None: no guardrail)"
    )
    guardrail_version: str | None | Unread = UNREAD
    idle_session_ttl: int | None | Unread = Field(default=UNREAD, description="seconds")
    action_groups: tuple[ActionGroup, ...] | Unread = Field(
        default=UNREAD, description="of the DRAFT version"
    )
    knowledge_bases: tuple[str, ...] | Unread = Field(default=UNREAD, description="their ids")
    collaboration: str | None | Unread = UNREAD
    orchestration: str | None | Unread = UNREAD


class KnowledgeBaseSource(Nested):
    name: str | None = None
    type: str | None = None
    bucket: str | None = None
    kms_key: str | None = Field(
        default=None, description="serverSideEncryptionConfiguration.kmsKeyArn"
    )


@facts_for("AWS::Bedrock::KnowledgeBase")
class BedrockKnowledgeBaseFacts(RunsAsFacts, StatusFacts):
    type: str | None | Unread = Field(default=UNREAD, description="VECTOR, KENDRA, SQL, MANAGED")
    storage_type: str | None | Unread = UNREAD
    embedding_model: str | None | Unread = UNREAD
    data_sources: tuple[KnowledgeBaseSource, ...] | Unread = UNREAD


@facts_for("AWS::Bedrock::Flow")
class BedrockFlowFacts(RunsAsFacts, KmsFacts, SecretFacts, StatusFacts):
    node_types: tuple[str, ...] | Unread = Field(default=UNREAD, description="sorted, unique")
    guardrails: tuple[str, ...] | Unread = Field(default=UNREAD, description="their ARNs")
    unguarded_nodes: tuple[str, ...] | Unread = Field(
        default=UNREAD,
        description="names of the Prompt and KnowledgeBase nodes (loops included) without a "
        "guardrail",
    )


# -- Bedrock AgentCore ----------------------------------------------------------------------------


class _AgentCoreFacts(RunsAsFacts, StatusFacts):
    network_mode: str | None | Unread = Field(
        default=UNREAD, description="PUBLIC, VPC or (code interpreters) SANDBOX"
    )


@facts_for("AWS::BedrockAgentCore::Runtime")
class AgentCoreRuntimeFacts(_AgentCoreFacts, WorkloadFacts):
    authorizer_type: str | None | Unread = Field(
        default=UNREAD,
        description="CUSTOM_JWT when a JWT authorizer is configured, else AWS_IAM (SigV4, the "
        "default)",
    )
    protocol: str | None | Unread = UNREAD


@facts_for("AWS::BedrockAgentCore::CodeInterpreterCustom")
class AgentCoreCodeInterpreterFacts(_AgentCoreFacts):
    pass


class BrowserRecording(Nested):
    enabled: bool = False
    bucket: str | None = None


@facts_for("AWS::BedrockAgentCore::BrowserCustom")
class AgentCoreBrowserFacts(_AgentCoreFacts):
    recording: BrowserRecording | None | Unread = UNREAD


@facts_for("AWS::BedrockAgentCore::Gateway")
class AgentCoreGatewayFacts(RunsAsFacts, KmsFacts, StatusFacts):
    endpoint_url: str | None | Unread = UNREAD
    authorizer_type: str | None | Unread = Field(
        default=UNREAD, description="CUSTOM_JWT, AWS_IAM, NONE, ..."
    )
    exception_level: str | None | Unread = Field(default=UNREAD, description="DEBUG or None")
    policy_engine_mode: str | None | Unread = Field(
        default=UNREAD, description="ENFORCE or LOG_ONLY (None: no policy engine)"
    )


@facts_for("AWS::BedrockAgentCore::Memory")
class AgentCoreMemoryFacts(RunsAsFacts, KmsFacts, StatusFacts):
    event_expiry_days: int | None | Unread = UNREAD
    strategies: tuple[str | None, ...] | Unread = UNREAD


# -- compute, identity, storage, registries -------------------------------------------------------


_SOURCE = (
    "how it was recognised as accelerated: describe-instance-types (GpuInfo, NeuronInfo or "
    "InferenceAcceleratorInfo), or instance-type-name (DescribeInstanceTypes denied: a name-prefix "
    "guess, accelerators absent)"
)


@facts_for("AWS::EC2::Instance")
class Ec2InstanceFacts(AcceleratorFacts, HostExposureFacts, MetadataFacts):
    accelerator_source: str | None | Unread = Field(default=UNREAD, description=_SOURCE)
    instance_type: str | None | Unread = UNREAD
    instance_profile: str | None | Unread = Field(
        default=UNREAD, description="instance profile ARN"
    )
    instance_profile_roles: tuple[str, ...] | Unread = Field(
        default=UNREAD,
        description="role ARNs of the instance profile (GetInstanceProfile); absent when the "
        "profile could not be read",
    )
    imds_enabled: bool | Unread = Field(
        default=UNREAD, description='MetadataOptions.HttpEndpoint == "enabled"'
    )
    imds_hop_limit: int | None | Unread = Field(
        default=UNREAD, description="PUT response hop limit (>1 lets containers reach IMDS)"
    )
    security_groups: tuple[str, ...] | Unread = Field(
        default=UNREAD, description="security group ids of the instance and its interfaces"
    )
    subnet_id: str | None | Unread = UNREAD
    vpc_id: str | None | Unread = UNREAD
    state: str | None | Unread = Field(default=UNREAD, description="running, stopped, ...")


class RemoteAccess(Nested):
    ec2_ssh_key: str | None = None
    source_security_groups: tuple[str, ...] = ()


class Scaling(Nested):
    min: int | None = None
    max: int | None = None
    desired: int | None = None


@facts_for("AWS::EKS::Nodegroup")
class EksNodegroupFacts(AcceleratorFacts, RunsAsFacts):
    accelerator_source: str | None | Unread = Field(
        default=UNREAD, description=_SOURCE + ", or ami-type (a GPU/Neuron AMI type)"
    )
    ami_type: str | None | Unread = Field(default=UNREAD, description="e.g. AL2023_x86_64_NVIDIA")
    cluster: str | None | Unread = Field(default=UNREAD, description="cluster name")
    instance_types: tuple[str, ...] | Unread = Field(
        default=UNREAD, description="node instance types"
    )
    node_role: str | None | Unread = Field(default=UNREAD, description="node IAM role (= role_arn)")
    remote_access: RemoteAccess | None | Unread = Field(
        default=UNREAD, description="SSH access config (None: none)"
    )
    scaling: Scaling | None | Unread = UNREAD
    ssh_open_to_world: bool | Unread = Field(
        default=UNREAD,
        description="an SSH key is set and no source security group limits it, so port 22 is "
        "open to 0.0.0.0/0 (EKS RemoteAccessConfig); false for launch-template node groups, "
        "whose SSH exposure lives in the template's security groups",
    )


class PolicyStatement(Nested):
    """One statement of an IAM policy document, as read (patterns are not expanded)."""

    policy: str = Field(description="the policy's name (inline or managed)")
    policy_arn: str | None = Field(default=None, description="managed policy ARN; None: inline")
    sid: str | None = None
    effect: str = Field(description="Allow or Deny")
    actions: tuple[str, ...] = Field(default=(), description="Action patterns")
    not_actions: tuple[str, ...] | None = Field(
        default=None, description="NotAction patterns (None: the statement has Action)"
    )
    resources: tuple[str, ...] = Field(default=(), description="Resource patterns")
    not_resources: tuple[str, ...] | None = Field(
        default=None, description="NotResource patterns (None: the statement has Resource)"
    )
    principals: tuple[str, ...] = Field(
        default=(), description="resource policies only: the principals (* for anyone)"
    )
    has_condition: bool = False


@facts_for("AWS::IAM::Role")
class IamRoleFacts(IdentityFacts):
    wildcard_resources: bool | Unread = UNREAD
    service_wide_grants: tuple[str, ...] | Unread = Field(
        default=UNREAD,
        description="services of which every action is allowed on every resource (svc:* on *)",
    )
    s3_write_resources: tuple[str, ...] | Unread = Field(
        default=UNREAD, description="resource patterns on which it may put/delete objects"
    )
    managed_policies: tuple[str, ...] | Unread = Field(
        default=UNREAD, description="ARNs of the attached managed policies"
    )
    inline_policies: tuple[str, ...] | Unread = Field(
        default=UNREAD, description="names of the inline policies"
    )
    policies: tuple[str, ...] | Unread = UNREAD
    permissions_boundary: str | None | Unread = Field(
        default=UNREAD, description="ARN of the permissions boundary"
    )
    trust_principals: tuple[str, ...] | Unread = Field(
        default=UNREAD, description="who the trust policy lets assume the role (*: anyone)"
    )
    trusted_services: tuple[str, ...] | Unread = Field(
        default=UNREAD, description="the Service principals among the trust principals"
    )
    trust_external_accounts: tuple[str, ...] | Unread = Field(
        default=UNREAD, description="other accounts' ids named in the trust policy"
    )
    last_used_at: str | None | Unread = Field(
        default=UNREAD, description="ISO time the role was last used (RoleLastUsed)"
    )
    policy_statements: tuple[PolicyStatement, ...] | Unread = Field(
        default=UNREAD,
        description="the statements of every policy that could be read (inline and attached "
        "managed), at most 500, each pattern list at most 200 patterns of 2,048 characters; "
        "unlike the summary facts it keeps Deny, NotAction/NotResource and conditions: it is "
        "what the security graph matches (docs/graph-edges.md)",
    )
    policy_statements_truncated: bool | Unread = Field(
        default=UNREAD, description="statements or patterns were dropped to stay bounded"
    )


@facts_for("AWS::IAM::ServiceSpecificCredential")
class ServiceCredentialFacts(StatusFacts):
    """A long-term Bedrock API key (metadata only: a List call never returns the secret). Its id
    is aiscan's synthetic ``arn:{partition}:iam::{account}:user/{user}/
    service-specific-credential/{id}`` (the credential has no ARN)."""

    service: str | None | Unread = UNREAD
    user: str | None | Unread = Field(default=UNREAD, description="the IAM user it belongs to")
    created_at: str | None | Unread = UNREAD
    expires_at: str | None | Unread = Field(default=UNREAD, description="None: never expires")


class PublicAccessBlock(Nested):
    block_public_acls: bool = False
    ignore_public_acls: bool = False
    block_public_policy: bool = False
    restrict_public_buckets: bool = False


class AclGrant(Nested):
    grantee: str
    permission: str


@facts_for("AWS::S3::Bucket")
class S3BucketFacts(BucketFacts):
    owned: bool | Unread = Field(
        default=UNREAD,
        description="in this account's ListBuckets (absent if ListBuckets was denied)",
    )
    block_public_access: PublicAccessBlock | None | Unread = Field(
        default=UNREAD, description="effective bucket-level block (account and bucket)"
    )
    account_block_public_access: PublicAccessBlock | None | Unread = Field(
        default=UNREAD, description="the account's four flags (absent if unreadable)"
    )
    bucket_block_public_access: PublicAccessBlock | None | Unread = Field(
        default=UNREAD, description="the bucket's own four flags"
    )
    policy_public: bool | Unread = Field(
        default=UNREAD, description="GetBucketPolicyStatus.IsPublic (false when there is no policy)"
    )
    acl_public_grants: tuple[AclGrant, ...] | Unread = Field(
        default=UNREAD, description="grants to AllUsers / AuthenticatedUsers"
    )
    write_principals_conditional: tuple[str, ...] | Unread = Field(
        default=UNREAD, description="write principals granted only under a Condition"
    )
    public_statements: tuple[PolicyStatement, ...] | Unread = Field(
        default=UNREAD,
        description="bucket policy statements whose principal is anyone (* or NotPrincipal)",
    )
    logging_enabled: bool | Unread = UNREAD
    mfa_delete: bool | Unread = Field(default=UNREAD, description="versioning MFA delete")
    bucket_key_enabled: bool | Unread = Field(
        default=UNREAD, description="S3 Bucket Key for SSE-KMS"
    )


class EcrEncryption(Nested):
    type: str | None = Field(default=None, description="AES256, KMS or KMS_DSSE")
    kms_key: str | None = Field(default=None, description="the key ARN, if any")


class EcrImage(Nested):
    tag: str | None = None
    digest: str | None = None
    pushed_at: str | None = None
    scan_status: str | None = None
    finding_counts: dict[str, int] = Field(default_factory=dict)


@facts_for("AWS::ECR::Repository")
class EcrRepositoryFacts(KmsFacts):
    encryption: EcrEncryption | None | Unread = UNREAD
    image_tag_mutability: str | None | Unread = Field(
        default=UNREAD, description="MUTABLE, IMMUTABLE or the *_WITH_EXCLUSION variants"
    )
    scan_on_push: bool | Unread = Field(default=UNREAD, description="basic scanning on push")
    images: tuple[EcrImage, ...] | Unread = Field(
        default=UNREAD, description="the referenced images the repository holds"
    )
    missing_images: tuple[str, ...] | Unread = Field(
        default=UNREAD, description="referenced tags/digests the repository does not hold"
    )


__all__: list[Any] = []  # the models register themselves; import them by name
