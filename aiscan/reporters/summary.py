"""The first screen of `aiscan scan` / `aiscan demo` at a terminal: what was found, how much of
the estate was read, how bad it is, the worst few findings, and how to see more.

Everything fits one 100 x 40 terminal: one line per finding (cells are cut with an ellipsis, never
wrapped), assets as one line per cloud. Every cloud-supplied string goes through `t()`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from aiscan.core.model import (
    Category,
    Cloud,
    CoverageStatus,
    Finding,
    ScanResult,
    Severity,
)
from aiscan.core.sanitize import clean_text
from aiscan.reporters.table import SEVERITY_STYLE, STATUS_STYLE, short_id, t

#: Findings shown on the first screen unless --top says otherwise.
TOP_FINDINGS = 6
TOP_PATHS = 3


def summary_view(
    result: ScanResult,
    *,
    top: int = TOP_FINDINGS,
    hints: Sequence[str] = (),
) -> RenderableType:
    """Summary, top attack paths (when a rule reports any), top findings, then `hints`."""
    parts: list[RenderableType] = [
        Text("Summary", style="bold"),
        assets_by_cloud(result),
        coverage_line(result),
        findings_line(result.findings),
    ]
    paths = attack_paths(result.findings)
    if paths:
        parts += [Text(""), paths_table(result, paths[:TOP_PATHS], len(paths))]
    # attack paths lead; the findings below them are the single-asset ones, by risk
    open_findings = sorted(
        (f for f in result.findings if not f.suppressed and f.category is not Category.ATTACK_PATH),
        key=lambda f: -f.risk_score,
    )
    if open_findings:
        parts += [Text(""), top_findings_table(result, open_findings, top)]
    bad = result.incomplete_scopes
    if bad:
        first = bad[0]
        where = f"{first.cloud.value} {first.account} {first.region} {first.service}"
        parts.append(
            Text(
                clean_text(
                    f"Scan incomplete: {len(bad)} scope(s) not read, e.g. {where}: {first.message}",
                    300,
                ),
                style="bold red",
                no_wrap=True,
                overflow="ellipsis",
            )
        )
    if hints:
        parts += [Text("")] + [Text(h, style="dim") for h in hints]
    return Group(*parts)


def assets_by_cloud(result: ScanResult) -> RenderableType:
    """Asset counts by kind (rows, most first) and cloud (columns), the kinds in two side-by-side
    halves so that all of them fit a few lines."""
    counts: Counter[tuple[str, Cloud]] = Counter((a.kind.value, a.cloud) for a in result.assets)
    clouds = sorted({c for _, c in counts}, key=lambda c: c.value)
    totals = Counter(a.kind.value for a in result.assets)
    kinds = sorted(totals, key=lambda k: (-totals[k], k))
    per_cloud = Counter(a.cloud for a in result.assets)
    head = Text("  assets    ", style="dim")
    head.append(f"{len(result.assets)}", style="bold")
    if clouds:
        head.append(": " + " · ".join(f"{per_cloud[c]} {c.value}" for c in clouds))
    if not kinds:
        return head
    half = (len(kinds) + 1) // 2
    grid = Table.grid(padding=(0, 1))
    for side in range(2):
        grid.add_column(no_wrap=True, width=9 if side == 0 else 1)  # indent, then a rule
        grid.add_column(no_wrap=True, min_width=18)
        for _ in clouds:
            grid.add_column(no_wrap=True, justify="right", min_width=5)
    cloud_heads = [Text(c.value, style="dim") for c in clouds]
    grid.add_row(*([Text(""), Text("kind", style="dim"), *cloud_heads] * 2))
    for i in range(half):
        row: list[Text] = []
        for side, kind in enumerate((kinds[i], kinds[i + half] if i + half < len(kinds) else None)):
            row.append(Text("│" if side else "", style="dim"))
            row.append(Text(kind or ""))
            row += [Text(str(counts[(kind, c)] or "-") if kind else "") for c in clouds]
        grid.add_row(*row)
    return Group(head, grid)


def coverage_line(result: ScanResult) -> Text:
    counts = Counter(c.status for c in result.coverage)
    line = Text("  coverage  ", style="dim")
    if not result.coverage:
        return line.append("nothing was read", style="bold red")
    line.append(f"{len(result.coverage)} scopes: ")
    line.append_text(
        Text(" · ").join(
            Text(f"{counts[s]} {s.value}", style=STATUS_STYLE[s])
            for s in CoverageStatus
            if counts[s]
        )
    )
    if result.incomplete_scopes:
        line.append("  (scan incomplete)", style="bold red")
    return line


def findings_line(findings: Sequence[Finding]) -> Text:
    counts = Counter(f.severity for f in findings if not f.suppressed)
    line = Text("  findings  ", style="dim")
    line.append(f"{sum(counts.values())}: ")
    shown = [Text(f"{counts[s]} {s.value}", style=SEVERITY_STYLE[s]) for s in Severity if counts[s]]
    line.append_text(Text(" · ").join(shown) if shown else Text("none", style="green"))
    waived = sum(1 for f in findings if f.suppressed)
    if waived:
        line.append(f"  ({waived} waived)", style="dim")
    new = sum(1 for f in findings if f.new and not f.suppressed)
    if new:
        line.append(f"  ({new} new since the baseline)", style="bold")
    return line


def attack_paths(findings: Sequence[Finding]) -> list[Finding]:
    """Attack-path findings, worst risk first: they lead the first screen."""
    found = [
        f for f in findings if f.category is Category.ATTACK_PATH and f.path and not f.suppressed
    ]
    return sorted(found, key=lambda f: -f.risk_score)


SYNTHETIC_NAMES = {"aiscan:internet": "internet", "aiscan:anonymous": "anyone"}


def node_name(node_id: str, names: Mapping[str, str]) -> str:
    """How a path node reads: the asset's name, `internet` / `anyone`, a hub or registry host."""
    if node_id in SYNTHETIC_NAMES:
        return SYNTHETIC_NAMES[node_id]
    if node_id.startswith(("aiscan:hub/", "aiscan:registry/")):
        return node_id.split("/", 1)[1]
    return names.get(node_id) or short_id(node_id)


