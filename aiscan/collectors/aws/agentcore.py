"""Amazon Bedrock AgentCore (control plane ``bedrock-agentcore-control``): agent runtimes,
gateways, custom code interpreters and browsers, and memories.

Read only when the installed botocore knows the service. Assets (service ``bedrock-agentcore``):

* ``agent`` ``AWS::BedrockAgentCore::Runtime``: ``network_mode`` (``PUBLIC``/``VPC``),
  ``containers`` (one entry: ``image`` the container URI or ``artifact_uri`` the S3 code bundle,
  ``environment`` redacted), ``role_arn``, ``authorizer_type`` (``CUSTOM_JWT`` when a JWT
  authorizer is configured, else ``AWS_IAM``, the runtime's SigV4 default), ``protocol``,
  ``status``, ``secrets``. Relations: ``runs-as``, ``pulls-image``.
* ``agent`` ``AWS::BedrockAgentCore::Gateway``: ``authorizer_type`` (``CUSTOM_JWT``,
  ``AWS_IAM``, ``NONE``, ...), ``kms_key``, ``policy_engine_mode`` (``ENFORCE``/``LOG_ONLY``, null
  without a policy engine), ``exception_level`` (``DEBUG`` or null), ``endpoint_url``,
  ``role_arn``, ``status``. Relations: ``runs-as``.
* ``agent`` ``AWS::BedrockAgentCore::CodeInterpreterCustom``: ``network_mode``
  (``PUBLIC``/``SANDBOX``/``VPC``), ``role_arn``, ``status``.
* ``agent`` ``AWS::BedrockAgentCore::BrowserCustom``: ``network_mode`` (``PUBLIC``/``VPC``),
  ``recording`` ``{enabled, bucket}``, ``role_arn``, ``status``. Relations: ``runs-as``,
  ``writes-data-to`` the recording bucket.
* ``dataset`` ``AWS::BedrockAgentCore::Memory`` (what agents remember between sessions):
  ``kms_key`` (``encryptionKeyArn``), ``role_arn``, ``event_expiry_days``, ``strategies``,
  ``status``.

AWS-managed (``SYSTEM``) code interpreters and browsers are not listed: only custom ones carry
customer configuration.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from aiscan.collectors.aws.context import ScopeContext
from aiscan.collectors.aws.spec import read, row
from aiscan.core.model import Asset, AssetKind, Cloud, RelationType
from aiscan.core.sanitize import bounded
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


# -- SDK calls ------------------------------------------------------------------------------------


def available() -> bool:
    """Older botocore releases have no AgentCore model; then there is nothing to read."""
    import botocore.session

    return CLIENT in botocore.session.get_session().get_available_services()


# -- transforms -----------------------------------------------------------------------------------


def _asset(
    *,
    id: str,  # noqa: A002
    kind: AssetKind,
    type: str,  # noqa: A002
    name: str,
    account: str,
    region: str,
    payload: dict[str, Any],
    attributes: dict[str, Any],
) -> Asset:
    raw = {k: v for k, v in payload.items() if k != "ResponseMetadata"}
    return Asset(
        id=id,
        cloud=Cloud.AWS,
        account=account,
        region=region,
        kind=kind,
        service=SERVICE,
        type=type,
        name=name,
        created_at=payload.get("createdAt"),
        attributes=attributes,
        raw=bounded(raw),
    )


def _network_mode(payload: dict[str, Any]) -> str | None:
    mode = (payload.get("networkConfiguration") or {}).get("networkMode")
    return str(mode) if mode else None


def to_runtime(payload: dict[str, Any], account: str, region: str) -> Asset:
    arn = str(payload["agentRuntimeArn"])
    artifact = payload.get("agentRuntimeArtifact") or {}
    image = (artifact.get("containerConfiguration") or {}).get("containerUri")
    code = ((artifact.get("codeConfiguration") or {}).get("code") or {}).get("s3") or {}
    code_uri = f"s3://{code['bucket']}/{code.get('prefix', '')}" if code.get("bucket") else None
    env, hits = redact_env(payload.get("environmentVariables") or {}, f"{arn}:environment")
    raw = dict(payload)
    if "environmentVariables" in payload:
        raw["environmentVariables"] = env
    authorizer = payload.get("authorizerConfiguration") or {}
    return _asset(
        id=arn,
        kind=AssetKind.AGENT,
        type="AWS::BedrockAgentCore::Runtime",
        name=str(payload.get("agentRuntimeName") or payload["agentRuntimeId"]),
        account=account,
        region=region,
        payload=raw,
        attributes={
            "network_mode": _network_mode(payload),
            "containers": [
                {
                    "name": payload.get("agentRuntimeName"),
                    "image": image,
                    "environment": env,
                    "artifact_uri": code_uri,
                    "repository_access_mode": None,
                    "model_package": None,
                }
            ],
            "role_arn": payload.get("roleArn"),
            "authorizer_type": "CUSTOM_JWT" if authorizer.get("customJWTAuthorizer") else "AWS_IAM",
            "protocol": (payload.get("protocolConfiguration") or {}).get("serverProtocol"),
            "status": payload.get("status"),
            "secrets": hits,
        },
    )


def to_gateway(payload: dict[str, Any], account: str, region: str) -> Asset:
    policy = payload.get("policyEngineConfiguration") or {}
    return _asset(
        id=str(payload["gatewayArn"]),
        kind=AssetKind.AGENT,
        type="AWS::BedrockAgentCore::Gateway",
        name=str(payload.get("name") or payload["gatewayId"]),
        account=account,
        region=region,
        payload=payload,
        attributes={
            "authorizer_type": payload.get("authorizerType"),
            "kms_key": payload.get("kmsKeyArn"),
            "policy_engine_mode": policy.get("mode"),
            "exception_level": payload.get("exceptionLevel"),
            "endpoint_url": payload.get("gatewayUrl"),
            "role_arn": payload.get("roleArn"),
            "status": payload.get("status"),
        },
    )


def to_code_interpreter(payload: dict[str, Any], account: str, region: str) -> Asset:
    return _asset(
        id=str(payload["codeInterpreterArn"]),
        kind=AssetKind.AGENT,
        type="AWS::BedrockAgentCore::CodeInterpreterCustom",
        name=str(payload.get("name") or payload["codeInterpreterId"]),
        account=account,
        region=region,
        payload=payload,
        attributes={
            "network_mode": _network_mode(payload),
            "role_arn": payload.get("executionRoleArn"),
            "status": payload.get("status"),
        },
    )


def to_browser(payload: dict[str, Any], account: str, region: str) -> Asset:
    recording = payload.get("recording") or {}
    return _asset(
        id=str(payload["browserArn"]),
        kind=AssetKind.AGENT,
        type="AWS::BedrockAgentCore::BrowserCustom",
        name=str(payload.get("name") or payload["browserId"]),
        account=account,
        region=region,
        payload=payload,
        attributes={
            "network_mode": _network_mode(payload),
            "recording": {
                "enabled": bool(recording.get("enabled")),
                "bucket": (recording.get("s3Location") or {}).get("bucket"),
            },
            "role_arn": payload.get("executionRoleArn"),
            "status": payload.get("status"),
        },
    )


def to_memory(payload: dict[str, Any], account: str, region: str) -> Asset:
    return _asset(
        id=str(payload["arn"]),
        kind=AssetKind.DATASET,
        type="AWS::BedrockAgentCore::Memory",
        name=str(payload.get("name") or payload["id"]),
        account=account,
        region=region,
        payload=payload,
        attributes={
            "kms_key": payload.get("encryptionKeyArn"),
            "role_arn": payload.get("memoryExecutionRoleArn"),
            "event_expiry_days": payload.get("eventExpiryDuration"),
            "strategies": [s.get("type") for s in payload.get("strategies") or []],
            "status": payload.get("status"),
        },
    )


# -- the scope ------------------------------------------------------------------------------------


def _relate_runtime(ctx: ScopeContext, asset: Asset) -> None:
    ctx.use_role(asset.id, asset.attributes.get("role_arn"))
    for container in asset.attributes["containers"]:
        ctx.use_image(asset.id, container["image"])


def _relate_role(ctx: ScopeContext, asset: Asset) -> None:
    ctx.use_role(asset.id, asset.attributes.get("role_arn"))


def _relate_browser(ctx: ScopeContext, asset: Asset) -> None:
    ctx.use_role(asset.id, asset.attributes.get("role_arn"))
    bucket = asset.attributes["recording"]["bucket"]
    if bucket:
        ctx.use_bucket(asset.id, f"s3://{bucket}", RelationType.WRITES_DATA_TO)


#: A row of this module: ``list_<noun>s`` / ``get_<noun>``, ``AWS::BedrockAgentCore::<type>``.
_row = partial(row, service=CLIENT, namespace="AWS::BedrockAgentCore")

#: Only custom code interpreters and browsers: the AWS-managed ones carry no customer settings.
_CUSTOM: dict[str, Any] = {"list_parameters": {"type": "CUSTOM"}}

# fmt: off
RUNTIMES = _row("agent runtimes", "runtime", "Runtime", "agent_runtime", "agentRuntimes",
                id_key="agentRuntimeId", id_parameter="agentRuntimeId", transform=to_runtime,
                relate=_relate_runtime)
GATEWAYS = _row("gateways", "gateway", "Gateway", "gateway", "items", id_key="gatewayId",
                id_parameter="gatewayIdentifier", transform=to_gateway, relate=_relate_role)
CODE_INTERPRETERS = _row("code interpreters", "code interpreter", "CodeInterpreterCustom",
                         "code_interpreter", "codeInterpreterSummaries",
                         id_key="codeInterpreterId", id_parameter="codeInterpreterId",
                         transform=to_code_interpreter, relate=_relate_role, **_CUSTOM)
BROWSERS = _row("browsers", "browser", "BrowserCustom", "browser", "browserSummaries",
                id_key="browserId", id_parameter="browserId", transform=to_browser,
                relate=_relate_browser, **_CUSTOM)
MEMORIES = _row("memories", "memory", "Memory", "memory", "memories",
                list_operation="list_memories", id_key="id", id_parameter="memoryId",
                describe_key="memory", transform=to_memory, relate=_relate_role)
# fmt: on

#: Every table row of the module (the permissions test checks their operations are declared).
SPECS = (RUNTIMES, GATEWAYS, CODE_INTERPRETERS, BROWSERS, MEMORIES)


def collect(ctx: ScopeContext) -> None:
    if not available():
        return
    for spec in SPECS:
        read(ctx, spec)
