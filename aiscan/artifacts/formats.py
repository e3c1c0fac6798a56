"""Model formats that are not archives or pickles: GGUF, NumPy, HDF5/Keras, ONNX, TensorFlow
SavedModel, JSON configs (Keras configs, tokenizer chat templates) and text."""

from __future__ import annotations

from typing import BinaryIO

from aiscan.artifacts.context import ScanContext


def scan_other(
    ctx: ScanContext, f: BinaryIO, fmt: str, head: bytes, label: str, size: int, depth: int
) -> str:
    return fmt


def scan_text(ctx: ScanContext, text: bytes, path: str) -> None:
    return None
