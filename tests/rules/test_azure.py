"""Azure rule pack: every rule fails its misconfigured asset, passes the well-configured twin
(which gets no high or critical finding in the rule's category), and is manual when the deciding
fact could not be read. Assets carry their real resource types: the facts model a rule names
decides which types it judges, so an asset of another type is simply not evaluated."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from aiscan.collectors.azure import acr, cognitive, compute, ml, search
from aiscan.collectors.azure.monitor import diagnostics_facts, plan_enabled, policy_assignments
from aiscan.core.engine import evaluate
from aiscan.core.graph import hub_node
from aiscan.core.graph.build import build_graph
from aiscan.core.model import AssetKind, Cloud, ResultStatus, Severity
from aiscan.rules import azure, paths, supply_chain
from aiscan.rules.azure import RULES
from tests.factories import asset, failing_ids, inventory, rel, run, statuses

K = AssetKind
ACCOUNT = "Microsoft.CognitiveServices/accounts"
DEPLOYMENT = "Microsoft.CognitiveServices/accounts/deployments"
SEARCH = "Microsoft.Search/searchServices"
WORKSPACE = "Microsoft.MachineLearningServices/workspaces"
COMPUTE = "Microsoft.MachineLearningServices/workspaces/computes"
ONLINE_ENDPOINT = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints"
ONLINE_DEPLOYMENT = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments"
ML_REGISTRY = "Microsoft.MachineLearningServices/registries"
IDENTITY = "Microsoft.ManagedIdentity/userAssignedIdentities"
REGISTRY = "Microsoft.ContainerRegistry/registries"
POOL = "Microsoft.ContainerService/managedClusters/agentPools"
CONTAINER = "Microsoft.Storage/storageAccounts/blobServices/containers"

ACCOUNT_OK = {
    "public_network_access": "Disabled",
    "approved_private_endpoints": 1,
    "network_default_action": "Deny",
    "ip_rules": [],
    "local_auth_disabled": True,
    "cmk_supported": True,
    "kms_key": "https://kv.vault.azure.net/keys/cmk",
    "outbound_restricted": True,
    "allowed_fqdns": ["st.blob.core.windows.net"],
    "diagnostic_logs_enabled": True,
    "defender_for_ai": True,
    "identity_type": "SystemAssigned",
    "policy_assignments": [
        {
            "name": "deny-keys",
            "definition": "71ef260a-8f18-47b7-abcb-62d0673d94dc",
            "effect": "Deny",
            "scope": "/subscriptions/s",
        },
        {
            "name": "deny-public",
            "definition": "037eea7a-bd0a-46c5-9a66-03aea78705d3",
            "effect": "deny",
            "scope": "/subscriptions/s",
        },
    ],
}
REGISTRY_OK = {
    "admin_user_enabled": False,
    "anonymous_pull_enabled": False,
    "public_network_access": "Disabled",
    "network_default_action": "Deny",
    "kms_key": "https://kv.vault.azure.net/keys/acr",
}
POOL_OK = {
    "vm_size": "Standard_NC24ads_A100_v4",
    "node_public_ip": False,
    "cluster_private": True,
    "authorized_ip_ranges": [],
    "local_accounts_disabled": True,
    "cluster": "/subscriptions/s/aks",
}
WORKSPACE_OK = {
    "workspace_kind": "Default",
    "public_network_access": "Disabled",
    "encryption_status": "Enabled",
    "managed_network_isolation": "AllowOnlyApprovedOutbound",
    "diagnostic_logs_enabled": True,
}
INSTANCE_OK = {
    "compute_type": "ComputeInstance",
    "local_auth_disabled": True,
    "in_vnet": True,
    "node_public_ip": False,
    "ssh_public_access": "Disabled",
    "os_image_latest": True,
    "idle_shutdown": "PT1H",
}
SHIELD = {"enabled": True, "blocking": True}
OFF = {"enabled": False, "blocking": False}
DEPLOYMENT_OK = {
    "model_format": "OpenAI",
    "model_name": "gpt-4o",
    "rai_policy_name": "strict",
    "content_filter": {"policy": "strict", "jailbreak": SHIELD, "indirect_attack": SHIELD},
}
ONLINE_DEP_OK = {
    "endpoint_kind": "online-deployment",
    "egress_public_network_access": "Disabled",
    "workspace_managed_network": "Disabled",
    "model_registry": "azureml",
}

# rule id -> (kind, service, resource type, good attributes, overrides that make it fail, fact to
# drop for manual (None when the rule never answers manual))
CASES: dict[str, tuple[AssetKind, str, str, dict[str, Any], dict[str, Any], str | None]] = {
    "AZ-AIS-001": (
        K.LLM_SERVICE,
        "cognitiveservices",
        ACCOUNT,
        ACCOUNT_OK,
        {"public_network_access": "Enabled"},
        "public_network_access",
    ),
    "AZ-AIS-002": (
        K.LLM_SERVICE,
        "cognitiveservices",
        ACCOUNT,
        {**ACCOUNT_OK, "public_network_access": "Enabled"},
        {"network_default_action": "Allow"},
        "public_network_access",
    ),
    "AZ-AIS-003": (
        K.LLM_SERVICE,
        "cognitiveservices",
        ACCOUNT,
        {**ACCOUNT_OK, "policy_assignments": []},  # no guardrail: unread stays manual
        {"local_auth_disabled": False},
        "local_auth_disabled",
    ),
    "AZ-AIS-004": (
        K.LLM_SERVICE,
        "cognitiveservices",
        ACCOUNT,
        ACCOUNT_OK,
        {"kms_key": None},
        "kms_key",
    ),
    "AZ-AIS-005": (
        K.LLM_SERVICE,
        "cognitiveservices",
        ACCOUNT,
        ACCOUNT_OK,
        {"allowed_fqdns": []},
        "outbound_restricted",
    ),
    "AZ-AIS-006": (
        K.LLM_SERVICE,
        "cognitiveservices",
        ACCOUNT,
        ACCOUNT_OK,
        {"diagnostic_logs_enabled": False},
        "diagnostic_logs_enabled",
    ),
    "AZ-AIS-007": (
        K.LLM_DEPLOYMENT,
        "cognitiveservices",
        DEPLOYMENT,
        DEPLOYMENT_OK,
        {"content_filter": {"policy": "weak", "jailbreak": SHIELD, "indirect_attack": OFF}},
        "content_filter",
    ),
    "AZ-AIS-008": (
        K.LLM_DEPLOYMENT,
        "cognitiveservices",
        DEPLOYMENT,
        DEPLOYMENT_OK,
        {"model_format": "Meta"},
        "model_format",
    ),
    "AZ-AIS-009": (
        K.LLM_SERVICE,
        "cognitiveservices",
        ACCOUNT,
        ACCOUNT_OK,
        {"defender_for_ai": False},
        "defender_for_ai",
    ),
    "AZ-AIS-010": (
        K.KNOWLEDGE_BASE,
        "search",
        SEARCH,
        {"public_network_access": "Disabled", "ip_rules": [], "local_auth_disabled": True},
        {"local_auth_disabled": False},
        "local_auth_disabled",
    ),
    "AZ-ML-001": (
        K.WORKSPACE,
        "azureml",
        WORKSPACE,
        WORKSPACE_OK,
        {"public_network_access": "Enabled"},
        "public_network_access",
    ),
    "AZ-ML-002": (
        K.WORKSPACE,
        "azureml",
        WORKSPACE,
        WORKSPACE_OK,
        {"encryption_status": "Disabled"},
        "encryption_status",
    ),
    "AZ-ML-003": (
        K.WORKSPACE,
        "azureml",
        WORKSPACE,
        WORKSPACE_OK,
        {"managed_network_isolation": "AllowInternetOutbound"},
        "managed_network_isolation",
    ),
    "AZ-ML-004": (
        K.NOTEBOOK,
        "azureml",
        COMPUTE,
        INSTANCE_OK,
        {"local_auth_disabled": False},
        "local_auth_disabled",
    ),
    "AZ-ML-005": (K.NOTEBOOK, "azureml", COMPUTE, INSTANCE_OK, {"in_vnet": False}, "in_vnet"),
    "AZ-ML-011": (
        K.NOTEBOOK,
        "azureml",
        COMPUTE,
        INSTANCE_OK,
        {"node_public_ip": True},
        "node_public_ip",
    ),
    "AZ-ML-012": (
        K.NOTEBOOK,
        "azureml",
        COMPUTE,
        INSTANCE_OK,
        {"ssh_public_access": "Enabled"},
        "ssh_public_access",
    ),
    "AZ-ML-006": (
        K.NOTEBOOK,
        "azureml",
        COMPUTE,
        INSTANCE_OK,
        {"os_image_latest": False},
        "os_image_latest",
    ),
    "AZ-ML-007": (
        K.ENDPOINT,
        "azureml",
        ONLINE_ENDPOINT,
        {"endpoint_kind": "online", "auth_mode": "AADToken"},
        {"auth_mode": "Key"},
        "auth_mode",
    ),
    "AZ-ML-008": (
        K.ENDPOINT,
        "azureml",
        ONLINE_DEPLOYMENT,
        ONLINE_DEP_OK,
        {"egress_public_network_access": "Enabled"},
        "egress_public_network_access",
    ),
    "AZ-ML-009": (
        K.ENDPOINT,
        "azureml",
        ONLINE_DEPLOYMENT,
        ONLINE_DEP_OK,
        {"model_registry": "HuggingFace"},
        None,
    ),
    "AZ-AIS-011": (
        K.LLM_SERVICE,
        "cognitiveservices",
        ACCOUNT,
        ACCOUNT_OK,
        {"identity_type": None},
        "identity_type",
    ),
    "AZ-AIS-012": (
        K.KNOWLEDGE_BASE,
        "search",
        SEARCH,
        {
            "public_network_access": "Disabled",
            "ip_rules": [],
            "local_auth_disabled": True,
            "cmk_enforcement": "Enabled",
        },
        {"cmk_enforcement": "Unspecified"},
        "cmk_enforcement",
    ),
    "AZ-ML-010": (
        K.NOTEBOOK,
        "azureml",
        COMPUTE,
        INSTANCE_OK,
        {"idle_shutdown": None},
        "idle_shutdown",
    ),
    "AZ-ACR-001": (
        K.CONTAINER_REGISTRY,
        "containerregistry",
        REGISTRY,
        REGISTRY_OK,
        {"admin_user_enabled": True},
        "admin_user_enabled",
    ),
    "AZ-ACR-002": (
        K.CONTAINER_REGISTRY,
        "containerregistry",
        REGISTRY,
        REGISTRY_OK,
        {"anonymous_pull_enabled": True},
        "anonymous_pull_enabled",
    ),
    "AZ-ACR-003": (
        K.CONTAINER_REGISTRY,
        "containerregistry",
        REGISTRY,
        REGISTRY_OK,
        {"public_network_access": "Enabled"},
        "public_network_access",
    ),
    "AZ-ACR-004": (
        K.CONTAINER_REGISTRY,
        "containerregistry",
        REGISTRY,
        REGISTRY_OK,
        {"kms_key": None},
        "kms_key",
    ),
    "AZ-AKS-001": (K.GPU_COMPUTE, "aks", POOL, POOL_OK, {"node_public_ip": True}, "node_public_ip"),
    "AZ-AKS-002": (
        K.GPU_COMPUTE,
        "aks",
        POOL,
        POOL_OK,
        {"local_accounts_disabled": False},
        "local_accounts_disabled",
    ),
    "AZ-AKS-003": (
        K.GPU_COMPUTE,
        "aks",
        POOL,
        POOL_OK,
        {"cluster_private": False},
        "cluster_private",
    ),
    "AZ-POL-001": (
        K.LLM_SERVICE,
        "cognitiveservices",
        ACCOUNT,
        ACCOUNT_OK,
        {"policy_assignments": []},
        "policy_assignments",
    ),
    "AZ-POL-002": (
        K.LLM_SERVICE,
        "cognitiveservices",
        ACCOUNT,
        ACCOUNT_OK,
        {"policy_assignments": ACCOUNT_OK["policy_assignments"][:1]},
        "policy_assignments",
    ),
}
BY_ID = {r.meta.id: r for r in RULES}


def az(kind: AssetKind, id_: str, type_: str, service: str = "azureml", **attrs: Any) -> Any:
    return asset(kind, id_, service=service, cloud=Cloud.AZURE, type=type_, **attrs)


def case_asset(rule_id: str, id_: str, **overrides: Any) -> Any:
    kind, service, type_, good, _, _ = CASES[rule_id]
    return az(kind, id_, type_, service, **{**good, **overrides})


def test_every_rule_has_a_case_and_azure_metadata():
    assert set(CASES) == set(BY_ID)
    for r in RULES:
        assert r.meta.clouds == (Cloud.AZURE,)
        assert r.meta.resource_types, f"{r.meta.id} names no facts model"
        assert all(t.startswith("Microsoft.") for t in r.meta.resource_types)
        assert (
            any(
                ref.startswith(("azure-policy:", "prowler:", "defender:", "mondoo:", "MCSB:"))
                for ref in r.meta.references
            )
            or r.meta.id == "AZ-ML-008"
        )
        assert any(ref.startswith(("OWASP-", "MITRE-ATLAS:")) for ref in r.meta.references)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fails_the_bad_asset_passes_the_twin(rule_id):
    rule_fn = BY_ID[rule_id]
    ok = case_asset(rule_id, f"/subscriptions/s/x/{rule_id}/good")
    ko = case_asset(rule_id, f"/subscriptions/s/x/{rule_id}/bad", **CASES[rule_id][4])
    inv = inventory([ok, ko])
    assert failing_ids(rule_fn, inv) == {ko.id}
    assert statuses(rule_fn, inv)[ok.id] is ResultStatus.PASS
    finding = run(rule_fn, inv)[0]
    assert finding.evidence and finding.remediation and finding.category is rule_fn.meta.category


def test_the_well_configured_twins_get_no_high_or_critical_finding():
    from aiscan.scan import load_rules

    twins = inventory(
        case_asset(rule_id, f"/subscriptions/s/twin/{rule_id}")
        for rule_id in CASES
        if rule_id != "AZ-AIS-002"  # its "good" case is a public account with a deny-all ACL
    )
    findings = [f for r in load_rules()[0] for f in run(r, twins)]
    assert not [f.rule_id for f in findings if f.severity.at_least(Severity.HIGH)]


@pytest.mark.parametrize("rule_id", sorted(k for k, v in CASES.items() if v[5]))
def test_rule_is_manual_when_the_fact_was_not_read(rule_id):
    kind, service, type_, good, _, drop = CASES[rule_id]
    attrs = {k: v for k, v in good.items() if k != drop}
    unread = az(kind, "/subscriptions/s/x/unread", type_, service, **attrs)
    st = statuses(BY_ID[rule_id], inventory([unread]))
    assert st[unread.id] is ResultStatus.MANUAL


def test_manual_names_the_facts_that_were_not_read():
    unread = az(K.GPU_COMPUTE, "/subscriptions/s/c/unread", POOL, "aks", cluster_private=False)
    (evaluation,) = evaluate(inventory([unread]), [azure.aks_api_authorized_ips]).evaluations
    assert evaluation.reason == "not read: authorized_ip_ranges"


def test_a_renamed_fact_is_refused_not_silently_unread():
    # A transform (or a hand-made asset) that spells a fact differently from its model fails
    # validation, so the collector records a coverage error instead of the rule going manual.
    with pytest.raises(ValidationError, match="public_network_acess"):
        az(K.LLM_SERVICE, "/subscriptions/s/a", ACCOUNT, public_network_acess="Enabled")
    with pytest.raises(ValidationError, match="local_auth_disabled"):
        az(K.LLM_SERVICE, "/subscriptions/s/a", ACCOUNT, local_auth_disabled="sometimes")


def test_rules_ignore_other_clouds_and_services():
    aws = asset(
        K.LLM_SERVICE,
        "arn:aws:bedrock:us-east-1:1:x",
        service="bedrock",
        type=ACCOUNT,
        public_network_access="Enabled",
    )
    assert statuses(azure.ais_public_network, inventory([aws])) == {}


def test_rules_judge_only_the_resource_types_of_their_facts():
    cluster = az(
        K.GPU_COMPUTE,
        "/subscriptions/s/c/cluster",
        COMPUTE,
        **{**INSTANCE_OK, "compute_type": "AmlCompute", "os_image_latest": False},
    )
    endpoint = az(K.ENDPOINT, "/subscriptions/s/e", ONLINE_ENDPOINT, endpoint_kind="online")
    dep = az(
        K.ENDPOINT,
        "/subscriptions/s/e/d",
        ONLINE_DEPLOYMENT,
        **{**ONLINE_DEP_OK, "egress_public_network_access": "Enabled"},
    )
    # AZ-ML-006 asks compute instances (notebook kind) only; a cluster is never evaluated.
    assert statuses(azure.ml_instance_image, inventory([cluster])) == {}
    # AZ-ML-008 judges deployments only, AZ-ML-007 endpoints only.
    inv = inventory([endpoint, dep])
    assert set(statuses(azure.ml_deployment_egress, inv)) == {dep.id}
    assert set(statuses(azure.ml_endpoint_key_auth, inv)) == {endpoint.id}
    assert azure.ais_diagnostic_logs.meta.resource_types == (
        ACCOUNT,
        WORKSPACE,
        SEARCH,
    )


def test_projects_defer_to_their_hub():
    proj = az(
        K.WORKSPACE,
        "/subscriptions/s/ws/proj",
        WORKSPACE,
        workspace_kind="Project",
        public_network_access="Enabled",
    )
    for r in (azure.ml_public_workspace, azure.ml_cmk, azure.ml_managed_network):
        assert statuses(r, inventory([proj]))[proj.id] is ResultStatus.NOT_APPLICABLE


def test_prompt_shields_without_a_named_policy_is_manual():
    dep = az(
        K.LLM_DEPLOYMENT,
        "/subscriptions/s/d",
        DEPLOYMENT,
        "cognitiveservices",
        model_format="OpenAI",
    )
    assert statuses(azure.ais_prompt_shields, inventory([dep]))[dep.id] is ResultStatus.MANUAL


def test_prompt_shields_evidence_names_the_weak_shields():
    weak = case_asset("AZ-AIS-007", "/subscriptions/s/d/weak", **CASES["AZ-AIS-007"][4])
    (finding,) = run(azure.ais_prompt_shields, inventory([weak]))
    assert finding.message == "policy weak does not block: Indirect Attack"
    assert finding.evidence == {"policy": "weak", "jailbreak": SHIELD, "indirect_attack": OFF}


def test_egress_is_not_applicable_under_a_managed_network():
    dep = az(
        K.ENDPOINT,
        "/subscriptions/s/d",
        ONLINE_DEPLOYMENT,
        **{
            **ONLINE_DEP_OK,
            "egress_public_network_access": "Enabled",
            "workspace_managed_network": "AllowOnlyApprovedOutbound",
        },
    )
    assert (
        statuses(azure.ml_deployment_egress, inventory([dep]))[dep.id]
        is ResultStatus.NOT_APPLICABLE
    )


def test_registry_of_the_estate_is_allowed():
    reg = az(K.MODEL_REGISTRY, "/subscriptions/s/registries/mlreg-shared", ML_REGISTRY)
    dep = az(
        K.ENDPOINT,
        "/subscriptions/s/d",
        ONLINE_DEPLOYMENT,
        **{**ONLINE_DEP_OK, "model_registry": "mlreg-shared"},
    )
    assert statuses(azure.ml_registry_models, inventory([reg, dep]))[dep.id] is ResultStatus.PASS


def test_search_public_without_ip_rules_fails_with_ip_rules_passes():
    base = {"public_network_access": "Enabled", "local_auth_disabled": True}
    open_ = az(K.KNOWLEDGE_BASE, "/subscriptions/s/open", SEARCH, "search", ip_rules=[], **base)
    fenced = az(
        K.KNOWLEDGE_BASE,
        "/subscriptions/s/fenced",
        SEARCH,
        "search",
        ip_rules=["203.0.113.0/24"],
        **base,
    )
    assert failing_ids(azure.search_exposed, inventory([open_, fenced])) == {open_.id}
    (finding,) = run(azure.search_exposed, inventory([open_]))
    assert finding.evidence["ip_rules"] == []


def test_xc_sc_008_judges_an_azure_deployment_whose_identity_can_write_its_model_store():
    from aiscan.rules.supply_chain import artifact_store_writable
    from tests.factories import rel

    writer = az(K.IDENTITY, "/subscriptions/s/mi/writer", IDENTITY, "identity")
    reader = az(K.IDENTITY, "/subscriptions/s/mi/reader", IDENTITY, "identity")
    store = az(
        K.BUCKET, "/subscriptions/s/st/models", CONTAINER, "storage", write_principals=[writer.id]
    )
    bad = az(K.ENDPOINT, "/subscriptions/s/dep/bad", ONLINE_DEPLOYMENT)
    good = az(K.ENDPOINT, "/subscriptions/s/dep/good", ONLINE_DEPLOYMENT)
    inv = inventory(
        [writer, reader, store, bad, good],
        [
            rel(bad.id, "runs-as", writer.id),
            rel(bad.id, "stores-artifact-in", store.id),
            rel(good.id, "runs-as", reader.id),
            rel(good.id, "stores-artifact-in", store.id),
        ],
    )
    assert failing_ids(artifact_store_writable, inv) == {bad.id}
    assert statuses(artifact_store_writable, inv)[good.id] is ResultStatus.PASS


# -- through the real path: recorded ARM payloads (tests/data/azure) and the pure transforms ----
# The failing asset is a recorded payload; its twin is the same payload with the one setting that
# decides the rule changed the way the hardened resource reports it (or the recorded twin).

DATA = Path(__file__).parents[1] / "data" / "azure"


def load(name: str, **edits: Any) -> dict[str, Any]:
    """A recorded payload; each edit `a__b__c=value` sets payload["a"]["b"]["c"]."""
    payload: dict[str, Any] = json.loads((DATA / f"{name}.json").read_text())
    for dotted, value in edits.items():
        *parents, leaf = dotted.split("__")
        node = payload
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = value
    return payload


def with_read(built: Any, extra: dict[str, Any]) -> Any:
    """An asset with the facts a later read of the same scan adds (as the collector merges)."""
    return built.model_copy(update={"attributes": {**built.attributes, **extra}})


def _catalog() -> dict[str, dict[str, Any]]:
    return {s["name"].lower(): s for s in load("compute_skus")["value"]}


def _account(name: str) -> Any:
    return cognitive.to_account(load(name))


def _diagnostics(*settings: dict[str, Any]) -> Any:
    return with_read(_account("cognitiveservices_account__open"), diagnostics_facts(list(settings)))


def _defender(tier: str) -> Any:
    plan = plan_enabled({"properties": {"pricingTier": tier}})
    return with_read(_account("cognitiveservices_account__open"), {"defender_for_ai": plan})


def _deployment(**edits: Any) -> Any:
    policies = {  # keyed by the policy's own name, as the collector does (not the display name)
        p.id.rsplit("/", 1)[-1].lower(): p
        for p in (
            cognitive.to_rai_policy(load("cognitiveservices_raipolicy__strict"), region="eastus"),
            cognitive.to_rai_policy(load("cognitiveservices_raipolicy__permissive"), region="e"),
        )
    }
    return cognitive.to_deployment(
        load("cognitiveservices_deployment", **edits), region="eastus", policies=policies
    )


def _instance(*, unmanaged: bool = False, **edits: Any) -> Any:
    """The recorded instance; `unmanaged`: in a workspace without a managed network."""
    payload = load("ml_compute_instance", **edits)
    size = payload["properties"]["properties"]["vmSize"]
    workspace = load("ml_workspace__hub")
    if unmanaged:
        workspace["properties"].pop("managedNetwork", None)
    return ml.to_compute(
        payload,
        workspace=ml.to_workspace(workspace),
        gpus=compute.accelerators(size, _catalog()),
    )


def _online_deployment(**edits: Any) -> Any:
    unmanaged = load("ml_workspace__hub")
    unmanaged["properties"].pop("managedNetwork", None)
    return ml.to_online_deployment(
        load("ml_online_deployment", **edits),
        region="eastus",
        environment=load("ml_environment_version"),
        workspace=ml.to_workspace(unmanaged),
        artifact_uri=None,
        gpus=None,
    )


def _registry(**edits: Any) -> Any:
    return acr.to_registry(load("containerregistry_registry", **edits))


def _pool(cluster_edits: dict[str, Any] | None = None, **pool_edits: Any) -> Any:
    """The recorded cluster's GPU pool through the transform (pool and cluster edits applied)."""
    cluster = load("aks_cluster", **(cluster_edits or {}))
    (pool,) = [p for p in cluster["properties"]["agentPoolProfiles"] if p["name"] == "gpupool"]
    pool.update(pool_edits)
    return compute.to_node_pool(cluster, pool, compute.accelerators(pool["vmSize"], _catalog()))


