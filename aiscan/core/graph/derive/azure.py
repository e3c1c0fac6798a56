"""Derived edges, Azure: role assignments (can-*) and exposure (exposed-to).

**can-read / can-write / can-invoke / can-deploy** go from a managed identity (the identity
asset the collector builds for every identity an AI resource runs as; its id is the ARM id of
the user-assigned identity, or ``<resource id>/providers/microsoft.managedidentity/identities/
default`` for a system-assigned one) to every Azure asset under the scope of one of its role
assignments (ARM ids compared case-insensitively, an assignment inherited downwards; a
management-group or root scope covers every scanned subscription, since ARM lists such an
assignment only for subscriptions below it). What the role permits is decided from the role
definition's actions / notActions / dataActions / notDataActions copied into the assignment, or,
when the definition was not read, from `BUILTIN_ROLES` by its GUID; ``*`` matches any run of
characters, case-insensitively, as Azure matches them. Per target type, `WANTS` lists the
actions (control plane) and data actions that make each edge. Keys count: a role that may list
an account's keys (``listKeys/action``: Owner, Contributor ...) reads and writes what the keys
open, unless key (local / shared-key) authentication is disabled on the target.

**exposed-to** goes from INTERNET to a host with a public IP and a port open to the internet
(VMs and ML compute instances: ``public_ip`` and ``internet_open_ports``), to a service
reachable from any network (``publicNetworkAccess`` Enabled, no IP rules, no ``Deny`` default
action) that accepts keys (auth ``key``), to an ML online or serverless endpoint with auth mode
Key, and to a blob container whose public access is Blob or Container (which also gets an
ANONYMOUS can-read). A service whose callers must present an Entra ID token (local auth
disabled, AADToken / AMLToken endpoints, workspaces) is reachable only by an identity: no edge.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from aiscan.core.facts import known, unread
from aiscan.core.facts.common import HostExposureFacts
from aiscan.core.graph.derive.common import port_labels
from aiscan.core.graph.model import ANONYMOUS, INTERNET, EdgeType, EstateGraph
from aiscan.core.model import Asset, Cloud

# -- role definitions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Role:
    name: str
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    data_actions: tuple[str, ...] = ()
    not_data_actions: tuple[str, ...] = ()


_ST = "Microsoft.Storage/storageAccounts"
_BLOBS = f"{_ST}/blobServices/containers/blobs"
_CS = "Microsoft.CognitiveServices/accounts"
_ML = "Microsoft.MachineLearningServices/workspaces"

#: Built-in roles by GUID, used when the role definitions could not be read (the permissions
#: that matter for the graph, as Microsoft's built-in role reference lists them).
BUILTIN_ROLES: dict[str, Role] = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": Role("Owner", ("*",)),
    "b24988ac-6180-42a0-ab88-20f7382dd24c": Role(
        "Contributor",
        ("*",),
        (
            "Microsoft.Authorization/*/Delete",
            "Microsoft.Authorization/*/Write",
            "Microsoft.Authorization/elevateAccess/Action",
            "Microsoft.Blueprint/blueprintAssignments/write",
            "Microsoft.Blueprint/blueprintAssignments/delete",
            "Microsoft.Compute/galleries/share/action",
        ),
    ),
    "acdd72a7-3385-48ef-bd42-f606fba81ae7": Role("Reader", ("*/read",)),
    "17d1049b-9a84-46fb-8f53-869881c3d3ab": Role(
        "Storage Account Contributor", (f"{_ST}/*", "Microsoft.Resources/deployments/*")
    ),
    "b7e6dc6d-f1e8-4753-8033-0f276bb0955b": Role(
        "Storage Blob Data Owner",
        (
            f"{_ST}/blobServices/containers/*",
            f"{_ST}/blobServices/generateUserDelegationKey/action",
        ),
        data_actions=(f"{_BLOBS}/*",),
    ),
    "ba92f5b4-2d11-453d-a403-e96b0029c9fe": Role(
        "Storage Blob Data Contributor",
        (
            f"{_ST}/blobServices/containers/delete",
            f"{_ST}/blobServices/containers/read",
            f"{_ST}/blobServices/containers/write",
            f"{_ST}/blobServices/generateUserDelegationKey/action",
        ),
        data_actions=(
            f"{_BLOBS}/delete",
            f"{_BLOBS}/read",
            f"{_BLOBS}/write",
            f"{_BLOBS}/move/action",
            f"{_BLOBS}/add/action",
        ),
    ),
    "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1": Role(
        "Storage Blob Data Reader",
        (
            f"{_ST}/blobServices/containers/read",
            f"{_ST}/blobServices/generateUserDelegationKey/action",
        ),
        data_actions=(f"{_BLOBS}/read",),
    ),
    "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd": Role(
        "Cognitive Services OpenAI User",
        ("Microsoft.CognitiveServices/*/read",),
        data_actions=(
            f"{_CS}/OpenAI/*/read",
            f"{_CS}/OpenAI/deployments/search/action",
            f"{_CS}/OpenAI/deployments/completions/action",
            f"{_CS}/OpenAI/deployments/chat/completions/action",
            f"{_CS}/OpenAI/deployments/extensions/chat/completions/action",
            f"{_CS}/OpenAI/deployments/embeddings/action",
            f"{_CS}/OpenAI/images/generations/action",
        ),
    ),
    "a001fd3d-188f-4b5d-821b-7da978bf7442": Role(
        "Cognitive Services OpenAI Contributor",
        (
            "Microsoft.CognitiveServices/*/read",
            f"{_CS}/deployments/write",
            f"{_CS}/deployments/delete",
            f"{_CS}/raiPolicies/read",
            f"{_CS}/raiPolicies/write",
            f"{_CS}/raiPolicies/delete",
        ),
        data_actions=(f"{_CS}/OpenAI/*",),
    ),
    "a97b65f3-24c7-4388-baec-2e87135dc908": Role(
        "Cognitive Services User",
        ("Microsoft.CognitiveServices/*/read", f"{_CS}/listkeys/action"),
        data_actions=("Microsoft.CognitiveServices/*",),
    ),
    "25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68": Role(
        "Cognitive Services Contributor", ("Microsoft.CognitiveServices/*",)
    ),
    "f6c7c914-8db3-469d-8ca1-694a8f32e121": Role(
        "AzureML Data Scientist",
        (f"{_ML}/*/read", f"{_ML}/*/action", f"{_ML}/*/delete", f"{_ML}/*/write"),
        (
            f"{_ML}/delete",
            f"{_ML}/write",
            f"{_ML}/computes/*/write",
            f"{_ML}/computes/*/delete",
            "Microsoft.Authorization/*/write",
            f"{_ML}/computes/listKeys/action",
            f"{_ML}/listKeys/action",
            f"{_ML}/hubs/write",
            f"{_ML}/hubs/delete",
            f"{_ML}/featurestores/write",
            f"{_ML}/featurestores/delete",
        ),
        data_actions=(f"{_ML}/*",),
    ),
    "e503ece1-11d0-4e8e-8e2c-7a6c3bf38815": Role(
        "AzureML Compute Operator",
        (f"{_ML}/computes/*",),
    ),
    "7f951dda-4ed3-4680-a7ca-43fe172d538d": Role(
        "AcrPull", ("Microsoft.ContainerRegistry/registries/pull/read",)
    ),
    "8311e382-0749-4cb8-b61a-304f252e45ec": Role(
        "AcrPush",
        (
            "Microsoft.ContainerRegistry/registries/pull/read",
            "Microsoft.ContainerRegistry/registries/push/write",
        ),
    ),
    "1407120a-92aa-4202-b7e9-c0e197c71c8f": Role(
        "Search Index Data Reader",
        data_actions=("Microsoft.Search/searchServices/indexes/documents/read",),
    ),
    "8ebe5a00-799e-43f5-93ac-243d3dce84a7": Role(
        "Search Index Data Contributor",
        data_actions=("Microsoft.Search/searchServices/indexes/documents/*",),
    ),
}


@lru_cache(maxsize=4096)
def _pattern(pattern: str) -> re.Pattern[str]:
    # Azure's wildcard: `*` is any run of characters (slashes included); nothing else is special.
    return re.compile(".*".join(re.escape(p) for p in pattern.split("*")), re.IGNORECASE)


def matches(pattern: str, action: str) -> bool:
    return _pattern(pattern).fullmatch(action) is not None


def permits(role: Role, action: str, *, data: bool) -> bool:
    """Whether the role grants `action` (a data action when `data`), notActions subtracted."""
    grant, deny = (
        (role.data_actions, role.not_data_actions) if data else (role.actions, role.not_actions)
    )
    return any(matches(g, action) for g in grant) and not any(matches(d, action) for d in deny)


# -- what each target type needs --------------------------------------------------------------

#: (action, is a data action, needs key auth on the target) per edge type per target type.
Want = tuple[str, bool, bool]
_ACC = "Microsoft.Storage/storageAccounts/listKeys/action"
WANTS: dict[str, dict[EdgeType, tuple[Want, ...]]] = {
    "microsoft.storage/storageaccounts": {
        EdgeType.CAN_READ: ((f"{_BLOBS}/read", True, False), (_ACC, False, True)),
        EdgeType.CAN_WRITE: (
            (f"{_BLOBS}/write", True, False),
            (f"{_BLOBS}/add/action", True, False),
            (_ACC, False, True),
        ),
    },
    "microsoft.cognitiveservices/accounts": {
        EdgeType.CAN_INVOKE: (
            (f"{_CS}/OpenAI/deployments/chat/completions/action", True, False),
            (f"{_CS}/OpenAI/deployments/completions/action", True, False),
            (f"{_CS}/listKeys/action", False, True),
        ),
        EdgeType.CAN_DEPLOY: ((f"{_CS}/deployments/write", False, False),),
    },
    "microsoft.machinelearningservices/workspaces/onlineendpoints": {
        EdgeType.CAN_INVOKE: (
            (f"{_ML}/onlineEndpoints/score/action", True, False),
            (f"{_ML}/onlineEndpoints/listKeys/action", False, True),
        ),
        EdgeType.CAN_DEPLOY: (
            (f"{_ML}/onlineEndpoints/deployments/write", False, False),
            (f"{_ML}/onlineEndpoints/write", False, False),
        ),
    },
    "microsoft.machinelearningservices/workspaces/serverlessendpoints": {
        EdgeType.CAN_INVOKE: ((f"{_ML}/serverlessEndpoints/listKeys/action", False, True),),
        EdgeType.CAN_DEPLOY: ((f"{_ML}/serverlessEndpoints/write", False, False),),
    },
    "microsoft.machinelearningservices/workspaces/models/versions": {
        EdgeType.CAN_DEPLOY: ((f"{_ML}/models/versions/write", False, False),),
    },
    "microsoft.machinelearningservices/registries/models": {
        EdgeType.CAN_DEPLOY: (
            ("Microsoft.MachineLearningServices/registries/models/versions/write", False, False),
        ),
    },
    "microsoft.containerregistry/registries": {
        EdgeType.CAN_READ: (("Microsoft.ContainerRegistry/registries/pull/read", False, False),),
        EdgeType.CAN_WRITE: (("Microsoft.ContainerRegistry/registries/push/write", False, False),),
    },
    "microsoft.search/searchservices": {
        EdgeType.CAN_READ: (
            ("Microsoft.Search/searchServices/indexes/documents/read", True, False),
            ("Microsoft.Search/searchServices/listQueryKeys/action", False, True),
            ("Microsoft.Search/searchServices/listAdminKeys/action", False, True),
        ),
        EdgeType.CAN_WRITE: (
            ("Microsoft.Search/searchServices/indexes/documents/write", True, False),
            ("Microsoft.Search/searchServices/listAdminKeys/action", False, True),
        ),
    },
}
#: Blob containers are judged as their account (the data actions are the same).
WANTS["microsoft.storage/storageaccounts/blobservices/containers"] = WANTS[
    "microsoft.storage/storageaccounts"
]
#: A deployment of an Azure OpenAI account: invoked like its account.
WANTS["microsoft.cognitiveservices/accounts/deployments"] = WANTS[
    "microsoft.cognitiveservices/accounts"
]


def _keys_allowed(asset: Asset) -> bool:
    """Whether the target accepts keys (so a role that can list them can use them). An unread
    switch counts as allowed: keys are Azure's default."""
    facts = asset.facts
    mode = getattr(facts, "auth_mode", None)
    if isinstance(mode, str) and mode.lower() != "key":
        return False  # an endpoint in AADToken / AMLToken mode refuses keys
    for name, off in (("local_auth_disabled", True), ("allow_shared_key_access", False)):
        value = getattr(facts, name, None)
        if value is not None and not unread(value) and value == off:
            return False
    return True


