"""Azure derived edges on hand-built inventories: role assignments -> can-*, exposure."""

from __future__ import annotations

from typing import Any

from aiscan.core.graph import ANONYMOUS, INTERNET, EdgeType
from aiscan.core.graph.build import build_graph
from aiscan.core.graph.derive.azure import BUILTIN_ROLES, matches, permits
from aiscan.core.model import Asset, AssetKind, Cloud
from tests.factories import asset, inventory

SUB = "11111111-1111-4111-8111-111111111111"
RG = f"/subscriptions/{SUB}/resourcegroups/rg-ai/providers"
ST = f"{RG}/microsoft.storage/storageaccounts/stmodels"
ST10 = f"{RG}/microsoft.storage/storageaccounts/stmodels10"
CONTAINER = f"{ST}/blobservices/default/containers/models"
WS = f"{RG}/microsoft.machinelearningservices/workspaces/mlw"
EP = f"{WS}/onlineendpoints/scoring"
MODEL = f"{WS}/models/fraud/versions/1"
OAI = f"{RG}/microsoft.cognitiveservices/accounts/oai"
VM = f"{RG}/microsoft.compute/virtualmachines/vm-gpu"
IDENTITY = f"{VM}/providers/microsoft.managedidentity/identities/default"

GUID = {role.name: guid for guid, role in BUILTIN_ROLES.items()}


def az(kind: AssetKind, id_: str, type_: str, **attributes: Any) -> Asset:
    return asset(
        kind, id_, service="azure", cloud=Cloud.AZURE, account=SUB, type=type_, **attributes
    )


def assignment(role: str, scope: str, *, read: bool = True, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"role": role, "scope": scope, "scope_level": "resource"}
    out["role_id"] = GUID.get(role, "99999999-0000-4000-8000-000000000000")
    if read and role in GUID:
        r = BUILTIN_ROLES[GUID[role]]
        out.update(
            actions=list(r.actions),
            not_actions=list(r.not_actions),
            data_actions=list(r.data_actions),
            not_data_actions=list(r.not_data_actions),
        )
    out.update(extra)
    return out


def identity(*assignments: dict[str, Any]) -> Asset:
    return az(
        AssetKind.IDENTITY,
        IDENTITY,
        "Microsoft.ManagedIdentity/identities",
        principal_id="p-1",
        role_assignments=list(assignments),
    )


def storage(id_: str = ST, **extra: Any) -> Asset:
    attrs = {"public_network_access": "Disabled", "network_default_action": "Deny"} | extra
    return az(AssetKind.BUCKET, id_, "Microsoft.Storage/storageAccounts", **attrs)


def container(**extra: Any) -> Asset:
    attrs = {"public_access": "None", "public_network_access": "Enabled"} | extra
    return az(
        AssetKind.BUCKET,
        CONTAINER,
        "Microsoft.Storage/storageAccounts/blobServices/containers",
        **attrs,
    )


def endpoint(**extra: Any) -> Asset:
    attrs = {"auth_mode": "AADToken", "public_network_access": "Enabled"} | extra
    return az(
        AssetKind.ENDPOINT,
        EP,
        "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
        **attrs,
    )


def model() -> Asset:
    return az(
        AssetKind.MODEL, MODEL, "Microsoft.MachineLearningServices/workspaces/models/versions"
    )


def oai(**extra: Any) -> Asset:
    attrs = {"public_network_access": "Disabled", "local_auth_disabled": True} | extra
    return az(AssetKind.LLM_SERVICE, OAI, "Microsoft.CognitiveServices/accounts", **attrs)


def edges(*assets: Asset) -> dict[tuple[str, str, str], dict[str, Any]]:
    graph = build_graph(inventory(assets))
    return {(s, d["type"], t): d["evidence"] for s, t, d in graph.edges() if d["derived"]}


def grants_of(
    found: dict[tuple[str, str, str], Any], source: str = IDENTITY
) -> set[tuple[str, str]]:
    return {(t, e) for s, e, t in found if s == source}


# -- matching -------------------------------------------------------------------------------------


def test_wildcards_match_like_azure_case_insensitively():
    assert matches("Microsoft.Storage/*", "microsoft.storage/storageAccounts/listKeys/action")
    assert matches("*", "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/write")
    assert matches(
        "Microsoft.CognitiveServices/*/read", "Microsoft.CognitiveServices/accounts/read"
    )
    assert not matches("*/read", "Microsoft.Storage/storageAccounts/listKeys/action")
    assert not matches("Microsoft.Storage/[a]*", "Microsoft.Storage/a")  # `[` is literal
    contributor = BUILTIN_ROLES[GUID["Contributor"]]
    assert permits(contributor, "Microsoft.Storage/storageAccounts/listKeys/action", data=False)
    assert not permits(
        contributor, "Microsoft.Authorization/roleAssignments/write", data=False
    )  # notActions subtract
    assert not permits(contributor, "Microsoft.Storage/x/blobs/read", data=True)  # no data actions


