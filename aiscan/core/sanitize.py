"""Bounding and cleaning attacker-controlled payloads before they are stored or shown."""

from __future__ import annotations

import base64
import re
from datetime import date, datetime
from typing import Any

MAX_STRING = 4096
MAX_ITEMS = 200
MAX_DEPTH = 12
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def bounded(value: Any, depth: int = 0) -> Any:
    """A JSON-safe copy of an API payload with strings, lists and nesting bounded."""
    if depth > MAX_DEPTH:
        return "<truncated: too deep>"
    if isinstance(value, dict):
        items = list(value.items())
        out = {str(k)[:256]: bounded(v, depth + 1) for k, v in items[:MAX_ITEMS]}
        if len(items) > MAX_ITEMS:
            out["<truncated>"] = f"{len(items) - MAX_ITEMS} more keys"
        return out
    if isinstance(value, list | tuple | set | frozenset):
        seq = list(value)
        out_list = [bounded(v, depth + 1) for v in seq[:MAX_ITEMS]]
        if len(seq) > MAX_ITEMS:
            out_list.append(f"<truncated: {len(seq) - MAX_ITEMS} more items>")
        return out_list
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, str):
        return value if len(value) <= MAX_STRING else value[:MAX_STRING] + "<truncated>"
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)[:MAX_STRING]


def clean_text(value: object, limit: int = 512) -> str:
    """One line of text safe for a terminal: control and bidi characters removed, length bounded."""
    text = _CONTROL.sub("?", str(value)).replace("\n", " ").replace("\r", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def decode_b64(value: str, limit: int = 1 << 20) -> str:
    """Decode base64 text (lifecycle scripts) without trusting it: bounded, errors replaced."""
    try:
        raw = base64.b64decode(value[: limit * 2], validate=False)
    except (ValueError, TypeError):
        return ""
    return raw[:limit].decode("utf-8", errors="replace")
