"""Attack-path findings in SARIF: one code flow whose thread-flow locations are the hops, in
order, each with its edge type and evidence; the log still validates against the schema and
passes GitHub's checks."""

from __future__ import annotations

from aiscan.core.graph import INTERNET
from aiscan.reporters.sarif import sarif_log
from tests.graphout.estate import BUCKET, ENDPOINT, HOSTILE_NAME, NB, ROLE, estate
from tests.reporters.test_sarif import github_problems, schema_errors


def test_attack_path_result_has_a_code_flow_with_one_location_per_hop():
    log = sarif_log(estate())
    assert schema_errors(log) == [] and github_problems(log) == []
    results = log["runs"][0]["results"]
    path = next(r for r in results if r["ruleId"] == "XC-PATH-001")
    single = next(r for r in results if r["ruleId"] == "AWS-SM-001")
    assert "codeFlows" not in single
    (flow,) = path["codeFlows"]
    assert flow["message"]["text"] == (
        "attack path: internet -> nb -> nb-role -> model-artifacts -> fraud -> fraud-prod"
    )
    (thread,) = flow["threadFlows"]
    steps = thread["locations"]
    assert [s["properties"]["edge"] for s in steps] == [
        "exposed-to", "runs-as", "can-write", "stores-artifact-in", "serves"
    ]  # fmt: skip
    assert [s["executionOrder"] for s in steps] == [1, 2, 3, 4, 5]
    assert steps[0]["properties"]["source"] == INTERNET and steps[0]["kinds"] == ["exposed-to"]
    write = steps[2]
    assert write["location"]["message"]["text"] == "nb-role --can-write--> model-artifacts"
    assert write["properties"]["evidence"]["actions"] == ["s3:PutObject"]
    assert write["location"]["logicalLocations"][0]["fullyQualifiedName"] == BUCKET
    assert write["location"]["physicalLocation"]["artifactLocation"]["uri"] == (
        "aws/123456789012/us-east-1/s3/model-artifacts"
    )
    assert steps[0]["location"]["logicalLocations"][0]["fullyQualifiedName"] == NB
    assert steps[1]["location"]["logicalLocations"][0]["fullyQualifiedName"] == ROLE
    assert steps[-1]["location"]["logicalLocations"][0]["fullyQualifiedName"] == ENDPOINT
    assert path["properties"]["attack-path"][0] == INTERNET


def test_hostile_names_in_a_code_flow_keep_the_log_valid():
    log = sarif_log(estate(hostile=HOSTILE_NAME, paths=2))
    assert schema_errors(log) == [] and github_problems(log) == []
    flows = [r["codeFlows"] for r in log["runs"][0]["results"] if "codeFlows" in r]
    assert len(flows) == 2
    assert (
        HOSTILE_NAME in flows[0][0]["threadFlows"][0]["locations"][1]["location"]["message"]["text"]
    )
