"""IAM roles AI assets run as (execution roles, node roles), with a summary of what they may do.

Only roles referenced by an AI asset of this account (`ctx.refs.roles`) are read; roles of other
accounts produce no asset, and a referenced role that no longer exists is noted in coverage (a
dangling reference is a finding for later, not a read failure).

Per role: GetRole (trust policy), ListAttachedRolePolicies + GetPolicy + GetPolicyVersion (the
default version, AWS-managed policies included), ListRolePolicies + GetRolePolicy (inline).
`summarize_policies` turns the statements into the shared identity attributes of
docs/attributes.md (`administrator`, `wildcard_actions`, `wildcard_resources`,
`full_access_policies`, `s3_write_resources`, `policies_complete`, `policies`); it is a pure
function and reads Allow statements only (Deny statements, permission boundaries and SCPs can only
take permissions away, so ignoring them over-reports, never under-reports). Conditions are ignored
for the same reason. An Allow with `NotAction` grants every action it does not list and counts as
the wildcard `*` in `wildcard_actions` (unless it excludes `*` itself); `NotResource` counts as
`Resource: *`.

Facts: `IamRoleFacts` and `PolicyStatement` in aiscan/core/facts/aws.py (docs/attributes.md).

Bedrock API keys (``AWS::IAM::ServiceSpecificCredential``, `ServiceCredentialFacts`): one asset
per long-term key of the account, from one ``ListServiceSpecificCredentials`` with
``ServiceName=bedrock.amazonaws.com`` and ``AllUsers=true``, read once per account even when no AI
asset refers to a role.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from aiscan.collectors.aws.assets import aws_asset
from aiscan.collectors.aws.context import ScopeContext, paginate
from aiscan.collectors.aws.tagging import bounded_tags
from aiscan.core.model import Asset, AssetKind, CoverageStatus
from aiscan.core.sanitize import clean_text

PERMISSIONS: tuple[str, ...] = (
    "iam:GetRole",
    "iam:ListAttachedRolePolicies",
    "iam:ListRolePolicies",
    "iam:GetRolePolicy",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:ListServiceSpecificCredentials",
)

BEDROCK_SERVICE = "bedrock.amazonaws.com"
#: Bound on the API keys read from one account (a hostile account cannot exhaust memory).
MAX_CREDENTIALS = 10_000

#: Roles read at once. IAM is one global endpoint whose request quota is shared by every caller in
#: the account (deploy pipelines, other scanners), so a scan keeps a small footprint there.
ITEM_WORKERS = 4

ADMIN_POLICIES = frozenset({"AdministratorAccess"})
#: AWS-managed policies that grant a whole service (or nearly everything) besides the *FullAccess.
BROAD_POLICIES = frozenset({"PowerUserAccess", "IAMFullAccess"})
S3_WRITE_ACTIONS = ("s3:PutObject", "s3:DeleteObject")
_ROLE_ARN = re.compile(r"^arn:(aws[\w-]*):iam::(\d{12}):role/(?:[\w+=,.@/-]*/)?([\w+=,.@-]{1,64})$")


# -- pure policy evaluation ----------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _glob(pattern: str) -> re.Pattern[str]:
    # IAM wildcards: * any run, ? one character; matching is case-insensitive for actions.
    body = re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".")
    return re.compile(f"^{body}$", re.IGNORECASE | re.DOTALL)


def glob_match(pattern: str, value: str) -> bool:
    return _glob(pattern).match(value) is not None


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def statements(document: Any) -> list[dict[str, Any]]:
    """The statements of a policy document (a dict, or JSON / URL-encoded JSON text)."""
    doc = parse_document(document)
    if not isinstance(doc, dict):
        return []
    return [s for s in as_list(doc.get("Statement")) if isinstance(s, dict)]


def parse_document(document: Any) -> Any:
    if isinstance(document, str):
        text = document.strip()
        if text.startswith("%7B") or text.startswith("%7b"):
            text = unquote(text)
        try:
            return json.loads(text)
        except ValueError:
            return None
    return document


def allows(statement: Mapping[str, Any], action: str) -> bool:
    """Whether an Allow statement grants `action` (ignoring its resources and conditions)."""
    if statement.get("Effect") != "Allow":
        return False
    if "NotAction" in statement:
        return not any(glob_match(str(p), action) for p in as_list(statement["NotAction"]))
    return any(glob_match(str(p), action) for p in as_list(statement.get("Action")))


def resources(statement: Mapping[str, Any]) -> list[str]:
    if "NotResource" in statement:
        return ["*"]
    return [str(r) for r in as_list(statement.get("Resource"))]


def _could_be_s3(resource: str) -> bool:
    if resource == "*":
        return True
    parts = resource.split(":")
    if len(parts) < 3:
        return "*" in resource
    return glob_match(parts[2], "s3")


def principals(statement: Mapping[str, Any]) -> list[str]:
    """The principals of a resource-policy statement; NotPrincipal (everyone but) counts as `*`."""
    if "NotPrincipal" in statement:
        return ["*"]
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    out: list[str] = []
    if isinstance(principal, dict):
        for value in principal.values():
            out.extend(str(p) for p in as_list(value))
    return out


@dataclass
class PolicySummary:
    administrator: bool = False
    wildcard_actions: list[str] = field(default_factory=list)
    wildcard_resources: bool = False
    full_access_policies: list[str] = field(default_factory=list)
    s3_write_resources: list[str] = field(default_factory=list)
    service_wide_grants: list[str] = field(default_factory=list)

    def attributes(self) -> dict[str, Any]:
        return {
            "administrator": self.administrator,
            "wildcard_actions": sorted(set(self.wildcard_actions)),
            "wildcard_resources": self.wildcard_resources,
            "full_access_policies": sorted(set(self.full_access_policies)),
            "s3_write_resources": sorted(set(self.s3_write_resources)),
            "service_wide_grants": sorted(set(self.service_wide_grants)),
        }


def summarize_policies(
    documents: Iterable[Any], aws_managed_names: Iterable[str] = ()
) -> PolicySummary:
    """What a set of identity policies allows, from their Allow statements.

    `aws_managed_names` are names of attached AWS-managed policies: recognised by name too, so a
    role is still known to be an administrator when the document itself could not be read.
    """
    summary = PolicySummary()
    for name in aws_managed_names:
        if name in ADMIN_POLICIES:
            summary.administrator = True
        elif name in BROAD_POLICIES or name.endswith("FullAccess"):
            summary.full_access_policies.append(name)
    for document in documents:
        for st in statements(document):
            if st.get("Effect") != "Allow":
                continue
            res = resources(st)
            if "*" in res:
                summary.wildcard_resources = True
            if "NotAction" in st:
                if not any(str(p) == "*" for p in as_list(st["NotAction"])):
                    summary.wildcard_actions.append("*")
            else:
                acts = [str(a) for a in as_list(st.get("Action"))]
                summary.wildcard_actions.extend(a for a in acts if "*" in a or "?" in a)
                if "*" in res and any(a in ("*", "*:*") for a in acts):
                    summary.administrator = True
                if "*" in res:
                    summary.service_wide_grants.extend(
                        a.split(":", 1)[0].lower()
                        for a in acts
                        if a.count(":") == 1 and a.endswith(":*") and a != "*:*"
                    )
            if any(allows(st, a) for a in S3_WRITE_ACTIONS):
                summary.s3_write_resources.extend(r for r in res if _could_be_s3(r))
    return summary


#: Bounds on `policy_statements` (a role has at most 20 managed policies of 6,144 characters and
#: 10,240 characters of inline policy, so real roles stay far below them).
MAX_STATEMENTS = 500
MAX_PATTERNS = 200
MAX_PATTERN = 2048


def _patterns(value: Any) -> tuple[list[str], bool]:
    """The string patterns of an Action/Resource-like element, and whether any were dropped."""
    items = [p for p in as_list(value) if isinstance(p, str)]
    dropped = len(items) != len(as_list(value))
    kept = [p for p in items if len(p) <= MAX_PATTERN]
    dropped = dropped or len(kept) != len(items) or len(kept) > MAX_PATTERNS
    return kept[:MAX_PATTERNS], dropped


def statement_facts(
    document: Any, policy: str, policy_arn: str | None, *, with_principals: bool = False
) -> tuple[list[dict[str, Any]], bool]:
    """The statements of one policy document as `PolicyStatement` facts (docs/attributes.md), and
    whether anything was dropped to stay bounded. A statement whose effect is neither Allow nor
    Deny, or that names neither Action nor NotAction, is dropped (IAM rejects it too)."""
    out: list[dict[str, Any]] = []
    truncated = False
    for st in statements(document):
        effect = st.get("Effect")
        if effect not in ("Allow", "Deny") or ("Action" not in st and "NotAction" not in st):
            truncated = True
            continue
        fact: dict[str, Any] = {
            "policy": clean_text(policy, 128),
            "policy_arn": policy_arn,
            "sid": clean_text(st["Sid"], 128) if isinstance(st.get("Sid"), str) else None,
            "effect": effect,
            "has_condition": bool(st.get("Condition")),
        }
        for key, plain, negated in (
            ("Action", "actions", "not_actions"),
            ("Resource", "resources", "not_resources"),
        ):
            if f"Not{key}" in st:
                fact[negated], dropped = _patterns(st[f"Not{key}"])
                fact[plain] = []
            else:
                fact[plain], dropped = _patterns(st.get(key))
            truncated = truncated or dropped
        if with_principals:
            fact["principals"] = [clean_text(p, MAX_PATTERN) for p in principals(st)][:MAX_PATTERNS]
        out.append(fact)
    return out, truncated


def role_statements(
    managed: Iterable[Mapping[str, Any]], inline: Iterable[Mapping[str, Any]]
) -> tuple[list[dict[str, Any]], bool]:
    """Every statement of a role's read policies (managed then inline), bounded."""
    found: list[dict[str, Any]] = []
    truncated = False
    for policy in managed:
        arn = str(policy.get("PolicyArn") or "")
        name = str(policy.get("PolicyName") or arn.rsplit("/", 1)[-1])
        got, dropped = statement_facts(policy.get("PolicyDocument"), name, arn or None)
        found.extend(got)
        truncated = truncated or dropped
    for policy in inline:
        got, dropped = statement_facts(
            policy.get("PolicyDocument"), str(policy.get("PolicyName") or ""), None
        )
        found.extend(got)
        truncated = truncated or dropped
    if len(found) > MAX_STATEMENTS:
        found, truncated = found[:MAX_STATEMENTS], True
    return found, truncated


