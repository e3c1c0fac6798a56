"""Agents for Amazon Bedrock (``bedrock-agent``): agents with their action groups and knowledge
bases, knowledge bases with their data sources, and flows.

Facts: aiscan/core/facts/aws.py ``BedrockAgentFacts``, ``BedrockKnowledgeBaseFacts``,
``BedrockFlowFacts`` (docs/attributes.md). Agents and flows are read as their DRAFT working copy;
an agent's instruction and a flow's inline code nodes are stored redacted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import partial
from typing import Any

from aiscan.collectors.aws.assets import Shape, without_metadata
from aiscan.collectors.aws.context import ScopeContext, paginate
from aiscan.collectors.aws.spec import read, row
from aiscan.collectors.payload import integer, items, mapping, opt, req
from aiscan.core.model import Asset, AssetKind, RelationType
from aiscan.core.secrets import redact_text, scan_text

PERMISSIONS: tuple[str, ...] = (
    "bedrock:ListAgents",
    "bedrock:GetAgent",
    "bedrock:ListAgentActionGroups",
    "bedrock:GetAgentActionGroup",
    "bedrock:ListAgentKnowledgeBases",
    "bedrock:ListKnowledgeBases",
    "bedrock:GetKnowledgeBase",
    "bedrock:ListDataSources",
    "bedrock:GetDataSource",
    "bedrock:ListFlows",
    "bedrock:GetFlow",
)

SERVICE = "bedrock-agent"
DRAFT = "DRAFT"
#: Cross-region inference profile ids start with a geography prefix (us.anthropic.claude-...).
_PROFILE_ID = re.compile(r"^(?:us|eu|apac|us-gov|ca|jp|au|global)\.[a-z0-9-]+\.")


# -- transforms -----------------------------------------------------------------------------------


def guardrail_arn(identifier: str | None, partition: str, region: str, account: str) -> str | None:
    """Agents may name their guardrail by id or by ARN; relations always point at the ARN."""
    if not identifier:
        return None
    if identifier.startswith("arn:"):
        return identifier
    return f"arn:{partition}:bedrock:{region}:{account}:guardrail/{identifier}"


def model_arn(identifier: str | None, partition: str, region: str, account: str) -> str | None:
    """The ARN of the model an agent names by model id, inference-profile id or ARN."""
    if not identifier:
        return None
    if identifier.startswith("arn:"):
        return identifier
    if _PROFILE_ID.match(identifier):
        return f"arn:{partition}:bedrock:{region}:{account}:inference-profile/{identifier}"
    return f"arn:{partition}:bedrock:{region}::foundation-model/{identifier}"


def knowledge_base_arn(kb_id: str, partition: str, region: str, account: str) -> str:
    return f"arn:{partition}:bedrock:{region}:{account}:knowledge-base/{kb_id}"


def action_group_entry(group: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": opt(group, "actionGroupName"),
        "lambda": opt(mapping(group, "actionGroupExecutor"), "lambda"),
        "state": opt(group, "actionGroupState"),
        "signature": opt(group, "parentActionSignature"),
    }


def _shape(kind: AssetKind, type_: str, keys: tuple[str, str], created: str | None) -> Shape:
    return Shape(kind, SERVICE, f"AWS::Bedrock::{type_}", *keys, created)


AGENT = _shape(AssetKind.AGENT, "Agent", ("agentArn", "agentName"), "createdAt")
KNOWLEDGE_BASE = _shape(
    AssetKind.KNOWLEDGE_BASE, "KnowledgeBase", ("knowledgeBaseArn", "name"), "createdAt"
)
#: no created_at for flows, as before (GetFlow does answer createdAt: a gap left for now)
FLOW = _shape(AssetKind.PIPELINE, "Flow", ("arn", "name"), None)


def to_agent(
    payload: dict[str, Any],
    *,
    partition: str,
    account: str,
    region: str,
    action_groups: list[dict[str, Any]] | None = None,
    knowledge_bases: list[str] | None = None,
) -> Asset:
    arn = req(payload, "agentArn")
    guardrail = mapping(payload, "guardrailConfiguration")
    instruction = opt(payload, "instruction")
    secrets = scan_text(instruction, f"{arn}:instruction") if instruction else []
    attrs: dict[str, Any] = {
        "status": opt(payload, "agentStatus"),
        "role_arn": opt(payload, "agentResourceRoleArn"),
        "kms_key": opt(payload, "customerEncryptionKeyArn"),
        "idle_session_ttl": integer(payload, "idleSessionTTLInSeconds"),
        "foundation_model": opt(payload, "foundationModel"),
        "guardrail": guardrail_arn(
            opt(guardrail, "guardrailIdentifier"), partition, region, account
        ),
        "guardrail_version": opt(guardrail, "guardrailVersion"),
        "orchestration": opt(payload, "orchestrationType"),
        "collaboration": opt(payload, "agentCollaboration"),
        "secrets": secrets,
    }
    if action_groups is not None:
        attrs["action_groups"] = [action_group_entry(g) for g in action_groups]
    if knowledge_bases is not None:
        attrs["knowledge_bases"] = knowledge_bases
    redacted = {"instruction": redact_text(instruction)} if instruction else {}
    return AGENT.asset(payload, account, region, attrs, without_metadata(payload, **redacted))


def bucket_of_arn(bucket_arn: str | None) -> str | None:
    if not bucket_arn or not bucket_arn.startswith("arn:"):
        return None
    return bucket_arn.split(":::", 1)[-1].split("/", 1)[0] or None


def data_source_entry(source: dict[str, Any]) -> dict[str, Any]:
    config = mapping(source, "dataSourceConfiguration")
    return {
        "name": opt(source, "name"),
        "type": opt(config, "type"),
        "bucket": bucket_of_arn(opt(mapping(config, "s3Configuration"), "bucketArn")),
        "kms_key": opt(mapping(source, "serverSideEncryptionConfiguration"), "kmsKeyArn"),
    }


def to_knowledge_base(
    payload: dict[str, Any],
    *,
    account: str,
    region: str,
    data_sources: list[dict[str, Any]] | None = None,
) -> Asset:
    config = mapping(payload, "knowledgeBaseConfiguration")
    vector = mapping(config, "vectorKnowledgeBaseConfiguration")
    attrs: dict[str, Any] = {
        "status": opt(payload, "status"),
        "role_arn": opt(payload, "roleArn"),
        "type": opt(config, "type"),
        "storage_type": opt(mapping(payload, "storageConfiguration"), "type"),
        "embedding_model": opt(vector, "embeddingModelArn"),
    }
    raw = None
    if data_sources is not None:
        attrs["data_sources"] = [data_source_entry(d) for d in data_sources]
        raw = {**without_metadata(payload), "dataSources": data_sources}
    return KNOWLEDGE_BASE.asset(payload, account, region, attrs, raw)


#: Flow node types that send text to a model and can carry a guardrail.
GUARDED_NODE_TYPES = {"Prompt": "prompt", "KnowledgeBase": "knowledgeBase"}


def _flow_nodes(definition: dict[str, Any] | None, depth: int = 0) -> list[dict[str, Any]]:
    """Every node of a flow definition, descending into loop bodies (bounded)."""
    nodes: list[dict[str, Any]] = []
    for node in items(definition, "nodes"):
        nodes.append(node)
        inner = mapping(mapping(node, "configuration"), "loop").get("definition")
        if inner and depth < 8:
            nodes.extend(_flow_nodes(inner, depth + 1))
    return nodes


def flow_links(
    payload: dict[str, Any], partition: str, region: str, account: str
) -> dict[str, Any]:
    """What a flow's nodes point at: guardrails, Lambdas, knowledge bases, unguarded nodes."""
    guardrails: set[str] = set()
    lambdas: set[str] = set()
    kbs: set[str] = set()
    unguarded: list[str] = []
    for node in _flow_nodes(payload.get("definition")):
        config = mapping(node, "configuration")
        key = GUARDED_NODE_TYPES.get(str(node.get("type")))
        if key is not None:
            guard = mapping(mapping(config, key), "guardrailConfiguration")
            arn = guardrail_arn(opt(guard, "guardrailIdentifier"), partition, region, account)
            if arn:
                guardrails.add(arn)
            else:
                unguarded.append(str(node.get("name")))
        fn = opt(mapping(config, "lambdaFunction"), "lambdaArn")
        if fn:
            lambdas.add(fn)
        kb_id = opt(mapping(config, "knowledgeBase"), "knowledgeBaseId")
        if kb_id:
            kbs.add(knowledge_base_arn(kb_id, partition, region, account))
    return {
        "guardrails": sorted(guardrails),
        "lambdas": sorted(lambdas),
        "knowledge_bases": sorted(kbs),
        "unguarded_nodes": unguarded,
    }


