"""Baselines: a previous JSON report's fingerprints decide which findings are new."""

from __future__ import annotations

import json

import pytest

from aiscan.core.baseline import BaselineError, apply_baseline, parse_baseline
from tests.core.test_waivers import FINDINGS, MODEL, finding


def report(findings: list[dict[str, object]]) -> str:
    return json.dumps({"schema_version": "1.0", "findings": findings})


def test_findings_are_new_only_when_their_fingerprint_is_not_in_the_baseline() -> None:
    previous = report([f.model_dump(mode="json") for f in FINDINGS[:3]])
    known = parse_baseline(previous, "prev.json")
    assert known == {f.fingerprint for f in FINDINGS[:3]}
    fresh = finding("XC-SC-003", MODEL)
    out = apply_baseline([*FINDINGS[1:], fresh], known, "prev.json")
    assert [(f.rule_id, f.new) for f in out.findings] == [
        ("XC-SC-001", False),
        ("AWS-SM-001", False),
        ("AWS-SM-001", True),
        ("XC-SC-003", True),
    ]
    assert (out.info.source, out.info.known, out.info.new, out.info.resolved) == (
        "prev.json",
        3,
        2,
        1,  # FINDINGS[0] is gone
    )


def test_the_json_report_of_the_scan_model_round_trips() -> None:
    from datetime import UTC, datetime

    from aiscan.core.model import ScanInfo, ScanResult, ToolInfo

    now = datetime.now(UTC)
    result = ScanResult(
        tool=ToolInfo(version="0"), scan=ScanInfo(started=now, finished=now), findings=FINDINGS
    )
    assert parse_baseline(result.model_dump_json()) == {f.fingerprint for f in FINDINGS}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("not json", "not JSON"),
        ("[]", "not an aiscan JSON report"),
        ('{"findings": []}', "not an aiscan JSON report"),
        ('{"schema_version": "1.0", "findings": {}}', "not a list"),
        ('{"schema_version": "1.0", "findings": [{"rule_id": "X"}]}', "findings[0]"),
    ],
)
def test_anything_but_an_aiscan_report_is_refused(text: str, problem: str) -> None:
    with pytest.raises(BaselineError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        parse_baseline(text, "prev.json")
