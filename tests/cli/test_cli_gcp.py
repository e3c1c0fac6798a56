"""End to end: `aiscan scan --cloud gcp` against the local fake of Google's REST APIs, reached
through AISCAN_GCP_ENDPOINT with a token in AISCAN_GCP_TOKEN (no credential chain runs)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from aiscan.cli import cli
from aiscan.demo.gcp import GcpFake, running_gcp_demo

UC = "//aiplatform.googleapis.com/projects/412345678901/locations/us-central1"
SVC = "//serviceusage.googleapis.com/projects/{}/services/aiplatform.googleapis.com"
NB = "//notebooks.googleapis.com/projects/acme-ml-prod/locations/"
VM = "//compute.googleapis.com/projects/acme-ml-prod/zones/"
BUCKET = "//storage.googleapis.com/projects/_/buckets/"

#: (misconfigured asset, its well-configured twin, categories the twin must be clean in)
TWINS = [
    (f"{UC}/endpoints/3002", f"{UC}/endpoints/3003", {"network-exposure", "identity"}),
    (f"{UC}/models/1202", f"{UC}/models/1203", {"supply-chain", "secrets"}),
    (f"{UC}/customJobs/5001", f"{UC}/customJobs/5002", {"network-exposure", "secrets"}),
    (
        f"{UC}/pipelineJobs/nightly-eval-20260301",
        f"{UC}/pipelineJobs/nightly-eval-secure-20260301",
        {"secrets", "supply-chain", "network-exposure"},
    ),
    (
        f"{NB}us-central1-a/instances/research-wb",
        f"{NB}europe-west4-a/instances/secure-wb",
        {"network-exposure", "compute-hardening", "identity", "encryption", "data-exposure"},
    ),
    (
        f"{VM}us-central1-a/instances/llm-inference-gpu",
        f"{VM}us-central1-b/instances/batch-gpu-private",
        {"network-exposure"},
    ),
    (f"{BUCKET}acme-ml-artifacts", f"{BUCKET}acme-ml-models-secure", {"data-exposure"}),
    (f"{UC}/indexEndpoints/6101", f"{UC}/indexEndpoints/6102", {"network-exposure"}),
    (
        f"{UC}/notebookRuntimeTemplates/7101",
        f"{UC}/notebookRuntimeTemplates/7102",
        {"network-exposure", "encryption"},  # GCP-VAI-008 split: one category per weakness
    ),
    (
        SVC.format("412345678901"),
        SVC.format("412345678902"),
        {"identity", "guardrails", "logging", "governance", "network-exposure"},
    ),
]


@pytest.fixture(scope="module")
def fake() -> Iterator[GcpFake]:
    with GcpFake(page_size=3) as f:
        yield f


def scan(env: dict[str, str], *args: str) -> tuple[int, dict[str, Any]]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AISCAN_GCP")}
    res = CliRunner().invoke(
        cli,
        ["-q", "scan", "--cloud", "gcp", "--format", "json", *args],
        env={**clean, **env, "AISCAN_GCP_BACKOFF": "0.001"},
        catch_exceptions=False,
    )
    return res.exit_code, json.loads(res.stdout)


@pytest.fixture(scope="module")
def report(fake: GcpFake) -> tuple[int, dict[str, Any]]:
    return scan({"AISCAN_GCP_ENDPOINT": fake.url, "AISCAN_GCP_TOKEN": "aiscan-demo-token"})


def test_json_lists_every_ai_asset_with_relations_and_findings(report):
    code, doc = report
    assert code == 0
    kinds = {a["id"]: a["kind"] for a in doc["assets"]}
    assert kinds[f"{UC}/endpoints/3002"] == "endpoint"
    assert kinds[f"{UC}/models/1201@1"] == "model"
    assert kinds[f"{UC}/tuningJobs/8001"] == "training-job"
    assert kinds[f"{UC}/pipelineJobs/nightly-eval-20260301"] == "pipeline"
    assert kinds[f"{UC}/featureOnlineStores/fraud_features"] == "dataset"
    assert kinds[f"{UC}/indexes/6001"] == "knowledge-base"
    assert kinds[f"{UC}/notebookRuntimes/7201"] == "notebook"
    assert kinds[f"{NB}us-central1-a/instances/research-wb"] == "notebook"
    assert kinds[f"{VM}us-central1-a/instances/llm-inference-gpu"] == "gpu-compute"
    assert kinds[f"{BUCKET}acme-ml-artifacts"] == "bucket"
    # Every scope was read (only acme-web's disabled APIs are skipped): a read that failed would
    # otherwise show only as a missing asset in the count below.
    unread = {
        (c["account"], c["service"], c["status"], c["message"])
        for c in doc["coverage"]
        if c["status"] != "ok"
    }
    assert {(a, s, st) for a, s, st, _ in unread} == {
        ("acme-web", "aiplatform", "skipped"),
        ("acme-web", "container", "skipped"),
        ("acme-web", "notebooks", "skipped"),
    }, unread
    assert len(kinds) == 55  # the same set the collector test spells out
    assert {a["cloud"] for a in doc["assets"]} == {"gcp"}
    assert {"serves", "runs-as", "stores-artifact-in", "pulls-image", "produced-by"} <= {
        r["type"] for r in doc["relations"]
    }
    rules = {f["rule_id"] for f in doc["findings"]}
    assert {f"GCP-WB-{i:03d}" for i in range(1, 7)} <= rules
    assert {f"GCP-VAI-{i:03d}" for i in range(1, 12)} <= rules
    assert {
        "XC-SC-001",
        "XC-SC-002",
        "XC-SC-008",
        "XC-SC-009",
        "XC-SC-010",
        "XC-NET-001",
        "XC-ID-001",
    } <= rules
    assert {f["category"] for f in doc["findings"]} >= {
        "network-exposure",
        "identity",
        "supply-chain",
        "secrets",
        "data-exposure",
        "encryption",
        "guardrails",
        "logging",
        "governance",
        "compute-hardening",
    }
    assert doc["scan"]["identity"]["gcp.credentials"] == "AISCAN_GCP_TOKEN"


def test_no_unrelated_resource_is_an_asset(report):
    _, doc = report
    ids = " ".join(a["id"] for a in doc["assets"])
    for unrelated in (
        "web-frontend",
        "www-1",
        "acme-website-assets",
        "acme-web-static",
        "default-pool",
        "acme-web/",
    ):
        assert unrelated not in ids


@pytest.mark.parametrize(("bad", "good", "categories"), TWINS)
def test_well_configured_twin_has_no_high_finding_in_its_category(report, bad, good, categories):
    _, doc = report

    def serious(asset_id: str) -> set[str]:
        return {
            f["category"]
            for f in doc["findings"]
            if f["asset_id"] == asset_id and f["severity"] in ("high", "critical")
        }

    severe_anywhere = {
        (f["asset_id"], f["category"]) for f in doc["findings"] if f["severity"] != "low"
    }
    assert any(a == bad and c in categories for a, c in severe_anywhere), bad
    assert not serious(good) & categories, good


def test_denied_project_makes_the_scan_incomplete_unless_allowed(fake):
    fake.deny_project("acme-ml-secure")
    try:
        env = {"AISCAN_GCP_ENDPOINT": fake.url, "AISCAN_GCP_TOKEN": "aiscan-demo-token"}
        code, doc = scan(env)
        denied = {(c["account"], c["service"]) for c in doc["coverage"] if c["status"] == "denied"}
        assert ("acme-ml-secure", "aiplatform") in denied
        assert code == 3
        code, _ = scan(env, "--allow-partial")
        assert code == 0
    finally:
        fake.denied.clear()


def test_project_option_and_the_demo_environment():
    with running_gcp_demo() as env:
        assert set(env) == {"AISCAN_GCP_ENDPOINT", "AISCAN_GCP_TOKEN"}
        code, doc = scan(env, "--project", "acme-ml-secure", "--fail-on", "high")
    assert code == 0  # the well-configured project passes a high gate
    assert {a["account"] for a in doc["assets"]} == {"acme-ml-secure"}
