"""Temporary files only in a private (0700) directory, removed afterwards -- also when a bound
stops the scan in the middle of a member."""

from __future__ import annotations

import io
import stat
import tempfile
from pathlib import Path

import pytest

from aiscan.artifacts import Limits, scan_path, scan_stream
from aiscan.artifacts.context import ScanContext
from tests.artifacts import corpus


@pytest.fixture
def spool_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[int]]:
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    modes: list[int] = []
    original = ScanContext.spool_path

    def recording(self: ScanContext) -> Path:
        path = original(self)
        modes.append(stat.S_IMODE(path.parent.stat().st_mode))
        return path

    monkeypatch.setattr(ScanContext, "spool_path", recording)
    return root, modes


def test_nested_members_spool_privately_and_are_removed(
    tmp_path: Path, spool_root: tuple[Path, list[int]]
) -> None:
    root, modes = spool_root
    sample = tmp_path / "model.tar.gz"
    sample.write_bytes(
        corpus.tar_gz({"model/pytorch_model.bin": corpus.torch_zip(corpus.torch_state_pickle())})
    )
    scan = scan_path(sample)
    assert scan.complete
    assert modes and all(m == 0o700 for m in modes)
    assert list(root.iterdir()) == []


def test_streams_are_spooled_and_removed(
    tmp_path: Path, spool_root: tuple[Path, list[int]]
) -> None:
    root, modes = spool_root
    sample = tmp_path / "s.bin"
    sample.write_bytes(corpus.zip_file({"x/data.pkl": corpus.os_system(tmp_path / "never")}))
    with sample.open("rb") as f:
        scan = scan_stream(f, location="gs://bucket/models/s.bin")
    assert scan.location == "gs://bucket/models/s.bin"
    assert any(i.code == "pickle-global" for i in scan.issues)
    assert modes and all(m == 0o700 for m in modes)
    assert list(root.iterdir()) == []


def test_spool_is_removed_when_a_bound_stops_the_scan(
    tmp_path: Path, spool_root: tuple[Path, list[int]]
) -> None:
    root, _ = spool_root
    sample = tmp_path / "bomb.zip"
    sample.write_bytes(corpus.zip_file({"inner.zip": corpus.zip_file({"w": b"\0" * (8 << 20)})}))
    scan = scan_path(sample, limits=Limits(max_bytes=2 << 20))
    assert scan.bounds
    assert list(root.iterdir()) == []


def test_a_stream_over_the_byte_bound_stops_while_spooling(
    spool_root: tuple[Path, list[int]],
) -> None:
    root, _ = spool_root
    stream = io.BytesIO(b"\0" * (3 << 20))
    scan = scan_stream(stream, location="s3://bucket/huge.bin", limits=Limits(max_bytes=1 << 20))
    assert any("max_bytes" in b for b in scan.bounds)
    assert scan.sha256 is None  # never a hash of a prefix passed off as the artifact's
    assert list(root.iterdir()) == []
