"""The Azure collector end to end against the fake ARM: inventory, relations, paging, throttling,
denial, scoping and the Resource Graph fallback."""

from __future__ import annotations

import json

import pytest

from aiscan.collectors.azure import AzureCollector
from aiscan.collectors.base import CollectorConfigError, NullProgress, Scope
from aiscan.collectors.settings import AzureSettings
from aiscan.core.inventory import InventoryBuilder
from aiscan.core.model import AssetKind, CoverageStatus, RelationType
from tests.collectors.azure.conftest import DENIED, RG1, S1, S2, by_name, coverage

CS = f"{RG1}/microsoft.cognitiveservices/accounts"
WS = f"{RG1}/microsoft.machinelearningservices/workspaces"

EXPECTED = {
    (AssetKind.LLM_SERVICE, f"{CS}/oai-chat-prod"),
    (AssetKind.LLM_SERVICE, f"{CS}/oai-chat-secure"),
    (AssetKind.LLM_DEPLOYMENT, f"{CS}/oai-chat-prod/deployments/gpt-4o"),
    (AssetKind.LLM_DEPLOYMENT, f"{CS}/oai-chat-prod/deployments/gpt-4o-mini"),
    (AssetKind.LLM_DEPLOYMENT, f"{CS}/oai-chat-prod/deployments/llama-3-1-70b"),
    (AssetKind.GUARDRAIL, f"{CS}/oai-chat-secure/raipolicies/strict-shields"),
    (AssetKind.KNOWLEDGE_BASE, f"{RG1}/microsoft.search/searchservices/srch-rag-public"),
    (AssetKind.WORKSPACE, f"{WS}/hub-genai"),
    (AssetKind.WORKSPACE, f"{WS}/proj-chatbot"),
    (AssetKind.WORKSPACE, f"{WS}/mlw-fraud"),
    (AssetKind.NOTEBOOK, f"{WS}/mlw-fraud/computes/ci-alice"),
    (AssetKind.GPU_COMPUTE, f"{WS}/mlw-fraud/computes/gpu-a100-cluster"),
    (AssetKind.ENDPOINT, f"{WS}/mlw-fraud/onlineendpoints/fraud-llm"),
    (AssetKind.ENDPOINT, f"{WS}/mlw-fraud/onlineendpoints/fraud-llm/deployments/blue"),
    (AssetKind.ENDPOINT, f"{WS}/mlw-fraud/serverlessendpoints/llama-serverless"),
    (AssetKind.MODEL, f"{WS}/mlw-fraud/models/llama-ft/versions/1"),
    (AssetKind.DATASET, f"{WS}/mlw-fraud/datastores/training_data"),
    (AssetKind.MODEL_REGISTRY, f"{RG1}/microsoft.machinelearningservices/registries/mlreg-shared"),
    (AssetKind.GPU_COMPUTE, f"{RG1}/microsoft.compute/virtualmachines/vm-gpu-jupyter"),
    (
        AssetKind.GPU_COMPUTE,
        f"{RG1}/microsoft.containerservice/managedclusters/aks-inference/agentpools/gpupool",
    ),
    (AssetKind.BUCKET, f"{RG1}/microsoft.storage/storageaccounts/stmlfraud"),
    (
        AssetKind.BUCKET,
        f"{RG1}/microsoft.storage/storageaccounts/stmlfraud/blobservices/default/containers/training",
    ),
    (AssetKind.CONTAINER_REGISTRY, f"{RG1}/microsoft.containerregistry/registries/acrmlshared"),
    (
        AssetKind.IDENTITY,
        f"{WS}/mlw-fraud/onlineendpoints/fraud-llm/providers/microsoft.managedidentity/identities/default",
    ),
    (
        AssetKind.IDENTITY,
        f"{RG1}/microsoft.managedidentity/userassignedidentities/id-secure-scoring",
    ),
    (
        AssetKind.LLM_SERVICE,
        f"/subscriptions/{S2}/resourcegroups/rg-research/providers/"
        "microsoft.cognitiveservices/accounts/ais-research",
    ),
}

