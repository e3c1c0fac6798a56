"""Self-contained HTML: the graph view (`aiscan graph --format html`) and the scan report
(`aiscan scan -o html=report.html`).

One file that works offline: no CDN, no external URL, no JS library. The layout is computed
here (layers by breadth-first depth from the entry points, deterministic order inside a layer)
and drawn as inline SVG; a little vanilla JS highlights a path or a node's neighbours, filters by
kind and searches names. A Content-Security-Policy forbids every network load.

Everything from a result is attacker-controlled text: it reaches the page only through
`html.escape` (element text and attribute values), or as JSON inside
``<script type="application/json">`` with ``<``, ``>`` and ``&`` escaped, so a name holding
``</script>`` or ``<img onerror>`` stays text. The script writes names with ``textContent``
only. Display text also loses control and bidi characters (`clean_text`).
"""

from __future__ import annotations

import html
import json
from collections import Counter, defaultdict, deque
from typing import Any, ClassVar

from aiscan.core.model import ScanResult, Severity
from aiscan.core.sanitize import clean_text
from aiscan.reporters.base import Reporter
from aiscan.reporters.graph import GraphDoc, attack_paths, graph_doc, result_graph

#: Past this many nodes the report draws only the attack-path graph (the full graph is one
#: `aiscan graph --format html` away).
REPORT_GRAPH_LIMIT = 400
ROWS_PER_COLUMN = 18
COL_W, ROW_H, NODE_W, NODE_H, MARGIN = 250, 52, 200, 38, 24

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)

KIND_COLOURS = {
    "internet": "#d62728",
    "anonymous": "#d62728",
    "public-hub": "#e377c2",
    "public-registry": "#e377c2",
    "external": "#9e9e9e",
    "identity": "#9467bd",
    "bucket": "#2ca02c",
    "dataset": "#2ca02c",
    "model": "#1f77b4",
    "model-registry": "#1f77b4",
    "endpoint": "#ff7f0e",
    "llm-service": "#ff7f0e",
    "llm-deployment": "#ff7f0e",
    "agent": "#8c564b",
    "notebook": "#17becf",
    "gpu-compute": "#17becf",
    "training-job": "#bcbd22",
    "pipeline": "#bcbd22",
}


def esc(value: Any, limit: int = 500) -> str:
    """Text for an HTML element or attribute: controls/bidi removed, bounded, escaped."""
    return html.escape(clean_text(value, limit), quote=True)


