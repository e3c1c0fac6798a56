"""Service accounts that AI assets run as, with the project-level roles they hold.

Every referenced account becomes an ``identity`` asset; accounts of scanned projects are also
read (``iam.serviceAccounts.get``). Roles come from the IAM policies of every scanned project and
of their folders and organization (read by the collector's resource-manager pass). Roles granted
on individual resources are not considered.

The shared identity facts are set so the cross-cloud identity rule judges GCP accounts too:
``administrator`` is ``roles/owner`` on a project, folder or organization,
``full_access_policies`` the ``roles/editor`` / ``roles/aiplatform.admin`` held there,
``wildcard_actions`` always empty (GCP roles are not action patterns), ``policies_complete``
whether every policy above was read. Facts: aiscan/core/facts/gcp.py
`ServiceAccountIdentityFacts`; docs/attributes.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiscan.collectors.gcp.context import Project, References, ScopeContext
from aiscan.collectors.gcp.http import GcpApiError, GcpHttp
from aiscan.collectors.gcp.iampolicy import ADMIN_ROLES, BROAD_ROLES, roles_of
from aiscan.collectors.gcp.names import (
    DEFAULT_COMPUTE_SA,
    IAM,
    is_default_compute_sa,
    service_account_id,
    service_account_project,
)
from aiscan.collectors.gcp.spec import gcp_asset
from aiscan.core.model import Asset, AssetKind, CoverageStatus
from aiscan.core.sanitize import clean_text

SERVICE = "iam"
PERMISSIONS: tuple[str, ...] = ("iam.serviceAccounts.get",)
MAX_ROLES = 200


def get_service_account(http: GcpHttp, email: str) -> dict[str, Any]:
    return http.get(IAM, f"/v1/projects/-/serviceAccounts/{email}")


def home_project(email: str, projects_by_number: Mapping[str, Project]) -> str | None:
    m = DEFAULT_COMPUTE_SA.match(email)
    if m:
        home = projects_by_number.get(m.group(1))
        return home.id if home else None
    return service_account_project(email)


def role_facts(email: str, refs: References) -> dict[str, Any]:
    member = f"serviceAccount:{email}"
    policies: list[tuple[str, dict[str, Any] | None]] = [
        (f"projects/{p}", policy) for p, policy in sorted(refs.project_policies.items())
    ]
    policies += sorted(refs.ancestor_policies.items())
    roles = {
        res: sorted(found) for res, policy in policies if (found := roles_of(member, [policy]))
    }
    held = {r for rs in roles.values() for r in rs}
    # What applies in each scanned project: its own bindings and its folders' / organization's.
    project_roles: dict[str, list[str]] = {}
    for project in sorted(refs.project_policies):
        chain = [f"projects/{project}", *refs.ancestors.get(project, [])]
        inherited = {r for resource in chain for r in roles.get(resource, [])}
        if inherited:
            project_roles[project] = sorted(inherited)[:MAX_ROLES]
    ancestors = {a for chain in refs.ancestors.values() for a in chain}
    complete = all(p is not None for p in refs.ancestor_policies.values()) and ancestors <= set(
        refs.ancestor_policies
    )
    return {
        "roles": roles,
        "project_roles": project_roles,
        "administrator": bool(held & ADMIN_ROLES),
        "full_access_policies": sorted(held & BROAD_ROLES),
        "wildcard_actions": [],
        "policies_complete": complete,
    }


def to_service_account(
    email: str,
    payload: dict[str, Any] | None,
    refs: References,
    *,
    account: str,
    policies_read: bool,
) -> Asset:
    attributes: dict[str, Any] = {
        "email": email,
        "default_service_account": is_default_compute_sa(email),
        "service_agent": email.endswith(".gserviceaccount.com")
        and ("@gcp-sa-" in email or "@cloudservices." in email or email.startswith("service-")),
        "user_managed": payload is not None,
        **role_facts(email, refs),
    }
    if not policies_read:
        attributes["policies_complete"] = False
    if payload is not None:
        attributes["disabled"] = bool(payload.get("disabled"))
    return gcp_asset(
        {},
        id=service_account_id(email),
        account=account,
        kind=AssetKind.IDENTITY,
        type="iam.googleapis.com/ServiceAccount",
        name=email,
        attributes=attributes,
        raw=payload or {"email": email},
    )


def collect_all(
    contexts: Mapping[str, ScopeContext],
    projects_by_number: Mapping[str, Project],
    scanned: set[str],
) -> None:
    """`scanned`: the project ids of the scan; unless every one's IAM policy was read (it is not
    when resourcemanager is left out or denied), no account's ``policies_complete`` is true."""
    any_ctx = next(iter(contexts.values()))
    refs = any_ctx.refs
    policies_read = scanned <= set(refs.project_policies)

    def read(email: str) -> None:
        home = home_project(email, projects_by_number)
        users = sorted(p for _, p in refs.service_accounts[email])
        ctx = contexts.get(home or "") or contexts.get(users[0] if users else "") or any_ctx
        payload = None
        if home in contexts:
            try:
                payload = get_service_account(ctx.http, email)
            except GcpApiError as exc:
                if exc.status != 404:
                    raise
                ctx.note(CoverageStatus.OK, f"service account {clean_text(email, 80)} not found")
        ctx.add(
            to_service_account(
                email, payload, refs, account=home or "unknown", policies_read=policies_read
            )
        )

    any_ctx.each("service account", read, sorted(refs.service_accounts))