#: Non-AI resources of the estate that must never become assets.
NOT_AI = (
    "vm-web-01",
    "vm-build-agent",
    "stpayrollexports",
    "acrwebapps",
    "computes/cpu-cluster",
    "agentpools/system",
)


def test_every_ai_asset_by_arm_id_and_kind_and_nothing_else(scan, fake):
    inv = scan()
    found = {(a.kind, a.id) for a in inv.assets}
    assert found >= EXPECTED
    assert not [a.id for a in inv.assets if a.id.endswith(NOT_AI)]
    assert all(a.id == a.id.lower() and a.cloud.value == "azure" for a in inv.assets)
    account = by_name(inv, "accounts/oai-chat-prod")
    assert account.raw["id"].endswith("Microsoft.CognitiveServices/accounts/oai-chat-prod")
    assert (account.account, account.region, account.type) == (
        S1,
        "eastus",
        "Microsoft.CognitiveServices/accounts",
    )
    assert {(c.account, c.status) for c in inv.coverage} == {
        (S1, CoverageStatus.OK),
        (S2, CoverageStatus.OK),
    }
    assert len(inv.coverage) == 2 * len(AzureCollector.services)
    # Pages of two items and Resource Graph pages of seven rows were all followed.
    assert fake.count("/providers/microsoft.resourcegraph/resources", "POST") >= 3
    assert fake.count("oai-chat-prod/deployments") == 2


def test_only_reads_reach_arm(scan, fake):
    scan()
    methods = {
        (m, p.lower().endswith("microsoft.resourcegraph/resources")) for m, p in fake.requests
    }
    assert methods == {("GET", False), ("POST", True)}
    assert not [p for _, p in fake.requests if "listkeys" in p.lower()]


def test_relations_follow_the_design(scan):
    inv = scan()
    rels = {(r.source, r.type, r.target) for r in inv.relations}
    ep = f"{WS}/mlw-fraud/onlineendpoints/fraud-llm"
    blue = f"{ep}/deployments/blue"
    model = f"{WS}/mlw-fraud/models/llama-ft/versions/1"
    ident = f"{ep}/providers/microsoft.managedidentity/identities/default"
    models_container = (
        f"{RG1}/microsoft.storage/storageaccounts/stmlfraud/blobservices/default/containers/models"
    )
    expected = {
        (f"{CS}/oai-chat-prod/deployments/gpt-4o", RelationType.MEMBER_OF, f"{CS}/oai-chat-prod"),
        (
            f"{CS}/oai-chat-prod/deployments/gpt-4o",
            RelationType.GUARDED_BY,
            f"{CS}/oai-chat-prod/raipolicies/permissive-chat",
        ),
        (blue, RelationType.MEMBER_OF, ep),
        (blue, RelationType.USES_MODEL, model),
        (ep, RelationType.SERVES, model),
        (ep, RelationType.RUNS_AS, ident),
        (blue, RelationType.RUNS_AS, ident),
        (blue, RelationType.STORES_ARTIFACT_IN, models_container),
        (model, RelationType.STORES_ARTIFACT_IN, models_container),
        (f"{WS}/proj-chatbot", RelationType.MEMBER_OF, f"{WS}/hub-genai"),
        (
            f"{WS}/mlw-fraud",
            RelationType.STORES_ARTIFACT_IN,
            f"{RG1}/microsoft.storage/storageaccounts/stmlfraud",
        ),
        (
            f"{WS}/mlw-fraud",
            RelationType.PULLS_IMAGE,
            f"{RG1}/microsoft.containerregistry/registries/acrmlshared",
        ),
        (
            f"{WS}/mlw-fraud",
            RelationType.READS_DATA_FROM,
            f"{RG1}/microsoft.keyvault/vaults/kv-mlw-fraud",
        ),
        (
            f"{WS}/mlw-fraud/datastores/training_data",
            RelationType.READS_DATA_FROM,
            f"{RG1}/microsoft.storage/storageaccounts/stmlfraud/blobservices/default/containers/training",
        ),
        (
            f"{RG1}/microsoft.containerservice/managedclusters/aks-inference/agentpools/gpupool",
            RelationType.RUNS_AS,
            f"{RG1}/microsoft.managedidentity/userassignedidentities/aks-inference-agentpool",
        ),
        (
            f"{WS}/mlw-secure/onlineendpoints/secure-scoring/deployments/shadow-xgb",
            RelationType.USES_MODEL,
            f"{RG1}/microsoft.machinelearningservices/registries/mlreg-shared/models/fraud-xgb",
        ),
        (
            f"{WS}/mlw-secure/onlineendpoints/secure-scoring/deployments/green",
            RelationType.PULLS_IMAGE,
            f"{RG1}/microsoft.containerregistry/registries/acrmlsecure",
        ),
    }
    assert expected <= rels