def _redact_inline_code(definition: Any, location: str, hits: list[dict[str, str]]) -> Any:
    if isinstance(definition, dict):
        out: dict[str, Any] = {}
        for k, v in definition.items():
            if k == "inlineCode" and isinstance(v, dict) and isinstance(v.get("code"), str):
                hits.extend(scan_text(v["code"], f"{location}:inlineCode"))
                out[k] = {**v, "code": redact_text(v["code"])}
            else:
                out[k] = _redact_inline_code(v, location, hits)
        return out
    if isinstance(definition, list):
        return [_redact_inline_code(v, location, hits) for v in definition]
    return definition


def to_flow(payload: dict[str, Any], *, partition: str, account: str, region: str) -> Asset:
    arn = req(payload, "arn")
    links = flow_links(payload, partition, region, account)
    hits: list[dict[str, str]] = []
    definition = _redact_inline_code(payload.get("definition"), arn, hits)
    attrs = {
        "status": opt(payload, "status"),
        "role_arn": opt(payload, "executionRoleArn"),
        "kms_key": opt(payload, "customerEncryptionKeyArn"),
        "node_types": sorted({str(n.get("type")) for n in _flow_nodes(payload.get("definition"))}),
        "unguarded_nodes": links["unguarded_nodes"],
        "guardrails": links["guardrails"],
        "secrets": hits,
    }
    raw = {**without_metadata(payload), "definition": definition}
    return FLOW.asset(payload, account, region, attrs, raw)


