"""Azure rule pack: Azure AI services / Azure OpenAI / AI Foundry / AI Search (AZ-AIS-*) and
Azure Machine Learning / AI Foundry hubs (AZ-ML-*).

Rules read the typed facts of aiscan/core/facts/azure.py (what each means is documented in the
aiscan/collectors/azure/*.py module docstrings); the facts model a rule names decides which
resource types it judges. The cross-cloud rules (supply_chain.py, exposure.py) judge Azure assets
too: deployments' containers and secrets, public AI storage, open GPU ports, over-privileged
managed identities.
"""

from __future__ import annotations

from operator import not_
from typing import TypeVar

from aiscan.core.facts import Unread, known, unread
from aiscan.core.facts.azure import (
    AksAgentPoolFacts,
    CognitiveAccountFacts,
    CognitiveDeploymentFacts,
    DiagnosticsFacts,
    MlComputeFacts,
    MlOnlineDeploymentFacts,
    MlOnlineEndpointFacts,
    MlServerlessEndpointFacts,
    MlWorkspaceFacts,
    PolicyAssignment,
    PolicyGuardrailFacts,
    PromptShield,
    SearchServiceFacts,
)
from aiscan.core.facts.azure import ContainerRegistryFacts as RegistryFacts
from aiscan.rules.base import (
    Asset,
    AssetKind,
    Category,
    Cloud,
    Result,
    RuleContext,
    Severity,
    judge,
    rule,
)

T = TypeVar("T")

AZ = (Cloud.AZURE,)

#: Model formats (publishers) of Azure-hosted deployments approved by default (AZ-AIS-008).
APPROVED_MODEL_FORMATS = frozenset({"openai", "microsoft"})
#: Azure ML registries curated by Microsoft or its model partners (AZ-ML-009); registries of the
#: scanned estate are approved too. The community "HuggingFace" registry is not curated.
CURATED_REGISTRIES = frozenset(
    {
        "azureml",
        "azure-openai",
        "azureml-meta",
        "azureml-mistral",
        "azureml-cohere",
        "azureml-msr",
        "azureml-xai",
        "azureml-deepseek",
    }
)


def _not_read(**facts: object) -> Result:
    """Manual, naming the facts (of those given) the collector could not read."""
    return Result.manual(f"not read: {', '.join(n for n, v in facts.items() if unread(v))}")


def _listed(value: tuple[T, ...] | Unread) -> list[T] | None:
    """A list fact as evidence (None when it was not read)."""
    return None if unread(value) else list(value)


#: Built-in Azure Policy definitions (GUIDs, verified in Azure/azure-policy) that, assigned with
#: the Deny effect, refuse AI services accounts that accept keys / that are publicly reachable.
LOCAL_AUTH_POLICIES = frozenset({"71ef260a-8f18-47b7-abcb-62d0673d94dc"})
PUBLIC_NETWORK_POLICIES = frozenset(
    {"0725b4dd-7e76-479c-a735-68e7ee23d5ca", "037eea7a-bd0a-46c5-9a66-03aea78705d3"}
)


def _applies(assignment: PolicyAssignment, asset: Asset) -> bool:
    rid = asset.id.lower()
    return not any(rid == s or rid.startswith(s.rstrip("/") + "/") for s in assignment.not_scopes)


def _assigned(
    asset: Asset, facts: PolicyGuardrailFacts, definitions: frozenset[str]
) -> list[PolicyAssignment]:
    """The assignments of these definitions that cover the asset (none when not read)."""
    return [
        a
        for a in known(facts.policy_assignments) or ()
        if a.definition in definitions and _applies(a, asset)
    ]


def _denying(
    asset: Asset, facts: PolicyGuardrailFacts, definitions: frozenset[str]
) -> PolicyAssignment | None:
    """An enforced assignment of one of `definitions` with the Deny effect covering the asset."""
    for a in _assigned(asset, facts, definitions):
        if a.enforced and (a.effect or "").lower() == "deny":
            return a
    return None


def _assignment(a: PolicyAssignment) -> dict[str, object]:
    return {
        "name": a.name,
        "definition": a.definition,
        "effect": a.effect or "definition default (Audit)",
        "enforced": a.enforced,
        "scope": a.scope,
    }


def _is_project(facts: MlWorkspaceFacts) -> bool:
    kind = facts.workspace_kind
    return not unread(kind) and kind.lower() == "project"


# -- Azure AI services / Azure OpenAI / AI Search ------------------------------------------------


@rule(
    id="AZ-AIS-001",
    title="Azure AI services account reachable from public networks",
    severity=Severity.HIGH,
    category=Category.NETWORK_EXPOSURE,
    kinds=(AssetKind.LLM_SERVICE,),
    clouds=AZ,
    services=("cognitiveservices",),
    description=(
        "publicNetworkAccess is not Disabled, so the account's endpoint (Azure OpenAI, AI "
        "services, AI Foundry resource) answers from the internet, and no approved private "
        "endpoint is required to reach it."
    ),
    risk=(
        "Anyone who obtains a key or token calls the models from anywhere: prompt abuse, cost "
        "harvesting and data exfiltration are not limited to your networks."
    ),
    remediation=(
        "Set publicNetworkAccess to Disabled and reach the account through a private endpoint: "
        "az cognitiveservices account update -g RG -n NAME --custom-domain NAME "
        "--public-network-access Disabled; Terraform azurerm_cognitive_account "
        "public_network_access_enabled = false."
    ),
    references=(
        "azure-policy:0725b4dd-7e76-479c-a735-68e7ee23d5ca",
        "azure-policy:cddd188c-4b82-4c48-a19d-ddf74ee66a01",
        "prowler:aiservices_account_public_network_access_disabled",
        "MCSB:NS-2",
        "OWASP-LLM:LLM10",
        "MITRE-ATLAS:AML.T0040",
        "MITRE-ATLAS:AML.T0049",
    ),
)
def ais_public_network(asset: Asset, facts: CognitiveAccountFacts, ctx: RuleContext) -> Result:
    access = facts.public_network_access
    return judge(
        access,
        "public_network_access",
        lambda a: a != "Disabled",
        fail="public network access is enabled",
        ok="public network access disabled",
        evidence={
            "public_network_access": access,
            "network_default_action": known(facts.network_default_action),
            "approved_private_endpoints": known(facts.approved_private_endpoints),
        },
    )


