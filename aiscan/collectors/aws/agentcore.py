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

from typing import Any

from aiscan.collectors.aws.context import ScopeContext, paginate
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


def list_runtimes(client: Any) -> list[dict[str, Any]]:
    return list(paginate(client, "list_agent_runtimes", "agentRuntimes"))


def get_runtime(client: Any, runtime_id: str) -> dict[str, Any]:
    return dict(client.get_agent_runtime(agentRuntimeId=runtime_id))


def list_gateways(client: Any) -> list[dict[str, Any]]:
    return list(paginate(client, "list_gateways", "items"))


def get_gateway(client: Any, gateway_id: str) -> dict[str, Any]:
    return dict(client.get_gateway(gatewayIdentifier=gateway_id))


def list_code_interpreters(client: Any) -> list[dict[str, Any]]:
    return list(
        paginate(client, "list_code_interpreters", "codeInterpreterSummaries", type="CUSTOM")
    )


def get_code_interpreter(client: Any, ci_id: str) -> dict[str, Any]:
    return dict(client.get_code_interpreter(codeInterpreterId=ci_id))


def list_browsers(client: Any) -> list[dict[str, Any]]:
    return list(paginate(client, "list_browsers", "browserSummaries", type="CUSTOM"))


def get_browser(client: Any, browser_id: str) -> dict[str, Any]:
    return dict(client.get_browser(browserId=browser_id))


def list_memories(client: Any) -> list[dict[str, Any]]:
    return list(paginate(client, "list_memories", "memories"))


def get_memory(client: Any, memory_id: str) -> dict[str, Any]:
    return dict(client.get_memory(memoryId=memory_id)["memory"])


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


def _each(
    ctx: ScopeContext,
    what: str,
    items: list[dict[str, Any]],
    key: str,
    get: Any,
    client: Any,
    transform: Any,
) -> list[Asset]:
    """Describe and add every listed item; one that fails to describe does not lose the others."""
    ids = [summary[key] for summary in items if summary.get(key)]
    added = []
    for payload in ctx.each(what, get, ids, client):
        if payload is None:
            continue
        asset: Asset = transform(payload, ctx.account, ctx.region)
        ctx.add(asset)
        ctx.use_role(asset.id, asset.attributes.get("role_arn"))
        added.append(asset)
    return added


def _collect_runtimes(ctx: ScopeContext, client: Any) -> None:
    items = list_runtimes(client)
    for asset in _each(ctx, "runtime", items, "agentRuntimeId", get_runtime, client, to_runtime):
        for container in asset.attributes["containers"]:
            ctx.use_image(asset.id, container["image"])


def _collect_gateways(ctx: ScopeContext, client: Any) -> None:
    _each(ctx, "gateway", list_gateways(client), "gatewayId", get_gateway, client, to_gateway)


def _collect_code_interpreters(ctx: ScopeContext, client: Any) -> None:
    items = list_code_interpreters(client)
    _each(
        ctx,
        "code interpreter",
        items,
        "codeInterpreterId",
        get_code_interpreter,
        client,
        to_code_interpreter,
    )


def _collect_browsers(ctx: ScopeContext, client: Any) -> None:
    items = list_browsers(client)
    for asset in _each(ctx, "browser", items, "browserId", get_browser, client, to_browser):
        bucket = asset.attributes["recording"]["bucket"]
        if bucket:
            ctx.use_bucket(asset.id, f"s3://{bucket}", RelationType.WRITES_DATA_TO)


def _collect_memories(ctx: ScopeContext, client: Any) -> None:
    _each(ctx, "memory", list_memories(client), "id", get_memory, client, to_memory)


def collect(ctx: ScopeContext) -> None:
    if not available():
        return
    client = ctx.client(CLIENT)
    ctx.section("agent runtimes", _collect_runtimes, ctx, client)
    ctx.section("gateways", _collect_gateways, ctx, client)
    ctx.section("code interpreters", _collect_code_interpreters, ctx, client)
    ctx.section("browsers", _collect_browsers, ctx, client)
    ctx.section("memories", _collect_memories, ctx, client)
