"""Facts of Google Cloud resource types (Vertex AI, Workbench, Compute Engine GPU VMs, GKE node
pools, service accounts, Cloud Storage, Artifact Registry, the project-level Vertex AI service).

A fact's meaning is its description here (docs/attributes.md is generated from these models); how
it is read is in the docstring of the collector module that produces it.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from aiscan.core.facts.base import UNREAD, Facts, Nested, Unread, facts_for
from aiscan.core.facts.common import (
    AcceleratorFacts,
    ArtifactScanFacts,
    BucketFacts,
    ContainerFacts,
    EndpointFacts,
    HostExposureFacts,
    HubFacts,
    IdentityFacts,
    KmsFacts,
    OpenPortsFacts,
    SecretFacts,
    VpcFacts,
)

# -- shared by several GCP types ------------------------------------------------------------------


class StateFacts(Facts):
    state: str | None | Unread = UNREAD


class NetworkFacts(Facts):
    network: str | None | Unread = Field(
        default=UNREAD, description="the VPC network it is attached to (None: none)"
    )


class PrivateNetworkFacts(Facts):
    private_service_connect: bool | Unread = UNREAD
    public_network: bool | Unread = Field(
        default=UNREAD,
        description="reachable from the internet (no VPC network, no PSC; IAM still applies)",
    )


class RunsAsServiceAccountFacts(Facts):
    service_account: str | Unread = Field(
        default=UNREAD, description='the email it runs as ("" = the Vertex AI service agent)'
    )


class DefaultServiceAccountFacts(RunsAsServiceAccountFacts):
    default_service_account: bool | Unread = Field(
        default=UNREAD, description="runs as the Compute Engine default service account"
    )


class ShieldedFacts(Facts):
    secure_boot: bool | Unread = UNREAD


class IntegrityFacts(ShieldedFacts):
    integrity_monitoring: bool | Unread = Field(
        default=UNREAD, description="Shielded VM integrity monitoring (boot measurements)"
    )


class ScopesFacts(Facts):
    scopes: tuple[str, ...] | Unread = Field(
        default=UNREAD, description="OAuth access scopes granted to the service account"
    )
    cloud_platform_scope: bool | Unread = Field(
        default=UNREAD, description="the cloud-platform scope (every Cloud API, IAM decides)"
    )


class _WorkloadFacts(ContainerFacts, SecretFacts, KmsFacts, StateFacts):
    """Vertex AI resources that run customer code (the shared supply-chain facts)."""


# -- Vertex AI ------------------------------------------------------------------------------------


@facts_for("aiplatform.googleapis.com/Model")
class VertexModelFacts(ContainerFacts, SecretFacts, HubFacts, KmsFacts, ArtifactScanFacts):
    version_id: str | None | Unread = UNREAD
    version_aliases: tuple[str, ...] | Unread = UNREAD
    default_version: bool | Unread = Field(
        default=UNREAD,
        description="the model's default version (any other is its own asset ID@VERSION)",
    )
    source_type: str | None | Unread = Field(
        default=UNREAD, description="modelSourceInfo.sourceType"
    )
    deployed: int | Unread = Field(default=UNREAD, description="deployments listed on the model")


class DeployedModel(Nested):
    id: str | None = None
    model: str | None = None
    model_version_id: str | None = None
    service_account: str = Field(default="", description='"" = the Vertex AI service agent')
    machine_type: str | None = None
    accelerator_type: str | None = None
    accelerator_count: int = 0
    min_replicas: int | None = None
    max_replicas: int | None = None


@facts_for("aiplatform.googleapis.com/Endpoint")
class VertexEndpointFacts(EndpointFacts, PrivateNetworkFacts, NetworkFacts, KmsFacts):
    dedicated_endpoint: bool | Unread = UNREAD
    request_response_logging: bool | Unread = Field(
        default=UNREAD, description="predictRequestResponseLoggingConfig.enabled"
    )
    deployed_models: tuple[DeployedModel, ...] | Unread = UNREAD


class Machine(Nested):
    machine_type: str | None = None
    accelerator_type: str | None = None
    accelerator_count: int = 0
    replicas: int = 0


class _VertexJobFacts(_WorkloadFacts):
    job_type: str | Unread = Field(
        default=UNREAD, description="custom / training-pipeline / tuning"
    )


@facts_for("aiplatform.googleapis.com/CustomJob")
class VertexCustomJobFacts(_VertexJobFacts, RunsAsServiceAccountFacts, NetworkFacts, VpcFacts):
    web_access: bool | Unread = UNREAD
    dashboard_access: bool | Unread = UNREAD
    machines: tuple[Machine, ...] | Unread = UNREAD
    output_uri: str | None | Unread = UNREAD


@facts_for("aiplatform.googleapis.com/TrainingPipeline")
class VertexTrainingPipelineFacts(
    _VertexJobFacts, RunsAsServiceAccountFacts, NetworkFacts, VpcFacts
):
    """`service_account`, `network`, `vpc` and `web_access` only for custom training."""

    task: str | None | Unread = UNREAD
    web_access: bool | Unread = UNREAD
    machines: tuple[Machine, ...] | Unread = UNREAD
    output_uri: str | None | Unread = UNREAD


@facts_for("aiplatform.googleapis.com/TuningJob")
class VertexTuningJobFacts(_VertexJobFacts, RunsAsServiceAccountFacts):
    base_model: str | None | Unread = Field(default=UNREAD, description="the model tuned")
    tuned_model: str | None | Unread = UNREAD
    tuned_endpoint: str | None | Unread = UNREAD


@facts_for("aiplatform.googleapis.com/PipelineJob")
class VertexPipelineJobFacts(_WorkloadFacts, RunsAsServiceAccountFacts, NetworkFacts, VpcFacts):
    """`containers`: one per executor image of the compiled pipeline; `secrets`: hits in the
    executors' environments and the runtime parameter values."""

    template_uri: str | None | Unread = UNREAD
    output_uri: str | None | Unread = UNREAD