@rule(
    id="AZ-AIS-002",
    title="Azure AI services network ACL allows every network",
    severity=Severity.MEDIUM,
    category=Category.NETWORK_EXPOSURE,
    kinds=(AssetKind.LLM_SERVICE,),
    clouds=AZ,
    services=("cognitiveservices",),
    description=(
        "The account is publicly reachable and its network ACL's default action is Allow (or no "
        "ACL is set), so no IP or virtual-network rule restricts callers."
    ),
    risk="Callers from any address reach the endpoint; stolen keys work from anywhere.",
    remediation=(
        "Set networkAcls.defaultAction to Deny with explicit ipRules / virtualNetworkRules, or "
        "disable public network access: az cognitiveservices account network-rule add ...; "
        'Terraform network_acls { default_action = "Deny" }.'
    ),
    references=(
        "azure-policy:037eea7a-bd0a-46c5-9a66-03aea78705d3",
        "prowler:aiservices_account_network_acls_default_action_deny",
        "MITRE-ATLAS:AML.T0040",
    ),
)
def ais_acl_default_allow(asset: Asset, facts: CognitiveAccountFacts, ctx: RuleContext) -> Result:
    access = facts.public_network_access
    if unread(access):
        return _not_read(public_network_access=access)
    if access == "Disabled":
        return Result.not_applicable("public network access disabled")
    action = known(facts.network_default_action)
    if action == "Deny":
        return Result.ok("network ACL denies by default")
    return Result.fail(
        f"network ACL default action is {action or 'not set'}",
        evidence={"network_default_action": action, "ip_rules": _listed(facts.ip_rules)},
    )


@rule(
    id="AZ-AIS-003",
    title="Key-based (local) authentication enabled on an AI services account",
    severity=Severity.HIGH,
    category=Category.IDENTITY,
    kinds=(AssetKind.LLM_SERVICE,),
    clouds=AZ,
    services=("cognitiveservices",),
    description=(
        "disableLocalAuth is not true: the account accepts its two static API keys in addition "
        "to Microsoft Entra ID tokens. When the account's setting could not be read, an enforced "
        "Deny assignment of the key-access policy on its subscription (or above) settles it."
    ),
    risk=(
        "Static keys leak into code, notebooks and CI logs, cannot be scoped to a caller and are "
        "the usual way stolen Azure OpenAI capacity is resold (LLMjacking)."
    ),
    remediation=(
        "Move callers to Entra ID (Cognitive Services OpenAI User role), then set "
        "disableLocalAuth=true: az resource update --ids ID "
        "--set properties.disableLocalAuth=true; "
        "Terraform local_auth_enabled = false."
    ),
    references=(
        "azure-policy:71ef260a-8f18-47b7-abcb-62d0673d94dc",
        "azure-policy:14de9e63-1b31-492e-a5a3-c3f7fd57f555",
        "prowler:aiservices_account_local_auth_disabled",
        "MCSB:IM-1",
        "OWASP-LLM:LLM10",
        "MITRE-ATLAS:AML.T0055",
        "MITRE-ATLAS:AML.T0012",
        "MITRE-ATLAS:AML.T0034",
    ),
)
def ais_local_auth(asset: Asset, facts: CognitiveAccountFacts, ctx: RuleContext) -> Result:
    disabled = facts.local_auth_disabled
    if unread(disabled):
        deny = _denying(asset, facts, LOCAL_AUTH_POLICIES)
        if deny is not None:
            # The account's own setting was not read, but ARM refuses to create or update an
            # account that accepts keys anywhere this assignment applies.
            return Result.ok(
                f"local_auth_disabled not read; Azure Policy assignment {deny.name or deny.scope} "
                "denies accounts that accept API keys"
            )
        return _not_read(local_auth_disabled=disabled)
    if disabled:
        return Result.ok("key authentication disabled")
    return Result.fail("API keys are accepted", evidence={"local_auth_disabled": False})


@rule(
    id="AZ-AIS-004",
    title="AI services data not encrypted with a customer-managed key",
    severity=Severity.MEDIUM,
    category=Category.ENCRYPTION,
    kinds=(AssetKind.LLM_SERVICE,),
    clouds=AZ,
    services=("cognitiveservices",),
    description=(
        "The account supports customer-managed keys but encrypts fine-tuning data, uploaded "
        "files and stored completions with a Microsoft-managed key."
    ),
    risk="You cannot revoke access to the data at rest or prove key custody for regulated data.",
    remediation=(
        "Configure encryption with a Key Vault key (encryption.keySource=Microsoft.KeyVault) and "
        "a managed identity with access to it; Terraform azurerm_cognitive_account_customer_"
        "managed_key."
    ),
    references=(
        "azure-policy:67121cc7-ff39-4ab8-b7e3-95b84dab487d",
        "prowler:aiservices_account_encrypted_with_cmk",
        "MCSB:DP-5",
        "OWASP-LLM:LLM02",
        "OWASP-ML:ML05",
    ),
)
def ais_cmk(asset: Asset, facts: CognitiveAccountFacts, ctx: RuleContext) -> Result:
    supported, key = facts.cmk_supported, facts.kms_key
    if unread(supported) or unread(key):
        return _not_read(cmk_supported=supported, kms_key=key)
    if not supported:
        return Result.not_applicable("this account kind offers no customer-managed key")
    if key:
        return Result.ok("encrypted with a customer-managed key")
    return Result.fail("encrypted with a Microsoft-managed key", evidence={"kms_key": None})


@rule(
    id="AZ-AIS-005",
    title="AI services outbound calls not restricted to an allow-list",
    severity=Severity.MEDIUM,
    category=Category.DATA_EXPOSURE,
    kinds=(AssetKind.LLM_SERVICE,),
    clouds=AZ,
    services=("cognitiveservices",),
    description=(
        "restrictOutboundNetworkAccess is not true or allowedFqdnList is empty, so features that "
        "fetch data (On Your Data, web tools, batch outputs) may reach any host."
    ),
    risk="Prompt-injected or misconfigured features exfiltrate data to arbitrary destinations.",
    remediation=(
        "Set restrictOutboundNetworkAccess=true and list the storage and search hosts the "
        "account needs in allowedFqdnList (Azure AI services data loss prevention)."
    ),
    references=(
        "prowler:aiservices_account_outbound_network_restricted",
        "OWASP-LLM:LLM02",
        "MITRE-ATLAS:AML.T0025",
    ),
)
def ais_outbound(asset: Asset, facts: CognitiveAccountFacts, ctx: RuleContext) -> Result:
    restricted = facts.outbound_restricted
    if unread(restricted):
        return _not_read(outbound_restricted=restricted)
    fqdns = list(known(facts.allowed_fqdns) or ())
    if restricted and fqdns:
        return Result.ok(f"outbound limited to {len(fqdns)} host(s)")
    return Result.fail(
        "outbound network access is not restricted",
        evidence={"outbound_restricted": restricted, "allowed": fqdns},
    )


