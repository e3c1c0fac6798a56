"""The GCP binding of resource-family tables (aiscan/collectors/spec.py): a row's list is a
Google REST collection ``/v1/{parent}/{result_key}`` followed through ``nextPageToken`` by
`GcpHttp.items` (bounded), its describe a GET of ``/v1/{id}`` (ids are relative resource names);
both on the scope's authorized session. Transforms take ``(payload, project, location)`` and
return a `Collected` whose links `apply_links` turns into relations and second-pass references.

A family the location does not offer (HTTP 400/404/501 on its collection, the API itself
enabled) is noted as skipped: ``<family>: not offered in <location>``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from aiscan.collectors.gcp.context import ScopeContext
from aiscan.collectors.gcp.http import GcpApiError
from aiscan.collectors.spec import Collected, ResourceSpec, SpecReader
from aiscan.core.model import Asset, CoverageStatus

__all__ = ["Collected", "GcpReader", "GcpSpec", "Link", "apply_links"]

GcpSpec = ResourceSpec[ScopeContext]

#: Links a transform returns: ("bucket", uri, relation) | ("image", uri) | ("sa", email)
#: | ("sa_for", source, email) | ("rel", source, relation, target).
Link = tuple[Any, ...]


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
    """Rows of one API: `host` and `parent` (the collection's parent name) of the scope."""

    def __init__(
        self, host: Callable[[ScopeContext], str], parent: Callable[[ScopeContext], str]
    ) -> None:
        self.host = host
        self.parent = parent

    def list(self, ctx: ScopeContext, spec: GcpSpec) -> Iterator[dict[str, Any]]:
        path = f"/v1/{self.parent(ctx)}/{spec.result_key}"
        params = {**spec.list_parameters}
        if spec.page_size is not None:
            params["pageSize"] = spec.page_size
        try:
            yield from ctx.http.items(self.host(ctx), path, spec.result_key, params)
        except GcpApiError as exc:
            if exc.status in (400, 404, 501) and not exc.reason.startswith("SERVICE_DISABLED"):
                ctx.note(CoverageStatus.SKIPPED, f"{spec.family}: not offered in {ctx.region}")
                return
            raise

    def describe(self, ctx: ScopeContext, spec: GcpSpec, item_id: str) -> Mapping[str, Any]:
        return ctx.http.get(self.host(ctx), f"/v1/{item_id}")

    def where(self, ctx: ScopeContext) -> Mapping[str, Any]:
        return {"project": ctx.project, "location": ctx.region}

    def apply(self, ctx: ScopeContext, asset: Asset, links: tuple[Link, ...]) -> None:
        apply_links(ctx, asset.id, links)