def _assignments(*, drop: str | None = None, deny: str | None = None) -> list[dict[str, Any]]:
    """The recorded assignments (tests/data/azure), one dropped or set to Deny by name."""
    recorded = load("authorization_policy_assignments")["value"]
    # a misspelt name would silently leave the recording as it is and the test vacuous
    assert {drop, deny} - {None} <= {a["name"] for a in recorded}, (drop, deny)
    items = [a for a in recorded if a["name"] != drop]
    for a in items:
        if a["name"] == deny:
            a["properties"]["parameters"] = {"effect": {"value": "Deny"}}
    return policy_assignments(items)


def _guarded(**kw: Any) -> Any:
    account = _account("cognitiveservices_account__open")
    return with_read(account, {"policy_assignments": _assignments(**kw)})


LOGS = {
    "properties": {"workspaceId": "/law", "logs": [{"categoryGroup": "allLogs", "enabled": True}]}
}
HF = "azureml://registries/HuggingFace/models/bert/versions/4"

# rule id -> (failing asset, passing twin), both through the transforms
RECORDED: dict[str, tuple[Callable[[], Any], Callable[[], Any]]] = {
    **{
        rid: (
            lambda: _account("cognitiveservices_account__open"),
            lambda: _account("cognitiveservices_account__private"),
        )
        for rid in ("AZ-AIS-001", "AZ-AIS-003", "AZ-AIS-004", "AZ-AIS-005")
    },
    "AZ-AIS-002": (
        lambda: _account("cognitiveservices_account__open"),
        lambda: cognitive.to_account(
            load(
                "cognitiveservices_account__open", properties__networkAcls={"defaultAction": "Deny"}
            )
        ),
    ),
    "AZ-AIS-006": (lambda: _diagnostics(), lambda: _diagnostics(LOGS)),
    "AZ-AIS-007": (
        lambda: _deployment(properties__raiPolicyName="permissive-chat"),
        lambda: _deployment(),
    ),
    "AZ-AIS-008": (lambda: _deployment(properties__model__format="Meta"), lambda: _deployment()),
    "AZ-AIS-009": (lambda: _defender("Free"), lambda: _defender("Standard")),
    "AZ-AIS-010": (
        lambda: search.to_search_service(load("search_service__public")),
        lambda: search.to_search_service(
            load(
                "search_service__public",
                properties__publicNetworkAccess="disabled",
                properties__disableLocalAuth=True,
            )
        ),
    ),
    **{
        rid: (
            lambda: ml.to_workspace(load("ml_workspace__hub")),
            lambda: ml.to_workspace(load("ml_workspace__secure")),
        )
        for rid in ("AZ-ML-001", "AZ-ML-002", "AZ-ML-003")
    },
    "AZ-ML-004": (lambda: _instance(), lambda: _instance(properties__disableLocalAuth=True)),
    "AZ-ML-005": (
        lambda: _instance(unmanaged=True),
        lambda: _instance(
            unmanaged=True,
            properties__properties__subnet={"id": "/subscriptions/s/vnet/subnets/ml"},
        ),
    ),
    "AZ-ML-011": (
        lambda: _instance(),
        lambda: _instance(properties__properties__enableNodePublicIp=False),
    ),
    "AZ-ML-012": (
        lambda: _instance(),
        lambda: _instance(properties__properties__sshSettings={"sshPublicAccess": "Disabled"}),
    ),
    "AZ-ML-006": (
        lambda: _instance(),
        lambda: _instance(properties__properties__osImageMetadata={"isLatestOsImageVersion": True}),
    ),
    "AZ-ML-007": (
        lambda: ml.to_online_endpoint(load("ml_online_endpoint"), region="eastus"),
        lambda: ml.to_online_endpoint(
            load("ml_online_endpoint", properties__authMode="AADToken"), region="eastus"
        ),
    ),
    "AZ-ML-008": (
        lambda: _online_deployment(),
        lambda: _online_deployment(properties__egressPublicNetworkAccess="Disabled"),
    ),
    "AZ-ML-009": (
        lambda: ml.to_serverless_endpoint(
            load("ml_serverless_endpoint", properties__modelSettings={"modelId": HF}),
            region="eastus",
        ),
        lambda: ml.to_serverless_endpoint(load("ml_serverless_endpoint"), region="eastus"),
    ),
    "AZ-AIS-011": (
        lambda: cognitive.to_account(
            load("cognitiveservices_account__open", identity={"type": "None"})
        ),
        lambda: _account("cognitiveservices_account__open"),
    ),
    "AZ-AIS-012": (
        lambda: search.to_search_service(load("search_service__public")),
        lambda: search.to_search_service(
            load(
                "search_service__public",
                properties__encryptionWithCmk={
                    "enforcement": "Enabled",
                    "encryptionComplianceStatus": "Compliant",
                },
            )
        ),
    ),
    "AZ-ML-010": (
        lambda: _instance(),
        lambda: _instance(properties__properties__idleTimeBeforeShutdown="PT30M"),
    ),
    "AZ-ACR-001": (
        lambda: _registry(),
        lambda: _registry(properties__adminUserEnabled=False),
    ),
    "AZ-ACR-002": (
        lambda: _registry(),
        lambda: _registry(properties__anonymousPullEnabled=False),
    ),
    "AZ-ACR-003": (
        lambda: _registry(),
        lambda: _registry(properties__publicNetworkAccess="Disabled"),
    ),
    "AZ-ACR-004": (
        lambda: _registry(),
        lambda: _registry(
            properties__encryption={
                "status": "enabled",
                "keyVaultProperties": {
                    "keyIdentifier": "https://kv-ml.vault.azure.net/keys/acr/0123abcd",
                    "identity": "0a1b2c3d-0000-4000-8000-00000000c009",
                },
            }
        ),
    ),
    "AZ-AKS-001": (lambda: _pool(), lambda: _pool(enableNodePublicIP=False)),
    "AZ-AKS-002": (
        lambda: _pool(),
        lambda: _pool({"properties__disableLocalAccounts": True}),
    ),
    "AZ-AKS-003": (
        lambda: _pool(),
        lambda: _pool(
            {"properties__apiServerAccessProfile__authorizedIPRanges": ["203.0.113.0/24"]}
        ),
    ),
    "AZ-POL-001": (lambda: _guarded(drop="deny-ai-keys"), lambda: _guarded()),
    "AZ-POL-002": (lambda: _guarded(), lambda: _guarded(deny="audit-ai-public")),
}


