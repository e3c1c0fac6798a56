"""Posture rules for Amazon Bedrock, Agents for Bedrock and Bedrock AgentCore.

They read the facts of aiscan/core/facts/aws.py (``Bedrock*Facts``, ``AgentCore*Facts``) and,
for roles and buckets, the shared ones; docs/attributes.md lists them all. An attribute that is
absent (could not be read) gives ``manual``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from aiscan.core.facts import Unread, known, unread
from aiscan.core.facts.aws import (
    AgentCoreBrowserFacts,
    AgentCoreCodeInterpreterFacts,
    AgentCoreGatewayFacts,
    AgentCoreMemoryFacts,
    AgentCoreRuntimeFacts,
    BedrockAgentFacts,
    BedrockCustomizationJobFacts,
    BedrockCustomModelFacts,
    BedrockFlowFacts,
    BedrockGuardrailFacts,
    BedrockImportedModelFacts,
    BedrockKnowledgeBaseFacts,
    BedrockServiceFacts,
    IamRoleFacts,
    ScpGuardrails,
    ServiceCredentialFacts,
    Trail,
    VpcEndpoint,
)
from aiscan.core.facts.common import BucketFacts, IdentityFacts
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

AWS = (Cloud.AWS,)
HARMFUL_CATEGORIES = ("HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT")
KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")
#: AWS-managed policies that hand an agent far more than it needs.
BROAD_POLICIES = ("AdministratorAccess", "AmazonBedrockFullAccess", "PowerUserAccess")


def _settle(fails: list[Result], manuals: Iterable[Result] = ()) -> list[Result]:
    """Failures and undecidable sub-checks together; a pass only when every sub-check passed."""
    rest = list(manuals)
    return fails + rest if fails or rest else [Result.ok()]


# -- region-level (llm-service) -------------------------------------------------------------------


@rule(
    id="AWS-BR-001",
    title="Bedrock model invocation logging is off, excludes text, or is stored unencrypted",
    severity=Severity.MEDIUM,
    category=Category.LOGGING,
    kinds=(AssetKind.LLM_SERVICE,),
    clouds=AWS,
    services=("bedrock",),
    description=(
        "Model invocation logging records every prompt and completion sent to Bedrock in a "
        "region. It should be on, include text payloads, and land in a KMS-encrypted bucket or "
        "log group."
    ),
    risk=(
        "Without invocation logs, abuse of the account's models (LLMjacking, prompt injection, "
        "data exfiltration through completions) cannot be investigated; logs that hold prompts "
        "but are not encrypted with a customer key expose that sensitive text."
    ),
    remediation=(
        "Console: Bedrock > Settings > Model invocation logging, enable text data delivery to S3 "
        "and/or CloudWatch Logs. CLI: aws bedrock put-model-invocation-logging-configuration "
        '--logging-config \'{"s3Config":{"bucketName":"..."},"textDataDeliveryEnabled":'
        "true}'. Terraform: aws_bedrock_model_invocation_logging_configuration. Encrypt the "
        "bucket with SSE-KMS and the log group with a KMS key."
    ),
    references=(
        "prowler:bedrock_model_invocation_logging_enabled",
        "prowler:bedrock_model_invocation_logging_text_data_enabled",
        "prowler:bedrock_model_invocation_logs_encryption_enabled",
        "OWASP-LLM:LLM10",
        "MITRE-ATLAS:AML.T0034",
    ),
)
def invocation_logging(asset: Asset, facts: BedrockServiceFacts, ctx: RuleContext) -> list[Result]:
    logging = facts.invocation_logging
    if unread(logging):
        return [Result.manual("the model invocation logging configuration could not be read")]
    if not logging.enabled:
        return [
            Result.fail(
                "model invocation logging is not configured in this region",
                evidence={
                    "invocation_logging": logging.model_dump(mode="json", exclude_unset=True)
                },
                key="disabled",
            )
        ]
    fails: list[Result] = []
    manuals: list[Result] = []
    if logging.text is False:
        fails.append(
            Result.fail(
                "invocation logging does not deliver text prompts and completions",
                evidence={"textDataDeliveryEnabled": False},
                key="text",
                severity=Severity.LOW,
            )
        )
    bucket_name = logging.s3_bucket
    if bucket_name:
        bucket = next(
            (
                b
                for b in ctx.inventory.targets(asset.id, RelationType.WRITES_DATA_TO)
                if b.kind is AssetKind.BUCKET
                and (b.name == bucket_name or b.id.endswith(f":::{bucket_name}"))
            ),
            None,
        )
        bucket_facts = bucket.facts if bucket is not None else None
        if not isinstance(bucket_facts, BucketFacts) or unread(bucket_facts.encryption):
            manuals.append(Result.manual(f"the encryption of log bucket {bucket_name} is unknown"))
        else:
            enc = bucket_facts.encryption
            if enc is None or enc.algorithm not in KMS_ALGORITHMS:
                fails.append(
                    Result.fail(
                        f"invocation logs go to bucket {bucket_name}, not encrypted with KMS",
                        evidence={
                            "s3_bucket": bucket_name,
                            "encryption": enc.model_dump(mode="json") if enc else None,
                        },
                        key="s3-unencrypted",
                    )
                )
    group = logging.cloudwatch_log_group
    if group:
        if unread(logging.cloudwatch_kms_key):
            manuals.append(Result.manual(f"the encryption of log group {group} is unknown"))
        elif not logging.cloudwatch_kms_key:
            fails.append(
                Result.fail(
                    f"invocation logs go to log group {group}, not encrypted with a KMS key",
                    evidence={"cloudwatch_log_group": group, "kms_key": None},
                    key="cloudwatch-unencrypted",
                )
            )
    return _settle(fails, manuals)


@rule(
    id="AWS-BR-002",
    title="No ready Bedrock guardrail in a region where Bedrock is used",
    severity=Severity.MEDIUM,
    category=Category.GUARDRAILS,
    kinds=(AssetKind.LLM_SERVICE,),
    clouds=AWS,
    services=("bedrock",),
    description="A region where Bedrock is in use has no guardrail in the READY state.",
    risk=(
        "Without a guardrail, nothing filters prompt injection, jailbreaks, harmful content or "
        "sensitive data between users and the models."
    ),
    remediation=(
        "Create a guardrail (Console: Bedrock > Guardrails; CLI: aws bedrock create-guardrail; "
        "Terraform: aws_bedrock_guardrail) with prompt-attack, content and PII filters and attach "
        "it to agents, knowledge bases and InvokeModel/Converse calls."
    ),
    references=(
        "prowler:bedrock_guardrails_configured",
        "OWASP-LLM:LLM01",
        "MITRE-ATLAS:AML.T0051",
    ),
)
def guardrail_exists(asset: Asset, facts: BedrockServiceFacts, ctx: RuleContext) -> Result:
    ready = facts.guardrails_ready
    if unread(ready):
        return Result.manual("the guardrails of this region could not be read")
    if ready == 0:
        return Result.fail(
            "Bedrock is in use in this region but no guardrail is READY",
            evidence={"guardrails_ready": 0},
        )
    return Result.ok()


@rule(
    id="AWS-BR-003",
    title="No account-level enforced Bedrock guardrail",
    severity=Severity.MEDIUM,
    category=Category.GUARDRAILS,
    kinds=(AssetKind.LLM_SERVICE,),
    clouds=AWS,
    services=("bedrock",),
    description=(
        "Bedrock can enforce a guardrail on every model invocation in the account, so callers "
        "cannot skip it by omitting guardrailIdentifier. None is configured here, and no "
        "service control policy denies InvokeModel without bedrock:GuardrailIdentifier."
    ),
    risk=(
        "Guardrails attached per call are opt-in: any caller (or compromised workload) that "
        "invokes a model directly bypasses them."
    ),
    remediation=(
        "Configure an enforced guardrail for the account (Bedrock > Guardrails > account-level "
        "enforcement; API PutEnforcedGuardrailConfiguration), an AWS Organizations "
        "BEDROCK_POLICY for every account, or an SCP denying bedrock:InvokeModel* when "
        'bedrock:GuardrailIdentifier is null ("Null": {"bedrock:GuardrailIdentifier": "true"}).'
    ),
    references=(
        "scp:bedrock:GuardrailIdentifier",
        "OWASP-LLM:LLM01",
        "MITRE-ATLAS:AML.T0051",
        "MITRE-ATLAS:AML.T0054",
    ),
)
def enforced_guardrail(asset: Asset, facts: BedrockServiceFacts, ctx: RuleContext) -> Result:
    scps = known(facts.scp_guardrails)
    by_scp = scps.enforcing("bedrock:GuardrailIdentifier") if scps else []
    if by_scp:
        return Result.ok(f"enforced by SCP {', '.join(by_scp)} (bedrock:GuardrailIdentifier)")
    enforced = facts.enforced_guardrails
    if unread(enforced):
        return Result.manual(
            "the enforced guardrail configuration could not be read (or the installed SDK "
            "does not know ListEnforcedGuardrailsConfiguration)"
        )
    if not enforced:
        return Result.fail(
            "no guardrail is enforced on all model invocations in this account and region",
            evidence={"enforced_guardrails": []},
        )
    return Result.ok()


def scps_in_effect(scps: ScpGuardrails | Unread) -> ScpGuardrails | Result:
    """The account's SCP guardrails, or the result when they cannot decide: manual when not read
    (a member account may not), not applicable in no organization (no SCP can apply)."""
    if unread(scps):
        return Result.manual(
            "the account's SCPs were not read (readable from the management account or a "
            "delegated administrator only)"
        )
    if scps.organization is None:
        return Result.not_applicable("the account is in no AWS organization: no SCP applies")
    return scps


@rule(
    id="AWS-BR-047",
    title="No SCP limits which Bedrock models may be invoked",
    severity=Severity.LOW,
    category=Category.GOVERNANCE,
    kinds=(AssetKind.LLM_SERVICE,),
    clouds=AWS,
    services=("bedrock",),
    description=(
        "No service control policy in effect for the account denies bedrock:InvokeModel on "
        "every model outside an allow-list (a Deny with NotResource naming the reviewed models)."
    ),
    risk=(
        "Any identity allowed to invoke models can call any foundation or marketplace model: "
        "unreviewed models (licence, safety, provenance) reach production, and stolen "
        "credentials run the most expensive ones."
    ),
    remediation=(
        "Attach an SCP that denies bedrock:InvokeModel* with NotResource listing the approved "
        "foundation-model and inference-profile ARNs (or use IAM permission boundaries)."
    ),
    references=(
        "scp:bedrock:InvokeModel",
        "orgpolicy:vertexai.allowedModels",
        "OWASP-LLM:LLM03",
        "OWASP-LLM:LLM10",
        "MITRE-ATLAS:AML.T0010.003",
    ),
)
def scp_model_allow_list(asset: Asset, facts: BedrockServiceFacts, ctx: RuleContext) -> Result:
    scps = scps_in_effect(facts.scp_guardrails)
    if isinstance(scps, Result):
        return scps
    if not scps.model_allow_lists:
        return Result.fail(
            "no SCP restricts InvokeModel to an allow-list of models",
            evidence={"scps": list(scps.policies)},
        )
    return Result.ok(f"enforced by SCP {', '.join(scps.model_allow_lists)}")


# -- guardrails -----------------------------------------------------------------------------------


@rule(
    id="AWS-BR-004",
    title="Bedrock guardrail prompt-attack filter is missing or below HIGH",
    severity=Severity.HIGH,
    category=Category.GUARDRAILS,
    kinds=(AssetKind.GUARDRAIL,),
    clouds=AWS,
    services=("bedrock",),
    description=(
        "The guardrail's PROMPT_ATTACK content filter should block input at HIGH strength."
    ),
    risk=(
        "A weak or missing prompt-attack filter lets jailbreaks and prompt injection reach the "
        "model, which can then leak data or drive an agent's tools."
    ),
    remediation=(
        "Edit the guardrail's content filters: Prompt attacks, input strength HIGH, action "
        "Block (CLI: aws bedrock update-guardrail --content-policy-config ...; Terraform: "
        "aws_bedrock_guardrail content_policy_config filters_config type=PROMPT_ATTACK)."
    ),
    references=(
        "prowler:bedrock_guardrail_prompt_attack_filter_enabled",
        "OWASP-LLM:LLM01",
        "MITRE-ATLAS:AML.T0051",
        "MITRE-ATLAS:AML.T0054",
    ),
)
def prompt_attack_filter(asset: Asset, facts: BedrockGuardrailFacts, ctx: RuleContext) -> Result:
    if unread(facts.content_filters):
        return Result.manual("the guardrail's content policy could not be read")
    strength = None if unread(facts.prompt_attack_strength) else facts.prompt_attack_strength
    if strength is None:
        return Result.fail(
            "the guardrail has no prompt-attack filter",
            evidence={"prompt_attack_strength": None},
        )
    if strength != "HIGH":
        return Result.fail(
            f"the prompt-attack filter blocks input at {strength}, not HIGH",
            evidence={"prompt_attack_strength": strength},
        )
    return Result.ok()


@rule(
    id="AWS-BR-005",
    title="Bedrock guardrail does not block or mask sensitive information",
    severity=Severity.HIGH,
    category=Category.GUARDRAILS,
    kinds=(AssetKind.GUARDRAIL,),
    clouds=AWS,
    services=("bedrock",),
    description=(
        "The guardrail has no sensitive-information (PII / regex) filter, or every filter only "
        "detects (action NONE) instead of blocking or anonymising."
    ),
    risk=(
        "Personal data and secrets in prompts, retrieved documents or completions pass through "
        "unmasked to users, logs and third parties."
    ),
    remediation=(
        "Add PII entity types and custom regexes with action BLOCK or ANONYMIZE to the "
        "guardrail's sensitive information filters (Terraform: "
        "sensitive_information_policy_config)."
    ),
    references=(
        "prowler:bedrock_guardrail_sensitive_information_filter_enabled",
        "OWASP-LLM:LLM02",
        "MITRE-ATLAS:AML.T0057",
    ),
)
def sensitive_information_filter(
    asset: Asset, facts: BedrockGuardrailFacts, ctx: RuleContext
) -> Result:
    pii, regexes = facts.pii_actions, facts.regex_actions
    if unread(pii) or unread(regexes):
        return Result.manual("the guardrail's sensitive-information policy could not be read")
    actions = list(pii) + list(regexes)
    if not actions:
        return Result.fail(
            "the guardrail has no sensitive-information filter",
            evidence={"pii_actions": [], "regexes": 0},
            key="missing",
        )
    if all(a == "NONE" for a in actions):
        return Result.fail(
            "every sensitive-information filter only detects (action NONE)",
            evidence={"pii_actions": list(pii), "regex_actions": list(regexes)},
            key="detect-only",
        )
    return Result.ok()


@rule(
    id="AWS-BR-006",
    title="Bedrock guardrail harmful-content or contextual-grounding coverage is incomplete",
    severity=Severity.MEDIUM,
    category=Category.GUARDRAILS,
    kinds=(AssetKind.GUARDRAIL,),
    clouds=AWS,
    services=("bedrock",),
    description=(
        "The guardrail should filter all harmful-content categories (HATE, INSULTS, SEXUAL, "
        "VIOLENCE, MISCONDUCT) on input and output; a guardrail that protects agents should also "
        "have a contextual-grounding check."
    ),
    risk=(
        "Unfiltered categories let the model produce harmful output; without grounding checks, "
        "agent answers drift from their sources (hallucinations presented as facts)."
    ),
    remediation=(
        "Enable every content filter category with a strength above NONE on both input and "
        "output, and add GROUNDING/RELEVANCE contextual grounding filters to guardrails used by "
        "agents or RAG applications."
    ),
    references=(
        "prowler:bedrock_guardrail_contextual_grounding_filter_enabled",
        "OWASP-LLM:LLM05",
        "OWASP-LLM:LLM09",
        "MITRE-ATLAS:AML.T0048",
    ),
)
def content_coverage(asset: Asset, facts: BedrockGuardrailFacts, ctx: RuleContext) -> list[Result]:
    filters = facts.content_filters
    if unread(filters):
        return [Result.manual("the guardrail's content policy could not be read")]
    fails: list[Result] = []
    missing = [c for c in HARMFUL_CATEGORIES if c not in filters]
    off = [
        c
        for c in HARMFUL_CATEGORIES
        if c in filters and "NONE" in (filters[c].input, filters[c].output)
    ]
    if missing or off:
        fails.append(
            Result.fail(
                "harmful-content categories not filtered on both input and output: "
                + ", ".join(missing + off),
                evidence={"missing": missing, "strength_none": off},
                key="content",
            )
        )
    users = [r.source for r in ctx.inventory.incoming(asset.id, RelationType.GUARDED_BY)]
    if users and facts.contextual_grounding is False:
        fails.append(
            Result.fail(
                "the guardrail protects agents but has no contextual-grounding filter",
                evidence={"guarded": sorted(users), "contextual_grounding": False},
                key="grounding",
            )
        )
    return _settle(fails)


# -- agents ---------------------------------------------------------------------------------------


@rule(
    id="AWS-BR-007",
    title="Bedrock agent has no guardrail",
    severity=Severity.HIGH,
    category=Category.GUARDRAILS,
    kinds=(AssetKind.AGENT,),
    clouds=AWS,
    services=("bedrock-agent",),
    description="The agent is not configured with a guardrail.",
    risk=(
        "An agent without a guardrail acts on unfiltered user input: prompt injection can make "
        "it call its action groups and knowledge bases on the attacker's behalf."
    ),
    remediation=(
        "Set a guardrail and version on the agent (Console: Agent builder > Guardrail details; "
        "CLI: aws bedrock-agent update-agent --guardrail-configuration "
        "guardrailIdentifier=...,guardrailVersion=...; Terraform: aws_bedrockagent_agent "
        "guardrail_configuration) and prepare the agent again."
    ),
    references=(
        "prowler:bedrock_agent_guardrail_enabled",
        "OWASP-LLM:LLM01",
        "OWASP-LLM:LLM06",
        "MITRE-ATLAS:AML.T0051",
        "MITRE-ATLAS:AML.T0053",
    ),
)
def agent_guardrail(asset: Asset, facts: BedrockAgentFacts, ctx: RuleContext) -> Result:
    if unread(facts.guardrail):
        return Result.manual("the agent's guardrail configuration could not be read")
    if not facts.guardrail:
        return Result.fail("the agent has no guardrail", evidence={"guardrail": None})
    return Result.ok()


@rule(
    id="AWS-BR-009",
    title="Bedrock flow prompt or knowledge-base node without a guardrail",
    severity=Severity.MEDIUM,
    category=Category.GUARDRAILS,
    kinds=(AssetKind.PIPELINE,),
    clouds=AWS,
    services=("bedrock-agent",),
    description=(
        "A Prompt or KnowledgeBase node of the flow (including nodes inside loops) sends text to "
        "a model without a guardrail."
    ),
    risk=(
        "Flow inputs and retrieved documents reach the model unfiltered: indirect prompt "
        "injection through a poisoned document steers the rest of the flow."
    ),
    remediation=(
        "Set guardrailConfiguration on every Prompt and KnowledgeBase node "
        "(aws bedrock-agent update-flow ...; Terraform: aws_bedrockagent_flow), then prepare the "
        "flow and publish a new version."
    ),
    references=(
        "prowler:bedrock_flow_guardrail_enabled",
        "OWASP-LLM:LLM01",
        "MITRE-ATLAS:AML.T0051.001",
    ),
)
def flow_guardrail(asset: Asset, facts: BedrockFlowFacts, ctx: RuleContext) -> Result:
    unguarded = facts.unguarded_nodes
    if unread(unguarded):
        return Result.manual("the flow definition could not be read")
    if unguarded:
        return Result.fail(
            "flow nodes without a guardrail: " + ", ".join(unguarded),
            evidence={"unguarded_nodes": list(unguarded)},
        )
    return Result.ok()


def _broad_grants(role: Asset) -> dict[str, Any] | None:
    """What makes a role over-privileged for an agent, or None when the role's facts are unread."""
    facts = role.facts
    if not isinstance(facts, IdentityFacts):
        return None
    admin, actions, policies = (
        facts.administrator,
        facts.wildcard_actions,
        facts.full_access_policies,
    )
    if unread(admin) or unread(actions) or unread(policies):
        return None
    wildcards = [a for a in actions if a == "*" or a.endswith(":*")]
    broad = [p for p in policies if p]
    found: dict[str, Any] = {}
    if admin:
        found["administrator"] = True
    if wildcards:
        found["wildcard_actions"] = wildcards
    if broad:
        found["full_access_policies"] = broad
    return found