def json_script(value: Any) -> str:
    """JSON safe inside a <script> element: no `<`, `>` or `&` can end it or open a comment."""
    text = json.dumps(value, default=str, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# --- layout ------------------------------------------------------------------------------------


def layers(doc: GraphDoc) -> list[int]:
    """Each node's layer: breadth-first depth from the entry points (synthetic nodes, then
    nodes nothing points at; a cycle with no entry starts from its first node in order)."""
    index = doc.node_index()
    out: defaultdict[int, list[int]] = defaultdict(list)
    indegree = [0] * len(doc.nodes)
    for e in doc.edges:
        s, t = index[e["source"]], index[e["target"]]
        out[s].append(t)
        indegree[t] += 1
    layer = [-1] * len(doc.nodes)
    for p in doc.paths:  # an attack path reads left to right, entry first
        for k, node_id in enumerate(p["path"]):
            i = index.get(node_id, -1)
            if i >= 0 and (layer[i] < 0 or k < layer[i]):
                layer[i] = k
    roots = sorted(i for i in range(len(layer)) if layer[i] >= 0)
    roots += [i for i, n in enumerate(doc.nodes) if n["synthetic"] and layer[i] < 0]
    roots += [i for i in range(len(doc.nodes)) if indegree[i] == 0 and layer[i] < 0]
    roots = list(dict.fromkeys(roots))
    for i in roots:
        layer[i] = max(layer[i], 0)
    pending = deque(sorted(roots, key=lambda i: (layer[i], i)))
    nxt = 0
    while True:
        while pending:
            i = pending.popleft()
            for t in sorted(out[i]):
                if layer[t] < 0:
                    layer[t] = layer[i] + 1
                    pending.append(t)
        while nxt < len(layer) and layer[nxt] >= 0:
            nxt += 1
        if nxt == len(layer):
            return layer
        layer[nxt] = 0
        pending.append(nxt)


def layout(doc: GraphDoc) -> tuple[list[tuple[int, int]], int, int]:
    """(x, y) of every node's box and the drawing's width and height. A layer taller than
    ROWS_PER_COLUMN is folded into several columns."""
    by_layer: defaultdict[int, list[int]] = defaultdict(list)
    for i, n in enumerate(layers(doc)):
        by_layer[n].append(i)
    index = doc.node_index()
    neighbours: defaultdict[int, list[int]] = defaultdict(list)
    for e in doc.edges:
        s, t = index[e["source"]], index[e["target"]]
        neighbours[s].append(t)
        neighbours[t].append(s)
    pos = [(0, 0)] * len(doc.nodes)
    rank: dict[int, int] = {}  # a placed node's order in its layer
    col = 0
    tallest = 1
    for n in sorted(by_layer):

        def key(i: int) -> tuple[bool, float, str, str, str]:
            # barycentre of the neighbours already placed: fewer crossings, deterministic
            placed = [rank[j] for j in neighbours[i] if j in rank]
            centre = sum(placed) / len(placed) if placed else float("inf")
            node = doc.nodes[i]
            return (not node["on_path"], centre, node["kind"], node["label"], node["id"])

        members = sorted(by_layer[n], key=key)
        for k, i in enumerate(members):
            rank[i] = k
            x = MARGIN + (col + k // ROWS_PER_COLUMN) * COL_W
            pos[i] = (x, MARGIN + (k % ROWS_PER_COLUMN) * ROW_H)
        tallest = max(tallest, min(len(members), ROWS_PER_COLUMN))
        col += (len(members) + ROWS_PER_COLUMN - 1) // ROWS_PER_COLUMN
    width = MARGIN * 2 + max(col, 1) * COL_W - (COL_W - NODE_W) + 120  # room for back edges
    height = MARGIN * 2 + tallest * ROW_H - (ROW_H - NODE_H)
    return pos, width, height


def svg(doc: GraphDoc) -> str:
    pos, width, height = layout(doc)
    index = doc.node_index()
    parts = [
        f'<svg id="graph" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="estate graph">',
        "<defs>"
        '<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" '
        'markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
        '<path d="M0,0L10,5L0,10z" fill="#888"/>'
        "</marker>"
        '<marker id="arrow-path" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="11" '
        'markerHeight="11" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
        '<path d="M0,0L10,5L0,10z" fill="#c00000"/></marker></defs>',
        '<g id="edges">',
    ]
    for k, e in enumerate(doc.edges):
        s, t = index[e["source"]], index[e["target"]]
        (x1, y1), (x2, y2) = pos[s], pos[t]
        y1, y2 = y1 + NODE_H // 2, y2 + NODE_H // 2
        if x2 > x1:
            x1, x2 = x1 + NODE_W, x2
            mid = (x1 + x2) // 2
            d = f"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}"
        else:  # same column or backwards: loop out to the right
            x1, x2 = x1 + NODE_W, x2 + NODE_W
            bulge = max(x1, x2) + 40 + abs(y2 - y1) // 6
            d = f"M{x1},{y1} C{bulge},{y1} {bulge},{y2} {x2},{y2}"
        cls = "edge" + (" on-path" if e["on_path"] else "") + (" derived" if e["derived"] else "")
        marker = "arrow-path" if e["on_path"] else "arrow"
        parts.append(
            f'<path class="{cls}" data-e="{k}" data-s="{s}" data-t="{t}" d="{d}" '
            f'marker-end="url(#{marker})"><title>{esc(e["type"], 80)}</title></path>'
        )
    parts.append('</g><g id="nodes">')
    for i, n in enumerate(doc.nodes):
        x, y = pos[i]
        colour = KIND_COLOURS.get(n["kind"], "#607d8b")
        cls = "node" + (" on-path" if n["on_path"] else "")
        parts.append(
            f'<g class="{cls}" data-n="{i}" transform="translate({x},{y})" tabindex="0">'
            f"<title>{esc(n['id'], 1000)}</title>"
            f'<rect width="{NODE_W}" height="{NODE_H}" rx="6" style="stroke:{colour}"/>'
            f'<rect width="6" height="{NODE_H}" rx="3" style="fill:{colour}"/>'
            f'<text x="12" y="16" class="label">{esc(n["label"], 28)}</text>'
            f'<text x="12" y="31" class="kind">{esc(n["kind"], 20)}'
            f"{esc(' · ' + n['cloud'], 12) if n['cloud'] else ''}</text></g>"
        )
    parts.append("</g></svg>")
    return "".join(parts)


# --- page pieces -------------------------------------------------------------------------------

STYLE = """
body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:0;
color:#1d1d1f;background:#f6f7f9}
header{background:#1d2b3a;color:#fff;padding:14px 24px}header h1{margin:0;font-size:20px}
header p{margin:2px 0 0;color:#c7d0da;font-size:13px}
main{padding:16px 24px}section{background:#fff;border:1px solid #dde1e6;border-radius:8px;
padding:12px 16px;margin:0 0 16px}h2{font-size:16px;margin:0 0 8px}
.counts{display:flex;gap:12px;flex-wrap:wrap}.count{border:1px solid #dde1e6;border-radius:8px;
padding:8px 14px;min-width:110px;background:#fafbfc}.count b{display:block;font-size:24px}
.count.alert b{color:#c00000}
.chain{border-left:4px solid #c00000;padding:6px 10px;margin:8px 0;background:#fff6f6;
cursor:pointer}.chain h3{margin:0 0 4px;font-size:14px}.chain.active{background:#ffe3e3}
.hops{margin:4px 0 0;padding:0;list-style:none}.hops li{margin:2px 0;font-size:13px}
.hop-edge{display:inline-block;background:#c00000;color:#fff;border-radius:4px;padding:0 6px;
margin:0 4px;font-size:12px}.ev{color:#555;font-family:ui-monospace,Menlo,monospace;
font-size:12px;word-break:break-all}
.toolbar{display:flex;gap:10px;align-items:center;margin:0 0 8px;flex-wrap:wrap}
.toolbar input[type=search]{padding:4px 8px;min-width:240px}
#graph-box{overflow:auto;border:1px solid #eee;max-height:80vh;background:#fcfcfd}
svg .edge{fill:none;stroke:#9aa5b1;stroke-width:1.3}svg .edge.derived{stroke-dasharray:5 3}
svg .edge.on-path{stroke:#c00000;stroke-width:2.6}
svg .node rect:first-of-type{fill:#fff;stroke-width:1.5}svg .node.on-path rect:first-of-type{
stroke:#c00000 !important;stroke-width:3;fill:#fff6f6}svg .node{cursor:pointer}
svg .label{font-size:12px;font-weight:600;fill:#1d1d1f}svg .kind{font-size:11px;fill:#666}
svg .dim{opacity:.15}svg .hl rect:first-of-type{fill:#fff3c4}svg .edge.hl{stroke:#e69500;
stroke-width:3}
#details{font-size:13px;margin-top:8px;min-height:1.5em}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;
padding:4px 8px;border-bottom:1px solid #eee;vertical-align:top}th{background:#f0f2f5}
td.id{font-family:ui-monospace,Menlo,monospace;font-size:12px;word-break:break-all}
.sev{border-radius:4px;padding:0 6px;color:#fff;font-size:12px}.sev-critical{background:#8b0000}
.sev-high{background:#d62728}.sev-medium{background:#ff7f0e}.sev-low{background:#1f77b4}
.sev-info{background:#7f7f7f}.muted{color:#666}
"""

SCRIPT = """
(function(){
var data=JSON.parse(document.getElementById('graph-data').textContent);
var svg=document.getElementById('graph');if(!svg)return;
var nodes=svg.querySelectorAll('g.node'),edges=svg.querySelectorAll('path.edge');
var details=document.getElementById('details');
function clear(){svg.querySelectorAll('.dim,.hl').forEach(function(x){
x.classList.remove('dim');x.classList.remove('hl');});
document.querySelectorAll('.chain.active').forEach(function(c){c.classList.remove('active');});}
function focus(keepN,keepE){nodes.forEach(function(g){var i=+g.dataset.n;
g.classList.toggle('dim',!keepN.has(i));g.classList.toggle('hl',keepN.has(i));});
edges.forEach(function(p){var k=+p.dataset.e;p.classList.toggle('dim',!keepE.has(k));
p.classList.toggle('hl',keepE.has(k));});}
function show(i){var n=data.nodes[i];details.textContent='';
var b=document.createElement('b');b.textContent=n.label;details.appendChild(b);
var s=document.createElement('div');s.className='ev';
s.textContent=n.id+' \\u2014 '+n.kind+(n.cloud?' \\u00b7 '+n.cloud+' '+n.account:'');
details.appendChild(s);}
nodes.forEach(function(g){g.addEventListener('click',function(){var i=+g.dataset.n;
var keepN=new Set([i]),keepE=new Set();edges.forEach(function(p){
if(+p.dataset.s===i||+p.dataset.t===i){keepE.add(+p.dataset.e);keepN.add(+p.dataset.s);
keepN.add(+p.dataset.t);}});clear();focus(keepN,keepE);show(i);});});
var index={};data.nodes.forEach(function(n,i){index[n.id]=i;});
document.querySelectorAll('.chain').forEach(function(c){c.addEventListener('click',function(){
var p=data.paths[+c.dataset.p],keepN=new Set(),keepE=new Set();
p.path.forEach(function(id){if(id in index)keepN.add(index[id]);});
p.hops.forEach(function(h){if(h.source in index)keepN.add(index[h.source]);
if(h.target in index)keepN.add(index[h.target]);});
edges.forEach(function(x){var e=data.edges[+x.dataset.e];p.hops.forEach(function(h){
if((e.source===h.source&&e.target===h.target)||(e.source===h.target&&e.target===h.source))
keepE.add(+x.dataset.e);});});clear();focus(keepN,keepE);c.classList.add('active');});});
var q=document.getElementById('search'),kind=document.getElementById('kind'),
only=document.getElementById('only-paths');
function filter(){var t=(q.value||'').toLowerCase(),k=kind.value,o=only.checked;
if(!t&&!k&&!o){clear();return;}var keepN=new Set(),keepE=new Set();
data.nodes.forEach(function(n,i){if((!t||n.label.toLowerCase().indexOf(t)>=0||
n.id.toLowerCase().indexOf(t)>=0)&&(!k||n.kind===k)&&(!o||n.on_path))keepN.add(i);});
data.edges.forEach(function(e,i){if(keepN.has(index[e.source])&&keepN.has(index[e.target])
&&(!o||e.on_path))keepE.add(i);});clear();focus(keepN,keepE);}
[q,kind,only].forEach(function(x){x.addEventListener('input',filter);});
document.getElementById('reset').addEventListener('click',function(){q.value='';kind.value='';
only.checked=false;clear();details.textContent='';});
document.documentElement.setAttribute('data-ready','1');
})();
"""


def page(title: str, subtitle: str, body: str, data: Any) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title, 200)}</title><style>{STYLE}</style></head><body>"
        f"<header><h1>{esc(title, 200)}</h1><p>{esc(subtitle, 300)}</p></header>"
        f"<main>{body}</main>"
        f'<script type="application/json" id="graph-data">{json_script(data)}</script>'
        f"<script>{SCRIPT}</script></body></html>\n"
    )


