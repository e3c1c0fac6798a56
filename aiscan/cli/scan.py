"""`aiscan inventory` and `aiscan scan`: the same collection, with or without rules."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click
from rich.text import Text

from aiscan.cli.app import App
from aiscan.cli.storing import open_store_or_abort, save, store_option, with_lifecycle
from aiscan.core import plugins
from aiscan.core.model import ScanResult, Severity

if TYPE_CHECKING:
    from aiscan.core.waivers import Waiver
    from aiscan.store import Store

T = TypeVar("T")

#: Findings in the full table unless --top says otherwise.
FULL_TOP = 50

WIDE_OPTION = click.option(
    "--wide", is_flag=True, help="Asset table with the account and id columns (ids are in JSON)."
)
FULL_OPTION = click.option(
    "--full",
    is_flag=True,
    help="At a terminal, every asset, finding and scope instead of the one-screen summary.",
)


def summary_hints(result: ScanResult, *, demo: bool = False) -> list[str]:
    """How to see more, after the one-screen summary."""
    findings = sum(1 for f in result.findings if not f.suppressed)
    cmd = "aiscan demo" if demo else "aiscan scan"
    hints = [
        f"More: `{cmd} --full` lists all {len(result.assets)} assets and {findings} findings"
        + ("" if demo else "; `aiscan inventory` the assets alone")
        + "; `--top N` shows N findings.",
        "`aiscan show NAME` explains one asset (relations, evidence, fix); "
        "`--format json` or `-o sarif=FILE` give everything to tools.",
    ]
    if demo:
        hints.append(
            "This was the bundled example estate. Next: `aiscan scan` on your own clouds "
            "(read-only), `aiscan rules list`."
        )
    return hints


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    """--regions a,b --regions c  ->  (a, b, c)"""
    return tuple(v.strip() for raw in values for v in raw.split(",") if v.strip())


def _formats() -> list[str]:
    return plugins.names("reporters")


def parse_outputs(values: tuple[str, ...]) -> list[tuple[str, Path]]:
    known = _formats()
    outputs = []
    for value in values:
        fmt, sep, path = value.partition("=")
        if not sep or not fmt or not path:
            raise click.BadParameter(f"{value!r} is not FORMAT=PATH", param_hint="-o/--output")
        if fmt not in known:
            raise click.BadParameter(
                f"unknown format {fmt!r} (known: {', '.join(known)})", param_hint="-o/--output"
            )
        outputs.append((fmt, Path(path)))
    return outputs


def collection_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by every command that reads clouds."""
    options = [
        click.option(
            "--cloud",
            "clouds",
            multiple=True,
            help="Cloud to scan (repeatable). Default: every cloud with local credentials.",
        ),
        click.option("--profile", help="AWS profile to use."),
        click.option(
            "--regions",
            multiple=True,
            help="Regions to read, comma-separated (repeatable). Default: all enabled regions.",
        ),
        click.option(
            "--services",
            multiple=True,
            help="Services to read, comma-separated (repeatable), e.g. sagemaker,bedrock,s3.",
        ),
        click.option("--org", is_flag=True, help="Walk every account of the AWS Organization."),
        click.option("--assume-role", help="Role NAME to assume in each member account (--org)."),
        click.option("--external-id", help="External id for --assume-role."),
        click.option(
            "--subscription",
            "subscriptions",
            multiple=True,
            help="Azure subscription id to read (repeatable). Default: every visible one.",
        ),
        click.option(
            "--azure-cloud",
            type=click.Choice(["public", "china", "usgov"]),
            default="public",
            show_default=True,
            help="Azure cloud (ARM endpoint); AISCAN_AZURE_ENDPOINT overrides it.",
        ),
        click.option(
            "--project",
            "projects",
            multiple=True,
            help="Google Cloud project id to read (repeatable). Default: every visible one.",
        ),
        click.option(
            "--organization",
            help="Google Cloud organization id: read every project under it.",
        ),
        click.option(
            "--shard",
            metavar="K/N",
            help="Read only shard K of N: AWS accounts (with --org; the regions of the accounts "
            "when there are fewer accounts than shards), Azure subscriptions, GCP projects. "
            "aiscan merge joins the shards' results. See docs/scale-out.md.",
        ),
        click.option(
            "--max-workers",
            type=click.IntRange(1, 64),
            default=8,
            show_default=True,
            help="Scopes read in parallel.",
        ),
        click.option(
            "--format",
            "fmt",
            default="table",
            show_default=True,
            help="Primary output on stdout: table or json (or any installed reporter).",
        ),
        click.option(
            "-o",
            "--output",
            "outputs",
            multiple=True,
            metavar="FORMAT=PATH",
            help="Also write FORMAT to PATH (repeatable), e.g. -o json=scan.json.",
        ),
        click.option(
            "--bom-spec",
            type=click.Choice(["1.6", "1.7"]),
            default="1.6",
            show_default=True,
            help="CycloneDX specification version of the AI-BOM (cyclonedx output).",
        ),
        click.option(
            "--allow-partial",
            is_flag=True,
            help="Exit 0 even when a scope could not be read (coverage still reports it).",
        ),
    ]
    from aiscan.cli.deep import deep_options

    fn = deep_options(fn)  # decorated first: listed last in --help
    for option in reversed(options):
        fn = option(fn)
    return fn


