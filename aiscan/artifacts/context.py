"""Per-artifact scan state: collected facts, the byte/time/member budget and the private spool.

A bound that is hit raises `BoundHit`; the scanner records its reason (the rules then answer
`manual`) and stops the branch that hit it. Spooled members live in one 0700 temp directory that
is removed when the artifact is done, whatever happened.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Protocol

from aiscan.artifacts.limits import Limits
from aiscan.artifacts.report import Issue, Member
from aiscan.core.model import Severity

CHUNK = 1 << 20


class Readable(Protocol):
    """What member streams offer: sequential reads (zip/tar entries, decompressors)."""

    def read(self, n: int = -1, /) -> bytes: ...


class BoundHit(Exception):  # noqa: N818 - it is a condition, not a programming error
    """A bound was reached; the message is the reason shown to the user."""


class ScanContext:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.timeout_s
        self.bytes_read = 0
        self.member_count = 0
        self.members: list[Member] = []
        self.issues: list[Issue] = []
        self.bounds: list[str] = []
        self.errors: list[str] = []
        self._issue_keys: set[tuple[object, ...]] = set()
        self._tmp: Path | None = None
        self._spooled = 0
        self._lock = threading.Lock()

    # -- facts -------------------------------------------------------------------------------
    def issue(
        self,
        code: str,
        severity: Severity,
        *,
        member: str | None,
        module: str | None = None,
        name: str | None = None,
        position: int | None = None,
        detail: str = "",
    ) -> None:
        key = (code, member, module, name, detail if module is None else "")
        if key in self._issue_keys:  # one issue per global per member; the first position wins
            return
        self._issue_keys.add(key)
        self.issues.append(
            Issue(
                code=code,
                severity=severity,
                member=member,
                module=module,
                name=name,
                position=position,
                detail=detail[:2000],
            )
        )

    def bound(self, reason: str) -> None:
        if reason not in self.bounds:
            self.bounds.append(reason)

    def error(self, message: str) -> None:
        if message not in self.errors and len(self.errors) < 100:
            self.errors.append(message[:2000])

    def add_member(self, member: Member) -> None:
        self.members.append(member)

    # -- budget ------------------------------------------------------------------------------
    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise BoundHit(f"per-artifact timeout of {self.limits.timeout_s:g}s reached")

    def charge(self, n: int) -> None:
        """Account for `n` bytes read (decompressed bytes included)."""
        with self._lock:  # the whole-file hash runs in its own thread
            self.bytes_read += n
            total = self.bytes_read
        if total > self.limits.max_bytes:
            raise BoundHit(f"more than {self.limits.max_bytes} bytes to read (max_bytes)")

    def count_member(self, path: str) -> None:
        self.member_count += 1
        if self.member_count > self.limits.max_members:
            raise BoundHit(f"more than {self.limits.max_members} members (max_members) at {path}")

    # -- private spool -----------------------------------------------------------------------
    def tmpdir(self) -> Path:
        if self._tmp is None:
            # mkdtemp creates the directory with mode 0700: no other user can read a spooled
            # member or swap it between hashing and parsing.
            self._tmp = Path(tempfile.mkdtemp(prefix="aiscan-artifact-"))
        return self._tmp

    def spool_path(self) -> Path:
        self._spooled += 1
        fd, name = tempfile.mkstemp(dir=self.tmpdir(), prefix=f"m{self._spooled}-")
        os.close(fd)
        return Path(name)

    def spool(
        self, src: Readable, *, first: bytes = b"", ratio_base: int | None = None
    ) -> tuple[Path, int, str]:
        """Copy a stream into the private spool while hashing it; returns (path, size, sha256)."""
        path = self.spool_path()
        digest = hashlib.sha256()
        size = 0
        with path.open("wb") as out:
            for chunk in _chunks(src, first):
                digest.update(chunk)
                size += len(chunk)
                self.charge(len(chunk))
                self.check_time()
                self.check_ratio(size, ratio_base)
                out.write(chunk)
        return path, size, digest.hexdigest()

    def check_ratio(self, expanded: int, compressed: int | None) -> None:
        if compressed is None or expanded < self.limits.ratio_floor:
            return
        if expanded > self.limits.max_ratio * max(compressed, 1):
            raise BoundHit(
                f"expansion ratio above {self.limits.max_ratio:g} "
                f"({expanded} bytes from {compressed}): archive bomb"
            )

    def cleanup(self) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None


def _chunks(src: Readable, first: bytes) -> Iterator[bytes]:
    if first:
        yield first
    while True:
        chunk = src.read(CHUNK)
        if not chunk:
            return
        yield chunk


def hash_file(ctx: ScanContext, f: BinaryIO) -> tuple[int, str]:
    """SHA-256 and size of a whole seekable file, read in chunks (flat memory)."""
    f.seek(0)
    digest = hashlib.sha256()
    size = 0
    for chunk in _chunks(f, b""):
        digest.update(chunk)
        size += len(chunk)
        ctx.charge(len(chunk))
        ctx.check_time()
    f.seek(0)
    return size, digest.hexdigest()


@contextmanager
def scanning(limits: Limits) -> Iterator[ScanContext]:
    ctx = ScanContext(limits)
    try:
        yield ctx
    finally:
        ctx.cleanup()