def trust_summary(document: Any, account: str) -> dict[str, list[str]]:
    """Who may assume the role, from the Allow statements of its trust policy."""
    found: list[str] = []
    services: list[str] = []
    for st in statements(document):
        if st.get("Effect") != "Allow" or not any(
            allows(st, a)
            for a in ("sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML")
        ):
            continue
        found.extend(principals(st))
        principal = st.get("Principal")
        if isinstance(principal, dict):
            services.extend(str(s) for s in as_list(principal.get("Service")))
    external = set()
    for p in found:
        m = re.match(r"^(?:arn:aws[\w-]*:iam::)?(\d{12})(?::|$)", p)
        if m and m.group(1) != account:
            external.add(m.group(1))
    return {
        "trust_principals": sorted(set(found)),
        "trusted_services": sorted(set(services)),
        "trust_external_accounts": sorted(external),
    }


# -- SDK calls -----------------------------------------------------------------------------------


def get_role(client: Any, name: str) -> dict[str, Any]:
    return dict(client.get_role(RoleName=name)["Role"])


def list_attached_policies(client: Any, name: str) -> list[dict[str, Any]]:
    return list(paginate(client, "list_attached_role_policies", "AttachedPolicies", RoleName=name))


def list_inline_policy_names(client: Any, name: str) -> list[str]:
    return [str(n) for n in paginate(client, "list_role_policies", "PolicyNames", RoleName=name)]


