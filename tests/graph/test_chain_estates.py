"""End to end: estates with a planted model-tampering chain, scanned by the real Azure and GCP
collectors against the local fakes, yield the chain's derived edges; each broken twin lacks
exactly the edge of the link it breaks."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from aiscan.core.graph import INTERNET, EdgeType, EstateGraph
from aiscan.core.graph.build import build_graph
from tests.graph import estates_azure, estates_gcp


@cache
def azure_graph(broken: str | None) -> EstateGraph:
    return build_graph(estates_azure.scan_azure_estate(estates_azure.azure_estate(broken)))


@cache
def gcp_graph(broken: str | None) -> EstateGraph:
    return build_graph(estates_gcp.scan_gcp_estate(estates_gcp.gcp_estate(broken)))


def edge(graph: EstateGraph, source: str, type_: EdgeType, target: str) -> dict[str, Any] | None:
    for found, data in graph.out_edges(source, type_):
        if found == target:
            return dict(data)
    return None


def chain(graph: EstateGraph, ids: dict[str, str], store: str) -> dict[str, Any]:
    """The hops of entry -> crown jewel that are present (None for a missing hop)."""
    return {
        "exposed": edge(graph, INTERNET, EdgeType.EXPOSED_TO, ids["vm"]),
        "runs-as": edge(graph, ids["vm"], EdgeType.RUNS_AS, ids["vm_identity"]),
        "can-write": edge(graph, ids["vm_identity"], EdgeType.CAN_WRITE, ids[store]),
        "stored": edge(graph, ids["model"], EdgeType.STORES_ARTIFACT_IN, ids[store]),
        "serves": edge(graph, ids["endpoint"], EdgeType.SERVES, ids["model"]),
    }


# -- Azure ----------------------------------------------------------------------------------------


def test_azure_planted_chain_has_every_hop_with_its_evidence():
    ids = estates_azure.ids()
    hops = chain(azure_graph(None), ids, "container")
    assert all(hops.values()), {k: v is not None for k, v in hops.items()}
    assert hops["exposed"]["derived"] and hops["exposed"]["evidence"]["ports"] == [
        "tcp/22",
        "tcp/8888",
    ]
    write = hops["can-write"]["evidence"]
    assert write["source"] == "role-assignment"
    assert write["policy"] == "Storage Blob Data Contributor"
    assert write["resource"].lower() == ids["storage"]
    assert (
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write"
        in (write["actions"])
    )
    # the live endpoint itself answers the internet with keys
    ep = edge(azure_graph(None), INTERNET, EdgeType.EXPOSED_TO, ids["endpoint"])
    assert ep is not None and ep["evidence"]["auth"] == "key"


@pytest.mark.parametrize(
    ("broken", "missing"),
    [("reader", "can-write"), ("no-public-ip", "exposed")],
)
def test_azure_broken_twin_lacks_exactly_that_hop(broken, missing):
    hops = chain(azure_graph(broken), estates_azure.ids(), "container")
    assert hops[missing] is None
    assert all(v is not None for k, v in hops.items() if k != missing)


def test_azure_reader_twin_still_reads_and_entra_endpoint_is_not_exposed():
    ids = estates_azure.ids()
    assert edge(azure_graph("reader"), ids["vm_identity"], EdgeType.CAN_READ, ids["container"])
    assert edge(azure_graph("entra"), INTERNET, EdgeType.EXPOSED_TO, ids["endpoint"]) is None
    assert all(chain(azure_graph("entra"), ids, "container").values())


# -- Google Cloud ---------------------------------------------------------------------------------


def test_gcp_planted_chain_has_every_hop_with_its_evidence():
    ids = estates_gcp.ids()
    hops = chain(gcp_graph(None), ids, "bucket")
    assert all(hops.values()), {k: v is not None for k, v in hops.items()}
    assert hops["exposed"]["evidence"]["ports"] == ["tcp/22", "tcp/8000"]
    write = hops["can-write"]["evidence"]
    assert (write["source"], write["policy"], write["level"]) == (
        "iam-binding",
        "roles/storage.objectAdmin",
        "bucket",
    )
    assert write["member"] == f"serviceAccount:{estates_gcp.RUNNER}"
    # the endpoint's own account can redeploy it (project-level roles/aiplatform.user)
    deploy = edge(gcp_graph(None), ids["serving_identity"], EdgeType.CAN_DEPLOY, ids["endpoint"])
    assert deploy is not None and deploy["evidence"]["level"] == "project"
    # Vertex AI prediction needs a Google identity: the endpoint is not internet-exposed
    assert edge(gcp_graph(None), INTERNET, EdgeType.EXPOSED_TO, ids["endpoint"]) is None


@pytest.mark.parametrize(
    ("broken", "missing"),
    [("viewer", "can-write"), ("no-external-ip", "exposed")],
)
def test_gcp_broken_twin_lacks_exactly_that_hop(broken, missing):
    hops = chain(gcp_graph(broken), estates_gcp.ids(), "bucket")
    assert hops[missing] is None
    assert all(v is not None for k, v in hops.items() if k != missing)
