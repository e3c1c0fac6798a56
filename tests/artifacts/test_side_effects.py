"""No payload's side effect ever happens during scanning: every malicious sample would create
the marker file if it ran; after scanning the whole corpus (file by file, as one directory, as a
stream, and through the CLI) the marker does not exist. A control proves the payloads are live."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from aiscan.artifacts import scan_path, scan_stream
from aiscan.cli import cli
from tests.artifacts import corpus
from tests.artifacts.conftest import CORPUS_DIR, MARKER, SAMPLES


def test_scanning_the_corpus_never_runs_a_payload() -> None:
    assert not MARKER.exists()
    for name in SAMPLES:
        scan_path(CORPUS_DIR / name)
        with (CORPUS_DIR / name).open("rb") as f:
            scan_stream(f, location=f"s3://bucket/{name}")
    scan_path(CORPUS_DIR)
    result = CliRunner().invoke(cli, ["-q", "artifacts", str(CORPUS_DIR), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"XC-ART-001"' in result.output
    assert not MARKER.exists()
    assert not any(MARKER.parent.glob("PWNED*"))


def test_the_payloads_are_live(tmp_path: Path) -> None:
    """Control: loading one of the same payloads for real (in a child process) does create its
    marker, so the assertion above is not vacuous."""
    control = tmp_path / "control-marker"
    sample = tmp_path / "control.pkl"
    sample.write_bytes(corpus.os_system(control))
    code = f"import pickle; pickle.loads(open({str(sample)!r}, 'rb').read())"
    subprocess.run([sys.executable, "-c", code], check=False, timeout=60)
    assert control.exists()
    scan_path(sample)  # scanning the control sample itself is still inert
    control.unlink()
    scan_path(sample)
    assert not control.exists()
