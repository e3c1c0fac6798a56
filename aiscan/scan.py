"""The pipeline, one direction: collectors -> inventory -> rules -> scan result -> exit code.

This module wires the layers together; it is the only place (besides the CLI) that knows all of
them. Collectors, rule packs and reporters are found through entry points.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiscan import __version__
from aiscan.collectors.base import Collector, CollectorConfigError, NullProgress, Progress, Scope
from aiscan.core import plugins
from aiscan.core.engine import evaluate
from aiscan.core.inventory import Inventory, InventoryBuilder
from aiscan.core.model import (
    Cloud,
    Coverage,
    CoverageStatus,
    ScanInfo,
    ScanResult,
    Severity,
    ToolInfo,
)
from aiscan.core.rules import RuleFunc

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
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))


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
) -> tuple[list[RuleFunc], dict[str, str]]:
    """Every rule of every installed pack (optionally filtered by id prefix), and load errors."""
    packs, errors = plugins.load_all("rules")
    rules: dict[str, RuleFunc] = {}
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
    clouds: Sequence[CloudChoice], scope: Scope, progress: Progress | None = None
) -> tuple[Inventory, dict[str, dict[str, str]]]:
    progress = progress or NullProgress()
    sink = InventoryBuilder()
    identities: dict[str, dict[str, str]] = {}
    for choice in clouds:
        cls = plugins.load("collectors", choice.name)
        collector: Collector = cls()
        try:
            identities[choice.name] = collector.collect(scope, sink, progress)
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


def run(request: ScanRequest, progress: Progress | None = None) -> ScanResult:
    started = datetime.now(UTC)
    clouds, skipped = choose_clouds(request.clouds, request.environ)
    inventory, identities = collect(clouds, request.scope, progress)
    findings: tuple[Any, ...] = ()
    evaluations: tuple[Any, ...] = ()
    if request.evaluate_rules:
        rules, _errors = load_rules()
        out = evaluate(inventory, rules)
        findings, evaluations = out.findings, out.evaluations
    scope_info: dict[str, Any] = {
        "clouds": [c.name for c in clouds],
        "skipped_clouds": {c.name: c.reason for c in skipped},
        "regions": list(request.scope.regions) or "all enabled",
        "services": list(request.scope.services) or "all",
        "org": request.scope.org,
    }
    return ScanResult(
        tool=ToolInfo(version=__version__),
        scan=ScanInfo(
            started=started,
            finished=datetime.now(UTC),
            scope=scope_info,
            identity={
                f"{cloud}.{k}": v for cloud, ident in identities.items() for k, v in ident.items()
            },
        ),
        assets=inventory.assets,
        relations=inventory.relations,
        coverage=inventory.coverage,
        findings=findings,
        evaluations=evaluations,
    )


def exit_code(result: ScanResult, fail_on: Severity | None, allow_partial: bool) -> int:
    """Findings at or above the threshold win over incompleteness (DESIGN.md)."""
    if fail_on is not None and any(f.severity.at_least(fail_on) for f in result.findings):
        return EXIT_FINDINGS
    if result.incomplete_scopes and not allow_partial:
        return EXIT_INCOMPLETE
    if not result.coverage and not allow_partial:
        return EXIT_INCOMPLETE  # nothing was read at all: never a silent green
    return EXIT_OK