@rule(
    id="AZ-AIS-006",
    title="Resource logs off for an AI service, AI Search or ML workspace",
    severity=Severity.MEDIUM,
    category=Category.LOGGING,
    kinds=(AssetKind.LLM_SERVICE, AssetKind.KNOWLEDGE_BASE, AssetKind.WORKSPACE),
    clouds=AZ,
    services=("cognitiveservices", "search", "azureml"),
    description=(
        "No diagnostic setting sends any resource-log category (audit, request/response, "
        "trace) anywhere."
    ),
    risk="Abuse of the models or index (cost harvesting, data pulls) leaves no trace to detect it.",
    remediation=(
        "Add a diagnostic setting with the allLogs (or audit) category group to a Log Analytics "
        "workspace: az monitor diagnostic-settings create --resource ID --logs "
        '\'[{"categoryGroup":"allLogs","enabled":true}]\' --workspace LAW_ID.'
    ),
    references=(
        "azure-policy:1b4d1c4e-934c-4703-944c-27c82c06bebb",
        "azure-policy:afe0c3be-ba3b-4544-ba52-0c99672a8ad6",
        "prowler:aiservices_account_diagnostic_logging_enabled",
        "MCSB:LT-3",
        "OWASP-LLM:LLM10",
        "MITRE-ATLAS:AML.T0034",
    ),
)
def ais_diagnostic_logs(asset: Asset, facts: DiagnosticsFacts, ctx: RuleContext) -> Result:
    enabled = facts.diagnostic_logs_enabled
    if unread(enabled):
        return _not_read(diagnostic_logs_enabled=enabled)
    if enabled:
        return Result.ok(
            "resource logs are sent to "
            + ", ".join(known(facts.log_destinations) or ["a destination"])
        )
    return Result.fail(
        "no resource log category is enabled", evidence={"diagnostic_logs_enabled": False}
    )


def _shield_ok(shield: PromptShield | None) -> bool:
    return shield is not None and shield.enabled and shield.blocking


def _shield(shield: PromptShield | None) -> dict[str, bool] | None:
    return shield.model_dump() if shield is not None else None


@rule(
    id="AZ-AIS-007",
    title="Model deployment lacks blocking Prompt Shields",
    severity=Severity.HIGH,
    category=Category.GUARDRAILS,
    kinds=(AssetKind.LLM_DEPLOYMENT,),
    clouds=AZ,
    services=("cognitiveservices",),
    description=(
        "The deployment's content-filter (RAI) policy does not both enable and block the "
        "Jailbreak and Indirect Attack prompt filters. A deployment that names no policy uses "
        "the account default, which cannot be verified (manual)."
    ),
    risk=(
        "Direct and indirect (document-borne) prompt injection reach the model unfiltered: "
        "jailbreaks, instructions hidden in retrieved content, tool abuse."
    ),
    remediation=(
        "Create a content filter with Prompt Shields for jailbreak and indirect attacks set to "
        "annotate-and-block, and assign it to the deployment (raiPolicyName); Terraform "
        "azurerm_cognitive_account_rai_policy + rai_policy_name."
    ),
    references=(
        "azure-policy:f3a9c2e0-7b4d-4d8f-9c3a-2e1f6b9a8d4e",
        "prowler:aiservices_deployment_content_filter_prompt_shield_enabled",
        "MCSB:AI-2",
        "OWASP-LLM:LLM01",
        "MITRE-ATLAS:AML.T0051.000",
        "MITRE-ATLAS:AML.T0051.001",
        "MITRE-ATLAS:AML.T0054",
    ),
)
def ais_prompt_shields(asset: Asset, facts: CognitiveDeploymentFacts, ctx: RuleContext) -> Result:
    if not known(facts.rai_policy_name):
        return Result.manual("no content-filter policy named: the account default applies")
    policy = facts.content_filter
    if unread(policy):
        return Result.manual("the content-filter policy could not be read")
    weak = [
        name
        for name, shield in (
            ("Jailbreak", policy.jailbreak),
            ("Indirect Attack", policy.indirect_attack),
        )
        if not _shield_ok(shield)
    ]
    if not weak:
        return Result.ok(f"{policy.policy} blocks jailbreak and indirect attacks")
    return Result.fail(
        f"policy {policy.policy} does not block: {', '.join(weak)}",
        evidence={
            "policy": policy.policy,
            "jailbreak": _shield(policy.jailbreak),
            "indirect_attack": _shield(policy.indirect_attack),
        },
    )


@rule(
    id="AZ-AIS-008",
    title="Deployment uses a model outside the approved publishers",
    severity=Severity.MEDIUM,
    category=Category.SUPPLY_CHAIN,
    kinds=(AssetKind.LLM_DEPLOYMENT,),
    clouds=AZ,
    services=("cognitiveservices",),
    description=(
        "The deployed model's format (publisher) is not one of the approved ones: by default "
        "OpenAI and Microsoft models. Other catalogue models (Meta, Mistral, DeepSeek, ...) need "
        "an explicit approval; waive the finding for the models you approved."
    ),
    risk="Unreviewed third-party models enter production without a supply-chain decision.",
    remediation=(
        "Approve the model (waive this finding for it) or remove the deployment; enforce with the "
        "Azure Policy 'Cognitive Services Deployments should only use approved Registry Models'."
    ),
    references=(
        "azure-policy:aafe3651-cb78-4f68-9f81-e7e41509110f",
        "MCSB:AI-1",
        "OWASP-LLM:LLM03",
        "OWASP-ML:ML06",
        "MITRE-ATLAS:AML.T0010.003",
    ),
)
def ais_approved_models(asset: Asset, facts: CognitiveDeploymentFacts, ctx: RuleContext) -> Result:
    fmt = known(facts.model_format)
    if not fmt:
        return Result.manual("the model format was not reported")
    if fmt.lower() in APPROVED_MODEL_FORMATS:
        return Result.ok(f"{fmt} model")
    name = known(facts.model_name)
    return Result.fail(
        f"{fmt} model {name} is not from an approved publisher",
        evidence={
            "model_format": fmt,
            "model_name": name,
            "model_version": known(facts.model_version),
        },
    )


@rule(
    id="AZ-AIS-009",
    title="Defender for AI Services not enabled on the subscription",
    severity=Severity.MEDIUM,
    category=Category.LOGGING,
    kinds=(AssetKind.LLM_SERVICE,),
    clouds=AZ,
    services=("cognitiveservices",),
    description=(
        "The subscription hosting this AI services account does not have the Defender for Cloud "
        "AI plan on the Standard tier, so no runtime threat protection (jailbreak, data leakage, "
        "credential theft alerts) watches it."
    ),
    risk="Attacks on the model endpoints go undetected.",
    remediation=(
        "Enable the plan: az security pricing create -n AI --tier standard (per subscription), "
        'or Terraform azurerm_security_center_subscription_pricing resource_type = "AI".'
    ),
    references=(
        "defender:ai-threat-protection",
        "OWASP-LLM:LLM01",
        "OWASP-LLM:LLM02",
    ),
)
def ais_defender(asset: Asset, facts: CognitiveAccountFacts, ctx: RuleContext) -> Result:
    return judge(
        facts.defender_for_ai,
        "defender_for_ai",
        not_,
        fail=f"Defender for AI Services is off in subscription {asset.account}",
        ok="Defender for AI Services is on",
        evidence={"subscription": asset.account, "defender_for_ai": False},
    )