def test_every_rule_has_a_recorded_pass_and_fail():
    assert set(RECORDED) == set(BY_ID)


@pytest.mark.parametrize("rule_id", sorted(RECORDED))
def test_rule_on_recorded_payloads(rule_id):
    make_bad, make_good = RECORDED[rule_id]
    bad, good = make_bad(), make_good()
    rule_fn = BY_ID[rule_id]
    assert failing_ids(rule_fn, inventory([bad])) == {bad.id}
    assert statuses(rule_fn, inventory([good])) == {good.id: ResultStatus.PASS}


# -- cross-cloud supply-chain rules on recorded Azure ML deployments ----------------------------
# The floating deployment (HF_MODEL_ID at its default branch, HF_MODEL_TRUST_REMOTE_CODE=true) and
# its recorded twin pinned to a commit without remote code, through the real transform.


def _hub_deployment(name: str) -> Any:
    return ml.to_online_deployment(
        load(name),
        region="eastus",
        environment=load("ml_environment_version"),
        workspace=ml.to_workspace(load("ml_workspace__hub")),
        artifact_uri=None,
        gpus=None,
    )


@pytest.mark.parametrize(
    ("rule_fn", "message"),
    [
        (supply_chain.hub_model_unpinned, "meta-llama/Llama-3.1-8B-Instruct at its default branch"),
        (supply_chain.trust_remote_code, "HF_MODEL_TRUST_REMOTE_CODE=true on an unpinned Hub"),
    ],
)
def test_hub_rules_fail_the_floating_deployment_and_pass_its_pinned_twin(rule_fn, message):
    bad = _hub_deployment("ml_online_deployment")
    good = _hub_deployment("ml_online_deployment__pinned")
    (finding,) = run(rule_fn, inventory([bad]))
    assert finding.asset_id == bad.id and message in finding.message
    assert statuses(rule_fn, inventory([good]))[good.id] is ResultStatus.PASS


