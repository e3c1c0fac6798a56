"""Benchmark the real AWS collector against N SageMaker endpoints and N notebook instances.

    python benchmarks/bench_scan.py --n 500 --latency-ms 0 --workers 8

The emulator (moto behind aiscan's middleware) runs in a child process, so the scanner's time,
memory and GIL are its own; the scan reaches it through AWS_ENDPOINT_URL exactly as `aiscan demo`
does. See benchmarks/README.md for what the numbers mean.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import time
import tracemalloc
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from typing import Any

MAX_N = 2000
REGION = "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/BenchSageMakerRole"
IMAGE = (
    "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:"
    "2.4.0-tgi2.3.1-gpu-py311-cu124-ubuntu22.04"
)


# -- the emulator process ---------------------------------------------------------------------


def client(url: str, service: str, region: str = REGION) -> Any:
    """A botocore client of the emulator at `url`, with no profile, file or real credentials."""
    import botocore.session
    from botocore.config import Config

    session = botocore.session.Session(session_vars={"profile": (None, None, None, None)})
    session.set_config_variable("config_file", os.devnull)
    session.set_config_variable("credentials_file", os.devnull)
    return session.create_client(
        service,
        region_name=region,
        endpoint_url=url,
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=Config(max_pool_connections=64, retries={"mode": "standard"}),
    )


def _seed_one(url: str, i: int, clients: dict[int, Any]) -> None:
    import threading

    key = threading.get_ident()
    if key not in clients:  # one client per seeding thread
        clients[key] = client(url, "sagemaker")
    seed_sagemaker(clients[key], i)


def seed_sagemaker(sm: Any, i: int, *, tagged: bool = False) -> None:
    """Model, endpoint config and endpoint ``bench-llm-<i>``, notebook ``bench-nb-<i>``; with
    `tagged`, two tags on each model, endpoint and notebook."""

    def tags(kind: str) -> dict[str, Any]:
        if not tagged:
            return {}
        return {"Tags": [{"Key": "team", "Value": f"team-{i % 7}"}, {"Key": "kind", "Value": kind}]}

    name = f"bench-llm-{i:04d}"
    sm.create_model(
        ModelName=name,
        ExecutionRoleArn=ROLE,
        PrimaryContainer={
            "Image": IMAGE,
            "Environment": {"HF_MODEL_ID": "meta-llama/Llama-3.1-8B-Instruct", "SM_NUM_GPUS": "1"},
        },
        **tags("model"),
    )
    sm.create_endpoint_config(
        EndpointConfigName=name,
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": name,
                "InstanceType": "ml.g4dn.xlarge",  # moto rejects ml.g5/p4d/p5 here
                "InitialInstanceCount": 1,
            }
        ],
    )
    sm.create_endpoint(EndpointName=name, EndpointConfigName=name, **tags("endpoint"))
    sm.create_notebook_instance(
        NotebookInstanceName=f"bench-nb-{i:04d}",
        InstanceType="ml.t3.medium",
        RoleArn=ROLE,
        DirectInternetAccess="Enabled" if i % 2 else "Disabled",
        **tags("notebook"),
    )


def _serve(conn: Connection, n: int, seed_threads: int) -> None:
    """Child process: start the emulator, seed, then obey commands from the parent."""
    from aiscan.demo.emulator import AwsEmulator
    from aiscan.demo.estate import fill_missing_lists

    with AwsEmulator() as emu:
        fill_missing_lists(emu, ("sagemaker",))  # e.g. ListFeatureGroups: empty, not HTTP 500
        started = time.perf_counter()
        clients: dict[int, Any] = {}
        with ThreadPoolExecutor(max_workers=seed_threads) as pool:
            list(pool.map(lambda i: _seed_one(emu.url, i, clients), range(n)))
        conn.send({"url": emu.url, "seed_seconds": time.perf_counter() - started})
        obey(conn, emu)


def obey(conn: Connection, emu: Any) -> None:
    """Serve the parent's commands until "stop": set the latency (and reset the counts), report
    the counts."""
    while True:
        command, arg = conn.recv()
        if command == "latency":
            emu.latency_ms = float(arg)
            emu.reset_counts()
            conn.send(None)
        elif command == "counts":
            conn.send((emu.request_count, emu.operation_counts))
        else:
            conn.send(None)
            return


def counts(parent: Connection) -> tuple[int, dict[str, int]]:
    """(requests, requests by operation) the emulator served since the latency was set."""
    parent.send(("counts", None))
    result: tuple[int, dict[str, int]] = parent.recv()
    return result


def stop(parent: Connection, proc: Any) -> None:
    parent.send(("stop", None))
    proc.join(timeout=10)


def types_of(inventory: Any) -> dict[str, int]:
    """Assets by CloudFormation type."""
    return dict(Counter(asset.type for asset in inventory.assets))


# -- the scan ---------------------------------------------------------------------------------


def _scan(url: str, workers: int) -> tuple[Any, float, int]:
    from aiscan.demo.emulator import demo_environment, demo_unset

    for var in demo_unset(os.environ):
        del os.environ[var]
    os.environ.update(demo_environment(url))
    # a benchmark measures the scanner, not botocore's client-side rate limiter
    os.environ.setdefault("AISCAN_AWS_RETRY_MODE", "standard")

    from aiscan.collectors.aws import AwsCollector
    from aiscan.collectors.base import NullProgress, Scope
    from aiscan.core.inventory import InventoryBuilder

    scope = Scope(regions=(REGION,), services=("sagemaker",), max_workers=workers)
    sink = InventoryBuilder()
    tracemalloc.start()
    started = time.perf_counter()
    AwsCollector().collect(scope, sink, NullProgress())
    inventory = sink.build()
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return inventory, seconds, peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100, help=f"endpoints and notebooks (<= {MAX_N})")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every request")
    parser.add_argument("--workers", type=int, default=8, help="the scan's max_workers")
    parser.add_argument("--seed-threads", type=int, default=8, help="threads that seed the estate")
    args = parser.parse_args(argv)
    if not 1 <= args.n <= MAX_N:
        parser.error(f"--n must be between 1 and {MAX_N}")

    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_serve, args=(child, args.n, args.seed_threads), daemon=True)
    proc.start()
    try:
        ready = parent.recv()
        print(f"seeded {args.n} endpoints + {args.n} notebooks in {ready['seed_seconds']:.1f} s")
        parent.send(("latency", args.latency_ms))
        parent.recv()

        inventory, seconds, peak = _scan(ready["url"], args.workers)

        requests, per_op = counts(parent)
    finally:
        stop(parent, proc)

    assets = len(inventory.assets)
    by_type = types_of(inventory)
    maxrss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"n={args.n} latency={args.latency_ms:g} ms workers={args.workers}")
    print(f"assets              {assets}")
    for type_, count in sorted(by_type.items()):
        print(f"  {type_:<34}{count}")
    print(f"seconds             {seconds:.2f}")
    print(f"assets/second       {assets / seconds:.1f}" if seconds else "assets/second       -")
    print(f"HTTP requests       {requests}")
    print(f"requests/asset      {requests / assets:.2f}" if assets else "requests/asset      -")
    print(f"tracemalloc peak    {peak / 2**20:.1f} MiB (scanner allocations during the scan)")
    print(f"ru_maxrss           {maxrss_mib:.1f} MiB (scanner process, whole run)")
    for cov in inventory.coverage:
        if cov.status.value != "ok" or cov.message:
            print(
                f"coverage            {cov.service} {cov.region}: {cov.status.value} {cov.message}"
            )
    top = sorted(per_op.items(), key=lambda kv: -kv[1])[:8]
    print("requests by operation: " + ", ".join(f"{k.split(':', 1)[1]}={v}" for k, v in top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
