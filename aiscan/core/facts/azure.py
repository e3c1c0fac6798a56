"""Facts of Azure resource types (AI services / Azure OpenAI, Azure ML and AI Foundry, AI Search,
GPU VMs and AKS pools, storage, container registries, managed identities).

A fact's meaning is its description here (docs/attributes.md is generated from these models); how
it is read is in the docstring of the collector module that produces it.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

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
    SecretFacts,
)

# -- shared by several Azure types ----------------------------------------------------------------


class PublicNetworkAccessFacts(Facts):
    public_network_access: str | Unread = Field(
        default=UNREAD, description='"Enabled" / "Disabled" (ARM default Enabled when omitted)'
    )


class DiagnosticsFacts(Facts):
    diagnostic_logs_enabled: bool | Unread = Field(
        default=UNREAD, description="some diagnostic setting sends some resource-log category"
    )
    log_destinations: tuple[str, ...] | Unread = Field(
        default=UNREAD, description="Log Analytics workspaces, storage accounts, event hubs"
    )


class PrivateEndpointFacts(Facts):
    approved_private_endpoints: int | Unread = UNREAD


class NetworkAclFacts(Facts):
    network_default_action: str | None | Unread = Field(
        default=UNREAD, description='"Allow" / "Deny"; None when no ACL is set'
    )


class PolicyAssignment(Nested):
    """An Azure Policy assignment at the subscription or above (management group), as read."""

    name: str | None = None
    definition: str = Field(
        description="the built-in definition's GUID (lower case), else the definition's full id"
    )
    initiative: bool = Field(default=False, description="the assignment is of a policy set")
    effect: str | None = Field(
        default=None, description="the `effect` parameter's value (None: the definition default)"
    )
    enforced: bool = Field(default=True, description="enforcementMode is not DoNotEnforce")
    scope: str | None = None
    not_scopes: tuple[str, ...] = ()


class PolicyGuardrailFacts(Facts):
    policy_assignments: tuple[PolicyAssignment, ...] | Unread = Field(
        default=UNREAD,
        description="Azure Policy assignments that apply to the subscription (atScope)",
    )


class AzureAcceleratorFacts(AcceleratorFacts):
    accelerators_source: str | Unread = Field(
        default=UNREAD, description='"capabilities" (Resource SKUs) or "size-name"'
    )


# -- Azure AI services / Azure OpenAI -------------------------------------------------------------


@facts_for("Microsoft.CognitiveServices/accounts")
class CognitiveAccountFacts(
    PublicNetworkAccessFacts,
    PrivateEndpointFacts,
    NetworkAclFacts,
    KmsFacts,
    DiagnosticsFacts,
    PolicyGuardrailFacts,
):
    account_kind: str | None | Unread = UNREAD
    sku: str | None | Unread = UNREAD
    endpoint_url: str | None | Unread = UNREAD
    ip_rules: tuple[str, ...] | Unread = UNREAD
    local_auth_disabled: bool | Unread = UNREAD
    cmk_supported: bool | Unread = Field(
        default=UNREAD, description="the account kind offers customer-managed keys"
    )
    outbound_restricted: bool | Unread = UNREAD
    allowed_fqdns: tuple[str, ...] | Unread = UNREAD
    defender_for_ai: bool | Unread = Field(
        default=UNREAD, description="the subscription's Defender for AI plan is Standard"
    )
    identity_type: str | None | Unread = Field(
        default=UNREAD,
        description="managed identity: SystemAssigned / UserAssigned / both; None: none",
    )


class PromptShield(Nested):
    enabled: bool = False
    blocking: bool = False


class RaiFilter(Nested):
    name: str | None = None
    source: str | None = None
    enabled: bool | None = None
    blocking: bool | None = None
    severity_threshold: str | None = None


@facts_for("Microsoft.CognitiveServices/accounts/raiPolicies")
class RaiPolicyFacts(Facts):
    mode: str | None | Unread = UNREAD
    base_policy: str | None | Unread = UNREAD
    policy_type: str | None | Unread = UNREAD
    jailbreak: PromptShield | Unread = UNREAD
    indirect_attack: PromptShield | Unread = UNREAD
    filters: tuple[RaiFilter, ...] | Unread = UNREAD


class ContentFilter(Nested):
    policy: str | None = None
    mode: str | None = None
    jailbreak: PromptShield | None = None
    indirect_attack: PromptShield | None = None


@facts_for("Microsoft.CognitiveServices/accounts/deployments")
class CognitiveDeploymentFacts(Facts):
    model_format: str | None | Unread = UNREAD
    model_name: str | None | Unread = UNREAD
    model_version: str | None | Unread = UNREAD
    model_publisher: str | None | Unread = UNREAD
    sku: str | None | Unread = UNREAD
    capacity: int | None | Unread = UNREAD
    rai_policy_name: str | None | Unread = UNREAD
    version_upgrade_option: str | None | Unread = UNREAD
    content_filter: ContentFilter | Unread = Field(
        default=UNREAD,
        description="the named RAI policy's shields; absent when it names none or was not read",
    )


# -- Azure AI Search ------------------------------------------------------------------------------


@facts_for("Microsoft.Search/searchServices")
class SearchServiceFacts(PublicNetworkAccessFacts, PrivateEndpointFacts, DiagnosticsFacts):
    sku: str | None | Unread = UNREAD
    endpoint_url: str | None | Unread = UNREAD
    ip_rules: tuple[str, ...] | Unread = UNREAD
    local_auth_disabled: bool | Unread = Field(default=UNREAD, description="disableLocalAuth")
    auth_options: tuple[str, ...] | Unread = Field(
        default=UNREAD, description="apiKeyOnly / aadOrApiKey"
    )
    cmk_enforcement: str | None | Unread = UNREAD


# -- Azure Machine Learning / AI Foundry ----------------------------------------------------------


@facts_for("Microsoft.MachineLearningServices/workspaces")
class MlWorkspaceFacts(PublicNetworkAccessFacts, PrivateEndpointFacts, KmsFacts, DiagnosticsFacts):
    workspace_kind: str | Unread = Field(
        default=UNREAD, description="Default / Hub / Project / FeatureStore"
    )
    encryption_status: str | Unread = Field(default=UNREAD, description="Enabled / Disabled")
    managed_network_isolation: str | Unread = Field(
        default=UNREAD,
        description="Disabled (no managed network) / AllowInternetOutbound / "
        "AllowOnlyApprovedOutbound",
    )
    hub_id: str | None | Unread = UNREAD
    v1_legacy_mode: bool | Unread = UNREAD
    hbi_workspace: bool | Unread = UNREAD
    storage_account: str | None | Unread = UNREAD
    container_registry: str | None | Unread = UNREAD
    key_vault: str | None | Unread = UNREAD


@facts_for("Microsoft.MachineLearningServices/workspaces/computes")
class MlComputeFacts(AzureAcceleratorFacts, HostExposureFacts):
    compute_type: str | Unread = Field(default=UNREAD, description="ComputeInstance / AmlCompute")
    vm_size: str | None | Unread = UNREAD
    local_auth_disabled: bool | Unread = UNREAD
    subnet: str | None | Unread = UNREAD
    workspace_managed_network: str | Unread = UNREAD
    in_vnet: bool | Unread = Field(
        default=UNREAD, description="own subnet or a workspace managed network"
    )
    node_public_ip: bool | Unread = UNREAD
    ssh_public_access: str | Unread = Field(default=UNREAD, description="Enabled / Disabled")
    os_image_latest: bool | Unread = Field(default=UNREAD, description="compute instances only")
    idle_shutdown: str | None | Unread = Field(
        default=UNREAD, description="compute instances: idle time before shutdown (ISO 8601)"
    )


class _MlEndpointKindFacts(Facts):
    endpoint_kind: str | Unread = Field(
        default=UNREAD, description="online / online-deployment / serverless"
    )


@facts_for("Microsoft.MachineLearningServices/workspaces/onlineEndpoints")
class MlOnlineEndpointFacts(_MlEndpointKindFacts, EndpointFacts, PublicNetworkAccessFacts):
    auth_mode: str | None | Unread = Field(default=UNREAD, description="Key / AMLToken / AADToken")
    traffic: dict[str, int] | Unread = Field(
        default=UNREAD, description="percentage of traffic per deployment"
    )


class _MlModelRefFacts(Facts):
    model: str | None | Unread = UNREAD
    model_registry: str | None | Unread = Field(
        default=UNREAD, description="the Azure ML registry the model comes from"
    )


@facts_for("Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments")
class MlOnlineDeploymentFacts(
    _MlEndpointKindFacts, _MlModelRefFacts, ContainerFacts, SecretFacts, HubFacts, AcceleratorFacts
):
    instance_type: str | None | Unread = UNREAD
    egress_public_network_access: str | Unread = UNREAD
    environment_id: str | None | Unread = UNREAD
    workspace_managed_network: str | None | Unread = UNREAD


@facts_for("Microsoft.MachineLearningServices/workspaces/serverlessEndpoints")
class MlServerlessEndpointFacts(_MlEndpointKindFacts, _MlModelRefFacts, EndpointFacts):
    auth_mode: str | None | Unread = UNREAD
    content_safety: str | None | Unread = UNREAD


@facts_for("Microsoft.MachineLearningServices/workspaces/datastores")
class MlDatastoreFacts(Facts):
    datastore_type: str | None | Unread = UNREAD
    account_name: str | None | Unread = UNREAD
    container: str | None | Unread = UNREAD
    credentials_type: str | None | Unread = UNREAD
    is_default: bool | Unread = UNREAD


@facts_for(
    "Microsoft.MachineLearningServices/workspaces/models/versions",
    "Microsoft.MachineLearningServices/registries/models",
)
class MlModelFacts(ArtifactScanFacts):
    model_type: str | None | Unread = UNREAD
    artifact_uri: str | None | Unread = UNREAD
    stage: str | None | Unread = UNREAD


@facts_for("Microsoft.MachineLearningServices/registries")
class MlRegistryFacts(PublicNetworkAccessFacts):
    regions: tuple[str, ...] | Unread = UNREAD


# -- compute --------------------------------------------------------------------------------------


@facts_for("Microsoft.Compute/virtualMachines")
class VirtualMachineFacts(AzureAcceleratorFacts, HostExposureFacts):
    vm_size: str | None | Unread = UNREAD
    os_type: str | None | Unread = UNREAD


@facts_for("Microsoft.ContainerService/managedClusters/agentPools")
class AksAgentPoolFacts(AzureAcceleratorFacts):
    vm_size: str | None | Unread = UNREAD
    node_count: int | None | Unread = UNREAD
    node_public_ip: bool | Unread = Field(default=UNREAD, description="enableNodePublicIP")
    mode: str | None | Unread = UNREAD
    cluster_private: bool | Unread = Field(default=UNREAD, description="private API server")
    authorized_ip_ranges: tuple[str, ...] | Unread = UNREAD
    cluster: str | None | Unread = Field(default=UNREAD, description="the cluster's id")
    local_accounts_disabled: bool | Unread = Field(
        default=UNREAD, description="the cluster's disableLocalAccounts (no static kubeconfig)"
    )


# -- storage, registries, identities --------------------------------------------------------------


class _StorageFacts(BucketFacts, PublicNetworkAccessFacts, NetworkAclFacts):
    """A storage account, or one of its blob containers (which carries the account's facts)."""

    allow_blob_public_access: bool | Unread = Field(
        default=UNREAD, description="absent when ARM omits it (older accounts then allow it)"
    )
    allow_shared_key_access: bool | Unread = UNREAD
    https_only: bool | Unread = UNREAD
    min_tls_version: str | None | Unread = UNREAD


@facts_for("Microsoft.Storage/storageAccounts")
class StorageAccountFacts(_StorageFacts):
    pass


@facts_for("Microsoft.Storage/storageAccounts/blobServices/containers")
class BlobContainerFacts(_StorageFacts):
    public_access: str | Unread = Field(default=UNREAD, description="None / Blob / Container")
    immutable: bool | Unread = UNREAD


@facts_for("Microsoft.ContainerRegistry/registries")
class ContainerRegistryFacts(PublicNetworkAccessFacts, NetworkAclFacts, KmsFacts):
    sku: str | None | Unread = UNREAD
    login_server: str | None | Unread = UNREAD
    admin_user_enabled: bool | Unread = UNREAD
    anonymous_pull_enabled: bool | Unread = UNREAD


class RoleAssignment(Nested):
    role: str
    scope: str
    scope_level: str = Field(description="management-group / subscription / resource-group ...")
    role_id: str | None = Field(default=None, description="the role definition's GUID")
    actions: tuple[str, ...] | None = Field(
        default=None, description="the role's actions (None: its definition was not read)"
    )
    not_actions: tuple[str, ...] = ()
    data_actions: tuple[str, ...] = ()
    not_data_actions: tuple[str, ...] = ()
    condition: bool = Field(
        default=False, description="the assignment has an ABAC condition (not evaluated)"
    )


@facts_for(
    "Microsoft.ManagedIdentity/identities",
    "Microsoft.ManagedIdentity/userAssignedIdentities",
)
class ManagedIdentityFacts(IdentityFacts):
    assigned: str | Unread = Field(default=UNREAD, description='"system" / "user"')
    principal_id: str | None | Unread = UNREAD
    client_id: str | None | Unread = UNREAD
    attached_to: str | Unread = Field(
        default=UNREAD, description="the resource it is attached to (user-assigned: its own id)"
    )
    role_assignments: tuple[RoleAssignment, ...] | Unread = Field(
        default=UNREAD,
        description="each with its role definition's permissions copied in (bounded), so the "
        "graph can decide what the identity can do where",
    )
    # The Azure meaning of the cloud-neutral identity facts ("broad": a management-group,
    # subscription or resource-group scope).
    administrator: bool | Unread = Field(
        default=UNREAD,
        description="a broad role with `*` actions that may also write role assignments (Owner)",
    )
    wildcard_actions: tuple[str, ...] | Unread = Field(
        default=UNREAD, description="`*` and `<provider>/*` actions of broad roles"
    )
    full_access_policies: tuple[str, ...] | Unread = Field(
        default=UNREAD, description='"<role> on <scope>" of broad roles with wildcard actions'
    )
    policies_complete: bool | Unread = Field(
        default=UNREAD, description="the role assignments of every scanned subscription were read"
    )


__all__: list[Any] = []  # the models register themselves; import them by name
