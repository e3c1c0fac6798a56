"""What an Azure service module gets while it reads one (subscription, service) scope.

Service modules read ARM as resource-family rows (azure/spec.py) or as one `ctx.section(...)` per
independent read (`ctx.listing` for a collection; one denied read is recorded in coverage without
hiding the rest), and write assets and relations through `ctx`. Asset ids are ARM resource ids in
lower case (ARM ids are case-insensitive and services disagree on casing); `raw` keeps the
original spelling.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from aiscan.collectors.azure.errors import classify
from aiscan.collectors.base import ScopeRecorder
from aiscan.collectors.payload import items
from aiscan.core.inventory import InventoryBuilder
from aiscan.core.model import Asset, AssetKind, Cloud, CoverageStatus, RelationType
from aiscan.core.refs import parse_image
from aiscan.core.sanitize import bounded

#: Registry host suffixes of Azure Container Registry in the national clouds.
ACR_SUFFIXES = (".azurecr.io", ".azurecr.cn", ".azurecr.us")


def norm(resource_id: str) -> str:
    """The inventory spelling of an ARM resource id."""
    return resource_id.strip().rstrip("/").lower()


def subscription_of(resource_id: str) -> str:
    parts = resource_id.strip("/").split("/")
    return parts[1].lower() if len(parts) > 1 and parts[0].lower() == "subscriptions" else ""


def ref_id(value: Any) -> str | None:
    """A resource id a payload refers to, as the inventory spells it (None when unset)."""
    return norm(str(value)) if value else None


def name_of(resource_id: str) -> str:
    return resource_id.rstrip("/").rsplit("/", 1)[-1]


def child_name(payload: Mapping[str, Any], *, sep: str = "/") -> str:
    """What a person calls a child resource: its parent's name, `sep`, its own name
    (`oai-chat-prod/gpt-4o`, `fraud-llm/blue`, with `sep=":"` a version `fraud-xgb:3`). A
    deployment or version name alone (`blue`, `3`) names nothing. Singleton service levels such
    as `blobServices/default` are skipped."""
    rid = str(payload.get("id") or "")
    segments = rid.strip("/").rsplit("/providers/", 1)[-1].split("/")
    names = [n for n in segments[2::2] if n]  # namespace, type, name, type, name, ...
    own = str(payload.get("name") or (names[-1] if names else rid))
    parents = [n for n in names[:-1] if n.lower() != "default"]
    return f"{parents[-1]}{sep}{own}" if parents else own


def location(value: Any) -> str | None:
    """ARM spells locations both "westeurope" and "West Europe"."""
    if not isinstance(value, str) or not value:
        return None
    return value.replace(" ", "").lower()


def as_map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def props(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    return as_map(payload.get("properties"))


def ip_rules(rules: Mapping[str, Any]) -> list[str]:
    """The addresses of a network rule set's `ipRules` ([{value}])."""
    return [str(r.get("value")) for r in items(rules, "ipRules") if isinstance(r, Mapping)]


def created(payload: Mapping[str, Any]) -> datetime | None:
    system = payload.get("systemData")
    value = system.get("createdAt") if isinstance(system, Mapping) else None
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def tags_of(payload: Mapping[str, Any]) -> dict[str, str]:
    tags = payload.get("tags")
    if not isinstance(tags, Mapping):
        return {}
    return {str(k)[:128]: str(v)[:256] for k, v in list(tags.items())[:50]}


def to_asset(
    payload: Mapping[str, Any],
    kind: AssetKind,
    service: str,
    type_: str,
    attributes: dict[str, Any],
    *,
    raw: Mapping[str, Any] | None = None,
    region: str | None = None,
    name: str | None = None,
) -> Asset:
    """An Asset from an ARM resource payload (id, name, location, tags, systemData); `name`
    replaces the payload's (see `child_name`)."""
    rid = str(payload["id"])
    return Asset(
        id=norm(rid),
        cloud=Cloud.AZURE,
        account=subscription_of(rid),
        region=region or location(payload.get("location")),
        kind=kind,
        service=service,
        type=type_,
        name=str(name or payload.get("name") or name_of(rid))[:256],
        created_at=created(payload),
        tags=tags_of(payload),
        attributes=attributes,
        raw=bounded(dict(raw if raw is not None else payload)),
    )


