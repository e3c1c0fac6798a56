"""Model formats that are not archives, pickles or safetensors: GGUF, NumPy, HDF5/Keras, ONNX,
TensorFlow SavedModel, JSON configs (Keras configs, tokenizer chat templates) and text."""

from __future__ import annotations

import ast
import json
import struct
from typing import Any, BinaryIO

from aiscan.artifacts import keras, onnx, pickles, templates
from aiscan.artifacts.context import ScanContext
from aiscan.core.model import Severity

_GGUF_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?"}
_GGUF_SCALARS |= {10: "<Q", 11: "<q", 12: "<d"}
_GGUF_STRING, _GGUF_ARRAY = 8, 9
_TORCHSCRIPT_SAFE_NS = ("aten", "prim", "quantized", "_quantized", "profiler", "_caffe2")


def scan_other(
    ctx: ScanContext, f: BinaryIO, fmt: str, head: bytes, label: str, size: int, depth: int
) -> str:
    if fmt == "gguf":
        _scan_gguf(ctx, f, label, size)
    elif fmt == "numpy":
        return _scan_npy(ctx, f, label, size)
    elif fmt == "hdf5":
        keras.scan_hdf5(ctx, f, label, size)
    elif fmt == "onnx":
        return onnx.scan_onnx(ctx, f, label, size)
    elif fmt == "tf-savedmodel":
        return onnx.scan_savedmodel(ctx, f, label, size)
    elif fmt == "json":
        _scan_json(ctx, f, label, size)
    elif fmt == "text" and size <= ctx.limits.max_header_bytes:
        f.seek(0)
        scan_text(ctx, f.read(), label)
    return fmt


# -- GGUF ------------------------------------------------------------------------------------


class _GgufReader:
    def __init__(self, f: BinaryIO, ctx: ScanContext) -> None:
        self.f = f
        self.ctx = ctx

    def take(self, n: int) -> bytes:
        data = self.f.read(n)
        if len(data) != n:
            raise ValueError("truncated")
        return data

    def u32(self) -> int:
        return int(struct.unpack("<I", self.take(4))[0])

    def u64(self) -> int:
        return int(struct.unpack("<Q", self.take(8))[0])

    def string(self, keep: bool = True) -> str:
        n = self.u64()
        if n > self.ctx.limits.max_header_bytes:
            raise ValueError(f"string of {n} bytes")
        if not keep:
            self.f.seek(n, 1)
            return ""
        return self.take(n).decode("utf-8", "replace")

    def value(self, vtype: int, keep: bool) -> Any:
        if vtype in _GGUF_SCALARS:
            fmt = _GGUF_SCALARS[vtype]
            return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]
        if vtype == _GGUF_STRING:
            return self.string(keep)
        if vtype == _GGUF_ARRAY:
            etype, count = self.u32(), self.u64()
            if count > 1 << 28:
                raise ValueError(f"array of {count} items")
            if etype in _GGUF_SCALARS:  # skip fixed-size arrays without reading them
                self.f.seek(count * struct.calcsize(_GGUF_SCALARS[etype]), 1)
                return None
            for i in range(count):
                if i % 65536 == 0:
                    self.ctx.check_time()
                self.value(etype, keep=False)
            return None
        raise ValueError(f"unknown value type {vtype}")


def _scan_gguf(ctx: ScanContext, f: BinaryIO, label: str, size: int) -> None:
    f.seek(4)
    r = _GgufReader(f, ctx)
    try:
        version = r.u32()
        if version not in (1, 2, 3):
            ctx.error(f"{label}: unsupported GGUF version {version}")
            return
        _tensors, n_kv = r.u64(), r.u64()
        if n_kv > 1 << 20:
            raise ValueError(f"{n_kv} metadata keys")
        for _ in range(n_kv):
            pos = f.tell()
            key = r.string()
            vtype = r.u32()
            wanted = key.startswith("tokenizer.chat_template")
            value = r.value(vtype, keep=wanted)
            if wanted and isinstance(value, str):
                _check_template(ctx, value, label, key, pos)
    except (ValueError, struct.error, OSError) as exc:
        ctx.error(f"{label}: GGUF metadata does not parse: {exc}")