def run_scan(
    app: App,
    *,
    clouds: tuple[str, ...],
    profile: str | None,
    regions: tuple[str, ...],
    services: tuple[str, ...],
    org: bool,
    assume_role: str | None,
    external_id: str | None,
    max_workers: int,
    evaluate_rules: bool,
    subscriptions: tuple[str, ...] = (),
    azure_cloud: str = "public",
    projects: tuple[str, ...] = (),
    organization: str | None = None,
    shard: str | None = None,
    deep: bool = False,
    deep_max_bytes: int | None = None,
    **signing: Any,
) -> ScanResult:
    from aiscan.collectors.base import CollectorConfigError, Scope
    from aiscan.scan import ScanRequest, choose_clouds, run

    if assume_role and not org:
        raise click.UsageError("--assume-role is used with --org")
    from aiscan.core.shard import Shard, ShardError

    try:
        parsed_shard = Shard.parse(shard) if shard else None
    except ShardError as exc:
        raise click.BadParameter(str(exc), param_hint="--shard") from exc
    options: dict[str, Any] = {
        "subscriptions": _split(subscriptions),
        "azure_cloud": azure_cloud,
        "projects": _split(projects),
        "organization": organization,
    }
    if deep:
        from aiscan.cli.deep import limits, trust_config
        from aiscan.collectors.deep import DeepOptions

        options["deep"] = DeepOptions(limits=limits(deep_max_bytes), trust=trust_config(**signing))
    elif deep_max_bytes or any(signing.values()):
        raise click.UsageError("--deep-max-bytes and the signing options are used with --deep")
    scope = Scope(
        regions=_split(regions),
        services=_split(services),
        profile=profile,
        org=org,
        assume_role=assume_role,
        external_id=external_id,
        max_workers=max_workers,
        shard=parsed_shard,
        options=options,
    )
    import os

    from aiscan.collectors.settings import ScanSettings

    environ = dict(os.environ)  # the edge: the documented variables are read once, here
    try:
        settings = ScanSettings.from_environ(environ)
    except ValueError as exc:
        raise click.UsageError(f"an AISCAN_* setting is not a number: {exc}") from exc
    request = ScanRequest(
        clouds=_split(clouds),
        scope=scope,
        evaluate_rules=evaluate_rules,
        environ=environ,
        settings=settings,
    )
    try:
        choice = choose_clouds(request.clouds, request.environ)
        chosen, skipped = choice
        for s in skipped:
            if not app.quiet:
                app.warn(f"not scanning {s.name}: {s.reason}")
        if not chosen:
            app.abort(
                "no cloud credentials found; choose a cloud with --cloud (or try aiscan demo)"
            )
        if evaluate_rules:
            from aiscan.scan import load_rules

            # A rule pack that fails to load would silently judge less: say so on every scan.
            for pack, error in load_rules()[1].items():
                app.warn(f"rule pack {pack} not used: {error}")
        with app.progress() as progress:
            return run(request, progress, choice=choice)
    except CollectorConfigError as exc:
        app.abort(str(exc))


