"""Every Bedrock / AgentCore rule on a failing asset and on a well-configured twin."""

from __future__ import annotations

from typing import Any

import pytest

from aiscan.core.engine import evaluate
from aiscan.core.model import Asset, AssetKind, ResultStatus, Severity
from aiscan.rules import aws_bedrock as br
from tests.factories import asset, failing_ids, inventory, rel, run, statuses

ACCOUNT = "123456789012"
SVC = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:llm-service"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1111aaaa-2222-3333-4444-555566667777"
GOOD_GR = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:guardrail/good"
BAD_GR = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:guardrail/bad"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/"
AGENT = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:agent/"
AC = f"arn:aws:bedrock-agentcore:us-east-1:{ACCOUNT}:"
AC_RUNTIME = "AWS::BedrockAgentCore::Runtime"
AC_GATEWAY = "AWS::BedrockAgentCore::Gateway"
AC_CODE_INTERPRETER = "AWS::BedrockAgentCore::CodeInterpreterCustom"
AC_BROWSER = "AWS::BedrockAgentCore::BrowserCustom"
AC_MEMORY = "AWS::BedrockAgentCore::Memory"

STRONG = {"input": "HIGH", "output": "HIGH"}
GOOD_LOGGING = {
    "enabled": True,
    "text": True,
    "image": False,
    "embedding": False,
    "s3_bucket": "logs-kms",
    "cloudwatch_log_group": "/aws/bedrock/invocations",
    "cloudwatch_kms_key": KEY,
}


def service(id: str = SVC, **attrs: Any) -> Asset:  # noqa: A002
    return asset(
        AssetKind.LLM_SERVICE, id, service="bedrock", type="AWS::Bedrock::Service", **attrs
    )


def bucket(name: str, **attrs: Any) -> Asset:
    return asset(
        AssetKind.BUCKET,
        f"arn:aws:s3:::{name}",
        service="s3",
        region=None,
        type="AWS::S3::Bucket",
        **attrs,
    )


def guardrail(id: str, **overrides: Any) -> Asset:  # noqa: A002
    attrs: dict[str, Any] = {
        "status": "READY",
        "content_filters": {c: dict(STRONG) for c in (*br.HARMFUL_CATEGORIES, "PROMPT_ATTACK")},
        "prompt_attack_strength": "HIGH",
        "pii_actions": ["BLOCK", "ANONYMIZE"],
        "regex_actions": [],
        "regexes": 0,
        "contextual_grounding": True,
        "kms_key": KEY,
        "tier": "STANDARD",
    }
    attrs.update(overrides)
    attrs = {k: v for k, v in attrs.items() if v is not _ABSENT}
    return asset(
        AssetKind.GUARDRAIL, id, service="bedrock", type="AWS::Bedrock::Guardrail", **attrs
    )


_ABSENT = object()


def agent(name: str, role: str, **overrides: Any) -> Asset:
    attrs: dict[str, Any] = {
        "role_arn": ROLE + role,
        "guardrail": GOOD_GR,
        "kms_key": KEY,
        "action_groups": [],
    }
    attrs.update(overrides)
    attrs = {k: v for k, v in attrs.items() if v is not _ABSENT}
    return asset(
        AssetKind.AGENT, AGENT + name, service="bedrock-agent", type="AWS::Bedrock::Agent", **attrs
    )


def role(name: str, **overrides: Any) -> Asset:
    attrs: dict[str, Any] = {
        "administrator": False,
        "wildcard_actions": ["bedrock:InvokeModel*"],
        "wildcard_resources": False,
        "full_access_policies": [],
    }
    attrs.update(overrides)
    return asset(
        AssetKind.IDENTITY, ROLE + name, service="iam", region=None, type="AWS::IAM::Role", **attrs
    )


def no_high_in_category(rule: Any, inv: Any, good_id: str) -> None:
    """The well-configured twin gets no high/critical finding in the rule's category."""
    for f in evaluate(inv, list(br.RULES)).findings:
        if f.asset_id == good_id and f.category == rule.meta.category:
            assert not f.severity.at_least(Severity.HIGH), f


# -- llm-service ----------------------------------------------------------------------------------


