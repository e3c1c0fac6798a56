"""A scan diff as a terminal table, JSON, or Markdown (for a chat message or a ticket).

Every cloud-supplied string is hostile. The table prints it as `Text(clean_text(...))`, never as
rich markup. Markdown backslash-escapes every ASCII punctuation character (CommonMark allows it
for all of them), so a name cannot open a link, an image, HTML, a heading or a table cell; inside
table cells values go into code spans, where only `|` needs escaping (GFM splits cells on it).
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.table import Table

from aiscan.core.diff import AttributeChange, Diff, FindingRef
from aiscan.core.sanitize import clean_text
from aiscan.reporters.table import SEVERITY_STYLE, short_id, t

FORMATS = ("table", "json", "markdown")
MAX_VALUE = 160
_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")


def render(d: Diff, fmt: str) -> str:
    if fmt == "json":
        return d.model_dump_json(indent=2) + "\n"
    if fmt == "markdown":
        return markdown(d)
    buf = io.StringIO()
    Console(file=buf, width=160, no_color=True, force_terminal=False).print(renderable(d))
    return buf.getvalue()


def value_text(change: AttributeChange, side: str) -> str:
    read = change.old_read if side == "old" else change.new_read
    if not read:
        return "(not read)"
    value = change.old if side == "old" else change.new
    text = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    return clean_text(text, MAX_VALUE)


def headline(d: Diff) -> str:
    parts = [
        f"{len(d.assets_appeared)} appeared",
        f"{len(d.assets_disappeared)} disappeared",
        f"{len(d.assets_changed)} changed",
        f"findings: {len(d.findings_new)} new",
        f"{len(d.findings_resolved)} resolved",
        f"{len(d.findings_regressed)} regressed",
    ]
    return "assets: " + ", ".join(parts)


def scope_lines(d: Diff) -> list[str]:
    s = d.scope
    if s.same:
        return []
    lines = ["The scans cover different scopes; only what both read is compared."]
    for name, (old, new) in sorted(s.declared.items()):
        lines.append(f"{name}: {_plain(old)} -> {_plain(new)}")
    if s.only_old:
        lines.append(f"read only by the old scan: {_listing(s.only_old)}")
    if s.only_new:
        lines.append(f"read only by the new scan: {_listing(s.only_new)}")
    if s.unread:
        lines.append(f"not read by one of the scans: {_listing(s.unread)}")
    if s.excluded_assets:
        lines.append(f"{s.excluded_assets} asset(s) outside the common scope left out")
    return lines


def _listing(items: tuple[str, ...], limit: int = 10) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _plain(value: Any) -> str:
    return clean_text(json.dumps(value, default=str, ensure_ascii=False), MAX_VALUE)


# -- table ------------------------------------------------------------------------------------


def renderable(d: Diff) -> RenderableType:
    parts: list[RenderableType] = [
        t(
            f"Diff {d.old.source} ({d.old.started:%Y-%m-%d %H:%M}) -> "
            f"{d.new.source} ({d.new.started:%Y-%m-%d %H:%M})",
            300,
            "bold",
        ),
        t(headline(d), 300),
    ]
    parts.extend(t(line, 2000, "yellow") for line in scope_lines(d))
    for title, assets in (
        ("Assets appeared", d.assets_appeared),
        ("Assets disappeared", d.assets_disappeared),
    ):
        if assets:
            table = Table(title=f"{title} ({len(assets)})", title_justify="left")
            for col in ("kind", "cloud", "account", "region", "name", "id"):
                table.add_column(col, overflow="fold")
            for a in assets:
                table.add_row(
                    t(a.kind),
                    t(a.cloud),
                    t(a.account),
                    t(a.region or "-"),
                    t(a.name, 48),
                    t(short_id(a.id), 80),
                )
            parts.append(table)
    if d.assets_changed:
        table = Table(title=f"Assets changed ({len(d.assets_changed)})", title_justify="left")
        for col in ("asset", "aspect", "attribute", "old", "new"):
            table.add_column(col, overflow="fold")
        for change in d.assets_changed:
            for i, c in enumerate(change.changes):
                label = f"{change.asset.kind} {change.asset.name}" if i == 0 else ""
                table.add_row(
                    t(label, 60),
                    t(c.aspect),
                    t(c.attribute, 60),
                    t(value_text(c, "old")),
                    t(value_text(c, "new")),
                )
        parts.append(table)
    for title, findings in (
        ("Findings new", d.findings_new),
        ("Findings regressed", d.findings_regressed),
        ("Findings resolved", d.findings_resolved),
    ):
        if findings:
            parts.append(_findings_table(title, findings))
    if d.empty:
        parts.append(t("No change in the compared scope.", style="green"))
    return Group(*parts)


def _findings_table(title: str, findings: tuple[FindingRef, ...]) -> Table:
    table = Table(title=f"{title} ({len(findings)})", title_justify="left")
    for col in ("severity", "rule", "asset", "what"):
        table.add_column(col, overflow="fold")
    for f in findings:
        sev = f.severity.value + (" (waived)" if f.suppressed else "")
        what = f.message or f.title
        if f.why:
            what = f"{what} [{f.why}]"
        table.add_row(
            t(sev, style="dim" if f.suppressed else SEVERITY_STYLE[f.severity]),
            t(f.rule_id),
            t(f.asset_name or short_id(f.asset_id), 60),
            t(what, 120),
        )
    return table


# -- markdown ---------------------------------------------------------------------------------


def md(value: object, limit: int = 300) -> str:
    """Hostile text as inert Markdown: one line, every ASCII punctuation backslash-escaped."""
    return _PUNCT.sub(r"\\\1", clean_text("" if value is None else value, limit))


def md_code(value: object, limit: int = MAX_VALUE) -> str:
    """Hostile text as an inline code span inside a GFM table cell."""
    text = clean_text("" if value is None else value, limit).replace("|", "\\|")
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def markdown(d: Diff) -> str:
    out = [
        f"## aiscan diff: {md(d.old.source)} → {md(d.new.source)}",
        "",
        f"{md(f'{d.old.started:%Y-%m-%d %H:%M} → {d.new.started:%Y-%m-%d %H:%M} UTC')}: "
        f"{md(headline(d))}",
        "",
    ]
    lines = scope_lines(d)
    if lines:
        out += [f"> **{md(lines[0])}**", *(f"> - {md(x, 2000)}" for x in lines[1:]), ""]
    for title, findings in (
        ("New findings", d.findings_new),
        ("Regressed findings", d.findings_regressed),
        ("Resolved findings", d.findings_resolved),
    ):
        if findings:
            out += [f"### {title} ({len(findings)})", "", "| severity | rule | asset | what |"]
            out.append("|---|---|---|---|")
            for f in findings:
                sev = f.severity.value + (" (waived)" if f.suppressed else "")
                what = f.message or f.title
                if f.why:
                    what = f"{what} ({f.why})"
                out.append(
                    f"| {md(sev)} | {md_code(f.rule_id)} | {md_code(f.asset_name or f.asset_id)}"
                    f" | {md(what, 200)} |"
                )
            out.append("")
    for title, assets in (
        ("Assets appeared", d.assets_appeared),
        ("Assets disappeared", d.assets_disappeared),
    ):
        if assets:
            out += [f"### {title} ({len(assets)})", "", "| kind | cloud | account | region | id |"]
            out.append("|---|---|---|---|---|")
            out.extend(
                f"| {md_code(a.kind)} | {md_code(a.cloud)} | {md_code(a.account)} | "
                f"{md_code(a.region or '-')} | {md_code(a.id, 300)} |"
                for a in assets
            )
            out.append("")
    if d.assets_changed:
        out += [
            f"### Assets changed ({len(d.assets_changed)})",
            "",
            "| asset | aspect | attribute | old | new |",
            "|---|---|---|---|---|",
        ]
        for change in d.assets_changed:
            for c in change.changes:
                out.append(
                    f"| {md_code(change.asset.id, 300)} | {md_code(c.aspect)} | "
                    f"{md_code(c.attribute)} | {md_code(value_text(c, 'old'))} | "
                    f"{md_code(value_text(c, 'new'))} |"
                )
        out.append("")
    if d.empty:
        out += ["No change in the compared scope.", ""]
    return "\n".join(out)
