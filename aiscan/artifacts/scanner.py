"""Scan one artifact (a file, a directory, or a stream): detect each part's format from its bytes,
open archives recursively within the bounds, hash everything while reading, collect the facts."""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from aiscan.artifacts import archives, detect, formats, pickles, safetensors
from aiscan.artifacts.context import CHUNK, BoundHit, Readable, ScanContext, hash_file, scanning
from aiscan.artifacts.limits import Limits
from aiscan.artifacts.report import ArtifactScan, Member

DEFAULT_LIMITS = Limits()
#: Text members (TorchScript code, chat templates) are checked whole up to this size.
_MAX_TEXT = 4 << 20


def scan_path(
    path: Path, *, location: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> ArtifactScan:
    """Scan a local file or model directory. Nothing in it is imported, unpickled or run."""

    def read(ctx: ScanContext, top: _Top) -> None:
        if path.is_dir():
            top.format = archives.scan_directory(ctx, path, top.label)
            return
        # The whole-file SHA-256 is computed on its own file handle in a second thread while
        # the structure is scanned (hashlib releases the GIL): one pass of wall time, not two.
        with path.open("rb") as f, path.open("rb") as g, ThreadPoolExecutor(1) as pool:
            digest = pool.submit(hash_file, ctx, g)
            try:
                top.format = scan_blob(ctx, f, top.label, os.fstat(f.fileno()).st_size, depth=0)
            finally:
                top.size, top.sha256 = digest.result()

    loc = location or str(path)
    return _scan(loc, path.name or loc, limits, read)


def scan_stream(
    stream: BinaryIO, *, location: str, limits: Limits = DEFAULT_LIMITS
) -> ArtifactScan:
    """Scan a non-seekable stream (an object download): spooled into a private 0700 temp dir
    under the byte bound while hashing, scanned, and deleted afterwards."""

    def read(ctx: ScanContext, top: _Top) -> None:
        spooled, top.size, top.sha256 = ctx.spool(stream)
        with spooled.open("rb") as f:
            top.format = scan_blob(ctx, f, top.label, top.size, depth=0)

    label = location.rstrip("/").rsplit("/", 1)[-1] or location
    return _scan(location, label, limits, read)


@dataclass
class _Top:
    """What is known of the artifact itself so far (kept when a bound stops the scan)."""

    label: str
    size: int | None = None
    sha256: str | None = None
    format: str = "unknown"


def _scan(
    location: str, label: str, limits: Limits, read: Callable[[ScanContext, _Top], None]
) -> ArtifactScan:
    top = _Top(label)
    with scanning(limits) as ctx:
        try:
            read(ctx, top)
        except BoundHit as exc:
            ctx.bound(str(exc))
        except OSError as exc:
            ctx.error(f"{label}: cannot read: {exc.strerror or exc}")
        return ArtifactScan(
            location=location,
            size=top.size,
            sha256=top.sha256,
            format=top.format,
            members=tuple(ctx.members),
            issues=tuple(ctx.issues),
            bounds=tuple(ctx.bounds),
            errors=tuple(ctx.errors),
        )


def scan_blob(ctx: ScanContext, f: BinaryIO, label: str, size: int, *, depth: int) -> str:
    """Scan one seekable file whose hash is already known; returns its detected format.

    A parser that trips over hostile bytes in a way it did not foresee records an error for
    this part (the rules answer manual) and the scan goes on with the next part."""
    try:
        return _scan_blob(ctx, f, label, size, depth=depth)
    except BoundHit:
        raise
    except Exception as exc:  # hostile input must never crash the scan
        ctx.error(f"{label}: could not be parsed: {type(exc).__name__}: {str(exc)[:300]}")
        return "unparsed"


def _scan_blob(ctx: ScanContext, f: BinaryIO, label: str, size: int, *, depth: int) -> str:
    ctx.check_time()
    f.seek(0)
    head = f.read(detect.HEAD)
    fmt = detect.sniff(head, size)
    if fmt == "pickle":
        facts = pickles.scan_pickle(f, ctx, label, start=0)
        fmt = facts.format
        if _is_zip(f):  # a pickle/zip polyglot: torch.load reads the zip, pickle.load the pickle
            archives.scan_zip(ctx, f, label, size, depth)
    elif fmt == "zip":
        fmt = archives.scan_zip(ctx, f, label, size, depth)
    elif fmt == "tar":
        fmt = archives.scan_tar(ctx, f, label, size, depth)
    elif fmt in archives.COMPRESSED:
        fmt = archives.scan_compressed(ctx, f, fmt, label, size, depth)
    elif fmt in detect.UNSUPPORTED_MAGIC.values():
        ctx.bound(f"{label}: {fmt}-compressed content is not opened by aiscan")
    elif fmt == "7z":
        archives.scan_7z(ctx, f, label, size, depth)
    elif fmt == "safetensors":
        safetensors.scan(f, ctx, label, size)
    else:
        fmt = formats.scan_other(ctx, f, fmt, head, label, size, depth)
    return fmt


def _is_zip(f: BinaryIO) -> bool:
    try:
        return zipfile.is_zipfile(f)
    finally:
        f.seek(0)


def scan_member(
    ctx: ScanContext,
    src: Readable,
    path: str,
    *,
    depth: int,
    ratio_base: int | None,
) -> Member:
    """Read one archive/directory member from `src`: hash it, and when its bytes are something a
    loader acts on, spool it privately and scan it one level deeper."""
    ctx.count_member(path)
    head = _read_exact(src, detect.HEAD)
    ctx.charge(len(head))
    fmt = detect.sniff(head, 1 << 62)
    if fmt == "safetensors":
        fmt = "pending"  # the size check needs the whole member; decide after spooling
    if fmt in detect.PLAIN:
        digest = hashlib.sha256(head)
        size = len(head)
        # text (TorchScript code, chat templates) is checked whole, up to _MAX_TEXT
        text = [head] if fmt == "text" else None
        while True:
            chunk = src.read(CHUNK)
            if not chunk:
                break
            digest.update(chunk)
            size += len(chunk)
            ctx.charge(len(chunk))
            ctx.check_time()
            ctx.check_ratio(size, ratio_base)
            if text is not None:
                text.append(chunk)
                if size > _MAX_TEXT:
                    if formats.looks_like_code(head):  # code too big to check: never a pass
                        ctx.bound(f"{path}: code or template over {_MAX_TEXT} bytes not checked")
                    text = None
        if text is not None:
            formats.scan_text(ctx, b"".join(text), path)
        m = Member(path=path, size=size, sha256=digest.hexdigest(), format=fmt)
        ctx.add_member(m)
        return m
    if depth > ctx.limits.max_depth:
        ctx.bound(f"nesting deeper than {ctx.limits.max_depth} (max_depth) at {path}")
        m = Member(path=path, format="safetensors" if fmt == "pending" else fmt)
        ctx.add_member(m)
        return m
    spooled, size, sha = ctx.spool(src, first=head, ratio_base=ratio_base)
    # the member is recorded before its own members so the list reads outside-in
    index = len(ctx.members)
    ctx.add_member(Member(path=path, size=size, sha256=sha, format=fmt))
    try:
        with spooled.open("rb") as f:
            fmt = scan_blob(ctx, f, path, size, depth=depth)
    finally:
        spooled.unlink(missing_ok=True)
    m = Member(path=path, size=size, sha256=sha, format=fmt)
    ctx.members[index] = m
    return m


def _read_exact(src: Readable, n: int) -> bytes:
    parts: list[bytes] = []
    left = n
    while left > 0:
        chunk = src.read(left)
        if not chunk:
            break
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)
