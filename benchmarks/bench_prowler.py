"""Prowler and aiscan, back to back, against one emulator holding the issue's estate.

    python -m venv /tmp/prowler-venv && /tmp/prowler-venv/bin/pip install prowler==5.46.0
    python benchmarks/bench_prowler.py --n 1002 --prowler /tmp/prowler-venv/bin/prowler

Seeds N endpoints (each with its own config and model) and N notebooks in us-east-1 of one
`AwsEmulator` (tagged, one shared role, as bench_scale.py), then runs, each as a subprocess with
the demo environment, `prowler aws --region us-east-1 --service sagemaker` and
`aiscan scan --cloud aws --regions us-east-1 --services sagemaker,iam --format json`, resetting
the emulator's counts before each. Prints wall time, requests and peak RSS of both. Running both
minutes apart on the same emulator is what makes the comparison fair on a shared machine.
Prowler is never a dependency of aiscan: install it in a separate virtual environment.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench_scale import _seed_iam
from bench_scan import client, seed_sagemaker

REGION = "us-east-1"


def _run(emu: Any, label: str, command: list[str], env: dict[str, str], out: Path) -> None:
    """Run `command` under /usr/bin/time (for its peak RSS) and print what it cost."""
    emu.reset_counts()
    rss_file = out / f"{label}.rss"
    started = time.perf_counter()
    with (out / f"{label}.log").open("w") as log:
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", str(rss_file), *command],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    seconds = time.perf_counter() - started
    rss_mib = int(rss_file.read_text().split()[-1]) / 1024
    top = sorted(emu.operation_counts.items(), key=lambda kv: -kv[1])[:6]
    print(
        f"{label:<8} exit {proc.returncode}  {seconds:7.1f} s  {emu.request_count:6d} requests  "
        f"peak RSS {rss_mib:5.0f} MiB"
    )
    print("         " + ", ".join(f"{k}={v}" for k, v in top))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1002, help="endpoints (and models, notebooks)")
    parser.add_argument("--prowler", required=True, help="the prowler executable of its own venv")
    parser.add_argument("--seed-threads", type=int, default=8)
    args = parser.parse_args()

    from aiscan.demo.emulator import AwsEmulator, demo_environment, demo_unset
    from aiscan.demo.estate import fill_missing_lists

    out = Path(tempfile.mkdtemp(prefix="aiscan-bench-prowler-"))
    with AwsEmulator() as emu:
        fill_missing_lists(emu, ("sagemaker",))
        started = time.perf_counter()
        _seed_iam(emu.url)
        local = threading.local()

        def seed(i: int) -> None:
            if not hasattr(local, "sm"):  # one client per seeding thread
                local.sm = client(emu.url, "sagemaker", REGION)
            seed_sagemaker(local.sm, i, tagged=True)

        with ThreadPoolExecutor(max_workers=args.seed_threads) as pool:
            list(pool.map(seed, range(args.n)))
        seconds = time.perf_counter() - started
        print(f"seeded {args.n} endpoints + models + notebooks in {seconds:.1f} s")

        env = {k: v for k, v in os.environ.items() if k not in demo_unset(os.environ)}
        env.update(demo_environment(emu.url))
        env["AISCAN_AWS_RETRY_MODE"] = "standard"  # as bench_scale: no client-side rate limiter
        prowler_home = out / "prowler-home"
        prowler_home.mkdir()
        _run(
            emu,
            "prowler",
            [
                args.prowler, "aws", "--region", REGION, "--service", "sagemaker",
                "--output-formats", "json-ocsf", "--output-directory", str(out / "prowler-out"),
                "--no-banner", "--ignore-exit-code-3",
            ],
            {**env, "HOME": str(prowler_home)},
            out,
        )  # fmt: skip
        aiscan = str(Path(sys.executable).with_name("aiscan"))
        _run(
            emu,
            "aiscan",
            [
                aiscan, "scan", "--cloud", "aws", "--regions", REGION,
                "--services", "sagemaker,iam", "--format", "json",
            ],
            env,
            out,
        )  # fmt: skip
    print(f"logs and outputs in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
