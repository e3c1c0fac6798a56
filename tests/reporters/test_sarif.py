"""SARIF 2.1.0: the demo's log validates against the OASIS schema and passes the checks GitHub
code scanning applies; waived findings carry suppressions, baselines set baselineState."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from aiscan.core.model import ScanResult
from aiscan.core.waivers import parse_waivers
from aiscan.reporters.sarif import SarifReporter
from aiscan.scan import apply_policy

SCHEMA = Path(__file__).parent.parent / "data" / "schemas" / "sarif" / "sarif-schema-2.1.0.json"


def schema_errors(log: dict[str, Any]) -> list[str]:
    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(log)]


def github_problems(log: dict[str, Any]) -> list[str]:
    """What GitHub code scanning requires or uses (docs: sarif-support-for-code-scanning)."""
    problems: list[str] = []
    if log.get("version") != "2.1.0" or "$schema" not in log or not log.get("runs"):
        problems.append("top level: $schema, version 2.1.0 and runs are required")
    for run in log.get("runs", []):
        driver = run["tool"]["driver"]
        if not driver.get("name"):
            problems.append("tool.driver.name missing")
        rules = {r["id"]: r for r in driver.get("rules", [])}
        for rid, r in rules.items():
            if not 0 < len(r.get("shortDescription", {}).get("text", "")) <= 1024:
                problems.append(f"{rid}: shortDescription.text missing or > 1024")
            problems += [
                f"{rid}: {key}.text missing"
                for key in ("fullDescription", "help")
                if not r.get(key, {}).get("text")
            ]
            if not r.get("help", {}).get("markdown"):
                problems.append(f"{rid}: help.markdown missing")
            rp = r.get("properties", {})
            if not rp.get("tags") or not rp.get("precision"):
                problems.append(f"{rid}: properties.tags/precision missing")
            sev = rp.get("security-severity")
            if sev is not None and not (isinstance(sev, str) and 0.1 <= float(sev) <= 10):
                problems.append(f"{rid}: security-severity must be a string 0.1-10")
        for i, res in enumerate(run.get("results", [])):
            where = f"results[{i}]"
            if res.get("ruleId") not in rules:
                problems.append(f"{where}: ruleId not among the rules")
            if res.get("level") not in ("error", "warning", "note", "none"):
                problems.append(f"{where}: level")
            if not res.get("message", {}).get("text"):
                problems.append(f"{where}: message.text")
            locations = res.get("locations") or []
            physical = locations[0].get("physicalLocation", {}) if locations else {}
            if not physical.get("artifactLocation", {}).get("uri"):
                problems.append(f"{where}: physicalLocation.artifactLocation.uri is required")
            if not physical.get("region", {}).get("startLine"):
                problems.append(f"{where}: region.startLine is required")
            if not res.get("partialFingerprints", {}).get("primaryLocationLineHash"):
                problems.append(f"{where}: partialFingerprints.primaryLocationLineHash")
    return problems


@pytest.fixture(scope="module")
def demo(demo_run: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the JSON report, the SARIF log) of the session's `aiscan demo` run."""
    return json.loads(demo_run["json"]), json.loads(demo_run["sarif"])


def test_demo_sarif_validates_and_passes_github_checks(
    demo: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    doc, log = demo
    assert schema_errors(log) == []
    assert github_problems(log) == []
    [run] = log["runs"]
    assert len(run["results"]) == len(doc["findings"]) > 0
    assert run["invocations"][0]["executionSuccessful"] is True


def test_each_result_points_at_its_resource_and_keeps_the_finding_fingerprint(
    demo: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    doc, log = demo
    [run] = log["runs"]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assets = {a["id"]: a for a in doc["assets"]}
    for finding, res in zip(doc["findings"], run["results"], strict=True):
        assert res["ruleId"] == finding["rule_id"]
        assert res["partialFingerprints"]["primaryLocationLineHash"] == finding["fingerprint"]
        location = res["locations"][0]
        assert location["logicalLocations"][0]["fullyQualifiedName"] == finding["asset_id"]
        uri = location["physicalLocation"]["artifactLocation"]["uri"]
        a = assets[finding["asset_id"]]
        region = a["region"] or "global"
        assert uri.startswith(f"{a['cloud']}/{a['account']}/{region}/{a['service']}/"), uri
        assert "suppressions" not in res and "baselineState" not in res
        sev = float(rules[res["ruleId"]]["properties"]["security-severity"])
        assert sev >= finding["risk_score"]
    uri_of = {
        r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]: r["locations"][0][
            "physicalLocation"
        ]["artifactLocation"]["uri"]
        for r in run["results"]
    }
    assert len(set(uri_of.values())) == len(uri_of)  # one path per resource, never shared
    endpoint = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/llama31-8b-chat"
    if endpoint in uri_of:
        assert uri_of[endpoint] == "aws/123456789012/us-east-1/sagemaker/endpoint/llama31-8b-chat"
    critical = next(f for f in doc["findings"] if f["severity"] == "critical")
    rule = rules[critical["rule_id"]]
    # > 9.0: GitHub shows "critical"; the rule keeps at least its severity's base score
    assert float(rule["properties"]["security-severity"]) >= 9.5
    assert "### Remediation" in rule["help"]["markdown"]


def test_waived_findings_carry_suppressions_and_baseline_state(
    demo: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    doc, _ = demo
    result = ScanResult.model_validate(doc)
    target = result.findings[0]
    waivers = parse_waivers(
        f"waivers:\n  - rule: {target.rule_id}\n    asset: '{target.asset_id}'\n"
        "    reason: accepted for the pilot\n    owner: sec@example.com\n    expires: 2099-01-01\n",
        "waivers.yaml",
    )
    known = frozenset(f.fingerprint for f in result.findings[1:])
    marked = apply_policy(result, waivers=waivers, baseline=known, today=date(2026, 1, 1))
    log = json.loads(SarifReporter().render(marked))
    assert schema_errors(log) == []
    assert github_problems(log) == []
    results = log["runs"][0]["results"]
    suppressed = [r for r in results if "suppressions" in r]
    assert len(suppressed) == 1
    [s] = suppressed[0]["suppressions"]
    assert (s["kind"], s["status"]) == ("external", "accepted")
    assert "accepted for the pilot" in s["justification"]
    assert s["properties"] == {
        "owner": "sec@example.com",
        "expires": "2099-01-01",
        "waiver": "waivers.yaml:2",
    }
    assert suppressed[0]["partialFingerprints"]["primaryLocationLineHash"] == target.fingerprint
    states = [r["baselineState"] for r in results]
    assert states == ["new"] + ["unchanged"] * (len(results) - 1)