def test_posture_attributes(scan):
    inv = scan()
    prod = by_name(inv, "accounts/oai-chat-prod").attributes
    assert prod["public_network_access"] == "Enabled"
    assert prod["local_auth_disabled"] is False
    assert prod["diagnostic_logs_enabled"] is False
    assert prod["defender_for_ai"] is True
    secure = by_name(inv, "accounts/oai-chat-secure").attributes
    assert secure["approved_private_endpoints"] == 1
    assert secure["kms_key"] == "https://kv-ai-cmk.vault.azure.net/keys/cmk-oai"
    assert by_name(inv, "accounts/ais-research").attributes["defender_for_ai"] is False
    dep = by_name(inv, "oai-chat-secure/deployments/gpt-4o").attributes
    assert dep["content_filter"]["jailbreak"] == {"enabled": True, "blocking": True}
    assert (dep["model_format"], dep["model_name"]) == ("OpenAI", "gpt-4o")
    assert "content_filter" not in by_name(inv, "deployments/gpt-4o-mini").attributes

    jupyter = by_name(inv, "virtualmachines/vm-gpu-jupyter").attributes
    assert jupyter["public_ip"] == "20.121.4.77"
    assert jupyter["accelerators"][0]["count"] == 1
    assert jupyter["accelerators_source"] == "capabilities"
    ports = {(p["from"], p["to"]) for p in jupyter["internet_open_ports"]}
    assert (8888, 8888) in ports and (22, 22) in ports
    assert not any(lo <= 8265 <= hi for lo, hi in ports)  # denied by a higher-priority rule
    assert by_name(inv, "virtualmachines/vm-gpu-batch").attributes["internet_open_ports"] == []

    blue = by_name(inv, "fraud-llm/deployments/blue")
    env = blue.attributes["containers"][0]["environment"]
    assert env["HF_TOKEN"] == "<redacted>"
    assert blue.attributes["containers"][0]["image"].startswith("ghcr.io/huggingface/")
    assert blue.attributes["secrets"] == [
        {"location": "environmentVariables", "name": "HF_TOKEN", "kind": "huggingface-token"},
        {
            "location": "environmentVariables",
            "name": "AZURE_OPENAI_API_KEY",
            "kind": "secret-named-variable",
        },
    ]
    assert env["AZURE_OPENAI_API_KEY"] == "<redacted>"
    text = json.dumps([a.model_dump(mode="json") for a in inv.assets])
    assert "hf_QQQQ" not in text and "9a1d7c3e5b0f2a4c6e8d0b1f3a5c7e9d" not in text

    training = by_name(inv, "containers/training").attributes
    assert training["public"] is True
    ep_identity = by_name(inv, "fraud-llm/providers/microsoft.managedidentity/identities/default")
    assert ep_identity.id in training["write_principals"]  # Contributor may list the keys
    assert ep_identity.attributes["wildcard_actions"] == ["*"]
    assert ep_identity.attributes["administrator"] is False
    assert ep_identity.attributes["policies_complete"] is True
    owner = by_name(inv, "oai-chat-prod/providers/microsoft.managedidentity/identities/default")
    assert owner.attributes["administrator"] is True
    reader = by_name(inv, "ais-research/providers/microsoft.managedidentity/identities/default")
    assert reader.attributes["wildcard_actions"] == [] and not reader.attributes["administrator"]


