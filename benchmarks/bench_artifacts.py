"""Benchmark the deep scanner: throughput (MB/s) and peak memory on a large safetensors file and
on a large pickle-based PyTorch checkpoint (zip with data.pkl and stored tensor members, the
layout torch.save writes), generated here with the standard library -- no torch needed.

    python benchmarks/bench_artifacts.py --size-mb 1024

Each scan runs in a fresh child process so its peak RSS is its own; a flat peak across sizes
shows the scanner streams instead of loading. Numbers for 1 GB are recorded in docs/deep-scan.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

CHUNK = 1 << 20


def _pattern() -> bytes:
    # incompressible-looking but cheap: a fixed random MiB repeated
    return os.urandom(CHUNK)


def make_safetensors(path: Path, size: int) -> None:
    n_tensors = 64
    per = (size // n_tensors) // 4 * 4
    header: dict[str, object] = {"__metadata__": {"format": "pt"}}
    for i in range(n_tensors):
        header[f"layer{i}.weight"] = {
            "dtype": "F32",
            "shape": [per // 4],
            "data_offsets": [i * per, (i + 1) * per],
        }
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    block = _pattern()
    with path.open("wb") as f:
        f.write(struct.pack("<Q", len(h)) + h)
        _fill(f, per * n_tensors, block)


def make_torch_zip(path: Path, size: int) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.artifacts.corpus import torch_state_pickle

    n_tensors = 64
    per = size // n_tensors
    block = _pattern()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=True) as z:
        z.writestr("archive/data.pkl", torch_state_pickle(n_tensors))
        z.writestr("archive/byteorder", "little")
        for i in range(n_tensors):
            with z.open(f"archive/data/{i}", "w", force_zip64=True) as member:
                _fill(member, per, block)
        z.writestr("archive/version", "3\n")


def _fill(f: object, n: int, block: bytes) -> None:
    write = f.write  # type: ignore[attr-defined]
    while n > 0:
        part = block[: min(n, len(block))]
        write(part)
        n -= len(part)


def scan_child(path: str) -> None:
    from aiscan.artifacts import scan_path

    start = time.perf_counter()
    result = scan_path(Path(path))
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_rss_mb": peak_kb / 1024,
                "format": result.format,
                "members": len(result.members),
                "issues": len(result.issues),
                "complete": result.complete,
                "sha256": result.sha256,
            }
        )
    )


def baseline_rss_mb() -> float:
    code = (
        "import resource, aiscan.artifacts; "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-mb", type=int, default=128, help="Size of each generated artifact.")
    ap.add_argument("--dir", type=Path, help="Where to write the artifacts (default: a tmp dir).")
    ap.add_argument("--scan", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.scan:
        scan_child(args.scan)
        return
    size = args.size_mb * CHUNK
    root = Path(args.dir or tempfile.mkdtemp(prefix="aiscan-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    print(
        f"machine: {platform.machine()} {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"import baseline peak RSS: {baseline_rss_mb():.1f} MB")
    for name, make in (
        ("model.safetensors", make_safetensors),
        ("pytorch_model.bin", make_torch_zip),
    ):
        path = root / name
        t0 = time.perf_counter()
        make(path, size)
        gen = time.perf_counter() - t0
        actual = path.stat().st_size
        out = subprocess.run(
            [sys.executable, __file__, "--scan", str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout)
        mb = actual / CHUNK
        print(
            f"{name:18} {mb:8.0f} MB  format={r['format']:12} members={r['members']:3}  "
            f"scan {r['seconds']:6.2f} s  {mb / r['seconds']:7.1f} MB/s  "
            f"peak RSS {r['peak_rss_mb']:6.1f} MB  complete={r['complete']} issues={r['issues']} "
            f"(generated in {gen:.1f} s)"
        )
        path.unlink()
    if not args.dir:
        root.rmdir()


if __name__ == "__main__":
    main()