@rule(
    id="AWS-BR-008",
    title="Bedrock agent role is over-privileged or shared between agents",
    severity=Severity.HIGH,
    category=Category.IDENTITY,
    kinds=(AssetKind.AGENT,),
    clouds=AWS,
    services=("bedrock-agent",),
    description=(
        "The agent's service role has administrator or service-wide permissions "
        "(Action '*', 'service:*', AdministratorAccess, AmazonBedrockFullAccess), or the same "
        "role is used by more than one agent."
    ),
    risk=(
        "A prompt-injected agent can do whatever its role allows; a shared role lets one "
        "compromised agent reach every other agent's models, knowledge bases and data."
    ),
    remediation=(
        "Give each agent its own role scoped to bedrock:InvokeModel on its foundation model and "
        "bedrock:Retrieve on its knowledge bases (the console's generated "
        "AmazonBedrockExecutionRoleForAgents_* role is a good start); detach broad managed "
        "policies."
    ),
    references=(
        "prowler:bedrock_agent_role_least_privilege",
        "prowler:bedrock_agent_role_not_shared_across_agents",
        "OWASP-LLM:LLM06",
        "MITRE-ATLAS:AML.T0053",
    ),
)
def agent_role(asset: Asset, facts: BedrockAgentFacts, ctx: RuleContext) -> list[Result]:
    role_arn = None if unread(facts.role_arn) else facts.role_arn
    if not role_arn:
        return [Result.manual("the agent's service role is unknown")]
    fails: list[Result] = []
    manuals: list[Result] = []
    sharers = sorted(
        {
            r.source
            for r in ctx.inventory.incoming(role_arn, RelationType.RUNS_AS)
            if r.source != asset.id and _is_agent(ctx.inventory.get(r.source))
        }
    )
    if sharers:
        fails.append(
            Result.fail(
                f"role {role_arn} is also used by {len(sharers)} other agent(s)",
                evidence={"role_arn": role_arn, "other_agents": sharers},
                key="shared",
            )
        )
    role = ctx.inventory.get(role_arn)
    grants = _broad_grants(role) if role is not None and role.kind is AssetKind.IDENTITY else None
    if grants is None:
        manuals.append(Result.manual(f"the permissions of role {role_arn} were not read"))
    elif grants:
        fails.append(
            Result.fail(
                f"role {role_arn} grants broad permissions: " + ", ".join(sorted(grants)),
                evidence={"role_arn": role_arn, **grants},
                key="privilege",
                path=(asset.id, role_arn),
            )
        )
    return _settle(fails, manuals)


