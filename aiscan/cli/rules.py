"""`aiscan rules list` and `aiscan rules explain ID`."""

from __future__ import annotations

import json

import click
from rich.table import Table
from rich.text import Text

from aiscan.cli.app import App


@click.group()
def rules() -> None:
    """List the posture rules, or explain one."""


@rules.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--cloud", help="Only rules for this cloud.")
@click.pass_obj
def list_rules(app: App, fmt: str, cloud: str | None) -> None:
    """Every rule of every installed rule pack."""
    from aiscan.scan import load_rules

    loaded, errors = load_rules()
    for name, err in errors.items():
        app.warn(f"rule pack {name}: {err}")
    metas = [r.meta for r in loaded if not cloud or not r.meta.clouds or cloud in r.meta.clouds]
    if fmt == "json":
        click.echo(json.dumps([m.model_dump(mode="json") for m in metas], indent=2))
        return
    table = Table(title=f"{len(metas)} rules", title_justify="left")
    for col in ("id", "severity", "category", "applies to", "title"):
        table.add_column(col, overflow="fold")
    for m in metas:
        table.add_row(
            m.id, m.severity.value, m.category.value, ", ".join(k.value for k in m.kinds), m.title
        )
    app.out.print(table)


@rules.command("explain")
@click.argument("rule_id")
@click.pass_obj
def explain(app: App, rule_id: str) -> None:
    """Everything a rule checks and how to fix it."""
    from aiscan.scan import load_rules

    loaded, _ = load_rules()
    found = [r.meta for r in loaded if r.meta.id.lower() == rule_id.lower()]
    if not found:
        app.abort(f"no rule {rule_id!r}; see `aiscan rules list`")
    m = found[0]
    out = app.out
    out.print(Text(f"{m.id}  {m.title}", style="bold"))
    out.print(
        Text(f"severity {m.severity.value} · category {m.category.value} · version {m.version}")
    )
    if m.graph:
        out.print(
            Text(
                "graph rule (attack paths, every cloud): crown jewel "
                + ", ".join(k.value for k in m.kinds)
            )
        )
    else:
        out.print(Text("applies to: " + ", ".join(k.value for k in m.kinds)))
    if m.clouds:
        out.print(Text("clouds: " + ", ".join(c.value for c in m.clouds)))
    for label, text in (("What", m.description), ("Risk", m.risk), ("Fix", m.remediation)):
        out.print(Text(f"\n{label}", style="bold"))
        out.print(Text(text))
    out.print(Text("\nReferences", style="bold"))
    for ref in m.references:
        out.print(Text(f"  {ref}"))
