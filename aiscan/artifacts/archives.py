"""Archives opened recursively within the bounds: zip (including entries whose names or CRCs
lie), tar, gzip/bzip2/xz/zlib streams, 7z, and model directories.

Each member goes through `scanner.scan_member`, which hashes it and, when its bytes are something
a loader acts on, scans it one level deeper.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import posixpath
import struct
import tarfile
import zipfile
import zlib
from collections import Counter
from pathlib import Path
from typing import IO, BinaryIO, cast

from aiscan.artifacts import scanner
from aiscan.artifacts.context import BoundHit, Readable, ScanContext
from aiscan.artifacts.report import Member
from aiscan.core.model import Severity

COMPRESSED = frozenset({"gzip", "bzip2", "xz", "lzma", "zlib"})
_SUFFIX = {"gzip": ".gz", "bzip2": ".bz2", "xz": ".xz", "lzma": ".lzma", "zlib": ""}


class _Meter:
    """Counts the bytes a container expands to, for the cumulative expansion-ratio bound."""

    def __init__(self, ctx: ScanContext, base: int) -> None:
        self.ctx = ctx
        self.base = base
        self.total = 0

    def add(self, n: int) -> None:
        self.total += n
        self.ctx.check_ratio(self.total, self.base)


class _Metered:
    """A member stream that feeds the container's meter and a CRC-32 as it is read."""

    def __init__(self, src: Readable, meter: _Meter) -> None:
        self._src = src
        self._meter = meter
        self.crc = 0

    def read(self, n: int = -1) -> bytes:
        data = self._src.read(n)
        self.crc = zlib.crc32(data, self.crc)
        self._meter.add(len(data))
        return data


def _unsafe_name(name: str) -> str:
    """Why an archive path would land outside the extraction directory ('' when it would not)."""
    norm = name.replace("\\", "/")
    if norm.startswith("/") or (len(norm) > 1 and norm[1] == ":"):
        return "absolute path"
    if ".." in norm.split("/"):
        return "parent-directory path (..)"
    return ""


def _path_issue(ctx: ScanContext, label: str, name: str, member: str | None) -> None:
    why = _unsafe_name(name)
    if why:
        ctx.issue(
            "archive-path-traversal",
            Severity.HIGH,
            member=member,
            name=name[:300],
            detail=f"entry {name[:300]!r} in {label}: {why}; extraction writes outside the target",
        )


# -- zip -------------------------------------------------------------------------------------


def scan_zip(ctx: ScanContext, f: BinaryIO, label: str, size: int, depth: int) -> str:
    member: str | None = label
    f.seek(0)
    try:
        zf = zipfile.ZipFile(f)
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        ctx.error(f"{label}: zip directory unreadable: {exc}")
        return "zip"
    for name, count in Counter(i.filename for i in infos).items():
        if count > 1:
            ctx.issue(
                "archive-duplicate-member",
                Severity.HIGH,
                member=member,
                name=name[:300],
                detail=f"{count} entries named {name[:300]!r}: loaders and scanners may read "
                "different ones (every copy is scanned)",
            )
    meter = _Meter(ctx, size)
    scanned: list[Member] = []
    for info in infos:
        if info.is_dir():
            continue
        _path_issue(ctx, label, info.filename, member)
        path = f"{label}!/{info.filename}"
        if info.flag_bits & 0x1:
            ctx.bound(f"{path}: encrypted zip member cannot be read")
            continue
        local = _local_name(f, info)
        if local is not None and local != info.orig_filename:
            ctx.issue(
                "zip-name-mismatch",
                Severity.HIGH,
                member=member,
                name=info.filename[:300],
                detail=f"central directory says {info.orig_filename[:200]!r}, local header says "
                f"{local[:200]!r}: tools disagree on which file this is",
            )
            info.orig_filename = local  # read the bytes the local header describes
        scanned.append(_zip_member(ctx, zf, info, path, meter, depth, member))
    return _zip_kind(infos, scanned)


