"""XC-ID-002: a workload that runs as an over-privileged identity carries the finding too, with the
identity as evidence, the same way on every cloud and every kind of workload.

Identities come from recorded payloads through the collectors' transforms (AWS IAM roles, Azure
role assignments, GCP project IAM policy); on GCP the workloads do too (GPU VMs, GKE node pools,
a Workbench instance), so this is the path a scan takes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aiscan.collectors.aws.iam import to_role
from aiscan.collectors.azure import identity as azure_identity
from aiscan.collectors.azure.context import IdentityRef
from aiscan.collectors.gcp import compute, iam, workbench
from aiscan.collectors.gcp.context import Project, References
from aiscan.collectors.gcp.names import service_account_id
from aiscan.core.model import Asset, Cloud, ResultStatus, Severity
from aiscan.rules import exposure
from tests.factories import asset, failing_ids, inventory, rel, run, statuses

DATA = Path(__file__).parents[1] / "data"
RULE = exposure.workload_over_privileged


def load(cloud: str, name: str) -> Any:
    return json.loads((DATA / cloud / f"{name}.json").read_text())


# -- Google Cloud: GPU VMs, node pools and a notebook, through the transforms --------------------

PROD = Project(id="acme-ml-prod", number="412345678901", parent="folders/302123456789")


def _refs() -> References:
    refs = References()
    refs.project_policies[PROD.id] = load("gcp", "resourcemanager_project_policy")
    return refs


def _account(email: str, refs: References | None = None) -> Asset:
    return iam.to_service_account(email, None, refs or _refs(), account=PROD.id, policies_read=True)


def _runs_as(collected: Any) -> tuple[Asset, list[Any]]:
    links = [rel(collected.asset.id, "runs-as", service_account_id(e)) for k, e in collected.links]
    return collected.asset, links


def _gcp_estate() -> tuple[list[Asset], list[Any]]:
    zones = load("gcp", "compute_aggregated_instances")["items"]
    vms = {i["name"]: i for z in zones.values() for i in z["instances"]}
    firewalls = load("gcp", "compute_firewalls")["items"]
    collected = [
        compute.to_instance(vms["llm-inference-gpu"], PROD, firewalls),
        compute.to_instance(vms["llm-inference-gpu-hardened"], PROD, firewalls),
        *(
            p
            for c in load("gcp", "container_clusters")["clusters"]
            for p in compute.to_node_pools(c, PROD)
        ),
        workbench.to_instance(load("gcp", "notebooks_instances")["instances"][0], PROD),
    ]
    assets, relations = [], []
    for c in collected:
        assert c is not None
        workload, links = _runs_as(c)
        assets.append(workload)
        relations.extend(links)
    emails = sorted({r.target.rsplit("/", 1)[-1] for r in relations})
    assets.extend(_account(e) for e in emails)
    return assets, relations


def _by_name(assets: list[Asset], name: str) -> str:
    return next(a.id for a in assets if a.name == name)


def test_gcp_gpu_vm_node_pool_and_notebook_running_as_the_editor_default_account_fail():
    assets, relations = _gcp_estate()
    inv = inventory(assets, relations)
    weak_vm = _by_name(assets, "llm-inference-gpu")
    weak_pool = _by_name(assets, "gpu-sandbox/gpu-weak")
    tpu_pool = _by_name(assets, "ml-cluster/tpu-pool")  # "default": the default account too
    notebook = next(a.id for a in assets if a.kind == "notebook")
    assert failing_ids(RULE, inv) == {weak_vm, weak_pool, tpu_pool, notebook}
    st = statuses(RULE, inv)
    assert st[_by_name(assets, "llm-inference-gpu-hardened")] is ResultStatus.PASS
    assert st[_by_name(assets, "ml-cluster/gpu-pool")] is ResultStatus.PASS
    default = service_account_id("412345678901-compute@developer.gserviceaccount.com")
    finding = next(f for f in run(RULE, inv) if f.asset_id == weak_vm)
    assert finding.evidence == {
        "identity": default,
        "administrator": False,
        "full_access_policies": ["roles/editor"],
    }
    assert "roles/editor" in finding.message
    # The identity rule still reports the account itself, once, naming its users.
    on_identity = {f.asset_id: f for f in run(exposure.over_privileged_identity, inv)}
    assert set(on_identity) == {default}
    assert weak_vm in on_identity[default].evidence["used_by"]


def test_gcp_workload_on_an_unread_identity_is_manual_not_green():
    assets, relations = _gcp_estate()
    refs = References()  # the project's IAM policy was not read
    unread = [
        iam.to_service_account(a.name, None, refs, account=PROD.id, policies_read=False)
        if a.kind == "identity"
        else a
        for a in assets
    ]
    inv = inventory(unread, relations)
    hardened = _by_name(unread, "llm-inference-gpu-hardened")
    assert statuses(RULE, inv)[hardened] is ResultStatus.MANUAL
    assert failing_ids(RULE, inv) == set()  # no roles read: nothing to decide on


def test_identity_outside_the_inventory_is_manual_and_no_runs_as_is_not_applicable():
    inv = inventory(
        [
            asset("gpu-compute", "vm", cloud=Cloud.GCP, service="compute"),
            asset("gpu-compute", "lonely", cloud=Cloud.GCP, service="compute"),
        ],
        [rel("vm", "runs-as", "//iam.googleapis.com/projects/-/serviceAccounts/x@other")],
    )
    st = statuses(RULE, inv)
    assert st["vm"] is ResultStatus.MANUAL
    assert st["lonely"] is ResultStatus.NOT_APPLICABLE


# -- AWS: IAM roles read by the IAM transform ------------------------------------------------------


def _role(name: str) -> Asset:
    return to_role(load("aws", name), "123456789012")


def test_aws_notebook_and_endpoint_running_as_an_admin_role_fail_critical():
    admin, least = _role("iam_role_admin"), _role("iam_role_inference")
    nb = "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/nb"
    ep = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/ep"
    good = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/good"
    inv = inventory(
        [
            admin,
            least,
            asset("notebook", nb, type="AWS::SageMaker::NotebookInstance"),
            asset("endpoint", ep, type="AWS::SageMaker::Endpoint"),
            asset("endpoint", good, type="AWS::SageMaker::Endpoint"),
        ],
        [
            rel(nb, "runs-as", admin.id),
            rel(ep, "runs-as", admin.id),
            rel(good, "runs-as", least.id),
        ],
    )
    findings = {f.asset_id: f for f in run(RULE, inv)}
    assert set(findings) == {nb, ep}
    assert findings[nb].severity is Severity.CRITICAL
    assert findings[nb].evidence["identity"] == admin.id
    assert statuses(RULE, inv)[good] is ResultStatus.PASS


# -- Azure: managed identities with role assignments ----------------------------------------------

OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
SUB = "/subscriptions/s"


def _managed_identity(name: str, role: str) -> Asset:
    defs = {
        azure_identity.definition_key(d["name"]): azure_identity.to_role_definition(d)
        for d in load("azure", "authorization_role_definitions")["value"]
    }
    ref = IdentityRef(f"/x/identities/{name}", "p", None, "system", "x", "s", None, "/x")
    return azure_identity.to_identity(ref, [(role, SUB)], defs, complete=True)


@pytest.mark.parametrize(("role", "fails"), [(OWNER, True), (READER, False)])
def test_azure_ml_compute_running_as_a_managed_identity(role: str, fails: bool):
    ident = _managed_identity("mi", role)
    compute_id = f"{SUB}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/ws/c"
    inv = inventory(
        [
            ident,
            asset(
                "gpu-compute",
                compute_id,
                cloud=Cloud.AZURE,
                service="azureml",
                type="Microsoft.MachineLearningServices/workspaces/computes",
            ),
        ],
        [rel(compute_id, "runs-as", ident.id)],
    )
    assert failing_ids(RULE, inv) == ({compute_id} if fails else set())
    if not fails:
        assert statuses(RULE, inv)[compute_id] is ResultStatus.PASS