def _is_agent(asset: Asset | None) -> bool:
    return asset is not None and asset.kind is AssetKind.AGENT and asset.service == "bedrock-agent"


# -- encryption -----------------------------------------------------------------------------------


@rule(
    id="AWS-BR-010",
    title="Bedrock knowledge-base data source not encrypted with a customer managed key",
    severity=Severity.MEDIUM,
    category=Category.ENCRYPTION,
    kinds=(AssetKind.KNOWLEDGE_BASE,),
    clouds=AWS,
    services=("bedrock-agent",),
    description=(
        "A data source of the knowledge base has no serverSideEncryptionConfiguration.kmsKeyArn: "
        "the transient data Bedrock keeps while ingesting it is encrypted with an AWS-owned key."
    ),
    risk=(
        "Ingested documents (often the most sensitive corpus an organisation has) are protected "
        "only by an AWS-owned key you cannot audit, restrict or revoke."
    ),
    remediation=(
        "Recreate or update the data source with a customer managed KMS key "
        "(CLI: aws bedrock-agent update-data-source --server-side-encryption-configuration "
        "kmsKeyArn=...; Terraform: aws_bedrockagent_data_source "
        "server_side_encryption_configuration)."
    ),
    references=(
        "securityhub:Bedrock.1",
        "config:bedrock-data-source-encryption-enabled",
        "prowler:bedrock_knowledge_base_encrypted_with_cmk",
        "OWASP-LLM:LLM08",
        "OWASP-LLM:LLM02",
        "MITRE-ATLAS:AML.T0070",
    ),
)
def data_source_cmk(
    asset: Asset, facts: BedrockKnowledgeBaseFacts, ctx: RuleContext
) -> list[Result]:
    sources = facts.data_sources
    if unread(sources):
        return [Result.manual("the knowledge base's data sources could not be read")]
    if not sources:
        return [Result.not_applicable("the knowledge base has no data source")]
    fails = [
        Result.fail(
            f"data source {s.name} is not encrypted with a customer managed key",
            evidence={"data_source": s.name, "type": s.type, "kms_key": None},
            key=str(s.name),
        )
        for s in sources
        if not s.kms_key
    ]
    return _settle(fails)