def test_429_with_retry_after_is_retried(scan, fake):
    fake.inject("/deployments", 429, times=3, retry_after="0.01")
    fake.inject("microsoft.resourcegraph/resources", 429, times=1, retry_after="0.01")
    inv = scan()
    assert all(c.status is CoverageStatus.OK for c in inv.coverage)
    assert len(list(inv.of_kind(AssetKind.LLM_DEPLOYMENT))) == 5


def test_throttling_beyond_the_retries_is_an_error_of_that_scope_only(scan, fake, monkeypatch):
    monkeypatch.setenv("AISCAN_AZURE_MAX_RETRIES", "1")
    fake.inject("oai-chat-prod/deployments", 429, retry_after="0")
    inv = scan()
    cov = coverage(inv)[(S1, "cognitiveservices")]
    assert cov.status is CoverageStatus.ERROR
    assert "throttled" in cov.message
    assert by_name(inv, "oai-chat-secure/deployments/gpt-4o")  # the other account was read


def test_denied_subscription_shows_in_coverage(estate, monkeypatch):
    from aiscan.demo.azure import FakeArm

    estate["subscriptions"].append({"subscriptionId": DENIED, "displayName": "finance"})
    estate["denied_subscriptions"] = [DENIED]
    with FakeArm(estate) as arm:
        sink = InventoryBuilder()
        AzureCollector(settings=arm.settings()).collect(Scope(), sink, NullProgress())
    inv = sink.build()
    denied = [c for c in inv.coverage if c.account == DENIED]
    assert {c.service for c in denied} == set(AzureCollector.services)
    assert all(c.status is CoverageStatus.DENIED for c in denied)
    assert "AuthorizationFailed" in denied[0].message
    assert coverage(inv)[(S1, "azureml")].status is CoverageStatus.OK
    assert not [a for a in inv.assets if a.account == DENIED]


def test_one_denied_read_is_recorded_without_hiding_the_rest(scan, fake):
    fake.inject("oai-chat-prod/raipolicies", 403)
    inv = scan()
    cov = coverage(inv)[(S1, "cognitiveservices")]
    assert cov.status is CoverageStatus.DENIED and "raipolicies" in cov.message.lower()
    gpt = by_name(inv, "oai-chat-prod/deployments/gpt-4o")
    assert "content_filter" not in gpt.attributes  # unknown, not guessed
    assert by_name(inv, "oai-chat-secure/deployments/gpt-4o").attributes["content_filter"]


def test_subscription_and_region_scoping(scan, fake):
    inv = scan(subscriptions=(S2,))
    assert {a.account for a in inv.assets} == {S2}
    assert not [p for _, p in fake.requests if S1 in p]
    inv = scan(regions=("westeurope",))
    assert {a.name for a in inv.of_kind(AssetKind.LLM_SERVICE)} == {"ais-research"}


def test_resource_graph_unavailable_falls_back_to_arm_lists(scan, fake):
    fake.inject("microsoft.resourcegraph/resources", 403)
    inv = scan()
    assert {(k, i) for k, i in EXPECTED} <= {(a.kind, a.id) for a in inv.assets}
    cov = coverage(inv)[(S1, "azureml")]
    assert cov.status is CoverageStatus.OK and "Resource Graph unavailable" in cov.message


