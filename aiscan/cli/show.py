"""`aiscan show ID`: one asset with its relations, findings and evidence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from aiscan.cli.app import App
from aiscan.cli.graph import find_asset, load_result
from aiscan.cli.scan import collection_options, run_scan
from aiscan.core.model import Category, Finding
from aiscan.core.sanitize import clean_text
from aiscan.reporters.summary import chain_text, node_name


@click.command()
@click.argument("asset_id")
@click.option(
    "--input",
    "input_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read a previous `aiscan scan --format json` result instead of scanning.",
)
@collection_options
@click.pass_obj
def show(app: App, /, asset_id: str, input_path: Path | None, **kw: Any) -> None:
    """Explain one asset: its attributes, relations, findings and evidence.

    ASSET_ID is the full id (ARN, resource id) or any unique suffix of it, e.g. a name.
    """
    for unused in ("fmt", "outputs", "allow_partial", "bom_spec"):
        kw.pop(unused, None)
    if input_path is not None:
        result = load_result(app, input_path)
    else:
        result = run_scan(app, evaluate_rules=True, **kw)
    asset = find_asset(app, result, asset_id)
    out = app.out
    out.print(Text(clean_text(asset.id, 1000), style="bold"))
    head = Table.grid(padding=(0, 2))
    for label, value in (
        ("kind", asset.kind.value),
        ("cloud", asset.cloud.value),
        ("account", asset.account),
        ("region", asset.region or "-"),
        ("service", asset.service),
        ("type", asset.type),
        ("name", asset.name),
        ("created", asset.created_at.isoformat() if asset.created_at else "-"),
    ):
        head.add_row(Text(label, style="dim"), Text(clean_text(value, 300)))
    out.print(head)
    if asset.tags:
        out.print(Text("tags: ", style="dim") + Text(clean_text(json.dumps(asset.tags), 1000)))
    out.print(Text("attributes:", style="bold"))
    out.print(Text(clean_text(json.dumps(asset.attributes, indent=None, default=str), 4000)))
    rels = Table(title="relations", title_justify="left")
    for col in ("direction", "type", "other asset", "in inventory"):
        rels.add_column(col, overflow="fold")
    known = {a.id for a in result.assets}
    for r in result.relations:
        if r.source == asset.id:
            rels.add_row("→", r.type.value, Text(clean_text(r.target, 200)), str(r.target in known))
        elif r.target == asset.id:
            rels.add_row("←", r.type.value, Text(clean_text(r.source, 200)), str(r.source in known))
    out.print(rels)
    names = {a.id: a.name for a in result.assets}
    through = [
        f for f in result.findings if f.category is Category.ATTACK_PATH and asset.id in f.path
    ]
    out.print(Text(f"attack paths through this asset ({len(through)}):", style="bold"))
    for f in sorted(through, key=lambda f: -f.risk_score):
        out.print(
            Text(f"[{f.severity.value}] risk {f.risk_score:.1f} {f.rule_id} ", style="bold")
            + Text(clean_text(f.title, 300), style="bold")
            + Text(f"\n  {clean_text(chain_text(f, names), 2000)}")
            + Text(f"\n  {clean_text(f.message, 500)}")
        )
        for hop in f.hops:
            evidence = json.dumps(hop.evidence, default=str) if hop.evidence else "(collected)"
            out.print(
                Text(
                    clean_text(
                        f"    {node_name(hop.source, names)} -[{hop.edge}]-> "
                        f"{node_name(hop.target, names)}: {evidence}",
                        600,
                    )
                )
            )
    findings = [
        f
        for f in result.findings
        if f.asset_id == asset.id and f.category is not Category.ATTACK_PATH
    ]
    out.print(Text(f"findings ({len(findings)}):", style="bold"))
    for f in sorted(findings, key=lambda f: -f.risk_score):
        out.print(
            Text(
                f"[{f.severity.value}] risk {f.risk_score:.1f} {f.rule_id} {f.title}", style="bold"
            )
            + Text(f"\n  {clean_text(f.message, 500)}")
            + Text(f"\n  evidence: {clean_text(json.dumps(f.evidence, default=str), 1000)}")
            + (Text(f"\n  risk: {clean_text(_risk_line(f), 600)}") if f.risk else Text(""))
            + Text(f"\n  fix: {clean_text(f.remediation, 500)}")
        )
    passed = [e for e in result.evaluations if e.asset_id == asset.id]
    if passed:
        out.print(Text("other results:", style="bold"))
        for e in passed:
            out.print(Text(f"  {e.status.value:15} {e.rule_id} {clean_text(e.reason, 200)}"))


def _risk_line(f: Finding) -> str:
    """severity x exposure x blast radius, each factor with its reason."""
    if f.risk is None:
        return ""
    return " x ".join(f"{r.name} {r.value} ({r.level}: {r.why})" for r in f.risk.factors)
