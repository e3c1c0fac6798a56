"""Google Cloud derived edges on hand-built inventories: IAM bindings -> can-*, exposure."""

from __future__ import annotations

from typing import Any

from aiscan.core.graph import ANONYMOUS, INTERNET
from aiscan.core.graph.build import build_graph
from aiscan.core.graph.derive.gcp import grants
from aiscan.core.model import Asset, AssetKind, Cloud
from tests.factories import asset, inventory

EMAIL = "trainer@p1.iam.gserviceaccount.com"
SA = f"//iam.googleapis.com/projects/-/serviceAccounts/{EMAIL}"
BUCKET = "//storage.googleapis.com/projects/_/buckets/models-p1"
OTHER = "//storage.googleapis.com/projects/_/buckets/models-p2"
EP = "//aiplatform.googleapis.com/projects/111/locations/us-central1/endpoints/1"
MODEL = "//aiplatform.googleapis.com/projects/111/locations/us-central1/models/2"
REPO = "//artifactregistry.googleapis.com/projects/p1/locations/us/repositories/serving"
VM = "//compute.googleapis.com/projects/p1/zones/us-central1-a/instances/gpu"


def gcp(kind: AssetKind, id_: str, type_: str, project: str = "p1", **attrs: Any) -> Asset:
    return asset(kind, id_, service="gcp", cloud=Cloud.GCP, account=project, type=type_, **attrs)


def account(**project_roles: list[str]) -> Asset:
    return gcp(
        AssetKind.IDENTITY,
        SA,
        "iam.googleapis.com/ServiceAccount",
        email=EMAIL,
        project_roles=project_roles,
    )


def bucket(id_: str = BUCKET, project: str = "p1", **attrs: Any) -> Asset:
    base = {"public_access_prevention": "inherited", "uniform_access": True, "public_members": []}
    return gcp(
        AssetKind.BUCKET,
        id_,
        "storage.googleapis.com/Bucket",
        project,
        **(base | attrs),
    )


def endpoint(**attrs: Any) -> Asset:
    base = {"public_network": True, "authenticated": True}
    return gcp(AssetKind.ENDPOINT, EP, "aiplatform.googleapis.com/Endpoint", **(base | attrs))


def model() -> Asset:
    return gcp(AssetKind.MODEL, MODEL, "aiplatform.googleapis.com/Model")


def repo() -> Asset:
    return gcp(AssetKind.CONTAINER_REGISTRY, REPO, "artifactregistry.googleapis.com/Repository")


def edges(*assets: Asset) -> dict[tuple[str, str, str], dict[str, Any]]:
    graph = build_graph(inventory(assets))
    return {(s, d["type"], t): d["evidence"] for s, t, d in graph.edges() if d["derived"]}


def from_(found: dict[tuple[str, str, str], Any], source: str = SA) -> set[tuple[str, str]]:
    return {(t, e) for s, e, t in found if s == source}


def test_role_table_expands_predefined_roles_to_edges():
    assert dict(grants("roles/storage.objectViewer", "storage.googleapis.com/Bucket")) == {
        "can-read": ["storage.objects.get"]
    }
    assert dict(grants("roles/storage.objectCreator", "storage.googleapis.com/Bucket")) == {
        "can-write": ["storage.objects.create"]
    }
    assert dict(grants("roles/storage.legacyBucketReader", "storage.googleapis.com/Bucket")) == {}
    assert set(dict(grants("roles/aiplatform.user", "aiplatform.googleapis.com/Endpoint"))) == {
        "can-invoke",
        "can-deploy",
    }
    assert dict(grants("projects/p1/roles/custom", "storage.googleapis.com/Bucket")) == {}


