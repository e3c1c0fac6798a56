"""Amazon Bedrock (control plane ``bedrock``): guardrails, custom and imported models, provisioned
throughput, model-customization jobs, invocation logging and the account's enforced guardrails.

Assets (service ``bedrock``):

* ``guardrail`` (``AWS::Bedrock::Guardrail``, the DRAFT version ``GetGuardrail`` returns):
  ``status``; ``content_filters`` ``{TYPE: {input, output}}`` with the *effective* strength of each
  side (``NONE`` when that side is disabled or only detects, i.e. action ``NONE``; ``{}`` when the
  guardrail has no content policy); ``prompt_attack_strength`` the effective input strength of the
  ``PROMPT_ATTACK`` filter (absent when there is no such filter: read ``content_filters`` to tell
  "no filter" from "not read"); ``pii_actions`` / ``regex_actions`` the effective action of every
  PII entity / regex (``BLOCK``, ``ANONYMIZE`` or ``NONE``); ``regexes`` their count;
  ``contextual_grounding`` some grounding/relevance filter is enabled; ``kms_key``; ``tier`` the
  content-filter tier (``CLASSIC``/``STANDARD``, null when not reported).
* ``model`` (``AWS::Bedrock::CustomModel``): ``kms_key`` (``modelKmsKeyArn``),
  ``customization_type``, ``base_model``, ``status``, ``secrets`` (hyper-parameters); relations
  ``fine-tuned-from`` the base model, ``reads-data-from`` the training/validation buckets,
  ``writes-data-to`` the output bucket, ``produced-by`` the customization job.
* ``model`` (``AWS::Bedrock::ImportedModel``): ``kms_key``, ``architecture``, ``artifact_uri``
  (the imported model's S3 source); ``stores-artifact-in``
  the bucket the weights were imported from, ``produced-by`` the import job.
* ``llm-deployment`` (``AWS::Bedrock::ProvisionedModelThroughput``): ``status``, ``model_units``,
  ``commitment``, ``model``, ``authenticated`` (always true: SigV4 only); ``uses-model`` the
  (custom or foundation) model it serves.
* ``training-job`` (``AWS::Bedrock::ModelCustomizationJob``): ``vpc`` (``vpcConfig`` present),
  ``role_arn``, ``kms_key`` (the output model's key), ``status``, ``customization_type``,
  ``secrets``; ``runs-as``, ``reads-data-from`` and ``writes-data-to`` the S3 buckets.
* ``llm-service`` (``AWS::Bedrock::Service``), one per region where Bedrock is in use (an asset
  above exists, invocation logging is configured, or an agent / knowledge base exists). Its id
  ``arn:{partition}:bedrock:{region}:{account}:llm-service`` is **aiscan's synthetic id**: Bedrock
  has no ARN for the regional service. Attributes: ``invocation_logging`` ``{enabled, text, image,
  embedding, s3_bucket, cloudwatch_log_group}`` plus ``cloudwatch_kms_key`` once the log group
  was read (``text``/``image``/``embedding`` are null when the API omitted them);
  ``guardrails_ready`` the number of READY guardrails; ``enforced_guardrails`` the account's
  enforced guardrail configurations ``[{guardrail_arn, guardrail_version, owner}]`` (absent when
  botocore lacks the operation or it could not be read); ``endpoint_url`` the regional runtime
  endpoint; ``writes-data-to`` the logging buckets. Read for that asset only (where Bedrock is
  in use): ``agents_in_use`` (an agent or knowledge base exists); ``vpc_endpoints`` the
  region's VPC endpoints to ``com.amazonaws.<region>.{bedrock, bedrock-runtime, bedrock-agent,
  bedrock-agent-runtime}`` (``ec2:DescribeVpcEndpoints``) as ``[{id, service, vpc_id, state,
  endpoint_type, private_dns, open_policy}]``, ``service`` the last part of the service name and
  ``open_policy`` some Allow statement of the endpoint policy (absent = the default full-access
  policy) lets any principal call any action; ``trails`` the CloudTrail trails that apply to the
  region (``DescribeTrails`` with shadow trails, then ``GetTrailStatus`` and
  ``GetEventSelectors`` in each trail's home region) as ``[{arn, name, home_region,
  multi_region, organization, logging, selectors_read, management_events,
  data_resource_types, s3_data_prefixes, s3_data_excluded}]``: ``logging`` null and
  ``selectors_read`` false when that trail's status / selectors could not be read;
  ``data_resource_types`` the ``resources.type`` values recorded as data events (basic selectors'
  ``DataResources[].Type`` and advanced selectors with ``eventCategory = Data``);
  ``s3_data_prefixes`` the ``AWS::S3::Object`` ARN prefixes recorded (``*``: every bucket) and
  ``s3_data_excluded`` those an advanced selector excludes; ``scp_guardrails`` the account's
  service control policies as guardrails (aiscan/collectors/aws/organizations.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from aiscan.collectors.aws import organizations
from aiscan.collectors.aws.context import ScopeContext, paginate
from aiscan.collectors.aws.spec import read, row
from aiscan.core.model import Asset, AssetKind, Cloud, RelationType
from aiscan.core.sanitize import bounded
from aiscan.core.secrets import redact_env

PERMISSIONS: tuple[str, ...] = (
    "bedrock:GetModelInvocationLoggingConfiguration",
    "bedrock:ListGuardrails",
    "bedrock:GetGuardrail",
    "bedrock:ListCustomModels",
    "bedrock:GetCustomModel",
    "bedrock:ListImportedModels",
    "bedrock:GetImportedModel",
    "bedrock:ListProvisionedModelThroughputs",
    "bedrock:ListModelCustomizationJobs",
    "bedrock:GetModelCustomizationJob",
    "bedrock:ListEnforcedGuardrailsConfiguration",
    "bedrock:ListAgents",
    "bedrock:ListKnowledgeBases",
    "logs:DescribeLogGroups",
    "ec2:DescribeVpcEndpoints",
    "cloudtrail:DescribeTrails",
    "cloudtrail:GetTrailStatus",
    "cloudtrail:GetEventSelectors",
)

#: The endpoint services of Bedrock a VPC can reach privately (com.amazonaws.<region>.<name>).
ENDPOINT_SERVICES = ("bedrock", "bedrock-runtime", "bedrock-agent", "bedrock-agent-runtime")

SERVICE = "bedrock"
_HARMFUL_NONE = "NONE"


# -- SDK calls ------------------------------------------------------------------------------------


def get_logging(client: Any) -> dict[str, Any]:
    return dict(client.get_model_invocation_logging_configuration())


def list_provisioned_throughputs(client: Any) -> list[dict[str, Any]]:
    return list(paginate(client, "list_provisioned_model_throughputs", "provisionedModelSummaries"))


def has_enforced_guardrails_api(client: Any) -> bool:
    return "ListEnforcedGuardrailsConfiguration" in client.meta.service_model.operation_names


def list_enforced_guardrails(client: Any) -> list[dict[str, Any]]:
    return list(paginate(client, "list_enforced_guardrails_configuration", "guardrailsConfig"))


def describe_log_group(client: Any, name: str) -> dict[str, Any] | None:
    for group in paginate(client, "describe_log_groups", "logGroups", logGroupNamePrefix=name):
        if group.get("logGroupName") == name:
            return dict(group)
    return None


def describe_vpc_endpoints(client: Any, region: str, suffix: str = "com.amazonaws") -> list[Any]:
    names = [f"{suffix}.{region}.{name}" for name in ENDPOINT_SERVICES]
    return list(
        paginate(
            client,
            "describe_vpc_endpoints",
            "VpcEndpoints",
            Filters=[{"Name": "service-name", "Values": names}],
        )
    )


def describe_trails(client: Any) -> list[dict[str, Any]]:
    return [
        dict(t) for t in client.describe_trails(includeShadowTrails=True).get("trailList") or []
    ]


def get_trail_status(client: Any, arn: str) -> dict[str, Any]:
    return dict(client.get_trail_status(Name=arn))


def get_event_selectors(client: Any, arn: str) -> dict[str, Any]:
    return dict(client.get_event_selectors(TrailName=arn))


def any_agent_or_knowledge_base(client: Any) -> bool:
    if client.list_agents(maxResults=1).get("agentSummaries"):
        return True
    return bool(client.list_knowledge_bases(maxResults=1).get("knowledgeBaseSummaries"))


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
    created_at: Any = None,
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
        created_at=created_at,
        attributes=attributes,
        raw=bounded(raw),
    )


def _side(filt: dict[str, Any], side: str) -> str:
    """The strength a content filter really applies on one side (input/output)."""
    if filt.get(f"{side}Enabled") is False or filt.get(f"{side}Action") == "NONE":
        return _HARMFUL_NONE
    return str(filt.get(f"{side}Strength") or _HARMFUL_NONE)


def _pii_action(entry: dict[str, Any]) -> str:
    """The action a PII entity / regex really takes: NONE when both sides are off or detect-only."""
    sides = [
        entry.get(f"{side}Action") if entry.get(f"{side}Enabled") is not False else "NONE"
        for side in ("input", "output")
    ]
    if all(s == "NONE" for s in sides):
        return "NONE"
    declared = [s for s in sides if s and s != "NONE"]
    if declared:
        return "BLOCK" if "BLOCK" in declared else str(declared[0])
    return str(entry.get("action") or "NONE")


def guardrail_attributes(payload: dict[str, Any]) -> dict[str, Any]:
    content = payload.get("contentPolicy") or {}
    filters = {
        str(f["type"]): {"input": _side(f, "input"), "output": _side(f, "output")}
        for f in content.get("filters") or []
        if f.get("type")
    }
    sensitive = payload.get("sensitiveInformationPolicy") or {}
    regexes = sensitive.get("regexes") or []
    grounding = payload.get("contextualGroundingPolicy") or {}
    attrs: dict[str, Any] = {
        "status": payload.get("status"),
        "content_filters": filters,
        "pii_actions": [_pii_action(e) for e in sensitive.get("piiEntities") or []],
        "regex_actions": [_pii_action(e) for e in regexes],
        "regexes": len(regexes),
        "contextual_grounding": any(
            f.get("enabled") is not False and f.get("action") != "NONE"
            for f in grounding.get("filters") or []
        ),
        "kms_key": payload.get("kmsKeyArn"),
        "tier": (content.get("tier") or {}).get("tierName"),
    }
    if "PROMPT_ATTACK" in filters:
        attrs["prompt_attack_strength"] = filters["PROMPT_ATTACK"]["input"]
    return attrs


def to_guardrail(payload: dict[str, Any], account: str, region: str) -> Asset:
    return _asset(
        id=str(payload["guardrailArn"]),
        kind=AssetKind.GUARDRAIL,
        type="AWS::Bedrock::Guardrail",
        name=str(payload.get("name") or payload["guardrailId"]),
        account=account,
        region=region,
        payload=payload,
        attributes=guardrail_attributes(payload),
        created_at=payload.get("createdAt"),
    )


def _hyper_parameters(payload: dict[str, Any], location: str) -> tuple[dict[str, Any], list[Any]]:
    clean, hits = redact_env(payload.get("hyperParameters") or {}, location)
    redacted = dict(payload)
    if "hyperParameters" in payload:
        redacted["hyperParameters"] = clean
    return redacted, hits


def to_custom_model(payload: dict[str, Any], account: str, region: str) -> Asset:
    arn = str(payload["modelArn"])
    redacted, hits = _hyper_parameters(payload, f"{arn}:hyperParameters")
    return _asset(
        id=arn,
        kind=AssetKind.MODEL,
        type="AWS::Bedrock::CustomModel",
        name=str(payload.get("modelName") or arn.rsplit("/", 1)[-1]),
        account=account,
        region=region,
        payload=redacted,
        attributes={
            "kms_key": payload.get("modelKmsKeyArn"),
            "customization_type": payload.get("customizationType"),
            "base_model": payload.get("baseModelArn"),
            "status": payload.get("modelStatus"),
            "secrets": hits,
        },
        created_at=payload.get("creationTime"),
    )


def to_imported_model(payload: dict[str, Any], account: str, region: str) -> Asset:
    arn = str(payload["modelArn"])
    return _asset(
        id=arn,
        kind=AssetKind.MODEL,
        type="AWS::Bedrock::ImportedModel",
        name=str(payload.get("modelName") or arn.rsplit("/", 1)[-1]),
        account=account,
        region=region,
        payload=payload,
        attributes={
            "kms_key": payload.get("modelKmsKeyArn"),
            "architecture": payload.get("modelArchitecture"),
            "artifact_uri": ((payload.get("modelDataSource") or {}).get("s3DataSource") or {}).get(
                "s3Uri"
            ),
        },
        created_at=payload.get("creationTime"),
    )


def to_provisioned_throughput(payload: dict[str, Any], account: str, region: str) -> Asset:
    return _asset(
        id=str(payload["provisionedModelArn"]),
        kind=AssetKind.LLM_DEPLOYMENT,
        type="AWS::Bedrock::ProvisionedModelThroughput",
        name=str(payload.get("provisionedModelName") or payload["provisionedModelArn"]),
        account=account,
        region=region,
        payload=payload,
        attributes={
            "status": payload.get("status"),
            "model_units": payload.get("modelUnits"),
            "commitment": payload.get("commitmentDuration"),
            "model": payload.get("modelArn"),
            # the Bedrock runtime accepts only SigV4-signed calls: there is no anonymous access
            "authenticated": True,
        },
        created_at=payload.get("creationTime"),
    )


def to_customization_job(payload: dict[str, Any], account: str, region: str) -> Asset:
    arn = str(payload["jobArn"])
    redacted, hits = _hyper_parameters(payload, f"{arn}:hyperParameters")
    return _asset(
        id=arn,
        kind=AssetKind.TRAINING_JOB,
        type="AWS::Bedrock::ModelCustomizationJob",
        name=str(payload.get("jobName") or arn.rsplit("/", 1)[-1]),
        account=account,
        region=region,
        payload=redacted,
        attributes={
            "vpc": bool((payload.get("vpcConfig") or {}).get("subnetIds")),
            "role_arn": payload.get("roleArn"),
            "kms_key": payload.get("outputModelKmsKeyArn"),
            "status": payload.get("status"),
            "customization_type": payload.get("customizationType"),
            "base_model": payload.get("baseModelArn"),
            "secrets": hits,
        },
        created_at=payload.get("creationTime"),
    )


def logging_attributes(payload: dict[str, Any]) -> dict[str, Any]:
    config = payload.get("loggingConfig") or {}
    s3 = config.get("s3Config") or {}
    cloudwatch = config.get("cloudWatchConfig") or {}
    enabled = bool(s3.get("bucketName") or cloudwatch.get("logGroupName"))
    return {
        "enabled": enabled,
        "text": config.get("textDataDeliveryEnabled") if enabled else False,
        "image": config.get("imageDataDeliveryEnabled") if enabled else False,
        "embedding": config.get("embeddingDataDeliveryEnabled") if enabled else False,
        "s3_bucket": s3.get("bucketName"),
        "cloudwatch_log_group": cloudwatch.get("logGroupName"),
    }


def logging_buckets(payload: dict[str, Any]) -> list[str]:
    config = payload.get("loggingConfig") or {}
    large = (config.get("cloudWatchConfig") or {}).get("largeDataDeliveryS3Config") or {}
    names = [(config.get("s3Config") or {}).get("bucketName"), large.get("bucketName")]
    return [str(n) for n in names if n]


def enforced_attribute(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "guardrail_arn": item.get("guardrailArn"),
            "guardrail_version": item.get("guardrailVersion"),
            "owner": item.get("owner"),
        }
        for item in items
    ]


def _policy_open(document: Any) -> bool:
    """Whether an endpoint policy lets any principal call any action (absent: the default
    full-access policy). Conditions are ignored: they can only narrow, and the rule asks whether
    the policy was left wide open."""
    from aiscan.collectors.aws.iam import allows, parse_document, principals, resources, statements

    if document is None or document == "":
        return True
    if parse_document(document) is None:
        return False  # unparseable text: not known to be open
    return any(
        "*" in principals(st) and allows(st, "*:*") and "*" in resources(st)
        for st in statements(document)
        if "Condition" not in st
    )


def vpc_endpoint_entry(payload: dict[str, Any]) -> dict[str, Any]:
    service = str(payload.get("ServiceName") or "")
    return {
        "id": str(payload.get("VpcEndpointId") or ""),
        "service": service.rsplit(".", 1)[-1],
        "vpc_id": payload.get("VpcId"),
        "state": payload.get("State"),
        "endpoint_type": payload.get("VpcEndpointType"),
        "private_dns": payload.get("PrivateDnsEnabled"),
        "open_policy": _policy_open(payload.get("PolicyDocument")),
    }


def _field(selector: dict[str, Any], name: str) -> dict[str, Any] | None:
    for fs in selector.get("FieldSelectors") or []:
        if fs.get("Field") == name:
            return dict(fs)
    return None


def selector_attributes(payload: dict[str, Any]) -> dict[str, Any]:
    """What a trail records, from its GetEventSelectors answer (basic or advanced selectors)."""
    management = False
    types: set[str] = set()
    prefixes: set[str] = set()
    excluded: set[str] = set()
    for sel in payload.get("EventSelectors") or []:
        if sel.get("IncludeManagementEvents", True):
            management = True
        for res in sel.get("DataResources") or []:
            kind = str(res.get("Type") or "")
            values = [str(v) for v in res.get("Values") or []]
            if not kind or not values:
                continue
            types.add(kind)
            if kind == "AWS::S3::Object":
                prefixes.update(values)
    for sel in payload.get("AdvancedEventSelectors") or []:
        category = (_field(sel, "eventCategory") or {}).get("Equals") or []
        if "Management" in category:
            management = True
        if "Data" not in category:
            continue
        res_type = _field(sel, "resources.type") or {}
        kinds = [str(k) for k in res_type.get("Equals") or []]
        types.update(kinds)
        if "AWS::S3::Object" not in kinds:
            continue
        arn = _field(sel, "resources.ARN")
        if arn is None:
            prefixes.add("*")
            continue
        wanted = [str(v) for v in (arn.get("StartsWith") or []) + (arn.get("Equals") or [])]
        unwanted = [str(v) for v in (arn.get("NotStartsWith") or []) + (arn.get("NotEquals") or [])]
        prefixes.update(wanted if wanted else ["*"])
        excluded.update(unwanted)
    return {
        "selectors_read": True,
        "management_events": management,
        "data_resource_types": sorted(types),
        "s3_data_prefixes": sorted(prefixes),
        "s3_data_excluded": sorted(excluded),
    }


def trail_entry(
    trail: dict[str, Any], status: dict[str, Any] | None, selectors: dict[str, Any] | None
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "arn": str(trail.get("TrailARN") or trail.get("Name") or ""),
        "name": trail.get("Name"),
        "home_region": trail.get("HomeRegion"),
        "multi_region": bool(trail.get("IsMultiRegionTrail")),
        "organization": bool(trail.get("IsOrganizationTrail")),
        "logging": status.get("IsLogging") if status is not None else None,
    }
    if selectors is not None:
        entry.update(selector_attributes(selectors))
    return entry


def service_arn(partition: str, region: str, account: str) -> str:
    return f"arn:{partition}:bedrock:{region}:{account}:llm-service"


def to_service(
    *,
    partition: str,
    account: str,
    region: str,
    logging: dict[str, Any] | None,
    guardrails_ready: int | None,
    enforced: list[dict[str, Any]] | None,
    raw: dict[str, Any] | None = None,
    agents_in_use: bool | None = None,
    vpc_endpoints: list[dict[str, Any]] | None = None,
    trails: list[dict[str, Any]] | None = None,
    scp_guardrails: dict[str, Any] | None = None,
) -> Asset:
    suffix = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
    attrs: dict[str, Any] = {"endpoint_url": f"https://bedrock-runtime.{region}.{suffix}"}
    if logging is not None:
        attrs["invocation_logging"] = logging
    if guardrails_ready is not None:
        attrs["guardrails_ready"] = guardrails_ready
    if enforced is not None:
        attrs["enforced_guardrails"] = enforced
    if agents_in_use is not None:
        attrs["agents_in_use"] = agents_in_use
    if vpc_endpoints is not None:
        attrs["vpc_endpoints"] = vpc_endpoints
    if trails is not None:
        attrs["trails"] = trails
    if scp_guardrails is not None:
        attrs["scp_guardrails"] = scp_guardrails
    return Asset(
        id=service_arn(partition, region, account),
        cloud=Cloud.AWS,
        account=account,
        region=region,
        kind=AssetKind.LLM_SERVICE,
        service=SERVICE,
        type="AWS::Bedrock::Service",
        name=f"Amazon Bedrock ({region})",
        attributes=attrs,
        raw=bounded(raw or {}),
    )


# -- the scope ------------------------------------------------------------------------------------


def _relate_custom_model(ctx: ScopeContext, asset: Asset, payload: Mapping[str, Any]) -> None:
    ctx.relate(asset.id, RelationType.FINE_TUNED_FROM, payload.get("baseModelArn"))
    ctx.relate(asset.id, RelationType.PRODUCED_BY, payload.get("jobArn"))
    _relate_job_data(ctx, asset, payload)


def _relate_imported_model(ctx: ScopeContext, asset: Asset, payload: Mapping[str, Any]) -> None:
    ctx.relate(asset.id, RelationType.PRODUCED_BY, payload.get("jobArn"))
    source = (payload.get("modelDataSource") or {}).get("s3DataSource") or {}
    ctx.use_bucket(asset.id, source.get("s3Uri"), RelationType.STORES_ARTIFACT_IN)


def _relate_job(ctx: ScopeContext, asset: Asset, payload: Mapping[str, Any]) -> None:
    ctx.use_role(asset.id, payload.get("roleArn"))
    _relate_job_data(ctx, asset, payload)


def _relate_job_data(ctx: ScopeContext, asset: Asset, payload: Mapping[str, Any]) -> None:
    training = payload.get("trainingDataConfig") or {}
    ctx.use_bucket(asset.id, training.get("s3Uri"), RelationType.READS_DATA_FROM)
    logs = (training.get("invocationLogsConfig") or {}).get("invocationLogSource") or {}
    ctx.use_bucket(asset.id, logs.get("s3Uri"), RelationType.READS_DATA_FROM)
    for validator in (payload.get("validationDataConfig") or {}).get("validators") or []:
        ctx.use_bucket(asset.id, validator.get("s3Uri"), RelationType.READS_DATA_FROM)
    output = payload.get("outputDataConfig") or {}
    ctx.use_bucket(asset.id, output.get("s3Uri"), RelationType.WRITES_DATA_TO)


def _collect_provisioned(ctx: ScopeContext, client: Any) -> None:
    # list-only: the summary is the whole record, there is nothing to describe
    for summary in list_provisioned_throughputs(client):
        asset = to_provisioned_throughput(summary, ctx.account, ctx.region)
        ctx.add(asset)
        ctx.relate(asset.id, RelationType.USES_MODEL, summary.get("modelArn"))


#: A row of this module (``list_<noun>s`` / ``get_<noun>``, assets ``AWS::Bedrock::<type>``).
_row = partial(row, service=SERVICE, namespace="AWS::Bedrock")

# fmt: off
GUARDRAILS = _row("guardrails", "guardrail", "Guardrail", "guardrail", "guardrails",
                  id_key="id", id_parameter="guardrailIdentifier", transform=to_guardrail)
CUSTOM_MODELS = _row("custom models", "custom model", "CustomModel", "custom_model",
                     "modelSummaries", id_key="modelArn", id_parameter="modelIdentifier",
                     transform=to_custom_model, relate_payload=_relate_custom_model)
IMPORTED_MODELS = _row("imported models", "imported model", "ImportedModel", "imported_model",
                       "modelSummaries", id_key="modelArn", id_parameter="modelIdentifier",
                       transform=to_imported_model, relate_payload=_relate_imported_model)
#: by job name, not ARN: both are accepted and the name needs no escaping in the path
CUSTOMIZATION_JOBS = _row("customization jobs", "customization job", "ModelCustomizationJob",
                          "model_customization_job", "modelCustomizationJobSummaries",
                          id_key="jobName", id_parameter="jobIdentifier",
                          transform=to_customization_job, relate_payload=_relate_job)
# fmt: on

#: Every table row of the module (the permissions test checks their operations are declared).
SPECS = (GUARDRAILS, CUSTOM_MODELS, IMPORTED_MODELS, CUSTOMIZATION_JOBS)


def _read_logging(
    ctx: ScopeContext, client: Any
) -> tuple[dict[str, Any], list[str], dict[str, Any]]:
    payload = get_logging(client)
    attrs = logging_attributes(payload)
    group = attrs.get("cloudwatch_log_group")
    if group:
        found = ctx.section("invocation log group", describe_log_group, ctx.client("logs"), group)
        if found is not None:
            attrs["cloudwatch_kms_key"] = found.get("kmsKeyId")
    return attrs, logging_buckets(payload), payload.get("loggingConfig") or {}


def collect(ctx: ScopeContext) -> None:
    client = ctx.client("bedrock")
    assets_before = ctx.assets
    read_logging = ctx.section("invocation logging", _read_logging, ctx, client)
    guardrails = read(ctx, GUARDRAILS)
    read(ctx, CUSTOM_MODELS)
    read(ctx, IMPORTED_MODELS)
    ctx.section("provisioned throughput", _collect_provisioned, ctx, client)
    read(ctx, CUSTOMIZATION_JOBS)
    ready = None
    if guardrails is not None:
        ready = sum(a.attributes.get("status") == "READY" for a in guardrails.values())
    enforced = items_raw = None
    if has_enforced_guardrails_api(client):
        items_raw = ctx.section("enforced guardrails", list_enforced_guardrails, client)
        enforced = enforced_attribute(items_raw) if items_raw is not None else None

    logging, buckets, logging_raw = read_logging if read_logging is not None else (None, [], None)
    in_use = ctx.assets > assets_before or bool(logging and logging["enabled"]) or bool(enforced)
    # agents and knowledge bases are Bedrock use too; they are read by the bedrock-agent scope
    agents = ctx.section("bedrock use", any_agent_or_knowledge_base, ctx.client("bedrock-agent"))
    if not (in_use or agents):
        return
    endpoints = ctx.section("vpc endpoints", _read_endpoints, ctx)
    trails = ctx.section("cloudtrail", _read_trails, ctx)
    service = to_service(
        partition=ctx.partition,
        account=ctx.account,
        region=ctx.region,
        logging=logging,
        guardrails_ready=ready,
        enforced=enforced,
        raw={"loggingConfig": logging_raw, "enforcedGuardrailsConfiguration": items_raw},
        agents_in_use=agents,
        vpc_endpoints=endpoints,
        trails=trails,
        scp_guardrails=organizations.guardrails(ctx),
    )
    ctx.add(service)
    for bucket in buckets:
        ctx.use_bucket(service.id, f"s3://{bucket}", RelationType.WRITES_DATA_TO)


def _read_endpoints(ctx: ScopeContext) -> list[dict[str, Any]]:
    suffix = "cn.com.amazonaws" if ctx.partition == "aws-cn" else "com.amazonaws"
    found = describe_vpc_endpoints(ctx.client("ec2"), ctx.region, suffix)
    return [vpc_endpoint_entry(dict(e)) for e in found]


def _read_trails(ctx: ScopeContext) -> list[dict[str, Any]]:
    """The trails applying to this region; one trail's unreadable status or selectors is noted
    for the scope and leaves that trail's entry undecided (logging null, selectors_read false)."""
    out = []
    for trail in describe_trails(ctx.client("cloudtrail")):
        arn = str(trail.get("TrailARN") or "")
        home = str(trail.get("HomeRegion") or ctx.region)
        client = ctx.client("cloudtrail", home)
        label = f"trail {trail.get('Name')}"
        # a multi-region trail is the same in every region: its state is read once per account
        status = ctx.section(
            label, ctx.refs.once, ("trail status", arn), get_trail_status, client, arn
        )
        selectors = ctx.section(
            label, ctx.refs.once, ("trail selectors", arn), get_event_selectors, client, arn
        )
        out.append(trail_entry(trail, status, selectors))
    return out
