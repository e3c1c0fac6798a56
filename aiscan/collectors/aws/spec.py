"""The AWS binding of resource-family tables (aiscan/collectors/spec.py): a row's list operation
is followed through botocore's paginator (or its NextToken) with `paginate`'s bound, its describe
is one call with the id as `id_parameter`, both on the scope's client for the row's service."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import islice
from typing import Any

from aiscan.collectors.aws.context import ScopeContext, paginate
from aiscan.collectors.spec import ResourceSpec, SpecReader, run_spec

__all__ = ["READER", "AwsReader", "AwsSpec", "read", "row"]

AwsSpec = ResourceSpec[ScopeContext]


class AwsReader(SpecReader[ScopeContext]):
    def list(self, ctx: ScopeContext, spec: AwsSpec) -> Iterable[Any]:
        client = ctx.client(spec.service)
        kwargs = dict(spec.list_parameters)
        if spec.page_size is not None and client.can_paginate(spec.list_operation):
            kwargs["PaginationConfig"] = {"PageSize": spec.page_size}
        items = paginate(client, spec.list_operation, spec.result_key, **kwargs)
        return items if spec.limit is None else islice(items, spec.limit)

    def describe(self, ctx: ScopeContext, spec: AwsSpec, item_id: str) -> Mapping[str, Any]:
        call = getattr(ctx.client(spec.service), spec.describe_operation)
        return dict(call(**{spec.id_parameter: item_id}))

    def where(self, ctx: ScopeContext) -> Mapping[str, Any]:
        return {"account": ctx.account, "region": ctx.region}


READER = AwsReader()


def read(ctx: ScopeContext, spec: AwsSpec) -> dict[str, Any] | None:
    """`run_spec` with the AWS reader: the family's assets by id (None if its listing failed)."""
    return run_spec(ctx, spec, READER)


def row(
    family: str,
    item: str,
    type_: str,
    noun: str,
    result_key: str,
    *,
    service: str,
    namespace: str,
    **fields: Any,
) -> AwsSpec:
    """A row whose operations are named after one noun, ``list_<noun>s`` and ``get_<noun>``
    (`list_operation` / `describe_operation` in `fields` name others), reading assets of type
    ``<namespace>::<type_>``. Service modules bind `service` and `namespace` once with
    `functools.partial`."""
    fields.setdefault("list_operation", f"list_{noun}s")
    fields.setdefault("describe_operation", f"get_{noun}")
    return AwsSpec(
        family=family,
        item=item,
        service=service,
        resource_type=f"{namespace}::{type_}",
        result_key=result_key,
        **fields,
    )