def _covers(scope: str, resource_id: str) -> bool:
    """Whether an assignment at `scope` applies to `resource_id` (inherited downwards)."""
    if not scope.strip():
        return False
    s = _scope(scope)
    if s is None:
        return True
    rid = resource_id.lower()
    return rid == s or rid.startswith(s + "/")


def _scope(scope: str) -> str | None:
    """The lower-case scope, None for one that covers every scanned subscription."""
    s = scope.strip().rstrip("/").lower()
    if not s or "/providers/microsoft.management/managementgroups/" in s + "/":
        return None  # root or management group: listed only for subscriptions below it
    return s


Target = tuple[str, Asset, str, bool]  # node id, asset, type (lower case), keys work


class _Slices:
    """Targets sorted by id, so the ones under a scope are one slice."""

    def __init__(self, targets: list[Target]) -> None:
        self.items = sorted(targets, key=lambda t: t[1].id.lower())
        self.keys = [t[1].id.lower() for t in self.items]

    def under(self, scope: str) -> list[Target]:
        if not scope.strip():
            return []  # a malformed (blank) scope grants nothing; the root scope is "/"
        s = _scope(scope)
        if s is None:
            return self.items
        # `s` itself, then every id starting with `s/` ("0" is the character after "/").
        at = bisect_left(self.keys, s)
        exact = self.items[at : at + 1] if at < len(self.keys) and self.keys[at] == s else []
        lo, hi = bisect_left(self.keys, s + "/"), bisect_left(self.keys, s + "0")
        return exact + self.items[lo:hi]


