"""`aiscan artifacts PATH...`: the deep scanner on local files, model directories, Hugging Face
caches and object-store URLs, with the outputs and exit codes of `aiscan scan` (a CI gate for
model repositories and registries)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from aiscan.cli.app import App
from aiscan.cli.deep import signing_options
from aiscan.cli.scan import (
    _common,
    bom_options,
    conclude,
    gate_options,
    load_baseline,
    load_waivers,
)
from aiscan.core.model import ScanResult

if TYPE_CHECKING:
    from aiscan.artifacts.limits import Limits
    from aiscan.artifacts.signing import TrustConfig

#: The rule packs that judge artifacts (cloud posture rules have nothing to read here).
RULE_PREFIXES = ("XC-ART-", "XC-PROV-")


@click.command("artifacts")
@click.argument("paths", nargs=-1, required=True, metavar="PATH_OR_URL...")
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    help="Primary output on stdout: table or json (or any installed reporter).",
)
@click.option(
    "-o",
    "--output",
    "outputs",
    multiple=True,
    metavar="FORMAT=PATH",
    help="Also write FORMAT to PATH (repeatable), e.g. -o sarif=artifacts.sarif.",
)
@gate_options
@click.option(
    "--max-bytes",
    type=click.IntRange(1),
    help="Bytes read per artifact (members included); beyond it the result is manual.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    help="Seconds per artifact; beyond it the result is manual.",
)
@click.option(
    "--bom-spec",
    type=click.Choice(["1.6", "1.7"]),
    default="1.6",
    show_default=True,
    help="CycloneDX specification version of the AI-BOM (cyclonedx output).",
)
@click.option(
    "--allow-partial",
    is_flag=True,
    help="Exit 0 even when a file or object could not be read (coverage still reports it).",
)
@signing_options
@click.pass_obj
@_common
def artifacts(
    app: App,
    paths: tuple[str, ...],
    fmt: str,
    outputs: list[tuple[str, Path]],
    fail_on: str | None,
    waivers_file: Path | None,
    baseline_file: Path | None,
    max_bytes: int | None,
    timeout: float | None,
    bom_spec: str,
    top: int,
    allow_partial: bool,
    **signing: Any,
) -> None:
    """Scan model files and object-store artifacts statically; nothing is loaded or run.

    Checks pickle globals, Keras Lambdas, chat templates, graph
    operators, archive tricks, hashes and signatures. Nothing is loaded or run.

    \b
    aiscan artifacts ./model.pt ./checkpoints/ ~/.cache/huggingface/hub
    aiscan artifacts s3://models/prod/model.tar.gz --fail-on high -o sarif=art.sarif
    """
    from aiscan.cli.deep import trust_config

    waivers = load_waivers(app, waivers_file)
    baseline = load_baseline(app, baseline_file)
    limits = _limits(max_bytes, timeout)
    trust = trust_config(**signing)
    with app.progress():
        result = run_artifacts(app, paths, limits=limits, trust=trust)
    conclude(
        app,
        result,
        store=None,
        waivers=waivers,
        baseline=baseline,
        baseline_file=baseline_file,
        fmt=fmt,
        outputs=outputs,
        top=top,
        options=bom_options(bom_spec),
        fail_on=fail_on,
        allow_partial=allow_partial,
    )


def _limits(max_bytes: int | None, timeout: float | None) -> Limits:
    from aiscan.artifacts.limits import Limits

    update: dict[str, Any] = {}
    if max_bytes:
        update["max_bytes"] = max_bytes
    if timeout:
        update["timeout_s"] = timeout
    return Limits(**update)


def run_artifacts(
    app: App, paths: tuple[str, ...], *, limits: Limits, trust: TrustConfig | None
) -> ScanResult:
    from aiscan import __version__
    from aiscan.artifacts.local import scan_paths, url_asset
    from aiscan.artifacts.remote import is_remote
    from aiscan.core.engine import evaluate
    from aiscan.core.inventory import Inventory
    from aiscan.core.model import ScanInfo, ToolInfo
    from aiscan.scan import load_rules

    started = datetime.now(UTC)
    local: list[Path] = []
    assets = []
    coverage = []
    for raw in paths:
        if is_remote(raw):
            scans, cov = _scan_url(app, raw, limits, trust)
            assets.append(url_asset(raw, scans))
            coverage.append(cov)
            continue
        p = Path(raw).expanduser()
        if not p.exists():
            app.abort(f"no such file or directory: {raw}")
        local.append(p)
    if local:
        found, cov = scan_paths(local, limits=limits, trust=trust)
        assets.extend(found)
        coverage.append(cov)
    _warn_incomplete(app, assets)
    rules, errors = load_rules()
    for pack, error in errors.items():
        app.warn(f"rule pack {pack} not used: {error}")
    chosen = [r for r in rules if r.meta.id.startswith(RULE_PREFIXES)]
    inventory = Inventory.of(assets, (), coverage)
    out = evaluate(inventory, chosen)
    return ScanResult(
        tool=ToolInfo(version=__version__),
        scan=ScanInfo(
            started=started,
            finished=datetime.now(UTC),
            scope={"artifacts": list(paths), "max_bytes": limits.max_bytes},
        ),
        assets=inventory.assets,
        coverage=inventory.coverage,
        findings=out.findings,
        evaluations=out.evaluations,
    )


def _scan_url(app: App, uri: str, limits: Limits, trust: TrustConfig | None) -> Any:
    import os

    from aiscan.collectors.base import CollectorConfigError
    from aiscan.collectors.deep import scan_url
    from aiscan.collectors.settings import ScanSettings

    try:
        settings = ScanSettings.from_environ(os.environ)  # the edge: read once, here
        return scan_url(uri, limits=limits, trust=trust, settings=settings)
    except CollectorConfigError as exc:
        app.abort(str(exc))


def _warn_incomplete(app: App, assets: list[Any]) -> None:
    """Bounds and parse errors make rules answer manual, which a findings table does not show:
    say so on stderr, where CI logs show it."""
    from aiscan.core.sanitize import clean_text

    shown = 0
    for asset in assets:
        for scan in asset.attributes.get("artifact_scans", []):
            for reason in (*scan.get("bounds", ()), *scan.get("errors", ())):
                shown += 1
                if shown <= 20:
                    where = clean_text(scan.get("location", ""), 200)
                    app.warn(
                        f"not fully scanned (rules answer manual): {where}: "
                        f"{clean_text(reason, 300)}"
                    )
    if shown > 20:
        app.warn(f"... and {shown - 20} more parts not fully scanned (see --format json)")
