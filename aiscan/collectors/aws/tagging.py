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


def tags_of(
    ctx: ScopeContext,
    index: TagIndex | None,
    arn: str,
    per_resource: Callable[[str], dict[str, str]],
) -> dict[str, str]:
    """Tags of one resource: from the index, or (where GetResources was denied) by the service's
    own per-resource call, whose failure is recorded for the scope."""
    if index is not None:
        return index.get(arn)
    return ctx.section(f"tags of {arn}", per_resource, arn) or {}
