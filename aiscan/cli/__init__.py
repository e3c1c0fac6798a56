"""The `aiscan` command. Subcommands live in their own modules and import SDKs, rules and
reporters inside their bodies, so `aiscan --help` stays fast and SDK-free."""

from __future__ import annotations

import click

from aiscan import __version__
from aiscan.cli.app import App


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="aiscan")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
@click.pass_context
def cli(ctx: click.Context, quiet: bool) -> None:
    """Find every AI asset in your clouds, judge its security posture, report it.

    \b
    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or configuration
    error, 3 incomplete scan (a scope was denied or failed) unless --allow-partial.
    """
    ctx.obj = App(quiet=quiet)


def _register() -> None:
    from aiscan.cli import (
        artifacts,
        bom,
        demo,
        diff,
        history,
        merge,
        plugins,
        prune,
        rules,
        scan,
        show,
    )

    cli.add_command(scan.inventory)
    cli.add_command(scan.scan)
    cli.add_command(bom.bom)
    cli.add_command(show.show)
    cli.add_command(rules.rules)
    cli.add_command(plugins.plugins_cmd)
    cli.add_command(demo.demo)
    cli.add_command(history.history)
    cli.add_command(prune.prune)
    cli.add_command(diff.diff)
    cli.add_command(merge.merge)
    cli.add_command(artifacts.artifacts)


_register()


def main() -> None:
    cli(prog_name="aiscan")