@facts_for("aiplatform.googleapis.com/Dataset")
class VertexDatasetFacts(KmsFacts):
    model_config = ConfigDict(populate_by_name=True)

    # "schema" would shadow a BaseModel attribute; the serialised name stays "schema".
    schema_: str | None | Unread = Field(default=UNREAD, alias="schema")
    data_item_count: int | Unread = UNREAD
    sources: tuple[str, ...] | Unread = Field(default=UNREAD, description="gs:// and bq:// URIs")


@facts_for("aiplatform.googleapis.com/FeatureOnlineStore")
class VertexFeatureOnlineStoreFacts(PrivateNetworkFacts, KmsFacts, StateFacts):
    serving: str | Unread = Field(default=UNREAD, description="bigtable / optimized")
    endpoint_url: str | None | Unread = UNREAD


@facts_for("aiplatform.googleapis.com/Featurestore")
class VertexFeaturestoreFacts(KmsFacts, StateFacts):
    online_nodes: int | Unread = Field(
        default=UNREAD, description="fixed online serving nodes, or the autoscaling minimum"
    )


@facts_for("aiplatform.googleapis.com/Index")
class VertexIndexFacts(KmsFacts):
    vectors: int | Unread = UNREAD
    dimensions: int | None | Unread = UNREAD
    update_method: str | None | Unread = UNREAD
    contents_uri: str | None | Unread = UNREAD


class DeployedIndex(Nested):
    id: str | None = None
    index: str | None = None


@facts_for("aiplatform.googleapis.com/IndexEndpoint")
class VertexIndexEndpointFacts(EndpointFacts, PrivateNetworkFacts, NetworkFacts, KmsFacts):
    """`public_network` is the public endpoint being enabled (publicEndpointEnabled)."""

    deployed_indexes: tuple[DeployedIndex, ...] | Unread = UNREAD


class RuntimeAccelerator(Nested):
    type: str | None = None
    count: int | None = None


class _NotebookRuntimeFacts(RunsAsServiceAccountFacts, NetworkFacts, KmsFacts, ShieldedFacts):
    """Colab Enterprise runtimes and their templates; `service_account` is absent when end-user
    credentials are used."""

    internet_access: bool | Unread = UNREAD
    idle_shutdown: bool | Unread = UNREAD
    idle_timeout: str | None | Unread = UNREAD
    end_user_credentials: bool | Unread = UNREAD
    machine_type: str | None | Unread = UNREAD
    accelerators: tuple[RuntimeAccelerator, ...] | Unread = Field(
        default=UNREAD, description="from the machine spec: [{type, count}]"
    )


@facts_for("aiplatform.googleapis.com/NotebookRuntimeTemplate")
class NotebookRuntimeTemplateFacts(_NotebookRuntimeFacts):
    pass


