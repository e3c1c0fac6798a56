"""ONNX models and TensorFlow SavedModels, both protobuf: walked with the wire reader.

ONNX: operators from domains no runtime ships (a custom-op library is loaded to run them) and
external-data locations that leave the model directory (arbitrary file read). SavedModel: ops
that run Python (PyFunc) or read/write files (ReadFile, WriteFile, ...)."""

from __future__ import annotations

import posixpath
from typing import BinaryIO

from aiscan.artifacts.context import ScanContext
from aiscan.artifacts.protobuf import LEN, Source, WireError, fields, text
from aiscan.core.model import Severity

STANDARD_DOMAINS = frozenset(
    {
        "",
        "ai.onnx",
        "ai.onnx.ml",
        "ai.onnx.training",
        "ai.onnx.preview.training",
        "com.microsoft",
        "com.microsoft.nchwc",
        "com.microsoft.experimental",
        "com.ms.internal.nhwc",
        "org.pytorch.aten",
    }
)
TF_PYTHON_OPS = frozenset({"PyFunc", "PyFuncStateless", "EagerPyFunc"})
TF_FILE_OPS = frozenset({"ReadFile", "WriteFile", "MatchingFiles", "ImmutableConst"})
_MAX_DEPTH = 32


class _Onnx:
    def __init__(self, ctx: ScanContext, src: Source, label: str) -> None:
        self.ctx = ctx
        self.src = src
        self.label = label
        self.functions: set[tuple[str, str]] = set()
        self.nodes = 0

    def model(self) -> bool:
        graphs: list[tuple[int, int]] = []
        for num, wire, off, ln in fields(self.src, 0, self.src.size):
            if num == 7 and wire == LEN:
                graphs.append((off, ln))
            elif num == 25 and wire == LEN:  # local functions: their ops are defined in-file
                name = domain = ""
                for n2, w2, o2, l2 in fields(self.src, off, off + ln):
                    if n2 == 1 and w2 == LEN:
                        name = text(self.src, o2, l2)
                    elif n2 == 10 and w2 == LEN:
                        domain = text(self.src, o2, l2)
                self.functions.add((domain, name))
        for off, ln in graphs:
            self.graph(off, ln, 0)
        return bool(graphs)

    def graph(self, off: int, ln: int, depth: int) -> None:
        if depth > _MAX_DEPTH:
            raise WireError("subgraphs nested too deep")
        for num, wire, o, n in fields(self.src, off, off + ln):
            if wire != LEN:
                continue
            if num == 1:
                self.node(o, n, depth)
            elif num == 5:
                self.tensor(o, n)
            elif num == 15:  # sparse initializer: values and indices are tensors
                for n2, w2, o2, l2 in fields(self.src, o, o + n):
                    if n2 in (1, 2) and w2 == LEN:
                        self.tensor(o2, l2)

    def node(self, off: int, ln: int, depth: int) -> None:
        self.nodes += 1
        if self.nodes % 4096 == 0:
            self.ctx.check_time()
        op = domain = name = ""
        subgraphs: list[tuple[int, int]] = []
        for num, wire, o, n in fields(self.src, off, off + ln):
            if wire != LEN:
                continue
            if num == 4:
                op = text(self.src, o, n)
            elif num == 7:
                domain = text(self.src, o, n)
            elif num == 3:
                name = text(self.src, o, n)
            elif num == 5:  # attribute: subgraphs (6, 11) and tensors (5, 10)
                for n2, w2, o2, l2 in fields(self.src, o, o + n):
                    if w2 == LEN and n2 in (6, 11):
                        subgraphs.append((o2, l2))
                    elif w2 == LEN and n2 in (5, 10):
                        self.tensor(o2, l2)
        if domain not in STANDARD_DOMAINS and (domain, op) not in self.functions:
            self.ctx.issue(
                "onnx-custom-op",
                Severity.MEDIUM,
                member=self.label,
                module=domain[:200],
                name=op[:200],
                position=off,
                detail=f"node {name[:100]!r} needs a custom-operator library to run",
            )
        for o2, l2 in subgraphs:
            self.graph(o2, l2, depth + 1)

    def tensor(self, off: int, ln: int) -> None:
        external = False
        location = ""
        name = ""
        for num, wire, o, n in fields(self.src, off, off + ln):
            if num == 14 and wire == 0:
                external = o == 1
            elif num == 8 and wire == LEN:
                name = text(self.src, o, n)
            elif num == 13 and wire == LEN:
                key = value = ""
                for n2, w2, o2, l2 in fields(self.src, o, o + n):
                    if n2 == 1 and w2 == LEN:
                        key = text(self.src, o2, l2)
                    elif n2 == 2 and w2 == LEN:
                        value = text(self.src, o2, l2)
                if key == "location":
                    location = value
        if not (external or location):
            return
        norm = location.replace("\\", "/")
        escapes = (
            norm.startswith("/")
            or (len(norm) > 1 and norm[1] == ":")
            or posixpath.normpath(norm).startswith("..")
        )
        if escapes:
            self.ctx.issue(
                "onnx-external-data",
                Severity.HIGH,
                member=self.label,
                name=name[:200],
                position=off,
                detail=f"external data location {location[:300]!r} points outside the model "
                "directory: loading reads that file",
            )


def scan_onnx(ctx: ScanContext, f: BinaryIO, label: str, size: int) -> str:
    walker = _Onnx(ctx, Source(f, size), label)
    try:
        if not walker.model():
            return "data"  # protobuf-like bytes without a graph: not an ONNX model
    except WireError as exc:
        ctx.error(f"{label}: ONNX protobuf does not parse: {exc}")
    return "onnx"


def scan_savedmodel(ctx: ScanContext, f: BinaryIO, label: str, size: int) -> str:
    src = Source(f, size)
    seen: set[str] = set()
    try:
        for num, wire, off, ln in fields(src, 0, size):
            if num != 2 or wire != LEN:
                continue
            for n2, w2, o2, l2 in fields(src, off, off + ln):  # MetaGraphDef.graph_def
                if n2 == 2 and w2 == LEN:
                    _graph_ops(ctx, src, o2, l2, seen, label)
    except WireError as exc:
        ctx.error(f"{label}: SavedModel protobuf does not parse: {exc}")
    return "tf-savedmodel"


def _graph_ops(
    ctx: ScanContext, src: Source, off: int, ln: int, seen: set[str], label: str
) -> None:
    for num, wire, o, n in fields(src, off, off + ln):
        if wire != LEN:
            continue
        if num == 1:  # GraphDef.node
            _node_op(ctx, src, o, n, seen, label)
        elif num == 2:  # GraphDef.library -> FunctionDef -> node_def (3)
            for n2, w2, o2, l2 in fields(src, o, o + n):
                if n2 == 1 and w2 == LEN:
                    for n3, w3, o3, l3 in fields(src, o2, o2 + l2):
                        if n3 == 3 and w3 == LEN:
                            _node_op(ctx, src, o3, l3, seen, label)


def _node_op(ctx: ScanContext, src: Source, off: int, ln: int, seen: set[str], label: str) -> None:
    for num, wire, o, n in fields(src, off, off + ln):
        if num == 2 and wire == LEN:
            op = text(src, o, n, 200)
            if op in TF_PYTHON_OPS or op in TF_FILE_OPS:
                python = op in TF_PYTHON_OPS
                ctx.issue(
                    "tf-dangerous-op",
                    Severity.CRITICAL if python else Severity.HIGH,
                    member=label,
                    name=op,
                    position=off,
                    detail="runs Python code" if python else "reads or writes files when run",
                )