@rule(
    id="AZ-AIS-010",
    title="Azure AI Search (RAG index) publicly reachable or key-authenticated",
    severity=Severity.HIGH,
    category=Category.NETWORK_EXPOSURE,
    kinds=(AssetKind.KNOWLEDGE_BASE,),
    clouds=AZ,
    services=("search",),
    description=(
        "The search service answers on public networks without IP rules, or accepts admin/query "
        "API keys (disableLocalAuth not true)."
    ),
    risk=(
        "With a leaked key anyone reads the indexed documents or writes poisoned ones that the "
        "RAG application then retrieves (RAG poisoning)."
    ),
    remediation=(
        "Disable public network access (or add ipRules) and set disableLocalAuth=true with "
        "Entra ID roles: az search service update --public-access disabled --disable-local-auth."
    ),
    references=(
        "azure-policy:71ef260a-8f18-47b7-abcb-62d0673d94dc",
        "azure-policy:037eea7a-bd0a-46c5-9a66-03aea78705d3",
        "OWASP-LLM:LLM08",
        "MITRE-ATLAS:AML.T0070",
        "MITRE-ATLAS:AML.T0036",
    ),
)
def search_exposed(asset: Asset, facts: SearchServiceFacts, ctx: RuleContext) -> Result:
    access, local_off = facts.public_network_access, facts.local_auth_disabled
    if unread(access) or unread(local_off):
        return _not_read(public_network_access=access, local_auth_disabled=local_off)
    problems = []
    if access != "Disabled" and not known(facts.ip_rules):
        problems.append("public network access without IP rules")
    if not local_off:
        problems.append("API keys accepted")
    if not problems:
        return Result.ok("private or IP-restricted, Entra ID only")
    return Result.fail(
        "; ".join(problems),
        evidence={
            "public_network_access": access,
            "ip_rules": _listed(facts.ip_rules),
            "local_auth_disabled": local_off,
        },
    )


# -- Azure Machine Learning ---------------------------------------------------------------------


@rule(
    id="AZ-ML-001",
    title="Azure ML workspace reachable from public networks",
    severity=Severity.HIGH,
    category=Category.NETWORK_EXPOSURE,
    kinds=(AssetKind.WORKSPACE,),
    clouds=AZ,
    services=("azureml",),
    description=(
        "publicNetworkAccess of the workspace (or AI Foundry hub) is not Disabled: its studio, "
        "APIs and data plane answer from the internet. Projects inherit their hub's setting."
    ),
    risk="Workspace artifacts, datasets and compute are reachable with any stolen credential.",
    remediation=(
        "Set public network access to Disabled and use private endpoints: az ml workspace update "
        "--public-network-access Disabled; Terraform public_network_access_enabled = false."
    ),
    references=(
        "azure-policy:Machine Learning/Workspace_PublicNetworkAccessDisabled_Audit",
        "azure-policy:40cec1dd-a100-4920-b15b-3024fe8901ab",
        "checkov:CKV_AZURE_144",
        "MITRE-ATLAS:AML.T0049",
        "MITRE-ATLAS:AML.T0035",
    ),
)
def ml_public_workspace(asset: Asset, facts: MlWorkspaceFacts, ctx: RuleContext) -> Result:
    if _is_project(facts):
        return Result.not_applicable("a project inherits its hub's network settings")
    access = facts.public_network_access
    return judge(
        access,
        "public_network_access",
        lambda a: a != "Disabled",
        fail="public network access is enabled",
        ok="public network access disabled",
        evidence={
            "public_network_access": access,
            "approved_private_endpoints": known(facts.approved_private_endpoints),
        },
    )


@rule(
    id="AZ-ML-002",
    title="Azure ML workspace not encrypted with a customer-managed key",
    severity=Severity.MEDIUM,
    category=Category.ENCRYPTION,
    kinds=(AssetKind.WORKSPACE,),
    clouds=AZ,
    services=("azureml",),
    description="encryption.status of the workspace is not Enabled (no customer-managed key).",
    risk="Workspace metadata and service-side data cannot be revoked or audited by key custody.",
    remediation=(
        "Customer-managed keys are set at creation: recreate the workspace with "
        "--customer-managed-key / Terraform encryption { key_vault_id, key_id }."
    ),
    references=(
        "azure-policy:ba769a63-b8cc-4b2d-abf6-ac33c7204be8",
        "OWASP-LLM:LLM02",
        "OWASP-ML:ML05",
    ),
)
def ml_cmk(asset: Asset, facts: MlWorkspaceFacts, ctx: RuleContext) -> Result:
    if _is_project(facts):
        return Result.not_applicable("a project uses its hub's encryption")
    status = facts.encryption_status
    return judge(
        status,
        "encryption_status",
        lambda s: s != "Enabled",
        fail="no customer-managed key",
        ok="customer-managed key",
        evidence={"encryption_status": status},
    )


@rule(
    id="AZ-ML-003",
    title="Managed network isolation is not 'Allow Only Approved Outbound'",
    severity=Severity.MEDIUM,
    category=Category.NETWORK_EXPOSURE,
    kinds=(AssetKind.WORKSPACE,),
    clouds=AZ,
    services=("azureml",),
    description=(
        "The workspace or AI Foundry hub's managed virtual network is off or allows all internet "
        "outbound traffic from its computes and endpoints."
    ),
    risk="Training and serving code (or a malicious model) can send data anywhere.",
    remediation=(
        "Set managedNetwork.isolationMode to AllowOnlyApprovedOutbound and add outbound rules "
        "for what the workloads need: az ml workspace update --managed-network "
        "allow_only_approved_outbound."
    ),
    references=(
        "azure-policy:6ddb1705-c8cf-450e-aa4b-19ad6703c440",
        "OWASP-LLM:LLM03",
        "MITRE-ATLAS:AML.T0025",
    ),
)
def ml_managed_network(asset: Asset, facts: MlWorkspaceFacts, ctx: RuleContext) -> Result:
    if _is_project(facts):
        return Result.not_applicable("a project uses its hub's managed network")
    mode = facts.managed_network_isolation
    if unread(mode):
        return _not_read(managed_network_isolation=mode)
    if mode == "AllowOnlyApprovedOutbound":
        return Result.ok("only approved outbound traffic")
    return Result.fail(f"managed network isolation is {mode}", evidence={"isolation_mode": mode})


_ML_COMPUTE = (AssetKind.NOTEBOOK, AssetKind.GPU_COMPUTE)


@rule(
    id="AZ-ML-004",
    title="Azure ML compute allows local authentication",
    severity=Severity.MEDIUM,
    category=Category.IDENTITY,
    kinds=_ML_COMPUTE,
    clouds=AZ,
    services=("azureml",),
    description=(
        "disableLocalAuth is not true on a compute instance or cluster, so local accounts and "
        "keys (SSH users, node credentials) work besides Entra ID."
    ),
    risk="Shared local credentials on ML compute bypass identity-based access control and audit.",
    remediation=(
        "Recreate the compute with local authentication disabled (disableLocalAuth=true; "
        "Terraform local_auth_enabled = false)."
    ),
    references=(
        "azure-policy:e96a9a5f-07ca-471b-9bc5-6a0f33cbd68f",
        "psrule:Azure.ML.DisableLocalAuth",
        "MITRE-ATLAS:AML.T0055",
    ),
)
def ml_compute_local_auth(asset: Asset, facts: MlComputeFacts, ctx: RuleContext) -> Result:
    return judge(
        facts.local_auth_disabled,
        "local_auth_disabled",
        not_,
        fail="local authentication enabled",
        ok="local authentication disabled",
        evidence={"local_auth_disabled": False},
    )