def test_project_roles_reach_the_assets_of_that_project_only():
    found = edges(
        account(p1=["roles/storage.objectAdmin"]), bucket(), bucket(OTHER, "p2"), endpoint()
    )
    assert from_(found) == {(BUCKET, "can-read"), (BUCKET, "can-write")}
    ev = found[(SA, "can-write", BUCKET)]
    assert ev == {
        "source": "iam-binding",
        "policy": "roles/storage.objectAdmin",
        "actions": ["storage.objects.create"],
        "resource": "projects/p1",
        "level": "project",
        "member": f"serviceAccount:{EMAIL}",
    }


def test_viewer_roles_only_read_and_editor_reaches_everything():
    assert from_(edges(account(p1=["roles/storage.objectViewer"]), bucket())) == {
        (BUCKET, "can-read")
    }
    found = edges(account(p1=["roles/editor"]), bucket(), endpoint(), model(), repo())
    assert from_(found) == {
        (BUCKET, "can-read"),
        (BUCKET, "can-write"),
        (EP, "can-invoke"),
        (EP, "can-deploy"),
        (MODEL, "can-deploy"),
        (REPO, "can-read"),
        (REPO, "can-write"),
    }
    assert from_(edges(account(p1=["roles/viewer", "roles/aiplatform.viewer"]), bucket())) == set()


def test_bucket_bindings_name_members_and_convenience_values():
    own = bucket(iam_bindings={"roles/storage.objectCreator": [f"serviceAccount:{EMAIL}"]})
    found = edges(account(), own)
    assert from_(found) == {(BUCKET, "can-write")}
    assert found[(SA, "can-write", BUCKET)]["level"] == "bucket"
    legacy = bucket(iam_bindings={"roles/storage.legacyBucketOwner": ["projectEditor:p1"]})
    found = edges(account(p1=["roles/editor"]), legacy)
    assert (BUCKET, "can-write") in from_(found)
    # users, groups and domains are not nodes of the graph
    others = bucket(iam_bindings={"roles/storage.objectAdmin": ["group:ml@x.example"]})
    assert edges(account(), others) == {}


def test_all_users_bindings_make_an_anonymous_reader_unless_prevention_is_enforced():
    public = {"roles/storage.objectViewer": ["allUsers"]}
    found = edges(bucket(iam_bindings=public))
    assert from_(found, ANONYMOUS) == {(BUCKET, "can-read")}
    assert found[(INTERNET, "exposed-to", BUCKET)]["access"] == "read"
    assert edges(bucket(iam_bindings=public, public_access_prevention="enforced")) == {}


def test_public_acls_count_when_uniform_access_is_off():
    acl = bucket(uniform_access=False, public_members=["acl: allUsers has WRITER"])
    found = edges(acl)
    assert from_(found, ANONYMOUS) == {(BUCKET, "can-read"), (BUCKET, "can-write")}
    assert found[(INTERNET, "exposed-to", BUCKET)]["access"] == "write"
    assert found[(ANONYMOUS, "can-write", BUCKET)]["source"] == "acl"
    uniform = bucket(uniform_access=True, public_members=["acl: allUsers has WRITER"])
    assert edges(uniform) == {}


def test_vm_with_external_ip_and_open_firewall_is_exposed():
    open_vm = gcp(
        AssetKind.GPU_COMPUTE,
        VM,
        "compute.googleapis.com/Instance",
        public_ip="34.1.2.3",
        external_ip=True,
        internet_open_ports=[{"protocol": "tcp", "from": 0, "to": 65535}],
    )
    assert edges(open_vm)[(INTERNET, "exposed-to", VM)]["ports"] == ["tcp/all"]
    closed = gcp(
        AssetKind.GPU_COMPUTE,
        VM,
        "compute.googleapis.com/Instance",
        public_ip=None,
        external_ip=False,
        internet_open_ports=[],
    )
    assert edges(closed) == {}


def test_vertex_endpoints_need_a_google_identity_so_are_not_internet_exposed():
    assert edges(endpoint()) == {}
    assert edges(endpoint(authenticated=False))[(INTERNET, "exposed-to", EP)]["auth"] == "none"
