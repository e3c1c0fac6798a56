"""The graph exports read back as the graph they describe, for hostile names too: GraphML
through networkx, DOT and Mermaid through their quoting rules, Cytoscape JSON by its shape."""

from __future__ import annotations

import io
import json
import re

import networkx as nx
import pytest

from aiscan.core.graph import INTERNET
from aiscan.reporters.graph import graph_doc, render, to_cytoscape, to_dot, to_graphml, to_mermaid
from tests.graphout.estate import (
    BUCKET,
    ENDPOINT,
    HOSTILE_NAME,
    MODEL,
    NB,
    OTHER,
    OUTSIDE,
    ROLE,
    estate,
)

PATH_NODES = {INTERNET, NB, ROLE, BUCKET, MODEL, ENDPOINT}


def test_the_graph_holds_assets_external_ids_and_the_hops_of_attack_paths():
    doc = graph_doc(estate())
    ids = {n["id"]: n for n in doc.nodes}
    assert set(ids) == PATH_NODES | {OTHER, OUTSIDE}
    assert ids[OUTSIDE]["external"] and ids[OUTSIDE]["kind"] == "external"
    assert ids[INTERNET]["synthetic"] and ids[INTERNET]["kind"] == "internet"
    assert {i for i, n in ids.items() if n["on_path"]} == PATH_NODES
    edges = {(e["source"], e["target"], e["type"]): e for e in doc.edges}
    # a hop the inventory's relations do not hold becomes a derived edge with its evidence
    can_write = edges[(ROLE, BUCKET, "can-write")]
    assert can_write["derived"] and can_write["evidence"]["actions"] == ["s3:PutObject"]
    # a hop along a collected relation marks that relation, even read the other way round
    assert edges[(NB, ROLE, "runs-as")]["on_path"] and not edges[(NB, ROLE, "runs-as")]["derived"]
    assert edges[(ENDPOINT, MODEL, "serves")]["on_path"]
    assert (MODEL, ENDPOINT, "serves") not in edges
    assert not edges[(ENDPOINT, OUTSIDE, "writes-data-to")]["on_path"]
    assert all("asset" not in n for n in doc.nodes)
    assert [p["rule_id"] for p in doc.paths] == ["XC-PATH-001"]


def test_paths_keeps_only_the_nodes_and_edges_of_attack_paths():
    doc = graph_doc(estate(), paths_only=True)
    assert {n["id"] for n in doc.nodes} == PATH_NODES
    assert all(e["on_path"] for e in doc.edges)
    assert len(doc.edges) == 5


def test_around_is_the_neighbourhood_in_either_direction():
    doc = graph_doc(estate(), around=MODEL, depth=1)
    assert {n["id"] for n in doc.nodes} == {MODEL, BUCKET, ENDPOINT}
    wider = graph_doc(estate(), around=MODEL, depth=2)
    assert {ROLE, OUTSIDE} <= {n["id"] for n in wider.nodes}
    assert OTHER not in {n["id"] for n in wider.nodes}
    with pytest.raises(KeyError):
        graph_doc(estate(), around="arn:aws:s3:::nope")


def test_no_attack_path_means_an_empty_path_list():
    doc = graph_doc(estate(paths=0))
    assert doc.paths == [] and not any(n["on_path"] for n in doc.nodes)
    assert graph_doc(estate(paths=0), paths_only=True).nodes == []


def test_graphml_reads_back_with_networkx_hostile_names_included():
    doc = graph_doc(estate(hostile=HOSTILE_NAME))
    text = to_graphml(doc)
    g = nx.read_graphml(io.StringIO(text))
    assert set(g.nodes) == {n["id"] for n in doc.nodes}
    assert g.number_of_edges() == len(doc.edges)
    label = g.nodes[NB]["label"]
    # every character survives except the ESC control XML cannot carry and the bidi override a
    # viewer would obey
    assert label == (HOSTILE_NAME + "nb").replace("\x1b", "\ufffd").replace("\u202e", "\ufffd")
    assert g.nodes[NB]["on_path"] is True and g.nodes[OTHER]["on_path"] is False
    evidence = [json.loads(d["evidence"]) for _, _, d in g.edges(data=True)
                if d["type"] == "can-write"]  # fmt: skip
    assert evidence == [doc.edges[[e["type"] for e in doc.edges].index("can-write")]["evidence"]]
    assert "asset" not in text and "\x1b" not in text
    assert "<img" not in text and "</script>" not in text


def test_graphml_keeps_ids_with_newlines_and_quotes():
    odd = 'arn:aws:s3:::a"b\nc<d>&'
    result = estate()
    result = result.model_copy(
        update={"assets": (*result.assets, result.assets[2].model_copy(update={"id": odd}))}
    )
    g = nx.read_graphml(io.StringIO(to_graphml(graph_doc(result))))
    assert odd in g.nodes


