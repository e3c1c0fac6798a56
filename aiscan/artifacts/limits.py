"""Bounds for one artifact: a hostile file must cost bounded bytes, members, depth and time."""

from __future__ import annotations

from pydantic import Field

from aiscan.core.model import Frozen

GIB = 1 << 30
MIB = 1 << 20


class Limits(Frozen):
    max_bytes: int = Field(
        default=32 * GIB, description="Bytes read per artifact, decompressed members included"
    )
    max_members: int = Field(default=10_000, description="Archive/directory members per artifact")
    max_depth: int = Field(default=6, description="Archive nesting depth")
    max_ratio: float = Field(
        default=250.0, description="Decompressed/compressed size of an archive (zip/tar bombs)"
    )
    ratio_floor: int = Field(
        default=16 * MIB, description="The ratio bound applies once this many bytes expanded"
    )
    timeout_s: float = Field(default=900.0, description="Wall-clock seconds per artifact")
    max_header_bytes: int = Field(
        default=64 * MIB, description="safetensors/GGUF/JSON headers and configs parsed in memory"
    )
    max_pickle_ops: int = Field(default=20_000_000, description="Pickle opcodes per member")
