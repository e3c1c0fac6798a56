"""Pure transforms on recorded ARM payloads (tests/data/azure): attributes rules rely on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aiscan.collectors.azure import cognitive, compute, identity, ml, search, storage
from aiscan.collectors.azure.context import IdentityRef, identity_refs, norm
from aiscan.core.model import AssetKind

DATA = Path(__file__).parents[2] / "data" / "azure"


def load(name: str) -> Any:
    return json.loads((DATA / f"{name}.json").read_text())


def catalog() -> dict[str, dict[str, Any]]:
    return {s["name"].lower(): s for s in load("compute_skus")["value"]}


def test_open_and_private_ai_services_accounts():
    open_ = cognitive.to_account(load("cognitiveservices_account__open")).attributes
    assert open_["public_network_access"] == "Enabled"
    assert open_["network_default_action"] == "Allow"
    assert (open_["local_auth_disabled"], open_["cmk_supported"], open_["kms_key"]) == (
        False,
        True,
        None,
    )
    assert open_["outbound_restricted"] is False
    private = cognitive.to_account(load("cognitiveservices_account__private"))
    assert private.kind is AssetKind.LLM_SERVICE
    assert private.attributes["approved_private_endpoints"] == 1
    assert private.attributes["allowed_fqdns"] == ["stmlsecure.blob.core.windows.net"]
    assert private.attributes["kms_key"].endswith("/keys/cmk-oai")


def test_missing_public_network_access_means_the_documented_default():
    payload = load("cognitiveservices_account__open")
    del payload["properties"]["publicNetworkAccess"]
    assert cognitive.to_account(payload).attributes["public_network_access"] == "Enabled"


def test_deployment_takes_its_content_filter_from_the_policy():
    strict = cognitive.to_rai_policy(load("cognitiveservices_raipolicy__strict"), region="eastus")
    weak = cognitive.to_rai_policy(load("cognitiveservices_raipolicy__permissive"), region="eastus")
    assert strict.kind is AssetKind.GUARDRAIL
    assert strict.attributes["indirect_attack"] == {"enabled": True, "blocking": True}
    assert weak.attributes["jailbreak"] == {"enabled": False, "blocking": False}
    dep = cognitive.to_deployment(
        load("cognitiveservices_deployment"), region="eastus", policies={"strict-shields": strict}
    )
    assert dep.attributes["content_filter"]["policy"] == "strict-shields"
    assert dep.attributes["sku"] == "Standard"
    unresolved = cognitive.to_deployment(
        load("cognitiveservices_deployment"), region="eastus", policies=None
    )
    assert "content_filter" not in unresolved.attributes


def test_search_service_spelling_is_normalised():
    attrs = search.to_search_service(load("search_service__public")).attributes
    assert attrs["public_network_access"] == "Enabled"
    assert (attrs["ip_rules"], attrs["local_auth_disabled"]) == ([], False)
    assert attrs["auth_options"] == ["apiKeyOnly"]


def test_workspace_hub_and_secure_twin():
    hub = ml.to_workspace(load("ml_workspace__hub")).attributes
    assert (hub["workspace_kind"], hub["managed_network_isolation"]) == (
        "Hub",
        "AllowInternetOutbound",
    )
    assert hub["encryption_status"] == "Disabled"
    secure = ml.to_workspace(load("ml_workspace__secure")).attributes
    assert (secure["public_network_access"], secure["encryption_status"]) == ("Disabled", "Enabled")
    assert secure["storage_account"] == secure["storage_account"].lower()


def test_computes_instance_cluster_and_cpu():
    ws = ml.to_workspace(load("ml_workspace__hub")).model_copy(
        update={"attributes": {"managed_network_isolation": "Disabled"}}
    )
    instance = load("ml_compute_instance")
    gpus = compute.accelerators(instance["properties"]["properties"]["vmSize"], catalog())
    ci = ml.to_compute(instance, workspace=ws, gpus=gpus)
    assert ci is not None and ci.kind is AssetKind.NOTEBOOK
    assert ci.attributes["ssh_public_access"] == "Enabled"
    assert ci.attributes["internet_open_ports"] == [{"protocol": "tcp", "from": 50000, "to": 50000}]
    assert (ci.attributes["os_image_latest"], ci.attributes["in_vnet"]) == (False, False)
    cluster = load("ml_compute_cluster")
    gpus = compute.accelerators("Standard_NC24ads_A100_v4", catalog())
    amlc = ml.to_compute(cluster, workspace=ws, gpus=gpus)
    assert amlc is not None and amlc.kind is AssetKind.GPU_COMPUTE
    assert amlc.attributes["accelerators"][0]["type"] == "A100"
    cpu = compute.accelerators("Standard_D4s_v3", catalog())
    assert ml.to_compute(cluster, workspace=ws, gpus=cpu) is None


def test_accelerators_from_capabilities_or_the_n_series_name():
    assert compute.accelerators("Standard_ND96asr_v4", catalog()) == (
        [{"class": "gpu", "type": None, "manufacturer": None, "count": 8, "memory_mib": None}],
        "capabilities",
    )
    assert compute.accelerators("Standard_D2s_v5", catalog()) == ([], "capabilities")
    by_name = compute.accelerators("Standard_NC40ads_H100_v5", None)
    assert by_name is not None and by_name[1] == "size-name" and by_name[0][0]["type"] == "H100"
    assert compute.accelerators("Standard_E8s_v5", None) is None  # undecidable: left out


def test_nsg_priorities_decide_the_open_ports():
    ports = compute.open_ranges([load("network_security_group")])
    assert ports == [
        {"protocol": "tcp", "from": 22, "to": 22},
        {"protocol": "tcp", "from": 8888, "to": 8888},
    ]
    closed = {"properties": {"securityRules": [], "defaultSecurityRules": []}}
    assert compute.open_ranges([load("network_security_group"), closed]) == []


def test_online_deployment_redacts_secrets_and_describes_its_container():
    ws = ml.to_workspace(load("ml_workspace__hub"))
    dep = ml.to_online_deployment(
        load("ml_online_deployment"),
        region="eastus",
        environment=load("ml_environment_version"),
        workspace=ws,
        artifact_uri="https://stmlfraud.blob.core.windows.net/models/llama-ft/",
        gpus=None,
    )
    (container,) = dep.attributes["containers"]
    assert container["image"] == "ghcr.io/huggingface/text-generation-inference:latest"
    assert container["environment"]["HF_TOKEN"] == "<redacted>"
    assert dep.raw["properties"]["environmentVariables"]["HF_TOKEN"] == "<redacted>"
    assert dep.attributes["model"].endswith("/models/llama-ft/versions/1")
    assert dep.attributes["workspace_managed_network"] == "AllowInternetOutbound"
    assert (
        ml.model_ref("azureml://registries/HuggingFace/models/bert/versions/4")[1] == "HuggingFace"
    )


def _deployment(name: str) -> Any:
    return ml.to_online_deployment(
        load(name),
        region="eastus",
        environment=load("ml_environment_version"),
        workspace=ml.to_workspace(load("ml_workspace__hub")),
        artifact_uri=None,
        gpus=None,
    )


def test_online_deployment_hub_model_and_remote_code_from_its_environment():
    floating = _deployment("ml_online_deployment").facts
    assert floating.hub_model is not None and floating.hub_model.model_dump() == {
        "repo_id": "meta-llama/Llama-3.1-8B-Instruct",
        "revision": None,
        "pinned": False,
        "variable": "HF_MODEL_ID",
    }
    assert floating.trust_remote_code == "HF_MODEL_TRUST_REMOTE_CODE"
    pinned = _deployment("ml_online_deployment__pinned").facts
    assert pinned.hub_model is not None and pinned.hub_model.pinned is True
    assert pinned.hub_model.revision == "0e9e39f249a16976918f6564b8830bc894c89659"
    assert pinned.trust_remote_code is None
    bare = load("ml_online_deployment")
    bare["properties"]["environmentVariables"] = {"MAX_INPUT_LENGTH": 4096, "HF_MODEL_ID": None}
    plain = ml.to_online_deployment(
        bare,
        region="eastus",
        environment=None,
        workspace=ml.to_workspace(load("ml_workspace__hub")),
        artifact_uri=None,
        gpus=None,
    ).facts
    assert (plain.hub_model, plain.trust_remote_code) == (None, None)


def test_endpoints_and_datastores():
    ep = ml.to_online_endpoint(load("ml_online_endpoint"), region="eastus").attributes
    assert (ep["auth_mode"], ep["public_network_access"]) == ("Key", "Enabled")
    sl = ml.to_serverless_endpoint(load("ml_serverless_endpoint"), region="eastus").attributes
    assert (sl["auth_mode"], sl["model_registry"]) == ("Key", "azureml-meta")
    ds = load("ml_datastore")
    account, container = ml.datastore_target(ds)
    assert account is not None and account.endswith("/storageaccounts/stmlfraud")
    assert container == "training"
    asset = ml.to_datastore(ds, region="eastus")
    assert asset.kind is AssetKind.DATASET and "credentials" not in asset.raw["properties"]
    stores = {"workspaceblobstore": (account, "azureml")}
    assert ml.blob_target(
        "azureml://datastores/workspaceblobstore/paths/models/x/", stores, {}
    ) == (account, "azureml")
    assert ml.blob_target(
        "https://stmlfraud.blob.core.windows.net/models/a/", {}, {"stmlfraud": "A"}
    ) == (
        "A",
        "models",
    )


def test_storage_public_container_and_account():
    account = load("storage_account")
    facts = storage.account_facts(account)
    assert facts["allow_blob_public_access"] is True
    container = load("storage_container__public")
    assert storage.container_public(facts, container) is not None
    assert storage.container_public({**facts, "allow_blob_public_access": False}, container) is None
    acct = storage.to_account(
        account, facts=facts, containers=[container], versioning="Disabled", writers=[]
    )
    assert (acct.attributes["public"], acct.attributes["versioning"]) == (True, "Disabled")


def test_role_assignments_decide_privilege():
    defs = {
        identity.definition_key(d["name"]): identity.to_role_definition(d)
        for d in load("authorization_role_definitions")["value"]
    }
    owner, contributor, reader = (
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
        "b24988ac-6180-42a0-ab88-20f7382dd24c",
        "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    )
    ref = IdentityRef("/x/identities/default", "p", None, "system", "x", "s", None, "/x")
    sub = "/subscriptions/s"
    as_owner = identity.to_identity(ref, [(owner, sub)], defs, complete=True).attributes
    assert as_owner["administrator"] is True
    as_contrib = identity.to_identity(
        ref, [(contributor, f"{sub}/resourceGroups/rg")], defs, complete=True
    )
    assert as_contrib.attributes["administrator"] is False
    assert as_contrib.attributes["wildcard_actions"] == ["*"]
    as_reader = identity.to_identity(ref, [(reader, sub)], defs, complete=True).attributes
    assert (as_reader["wildcard_actions"], as_reader["full_access_policies"]) == ([], [])
    at_resource = identity.to_identity(
        ref, [(owner, f"{sub}/resourceGroups/rg/providers/a/b/c")], defs, complete=True
    )
    assert at_resource.attributes["administrator"] is False  # resource scope is not broad
    assert identity.allows(defs[contributor], storage.LIST_KEYS)
    assert not identity.allows(defs[contributor], "Microsoft.Authorization/roleAssignments/write")


UAMI = "/subscriptions/S/resourceGroups/RG/providers/Microsoft.ManagedIdentity/x/u"


def test_identity_blocks():
    payload = {
        "id": "/subscriptions/S/resourceGroups/RG/providers/X/y/Z",
        "identity": {
            "type": "SystemAssigned, UserAssigned",
            "principalId": "p1",
            "userAssignedIdentities": {UAMI: {"principalId": "p2", "clientId": "c2"}},
        },
    }
    refs = identity_refs(payload, source_id=payload["id"], region="eastus")
    assert [r.assigned for r in refs] == ["system", "user"]
    system = norm(payload["id"]) + "/providers/microsoft.managedidentity/identities/default"
    assert refs[0].asset_id == system
    assert (refs[1].asset_id, refs[1].principal_id, refs[1].subscription) == (norm(UAMI), "p2", "s")


def test_role_assignments_carry_their_definitions_permissions_for_the_graph():
    defs = {
        identity.definition_key(d["name"]): identity.to_role_definition(d)
        for d in load("authorization_role_definitions")["value"]
    }
    blob_contributor, unknown = "ba92f5b4-2d11-453d-a403-e96b0029c9fe", "0000-custom"
    ref = IdentityRef("/x/identities/default", "p", None, "system", "x", "s", None, "/x")
    scope = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st"
    made = identity.to_identity(
        ref,
        [(blob_contributor, scope), (unknown, scope)],
        defs,
        complete=True,
        conditional={(unknown, scope)},
    )
    known, custom = made.facts.role_assignments
    assert (known.role, known.role_id, known.condition) == (
        "Storage Blob Data Contributor",
        blob_contributor,
        False,
    )
    assert "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write" in (
        known.data_actions
    )
    assert known.actions is not None and known.not_data_actions == ()
    # A definition that was not read leaves `actions` absent (the graph falls back to built-ins).
    assert (custom.actions, custom.role_id, custom.condition) == (None, unknown, True)
