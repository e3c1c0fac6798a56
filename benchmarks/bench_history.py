"""Benchmark the scan store and `diff` on two synthetic scans of N assets (default 10,000).

    python benchmarks/bench_history.py --n 10000 [--store sqlite-file-or-postgresql-url]

The second scan differs from the first the way a day does: 1 % of the assets gone, 1 % new,
1 % with a security attribute changed, and findings following. Prints, per stage, the wall time
and the peak Python memory (tracemalloc) of that stage, and the process's peak RSS at the end.
Measured on demand; not part of pytest.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from aiscan.core.model import (
    Asset,
    AssetKind,
    Category,
    Cloud,
    Coverage,
    CoverageStatus,
    Finding,
    Relation,
    RelationType,
    ScanInfo,
    ScanResult,
    Severity,
    ToolInfo,
    fingerprint,
)

T = TypeVar("T")
ACCOUNT = "123456789012"
REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "ap-south-1")


def synthetic(n: int, day: int) -> ScanResult:
    """N assets (endpoints, models, buckets) with relations and one finding per 5 assets."""
    started = datetime(2026, 11, 1, tzinfo=UTC) + timedelta(days=day)
    shift = n // 100 * day  # day 1 drops the first 1 % and adds 1 % new ones
    assets, relations, findings = [], [], []
    for i in range(shift, n + shift):
        region = REGIONS[i % len(REGIONS)]
        kind = (AssetKind.ENDPOINT, AssetKind.MODEL, AssetKind.BUCKET)[i % 3]
        asset_id = f"arn:aws:sagemaker:{region}:{ACCOUNT}:{kind.value}/bench-{i:06d}"
        changed = day == 1 and i % 100 == 7
        attrs: dict[str, Any] = {
            "kms_key": None if i % 4 else f"arn:aws:kms:{region}:{ACCOUNT}:key/{i}",
            "public": changed,
            "role_arn": f"arn:aws:iam::{ACCOUNT}:role/r{i % 50}",
            "status": "InService",
            "containers": [{"image": f"img:{i % 20}", "artifact_uri": f"s3://b/{i}"}],
        }
        assets.append(
            Asset(
                id=asset_id,
                cloud=Cloud.AWS,
                account=ACCOUNT,
                region=region,
                kind=kind,
                service="sagemaker",
                type="bench",
                name=f"bench-{i:06d}",
                attributes=attrs,
                raw={"Name": f"bench-{i:06d}", "Config": {"i": i, "pad": "x" * 200}},
            )
        )
        if i > shift:
            relations.append(
                Relation(source=asset_id, type=RelationType.USES_MODEL, target=assets[-2].id)
            )
        if i % 5 == 0 or changed:
            severity = Severity.CRITICAL if changed else Severity.MEDIUM
            findings.append(
                Finding(
                    rule_id="BENCH-001",
                    asset_id=asset_id,
                    severity=severity,
                    category=Category.ENCRYPTION,
                    title="bench",
                    message="bench finding",
                    remediation="none",
                    risk_score=5.0,
                    fingerprint=fingerprint("BENCH-001", asset_id),
                    cloud=Cloud.AWS,
                    account=ACCOUNT,
                    region=region,
                )
            )
    coverage = [
        Coverage(
            cloud=Cloud.AWS,
            account=ACCOUNT,
            region=r,
            service="sagemaker",
            status=CoverageStatus.OK,
            assets=n // len(REGIONS),
        )
        for r in REGIONS
    ]
    return ScanResult(
        tool=ToolInfo(version="bench"),
        scan=ScanInfo(
            started=started,
            finished=started + timedelta(minutes=5),
            scope={"clouds": ["aws"], "regions": list(REGIONS), "services": "all"},
        ),
        assets=tuple(assets),
        relations=tuple(relations),
        coverage=tuple(coverage),
        findings=tuple(findings),
    )


def stage(name: str, fn: Callable[[], T]) -> T:
    gc.collect()
    tracemalloc.start()
    start = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{name:<28} {seconds:8.2f} s   peak {peak / 2**20:8.1f} MiB")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="assets per scan")
    parser.add_argument("--store", help="store URL (default: a SQLite file in a temp dir)")
    args = parser.parse_args(argv)

    from aiscan.core.diff import diff
    from aiscan.reporters.diff import render
    from aiscan.store import open_store

    old = stage("build scan 1", lambda: synthetic(args.n, 0))
    new = stage("build scan 2", lambda: synthetic(args.n, 1))
    print(
        f"assets {len(old.assets)} + {len(new.assets)}, findings {len(old.findings)} + "
        f"{len(new.findings)}, relations {len(old.relations)} + {len(new.relations)}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        url = args.store or os.path.join(tmp, "bench.db")
        store = open_store(url)
        try:
            old_id = stage("store scan 1", lambda: store.save(old, exit_code=0))
            new_id = stage("store scan 2", lambda: store.save(new, exit_code=0))
            loaded_old = stage("load scan 1", lambda: store.load(old_id))
            loaded_new = stage("load scan 2", lambda: store.load(new_id))
            fps = [f.fingerprint for f in loaded_new.findings]
            stage("lifecycle of scan 2", lambda: store.lifecycle(fps))
        finally:
            store.close()
    d = stage("diff", lambda: diff(loaded_old, loaded_new))
    stage("render json", lambda: render(d, "json"))
    stage("render markdown", lambda: render(d, "markdown"))
    print(
        f"diff: {len(d.assets_appeared)} appeared, {len(d.assets_disappeared)} disappeared, "
        f"{len(d.assets_changed)} changed, {len(d.findings_new)} new, "
        f"{len(d.findings_resolved)} resolved findings"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"process peak RSS {rss / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