# -- role assignments -----------------------------------------------------------------------------


def test_blob_data_contributor_writes_the_account_and_its_containers_only():
    scope = ST.replace("storageaccounts", "storageAccounts").replace("/rg-ai/", "/RG-AI/")
    found = edges(
        identity(assignment("Storage Blob Data Contributor", scope)),
        storage(),
        container(),
        storage(ST10),
    )
    assert grants_of(found) == {
        (ST, "can-read"),
        (ST, "can-write"),
        (CONTAINER, "can-read"),
        (CONTAINER, "can-write"),
    }  # the prefix match is case-insensitive and never matches stmodels10
    ev = found[(IDENTITY, "can-write", CONTAINER)]
    assert ev["source"] == "role-assignment"
    assert ev["policy"] == "Storage Blob Data Contributor"
    assert ev["resource"] == scope
    assert ev["definition"] == "read"
    assert "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write" in ev["actions"]


def test_reader_grants_nothing_and_blob_reader_only_reads():
    sub = f"/subscriptions/{SUB}"
    assert grants_of(edges(identity(assignment("Reader", sub)), storage(), endpoint())) == set()
    found = edges(identity(assignment("Storage Blob Data Reader", sub)), storage(), container())
    assert grants_of(found) == {(ST, "can-read"), (CONTAINER, "can-read")}


def test_contributor_reaches_storage_through_its_keys_unless_shared_keys_are_off():
    rg = f"/subscriptions/{SUB}/resourceGroups/rg-ai"
    found = edges(identity(assignment("Contributor", rg)), storage())
    assert (ST, "can-write") in grants_of(found)
    assert found[(IDENTITY, "can-write", ST)]["actions"] == [
        "Microsoft.Storage/storageAccounts/listKeys/action"
    ]
    keyless = edges(identity(assignment("Contributor", rg)), storage(allow_shared_key_access=False))
    assert grants_of(keyless) == set()


def test_unread_definitions_fall_back_to_built_in_roles_by_guid():
    found = edges(identity(assignment("Storage Blob Data Contributor", ST, read=False)), storage())
    assert found[(IDENTITY, "can-write", ST)]["definition"] == "built-in"
    custom = edges(identity(assignment("my-custom-role", ST, read=False)), storage())
    assert grants_of(custom) == set()  # a custom role not read: nothing to decide on


def test_custom_role_definitions_are_read_with_their_not_data_actions():
    role = assignment(
        "blob-writer-no-delete",
        ST,
        actions=[],
        data_actions=["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*"],
        not_data_actions=[
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action",
        ],
    )
    assert grants_of(edges(identity(role), storage())) == {(ST, "can-read")}


def test_conditions_are_kept_as_evidence():
    found = edges(identity(assignment("Storage Blob Data Reader", ST, condition=True)), storage())
    assert found[(IDENTITY, "can-read", ST)]["condition"] is True


def test_openai_user_invokes_and_contributor_deploys():
    user = edges(identity(assignment("Cognitive Services OpenAI User", OAI)), oai())
    assert grants_of(user) == {(OAI, "can-invoke")}
    contrib = edges(identity(assignment("Cognitive Services OpenAI Contributor", OAI)), oai())
    assert grants_of(contrib) == {(OAI, "can-invoke"), (OAI, "can-deploy")}


def test_data_scientist_redeploys_endpoints_and_models_of_its_workspace():
    found = edges(
        identity(assignment("AzureML Data Scientist", WS)), endpoint(), model(), storage()
    )
    assert grants_of(found) == {(EP, "can-invoke"), (EP, "can-deploy"), (MODEL, "can-deploy")}


def test_management_group_scope_covers_the_estate():
    mg = "/providers/Microsoft.Management/managementGroups/root"
    found = edges(identity(assignment("Storage Blob Data Reader", mg)), storage())
    assert grants_of(found) == {(ST, "can-read")}


# -- exposure -------------------------------------------------------------------------------------


def vm(**extra: Any) -> Asset:
    return az(AssetKind.GPU_COMPUTE, VM, "Microsoft.Compute/virtualMachines", **extra)


def exposed(found: dict[tuple[str, str, str], Any]) -> dict[str, Any]:
    return {
        t: ev
        for s, e, t in found
        if s == INTERNET and e == "exposed-to"
        for ev in [found[(s, e, t)]]
    }


