"""The estate graph as documents: GraphML, DOT, Mermaid, Cytoscape JSON (and the data the HTML
view draws, see `aiscan.reporters.html`).

Everything here works on a `GraphDoc`: plain, JSON-able node and edge records taken from the
`EstateGraph` of a result's inventory (never the node attribute ``asset``: it is a Python
object) plus the result's attack-path findings. Node ids and names come from cloud payloads and
are attacker-controlled: every format escapes them its own way (XML entities for GraphML, DOT
quoted strings, Mermaid entity codes, JSON), and characters a format cannot carry (XML 1.0
forbids most C0 controls) become U+FFFD.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from aiscan.core.graph import ANONYMOUS, INTERNET, EstateGraph, hub_node, registry_node
from aiscan.core.graph.build import build_graph
from aiscan.core.inventory import Inventory
from aiscan.core.model import Category, Finding, ScanResult

#: The node and edge attributes every export carries (``asset`` never is one).
NODE_FIELDS = ("label", "kind", "cloud", "account", "synthetic", "external", "on_path")
EDGE_FIELDS = ("type", "derived", "evidence", "on_path")
FORMATS = ("graphml", "dot", "mermaid", "cytoscape", "html")
#: Bounds: a hostile payload cannot make one label or one evidence blob huge.
LABEL_LIMIT = 300
#: Bidi embedding/override/isolate controls: a label carrying one can reorder what a graph viewer
#: shows (a name that reads as another); ids keep every character, labels are display text.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
EVIDENCE_LIMIT = 4000


@dataclass
class GraphDoc:
    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    #: attack-path findings drawn on this graph, as JSON-able dicts (see `_path_record`)
    paths: list[dict[str, Any]] = field(default_factory=list)

    def node_index(self) -> dict[str, int]:
        return {n["id"]: i for i, n in enumerate(self.nodes)}


def attack_paths(result: ScanResult) -> list[Finding]:
    """The result's attack-path findings, highest risk first (what `path-count` counts)."""
    found = [f for f in result.findings if f.category is Category.ATTACK_PATH]
    return sorted(found, key=lambda f: (-f.risk_score, f.rule_id, f.asset_id, f.fingerprint))


def result_graph(result: ScanResult) -> EstateGraph:
    inventory = Inventory.of(result.assets, result.relations, result.coverage)
    return build_graph(inventory)


def _bounded(value: Any, limit: int) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _evidence(evidence: Any) -> dict[str, Any]:
    """A JSON-able copy, bounded: a huge blob becomes its truncated text."""
    if not isinstance(evidence, dict):
        return {}
    try:
        text = json.dumps(evidence, default=str, sort_keys=True)
    except (TypeError, ValueError):
        return {"unreadable": True}
    if len(text) > EVIDENCE_LIMIT:
        return {"truncated": text[:EVIDENCE_LIMIT]}
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _path_record(f: Finding) -> dict[str, Any]:
    return {
        "rule_id": f.rule_id,
        "title": f.title,
        "severity": f.severity.value,
        "risk_score": f.risk_score,
        "asset_id": f.asset_id,
        "fingerprint": f.fingerprint,
        "message": _bounded(f.message, 2000),
        "suppressed": f.suppressed,
        "path": list(f.path),
        "hops": [
            {
                "source": h.source,
                "edge": h.edge,
                "target": h.target,
                "evidence": _evidence(h.evidence),
            }
            for h in f.hops
        ],
    }