def _zip_member(
    ctx: ScanContext,
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    path: str,
    meter: _Meter,
    depth: int,
    member: str | None,
) -> Member:
    try:
        with zf.open(info) as ext:
            # Loaders such as torch ignore a wrong CRC; a scanner that stops on it is bypassed.
            # Read on, compute the CRC ourselves, and report the lie.
            ext._expected_crc = None  # type: ignore[attr-defined]
            metered = _Metered(ext, meter)
            base = max(info.compress_size, 1)
            m = scanner.scan_member(ctx, metered, path, depth=depth + 1, ratio_base=base)
    except BoundHit:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, zlib.error) as exc:
        ctx.error(f"{path}: zip member unreadable: {exc}")
        return Member(path=path, format="unreadable")
    if metered.crc != info.CRC:
        ctx.issue(
            "zip-crc-mismatch",
            Severity.HIGH,
            member=member,
            name=info.filename[:300],
            detail=f"stored CRC-32 {info.CRC:08x}, content {metered.crc:08x}: the entry was "
            "altered after the archive was written (scanned anyway)",
        )
    return m


def _local_name(f: BinaryIO, info: zipfile.ZipInfo) -> str | None:
    f.seek(info.header_offset)
    header = f.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        return None
    flags = struct.unpack("<H", header[6:8])[0]
    n = struct.unpack("<H", header[26:28])[0]
    raw = f.read(n)
    return raw.decode("utf-8" if flags & 0x800 else "cp437", "replace")


def _zip_kind(infos: list[zipfile.ZipInfo], members: list[Member]) -> str:
    names = [i.filename for i in infos]
    if any(n == "data.pkl" or n.endswith("/data.pkl") for n in names):
        if any(
            "/code/" in n or n.startswith("code/") or n.endswith("constants.pkl") for n in names
        ):
            return "torchscript"
        return "pytorch-zip"
    if "config.json" in names and ("metadata.json" in names or "model.weights.h5" in names):
        return "keras"
    if members and all(m.format in ("numpy", "numpy-object") for m in members):
        return "npz"
    return "zip"


# -- tar and compressed streams --------------------------------------------------------------