def test_br001_invocation_logging_sub_cases() -> None:
    off = service(SVC + "/off", invocation_logging={"enabled": False, "text": False})
    no_text = service(SVC + "/notext", invocation_logging={**GOOD_LOGGING, "text": False})
    plain = service(SVC + "/plain", invocation_logging={**GOOD_LOGGING, "s3_bucket": "logs-sse"})
    cw_plain = service(SVC + "/cw", invocation_logging={**GOOD_LOGGING, "cloudwatch_kms_key": None})
    good = service(SVC + "/good", invocation_logging=GOOD_LOGGING)
    unread = service(SVC + "/unread")
    assets = [
        off,
        no_text,
        plain,
        cw_plain,
        good,
        unread,
        bucket("logs-kms", encryption={"algorithm": "aws:kms", "kms_key": KEY}),
        bucket("logs-sse", encryption={"algorithm": "AES256", "kms_key": None}),
    ]
    relations = [
        rel(
            a.id,
            "writes-data-to",
            f"arn:aws:s3:::{a.attributes['invocation_logging']['s3_bucket']}",
        )
        for a in (no_text, plain, cw_plain, good)
    ]
    inv = inventory(assets, relations)
    assert failing_ids(br.invocation_logging, inv) == {off.id, no_text.id, plain.id, cw_plain.id}
    evidence = {(f.asset_id, k) for f in run(br.invocation_logging, inv) for k in f.evidence}
    assert (plain.id, "s3_bucket") in evidence
    assert (cw_plain.id, "cloudwatch_log_group") in evidence
    assert (no_text.id, "s3_bucket") not in evidence
    st = statuses(br.invocation_logging, inv)
    assert st[good.id] is ResultStatus.PASS
    assert st[unread.id] is ResultStatus.MANUAL
    text_finding = next(f for f in run(br.invocation_logging, inv) if f.asset_id == no_text.id)
    assert text_finding.severity is Severity.LOW


def test_br001_log_bucket_not_read_is_manual() -> None:
    svc = service(invocation_logging={**GOOD_LOGGING, "s3_bucket": "elsewhere"})
    inv = inventory([svc], [rel(svc.id, "writes-data-to", "arn:aws:s3:::elsewhere")])
    assert statuses(br.invocation_logging, inv)[svc.id] is ResultStatus.MANUAL


def test_br002_no_ready_guardrail() -> None:
    none = service(SVC + "/none", guardrails_ready=0)
    good = service(SVC + "/good", guardrails_ready=2)
    unread = service(SVC + "/unread")
    inv = inventory([none, good, unread])
    assert failing_ids(br.guardrail_exists, inv) == {none.id}
    assert statuses(br.guardrail_exists, inv)[unread.id] is ResultStatus.MANUAL
    no_high_in_category(br.guardrail_exists, inv, good.id)


def test_br003_enforced_guardrail() -> None:
    empty = service(SVC + "/empty", enforced_guardrails=[])
    good = service(SVC + "/good", enforced_guardrails=[{"guardrail_arn": GOOD_GR}])
    unknown = service(SVC + "/unknown")
    inv = inventory([empty, good, unknown])
    assert failing_ids(br.enforced_guardrail, inv) == {empty.id}
    st = statuses(br.enforced_guardrail, inv)
    assert st[good.id] is ResultStatus.PASS
    assert st[unknown.id] is ResultStatus.MANUAL


# -- guardrails -----------------------------------------------------------------------------------


def test_br004_prompt_attack_filter() -> None:
    weak = guardrail(BAD_GR, prompt_attack_strength="MEDIUM")
    missing = guardrail(BAD_GR + "2", prompt_attack_strength=_ABSENT, content_filters={})
    unread = guardrail(BAD_GR + "3", prompt_attack_strength=_ABSENT, content_filters=_ABSENT)
    good = guardrail(GOOD_GR)
    inv = inventory([weak, missing, unread, good])
    assert failing_ids(br.prompt_attack_filter, inv) == {weak.id, missing.id}
    assert statuses(br.prompt_attack_filter, inv)[unread.id] is ResultStatus.MANUAL
    no_high_in_category(br.prompt_attack_filter, inv, good.id)


