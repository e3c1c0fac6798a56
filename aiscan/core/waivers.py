"""Waivers: accepted risks, written down with a reason, an owner and an expiry date.

A waiver file is YAML::

    waivers:
      - rule: AWS-SM-001            # rule id or glob (optional if asset is given)
        asset: "arn:aws:sagemaker:us-east-1:123456789012:endpoint/legacy-*"   # id or glob
        reason: Legacy endpoint, replaced by the VPC one in Q3
        owner: ml-platform@example.com
        expires: 2026-12-31          # the last day the waiver applies

A waived finding stays in every report, marked `suppressed`, and never fails the gate. An expired
waiver suppresses nothing and is reported; so is a waiver that matches no finding (stale).

Pure: parsing works on the text it is given, applying on the findings it is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from fnmatch import fnmatchcase
from typing import Any

from aiscan.core.model import Finding, Suppression, WaiverNotice

FIELDS = ("rule", "asset", "reason", "owner", "expires")
REQUIRED = ("reason", "owner", "expires")


class WaiverError(ValueError):
    """The waiver file is malformed; the message names the line at fault."""

    def __init__(self, source: str, line: int | None, problem: str) -> None:
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {problem}")
        self.source = source
        self.line = line
        self.problem = problem


@dataclass(frozen=True)
class Waiver:
    source: str
    line: int
    rule: str | None
    asset: str | None
    reason: str
    owner: str
    expires: date

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"

    def matches(self, finding: Finding) -> bool:
        if self.rule is not None and not fnmatchcase(finding.rule_id, self.rule):
            return False
        return self.asset is None or fnmatchcase(finding.asset_id, self.asset)

    def expired(self, today: date) -> bool:
        """`expires` is the last day the waiver applies."""
        return today > self.expires

    def suppression(self) -> Suppression:
        return Suppression(
            reason=self.reason, owner=self.owner, expires=self.expires, waiver=self.where
        )

    def notice(self, status: str, matched: int) -> WaiverNotice:
        return WaiverNotice(
            waiver=self.where,
            status="expired" if status == "expired" else "stale",
            rule=self.rule,
            asset=self.asset,
            reason=self.reason,
            owner=self.owner,
            expires=self.expires,
            matched=matched,
        )


def parse_waivers(text: str, source: str = "waivers") -> tuple[Waiver, ...]:
    """Every waiver of a YAML document; WaiverError (with the line) for anything malformed."""
    try:
        import yaml
    except ImportError as exc:  # pragma: no cover - pyyaml ships with the bom/test extras
        raise WaiverError(source, None, "waivers need PyYAML: pip install pyyaml") from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise WaiverError(source, line, f"not valid YAML: {problem}") from exc
    if root is None:
        return ()
    items = root
    if isinstance(root, yaml.MappingNode):
        pairs = {_scalar(k, source): v for k, v in root.value}
        if set(pairs) != {"waivers"}:
            raise WaiverError(source, _line(root), "expected a top-level `waivers:` list")
        items = pairs["waivers"]
    if isinstance(items, yaml.ScalarNode) and items.value in ("", "~", "null"):
        return ()
    if not isinstance(items, yaml.SequenceNode):
        raise WaiverError(source, _line(items), "`waivers` must be a list of waivers")
    return tuple(_waiver(node, source, yaml) for node in items.value)


def _line(node: Any) -> int:
    return int(node.start_mark.line) + 1


def _scalar(node: Any, source: str) -> str:
    if not hasattr(node, "tag") or not isinstance(node.value, str):
        raise WaiverError(source, _line(node), "expected a plain value")
    return str(node.value)


def _waiver(node: Any, source: str, yaml: Any) -> Waiver:
    if not isinstance(node, yaml.MappingNode):
        raise WaiverError(source, _line(node), "each waiver must be a mapping (rule, asset, ...)")
    values: dict[str, tuple[Any, int]] = {}
    for key_node, value_node in node.value:
        key = _scalar(key_node, source)
        if key not in FIELDS:
            raise WaiverError(
                source, _line(key_node), f"unknown field {key!r} (known: {', '.join(FIELDS)})"
            )
        if key in values:
            raise WaiverError(source, _line(key_node), f"{key!r} given twice")
        if not isinstance(value_node, yaml.ScalarNode):
            raise WaiverError(source, _line(value_node), f"{key!r} must be a single value")
        value = yaml.SafeLoader("").construct_object(value_node)
        values[key] = (value, _line(value_node))
    line = _line(node)
    for key in REQUIRED:
        if key not in values or values[key][0] in (None, ""):
            problem = f"waiver without {key!r} (reason, owner and expires are mandatory)"
            raise WaiverError(source, line, problem)
    text: dict[str, str | None] = {}
    for key in ("rule", "asset", "reason", "owner"):
        value, at = values.get(key, (None, line))
        if value is not None and not isinstance(value, str | int | float):
            raise WaiverError(source, at, f"{key!r} must be text")
        text[key] = None if value is None else str(value).strip() or None
    if text["rule"] is None and text["asset"] is None:
        raise WaiverError(source, line, "waiver needs a rule, an asset, or both")
    raw_expiry, at = values["expires"]
    expires = _date(raw_expiry, source, at)
    return Waiver(
        source=source,
        line=line,
        rule=text["rule"],
        asset=text["asset"],
        reason=text["reason"] or "",
        owner=text["owner"] or "",
        expires=expires,
    )


def _date(value: Any, source: str, line: int) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise WaiverError(source, line, f"expires must be a date like 2026-12-31, not {value!r}")


@dataclass(frozen=True)
class WaiverOutcome:
    findings: tuple[Finding, ...]
    notices: tuple[WaiverNotice, ...]


def apply_waivers(
    findings: Sequence[Finding], waivers: Iterable[Waiver], today: date
) -> WaiverOutcome:
    """Mark findings an unexpired waiver matches as suppressed (the first matching waiver wins);
    report expired waivers and waivers that match nothing."""
    waivers = tuple(waivers)
    matched = dict.fromkeys(waivers, 0)
    out: list[Finding] = []
    for f in findings:
        chosen: Waiver | None = None
        for w in waivers:
            if w.matches(f):
                matched[w] += 1
                if chosen is None and not w.expired(today):
                    chosen = w
        if chosen is None:
            out.append(f.model_copy(update={"suppressed": False, "suppression": None}))
        else:
            out.append(
                f.model_copy(update={"suppressed": True, "suppression": chosen.suppression()})
            )
    notices = []
    for w in waivers:
        if w.expired(today):
            notices.append(w.notice("expired", matched[w]))
        elif not matched[w]:
            notices.append(w.notice("stale", 0))
    return WaiverOutcome(tuple(out), tuple(notices))
