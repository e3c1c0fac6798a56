"""`aiscan --help` start-up time: the median of N runs of the installed console script.

    python benchmarks/bench_startup.py [--runs 10]

Target (docs/performance.md): under 0.25 s. Also prints the modules `--help` imports, since the
cost is import time (`python -X importtime -m aiscan --help` shows where it goes).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    script = shutil.which("aiscan", path=str(Path(sys.executable).parent))
    command = [script] if script else [sys.executable, "-m", "aiscan"]
    subprocess.run([*command, "--help"], check=True, capture_output=True)  # warm the page cache
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        subprocess.run([*command, "--help"], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    probe = (
        "import sys\nfrom aiscan.cli import cli\n"
        "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(len(sys.modules))"
    )
    modules = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout.split()[-1]
    print(f"aiscan --help: median {statistics.median(times):.3f} s over {args.runs} runs "
          f"(min {min(times):.3f}, max {max(times):.3f}); {modules} modules imported")  # fmt: skip


if __name__ == "__main__":
    main()
