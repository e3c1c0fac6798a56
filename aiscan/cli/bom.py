"""`aiscan bom`: the CycloneDX AI-BOM of every AI asset in reach (an inventory; no rules run)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from aiscan.cli.app import App
from aiscan.cli.scan import _common, bom_options, collection_options, emit, run_scan


@click.command()
@collection_options
@click.pass_context
@_common
def bom(
    ctx: click.Context,
    fmt: str,
    outputs: list[tuple[str, Path]],
    allow_partial: bool,
    bom_spec: str,
    **kw: Any,
) -> None:
    """Write the CycloneDX AI-BOM (models, data, services, their dependencies) to stdout.

    \b
    aiscan bom --cloud aws > aibom.json
    aiscan bom --bom-spec 1.7 -o cyclonedx=aibom.json --format table
    """
    from aiscan.scan import exit_code

    app: App = ctx.obj
    if ctx.get_parameter_source("fmt") is ParameterSource.DEFAULT:
        fmt = "cyclonedx"  # the BOM is what this command is for; --format table still works
    result = run_scan(app, evaluate_rules=False, **kw)
    emit(app, result, command="inventory", fmt=fmt, outputs=outputs, options=bom_options(bom_spec))
    raise click.exceptions.Exit(exit_code(result, None, allow_partial))
