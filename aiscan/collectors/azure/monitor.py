"""Subscription- and resource-level settings several services share: diagnostic settings
(Azure Monitor) and Defender for Cloud plans."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aiscan.collectors.azure.context import props

DIAGNOSTICS_API = "2021-05-01-preview"
SECURITY_API = "2024-01-01"

PERMISSIONS = (
    "Microsoft.Insights/DiagnosticSettings/read",
    "Microsoft.Security/pricings/read",
)


def list_diagnostic_settings(arm: Any, resource_id: str) -> list[dict[str, Any]]:
    path = f"{resource_id}/providers/Microsoft.Insights/diagnosticSettings"
    return list(arm.list(path, DIAGNOSTICS_API))


def get_pricing(arm: Any, subscription: str, plan: str) -> dict[str, Any]:
    path = f"/subscriptions/{subscription}/providers/Microsoft.Security/pricings/{plan}"
    result: dict[str, Any] = arm.get(path, SECURITY_API)
    return result


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


def plan_enabled(pricing: Mapping[str, Any]) -> bool:
    return str(props(pricing).get("pricingTier", "")).lower() == "standard"
