"""The pipeline, one direction: collectors -> inventory -> rules -> scan result -> exit code.

This module wires the layers together; it is the only place (besides the CLI) that knows all of
them. Collectors, rule packs and reporters are found through entry points.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from aiscan import __version__
from aiscan.collectors.base import Collector, CollectorConfigError, NullProgress, Progress, Scope
from aiscan.collectors.settings import ScanSettings
from aiscan.core import plugins
from aiscan.core.baseline import apply_baseline
from aiscan.core.engine import evaluate
from aiscan.core.inventory import Inventory, InventoryBuilder
from aiscan.core.model import (
    Cloud,
    Coverage,
    CoverageStatus,
    Finding,
    ScanInfo,
    ScanResult,
    Severity,
    ToolInfo,
)
from aiscan.core.rules import AnyRule
from aiscan.core.waivers import Waiver, apply_waivers

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3


@dataclass(frozen=True)
class CloudChoice:
    name: str
    reason: str


@dataclass
class ScanRequest:
    clouds: Sequence[str] = ()
    scope: Scope = field(default_factory=Scope)
    evaluate_rules: bool = True
    #: What `choose_clouds` detects credentials from (local signals only).
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    #: A scope for one cloud only (the demo reads different regions in each cloud).
    cloud_scopes: Mapping[str, Scope] = field(default_factory=dict)
    #: Each cloud's collector settings; None: read once from `environ`.
    settings: ScanSettings | None = None

    def collector_settings(self) -> ScanSettings:
        return self.settings or ScanSettings.from_environ(self.environ)


def choose_clouds(
    requested: Sequence[str], environ: Mapping[str, str]
) -> tuple[list[CloudChoice], list[CloudChoice]]:
    """(clouds to scan, clouds skipped) — from --cloud, or from local credential signals only."""
    available = plugins.names("collectors")
    if requested:
        unknown = [c for c in requested if c not in available]
        if unknown:
            raise CollectorConfigError(
                f"no collector for {', '.join(unknown)} (installed: {', '.join(available)})"
            )
        return [CloudChoice(c, "requested with --cloud") for c in requested], []
    chosen: list[CloudChoice] = []
    skipped: list[CloudChoice] = []
    for name in available:
        try:
            cls = plugins.load("collectors", name)
        except plugins.PluginError as exc:
            skipped.append(CloudChoice(name, str(exc)))
            continue
        reason = cls.detect(environ)
        if reason:
            chosen.append(CloudChoice(name, reason))
        else:
            skipped.append(CloudChoice(name, "no local credentials found"))
    return chosen, skipped


def load_rules(
    select: Iterable[str] = (), skip: Iterable[str] = ()
) -> tuple[list[AnyRule], dict[str, str]]:
    """Every rule of every installed pack (optionally filtered by id prefix), and load errors."""
    packs, errors = plugins.load_all("rules")
    rules: dict[str, AnyRule] = {}
    for pack_name, pack in packs.items():
        for rule_fn in pack:
            rid = rule_fn.meta.id
            if rid in rules:
                errors[pack_name] = f"duplicate rule id {rid}"
                continue
            rules[rid] = rule_fn
    sel, skp = tuple(select), tuple(skip)
    chosen = [
        r
        for rid, r in sorted(rules.items())
        if (not sel or rid.startswith(sel)) and not (skp and rid.startswith(skp))
    ]
    return chosen, errors


def collect(
    clouds: Sequence[CloudChoice],
    scope: Scope,
    progress: Progress | None = None,
    cloud_scopes: Mapping[str, Scope] | None = None,
    settings: ScanSettings | None = None,
) -> tuple[Inventory, dict[str, dict[str, str]]]:
    progress = progress or NullProgress()
    sink = InventoryBuilder()
    identities: dict[str, dict[str, str]] = {}
    for choice in clouds:
        cls = plugins.load("collectors", choice.name)
        own = (settings or ScanSettings()).of(choice.name)
        collector: Collector = cls() if own is None else cls(settings=own)
        try:
            cloud_scope = (cloud_scopes or {}).get(choice.name, scope)
            identities[choice.name] = collector.collect(cloud_scope, sink, progress)
        except CollectorConfigError:
            raise
        except Exception as exc:  # a collector bug is an incomplete scan, not a crash
            sink.add_coverage(
                Coverage(
                    cloud=_cloud(choice.name),
                    account="*",
                    region="*",
                    service="*",
                    status=CoverageStatus.ERROR,
                    message=f"collector failed: {type(exc).__name__}: {exc}"[:500],
                )
            )
    return sink.build(), identities


def _cloud(name: str) -> Cloud:
    return Cloud(name) if name in {c.value for c in Cloud} else Cloud.LOCAL


def run(
    request: ScanRequest,
    progress: Progress | None = None,
    *,
    choice: tuple[list[CloudChoice], list[CloudChoice]] | None = None,
) -> ScanResult:
    """`choice`: what `choose_clouds` already answered for this request (so it is not asked
    twice)."""
    started = datetime.now(UTC)
    clouds, skipped = choice or choose_clouds(request.clouds, request.environ)
    inventory, identities = collect(
        clouds, request.scope, progress, request.cloud_scopes, request.collector_settings()
    )
    scope_info: dict[str, Any] = {
        "clouds": [c.name for c in clouds],
        "skipped_clouds": {c.name: c.reason for c in skipped},
        "regions": list(request.scope.regions) or "all enabled",
        "services": list(request.scope.services) or "all",
        "org": request.scope.org,
    }
    if request.scope.shard is not None:
        scope_info["shard"] = str(request.scope.shard)
    return assemble(
        inventory,
        ScanInfo(
            started=started,
            finished=datetime.now(UTC),
            scope=scope_info,
            identity={
                f"{cloud}.{k}": v for cloud, ident in identities.items() for k, v in ident.items()
            },
        ),
        evaluate_rules=request.evaluate_rules,
    )


def assemble(inventory: Inventory, info: ScanInfo, *, evaluate_rules: bool = True) -> ScanResult:
    """The scan result of an inventory, with every installed rule evaluated on it (a scan, or
    the merged inventory of shards)."""
    findings: tuple[Any, ...] = ()
    evaluations: tuple[Any, ...] = ()
    if evaluate_rules:
        rules, _errors = load_rules()
        out = evaluate(inventory, rules)
        findings, evaluations = out.findings, out.evaluations
    return ScanResult(
        tool=ToolInfo(version=__version__),
        scan=info,
        assets=inventory.assets,
        relations=inventory.relations,
        coverage=inventory.coverage,
        findings=findings,
        evaluations=evaluations,
    )


def apply_policy(
    result: ScanResult,
    *,
    waivers: Sequence[Waiver] | None = None,
    baseline: frozenset[str] | None = None,
    baseline_source: str = "baseline",
    today: date | None = None,
) -> ScanResult:
    """Mark findings waived (`suppressed`) and, against a baseline, `new`; report expired and
    stale waivers. Nothing is removed: every report still shows every finding."""
    findings = result.findings
    update: dict[str, Any] = {}
    if waivers is not None:
        outcome = apply_waivers(findings, waivers, today or datetime.now(UTC).date())
        findings = outcome.findings
        update["waivers"] = outcome.notices
    if baseline is not None:
        marked = apply_baseline(findings, baseline, baseline_source)
        findings = marked.findings
        update["baseline"] = marked.info
    update["findings"] = findings
    return result.model_copy(update=update)


def gating_findings(result: ScanResult, fail_on: Severity) -> tuple[Finding, ...]:
    """Findings that fail the gate: at or above the threshold, not waived, and (when a baseline
    was given) new."""
    return tuple(
        f
        for f in result.findings
        if f.severity.at_least(fail_on) and not f.suppressed and f.new is not False
    )


def exit_code(result: ScanResult, fail_on: Severity | None, allow_partial: bool) -> int:
    """Unwaived (and, with a baseline, new) findings at or above the threshold win over
    incompleteness (DESIGN.md); a baseline never hides an incomplete scan."""
    if fail_on is not None and gating_findings(result, fail_on):
        return EXIT_FINDINGS
    if result.incomplete_scopes and not allow_partial:
        return EXIT_INCOMPLETE
    if not result.coverage and not allow_partial:
        return EXIT_INCOMPLETE  # nothing was read at all: never a silent green
    return EXIT_OK
