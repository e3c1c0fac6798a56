"""Amazon Bedrock (control plane ``bedrock``): guardrails, custom and imported models, provisioned
throughput, model-customization jobs, invocation logging and the account's enforced guardrails.

Facts: aiscan/core/facts/aws.py ``Bedrock*Facts`` (docs/attributes.md). A guardrail is its DRAFT
version (what ``GetGuardrail`` returns).

One ``llm-service`` asset (``AWS::Bedrock::Service``) stands for each region where Bedrock is in
use (an asset above exists, invocation logging is configured, or an agent / knowledge base
exists). Its id ``arn:{partition}:bedrock:{region}:{account}:llm-service`` is **aiscan's
synthetic id**: Bedrock has no ARN for the regional service. Only for that asset are the
region's VPC endpoints to Bedrock read (``ec2:DescribeVpcEndpoints``) and the CloudTrail trails
that apply to the region (``DescribeTrails`` with shadow trails, then ``GetTrailStatus`` and
``GetEventSelectors`` in each trail's home region, once per account for a multi-region trail), and
the account's service control policies (organizations.py, once per account).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from aiscan.collectors.aws import organizations
from aiscan.collectors.aws.assets import Shape, aws_asset, without_metadata
from aiscan.collectors.aws.context import ScopeContext, paginate
from aiscan.collectors.aws.spec import read, row
from aiscan.collectors.payload import flag, integer, items, mapping, opt, req
from aiscan.core.model import Asset, AssetKind, RelationType
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


# -- SDK calls ------------------------------------------------------------------------------------


def list_enforced_guardrails(client: Any) -> list[dict[str, Any]]:
    return list(paginate(client, "list_enforced_guardrails_configuration", "guardrailsConfig"))


def describe_log_group(client: Any, name: str) -> dict[str, Any] | None:
    groups = paginate(client, "describe_log_groups", "logGroups", logGroupNamePrefix=name)
    return next((dict(g) for g in groups if g.get("logGroupName") == name), None)


def any_agent_or_knowledge_base(client: Any) -> bool:
    """One short page of each listing: the bedrock-agent scope reads them in full, but this scope
    must know without it (it may be scanned alone), and it stops at the first agent."""
    if client.list_agents(maxResults=1).get("agentSummaries"):
        return True
    return bool(client.list_knowledge_bases(maxResults=1).get("knowledgeBaseSummaries"))


# -- transforms -----------------------------------------------------------------------------------


def _shape(
    kind: AssetKind, type_: str, keys: tuple[str, str], created: str = "creationTime"
) -> Shape:
    return Shape(kind, SERVICE, f"AWS::Bedrock::{type_}", *keys, created)


# fmt: off
GUARDRAIL = _shape(AssetKind.GUARDRAIL, "Guardrail", ("guardrailArn", "name"), "createdAt")
CUSTOM_MODEL = _shape(AssetKind.MODEL, "CustomModel", ("modelArn", "modelName"))
IMPORTED_MODEL = _shape(AssetKind.MODEL, "ImportedModel", ("modelArn", "modelName"))
THROUGHPUT = _shape(AssetKind.LLM_DEPLOYMENT, "ProvisionedModelThroughput",
                    ("provisionedModelArn", "provisionedModelName"))
JOB = _shape(AssetKind.TRAINING_JOB, "ModelCustomizationJob", ("jobArn", "jobName"))
# fmt: on


def _side(filt: dict[str, Any], side: str) -> str:
    """The strength a content filter really applies on one side (input/output)."""
    if filt.get(f"{side}Enabled") is False or filt.get(f"{side}Action") == "NONE":
        return "NONE"
    return str(filt.get(f"{side}Strength") or "NONE")


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


def guardrail_attributes(payload: Mapping[str, Any]) -> dict[str, Any]:
    content = mapping(payload, "contentPolicy")
    filters = {
        str(f["type"]): {"input": _side(f, "input"), "output": _side(f, "output")}
        for f in items(content, "filters")
        if f.get("type")
    }
    sensitive = mapping(payload, "sensitiveInformationPolicy")
    regexes = items(sensitive, "regexes")
    attrs: dict[str, Any] = {
        "status": opt(payload, "status"),
        "content_filters": filters,
        "pii_actions": [_pii_action(e) for e in items(sensitive, "piiEntities")],
        "regex_actions": [_pii_action(e) for e in regexes],
        "regexes": len(regexes),
        "contextual_grounding": any(
            f.get("enabled") is not False and f.get("action") != "NONE"
            for f in items(mapping(payload, "contextualGroundingPolicy"), "filters")
        ),
        "kms_key": opt(payload, "kmsKeyArn"),
        "tier": opt(mapping(content, "tier"), "tierName"),
    }
    if "PROMPT_ATTACK" in filters:
        attrs["prompt_attack_strength"] = filters["PROMPT_ATTACK"]["input"]
    return attrs


def to_guardrail(payload: dict[str, Any], account: str, region: str) -> Asset:
    return GUARDRAIL.asset(payload, account, region, guardrail_attributes(payload))


def _customized(
    shape: Shape, payload: Mapping[str, Any], account: str, region: str, attrs: dict[str, Any]
) -> Asset:
    """A custom model or the job that made it: both name their base model and customization type
    and carry the job's hyper-parameters, stored redacted."""
    arn = req(payload, shape.arn_key)
    params, hits = redact_env(mapping(payload, "hyperParameters"), f"{arn}:hyperParameters")
    attrs |= {
        "customization_type": opt(payload, "customizationType"),
        "base_model": opt(payload, "baseModelArn"),
        "secrets": hits,
    }
    raw = without_metadata(payload, hyperParameters=params)
    return shape.asset(payload, account, region, attrs, raw)


