"""The bundled demo estates (Azure, Google Cloud) through the real collectors and the graph:
derived edges join existing nodes, their evidence is JSON and bounded, and the demo's
misconfigured GPU hosts reach the model stores while their hardened twins do not."""

from __future__ import annotations

import json
import os
from functools import cache

from aiscan.collectors.azure import AzureCollector
from aiscan.collectors.base import NullProgress, Scope
from aiscan.collectors.gcp import GcpCollector
from aiscan.core.graph import INTERNET, EdgeType, EstateGraph
from aiscan.core.graph.build import build_graph
from aiscan.core.inventory import InventoryBuilder
from aiscan.demo.azure import FakeArm, load_estate
from aiscan.demo.gcp import GcpFake


@cache
def azure() -> EstateGraph:
    with FakeArm(load_estate()) as arm:
        sink = InventoryBuilder()
        AzureCollector(settings=arm.settings()).collect(
            Scope(options={"azure_cloud": "public"}), sink, NullProgress()
        )
    return build_graph(sink.build())


@cache
def gcp() -> EstateGraph:
    with GcpFake() as fake:
        sink = InventoryBuilder()
        settings = fake.settings().model_copy(update={"backoff": 0.001})
        GcpCollector(settings=settings).collect(Scope(), sink, NullProgress())
    return build_graph(sink.build())


def derived(graph: EstateGraph) -> list[tuple[str, str, dict]]:
    return [(s, t, dict(d)) for s, t, d in graph.edges() if d["derived"]]


def test_derived_edges_are_json_bounded_and_typed():
    for graph in (azure(), gcp()):
        found = derived(graph)
        assert found
        for source, target, data in found:
            assert source in graph.g and target in graph.g
            assert data["type"] in {t.value for t in EdgeType}
            text = json.dumps(data["evidence"])
            assert len(text) < 8000
            if data["type"].startswith("can-"):
                assert {"source", "policy", "actions", "resource"} <= set(data["evidence"])
            if data["type"] == EdgeType.EXPOSED_TO.value:
                assert source == INTERNET and "reason" in data["evidence"]


def test_no_secret_value_reaches_evidence():
    for graph in (azure(), gcp()):
        text = json.dumps([d["evidence"] for _, _, d in derived(graph)])
        assert "hf_" not in text and os.environ.get("AISCAN_AZURE_TOKEN", "§") not in text


def test_demo_gpu_hosts_exposed_and_their_identities_write_model_stores():
    az = azure()
    vm = next(n for n in az.g if n.endswith("virtualmachines/vm-gpu-jupyter"))
    assert any(t == vm for t, _ in az.out_edges(INTERNET, EdgeType.EXPOSED_TO))
    (ident,) = [t for t, _ in az.out_edges(vm, EdgeType.RUNS_AS)]
    writes = {t.rsplit("/", 1)[-1] for t, _ in az.out_edges(ident, EdgeType.CAN_WRITE)}
    assert "models" in writes  # Contributor on the subscription, through the account keys
    g = gcp()
    box = next(n for n in g.g if n.endswith("instances/llm-inference-gpu"))
    hardened = next(n for n in g.g if n.endswith("instances/llm-inference-gpu-hardened"))
    exposed = {t for t, _ in g.out_edges(INTERNET, EdgeType.EXPOSED_TO)}
    assert box in exposed and hardened not in exposed
    (sa,) = [t for t, _ in g.out_edges(box, EdgeType.RUNS_AS)]
    assert any(
        t.endswith("buckets/acme-ml-artifacts") for t, _ in g.out_edges(sa, EdgeType.CAN_WRITE)
    )
