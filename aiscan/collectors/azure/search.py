"""Azure AI Search services (`Microsoft.Search/searchServices`): the RAG indexes of AI apps.

Services come from Resource Graph; diagnostic settings are read per service. Admin and query keys
are never listed. Search spells `publicNetworkAccess` in lower case; it is capitalised here.

Facts: aiscan/core/facts/azure.py `SearchServiceFacts`; docs/attributes.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiscan.collectors.azure.cognitive import approved_private_endpoints
from aiscan.collectors.azure.context import AzureContext, ip_rules, props, to_asset
from aiscan.collectors.azure.monitor import with_diagnostics
from aiscan.collectors.payload import mapping, opt
from aiscan.core.model import Asset, AssetKind

SERVICE = "search"
SEARCH_TYPE = "Microsoft.Search/searchServices"

PERMISSIONS = ("Microsoft.Search/searchServices/read",)


def to_search_service(payload: Mapping[str, Any]) -> Asset:
    p = props(payload)
    name = str(payload.get("name", ""))
    attrs: dict[str, Any] = {
        "sku": opt(mapping(payload, "sku"), "name"),
        "endpoint_url": f"https://{name}.search.windows.net",
        "public_network_access": str(p.get("publicNetworkAccess") or "Enabled").capitalize(),
        "ip_rules": ip_rules(mapping(p, "networkRuleSet")),
        "approved_private_endpoints": approved_private_endpoints(p),
        "local_auth_disabled": p.get("disableLocalAuth") is True,
        "auth_options": sorted(mapping(p, "authOptions")),
        "cmk_enforcement": opt(mapping(p, "encryptionWithCmk"), "enforcement"),
    }
    return to_asset(payload, AssetKind.KNOWLEDGE_BASE, SERVICE, SEARCH_TYPE, attrs)


def collect(ctx: AzureContext) -> None:
    ctx.each("search service", _one, ctx.resources(SEARCH_TYPE), ctx)


def _one(ctx: AzureContext, payload: dict[str, Any]) -> None:
    asset = with_diagnostics(ctx, to_search_service(payload), str(payload["id"]))
    ctx.add(asset)
    ctx.use_identities(asset.id, payload, region=asset.region)