def get_inline_policy(client: Any, role: str, policy: str) -> dict[str, Any]:
    resp = client.get_role_policy(RoleName=role, PolicyName=policy)
    return {"PolicyName": policy, "PolicyDocument": parse_document(resp.get("PolicyDocument"))}


def get_managed_policy(client: Any, arn: str) -> dict[str, Any]:
    policy = client.get_policy(PolicyArn=arn)["Policy"]
    version = client.get_policy_version(PolicyArn=arn, VersionId=policy["DefaultVersionId"])
    return {
        "PolicyArn": arn,
        "PolicyName": policy.get("PolicyName"),
        "DefaultVersionId": policy.get("DefaultVersionId"),
        "PolicyDocument": parse_document(version["PolicyVersion"].get("Document")),
    }


def list_bedrock_credentials(client: Any) -> list[dict[str, Any]]:
    """Every Bedrock API key of the account (ListServiceSpecificCredentials has no paginator:
    it pages through Marker / IsTruncated)."""
    out: list[dict[str, Any]] = []
    marker: str | None = None
    seen: set[str] = set()
    while True:
        kwargs: dict[str, Any] = {"ServiceName": BEDROCK_SERVICE, "AllUsers": True}
        if marker:
            kwargs["Marker"] = marker
        page = client.list_service_specific_credentials(**kwargs)
        out.extend(dict(c) for c in page.get("ServiceSpecificCredentials") or [])
        if len(out) > MAX_CREDENTIALS:
            raise OverflowError(f"more than {MAX_CREDENTIALS} Bedrock API keys")
        marker = page.get("Marker") if page.get("IsTruncated") else None
        if not marker or marker in seen:
            return out
        seen.add(marker)


