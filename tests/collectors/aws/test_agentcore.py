"""Bedrock AgentCore: transforms on recorded payloads, and the real collector under moto (runtimes,
gateways, memories) with code interpreters and browsers, which moto lacks, answered in their real
response shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from moto import mock_aws

from aiscan.collectors.aws import agentcore, bedrock, bedrock_agent
from aiscan.collectors.aws.permissions import iam_action
from aiscan.core.inventory import Inventory
from aiscan.core.model import AssetKind, CoverageStatus, RelationType
from aiscan.core.secrets import REDACTED
from tests import awsfake

DATA = Path(__file__).resolve().parents[2] / "data" / "aws"
ACCOUNT = "123456789012"
REGION = "us-east-1"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1111aaaa-2222-3333-4444-555566667777"
IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/support-agent:latest"


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text())


def test_runtime_transform_redacts_environment() -> None:
    rt = agentcore.to_runtime(load("bedrock_agentcore_GetAgentRuntime.json"), ACCOUNT, REGION)
    assert (rt.kind, rt.type, rt.service) == (
        AssetKind.AGENT,
        "AWS::BedrockAgentCore::Runtime",
        "bedrock-agentcore",
    )
    a = rt.attributes
    assert a["network_mode"] == "PUBLIC"
    assert a["authorizer_type"] == "AWS_IAM"
    assert a["role_arn"] == f"arn:aws:iam::{ACCOUNT}:role/agentcore-runtime"
    [container] = a["containers"]
    assert container["image"] == IMAGE
    assert container["environment"] == {"LOG_LEVEL": "info", "OPENAI_API_KEY": REDACTED}
    assert [(h["name"], h["kind"]) for h in a["secrets"]] == [("OPENAI_API_KEY", "openai-api-key")]
    assert "sk-proj-" not in json.dumps(rt.raw)


def test_gateway_transforms() -> None:
    good = agentcore.to_gateway(load("bedrock_agentcore_GetGateway.json"), ACCOUNT, REGION)
    assert good.attributes["authorizer_type"] == "CUSTOM_JWT"
    assert good.attributes["kms_key"] == KEY
    assert good.attributes["policy_engine_mode"] == "ENFORCE"
    assert good.attributes["exception_level"] is None
    assert good.attributes["endpoint_url"].startswith("https://tools-gw-")
    open_gw = agentcore.to_gateway(load("bedrock_agentcore_GetGateway__open.json"), ACCOUNT, REGION)
    assert (
        open_gw.attributes["authorizer_type"],
        open_gw.attributes["kms_key"],
        open_gw.attributes["policy_engine_mode"],
        open_gw.attributes["exception_level"],
    ) == ("NONE", None, None, "DEBUG")


def test_tool_and_memory_transforms() -> None:
    ci = agentcore.to_code_interpreter(
        load("bedrock_agentcore_GetCodeInterpreter.json"), ACCOUNT, REGION
    )
    assert (ci.type, ci.attributes["network_mode"]) == (
        "AWS::BedrockAgentCore::CodeInterpreterCustom",
        "PUBLIC",
    )
    browser = agentcore.to_browser(load("bedrock_agentcore_GetBrowser.json"), ACCOUNT, REGION)
    assert browser.attributes["network_mode"] == "VPC"
    assert browser.attributes["recording"] == {
        "enabled": True,
        "bucket": "agent-browser-recordings",
    }
    memory = agentcore.to_memory(
        load("bedrock_agentcore_GetMemory.json")["memory"], ACCOUNT, REGION
    )
    assert (memory.kind, memory.attributes["kms_key"], memory.attributes["strategies"]) == (
        AssetKind.DATASET,
        KEY,
        ["SEMANTIC"],
    )


def _targets(inv: Inventory, source: str, type_: RelationType) -> set[str]:
    return {r.target for r in inv.outgoing(source, type_)}


def _handlers() -> dict[str, awsfake.Handler]:
    return {
        "before-call.bedrock-agentcore-control.ListCodeInterpreters": awsfake.canned(
            lambda p: (
                load("bedrock_agentcore_ListCodeInterpreters.json")
                if p.get("type") == "CUSTOM"
                else {"codeInterpreterSummaries": []}
            )
        ),
        "before-call.bedrock-agentcore-control.GetCodeInterpreter": awsfake.canned(
            load("bedrock_agentcore_GetCodeInterpreter.json")
        ),
        "before-call.bedrock-agentcore-control.ListBrowsers": awsfake.canned(
            load("bedrock_agentcore_ListBrowsers.json")
        ),
        "before-call.bedrock-agentcore-control.GetBrowser": awsfake.canned(
            load("bedrock_agentcore_GetBrowser.json")
        ),
    }


@mock_aws
def test_collects_agentcore_resources() -> None:
    control = boto3.client("bedrock-agentcore-control", region_name=REGION)
    runtime = control.create_agent_runtime(
        agentRuntimeName="support_runtime",
        agentRuntimeArtifact={"containerConfiguration": {"containerUri": IMAGE}},
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/agentcore-runtime",
        networkConfiguration={"networkMode": "PUBLIC"},
        environmentVariables={"HF_TOKEN": "hf_abcdefghijklmnopqrstuvwxyzABCDEF1234"},
    )["agentRuntimeArn"]
    gateway = control.create_gateway(
        name="open-gw",
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/agentcore-gateway",
        protocolType="MCP",
        authorizerType="NONE",
    )["gatewayArn"]
    memory = control.create_memory(name="chat_memory", eventExpiryDuration=30)["memory"]["arn"]

    inv = awsfake.collect(services=("bedrock-agentcore",), handlers=_handlers())
    cov = next(c for c in inv.coverage if c.service == "bedrock-agentcore")
    assert cov.status is CoverageStatus.OK, cov.message
    assert cov.assets == 5

    rt = inv.get(runtime)
    assert rt is not None and rt.kind is AssetKind.AGENT
    assert rt.attributes["network_mode"] == "PUBLIC"
    assert rt.attributes["containers"][0]["environment"] == {"HF_TOKEN": REDACTED}
    assert _targets(inv, runtime, RelationType.RUNS_AS) == {
        f"arn:aws:iam::{ACCOUNT}:role/agentcore-runtime"
    }
    assert _targets(inv, runtime, RelationType.PULLS_IMAGE) == {
        f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/support-agent"
    }

    gw = inv.get(gateway)
    assert gw is not None
    assert (gw.attributes["authorizer_type"], gw.attributes["kms_key"]) == ("NONE", None)

    mem = inv.get(memory)
    assert mem is not None and mem.kind is AssetKind.DATASET
    assert mem.attributes["kms_key"] is None

    ci_id = (
        f"arn:aws:bedrock-agentcore:{REGION}:{ACCOUNT}:code-interpreter-custom/ci_public-Zx12Cv34Bn"
    )
    assert inv.get(ci_id).attributes["network_mode"] == "PUBLIC"  # type: ignore[union-attr]
    browser = f"arn:aws:bedrock-agentcore:{REGION}:{ACCOUNT}:browser-custom/br_private-Qw12Er34Ty"
    assert _targets(inv, browser, RelationType.WRITES_DATA_TO) == {
        "arn:aws:s3:::agent-browser-recordings"
    }


@mock_aws
def test_one_denied_tool_list_does_not_hide_the_rest() -> None:
    control = boto3.client("bedrock-agentcore-control", region_name=REGION)
    control.create_memory(name="chat_memory", eventExpiryDuration=30, encryptionKeyArn=KEY)
    handlers = _handlers()
    handlers["before-call.bedrock-agentcore-control.ListBrowsers"] = awsfake.error(
        "AccessDeniedException", status=403
    )
    inv = awsfake.collect(services=("bedrock-agentcore",), handlers=handlers)
    cov = next(c for c in inv.coverage if c.service == "bedrock-agentcore")
    assert cov.status is CoverageStatus.DENIED
    assert "ListBrowsers" in cov.message
    assert [a.attributes["kms_key"] for a in inv.of_kind(AssetKind.DATASET)] == [KEY]
    assert [a.type for a in inv.of_kind(AssetKind.AGENT)] == [
        "AWS::BedrockAgentCore::CodeInterpreterCustom"
    ]


@mock_aws
def test_every_call_of_a_scan_is_in_the_documented_permissions() -> None:
    control = boto3.client("bedrock-agentcore-control", region_name=REGION)
    control.create_memory(name="chat_memory", eventExpiryDuration=30)
    calls: set[tuple[str, str]] = set()

    def record(model: Any, **_: Any) -> None:
        calls.add((model.service_model.endpoint_prefix, model.name))

    handlers = {**_handlers(), "before-parameter-build": record}
    awsfake.collect(services=("bedrock-agentcore",), handlers=handlers)
    called = {iam_action(prefix, op) for prefix, op in calls if prefix not in ("sts", "ec2")}
    assert called <= set(agentcore.PERMISSIONS), called - set(agentcore.PERMISSIONS)
    assert "bedrock-agentcore:GetMemory" in called


@pytest.mark.parametrize(
    ("module", "client_name", "prefix"),
    [
        (agentcore, agentcore.CLIENT, "bedrock-agentcore"),
        (bedrock, "bedrock", "bedrock"),
        (bedrock_agent, "bedrock-agent", "bedrock"),
    ],
)
def test_every_bedrock_table_row_reads_only_and_declares_its_permissions(
    module: Any, client_name: str, prefix: str
) -> None:
    if not agentcore.available():
        pytest.skip("botocore has no AgentCore model")
    client = botocore.session.get_session().create_client(
        client_name, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    api = client.meta.method_to_api_mapping
    for spec in module.SPECS:
        assert spec.service == client_name
        for op in filter(None, (spec.list_operation, spec.describe_operation)):  # "": list-only
            assert f"{prefix}:{api[op]}" in module.PERMISSIONS, op
        assert client.can_paginate(spec.list_operation), spec.list_operation