def to_custom_model(payload: dict[str, Any], account: str, region: str) -> Asset:
    attrs = {"kms_key": opt(payload, "modelKmsKeyArn"), "status": opt(payload, "modelStatus")}
    return _customized(CUSTOM_MODEL, payload, account, region, attrs)


def to_imported_model(payload: dict[str, Any], account: str, region: str) -> Asset:
    source = mapping(mapping(payload, "modelDataSource"), "s3DataSource")
    attrs = {
        "kms_key": opt(payload, "modelKmsKeyArn"),
        "architecture": opt(payload, "modelArchitecture"),
        "artifact_uri": opt(source, "s3Uri"),
    }
    return IMPORTED_MODEL.asset(payload, account, region, attrs)


def to_provisioned_throughput(payload: dict[str, Any], account: str, region: str) -> Asset:
    attrs = {
        "status": opt(payload, "status"),
        "model_units": integer(payload, "modelUnits"),
        "commitment": opt(payload, "commitmentDuration"),
        "model": opt(payload, "modelArn"),
        # the Bedrock runtime accepts only SigV4-signed calls: there is no anonymous access
        "authenticated": True,
    }
    return THROUGHPUT.asset(payload, account, region, attrs)


def to_customization_job(payload: dict[str, Any], account: str, region: str) -> Asset:
    attrs = {
        "vpc": bool(items(mapping(payload, "vpcConfig"), "subnetIds")),
        "role_arn": opt(payload, "roleArn"),
        "kms_key": opt(payload, "outputModelKmsKeyArn"),
        "status": opt(payload, "status"),
    }
    return _customized(JOB, payload, account, region, attrs)


def logging_attributes(payload: Mapping[str, Any]) -> dict[str, Any]:
    config = mapping(payload, "loggingConfig")
    bucket = opt(mapping(config, "s3Config"), "bucketName")
    group = opt(mapping(config, "cloudWatchConfig"), "logGroupName")
    enabled = bool(bucket or group)
    return {
        "enabled": enabled,
        "text": flag(config, "textDataDeliveryEnabled") if enabled else False,
        "image": flag(config, "imageDataDeliveryEnabled") if enabled else False,
        "embedding": flag(config, "embeddingDataDeliveryEnabled") if enabled else False,
        "s3_bucket": bucket,
        "cloudwatch_log_group": group,
    }


def logging_buckets(payload: Mapping[str, Any]) -> list[str]:
    config = mapping(payload, "loggingConfig")
    large = mapping(mapping(config, "cloudWatchConfig"), "largeDataDeliveryS3Config")
    names = [opt(mapping(config, "s3Config"), "bucketName"), opt(large, "bucketName")]
    return [n for n in names if n]


