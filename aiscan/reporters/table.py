"""Terminal tables. Every cloud-supplied string goes through `Text(clean_text(...))`: it is never
parsed as rich markup and control characters never reach the terminal."""

from __future__ import annotations

import io
from collections import Counter
from typing import ClassVar

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from aiscan.core.model import Asset, CoverageStatus, Finding, ScanResult, Severity
from aiscan.core.sanitize import clean_text
from aiscan.reporters.base import Reporter

SEVERITY_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
STATUS_STYLE = {
    CoverageStatus.OK: "green",
    CoverageStatus.SKIPPED: "dim",
    CoverageStatus.DENIED: "bold red",
    CoverageStatus.ERROR: "bold red",
}


def t(value: object, limit: int = 120, style: str = "") -> Text:
    return Text(clean_text("" if value is None else value, limit), style=style)


def short_id(asset_id: str) -> str:
    """The readable tail of an ARN / resource id (the full id is in JSON and `aiscan show`)."""
    if asset_id.startswith("arn:"):
        parts = asset_id.split(":", 5)
        return parts[5] if len(parts) == 6 and parts[5] else asset_id
    return asset_id.rsplit("/providers/", 1)[-1]


class TableReporter(Reporter):
    name: ClassVar[str] = "table"

    def __init__(self, max_findings: int = 50) -> None:
        self.max_findings = max_findings

    def render(self, result: ScanResult, *, command: str = "scan") -> str:
        buf = io.StringIO()
        console = Console(file=buf, width=160, no_color=True, force_terminal=False)
        console.print(self.renderable(result, command=command))
        return buf.getvalue()

    def renderable(
        self,
        result: ScanResult,
        *,
        command: str = "scan",
        width: int = 160,
        wide: bool | None = None,
    ) -> RenderableType:
        """`wide` (--wide) adds the account and id columns; unset, only terminals of 140 columns
        or more get them (the name is enough for `aiscan show NAME`; JSON has everything)."""
        wide = width >= 140 if wide is None else wide
        parts: list[RenderableType] = [assets_table(result.assets, wide=wide)]
        if command != "inventory":
            names = {a.id: f"{a.kind.value} {a.name}" for a in result.assets}
            parts.append(findings_table(result.findings, self.max_findings, names))
        parts.append(coverage_summary(result))
        return Group(*parts)


def assets_table(assets: tuple[Asset, ...], *, wide: bool = True) -> Table:
    table = Table(title=f"AI assets ({len(assets)})", title_justify="left", expand=False)
    columns: tuple[str, ...] = ("kind", "cloud", "account", "region", "service", "name", "id")
    if not wide:
        columns = ("kind", "cloud", "region", "service", "name")
    for col in columns:
        # Short, bounded cells never wrap, so the name (and id) keep the rest of the width.
        short = col in ("kind", "cloud", "region", "service")
        table.add_column(col, overflow="fold", no_wrap=short)
    for a in assets:
        cells = {
            "kind": t(a.kind.value),
            "cloud": t(a.cloud.value),
            "account": t(a.account),
            "region": t(a.region or "-"),
            "service": t(a.service),
            "name": t(a.name, 48),
            "id": t(short_id(a.id), 80),
        }
        table.add_row(*(cells[c] for c in columns))
    return table


def findings_table(
    findings: tuple[Finding, ...], limit: int, names: dict[str, str] | None = None
) -> RenderableType:
    """Findings, worst first; assets by kind and name (`aiscan show NAME` explains one)."""
    names = names or {}
    counts = Counter(f.severity for f in findings if not f.suppressed)
    summary = ", ".join(f"{counts[s]} {s.value}" for s in Severity if counts[s]) or "none"
    waived = sum(1 for f in findings if f.suppressed)
    if waived:
        summary += f"; {waived} waived"
    table = Table(
        title=f"Findings ({len(findings)}: {summary})", title_justify="left", expand=False
    )
    for col in ("severity", "rule", "region", "asset", "what"):
        table.add_column(col, overflow="fold")
    for f in findings[:limit]:
        severity = (
            t(f"{f.severity.value} (waived)", style="dim")
            if f.suppressed
            else t(f.severity.value + (" NEW" if f.new else ""), style=SEVERITY_STYLE[f.severity])
        )
        table.add_row(
            severity,
            t(f.rule_id),
            t(f.region or "-"),
            t(names.get(f.asset_id) or short_id(f.asset_id), 60),
            t(f.message or f.title, 100),
        )
    if len(findings) > limit:
        more = len(findings) - limit
        return Group(table, t(f"... and {more} more (see --format json)", style="dim"))
    return table


def coverage_summary(result: ScanResult) -> RenderableType:
    counts = Counter(c.status for c in result.coverage)
    line = Text("Coverage: ")
    for status in CoverageStatus:
        if counts[status]:
            line.append(f"{counts[status]} {status.value}  ", style=STATUS_STYLE[status])
    if not result.coverage:
        line.append("nothing was read", style="bold red")
    bad = result.incomplete_scopes
    if not bad:
        return line
    table = Table(title="Scopes not read (scan incomplete)", title_justify="left")
    for col in ("status", "account", "region", "service", "why"):
        table.add_column(col, overflow="fold")
    for c in bad[:50]:
        table.add_row(
            t(c.status.value, style=STATUS_STYLE[c.status]),
            t(c.account),
            t(c.region),
            t(c.service),
            t(c.message, 160),
        )
    return Group(line, table)