class _Targets:
    """The assets a role can reach, grouped by (type, keys work): a role is judged once per
    group, and only the groups it grants something on are walked."""

    def __init__(self, targets: list[Target]) -> None:
        groups: dict[tuple[str, bool], list[Target]] = {}
        for t in targets:
            groups.setdefault((t[2], t[3]), []).append(t)
        self.groups = {kind: _Slices(items) for kind, items in groups.items()}


def _role_of(assignment: Any) -> Role | None:
    if assignment.actions is not None:
        return Role(
            assignment.role,
            tuple(assignment.actions),
            tuple(assignment.not_actions),
            tuple(assignment.data_actions),
            tuple(assignment.not_data_actions),
        )
    return BUILTIN_ROLES.get((assignment.role_id or "").lower())


@lru_cache(maxsize=8192)
def _grants(role: Role, rtype: str, keys: bool) -> tuple[tuple[EdgeType, tuple[str, ...]], ...]:
    """The edges `role` makes to a target of type `rtype` (whose keys work when `keys`)."""
    out = []
    for edge, options in WANTS[rtype].items():
        found = {
            action
            for action, data, needs_keys in options
            if (keys or not needs_keys) and permits(role, action, data=data)
        }
        if found:
            out.append((edge, tuple(sorted(found))))
    return tuple(out)


