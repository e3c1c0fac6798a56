"""Static pickle analysis: walk the opcodes (pickletools' table and argument readers) on a small
symbolic stack, so every import is resolved exactly -- including STACK_GLOBAL operands that come
from the memo -- and judged by the allow-list in `policy`. Nothing is ever unpickled.

The walker also knows the two real-world formats that interleave raw bytes with pickle opcodes
(joblib's NumpyArrayWrapper arrays and legacy ``torch.save`` stacked pickles), so benign files
parse cleanly instead of ending in an error.
"""

from __future__ import annotations

import _compat_pickle
import io
import math
import pickletools
import re
from dataclasses import dataclass, field
from typing import IO, Any, BinaryIO, cast

from aiscan.artifacts.context import ScanContext
from aiscan.artifacts.policy import classify
from aiscan.core.model import Severity

_OPS: dict[int, pickletools.OpcodeInfo] = {ord(op.code): op for op in pickletools.opcodes}
_MAX_LINE = 1 << 16
_HIGHEST_PROTOCOL = 5
_MAX_INLINE = 1 << 20  # bigger byte/str arguments are skipped, not held in memory
_TORCH_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
#: counted argument types: (length-prefix size, signed, kind)
_COUNTED: dict[str, tuple[int, bool, str]] = {
    "string1": (1, False, "str8"),
    "string4": (4, True, "str8"),
    "bytes1": (1, False, "bytes"),
    "bytes4": (4, False, "bytes"),
    "bytes8": (8, False, "bytes"),
    "bytearray8": (8, False, "bytes"),
    "unicodestring1": (1, False, "utf8"),
    "unicodestring4": (4, False, "utf8"),
    "unicodestring8": (8, False, "utf8"),
    "long4": (4, True, "long"),
}


class PickleError(ValueError):
    """The byte stream is not a well-formed pickle at `position`."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.position = position


class _Mark:
    pass


_MARK = _Mark()


@dataclass(frozen=True)
class Global:
    module: str
    name: str


@dataclass
class Call:
    func: Any
    args: Any


class Opaque:
    """A value the walker does not need: big byte strings, persistent ids, buffers."""


_OPAQUE = Opaque()


@dataclass
class PickleFacts:
    format: str = "pickle"
    pickles: int = 0
    globals: list[tuple[str, str, int]] = field(default_factory=list)
    suspicious: bool = False
    end: int = 0


class _Reader:
    """File view for pickletools' argument readers: bounded lines, position relative to start."""

    def __init__(self, f: BinaryIO, start: int) -> None:
        self._f = f
        self._start = start

    def read(self, n: int = -1) -> bytes:
        return self._f.read(n)

    def readline(self) -> bytes:
        line = self._f.readline(_MAX_LINE)
        if not line.endswith(b"\n"):
            raise ValueError("unterminated or overlong text argument")
        return line

    def tell(self) -> int:
        return self._f.tell() - self._start

    def seek(self, pos: int) -> None:
        self._f.seek(self._start + pos)

    def peek(self, n: int) -> bytes:
        pos = self._f.tell()
        data = self._f.read(n)
        self._f.seek(pos)
        return data