def test_br005_sensitive_information_filter() -> None:
    none = guardrail(BAD_GR, pii_actions=[], regex_actions=[])
    detect = guardrail(BAD_GR + "2", pii_actions=["NONE"], regex_actions=["NONE"])
    regex_only = guardrail(GOOD_GR + "2", pii_actions=[], regex_actions=["BLOCK"])
    good = guardrail(GOOD_GR)
    inv = inventory([none, detect, regex_only, good])
    assert failing_ids(br.sensitive_information_filter, inv) == {none.id, detect.id}
    assert {f.fingerprint for f in run(br.sensitive_information_filter, inv)}.__len__() == 2


def test_br006_content_and_grounding_coverage() -> None:
    partial = guardrail(BAD_GR, content_filters={"HATE": STRONG, "VIOLENCE": STRONG})
    detect = guardrail(
        BAD_GR + "2",
        content_filters={
            **{c: dict(STRONG) for c in br.HARMFUL_CATEGORIES},
            "INSULTS": {"input": "HIGH", "output": "NONE"},
        },
    )
    ungrounded = guardrail(BAD_GR + "3", contextual_grounding=False)
    unused_ungrounded = guardrail(GOOD_GR + "2", contextual_grounding=False)
    good = guardrail(GOOD_GR)
    user = agent("a", "r", guardrail=ungrounded.id)
    inv = inventory(
        [partial, detect, ungrounded, unused_ungrounded, good, user],
        [rel(user.id, "guarded-by", ungrounded.id), rel(AGENT + "b", "guarded-by", good.id)],
    )
    assert failing_ids(br.content_coverage, inv) == {partial.id, detect.id, ungrounded.id}
    ev = next(f.evidence for f in run(br.content_coverage, inv) if f.asset_id == partial.id)
    assert ev["missing"] == ["INSULTS", "SEXUAL", "MISCONDUCT"]


# -- agents ---------------------------------------------------------------------------------------


def test_br007_agent_without_guardrail() -> None:
    bare = agent("bare", "r1", guardrail=None)
    unread = agent("unread", "r2", guardrail=_ABSENT)
    good = agent("good", "r3")
    inv = inventory([bare, unread, good])
    assert failing_ids(br.agent_guardrail, inv) == {bare.id}
    assert statuses(br.agent_guardrail, inv)[unread.id] is ResultStatus.MANUAL
    assert run(br.agent_guardrail, inv)[0].severity is Severity.HIGH
    no_high_in_category(br.agent_guardrail, inv, good.id)


def test_br009_flow_nodes_without_guardrail() -> None:
    base = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:flow/"
    flow_type = "AWS::Bedrock::Flow"
    bad = asset(
        AssetKind.PIPELINE,
        base + "bad",
        service="bedrock-agent",
        type=flow_type,
        unguarded_nodes=["LookupManuals"],
    )
    good = asset(
        AssetKind.PIPELINE,
        base + "good",
        service="bedrock-agent",
        type=flow_type,
        unguarded_nodes=[],
    )
    unread = asset(AssetKind.PIPELINE, base + "unread", service="bedrock-agent", type=flow_type)
    sagemaker_pipeline = asset(
        AssetKind.PIPELINE, "arn:aws:sagemaker:p", type="AWS::SageMaker::Pipeline", steps=[]
    )
    inv = inventory([bad, good, unread, sagemaker_pipeline])
    assert failing_ids(br.flow_guardrail, inv) == {bad.id}
    st = statuses(br.flow_guardrail, inv)
    assert sagemaker_pipeline.id not in st  # not a flow: out of scope by metadata
    assert st[good.id] is ResultStatus.PASS
    assert st[unread.id] is ResultStatus.MANUAL
    no_high_in_category(br.flow_guardrail, inv, good.id)


def test_br008_agent_role_privilege_and_sharing() -> None:
    admin = agent("admin", "admin-role")
    broad = agent("broad", "broad-role")
    shared_a = agent("shared-a", "shared-role")
    shared_b = agent("shared-b", "shared-role")
    unknown = agent("unknown", "unread-role")
    good = agent("good", "good-role")
    agents = [admin, broad, shared_a, shared_b, unknown, good]
    roles = [
        role("admin-role", administrator=True, wildcard_actions=["*"]),
        role("broad-role", full_access_policies=["AmazonBedrockFullAccess"]),
        role("shared-role"),
        role("good-role"),
    ]
    relations = [rel(a.id, "runs-as", a.attributes["role_arn"]) for a in agents]
    inv = inventory(agents + roles, relations)
    assert failing_ids(br.agent_role, inv) == {admin.id, broad.id, shared_a.id, shared_b.id}
    st = statuses(br.agent_role, inv)
    assert st[unknown.id] is ResultStatus.MANUAL
    assert st[good.id] is ResultStatus.PASS
    shared = next(f for f in run(br.agent_role, inv) if f.asset_id == shared_a.id)
    assert shared.evidence["other_agents"] == [shared_b.id]