def _check_template(ctx: ScanContext, source: str, label: str, key: str, pos: int | None) -> None:
    problems = templates.template_problems(source)
    if problems:
        ctx.issue(
            "gguf-template" if key.startswith("tokenizer.chat_template") else "chat-template",
            Severity.CRITICAL,
            member=label,
            name=key,
            position=pos,
            detail="chat template " + "; ".join(problems),
        )


# -- NumPy -----------------------------------------------------------------------------------


def _scan_npy(ctx: ScanContext, f: BinaryIO, label: str, size: int) -> str:
    f.seek(6)
    ver = f.read(2)
    if len(ver) != 2 or ver[0] not in (1, 2, 3):
        ctx.error(f"{label}: unsupported .npy version")
        return "numpy"
    width = 2 if ver[0] == 1 else 4
    hlen = int.from_bytes(f.read(width), "little")
    if hlen > 1 << 20:
        ctx.error(f"{label}: .npy header of {hlen} bytes")
        return "numpy"
    try:
        header = ast.literal_eval(f.read(hlen).decode("latin-1"))  # literals only, no code
        descr = header["descr"]
    except (ValueError, SyntaxError, KeyError, TypeError, MemoryError, RecursionError) as exc:
        ctx.error(f"{label}: .npy header does not parse: {exc}")
        return "numpy"
    if not _has_object(descr):
        return "numpy"
    ctx.issue(
        "numpy-object-array",
        Severity.MEDIUM,
        member=label,
        detail="object arrays are stored as a pickle: np.load(allow_pickle=True) unpickles it",
    )
    pickles.scan_pickle(f, ctx, label, start=f.tell())
    return "numpy-object"


def _has_object(descr: Any) -> bool:
    if isinstance(descr, str):
        return descr.lstrip("<>|=").startswith("O")
    if isinstance(descr, list | tuple):
        return any(_has_object(d) for d in descr)
    return False


# -- JSON and text ---------------------------------------------------------------------------


def _scan_json(ctx: ScanContext, f: BinaryIO, label: str, size: int) -> None:
    if size > ctx.limits.max_header_bytes:
        ctx.bound(f"{label}: JSON of {size} bytes exceeds max_header_bytes")
        return
    f.seek(0)
    try:
        doc = json.loads(f.read())
    except (ValueError, UnicodeDecodeError, RecursionError):
        return  # not JSON after all: plain data that no loader executes
    scan_json_doc(ctx, doc, label)


def scan_json_doc(ctx: ScanContext, doc: Any, label: str) -> None:
    if not isinstance(doc, dict):
        return
    tmpl = doc.get("chat_template")
    if isinstance(tmpl, str):
        _check_template(ctx, tmpl, label, "chat_template", None)
    elif isinstance(tmpl, list):
        for item in tmpl:
            if isinstance(item, dict) and isinstance(item.get("template"), str):
                name = f"chat_template.{str(item.get('name'))[:60]}"
                _check_template(ctx, item["template"], label, name, None)
    keras.scan_config(ctx, doc, label)


def looks_like_code(raw: bytes) -> bool:
    return b"{%" in raw or b"def forward" in raw or b"ops." in raw


def scan_text(ctx: ScanContext, raw: bytes, path: str) -> None:
    text = raw.decode("utf-8", "replace")
    if "{%" in text and "messages" in text:  # a chat template (chat_template.jinja)
        _check_template(ctx, text, path, "chat_template", None)
    if "torch.ops." in text or "ops." in text and "def forward" in text:
        _check_torchscript(ctx, text, path)


def _check_torchscript(ctx: ScanContext, code: str, path: str) -> None:
    import re  # noqa: PLC0415 - only for TorchScript code members

    for m in re.finditer(r"\bops\.([A-Za-z_]\w*)\.([A-Za-z_]\w*)", code):
        ns, op = m.group(1), m.group(2)
        if ns in _TORCHSCRIPT_SAFE_NS and op not in ("save", "from_file", "_save"):
            continue
        sev = Severity.HIGH if op in ("save", "from_file", "_save") else Severity.MEDIUM
        ctx.issue(
            "torchscript-op",
            sev,
            member=path,
            module=f"ops.{ns}",
            name=op,
            position=m.start(),
            detail="TorchScript calls a custom or file-touching operator",
        )