class _Walker:
    def __init__(self, ctx: ScanContext | None, member: str, facts: PickleFacts) -> None:
        self.ctx = ctx
        self.member = member
        self.facts = facts
        self.ops = 0

    # -- reporting ---------------------------------------------------------------------------
    def _global(self, module: str, name: str, pos: int, opcode: str) -> Global:
        module, name = _py3_name(module, name)
        self.facts.globals.append((module, name, pos))
        if module.startswith("joblib."):
            self.facts.format = "joblib"
        verdict = classify(module, name)
        if not verdict.safe:
            self.facts.suspicious = True
            if self.ctx is not None:
                self.ctx.issue(
                    "pickle-global",
                    verdict.severity or Severity.HIGH,
                    member=self.member,
                    module=module,
                    name=name,
                    position=pos,
                    detail=f"{opcode}: {verdict.reason}",
                )
        return Global(module, name)

    def _flag(self, code: str, severity: Severity, pos: int, detail: str) -> None:
        self.facts.suspicious = True
        if self.ctx is not None:
            self.ctx.issue(code, severity, member=self.member, position=pos, detail=detail)

    # -- the walk ----------------------------------------------------------------------------
    def walk(self, r: _Reader, max_ops: int) -> Any:
        """Walk one pickle up to STOP; returns the symbolic top of stack."""
        stack: list[Any] = []
        memo: dict[int, Any] = {}
        ops = 0
        while True:
            self.ops += 1
            pos = r.tell()
            code = r.read(1)
            if not code:
                raise PickleError("truncated: no STOP opcode", pos)
            op = _OPS.get(code[0])
            if op is None:
                raise PickleError(f"invalid opcode 0x{code[0]:02x}", pos)
            ops += 1
            if ops > max_ops:
                raise PickleError(f"more than {max_ops} opcodes", pos)
            if self.ctx is not None and ops % 65536 == 0:
                self.ctx.check_time()
            try:
                arg = _read_arg(r, op)
                done = self._step(op.name, arg, stack, memo, pos, r)
            except PickleError:
                raise
            except (ValueError, IndexError, KeyError, TypeError, OverflowError) as exc:
                raise PickleError(f"{op.name}: {exc}", pos) from exc
            if done:
                return stack[-1] if stack else None

    def _step(  # noqa: C901, PLR0912 - one branch per opcode family reads best here
        self, name: str, arg: Any, stack: list[Any], memo: dict[int, Any], pos: int, r: _Reader
    ) -> bool:
        if name == "STOP":
            return True
        if name in ("PROTO", "FRAME"):
            return False
        if name == "MARK":
            stack.append(_MARK)
        elif name in _PUSH_CONST:
            stack.append(_PUSH_CONST[name])
        elif name in _PUSH_ARG:
            stack.append(_OPAQUE if arg is _OPAQUE else arg)
        elif name == "EMPTY_TUPLE":
            stack.append(())
        elif name in ("EMPTY_LIST", "EMPTY_SET"):
            stack.append([])
        elif name == "EMPTY_DICT":
            stack.append(_Dict())
        elif name in ("TUPLE", "LIST", "FROZENSET"):
            items = _pop_mark(stack)
            stack.append(tuple(items) if name == "TUPLE" else list(items))
        elif name in ("TUPLE1", "TUPLE2", "TUPLE3"):
            n = int(name[-1])
            items = stack[-n:]
            if len(items) != n or any(i is _MARK for i in items):
                raise ValueError("stack underflow")
            del stack[-n:]
            stack.append(tuple(items))
        elif name == "DICT":
            items = _pop_mark(stack)
            d = _Dict()
            d.pairs.extend(zip(items[::2], items[1::2], strict=False))
            stack.append(d)
        elif name == "APPEND":
            value = stack.pop()
            _as_list(stack[-1]).append(value)
        elif name in ("APPENDS", "ADDITEMS"):
            items = _pop_mark(stack)
            _as_list(stack[-1]).extend(items)
        elif name == "SETITEM":
            value, key = stack.pop(), stack.pop()
            _as_dict(stack[-1]).pairs.append((key, value))
        elif name == "SETITEMS":
            items = _pop_mark(stack)
            _as_dict(stack[-1]).pairs.extend(zip(items[::2], items[1::2], strict=False))
        elif name == "POP":
            stack.pop()
        elif name == "POP_MARK":
            _pop_mark(stack)
        elif name == "DUP":
            stack.append(stack[-1])
        elif name in ("GET", "BINGET", "LONG_BINGET"):
            stack.append(memo[int(arg)])
        elif name in ("PUT", "BINPUT", "LONG_BINPUT"):
            memo[int(arg)] = _top(stack)
        elif name == "MEMOIZE":
            memo[len(memo)] = _top(stack)
        elif name == "GLOBAL":
            module, gname = arg
            stack.append(self._global(module, gname, pos, name))
        elif name == "STACK_GLOBAL":
            gname, module = stack.pop(), stack.pop()
            if isinstance(module, str) and isinstance(gname, str):
                stack.append(self._global(module, gname, pos, name))
            else:
                self._flag(
                    "pickle-dynamic-global",
                    Severity.CRITICAL,
                    pos,
                    "STACK_GLOBAL operands are computed at load time, not constant strings",
                )
                stack.append(Global("?", "?"))
        elif name == "INST":
            module, gname = arg
            items = _pop_mark(stack)
            stack.append(Call(self._global(module, gname, pos, name), tuple(items)))
        elif name == "OBJ":
            items = _pop_mark(stack)
            if not items:
                raise ValueError("OBJ without a class")
            stack.append(Call(items[0], tuple(items[1:])))
        elif name == "REDUCE":
            args, func = stack.pop(), stack.pop()
            stack.append(Call(func, args))
        elif name == "NEWOBJ":
            args, cls = stack.pop(), stack.pop()
            stack.append(Call(cls, args))
        elif name == "NEWOBJ_EX":
            _kwargs, args, cls = stack.pop(), stack.pop(), stack.pop()
            stack.append(Call(cls, args))
        elif name == "BUILD":
            state = stack.pop()
            target = _top(stack)
            if _is_joblib_array(target):
                self._skip_joblib_array(state, r, pos)
        elif name in ("PERSID", "BINPERSID"):
            if name == "BINPERSID":
                stack.pop()
            stack.append(_OPAQUE)
        elif name in ("EXT1", "EXT2", "EXT4"):
            self._flag(
                "pickle-extension",
                Severity.HIGH,
                pos,
                f"{name} {arg}: a copyreg extension code resolves to a global chosen at load time",
            )
            stack.append(Global("?", f"ext{arg}"))
        elif name in ("NEXT_BUFFER", "READONLY_BUFFER"):
            if name == "NEXT_BUFFER":
                stack.append(_OPAQUE)
        else:  # pragma: no cover - every opcode of pickletools' table is handled above
            raise ValueError(f"unhandled opcode {name}")
        return False

    def _skip_joblib_array(self, state: Any, r: _Reader, pos: int) -> None:
        """joblib writes each array's bytes right after the wrapper's BUILD; skip them."""
        info = _as_dict(state).as_map() if isinstance(state, _Dict) else {}
        align = info.get("numpy_array_alignment_bytes")
        if isinstance(align, int) and align:
            pad = r.read(1)
            if len(pad) != 1:
                raise ValueError("truncated joblib array padding")
            r.read(pad[0])
        dtype = info.get("dtype")
        descr = dtype.args[0] if isinstance(dtype, Call) and isinstance(dtype.args, tuple) else None
        shape = info.get("shape")
        if descr == "O" or (isinstance(descr, str) and descr.lstrip("<>|=") == "O"):
            # object arrays are a complete nested pickle: walk it with the same policy
            self.walk(r, 10_000_000)
            return
        size = _itemsize(descr)
        if (
            size is None
            or not isinstance(shape, tuple)
            or not all(isinstance(d, int) and d >= 0 for d in shape)
        ):
            raise PickleError("joblib array with an unreadable dtype or shape", pos)
        nbytes = size * math.prod(shape)
        while nbytes > 0:
            chunk = r.read(min(nbytes, 1 << 20))
            if not chunk:
                raise PickleError("truncated joblib array data", pos)
            nbytes -= len(chunk)