def chain_text(f: Finding, names: Mapping[str, str]) -> str:
    """An attack path as one readable chain: entry -[edge]-> hop -[edge]-> ... -> crown jewel.
    Plain text (render it with `t()` / rich Text, never as markup)."""
    if not f.path:
        return ""
    steps = [node_name(f.path[0], names)]
    edges = [h.edge for h in f.hops] if len(f.hops) == len(f.path) - 1 else []
    for i, node in enumerate(f.path[1:]):
        steps.append(f" -[{edges[i]}]-> " if edges else " -> ")
        steps.append(node_name(node, names))
    return "".join(steps)


def chain_brief(f: Finding, names: Mapping[str, str]) -> str:
    """An attack path in one cell: where it starts (the internet, anonymous access), the entry
    point and the crown jewel in full, the steps between them counted (`aiscan show NAME` and
    the full table give every hop with its edge and evidence)."""
    if not f.path:
        return ""
    first = next((i for i, n in enumerate(f.path) if not n.startswith("aiscan:")), 0)
    start = [node_name(n, names) for n in f.path[:first]]
    entry, jewel = f.path[first], f.path[-1]
    between = len(f.path) - first - 2
    parts = [*start, _cut(node_name(entry, names))]
    if between > 0:
        parts.append(f"({between} step{'s' if between > 1 else ''})")
    if jewel != entry:
        parts.append(_cut(node_name(jewel, names)))
    return " → ".join(parts)


def _cut(label: str, room: int = 28) -> str:
    return label if len(label) <= room else label[: room - 1] + "…"


def _compact() -> Table:
    return Table(
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        pad_edge=False,
        show_edge=False,
        expand=True,
        title_justify="left",
        title_style="bold",
    )


def paths_table(result: ScanResult, paths: Sequence[Finding], total: int) -> Table:
    names = {a.id: a.name for a in result.assets}
    table = _compact()
    table.title = f"Top attack paths ({len(paths)} of {total})"
    table.add_column("risk", no_wrap=True, justify="right")
    table.add_column("severity", no_wrap=True)
    table.add_column("path", no_wrap=True, overflow="ellipsis", ratio=1)
    table.add_column("rule", no_wrap=True, style="dim")
    for f in paths:
        table.add_row(
            t(f"{f.risk_score:.1f}"),
            t(f.severity.value, style=SEVERITY_STYLE[f.severity]),
            t(chain_brief(f, names), 400),
            t(f.rule_id),
        )
    return table


def top_findings_table(result: ScanResult, findings: Sequence[Finding], top: int) -> Table:
    """The worst `top` findings, one line each, the asset by name (`aiscan show NAME`)."""
    names = {a.id: a.name for a in result.assets}
    table = _compact()
    shown = findings[:top]
    table.title = f"Top findings ({len(shown)} of {len(findings)})"
    table.add_column("risk", no_wrap=True, justify="right")
    table.add_column("severity", no_wrap=True)
    table.add_column("cloud", no_wrap=True)
    table.add_column("asset", no_wrap=True, overflow="ellipsis", max_width=26)
    table.add_column("what", no_wrap=True, overflow="ellipsis", ratio=1)
    table.add_column("rule", no_wrap=True, style="dim")
    for f in shown:
        severity = f.severity.value + (" NEW" if f.new else "")
        table.add_row(
            t(f"{f.risk_score:.1f}"),
            t(severity, style=SEVERITY_STYLE[f.severity]),
            t(f.cloud.value),
            t(names.get(f.asset_id) or short_id(f.asset_id), 120),
            t(f.message or f.title, 200),
            t(f.rule_id),
        )
    return table