def test_a_cpu_only_size_is_not_gpu_compute_even_if_named_like_one(scan, fake):
    # Capabilities decide: a size whose SKU reports no GPUs is not an AI asset.
    for sku in fake.estate["skus"]:
        if sku["name"] == "Standard_ND96asr_v4":
            sku["capabilities"] = [c for c in sku["capabilities"] if c["name"] != "GPUs"]
    inv = scan()
    assert not [a for a in inv.assets if a.name == "vm-gpu-batch"]


def test_unknown_service_is_a_usage_error(monkeypatch):
    settings = AzureSettings.from_environ(
        {"AISCAN_AZURE_TOKEN": "x", "AISCAN_AZURE_ENDPOINT": "http://127.0.0.1:9"}
    )
    with pytest.raises(CollectorConfigError, match="unknown Azure service"):
        AzureCollector(settings=settings).collect(
            Scope(services=("bedrock",)), InventoryBuilder(), NullProgress()
        )


def test_detect_uses_local_signals_only(tmp_path):
    assert AzureCollector.detect({"AISCAN_AZURE_TOKEN": "t"}) == "AISCAN_AZURE_TOKEN is set"
    assert AzureCollector.detect({"HOME": str(tmp_path)}) is None
    (tmp_path / ".azure").mkdir()
    (tmp_path / ".azure" / "azureProfile.json").write_text("{}")
    assert "Azure CLI login" in (AzureCollector.detect({"HOME": str(tmp_path)}) or "")


DENY_KEYS = {
    "id": f"/subscriptions/{S1}/providers/Microsoft.Authorization/policyAssignments/deny-ai-keys",
    "type": "Microsoft.Authorization/policyAssignments",
    "name": "deny-ai-keys",
    "properties": {
        "displayName": "Deny key access on Azure AI services",
        "policyDefinitionId": (
            "/providers/Microsoft.Authorization/policyDefinitions/"
            "71ef260a-8f18-47b7-abcb-62d0673d94dc"
        ),
        "scope": f"/subscriptions/{S1}",
        "notScopes": [],
        "parameters": {"effect": {"value": "Deny"}},
        "enforcementMode": "Default",
    },
}


def _keys_guardrail(inv):
    from aiscan.core.engine import evaluate
    from aiscan.core.model import ResultStatus
    from aiscan.rules.azure import pol_local_auth

    out = evaluate(inv, [pol_local_auth])
    failed = {f.asset_id: ResultStatus.FAIL for f in out.findings}
    return {**{e.asset_id: e.status for e in out.evaluations}, **failed}


def test_policy_assignments_are_read_once_per_subscription_onto_its_accounts(estate, fake, scan):
    from aiscan.core.model import ResultStatus

    estate["resources"].append(DENY_KEYS)
    fake._index()  # the fake serves the estate it indexed: index the added assignment
    inv = scan()
    assert fake.count("/providers/microsoft.authorization/policyassignments") == 2  # S1, S2
    prod = by_name(inv, "accounts/oai-chat-prod")
    (assignment,) = prod.attributes["policy_assignments"]
    assert assignment["definition"] == "71ef260a-8f18-47b7-abcb-62d0673d94dc"
    assert assignment["effect"] == "Deny"
    research = by_name(inv, "accounts/ais-research")
    assert research.account == S2 and research.attributes["policy_assignments"] == []
    statuses = _keys_guardrail(inv)
    assert (statuses[prod.id], statuses[research.id]) == (ResultStatus.PASS, ResultStatus.FAIL)


def test_denied_policy_assignments_leave_the_guardrail_unread_not_absent(scan, fake):
    from aiscan.core.model import ResultStatus

    fake.inject("microsoft.authorization/policyassignments", 403)
    inv = scan()
    cov = coverage(inv)[(S1, "cognitiveservices")]
    assert cov.status is CoverageStatus.DENIED and "policy assignments" in cov.message.lower()
    prod = by_name(inv, "accounts/oai-chat-prod")
    assert "policy_assignments" not in prod.attributes
    assert prod.attributes["local_auth_disabled"] is False  # the rest is still read
    assert _keys_guardrail(inv)[prod.id] is ResultStatus.MANUAL