def _count(label: str, value: int, element_id: str, *, alert: bool = False) -> str:
    cls = "count alert" if alert and value else "count"
    return f'<div class="{cls}"><b><span id="{element_id}">{value}</span></b>{esc(label)}</div>'


def _hop_evidence(evidence: dict[str, Any]) -> str:
    if not evidence:
        return ""
    text = json.dumps(evidence, sort_keys=True, default=str)
    return f' <span class="ev">{esc(text, 600)}</span>'


def paths_section(doc: GraphDoc) -> str:
    """The attack paths as readable chains: entry -> ... -> crown jewel, each hop with its
    edge type and evidence."""
    labels = {n["id"]: n["label"] for n in doc.nodes}
    items = []
    for k, p in enumerate(doc.paths):
        chain = " → ".join(esc(labels.get(i, i), 60) for i in p["path"])
        hops = "".join(
            f"<li>{esc(labels.get(h['source'], h['source']), 80)}"
            f'<span class="hop-edge">{esc(h["edge"], 40)}</span>'
            f"{esc(labels.get(h['target'], h['target']), 80)}{_hop_evidence(h['evidence'])}</li>"
            for h in p["hops"]
        )
        waived = ' <span class="muted">(waived)</span>' if p["suppressed"] else ""
        items.append(
            f'<div class="chain" data-p="{k}" tabindex="0">'
            f'<h3><span class="sev sev-{esc(p["severity"], 10)}">{esc(p["severity"], 10)}</span> '
            f"risk {p['risk_score']:.1f} · {esc(p['rule_id'], 40)} · {esc(p['title'], 200)}"
            f"{waived}</h3>"
            f"<div>{chain}</div>"
            f'<div class="muted">{esc(p["message"], 600)}</div>'
            # the hops and their evidence fold away so the chains (and the graph below them)
            # stay on the first screen; they are in the page either way (search, print)
            f'<details><summary class="muted">{len(p["hops"])} hops and their evidence</summary>'
            f'<ol class="hops">{hops}</ol></details></div>'
        )
    if not items:
        items.append('<p class="muted">No attack path was found in this graph.</p>')
    return (
        f'<section id="attack-paths"><h2>Attack paths ({len(doc.paths)})</h2>'
        f"{''.join(items)}</section>"
    )