@rule(
    id="AWS-BR-011",
    title="Bedrock custom or imported model not encrypted with a customer managed key",
    severity=Severity.HIGH,
    category=Category.ENCRYPTION,
    kinds=(AssetKind.MODEL,),
    clouds=AWS,
    services=("bedrock",),
    description="The custom (fine-tuned) or imported model has no modelKmsKeyArn.",
    risk=(
        "Model weights trained on private data are intellectual property and can memorise that "
        "data; without a customer key their access cannot be controlled or revoked through KMS."
    ),
    remediation=(
        "Customize or import the model again with a customer managed key "
        "(customModelKmsKeyId on CreateModelCustomizationJob, importedModelKmsKeyId on "
        "CreateModelImportJob) and delete the unencrypted copy."
    ),
    references=(
        "prowler:bedrock_custom_model_encrypted_with_cmk",
        "prowler:bedrock_imported_model_encrypted_with_cmk",
        "OWASP-ML:ML05",
        "OWASP-LLM:LLM02",
        "MITRE-ATLAS:AML.T0035",
    ),
)
def model_cmk(
    asset: Asset,
    facts: BedrockCustomModelFacts | BedrockImportedModelFacts,
    ctx: RuleContext,
) -> Result:
    if unread(facts.kms_key):
        return Result.manual("the model's encryption could not be read")
    if not facts.kms_key:
        return Result.fail(
            "the model is encrypted with an AWS-owned key, not a customer managed key",
            evidence={"kms_key": None},
        )
    return Result.ok()


@rule(
    id="AWS-BR-012",
    title="Bedrock agent or guardrail not encrypted with a customer managed key",
    severity=Severity.LOW,
    category=Category.ENCRYPTION,
    kinds=(AssetKind.AGENT, AssetKind.GUARDRAIL),
    clouds=AWS,
    services=("bedrock", "bedrock-agent"),
    description=(
        "The agent (customerEncryptionKeyArn) or guardrail (kmsKeyArn) is encrypted with an "
        "AWS-owned key."
    ),
    risk=(
        "Agent instructions, session data and guardrail definitions reveal how the application "
        "works and what it blocks; a customer key lets you audit and revoke access to them."
    ),
    remediation=(
        "Set a customer managed KMS key on the agent (update-agent --customer-encryption-key-arn) "
        "and on the guardrail (update-guardrail --kms-key-id)."
    ),
    references=(
        "prowler:bedrock_prompt_encrypted_with_cmk",
        "OWASP-LLM:LLM02",
        "OWASP-LLM:LLM07",
    ),
)
def agent_guardrail_cmk(
    asset: Asset, facts: BedrockAgentFacts | BedrockGuardrailFacts, ctx: RuleContext
) -> Result:
    if unread(facts.kms_key):
        return Result.manual("the encryption key could not be read")
    if not facts.kms_key:
        return Result.fail(
            f"the {asset.kind.value} is encrypted with an AWS-owned key",
            evidence={"kms_key": None},
        )
    return Result.ok()


@rule(
    id="AWS-BR-017",
    title="Bedrock model-customization job runs without a VPC",
    severity=Severity.MEDIUM,
    category=Category.NETWORK_EXPOSURE,
    kinds=(AssetKind.TRAINING_JOB,),
    clouds=AWS,
    services=("bedrock",),
    description="The model-customization job has no vpcConfig.",
    risk=(
        "Without a VPC the job reads training data and writes the model over the public S3 "
        "endpoint; VPC endpoints and bucket policies bound to the VPC cannot protect that data."
    ),
    remediation=(
        "Pass vpcConfig (subnets and security groups with an S3 gateway endpoint) to "
        "CreateModelCustomizationJob, and restrict the buckets to that VPC endpoint."
    ),
    references=(
        "OWASP-LLM:LLM04",
        "MITRE-ATLAS:AML.T0020",
    ),
)
def customization_job_vpc(
    asset: Asset, facts: BedrockCustomizationJobFacts, ctx: RuleContext
) -> Result:
    if unread(facts.vpc):
        return Result.manual("the job's network configuration could not be read")
    if not facts.vpc:
        return Result.fail("the customization job runs outside a VPC", evidence={"vpc": False})
    return Result.ok()


# -- AgentCore ------------------------------------------------------------------------------------


