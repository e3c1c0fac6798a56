"""The GCP binding of resource-family tables (aiscan/collectors/spec.py): a row's list is a
Google REST collection ``{collection}/{result_key}`` (e.g. ``/v1/projects/P/locations/L/models``)
followed through ``nextPageToken`` by `GcpHttp.items` (bounded), its describe a GET of
``/v1/{id}`` (ids are relative resource names); both on the scope's authorized session.
Transforms take ``(payload, project, location)`` and return a `Collected` whose links
`apply_links` turns into relations and second-pass references; `gcp_asset` builds their assets.

A family the location does not offer (HTTP 400/404/501 on its collection, the API itself
enabled) is noted as skipped: ``<family>: not offered in <location>``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from aiscan.collectors.gcp.context import ScopeContext
from aiscan.collectors.gcp.http import GcpApiError
from aiscan.collectors.gcp.names import last
from aiscan.collectors.payload import mapping
from aiscan.collectors.spec import Collected, ResourceSpec, SpecReader
from aiscan.core.model import Asset, Cloud, CoverageStatus
from aiscan.core.sanitize import bounded, clean_text

__all__ = ["Collected", "GcpReader", "GcpSpec", "Link", "apply_links", "gcp_asset", "row"]

GcpSpec = ResourceSpec[ScopeContext]


def row(
    collection: str,
    item: str,
    resource_type: str,
    transform: Callable[..., Any],
    *,
    id_key: str = "name",
    label: Callable[[str, Mapping[str, Any]], str] | None = None,
    **more: Any,
) -> GcpSpec:
    """A family listed as ``{collection path}/{collection}`` (also its page key and coverage
    label), read with the service of its type, its items named by the last part of their id
    (or `label`); `more` sets any other field of the row."""
    return GcpSpec(
        family=collection,
        item=item,
        service=resource_type.split(".", 1)[0],
        resource_type=resource_type,
        list_operation="list",
        result_key=collection,
        id_key=id_key,
        transform=transform,
        label=label or (lambda name, _: last(name)),
        **more,
    )


#: Links a transform returns: ("bucket", uri, relation) | ("image", uri) | ("sa", email)
#: | ("sa_for", source, email) | ("rel", source, relation, target). An empty uri, email or
#: target (none set; "" for the Vertex AI service agent) is no relation.
Link = tuple[Any, ...]


def gcp_asset(
    payload: Mapping[str, Any],
    *,
    created: str = "createTime",
    tags: Mapping[str, Any] | None = None,
    raw: Mapping[str, Any] | None = None,
    **fields: Any,
) -> Asset:
    """The one builder of a GCP asset: `fields` are the `Asset`'s own (id, account, region, kind,
    type, name, attributes; its service defaults to its type's API, ``compute`` for
    ``compute.googleapis.com/Instance``); its creation time is the payload's `created` field, its
    tags the payload's ``labels`` (or `tags`), its bounded `raw` the payload (or `raw`)."""
    labels = mapping(payload, "labels") if tags is None else tags
    fields.setdefault("service", str(fields["type"]).split(".", 1)[0])
    return Asset(
        cloud=Cloud.GCP,
        created_at=payload.get(created),
        tags={str(k): str(v) for k, v in labels.items()},
        raw=bounded(dict(payload if raw is None else raw)),
        **fields,
    )


def apply_links(ctx: ScopeContext, asset_id: str, links: Iterable[Link]) -> None:
    for link in links:
        if link[0] == "bucket":
            ctx.use_bucket(asset_id, link[1], link[2])
        elif link[0] == "image":
            ctx.use_image(asset_id, link[1])
        elif link[0] == "sa":
            ctx.use_service_account(asset_id, link[1])
        elif link[0] == "sa_for":
            ctx.use_service_account(link[1], link[2])
        elif link[0] == "rel":
            ctx.relate(link[1], link[2], link[3])


class GcpReader(SpecReader[ScopeContext]):
    """Rows of one API: the `host` and the `collection` path of the scope (``/v1/projects/P/
    locations/L``), a row's list being ``{collection}/{result_key}``.

    `located` is for a collection of every location at once (``locations/-``): an entry's
    location, so only those inside ``--regions`` are read; `aggregated` for Compute Engine's
    aggregated lists (``items`` maps each zone to its entries). Only a collection of one location
    can be "not offered" there. Locations an answer lists as ``unreachable`` are an error for the
    scope."""

    def __init__(
        self,
        host: Callable[[ScopeContext], str],
        collection: Callable[[ScopeContext], str],
        *,
        located: Callable[[Mapping[str, Any]], str | None] | None = None,
        aggregated: bool = False,
    ) -> None:
        self.host = host
        self.collection = collection
        self.located = located
        self.aggregated = aggregated
        self.one_location = located is None and not aggregated

    def list(self, ctx: ScopeContext, spec: GcpSpec) -> Iterator[dict[str, Any]]:
        host, path, key = (
            self.host(ctx),
            f"{self.collection(ctx)}/{spec.result_key}",
            spec.result_key,
        )
        params = {**spec.list_parameters}
        if spec.page_size is not None:
            params["pageSize"] = spec.page_size
        unreachable: list[str] = []
        entries: Iterator[dict[str, Any]]
        if self.aggregated:
            entries = (e for _, e in ctx.http.aggregated(host, path, key, params))
        else:
            entries = ctx.http.items(host, path, key, params, unreachable)
        try:
            yield from (
                e for e in entries if not self.located or ctx.wants_location(self.located(e))
            )
        except GcpApiError as exc:
            if not self.one_location or exc.status not in (400, 404, 501):
                raise
            if exc.reason.startswith("SERVICE_DISABLED"):
                raise
            ctx.note(CoverageStatus.SKIPPED, f"{spec.family}: not offered in {ctx.region}")
        if unreachable:
            listed = ", ".join(clean_text(u, 64) for u in unreachable[:20])
            ctx.note(CoverageStatus.ERROR, f"locations unreachable: {listed}")

    def describe(self, ctx: ScopeContext, spec: GcpSpec, item_id: str) -> Mapping[str, Any]:
        return ctx.http.get(self.host(ctx), f"/v1/{item_id}")

    def where(self, ctx: ScopeContext) -> Mapping[str, Any]:
        return {"project": ctx.project, "location": ctx.region}

    def apply(self, ctx: ScopeContext, asset: Asset, links: tuple[Link, ...]) -> None:
        apply_links(ctx, asset.id, links)