class _Dict:
    def __init__(self) -> None:
        self.pairs: list[tuple[Any, Any]] = []

    def as_map(self) -> dict[str, Any]:
        return {k: v for k, v in self.pairs if isinstance(k, str)}


_PUSH_CONST: dict[str, Any] = {"NONE": None, "NEWTRUE": True, "NEWFALSE": False}
_PUSH_ARG = frozenset(
    [
        "INT",
        "BININT",
        "BININT1",
        "BININT2",
        "LONG",
        "LONG1",
        "LONG4",
        "STRING",
        "BINSTRING",
        "SHORT_BINSTRING",
        "BINBYTES",
        "SHORT_BINBYTES",
        "BINBYTES8",
        "BYTEARRAY8",
        "UNICODE",
        "SHORT_BINUNICODE",
        "BINUNICODE",
        "BINUNICODE8",
        "FLOAT",
        "BINFLOAT",
    ]
)


def _pop_mark(stack: list[Any]) -> list[Any]:
    for i in range(len(stack) - 1, -1, -1):
        if stack[i] is _MARK:
            items = stack[i + 1 :]
            del stack[i:]
            return items
    raise ValueError("no MARK on the stack")


def _top(stack: list[Any]) -> Any:
    if not stack or stack[-1] is _MARK:
        raise ValueError("stack underflow")
    return stack[-1]


def _as_list(value: Any) -> list[Any]:
    # APPEND on an object calls its append/extend at load time; harmless data otherwise.
    return value if isinstance(value, list) else []


def _as_dict(value: Any) -> _Dict:
    return value if isinstance(value, _Dict) else _Dict()


def _is_joblib_array(value: Any) -> bool:
    return (
        isinstance(value, Call)
        and isinstance(value.func, Global)
        and value.func.module == "joblib.numpy_pickle"
        and value.func.name == "NumpyArrayWrapper"
    )


def _itemsize(descr: Any) -> int | None:
    if not isinstance(descr, str):
        return None
    m = re.fullmatch(r"[<>|=]?([a-zA-Z?])(\d*)", descr)
    if m is None:
        return None
    kind, digits = m.group(1), m.group(2)
    if kind in "?b" and not digits:
        return 1
    if not digits:
        return None
    n = int(digits)
    return n * 4 if kind == "U" else n