# -- transform -----------------------------------------------------------------------------------


def to_service_credential(payload: Mapping[str, Any], partition: str, account: str) -> Asset:
    """An API-key asset from one ServiceSpecificCredentialMetadata entry."""
    user = clean_text(str(payload.get("UserName") or ""), 64)
    cred_id = clean_text(str(payload["ServiceSpecificCredentialId"]), 128)
    return aws_asset(
        id=f"arn:{partition}:iam::{account}:user/{user}/service-specific-credential/{cred_id}",
        kind=AssetKind.IDENTITY,
        service="iam",
        type="AWS::IAM::ServiceSpecificCredential",
        name=clean_text(str(payload.get("ServiceCredentialAlias") or cred_id), 128),
        account=account,
        region=None,
        payload=payload,
        created_at=as_datetime(payload.get("CreateDate")),
        attributes={
            "status": payload.get("Status"),
            "service": payload.get("ServiceName"),
            "user": user or None,
            "created_at": as_iso(payload.get("CreateDate")),
            "expires_at": as_iso(payload.get("ExpirationDate")),
        },
    )


def is_aws_managed(policy_arn: str) -> bool:
    return re.match(r"^arn:aws[\w-]*:iam::aws:policy/", policy_arn) is not None


def to_role(payload: Mapping[str, Any], account: str) -> Asset:
    """An identity asset from {Role, AttachedPolicies, InlinePolicyNames, ManagedPolicies,
    InlinePolicies, Complete}: the read role and whatever policy documents could be read."""
    role = payload["Role"]
    attached = list(payload.get("AttachedPolicies") or [])
    inline_names = [str(n) for n in payload.get("InlinePolicyNames") or []]
    managed_docs = list(payload.get("ManagedPolicies") or [])
    inline_docs = list(payload.get("InlinePolicies") or [])
    aws_managed = [
        str(p.get("PolicyName")) for p in attached if is_aws_managed(str(p.get("PolicyArn", "")))
    ]
    summary = summarize_policies(
        [p.get("PolicyDocument") for p in managed_docs + inline_docs], aws_managed
    )
    attributes: dict[str, Any] = summary.attributes()
    found, truncated = role_statements(managed_docs, inline_docs)
    attributes["policy_statements"] = found
    attributes["policy_statements_truncated"] = truncated
    attributes.update(trust_summary(role.get("AssumeRolePolicyDocument"), account))
    attributes["policies_complete"] = bool(payload.get("Complete"))
    attributes["policies"] = sorted(
        {str(p.get("PolicyName")) for p in attached} | set(inline_names)
    )
    attributes["inline_policies"] = sorted(inline_names)
    attributes["managed_policies"] = sorted(str(p.get("PolicyArn")) for p in attached)
    boundary = role.get("PermissionsBoundary") or {}
    attributes["permissions_boundary"] = boundary.get("PermissionsBoundaryArn")
    last_used = (role.get("RoleLastUsed") or {}).get("LastUsedDate")
    attributes["last_used_at"] = as_iso(last_used)
    role_doc = parse_document(role.get("AssumeRolePolicyDocument"))
    return aws_asset(
        id=str(role["Arn"]),
        kind=AssetKind.IDENTITY,
        service="iam",
        type="AWS::IAM::Role",
        name=clean_text(role.get("RoleName", ""), 128),
        account=account,
        region=None,
        payload=payload,
        raw={**payload, "Role": {**role, "AssumeRolePolicyDocument": role_doc}},
        created_at=as_datetime(role.get("CreateDate")),
        tags=bounded_tags(role.get("Tags")),
        attributes=attributes,
    )


