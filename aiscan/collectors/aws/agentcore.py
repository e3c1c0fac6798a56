"""Amazon Bedrock AgentCore (control plane ``bedrock-agentcore-control``): agent runtimes,
gateways, custom code interpreters and browsers, and memories (service ``bedrock-agentcore``).

Read only when the installed botocore knows the service. AWS-managed (``SYSTEM``) code
interpreters and browsers are not listed: only custom ones carry customer configuration.

Facts: aiscan/core/facts/aws.py ``AgentCore*Facts`` (docs/attributes.md). Every asset ``runs-as``
its role; a runtime ``pulls-image`` its container, a browser ``writes-data-to`` its recording
bucket.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from aiscan.collectors.aws.assets import Shape, without_metadata
from aiscan.collectors.aws.context import ScopeContext
from aiscan.collectors.aws.spec import read, row
from aiscan.collectors.payload import integer, items, mapping, opt, req
from aiscan.core.model import Asset, AssetKind, RelationType
from aiscan.core.secrets import redact_env

PERMISSIONS: tuple[str, ...] = (
    "bedrock-agentcore:ListAgentRuntimes",
    "bedrock-agentcore:GetAgentRuntime",
    "bedrock-agentcore:ListGateways",
    "bedrock-agentcore:GetGateway",
    "bedrock-agentcore:ListCodeInterpreters",
    "bedrock-agentcore:GetCodeInterpreter",
    "bedrock-agentcore:ListBrowsers",
    "bedrock-agentcore:GetBrowser",
    "bedrock-agentcore:ListMemories",
    "bedrock-agentcore:GetMemory",
)

SERVICE = "bedrock-agentcore"
CLIENT = "bedrock-agentcore-control"


def available() -> bool:
    """Older botocore releases have no AgentCore model; then there is nothing to read."""
    import botocore.session

    return CLIENT in botocore.session.get_session().get_available_services()


# -- transforms -----------------------------------------------------------------------------------


def _shape(kind: AssetKind, type_: str, arn_key: str, name_key: str = "name") -> Shape:
    return Shape(kind, SERVICE, f"AWS::BedrockAgentCore::{type_}", arn_key, name_key, "createdAt")


RUNTIME = _shape(AssetKind.AGENT, "Runtime", "agentRuntimeArn", "agentRuntimeName")
GATEWAY = _shape(AssetKind.AGENT, "Gateway", "gatewayArn")
CODE_INTERPRETER = _shape(AssetKind.AGENT, "CodeInterpreterCustom", "codeInterpreterArn")
BROWSER = _shape(AssetKind.AGENT, "BrowserCustom", "browserArn")
MEMORY = _shape(AssetKind.DATASET, "Memory", "arn")


def _runs_as(payload: Mapping[str, Any], role_key: str = "executionRoleArn") -> dict[str, Any]:
    """What every AgentCore family reports: the role it runs as and its status."""
    return {"role_arn": opt(payload, role_key), "status": opt(payload, "status")}


def _network_mode(payload: Mapping[str, Any]) -> str | None:
    return opt(mapping(payload, "networkConfiguration"), "networkMode")


def to_runtime(payload: dict[str, Any], account: str, region: str) -> Asset:
    arn = req(payload, "agentRuntimeArn")
    artifact = mapping(payload, "agentRuntimeArtifact")
    code = mapping(mapping(mapping(artifact, "codeConfiguration"), "code"), "s3")
    bucket = opt(code, "bucket")
    env, hits = redact_env(mapping(payload, "environmentVariables"), f"{arn}:environment")
    container = {
        "name": opt(payload, "agentRuntimeName"),
        "image": opt(mapping(artifact, "containerConfiguration"), "containerUri"),
        "environment": env,
        "artifact_uri": f"s3://{bucket}/{opt(code, 'prefix') or ''}" if bucket else None,
        "repository_access_mode": None,
        "model_package": None,
    }
    jwt = mapping(mapping(payload, "authorizerConfiguration"), "customJWTAuthorizer")
    attrs = {
        "network_mode": _network_mode(payload),
        "containers": [container],
        "authorizer_type": "CUSTOM_JWT" if jwt else "AWS_IAM",
        "protocol": opt(mapping(payload, "protocolConfiguration"), "serverProtocol"),
        "secrets": hits,
        **_runs_as(payload, "roleArn"),
    }
    raw = without_metadata(payload, environmentVariables=env)
    return RUNTIME.asset(payload, account, region, attrs, raw)


def to_gateway(payload: dict[str, Any], account: str, region: str) -> Asset:
    attrs = {
        "authorizer_type": opt(payload, "authorizerType"),
        "kms_key": opt(payload, "kmsKeyArn"),
        "policy_engine_mode": opt(mapping(payload, "policyEngineConfiguration"), "mode"),
        "exception_level": opt(payload, "exceptionLevel"),
        "endpoint_url": opt(payload, "gatewayUrl"),
        **_runs_as(payload, "roleArn"),
    }
    return GATEWAY.asset(payload, account, region, attrs)


def to_code_interpreter(payload: dict[str, Any], account: str, region: str) -> Asset:
    attrs = {"network_mode": _network_mode(payload), **_runs_as(payload)}
    return CODE_INTERPRETER.asset(payload, account, region, attrs)


def to_browser(payload: dict[str, Any], account: str, region: str) -> Asset:
    recording = mapping(payload, "recording")
    attrs = {
        "network_mode": _network_mode(payload),
        "recording": {
            "enabled": bool(recording.get("enabled")),
            "bucket": opt(mapping(recording, "s3Location"), "bucket"),
        },
        **_runs_as(payload),
    }
    return BROWSER.asset(payload, account, region, attrs)


def to_memory(payload: dict[str, Any], account: str, region: str) -> Asset:
    attrs = {
        "kms_key": opt(payload, "encryptionKeyArn"),
        "event_expiry_days": integer(payload, "eventExpiryDuration"),
        "strategies": [opt(s, "type") for s in items(payload, "strategies")],
        **_runs_as(payload, "memoryExecutionRoleArn"),
    }
    return MEMORY.asset(payload, account, region, attrs)


# -- the scope ------------------------------------------------------------------------------------


def _relate(ctx: ScopeContext, asset: Asset) -> None:
    attrs = asset.attributes
    ctx.use_role(asset.id, attrs["role_arn"])
    for container in attrs.get("containers") or []:
        ctx.use_image(asset.id, container["image"])
    bucket = (attrs.get("recording") or {}).get("bucket")
    if bucket:
        ctx.use_bucket(asset.id, f"s3://{bucket}", RelationType.WRITES_DATA_TO)


#: A row of this module: ``list_<noun>s`` / ``get_<noun>``, ``AWS::BedrockAgentCore::<type>``.
_row = partial(row, service=CLIENT, namespace="AWS::BedrockAgentCore", relate=_relate)

#: Only custom code interpreters and browsers: the AWS-managed ones carry no customer settings.
_CUSTOM: dict[str, Any] = {"list_parameters": {"type": "CUSTOM"}}

# fmt: off
RUNTIMES = _row("agent runtimes", "runtime", "Runtime", "agent_runtime", "agentRuntimes",
                id_key="agentRuntimeId", id_parameter="agentRuntimeId", transform=to_runtime)
GATEWAYS = _row("gateways", "gateway", "Gateway", "gateway", "items", id_key="gatewayId",
                id_parameter="gatewayIdentifier", transform=to_gateway)
CODE_INTERPRETERS = _row("code interpreters", "code interpreter", "CodeInterpreterCustom",
                         "code_interpreter", "codeInterpreterSummaries",
                         id_key="codeInterpreterId", id_parameter="codeInterpreterId",
                         transform=to_code_interpreter, **_CUSTOM)
BROWSERS = _row("browsers", "browser", "BrowserCustom", "browser", "browserSummaries",
                id_key="browserId", id_parameter="browserId", transform=to_browser, **_CUSTOM)
MEMORIES = _row("memories", "memory", "Memory", "memory", "memories",
                list_operation="list_memories", id_key="id", id_parameter="memoryId",
                describe_key="memory", transform=to_memory)
# fmt: on

#: Every table row of the module (the permissions test checks their operations are declared).
SPECS = (RUNTIMES, GATEWAYS, CODE_INTERPRETERS, BROWSERS, MEMORIES)


def collect(ctx: ScopeContext) -> None:
    if not available():
        return
    for spec in SPECS:
        read(ctx, spec)
