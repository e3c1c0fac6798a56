"""The cloud-neutral table runner (aiscan/collectors/spec.py) with an in-memory reader: what a
row's listing, describes and transform turn into (assets, coverage), independent of any SDK."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any, ClassVar

import pytest

from aiscan.collectors.base import ScopeRecorder
from aiscan.collectors.spec import Collected, ResourceSpec, SpecReader, run_spec
from aiscan.core.inventory import InventoryBuilder
from aiscan.core.model import Asset, AssetKind, Cloud, CoverageStatus


class Ctx(ScopeRecorder):
    cloud: ClassVar[Cloud] = Cloud.AWS

    def classify(self, exc: BaseException) -> tuple[CoverageStatus, str]:
        if isinstance(exc, PermissionError):
            return CoverageStatus.DENIED, f"denied: {exc}"
        return CoverageStatus.ERROR, f"{type(exc).__name__}: {exc}"


class Reader(SpecReader[Ctx]):
    def __init__(self, items: Iterable[Any] | Exception, payloads: Mapping[str, Any]) -> None:
        self.items, self.payloads = items, payloads

    def list(self, ctx: Ctx, spec: ResourceSpec[Ctx]) -> Iterable[Any]:
        if isinstance(self.items, Exception):
            raise self.items
        return self.items

    def describe(self, ctx: Ctx, spec: ResourceSpec[Ctx], item_id: str) -> Mapping[str, Any]:
        payload = self.payloads[item_id]
        if isinstance(payload, Exception):
            raise payload
        return dict(payload)

    def where(self, ctx: Ctx) -> Mapping[str, Any]:
        return {"account": ctx.account, "region": ctx.region}


def to_thing(payload: Mapping[str, Any], *, account: str, region: str) -> Asset:
    return Asset(
        id=f"thing/{payload['Name']}",
        cloud=Cloud.AWS,
        account=account,
        region=region,
        kind=AssetKind.DATASET,
        service="svc",
        type=str(payload.get("Type", "Test::Thing")),
        name=str(payload["Name"]),
        attributes={},
    )


def spec(**row: Any) -> ResourceSpec[Ctx]:
    base: dict[str, Any] = {
        "family": "things",
        "item": "thing",
        "service": "svc",
        "resource_type": "Test::Thing",
        "list_operation": "list_things",
        "result_key": "Things",
        "id_key": "Name",
        "describe_operation": "describe_thing",
        "id_parameter": "Name",
        "transform": to_thing,
    }
    return ResourceSpec(**{**base, **row})


def scope() -> Ctx:
    return Ctx(account="1", region="r", service="svc", sink=InventoryBuilder())


def test_each_item_is_its_own_section_and_the_rest_is_read():
    ctx, seen, related = scope(), [], []
    reader = Reader(
        [{"Name": "a"}, {"Name": "b"}, {"Name": "c"}, {"Name": "d"}, {"nope": 1}, "junk"],
        {
            "a": {"Name": "a"},
            "b": RuntimeError("boom"),
            "c": {"Name": "c", "Type": "Other::Type"},
            "d": {},  # the transform refuses it (KeyError)
        },
    )
    row = spec(listed=lambda c, ids: seen.extend(ids), relate=lambda c, a: related.append(a.id))
    got = run_spec(ctx, row, reader)

    assert got is not None and list(got) == ["a"]
    assert seen == ["a", "b", "c", "d"]
    assert related == ["thing/a"]
    cov = ctx.coverage()
    assert (cov.status, cov.assets) == (CoverageStatus.ERROR, 1)
    assert "thing b: RuntimeError: boom" in cov.message
    assert "thing c: TypeError: the transform made a Other::Type, not a Test::Thing" in cov.message
    assert "thing d: KeyError" in cov.message
    assert cov.message.count("thing: ValueError: a thing summary has no Name") == 2


def test_a_failed_listing_is_the_family_coverage_record():
    ctx = scope()
    assert run_spec(ctx, spec(), Reader(PermissionError("ListThings"), {})) is None
    cov = ctx.coverage()
    assert (cov.status, cov.message) == (CoverageStatus.DENIED, "things: denied: ListThings")


def test_a_row_can_only_name_read_operations():
    with pytest.raises(ValueError, match="put_thing is not a read operation"):
        spec(describe_operation="put_thing")


class Linking(Reader):
    """A reader whose rows take the list entry as the payload and return links."""

    def __init__(self, items: Iterable[Any]) -> None:
        super().__init__(items, {})
        self.applied: list[tuple[str, tuple[Any, ...]]] = []

    def apply(self, ctx: Ctx, asset: Asset, links: tuple[tuple[Any, ...], ...]) -> None:
        self.applied.append((asset.id, links))


def to_linked(payload: Mapping[str, Any], *, account: str, region: str) -> Collected | None:
    if payload.get("Skip"):
        return None  # not an asset of this family
    return Collected(to_thing(payload, account=account, region=region), (("uses", "x"),))


def test_a_list_only_row_reads_entries_applies_links_and_skips_what_it_declines():
    ctx = scope()
    reader = Linking([{"Name": "a"}, {"Name": "b", "Skip": True}, {"Name": "c", "Type": "Bad"}])
    row = spec(
        describe_operation="",
        transform=to_linked,
        label=lambda i, entry: f"<{i}>",
        limit=3,
    )
    got = run_spec(ctx, row, reader, section="things of parent")

    assert got is not None and list(got) == ["a"]
    assert reader.applied == [("thing/a", (("uses", "x"),))]
    cov = ctx.coverage()
    assert (cov.status, cov.assets) == (CoverageStatus.ERROR, 1)
    assert cov.message == "thing <c>: TypeError: the transform made a Bad, not a Test::Thing"
    assert run_spec(ctx, row, Linking([]), section="x") == {}
    limited = scope()  # "b" is never described (its describe would fail)
    reader2 = Reader([{"Name": "a"}, {"Name": "b"}], {"a": {"Name": "a"}})
    only = run_spec(limited, spec(limit=1), reader2)
    assert only is not None and list(only) == ["a"] and limited.coverage().message == ""


def test_a_failed_list_only_listing_is_named_after_its_section():
    ctx = scope()
    row = spec(describe_operation="", transform=to_linked)
    assert run_spec(ctx, row, Reader(PermissionError("x"), {}), section="things of p") is None
    assert ctx.coverage().message == "things of p: denied: x"


def test_a_reader_without_apply_refuses_links():
    ctx = scope()
    row = spec(describe_operation="", transform=to_linked)
    run_spec(ctx, row, Reader([{"Name": "a"}], {}))
    assert "thing a: TypeError: Reader cannot apply links" in ctx.coverage().message


def test_describe_key_unwraps_the_item_and_relate_payload_sees_the_whole_describe():
    ctx, related = scope(), []
    long_list = list(range(500))  # more than `bounded` keeps in an asset's raw
    reader = Reader(
        [{"Name": "a"}, {"Name": "b"}],
        {"a": {"thing": {"Name": "a", "Links": long_list}}, "b": {"Name": "b"}},
    )
    row = spec(
        describe_key="thing",
        relate_payload=lambda c, a, p: related.append((a.id, len(p["Links"]))),
    )
    got = run_spec(ctx, row, reader)

    assert got is not None and list(got) == ["a"]
    assert related == [("thing/a", 500)]
    cov = ctx.coverage()
    assert (cov.status, cov.assets) == (CoverageStatus.ERROR, 1)
    assert "thing b: KeyError: 'thing'" in cov.message


class Nested(Reader):
    """A reader whose child listing depends on the parent id it is asked with."""

    def __init__(self, items: Iterable[Any], kids: Mapping[str, Any], payloads: Any) -> None:
        super().__init__(items, payloads)
        self.kids, self.asked = kids, []  # type: ignore[var-annotated]

    def list(self, ctx: Ctx, spec: ResourceSpec[Ctx]) -> Iterable[Any]:
        parent = spec.list_parameters.get("Parent")
        if parent is None:
            return super().list(ctx, spec)
        self.asked.append((parent, spec.list_parameters.get("Sort")))
        kids = self.kids[parent]
        if isinstance(kids, Exception):
            raise kids
        return iter(kids)


def test_children_are_listed_per_parent_in_its_section_and_described_together():
    ctx, seen = scope(), []
    kid = spec(family="parts", item="part", list_parameters={"Sort": "new"}, limit=2)
    kid = replace(kid, listed=lambda c, ids: seen.extend(ids))
    reader = Nested(
        [{"Name": "p1"}, {"Name": "p2"}, {"Name": "p3"}],
        {"p1": [{"Name": "k1"}, {"Name": "k2"}, {"Name": "k3"}], "p2": PermissionError("kids")},
        {"p1": {"Name": "p1"}, "p2": {"Name": "p2"}, "p3": {}, "k1": {"Name": "k1"}},
    )
    got = run_spec(ctx, spec(children=kid, child_parameter="Parent"), reader)

    # p3 was not read, so never listed; p1's listing is bounded by the child's limit
    assert sorted(reader.asked) == [("p1", "new"), ("p2", "new")]
    assert seen == ["k1", "k2"]
    assert got is not None and sorted(got) == ["k1", "p1", "p2"]
    cov = ctx.coverage()
    assert (cov.status, cov.assets) == (CoverageStatus.DENIED, 3)
    assert "thing p2: denied: kids" in cov.message  # the parent's section
    assert "part k2: KeyError" in cov.message


class Parent(Reader):
    """A reader whose items each have children listed below them (a list per parent)."""

    def __init__(self, items: Iterable[Any], below: Mapping[str, Any]) -> None:
        super().__init__(items, {})
        self.children = below

    def below(self, ctx: Ctx, asset: Asset, payload: Mapping[str, Any]) -> SpecReader[Ctx]:
        return Reader(self.children[payload["Name"]], {})


def test_nested_rows_are_listed_below_each_item_each_listing_its_own_section():
    ctx = scope()
    child = spec(family="parts", item="part", describe_operation="", transform=to_thing)
    row = spec(describe_operation="", nested=(child,))
    below = {"a": [{"Name": "a1"}, {"Name": "a2"}], "b": PermissionError("ListParts")}
    got = run_spec(ctx, row, Parent([{"Name": "a"}, {"Name": "b"}], below))

    assert got is not None and list(got) == ["a", "b"]  # a parent stays when its children fail
    assert {a.id for a in ctx.sink.build().assets} == {f"thing/{n}" for n in ("a", "a1", "a2", "b")}
    cov = ctx.coverage()
    assert (cov.status, cov.message) == (CoverageStatus.DENIED, "parts of b: denied: ListParts")
    plain = scope()  # a reader that cannot read nested rows makes each parent an error
    run_spec(plain, row, Reader([{"Name": "a"}], {}))
    assert "thing a: TypeError: Reader cannot read nested rows" in plain.coverage().message
