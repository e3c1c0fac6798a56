"""`aiscan scan --cloud azure` end to end: the CLI, the real Azure SDK pipeline and the fake ARM
serving the bundled example estate, reached through AISCAN_AZURE_ENDPOINT / AISCAN_AZURE_TOKEN."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from aiscan.cli import cli
from aiscan.demo.azure import FakeArm, load_estate, running_azure_demo

S1 = "11111111-1111-4111-8111-111111111111"
S2 = "22222222-2222-4222-8222-222222222222"
DENIED = "33333333-3333-4333-8333-333333333333"
RG1 = f"/subscriptions/{S1}/resourcegroups/rg-ai-prod/providers"


@pytest.fixture(scope="module")
def demo_env() -> Iterator[dict[str, str]]:
    with running_azure_demo() as env:
        yield env


def scan(env: dict[str, str], *args: str) -> tuple[int, dict]:
    res = CliRunner().invoke(
        cli, ["-q", "scan", "--cloud", "azure", "--format", "json", *args], env=env
    )
    assert res.exit_code in (0, 1, 3), res.output
    return res.exit_code, json.loads(res.stdout)


def test_scan_lists_ai_assets_by_arm_id_with_relations_and_findings(demo_env):
    code, doc = scan(demo_env)
    assert code == 0
    kinds = {a["id"]: a["kind"] for a in doc["assets"]}
    assert kinds[f"{RG1}/microsoft.cognitiveservices/accounts/oai-chat-prod"] == "llm-service"
    assert (
        kinds[f"{RG1}/microsoft.cognitiveservices/accounts/oai-chat-prod/deployments/gpt-4o"]
        == "llm-deployment"
    )
    assert kinds[f"{RG1}/microsoft.machinelearningservices/workspaces/hub-genai"] == "workspace"
    assert kinds[f"{RG1}/microsoft.search/searchservices/srch-rag-public"] == "knowledge-base"
    assert kinds[f"{RG1}/microsoft.compute/virtualmachines/vm-gpu-jupyter"] == "gpu-compute"
    assert set(kinds.values()) >= {
        "llm-service",
        "llm-deployment",
        "guardrail",
        "workspace",
        "notebook",
        "gpu-compute",
        "endpoint",
        "model",
        "model-registry",
        "dataset",
        "bucket",
        "container-registry",
        "identity",
        "knowledge-base",
    }
    assert not [
        i
        for i in kinds
        if any(n in i for n in ("vm-web-01", "stpayrollexports", "acrwebapps", "cpu-cluster"))
    ]
    assert len(doc["relations"]) > 50
    assert {c["account"] for c in doc["coverage"]} == {S1, S2}
    assert {f["category"] for f in doc["findings"]} >= {
        "network-exposure",
        "identity",
        "encryption",
        "logging",
        "guardrails",
        "supply-chain",
        "secrets",
        "data-exposure",
        "compute-hardening",
    }
    by_rule = {(f["rule_id"], f["asset_id"].rsplit("/", 1)[-1]) for f in doc["findings"]}
    assert {
        ("AZ-AIS-003", "oai-chat-prod"),
        ("AZ-AIS-007", "gpt-4o"),
        ("XC-SC-002", "blue"),
        ("XC-NET-001", "vm-gpu-jupyter"),
        ("AZ-ML-009", "hf-bert"),
    } <= by_rule
    assert doc["scan"]["identity"]["azure.credential"] == "AISCAN_AZURE_TOKEN"


def test_well_configured_twins_get_no_high_or_critical_finding(demo_env):
    _, doc = scan(demo_env)
    twins = (
        "oai-chat-secure",
        "srch-rag-private",
        "mlw-secure",
        "secure-scoring",
        "stmlsecure",
        "vm-gpu-batch",
        "ci-bob",
    )
    bad = [
        (f["rule_id"], f["asset_id"])
        for f in doc["findings"]
        if any(f"/{t}" in f["asset_id"] for t in twins) and f["severity"] in ("high", "critical")
    ]
    assert not bad
    for t in (
        "oai-chat-prod",
        "srch-rag-public",
        "mlw-fraud",
        "fraud-llm",
        "stmlfraud",
        "vm-gpu-jupyter",
        "ci-alice",
    ):
        assert any(
            f"/{t}" in f["asset_id"] and f["severity"] in ("high", "critical")
            for f in doc["findings"]
        ), t


def test_fail_on_and_subscription_option(demo_env):
    code, doc = scan(demo_env, "--fail-on", "critical", "--subscription", S2)
    assert code == 0  # subscription 2 has nothing critical
    assert {a["account"] for a in doc["assets"]} == {S2}
    code, _ = scan(demo_env, "--fail-on", "critical")
    assert code == 1


def test_denied_subscription_makes_the_scan_incomplete_unless_allow_partial():
    estate = copy.deepcopy(load_estate())
    estate["subscriptions"].append({"subscriptionId": DENIED, "displayName": "finance"})
    estate["denied_subscriptions"] = [DENIED]
    with FakeArm(estate) as arm:
        code, doc = scan(arm.environment())
        assert code == 3
        denied = [c for c in doc["coverage"] if c["account"] == DENIED]
        assert denied and all(c["status"] == "denied" for c in denied)
        code, _ = scan(arm.environment(), "--allow-partial")
        assert code == 0


def test_scanning_aws_only_or_detecting_imports_no_azure_sdk():
    code = (
        "import sys\n"
        "from aiscan.collectors.azure import AzureCollector\n"
        "AzureCollector.detect({}); print(len(AzureCollector.permissions))\n"
        "print('AZ', [m for m in sys.modules if m.split('.')[0] == 'azure'])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "AZ []" in out.stdout
