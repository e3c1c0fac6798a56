"""The real Azure collector (azure-core pipeline, ResourceGraphClient) against `FakeArm`, the
local server that answers with ARM and Resource Graph JSON shapes from an estate file."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from aiscan.collectors.azure import AzureCollector
from aiscan.collectors.base import NullProgress, Scope
from aiscan.collectors.settings import AzureSettings
from aiscan.core.inventory import Inventory, InventoryBuilder
from aiscan.demo.azure import FakeArm, load_estate

S1 = "11111111-1111-4111-8111-111111111111"
S2 = "22222222-2222-4222-8222-222222222222"
DENIED = "33333333-3333-4333-8333-333333333333"
RG1 = f"/subscriptions/{S1}/resourcegroups/rg-ai-prod/providers"


@pytest.fixture
def estate() -> dict[str, Any]:
    return copy.deepcopy(load_estate())


@pytest.fixture
def fake(estate: dict[str, Any]) -> Iterator[FakeArm]:
    # Small pages so that every list follows nextLink and Resource Graph follows $skipToken.
    with FakeArm(estate, page_size=2, graph_page_size=7) as arm:
        yield arm


@pytest.fixture
def scan(fake: FakeArm, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Inventory]:
    def run(**scope: Any) -> Inventory:
        for key, value in fake.environment().items():
            monkeypatch.setenv(key, value)
        options = {"azure_cloud": "public", "subscriptions": scope.pop("subscriptions", ())}
        sink = InventoryBuilder()
        settings = AzureSettings.from_environ(os.environ)
        collector = AzureCollector(settings=settings)
        collector.collect(Scope(options=options, **scope), sink, NullProgress())
        return sink.build()

    return run


def by_name(inv: Inventory, suffix: str) -> Any:
    found = [a for a in inv.assets if a.id.endswith(suffix.lower())]
    assert len(found) == 1, (suffix, [a.id for a in found])
    return found[0]


def coverage(inv: Inventory) -> dict[tuple[str, str], Any]:
    return {(c.account, c.service): c for c in inv.coverage}
