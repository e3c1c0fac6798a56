"""safetensors: an 8-byte header length, a JSON header, then the tensor bytes. The format cannot
carry code; what can be wrong is the header (size, shape, dtype, offsets that overlap, leave gaps
or point past the end), which loaders have mis-handled before."""

from __future__ import annotations

import json
import math
import struct
from typing import BinaryIO

from aiscan.artifacts.context import ScanContext
from aiscan.core.model import Severity

_DTYPE_BYTES = {
    "BOOL": 1,
    "U8": 1,
    "I8": 1,
    "F8_E5M2": 1,
    "F8_E4M3": 1,
    "F8_E8M0": 1,
    "I16": 2,
    "U16": 2,
    "F16": 2,
    "BF16": 2,
    "I32": 4,
    "U32": 4,
    "F32": 4,
    "F64": 8,
    "I64": 8,
    "U64": 8,
    "C64": 8,
}


def looks_like(head: bytes, size: int) -> bool:
    if len(head) < 10:
        return False
    (n,) = struct.unpack("<Q", head[:8])
    return 2 <= n <= size - 8 and head[8:9] == b"{"


def scan(f: BinaryIO, ctx: ScanContext, member: str, size: int) -> None:
    f.seek(0)
    (n,) = struct.unpack("<Q", f.read(8))
    if n > ctx.limits.max_header_bytes:
        ctx.bound(f"{member}: safetensors header of {n} bytes exceeds max_header_bytes")
        return
    try:
        header = json.loads(f.read(n))
    except (ValueError, UnicodeDecodeError) as exc:
        ctx.error(f"{member}: safetensors header is not JSON: {exc}")
        return
    if not isinstance(header, dict):
        ctx.error(f"{member}: safetensors header is not a JSON object")
        return
    data_len = size - 8 - n
    spans: list[tuple[int, int, str]] = []
    for name, entry in header.items():
        if name == "__metadata__":
            if not isinstance(entry, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in entry.items()
            ):
                ctx.issue(
                    "safetensors-invalid-header",
                    Severity.MEDIUM,
                    member=member,
                    detail="__metadata__ must map strings to strings",
                )
            continue
        problem = _check_entry(entry, data_len)
        if problem:
            ctx.issue(
                "safetensors-invalid-header",
                Severity.MEDIUM,
                member=member,
                name=str(name)[:200],
                detail=problem,
            )
            continue
        begin, end = entry["data_offsets"]
        spans.append((begin, end, str(name)))
    spans.sort()
    cursor = 0
    for begin, end, name in spans:
        if begin != cursor:
            kind = "overlaps the previous tensor" if begin < cursor else "leaves a gap"
            ctx.issue(
                "safetensors-invalid-header",
                Severity.MEDIUM,
                member=member,
                name=name[:200],
                position=8 + n + begin,
                detail=f"data_offsets {kind}",
            )
        cursor = max(cursor, end)
    if spans and cursor != data_len:
        ctx.issue(
            "safetensors-invalid-header",
            Severity.MEDIUM,
            member=member,
            detail=f"tensors cover {cursor} bytes but the file holds {data_len}",
        )


def _check_entry(entry: object, data_len: int) -> str:
    if not isinstance(entry, dict):
        return "tensor entry is not an object"
    dtype, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
    if dtype not in _DTYPE_BYTES:
        return f"unknown dtype {str(dtype)[:40]}"
    if not isinstance(shape, list) or not all(isinstance(d, int) and d >= 0 for d in shape):
        return "shape is not a list of non-negative integers"
    if (
        not isinstance(offsets, list)
        or len(offsets) != 2
        or not all(isinstance(o, int) for o in offsets)
    ):
        return "data_offsets is not [begin, end]"
    begin, end = offsets
    if not 0 <= begin <= end <= data_len:
        return f"data_offsets [{begin}, {end}] outside the {data_len} data bytes"
    if end - begin != math.prod(shape) * _DTYPE_BYTES[str(dtype)]:
        return "data_offsets length does not match shape x dtype"
    return ""