# -- the scope ------------------------------------------------------------------------------------


def _action_groups(ctx: ScopeContext, agent_id: str) -> list[dict[str, Any]]:
    """The DRAFT action groups of an agent, each described on its own."""
    client = ctx.client(SERVICE)
    draft = {"agentId": agent_id, "agentVersion": DRAFT}
    groups = []
    for summary in paginate(client, "list_agent_action_groups", "actionGroupSummaries", **draft):
        gid = summary["actionGroupId"]
        group = ctx.section(f"action group {gid}", _action_group, client, draft, gid)
        # a group that could not be described still counts, without its executor
        groups.append(group if group is not None else summary)
    return groups


def _action_group(client: Any, draft: dict[str, str], group_id: str) -> dict[str, Any]:
    return dict(client.get_agent_action_group(**draft, actionGroupId=group_id)["agentActionGroup"])


def _agent_knowledge_bases(ctx: ScopeContext, agent_id: str) -> list[str]:
    draft = {"agentId": agent_id, "agentVersion": DRAFT}
    listing = ("list_agent_knowledge_bases", "agentKnowledgeBaseSummaries")
    return [str(k["knowledgeBaseId"]) for k in paginate(ctx.client(SERVICE), *listing, **draft)]


def _agent_inputs(ctx: ScopeContext, agent_id: str, _payload: Mapping[str, Any]) -> dict[str, Any]:
    # One agent (describe, then its action groups and knowledge bases one after another) is one
    # item: agents run concurrently, and no pool is started inside another.
    return {
        "partition": ctx.partition,
        "action_groups": ctx.section(
            f"agent {agent_id} action groups", _action_groups, ctx, agent_id
        ),
        "knowledge_bases": ctx.section(
            f"agent {agent_id} knowledge bases", _agent_knowledge_bases, ctx, agent_id
        ),
    }


