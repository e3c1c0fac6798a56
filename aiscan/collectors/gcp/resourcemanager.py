"""Projects to scan, and the IAM policies of each project and of its folders and organization.

* Default: every ACTIVE project the identity can see (``projects:search``).
* ``--project`` (``scope.options["projects"]``): exactly those, each looked up (``projects.get``)
  so a project that cannot be read shows in coverage as denied.
* ``--organization``: every ACTIVE project under it, from one Cloud Asset Inventory search
  (``organizations/O:searchAllResources`` over ``cloudresourcemanager.googleapis.com/Project``),
  which answers for all folders at once; when Cloud Asset is not usable, a walk of the folder tree
  (``folders.list`` / ``projects.list``) does the same.

The per-project pass reads the project's IAM policy (roles of AI service accounts, project-level
audit-log configuration, project-level storage writers) and, once per folder/organization, their
policies. An ancestor whose policy cannot be read is noted (not denied: project-scoped scanners
usually lack organization rights) and makes ``policies_complete`` false.
"""

from __future__ import annotations

from typing import Any

from aiscan.collectors.gcp.context import Project, ScopeContext
from aiscan.collectors.gcp.errors import classify
from aiscan.collectors.gcp.http import GcpHttp
from aiscan.collectors.gcp.names import CLOUDASSET, RESOURCEMANAGER, last
from aiscan.core.model import CoverageStatus

SERVICE = "resourcemanager"
PERMISSIONS: tuple[str, ...] = (
    "resourcemanager.projects.list",
    "resourcemanager.projects.get",
    "resourcemanager.projects.getIamPolicy",
    "resourcemanager.folders.get",
    "resourcemanager.folders.list",
    "resourcemanager.folders.getIamPolicy",
    "resourcemanager.organizations.getIamPolicy",
    "cloudasset.assets.searchAllResources",
)
MAX_DEPTH = 12  # folders nest at most 10 deep


def to_project(payload: dict[str, Any]) -> Project:
    return Project(
        id=str(payload["projectId"]),
        number=last(str(payload.get("name") or "")),
        name=str(payload.get("displayName") or payload["projectId"]),
        parent=str(payload.get("parent") or ""),
    )


def search_projects(http: GcpHttp) -> list[Project]:
    items = http.items(
        RESOURCEMANAGER, "/v3/projects:search", "projects", {"query": "state:ACTIVE"}
    )
    return [to_project(p) for p in items if p.get("state", "ACTIVE") == "ACTIVE"]


def get_project(http: GcpHttp, project_id: str) -> Project:
    return to_project(http.get(RESOURCEMANAGER, f"/v3/projects/{project_id}"))


def organization_projects_from_assets(http: GcpHttp, org: str) -> list[Project]:
    params = {"assetTypes": "cloudresourcemanager.googleapis.com/Project", "pageSize": "500"}
    out = []
    for r in http.items(
        CLOUDASSET, f"/v1/organizations/{org}:searchAllResources", "results", params
    ):
        if r.get("state", "ACTIVE") != "ACTIVE":
            continue
        project_id = (r.get("additionalAttributes") or {}).get("projectId")
        if not project_id:
            continue
        parent = str(r.get("parentFullResourceName") or "").split(
            "cloudresourcemanager.googleapis.com/"
        )
        out.append(
            Project(
                id=str(project_id),
                number=last(str(r.get("project") or r.get("name") or "")),
                name=str(r.get("displayName") or project_id),
                parent=parent[1] if len(parent) == 2 else "",
            )
        )
    return out


def organization_projects_from_tree(http: GcpHttp, org: str) -> list[Project]:
    projects: list[Project] = []
    todo = [(f"organizations/{org}", 0)]
    while todo:
        parent, depth = todo.pop()
        params = {"parent": parent}
        projects.extend(
            to_project(p)
            for p in http.items(RESOURCEMANAGER, "/v3/projects", "projects", params)
            if p.get("state", "ACTIVE") == "ACTIVE"
        )
        if depth < MAX_DEPTH:
            todo.extend(
                (str(f["name"]), depth + 1)
                for f in http.items(RESOURCEMANAGER, "/v3/folders", "folders", params)
                if f.get("state", "ACTIVE") == "ACTIVE"
            )
    return projects


def get_project_policy(http: GcpHttp, project_id: str) -> dict[str, Any]:
    body = {"options": {"requestedPolicyVersion": 3}}
    return http.post_read(RESOURCEMANAGER, f"/v1/projects/{project_id}:getIamPolicy", body)


def get_ancestor_policy(http: GcpHttp, resource: str) -> dict[str, Any]:
    body = {"options": {"requestedPolicyVersion": 3}}
    return http.post_read(RESOURCEMANAGER, f"/v3/{resource}:getIamPolicy", body)


def get_folder_parent(http: GcpHttp, folder: str) -> str:
    return str(http.get(RESOURCEMANAGER, f"/v3/{folder}").get("parent") or "")


def ancestry(ctx: ScopeContext) -> list[str]:
    chain: list[str] = []
    parent = ctx.project.parent
    while parent and len(chain) < MAX_DEPTH:
        chain.append(parent)
        if not parent.startswith("folders/"):
            break
        parent = get_folder_parent(ctx.http, parent)
    return chain


def collect(ctx: ScopeContext) -> None:
    refs = ctx.refs
    policy = ctx.section("project IAM policy", get_project_policy, ctx.http, ctx.project.id)
    if policy is not None:
        with refs._lock:
            refs.project_policies[ctx.project.id] = policy
    try:
        chain = ancestry(ctx)
    except Exception as exc:
        _, message = classify(exc)
        ctx.note(CoverageStatus.OK, f"ancestry not readable: {message}")
        chain = [ctx.project.parent] if ctx.project.parent else []
        with refs._lock:  # an unknown ancestor means the picture is incomplete
            refs.ancestor_policies.setdefault("folders/?", None)
    with refs._lock:
        refs.ancestors[ctx.project.id] = chain
    for resource in chain:
        with refs._lock:
            if resource in refs.ancestor_policies:
                continue
            refs.ancestor_policies[resource] = None  # claimed: read once
        try:
            found = get_ancestor_policy(ctx.http, resource)
        except Exception as exc:
            _, message = classify(exc)
            ctx.note(CoverageStatus.OK, f"{resource} IAM policy not readable: {message}")
            continue
        with refs._lock:
            refs.ancestor_policies[resource] = found
