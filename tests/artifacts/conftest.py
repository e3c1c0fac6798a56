"""The generated corpus, written once per session into a private directory."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.artifacts import corpus

_ROOT = Path(tempfile.mkdtemp(prefix="aiscan-corpus-"))
#: Any payload that ever ran would create this file.
MARKER = _ROOT / "PWNED-marker"
CORPUS_DIR = _ROOT / "corpus"
CORPUS_DIR.mkdir()
SAMPLES = {s.name: s for s in corpus.build(MARKER, _ROOT)}
for _s in SAMPLES.values():
    (CORPUS_DIR / _s.name).write_bytes(_s.data)
BENIGN = sorted(n for n, s in SAMPLES.items() if not s.malicious)
MALICIOUS = sorted(n for n, s in SAMPLES.items() if s.malicious)


@pytest.fixture(scope="session", autouse=True)
def _remove_corpus() -> Iterator[None]:
    yield
    shutil.rmtree(_ROOT, ignore_errors=True)
