"""The `aiscan` command. Subcommands live in their own modules, imported only when that command
runs (`LazyGroup`), and import SDKs, rules and reporters inside their bodies, so `aiscan --help`
imports click alone: no pydantic, no rich, no SDK (a test checks the module set)."""

from __future__ import annotations

import importlib
from typing import Any

import click

from aiscan import __version__

#: name -> (module:attribute, the first line of its help, which `aiscan --help` shows without
#: importing the module; a test keeps the two equal).
COMMANDS: dict[str, tuple[str, str]] = {
    "inventory": (
        "aiscan.cli.scan:inventory",
        "List the AI assets of every scope in reach (no rules run).",
    ),
    "scan": (
        "aiscan.cli.scan:scan",
        "Inventory AI assets and evaluate posture rules on them and on their relations.",
    ),
    "bom": (
        "aiscan.cli.bom:bom",
        "Write the CycloneDX AI-BOM (models, data, services, their dependencies) to stdout.",
    ),
    "graph": (
        "aiscan.cli.graph:graph",
        "Export the estate graph: assets, relations, derived edges and attack paths.",
    ),
    "show": (
        "aiscan.cli.show:show",
        "Explain one asset: its attributes, relations, findings and evidence.",
    ),
    "rules": ("aiscan.cli.rules:rules", "List the posture rules, or explain one."),
    "plugins": (
        "aiscan.cli.plugins:plugins_cmd",
        "Installed plugins with their distribution, version and load status.",
    ),
    "demo": (
        "aiscan.cli.demo:demo",
        "Scan the bundled example AI estate (AWS, Azure, Google Cloud) in local emulations.",
    ),
    "artifacts": (
        "aiscan.cli.artifacts:artifacts",
        "Scan model files and object-store artifacts statically; nothing is loaded or run.",
    ),
    "history": (
        "aiscan.cli.history:history",
        "List the scans kept in a scan store (id, time, scope, counts, exit code), newest first.",
    ),
    "diff": (
        "aiscan.cli.diff:diff",
        "What changed between two scans: assets, security attributes and findings.",
    ),
    "merge": (
        "aiscan.cli.merge:merge",
        "Combine the shards of a scan into one result and evaluate the rules on it.",
    ),
    "prune": (
        "aiscan.cli.prune:prune",
        "Delete stored scans older than --keep-days (first-seen times of findings survive).",
    ),
}


class LazyGroup(click.Group):
    """click's lazy-loading pattern: commands are imported on first use."""

    def __init__(self, *args: Any, lazy: dict[str, tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in self.lazy:
            return super().get_command(ctx, cmd_name)
        module, _, attr = self.lazy[cmd_name][0].partition(":")
        command = getattr(importlib.import_module(module), attr)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.lazy[cmd_name][0]} is not a click command")
        self.add_command(command, cmd_name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the static help, so `--help` imports no command module."""
        rows = [(name, self.lazy[name][1]) for name in self.list_commands(ctx) if name in self.lazy]
        rows += [
            (name, cmd.get_short_help_str())
            for name, cmd in sorted(self.commands.items())
            if name not in self.lazy
        ]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="aiscan")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
@click.pass_context
def cli(ctx: click.Context, quiet: bool) -> None:
    """Find every AI asset in your clouds, judge its security posture, report it.

    \b
    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or configuration
    error, 3 incomplete scan (a scope was denied or failed) unless --allow-partial.
    """
    from aiscan.cli.app import App

    ctx.obj = App(quiet=quiet)


def main() -> None:
    cli(prog_name="aiscan")
