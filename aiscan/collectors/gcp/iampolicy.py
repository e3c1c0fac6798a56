"""Reading IAM policies (pure helpers shared by storage, iam and project posture)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aiscan.collectors.gcp.names import service_account_id

PUBLIC_MEMBERS = frozenset({"allUsers", "allAuthenticatedUsers"})

#: Roles that let a member create, overwrite or delete objects in a bucket.
STORAGE_WRITE_ROLES = frozenset(
    {
        "roles/owner",
        "roles/editor",
        "roles/storage.admin",
        "roles/storage.objectAdmin",
        "roles/storage.objectCreator",
        "roles/storage.objectUser",
        "roles/storage.legacyBucketOwner",
        "roles/storage.legacyBucketWriter",
    }
)

#: Project roles that make an AI workload's service account over-privileged.
ADMIN_ROLES = frozenset({"roles/owner"})
BROAD_ROLES = frozenset({"roles/editor", "roles/aiplatform.admin"})


def bindings(policy: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Unconditional bindings (conditional ones are not evaluated: they may not apply)."""
    return [
        b
        for b in (policy or {}).get("bindings") or []
        if isinstance(b, dict) and not b.get("condition")
    ]


def public_grants(policy: dict[str, Any] | None) -> list[str]:
    """``IAM: <member> has <role>`` for every unconditional grant to the public."""
    return [
        f"IAM: {m} has {b.get('role')}"
        for b in bindings(policy)
        for m in b.get("members") or []
        if m in PUBLIC_MEMBERS
    ]


def roles_of(member: str, policies: Iterable[dict[str, Any] | None]) -> set[str]:
    return {
        str(b.get("role"))
        for policy in policies
        for b in bindings(policy)
        if member in (b.get("members") or [])
    }


def members_with(policy: dict[str, Any] | None, roles: Iterable[str]) -> set[str]:
    wanted = set(roles)
    return {
        str(m) for b in bindings(policy) if b.get("role") in wanted for m in b.get("members") or []
    }


def principal(member: str) -> str:
    """A policy member as the shared ``write_principals`` spell it (SA asset id, ``*``, member)."""
    if member in PUBLIC_MEMBERS:
        return "*"
    if member.startswith("serviceAccount:"):
        return service_account_id(member.split(":", 1)[1])
    return member
