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

A row without a describe operation takes each list entry as the payload (Google's and ARM's
lists answer with whole resources). A transform may return the `Asset` alone or a `Collected`
(the asset and the links it carries, which the reader's `apply` turns into relations).

A second read per item (an agent's action groups, a knowledge base's data sources) goes in
`inputs`: it runs inside the item's section, so its failure is that item's (a read shared by
several items, an endpoint's config, goes through the scope's `once`). A family listed per item
of another (a model registry group's packages) is that row's `children`: each parent's listing
is part of the parent's section, and the children of all parents are described together. Rows
read below each item through the reader's `below` (an ARM endpoint's deployments, whose list URL
is the parent's id) go in `nested`: each parent's listing is its own section.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Any, Generic, TypeVar

from aiscan.collectors.base import ScopeRecorder
from aiscan.core.model import Asset

C = TypeVar("C", bound=ScopeRecorder)

#: Operation-name prefixes a row may name: a table can only ever read.
READ_PREFIXES = ("list", "describe", "get")


@dataclass(frozen=True)
class Collected:
    """A transform's asset and the cloud-specific links it carries (buckets, images, identities,
    relations), for the reader's `apply`."""

    asset: Asset
    links: tuple[tuple[Any, ...], ...] = ()


@dataclass(frozen=True, kw_only=True)
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
    #: pure: (describe payload, **where, **inputs) -> Asset | Collected (None: not an asset of
    #: this family, e.g. a CPU cluster among GPU ones)
    transform: Callable[..., Asset | Collected | None]
    #: the describe operation and the parameter the id is passed as ("": the list entry is the
    #: payload)
    describe_operation: str = ""
    id_parameter: str = ""
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
    #: how an item is named in coverage (id, list entry) -> label (default: its id)
    label: Callable[[str, Mapping[str, Any]], str] | None = None
    #: the key the item sits under in the describe answer (None: the answer is the item)
    describe_key: str | None = None
    #: relations read from the describe payload itself (what the asset's bounded `raw` may have
    #: cut); runs after `relate`
    relate_payload: Callable[[C, Asset, Mapping[str, Any]], None] | None = None
    #: a row listed once per item read, with the item's id as the `child_parameter` of its list
    #: operation (each listing bounded by the child's `limit`)
    children: ResourceSpec[C] | None = None
    child_parameter: str = ""
    #: rows listed below each item (an endpoint's deployments), inside the item's section, through
    #: `reader.below`; each listing is the section ``<child family> of <asset name>``
    nested: tuple[ResourceSpec[C], ...] = ()

    def __post_init__(self) -> None:
        ops = (self.list_operation, self.describe_operation or "describe")
        for op in ops:
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

    def apply(self, ctx: C, asset: Asset, links: tuple[tuple[Any, ...], ...]) -> None:
        """Turn the links a transform returned into relations (a cloud whose transforms return
        links overrides this)."""
        if links:
            raise TypeError(f"{type(self).__name__} cannot apply links")

    def below(self, ctx: C, asset: Asset, payload: Mapping[str, Any]) -> SpecReader[C]:
        """The reader of a row's `nested` rows below one item (its asset and payload)."""
        raise TypeError(f"{type(self).__name__} cannot read nested rows")


@dataclass(frozen=True)
class Listed:
    """One list entry: its id, the entry, and how coverage names it."""

    id: str
    entry: Mapping[str, Any]
    label: str

    def __str__(self) -> str:
        return self.label


def run_spec(
    ctx: C, spec: ResourceSpec[C], reader: SpecReader[C], *, section: str | None = None
) -> dict[str, Asset] | None:
    """Read one family into the scope as one coverage section (named `section`, default the
    row's family); the assets read, by id (None if the listing itself failed)."""
    return ctx.section(section or spec.family, read_family, ctx, spec, reader)


def read_family(ctx: C, spec: ResourceSpec[C], reader: SpecReader[C]) -> dict[str, Asset]:
    """List, then describe every item on the scope's item pool; the assets read, by id."""
    return read_entries(ctx, spec, reader, islice(reader.list(ctx, spec), spec.limit))


def read_entries(
    ctx: C, spec: ResourceSpec[C], reader: SpecReader[C], items: Iterable[Any]
) -> dict[str, Asset]:
    """Describe every list entry of `items` (then the `children` listed by all of them); the
    assets read, by id."""
    entries = [
        Listed(i, entry, spec.label(i, entry) if spec.label is not None else i)
        for i, entry in listed(ctx, spec.item, items, spec.id_key)
    ]
    ids = [e.id for e in entries]
    if spec.listed is not None:
        spec.listed(ctx, ids)
    # each item's children, by its id (written from the pool's threads, read in listing order)
    children: dict[str, list[Any]] = {}
    read = ctx.each(spec.item, read_one, entries, ctx, spec, reader, children)
    assets = {i: asset for i, asset in zip(ids, read, strict=True) if asset is not None}
    if spec.children is not None:
        kids = [kid for i in ids for kid in children.get(i, ())]
        assets.update(read_entries(ctx, spec.children, reader, kids))
    return assets


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


def read_one(
    ctx: C,
    spec: ResourceSpec[C],
    reader: SpecReader[C],
    children: dict[str, list[Any]],
    item: Listed,
) -> Asset | None:
    described = spec.describe_operation
    payload = reader.describe(ctx, spec, item.id) if described else item.entry
    if spec.describe_key is not None:
        payload = dict(payload[spec.describe_key])
    extra = spec.inputs(ctx, item.id, payload) if spec.inputs is not None else {}
    made = spec.transform(payload, **reader.where(ctx), **extra)
    if made is None:
        return None
    collected = made if isinstance(made, Collected) else Collected(made)
    asset = collected.asset
    if asset.type != spec.resource_type:
        raise TypeError(f"the transform made a {asset.type[:100]}, not a {spec.resource_type}")
    ctx.add(asset)
    reader.apply(ctx, asset, collected.links)
    if spec.relate is not None:
        spec.relate(ctx, asset)
    if spec.relate_payload is not None:
        spec.relate_payload(ctx, asset, payload)
    child = spec.children
    if child is not None:
        # a failed listing is the parent's error, but the parent itself was read
        parent = {spec.child_parameter: item.id}
        label = f"{spec.item} {ctx.label(item)}"
        children[item.id] = ctx.section(label, list_children, ctx, child, reader, parent) or []
    for child in spec.nested:
        run_spec(
            ctx, child, reader.below(ctx, asset, payload), section=f"{child.family} of {asset.name}"
        )
    return asset


def list_children(
    ctx: C, child: ResourceSpec[C], reader: SpecReader[C], parent: Mapping[str, Any]
) -> list[Any]:
    """The list entries of a child row under one parent (bounded by the child's limit)."""
    row = replace(child, list_parameters={**child.list_parameters, **parent})
    return list(islice(reader.list(ctx, row), child.limit))


def _raise(message: str) -> None:
    raise ValueError(message)
