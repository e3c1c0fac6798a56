"""Waivers: parsed with the line at fault, applied to exactly the findings they name."""

from __future__ import annotations

from datetime import date

import pytest

from aiscan.core.model import Category, Cloud, Finding, Severity, fingerprint
from aiscan.core.waivers import WaiverError, apply_waivers, parse_waivers

TODAY = date(2026, 11, 25)
MODEL = "arn:aws:sagemaker:us-east-1:123456789012:model/chat"
LEGACY = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/legacy-1"
OTHER = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/prod"


def finding(rule_id: str, asset_id: str, severity: Severity = Severity.CRITICAL) -> Finding:
    return Finding(
        rule_id=rule_id,
        asset_id=asset_id,
        severity=severity,
        category=Category.SUPPLY_CHAIN,
        title="t",
        message="m",
        remediation="r",
        risk_score=9.5,
        fingerprint=fingerprint(rule_id, asset_id),
        cloud=Cloud.AWS,
        account="123456789012",
        region="us-east-1",
    )


FINDINGS = [
    finding("XC-SC-002", MODEL),
    finding("XC-SC-001", MODEL),
    finding("AWS-SM-001", LEGACY),
    finding("AWS-SM-001", OTHER),
]


def waivers(body: str) -> str:
    return "waivers:\n" + body


def test_a_waiver_suppresses_exactly_its_finding_and_records_why() -> None:
    text = waivers(
        f"""  - rule: XC-SC-002
    asset: {MODEL}
    reason: vendor model, remote code reviewed
    owner: ml-platform@example.com
    expires: 2026-12-31
"""
    )
    out = apply_waivers(FINDINGS, parse_waivers(text, "w.yaml"), TODAY)
    suppressed = [(f.rule_id, f.asset_id) for f in out.findings if f.suppressed]
    assert suppressed == [("XC-SC-002", MODEL)]
    waived = next(f for f in out.findings if f.suppressed)
    assert waived.suppression is not None
    assert waived.suppression.reason == "vendor model, remote code reviewed"
    assert waived.suppression.owner == "ml-platform@example.com"
    assert waived.suppression.expires == date(2026, 12, 31)
    assert waived.suppression.waiver == "w.yaml:2"
    assert len(out.findings) == len(FINDINGS)  # nothing disappears
    assert out.notices == ()


def test_asset_glob_and_rule_glob() -> None:
    text = waivers(
        """  - asset: "arn:aws:sagemaker:*:endpoint/legacy-*"
    reason: being decommissioned
    owner: ops
    expires: 2027-01-31
  - rule: "XC-SC-00*"
    reason: accepted
    owner: sec
    expires: "2027-01-31"
"""
    )
    out = apply_waivers(FINDINGS, parse_waivers(text), TODAY)
    assert {(f.rule_id, f.asset_id) for f in out.findings if f.suppressed} == {
        ("AWS-SM-001", LEGACY),
        ("XC-SC-002", MODEL),
        ("XC-SC-001", MODEL),
    }


def test_an_expired_waiver_stops_suppressing_and_is_reported() -> None:
    text = waivers(
        f"""  - rule: XC-SC-002
    asset: {MODEL}
    reason: temporary
    owner: alice
    expires: 2026-11-24
"""
    )
    out = apply_waivers(FINDINGS, parse_waivers(text, "w.yaml"), TODAY)
    assert not any(f.suppressed for f in out.findings)
    [notice] = out.notices
    assert (notice.status, notice.waiver, notice.matched, notice.owner) == (
        "expired",
        "w.yaml:2",
        1,
        "alice",
    )
    # the expiry date itself is still covered
    same_day = apply_waivers(FINDINGS, parse_waivers(text), date(2026, 11, 24))
    assert [f.rule_id for f in same_day.findings if f.suppressed] == ["XC-SC-002"]


def test_a_waiver_matching_nothing_is_stale() -> None:
    text = waivers(
        """  - rule: AWS-BR-999
    reason: gone
    owner: bob
    expires: 2027-01-01
"""
    )
    out = apply_waivers(FINDINGS, parse_waivers(text), TODAY)
    assert [(n.status, n.rule, n.matched) for n in out.notices] == [("stale", "AWS-BR-999", 0)]
    assert not any(f.suppressed for f in out.findings)


def test_empty_file_and_top_level_list_are_accepted() -> None:
    assert parse_waivers("") == ()
    assert parse_waivers("waivers: []\n") == ()
    [w] = parse_waivers("- rule: X\n  reason: r\n  owner: o\n  expires: 2027-01-01\n")
    assert (w.rule, w.line) == ("X", 1)


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("waivers:\n  - rule: X\n    owner: o\n    expires: 2027-01-01\n", 2, "'reason'"),
        ("waivers:\n  - rule: X\n    reason: r\n    expires: 2027-01-01\n", 2, "'owner'"),
        ("waivers:\n  - rule: X\n    reason: r\n    owner: o\n", 2, "'expires'"),
        ("waivers:\n  - rule: X\n    reason: ''\n    owner: o\n    expires: 2027-01-01\n", 2,
         "'reason'"),
        ("waivers:\n  - reason: r\n    owner: o\n    expires: 2027-01-01\n", 2, "rule, an asset"),
        ("waivers:\n  - rule: X\n    reason: r\n    owner: o\n    expires: next week\n", 5,
         "date"),
        ("waivers:\n  - rule: X\n    reason: r\n    owner: o\n    expires: 2027-01-01\n"
         "    expiry: 2027-01-01\n", 6, "unknown field 'expiry'"),
        ("waivers:\n  - rule: X\n    reason: [a, b]\n    owner: o\n    expires: 2027-01-01\n", 3,
         "single value"),
        ("waivers:\n  - rule: X\n   reason: r\n", 3, "not valid YAML"),
        ("waivers: {rule: X}\n", 1, "list"),
        ("rules:\n  - rule: X\n", 1, "waivers"),
        ("waivers:\n  - just a string\n", 2, "mapping"),
    ],
)  # fmt: skip
def test_malformed_files_name_the_line_at_fault(text: str, line: int, problem: str) -> None:
    with pytest.raises(WaiverError) as err:
        parse_waivers(text, "waivers.yaml")
    assert err.value.line == line, str(err.value)
    assert problem in str(err.value)
    assert str(err.value).startswith(f"waivers.yaml:{line}: ")
