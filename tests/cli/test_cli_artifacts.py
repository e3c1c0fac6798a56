"""`aiscan artifacts`: local files, directories and Hugging Face caches through the rule engine,
with the outputs and exit codes of `aiscan scan`."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner

from aiscan.cli import cli
from tests.artifacts import corpus
from tests.reporters.test_cyclonedx import validate

SHA = "0123456789abcdef0123456789abcdef01234567"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["-q", "artifacts", *args])
    return result.exit_code, result.stdout if result.exit_code != 2 else result.output


def _model_dir(tmp_path: Path, evil: bool) -> Path:
    d = tmp_path / ("evil" if evil else "clean")
    (d / "model").mkdir(parents=True)
    (d / "model" / "model.safetensors").write_bytes(corpus.benign_safetensors())
    (d / "config.json").write_text('{"model_type": "llama"}')
    if evil:
        data = corpus.tar_gz({"model/model.pkl": corpus.os_system(tmp_path / "never")})
        (d / "model.tar.gz").write_bytes(data)
    return d


def test_directory_with_a_payload_fails_the_gate(tmp_path: Path) -> None:
    d = _model_dir(tmp_path, evil=True)
    code, out = _run(str(d), "--format", "json", "--fail-on", "critical")
    assert code == 1
    doc = json.loads(out)
    (model,) = doc["assets"]
    assert model["cloud"] == "local" and model["kind"] == "model"
    scans = model["attributes"]["artifact_scans"]
    assert {Path(s["location"]).name for s in scans} == {
        "model.safetensors",
        "config.json",
        "model.tar.gz",
    }
    assert all(len(s["sha256"]) == 64 for s in scans)
    (finding,) = [f for f in doc["findings"] if f["rule_id"] == "XC-ART-001"]
    assert finding["severity"] == "critical"
    assert finding["evidence"]["member"] == "model.tar.gz!/model/model.pkl"
    assert finding["evidence"]["module"] == "posix" and finding["evidence"]["name"] == "system"
    assert doc["coverage"][0]["status"] == "ok"


def test_clean_directory_exits_zero_and_writes_every_format(tmp_path: Path) -> None:
    d = _model_dir(tmp_path, evil=False)
    outs = {fmt: tmp_path / f"out.{fmt}" for fmt in ("sarif", "cyclonedx", "ocsf", "json")}
    args = [a for fmt, p in outs.items() for a in ("-o", f"{fmt}={p}")]
    code, out = _run(str(d), "--fail-on", "low", *args)
    assert code == 0, out
    assert "model" in out
    doc = json.loads(outs["json"].read_text())
    assert [f["rule_id"] for f in doc["findings"] if f["rule_id"].startswith("XC-ART")] == []
    passed = {e["rule_id"] for e in doc["evaluations"] if e["status"] == "pass"}
    assert {"XC-ART-001", "XC-ART-002", "XC-ART-003"} <= passed
    validate(outs["cyclonedx"].read_text())
    assert json.loads(outs["sarif"].read_text())["version"] == "2.1.0"


def test_bound_hit_is_manual(tmp_path: Path) -> None:
    p = tmp_path / "bomb.zip"
    p.write_bytes(corpus.zip_file({"w.bin": b"\0" * (1 << 20)}))
    result = CliRunner().invoke(
        cli, ["artifacts", str(p), "--max-bytes", "100000", "-o", f"json={tmp_path / 'r.json'}"]
    )
    doc = json.loads((tmp_path / "r.json").read_text())
    manual = [e for e in doc["evaluations"] if e["rule_id"] == "XC-ART-001"]
    assert manual[0]["status"] == "manual" and "max_bytes" in manual[0]["reason"]
    assert result.exit_code == 0
    # the table shows findings only: the bound is said on stderr
    assert "not fully scanned" in result.stderr and "max_bytes" in result.stderr


def test_huggingface_cache_snapshots_are_models(tmp_path: Path) -> None:
    repo = tmp_path / "hub" / "models--acme--tiny-llm"
    (repo / "blobs").mkdir(parents=True)
    blob = repo / "blobs" / ("1" * 64)
    blob.write_bytes(corpus.torch_zip(corpus.torch_state_pickle()))
    snap = repo / "snapshots" / SHA
    snap.mkdir(parents=True)
    os.symlink(blob, snap / "pytorch_model.bin")
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(SHA)
    code, out = _run(str(tmp_path / "hub"), "--format", "json")
    doc = json.loads(out)
    (model,) = doc["assets"]
    assert model["name"] == f"acme/tiny-llm@{SHA}"
    assert model["attributes"]["huggingface"] == {"repo": "acme/tiny-llm", "revision": SHA}
    (scan,) = model["attributes"]["artifact_scans"]
    assert scan["format"] == "pytorch-zip"
    medium = [f for f in doc["findings"] if f["rule_id"] == "XC-ART-002"]
    assert [f["severity"] for f in medium] == ["medium"]
    assert code == 0


def test_links_out_of_the_model_directory_are_reported_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("token=hunter2")
    d = tmp_path / "repo"
    d.mkdir()
    (d / "model.safetensors").write_bytes(corpus.benign_safetensors())
    os.symlink(outside, d / "tokenizer.json")
    code, out = _run(str(d), "--format", "json", "--fail-on", "high")
    assert code == 1
    doc = json.loads(out)
    (f,) = [f for f in doc["findings"] if f["rule_id"] == "XC-ART-006"]
    assert f["evidence"]["member"] == "tokenizer.json" and "outside" in f["message"]
    assert "hunter2" not in out


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    code, out = _run(str(tmp_path / "nope"))
    assert code == 2
    assert "no such file" in out


def test_unreadable_file_is_incomplete(tmp_path: Path) -> None:
    ok = tmp_path / "ok.safetensors"
    ok.write_bytes(corpus.benign_safetensors())
    bad = tmp_path / "weights.bin"
    if os.geteuid() == 0:  # root opens anything: a file whose read fails (EIO) instead
        os.symlink("/proc/self/mem", bad)
    else:
        bad.write_bytes(b"x")
        bad.chmod(0)
    code, out = _run(str(ok), str(bad), "--format", "json")
    assert code == 3
    doc = json.loads(out)
    assert doc["coverage"][0]["status"] == "error"
    assert "could not be read" in doc["coverage"][0]["message"]
    code, _ = _run(str(ok), str(bad), "--allow-partial")
    assert code == 0