def test_xc_path_005_floating_deployment_as_an_administrator_pinned_twin_is_no_path():
    admin = az(K.IDENTITY, "/subscriptions/s/mi/admin", IDENTITY, "identity", administrator=True)
    bad = _hub_deployment("ml_online_deployment")
    good = _hub_deployment("ml_online_deployment__pinned")
    inv = inventory(
        [admin, bad, good], [rel(bad.id, "runs-as", admin.id), rel(good.id, "runs-as", admin.id)]
    )
    out = evaluate(inv, [paths.floating_hub_model_powerful_identity], graph=build_graph(inv))
    assert [(f.rule_id, f.path) for f in out.findings] == [
        ("XC-PATH-005", (hub_node("huggingface.co"), bad.id, admin.id))
    ]


# -- Azure Policy assignments: the transform and the guardrail they settle ----------------------


def test_policy_assignments_transform_keeps_what_decides_a_guardrail():
    got = {a["name"]: a for a in _assignments()}
    keys = got["Deny key access on Azure AI services"]
    assert keys["definition"] == "71ef260a-8f18-47b7-abcb-62d0673d94dc"
    assert (keys["effect"], keys["enforced"], keys["initiative"]) == ("Deny", True, False)
    assert keys["not_scopes"] == [
        "/subscriptions/11111111-1111-4111-8111-111111111111/resourcegroups/rg-ai-sandbox"
    ]
    audit = got["Audit public network access on Cognitive Services"]
    assert audit["effect"] is None  # left to the definition's default (Audit)
    asc = next(a for n, a in got.items() if n.startswith("ASC Default"))
    assert asc["initiative"] is True and asc["enforced"] is False