@rule(
    id="AWS-AC-001",
    title="AgentCore runtime, code interpreter or browser uses public network mode",
    severity=Severity.HIGH,
    category=Category.NETWORK_EXPOSURE,
    kinds=(AssetKind.AGENT,),
    clouds=AWS,
    services=("bedrock-agentcore",),
    description=(
        "The agent runtime, custom code interpreter or custom browser runs in PUBLIC network "
        "mode instead of inside a customer VPC. A code interpreter in SANDBOX mode has no "
        "network at all and passes."
    ),
    risk=(
        "Agent code with public internet egress can exfiltrate data or be steered by prompt "
        "injection to attacker-controlled hosts; it cannot be contained by security groups, "
        "VPC endpoints or network firewalls."
    ),
    remediation=(
        "Recreate the runtime / tool with networkConfiguration networkMode=VPC and private "
        "subnets and security groups (Terraform: aws_bedrockagentcore_agent_runtime "
        "network_configuration)."
    ),
    references=(
        "securityhub:BedrockAgentCore.1",
        "securityhub:BedrockAgentCore.5",
        "securityhub:BedrockAgentCore.7",
        "config:bedrockagentcore-runtime-private-network-required",
        "config:bedrockagentcore-browsercustom-network-mode-not-public",
        "config:bedrockagentcore-codeinterpreter-networkmode-check",
        "prowler:bedrockagentcore_runtime_vpc_configured",
        "OWASP-LLM:LLM06",
        "MITRE-ATLAS:AML.T0049",
        "MITRE-ATLAS:AML.T0025",
    ),
)
def agentcore_network(
    asset: Asset,
    facts: AgentCoreRuntimeFacts | AgentCoreCodeInterpreterFacts | AgentCoreBrowserFacts,
    ctx: RuleContext,
) -> Result:
    mode = None if unread(facts.network_mode) else facts.network_mode
    if not mode:
        return Result.manual("the network configuration could not be read")
    if mode == "PUBLIC":
        return Result.fail(
            "runs in PUBLIC network mode, outside any VPC", evidence={"network_mode": mode}
        )
    return Result.ok()


@rule(
    id="AWS-AC-002",
    title="AgentCore gateway without inbound authorization or an enforcing policy engine",
    severity=Severity.HIGH,
    category=Category.IDENTITY,
    kinds=(AssetKind.AGENT,),
    clouds=AWS,
    services=("bedrock-agentcore",),
    description=(
        "The gateway's authorizerType is NONE, it has no policy engine in ENFORCE mode, or it "
        "returns DEBUG-level error detail to callers."
    ),
    risk=(
        "A gateway without authorization lets anyone who finds its URL call every tool behind "
        "it with the gateway's credentials; without an enforcing policy engine tool calls are "
        "not checked against policy; DEBUG errors leak internals."
    ),
    remediation=(
        "Update the gateway with authorizerType CUSTOM_JWT or AWS_IAM, attach a policy engine in "
        "ENFORCE mode, and remove exceptionLevel DEBUG "
        "(aws bedrock-agentcore-control update-gateway ...)."
    ),
    references=(
        "securityhub:BedrockAgentCore.2",
        "config:bedrockagentcore-gateway-authorizer-enabled",
        "OWASP-LLM:LLM06",
        "OWASP-LLM:LLM10",
        "MITRE-ATLAS:AML.T0053",
        "MITRE-ATLAS:AML.T0049",
    ),
)
def gateway_authorization(
    asset: Asset, facts: AgentCoreGatewayFacts, ctx: RuleContext
) -> list[Result]:
    if unread(facts.authorizer_type):
        return [Result.manual("the gateway's configuration could not be read")]
    fails: list[Result] = []
    if facts.authorizer_type in (None, "NONE"):
        fails.append(
            Result.fail(
                "the gateway accepts inbound requests without authorization",
                evidence={"authorizer_type": facts.authorizer_type},
                key="authorizer",
            )
        )
    engine = None if unread(facts.policy_engine_mode) else facts.policy_engine_mode
    if engine != "ENFORCE":
        fails.append(
            Result.fail(
                "the gateway has no policy engine in ENFORCE mode",
                evidence={"policy_engine_mode": engine},
                key="policy-engine",
                severity=Severity.MEDIUM,
            )
        )
    if facts.exception_level == "DEBUG":
        fails.append(
            Result.fail(
                "the gateway returns DEBUG-level error details to callers",
                evidence={"exception_level": "DEBUG"},
                key="debug",
                severity=Severity.LOW,
            )
        )
    return _settle(fails)


@rule(
    id="AWS-AC-003",
    title="AgentCore memory or gateway without a customer managed key; browser recording off",
    severity=Severity.MEDIUM,
    category=Category.ENCRYPTION,
    kinds=(AssetKind.AGENT, AssetKind.DATASET),
    clouds=AWS,
    services=("bedrock-agentcore",),
    description=(
        "AgentCore memory and gateways should be encrypted with a customer managed KMS key, and "
        "custom browsers should record sessions to S3."
    ),
    risk=(
        "Agent memory holds conversation history and extracted user facts; without a customer "
        "key access to it cannot be audited or revoked. Without recordings, what an agent did "
        "in a browser cannot be investigated."
    ),
    remediation=(
        "Create the memory / gateway with encryptionKeyArn / kmsKeyArn set to a customer managed "
        "key; enable recording with an S3 location on custom browsers."
    ),
    references=(
        "securityhub:BedrockAgentCore.3",
        "securityhub:BedrockAgentCore.4",
        "securityhub:BedrockAgentCore.6",
        "config:bedrock-agentcore-memory-encryption-enabled",
        "config:bedrockagentcore-gateway-encryption-enabled",
        "config:bedrockagentcore-browsercustom-recording-enabled",
        "OWASP-LLM:LLM02",
        "MITRE-ATLAS:AML.T0057",
    ),
)
def agentcore_protection(
    asset: Asset,
    facts: AgentCoreMemoryFacts | AgentCoreGatewayFacts | AgentCoreBrowserFacts,
    ctx: RuleContext,
) -> Result:
    if isinstance(facts, AgentCoreBrowserFacts):
        recording = facts.recording
        if unread(recording):
            return Result.manual("the browser's recording configuration could not be read")
        if recording is None or not recording.enabled or not recording.bucket:
            return Result.fail(
                "browser session recording is off",
                evidence={"recording": recording.model_dump(mode="json") if recording else None},
                key="recording",
            )
        return Result.ok()
    what = "memory" if isinstance(facts, AgentCoreMemoryFacts) else "gateway"
    if unread(facts.kms_key):
        return Result.manual(f"the {what}'s encryption could not be read")
    if not facts.kms_key:
        return Result.fail(
            f"the {what} is not encrypted with a customer managed key",
            evidence={"kms_key": None},
            key=f"{what}-cmk",
        )
    return Result.ok()


# -- identity, private connectivity, API keys, audit (issue 8) ------------------------------------

#: A key that lives longer than this is a long-term credential to rotate (Security Hub IAM.3).
MAX_KEY_DAYS = 90
#: CloudTrail data-event resource types of agent and knowledge-base calls (InvokeAgent, Retrieve,
#: RetrieveAndGenerate); InvokeModel / Converse are management events.
AGENT_DATA_EVENTS = ("AWS::Bedrock::AgentAlias", "AWS::Bedrock::KnowledgeBase")


