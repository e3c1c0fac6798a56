"""Format detection from the first bytes of a file, never from its name."""

from __future__ import annotations

import lzma
import zlib

from aiscan.artifacts import pickles, safetensors

HEAD = 1 << 16
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"

#: Compressed containers aiscan does not open: the result is manual, never a pass.
UNSUPPORTED_MAGIC = {b"\x04\x22\x4d\x18": "lz4", b"\x28\xb5\x2f\xfd": "zstd"}

#: Formats that hold nothing a loader would execute or expand, so a member is hashed, not spooled.
PLAIN = frozenset({"data", "text", "empty"})


def sniff(head: bytes, size: int) -> str:
    """The format of a file from its first bytes (`HEAD` of them) and its size."""
    if not head:
        return "empty"
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"):
        return "zip"
    if head[:3] == b"\x1f\x8b\x08" and not head[3] & 0xE0 and _inflates(head, 16 + 15):
        return "gzip"
    if head[:3] == b"BZh" and head[3:4].isdigit() and head[4:10] in (b"1AY&SY", b"\x17rE8P\x90"):
        return "bzip2"
    if head[:6] == b"\xfd7zXZ\x00":
        return "xz"
    if head[:6] == b"7z\xbc\xaf\x27\x1c":
        return "7z"
    if head[:4] in UNSUPPORTED_MAGIC:
        return UNSUPPORTED_MAGIC[head[:4]]
    if head[:1] == b"\x5d" and _lzma_alone(head):
        return "lzma"
    if len(head) > 262 and head[257:262] == b"ustar":
        return "tar"
    if head[:4] == b"GGUF":
        return "gguf"
    if head[:6] == b"\x93NUMPY":
        return "numpy"
    if any(head[o : o + 8] == HDF5_MAGIC for o in (0, 512, 1024, 2048)):
        return "hdf5"
    if safetensors.looks_like(head, size):
        return "safetensors"
    if _is_zlib(head):
        return "zlib"
    if pickles.looks_like_pickle(head):
        return "pickle"
    proto = _protobuf_kind(head)
    if proto:
        return proto
    return _text_kind(head)


def _lzma_alone(head: bytes) -> bool:
    # joblib's compress="lzma": the legacy .lzma container (no magic beyond the properties byte)
    try:
        lzma.LZMADecompressor(lzma.FORMAT_ALONE).decompress(head[:16384], 1 << 16)
    except lzma.LZMAError:
        return False
    return True


def _is_zlib(head: bytes) -> bool:
    # joblib's compressed files are a bare zlib stream. Two header bytes are weak evidence
    # (tensor data starts with them now and then), so the sniffed bytes must also inflate.
    return (
        len(head) >= 2 and head[0] == 0x78 and head[1] in (0x01, 0x5E, 0x9C, 0xDA)
    ) and _inflates(head, 15)


def _inflates(head: bytes, wbits: int) -> bool:
    try:
        zlib.decompressobj(wbits).decompress(head[:16384], 1 << 16)
    except zlib.error:
        return False
    return True


def _protobuf_kind(head: bytes) -> str:
    # ONNX ModelProto starts with ir_version (field 1, varint, 3..12); a SavedModel with
    # saved_model_schema_version (field 1) = 1 followed by meta_graphs (field 2, bytes).
    if len(head) < 4 or head[0] != 0x08:
        return ""
    if head[1] == 0x01 and head[2] == 0x12:
        return "tf-savedmodel"
    if 3 <= head[1] <= 15 and head[2] in (0x12, 0x1A, 0x22, 0x28, 0x32, 0x3A, 0x42, 0x72):
        return "onnx"
    return ""


def _text_kind(head: bytes) -> str:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a multi-byte character cut at the end
            return "data"
        text = head[: exc.start].decode("utf-8")
    if "\x00" in text:
        return "data"
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        return "json"
    return "text"
