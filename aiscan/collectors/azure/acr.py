"""Container registries AI assets pull from (ML workspaces' registries, images of online
deployments' environments), as `container-registry` assets. Admin credentials are never listed.

Attributes, `container-registry`: `sku`, `login_server`, `admin_user_enabled`,
  `anonymous_pull_enabled`, `public_network_access`, `network_default_action`, `kms_key`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiscan.collectors.azure.context import AzureContext, as_map, props, subscription_of, to_asset
from aiscan.core.model import Asset, AssetKind

SERVICE = "containerregistry"
REGISTRY_TYPE = "Microsoft.ContainerRegistry/registries"
API = "2023-07-01"

PERMISSIONS = ("Microsoft.ContainerRegistry/registries/read",)


def get_registry(arm: Any, registry_id: str) -> dict[str, Any]:
    result: dict[str, Any] = arm.get(registry_id, API)
    return result


def to_registry(payload: Mapping[str, Any]) -> Asset:
    p = props(payload)
    rules = as_map(p.get("networkRuleSet"))
    enc = as_map(p.get("encryption"))
    kv = as_map(enc.get("keyVaultProperties"))
    sku = as_map(payload.get("sku"))
    attrs: dict[str, Any] = {
        "sku": sku.get("name"),
        "login_server": p.get("loginServer"),
        "admin_user_enabled": p.get("adminUserEnabled") is True,
        "anonymous_pull_enabled": p.get("anonymousPullEnabled") is True,
        "public_network_access": str(p.get("publicNetworkAccess") or "Enabled"),
        "network_default_action": rules.get("defaultAction"),
        "kms_key": kv.get("keyIdentifier") if str(enc.get("status")) == "enabled" else None,
    }
    return to_asset(
        payload,
        kind=AssetKind.CONTAINER_REGISTRY,
        service=SERVICE,
        type_=REGISTRY_TYPE,
        attributes=attrs,
    )


def collect(ctx: AzureContext) -> None:
    wanted = sorted(r for r in ctx.refs.registries if subscription_of(r) == ctx.subscription)
    ctx.each("container registry", _one, wanted, ctx)


def _one(ctx: AzureContext, registry_id: str) -> None:
    payload = ctx.refs.lookup(registry_id)
    if payload is None:
        payload = ctx.section("container registry", get_registry, ctx.arm, registry_id)
    if payload is not None:
        ctx.add(to_registry(payload))