@rule(
    id="AWS-BR-040",
    title="AmazonBedrockFullAccess or bedrock:* on * is granted to a non-service role",
    severity=Severity.HIGH,
    category=Category.IDENTITY,
    kinds=(AssetKind.IDENTITY,),
    clouds=AWS,
    services=("iam",),
    description=(
        "An IAM role outside the /service-role/ path has the AmazonBedrockFullAccess managed "
        "policy, or a policy that allows every Bedrock action (bedrock:*) on every resource."
    ),
    risk=(
        "Every Bedrock action includes invoking any model (denial of wallet, LLMjacking), "
        "deleting or weakening guardrails and logging, and reading agents and knowledge bases."
    ),
    remediation=(
        "Detach AmazonBedrockFullAccess (aws iam detach-role-policy --policy-arn "
        "arn:aws:iam::aws:policy/AmazonBedrockFullAccess) and replace bedrock:* with the actions "
        "and model ARNs the principal needs (e.g. bedrock:InvokeModel on one model)."
    ),
    references=(
        "prowler:bedrock_full_access_policy_attached",
        "securityhub:IAM.21",
        "OWASP-LLM:LLM06",
        "OWASP-LLM:LLM10",
        "MITRE-ATLAS:AML.T0012",
    ),
)
def bedrock_full_access(asset: Asset, facts: IamRoleFacts, ctx: RuleContext) -> Result:
    policies, grants = facts.full_access_policies, facts.service_wide_grants
    if unread(policies):
        return Result.manual("the identity's attached policies were not read")
    named = any(p.rsplit("/", 1)[-1] == "AmazonBedrockFullAccess" for p in policies)
    wildcard = not unread(grants) and "bedrock" in grants
    if not (named or wildcard):
        if unread(grants):
            return Result.manual("the identity's policy documents were not read")
        return Result.ok()
    if "/service-role/" in asset.id:
        return Result.not_applicable("a service role")
    how = "AmazonBedrockFullAccess is attached" if named else "a policy allows bedrock:* on *"
    return Result.fail(
        how,
        evidence={"full_access_policies": list(policies), "bedrock_wildcard_on_all": wildcard},
    )


def _available(facts: BedrockServiceFacts, service: str) -> list[VpcEndpoint] | Unread:
    endpoints = facts.vpc_endpoints
    if unread(endpoints):
        return endpoints
    return [
        e
        for e in endpoints
        if e.service == service
        and (e.state or "").lower() == "available"
        and e.endpoint_type != "Gateway"
    ]


def _without_agents(facts: BedrockServiceFacts) -> Result | None:
    """Manual when whether the region has agents or knowledge bases was not read, not applicable
    when it has none, else None (the rule goes on)."""
    if unread(facts.agents_in_use):
        return Result.manual("whether agents or knowledge bases exist could not be read")
    if not facts.agents_in_use:
        return Result.not_applicable("no agent or knowledge base in this region")
    return None


def _needs_endpoint(facts: BedrockServiceFacts, service: str, *, missing: str) -> Result:
    """Manual when the region's endpoints were not read, fail (`missing`) when none is an available
    interface endpoint for `service`, else ok."""
    found = _available(facts, service)
    if unread(found):
        return Result.manual("the region's VPC endpoints could not be read")
    if not found:
        return Result.fail(missing, evidence={"service": service, "endpoints": []})
    return Result.ok()


@rule(
    id="AWS-BR-041",
    title="No VPC interface endpoint for the Bedrock runtime in a region where Bedrock is used",
    severity=Severity.MEDIUM,
    category=Category.NETWORK_EXPOSURE,
    kinds=(AssetKind.LLM_SERVICE,),
    clouds=AWS,
    services=("bedrock",),
    description=(
        "No available interface VPC endpoint for com.amazonaws.<region>.bedrock-runtime exists "
        "in this region, so workloads reach InvokeModel / Converse over the public endpoint."
    ),
    risk=(
        "Prompts and completions leave the VPC through NAT or an internet gateway, and no "
        "endpoint policy or aws:SourceVpce condition can restrict who calls the models from "
        "where."
    ),
    remediation=(
        "Create an interface endpoint: aws ec2 create-vpc-endpoint --vpc-endpoint-type Interface "
        "--service-name com.amazonaws.<region>.bedrock-runtime --vpc-id ... --subnet-ids ... "
        "--private-dns-enabled (Terraform: aws_vpc_endpoint), with a least-privilege policy."
    ),
    references=(
        "prowler:bedrock_vpc_endpoints_configured",
        "OWASP-LLM:LLM02",
        "MITRE-ATLAS:AML.T0025",
    ),
)
def runtime_endpoint(asset: Asset, facts: BedrockServiceFacts, ctx: RuleContext) -> Result:
    return _needs_endpoint(
        facts,
        "bedrock-runtime",
        missing="no available interface endpoint for bedrock-runtime in this region",
    )


@rule(
    id="AWS-BR-042",
    title="Bedrock agents or knowledge bases without a VPC endpoint for bedrock-agent-runtime",
    severity=Severity.MEDIUM,
    category=Category.NETWORK_EXPOSURE,
    kinds=(AssetKind.LLM_SERVICE,),
    clouds=AWS,
    services=("bedrock", "bedrock-agent"),
    description=(
        "The region has Bedrock agents or knowledge bases but no available interface endpoint "
        "for com.amazonaws.<region>.bedrock-agent-runtime (InvokeAgent, Retrieve, "
        "RetrieveAndGenerate)."
    ),
    risk=(
        "Agent conversations and knowledge-base retrievals travel over the public endpoint; "
        "they cannot be pinned to the VPC with an endpoint policy."
    ),
    remediation=(
        "Create an interface endpoint for com.amazonaws.<region>.bedrock-agent-runtime with "
        "private DNS in the VPCs that call the agents."
    ),
    references=(
        "prowler:bedrock_vpc_endpoints_configured",
        "OWASP-LLM:LLM06",
        "MITRE-ATLAS:AML.T0025",
    ),
)
def agent_runtime_endpoint(asset: Asset, facts: BedrockServiceFacts, ctx: RuleContext) -> Result:
    if (no_agents := _without_agents(facts)) is not None:
        return no_agents
    return _needs_endpoint(
        facts,
        "bedrock-agent-runtime",
        missing=(
            "agents or knowledge bases exist but no interface endpoint for bedrock-agent-runtime"
        ),
    )


@rule(
    id="AWS-BR-043",
    title="Bedrock VPC endpoint policy allows any principal every action",
    severity=Severity.LOW,
    category=Category.IDENTITY,
    kinds=(AssetKind.LLM_SERVICE,),
    clouds=AWS,
    services=("bedrock",),
    description=(
        "A VPC endpoint to a Bedrock service keeps the default (or an equally open) policy: "
        'Principal "*", Action "*", Resource "*", no condition.'
    ),
    risk=(
        "Any credentials used inside the VPC, including stolen keys of other accounts, can call "
        "every model through the endpoint; the endpoint does not limit data egress."
    ),
    remediation=(
        "Replace the endpoint policy (aws ec2 modify-vpc-endpoint --policy-document ...) with "
        "statements naming your account's principals (aws:PrincipalAccount) and the models used."
    ),
    references=(
        "OWASP-LLM:LLM10",
        "MITRE-ATLAS:AML.T0025",
    ),
)
def endpoint_policy(asset: Asset, facts: BedrockServiceFacts, ctx: RuleContext) -> list[Result]:
    endpoints = facts.vpc_endpoints
    if unread(endpoints):
        return [Result.manual("the region's VPC endpoints could not be read")]
    if not endpoints:
        return [Result.not_applicable("no VPC endpoint to Bedrock in this region")]
    fails = [
        Result.fail(
            f"VPC endpoint {e.id} ({e.service}) allows any principal every action",
            evidence={"endpoint": e.id, "service": e.service, "vpc_id": e.vpc_id},
            key=e.id,
        )
        for e in endpoints
        if e.open_policy
    ]
    return fails or [Result.ok()]


