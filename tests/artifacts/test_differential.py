"""Differential check against the real unpickler on mutated payloads: whatever global
`pickle.Unpickler` would import first, the scanner reports (or the stream breaks after a
reported import). The oracle's `find_class` raises before importing anything, so no callable
ever exists and nothing can run; the scanner itself never unpickles."""

from __future__ import annotations

import contextlib
import io
import pickle
import random
import re
from pathlib import Path

from aiscan.artifacts import scan_path
from aiscan.artifacts.policy import classify
from tests.artifacts.conftest import SAMPLES

_IMPORTABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


class _Stop(Exception):
    pass


class _Oracle(pickle.Unpickler):
    first: tuple[str, str] | None = None

    def find_class(self, module: str, name: str) -> type:
        self.first = (module, name)
        raise _Stop

    def persistent_load(self, pid: object) -> None:
        return None


def _first_import(data: bytes) -> tuple[str, str] | None:
    oracle = _Oracle(io.BytesIO(data), fix_imports=False)
    # _Stop, or the mutation broke the stream before any import
    with contextlib.suppress(Exception):
        oracle.load()
    return oracle.first


def _mutate(rnd: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rnd.randint(0, 4)):
        i = rnd.randrange(len(b))
        op = rnd.random()
        if op < 0.6:
            b[i] = rnd.randrange(256)
        elif op < 0.8:
            del b[i : i + rnd.randint(1, 8)]
        else:
            b[i:i] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 8)))
    return bytes(b)


def test_scanner_names_every_global_the_unpickler_would_import(tmp_path: Path) -> None:
    pickles = [s for n, s in SAMPLES.items() if n.endswith(".pkl") and s.malicious]
    rnd = random.Random(20261202)
    checked = 0
    path = tmp_path / "mutant"
    for _ in range(1500):
        data = _mutate(rnd, rnd.choice(pickles).data)
        hit = _first_import(data)
        if hit is None or classify(*hit).safe or not _IMPORTABLE.match(hit[0]):
            continue
        checked += 1
        path.write_bytes(data)
        scan = scan_path(path)
        named = {(i.module, i.name) for i in scan.issues}
        assert hit in named or any(i.code == "pickle-dynamic-global" for i in scan.issues), (
            hit,
            scan,
        )
    assert checked > 300