def test_vm_with_public_ip_and_open_nsg_is_exposed_with_its_ports():
    open_vm = vm(
        public_ip="20.1.2.3",
        internet_open_ports=[
            {"protocol": "tcp", "from": 8888, "to": 8888},
            {"protocol": "tcp", "from": 22, "to": 22},
        ],
    )
    ev = exposed(edges(open_vm))[VM]
    assert ev["ports"] == ["tcp/22", "tcp/8888"]
    assert ev["auth"] is None and "public IP" in ev["reason"]
    assert exposed(edges(vm(public_ip=None, internet_open_ports=[]))) == {}
    assert exposed(edges(vm(public_ip="20.1.2.3", internet_open_ports=[]))) == {}
    assert exposed(edges(vm())) == {}  # not read: no claim


def test_key_authenticated_services_on_open_networks_are_exposed():
    assert (
        exposed(
            edges(
                oai(
                    public_network_access="Enabled",
                    local_auth_disabled=False,
                    ip_rules=[],
                    network_default_action=None,
                )
            )
        )[OAI]["auth"]
        == "key"
    )
    # Entra ID only, an IP allow-list or a Deny default: reachable by identities only.
    assert (
        exposed(
            edges(oai(public_network_access="Enabled", ip_rules=[], network_default_action=None))
        )
        == {}
    )
    assert (
        exposed(
            edges(
                oai(
                    public_network_access="Enabled",
                    local_auth_disabled=False,
                    ip_rules=["1.2.3.4"],
                    network_default_action="Deny",
                )
            )
        )
        == {}
    )


def test_endpoint_auth_mode_decides_exposure():
    assert exposed(edges(endpoint(auth_mode="Key")))[EP] == {
        "reason": "endpoint answers any network; auth mode Key",
        "auth": "key",
    }
    assert exposed(edges(endpoint(auth_mode="AADToken"))) == {}  # the broken link
    assert exposed(edges(endpoint(auth_mode="AMLToken"))) == {}
    assert exposed(edges(endpoint(auth_mode="Key", public_network_access="Disabled"))) == {}


def test_public_container_is_readable_by_anyone():
    found = edges(container(public_access="Container", allow_blob_public_access=True))
    assert found[(INTERNET, "exposed-to", CONTAINER)]["access"] == "read"
    assert found[(ANONYMOUS, "can-read", CONTAINER)]["source"] == "acl"
    assert edges(container(public_access="Blob", allow_blob_public_access=False)) == {}
    assert edges(container(public_access="None")) == {}


def test_edges_only_join_azure_assets_and_keep_the_evidence_bounded():
    found = edges(identity(assignment("Owner", f"/subscriptions/{SUB}")), storage(), endpoint())
    assert {e for _, e, _ in found} <= {t.value for t in EdgeType}
    assert all(len(repr(ev)) < 4000 for ev in found.values())


def test_scope_slices_never_take_siblings_sharing_a_prefix():
    dash = f"{RG}/microsoft.storage/storageaccounts/stmodels-x"
    found = edges(
        identity(assignment("Storage Blob Data Reader", ST)),
        storage(),
        storage(dash),
        storage(ST10),
        container(),
    )
    assert grants_of(found) == {(ST, "can-read"), (CONTAINER, "can-read")}


def test_hostile_assignments_neither_crash_nor_widen():
    weird = assignment(
        "x" * 5000,
        "",  # blank scope: grants nothing (the root scope is "/")
        actions=["Microsoft.Storage/(?:.*", "[", "\\"],
        data_actions=["*"],
    )
    regexy = assignment("regexy", ST, actions=[], data_actions=["Microsoft.Storage/.*"])
    found = edges(identity(weird, regexy), storage())
    assert grants_of(found) == set()  # ".*" is literal text in an Azure action, not a regex
    root = assignment("Storage Blob Data Reader", "/")
    assert grants_of(edges(identity(root), storage())) == {(ST, "can-read")}
    long_name = assignment(
        "y" * 5000,
        ST,
        actions=[],
        data_actions=["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"],
    )
    found = edges(identity(long_name), storage())
    assert [len(ev["policy"]) for ev in found.values()] == [200]


def test_ml_compute_instance_with_public_ip_and_open_ports_is_exposed():
    ci = az(
        AssetKind.NOTEBOOK,
        f"{WS}/computes/ci-alice",
        "Microsoft.MachineLearningServices/workspaces/computes",
        compute_type="ComputeInstance",
        public_ip="20.55.10.21",
        internet_open_ports=[{"protocol": "tcp", "from": 50000, "to": 50001}],
    )
    assert exposed(edges(ci))[f"{WS}/computes/ci-alice"]["ports"] == ["tcp/50000-50001"]
