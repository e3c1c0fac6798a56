"""Derived edges: what the graph infers from typed facts, each edge with its evidence.

Each module here owns one source of edges and exposes `derive(graph) -> None`, which reads the
assets through `graph.asset(id).facts` and adds edges with `graph.add_derived`. `build_graph`
runs them in the order of `DERIVERS`: cloud-specific grants and exposure first, then the
cross-cloud edges (trained-on, loads-from-hub, pulls-image, authenticates-to) that may build on
them.
"""

from __future__ import annotations

from collections.abc import Callable

from aiscan.core.graph.derive import aws, azure, common, gcp
from aiscan.core.graph.model import EstateGraph

Deriver = Callable[[EstateGraph], None]

DERIVERS: tuple[Deriver, ...] = (aws.derive, azure.derive, gcp.derive, common.derive)


def derive_all(graph: EstateGraph) -> None:
    for deriver in DERIVERS:
        deriver(graph)