@dataclass(frozen=True)
class IdentityRef:
    """A managed identity an AI resource runs as (system- or user-assigned)."""

    asset_id: str
    principal_id: str | None
    client_id: str | None
    assigned: str  # "system" or "user"
    name: str
    subscription: str
    region: str | None
    source: str  # the resource it is attached to (system) or its own id (user)

    @classmethod
    def user(cls, uid: str, principal: Any, client: Any, region: str | None) -> IdentityRef:
        """A user-assigned identity (its own resource)."""
        rid, sub = norm(uid), subscription_of(uid)
        return cls(rid, _str(principal), _str(client), "user", name_of(uid), sub, region, rid)


@dataclass
class References:
    """What AI assets point at, resolved after the AI services pass; shared by all scopes."""

    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    storage_by_name: dict[str, str] = field(default_factory=dict)
    acr_by_login: dict[str, str] = field(default_factory=dict)
    #: Azure ML registry name (lower case) -> ids of the registries of that name
    ml_registries_by_name: dict[str, set[str]] = field(default_factory=dict)
    storage: dict[str, set[str]] = field(default_factory=dict)
    containers: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    registries: dict[str, set[str]] = field(default_factory=dict)
    identities: dict[str, IdentityRef] = field(default_factory=dict)
    identity_users: dict[str, set[str]] = field(default_factory=dict)
    #: principal id -> [(role definition id (normalised), scope (normalised))]
    assignments: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    #: (principal id, role definition id, scope) of assignments with an ABAC condition
    conditional: set[tuple[str, str, str]] = field(default_factory=set)
    #: role definition guid -> {name, actions, not_actions, data_actions, not_data_actions}
    role_definitions: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: subscriptions whose role assignments and definitions were read completely
    authorization_read: set[str] = field(default_factory=set)
    #: location -> VM size name (lower case) -> resource SKU (capabilities), read once per location
    skus: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def index(self, rows: Iterable[Mapping[str, Any]]) -> None:
        with self._lock:
            for row in rows:
                rid = norm(str(row.get("id", "")))
                if not rid:
                    continue
                self.resources[rid] = dict(row)
                rtype = str(row.get("type", "")).lower()
                if rtype == "microsoft.storage/storageaccounts":
                    self.storage_by_name[str(row.get("name", "")).lower()] = rid
                elif rtype == "microsoft.containerregistry/registries":
                    login = props(row).get("loginServer")
                    if isinstance(login, str):
                        self.acr_by_login[login.lower()] = rid
                elif rtype == "microsoft.machinelearningservices/registries":
                    name = str(row.get("name", "")).lower()
                    self.ml_registries_by_name.setdefault(name, set()).add(rid)

    def lookup(self, resource_id: str) -> dict[str, Any] | None:
        with self._lock:
            return self.resources.get(norm(resource_id))

    def use(self, table: str, key: Any, by: str) -> None:
        with self._lock:
            getattr(self, table).setdefault(key, set()).add(by)

    def add_identity(self, ref: IdentityRef, by: str) -> None:
        with self._lock:
            self.identities.setdefault(ref.asset_id, ref)
            self.identity_users.setdefault(ref.asset_id, set()).add(by)


def identity_refs(
    payload: Mapping[str, Any], *, source_id: str, region: str | None
) -> list[IdentityRef]:
    """The managed identities of an ARM resource's `identity` block."""
    ident = payload.get("identity")
    if not isinstance(ident, Mapping):
        return []
    out: list[IdentityRef] = []
    kind = str(ident.get("type") or "").lower()
    sub = subscription_of(source_id)
    if "systemassigned" in kind.replace(" ", "").replace(",", ""):
        out.append(
            IdentityRef(
                asset_id=norm(source_id)
                + "/providers/microsoft.managedidentity/identities/default",
                principal_id=_str(ident.get("principalId")),
                client_id=None,
                assigned="system",
                name=f"{name_of(source_id)} (system-assigned)",
                subscription=sub,
                region=region,
                source=norm(source_id),
            )
        )
    users = ident.get("userAssignedIdentities")
    for uid, info in list(users.items() if isinstance(users, Mapping) else ())[:50]:
        info = as_map(info)
        out.append(
            IdentityRef.user(str(uid), info.get("principalId"), info.get("clientId"), region)
        )
    return out


def _str(value: Any) -> str | None:
    return str(value)[:128] if isinstance(value, str) and value else None


