"""Bedrock and Agents for Bedrock: transforms on recorded payloads, and the real collector under
moto with the operations moto lacks answered in their real response shape."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.validate import ParamValidator
from moto import mock_aws

from aiscan.collectors.aws import bedrock, bedrock_agent, organizations
from aiscan.collectors.aws.permissions import iam_action
from aiscan.core.inventory import Inventory
from aiscan.core.model import AssetKind, CoverageStatus, RelationType
from aiscan.core.secrets import REDACTED
from tests import awsfake

DATA = Path(__file__).resolve().parents[2] / "data" / "aws"
ACCOUNT = "123456789012"
REGION = "us-east-1"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1111aaaa-2222-3333-4444-555566667777"
SERVICE_ID = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:llm-service"
STRICT = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:guardrail/gr0strict001"
FLOW = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:flow/FLOW000001"
EMBED = "amazon.titan-embed-text-v2:0"
WEAK = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:guardrail/gr0weak00002"


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text())


# -- the recorded payloads have the real shape ----------------------------------------------------

_PREFIXES = (
    ("bedrock_agentcore_", "bedrock-agentcore-control"),
    ("bedrock_agent_", "bedrock-agent"),
    ("bedrock_", "bedrock"),
)


@pytest.mark.parametrize("path", sorted(DATA.glob("bedrock_*.json")), ids=lambda p: p.name)
def test_recorded_payloads_match_the_botocore_output_shape(path: Path) -> None:
    stem = path.stem.split("__")[0]
    service, op = next((svc, stem[len(pre) :]) for pre, svc in _PREFIXES if stem.startswith(pre))
    model = boto3.session.Session().get_available_services()
    assert service in model
    shape = (
        boto3.client(service, region_name=REGION)
        .meta.service_model.operation_model(op)
        .output_shape
    )
    report = ParamValidator().validate(json.loads(path.read_text()), shape)
    assert not report.has_errors(), report.generate_report()


# -- transforms -----------------------------------------------------------------------------------


def test_strict_guardrail_attributes() -> None:
    g = bedrock.to_guardrail(load("bedrock_GetGuardrail__strict.json"), ACCOUNT, REGION)
    assert (g.id, g.kind, g.type) == (STRICT, AssetKind.GUARDRAIL, "AWS::Bedrock::Guardrail")
    a = g.attributes
    assert a["status"] == "READY"
    assert a["prompt_attack_strength"] == "HIGH"
    assert a["content_filters"]["PROMPT_ATTACK"] == {"input": "HIGH", "output": "NONE"}
    assert a["content_filters"]["INSULTS"] == {"input": "MEDIUM", "output": "MEDIUM"}
    assert a["pii_actions"] == ["ANONYMIZE", "BLOCK"]
    assert (a["regexes"], a["regex_actions"]) == (1, ["ANONYMIZE"])
    assert a["contextual_grounding"] is True
    assert (a["kms_key"], a["tier"]) == (KEY, "STANDARD")


def test_weak_guardrail_attributes_count_detect_only_and_disabled_as_none() -> None:
    a = bedrock.to_guardrail(load("bedrock_GetGuardrail__weak.json"), ACCOUNT, REGION).attributes
    assert a["prompt_attack_strength"] == "MEDIUM"
    # VIOLENCE is HIGH on paper but its actions are NONE: it only detects
    assert a["content_filters"]["VIOLENCE"] == {"input": "NONE", "output": "NONE"}
    assert a["pii_actions"] == ["NONE", "NONE"]
    assert (a["regexes"], a["contextual_grounding"], a["kms_key"], a["tier"]) == (
        0,
        False,
        None,
        None,
    )


def test_guardrail_without_prompt_attack_filter_leaves_the_strength_absent() -> None:
    payload = load("bedrock_GetGuardrail__weak.json")
    del payload["contentPolicy"]
    a = bedrock.to_guardrail(payload, ACCOUNT, REGION).attributes
    assert a["content_filters"] == {}
    assert "prompt_attack_strength" not in a


def test_logging_attributes_and_buckets() -> None:
    payload = load("bedrock_GetModelInvocationLoggingConfiguration.json")
    assert bedrock.logging_attributes(payload) == {
        "enabled": True,
        "text": True,
        "image": False,
        "embedding": True,
        "s3_bucket": "bedrock-invocation-logs",
        "cloudwatch_log_group": "/aws/bedrock/invocations",
    }
    assert bedrock.logging_buckets(payload) == ["bedrock-invocation-logs", "bedrock-large-payloads"]
    assert bedrock.logging_attributes({})["enabled"] is False


def test_custom_model_redacts_secret_hyper_parameters() -> None:
    m = bedrock.to_custom_model(load("bedrock_GetCustomModel.json"), ACCOUNT, REGION)
    assert (m.kind, m.type) == (AssetKind.MODEL, "AWS::Bedrock::CustomModel")
    assert m.attributes["kms_key"] == KEY
    assert m.attributes["customization_type"] == "FINE_TUNING"
    assert [h["name"] for h in m.attributes["secrets"]] == ["WANDB_API_KEY"]
    assert m.raw["hyperParameters"]["WANDB_API_KEY"] == REDACTED
    assert "0123456789abcdef0123" not in json.dumps(m.raw)


def test_imported_model_job_and_throughput() -> None:
    imported = bedrock.to_imported_model(load("bedrock_GetImportedModel.json"), ACCOUNT, REGION)
    assert (imported.type, imported.attributes["kms_key"]) == ("AWS::Bedrock::ImportedModel", None)
    job = bedrock.to_customization_job(
        load("bedrock_GetModelCustomizationJob.json"), ACCOUNT, REGION
    )
    assert job.kind is AssetKind.TRAINING_JOB
    assert job.attributes["vpc"] is True
    assert job.attributes["kms_key"] == KEY
    assert job.attributes["role_arn"] == f"arn:aws:iam::{ACCOUNT}:role/bedrock-customization"
    summary = load("bedrock_ListProvisionedModelThroughputs.json")["provisionedModelSummaries"][0]
    pt = bedrock.to_provisioned_throughput(summary, ACCOUNT, REGION)
    assert (pt.kind, pt.attributes["status"], pt.attributes["model_units"]) == (
        AssetKind.LLM_DEPLOYMENT,
        "InService",
        1,
    )


def test_agent_attributes_and_instruction_redaction() -> None:
    payload = load("bedrock_agent_GetAgent.json")["agent"]
    groups = [
        load("bedrock_agent_GetAgentActionGroup.json")["agentActionGroup"],
        load("bedrock_agent_GetAgentActionGroup__code.json")["agentActionGroup"],
    ]
    a = bedrock_agent.to_agent(
        payload,
        partition="aws",
        account=ACCOUNT,
        region=REGION,
        action_groups=groups,
        knowledge_bases=["KB00000001"],
    )
    assert (a.kind, a.type) == (AssetKind.AGENT, "AWS::Bedrock::Agent")
    assert a.attributes["guardrail"] == STRICT  # built from the guardrail id
    assert a.attributes["guardrail_version"] == "1"
    assert a.attributes["kms_key"] == KEY
    assert a.attributes["idle_session_ttl"] == 600
    assert a.attributes["action_groups"] == [
        {
            "name": "orders-api",
            "lambda": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:orders-api",
            "state": "ENABLED",
            "signature": None,
        },
        {
            "name": "code-interpreter",
            "lambda": None,
            "state": "DISABLED",
            "signature": "AMAZON.CodeInterpreter",
        },
    ]
    assert [h["kind"] for h in a.attributes["secrets"]] == ["openai-api-key"]
    assert "sk-proj-" not in json.dumps(a.raw)


def test_agent_without_action_groups_read_leaves_them_absent() -> None:
    payload = load("bedrock_agent_GetAgent.json")["agent"]
    del payload["guardrailConfiguration"]
    a = bedrock_agent.to_agent(payload, partition="aws", account=ACCOUNT, region=REGION)
    assert a.attributes["guardrail"] is None
    assert "action_groups" not in a.attributes
    assert "knowledge_bases" not in a.attributes


def test_knowledge_base_data_sources() -> None:
    sources = [
        load("bedrock_agent_GetDataSource.json")["dataSource"],
        load("bedrock_agent_GetDataSource__web.json")["dataSource"],
    ]
    kb = bedrock_agent.to_knowledge_base(
        load("bedrock_agent_GetKnowledgeBase.json")["knowledgeBase"],
        account=ACCOUNT,
        region=REGION,
        data_sources=sources,
    )
    assert (kb.kind, kb.attributes["storage_type"]) == (
        AssetKind.KNOWLEDGE_BASE,
        "OPENSEARCH_SERVERLESS",
    )
    assert kb.attributes["data_sources"] == [
        {"name": "manuals-s3", "type": "S3", "bucket": "product-manuals-corpus", "kms_key": KEY},
        {"name": "docs-site", "type": "WEB", "bucket": None, "kms_key": None},
    ]


def test_flow_finds_unguarded_nodes_and_redacts_inline_code() -> None:
    flow = bedrock_agent.to_flow(
        load("bedrock_agent_GetFlow.json"), partition="aws", account=ACCOUNT, region=REGION
    )
    assert (flow.kind, flow.type) == (AssetKind.PIPELINE, "AWS::Bedrock::Flow")
    assert flow.attributes["unguarded_nodes"] == ["LookupManuals"]
    assert flow.attributes["guardrails"] == [STRICT]
    assert flow.attributes["kms_key"] is None
    assert [h["kind"] for h in flow.attributes["secrets"]] == ["github-token"]
    assert "ghp_" not in json.dumps(flow.raw)


def test_flow_nodes_inside_loops_are_checked() -> None:
    payload = load("bedrock_agent_GetFlow.json")
    inner = {"nodes": [{"name": "InnerPrompt", "type": "Prompt", "configuration": {"prompt": {}}}]}
    payload["definition"]["nodes"].append(
        {"name": "Loop", "type": "Loop", "configuration": {"loop": {"definition": inner}}}
    )
    links = bedrock_agent.flow_links(payload, "aws", REGION, ACCOUNT)
    assert links["unguarded_nodes"] == ["LookupManuals", "InnerPrompt"]


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        ("anthropic.claude-v2", "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2"),
        (
            "us.anthropic.claude-3-5-sonnet-20240620-v1:0",
            f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/"
            "us.anthropic.claude-3-5-sonnet-20240620-v1:0",
        ),
        (
            "arn:aws:bedrock:us-east-1::foundation-model/x",
            "arn:aws:bedrock:us-east-1::foundation-model/x",
        ),
        (None, None),
    ],
)
def test_model_arn(identifier: str | None, expected: str | None) -> None:
    assert bedrock_agent.model_arn(identifier, "aws", REGION, ACCOUNT) == expected


# -- the collector under moto ---------------------------------------------------------------------


def per_region(handlers: Mapping[str, awsfake.Handler]) -> awsfake.Handler:
    """Answer one operation differently per region (moto keeps its own state per region)."""

    def handler(request_signer: Any, **kwargs: Any) -> Any:
        return handlers[request_signer.region_name](request_signer=request_signer, **kwargs)

    return handler


def only(match: Callable[[dict[str, Any]], Any | None]) -> awsfake.Handler:
    """Answer the requests `match` returns a response for; let moto answer the others."""

    def handler(params: dict[str, Any], model: Any, **kwargs: Any) -> Any:
        body = match(dict(params.get("context", {}).get("aiscan_params", {})))
        if body is None:
            return None
        return awsfake.canned(body)(params=params, model=model, **kwargs)

    return handler


def _bedrock_handlers(
    extra: Mapping[str, awsfake.Handler] | None = None,
) -> dict[str, awsfake.Handler]:
    empty_gr = awsfake.canned({"guardrails": []})
    guardrails = {
        "gr0strict001": load("bedrock_GetGuardrail__strict.json"),
        "gr0weak00002": load("bedrock_GetGuardrail__weak.json"),
    }
    empty_models = awsfake.canned({"modelSummaries": []})
    empty_pt = awsfake.canned({"provisionedModelSummaries": []})
    empty_enforced = awsfake.canned({"guardrailsConfig": []})
    handlers = {
        "before-call.bedrock.ListGuardrails": per_region(
            {REGION: awsfake.canned(load("bedrock_ListGuardrails.json")), "eu-west-1": empty_gr}
        ),
        "before-call.bedrock.GetGuardrail": awsfake.canned(
            lambda p: guardrails[p["guardrailIdentifier"]]
        ),
        "before-call.bedrock.ListImportedModels": per_region(
            {
                REGION: awsfake.canned(load("bedrock_ListImportedModels.json")),
                "eu-west-1": empty_models,
            }
        ),
        "before-call.bedrock.GetImportedModel": awsfake.canned(
            load("bedrock_GetImportedModel.json")
        ),
        "before-call.bedrock.ListProvisionedModelThroughputs": per_region(
            {
                REGION: awsfake.canned(load("bedrock_ListProvisionedModelThroughputs.json")),
                "eu-west-1": empty_pt,
            }
        ),
        "before-call.bedrock.ListEnforcedGuardrailsConfiguration": per_region(
            {
                REGION: awsfake.canned(load("bedrock_ListEnforcedGuardrailsConfiguration.json")),
                "eu-west-1": empty_enforced,
            }
        ),
    }
    handlers.update(extra or {})
    return handlers


def _agent_handlers(guarded_id: str) -> dict[str, awsfake.Handler]:
    guarded = load("bedrock_agent_GetAgent.json")
    guarded["agent"].update(
        agentId=guarded_id, agentArn=f"arn:aws:bedrock:{REGION}:{ACCOUNT}:agent/{guarded_id}"
    )
    groups = {
        "AG00000001": load("bedrock_agent_GetAgentActionGroup.json"),
        "AG00000002": load("bedrock_agent_GetAgentActionGroup__code.json"),
    }
    sources = {
        "DS00000001": load("bedrock_agent_GetDataSource.json"),
        "DS00000002": load("bedrock_agent_GetDataSource__web.json"),
    }
    no_groups: dict[str, Any] = {"actionGroupSummaries": []}
    no_kbs: dict[str, Any] = {"agentKnowledgeBaseSummaries": []}
    return {
        # the guarded agent's configuration comes from the recording; moto answers the other
        "before-call.bedrock-agent.GetAgent": only(
            lambda p: copy.deepcopy(guarded) if p["agentId"] == guarded_id else None
        ),
        "before-call.bedrock-agent.ListAgentActionGroups": awsfake.canned(
            lambda p: (
                load("bedrock_agent_ListAgentActionGroups.json")
                if p["agentId"] == guarded_id
                else no_groups
            )
        ),
        "before-call.bedrock-agent.GetAgentActionGroup": awsfake.canned(
            lambda p: groups[p["actionGroupId"]]
        ),
        "before-call.bedrock-agent.ListAgentKnowledgeBases": awsfake.canned(
            lambda p: (
                load("bedrock_agent_ListAgentKnowledgeBases.json")
                if p["agentId"] == guarded_id
                else no_kbs
            )
        ),
        "before-call.bedrock-agent.ListDataSources": awsfake.canned(
            load("bedrock_agent_ListDataSources.json")
        ),
        "before-call.bedrock-agent.GetDataSource": awsfake.canned(
            lambda p: sources[p["dataSourceId"]]
        ),
        "before-call.bedrock-agent.ListFlows": per_region(
            {
                REGION: awsfake.canned(load("bedrock_agent_ListFlows.json")),
                "eu-west-1": awsfake.canned({"flowSummaries": []}),
            }
        ),
        "before-call.bedrock-agent.GetFlow": awsfake.canned(load("bedrock_agent_GetFlow.json")),
    }


def _seed() -> dict[str, str]:
    """What moto can hold: a customization job (and its model), logging, agents, a KB."""
    br = boto3.client("bedrock", region_name=REGION)
    br.create_model_customization_job(
        jobName="ft-open",
        customModelName="ft-model",
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/ft-role",
        baseModelIdentifier="amazon.titan-text-express-v1",
        trainingDataConfig={"s3Uri": "s3://ft-train/data.jsonl"},
        outputDataConfig={"s3Uri": "s3://ft-out/models/"},
        hyperParameters={"epochCount": "1", "HF_TOKEN": "hf_abcdefghijklmnopqrstuvwxyzABCDEF1234"},
    )
    br.put_model_invocation_logging_configuration(
        loggingConfig={
            "s3Config": {"bucketName": "inv-logs", "keyPrefix": "bedrock/"},
            "cloudWatchConfig": {
                "logGroupName": "/bedrock/inv",
                "roleArn": f"arn:aws:iam::{ACCOUNT}:role/log-role",
            },
            "textDataDeliveryEnabled": True,
            "imageDataDeliveryEnabled": False,
            "embeddingDataDeliveryEnabled": False,
        }
    )
    boto3.client("logs", region_name=REGION).create_log_group(
        logGroupName="/bedrock/inv", kmsKeyId=KEY
    )
    agents = boto3.client("bedrock-agent", region_name=REGION)
    guarded = agents.create_agent(
        agentName="guarded",
        agentResourceRoleArn=f"arn:aws:iam::{ACCOUNT}:role/agent-role",
        foundationModel="anthropic.claude-3-5-sonnet-20240620-v1:0",
    )["agent"]["agentId"]
    bare = agents.create_agent(
        agentName="bare",
        agentResourceRoleArn=f"arn:aws:iam::{ACCOUNT}:role/agent-role",
        foundationModel="anthropic.claude-v2",
    )["agent"]["agentId"]
    kb = agents.create_knowledge_base(
        name="manuals",
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/kb-role",
        knowledgeBaseConfiguration={
            "type": "VECTOR",
            "vectorKnowledgeBaseConfiguration": {
                "embeddingModelArn": f"arn:aws:bedrock:{REGION}::foundation-model/{EMBED}"
            },
        },
        storageConfiguration={
            "type": "OPENSEARCH_SERVERLESS",
            "opensearchServerlessConfiguration": {
                "collectionArn": f"arn:aws:aoss:{REGION}:{ACCOUNT}:collection/abc",
                "vectorIndexName": "idx",
                "fieldMapping": {"vectorField": "v", "textField": "t", "metadataField": "m"},
            },
        },
    )["knowledgeBase"]
    return {"guarded": guarded, "bare": bare, "kb": kb["knowledgeBaseArn"]}


def _targets(inv: Inventory, source: str, type_: RelationType) -> set[str]:
    return {r.target for r in inv.outgoing(source, type_)}


def _coverage(inv: Inventory, region: str, service: str) -> Any:
    return next(c for c in inv.coverage if (c.region, c.service) == (region, service))


@mock_aws
def test_collects_bedrock_and_agents_and_only_regions_in_use_get_a_service() -> None:
    seeded = _seed()
    handlers = {**_bedrock_handlers(), **_agent_handlers(seeded["guarded"])}
    inv = awsfake.collect(
        regions=(REGION, "eu-west-1"), services=("bedrock", "bedrock-agent"), handlers=handlers
    )
    for region in (REGION, "eu-west-1"):
        for key in ("bedrock", "bedrock-agent"):
            cov = _coverage(inv, region, key)
            assert cov.status is CoverageStatus.OK, cov.message

    # the regional service, with logging, guardrails and enforcement
    svc = inv.get(SERVICE_ID)
    assert svc is not None and svc.kind is AssetKind.LLM_SERVICE
    assert svc.attributes["invocation_logging"] == {
        "enabled": True,
        "text": True,
        "image": False,
        "embedding": False,
        "s3_bucket": "inv-logs",
        "cloudwatch_log_group": "/bedrock/inv",
        "cloudwatch_kms_key": KEY,
    }
    assert svc.attributes["guardrails_ready"] == 2
    assert [e["guardrail_arn"] for e in svc.attributes["enforced_guardrails"]] == [STRICT]
    assert _targets(inv, SERVICE_ID, RelationType.WRITES_DATA_TO) == {"arn:aws:s3:::inv-logs"}

    # eu-west-1 has no Bedrock use: nothing at all, and that is not an error
    assert not [a for a in inv.assets if a.region == "eu-west-1"]
    assert _coverage(inv, "eu-west-1", "bedrock").assets == 0

    # guardrails
    assert {a.id for a in inv.of_kind(AssetKind.GUARDRAIL)} == {STRICT, WEAK}
    assert inv.get(WEAK).attributes["prompt_attack_strength"] == "MEDIUM"  # type: ignore[union-attr]

    # the customization job moto ran, and the model it produced
    job_arn = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:model-customization-job/ft-open"
    job = inv.get(job_arn)
    assert job is not None and job.kind is AssetKind.TRAINING_JOB
    assert job.attributes["vpc"] is False
    assert [s["name"] for s in job.attributes["secrets"]] == ["HF_TOKEN"]
    assert _targets(inv, job_arn, RelationType.RUNS_AS) == {f"arn:aws:iam::{ACCOUNT}:role/ft-role"}
    assert _targets(inv, job_arn, RelationType.READS_DATA_FROM) == {"arn:aws:s3:::ft-train"}
    assert _targets(inv, job_arn, RelationType.WRITES_DATA_TO) == {"arn:aws:s3:::ft-out"}
    custom = next(a for a in inv.of_kind(AssetKind.MODEL) if a.type == "AWS::Bedrock::CustomModel")
    assert _targets(inv, custom.id, RelationType.FINE_TUNED_FROM) == {
        f"arn:aws:bedrock:{REGION}::foundation-model/amazon.titan-text-express-v1"
    }
    assert _targets(inv, custom.id, RelationType.PRODUCED_BY) == {job_arn}
    assert _targets(inv, custom.id, RelationType.READS_DATA_FROM) == {"arn:aws:s3:::ft-train"}

    # imported model and provisioned throughput come from the recordings
    imported = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:imported-model/k2lm3n4o5p6q"
    assert inv.get(imported).attributes["kms_key"] is None  # type: ignore[union-attr]
    assert _targets(inv, imported, RelationType.STORES_ARTIFACT_IN) == {
        "arn:aws:s3:::ml-model-weights"
    }
    pt = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:provisioned-model/pt0abc123def"
    assert inv.get(pt).kind is AssetKind.LLM_DEPLOYMENT  # type: ignore[union-attr]
    assert _targets(inv, pt, RelationType.USES_MODEL) == {
        f"arn:aws:bedrock:{REGION}:{ACCOUNT}:custom-model/amazon.titan-text-express-v1:0:8k/ab12cd34ef56"
    }

    # agents
    guarded = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:agent/{seeded['guarded']}"
    bare = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:agent/{seeded['bare']}"
    assert {a.id for a in inv.of_kind(AssetKind.AGENT)} == {guarded, bare}
    assert _targets(inv, guarded, RelationType.GUARDED_BY) == {STRICT}
    assert _targets(inv, guarded, RelationType.INVOKES) == {
        f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:orders-api"
    }
    assert _targets(inv, guarded, RelationType.USES_KNOWLEDGE_BASE) == {
        f"arn:aws:bedrock:{REGION}:{ACCOUNT}:knowledge-base/KB00000001"
    }
    assert len(inv.get(guarded).attributes["action_groups"]) == 2  # type: ignore[union-attr]
    bare_asset = inv.get(bare)
    assert bare_asset is not None and bare_asset.attributes["guardrail"] is None
    assert bare_asset.attributes["action_groups"] == []
    assert _targets(inv, bare, RelationType.GUARDED_BY) == set()
    assert _targets(inv, bare, RelationType.USES_MODEL) == {
        f"arn:aws:bedrock:{REGION}::foundation-model/anthropic.claude-v2"
    }
    assert _targets(inv, bare, RelationType.RUNS_AS) == {f"arn:aws:iam::{ACCOUNT}:role/agent-role"}

    # the knowledge base and its data sources
    kb = inv.get(seeded["kb"])
    assert kb is not None and kb.kind is AssetKind.KNOWLEDGE_BASE
    assert [d["kms_key"] for d in kb.attributes["data_sources"]] == [KEY, None]
    assert _targets(inv, kb.id, RelationType.READS_DATA_FROM) == {
        "arn:aws:s3:::product-manuals-corpus"
    }
    assert _targets(inv, kb.id, RelationType.RUNS_AS) == {f"arn:aws:iam::{ACCOUNT}:role/kb-role"}
    assert _targets(inv, kb.id, RelationType.USES_MODEL) == {
        f"arn:aws:bedrock:{REGION}::foundation-model/{EMBED}"
    }

    # the flow and what its nodes reach
    flow = inv.get(FLOW)
    assert flow is not None and flow.kind is AssetKind.PIPELINE
    assert flow.attributes["unguarded_nodes"] == ["LookupManuals"]
    assert _targets(inv, FLOW, RelationType.GUARDED_BY) == {STRICT}
    assert _targets(inv, FLOW, RelationType.INVOKES) == {
        f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:open-ticket"
    }
    assert _targets(inv, FLOW, RelationType.USES_KNOWLEDGE_BASE) == {
        f"arn:aws:bedrock:{REGION}:{ACCOUNT}:knowledge-base/KB00000001"
    }
    assert _targets(inv, FLOW, RelationType.RUNS_AS) == {f"arn:aws:iam::{ACCOUNT}:role/flow-role"}


@mock_aws
def test_denied_guardrails_are_reported_and_the_rest_is_still_collected() -> None:
    _seed()
    handlers = _bedrock_handlers(
        {"before-call.bedrock.ListGuardrails": awsfake.error("AccessDeniedException", status=403)}
    )
    inv = awsfake.collect(services=("bedrock",), handlers=handlers)
    cov = _coverage(inv, REGION, "bedrock")
    assert cov.account == ACCOUNT
    assert cov.status is CoverageStatus.DENIED
    assert "ListGuardrails" in cov.message
    assert not list(inv.of_kind(AssetKind.GUARDRAIL))
    assert list(inv.of_kind(AssetKind.TRAINING_JOB))
    assert list(inv.of_kind(AssetKind.LLM_DEPLOYMENT))
    svc = inv.get(SERVICE_ID)
    assert svc is not None
    assert "guardrails_ready" not in svc.attributes  # unknown, not zero
    assert svc.attributes["invocation_logging"]["enabled"] is True


@mock_aws
def test_agents_alone_put_bedrock_in_use() -> None:
    boto3.client("bedrock-agent", region_name=REGION).create_agent(
        agentName="only", agentResourceRoleArn=f"arn:aws:iam::{ACCOUNT}:role/r"
    )
    handlers = _bedrock_handlers(
        {
            "before-call.bedrock.ListGuardrails": awsfake.canned({"guardrails": []}),
            "before-call.bedrock.ListImportedModels": awsfake.canned({"modelSummaries": []}),
            "before-call.bedrock.ListProvisionedModelThroughputs": awsfake.canned(
                {"provisionedModelSummaries": []}
            ),
        }
    )
    inv = awsfake.collect(services=("bedrock",), handlers=handlers)
    svc = inv.get(SERVICE_ID)
    assert svc is not None
    assert svc.attributes["guardrails_ready"] == 0
    assert svc.attributes["invocation_logging"]["enabled"] is False


@mock_aws
def test_every_call_of_a_scan_is_in_the_documented_permissions() -> None:
    seeded = _seed()
    calls: set[tuple[str, str]] = set()

    def record(model: Any, **_: Any) -> None:
        calls.add((model.service_model.endpoint_prefix, model.name))

    handlers = {
        **_bedrock_handlers(),
        **_agent_handlers(seeded["guarded"]),
        "before-parameter-build": record,
    }
    awsfake.collect(services=("bedrock", "bedrock-agent"), handlers=handlers)
    # the account's SCPs are read through organizations.py, with its declared permissions
    allowed = {*bedrock.PERMISSIONS, *bedrock_agent.PERMISSIONS, *organizations.PERMISSIONS}
    called = {iam_action(prefix, op) for prefix, op in calls if prefix not in ("sts", "ec2")}
    assert called <= allowed, called - allowed
    assert "bedrock:GetDataSource" in called and "logs:DescribeLogGroups" in called


@mock_aws
def test_a_malformed_provisioned_throughput_is_an_error_for_that_item_alone() -> None:
    good = load("bedrock_ListProvisionedModelThroughputs.json")["provisionedModelSummaries"][0]
    bad = {**good, "provisionedModelArn": good["provisionedModelArn"] + "-bad", "modelUnits": "1"}
    handlers = _bedrock_handlers(
        {
            "before-call.bedrock.ListProvisionedModelThroughputs": awsfake.canned(
                {"provisionedModelSummaries": [bad, {"status": "InService"}, good]}
            ),
        }
    )
    inv = awsfake.collect(services=("bedrock",), handlers=handlers)
    (pt,) = inv.of_kind(AssetKind.LLM_DEPLOYMENT)
    assert (pt.id, pt.attributes["model_units"]) == (good["provisionedModelArn"], 1)
    assert _targets(inv, pt.id, RelationType.USES_MODEL) == {good["modelArn"]}
    cov = _coverage(inv, REGION, "bedrock")
    assert cov.status is CoverageStatus.ERROR
    assert f"provisioned throughput {bad['provisionedModelArn']}" in cov.message
    assert "provisioned throughput summary has no provisionedModelArn" in cov.message
    assert inv.get(SERVICE_ID) is not None  # the rest of the region is still read


def test_an_unnamed_item_is_named_by_its_id_and_a_mistyped_field_is_refused() -> None:
    summary = load("bedrock_ListProvisionedModelThroughputs.json")["provisionedModelSummaries"][0]
    unnamed = {k: v for k, v in summary.items() if k != "provisionedModelName"}
    assert bedrock.to_provisioned_throughput(unnamed, ACCOUNT, REGION).name == "pt0abc123def"
    with pytest.raises(TypeError, match="provisionedModelArn"):
        bedrock.to_provisioned_throughput({**summary, "provisionedModelArn": 7}, ACCOUNT, REGION)
