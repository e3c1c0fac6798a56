"""Cloud Storage buckets that AI assets refer to (artifacts, training data, corpora, outputs).

Only referenced buckets become assets. Each scanned project's buckets are listed once
(``projection=full`` carries the IAM configuration, encryption, versioning and ACLs the rules
need), which also tells whose a referenced bucket is; then each referenced bucket's IAM policy is
read. A referenced bucket of another project is read directly; when that is refused it is still
an asset (unreadable attributes absent) and the refusal is noted without marking the scan denied,
since no permission in the scanned projects can fix it. A referenced bucket that does not exist
is noted as a dangling reference.

Facts: aiscan/core/facts/gcp.py `StorageBucketFacts`; docs/attributes.md. ``public`` is false
when public access prevention is enforced; otherwise it is true when the IAM policy or an ACL
grants anything to ``allUsers``/``allAuthenticatedUsers``, and absent when the IAM policy could
not be read. ``write_principals`` joins the bucket's own bindings and the owning project's
(project-level storage roles apply to every bucket), service accounts spelled as their asset ids
and ``*`` for the public.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiscan.collectors.gcp.context import Project, ScopeContext
from aiscan.collectors.gcp.errors import classify
from aiscan.collectors.gcp.http import GcpApiError, GcpHttp
from aiscan.collectors.gcp.iampolicy import (
    PUBLIC_MEMBERS,
    STORAGE_WRITE_ROLES,
    bindings,
    members_with,
    principal,
    public_grants,
)
from aiscan.collectors.gcp.names import STORAGE, bucket_id
from aiscan.collectors.gcp.spec import gcp_asset
from aiscan.core.model import Asset, AssetKind, CoverageStatus
from aiscan.core.sanitize import clean_text

SERVICE = "storage"
BUCKET = "storage.googleapis.com/Bucket"
MAX_MEMBERS = 200
PERMISSIONS: tuple[str, ...] = (
    "storage.buckets.list",
    "storage.buckets.get",
    "storage.buckets.getIamPolicy",
)


def list_buckets(http: GcpHttp, project: str) -> list[dict[str, Any]]:
    params = {"project": project, "projection": "full"}
    return list(http.items(STORAGE, "/storage/v1/b", "items", params))


def get_bucket(http: GcpHttp, name: str) -> dict[str, Any]:
    return http.get(STORAGE, f"/storage/v1/b/{name}", {"projection": "full"})


def get_bucket_policy(http: GcpHttp, name: str) -> dict[str, Any]:
    return http.get(STORAGE, f"/storage/v1/b/{name}/iam", {"optionsRequestedPolicyVersion": "3"})


def bucket_attributes(
    payload: dict[str, Any],
    policy: dict[str, Any] | None,
    project_policy: dict[str, Any] | None,
    project_members: Mapping[str, set[str]] | None = None,
) -> dict[str, Any]:
    """Posture of one bucket from its resource, its IAM policy (None: unread) and its project's.

    `project_members` expands the legacy convenience members (``projectEditor:P`` ...) to the
    members holding that role in the project.
    """
    iam = payload.get("iamConfiguration") or {}
    prevention = str(iam.get("publicAccessPrevention") or "inherited")
    uniform = bool((iam.get("uniformBucketLevelAccess") or {}).get("enabled"))
    kms = (payload.get("encryption") or {}).get("defaultKmsKeyName") or None
    attributes: dict[str, Any] = {
        "public_access_prevention": prevention,
        "uniform_access": uniform,
        "versioning": "Enabled" if (payload.get("versioning") or {}).get("enabled") else "Disabled",
        "kms_key": kms,
        "encryption": {
            "algorithm": "CMEK" if kms else "GOOGLE_MANAGED",
            "kms_key": kms,
            "default": not kms,
        },
        "logging_enabled": bool((payload.get("logging") or {}).get("logBucket")),
        "location": payload.get("location"),
        "iam_read": policy is not None,
    }
    public = public_grants(policy)
    if not uniform:
        public.extend(
            f"{acl_key}: {entry['entity']} has {entry.get('role')}"
            for acl_key in ("acl", "defaultObjectAcl")
            for entry in payload.get(acl_key) or []
            if entry.get("entity") in PUBLIC_MEMBERS
        )
    attributes["public_members"] = public
    if prevention == "enforced":
        attributes["public"] = False
    elif policy is not None:
        attributes["public"] = bool(public)
        if public:
            attributes["public_reasons"] = public
    if policy is not None:
        own: dict[str, set[str]] = {}
        for b in bindings(policy):
            own.setdefault(str(b.get("role"))[:200], set()).update(
                str(m)[:320] for m in (b.get("members") or [])[:MAX_MEMBERS]
            )
        attributes["iam_bindings"] = {
            role: sorted(members)[:MAX_MEMBERS] for role, members in sorted(own.items())[:100]
        }
        attributes["conditional_bindings"] = sum(
            1 for b in policy.get("bindings") or [] if isinstance(b, dict) and b.get("condition")
        )
        writers = set(members_with(policy, STORAGE_WRITE_ROLES))
        writers |= members_with(project_policy, STORAGE_WRITE_ROLES)
        expanded: set[str] = set()
        for member in writers:
            kind, _, _ = member.partition(":")
            if kind in ("projectEditor", "projectOwner") and project_members is not None:
                expanded |= project_members.get(kind, set())
            else:
                expanded.add(member)
        if prevention == "enforced":
            expanded -= PUBLIC_MEMBERS
        attributes["write_principals"] = sorted({principal(m) for m in expanded})
    return attributes


def to_bucket(
    payload: dict[str, Any],
    policy: dict[str, Any] | None,
    *,
    account: str,
    owned: bool,
    project_policy: dict[str, Any] | None = None,
) -> Asset:
    members = {
        "projectEditor": members_with(project_policy, {"roles/editor"}),
        "projectOwner": members_with(project_policy, {"roles/owner"}),
    }
    attributes = bucket_attributes(payload, policy, project_policy, members)
    attributes["owned"] = owned
    name = str(payload.get("name") or payload.get("id"))
    return gcp_asset(
        payload,
        created="timeCreated",
        id=bucket_id(name),
        account=account,
        region=str(payload.get("location") or "").lower() or None,
        kind=AssetKind.BUCKET,
        type=BUCKET,
        name=name,
        attributes=attributes,
        raw={**payload, "iamPolicy": policy},
    )


def _unreadable(name: str) -> Asset:
    """A bucket of another project that could not be read: only its name is known."""
    return gcp_asset(
        {},
        id=bucket_id(name),
        account="unknown",
        kind=AssetKind.BUCKET,
        type=BUCKET,
        name=name,
        attributes={"owned": False},
    )


def collect_all(
    contexts: Mapping[str, ScopeContext], projects_by_number: Mapping[str, Project]
) -> None:
    """Read every referenced bucket; `contexts` maps each scanned project id to its scope."""
    any_ctx = next(iter(contexts.values()))
    refs = any_ctx.refs
    referenced = dict(refs.buckets)
    if not referenced:
        return
    owned: dict[str, tuple[str, dict[str, Any]]] = {}
    for project_id, ctx in contexts.items():
        listed = ctx.section("buckets", list_buckets, ctx.http, project_id)
        for bucket in listed or []:
            if bucket.get("name") in referenced:
                owned[str(bucket["name"])] = (project_id, bucket)

    def read(name: str) -> None:
        if name in owned:
            project_id, payload = owned[name]
            ctx = contexts[project_id]
            policy = ctx.section(f"bucket {name} IAM policy", get_bucket_policy, ctx.http, name)
            ctx.add(
                to_bucket(
                    payload,
                    policy,
                    account=project_id,
                    owned=True,
                    project_policy=refs.project_policies.get(project_id),
                )
            )
            return
        # Another project's bucket (or one whose project's list was refused): read it directly
        # in the scope of the first project that refers to it.
        referrer = sorted(p for _, p in referenced[name] if p in contexts)
        ctx = contexts[referrer[0]] if referrer else any_ctx
        try:
            payload = get_bucket(ctx.http, name)
        except GcpApiError as exc:
            if exc.status == 404:
                ctx.note(
                    CoverageStatus.OK, f"referenced bucket {clean_text(name, 64)} does not exist"
                )
                return
            status, message = classify(exc)
            if status is CoverageStatus.DENIED:
                ctx.note(
                    CoverageStatus.OK, f"bucket {clean_text(name, 64)} not readable: {message}"
                )
                ctx.add(_unreadable(name))
                return
            raise
        number = str(payload.get("projectNumber") or "")
        home = projects_by_number.get(number)
        foreign_policy: dict[str, Any] | None
        try:
            foreign_policy = get_bucket_policy(ctx.http, name)
        except GcpApiError as exc:
            ctx.note(CoverageStatus.OK, f"bucket {clean_text(name, 64)} IAM policy: {exc.code}")
            foreign_policy = None
        ctx.add(
            to_bucket(
                payload,
                foreign_policy,
                account=home.id if home else number or "unknown",
                owned=home is not None,
                project_policy=refs.project_policies.get(home.id) if home else None,
            )
        )

    any_ctx.each("bucket", read, sorted(referenced))