def _hop_edges(f: Finding) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(source, target, edge type, evidence) of every step of a path finding; a finding with a
    path but no hops joins consecutive path nodes by an untyped step."""
    if f.hops:
        return [(h.source, h.target, h.edge, h.evidence) for h in f.hops]
    return [(a, b, "", {}) for a, b in zip(f.path, f.path[1:], strict=False)]


def graph_doc(
    result: ScanResult,
    *,
    around: str | None = None,
    depth: int = 2,
    paths_only: bool = False,
    graph: EstateGraph | None = None,
) -> GraphDoc:
    """The graph of `result` (its inventory, plus every attack-path hop), optionally cut to the
    neighbourhood of `around` (`depth` hops either way) or to the nodes and edges of attack
    paths. Raises KeyError when `around` is not a node."""
    g = (graph if graph is not None else result_graph(result)).g.copy()
    findings = attack_paths(result)
    on_path_nodes: set[str] = set()
    on_path_edges: set[tuple[str, str, str]] = set()
    for f in findings:
        on_path_nodes.update(f.path)
        for source, target, edge, evidence in _hop_edges(f):
            on_path_nodes.update((source, target))
            for end in (source, target):
                if end not in g:  # a hop through an id the inventory does not hold
                    _add_missing_node(g, end)
            if _has_edge(g, target, source, edge) and not _has_edge(g, source, target, edge):
                on_path_edges.add((target, source, edge))  # the relation read the other way
                continue
            if not _has_edge(g, source, target, edge):
                g.add_edge(source, target, type=edge, derived=True, evidence=dict(evidence))
            on_path_edges.add((source, target, edge))
    if around is not None:
        if around not in g:
            raise KeyError(around)
        view = EstateGraph(g).around(around, depth)
        keep = set(view.g.nodes)
    elif paths_only:
        keep = on_path_nodes
    else:
        keep = set(g.nodes)
    doc = GraphDoc()
    for node_id in sorted(keep, key=lambda n: (_order(g.nodes[n]), n)):
        data = g.nodes[node_id]
        doc.nodes.append(
            {
                "id": node_id,
                "label": _BIDI.sub("\ufffd", _bounded(data.get("label") or node_id, LABEL_LIMIT)),
                "kind": str(data.get("kind", "")),
                "cloud": str(data.get("cloud", "")),
                "account": str(data.get("account", "")),
                "synthetic": bool(data.get("synthetic", False)),
                "external": bool(data.get("external", False)),
                "on_path": node_id in on_path_nodes,
            }
        )
    seen: set[tuple[str, str, str]] = set()
    for source, target, data in sorted(
        g.edges(data=True), key=lambda e: (e[0], e[1], str(e[2].get("type", "")))
    ):
        key = (source, target, str(data.get("type", "")))
        if source not in keep or target not in keep or key in seen:
            continue
        if paths_only and around is None and key not in on_path_edges:
            continue
        seen.add(key)
        doc.edges.append(
            {
                "source": source,
                "target": target,
                "type": key[2],
                "derived": bool(data.get("derived", False)),
                "evidence": _evidence(data.get("evidence", {})),
                "on_path": key in on_path_edges,
            }
        )
    doc.paths = [
        _path_record(f)
        for f in findings
        if around is None or keep.intersection(f.path) or f.asset_id in keep
    ]
    return doc


def _has_edge(g: nx.MultiDiGraph[str], source: str, target: str, edge: str) -> bool:
    return any(d.get("type") == edge for d in (g.get_edge_data(source, target) or {}).values())


def _add_missing_node(g: nx.MultiDiGraph[str], node_id: str) -> None:
    """A synthetic entry point (internet, anonymous, a public hub or registry) the builder did
    not add, or an id outside the inventory (an external node)."""
    kind, label = "external", node_id
    if node_id == INTERNET:
        kind, label = "internet", "internet"
    elif node_id == ANONYMOUS:
        kind, label = "anonymous", "anonymous / all users"
    elif node_id.startswith(hub_node("")):
        kind, label = "public-hub", node_id.removeprefix(hub_node(""))
    elif node_id.startswith(registry_node("")):
        kind, label = "public-registry", node_id.removeprefix(registry_node(""))
    g.add_node(node_id, label=label, kind=kind, cloud="", account="",
               synthetic=kind != "external", external=kind == "external")  # fmt: skip


def _order(data: Any) -> int:
    """Synthetic entry points first, then assets, then external ids."""
    if data.get("synthetic"):
        return 0
    return 2 if data.get("external") else 1


# --- GraphML -----------------------------------------------------------------------------------

#: Characters XML 1.0 cannot carry at all (even as a character reference).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(value: Any) -> str:
    """Text safe inside an XML attribute or element: entities for markup characters and for
    the whitespace an attribute would normalise away; XML-invalid characters as U+FFFD."""
    text = _XML_INVALID.sub("\ufffd", str(value))
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&apos;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("\t", "&#9;")
    )


def _graphml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return xml_text(json.dumps(value, sort_keys=True, default=str))
    return xml_text(value)


def to_graphml(doc: GraphDoc) -> str:
    """GraphML (networkx, yEd, Gephi read it). Evidence is a JSON string attribute."""
    types = {"synthetic": "boolean", "external": "boolean", "on_path": "boolean",
             "derived": "boolean"}  # fmt: skip
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ]
    for name in NODE_FIELDS:
        kind = types.get(name, "string")
        lines.append(f'  <key id="n_{name}" for="node" attr.name="{name}" attr.type="{kind}"/>')
    for name in EDGE_FIELDS:
        kind = types.get(name, "string")
        lines.append(f'  <key id="e_{name}" for="edge" attr.name="{name}" attr.type="{kind}"/>')
    lines.append('  <graph id="aiscan" edgedefault="directed">')
    for node in doc.nodes:
        lines.append(f'    <node id="{xml_text(node["id"])}">')
        lines.extend(
            f'      <data key="n_{name}">{_graphml_value(node[name])}</data>'
            for name in NODE_FIELDS
        )
        lines.append("    </node>")
    for i, edge in enumerate(doc.edges):
        lines.append(
            f'    <edge id="e{i}" source="{xml_text(edge["source"])}" '
            f'target="{xml_text(edge["target"])}">'
        )
        lines.extend(
            f'      <data key="e_{name}">{_graphml_value(edge[name])}</data>'
            for name in EDGE_FIELDS
        )
        lines.append("    </edge>")
    lines += ["  </graph>", "</graphml>"]
    return "\n".join(lines) + "\n"


# --- DOT ---------------------------------------------------------------------------------------

_DOT_CONTROL = re.compile("[\x00-\x1f\x7f]")


def dot_quote(value: Any) -> str:
    """A DOT quoted string: backslash and double quote escaped (so a name cannot close the
    string or start a Graphviz escape like \\N), newlines as \\n, other controls as U+FFFD."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    text = text.replace("\r\n", "\n").replace("\n", "\\n").replace("\r", "\\n")
    return '"' + _DOT_CONTROL.sub("\ufffd", text) + '"'