@facts_for("aiplatform.googleapis.com/NotebookRuntime")
class NotebookRuntimeFacts(_NotebookRuntimeFacts, StateFacts):
    runtime_user: str | None | Unread = UNREAD
    template: str | None | Unread = UNREAD


# -- Workbench, Compute Engine, GKE ---------------------------------------------------------------


@facts_for("notebooks.googleapis.com/Instance")
class WorkbenchInstanceFacts(
    DefaultServiceAccountFacts, AcceleratorFacts, SecretFacts, KmsFacts, ShieldedFacts, StateFacts
):
    external_ip: bool | Unread = Field(
        default=UNREAD, description="gceSetup.disablePublicIp is not true"
    )
    root_access: bool | Unread = Field(
        default=UNREAD, description='metadata notebook-disable-root is not "true"'
    )
    file_downloads: bool | Unread = Field(
        default=UNREAD, description='metadata notebook-disable-downloads is not "true"'
    )
    terminal: bool | Unread = Field(
        default=UNREAD, description='metadata notebook-disable-terminal is not "true"'
    )
    upgrade_schedule: str | None | Unread = Field(
        default=UNREAD, description="metadata notebook-upgrade-schedule (None: not set)"
    )
    boot_disk_cmek: bool | Unread = Field(
        default=UNREAD, description="the boot disk is encrypted with a customer-managed key"
    )
    data_disks_cmek: bool | Unread = Field(
        default=UNREAD, description="every data disk (true when there is none)"
    )
    vtpm: bool | Unread = UNREAD
    integrity_monitoring: bool | Unread = UNREAD
    machine_type: str | None | Unread = UNREAD
    network: str | None | Unread = Field(
        default=UNREAD, description="the first network interface's network"
    )
    proxy_access: bool | Unread = Field(
        default=UNREAD, description="the JupyterLab proxy (disableProxyAccess is not true)"
    )


@facts_for("compute.googleapis.com/Instance")
class ComputeInstanceFacts(
    DefaultServiceAccountFacts,
    ScopesFacts,
    AcceleratorFacts,
    HostExposureFacts,
    SecretFacts,
    IntegrityFacts,
):
    machine_type: str | Unread = UNREAD
    status: str | None | Unread = UNREAD
    external_ip: bool | Unread = UNREAD
    network_tags: tuple[str, ...] | Unread = UNREAD
    vtpm: bool | Unread = UNREAD
    serial_port: bool | Unread = Field(
        default=UNREAD, description="interactive serial console (metadata serial-port-enable)"
    )
    os_login: bool | None | Unread = Field(
        default=UNREAD,
        description="instance metadata enable-oslogin (None: not set, the project's common "
        "metadata, which is not read, decides)",
    )


@facts_for("container.googleapis.com/NodePool")
class NodePoolFacts(
    DefaultServiceAccountFacts, ScopesFacts, AcceleratorFacts, OpenPortsFacts, IntegrityFacts
):
    machine_type: str | Unread = UNREAD
    private_nodes: bool | Unread = UNREAD
    workload_identity: bool | Unread = Field(default=UNREAD, description="GKE_METADATA mode")
    shielded_nodes: bool | Unread = Field(
        default=UNREAD, description="the cluster's Shielded GKE nodes (node identity verified)"
    )
    legacy_metadata_endpoints: bool | Unread = Field(
        default=UNREAD, description="metadata disable-legacy-endpoints is not true"
    )
    cluster: str | None | Unread = UNREAD
    node_count: int | None | Unread = Field(default=UNREAD, description="initialNodeCount")


# -- identities, storage, registries --------------------------------------------------------------


@facts_for("iam.googleapis.com/ServiceAccount")
class ServiceAccountIdentityFacts(IdentityFacts):
    email: str | Unread = UNREAD
    default_service_account: bool | Unread = Field(
        default=UNREAD, description="the Compute Engine default NUMBER-compute@developer"
    )
    service_agent: bool | Unread = Field(default=UNREAD, description="a Google-managed account")
    user_managed: bool | Unread = Field(
        default=UNREAD, description="the account lives in a scanned project and was read"
    )
    disabled: bool | Unread = Field(default=UNREAD, description="absent when not read")
    roles: dict[str, tuple[str, ...]] | Unread = Field(
        default=UNREAD, description="{projects/P | folders/F | organizations/O: [roles]}"
    )
    project_roles: dict[str, tuple[str, ...]] | Unread = Field(
        default=UNREAD,
        description="{scanned project id: roles held there, on the project or inherited from "
        "its folders and organization}",
    )


