"""Container registries AI assets pull from (ML workspaces' registries, images of online
deployments' environments), as `container-registry` assets. Admin credentials are never listed.

Facts: aiscan/core/facts/azure.py `ContainerRegistryFacts`; docs/attributes.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiscan.collectors.azure.context import AzureContext, props, to_asset
from aiscan.collectors.payload import mapping, opt
from aiscan.core.model import Asset, AssetKind

SERVICE = "containerregistry"
REGISTRY_TYPE = "Microsoft.ContainerRegistry/registries"
API = "2023-07-01"

PERMISSIONS = ("Microsoft.ContainerRegistry/registries/read",)


def to_registry(payload: Mapping[str, Any]) -> Asset:
    p = props(payload)
    encryption = mapping(p, "encryption")
    key = opt(mapping(encryption, "keyVaultProperties"), "keyIdentifier")
    attrs: dict[str, Any] = {
        "sku": opt(mapping(payload, "sku"), "name"),
        "login_server": opt(p, "loginServer"),
        "admin_user_enabled": p.get("adminUserEnabled") is True,
        "anonymous_pull_enabled": p.get("anonymousPullEnabled") is True,
        "public_network_access": str(p.get("publicNetworkAccess") or "Enabled"),
        "network_default_action": opt(mapping(p, "networkRuleSet"), "defaultAction"),
        "kms_key": key if opt(encryption, "status") == "enabled" else None,
    }
    return to_asset(payload, AssetKind.CONTAINER_REGISTRY, SERVICE, REGISTRY_TYPE, attrs)


def collect(ctx: AzureContext) -> None:
    ctx.referenced("registries", "container registry", API, lambda _, p: ctx.add(to_registry(p)))