@rule(
    id="AZ-ML-005",
    title="Azure ML compute outside a virtual network",
    severity=Severity.HIGH,
    category=Category.NETWORK_EXPOSURE,
    kinds=_ML_COMPUTE,
    clouds=AZ,
    services=("azureml",),
    description=(
        "The compute instance or cluster is neither in a customer subnet nor in a workspace "
        "managed network. Public node IPs (AZ-ML-011) and an internet-facing SSH port "
        "(AZ-ML-012) are their own rules."
    ),
    risk=(
        "Notebook and training hosts with data and credentials sit outside any network you "
        "control: no NSG, no private endpoints to storage and registries, no egress control."
    ),
    remediation=(
        "Create computes in a VNet subnet or in a workspace managed network (managed_network "
        "isolation_mode allow_only_approved_outbound)."
    ),
    references=(
        "azure-policy:7804b5c7-01dc-4723-969b-ae300cc07ff1",
        "OWASP-ML:ML06",
        "MITRE-ATLAS:AML.T0049",
    ),
)
def ml_compute_exposed(asset: Asset, facts: MlComputeFacts, ctx: RuleContext) -> Result:
    return judge(
        facts.in_vnet,
        "in_vnet",
        not_,
        fail="not in a virtual network",
        ok="in a virtual network",
        evidence={
            "subnet": known(facts.subnet),
            "workspace_managed_network": known(facts.workspace_managed_network),
        },
    )


@rule(
    id="AZ-ML-011",
    title="Azure ML compute nodes have public IP addresses",
    severity=Severity.MEDIUM,
    category=Category.NETWORK_EXPOSURE,
    kinds=_ML_COMPUTE,
    clouds=AZ,
    services=("azureml",),
    description=(
        "enableNodePublicIp is not false on a compute instance or cluster (the ARM default is "
        "true), so each node has an internet-routable address."
    ),
    risk=(
        "Every node is addressable from the internet: the Jupyter, SSH and batch agent ports are "
        "one NSG rule away from exposure, and nodes egress without NAT."
    ),
    remediation=(
        "Recreate the compute with enableNodePublicIp=false (no public IP) in a subnet with a NAT "
        "gateway or in a managed network."
    ),
    references=(
        "MCSB:NS-2",
        "MITRE-ATLAS:AML.T0049",
    ),
)
def ml_compute_public_ip(asset: Asset, facts: MlComputeFacts, ctx: RuleContext) -> Result:
    return judge(
        facts.node_public_ip,
        "node_public_ip",
        bool,
        fail="nodes have public IPs",
        ok="no node public IPs",
        evidence={"node_public_ip": True, "public_ip": known(facts.public_ip)},
    )


@rule(
    id="AZ-ML-012",
    title="Azure ML compute opens SSH to the internet",
    severity=Severity.HIGH,
    category=Category.NETWORK_EXPOSURE,
    kinds=_ML_COMPUTE,
    clouds=AZ,
    services=("azureml",),
    description=(
        "sshSettings.sshPublicAccess (instances) or remoteLoginPortPublicAccess (clusters; "
        "NotSpecified opens it outside a VNet) is Enabled."
    ),
    risk=(
        "The SSH port of a host with data, model files and a managed identity token answers "
        "every internet address: brute force and key theft reach it directly."
    ),
    remediation=(
        "Recreate the compute with SSH public access disabled (ssh_public_access_enabled = "
        "false; clusters remote_login_port_public_access = Disabled); reach it through Bastion."
    ),
    references=(
        "MCSB:NS-2",
        "OWASP-ML:ML06",
        "MITRE-ATLAS:AML.T0049",
    ),
)
def ml_compute_ssh(asset: Asset, facts: MlComputeFacts, ctx: RuleContext) -> Result:
    ssh = facts.ssh_public_access
    if unread(ssh):
        return _not_read(ssh_public_access=ssh)
    if ssh == "Enabled":
        return Result.fail(
            "SSH open to the internet",
            evidence={"ssh_public_access": ssh, "public_ip": known(facts.public_ip)},
        )
    return Result.ok(f"SSH public access {ssh}")


@rule(
    id="AZ-ML-006",
    title="Compute instance not on the latest OS image",
    severity=Severity.MEDIUM,
    category=Category.COMPUTE_HARDENING,
    kinds=(AssetKind.NOTEBOOK,),
    clouds=AZ,
    services=("azureml",),
    description=(
        "osImageMetadata.isLatestOsImageVersion is false: the instance runs an image without the "
        "latest security updates (instances are not patched in place)."
    ),
    risk="Known vulnerabilities in the OS, Jupyter and ML libraries stay exploitable.",
    remediation="Recreate the compute instance (or schedule recreation) to get the latest image.",
    references=(
        "azure-policy:f110a506-2dcb-422e-bcea-d533fc8c35e2",
        "OWASP-ML:ML06",
        "MITRE-ATLAS:AML.T0010.001",
    ),
)
def ml_instance_image(asset: Asset, facts: MlComputeFacts, ctx: RuleContext) -> Result:
    # kinds=(NOTEBOOK,): the computes that are compute instances, not clusters.
    return judge(
        facts.os_image_latest,
        "os_image_latest",
        not_,
        fail="not on the latest OS image",
        ok="latest OS image",
        evidence={"os_image_latest": False},
    )


@rule(
    id="AZ-ML-007",
    title="Online or serverless endpoint uses static key authentication",
    severity=Severity.MEDIUM,
    category=Category.IDENTITY,
    kinds=(AssetKind.ENDPOINT,),
    clouds=AZ,
    services=("azureml",),
    description="authMode is Key: callers present a long-lived endpoint key instead of a token.",
    risk="Keys leak and never expire; a leaked key gives unmetered access to the model.",
    remediation=(
        "Use authMode AADToken (Entra ID) or AMLToken: recreate the endpoint with "
        "auth_mode=aad_token."
    ),
    references=(
        "mondoo:ml-serverless-endpoint-key-auth-disabled",
        "OWASP-LLM:LLM10",
        "MITRE-ATLAS:AML.T0055",
    ),
)
def ml_endpoint_key_auth(
    asset: Asset, facts: MlOnlineEndpointFacts | MlServerlessEndpointFacts, ctx: RuleContext
) -> Result:
    mode = known(facts.auth_mode)
    if mode is None:
        return Result.manual("auth mode not reported")
    if mode.lower() == "key":
        return Result.fail("endpoint keys authenticate callers", evidence={"auth_mode": mode})
    return Result.ok(f"auth mode {mode}")