@facts_for("storage.googleapis.com/Bucket")
class StorageBucketFacts(BucketFacts):
    public_access_prevention: str | Unread = Field(
        default=UNREAD, description="enforced / inherited"
    )
    uniform_access: bool | Unread = Field(
        default=UNREAD, description="uniform bucket-level access (ACLs do not apply)"
    )
    public_members: tuple[str, ...] | Unread = Field(
        default=UNREAD,
        description="allUsers / allAuthenticatedUsers in IAM bindings and (without uniform "
        "access) ACL entries",
    )
    iam_read: bool | Unread = Field(default=UNREAD, description="the IAM policy was read")
    iam_bindings: dict[str, tuple[str, ...]] | Unread = Field(
        default=UNREAD,
        description="the bucket's own unconditional IAM bindings {role: [members]} (bounded)",
    )
    conditional_bindings: int | Unread = Field(
        default=UNREAD, description="bindings with an IAM condition (not evaluated)"
    )
    logging_enabled: bool | Unread = UNREAD
    location: str | None | Unread = UNREAD
    owned: bool | Unread = Field(default=UNREAD, description="in a scanned project")


@facts_for("artifactregistry.googleapis.com/Repository")
class ArtifactRepositoryFacts(KmsFacts):
    format: str | None | Unread = UNREAD
    mode: str | Unread = Field(
        default=UNREAD, description="STANDARD_REPOSITORY / REMOTE_REPOSITORY / VIRTUAL_REPOSITORY"
    )
    remote_upstream: str | None | Unread = Field(
        default=UNREAD, description="what a remote repository mirrors"
    )
    immutable_tags: bool | Unread = UNREAD
    vulnerability_scanning: bool | Unread = Field(default=UNREAD, description="SCANNING_ACTIVE")
    images: tuple[str, ...] | Unread = Field(default=UNREAD, description="referenced image URIs")
    public: bool | Unread = Field(
        default=UNREAD,
        description="the IAM policy grants allUsers / allAuthenticatedUsers (absent: unread)",
    )
    public_reasons: tuple[str, ...] | Unread = UNREAD


# -- the project-level Vertex AI service ----------------------------------------------------------


class OrgPolicy(Nested):
    enforced: bool = False
    allow_all: bool = Field(
        default=False, description="also true for a list constraint with no rules (the default)"
    )
    deny_all: bool = False
    allowed_values: tuple[str, ...] = ()
    denied_values: tuple[str, ...] = ()


class Perimeter(Nested):
    name: str | None = None
    title: str | None = None
    restricted_services: tuple[str, ...] = ()
    dry_run: bool = False


class VpcServiceControls(Nested):
    organization: str | None = None
    perimeters: tuple[Perimeter, ...] = ()


class ModelArmor(Nested):
    api_enabled: bool
    enforcement: bool = False
    integrated_services: tuple[str, ...] = ()
    inspect_only: bool = False
    inspect_and_block: bool = False


class ApiKey(Nested):
    name: str | None = None
    display_name: str | None = None
    api_targets: tuple[str, ...] = ()
    application_restricted: bool = False


@facts_for("serviceusage.googleapis.com/Service")
class VertexServiceFacts(Facts):
    project_number: str | Unread = UNREAD
    org_policies: dict[str, OrgPolicy] | Unread = Field(
        default=UNREAD,
        description="effective policy per constraint read (one the organization does not know "
        "is left out)",
    )
    vpc_sc: VpcServiceControls | Unread = Field(
        default=UNREAD,
        description="the perimeters of the organization's access policies that include the project",
    )
    model_armor: ModelArmor | Unread = Field(
        default=UNREAD, description="the project's Model Armor floor setting"
    )
    api_keys: tuple[ApiKey, ...] | Unread = Field(
        default=UNREAD, description="the project's API keys (key strings are never read)"
    )
    audit_log_types: tuple[str, ...] | Unread = Field(
        default=UNREAD,
        description="audit log types configured for aiplatform.googleapis.com or allServices on "
        "the project and its ancestors",
    )
    audit_config_complete: bool | Unread = Field(
        default=UNREAD, description="every one of those IAM policies was read"
    )


__all__: list[Any] = []  # the models register themselves; import them by name
