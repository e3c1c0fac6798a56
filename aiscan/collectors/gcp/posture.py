"""Project-level Vertex AI posture, on one ``llm-service`` asset per project where Vertex AI is in
use (the API answers, or a Vertex AI / Workbench asset was found).

The asset's id is the Service Usage name of the enabled API,
``//serviceusage.googleapis.com/projects/NUMBER/services/aiplatform.googleapis.com``. Each source
is its own coverage scope (region ``global``) and adds its attributes to that asset:
``org_policies`` (orgpolicy, ``getEffectivePolicy`` per constraint in `CONSTRAINTS`), ``vpc_sc``
(accesscontextmanager), ``model_armor`` (modelarmor), ``api_keys`` (apikeys) and, from the IAM
policies already read, ``audit_log_types``. Facts: aiscan/core/facts/gcp.py
`VertexServiceFacts`; docs/attributes.md.
"""

from __future__ import annotations

from typing import Any

from aiscan.collectors.gcp.context import Project, References, ScopeContext
from aiscan.collectors.gcp.errors import service_disabled
from aiscan.collectors.gcp.http import GcpApiError, GcpHttp
from aiscan.collectors.gcp.names import (
    ACCESSCONTEXTMANAGER,
    APIKEYS,
    MODELARMOR,
    ORGPOLICY,
    SERVICEUSAGE,
    full_name,
)
from aiscan.collectors.gcp.spec import gcp_asset
from aiscan.core.model import Asset, AssetKind, CoverageStatus

SERVICE = "aiplatform"
CONSTRAINTS = (
    "ainotebooks.disableFileDownloads",
    "ainotebooks.disableRootAccess",
    "ainotebooks.disableTerminal",
    "ainotebooks.requireAutoUpgradeSchedule",
    "ainotebooks.restrictPublicIp",
    "ainotebooks.restrictVpcNetworks",
    "vertexai.allowedModels",
    "gcp.restrictNonCmekServices",
    # Compute Engine guardrails for the VMs under Workbench, Colab and GPU workloads.
    "compute.vmExternalIpAccess",
    "compute.requireShieldedVm",
    "compute.requireOsLogin",
    "compute.disableSerialPortAccess",
    "iam.automaticIamGrantsForDefaultServiceAccounts",
)
#: The kinds of application an API key can be restricted to (``<kind>KeyRestrictions``).
_APPLICATIONS = ("browser", "server", "android", "ios")
PERMISSIONS: tuple[str, ...] = (
    "orgpolicy.policy.get",
    "accesscontextmanager.policies.list",
    "accesscontextmanager.servicePerimeters.list",
    "modelarmor.floorSettings.get",
    "apikeys.keys.list",
)


def service_asset_id(project: Project) -> str:
    return full_name(SERVICEUSAGE, f"projects/{project.number}/services/aiplatform.googleapis.com")


def service_asset(project: Project, attributes: dict[str, Any], raw: dict[str, Any]) -> Asset:
    return gcp_asset(
        {},
        id=service_asset_id(project),
        account=project.id,
        region="global",
        kind=AssetKind.LLM_SERVICE,
        service=SERVICE,
        type="serviceusage.googleapis.com/Service",
        name=f"Vertex AI ({project.id})",
        attributes=attributes,
        raw=raw,
    )


# -- reads ---------------------------------------------------------------------------------------


def get_effective_policy(http: GcpHttp, project: str, constraint: str) -> dict[str, Any]:
    path = f"/v2/projects/{project}/policies/{constraint}:getEffectivePolicy"
    return http.get(ORGPOLICY, path)