_DOT_COLOURS = {"internet": "#d62728", "anonymous": "#d62728", "external": "#999999"}


def to_dot(doc: GraphDoc) -> str:
    """Graphviz DOT (`dot -Tsvg`). Attack-path nodes and edges are drawn red and bold."""
    lines = ["digraph aiscan {", "  rankdir=LR;", '  node [shape=box, fontname="Helvetica"];']
    for node in doc.nodes:
        attrs = {
            "label": f"{node['label']}\n{node['kind']}",
            "kind": node["kind"],
            "cloud": node["cloud"],
            "account": node["account"],
        }
        style = []
        if node["on_path"]:
            style.append('color="#c00000", penwidth=2')
        if node["kind"] in _DOT_COLOURS:
            style.append(f'fontcolor="{_DOT_COLOURS[node["kind"]]}"')
        body = ", ".join([f"{k}={dot_quote(v)}" for k, v in attrs.items()] + style)
        lines.append(f"  {dot_quote(node['id'])} [{body}];")
    for edge in doc.edges:
        attrs = {"label": edge["type"], "type": edge["type"],
                 "evidence": json.dumps(edge["evidence"], sort_keys=True, default=str)}  # fmt: skip
        style = []
        if edge["derived"]:
            style.append("style=dashed")
        if edge["on_path"]:
            style.append('color="#c00000", penwidth=2')
        body = ", ".join([f"{k}={dot_quote(v)}" for k, v in attrs.items()] + style)
        lines.append(f"  {dot_quote(edge['source'])} -> {dot_quote(edge['target'])} [{body}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- Mermaid -----------------------------------------------------------------------------------

_MERMAID_SAFE = re.compile(r"[A-Za-z0-9 _.,:/@=+-]")


def mermaid_text(value: Any) -> str:
    """Mermaid label text: every character outside a small safe set as an entity code
    (`#34;`), so a name cannot close the label, start markup or inject a directive."""
    return "".join(c if _MERMAID_SAFE.fullmatch(c) else f"#{ord(c)};" for c in str(value))


def to_mermaid(doc: GraphDoc) -> str:
    """A Mermaid flowchart (renders in GitHub / GitLab Markdown). Nodes get generated ids n0,
    n1 ...; their labels are the asset names, their full ids are in the GraphML/JSON exports."""
    index = doc.node_index()
    lines = ["flowchart LR"]
    for i, node in enumerate(doc.nodes):
        label = mermaid_text(f"{_bounded(node['label'], 60)} ({node['kind']})")
        lines.append(f'  n{i}["{label}"]')
    on_path = []
    for k, edge in enumerate(doc.edges):
        arrow = "-.->" if edge["derived"] else "-->"
        label = mermaid_text(edge["type"])
        lines.append(f'  n{index[edge["source"]]} {arrow}|"{label}"| n{index[edge["target"]]}')
        if edge["on_path"]:
            on_path.append(str(k))
    path_nodes = [f"n{i}" for i, n in enumerate(doc.nodes) if n["on_path"]]
    if path_nodes:
        lines.append("  classDef onpath stroke:#c00000,stroke-width:3px")
        lines.append(f"  class {','.join(path_nodes)} onpath")
    if on_path:
        lines.append(f"  linkStyle {','.join(on_path)} stroke:#c00000,stroke-width:3px")
    return "\n".join(lines) + "\n"


# --- Cytoscape JSON ----------------------------------------------------------------------------


def to_cytoscape(doc: GraphDoc) -> str:
    """Cytoscape.js elements JSON (`cy.add(doc.elements)`; Cytoscape desktop imports it)."""
    nodes = [{"data": dict(node)} for node in doc.nodes]
    edges = [
        {"data": {"id": f"e{i}", **edge}, "classes": "on-path" if edge["on_path"] else ""}
        for i, edge in enumerate(doc.edges)
    ]
    body = {
        "format_version": "1.0",
        "generated_by": "aiscan",
        "data": {"attack_paths": doc.paths},
        "directed": True,
        "multigraph": True,
        "elements": {"nodes": nodes, "edges": edges},
    }
    return json.dumps(body, indent=2, sort_keys=False, default=str) + "\n"


def render(doc: GraphDoc, fmt: str, *, title: str = "aiscan estate graph") -> str:
    if fmt == "graphml":
        return to_graphml(doc)
    if fmt == "dot":
        return to_dot(doc)
    if fmt == "mermaid":
        return to_mermaid(doc)
    if fmt == "cytoscape":
        return to_cytoscape(doc)
    if fmt == "html":
        from aiscan.reporters.html import graph_page

        return graph_page(doc, title=title)
    raise ValueError(f"unknown graph format {fmt!r} (known: {', '.join(FORMATS)})")
