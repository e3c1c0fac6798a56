"""The model-tampering chain on a moto estate read by the real collector, and its broken twin."""

from __future__ import annotations

from typing import Any

from moto import mock_aws

from aiscan.core.graph.build import build_graph
from aiscan.core.graph.model import INTERNET, EdgeType, EstateGraph
from tests.graph import estates


def targets(graph: EstateGraph, source: str, kind: EdgeType) -> dict[str, dict[str, Any]]:
    return {t: dict(d["evidence"]) for t, d in graph.out_edges(source, kind)}


@mock_aws
def test_the_chain_and_its_broken_twin():
    chain = estates.seed_model_tampering()
    twin = estates.seed_model_tampering("twin-", broken=True)
    inv = estates.collect()
    assert all(not c.status.incomplete for c in inv.coverage), [
        (c.service, c.message) for c in inv.coverage
    ]
    g = build_graph(inv)

    # internet -> instance: public IP and 8888 open to the world
    exposed = targets(g, INTERNET, EdgeType.EXPOSED_TO)
    assert chain.instance in exposed and twin.instance not in exposed
    assert exposed[chain.instance]["ports"] == ["tcp/8888"]  # the same notation in every cloud
    # instance -> role, resolved through the instance profile
    assert list(targets(g, chain.instance, EdgeType.RUNS_AS)) == [chain.role]
    assert list(targets(g, twin.instance, EdgeType.RUNS_AS)) == [twin.role]
    assert inv.get(chain.instance).attributes["instance_profile"] == chain.profile  # type: ignore[union-attr]
    # role -> bucket: can write (the twin can only read)
    write = targets(g, chain.role, EdgeType.CAN_WRITE)
    assert set(write) == {chain.bucket}
    assert write[chain.bucket]["policy"] == "artifacts"
    assert write[chain.bucket]["actions"] == ["s3:PutObject"]
    assert write[chain.bucket]["resource"] == f"{chain.bucket}/*"
    assert targets(g, twin.role, EdgeType.CAN_WRITE) == {}
    assert set(targets(g, twin.role, EdgeType.CAN_READ)) == {twin.bucket}
    # a role reaches only the buckets its patterns name
    assert twin.bucket not in targets(g, chain.role, EdgeType.CAN_READ)
    # endpoint -> model -> bucket: the collected relations the chain ends with
    for e in (chain, twin):
        assert list(targets(g, e.endpoint, EdgeType.SERVES)) == [e.model]
        assert list(targets(g, e.model, EdgeType.STORES_ARTIFACT_IN)) == [e.bucket]
        assert set(targets(g, e.serving_role, EdgeType.CAN_READ)) == {e.bucket}
        assert targets(g, e.serving_role, EdgeType.CAN_WRITE) == {}
    # every derived edge carries its evidence
    assert all(d["evidence"] for _, _, d in g.edges() if d["derived"])
