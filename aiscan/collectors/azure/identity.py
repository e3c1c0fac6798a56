"""Managed identities AI resources run as, and the role assignments that make them powerful.

Per subscription the role definitions and every role assignment are listed once (two paged
GETs); identity assets are then built for the identities AI assets referred to. An assignment
counts as broad when its scope is a management group, the subscription or a resource group:
the issue this answers is "Owner or Contributor at subscription or resource-group scope".

Facts: aiscan/core/facts/azure.py `ManagedIdentityFacts` (`RoleAssignment`); docs/attributes.md.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from aiscan.collectors.azure.context import (
    AzureContext,
    IdentityRef,
    References,
    norm,
    props,
    to_asset,
)
from aiscan.core.model import Asset, AssetKind

SERVICE = "identity"
API = "2022-04-01"

PERMISSIONS = (
    "Microsoft.Authorization/roleAssignments/read",
    "Microsoft.Authorization/roleDefinitions/read",
)


def definition_key(role_definition_id: str) -> str:
    """Role definitions are listed per subscription; the guid identifies them across scopes."""
    return role_definition_id.rstrip("/").rsplit("/", 1)[-1].lower()


def to_role_definition(payload: Mapping[str, Any]) -> dict[str, Any]:
    p = props(payload)
    perms = [x for x in p.get("permissions") or [] if isinstance(x, Mapping)]

    def gather(key: str) -> list[str]:
        return sorted({str(a) for x in perms for a in x.get(key) or []})

    return {
        "name": str(p.get("roleName") or payload.get("name") or "?"),
        "actions": gather("actions"),
        "not_actions": gather("notActions"),
        "data_actions": gather("dataActions"),
        "not_data_actions": gather("notDataActions"),
    }


def allows(role: Mapping[str, Any], action: str, *, data: bool = False) -> bool:
    """Whether a role definition grants `action` (ARM wildcards, case-insensitive)."""
    grant = role["data_actions"] if data else role["actions"]
    deny = role["not_data_actions"] if data else role["not_actions"]
    act = action.lower()
    return any(fnmatch.fnmatchcase(act, a.lower()) for a in grant) and not any(
        fnmatch.fnmatchcase(act, a.lower()) for a in deny
    )


def scope_level(scope: str) -> str:
    parts = scope.strip("/").split("/")
    if not parts or parts == [""] or "managementgroups" in scope.lower():
        return "management-group"
    if len(parts) == 2 and parts[0].lower() == "subscriptions":
        return "subscription"
    if len(parts) == 4 and parts[2].lower() == "resourcegroups":
        return "resource-group"
    return "resource"


def covers(scope: str, resource_id: str) -> bool:
    """Whether an assignment at `scope` applies to `resource_id` (inherited downwards)."""
    s = norm(scope)
    if scope_level(scope) == "management-group":
        return True  # listed in this subscription's assignments, so the group contains it
    rid = norm(resource_id)
    return rid == s or rid.startswith(s + "/")


#: Bounds of what an assignment copies from its role definition (built-in roles hold < 100).
MAX_ACTIONS = 400
MAX_ASSIGNMENTS = 100


def _bounded(values: Any) -> list[str]:
    return [str(v)[:256] for v in list(values or [])[:MAX_ACTIONS]]


def to_identity(
    ref: IdentityRef,
    assignments: Iterable[tuple[str, str]],
    definitions: Mapping[str, Mapping[str, Any]],
    *,
    complete: bool,
    conditional: Collection[tuple[str, str]] = frozenset(),
) -> Asset:
    """`conditional`: the (definition, scope) pairs whose assignment carries an ABAC condition."""
    granted = []
    wildcard: set[str] = set()
    full: list[str] = []
    admin = False
    for def_id, scope in assignments:
        role = definitions.get(def_id)
        level = scope_level(scope)
        name = str(role["name"]) if role else def_id
        entry: dict[str, Any] = {
            "role": name[:256],
            "scope": scope,  # never cut: a shorter scope would cover more
            "scope_level": level,
            "role_id": def_id or None,
            "condition": (def_id, scope) in conditional,
        }
        if role is not None:
            entry["actions"] = _bounded(role["actions"])
            entry["not_actions"] = _bounded(role["not_actions"])
            entry["data_actions"] = _bounded(role["data_actions"])
            entry["not_data_actions"] = _bounded(role["not_data_actions"])
        granted.append(entry)
        if role is None or level == "resource":
            continue
        # "*" and "<provider>/*" grant writes; "*/read" (Reader) does not.
        stars = [a for a in role["actions"] if a == "*" or a.endswith("/*")]
        if stars:
            wildcard.update(stars)
            full.append(f"{name} on {scope}")
        if "*" in role["actions"] and allows(role, "Microsoft.Authorization/roleAssignments/write"):
            admin = True
    attrs: dict[str, Any] = {
        "assigned": ref.assigned,
        "principal_id": ref.principal_id,
        "client_id": ref.client_id,
        "attached_to": ref.source,
        "role_assignments": granted[:MAX_ASSIGNMENTS],
        "administrator": admin,
        "wildcard_actions": sorted(wildcard),
        "full_access_policies": sorted(full),
        "policies_complete": complete and ref.principal_id is not None,
    }
    type_ = "Microsoft.ManagedIdentity/" + (
        "userAssignedIdentities" if ref.assigned == "user" else "identities"
    )
    raw = {
        "principalId": ref.principal_id,
        "clientId": ref.client_id,
        "assigned": ref.assigned,
        "attachedTo": ref.source,
    }
    payload = {"id": ref.asset_id}
    kind = AssetKind.IDENTITY
    return to_asset(payload, kind, SERVICE, type_, attrs, raw=raw, region=ref.region, name=ref.name)


def collect_authorization(ctx: AzureContext) -> None:
    """Read one subscription's role definitions and assignments into the shared references."""
    path = f"/subscriptions/{ctx.subscription}/providers/Microsoft.Authorization"
    definitions = ctx.listing("role definitions", f"{path}/roleDefinitions", API)
    assignments = ctx.listing("role assignments", f"{path}/roleAssignments", API)
    refs = ctx.refs
    with refs._lock:
        for d in definitions or []:
            refs.role_definitions[definition_key(str(d.get("id") or d.get("name") or ""))] = (
                to_role_definition(d)
            )
        for a in assignments or []:
            p = props(a)
            principal = str(p.get("principalId") or "").lower()
            if not principal:
                continue
            pair = (definition_key(str(p.get("roleDefinitionId") or "")), str(p.get("scope") or ""))
            held = refs.assignments.setdefault(principal, [])
            if pair not in held:
                held.append(pair)
            if p.get("condition"):
                refs.conditional.add((principal, *pair))
        if definitions is not None and assignments is not None:
            refs.authorization_read.add(ctx.subscription)


def principal_assignments(refs: References, principal_id: str | None) -> list[tuple[str, str]]:
    return list(refs.assignments.get((principal_id or "").lower(), []))


def build_identities(ctx: AzureContext, scanned: set[str]) -> None:
    """Identity assets of this subscription's referenced identities (after every subscription's
    authorization was read, since a role may be granted in another subscription)."""
    refs = ctx.refs
    complete = scanned <= refs.authorization_read
    for ref in list(refs.identities.values()):
        if ref.subscription != ctx.subscription:
            continue
        ctx.add(
            to_identity(
                ref,
                principal_assignments(refs, ref.principal_id),
                refs.role_definitions,
                complete=complete,
                conditional={
                    (d, s) for p, d, s in refs.conditional if p == (ref.principal_id or "").lower()
                },
            )
        )
