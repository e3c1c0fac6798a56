"""Benchmark the AWS collector at scale: N endpoints, models and notebooks in each of R regions.

    python benchmarks/bench_scale.py --n 834 --regions 4 --latency-ms 50    # ~10,000 assets
    python benchmarks/bench_scale.py --n 1002 --regions 1 --latency-ms 0    # the issue's estate

The emulator (moto behind aiscan's middleware, `aiscan.demo.emulator.AwsEmulator`) runs in a child
process, so the scanner's wall time and peak RSS are its own; the scan reaches it through
AWS_ENDPOINT_URL as `aiscan demo` does. The emulator adds `--latency-ms` to every request (a
sleep: it costs no CPU). Every resource carries two tags, each model and notebook runs as one
shared role with a managed and an inline policy, so the tag index, the IAM pass and the
"read once" rules are exercised. See docs/performance.md for what the numbers mean and the
recorded results.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import resource
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from typing import Any

from bench_scan import (  # the same emulator plumbing and estate
    client,
    counts,
    obey,
    seed_sagemaker,
    stop,
    types_of,
)

REGIONS = (
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-southeast-1",
    "ap-northeast-1",
    "ca-central-1",
    "sa-east-1",
)
ROLE_NAME = "BenchSageMakerRole"
SERVICES = ("sagemaker", "iam")
PAGE = 100  # SageMaker list and tag:GetResources page size the collector asks for

#: Prowler 5.46 on the issue's estate (1,003 notebooks + 1,002 endpoints + 7 others, one moto
#: server, same machine class), as recorded in issue 10; not re-measured here.
PROWLER = {"assets": 2012, "requests": 6174, "seconds": 87.9, "rss_mib": 657}


# -- the emulator process ---------------------------------------------------------------------


def _seed_one(url: str, region: str, i: int, local: threading.local) -> None:
    clients = local.__dict__.setdefault("clients", {})
    if region not in clients:  # one client per seeding thread and region
        clients[region] = client(url, "sagemaker", region)
    seed_sagemaker(clients[region], i, tagged=True)


def _seed_iam(url: str) -> None:
    import json

    iam = client(url, "iam", "us-east-1")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sagemaker.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    iam.create_role(RoleName=ROLE_NAME, AssumeRolePolicyDocument=json.dumps(trust))
    doc = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    }
    arn = iam.create_policy(PolicyName="BenchModelData", PolicyDocument=json.dumps(doc))["Policy"][
        "Arn"
    ]
    iam.attach_role_policy(RoleName=ROLE_NAME, PolicyArn=arn)
    iam.put_role_policy(RoleName=ROLE_NAME, PolicyName="logs", PolicyDocument=json.dumps(doc))


def _serve(conn: Connection, n: int, regions: list[str], seed_threads: int) -> None:
    """Child process: start the emulator, seed, then obey commands from the parent."""
    from aiscan.demo.emulator import AwsEmulator
    from aiscan.demo.estate import fill_missing_lists

    with AwsEmulator() as emu:
        fill_missing_lists(emu, ("sagemaker",))  # e.g. ListFeatureGroups: empty, not HTTP 500
        started = time.perf_counter()
        _seed_iam(emu.url)
        local = threading.local()
        work = [(region, i) for region in regions for i in range(n)]
        with ThreadPoolExecutor(max_workers=seed_threads) as pool:
            list(pool.map(lambda ri: _seed_one(emu.url, ri[0], ri[1], local), work))
        conn.send({"url": emu.url, "seed_seconds": time.perf_counter() - started})
        obey(conn, emu)


# -- calibration: what one request costs on this machine ----------------------------------------


def _calibrate(url: str, region: str, n: int, concurrency: int, total: int) -> tuple[float, float]:
    """(median seconds of one unloaded request, requests/second the emulator serves with
    `concurrency` clients in flight), both at zero injected latency."""
    sm = client(url, "sagemaker", region)
    singles = []
    for i in range(15):
        started = time.perf_counter()
        sm.describe_endpoint(EndpointName=f"bench-llm-{i % n:04d}")
        singles.append(time.perf_counter() - started)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(
            pool.map(
                lambda i: sm.describe_endpoint(EndpointName=f"bench-llm-{i % n:04d}"),
                range(15, 15 + total),
            )
        )
    return statistics.median(singles), total / (time.perf_counter() - started)


# -- the scan ---------------------------------------------------------------------------------


def _scan(url: str, regions: list[str], workers: int) -> tuple[Any, float, float]:
    from aiscan.demo.emulator import demo_environment, demo_unset

    for var in demo_unset(os.environ):
        del os.environ[var]
    os.environ.update(demo_environment(url))
    # a benchmark measures the scanner, not botocore's client-side rate limiter
    os.environ.setdefault("AISCAN_AWS_RETRY_MODE", "standard")

    from aiscan.collectors.aws import AwsCollector
    from aiscan.collectors.base import NullProgress, Scope
    from aiscan.core.inventory import InventoryBuilder

    scope = Scope(regions=tuple(regions), services=SERVICES, max_workers=workers)
    sink = InventoryBuilder()
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    AwsCollector().collect(scope, sink, NullProgress())
    inventory = sink.build()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu_seconds = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime
    return inventory, seconds, cpu_seconds


def critical_path(n: int) -> int:
    """Requests that must run one after another, whatever the concurrency: the identity, then
    in the slowest region the longest chain of dependent reads (the list pages of endpoints, then
    DescribeEndpoint, then its DescribeEndpointConfig; each resource type's tag index is a chain
    of as many pages, read beside it), then the IAM pass that needs every region's references
    (GetRole, ListAttachedRolePolicies, GetPolicy, GetPolicyVersion). Pages are counted at
    AWS's 100 a page (moto cuts GetResources pages at 100 tags, so it serves more of them: they
    are in the request count, not in this chain)."""
    pages = max(1, math.ceil(n / PAGE))
    return 1 + (pages + 2) + 4


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--n", type=int, default=100, help="endpoints (and models, notebooks) a region"
    )
    parser.add_argument("--regions", type=int, default=4, help=f"regions (1..{len(REGIONS)})")
    parser.add_argument("--latency-ms", type=float, default=50.0, help="added to every request")
    parser.add_argument("--workers", type=int, default=8, help="the scan's max_workers (scopes)")
    parser.add_argument("--seed-threads", type=int, default=8, help="threads that seed the estate")
    args = parser.parse_args(argv)
    if not 1 <= args.regions <= len(REGIONS) or args.n < 20:
        parser.error(f"--regions must be 1..{len(REGIONS)} and --n at least 20")
    regions = list(REGIONS[: args.regions])

    from aiscan.collectors.aws import sagemaker

    concurrency = min(args.workers, len(regions)) * sagemaker.ITEM_WORKERS
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_serve, args=(child, args.n, regions, args.seed_threads), daemon=True)
    proc.start()
    try:
        ready = parent.recv()
        print(
            f"seeded {args.n} endpoints + models + notebooks in each of {len(regions)} regions "
            f"in {ready['seed_seconds']:.1f} s"
        )
        rtt, capacity = _calibrate(ready["url"], regions[0], args.n, concurrency, 400)
        parent.send(("latency", args.latency_ms))
        parent.recv()

        inventory, seconds, cpu_seconds = _scan(ready["url"], regions, args.workers)

        requests, per_op = counts(parent)
    finally:
        stop(parent, proc)

    assets = len(inventory.assets)
    by_type = types_of(inventory)
    notebooks_endpoints = by_type.get("AWS::SageMaker::NotebookInstance", 0) + by_type.get(
        "AWS::SageMaker::Endpoint", 0
    )
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    latency = args.latency_ms / 1000
    per_request = latency + rtt
    chain = critical_path(args.n)
    bound = chain * per_request + max(0, requests - chain) * per_request / concurrency
    emulator_bound = requests / capacity + chain * latency
    tagged = sum(1 for a in inventory.assets if a.tags)

    print(
        f"n={args.n} regions={len(regions)} latency={args.latency_ms:g} ms workers={args.workers}"
    )
    print(f"assets                  {assets}")
    for type_, count in sorted(by_type.items()):
        print(f"  {type_:<38}{count}")
    print(f"assets with tags        {tagged}")
    print(f"wall seconds            {seconds:.2f}")
    print(f"scanner CPU seconds     {cpu_seconds:.2f} ({cpu_seconds / seconds:.0%} of one core)")
    print(f"HTTP requests           {requests}")
    print(f"requests/asset          {requests / assets:.3f}")
    print(
        f"requests/(nb+endpoint)  {requests / notebooks_endpoints:.3f} "
        f"(the issue's asset count; Prowler {PROWLER['requests'] / PROWLER['assets']:.3f}, "
        f"ratio {requests / notebooks_endpoints / (PROWLER['requests'] / PROWLER['assets']):.2f}x)"
    )
    print(f"peak RSS                {rss_mib:.1f} MiB (scanner process, whole run)")
    print(f"unloaded request        {rtt * 1000:.1f} ms (+ {args.latency_ms:g} ms injected)")
    print(f"emulator capacity       {capacity:.0f} requests/s at {concurrency} in flight")
    print(f"concurrency             {concurrency} (scopes in parallel x item workers)")
    print(f"critical path           {chain} requests in sequence")
    print(
        f"lower bound             {bound:.2f} s (critical path x {per_request * 1000:.0f} ms + "
        f"the rest / {concurrency}); ratio {seconds / bound:.2f}x"
    )
    print(
        f"emulator bound          {emulator_bound:.2f} s (requests / emulator capacity + critical "
        f"path x latency); ratio {seconds / max(bound, emulator_bound):.2f}x of the larger bound"
    )
    if len(regions) == 1 and args.latency_ms == 0:
        print(
            f"vs Prowler (issue)      {PROWLER['seconds'] / seconds:.2f}x faster than Prowler's "
            f"{PROWLER['seconds']} s on {PROWLER['assets']} assets"
        )
    for cov in inventory.coverage:
        if cov.status.value != "ok" or cov.message:
            where = f"{cov.service} {cov.region}"
            print(f"coverage                {where}: {cov.status.value} {cov.message}")
    top = sorted(per_op.items(), key=lambda kv: -kv[1])[:10]
    print("requests by operation:  " + ", ".join(f"{k.split(':', 1)[1]}={v}" for k, v in top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