def _identities(graph: EstateGraph) -> Iterator[tuple[str, Asset, tuple[Any, ...]]]:
    for node_id in list(graph.g.nodes):
        asset = graph.asset(node_id)
        if asset is None or asset.cloud is not Cloud.AZURE:
            continue
        held = getattr(asset.facts, "role_assignments", None)
        if held is None or unread(held) or not held:
            continue
        yield node_id, asset, tuple(held)


def _targets(graph: EstateGraph) -> list[tuple[str, Asset, str, bool]]:
    out = []
    for node_id in graph.g.nodes:
        asset = graph.asset(node_id)
        if asset is None or asset.cloud is not Cloud.AZURE:
            continue
        rtype = asset.type.lower()
        if rtype in WANTS:
            out.append((node_id, asset, rtype, _keys_allowed(asset)))
    return out


def derive_grants(graph: EstateGraph) -> None:
    targets = _Targets(_targets(graph))
    for identity_id, _, assignments in _identities(graph):
        seen: set[tuple[str, EdgeType]] = set()
        for assignment in assignments:
            role = _role_of(assignment)
            if role is None:
                continue  # a custom role whose definition was not read: nothing to decide on
            for (rtype, keys), slices in targets.groups.items():
                granted = _grants(role, rtype, keys)
                if not granted:
                    continue
                for target_id, _, _, _ in slices.under(assignment.scope):
                    if target_id == identity_id:
                        continue
                    for edge, actions in granted:
                        if (target_id, edge) in seen:
                            continue
                        seen.add((target_id, edge))
                        graph.add_derived(
                            identity_id, target_id, edge, _evidence(role, assignment, actions)
                        )


