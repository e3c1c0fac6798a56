"""Build the EstateGraph of an inventory: asset nodes, collected relations, external nodes.

Derived edges (exposed-to, can-*, trained-on, loads-from-hub ...) are added by the modules of
this package, each edge with the evidence that created it.
"""

from __future__ import annotations

import networkx as nx

from aiscan.core.graph.derive import derive_all
from aiscan.core.graph.model import EstateGraph
from aiscan.core.inventory import Inventory


def build_graph(inventory: Inventory) -> EstateGraph:
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for asset in inventory.assets:
        g.add_node(
            asset.id,
            label=asset.name,
            kind=asset.kind.value,
            cloud=asset.cloud.value,
            account=asset.account,
            synthetic=False,
            external=False,
            asset=asset,
        )
    for rel in inventory.relations:
        for end in (rel.source, rel.target):
            if end not in g:  # a relation to an id outside the inventory: keep it as a node
                g.add_node(
                    end,
                    label=end,
                    kind="external",
                    cloud="",
                    account="",
                    synthetic=False,
                    external=True,
                    asset=None,
                )
        g.add_edge(rel.source, rel.target, type=rel.type.value, derived=False, evidence={})
    graph = EstateGraph(g)
    derive_all(graph)
    return graph