def enforced_attribute(configs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    fields = {
        "guardrail_arn": "guardrailArn",
        "guardrail_version": "guardrailVersion",
        "owner": "owner",
    }
    return [{fact: opt(c, field) for fact, field in fields.items()} for c in configs]


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
    return {
        "id": opt(payload, "VpcEndpointId") or "",
        "service": (opt(payload, "ServiceName") or "").rsplit(".", 1)[-1],
        "vpc_id": opt(payload, "VpcId"),
        "state": opt(payload, "State"),
        "endpoint_type": opt(payload, "VpcEndpointType"),
        "private_dns": flag(payload, "PrivateDnsEnabled"),
        "open_policy": _policy_open(payload.get("PolicyDocument")),
    }


def _field(selector: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    return next((f for f in items(selector, "FieldSelectors") if f.get("Field") == name), None)


def selector_attributes(payload: dict[str, Any]) -> dict[str, Any]:
    """What a trail records, from its GetEventSelectors answer (basic or advanced selectors)."""
    management = False
    types: set[str] = set()
    prefixes: set[str] = set()
    excluded: set[str] = set()
    for sel in items(payload, "EventSelectors"):
        if sel.get("IncludeManagementEvents", True):
            management = True
        for res in items(sel, "DataResources"):
            kind = str(res.get("Type") or "")
            values = [str(v) for v in items(res, "Values")]
            if not kind or not values:
                continue
            types.add(kind)
            if kind == "AWS::S3::Object":
                prefixes.update(values)
    for sel in items(payload, "AdvancedEventSelectors"):
        category = items(_field(sel, "eventCategory"), "Equals")
        if "Management" in category:
            management = True
        if "Data" not in category:
            continue
        kinds = [str(k) for k in items(_field(sel, "resources.type"), "Equals")]
        types.update(kinds)
        if "AWS::S3::Object" not in kinds:
            continue
        arn = _field(sel, "resources.ARN")
        if arn is None:
            prefixes.add("*")
            continue
        wanted = [str(v) for key in ("StartsWith", "Equals") for v in items(arn, key)]
        prefixes.update(wanted if wanted else ["*"])
        excluded.update(str(v) for key in ("NotStartsWith", "NotEquals") for v in items(arn, key))
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
        "name": opt(trail, "Name"),
        "home_region": opt(trail, "HomeRegion"),
        "multi_region": bool(trail.get("IsMultiRegionTrail")),
        "organization": bool(trail.get("IsOrganizationTrail")),
        "logging": flag(status, "IsLogging"),
    }
    if selectors is not None:
        entry.update(selector_attributes(selectors))
    return entry


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
    """The region's service asset; a fact that could not be read (None) is left out."""
    suffix = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
    read = {
        "invocation_logging": logging,
        "guardrails_ready": guardrails_ready,
        "enforced_guardrails": enforced,
        "agents_in_use": agents_in_use,
        "vpc_endpoints": vpc_endpoints,
        "trails": trails,
        "scp_guardrails": scp_guardrails,
    }
    attrs = {"endpoint_url": f"https://bedrock-runtime.{region}.{suffix}"}
    return aws_asset(
        id=f"arn:{partition}:bedrock:{region}:{account}:llm-service",  # aiscan's, not AWS's
        kind=AssetKind.LLM_SERVICE,
        service=SERVICE,
        type="AWS::Bedrock::Service",
        name=f"Amazon Bedrock ({region})",
        account=account,
        region=region,
        payload=raw or {},
        attributes=attrs | {k: v for k, v in read.items() if v is not None},
    )


# -- the scope ------------------------------------------------------------------------------------


def _relate_custom_model(ctx: ScopeContext, asset: Asset, payload: Mapping[str, Any]) -> None:
    ctx.relate(asset.id, RelationType.FINE_TUNED_FROM, asset.attributes["base_model"])
    ctx.relate(asset.id, RelationType.PRODUCED_BY, payload.get("jobArn"))
    _relate_data(ctx, asset, payload)


def _relate_imported_model(ctx: ScopeContext, asset: Asset, payload: Mapping[str, Any]) -> None:
    ctx.relate(asset.id, RelationType.PRODUCED_BY, payload.get("jobArn"))
    ctx.use_bucket(asset.id, asset.attributes["artifact_uri"], RelationType.STORES_ARTIFACT_IN)


def _relate_throughput(ctx: ScopeContext, asset: Asset) -> None:
    ctx.relate(asset.id, RelationType.USES_MODEL, asset.attributes["model"])


def _relate_job(ctx: ScopeContext, asset: Asset, payload: Mapping[str, Any]) -> None:
    ctx.use_role(asset.id, asset.attributes["role_arn"])
    _relate_data(ctx, asset, payload)


def _relate_data(ctx: ScopeContext, asset: Asset, payload: Mapping[str, Any]) -> None:
    """The training and validation data a job (and the model it made) read, and its output."""
    training = mapping(payload, "trainingDataConfig")
    logs = mapping(mapping(training, "invocationLogsConfig"), "invocationLogSource")
    validators = items(mapping(payload, "validationDataConfig"), "validators")
    for source in (training, logs, *validators):
        ctx.use_bucket(asset.id, opt(source, "s3Uri"), RelationType.READS_DATA_FROM)
    output = opt(mapping(payload, "outputDataConfig"), "s3Uri")
    ctx.use_bucket(asset.id, output, RelationType.WRITES_DATA_TO)


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
#: list-only: the summary is the whole record, there is nothing to describe
PROVISIONED = _row("provisioned throughput", "provisioned throughput",
                   "ProvisionedModelThroughput", "provisioned_model_throughput",
                   "provisionedModelSummaries", id_key="provisionedModelArn",
                   describe_operation="", transform=to_provisioned_throughput,
                   relate=_relate_throughput)
#: by job name, not ARN: both are accepted and the name needs no escaping in the path
CUSTOMIZATION_JOBS = _row("customization jobs", "customization job", "ModelCustomizationJob",
                          "model_customization_job", "modelCustomizationJobSummaries",
                          id_key="jobName", id_parameter="jobIdentifier",
                          transform=to_customization_job, relate_payload=_relate_job)
# fmt: on

#: Every table row, in reading order (the permissions test checks their operations are declared).
SPECS = (GUARDRAILS, CUSTOM_MODELS, IMPORTED_MODELS, PROVISIONED, CUSTOMIZATION_JOBS)


def _read_logging(
    ctx: ScopeContext, client: Any
) -> tuple[dict[str, Any], list[str], dict[str, Any]]:
    payload = client.get_model_invocation_logging_configuration()
    attrs = logging_attributes(payload)
    group = attrs["cloudwatch_log_group"]
    if group:
        found = ctx.section("invocation log group", describe_log_group, ctx.client("logs"), group)
        if found is not None:
            attrs["cloudwatch_kms_key"] = found.get("kmsKeyId")
    return attrs, logging_buckets(payload), dict(mapping(payload, "loggingConfig"))


def collect(ctx: ScopeContext) -> None:
    client = ctx.client("bedrock")
    assets_before = ctx.assets
    read_logging = ctx.section("invocation logging", _read_logging, ctx, client)
    guardrails = read(ctx, GUARDRAILS)
    for spec in SPECS[1:]:
        read(ctx, spec)
    ready = None
    if guardrails is not None:
        ready = sum(a.attributes.get("status") == "READY" for a in guardrails.values())
    enforced = items_raw = None
    # older botocore releases lack the operation: then the fact stays unread
    if "ListEnforcedGuardrailsConfiguration" in client.meta.service_model.operation_names:
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
    names = [f"{suffix}.{ctx.region}.{name}" for name in ENDPOINT_SERVICES]
    filters = [{"Name": "service-name", "Values": names}]
    found = paginate(ctx.client("ec2"), "describe_vpc_endpoints", "VpcEndpoints", Filters=filters)
    return [vpc_endpoint_entry(dict(e)) for e in found]


def _read_trails(ctx: ScopeContext) -> list[dict[str, Any]]:
    """The trails applying to this region; one trail's unreadable status or selectors is noted
    for the scope and leaves that trail's entry undecided (logging null, selectors_read false)."""
    out = []
    trails = ctx.client("cloudtrail").describe_trails(includeShadowTrails=True)
    for trail in items(trails, "trailList"):
        arn = str(trail.get("TrailARN") or "")
        home = str(trail.get("HomeRegion") or ctx.region)
        client = ctx.client("cloudtrail", home)
        # a multi-region trail is the same in every region: its state is read once per account
        once = partial(ctx.section, f"trail {trail.get('Name')}", ctx.refs.once)
        status = once(("trail status", arn), partial(client.get_trail_status, Name=arn))
        selectors = once(
            ("trail selectors", arn), partial(client.get_event_selectors, TrailName=arn)
        )
        out.append(trail_entry(dict(trail), status, selectors))
    return out