def test_malformed_policy_assignments_are_skipped_not_fatal():
    junk: list[Any] = [
        5,
        {"properties": "x"},
        {"properties": {"policyDefinitionId": 7}},
        {"properties": {"policyDefinitionId": "/x/y", "parameters": {"effect": "Deny"}}},
    ]
    (only,) = policy_assignments(junk)
    assert only["effect"] is None and only["definition"] == "/x/y"


def _keys_unread(assignments: list[dict[str, Any]], account: str = "__open") -> Any:
    built = _account(f"cognitiveservices_account{account}")
    attrs = {k: v for k, v in built.attributes.items() if k != "local_auth_disabled"}
    return built.model_copy(update={"attributes": {**attrs, "policy_assignments": assignments}})


def test_an_enforced_deny_assignment_turns_unread_key_access_into_a_pass():
    guarded = _keys_unread(_assignments())
    unguarded = _keys_unread(_assignments(drop="deny-ai-keys"))
    inv = inventory([guarded])
    assert statuses(azure.ais_local_auth, inv) == {guarded.id: ResultStatus.PASS}
    (evaluation,) = evaluate(inv, [azure.ais_local_auth]).evaluations
    assert "Deny key access on Azure AI services" in evaluation.reason
    assert statuses(azure.ais_local_auth, inventory([unguarded])) == {
        unguarded.id: ResultStatus.MANUAL
    }


