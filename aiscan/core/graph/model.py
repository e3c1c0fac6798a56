"""The graph's vocabulary and container (see the package docstring for the attribute contract)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import networkx as nx

from aiscan.core.model import Asset, RelationType

#: Synthetic node ids. They use a scheme no cloud id uses, so they never collide with an asset.
INTERNET = "aiscan:internet"
ANONYMOUS = "aiscan:anonymous"
SYNTHETIC_KINDS = ("internet", "anonymous", "public-hub", "public-registry")


def hub_node(hub: str) -> str:
    """A public model hub, e.g. hub_node("huggingface.co")."""
    return f"aiscan:hub/{hub}"


def registry_node(registry: str) -> str:
    """A public container registry, e.g. registry_node("docker.io")."""
    return f"aiscan:registry/{registry}"


class EdgeType(StrEnum):
    # collected relations, by their RelationType value
    SERVES = RelationType.SERVES.value
    USES_MODEL = RelationType.USES_MODEL.value
    STORES_ARTIFACT_IN = RelationType.STORES_ARTIFACT_IN.value
    READS_DATA_FROM = RelationType.READS_DATA_FROM.value
    WRITES_DATA_TO = RelationType.WRITES_DATA_TO.value
    RUNS_AS = RelationType.RUNS_AS.value
    PULLS_IMAGE = RelationType.PULLS_IMAGE.value
    MEMBER_OF = RelationType.MEMBER_OF.value
    GUARDED_BY = RelationType.GUARDED_BY.value
    FINE_TUNED_FROM = RelationType.FINE_TUNED_FROM.value
    PRODUCED_BY = RelationType.PRODUCED_BY.value
    USES_KNOWLEDGE_BASE = RelationType.USES_KNOWLEDGE_BASE.value
    INVOKES = RelationType.INVOKES.value
    MONITORS = RelationType.MONITORS.value
    VERSION_OF = RelationType.VERSION_OF.value
    # derived edges, each with the evidence that created it
    EXPOSED_TO = "exposed-to"  # internet / anonymous -> asset
    CAN_READ = "can-read"  # identity -> data store, model, registry
    CAN_WRITE = "can-write"
    CAN_INVOKE = "can-invoke"
    CAN_DEPLOY = "can-deploy"  # identity -> endpoint / model registry entry it can (re)deploy
    TRAINED_ON = "trained-on"  # model -> dataset / bucket its training job read
    LOADS_FROM_HUB = "loads-from-hub"  # workload -> public hub node
    AUTHENTICATES_TO = "authenticates-to"  # a secret in a workload -> the service it opens


@dataclass
class EstateGraph:
    """A MultiDiGraph plus the lookups every consumer needs. Build it with
    `aiscan.core.graph.build.build_graph(inventory)`."""

    g: nx.MultiDiGraph[str]

    def node(self, node_id: str) -> Mapping[str, Any]:
        data: Mapping[str, Any] = self.g.nodes[node_id]
        return data

    def asset(self, node_id: str) -> Asset | None:
        """The inventory asset behind a node (None for synthetic, external and unknown nodes):
        graph rules read its typed facts, never string keys."""
        data = self.g.nodes.get(node_id)
        found: Asset | None = data.get("asset") if data is not None else None
        return found

    def add_synthetic(self, node_id: str, kind: str, label: str) -> None:
        if node_id not in self.g:
            self.g.add_node(
                node_id,
                label=label,
                kind=kind,
                cloud="",
                account="",
                synthetic=True,
                external=False,
                asset=None,
            )

    def add_derived(
        self, source: str, target: str, edge: EdgeType, evidence: Mapping[str, Any]
    ) -> None:
        """A derived edge and the evidence that made it; both ends must already be nodes."""
        if source not in self.g or target not in self.g:
            raise KeyError(f"derived edge {edge} between unknown nodes {source!r} -> {target!r}")
        self.g.add_edge(source, target, type=edge.value, derived=True, evidence=dict(evidence))

    def edges(self) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
        """(source, target, attributes) of every edge, in insertion order."""
        yield from self.g.edges(data=True)

    def out_edges(self, node_id: str, *types: EdgeType) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """(target, attributes) of the edges leaving `node_id`, of the given types (any if none)."""
        wanted = {t.value for t in types}
        for _, target, data in self.g.out_edges(node_id, data=True):
            if not wanted or data["type"] in wanted:
                yield target, data

    def in_edges(self, node_id: str, *types: EdgeType) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """(source, attributes) of the edges entering `node_id`, of the given types."""
        wanted = {t.value for t in types}
        for source, _, data in self.g.in_edges(node_id, data=True):
            if not wanted or data["type"] in wanted:
                yield source, data

    def around(self, node_id: str, depth: int) -> EstateGraph:
        """The neighbourhood of `node_id` up to `depth` hops in either direction."""
        keep = set(
            nx.single_source_shortest_path_length(
                self.g.to_undirected(as_view=True), node_id, cutoff=depth
            )
        )
        return EstateGraph(self.g.subgraph(keep).copy())