def _evidence(role: Role, assignment: Any, actions: tuple[str, ...]) -> dict[str, Any]:
    evidence: dict[str, Any] = {
        "source": "role-assignment",
        "policy": role.name[:200],
        "role_id": assignment.role_id,
        "actions": list(actions),
        "resource": assignment.scope[:1000],
        "scope_level": assignment.scope_level,
        "definition": "read" if assignment.actions is not None else "built-in",
    }
    if assignment.condition:
        evidence["condition"] = True
    return evidence


# -- exposure -------------------------------------------------------------------------------------


def _network_open(facts: Any) -> str | None:
    """Why a service answers any network (None: it does not, or that was not read)."""
    access = known(getattr(facts, "public_network_access", None))
    if access is None or str(access).lower() != "enabled":
        return None
    rules = known(getattr(facts, "ip_rules", ()))
    if rules is None or rules:
        return None
    if hasattr(facts, "network_default_action"):
        default = facts.network_default_action
        if unread(default) or (default is not None and str(default).lower() == "deny"):
            return None
    return "publicNetworkAccess Enabled, no IP rules"


def _exposure(asset: Asset) -> dict[str, Any] | None:
    facts = asset.facts
    rtype = asset.type.lower()
    if isinstance(facts, HostExposureFacts):
        ip = known(facts.public_ip)
        ports = known(facts.internet_open_ports)
        if ip and ports:
            return {
                "reason": "public IP and a network security group rule open to the internet",
                "auth": None,
                "ports": port_labels(ports),
            }
        return None
    if rtype in (
        "microsoft.cognitiveservices/accounts",
        "microsoft.search/searchservices",
        "microsoft.storage/storageaccounts",
    ):
        why = _network_open(facts)
        if why is None or not _keys_allowed(asset):
            return None  # closed, unread, or callers need an Entra ID token
        return {"reason": f"{why}; keys accepted", "auth": "key"}
    if rtype in (
        "microsoft.machinelearningservices/workspaces/onlineendpoints",
        "microsoft.machinelearningservices/workspaces/serverlessendpoints",
    ):
        mode = known(getattr(facts, "auth_mode", None))
        access = known(getattr(facts, "public_network_access", "Enabled"))
        if mode is None or access is None or str(access).lower() != "enabled":
            return None
        if str(mode).lower() == "key":
            return {"reason": "endpoint answers any network; auth mode Key", "auth": "key"}
        return None  # AADToken / AMLToken: an Entra ID identity is needed
    return None


def _public_container(asset: Asset) -> str | None:
    if asset.type.lower() != "microsoft.storage/storageaccounts/blobservices/containers":
        return None
    facts: Any = asset.facts
    level = known(facts.public_access)
    if level is None or str(level).lower() not in ("blob", "container"):
        return None
    if known(facts.allow_blob_public_access) is False:
        return None
    access = known(facts.public_network_access)
    if access is not None and str(access).lower() == "disabled":
        return None
    return str(level)


def derive_exposure(graph: EstateGraph) -> None:
    for node_id in list(graph.g.nodes):
        asset = graph.asset(node_id)
        if asset is None or asset.cloud is not Cloud.AZURE:
            continue
        found = _exposure(asset)
        if found is not None:
            graph.add_synthetic(INTERNET, "internet", "internet")
            graph.add_derived(INTERNET, node_id, EdgeType.EXPOSED_TO, found)
        level = _public_container(asset)
        if level is not None:
            graph.add_synthetic(INTERNET, "internet", "internet")
            graph.add_synthetic(ANONYMOUS, "anonymous", "anonymous")
            graph.add_derived(
                INTERNET,
                node_id,
                EdgeType.EXPOSED_TO,
                {"reason": f"container public access {level}", "access": "read", "auth": "none"},
            )
            graph.add_derived(
                ANONYMOUS,
                node_id,
                EdgeType.CAN_READ,
                {
                    "source": "acl",
                    "policy": f"publicAccess {level}",
                    "actions": [f"{_BLOBS}/read"],
                    "resource": node_id,
                },
            )


def derive(graph: EstateGraph) -> None:
    """Add this module's derived edges to `graph`."""
    derive_grants(graph)
    derive_exposure(graph)