@pytest.mark.parametrize(
    "change",
    [
        {"enforcementMode": "DoNotEnforce"},
        {"parameters": {"effect": {"value": "Audit"}}},
        {"parameters": {}},  # the definition's default effect is Audit
        {
            "notScopes": [
                "/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-ai-prod"
            ]
        },
    ],
)
def test_a_deny_assignment_that_does_not_bind_the_account_settles_nothing(change):
    items = load("authorization_policy_assignments")["value"]
    items[0]["properties"].update(change)
    account = _keys_unread(policy_assignments(items))
    inv = inventory([account])
    assert statuses(azure.ais_local_auth, inv) == {account.id: ResultStatus.MANUAL}
    assert failing_ids(azure.pol_local_auth, inv) == {account.id}


def test_a_set_setting_wins_over_the_guardrail():
    # A deny assignment does not fix an account created before it: the read setting decides.
    account = with_read(
        _account("cognitiveservices_account__open"), {"policy_assignments": _assignments()}
    )
    assert failing_ids(azure.ais_local_auth, inventory([account])) == {account.id}


def test_guardrail_evidence_names_the_weaker_assignments():
    (finding,) = run(azure.pol_public_network, inventory([_guarded()]))
    assert finding.message.endswith("(assigned with Audit or not enforced only)")
    (weak,) = finding.evidence["assignments"]
    assert weak["name"] == "Audit public network access on Cognitive Services"
    assert weak["effect"] == "definition default (Audit)"