_DOT_STRING = r'"(?:[^"\\]|\\.)*"'
_DOT_NODE = re.compile(rf"^  ({_DOT_STRING}) \[(.*)\];$")
_DOT_EDGE = re.compile(rf"^  ({_DOT_STRING}) -> ({_DOT_STRING}) \[(.*)\];$")
_DOT_ATTR = re.compile(rf"(\w+)=({_DOT_STRING}|[^,\s]+)")


def dot_unquote(token: str) -> str:
    assert token.startswith('"') and token.endswith('"')
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), token[1:-1])


def parse_dot(text: str) -> tuple[dict[str, dict[str, str]], list[tuple[str, str, dict[str, str]]]]:
    lines = text.splitlines()
    assert lines[0] == "digraph aiscan {" and lines[-1] == "}"
    nodes, edges = {}, []
    for line in lines[1:-1]:
        if m := _DOT_EDGE.match(line):
            attrs = {k: dot_unquote(v) for k, v in _DOT_ATTR.findall(m.group(3)) if v[0] == '"'}
            edges.append((dot_unquote(m.group(1)), dot_unquote(m.group(2)), attrs))
        elif m := _DOT_NODE.match(line):
            attrs = {k: dot_unquote(v) for k, v in _DOT_ATTR.findall(m.group(2)) if v[0] == '"'}
            nodes[dot_unquote(m.group(1))] = attrs
        else:
            assert line.startswith(("  rankdir", "  node [")), line
    return nodes, edges


def test_dot_quotes_every_id_and_label_so_hostile_names_cannot_break_out():
    doc = graph_doc(estate(hostile=HOSTILE_NAME))
    text = to_dot(doc)
    nodes, edges = parse_dot(text)
    assert set(nodes) == {n["id"] for n in doc.nodes}
    assert len(edges) == len(doc.edges)
    label = nodes[NB]["label"]
    assert label.startswith('</script><img src=x onerror="alert(1)">"\'&\\N<b>')
    assert label.endswith("nb\nnotebook")
    assert "\x1b" not in text
    can_write = next(a for s, t, a in edges if a["type"] == "can-write")
    assert json.loads(can_write["evidence"])["source"] == "iam-policy"


_MM_NODE = re.compile(r'^  n(\d+)\["([^"\[\]|<>\n]*)"\]$')
_MM_EDGE = re.compile(r'^  n(\d+) (-->|-\.->)\|"([^"|]*)"\| n(\d+)$')


def mermaid_unescape(text: str) -> str:
    return re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), text)


def test_mermaid_labels_are_entity_coded_and_the_structure_parses():
    doc = graph_doc(estate(hostile=HOSTILE_NAME))
    text = to_mermaid(doc)
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    nodes, edges = {}, []
    for line in lines[1:]:
        if m := _MM_NODE.match(line):
            nodes[int(m.group(1))] = mermaid_unescape(m.group(2))
        elif m := _MM_EDGE.match(line):
            edges.append((int(m.group(1)), mermaid_unescape(m.group(3)), int(m.group(4))))
        else:
            assert line.startswith(("  classDef ", "  class ", "  linkStyle ")), line
    assert len(nodes) == len(doc.nodes) and len(edges) == len(doc.edges)
    nb = [i for i, n in enumerate(doc.nodes) if n["id"] == NB][0]
    assert nodes[nb].startswith(HOSTILE_NAME[:20])
    assert {t for _, t, _ in edges} >= {"exposed-to", "can-write", "serves"}
    assert "<img" not in text and "</script>" not in text and "\x1b" not in text


def test_cytoscape_json_has_the_elements_shape():
    doc = graph_doc(estate(hostile=HOSTILE_NAME))
    body = json.loads(to_cytoscape(doc))
    nodes, edges = body["elements"]["nodes"], body["elements"]["edges"]
    ids = {n["data"]["id"] for n in nodes}
    assert ids == {n["id"] for n in doc.nodes}
    assert all({"id", "source", "target", "type"} <= set(e["data"]) for e in edges)
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in edges)
    assert len({e["data"]["id"] for e in edges}) == len(edges)
    assert body["data"]["attack_paths"][0]["hops"][2]["edge"] == "can-write"
    label = next(n for n in nodes if n["data"]["id"] == NB)["data"]["label"]
    assert label == (HOSTILE_NAME + "nb").replace("\u202e", "\ufffd")  # no bidi override shown
    assert "asset" not in {k for n in nodes for k in n["data"]}


def test_render_rejects_an_unknown_format():
    with pytest.raises(ValueError, match="unknown graph format"):
        render(graph_doc(estate()), "png")