def emit(
    app: App,
    result: ScanResult,
    *,
    command: str,
    fmt: str,
    outputs: list[tuple[str, Path]],
    top: int | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    wide: bool = False,
    summary_hints: Sequence[str] | None = None,
) -> None:
    """Write every output; `options` are keyword arguments for a reporter, by reporter name.

    With `summary_hints` (scan and demo, unless --full) a terminal gets the one-screen summary
    ending in those hints; a pipe or file still gets the full tables, unchanged in shape."""
    from aiscan.reporters.base import Reporter

    def reporter(name: str) -> Reporter:
        try:
            cls = plugins.load("reporters", name)
        except plugins.PluginError as exc:
            app.abort(str(exc))
        return cls(**dict((options or {}).get(name, {})))  # type: ignore[no-any-return]

    for out_fmt, path in outputs:
        try:
            path.write_text(reporter(out_fmt).render(result, command=command), encoding="utf-8")
        except OSError as exc:
            app.abort(f"cannot write {path}: {exc.strerror}")
    primary = reporter(fmt)
    if fmt == "table" and summary_hints is not None and app.out.is_terminal:
        from aiscan.reporters.summary import TOP_FINDINGS, summary_view

        app.out.print(summary_view(result, top=top or TOP_FINDINGS, hints=summary_hints))
    elif fmt == "table":
        from aiscan.reporters.table import TableReporter

        assert isinstance(primary, TableReporter)
        primary.max_findings = top or FULL_TOP
        app.out.print(
            primary.renderable(result, command=command, width=app.out.width, wide=wide or None)
        )
    else:
        click.echo(primary.render(result, command=command), nl=False)