def as_iso(value: Any) -> str | None:
    """ISO text of an SDK datetime (recorded JSON already holds text); None stays None."""
    if value is None:
        return None
    return value.isoformat() if isinstance(value, datetime) else str(value)


def as_datetime(value: Any) -> datetime | None:
    """A datetime from the SDK (datetime) or from recorded JSON (ISO text); None otherwise."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def error_code(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


# -- collection ----------------------------------------------------------------------------------


def collect(ctx: ScopeContext) -> None:
    client = ctx.client("iam", home_region(ctx.partition))
    if "ListServiceSpecificCredentials" in client.meta.service_model.operation_names:
        keys = ctx.section("bedrock api keys", list_bedrock_credentials, client)
        for payload in keys or []:
            ctx.add(to_service_credential(payload, ctx.partition, ctx.account))
    names = set()
    for arn in sorted(ctx.refs.roles):
        m = _ROLE_ARN.match(arn)
        if m and m.group(2) == ctx.account:
            names.add(m.group(3))
    if not names:
        return
    ctx.item_workers = ITEM_WORKERS
    ctx.each("role", _collect_role, sorted(names), ctx, client)


def home_region(partition: str) -> str:
    """The region IAM (a global service) is called in for `partition`."""
    return {"aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}.get(partition, "us-east-1")


def _collect_role(ctx: ScopeContext, client: Any, name: str) -> None:
    try:
        role = get_role(client, name)
    except Exception as exc:
        if error_code(exc) == "NoSuchEntity":
            ctx.note(CoverageStatus.OK, f"referenced role {clean_text(name, 64)} does not exist")
            return
        raise
    payload: dict[str, Any] = {"Role": role}
    attached = ctx.section(f"role {name}", list_attached_policies, client, name)
    inline = ctx.section(f"role {name}", list_inline_policy_names, client, name)
    complete = attached is not None and inline is not None
    payload["AttachedPolicies"] = attached or []
    payload["InlinePolicyNames"] = inline or []
    managed: list[dict[str, Any]] = []
    for policy in attached or []:
        arn = str(policy["PolicyArn"])
        # Workloads share roles and roles share managed policies: each is read once a scan.
        doc = ctx.section(
            f"role {name}", ctx.once, ("policy", arn), get_managed_policy, client, arn
        )
        if doc is None:
            complete = False
        else:
            managed.append(doc)
    inline_docs: list[dict[str, Any]] = []
    for policy_name in inline or []:
        doc = ctx.section(f"role {name}", get_inline_policy, client, name, policy_name)
        if doc is None:
            complete = False
        else:
            inline_docs.append(doc)
    payload["ManagedPolicies"] = managed
    payload["InlinePolicies"] = inline_docs
    payload["Complete"] = complete
    ctx.add(to_role(payload, ctx.account))
