"""Subscription- and resource-level settings several services share: diagnostic settings
(Azure Monitor), Defender for Cloud plans and Azure Policy assignments.

Policy assignments are listed at the subscription with `$filter=atScope()`: those assigned to the
subscription and to every management group above it (not those of resource groups below). Each
becomes {name, definition, initiative, effect, enforced, scope, not_scopes}: `definition` is the
GUID of a built-in definition (lower case), `effect` the value given to the `effect` parameter
(None when the assignment leaves the definition's default, which for the built-ins concerned is
Audit), `enforced` false for enforcementMode DoNotEnforce. Definitions are not read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import islice
from typing import Any

from aiscan.collectors.azure.context import AzureContext, as_map, props
from aiscan.core.model import Asset

DIAGNOSTICS_API = "2021-05-01-preview"
SECURITY_API = "2024-01-01"
POLICY_API = "2023-04-01"
#: Assignments kept per subscription (a tenant with more is truncated, never unbounded).
MAX_ASSIGNMENTS = 2000

PERMISSIONS = (
    "Microsoft.Insights/DiagnosticSettings/read",
    "Microsoft.Security/pricings/read",
    "Microsoft.Authorization/policyAssignments/read",
)


def logs_enabled(settings: Sequence[Mapping[str, Any]]) -> bool:
    """Some diagnostic setting sends some resource-log category (or group) somewhere."""
    for setting in settings:
        for log in props(setting).get("logs") or []:
            if isinstance(log, Mapping) and log.get("enabled") is True:
                return True
    return False


def diagnostics_facts(settings: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    """`diagnostic_logs_enabled` and the destinations, or nothing when settings were not read."""
    if settings is None:
        return {}
    destinations = sorted(
        {
            str(v)
            for s in settings
            for k, v in props(s).items()
            if k in ("workspaceId", "storageAccountId", "eventHubAuthorizationRuleId") and v
        }
    )
    return {"diagnostic_logs_enabled": logs_enabled(settings), "log_destinations": destinations}


def with_diagnostics(ctx: AzureContext, asset: Asset, resource_id: str, **extra: Any) -> Asset:
    """`asset` with the facts of its diagnostic settings (read as the section ``diagnostic
    settings of <name>``) and `extra` facts."""
    path = f"{resource_id}/providers/Microsoft.Insights/diagnosticSettings"
    settings = ctx.listing(f"diagnostic settings of {asset.name}", path, DIAGNOSTICS_API)
    facts = {**diagnostics_facts(settings), **extra}
    return asset.model_copy(update={"attributes": {**asset.attributes, **facts}})


def plan_enabled(pricing: Mapping[str, Any]) -> bool:
    return str(props(pricing).get("pricingTier", "")).lower() == "standard"


def subscription_guardrails(ctx: AzureContext) -> tuple[bool | None, list[dict[str, Any]] | None]:
    """(the Defender for AI plan is Standard, the policy assignments), each None when unread."""
    root = f"/subscriptions/{ctx.subscription}/providers"
    path = f"{root}/Microsoft.Security/pricings/AI"
    pricing = ctx.section("Defender for AI plan", ctx.arm.get, path, SECURITY_API)
    path = f"{root}/Microsoft.Authorization/policyAssignments"
    pages = islice(ctx.arm.list(path, POLICY_API, {"$filter": "atScope()"}), MAX_ASSIGNMENTS)
    raw: list[Any] | None = ctx.section("Azure Policy assignments", list, pages)
    defender = plan_enabled(pricing) if pricing is not None else None
    return defender, policy_assignments(raw) if raw is not None else None


def _definition(definition_id: str) -> tuple[str, bool]:
    """(GUID of a built-in definition or the full id, whether it is a policy set)."""
    lowered = definition_id.strip().lower()
    initiative = "/policysetdefinitions/" in lowered
    builtin = lowered.startswith("/providers/microsoft.authorization/policy")
    name = lowered.rsplit("/", 1)[-1]
    return (name if builtin else lowered)[:300], initiative


def policy_assignments(items: Sequence[Any]) -> list[dict[str, Any]]:
    """The assignments as facts; malformed entries (attacker-shaped payloads) are skipped."""
    out: list[dict[str, Any]] = []
    for item in items[:MAX_ASSIGNMENTS]:
        if not isinstance(item, Mapping):
            continue
        p = props(item)
        definition_id = p.get("policyDefinitionId")
        if not isinstance(definition_id, str) or not definition_id:
            continue
        definition, initiative = _definition(definition_id)
        value = as_map(as_map(p.get("parameters")).get("effect")).get("value")
        not_scopes = [str(s).lower()[:500] for s in p.get("notScopes") or [] if isinstance(s, str)]
        out.append(
            {
                "name": str(p.get("displayName") or item.get("name") or "")[:256] or None,
                "definition": definition,
                "initiative": initiative,
                "effect": str(value)[:32] if isinstance(value, str) else None,
                "enforced": str(p.get("enforcementMode") or "Default").lower() != "donotenforce",
                "scope": str(p.get("scope"))[:500] if isinstance(p.get("scope"), str) else None,
                "not_scopes": not_scopes[:100],
            }
        )
    return out
