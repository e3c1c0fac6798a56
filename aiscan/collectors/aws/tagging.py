"""Tags of a whole (account, region) through the Resource Groups Tagging API.

One ``tag:GetResources`` page carries the tags of up to 100 resources, where the services' own
``ListTags`` costs one call per resource. A service module asks for the resource types it builds
assets of (``sagemaker:endpoint`` ...) once per scope and looks each asset's tags up in the
returned `TagIndex`. GetResources lists only resources that are (or were) tagged, so a resource
missing from a complete index has no tags.

Where GetResources is denied (a policy written before aiscan needed it, or a service control
policy), `read_index` returns None after recording an OK-status remark, and the module falls back
to its per-resource call: the scan stays complete, it just costs more requests. Any other failure
(retries exhausted, a malformed page) is recorded as an error for the scope, since the tags of its
assets are then unknown.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from aiscan.collectors.aws.context import ScopeContext, paginate
from aiscan.core.model import CoverageStatus

PERMISSIONS: tuple[str, ...] = ("tag:GetResources",)

#: The API's maximum page size.
RESOURCES_PER_PAGE = 100
MAX_TAGS = 50


def bounded_tags(tags: Any) -> dict[str, str]:
    """``[{Key, Value}]`` (or the ``{key: value}`` map EKS answers) as a dict, at most MAX_TAGS
    entries, keys and values cut to the AWS limits (128 / 256); malformed entries are dropped."""
    out: dict[str, str] = {}
    if isinstance(tags, Mapping):
        tags = [{"Key": k, "Value": v} for k, v in tags.items()]
    if not isinstance(tags, list):
        return out
    for tag in tags[:MAX_TAGS]:
        if isinstance(tag, Mapping) and isinstance(tag.get("Key"), str):
            out[tag["Key"][:128]] = str(tag.get("Value", ""))[:256]
    return out


class TagIndex:
    """Tags by resource ARN for one (account, region), read in pages of 100."""

    def __init__(self, mappings: Iterable[Any]) -> None:
        self._tags: dict[str, dict[str, str]] = {}
        for mapping in mappings:
            arn = mapping.get("ResourceARN") if isinstance(mapping, Mapping) else None
            if not isinstance(arn, str) or not arn:
                raise TypeError("a ResourceTagMappingList entry has no ResourceARN")
            self._tags[arn.lower()] = bounded_tags(mapping.get("Tags"))

    def __len__(self) -> int:
        return len(self._tags)

    def get(self, arn: str) -> dict[str, str]:
        # ARNs of most services are case-insensitive in the resource part (SageMaker lowercases
        # names in them), so the lookup is too.
        return dict(self._tags.get(arn.lower(), {}))


def get_resources(client: Any, resource_types: Iterable[str]) -> TagIndex:
    return TagIndex(
        paginate(
            client,
            "get_resources",
            "ResourceTagMappingList",
            ResourceTypeFilters=sorted(resource_types),
            PaginationConfig={"PageSize": RESOURCES_PER_PAGE},
        )
    )


def read_index(ctx: ScopeContext, resource_types: Iterable[str]) -> TagIndex | None:
    """The scope's tags for `resource_types`; None where GetResources is denied (the caller then
    reads tags per resource); an empty index where it failed otherwise (recorded as an error for
    the scope: the tags of its assets are unknown)."""
    try:
        return get_resources(ctx.client("resourcegroupstaggingapi"), resource_types)
    except Exception as exc:
        status, message = ctx.classify(exc)
        if status is CoverageStatus.DENIED:
            # said once a scope, however many resource types asked
            ctx.once(
                "tags denied",
                ctx.note,
                CoverageStatus.OK,
                f"tags read per resource: tag:GetResources is denied ({message})",
            )
            return None
        ctx.note(status, f"tags: {message}")
        return _UNKNOWN


#: After a failed (not denied) GetResources: every asset's tags are unknown, shown empty.
_UNKNOWN = TagIndex(())


def prefetch(resource_type: str, ctx: ScopeContext, listed: list[str]) -> None:
    """A row's `listed` hook (bound to a type with `functools.partial`): once a listing shows the
    scope has resources of `resource_type`, read their index in the background. Its pages then
    overlap the describes instead of stalling the first asset that needs tags, and one index per
    type splits the sequential page chain (same number of requests). A scope without such
    resources never sends GetResources."""
    if listed:
        ctx.once(("tag prefetch", resource_type), _start_prefetch, ctx, resource_type)


def _start_prefetch(ctx: ScopeContext, resource_type: str) -> threading.Thread:
    thread = threading.Thread(
        target=index_of, args=(ctx, resource_type), name=f"aiscan-tags-{resource_type}", daemon=True
    )
    thread.start()
    return thread


def settle(ctx: ScopeContext, resource_types: Iterable[str]) -> None:
    """Wait for the prefetches still running (no asset needed their tags, e.g. every describe
    failed): they may record a remark, so they finish before the scope's coverage is taken."""
    for resource_type in resource_types:
        running = ctx.once(("tag prefetch", resource_type), _no_prefetch)
        if running is not None:
            running.join()


def _no_prefetch() -> threading.Thread | None:
    return None


def index_of(ctx: ScopeContext, resource_type: str) -> TagIndex | None:
    """The scope's index of one resource type, read once (None where GetResources is denied)."""
    return ctx.once(("tag index", resource_type), read_index, ctx, (resource_type,))


def tags_of(
    ctx: ScopeContext,
    resource_type: str,
    arn: str,
    per_resource: Callable[[str], dict[str, str]],
) -> dict[str, str]:
    """Tags of one resource: from the scope's index of its type, or (where GetResources was
    denied) by the service's own per-resource call, whose failure is recorded for the scope."""
    index = index_of(ctx, resource_type)
    if index is not None:
        return index.get(arn)
    return ctx.section(f"tags of {arn}", per_resource, arn) or {}