def _common(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        fmt = kwargs["fmt"]
        if fmt not in _formats():
            raise click.BadParameter(
                f"unknown format {fmt!r} (known: {', '.join(_formats())})", param_hint="--format"
            )
        kwargs["outputs"] = parse_outputs(kwargs["outputs"])
        return fn(*args, **kwargs)

    return wrapper


def bom_options(spec: str) -> dict[str, dict[str, Any]]:
    return {"cyclonedx": {"spec": spec}}


def _parse_file(
    app: App,
    path: Path | None,
    parse: Callable[[str, str], T],
    invalid: type[ValueError],
    what: str,
) -> T | None:
    """`parse(text, source)` of an optional input file; any problem is a usage error."""
    if path is None:
        return None
    try:
        return parse(path.read_text(encoding="utf-8"), str(path))
    except OSError as exc:
        app.abort(f"cannot read {path}: {exc.strerror}")
    except (invalid, UnicodeDecodeError) as exc:
        app.abort(f"invalid {what}: {exc}")


def load_waivers(app: App, path: Path | None) -> tuple[Waiver, ...] | None:
    """The waivers of --waivers FILE; a malformed file is a usage error naming the line."""
    from aiscan.core.waivers import WaiverError, parse_waivers

    return _parse_file(app, path, parse_waivers, WaiverError, "waiver file")


def load_baseline(app: App, path: Path | None) -> frozenset[str] | None:
    from aiscan.core.baseline import BaselineError, parse_baseline

    return _parse_file(app, path, parse_baseline, BaselineError, "baseline")


def report_gate(app: App, result: ScanResult, fail_on: Severity | None) -> None:
    """Waiver problems and the gate's decision on stderr, where CI logs show them."""
    from aiscan.scan import gating_findings

    for n in result.waivers:
        target = " ".join(x for x in (n.rule, n.asset) if x)
        if n.status == "expired":
            app.warn(
                f"waiver {n.waiver} ({target}, owner {n.owner}) expired on {n.expires}: it "
                f"no longer suppresses its {n.matched} finding(s)"
            )
        else:
            app.warn(f"waiver {n.waiver} ({target}, owner {n.owner}) matches no finding (stale)")
    if fail_on is None:
        return
    failing = gating_findings(result, fail_on)
    if failing:
        waived = sum(1 for f in result.findings if f.suppressed)
        detail = f"{waived} waived"
        if result.baseline is not None:
            known = sum(1 for f in result.findings if f.new is False)
            detail += f", {known} already in the baseline"
        app.err.print(
            Text(
                f"gate: {len(failing)} finding(s) at or above {fail_on.value} ({detail})",
                style="bold red",
            )
        )


@click.command()
@collection_options
@store_option
@WIDE_OPTION
@click.pass_obj
@_common
def inventory(
    app: App,
    fmt: str,
    outputs: list[tuple[str, Path]],
    allow_partial: bool,
    bom_spec: str,
    store_url: str | None,
    wide: bool,
    **kw: Any,
) -> None:
    """List the AI assets of every scope in reach (no rules run)."""
    from aiscan.scan import exit_code

    store = open_store_or_abort(app, store_url) if store_url else None
    result = run_scan(app, evaluate_rules=False, **kw)
    emit(
        app,
        result,
        command="inventory",
        fmt=fmt,
        outputs=outputs,
        options=bom_options(bom_spec),
        wide=wide,
    )
    raise click.exceptions.Exit(save(app, store, result, exit_code(result, None, allow_partial)))


def gate_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--fail-on, --waivers, --baseline and --top: what every rule-running command offers."""
    options = [
        click.option(
            "--fail-on",
            type=click.Choice([s.value for s in Severity], case_sensitive=False),
            help="Exit 1 when an unwaived finding at or above this severity exists.",
        ),
        click.option(
            "--waivers",
            "waivers_file",
            type=click.Path(dir_okay=False, path_type=Path),
            help="YAML file of accepted findings (rule/asset, reason, owner, expires).",
        ),
        click.option(
            "--baseline",
            "baseline_file",
            type=click.Path(dir_okay=False, path_type=Path),
            metavar="PREVIOUS.json",
            help="A previous JSON report: --fail-on then fails only on findings that are new.",
        ),
        click.option(
            "--top",
            type=click.IntRange(1),
            help=f"Findings shown [default: 10 in the summary, {FULL_TOP} with --full].",
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


@click.command()
@collection_options
@gate_options
@store_option
@FULL_OPTION
@WIDE_OPTION
@click.pass_obj
@_common
def scan(
    app: App,
    fmt: str,
    outputs: list[tuple[str, Path]],
    allow_partial: bool,
    fail_on: str | None,
    waivers_file: Path | None,
    baseline_file: Path | None,
    bom_spec: str,
    top: int | None,
    full: bool,
    wide: bool,
    store_url: str | None,
    **kw: Any,
) -> None:
    """Inventory AI assets and evaluate posture rules on them and on their relations.

    At a terminal the output opens with a one-screen summary and the worst findings (--full for
    every table); piped or redirected, it is the full tables.
    """
    waivers = load_waivers(app, waivers_file)
    baseline = load_baseline(app, baseline_file)
    store = open_store_or_abort(app, store_url) if store_url else None
    result = run_scan(app, evaluate_rules=True, **kw)
    conclude(
        app,
        result,
        store=store,
        waivers=waivers,
        baseline=baseline,
        baseline_file=baseline_file,
        fmt=fmt,
        outputs=outputs,
        top=top,
        options=bom_options(bom_spec),
        fail_on=fail_on,
        allow_partial=allow_partial,
        full=full,
        wide=wide,
    )


def conclude(
    app: App,
    result: ScanResult,
    *,
    store: Store | None,
    waivers: tuple[Waiver, ...] | None,
    baseline: frozenset[str] | None,
    baseline_file: Path | None,
    fmt: str,
    outputs: list[tuple[str, Path]],
    top: int | None,
    options: Mapping[str, Mapping[str, Any]] | None,
    fail_on: str | None,
    allow_partial: bool,
    full: bool = True,
    wide: bool = False,
) -> NoReturn:
    """What `scan` and `merge` do with a judged result: waivers and baseline, lifecycle, every
    output, the gate on stderr, the store, and the exit code."""
    from aiscan.scan import apply_policy, exit_code

    result = apply_policy(
        result,
        waivers=waivers,
        baseline=baseline,
        baseline_source=str(baseline_file) if baseline_file else "baseline",
    )
    result = with_lifecycle(app, store, result)
    emit(
        app,
        result,
        command="scan",
        fmt=fmt,
        outputs=outputs,
        top=top,
        options=options,
        wide=wide,
        summary_hints=None if full else summary_hints(result),
    )
    threshold = Severity(fail_on.lower()) if fail_on else None
    report_gate(app, result, threshold)
    raise click.exceptions.Exit(
        save(app, store, result, exit_code(result, threshold, allow_partial))
    )
