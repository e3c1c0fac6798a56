"""Every malicious sample of the generated corpus is caught, every benign one is clean, and the
format is always detected from the bytes."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from aiscan.artifacts import ArtifactScan, scan_path
from aiscan.core.engine import evaluate
from aiscan.core.model import ResultStatus, Severity
from aiscan.rules.artifacts import RULES
from tests.artifacts import corpus
from tests.artifacts.conftest import BENIGN, CORPUS_DIR, MALICIOUS, SAMPLES
from tests.factories import asset, inventory

#: Samples whose payload calls something that runs code / reaches the OS: critical, not high.
_HIGH_ONLY = {
    "bypass-unknown-module.pkl",
    "evil-custom.keras",
    "evil-scripted.pt",
    "evil.onnx",
}
_MEDIUM_ONLY = {"evil.safetensors"}


def _scan(name: str) -> ArtifactScan:
    return scan_path(CORPUS_DIR / name)


def _findings(scan: ArtifactScan) -> list[tuple[str, Severity]]:
    a = asset(
        "model",
        "arn:aws:sagemaker:us-east-1:1:model/m",
        type="AWS::SageMaker::Model",
        artifact_scans=[scan.model_dump(mode="json")],
    )
    out = evaluate(inventory([a]), RULES)
    return [(f.rule_id, f.severity) for f in out.findings]


def test_corpus_covers_every_format_with_a_benign_and_a_malicious_sample() -> None:
    formats = {"pickle", "pytorch-zip", "pytorch-legacy", "torchscript", "safetensors", "gguf"}
    formats |= {"onnx", "keras", "hdf5", "tf-savedmodel", "joblib", "numpy", "npz", "tar.gz", "7z"}
    for fmt in formats:
        kinds = {SAMPLES[n].malicious for n in SAMPLES if SAMPLES[n].fmt == fmt}
        if fmt == "numpy":  # the malicious .npy is detected as an object array
            kinds.add(SAMPLES["evil.npy"].malicious)
        assert kinds == {True, False}, fmt
    bypasses = [n for n in SAMPLES if n.startswith("bypass-")]
    assert len(bypasses) >= 15


@pytest.mark.parametrize("name", MALICIOUS)
def test_malicious_sample_is_caught(name: str) -> None:
    sample = SAMPLES[name]
    scan = _scan(name)
    codes = {i.code for i in scan.issues}
    assert sample.expect <= codes, (codes, scan.errors)
    named = {(i.module, i.name) for i in scan.issues if i.code == "pickle-global"}
    assert sample.globals_ <= named
    if sample.fmt:
        assert scan.format == sample.fmt
    findings = _findings(scan)
    assert findings, "a malicious sample must produce a finding"
    worst = max((sev for _, sev in findings), key=lambda s: s.rank)
    if name in _MEDIUM_ONLY:
        assert worst is Severity.MEDIUM
    elif name in _HIGH_ONLY:
        assert worst is Severity.HIGH
    else:
        assert worst is Severity.CRITICAL, findings


@pytest.mark.parametrize("name", BENIGN)
def test_benign_sample_is_clean(name: str) -> None:
    sample = SAMPLES[name]
    scan = _scan(name)
    assert scan.issues == ()
    assert scan.errors == ()
    assert scan.bounds == ()
    assert scan.format == sample.fmt
    assert scan.sha256 == hashlib.sha256(sample.data).hexdigest()
    assert scan.size == len(sample.data)
    assert all(m.sha256 and len(m.sha256) == 64 for m in scan.members if m.format != "empty")
    a = asset(
        "model", "m1", type="local::model-file", artifact_scans=[scan.model_dump(mode="json")]
    )
    out = evaluate(inventory([a]), RULES)
    statuses = {e.rule_id: e.status for e in out.evaluations}
    assert all(s is ResultStatus.PASS for s in statuses.values()), statuses
    assert all(f.rule_id == "XC-ART-002" and f.severity is Severity.MEDIUM for f in out.findings)
    assert bool(out.findings) == scan.uses_pickle


def test_pickle_global_names_the_member_and_the_opcode_position() -> None:
    scan = _scan("evil-nested.zip")
    (issue,) = [i for i in scan.issues if i.code == "pickle-global"]
    assert issue.member == (
        "evil-nested.zip!/inner.tar.gz!/model/pytorch_model.bin!/archive/data.pkl"
    )
    assert (issue.module, issue.name) == ("posix", "system")
    data = SAMPLES["evil-pytorch_model.bin"].data
    assert issue.position is not None and issue.position > 0
    paths = [m.path for m in scan.members]
    assert "evil-nested.zip!/inner.tar.gz!/model/pytorch_model.bin" in paths
    assert data  # the nested checkpoint is the same construction as the standalone one


def test_lying_zip_entries_are_scanned_and_reported() -> None:
    crc = _scan("bypass-zip-bad-crc.zip")
    assert {i.code for i in crc.issues} >= {"zip-crc-mismatch", "pickle-global"}
    lie = _scan("bypass-zip-header-lie.zip")
    mismatch = next(i for i in lie.issues if i.code == "zip-name-mismatch")
    assert "data.pkl" in mismatch.detail and "data.txt" in mismatch.detail


def test_polyglot_is_scanned_as_pickle_and_as_zip() -> None:
    scan = _scan("bypass-polyglot.pt")
    assert any(m.path.endswith("archive/data.pkl") for m in scan.members)
    assert any(i.code == "pickle-global" for i in scan.issues)


def test_format_comes_from_bytes_not_the_name(tmp_path: pytest.TempPathFactory) -> None:
    evil = SAMPLES["evil-p4.pkl"].data
    for name in ("weights.safetensors", "model.onnx", "README.md", "noext"):
        p = tmp_path / name  # type: ignore[operator]
        p.write_bytes(evil)
        scan = scan_path(p)
        assert scan.format == "pickle"
        assert any(i.code == "pickle-global" for i in scan.issues)
    data = tmp_path / "model.pkl"  # type: ignore[operator]
    data.write_bytes(bytes(range(256)) * 64)
    scan = scan_path(data)
    assert scan.format == "data" and scan.issues == () and scan.complete


@pytest.mark.parametrize("compress", [("lzma", 3), ("xz", 3), ("gzip", 3), ("bz2", 3)])
def test_every_joblib_compression_is_opened(tmp_path: Path, compress: tuple[str, int]) -> None:
    from tests.artifacts.conftest import MARKER

    evil = corpus.joblib_file({"x": corpus._Reduce(os.system, f"touch {MARKER}")}, compress)
    p = tmp_path / "model.joblib"
    p.write_bytes(evil)
    scan = scan_path(p)
    assert {(i.module, i.name) for i in scan.issues} >= {("posix", "system")}, scan
    good = corpus.joblib_file({"coef": [1.0, 2.0]}, compress)
    p.write_bytes(good)
    assert scan_path(p).issues == ()


def test_unsupported_compression_is_manual(tmp_path: Path) -> None:
    p = tmp_path / "model.joblib.lz4"
    p.write_bytes(b"\x04\x22\x4d\x18" + b"\0" * 64)
    scan = scan_path(p)
    assert scan.format == "lz4" and scan.bounds and not scan.complete


def test_directory_links_out_of_the_artifact_are_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.pkl"
    secret.write_bytes(SAMPLES["evil-p4.pkl"].data)
    model = tmp_path / "model"
    model.mkdir()
    (model / "weights.safetensors").write_bytes(SAMPLES["benign.safetensors"].data)
    (model / "inner.safetensors").symlink_to(model / "weights.safetensors")
    (model / "escape.bin").symlink_to(secret)
    scan = scan_path(model)
    codes = [(i.code, i.name) for i in scan.issues]
    assert codes == [("archive-path-traversal", "escape.bin")]
    assert {m.path for m in scan.members} == {
        "model/inner.safetensors",
        "model/weights.safetensors",
    }


def test_large_torchscript_code_is_checked_whole(tmp_path: Path) -> None:
    filler = "".join(f"  _{i} = torch.add(x, {i})\n" for i in range(8000))  # > 64 KiB of code
    code = corpus.BENIGN_TS_CODE + filler + '  _z = ops.evil_ns.run_shell("id")\n'
    p = tmp_path / "scripted.pt"
    p.write_bytes(corpus.torchscript(code, corpus.torchscript_data()))
    scan = scan_path(p)
    assert [(i.code, i.module, i.name) for i in scan.issues] == [
        ("torchscript-op", "ops.evil_ns", "run_shell")
    ]
