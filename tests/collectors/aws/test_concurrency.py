"""Per-item reads inside one (account, region, service) scope overlap, bounded, without losing
order or the coverage record of a failed item."""

from __future__ import annotations

import threading
import time
from typing import Any

import boto3
import pytest
from moto import mock_aws

from aiscan.collectors.aws.context import ITEM_WORKERS, References, ScopeContext
from aiscan.core.inventory import InventoryBuilder
from aiscan.core.model import AssetKind, CoverageStatus
from tests import awsfake

ACCOUNT, REGION = "123456789012", "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sm-exec"
NOTEBOOKS = 16


class Gauge:
    """How many calls are in flight at once, and the most there ever were."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = 0
        self.most = 0
        self.calls = 0

    def __enter__(self) -> None:
        with self._lock:
            self.now += 1
            self.calls += 1
            self.most = max(self.most, self.now)

    def __exit__(self, *_: object) -> None:
        with self._lock:
            self.now -= 1


def _slow(gauge: Gauge, seconds: float) -> awsfake.Handler:
    def handler(**_: Any) -> None:
        with gauge:
            time.sleep(seconds)
        # None: botocore goes on and moto answers

    return handler


def _seed_notebooks() -> None:
    sm = boto3.client("sagemaker", region_name=REGION)
    sm.create_notebook_instance_lifecycle_config(
        NotebookInstanceLifecycleConfigName="shared-setup",
        OnStart=[{"Content": "IyEvYmluL2Jhc2gK"}],  # "#!/bin/bash\n"
    )
    for i in range(NOTEBOOKS):
        sm.create_notebook_instance(
            NotebookInstanceName=f"nb-{i:02d}",
            InstanceType="ml.t3.medium",
            RoleArn=ROLE,
            LifecycleConfigName="shared-setup",
        )


# moto lacks these SageMaker list operations; an empty account answers them with nothing.
_GAPS = {
    "before-call.sagemaker.ListInferenceExperiments": awsfake.canned({"InferenceExperiments": []}),
    "before-call.sagemaker.ListFeatureGroups": awsfake.canned({"FeatureGroupSummaries": []}),
    "before-call.sagemaker.ListMonitoringSchedules": awsfake.canned(
        {"MonitoringScheduleSummaries": []}
    ),
}


@mock_aws
def test_notebook_describes_overlap_within_the_item_worker_bound() -> None:
    _seed_notebooks()
    describes, lifecycles = Gauge(), Gauge()
    handlers = {
        **_GAPS,
        "before-call.sagemaker.DescribeNotebookInstance": _slow(describes, 0.1),
        "before-call.sagemaker.DescribeNotebookInstanceLifecycleConfig": _slow(lifecycles, 0),
    }

    inv = awsfake.collect(services=("sagemaker",), handlers=handlers)

    notebooks = sorted(a.name for a in inv.of_kind(AssetKind.NOTEBOOK))
    assert notebooks == [f"nb-{i:02d}" for i in range(NOTEBOOKS)]
    assert describes.calls == NOTEBOOKS
    assert 1 < describes.most <= ITEM_WORKERS
    # the config all notebooks share is still read once, and every notebook carries it
    assert lifecycles.calls == 1
    nb = next(iter(inv.of_kind(AssetKind.NOTEBOOK)))
    assert nb.attributes["lifecycle_config"]["name"] == "shared-setup"
    assert all("lifecycle_config" in a.attributes for a in inv.of_kind(AssetKind.NOTEBOOK))
    (cov,) = inv.coverage
    assert cov.status is CoverageStatus.OK, cov.message
    assert cov.assets == NOTEBOOKS


@mock_aws
def test_one_denied_notebook_is_recorded_and_the_others_are_collected() -> None:
    _seed_notebooks()

    denied = awsfake.error("AccessDeniedException")

    def deny_one(model: Any, context: dict[str, Any], **_: Any) -> Any:
        # awsfake keeps the call's API parameters in its context
        if context.get("aiscan_params", {}).get("NotebookInstanceName") == "nb-07":
            return denied(model=model)
        return None

    handlers = {**_GAPS, "before-call.sagemaker.DescribeNotebookInstance": deny_one}
    inv = awsfake.collect(services=("sagemaker",), handlers=handlers)

    names = {a.name for a in inv.of_kind(AssetKind.NOTEBOOK)}
    assert names == {f"nb-{i:02d}" for i in range(NOTEBOOKS)} - {"nb-07"}
    (cov,) = inv.coverage
    assert cov.status is CoverageStatus.DENIED
    assert "notebook instance nb-07: DescribeNotebookInstance: AccessDeniedException" in (
        cov.message
    )


def _ctx(workers: int = ITEM_WORKERS) -> ScopeContext:
    def no_client(service: str, region: str) -> Any:
        raise AssertionError("no SDK client is needed here")

    ctx = ScopeContext(
        account=ACCOUNT,
        region=REGION,
        service="sagemaker",
        partition="aws",
        client=no_client,
        sink=InventoryBuilder(),
        refs=References(),
    )
    ctx.item_workers = workers
    return ctx


@pytest.mark.parametrize("workers", [1, ITEM_WORKERS])
def test_each_keeps_item_order_and_records_a_failed_item(workers: int) -> None:
    ctx = _ctx(workers)
    items = list(range(12))

    def square(offset: int, item: int) -> int:
        # later items finish first, so completion order is the reverse of item order
        time.sleep(0.002 * (len(items) - item))
        if item == 5:
            raise KeyError("ModelArn")
        return item * item + offset

    results = ctx.each("model", square, items, 100)

    assert results == [i * i + 100 if i != 5 else None for i in items]
    cov = ctx.coverage()
    assert cov.status is CoverageStatus.ERROR
    assert cov.message == "model 5: malformed response: KeyError: 'ModelArn'"


def test_once_runs_a_shared_read_once_for_concurrent_callers() -> None:
    ctx = _ctx()
    started, release = threading.Event(), threading.Event()
    runs: list[str] = []

    def slow_read(key: str) -> str:
        runs.append(key)
        started.set()
        release.wait(5)
        return f"config {key}"

    results: list[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(ctx.once("cfg", slow_read, "a")))
        for _ in range(6)
    ]
    for t in threads:
        t.start()
    assert started.wait(5)
    release.set()
    for t in threads:
        t.join(5)
    assert results == ["config a"] * 6
    assert runs == ["a"]
    assert ctx.once("other", slow_read, "b") == "config b"


def test_once_gives_every_caller_the_failure_of_the_shared_read() -> None:
    ctx = _ctx()
    runs = []

    def broken() -> str:
        runs.append(1)
        raise KeyError("EndpointConfigName")

    for _ in range(3):
        with pytest.raises(KeyError):
            ctx.once("cfg", broken)
    assert len(runs) == 1


def test_families_sharing_the_item_pool_keep_the_scope_limit_and_may_nest() -> None:
    ctx = _ctx(4)
    families, nested = Gauge(), Gauge()

    def read(gauge: Gauge, item: int) -> int:
        with gauge:
            time.sleep(0.01)
        return item

    def outer(item: int) -> list[int | None]:
        # an `each` inside an item of the shared pool gets its own pool instead of deadlocking
        return ctx.each("inner", read, [item, item + 100], nested)

    with ctx.item_pool():
        threads = [
            threading.Thread(target=ctx.each, args=("family", read, range(12), families))
            for _ in range(3)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        results = ctx.each("outer", outer, range(3))

    # three families of 12 at once, yet never more than the scope's 4 in flight
    assert families.calls == 36
    assert 1 < families.most <= 4
    assert results == [[0, 100], [1, 101], [2, 102]]
    assert nested.calls == 6
    assert ctx.coverage().status is CoverageStatus.OK
