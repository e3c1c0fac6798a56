"""Typed reads of attacker-controlled API payloads: a field of the wrong type is a malformed
payload (`TypeError`, which the item's coverage section records), never a value a rule trusts.

An absent field, ``None`` (and, for strings, ``""``) reads as "not set"; a payload that is not a
mapping at all reads as empty, so nested reads (``opt(mapping(p, "A"), "B")``) need no guards."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def req(payload: Mapping[str, Any], key: str) -> str:
    """A required string field; a missing or mistyped one is a malformed payload."""
    value = payload[key]
    if not isinstance(value, str) or not value:
        raise TypeError(f"{key} is not a non-empty string")
    return value


def _get(payload: Mapping[str, Any] | None, key: str) -> Any:
    return payload.get(key) if isinstance(payload, Mapping) else None


def opt(payload: Mapping[str, Any] | None, key: str) -> str | None:
    """An optional string field."""
    value = _get(payload, key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise TypeError(f"{key} is not a string")
    return value


def mapping(payload: Mapping[str, Any] | None, key: str) -> Mapping[str, Any]:
    """An optional object field (empty when absent)."""
    value = _get(payload, key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(f"{key} is not an object")
    return value


def items(payload: Mapping[str, Any] | None, key: str) -> list[Any]:
    """An optional list field (empty when absent)."""
    value = _get(payload, key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise TypeError(f"{key} is not a list")
    return value


def objects(payload: Mapping[str, Any] | None, key: str) -> list[Mapping[str, Any]]:
    """An optional list field whose every item is an object (empty when absent)."""
    found = items(payload, key)
    for index, item in enumerate(found):
        if not isinstance(item, Mapping):
            raise TypeError(f"{key}[{index}] is not an object")
    return found


def flag(payload: Mapping[str, Any] | None, key: str) -> bool | None:
    """An optional boolean field."""
    value = _get(payload, key)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise TypeError(f"{key} is not a boolean")
    return value


def integer(payload: Mapping[str, Any] | None, key: str) -> int | None:
    """An optional integer field (a boolean is not one)."""
    value = _get(payload, key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{key} is not an integer")
    return value