@rule(
    id="AZ-ML-008",
    title="Online deployment has unrestricted public egress",
    severity=Severity.MEDIUM,
    category=Category.NETWORK_EXPOSURE,
    kinds=(AssetKind.ENDPOINT,),
    clouds=AZ,
    services=("azureml",),
    description=(
        "egressPublicNetworkAccess is Enabled on a deployment whose workspace has no managed "
        "network: the scoring container may reach any internet host."
    ),
    risk="A malicious model or compromised scoring code exfiltrates inputs and credentials.",
    remediation=(
        "Set egress_public_network_access=disabled on the deployment, or move the workspace to a "
        "managed network with approved outbound rules."
    ),
    references=("OWASP-LLM:LLM03", "MITRE-ATLAS:AML.T0025"),
)
def ml_deployment_egress(asset: Asset, facts: MlOnlineDeploymentFacts, ctx: RuleContext) -> Result:
    managed = known(facts.workspace_managed_network)
    if managed in ("AllowInternetOutbound", "AllowOnlyApprovedOutbound"):
        return Result.not_applicable(
            f"egress governed by the workspace managed network ({managed})"
        )
    egress = facts.egress_public_network_access
    if unread(egress):
        return Result.manual("egress setting not reported")
    if egress.lower() == "enabled":
        return Result.fail(
            "public egress enabled", evidence={"egress_public_network_access": egress}
        )
    return Result.ok("public egress disabled")


@rule(
    id="AZ-ML-009",
    title="Deployment of a model from a non-allowed registry",
    severity=Severity.MEDIUM,
    category=Category.SUPPLY_CHAIN,
    kinds=(AssetKind.ENDPOINT,),
    clouds=AZ,
    services=("azureml",),
    description=(
        "An online deployment or serverless endpoint serves a model from an Azure ML registry "
        "that is neither in the scanned estate nor curated by Microsoft or a model partner "
        "(e.g. the community HuggingFace registry)."
    ),
    risk="Unvetted third-party models (and their code) run on your data and identities.",
    remediation=(
        "Copy the reviewed model into your own registry and deploy from there; restrict with the "
        "Azure Policy 'Azure ML Model Registry Deployments are restricted except for the allowed "
        "Registry'."
    ),
    references=(
        "azure-policy:19539b54-c61e-4196-9a38-67598701be90",
        "OWASP-LLM:LLM03",
        "MITRE-ATLAS:AML.T0010.003",
    ),
)
def ml_registry_models(
    asset: Asset, facts: MlOnlineDeploymentFacts | MlServerlessEndpointFacts, ctx: RuleContext
) -> Result:
    registry = known(facts.model_registry)
    if not registry:
        return Result.not_applicable("model not from a registry")
    own = {
        a.name.lower()
        for a in ctx.inventory.of_kind(AssetKind.MODEL_REGISTRY)
        if a.cloud is Cloud.AZURE
    }
    if registry.lower() in CURATED_REGISTRIES | own:
        return Result.ok(f"registry {registry} is allowed")
    return Result.fail(
        f"model from registry {registry}, which is not allowed",
        evidence={"registry": registry, "model": known(facts.model)},
    )


# -- more AI services and Azure ML -----------------------------------------------------------------


@rule(
    id="AZ-AIS-011",
    title="AI services account has no managed identity",
    severity=Severity.LOW,
    category=Category.IDENTITY,
    kinds=(AssetKind.LLM_SERVICE,),
    clouds=AZ,
    services=("cognitiveservices",),
    description=(
        "identity.type is absent or None: the account has neither a system- nor a user-assigned "
        "managed identity."
    ),
    risk=(
        "Without an identity the account cannot reach Key Vault (customer-managed keys), storage "
        "(On Your Data, batch) or AI Search with Entra ID, so those connections fall back to "
        "keys and connection strings that leak and never expire."
    ),
    remediation=(
        "Assign a managed identity: az cognitiveservices account identity assign -g RG -n NAME; "
        'Terraform identity { type = "SystemAssigned" }; then grant it the data roles it needs.'
    ),
    references=(
        "azure-policy:fe3fd216-4f83-4fc1-8984-2bbec80a3418",
        "prowler:aiservices_account_managed_identity_enabled",
        "MCSB:IM-3",
        "MITRE-ATLAS:AML.T0055",
    ),
)
def ais_managed_identity(asset: Asset, facts: CognitiveAccountFacts, ctx: RuleContext) -> Result:
    kind = facts.identity_type
    if unread(kind):
        return _not_read(identity_type=kind)
    if kind:
        return Result.ok(f"managed identity {kind}")
    return Result.fail("no managed identity", evidence={"identity_type": None})


@rule(
    id="AZ-AIS-012",
    title="AI Search service does not enforce customer-managed keys",
    severity=Severity.LOW,
    category=Category.ENCRYPTION,
    kinds=(AssetKind.KNOWLEDGE_BASE,),
    clouds=AZ,
    services=("search",),
    description=(
        "encryptionWithCmk.enforcement is not Enabled on an Azure AI Search service: indexes, "
        "synonym maps and the RAG content they hold may be encrypted with Microsoft-managed keys "
        "only (the service does not refuse objects without a customer-managed key)."
    ),
    risk=(
        "The retrieval corpus of a RAG application is often the most sensitive data an AI app "
        "touches; without CMK, access to it at rest cannot be revoked by disabling a key you own."
    ),
    remediation=(
        "Encrypt indexes with a Key Vault key and set encryptionWithCmk.enforcement=Enabled "
        "(az search service update --name NAME -g RG ... or the REST API / Terraform "
        "customer_managed_key_enforcement_enabled = true)."
    ),
    references=(
        "azure-policy:76a56461-9dc0-40f0-82f5-2453283afa2f",
        "MCSB:DP-5",
        "OWASP-LLM:LLM08",
        "MITRE-ATLAS:AML.T0036",
    ),
)
def search_cmk(asset: Asset, facts: SearchServiceFacts, ctx: RuleContext) -> Result:
    enforcement = facts.cmk_enforcement
    if unread(enforcement):
        return _not_read(cmk_enforcement=enforcement)
    if (enforcement or "").lower() == "enabled":
        return Result.ok("customer-managed keys enforced")
    return Result.fail(
        f"CMK enforcement is {enforcement or 'not set'}",
        evidence={"cmk_enforcement": enforcement},
    )


@rule(
    id="AZ-ML-010",
    title="Azure ML compute instance has no idle shutdown",
    severity=Severity.LOW,
    category=Category.GOVERNANCE,
    kinds=(AssetKind.NOTEBOOK,),
    clouds=AZ,
    services=("azureml",),
    description="idleTimeBeforeShutdown is not set on a compute instance.",
    risk=(
        "Forgotten instances keep (GPU) capacity billing and keep a signed-in Jupyter with data "
        "and credentials running for whoever reaches it."
    ),
    remediation=(
        "Set an idle shutdown (15 minutes to 3 days): az ml compute update --name NAME "
        "--idle-time-before-shutdown-minutes 60, or at creation; enforce the built-in policy."
    ),
    references=(
        "azure-policy:679ddf89-ab8f-48a5-9029-e76054077449",
        "OWASP-LLM:LLM10",
        "MITRE-ATLAS:AML.T0034",
    ),
)
def ml_idle_shutdown(asset: Asset, facts: MlComputeFacts, ctx: RuleContext) -> Result:
    # kinds=(NOTEBOOK,): compute instances only (clusters scale to their minimum node count).
    idle = facts.idle_shutdown
    if unread(idle):
        return _not_read(idle_shutdown=idle)
    if idle:
        return Result.ok(f"idle shutdown after {idle}")
    return Result.fail("no idle shutdown", evidence={"idle_time_before_shutdown": None})


