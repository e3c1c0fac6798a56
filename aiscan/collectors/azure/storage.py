"""Storage accounts and blob containers that AI assets use (workspace storage, datastores, model
artifacts), as `bucket` assets; other storage accounts are not AI assets and are not read.

Per referenced account: the account (from Resource Graph, or an ARM GET), its blob service
properties (versioning) and its container list (public access level). Account keys are never
listed. `write_principals` names the AI identities that may write blobs: a role with the blob
write data action, or one that may list the account keys while shared-key access is allowed,
at a scope covering the account or container.

Facts: aiscan/core/facts/azure.py `StorageAccountFacts`, `BlobContainerFacts`; docs/attributes.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from aiscan.collectors.azure.context import (
    AzureContext,
    as_map,
    child_name,
    norm,
    props,
    to_asset,
)
from aiscan.collectors.azure.identity import allows, covers, principal_assignments
from aiscan.core.model import Asset, AssetKind

SERVICE = "storage"
ACCOUNT_TYPE = "Microsoft.Storage/storageAccounts"
CONTAINER_TYPE = f"{ACCOUNT_TYPE}/blobServices/containers"
API = "2023-05-01"
BLOB_WRITE = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write"
LIST_KEYS = "Microsoft.Storage/storageAccounts/listKeys/action"

PERMISSIONS = (
    "Microsoft.Storage/storageAccounts/read",
    "Microsoft.Storage/storageAccounts/blobServices/read",
    "Microsoft.Storage/storageAccounts/blobServices/containers/read",
)


def account_facts(payload: Mapping[str, Any]) -> dict[str, Any]:
    p = props(payload)
    acls = as_map(p.get("networkAcls"))
    enc = as_map(p.get("encryption"))
    kms_key = None
    if str(enc.get("keySource", "")).lower() == "microsoft.keyvault":
        kv = enc.get("keyvaultproperties") or enc.get("keyVaultProperties") or {}
        kms_key = f"{str(kv.get('keyvaulturi', '')).rstrip('/')}/keys/{kv.get('keyname', '')}"
    facts: dict[str, Any] = {
        "public_network_access": str(p.get("publicNetworkAccess") or "Enabled"),
        "network_default_action": acls.get("defaultAction"),
        "allow_shared_key_access": p.get("allowSharedKeyAccess") is not False,
        "https_only": p.get("supportsHttpsTrafficOnly") is not False,
        "min_tls_version": p.get("minimumTlsVersion"),
        "kms_key": kms_key,
        "encryption": {
            "algorithm": "AES256",
            "kms_key": kms_key,
            "default": kms_key is None,
        },
    }
    if isinstance(p.get("allowBlobPublicAccess"), bool):
        facts["allow_blob_public_access"] = p["allowBlobPublicAccess"]
    return facts


def container_public(account: Mapping[str, Any], container: Mapping[str, Any]) -> str | None:
    """Why a container is readable anonymously, or None."""
    level = str(props(container).get("publicAccess") or "None")
    if level == "None" or account.get("allow_blob_public_access") is False:
        return None
    if str(account.get("public_network_access", "Enabled")).lower() == "disabled":
        return None
    return f"container {container.get('name')} allows anonymous {level.lower()} access"


def write_principals(ctx: AzureContext, resource_id: str, allow_shared_key: bool) -> list[str]:
    out = []
    refs = ctx.refs
    for ident in list(refs.identities.values()):
        for def_id, scope in principal_assignments(refs, ident.principal_id):
            role = refs.role_definitions.get(def_id)
            if role is None or not covers(scope, resource_id):
                continue
            if allows(role, BLOB_WRITE, data=True) or (
                allow_shared_key and allows(role, LIST_KEYS)
            ):
                out.append(ident.asset_id)
                break
    return sorted(set(out))


def to_account(
    payload: Mapping[str, Any],
    *,
    facts: Mapping[str, Any],
    containers: Sequence[Mapping[str, Any]] | None,
    versioning: str | None,
    writers: list[str] | None,
) -> Asset:
    attrs = dict(facts)
    if containers is not None:
        reasons = [r for c in containers if (r := container_public(facts, c))]
        attrs["public"] = bool(reasons)
        attrs["public_reasons"] = reasons
    if versioning is not None:
        attrs["versioning"] = versioning
    if writers is not None:
        attrs["write_principals"] = writers
    return to_asset(payload, AssetKind.BUCKET, SERVICE, ACCOUNT_TYPE, attrs)


def to_container(
    payload: Mapping[str, Any],
    *,
    account: Asset,
    facts: Mapping[str, Any],
    writers: list[str] | None,
) -> Asset:
    p = props(payload)
    reason = container_public(facts, payload)
    attrs: dict[str, Any] = {
        **facts,
        "public_access": str(p.get("publicAccess") or "None"),
        "public": reason is not None,
        "public_reasons": [reason] if reason else [],
        "immutable": p.get("hasImmutabilityPolicy") is True
        or p.get("immutableStorageWithVersioning") not in (None, {}, False),
    }
    if "versioning" in account.attributes:
        attrs["versioning"] = account.attributes["versioning"]
    if writers is not None:
        attrs["write_principals"] = writers
    region, name = account.region, child_name(payload)
    return to_asset(
        payload, AssetKind.BUCKET, SERVICE, CONTAINER_TYPE, attrs, region=region, name=name
    )


def collect(ctx: AzureContext) -> None:
    ctx.referenced("storage", "storage account", API, partial(_one_account, ctx))


def _one_account(ctx: AzureContext, account_id: str, payload: Mapping[str, Any]) -> None:
    rid, name = str(payload["id"]), payload.get("name")
    facts = account_facts(payload)
    service = ctx.section(
        f"blob service of {name}", ctx.arm.get, f"{rid}/blobServices/default", API
    )
    versioning = None
    if service is not None:
        versioning = "Enabled" if props(service).get("isVersioningEnabled") is True else "Disabled"
    containers = ctx.listing(f"containers of {name}", f"{rid}/blobServices/default/containers", API)
    complete = ctx.subscription in ctx.refs.authorization_read
    shared = bool(facts.get("allow_shared_key_access"))
    account = to_account(
        payload,
        facts=facts,
        containers=containers,
        versioning=versioning,
        writers=write_principals(ctx, rid, shared) if complete else None,
    )
    ctx.add(account)
    wanted = {c for (a, c) in ctx.refs.containers if a == norm(account_id)}
    for item in containers or []:
        if str(item.get("name", "")).lower() not in wanted:
            continue
        writers = write_principals(ctx, str(item["id"]), shared) if complete else None
        ctx.add(to_container(item, account=account, facts=facts, writers=writers))
