"""Baselines: compare a scan with a previous one by finding fingerprint.

`aiscan scan --baseline previous.json` fails the gate only on findings whose fingerprint the
previous JSON report did not contain, so a team can adopt the gate on an estate with known debt.
A fingerprint is rule + asset + distinguishing key (never a timestamp), so an unchanged estate
gives the same fingerprints scan after scan.

Pure: parsing works on the text it is given.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from aiscan.core.model import BaselineInfo, Finding


class BaselineError(ValueError):
    """The baseline is not an aiscan JSON report."""


def parse_baseline(text: str, source: str = "baseline") -> frozenset[str]:
    """The finding fingerprints of a previous `--format json` / `-o json=` report."""
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise BaselineError(f"{source}: not JSON ({exc})") from exc
    if not isinstance(doc, dict) or "findings" not in doc or "schema_version" not in doc:
        raise BaselineError(
            f"{source}: not an aiscan JSON report (expected `schema_version` and `findings`; "
            "write one with `aiscan scan -o json=PATH`)"
        )
    findings = doc["findings"]
    if not isinstance(findings, list):
        raise BaselineError(f"{source}: `findings` is not a list")
    fingerprints: set[str] = set()
    for index, item in enumerate(findings):
        fp = item.get("fingerprint") if isinstance(item, dict) else None
        if not isinstance(fp, str) or not fp:
            raise BaselineError(f"{source}: findings[{index}] has no fingerprint")
        fingerprints.add(fp)
    return frozenset(fingerprints)


@dataclass(frozen=True)
class BaselineOutcome:
    findings: tuple[Finding, ...]
    info: BaselineInfo


def apply_baseline(
    findings: Sequence[Finding], known: frozenset[str], source: str = "baseline"
) -> BaselineOutcome:
    """Mark each finding `new` (fingerprint not in the baseline) or not."""
    marked = tuple(f.model_copy(update={"new": f.fingerprint not in known}) for f in findings)
    current = {f.fingerprint for f in findings}
    info = BaselineInfo(
        source=source,
        known=len(known),
        new=sum(1 for f in marked if f.new),
        resolved=len(known - current),
    )
    return BaselineOutcome(marked, info)