@rule(
    id="AWS-BR-044",
    title="Active long-term Bedrock API key never expires",
    severity=Severity.HIGH,
    category=Category.SECRETS,
    kinds=(AssetKind.IDENTITY,),
    clouds=AWS,
    services=("iam",),
    description=(
        "An IAM user holds an active Bedrock API key (service-specific credential for "
        "bedrock.amazonaws.com) created without an expiry."
    ),
    risk=(
        "A bearer key that never expires is usable from anywhere until someone revokes it; a "
        "leaked key lets its holder run up model charges and read what the user may read."
    ),
    remediation=(
        "Prefer short-term Bedrock API keys or SigV4 roles. Delete the key (aws iam "
        "delete-service-specific-credential --user-name ... --service-specific-credential-id "
        "...) and create long-term keys only with --credential-age-days."
    ),
    references=(
        "prowler:bedrock_api_key_no_long_term_credentials",
        "OWASP-LLM:LLM10",
        "MITRE-ATLAS:AML.T0055",
        "MITRE-ATLAS:AML.T0012",
    ),
)
def api_key_no_expiry(asset: Asset, facts: ServiceCredentialFacts, ctx: RuleContext) -> Result:
    if unread(facts.status) or unread(facts.expires_at):
        return Result.manual("the API key's status or expiry could not be read")
    if facts.status != "Active":
        return Result.ok(f"the key is {facts.status}")
    if facts.expires_at is None:
        return Result.fail(
            f"active Bedrock API key of user {facts.user} never expires",
            evidence={"user": facts.user, "created_at": known(facts.created_at), "expires": None},
        )
    return Result.ok()


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@rule(
    id="AWS-BR-045",
    title=f"Bedrock API key is valid for more than {MAX_KEY_DAYS} days",
    severity=Severity.MEDIUM,
    category=Category.SECRETS,
    kinds=(AssetKind.IDENTITY,),
    clouds=AWS,
    services=("iam",),
    description=(
        f"An active Bedrock API key was created with a lifetime (ExpirationDate - CreateDate) "
        f"above {MAX_KEY_DAYS} days."
    ),
    risk=(
        "Long-lived bearer keys outlast rotation policies: a key copied into a notebook, a "
        "repository or a chat stays usable for months."
    ),
    remediation=(
        f"Recreate the key with --credential-age-days {MAX_KEY_DAYS} or less and rotate it, or "
        "use short-term keys generated from the caller's role."
    ),
    references=(
        "prowler:bedrock_api_key_no_long_term_credentials",
        "securityhub:IAM.3",
        "OWASP-LLM:LLM10",
        "MITRE-ATLAS:AML.T0055",
    ),
)
def api_key_lifetime(asset: Asset, facts: ServiceCredentialFacts, ctx: RuleContext) -> Result:
    if unread(facts.status) or unread(facts.expires_at) or unread(facts.created_at):
        return Result.manual("the API key's status or dates could not be read")
    if facts.status != "Active":
        return Result.ok(f"the key is {facts.status}")
    if facts.expires_at is None:
        return Result.not_applicable("the key never expires (AWS-BR-044)")
    created, expires = _when(facts.created_at), _when(facts.expires_at)
    if created is None or expires is None:
        return Result.manual("the API key's dates are not ISO timestamps")
    days = (expires - created).days
    if days > MAX_KEY_DAYS:
        return Result.fail(
            f"Bedrock API key of user {facts.user} is valid for {days} days",
            evidence={"user": facts.user, "lifetime_days": days, "expires_at": facts.expires_at},
        )
    return Result.ok()


_TRAILS_UNREAD = "the region's CloudTrail trails could not be read"


def _recording(trails: Iterable[Trail]) -> list[Trail]:
    """Trails known to be logging, whose selectors were read."""
    return [t for t in trails if t.logging is True and t.selectors_read]


def _undecided(trails: Iterable[Trail]) -> list[str]:
    return [t.arn for t in trails if t.logging is None or (t.logging and not t.selectors_read)]


@rule(
    id="AWS-CT-001",
    title="No logging CloudTrail trail records management events in a region where Bedrock is used",
    severity=Severity.HIGH,
    category=Category.LOGGING,
    kinds=(AssetKind.LLM_SERVICE,),
    clouds=AWS,
    services=("bedrock", "cloudtrail"),
    description=(
        "No trail that applies to this region is logging and records management events, where "
        "CloudTrail puts InvokeModel, Converse and every Bedrock control-plane call."
    ),
    risk=(
        "Model invocations with stolen credentials (LLMjacking) and changes to guardrails, "
        "logging or agents leave no durable record; Event history keeps 90 days and no trail "
        "feeds detections."
    ),
    remediation=(
        "Create a multi-region trail with read and write management events: aws cloudtrail "
        "create-trail --name ... --s3-bucket-name ... --is-multi-region-trail, then aws "
        "cloudtrail start-logging --name ...."
    ),
    references=(
        "prowler:cloudtrail_bedrock_logging_enabled",
        "securityhub:CloudTrail.1",
        "CIS-AWS:3.1",
        "OWASP-LLM:LLM10",
        "MITRE-ATLAS:AML.T0034",
    ),
)
def management_events(asset: Asset, facts: BedrockServiceFacts, ctx: RuleContext) -> Result:
    trails = facts.trails
    if unread(trails):
        return Result.manual(_TRAILS_UNREAD)
    if any(t.management_events for t in _recording(trails)):
        return Result.ok()
    if undecided := _undecided(trails):
        return Result.manual(f"the status or selectors of {', '.join(undecided)} are unknown")
    return Result.fail(
        "no logging trail records management events (InvokeModel, Converse) in this region",
        evidence={"trails": [t.arn for t in trails]},
    )


@rule(
    id="AWS-CT-002",
    title="A CloudTrail trail covering a Bedrock region has stopped logging",
    severity=Severity.MEDIUM,
    category=Category.LOGGING,
    kinds=(AssetKind.LLM_SERVICE,),
    clouds=AWS,
    services=("bedrock", "cloudtrail"),
    description="A trail that applies to this region exists but is not logging (StopLogging).",
    risk=(
        "A stopped trail looks configured but records nothing; stopping trails is a common "
        "first step of an attacker covering model abuse."
    ),
    remediation="aws cloudtrail start-logging --name <trail ARN> (in the trail's home region).",
    references=(
        "securityhub:CloudTrail.1",
        "CIS-AWS:3.1",
        "OWASP-LLM:LLM10",
        "MITRE-ATLAS:AML.T0034",
    ),
)
def trail_logging(asset: Asset, facts: BedrockServiceFacts, ctx: RuleContext) -> list[Result]:
    trails = facts.trails
    if unread(trails):
        return [Result.manual(_TRAILS_UNREAD)]
    if not trails:
        return [Result.not_applicable("no trail applies to this region (AWS-CT-001)")]
    out = [
        Result.fail(
            f"trail {t.name or t.arn} is not logging",
            evidence={"trail": t.arn, "home_region": t.home_region, "logging": False},
            key=t.arn,
        )
        for t in trails
        if t.logging is False
    ]
    out += [
        Result.manual(f"the logging status of trail {t.name or t.arn} could not be read")
        for t in trails
        if t.logging is None
    ]
    return out or [Result.ok()]


