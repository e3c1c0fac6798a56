"""Bounds: zip bombs, tar bombs, deep nesting, member count, bytes and time stop the scan at the
bound, and the rules answer manual with the reason -- never pass."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from aiscan.artifacts import ArtifactScan, Limits, scan_path
from aiscan.core.engine import evaluate
from aiscan.core.model import ResultStatus
from aiscan.rules.artifacts import RULES
from tests.artifacts import corpus
from tests.factories import asset, inventory

MIB = 1 << 20
SMALL = Limits(ratio_floor=MIB, max_ratio=50)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def _statuses(scan: ArtifactScan) -> dict[str, tuple[ResultStatus, str]]:
    a = asset("model", "m", type="local::model-file", artifact_scans=[scan.model_dump(mode="json")])
    out = evaluate(inventory([a]), RULES)
    got = {e.rule_id: (e.status, e.reason) for e in out.evaluations}
    got.update({f.rule_id: (ResultStatus.FAIL, f.message) for f in out.findings})
    return got


def _assert_manual(scan: ArtifactScan, reason: str) -> None:
    assert not scan.complete
    assert any(reason in b for b in scan.bounds), scan.bounds
    statuses = _statuses(scan)
    assert ResultStatus.PASS not in {s for s, _ in statuses.values()}
    status, why = statuses["XC-ART-001"]
    assert status is ResultStatus.MANUAL
    assert reason in why


def test_zip_bomb_stops_at_the_ratio(tmp_path: Path) -> None:
    bomb = corpus.zip_file({"weights.bin": b"\0" * (32 * MIB)})
    assert len(bomb) < 64 * 1024
    scan = scan_path(_write(tmp_path, "bomb.zip", bomb), limits=SMALL)
    _assert_manual(scan, "expansion ratio")


def test_tar_bomb_stops_at_the_ratio(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for i in range(16):
            ti = tarfile.TarInfo(f"model/shard-{i}.bin")
            ti.size = 4 * MIB
            tar.addfile(ti, io.BytesIO(b"\0" * ti.size))
    scan = scan_path(_write(tmp_path, "model.tar.gz", buf.getvalue()), limits=SMALL)
    _assert_manual(scan, "expansion ratio")
    assert sum(1 for m in scan.members) < 16


def test_deep_nesting_stops_at_max_depth(tmp_path: Path) -> None:
    nested = corpus.nested_zip(corpus.os_system(tmp_path / "never"), levels=9)
    scan = scan_path(_write(tmp_path, "nested.zip", nested), limits=Limits(max_depth=4))
    _assert_manual(scan, "max_depth")
    # within the bound, the same payload is found
    shallow = corpus.nested_zip(corpus.os_system(tmp_path / "never"), levels=3)
    found = scan_path(_write(tmp_path, "shallow.zip", shallow), limits=Limits(max_depth=4))
    assert found.complete and any(i.code == "pickle-global" for i in found.issues)


def test_member_count_stops_at_max_members(tmp_path: Path) -> None:
    many = corpus.zip_file({f"f{i}.txt": b"x" for i in range(200)})
    scan = scan_path(_write(tmp_path, "many.zip", many), limits=Limits(max_members=20))
    _assert_manual(scan, "max_members")
    assert len(scan.members) == 20


def test_byte_bound(tmp_path: Path) -> None:
    data = corpus.benign_safetensors() + b""
    big = _write(tmp_path, "big.bin", data * 100)
    scan = scan_path(big, limits=Limits(max_bytes=1000))
    _assert_manual(scan, "max_bytes")


def test_per_artifact_timeout(tmp_path: Path) -> None:
    p = _write(tmp_path, "slow.bin", b"\1" * (4 * MIB))
    scan = scan_path(p, limits=Limits(timeout_s=0.0))
    _assert_manual(scan, "timeout")


def test_a_payload_before_the_bound_is_still_reported(tmp_path: Path) -> None:
    data = corpus.zip_file(
        {"a/data.pkl": corpus.os_system(tmp_path / "never"), "b/weights.bin": b"\0" * (32 * MIB)}
    )
    scan = scan_path(_write(tmp_path, "mixed.zip", data), limits=SMALL)
    assert scan.bounds
    statuses = _statuses(scan)
    assert statuses["XC-ART-001"][0] is ResultStatus.FAIL


@pytest.mark.parametrize("kind", ["truncated-zip", "not-a-gguf", "bad-safetensors-json"])
def test_unparseable_member_is_manual_not_pass(tmp_path: Path, kind: str) -> None:
    if kind == "truncated-zip":
        data = corpus.zip_file({"data.pkl": b"\x80\x02}q\x00." * 1000})[:-30]
    elif kind == "not-a-gguf":
        data = b"GGUF" + b"\x03\x00\x00\x00" + b"\xff" * 40
    else:
        data = b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all"
    scan = scan_path(_write(tmp_path, "broken.bin", data))
    assert scan.errors, scan
    status, why = _statuses(scan)["XC-ART-001"]
    assert status is ResultStatus.MANUAL
    assert "not fully scanned" in why


def test_a_bomb_nested_in_an_archive_member_stops_too(tmp_path: Path) -> None:
    bomb = corpus.zip_file({"model.bin": corpus.zip_file({"w.bin": b"\0" * (32 * MIB)})})
    scan = scan_path(_write(tmp_path, "outer.zip", bomb), limits=SMALL)
    _assert_manual(scan, "expansion ratio")