# -- encryption -----------------------------------------------------------------------------------


KB = "AWS::Bedrock::KnowledgeBase"


def test_br010_data_source_cmk() -> None:
    kb = "arn:aws:bedrock:us-east-1:123456789012:knowledge-base/"
    sources_bad = [
        {"name": "s3-docs", "type": "S3", "bucket": "docs", "kms_key": None},
        {"name": "wiki", "type": "WEB", "bucket": None, "kms_key": KEY},
    ]
    bad = asset(
        AssetKind.KNOWLEDGE_BASE,
        kb + "BAD",
        service="bedrock-agent",
        type=KB,
        data_sources=sources_bad,
    )
    good = asset(
        AssetKind.KNOWLEDGE_BASE,
        kb + "GOOD",
        service="bedrock-agent",
        type=KB,
        data_sources=[{"name": "s3-docs", "type": "S3", "bucket": "docs", "kms_key": KEY}],
    )
    unread = asset(AssetKind.KNOWLEDGE_BASE, kb + "UNREAD", service="bedrock-agent", type=KB)
    inv = inventory([bad, good, unread])
    findings = run(br.data_source_cmk, inv)
    assert {f.asset_id for f in findings} == {bad.id}
    assert [f.evidence["data_source"] for f in findings] == ["s3-docs"]
    st = statuses(br.data_source_cmk, inv)
    assert st[good.id] is ResultStatus.PASS
    assert st[unread.id] is ResultStatus.MANUAL


def test_br011_model_cmk() -> None:
    base = "arn:aws:bedrock:us-east-1:123456789012:"
    custom = asset(
        AssetKind.MODEL,
        base + "custom-model/x",
        service="bedrock",
        type="AWS::Bedrock::CustomModel",
        kms_key=None,
    )
    imported = asset(
        AssetKind.MODEL,
        base + "imported-model/y",
        service="bedrock",
        type="AWS::Bedrock::ImportedModel",
        kms_key=None,
    )
    good = asset(
        AssetKind.MODEL,
        base + "custom-model/z",
        service="bedrock",
        type="AWS::Bedrock::CustomModel",
        kms_key=KEY,
    )
    inv = inventory([custom, imported, good])
    assert failing_ids(br.model_cmk, inv) == {custom.id, imported.id}
    no_high_in_category(br.model_cmk, inv, good.id)


def test_br012_agent_and_guardrail_cmk() -> None:
    bad_agent = agent("plain", "r", kms_key=None)
    bad_gr = guardrail(BAD_GR, kms_key=None)
    good_agent = agent("good", "r2")
    good_gr = guardrail(GOOD_GR)
    inv = inventory([bad_agent, bad_gr, good_agent, good_gr])
    assert failing_ids(br.agent_guardrail_cmk, inv) == {bad_agent.id, bad_gr.id}
    assert all(f.severity is Severity.LOW for f in run(br.agent_guardrail_cmk, inv))


def test_br017_customization_job_vpc() -> None:
    base = "arn:aws:bedrock:us-east-1:123456789012:model-customization-job/"
    job = "AWS::Bedrock::ModelCustomizationJob"
    bad = asset(AssetKind.TRAINING_JOB, base + "open", service="bedrock", type=job, vpc=False)
    good = asset(AssetKind.TRAINING_JOB, base + "vpc", service="bedrock", type=job, vpc=True)
    sagemaker_job = asset(
        AssetKind.TRAINING_JOB, "arn:aws:sagemaker:x", type="AWS::SageMaker::TrainingJob", vpc=False
    )
    inv = inventory([bad, good, sagemaker_job])
    assert failing_ids(br.customization_job_vpc, inv) == {bad.id}
    no_high_in_category(br.customization_job_vpc, inv, good.id)


# -- AgentCore ------------------------------------------------------------------------------------


