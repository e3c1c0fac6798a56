"""Attack-path findings in OCSF: the path is a graph in the crown jewel's
`resource_relationship` (schema-valid), every asset on it is a resource of the event."""

from __future__ import annotations

import json

import jsonschema

from aiscan.core.graph import INTERNET
from aiscan.reporters.ocsf import ocsf_events
from tests.graphout.estate import BUCKET, ENDPOINT, HOSTILE_NAME, NB, ROLE, estate
from tests.reporters.test_ocsf import SCHEMA, errors


def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA.read_text())
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_attack_path_event_carries_the_hops_as_a_graph_and_validates():
    check = validator()
    events = ocsf_events(estate())
    assert all(errors(check, e) == [] for e in events)
    event = next(e for e in events if e["metadata"]["event_code"] == "XC-PATH-001")
    single = next(e for e in events if e["metadata"]["event_code"] == "AWS-SM-001")
    assert "resource_relationship" not in single["resources"][0] and len(single["resources"]) == 1
    crown = event["resources"][0]
    assert crown["uid"] == ENDPOINT
    graph = crown["resource_relationship"]
    assert [n["uid"] for n in graph["nodes"]][:3] == [INTERNET, NB, ROLE]
    assert graph["nodes"][0]["type"] == "synthetic" and graph["nodes"][1]["type"] == "notebook"
    assert [(e["source"], e["relation"], e["target"]) for e in graph["edges"]][2] == (
        ROLE, "can-write", BUCKET
    )  # fmt: skip
    assert graph["edges"][2]["data"] == {
        "step": 3,
        "evidence": {"source": "iam-policy", "actions": ["s3:PutObject"],
                     "resource": "arn:aws:s3:::model-*/*"},
    }  # fmt: skip
    assert graph["desc"] == "internet -> nb -> nb-role -> model-artifacts -> fraud -> fraud-prod"
    assert {r["uid"] for r in event["resources"][1:]} == {NB, ROLE, BUCKET, estate().assets[3].id}
    assert event["unmapped"]["hops"][0]["edge"] == "exposed-to"


def test_the_schema_rejects_a_broken_path_graph():
    check = validator()
    event = next(e for e in ocsf_events(estate()) if e["metadata"]["event_code"] == "XC-PATH-001")
    graph = event["resources"][0]["resource_relationship"]
    del graph["edges"][0]["target"]
    assert errors(check, event)


def test_hostile_names_keep_path_events_valid():
    check = validator()
    events = ocsf_events(estate(hostile=HOSTILE_NAME, paths=2))
    assert all(errors(check, e) == [] for e in events)
    path = [e for e in events if "resource_relationship" in e["resources"][0]]
    assert (
        len(path) == 2 and HOSTILE_NAME in path[0]["resources"][0]["resource_relationship"]["desc"]
    )
