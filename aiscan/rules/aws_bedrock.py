"""Posture rules for Amazon Bedrock, Agents for Bedrock and Bedrock AgentCore.

They read the attributes documented in ``aiscan/collectors/aws/bedrock.py``,
``bedrock_agent.py`` and ``agentcore.py`` and, for roles and buckets, the shared attributes in
docs/attributes.md. An attribute that is absent (could not be read) gives ``manual``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aiscan.core.facts import unread
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
        "cannot skip it by omitting guardrailIdentifier. None is configured here."
    ),
    risk=(
        "Guardrails attached per call are opt-in: any caller (or compromised workload) that "
        "invokes a model directly bypasses them."
    ),
    remediation=(
        "Configure an enforced guardrail for the account (Bedrock > Guardrails > account-level "
        "enforcement; API PutEnforcedGuardrailConfiguration), or an AWS Organizations "
        "BEDROCK_POLICY for every account."
    ),
    references=(
        "OWASP-LLM:LLM01",
        "MITRE-ATLAS:AML.T0051",
        "MITRE-ATLAS:AML.T0054",
    ),
)
def enforced_guardrail(asset: Asset, facts: BedrockServiceFacts, ctx: RuleContext) -> Result:
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


RULES = (
    invocation_logging,
    guardrail_exists,
    enforced_guardrail,
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
)
