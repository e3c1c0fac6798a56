"""`aiscan demo`: the whole pipeline on the bundled estate, with no account and no network."""

from __future__ import annotations

import json

import pytest


@pytest.fixture(scope="module")
def demo_doc(demo_run: dict[str, str]) -> dict:
    assert "AI assets" in demo_run["table"] and "Findings" in demo_run["table"]
    return json.loads(demo_run["json"])


def by_name(doc: dict, kind: str, name: str) -> str:
    ids = [a["id"] for a in doc["assets"] if a["kind"] == kind and a["name"] == name]
    assert len(ids) == 1, (kind, name, ids)
    return ids[0]


# (kind, misconfigured, well-configured twin)
TWINS = [
    ("notebook", "research-sandbox", "fraud-model-dev"),
    ("model", "llama31-8b-chat", "llama31-8b-chat-pinned"),
    ("gpu-compute", "gpu-dev-box", "gpu-train-01"),
    ("bucket", "acme-ml-model-artifacts", "acme-ml-models-private"),
    ("guardrail", "internal-chat-basic", "customer-support-strict"),
    ("agent", "ops-automation", "support-assistant"),
    ("identity", "SageMakerAdminExecutionRole", "SageMakerLeastPrivilegeRole"),
    # twins of the planted attack chains (docs/demo-estate.md)
    ("bucket", "acme-ml-feedback-inbox", "acme-ml-training-data"),
    ("model", "llama31-8b-support-ft", "llama31-8b-chat-pinned"),
    ("training-job", "llama31-8b-support-finetune-2025-09", "support-assistant-ft-2025-10"),
    ("endpoint", "fraud-llm/blue", "secure-scoring/green"),
    ("notebook", "ci-alice", "ci-bob"),
    ("notebook", "research-wb", "secure-wb"),
    ("model", "llama-chat", "llama-chat-secure"),
    ("pipeline", "nightly-eval", "nightly-eval-secure"),
]


@pytest.mark.parametrize(("kind", "bad", "good"), TWINS)
def test_twin_gets_no_high_or_critical_finding_in_the_bad_ones_categories(
    demo_doc: dict, kind: str, bad: str, good: str
) -> None:
    bad_id, good_id = by_name(demo_doc, kind, bad), by_name(demo_doc, kind, good)
    serious = [f for f in demo_doc["findings"] if f["severity"] in ("high", "critical")]
    bad_categories = {f["category"] for f in serious if f["asset_id"] == bad_id}
    assert bad_categories, f"{bad} should have a high or critical finding"
    twin = [(f["rule_id"], f["category"]) for f in serious if f["asset_id"] == good_id]
    assert not [t for t in twin if t[1] in bad_categories], twin


def test_demo_is_complete_and_secrets_are_redacted(demo_doc: dict) -> None:
    assert demo_doc["coverage"], "the demo reads scopes"
    assert all(c["status"] in ("ok", "skipped") for c in demo_doc["coverage"])
    text = json.dumps(demo_doc)
    assert "hf_aiscanDemoFakeToken" not in text  # the estate's planted token
    planted = (
        "5f0c3a9e7b2d4c1e8a6f0b3d5c7e9a1b",
        "9a1d7c3e5b0f2a4c6e8d0b1f3a5c7e9d",
        "3e5b0f2a4c6e8d0b1f3a5c7e9d9a1d7c",
    )  # Azure OpenAI keys in AWS/Azure/GCP envs
    assert not [k for k in planted if k in text]
    secret = [f for f in demo_doc["findings"] if f["rule_id"] in ("XC-SC-010", "AWS-SM-007")]
    assert secret and all(f["evidence"].get("location") or f["evidence"] for f in secret)
    kinds = {a["kind"] for a in demo_doc["assets"]}
    expected = {"notebook", "model", "endpoint", "agent", "knowledge-base", "guardrail",
                "gpu-compute", "bucket", "identity", "llm-service", "training-job"}  # fmt: skip
    assert expected <= kinds
    assert {a["cloud"] for a in demo_doc["assets"]} == {"aws", "azure", "gcp"}
    assert {f["cloud"] for f in demo_doc["findings"]} == {"aws", "azure", "gcp"}
    names = {a["name"] for a in demo_doc["assets"]}
    assert "acme-marketing-site-assets" not in names  # an unrelated bucket is not an AI asset


# GCP GPU VM and GKE GPU node pool twins (issue 8): the weak one gets each hardening and identity
# finding, one rule per weakness; the hardened twin, built the same way, gets none at all.
GCP_TWINS = [
    (
        "llm-inference-gpu",
        "llm-inference-gpu-hardened",
        {f"GCP-CE-{i:03d}" for i in range(1, 9)} | {"XC-ID-002"},
    ),
    (
        "gpu-sandbox/gpu-weak",
        "ml-cluster/gpu-pool",
        {f"GCP-GKE-{i:03d}" for i in range(1, 9)} | {"XC-ID-002"},
    ),
]


@pytest.mark.parametrize(("bad", "good", "expected"), GCP_TWINS)
def test_gcp_gpu_twins_weak_gets_each_finding_hardened_none(
    demo_doc: dict, bad: str, good: str, expected: set[str]
) -> None:
    bad_id, good_id = by_name(demo_doc, "gpu-compute", bad), by_name(demo_doc, "gpu-compute", good)
    rules = {f["rule_id"] for f in demo_doc["findings"] if f["asset_id"] == bad_id}
    assert expected <= rules, sorted(expected - rules)
    identity = next(
        f for f in demo_doc["findings"] if f["asset_id"] == bad_id and f["rule_id"] == "XC-ID-002"
    )
    assert identity["evidence"]["identity"].endswith(
        "412345678901-compute@developer.gserviceaccount.com"
    )
    assert identity["evidence"]["full_access_policies"] == ["roles/editor"]
    twin = [f["rule_id"] for f in demo_doc["findings"] if f["asset_id"] == good_id]
    assert twin == []


def test_assets_carry_the_names_a_person_uses_in_every_output(demo_run: dict[str, str]) -> None:
    doc = json.loads(demo_run["json"])
    names = {(a["cloud"], a["kind"], a["name"]) for a in doc["assets"]}
    expected = {
        ("azure", "model", "fraud-xgb:1"),  # a model version, not "1"
        ("azure", "model", "classifier:3"),
        ("aws", "model", "llama31-8b-support:2"),
        ("gcp", "model", "fraud-xgb:1"),
        ("azure", "endpoint", "fraud-llm/blue"),  # a deployment, within its endpoint
        ("azure", "llm-deployment", "oai-chat-prod/gpt-4o"),
        ("azure", "llm-deployment", "oai-chat-secure/gpt-4o"),
        ("azure", "guardrail", "oai-chat-prod/Microsoft.Default"),
        ("azure", "bucket", "stmlfraud/models"),  # a blob container, within its account
        ("azure", "dataset", "mlw-fraud/workspaceblobstore"),
        ("azure", "gpu-compute", "aks-inference/gpupool"),
        ("aws", "gpu-compute", "ml-platform/gpu-inference"),
        ("gcp", "gpu-compute", "ml-cluster/gpu-pool"),
    }
    assert expected <= names, expected - names
    assert not [n for n in names if n[2].isdigit()], "a bare number names nothing"
    for fmt in ("cyclonedx", "sarif", "ocsf"):
        assert "fraud-xgb:1" in demo_run[fmt], fmt
