"""Attack paths on the bundled demo estate, end to end: the planted chains of docs/demo-estate.md
(read through the real collectors from moto and the local Azure / Google Cloud fakes, the graph
derived from what was read, the XC-PATH rules) are each reported once, from their entry point to
their crown jewel, with a risk above every single-asset finding on their route; the twins that
break one link are not."""

from __future__ import annotations

import json
from collections import Counter

import pytest

# (rule, cloud of the entry, entry name, crown-jewel name, twin entry name or None)
PLANTED = [
    ("XC-PATH-001", "aws", "gpu-dev-box", "mistral-7b-vllm", "gpu-train-01"),
    ("XC-PATH-001", "azure", "vm-gpu-jupyter", "fraud-llm", "ci-alice"),
    ("XC-PATH-001", "gcp", "llm-inference-gpu", "fraud-scoring", "llm-inference-gpu-hardened"),
    ("XC-PATH-002", "aws", "acme-ml-feedback-inbox", "llama31-8b-support", "acme-ml-training-data"),
    (
        "XC-PATH-002",
        "gcp",
        "acme-rag-corpus",
        "support-gemini-tuned-endpoint",
        "acme-training-data",
    ),
    ("XC-PATH-004", "aws", "ops-automation", "acme-bedrock-kb-docs", "support-assistant"),
    (
        "XC-PATH-005",
        "aws",
        "llama31-8b-chat",
        "SageMakerAdminExecutionRole",
        "llama31-8b-chat-pinned",
    ),
    ("XC-PATH-005", "azure", "fraud-llm/blue", None, "secure-scoring/green"),
    ("XC-PATH-005", "gcp", "llama-chat", None, "llama-chat-secure"),
    ("XC-PATH-006", "aws", "llama31-8b-support-ft", "oai-chat-prod", "llama31-8b-chat-pinned"),
    ("XC-PATH-006", "azure", "fraud-llm/blue", "oai-chat-prod", "secure-scoring/green"),
    ("XC-PATH-006", "gcp", "nightly-eval", "oai-chat-prod", "nightly-eval-secure"),
    ("XC-PATH-007", "aws", "research-sandbox", None, "fraud-model-dev"),
    ("XC-PATH-007", "azure", "ci-alice", "fraud-llm", "ci-bob"),
    ("XC-PATH-007", "gcp", "research-wb", None, "secure-wb"),
    ("XC-PATH-008", "aws", "gpu-dev-box", None, "gpu-train-01"),
]


@pytest.fixture(scope="module")
def doc(demo_run: dict[str, str]) -> dict:
    return json.loads(demo_run["json"])


def _names(doc: dict) -> dict[str, tuple[str, str]]:
    return {a["id"]: (a["name"], a["cloud"]) for a in doc["assets"]}


def _paths(doc: dict, rule: str) -> list[dict]:
    return [f for f in doc["findings"] if f["rule_id"] == rule]


@pytest.mark.parametrize(("rule", "cloud", "entry", "jewel", "twin"), PLANTED)
def test_each_planted_chain_is_reported_and_its_twin_is_not(
    doc: dict, rule: str, cloud: str, entry: str, jewel: str | None, twin: str | None
) -> None:
    names = _names(doc)
    found = [f for f in _paths(doc, rule) if names[f["evidence"]["entry"]] == (entry, cloud)]
    assert found, f"{rule}: no path from {entry} ({cloud})"
    if jewel is not None:
        assert jewel in {names[f["asset_id"]][0] for f in found}, [
            names[f["asset_id"]] for f in found
        ]
    for f in found:
        assert f["category"] == "attack-path"
        assert f["path"][-1] == f["asset_id"], "the crown jewel ends the path"
        assert entry in [names[p][0] for p in f["path"] if p in names]
        assert len(f["hops"]) == len(f["path"]) - 1
        for hop, (a, b) in zip(f["hops"], zip(f["path"], f["path"][1:], strict=False), strict=True):
            assert {hop["source"], hop["target"]} == {a, b}, (hop, a, b)
            if hop["edge"] in ("exposed-to", "can-read", "can-write", "can-deploy", "can-invoke"):
                assert hop["evidence"], f"{rule}: derived hop {hop['edge']} without evidence"
    if twin is not None:
        assert not [f for f in _paths(doc, rule) if names[f["evidence"]["entry"]][0] == twin], (
            f"{rule}: the twin {twin} has a path"
        )


def test_each_chain_is_reported_once(doc: dict) -> None:
    paths = [f for f in doc["findings"] if f["category"] == "attack-path"]
    keys = Counter((f["rule_id"], f["evidence"]["entry"], f["asset_id"]) for f in paths)
    assert paths and max(keys.values()) == 1, keys.most_common(3)
    assert len({f["fingerprint"] for f in paths}) == len(paths)


def test_a_path_outranks_every_single_asset_finding_on_its_route(doc: dict) -> None:
    worst: dict[str, float] = {}
    for f in doc["findings"]:
        if f["category"] != "attack-path":
            worst[f["asset_id"]] = max(worst.get(f["asset_id"], 0.0), f["risk_score"])
    for f in doc["findings"]:
        if f["category"] == "attack-path":
            on_route = [worst[a] for a in f["path"] if a in worst]
            assert all(f["risk_score"] > r for r in on_route), (f["rule_id"], f["risk_score"])
            assert 0 < f["risk_score"] <= 10
            assert {x["name"] for x in f["risk"]["factors"]} == {
                "severity",
                "exposure",
                "blast-radius",
            }


def test_attack_paths_lead_the_json_findings(doc: dict) -> None:
    categories = [f["category"] for f in doc["findings"]]
    first_other = next(i for i, c in enumerate(categories) if c != "attack-path")
    assert "attack-path" not in categories[first_other:]