# -- container registries AI workloads pull from -------------------------------------------------

_ACR = (AssetKind.CONTAINER_REGISTRY,)


@rule(
    id="AZ-ACR-001",
    title="Container registry of AI workloads has the admin user enabled",
    severity=Severity.HIGH,
    category=Category.IDENTITY,
    description=(
        "adminUserEnabled is true on a registry that an Azure ML workspace or an online "
        "deployment pulls images from: a shared username and two passwords give push and pull."
    ),
    risk=(
        "The admin password is a standing credential with push rights: whoever holds it replaces "
        "a serving or training image, and every endpoint that pulls it runs the attacker's code."
    ),
    remediation=(
        "az acr update -n REGISTRY --admin-enabled false; pull with the workspace's or "
        "endpoint's managed identity (AcrPull)."
    ),
    references=(
        "azure-policy:dc921057-6b28-4fbe-9b83-f7bec05db6c2",
        "psrule:Azure.ACR.AdminUser",
        "OWASP-ML:ML06",
        "MITRE-ATLAS:AML.T0010.004",
    ),
    kinds=_ACR,
    clouds=AZ,
    services=("containerregistry",),
)
def acr_admin_user(asset: Asset, facts: RegistryFacts, ctx: RuleContext) -> Result:
    return judge(
        facts.admin_user_enabled,
        "admin_user_enabled",
        bool,
        fail="the admin user is enabled",
        ok="admin user disabled",
        evidence={"admin_user_enabled": True},
    )


@rule(
    id="AZ-ACR-002",
    title="Container registry of AI workloads allows anonymous pull",
    severity=Severity.HIGH,
    category=Category.DATA_EXPOSURE,
    description="anonymousPullEnabled is true: anyone who reaches the registry pulls its images.",
    risk=(
        "Serving and training images hold model code, baked-in weights and at times secrets; "
        "anonymous pull hands them to anyone (model theft, reconnaissance for the next attack)."
    ),
    remediation="az acr update -n REGISTRY --anonymous-pull-enabled false.",
    references=(
        "azure-policy:9f2dea28-e834-476c-99c5-3507b4728395",
        "OWASP-ML:ML05",
        "MITRE-ATLAS:AML.T0035",
    ),
    kinds=_ACR,
    clouds=AZ,
    services=("containerregistry",),
)
def acr_anonymous_pull(asset: Asset, facts: RegistryFacts, ctx: RuleContext) -> Result:
    return judge(
        facts.anonymous_pull_enabled,
        "anonymous_pull_enabled",
        bool,
        fail="anonymous pull is enabled",
        ok="anonymous pull disabled",
        evidence={"anonymous_pull_enabled": True},
    )


@rule(
    id="AZ-ACR-003",
    title="Container registry of AI workloads reachable from public networks",
    severity=Severity.MEDIUM,
    category=Category.NETWORK_EXPOSURE,
    description=(
        "publicNetworkAccess is not Disabled on the registry, so its login server answers from "
        "the internet (a network rule set with default action Deny is reported as evidence)."
    ),
    risk=(
        "A leaked token or admin password works from anywhere: images can be pulled or, with "
        "push rights, replaced from outside your networks."
    ),
    remediation=(
        "Use a Premium registry with a private endpoint and az acr update -n REGISTRY "
        "--public-network-enabled false."
    ),
    references=(
        "azure-policy:0fdf0491-d080-4575-b627-ad0e843cba0f",
        "MCSB:NS-2",
        "MITRE-ATLAS:AML.T0010.004",
    ),
    kinds=_ACR,
    clouds=AZ,
    services=("containerregistry",),
)
def acr_public_network(asset: Asset, facts: RegistryFacts, ctx: RuleContext) -> Result:
    access = facts.public_network_access
    return judge(
        access,
        "public_network_access",
        lambda a: a.lower() != "disabled",
        fail="public network access is enabled",
        ok="public network access disabled",
        evidence={
            "public_network_access": access,
            "network_default_action": known(facts.network_default_action),
        },
    )


@rule(
    id="AZ-ACR-004",
    title="Container registry of AI workloads not encrypted with a customer-managed key",
    severity=Severity.LOW,
    category=Category.ENCRYPTION,
    description="encryption.status is not enabled: images are encrypted with a Microsoft key.",
    risk="Access to the images at rest cannot be revoked by disabling a key you own.",
    remediation=(
        "Create a Premium registry with --key-encryption-key and an identity (customer-managed "
        "keys cannot be enabled on an existing registry); migrate the images."
    ),
    references=(
        "azure-policy:5b9159ae-1701-4a6f-9a7a-aa9c8ddd0580",
        "MCSB:DP-5",
        "OWASP-ML:ML05",
    ),
    kinds=_ACR,
    clouds=AZ,
    services=("containerregistry",),
)
def acr_cmk(asset: Asset, facts: RegistryFacts, ctx: RuleContext) -> Result:
    return judge(
        facts.kms_key,
        "kms_key",
        not_,
        fail="encrypted with a Microsoft-managed key",
        ok="encrypted with a customer-managed key",
        evidence={"kms_key": None},
    )


# -- AKS GPU node pools ------------------------------------------------------------------------

_AKS = (AssetKind.GPU_COMPUTE,)


@rule(
    id="AZ-AKS-001",
    title="AKS GPU node pool gives its nodes public IP addresses",
    severity=Severity.MEDIUM,
    category=Category.NETWORK_EXPOSURE,
    description="enableNodePublicIP is true on a node pool whose VM size has GPUs.",
    risk=(
        "Every GPU node is directly addressable from the internet: NodePort services, host ports "
        "and kubelet exposure are one NSG rule away from it."
    ),
    remediation=(
        "Recreate the pool without --enable-node-public-ip and egress through a NAT gateway or "
        "the load balancer."
    ),
    references=(
        "MCSB:NS-2",
        "MITRE-ATLAS:AML.T0049",
    ),
    kinds=_AKS,
    clouds=AZ,
    services=("aks",),
)
def aks_node_public_ip(asset: Asset, facts: AksAgentPoolFacts, ctx: RuleContext) -> Result:
    return judge(
        facts.node_public_ip,
        "node_public_ip",
        bool,
        fail="nodes have public IP addresses",
        ok="no node public IPs",
        evidence={"node_public_ip": True, "cluster": known(facts.cluster)},
    )


