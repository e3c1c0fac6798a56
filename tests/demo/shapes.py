"""Check a raw JSON answer against botocore's output shape: the real SDK silently drops unknown
keys and never checks required members, so a wrongly shaped canned answer would go unnoticed."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def problems(shape: Any, value: Any, path: str = "$") -> list[str]:
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{path}: expected an object, got {type(value).__name__}"]
        members = shape.members
        found = [f"{path}.{n}: not a member of {shape.name}" for n in value if n not in members]
        for name in shape.required_members:
            location = members[name].serialization.get("location")
            if name not in value and location not in ("header", "statusCode"):
                found.append(f"{path}.{name}: required by {shape.name} but missing")
        for name, item in value.items():
            if name in members:
                found.extend(problems(members[name], item, f"{path}.{name}"))
        return found
    if kind == "list":
        if not isinstance(value, list):
            return [f"{path}: expected a list"]
        return [p for i, v in enumerate(value) for p in problems(shape.member, v, f"{path}[{i}]")]
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{path}: expected a map"]
        return [p for k, v in value.items() for p in problems(shape.value, v, f"{path}.{k}")]
    if kind == "string":
        if not isinstance(value, str):
            return [f"{path}: expected a string"]
        if shape.enum and value not in shape.enum:
            return [f"{path}: {value!r} is not one of {shape.name}'s values"]
        return []
    if kind in ("integer", "long"):
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [f"{path}: expected an integer"]
    if kind in ("double", "float"):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return [] if ok else [f"{path}: expected a number"]
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{path}: expected a boolean"]
    if kind == "timestamp":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return []
        if isinstance(value, str):
            try:
                datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return [f"{path}: {value!r} is not an ISO timestamp"]
            return []
        return [f"{path}: expected a timestamp"]
    return []
