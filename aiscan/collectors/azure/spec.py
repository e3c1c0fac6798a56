"""The Azure binding of resource-family tables (aiscan/collectors/spec.py): a row's list is the
ARM collection ``{parent}/{result_key}`` followed through ``nextLink`` by `ArmClient.list`
(bounded), its describe a GET of the item's resource id; both at the reader's api-version.

A reader is made per listed parent (a workspace, a registry, a model container); every asset it
reads is ``member-of`` its `parent` asset, which the transforms are given (``parent=``) with the
rest of its `where`. A row's `nested` rows are read below each item by a reader whose parent is
that item (and ``parent_payload=`` its payload). Links a transform returns: ``("identities",
payload)`` (the managed identities the resource runs as), ``("storage", account id, relation,
container)``, ``("image", reference)`` (an image of an estate registry), ``("relation", source,
type, target)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from aiscan.collectors.azure.context import AzureContext
from aiscan.collectors.spec import ResourceSpec, SpecReader
from aiscan.core.model import Asset, RelationType

ArmSpec = ResourceSpec[AzureContext]


def arm_label(item_id: str, entry: Mapping[str, Any]) -> str:
    """How coverage names an ARM item: its name (as `AzureContext.label` does)."""
    return str(entry.get("name") or item_id)[:200]


def arm_row(
    service: str, child: str, item: str, type_: str, transform: Callable[..., Any], **more: Any
) -> ArmSpec:
    """A family of the ARM children `child` of a reader's parent (list-only: ARM lists answer
    with whole resources), its items named in coverage by their names."""
    return ArmSpec(
        family=child,
        item=item,
        service=service,
        resource_type=type_,
        list_operation="list",
        result_key=child,
        id_key="id",
        transform=transform,
        label=arm_label,
        **more,
    )


class ArmReader(SpecReader[AzureContext]):
    def __init__(self, parent_id: str, api_version: str, *, parent: Asset, **where: Any) -> None:
        self.parent_id = parent_id
        self.api_version = api_version
        self.parent = parent
        self._where = {"parent": parent, **where}

    def list(self, ctx: AzureContext, spec: ArmSpec) -> Iterable[Any]:
        params = {k: str(v) for k, v in spec.list_parameters.items()} or None
        items: Iterable[Any] = ctx.arm.list(
            f"{self.parent_id}/{spec.result_key}", self.api_version, params
        )
        return items

    def describe(self, ctx: AzureContext, spec: ArmSpec, item_id: str) -> Mapping[str, Any]:
        result: Mapping[str, Any] = ctx.arm.get(item_id, self.api_version)
        return result

    def where(self, ctx: AzureContext) -> Mapping[str, Any]:
        return self._where

    def below(self, ctx: AzureContext, asset: Asset, payload: Mapping[str, Any]) -> ArmReader:
        where = {**self._where, "parent": asset, "parent_payload": payload}
        return ArmReader(str(payload["id"]), self.api_version, **where)

    def apply(self, ctx: AzureContext, asset: Asset, links: tuple[tuple[Any, ...], ...]) -> None:
        ctx.relate(asset.id, RelationType.MEMBER_OF, self.parent.id)
        for link in links:
            if link[0] == "identities":
                ctx.use_identities(asset.id, link[1], region=asset.region)
            elif link[0] == "storage":
                ctx.use_storage(asset.id, link[1], link[2], link[3])
            elif link[0] == "image":
                ctx.use_image(asset.id, link[1])
            elif link[0] == "relation":
                ctx.relate(link[1], link[2], link[3])