def _relate_agent(ctx: ScopeContext, asset: Asset, payload: Mapping[str, Any]) -> None:
    attrs = asset.attributes
    ctx.relate(asset.id, RelationType.GUARDED_BY, attrs["guardrail"])
    ctx.use_role(asset.id, attrs["role_arn"])
    model = model_arn(attrs["foundation_model"], ctx.partition, ctx.region, ctx.account)
    ctx.relate(asset.id, RelationType.USES_MODEL, model)
    lambdas = [g["lambda"] for g in attrs.get("action_groups") or []]
    lambdas.append(opt(mapping(mapping(payload, "customOrchestration"), "executor"), "lambda"))
    lambdas.append(opt(mapping(payload, "promptOverrideConfiguration"), "overrideLambda"))
    for fn in lambdas:
        ctx.relate(asset.id, RelationType.INVOKES, fn)
    for kb_id in attrs.get("knowledge_bases") or []:
        kb = knowledge_base_arn(kb_id, ctx.partition, ctx.region, ctx.account)
        ctx.relate(asset.id, RelationType.USES_KNOWLEDGE_BASE, kb)


def _data_sources(ctx: ScopeContext, kb_id: str) -> list[dict[str, Any]]:
    """The data sources of a knowledge base; one that cannot be described is left out."""
    client = ctx.client(SERVICE)
    sources = []
    for summary in paginate(
        client, "list_data_sources", "dataSourceSummaries", knowledgeBaseId=kb_id
    ):
        ds_id = summary["dataSourceId"]
        source = ctx.section(f"data source {ds_id}", _data_source, client, kb_id, ds_id)
        if source is not None:
            sources.append(source)
    return sources


def _data_source(client: Any, kb_id: str, ds_id: str) -> dict[str, Any]:
    return dict(client.get_data_source(knowledgeBaseId=kb_id, dataSourceId=ds_id)["dataSource"])


def _knowledge_base_inputs(
    ctx: ScopeContext, kb_id: str, _payload: Mapping[str, Any]
) -> dict[str, Any]:
    label = f"knowledge base {kb_id} data sources"
    return {"data_sources": ctx.section(label, _data_sources, ctx, kb_id)}


def _relate_knowledge_base(ctx: ScopeContext, asset: Asset) -> None:
    ctx.use_role(asset.id, asset.attributes["role_arn"])
    ctx.relate(asset.id, RelationType.USES_MODEL, asset.attributes["embedding_model"])
    for source in asset.attributes.get("data_sources") or []:
        if source["bucket"]:
            ctx.use_bucket(asset.id, f"s3://{source['bucket']}", RelationType.READS_DATA_FROM)


def _partition(ctx: ScopeContext, _id: str, _payload: Mapping[str, Any]) -> dict[str, Any]:
    return {"partition": ctx.partition}


def _relate_flow(ctx: ScopeContext, asset: Asset, payload: Mapping[str, Any]) -> None:
    ctx.use_role(asset.id, asset.attributes["role_arn"])
    links = flow_links(dict(payload), ctx.partition, ctx.region, ctx.account)
    for guardrail in links["guardrails"]:
        ctx.relate(asset.id, RelationType.GUARDED_BY, guardrail)
    for fn in links["lambdas"]:
        ctx.relate(asset.id, RelationType.INVOKES, fn)
    for kb in links["knowledge_bases"]:
        ctx.relate(asset.id, RelationType.USES_KNOWLEDGE_BASE, kb)


#: A row of this module (``list_<noun>s`` / ``get_<noun>``, assets ``AWS::Bedrock::<type>``).
_row = partial(row, service=SERVICE, namespace="AWS::Bedrock")

# fmt: off
AGENTS = _row("agents", "agent", "Agent", "agent", "agentSummaries", id_key="agentId",
              id_parameter="agentId", describe_key="agent", transform=to_agent,
              inputs=_agent_inputs, relate_payload=_relate_agent)
KNOWLEDGE_BASES = _row("knowledge bases", "knowledge base", "KnowledgeBase", "knowledge_base",
                       "knowledgeBaseSummaries", id_key="knowledgeBaseId",
                       id_parameter="knowledgeBaseId", describe_key="knowledgeBase",
                       transform=to_knowledge_base, inputs=_knowledge_base_inputs,
                       relate=_relate_knowledge_base)
FLOWS = _row("flows", "flow", "Flow", "flow", "flowSummaries", id_key="id",
             id_parameter="flowIdentifier", transform=to_flow, inputs=_partition,
             relate_payload=_relate_flow)
# fmt: on

#: Every table row of the module (the permissions test checks their operations are declared).
SPECS = (AGENTS, KNOWLEDGE_BASES, FLOWS)


def collect(ctx: ScopeContext) -> None:
    for spec in SPECS:
        read(ctx, spec)