def graph_section(doc: GraphDoc, *, note: str = "") -> str:
    kinds = sorted({n["kind"] for n in doc.nodes})
    options = "".join(f'<option value="{esc(k, 40)}">{esc(k, 40)}</option>' for k in kinds)
    return (
        '<section id="graph-section"><h2>Graph</h2>'
        f'<p class="muted">{esc(note, 300)} Red: attack-path nodes and hops; dashed: derived '
        "edges. Click a node for its neighbours, an attack path to trace it.</p>"
        '<div class="toolbar"><input type="search" id="search" placeholder="search names and ids">'
        f'<select id="kind"><option value="">every kind</option>{options}</select>'
        '<label><input type="checkbox" id="only-paths"> attack paths only</label>'
        '<button type="button" id="reset">reset</button></div>'
        f'<div id="graph-box">{svg(doc)}</div><div id="details"></div></section>'
    )


def graph_page(doc: GraphDoc, *, title: str = "aiscan estate graph") -> str:
    body = (
        '<section id="summary"><h2>Summary</h2><div class="counts">'
        + _count("attack paths", len(doc.paths), "path-count", alert=True)
        + _count("nodes", len(doc.nodes), "node-count")
        + _count("edges", len(doc.edges), "edge-count")
        + "</div></section>"
        + graph_section(doc)
        + paths_section(doc)
    )
    subtitle = f"{len(doc.nodes)} nodes, {len(doc.edges)} edges, {len(doc.paths)} attack paths"
    return page(title, subtitle, body, _data(doc))