def ac(kind: AssetKind, id: str, type: str, **attrs: Any) -> Asset:  # noqa: A002
    return asset(kind, AC + id, service="bedrock-agentcore", type=type, **attrs)


@pytest.mark.parametrize(
    ("type_", "bad_mode", "good_mode"),
    [
        (AC_RUNTIME, "PUBLIC", "VPC"),
        (AC_CODE_INTERPRETER, "PUBLIC", "SANDBOX"),
        (AC_BROWSER, "PUBLIC", "VPC"),
    ],
)
def test_ac001_public_network_mode(type_: str, bad_mode: str, good_mode: str) -> None:
    bad = ac(AssetKind.AGENT, "bad", type_, network_mode=bad_mode)
    good = ac(AssetKind.AGENT, "good", type_, network_mode=good_mode)
    gateway = ac(AssetKind.AGENT, "gw", AC_GATEWAY, authorizer_type="NONE")
    inv = inventory([bad, good, gateway])
    assert failing_ids(br.agentcore_network, inv) == {bad.id}
    assert gateway.id not in statuses(br.agentcore_network, inv)  # out of scope by metadata
    no_high_in_category(br.agentcore_network, inv, good.id)


def test_ac002_gateway_authorization() -> None:
    open_gw = ac(
        AssetKind.AGENT,
        "open",
        AC_GATEWAY,
        authorizer_type="NONE",
        policy_engine_mode=None,
        exception_level="DEBUG",
        kms_key=None,
    )
    log_only = ac(
        AssetKind.AGENT,
        "logonly",
        AC_GATEWAY,
        authorizer_type="AWS_IAM",
        policy_engine_mode="LOG_ONLY",
        exception_level=None,
        kms_key=KEY,
    )
    good = ac(
        AssetKind.AGENT,
        "good",
        AC_GATEWAY,
        authorizer_type="CUSTOM_JWT",
        policy_engine_mode="ENFORCE",
        exception_level=None,
        kms_key=KEY,
    )
    inv = inventory([open_gw, log_only, good])
    findings = run(br.gateway_authorization, inv)
    assert {f.asset_id for f in findings} == {open_gw.id, log_only.id}
    by_sev = {(f.asset_id, f.severity) for f in findings}
    assert (open_gw.id, Severity.HIGH) in by_sev
    assert (open_gw.id, Severity.LOW) in by_sev
    assert {f.severity for f in findings if f.asset_id == log_only.id} == {Severity.MEDIUM}
    no_high_in_category(br.gateway_authorization, inv, good.id)


def test_ac003_memory_gateway_cmk_and_browser_recording() -> None:
    mem_bad = ac(AssetKind.DATASET, "mem-bad", AC_MEMORY, kms_key=None)
    mem_good = ac(AssetKind.DATASET, "mem-good", AC_MEMORY, kms_key=KEY)
    gw_bad = ac(AssetKind.AGENT, "gw-bad", AC_GATEWAY, kms_key=None)
    br_bad = ac(
        AssetKind.AGENT,
        "br-bad",
        AC_BROWSER,
        recording={"enabled": False, "bucket": None},
    )
    br_good = ac(
        AssetKind.AGENT, "br-good", AC_BROWSER, recording={"enabled": True, "bucket": "rec"}
    )
    runtime = ac(AssetKind.AGENT, "rt", AC_RUNTIME, network_mode="VPC")
    inv = inventory([mem_bad, mem_good, gw_bad, br_bad, br_good, runtime])
    assert failing_ids(br.agentcore_protection, inv) == {mem_bad.id, gw_bad.id, br_bad.id}
    st = statuses(br.agentcore_protection, inv)
    assert st[mem_good.id] is ResultStatus.PASS
    assert st[br_good.id] is ResultStatus.PASS
    assert runtime.id not in st  # out of scope by metadata


def test_rule_metadata_is_complete() -> None:
    ids = [r.meta.id for r in br.RULES]
    assert len(ids) == len(set(ids))
    assert set(ids) == {
        *(f"AWS-BR-0{n:02d}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 17)),
        *(f"AWS-BR-{n:03d}" for n in range(40, 48)),
        *(f"AWS-CT-{n:03d}" for n in range(1, 5)),
        "AWS-AC-001",
        "AWS-AC-002",
        "AWS-AC-003",
    }
    for r in br.RULES:
        assert r.meta.references and r.meta.remediation and r.meta.services