def _read_arg(r: _Reader, op: pickletools.OpcodeInfo) -> Any:
    if op.arg is None:
        return None
    if op.arg.name in ("stringnl_noescape", "stringnl_noescape_pair"):
        # the unpickler decodes GLOBAL / INST / PERSID lines as UTF-8 (pickletools: ASCII)
        first = r.readline()[:-1].decode("utf-8")
        if op.arg.name == "stringnl_noescape":
            return first
        return (first, r.readline()[:-1].decode("utf-8"))
    counted = _COUNTED.get(op.arg.name)
    if counted is None:
        return op.arg.reader(cast(IO[bytes], r))
    width, signed, kind = counted
    raw = r.read(width)
    if len(raw) != width:
        raise ValueError("truncated length prefix")
    n = int.from_bytes(raw, "little", signed=signed)
    if n < 0:
        raise ValueError("negative length")
    if n > _MAX_INLINE:
        left = n
        while left > 0:
            chunk = r.read(min(left, 1 << 20))
            if not chunk:
                raise ValueError("truncated argument")
            left -= len(chunk)
        return _OPAQUE
    data = r.read(n)
    if len(data) != n:
        raise ValueError("truncated argument")
    if kind == "bytes":
        return data
    if kind == "str8":
        return data.decode("latin-1")
    if kind == "utf8":
        return data.decode("utf-8", "surrogatepass")
    return int.from_bytes(data, "little", signed=True)


def _py3_name(module: str, name: str) -> tuple[str, str]:
    """The names a Python 3 unpickler really imports (fix_imports maps Python 2 names)."""
    mapped = _compat_pickle.NAME_MAPPING.get((module, name))
    if mapped is not None:
        return mapped
    return _compat_pickle.IMPORT_MAPPING.get(module, module), name


def scan_pickle(
    f: BinaryIO, ctx: ScanContext, member: str, *, start: int = 0, end: int | None = None
) -> PickleFacts:
    """Walk the pickle(s) at `start`; issues go to `ctx`. A parse error after a suspicious
    opcode is itself a critical issue (the loader has already run the payload when it fails)."""
    f.seek(start)
    r = _Reader(f, start)
    facts = PickleFacts()
    walker = _Walker(ctx, member, facts)
    limit = ctx.limits.max_pickle_ops
    try:
        top = walker.walk(r, limit)
        facts.pickles = 1
        if top == _TORCH_LEGACY_MAGIC:
            facts.format = "pytorch-legacy"
            # protocol version, system info, the object, then the storage keys; raw data follows
            for _ in range(4):
                walker.walk(r, limit)
                facts.pickles += 1
        else:
            _walk_stacked(walker, r, limit, facts, end)
    except PickleError as exc:
        _parse_failure(ctx, member, facts, exc.position, str(exc))
    except (ValueError, EOFError, RecursionError, MemoryError) as exc:
        _parse_failure(ctx, member, facts, r.tell(), f"{type(exc).__name__}: {exc}")
    facts.end = r.tell()
    return facts


def _walk_stacked(
    walker: _Walker, r: _Reader, limit: int, facts: PickleFacts, end: int | None
) -> None:
    """More pickles after the first (some loaders read them all): walk each that starts with
    PROTO. Trailing bytes that are not a pickle are just data (pickle.load never reads them)."""
    while end is None or r.tell() < end:
        head = r.peek(2)
        if len(head) < 2 or head[0] != 0x80 or not 2 <= head[1] <= _HIGHEST_PROTOCOL:
            return
        mark = r.tell()
        suspicious_before = facts.suspicious
        try:
            walker.walk(r, limit)
            facts.pickles += 1
        except PickleError:
            if facts.suspicious and not suspicious_before:
                raise
            # not a pickle after all: rewind so `end` is where the real pickles stopped
            r.seek(mark)
            return


def _parse_failure(
    ctx: ScanContext, member: str, facts: PickleFacts, pos: int, message: str
) -> None:
    if facts.suspicious:
        ctx.issue(
            "parse-error-after-suspicious-opcode",
            Severity.CRITICAL,
            member=member,
            position=pos,
            detail=(
                f"the pickle breaks at byte {pos} ({message}) after a non-allow-listed import: "
                "a loader runs the payload before it fails"
            ),
        )
    else:
        ctx.error(f"{member}: pickle does not parse at byte {pos}: {message}")


def looks_like_pickle(head: bytes) -> bool:
    """Sniff from the first bytes: opcodes that import a global, reach STOP, or run on to the
    end of the sniffed bytes. Tensor data that merely starts like a PROTO opcode (0x80 0x02) is
    not a pickle: it breaks within a few opcodes."""
    if not head or head[0] not in _OPS:
        return False
    walker = _SniffWalker(None, "", PickleFacts())
    r = _Reader(io.BytesIO(head), 0)
    proto = len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5
    try:
        walker.walk(r, 100_000)
    except (PickleError, ValueError, EOFError, RecursionError, MemoryError):
        if walker.imported:
            return True
        exhausted = r.tell() >= len(head)  # a pickle longer than the sniffed bytes
        return exhausted and walker.ops >= (2 if proto else 8)
    return walker.imported or walker.ops >= 3


class _SniffWalker(_Walker):
    imported = False

    def _global(self, module: str, name: str, pos: int, opcode: str) -> Global:
        # the module must be importable-looking; the name may be anything (a lying name still
        # makes the loader import the module)
        if _IDENT.match(module):
            self.imported = True
        return Global(module, name)
