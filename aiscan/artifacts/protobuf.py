"""A small protobuf wire-format reader over a seekable file: enough to walk ONNX and TensorFlow
SavedModel messages without the generated classes, skipping large fields without reading them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

VARINT, I64, LEN, I32 = 0, 1, 2, 5


class WireError(ValueError):
    pass


class Source:
    """Random access to a file through a small read-ahead window."""

    def __init__(self, f: BinaryIO, size: int) -> None:
        self.f = f
        self.size = size
        self._base = 0
        self._buf = b""

    def at(self, offset: int, n: int) -> bytes:
        if not (self._base <= offset and offset + n <= self._base + len(self._buf)):
            self.f.seek(offset)
            self._buf = self.f.read(max(n, 1 << 16))
            self._base = offset
        start = offset - self._base
        return self._buf[start : start + n]


def _varint(src: Source, pos: int, end: int) -> tuple[int, int]:
    data = src.at(pos, min(10, end - pos))
    value = shift = 0
    for i, b in enumerate(data):
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, pos + i + 1
        shift += 7
    raise WireError(f"bad varint at byte {pos}")


def fields(src: Source, start: int, end: int) -> Iterator[tuple[int, int, int, int]]:
    """(field number, wire type, value or payload offset, payload length) of one message."""
    pos = start
    while pos < end:
        key, pos = _varint(src, pos, end)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise WireError(f"field number 0 at byte {pos}")
        if wire == VARINT:
            value, pos = _varint(src, pos, end)
            yield number, wire, value, 0
        elif wire == LEN:
            length, pos = _varint(src, pos, end)
            if pos + length > end:
                raise WireError(f"length-delimited field runs past its message at byte {pos}")
            yield number, wire, pos, length
            pos += length
        elif wire == I64:
            yield number, wire, pos, 8
            pos += 8
        elif wire == I32:
            yield number, wire, pos, 4
            pos += 4
        else:
            raise WireError(f"unsupported wire type {wire} at byte {pos}")
    if pos != end:
        raise WireError("message overruns its length")


def text(src: Source, offset: int, length: int, limit: int = 4096) -> str:
    return src.at(offset, min(length, limit)).decode("utf-8", "replace")
