"""Keras models: the `.keras` zip's config.json and the `.h5` file's `model_config` attribute.
A `Lambda` layer carries marshalled Python bytecode that runs at load time (unless safe mode
blocks it); a layer from a non-Keras module makes the loader import that module. Only the JSON
configuration is read -- never the model -- and the bytecode is inspected as bytes, never
unmarshalled."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from aiscan.artifacts.context import ScanContext
from aiscan.core.model import Severity

_KERAS_MODULES = ("keras", "tensorflow", "tf_keras", "keras_hub", "keras_nlp", "keras_cv")
_DANGEROUS_NAMES = re.compile(
    rb"\b(system|popen|exec|eval|__import__|subprocess|import_module|spawn|getattr|open|socket|"
    rb"urlopen|check_output|run)\b"
)
_MAX_NODES = 1_000_000


def _nodes(doc: Any) -> Iterator[dict[str, Any]]:
    stack = [doc]
    seen = 0
    while stack and seen < _MAX_NODES:
        node = stack.pop()
        seen += 1
        if isinstance(node, dict):
            yield node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def looks_like_keras(doc: Any) -> bool:
    return isinstance(doc, dict) and "class_name" in doc and "config" in doc


def scan_config(ctx: ScanContext, doc: Any, label: str) -> None:
    if not looks_like_keras(doc):
        return
    for node in _nodes(doc):
        cls = node.get("class_name")
        if cls == "Lambda":
            _lambda(ctx, node, label)
            continue
        module = node.get("module")
        if isinstance(module, str) and isinstance(cls, str) and not _keras_module(module):
            if module == "builtins" and cls == "function":
                continue  # the function object inside a Lambda, reported with the Lambda
            ctx.issue(
                "keras-custom-object",
                Severity.HIGH,
                member=label,
                module=module[:200],
                name=cls[:200],
                detail="the loader imports this module to rebuild the layer or object",
            )


def _keras_module(module: str) -> bool:
    return any(module == m or module.startswith(m + ".") for m in _KERAS_MODULES)


def _lambda(ctx: ScanContext, node: dict[str, Any], label: str) -> None:
    raw = node.get("config")
    config: dict[str, Any] = raw if isinstance(raw, dict) else {}
    name = str(config.get("name") or "lambda")[:200]
    code = b"".join(_code_blobs(config.get("function")))
    hits = sorted({m.decode() for m in _DANGEROUS_NAMES.findall(code)})
    severity = Severity.CRITICAL if hits else Severity.HIGH
    detail = "Lambda layer carries Python bytecode that runs when the model loads"
    if hits:
        detail += f"; the bytecode names {', '.join(hits)}"
    ctx.issue("keras-lambda", severity, member=label, name=name, detail=detail)


def _code_blobs(fn: Any) -> Iterator[bytes]:
    """The base64 marshal blobs of a Lambda (Keras 2 list form, Keras 3 dict form)."""
    for node in _nodes({"f": fn}):
        for value in node.values():
            items = value if isinstance(value, list) else [value]
            for item in items:
                if isinstance(item, str) and len(item) > 16:
                    try:
                        yield base64.b64decode(item, validate=False)
                    except (binascii.Error, ValueError):
                        yield item.encode()


def scan_hdf5(ctx: ScanContext, f: BinaryIO, label: str, size: int) -> None:
    try:
        import h5py  # noqa: PLC0415 - optional dependency (aiscan[deep])
    except ImportError:
        _raw_hdf5(ctx, f, label, size)
        ctx.bound(f"{label}: HDF5 attributes not read (install aiscan[deep] for h5py)")
        return
    f.seek(0)
    try:
        with h5py.File(f, "r") as h5:
            for attr in ("model_config", "training_config"):
                raw = h5.attrs.get(attr)
                if raw is None:
                    continue
                text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
                try:
                    scan_config(ctx, json.loads(text), label)
                except ValueError:
                    ctx.error(f"{label}: HDF5 attribute {attr} is not JSON")
    except Exception as exc:  # h5py raises OSError/KeyError/ValueError and more on hostile files
        ctx.error(f"{label}: HDF5 unreadable: {type(exc).__name__}: {exc}")


def _raw_hdf5(ctx: ScanContext, f: BinaryIO, label: str, size: int) -> None:
    """Without h5py: attribute strings are stored plainly, so a Lambda still shows in the bytes."""
    f.seek(0)
    tail = b""
    while True:
        chunk = f.read(1 << 20)
        if not chunk:
            return
        window = tail + chunk
        if b'"class_name": "Lambda"' in window:
            ctx.issue(
                "keras-lambda",
                Severity.HIGH,
                member=label,
                detail="Lambda layer in the HDF5 model config (found without h5py)",
            )
            return
        tail = window[-64:]