class AzureContext(ScopeRecorder):
    cloud: ClassVar[Cloud] = Cloud.AZURE

    def __init__(
        self,
        *,
        subscription: str,
        service: str,
        arm: Any,
        sink: InventoryBuilder,
        refs: References,
        graph: Mapping[str, list[dict[str, Any]]],
        regions: tuple[str, ...] = (),
        problems: list[tuple[CoverageStatus, str]] | None = None,
    ) -> None:
        # Azure coverage is per subscription x service; locations are filtered, not scopes.
        super().__init__(
            account=subscription,
            region="global",
            service=service,
            sink=sink,
            problems=problems or (),
        )
        self.subscription = subscription
        self.arm = arm
        self.refs = refs
        self._graph = graph
        self.regions = tuple(r.replace(" ", "").lower() for r in regions)

    def classify(self, exc: BaseException) -> tuple[CoverageStatus, str]:
        return classify(exc)

    def label(self, item: Any) -> str:
        if isinstance(item, Mapping):
            return str(item.get("name") or item.get("id") or "?")[:200]
        return str(item)[:200]

    # -- reading --------------------------------------------------------------------------------

    def listing(
        self, label: str, path: str, api: str, params: Mapping[str, str] | None = None
    ) -> list[dict[str, Any]] | None:
        """Every item of the ARM collection `path`, read as the section `label` (None: failed)."""
        pages = self.arm.list(path, api, params)
        items: list[dict[str, Any]] | None = self.section(label, list, pages)
        return items

    def referenced(
        self, table: str, item: str, api: str, read: Callable[[str, Mapping[str, Any]], None]
    ) -> None:
        """`read(id, payload)` of every resource of this subscription that AI assets referred to
        (`refs.<table>`), each as an `item` section: its Resource Graph row, else an ARM GET (the
        section `item`, so a resource Resource Graph did not return is still read)."""

        def one(resource_id: str) -> None:
            payload = self.refs.lookup(resource_id)
            if payload is None:
                payload = self.section(item, self.arm.get, resource_id, api)
            if payload is not None:
                read(resource_id, payload)

        table_ids: Iterable[str] = getattr(self.refs, table)
        mine = sorted(r for r in table_ids if subscription_of(r) == self.subscription)
        self.each(item, one, mine)

    def resources(self, rtype: str) -> list[dict[str, Any]]:
        """Top-level resources of `rtype` in this subscription (Resource Graph rows, or ARM lists
        when Resource Graph could not be read), restricted to --regions."""
        rows = self._graph.get(rtype.lower(), [])
        if not self.regions:
            return list(rows)
        return [r for r in rows if location(r.get("location")) in self.regions]

    # -- writing --------------------------------------------------------------------------------

    def relate(self, source: str, type_: RelationType, target: str | None) -> None:
        super().relate(source, type_, norm(target) if target else None)

    def use_storage(
        self, asset_id: str, account_id: str | None, type_: RelationType, container: str | None
    ) -> str | None:
        """Relate an asset to a storage account (or one of its blob containers) and queue it."""
        if not account_id:
            return None
        account = norm(account_id)
        if container:
            target = f"{account}/blobservices/default/containers/{container.lower()}"
            self.refs.use("containers", (account, container.lower()), asset_id)
        else:
            target = account
        self.refs.use("storage", account, asset_id)
        self.relate(asset_id, type_, target)
        return target

    def use_registry(self, asset_id: str, registry_id: str | None) -> None:
        if registry_id:
            self.refs.use("registries", norm(registry_id), asset_id)
            self.relate(asset_id, RelationType.PULLS_IMAGE, registry_id)

    def use_image(self, asset_id: str, image: str | None) -> None:
        """For an image in an Azure Container Registry of the estate, relate to that registry."""
        if not image:
            return
        host = parse_image(image).registry
        if host.endswith(ACR_SUFFIXES):
            self.use_registry(asset_id, self.refs.acr_by_login.get(host))

    def use_identities(
        self, asset_id: str, payload: Mapping[str, Any], *, region: str | None
    ) -> list[str]:
        """Relate an asset to the managed identities in its `identity` block; queue them."""
        ids = []
        for ref in identity_refs(
            payload, source_id=str(payload.get("id", asset_id)), region=region
        ):
            self.refs.add_identity(ref, asset_id)
            self.relate(asset_id, RelationType.RUNS_AS, ref.asset_id)
            ids.append(ref.asset_id)
        return ids