@rule(
    id="AWS-CT-003",
    title="No logging multi-region CloudTrail trail covers a region where Bedrock is used",
    severity=Severity.MEDIUM,
    category=Category.LOGGING,
    kinds=(AssetKind.LLM_SERVICE,),
    clouds=AWS,
    services=("bedrock", "cloudtrail"),
    description=(
        "Only single-region trails (or none) apply to this region: no logging multi-region "
        "trail records it."
    ),
    risk=(
        "Attackers invoke models in regions nobody watches; a single-region trail misses the "
        "other regions where Bedrock is enabled and the global-service events."
    ),
    remediation=(
        "aws cloudtrail update-trail --name ... --is-multi-region-trail (or an organization "
        "trail from the management account)."
    ),
    references=(
        "securityhub:CloudTrail.1",
        "CIS-AWS:3.1",
        "OWASP-LLM:LLM10",
        "MITRE-ATLAS:AML.T0034",
    ),
)
def multi_region_trail(asset: Asset, facts: BedrockServiceFacts, ctx: RuleContext) -> Result:
    trails = facts.trails
    if unread(trails):
        return Result.manual(_TRAILS_UNREAD)
    multi = [t for t in trails if t.multi_region]
    if any(t.logging is True for t in multi):
        return Result.ok()
    if any(t.logging is None for t in multi):
        return Result.manual("the logging status of the multi-region trails could not be read")
    return Result.fail(
        "no logging multi-region trail applies to this region",
        evidence={"single_region_trails": [t.arn for t in trails if not t.multi_region]},
    )


@rule(
    id="AWS-BR-046",
    title="Agent and knowledge-base calls are not recorded as CloudTrail data events",
    severity=Severity.MEDIUM,
    category=Category.LOGGING,
    kinds=(AssetKind.LLM_SERVICE,),
    clouds=AWS,
    services=("bedrock", "bedrock-agent", "cloudtrail"),
    description=(
        "The region has agents or knowledge bases, but no logging trail records the data "
        "events of AWS::Bedrock::AgentAlias (InvokeAgent) and AWS::Bedrock::KnowledgeBase "
        "(Retrieve, RetrieveAndGenerate). Trails log no data events by default."
    ),
    risk=(
        "Who talked to an agent, which documents a knowledge base returned and to whom is not "
        "recorded: prompt-injection and data-exfiltration through agents cannot be traced."
    ),
    remediation=(
        "Add advanced event selectors: aws cloudtrail put-event-selectors --trail-name ... "
        '--advanced-event-selectors \'[{"FieldSelectors":[{"Field":"eventCategory",'
        '"Equals":["Data"]},{"Field":"resources.type","Equals":'
        '["AWS::Bedrock::AgentAlias"]}]}, ...KnowledgeBase...]\'.'
    ),
    references=(
        "prowler:cloudtrail_bedrock_logging_enabled",
        "OWASP-LLM:LLM06",
        "OWASP-LLM:LLM10",
        "MITRE-ATLAS:AML.T0053",
    ),
)
def agent_data_events(asset: Asset, facts: BedrockServiceFacts, ctx: RuleContext) -> Result:
    if (no_agents := _without_agents(facts)) is not None:
        return no_agents
    trails = facts.trails
    if unread(trails):
        return Result.manual(_TRAILS_UNREAD)
    recorded = {k for t in _recording(trails) for k in t.data_resource_types}
    missing = [k for k in AGENT_DATA_EVENTS if k not in recorded]
    if not missing:
        return Result.ok()
    if undecided := _undecided(trails):
        return Result.manual(f"the status or selectors of {', '.join(undecided)} are unknown")
    return Result.fail(
        f"no logging trail records data events of {', '.join(missing)}",
        evidence={"missing": missing, "trails": [t.arn for t in trails]},
    )


def _ai_buckets(asset: Asset, ctx: RuleContext) -> dict[str, Asset]:
    """Buckets AI assets of this account and region read data from or keep artifacts in."""
    out: dict[str, Asset] = {}
    for other in ctx.inventory.assets:
        if other.account != asset.account or other.region != asset.region:
            continue
        for kind in (RelationType.READS_DATA_FROM, RelationType.STORES_ARTIFACT_IN):
            for target in ctx.inventory.targets(other.id, kind):
                if target.kind is AssetKind.BUCKET:
                    out[target.id.rsplit(":", 1)[-1] or target.name] = target
    return out


def _covers(trail: Trail, bucket_arn: str) -> bool:
    objects = f"{bucket_arn}/"
    if any(objects.startswith(x) or x.startswith(objects) for x in trail.s3_data_excluded):
        return False
    return any(
        p == "*" or objects.startswith(p) or p.startswith(objects) for p in trail.s3_data_prefixes
    )


@rule(
    id="AWS-CT-004",
    title="Buckets with AI training data or model artifacts have no S3 data-event logging",
    severity=Severity.MEDIUM,
    category=Category.LOGGING,
    kinds=(AssetKind.LLM_SERVICE,),
    clouds=AWS,
    services=("bedrock", "cloudtrail", "s3"),
    description=(
        "A bucket that AI assets of this region read training data from or store model "
        "artifacts in is not covered by any logging trail's S3 object-level (data) events."
    ),
    risk=(
        "Reads and writes of training data and weights (poisoning, model theft) leave no "
        "record of who touched which object."
    ),
    remediation=(
        "Record AWS::S3::Object data events for the bucket (advanced selector with "
        "resources.ARN StartsWith arn:aws:s3:::<bucket>/) on a logging trail."
    ),
    references=(
        "securityhub:S3.22",
        "securityhub:S3.23",
        "CIS-AWS:3.8",
        "CIS-AWS:3.9",
        "OWASP-ML:ML02",
        "MITRE-ATLAS:AML.T0020",
    ),
)
def ai_bucket_data_events(
    asset: Asset, facts: BedrockServiceFacts, ctx: RuleContext
) -> list[Result]:
    buckets = _ai_buckets(asset, ctx)
    if not buckets:
        return [Result.not_applicable("no AI asset of this region reads or stores S3 data")]
    trails = facts.trails
    if unread(trails):
        return [Result.manual(_TRAILS_UNREAD)]
    recording = _recording(trails)
    uncovered = sorted(
        name for name, b in buckets.items() if not any(_covers(t, b.id) for t in recording)
    )
    if not uncovered:
        return [Result.ok()]
    if undecided := _undecided(trails):
        return [Result.manual(f"the status or selectors of {', '.join(undecided)} are unknown")]
    return [
        Result.fail(
            f"no logging trail records S3 data events for bucket {name}",
            evidence={"bucket": name},
            key=name,
        )
        for name in uncovered
    ]


RULES = (
    invocation_logging,
    guardrail_exists,
    enforced_guardrail,
    scp_model_allow_list,
    prompt_attack_filter,
    sensitive_information_filter,
    content_coverage,
    agent_guardrail,
    flow_guardrail,
    agent_role,
    data_source_cmk,
    model_cmk,
    agent_guardrail_cmk,
    customization_job_vpc,
    agentcore_network,
    gateway_authorization,
    agentcore_protection,
    bedrock_full_access,
    runtime_endpoint,
    agent_runtime_endpoint,
    endpoint_policy,
    api_key_no_expiry,
    api_key_lifetime,
    agent_data_events,
    management_events,
    trail_logging,
    multi_region_trail,
    ai_bucket_data_events,
)