def _data(doc: GraphDoc) -> dict[str, Any]:
    return {"nodes": doc.nodes, "edges": doc.edges, "paths": doc.paths}


# --- the scan report ---------------------------------------------------------------------------


def _sev(severity: str) -> str:
    return f'<span class="sev sev-{esc(severity, 10)}">{esc(severity, 10)}</span>'


class HtmlReporter(Reporter):
    """`-o html=report.html`: summary, attack paths with the graph, findings by risk,
    inventory and coverage in one offline file."""

    name: ClassVar[str] = "html"

    def render(self, result: ScanResult, *, command: str = "scan") -> str:
        findings = [] if command == "inventory" else list(result.findings)
        shown = result.model_copy(update={"findings": tuple(findings)})
        estate = result_graph(shown)  # built once: the paths-only cut below reuses it
        doc = graph_doc(shown, graph=estate)
        note = "The whole estate."
        if len(doc.nodes) > REPORT_GRAPH_LIMIT:
            doc = graph_doc(shown, paths_only=True, graph=estate)
            note = (
                f"Only the attack paths (the estate has more than {REPORT_GRAPH_LIMIT} nodes; "
                "`aiscan graph --format html` draws all of it)."
            )
        open_findings = [f for f in findings if not f.suppressed]
        by_sev = Counter(f.severity.value for f in open_findings)
        incomplete = result.incomplete_scopes
        counts = (
            _count("attack paths", len(attack_paths(shown)), "path-count", alert=True)
            + _count("findings", len(open_findings), "finding-count")
            + "".join(
                _count(s.value, by_sev.get(s.value, 0), f"count-{s.value}")
                for s in Severity
                if s is not Severity.INFO
            )
            + _count("assets", len(result.assets), "asset-count")
            + _count("scopes not read", len(incomplete), "incomplete-count", alert=True)
        )
        body = (
            f'<section id="summary"><h2>Summary</h2><div class="counts">{counts}</div></section>'
            + paths_section(doc)
            + graph_section(doc, note=note)
            + self._findings(findings)
            + self._inventory(result)
            + self._coverage(result)
        )
        scan = result.scan
        subtitle = (
            f"aiscan {result.tool.version} · {command} finished {scan.finished.isoformat()} · "
            f"{len(result.assets)} assets, {len(open_findings)} findings"
        )
        return page("aiscan report", subtitle, body, _data(doc))

    @staticmethod
    def _findings(findings: list[Any]) -> str:
        ordered = sorted(
            findings, key=lambda f: (f.suppressed, -f.risk_score, -f.severity.rank, f.rule_id)
        )
        rows = "".join(
            f"<tr><td>{f.risk_score:.1f}</td><td>{_sev(f.severity.value)}</td>"
            f"<td>{esc(f.rule_id, 40)}</td><td>{esc(f.title, 200)}"
            f'<div class="muted">{esc(f.message, 500)}</div></td>'
            f'<td class="id">{esc(f.asset_id, 300)}</td>'
            f"<td>{'waived' if f.suppressed else ''}</td></tr>"
            for f in ordered
        )
        return (
            f'<section id="findings"><h2>Findings by risk ({len(findings)})</h2><table>'
            "<tr><th>risk</th><th>severity</th><th>rule</th><th>finding</th><th>asset</th>"
            f"<th></th></tr>{rows}</table></section>"
        )

    @staticmethod
    def _inventory(result: ScanResult) -> str:
        rows = "".join(
            f"<tr><td>{esc(a.kind.value, 30)}</td><td>{esc(a.name, 120)}</td>"
            f"<td>{esc(a.cloud.value, 10)}</td><td>{esc(a.account, 80)}</td>"
            f"<td>{esc(a.region or '-', 40)}</td><td>{esc(a.service, 40)}</td>"
            f'<td class="id">{esc(a.id, 400)}</td></tr>'
            for a in sorted(result.assets, key=lambda a: (a.kind.value, a.cloud.value, a.name))
        )
        return (
            f'<section id="inventory"><h2>Inventory ({len(result.assets)} assets)</h2><table>'
            "<tr><th>kind</th><th>name</th><th>cloud</th><th>account</th><th>region</th>"
            f"<th>service</th><th>id</th></tr>{rows}</table></section>"
        )

    @staticmethod
    def _coverage(result: ScanResult) -> str:
        ordered = sorted(result.coverage, key=lambda c: (not c.status.incomplete, c.cloud.value))
        rows = "".join(
            f"<tr><td>{esc(c.status.value, 20)}</td><td>{esc(c.cloud.value, 10)}</td>"
            f"<td>{esc(c.account, 80)}</td><td>{esc(c.region, 40)}</td>"
            f"<td>{esc(c.service, 40)}</td><td>{c.assets}</td><td>{esc(c.message, 400)}</td></tr>"
            for c in ordered
        )
        return (
            f'<section id="coverage"><h2>Coverage ({len(result.coverage)} scopes)</h2><table>'
            "<tr><th>status</th><th>cloud</th><th>account</th><th>region</th><th>service</th>"
            f"<th>assets</th><th>message</th></tr>{rows}</table></section>"
        )
