"""The security graph of an estate: assets as nodes, relations and derived edges between them.

This package is the contract between the graph builder (derived edges), the graph rules (attack
paths) and the graph reporters (GraphML, DOT, Mermaid, Cytoscape JSON, HTML). It knows no SDK.

Nodes are keyed by asset id. Node attributes: ``label`` (human name), ``kind`` (an AssetKind
value, or a synthetic kind below), ``cloud``, ``account``, ``synthetic`` (True for `internet`,
the anonymous principal, public hubs and registries) and ``external`` (True for an id a relation
names that is not in the inventory: kept as a node, never dropped) and ``asset`` (the inventory
Asset, None for synthetic and external nodes; read its typed facts through `EstateGraph.asset`).
Reporters must not serialise ``asset``: it is a Python object, not an attribute.

Edges (a MultiDiGraph: two nodes may be joined by several edge types) carry ``type`` (an
EdgeType value), ``derived`` (False for a collected relation, True for an edge the builder
inferred) and ``evidence`` (a JSON-able dict saying what was read that made the edge).
"""

from __future__ import annotations

from aiscan.core.graph.model import (
    ANONYMOUS,
    INTERNET,
    SYNTHETIC_KINDS,
    EdgeType,
    EstateGraph,
    hub_node,
    registry_node,
)

__all__ = [
    "ANONYMOUS",
    "INTERNET",
    "SYNTHETIC_KINDS",
    "EdgeType",
    "EstateGraph",
    "hub_node",
    "registry_node",
]
