"""`aiscan graph`: the estate graph (assets, relations, derived edges, attack paths) as GraphML,
DOT, Mermaid, Cytoscape JSON or a self-contained HTML view."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import click

from aiscan.cli.app import App
from aiscan.core.model import Asset, ScanResult
from aiscan.core.sanitize import clean_text

GRAPH_FORMATS = ("graphml", "dot", "mermaid", "cytoscape", "html")


@click.command()
@click.argument(
    "results",
    required=False,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option(
    "--demo",
    "use_demo",
    is_flag=True,
    help="Graph the bundled example estate (scanned in local emulations, as `aiscan demo`).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(GRAPH_FORMATS),
    default="html",
    show_default=True,
    help="graphml (yEd, Gephi, networkx), dot (Graphviz), mermaid (Markdown), cytoscape "
    "(Cytoscape.js elements JSON) or html (one offline file: paths, graph, search).",
)
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE instead of stdout.",
)
@click.option("--around", metavar="ID", help="Only the neighbourhood of this node (id or name).")
@click.option(
    "--depth",
    type=click.IntRange(0, 50),
    default=2,
    show_default=True,
    help="Hops either way from --around.",
)
@click.option(
    "--paths", "paths_only", is_flag=True, help="Only the nodes and edges of attack paths."
)
@click.pass_obj
def graph(
    app: App,
    /,
    results: Path | None,
    use_demo: bool,
    fmt: str,
    output: Path | None,
    around: str | None,
    depth: int,
    paths_only: bool,
) -> None:
    """Export the estate graph: assets, relations, derived edges and attack paths.

    RESULTS is a `aiscan scan --format json` (or `-o json=FILE`) result; --demo graphs the
    bundled example estate instead. Nodes are assets (plus the internet, anonymous principals,
    public hubs and registries, and ids outside the inventory); edges are relations and the
    derived edges with their evidence. Attack-path nodes and hops are marked (on_path).

    \b
    aiscan graph scan.json -o graph.html
    aiscan graph --demo --format html -o demo-graph.html
    aiscan graph scan.json --format dot --paths | dot -Tsvg > paths.svg
    aiscan graph scan.json --format mermaid --around fraud-prod --depth 1
    """
    from aiscan.reporters.graph import graph_doc, render, result_graph

    if (results is None) == (not use_demo):
        raise click.UsageError("give a results JSON file or --demo (not both)")
    if around is not None and paths_only:
        raise click.UsageError("--around and --paths are alternatives")
    if results is not None:
        result = load_result(app, results)
        source = str(results)
    else:
        from aiscan.cli.demo import run_demo

        result = run_demo(app)
        source = "the bundled example estate"
    estate = result_graph(result)
    node_id = resolve_node(app, set(estate.g.nodes), result, around) if around is not None else None
    doc = graph_doc(result, around=node_id, depth=depth, paths_only=paths_only, graph=estate)
    what = f"around {node_id} (depth {depth})" if node_id else "attack paths" if paths_only else ""
    title = f"aiscan graph of {source}" + (f", {what}" if what else "")
    text = render(doc, fmt, title=clean_text(title, 300))
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        app.abort(f"cannot write {output}: {exc.strerror}")
    if not app.quiet:
        app.err.print(
            f"wrote {clean_text(output, 300)}: {len(doc.nodes)} nodes, {len(doc.edges)} edges, "
            f"{len(doc.paths)} attack path(s)",
            markup=False,
            highlight=False,
        )


def load_result(app: App, path: Path) -> ScanResult:
    try:
        return ScanResult.model_validate_json(path.read_text(encoding="utf-8"))
    except OSError as exc:
        app.abort(f"cannot read {path}: {exc.strerror}")
    except (ValueError, UnicodeDecodeError) as exc:
        app.abort(f"{path} is not an aiscan JSON result: {clean_text(exc, 300)}")


def resolve_node(app: App, nodes: Collection[str], result: ScanResult, wanted: str) -> str:
    """A node id from a full id, or (like `aiscan show`) an asset's unique id suffix or name."""
    return wanted if wanted in nodes else find_asset(app, result, wanted, what="node").id


def find_asset(app: App, result: ScanResult, wanted: str, *, what: str = "asset") -> Asset:
    """The asset whose id is `wanted`, else the one whose id ends with it or whose name it is;
    none or several abort with the candidates (`aiscan show`, `aiscan graph --around`)."""
    matches = [a for a in result.assets if a.id == wanted] or sorted(
        (a for a in result.assets if a.id.endswith(wanted) or a.name == wanted),
        key=lambda a: a.id,
    )
    if not matches:
        app.abort(f"no {what} matches {wanted!r}", code=1)
    if len(matches) > 1:
        ids = "\n  ".join(clean_text(a.id, 200) for a in matches[:20])
        app.abort(f"{wanted!r} matches {len(matches)} assets; give more of the id:\n  {ids}")
    return matches[0]