@rule(
    id="AZ-AKS-002",
    title="AKS cluster running GPU nodes keeps local accounts",
    severity=Severity.HIGH,
    category=Category.IDENTITY,
    description=(
        "disableLocalAccounts is not true on the cluster of a GPU node pool: the static "
        "clusterAdmin kubeconfig (listClusterAdminCredential) works besides Entra ID."
    ),
    risk=(
        "The local admin credential is a certificate that bypasses Entra ID, Conditional Access "
        "and Kubernetes RBAC auditing, and cannot be revoked per user."
    ),
    remediation=(
        "Integrate the cluster with Entra ID and az aks update -g RG -n CLUSTER "
        "--disable-local-accounts."
    ),
    references=(
        "azure-policy:993c2fcd-2b29-49d2-9eb0-df2c3a730c32",
        "MITRE-ATLAS:AML.T0012",
    ),
    kinds=_AKS,
    clouds=AZ,
    services=("aks",),
)
def aks_local_accounts(asset: Asset, facts: AksAgentPoolFacts, ctx: RuleContext) -> Result:
    return judge(
        facts.local_accounts_disabled,
        "local_accounts_disabled",
        not_,
        fail="local accounts are enabled",
        ok="local accounts disabled",
        evidence={"local_accounts_disabled": False, "cluster": known(facts.cluster)},
    )


@rule(
    id="AZ-AKS-003",
    title="AKS API server of GPU nodes is public without authorized IP ranges",
    severity=Severity.MEDIUM,
    category=Category.NETWORK_EXPOSURE,
    description=(
        "The cluster is not private and apiServerAccessProfile.authorizedIPRanges is empty, so "
        "the Kubernetes API answers every internet address."
    ),
    risk=(
        "Stolen kubeconfigs and tokens work from anywhere, and the API server is exposed to every "
        "unauthenticated vulnerability of the control plane."
    ),
    remediation=(
        "Make the cluster private, or az aks update -g RG -n CLUSTER "
        "--api-server-authorized-ip-ranges CIDR[,CIDR]."
    ),
    references=(
        "azure-policy:0e246bcf-5f6f-4f87-bc6f-775d4712c7ea",
        "psrule:Azure.AKS.AuthorizedIPs",
        "MITRE-ATLAS:AML.T0049",
    ),
    kinds=_AKS,
    clouds=AZ,
    services=("aks",),
)
def aks_api_authorized_ips(asset: Asset, facts: AksAgentPoolFacts, ctx: RuleContext) -> Result:
    private, ranges = facts.cluster_private, facts.authorized_ip_ranges
    if unread(private) or unread(ranges):
        return _not_read(cluster_private=private, authorized_ip_ranges=ranges)
    if private:
        return Result.ok("private API server")
    if ranges:
        return Result.ok(f"API server limited to {len(ranges)} range(s)")
    return Result.fail(
        "the API server answers every address",
        evidence={
            "cluster": known(facts.cluster),
            "cluster_private": False,
            "authorized_ip_ranges": [],
        },
    )


# -- Azure Policy guardrails ---------------------------------------------------------------------


def _guardrail(
    asset: Asset, facts: PolicyGuardrailFacts, definitions: frozenset[str], what: str
) -> Result:
    if unread(facts.policy_assignments):
        return Result.manual("the subscription's Azure Policy assignments were not read")
    deny = _denying(asset, facts, definitions)
    if deny is not None:
        return Result.ok(f"denied by Azure Policy assignment {deny.name or deny.scope}")
    weaker = [_assignment(a) for a in _assigned(asset, facts, definitions)]
    return Result.fail(
        f"no enforced Deny assignment keeps {what} out"
        + (" (assigned with Audit or not enforced only)" if weaker else ""),
        evidence={"definitions": sorted(definitions), "assignments": weaker},
    )


@rule(
    id="AZ-POL-001",
    title="No Azure Policy denies key authentication on AI services",
    severity=Severity.LOW,
    category=Category.GOVERNANCE,
    kinds=(AssetKind.LLM_SERVICE,),
    clouds=AZ,
    services=("cognitiveservices",),
    description=(
        "No enforced assignment of the built-in 'local authentication disabled' policy with the "
        "Deny effect covers the account (at its subscription or a management group above it)."
    ),
    risk=(
        "Today's setting is only as durable as the next deployment: a template or a hurried fix "
        "turns API keys back on and nothing stops it."
    ),
    remediation=(
        "Assign policy 71ef260a-8f18-47b7-abcb-62d0673d94dc with effect Deny at the management "
        "group or subscription: az policy assignment create --policy 71ef260a-... "
        '--params \'{"effect":{"value":"Deny"}}\' --scope SCOPE.'
    ),
    references=(
        "azure-policy:71ef260a-8f18-47b7-abcb-62d0673d94dc",
        "MCSB:IM-1",
        "OWASP-LLM:LLM10",
        "MITRE-ATLAS:AML.T0055",
    ),
)
def pol_local_auth(asset: Asset, facts: CognitiveAccountFacts, ctx: RuleContext) -> Result:
    return _guardrail(asset, facts, LOCAL_AUTH_POLICIES, "accounts that accept API keys")


@rule(
    id="AZ-POL-002",
    title="No Azure Policy denies public network access on AI services",
    severity=Severity.LOW,
    category=Category.GOVERNANCE,
    kinds=(AssetKind.LLM_SERVICE,),
    clouds=AZ,
    services=("cognitiveservices",),
    description=(
        "No enforced assignment with the Deny effect of the built-in policies 'Cognitive "
        "Services accounts should disable public network access' or 'Azure AI Services "
        "resources should restrict network access' covers the account."
    ),
    risk=("Nothing stops the next account, or a change to this one, from answering the internet."),
    remediation=(
        "Assign policy 0725b4dd-7e76-479c-a735-68e7ee23d5ca (or 037eea7a-bd0a-46c5-9a66-"
        "03aea78705d3) with effect Deny at the management group or subscription."
    ),
    references=(
        "azure-policy:0725b4dd-7e76-479c-a735-68e7ee23d5ca",
        "azure-policy:037eea7a-bd0a-46c5-9a66-03aea78705d3",
        "MCSB:NS-2",
        "MITRE-ATLAS:AML.T0049",
    ),
)
def pol_public_network(asset: Asset, facts: CognitiveAccountFacts, ctx: RuleContext) -> Result:
    return _guardrail(asset, facts, PUBLIC_NETWORK_POLICIES, "publicly reachable accounts")


RULES = (
    ais_public_network,
    ais_acl_default_allow,
    ais_local_auth,
    ais_cmk,
    ais_outbound,
    ais_diagnostic_logs,
    ais_prompt_shields,
    ais_approved_models,
    ais_defender,
    search_exposed,
    ml_public_workspace,
    ml_cmk,
    ml_managed_network,
    ml_compute_local_auth,
    ml_compute_exposed,
    ml_compute_public_ip,
    ml_compute_ssh,
    ml_instance_image,
    ml_endpoint_key_auth,
    ml_deployment_egress,
    ml_registry_models,
    ais_managed_identity,
    search_cmk,
    ml_idle_shutdown,
    acr_admin_user,
    acr_anonymous_pull,
    acr_public_network,
    acr_cmk,
    aks_node_public_ip,
    aks_local_accounts,
    aks_api_authorized_ips,
    pol_local_auth,
    pol_public_network,
)