def test_aks_rules_judge_the_gpu_pool_with_its_cluster_in_evidence():
    weak = _pool()
    (finding,) = run(azure.aks_local_accounts, inventory([weak]))
    assert finding.evidence["cluster"].endswith("/managedclusters/aks-inference")
    private = _pool({"properties__apiServerAccessProfile__enablePrivateCluster": True})
    assert statuses(azure.aks_api_authorized_ips, inventory([private])) == {
        private.id: ResultStatus.PASS
    }


def test_search_without_any_cmk_setting_fails_as_not_set():
    payload = load("search_service__public")
    payload["properties"].pop("encryptionWithCmk")
    service = search.to_search_service(payload)
    (finding,) = run(azure.search_cmk, inventory([service]))
    assert finding.message == "CMK enforcement is not set"


def test_the_ml_compute_exposure_bundle_is_split_one_weakness_per_rule():
    # The recorded instance has all three weaknesses; each fix clears exactly its own rule.
    split = (azure.ml_compute_exposed, azure.ml_compute_public_ip, azure.ml_compute_ssh)
    weak = _instance(unmanaged=True)
    assert all(failing_ids(r, inventory([weak])) == {weak.id} for r in split)
    for fixed_rule, edit in zip(
        split,
        (
            {"properties__properties__subnet": {"id": "/subscriptions/s/vnet/subnets/ml"}},
            {"properties__properties__enableNodePublicIp": False},
            {"properties__properties__sshSettings": {"sshPublicAccess": "Disabled"}},
        ),
        strict=True,
    ):
        fixed = _instance(unmanaged=True, **edit)
        still = {r.meta.id for r in split if failing_ids(r, inventory([fixed]))}
        assert still == {r.meta.id for r in split} - {fixed_rule.meta.id}
