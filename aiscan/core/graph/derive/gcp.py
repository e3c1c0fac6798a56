"""Derived edges, Google Cloud: IAM bindings (can-*) and exposure (exposed-to).

**can-read / can-write / can-invoke / can-deploy** go from a service account (the identity asset
``//iam.googleapis.com/projects/-/serviceAccounts/EMAIL`` the collector builds for every
account an AI resource runs as) or from ANONYMOUS (``allUsers`` / ``allAuthenticatedUsers``) to:

* every bucket, Vertex AI endpoint and model and Artifact Registry repository of a project where
  the account holds a role, on the project or inherited from its folders and organization
  (``project_roles`` of the account; evidence ``level`` "project");
* a bucket whose own IAM policy grants the member a role (``iam_bindings`` of the bucket;
  ``projectEditor:P`` / ``projectOwner:P`` / ``projectViewer:P`` convenience members expanded to
  the accounts holding editor / owner / viewer in P; evidence ``level`` "bucket"), and ANONYMOUS
  to a bucket whose legacy ACLs name the public.

A role counts through the permissions `PREDEFINED_ROLES` lists for it (a documented subset of
Google's predefined roles reference: only the permissions an edge is decided on); `WANTS` says
which permission makes which edge on which target type. Custom roles (``projects/P/roles/X``,
``organizations/O/roles/X``) are not expanded: their permissions are not read. Conditional
bindings are left out by the collector (a condition may not apply).

**exposed-to** goes from INTERNET to a Compute Engine VM with an external address and a
firewall rule open to the internet (``public_ip``, ``internet_open_ports``), to a GKE node pool
whose open ports were decided, to a Vertex AI endpoint that answers without authentication
(prediction always needs an OAuth token, so in practice none), and to a bucket readable or
writable by the public. A service reachable from the internet that needs a Google identity
(every Vertex AI endpoint) gets no exposed-to edge: it is "authenticated".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aiscan.core.facts import known
from aiscan.core.graph.derive.common import port_labels
from aiscan.core.graph.model import ANONYMOUS, INTERNET, EdgeType, EstateGraph
from aiscan.core.model import Asset, Cloud

PUBLIC_MEMBERS = frozenset({"allUsers", "allAuthenticatedUsers"})

_OBJ_READ = ("storage.objects.get", "storage.objects.list")
_OBJ_WRITE = ("storage.objects.create", "storage.objects.delete")
_VERTEX = (
    "aiplatform.endpoints.predict",
    "aiplatform.endpoints.deploy",
    "aiplatform.endpoints.update",
    "aiplatform.models.upload",
    "aiplatform.models.update",
)
_AR_READ = ("artifactregistry.repositories.downloadArtifacts",)
_AR_WRITE = ("artifactregistry.repositories.uploadArtifacts",)

#: Predefined roles -> the permissions edges are decided on (Google's IAM roles reference).
PREDEFINED_ROLES: dict[str, tuple[str, ...]] = {
    "roles/owner": _OBJ_READ + _OBJ_WRITE + _VERTEX + _AR_READ + _AR_WRITE,
    "roles/editor": _OBJ_READ + _OBJ_WRITE + _VERTEX + _AR_READ + _AR_WRITE,
    "roles/storage.admin": _OBJ_READ + _OBJ_WRITE,
    "roles/storage.objectAdmin": _OBJ_READ + _OBJ_WRITE,
    "roles/storage.objectUser": _OBJ_READ + _OBJ_WRITE,
    "roles/storage.objectCreator": ("storage.objects.create",),
    "roles/storage.objectViewer": _OBJ_READ,
    "roles/storage.legacyBucketOwner": ("storage.objects.list",) + _OBJ_WRITE,
    "roles/storage.legacyBucketWriter": ("storage.objects.list",) + _OBJ_WRITE,
    "roles/storage.legacyBucketReader": ("storage.objects.list",),
    "roles/storage.legacyObjectReader": ("storage.objects.get",),
    "roles/storage.legacyObjectOwner": ("storage.objects.get",),
    "roles/aiplatform.admin": _VERTEX,
    "roles/aiplatform.user": _VERTEX,
    "roles/aiplatform.deploymentResourcePoolUser": (),
    "roles/artifactregistry.admin": _AR_READ + _AR_WRITE,
    "roles/artifactregistry.repoAdmin": _AR_READ + _AR_WRITE,
    "roles/artifactregistry.createOnPushRepoAdmin": _AR_READ + _AR_WRITE,
    "roles/artifactregistry.writer": _AR_READ + _AR_WRITE,
    "roles/artifactregistry.createOnPushWriter": _AR_READ + _AR_WRITE,
    "roles/artifactregistry.reader": _AR_READ,
}

#: Target type -> edge -> the permissions that make it (any one is enough).
WANTS: dict[str, dict[EdgeType, tuple[str, ...]]] = {
    "storage.googleapis.com/Bucket": {
        EdgeType.CAN_READ: ("storage.objects.get",),
        EdgeType.CAN_WRITE: ("storage.objects.create",),
    },
    "aiplatform.googleapis.com/Endpoint": {
        EdgeType.CAN_INVOKE: ("aiplatform.endpoints.predict",),
        EdgeType.CAN_DEPLOY: ("aiplatform.endpoints.deploy", "aiplatform.endpoints.update"),
    },
    "aiplatform.googleapis.com/Model": {
        EdgeType.CAN_DEPLOY: ("aiplatform.models.upload", "aiplatform.models.update"),
    },
    "artifactregistry.googleapis.com/Repository": {
        EdgeType.CAN_READ: _AR_READ,
        EdgeType.CAN_WRITE: _AR_WRITE,
    },
}

#: Legacy ACL roles of the public: what they let anyone do.
_ACL_EDGES = {
    "READER": (EdgeType.CAN_READ,),
    "WRITER": (EdgeType.CAN_READ, EdgeType.CAN_WRITE),
    "OWNER": (EdgeType.CAN_READ, EdgeType.CAN_WRITE),
}
_CONVENIENCE = {
    "projectOwner": "roles/owner",
    "projectEditor": "roles/editor",
    "projectViewer": "roles/viewer",
}


def grants(role: str, rtype: str) -> Iterator[tuple[EdgeType, list[str]]]:
    """The edges a predefined role makes on a target type, with the permissions behind each."""
    held = set(PREDEFINED_ROLES.get(role, ()))
    for edge, needed in WANTS.get(rtype, {}).items():
        found = sorted(held.intersection(needed))
        if found:
            yield edge, found


def _gcp_assets(graph: EstateGraph) -> Iterator[tuple[str, Asset]]:
    for node_id in list(graph.g.nodes):
        asset = graph.asset(node_id)
        if asset is not None and asset.cloud is Cloud.GCP:
            yield node_id, asset


_Accounts = dict[str, tuple[str, Mapping[str, tuple[str, ...]]]]


def _accounts(graph: EstateGraph) -> _Accounts:
    """email -> (node id, project_roles) of every service account in the graph."""
    out = {}
    for node_id, asset in _gcp_assets(graph):
        if asset.type != "iam.googleapis.com/ServiceAccount":
            continue
        facts: Any = asset.facts
        email = known(facts.email) or asset.name
        roles = known(facts.project_roles) or {}
        out[str(email)] = (node_id, roles)
    return out


class _Edges:
    """Adds each (source, target, edge) once: the first binding found is its evidence."""

    def __init__(self, graph: EstateGraph) -> None:
        self.graph = graph
        self.seen: set[tuple[str, str, str]] = set()

    def add(self, source: str, target: str, edge: EdgeType, evidence: dict[str, Any]) -> None:
        key = (source, target, edge.value)
        if key in self.seen:
            return
        self.seen.add(key)
        self.graph.add_derived(source, target, edge, evidence)


def _members(
    member: str, accounts: Mapping[str, tuple[str, Mapping[str, tuple[str, ...]]]]
) -> list[tuple[str, str]]:
    """(node id, how) of the graph nodes a policy member stands for."""
    if member in PUBLIC_MEMBERS:
        return [(ANONYMOUS, member)]
    kind, _, rest = member.partition(":")
    if kind == "serviceAccount" and rest in accounts:
        return [(accounts[rest][0], member)]
    if kind in _CONVENIENCE:
        role = _CONVENIENCE[kind]
        return [
            (node, f"{member} ({role})")
            for email, (node, roles) in sorted(accounts.items())
            if role in roles.get(rest, ())
        ]
    return []  # users, groups, domains, principal sets: not nodes of the graph


def _binding(role: str, perms: list[str], resource: str, member: str) -> dict[str, Any]:
    """The evidence of a grant from an IAM binding on a project or a bucket."""
    return {
        "source": "iam-binding",
        "policy": role,
        "actions": perms,
        "resource": resource,
        "level": "project" if resource.startswith("projects/") else "bucket",
        "member": member,
    }


def derive_project_grants(graph: EstateGraph, edges: _Edges, accounts: _Accounts) -> None:
    by_project: dict[str, list[tuple[str, Asset]]] = {}
    for node_id, asset in _gcp_assets(graph):
        if asset.type in WANTS:
            by_project.setdefault(asset.account, []).append((node_id, asset))
    for email, (identity, project_roles) in sorted(accounts.items()):
        for project, roles in sorted(project_roles.items()):
            for role in roles:
                if role not in PREDEFINED_ROLES:
                    continue
                for target, asset in by_project.get(project, []):
                    for edge, perms in grants(role, asset.type):
                        edges.add(
                            identity,
                            target,
                            edge,
                            _binding(role, perms, f"projects/{project}", f"serviceAccount:{email}"),
                        )


def derive_bucket_grants(graph: EstateGraph, edges: _Edges, accounts: _Accounts) -> None:
    for node_id, asset in _gcp_assets(graph):
        if asset.type != "storage.googleapis.com/Bucket":
            continue
        facts: Any = asset.facts
        enforced = known(facts.public_access_prevention) == "enforced"
        bindings = known(facts.iam_bindings) or {}
        for role, members in sorted(bindings.items()):
            if role not in PREDEFINED_ROLES:
                continue
            for member in members:
                for source, how in _members(member, accounts):
                    if source == ANONYMOUS and enforced:
                        continue  # public access prevention overrides allUsers bindings
                    for edge, perms in grants(role, asset.type):
                        if source == ANONYMOUS:
                            graph.add_synthetic(ANONYMOUS, "anonymous", "anonymous")
                        edges.add(
                            source,
                            node_id,
                            edge,
                            _binding(role, perms, f"b/{asset.name}", how[:400]),
                        )
        if enforced or known(facts.uniform_access) is not False:
            continue
        for reason in known(facts.public_members) or ():
            where, _, rest = str(reason).partition(": ")
            if where not in ("acl", "defaultObjectAcl"):
                continue
            who, _, acl_role = rest.partition(" has ")
            for edge in _ACL_EDGES.get(acl_role.upper(), ()):
                if where == "defaultObjectAcl" and edge is EdgeType.CAN_WRITE:
                    continue  # object ACLs never grant creating objects
                graph.add_synthetic(ANONYMOUS, "anonymous", "anonymous")
                edges.add(
                    ANONYMOUS,
                    node_id,
                    edge,
                    {
                        "source": "acl",
                        "policy": f"{where} {who[:64]} {acl_role[:16]}",
                        "actions": [where],
                        "resource": f"b/{asset.name}",
                    },
                )


# -- exposure -------------------------------------------------------------------------------------


def _exposure(asset: Asset) -> dict[str, Any] | None:
    facts: Any = asset.facts
    if asset.type == "compute.googleapis.com/Instance":
        ip = known(facts.public_ip)
        ports = known(facts.internet_open_ports)
        if ip and ports:
            return {
                "reason": "external IP and a VPC firewall rule open to 0.0.0.0/0",
                "auth": None,
                "ports": port_labels(ports),
            }
        return None
    if asset.type == "container.googleapis.com/NodePool":
        ports = known(facts.internet_open_ports)
        if ports and known(facts.private_nodes) is False:
            return {
                "reason": "public nodes and a firewall rule open to 0.0.0.0/0",
                "auth": None,
                "ports": port_labels(ports),
            }
        return None
    if asset.type == "aiplatform.googleapis.com/Endpoint":
        if known(facts.public_network) is True and known(facts.authenticated) is False:
            return {"reason": "public endpoint without authentication", "auth": "none"}
        return None
    return None


def derive_exposure(graph: EstateGraph) -> None:
    for node_id, asset in _gcp_assets(graph):
        found = _exposure(asset)
        if found is not None:
            graph.add_synthetic(INTERNET, "internet", "internet")
            graph.add_derived(INTERNET, node_id, EdgeType.EXPOSED_TO, found)
    # Public buckets: what ANONYMOUS may do is what the internet may do.
    for node_id, asset in _gcp_assets(graph):
        if asset.type != "storage.googleapis.com/Bucket":
            continue
        kinds = {
            data["type"]
            for source, data in graph.in_edges(node_id, EdgeType.CAN_READ, EdgeType.CAN_WRITE)
            if source == ANONYMOUS
        }
        if not kinds:
            continue
        graph.add_synthetic(INTERNET, "internet", "internet")
        graph.add_derived(
            INTERNET,
            node_id,
            EdgeType.EXPOSED_TO,
            {
                "reason": "the bucket's IAM policy or ACL grants allUsers / allAuthenticatedUsers",
                "access": "write" if EdgeType.CAN_WRITE.value in kinds else "read",
                "auth": "none",
            },
        )


def derive(graph: EstateGraph) -> None:
    """Add this module's derived edges to `graph`."""
    edges, accounts = _Edges(graph), _accounts(graph)
    derive_project_grants(graph, edges, accounts)
    derive_bucket_grants(graph, edges, accounts)
    derive_exposure(graph)
