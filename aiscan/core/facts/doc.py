"""`docs/attributes.md`, generated from the facts models (so the docs cannot drift from them)."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from aiscan.core.facts.base import Facts, Nested, Unread, registry

INTRO = """# Asset attributes

Generated from the typed facts models (`aiscan/core/facts/`) by `python -m aiscan.docgen`; do not
edit by hand.

Every asset carries `attributes`: the posture facts its collector read, with snake_case names. In
the JSON output they are a plain object; inside aiscan they are validated against the facts model
of the asset's resource type (`Asset.facts`), so a collector cannot produce a fact no model
declares and a rule cannot read one that does not exist. A fact that could not be read is
**absent** (inside aiscan: `UNREAD`), never `false` or `null`: rules answer `manual` for it, never a
silent pass. `null` keeps the cloud's meaning (no customer-managed key, no public address).

`raw` keeps the bounded, secret-redacted API payload for humans; rules never read it. What a
fact means is its description below (from the facts model); how it is read (calls, bounds, request
floor) is in the docstring of the module in `aiscan/collectors/` that produces it.
"""


def _type_name(annotation: Any, nested: set[type[BaseModel]]) -> str:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        parts = [a for a in typing.get_args(annotation) if a is not Unread]
        names = [_type_name(a, nested) for a in parts]
        return " or ".join("null" if n == "NoneType" else n for n in names)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is tuple:
        return f"list of {_type_name(args[0], nested)}"
    if origin is dict:
        return f"map of {_type_name(args[0], nested)} to {_type_name(args[1], nested)}"
    if isinstance(annotation, type) and issubclass(annotation, Nested):
        nested.add(annotation)
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    if annotation is type(None):
        return "NoneType"
    return getattr(annotation, "__name__", str(annotation))


def _own_fields(cls: type[BaseModel]) -> dict[str, FieldInfo]:
    """Fields declared by `cls` itself: its new ones, and shared ones it redeclares to say what
    they mean for its resource type."""
    declared = cls.__dict__.get("__annotations__", {})
    return {n: f for n, f in cls.model_fields.items() if n in declared}


def _table(fields: dict[str, FieldInfo], nested: set[type[BaseModel]]) -> list[str]:
    rows = ["| attribute | type | meaning |", "|---|---|---|"]
    for name, info in fields.items():
        rows.append(
            f"| `{info.alias or name}` | {_type_name(info.annotation, nested)} | "
            f"{info.description or ''} |"
        )
    return rows


def _shared_bases(cls: type[Facts], models: set[type[Facts]]) -> list[type[Facts]]:
    return [
        b
        for b in cls.__mro__[1:]
        if isinstance(b, type)
        and issubclass(b, Facts)
        and b is not Facts
        and b not in models
        and _own_fields(b)
        and b.__module__.endswith(".common")
    ]


def render() -> str:
    reg = registry()
    models = set(reg.values())
    by_model: dict[type[Facts], list[str]] = {}
    for resource_type, cls in sorted(reg.items()):
        by_model.setdefault(cls, []).append(resource_type)
    nested: set[type[BaseModel]] = set()
    shared: dict[type[Facts], set[str]] = {}
    for cls, resource_types in by_model.items():
        for base in _shared_bases(cls, models):
            shared.setdefault(base, set()).update(resource_types)
    lines = [INTRO, "## Shared facts", ""]
    lines.append(
        "These names mean the same thing wherever they appear; the cross-cloud rules name these "
        "groups as their scope, so a rule applies to every resource type whose facts include it."
    )
    for base in sorted(shared, key=lambda b: b.__name__):
        lines += ["", f"### {base.__name__}", ""]
        if base.__doc__ and base.__doc__ is not Facts.__doc__:
            lines += [" ".join(base.__doc__.split()), ""]
        lines += _table(_own_fields(base), nested)
        lines += ["", "On: " + ", ".join(f"`{t}`" for t in sorted(shared[base]))]
    lines += ["", "## Facts per resource type", ""]
    for cls in sorted(by_model, key=lambda c: by_model[c][0]):
        types_ = ", ".join(f"`{t}`" for t in by_model[cls])
        lines += [f"### {types_}", "", f"Model `{cls.__name__}`."]
        bases = _shared_bases(cls, models)
        if bases:
            lines[-1] += " Shared: " + ", ".join(
                f"[{b.__name__}](#{b.__name__.lower()})" for b in bases
            )
        fields: dict[str, FieldInfo] = {}
        for base in reversed(cls.__mro__):
            if (
                isinstance(base, type)
                and issubclass(base, Facts)
                and base not in shared
                and base is not Facts
            ):
                fields.update(_own_fields(base))
        own_doc = cls.__dict__.get("__doc__")
        if own_doc:
            lines += ["", " ".join(own_doc.split())]
        if fields:
            lines += [""] + _table(fields, nested)
        lines.append("")
    lines += ["## Structured values", ""]
    done: set[type[BaseModel]] = set()
    while nested - done:
        for model in sorted(nested - done, key=lambda m: m.__name__):
            done.add(model)
            lines += [f"### {model.__name__}", ""] + _table(model.model_fields, nested) + [""]
    return "\n".join(lines).rstrip() + "\n"