def scan_tar(
    ctx: ScanContext, f: Readable, label: str, size: int, depth: int, *, kind: str = "tar"
) -> str:
    member: str | None = label
    meter = _Meter(ctx, size)
    try:
        with tarfile.open(
            fileobj=cast(IO[bytes], f), mode="r|"
        ) as tar:  # stream mode: sequential, flat memory
            for ti in tar:
                ctx.check_time()
                _path_issue(ctx, label, ti.name, member)
                path = f"{label}!/{ti.name}"
                if ti.issym() or ti.islnk():
                    why = _unsafe_name(ti.linkname)
                    if why:
                        ctx.issue(
                            "archive-path-traversal",
                            Severity.HIGH,
                            member=member,
                            name=ti.name[:300],
                            detail=f"link to {ti.linkname[:300]!r}: {why}",
                        )
                    continue
                if not ti.isfile():
                    continue
                src = tar.extractfile(ti)
                if src is None:
                    continue
                scanner.scan_member(
                    ctx,
                    _Metered(src, meter),
                    path,
                    depth=depth + 1,
                    ratio_base=None,
                )
    except BoundHit:
        raise
    except (tarfile.TarError, OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
        ctx.error(f"{label}: tar unreadable: {exc}")
    return kind


def _decompressor(fmt: str, f: BinaryIO) -> Readable:
    if fmt == "gzip":
        return gzip.GzipFile(fileobj=f, mode="rb")
    if fmt == "bzip2":
        return bz2.BZ2File(f)
    if fmt == "xz":
        return lzma.LZMAFile(f)
    if fmt == "lzma":
        return lzma.LZMAFile(f, format=lzma.FORMAT_ALONE)
    return _ZlibReader(f)


class _ZlibReader:
    def __init__(self, f: BinaryIO) -> None:
        self._f = f
        self._d = zlib.decompressobj()
        self._buf = b""

    def read(self, n: int = -1) -> bytes:
        want = n if n >= 0 else 1 << 20
        while len(self._buf) < want and not self._d.eof:
            raw = self._f.read(1 << 16)
            if not raw:
                break
            self._buf += self._d.decompress(raw, want)
            while self._d.unconsumed_tail and len(self._buf) < want:
                self._buf += self._d.decompress(self._d.unconsumed_tail, want)
        out, self._buf = self._buf[:want], self._buf[want:]
        return out


def scan_compressed(
    ctx: ScanContext, f: BinaryIO, fmt: str, label: str, size: int, depth: int
) -> str:
    f.seek(0)
    try:
        probe = _decompressor(fmt, f)
        head = probe.read(512)
    except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
        ctx.error(f"{label}: {fmt} stream unreadable: {exc}")
        return fmt
    if len(head) > 262 and head[257:262] == b"ustar":
        f.seek(0)
        return scan_tar(
            ctx,
            _Ratioed(_decompressor(fmt, f), ctx, size),
            label,
            size,
            depth,
            kind=f"tar.{_SUFFIX[fmt].lstrip('.') or fmt}",
        )
    f.seek(0)
    name = label.rsplit("!/", 1)[-1].rsplit("/", 1)[-1]
    suffix = _SUFFIX[fmt]
    inner = name[: -len(suffix)] if suffix and name.endswith(suffix) else f"{name}.{fmt}-content"
    try:
        scanner.scan_member(
            ctx,
            _Ratioed(_decompressor(fmt, f), ctx, size),
            f"{label}!/{inner}",
            depth=depth + 1,
            ratio_base=size,
        )
    except BoundHit:
        raise
    except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
        ctx.error(f"{label}: {fmt} stream unreadable: {exc}")
    return fmt


class _Ratioed:
    """A decompressing stream checked against the expansion-ratio bound of its compressed size."""

    def __init__(self, src: Readable, ctx: ScanContext, base: int) -> None:
        self._src = src
        self._meter = _Meter(ctx, base)

    def read(self, n: int = -1) -> bytes:
        data = self._src.read(n)
        self._meter.add(len(data))
        return data


# -- 7z --------------------------------------------------------------------------------------


def scan_7z(ctx: ScanContext, f: BinaryIO, label: str, size: int, depth: int) -> None:
    member: str | None = label
    try:
        import py7zr  # noqa: PLC0415 - optional dependency (aiscan[deep])
    except ImportError:
        ctx.bound(f"{label}: 7z archive not opened (install aiscan[deep] for py7zr)")
        return
    f.seek(0)
    try:
        with py7zr.SevenZipFile(f, mode="r") as archive:
            entries = [e for e in archive.list() if not e.is_directory]
            declared = sum(int(e.uncompressed or 0) for e in entries)
            for e in entries:
                ctx.count_member(f"{label}!/{e.filename}")
                _path_issue(ctx, label, e.filename, member)
            ctx.check_ratio(declared, size)
            safe = [e.filename for e in entries if not _unsafe_name(e.filename)]
            out = ctx.tmpdir() / f"7z-{id(archive)}"
            out.mkdir(mode=0o700)
            archive.extract(path=out, targets=safe)
    except BoundHit:
        raise
    except Exception as exc:  # py7zr raises many types for hostile input; all mean unreadable
        ctx.error(f"{label}: 7z unreadable: {type(exc).__name__}: {exc}")
        return
    ctx.member_count -= len(safe)  # counted again below as each file is scanned
    _scan_tree(ctx, out, label, depth, sep="!/")


# -- directories -----------------------------------------------------------------------------


def scan_directory(ctx: ScanContext, root: Path, label: str) -> str:
    members = _scan_tree(ctx, root, label, 0, sep="/")
    formats = {m.format for m in members}
    if "tf-savedmodel" in formats:
        return "tf-savedmodel"
    return "directory"


def _scan_tree(ctx: ScanContext, root: Path, label: str, depth: int, *, sep: str) -> list[Member]:
    out: list[Member] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for fn in sorted(filenames):
            full = Path(dirpath) / fn
            rel = posixpath.join(*Path(os.path.relpath(full, root)).parts)
            path = f"{label}{sep}{rel}"
            if full.is_symlink():
                target = full.resolve()
                if not target.is_relative_to(root.resolve()):
                    ctx.issue(
                        "archive-path-traversal",
                        Severity.HIGH,
                        member=path,
                        name=rel[:300],
                        detail=f"symbolic link to {os.readlink(full)[:300]!r} outside the "
                        "artifact: a loader following it reads that file (not read by aiscan)",
                    )
                    continue
                if not target.is_file():
                    continue  # dangling or pointing at a directory
            try:
                with full.open("rb") as src:
                    out.append(
                        scanner.scan_member(ctx, src, path, depth=depth + 1, ratio_base=None)
                    )
            except OSError as exc:
                ctx.error(f"{path}: cannot read: {exc.strerror or exc}")
    return out
