"""OCSF Detection Finding: every event of the demo validates against the OCSF 1.5.0
detection_finding schema (cloud + datetime profiles); waived findings are Suppressed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from aiscan.core.model import ScanResult
from aiscan.core.waivers import parse_waivers
from aiscan.reporters.ocsf import OcsfReporter
from aiscan.scan import apply_policy

SCHEMA = (
    Path(__file__).parent.parent
    / "data"
    / "schemas"
    / "ocsf"
    / "detection_finding-1.5.0.schema.json"
)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA.read_text())
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def errors(validator: jsonschema.Draft202012Validator, event: dict[str, Any]) -> list[str]:
    return [f"{list(e.path)}: {e.message[:200]}" for e in validator.iter_errors(event)]


@pytest.fixture(scope="module")
def demo(demo_run: dict[str, str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the JSON report, the OCSF events) of the session's `aiscan demo` run."""
    return json.loads(demo_run["json"]), json.loads(demo_run["ocsf"])


def test_every_demo_event_validates(
    demo: tuple[dict[str, Any], list[dict[str, Any]]], validator: jsonschema.Draft202012Validator
) -> None:
    doc, events = demo
    assert len(events) == len(doc["findings"]) > 0
    for event in events:
        assert errors(validator, event) == []


def test_events_carry_the_finding(demo: tuple[dict[str, Any], list[dict[str, Any]]]) -> None:
    doc, events = demo
    severity = {"critical": 5, "high": 4, "medium": 3, "low": 2, "info": 1}
    assets = {a["id"]: a for a in doc["assets"]}
    for finding, event in zip(doc["findings"], events, strict=True):
        assert (event["class_uid"], event["type_uid"], event["activity_id"]) == (2004, 200401, 1)
        assert event["finding_info"]["uid"] == finding["fingerprint"]
        assert event["finding_info"]["analytic"]["uid"] == finding["rule_id"]
        assert event["metadata"]["event_code"] == finding["rule_id"]
        assert event["severity_id"] == severity[finding["severity"]]
        assert (event["status_id"], event["status"]) == (1, "New")
        # the finding's own asset first; an attack path adds the other assets on its route
        resource = event["resources"][0]
        on_route = {
            *finding["path"],
            *(n for h in finding["hops"] for n in (h["source"], h["target"])),
        }
        # (an attack path's route, by its hops; a single-asset finding names only its asset)
        others = (on_route & assets.keys()) - {finding["asset_id"]} if finding["hops"] else set()
        assert sorted(r["uid"] for r in event["resources"][1:]) == sorted(others)
        assert resource["uid"] == finding["asset_id"]
        assert resource["type"] == assets[finding["asset_id"]]["type"]
        provider = {"aws": "AWS", "azure": "Azure", "gcp": "GCP"}[finding["cloud"]]
        assert event["cloud"]["provider"] == provider
        account_type = {
            "aws": (10, "AWS Account"),
            "azure": (13, "Azure Subscription"),
            "gcp": (11, "GCP Project"),
        }[finding["cloud"]]
        assert event["cloud"]["account"] == {
            "uid": finding["account"],
            "type_id": account_type[0],
            "type": account_type[1],
        }
        assert event["remediation"]["desc"] == finding["remediation"]


def test_waived_findings_are_suppressed_and_still_valid(
    demo: tuple[dict[str, Any], list[dict[str, Any]]], validator: jsonschema.Draft202012Validator
) -> None:
    doc, _ = demo
    result = ScanResult.model_validate(doc)
    target = result.findings[-1]
    waivers = parse_waivers(
        f"- rule: {target.rule_id}\n  asset: '{target.asset_id}'\n  reason: known\n"
        "  owner: sec\n  expires: 2099-12-31\n",
        "w.yaml",
    )
    events = json.loads(OcsfReporter().render(apply_policy(result, waivers=waivers)))
    suppressed = [e for e in events if e["status_id"] == 3]
    assert [e["finding_info"]["uid"] for e in suppressed] == [target.fingerprint]
    assert suppressed[0]["status"] == "Suppressed"
    assert suppressed[0]["is_alert"] is False
    assert "w.yaml:1" in suppressed[0]["status_detail"]
    assert errors(validator, suppressed[0]) == []


def test_the_schema_rejects_what_it_should(
    demo: tuple[dict[str, Any], list[dict[str, Any]]], validator: jsonschema.Draft202012Validator
) -> None:
    """Negative control: the vendored schema is strict enough to mean something."""
    event = demo[1][0]
    assert errors(validator, {**event, "severity_id": 42})
    assert errors(validator, {**event, "invented_field": 1})
    assert errors(validator, {k: v for k, v in event.items() if k != "finding_info"})
