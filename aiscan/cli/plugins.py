"""`aiscan plugins`: every collector, rule pack and reporter, and whether it loads."""

from __future__ import annotations

import click
from rich.table import Table
from rich.text import Text

from aiscan.cli.app import App


@click.command("plugins")
@click.option("--no-load", is_flag=True, help="List without importing (no status check).")
@click.pass_obj
def plugins_cmd(app: App, no_load: bool) -> None:
    """Installed plugins with their distribution, version and load status."""
    from aiscan.core import plugins

    infos = plugins.describe(load_them=not no_load)
    table = Table(title="plugins", title_justify="left")
    for col in ("group", "name", "distribution", "version", "status", "target"):
        table.add_column(col, overflow="fold")
    broken = 0
    for i in infos:
        style = "green" if i.status == "ok" else ("dim" if i.status == "not loaded" else "bold red")
        broken += i.status.startswith("error")
        table.add_row(
            i.group, i.name, i.distribution, i.version, Text(i.status, style=style), i.value
        )
    app.out.print(table)
    if broken:
        raise click.exceptions.Exit(1)
