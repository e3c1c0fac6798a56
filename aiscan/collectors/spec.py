"""Resource-family tables: a plain list/describe family is one `ResourceSpec` row plus a pure
transform.

A family is "plain" when every item is one list entry and one describe: list the ids, describe
each one, hand the payload to the transform, add the asset and draw its relations. `run_spec`
does that for any cloud through a `SpecReader` (the cloud's binding of "list" and "describe",
e.g. aiscan/collectors/aws/spec.py), with the scope's usual bookkeeping:

* the whole family is one coverage section (``family``): a denied, throttled or failing listing
  is recorded as ``<family>: <message>`` for the scope, never raised;
* each item is its own section (``<item> <id>``), read on the scope's item pool: a failed or
  malformed describe, a transform that refuses the payload, or an asset of another type than
  the row declares is an error for that item alone;
* a list entry without a usable id is an error (``<item>: a <item> summary has no <id_key>``).

A second read per item (an agent's action groups, a knowledge base's data sources) goes in
`inputs`: it runs inside the item's section, so its failure is that item's. Families whose
items need more than that (a notebook and its lifecycle config, an endpoint and its config)
stay hand-written in their service module.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from aiscan.collectors.base import ScopeRecorder
from aiscan.core.model import Asset

C = TypeVar("C", bound=ScopeRecorder)

#: Operation-name prefixes a row may name: a table can only ever read.
READ_PREFIXES = ("list", "describe", "get")


@dataclass(frozen=True)
class ResourceSpec(Generic[C]):
    """One resource family read by one list and one describe per item."""

    #: coverage label of the listing ("training jobs") and of one item ("training job")
    family: str
    item: str
    #: the coverage service (and client) the family is read with
    service: str
    #: the `Asset.type` the transform produces; anything else is an error for that item
    resource_type: str
    #: the list operation, the key of its items in a page, the id field of an item
    list_operation: str
    result_key: str
    id_key: str
    #: the describe operation and the parameter the id is passed as
    describe_operation: str
    id_parameter: str
    #: pure: (describe payload, **where, **inputs) -> Asset
    transform: Callable[..., Asset]
    #: extra arguments of the list operation (sorting, filters)
    list_parameters: Mapping[str, Any] = field(default_factory=dict)
    #: items a page to ask for (None: the service default)
    page_size: int | None = None
    #: read at most this many items (the newest first, when `list_parameters` sort so)
    limit: int | None = None
    #: extra transform arguments from the scope, the id and the payload (tags, partition)
    inputs: Callable[[C, str, Mapping[str, Any]], Mapping[str, Any]] | None = None
    #: relations of a new asset (roles, buckets, images); runs after the asset is added
    relate: Callable[[C, Asset], None] | None = None
    #: called once with every listed id before the describes start (e.g. to prefetch tags)
    listed: Callable[[C, list[str]], None] | None = None
    #: the key the item sits under in the describe answer (None: the answer is the item)
    describe_key: str | None = None
    #: relations read from the describe payload itself (what the asset's bounded `raw` may have
    #: cut); runs after `relate`
    relate_payload: Callable[[C, Asset, Mapping[str, Any]], None] | None = None

    def __post_init__(self) -> None:
        for op in (self.list_operation, self.describe_operation):
            if not op.lower().startswith(READ_PREFIXES):
                raise ValueError(f"{self.family}: {op} is not a read operation")


class SpecReader(ABC, Generic[C]):
    """A cloud's binding of a row's list and describe operations to its clients."""

    @abstractmethod
    def list(self, ctx: C, spec: ResourceSpec[C]) -> Iterable[Any]:
        """Every list entry of the family in this scope (bounded by `spec.limit`)."""

    @abstractmethod
    def describe(self, ctx: C, spec: ResourceSpec[C], item_id: str) -> Mapping[str, Any]:
        """The describe payload of one item."""

    @abstractmethod
    def where(self, ctx: C) -> Mapping[str, Any]:
        """The transform's location arguments (account, region ...)."""


def run_spec(ctx: C, spec: ResourceSpec[C], reader: SpecReader[C]) -> dict[str, Asset] | None:
    """Read one family into the scope as one coverage section; the assets read, by id (None if
    the listing itself failed)."""
    return ctx.section(spec.family, read_family, ctx, spec, reader)


def read_family(ctx: C, spec: ResourceSpec[C], reader: SpecReader[C]) -> dict[str, Asset]:
    """List, then describe every item on the scope's item pool; the assets read, by id."""
    ids = listed_ids(ctx, spec, reader.list(ctx, spec))
    if spec.listed is not None:
        spec.listed(ctx, ids)
    read = ctx.each(spec.item, read_one, ids, ctx, spec, reader)
    return {i: asset for i, asset in zip(ids, read, strict=True) if asset is not None}


def listed_ids(ctx: ScopeRecorder, spec: ResourceSpec[Any], items: Iterable[Any]) -> list[str]:
    """The id of each list entry of a row's family."""
    return [i for i, _ in listed(ctx, spec.item, items, spec.id_key)]


def listed(
    ctx: ScopeRecorder, item: str, items: Iterable[Any], id_key: str
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(id, entry) of each list entry with a usable `id_key`; any other entry is an error for the
    scope (``<item>: a <item> summary has no <id_key>``)."""
    for entry in items:
        value = entry.get(id_key) if isinstance(entry, Mapping) else None
        if not isinstance(value, str) or not value:
            ctx.section(item, _raise, f"a {item} summary has no {id_key}")
            continue
        yield value, entry


def read_one(ctx: C, spec: ResourceSpec[C], reader: SpecReader[C], item_id: str) -> Asset:
    payload = reader.describe(ctx, spec, item_id)
    if spec.describe_key is not None:
        payload = dict(payload[spec.describe_key])
    extra = spec.inputs(ctx, item_id, payload) if spec.inputs is not None else {}
    asset = spec.transform(payload, **reader.where(ctx), **extra)
    if asset.type != spec.resource_type:
        raise TypeError(f"the transform made a {asset.type[:100]}, not a {spec.resource_type}")
    ctx.add(asset)
    if spec.relate is not None:
        spec.relate(ctx, asset)
    if spec.relate_payload is not None:
        spec.relate_payload(ctx, asset, payload)
    return asset


def _raise(message: str) -> None:
    raise ValueError(message)