def list_perimeters(http: GcpHttp, org: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    params = {"parent": f"organizations/{org}"}
    for policy in http.items(ACCESSCONTEXTMANAGER, "/v1/accessPolicies", "accessPolicies", params):
        path = f"/v1/{policy['name']}/servicePerimeters"
        out.extend(http.items(ACCESSCONTEXTMANAGER, path, "servicePerimeters"))
    return out


def get_floor_setting(http: GcpHttp, project: str) -> dict[str, Any]:
    return http.get(MODELARMOR, f"/v1/projects/{project}/locations/global/floorSetting")


def list_api_keys(http: GcpHttp, project: str) -> list[dict[str, Any]]:
    return list(http.items(APIKEYS, f"/v2/projects/{project}/locations/global/keys", "keys"))


# -- transforms ----------------------------------------------------------------------------------


def effective(policy: dict[str, Any]) -> dict[str, Any]:
    rules = [r for r in (policy.get("spec") or {}).get("rules") or [] if not r.get("condition")]
    allowed = sorted({v for r in rules for v in (r.get("values") or {}).get("allowedValues") or []})
    denied = sorted({v for r in rules for v in (r.get("values") or {}).get("deniedValues") or []})
    deny_all = any(r.get("denyAll") for r in rules)
    allow_all = any(r.get("allowAll") for r in rules) or not (deny_all or allowed or denied)
    return {
        "enforced": any(r.get("enforce") is True for r in rules),
        "allow_all": allow_all,
        "deny_all": deny_all,
        "allowed_values": allowed,
        "denied_values": denied,
    }


def perimeters_of(project: Project, perimeters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    member = f"projects/{project.number}"
    out = []
    for p in perimeters:
        for key, dry_run in (("status", False), ("spec", True)):
            config = p.get(key) or {}
            if member in (config.get("resources") or []):
                out.append(
                    {
                        "name": p.get("name"),
                        "title": p.get("title"),
                        "restricted_services": sorted(config.get("restrictedServices") or []),
                        "dry_run": dry_run,
                    }
                )
    return out


def floor_setting(payload: dict[str, Any]) -> dict[str, Any]:
    ai = payload.get("aiPlatformFloorSetting") or {}
    return {
        "api_enabled": True,
        "enforcement": bool(payload.get("enableFloorSettingEnforcement")),
        "integrated_services": sorted(payload.get("integratedServices") or []),
        "inspect_only": bool(ai.get("inspectOnly")),
        "inspect_and_block": bool(ai.get("inspectAndBlock")),
    }


def api_key(payload: dict[str, Any]) -> dict[str, Any]:
    restrictions = payload.get("restrictions") or {}
    app = any(restrictions.get(f"{kind}KeyRestrictions") for kind in _APPLICATIONS)
    return {
        "name": payload.get("name"),
        "display_name": payload.get("displayName"),
        "api_targets": sorted(
            str(t.get("service")) for t in restrictions.get("apiTargets") or [] if t.get("service")
        ),
        "application_restricted": bool(app),
    }


def audit_facts(project: Project, refs: References) -> dict[str, Any] | None:
    policy = refs.project_policies.get(project.id)
    if policy is None:
        return None
    chain = refs.ancestors.get(project.id, [])
    policies = [policy] + [refs.ancestor_policies.get(a) for a in chain]
    types: set[str] = set()
    for p in policies:
        for config in (p or {}).get("auditConfigs") or []:
            if config.get("service") in ("allServices", "aiplatform.googleapis.com"):
                types |= {
                    str(c.get("logType"))
                    for c in config.get("auditLogConfigs") or []
                    if not c.get("exemptedMembers")
                }
    return {
        "audit_log_types": sorted(types),
        "audit_config_complete": all(p is not None for p in policies),
    }


# -- scopes -------------------------------------------------------------------------------------


def add_service(ctx: ScopeContext, attributes: dict[str, Any], raw: dict[str, Any]) -> None:
    ctx.add(service_asset(ctx.project, attributes, raw))


def collect_base(ctx: ScopeContext) -> None:
    """The asset itself, with the audit-log facts the IAM policies already gave."""
    facts = audit_facts(ctx.project, ctx.refs) or {}
    add_service(ctx, {"project_number": ctx.project.number, **facts}, {})


def collect_orgpolicy(ctx: ScopeContext) -> None:
    found: dict[str, Any] = {}
    raw: dict[str, Any] = {}
    for constraint in CONSTRAINTS:

        def read(c: str = constraint) -> None:
            try:
                policy = get_effective_policy(ctx.http, ctx.project.id, c)
            except GcpApiError as exc:
                if exc.status in (400, 404):  # a constraint this organization does not know
                    return
                raise
            found[c] = effective(policy)
            raw[c] = policy

        ctx.section(constraint, read)
    if found:
        add_service(ctx, {"org_policies": found}, {"orgPolicies": raw})


def collect_vpc_sc(ctx: ScopeContext) -> None:
    chain = ctx.refs.ancestors.get(ctx.project.id)
    if chain is None:
        ctx.note(CoverageStatus.SKIPPED, "project ancestry unknown")
        return
    orgs = [a.split("/", 1)[1] for a in chain if a.startswith("organizations/")]
    if not orgs:
        add_service(ctx, {"vpc_sc": {"organization": None, "perimeters": []}}, {})
        return
    org = orgs[0]
    with ctx.refs._lock:
        cached = ctx.refs.perimeters.get(org)
    if cached is None:
        cached = ctx.section("service perimeters", list_perimeters, ctx.http, org)
        if cached is None:
            return
        with ctx.refs._lock:
            ctx.refs.perimeters[org] = cached
    add_service(
        ctx, {"vpc_sc": {"organization": org, "perimeters": perimeters_of(ctx.project, cached)}}, {}
    )


def collect_model_armor(ctx: ScopeContext) -> None:
    try:
        payload = get_floor_setting(ctx.http, ctx.project.id)
    except GcpApiError as exc:
        if service_disabled(exc):
            add_service(ctx, {"model_armor": {"api_enabled": False}}, {})
            return
        if exc.status == 404:  # no floor setting was ever written
            add_service(ctx, {"model_armor": floor_setting({})}, {})
            return
        raise
    add_service(ctx, {"model_armor": floor_setting(payload)}, {"floorSetting": payload})


def collect_api_keys(ctx: ScopeContext) -> None:
    try:
        keys = list_api_keys(ctx.http, ctx.project.id)
    except GcpApiError as exc:
        if service_disabled(exc):  # no key can exist without the API Keys API
            add_service(ctx, {"api_keys": []}, {})
            return
        raise
    add_service(ctx, {"api_keys": [api_key(k) for k in keys]}, {})


#: One coverage scope per source; `FanOut.read` records whatever a scope raised.
SCOPES = {
    "orgpolicy": collect_orgpolicy,
    "accesscontextmanager": collect_vpc_sc,
    "modelarmor": collect_model_armor,
    "apikeys": collect_api_keys,
}
