"""Every API operation a full scan sends maps to an action of the published read-only policy."""

from __future__ import annotations

import json
import os
import threading
from typing import Any

import boto3
import botocore.session
import pytest

from aiscan.collectors.aws import AwsCollector
from aiscan.collectors.aws.permissions import PERMISSIONS, iam_action
from aiscan.collectors.base import NullProgress, Scope
from aiscan.core.inventory import InventoryBuilder
from aiscan.demo.emulator import AwsEmulator, demo_environment, demo_unset
from aiscan.demo.estate import seed_aws
from aiscan.docgen import DOCS


def test_full_scan_uses_only_declared_read_permissions(monkeypatch: pytest.MonkeyPatch) -> None:
    called: set[str] = set()
    lock = threading.Lock()

    def record(model: Any, **_: Any) -> None:
        with lock:
            called.add(iam_action(model.service_model.endpoint_prefix, model.name))

    def factory(profile: str | None) -> Any:
        core = botocore.session.Session(profile=profile)
        core.register("before-call", record)
        return boto3.Session(botocore_session=core)

    with AwsEmulator() as emu:
        report = seed_aws(emu)
        for var in demo_unset(dict(os.environ)):
            monkeypatch.delenv(var)
        for var, value in demo_environment(emu.url).items():
            monkeypatch.setenv(var, value)
        sink = InventoryBuilder()
        AwsCollector(session_factory=factory).collect(
            Scope(regions=report.regions), sink, NullProgress()
        )
    inventory = sink.build()
    assert inventory.assets and all(not c.status.incomplete for c in inventory.coverage)
    assert len(called) > 40, sorted(called)
    undeclared = sorted(called - set(PERMISSIONS))
    assert not undeclared, f"called but not in the policy: {undeclared}"
    policy = json.loads((DOCS / "aws-read-only-policy.json").read_text())
    assert called <= set(policy["Statement"][0]["Action"])
