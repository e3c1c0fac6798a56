"""Pure GCP transforms on recorded REST JSON (tests/data/gcp, the APIs' own response shapes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aiscan.collectors.gcp import artifactregistry, compute, posture, storage, vertex, workbench
from aiscan.collectors.gcp.context import Project
from aiscan.collectors.gcp.names import bucket_id, repository_of, service_account_id
from aiscan.core.model import AssetKind, RelationType

DATA = Path(__file__).parents[2] / "data" / "gcp"
PROD = Project(id="acme-ml-prod", number="412345678901", parent="folders/302123456789")
UC = "//aiplatform.googleapis.com/projects/412345678901/locations/us-central1"
DEFAULT_SA = "412345678901-compute@developer.gserviceaccount.com"


def load(name: str) -> Any:
    return json.loads((DATA / f"{name}.json").read_text())


def by_name(items: list[dict[str, Any]], display: str) -> dict[str, Any]:
    return next(i for i in items if i.get("displayName") == display or i.get("name") == display)


def test_public_and_private_endpoints():
    items = load("aiplatform_endpoints")["endpoints"]
    public = vertex.to_endpoint(by_name(items, "public-chat"), PROD, "us-central1")
    private = vertex.to_endpoint(by_name(items, "private-chat"), PROD, "us-central1")
    assert public.asset.id == f"{UC}/endpoints/3002"
    assert public.asset.kind is AssetKind.ENDPOINT
    assert public.asset.attributes["public_network"] is True
    assert public.asset.attributes["dedicated_endpoint"] is True
    assert public.asset.attributes["endpoint_url"].startswith("https://3002.us-central1-")
    assert public.asset.attributes["deployed_models"][0]["accelerator_type"] == "NVIDIA_L4"
    assert ("sa", DEFAULT_SA) in public.links
    assert ("rel", public.asset.id, RelationType.SERVES, f"{UC}/models/1202") in public.links
    assert ("sa_for", f"{UC}/models/1202", DEFAULT_SA) in public.links
    assert private.asset.attributes["public_network"] is False
    assert private.asset.attributes["private_service_connect"] is True
    assert private.asset.attributes["kms_key"].endswith("cryptoKeys/vertex")
    assert private.asset.attributes["request_response_logging"] is True


def test_model_secrets_are_redacted_and_references_kept():
    items = load("aiplatform_models")["models"]
    llama = vertex.to_model(by_name(items, "llama-chat"), PROD, "us-central1")
    attrs = llama.asset.attributes
    assert attrs["containers"][0]["image"] == "ghcr.io/huggingface/text-generation-inference:2.4"
    assert attrs["containers"][0]["environment"]["HF_TOKEN"] == "<redacted>"
    assert attrs["containers"][0]["environment"]["HF_MODEL_ID"].startswith("meta-llama/")
    assert {h["name"] for h in attrs["secrets"]} == {"HF_TOKEN"}
    assert "hf_Q7x" not in json.dumps(llama.asset.raw)
    assert attrs["kms_key"] is None
    fraud = vertex.to_model(by_name(items, "fraud-xgb"), PROD, "us-central1")
    assert ("bucket", "gs://acme-ml-artifacts/fraud/v2/", RelationType.STORES_ARTIFACT_IN) in (
        fraud.links
    )
    version = vertex.to_model(
        by_name(items, "fraud-xgb"), PROD, "us-central1", default_version=False
    )
    assert version.asset.id == f"{UC}/models/1201@2"
    assert ("rel", version.asset.id, RelationType.VERSION_OF, f"{UC}/models/1201") in version.links


def test_model_hub_reference_and_remote_code_from_the_serving_container():
    items = load("aiplatform_models")["models"]
    floating = vertex.to_model(by_name(items, "llama-chat"), PROD, "us-central1").asset.facts
    assert floating.hub_model is not None and floating.hub_model.model_dump() == {
        "repo_id": "meta-llama/Llama-3.1-8B-Instruct",
        "revision": None,
        "pinned": False,
        "variable": "HF_MODEL_ID",
    }
    assert floating.trust_remote_code == "TRUST_REMOTE_CODE"
    secure = vertex.to_model(by_name(items, "llama-chat-secure"), PROD, "us-central1").asset
    assert secure.facts.hub_model is not None and secure.facts.hub_model.pinned is True
    assert secure.facts.trust_remote_code is None
    for plain in ("fraud-xgb", "support-gemini-tuned"):  # no Hub reference, or no container
        facts = vertex.to_model(by_name(items, plain), PROD, "us-central1").asset.facts
        assert (facts.hub_model, facts.trust_remote_code) == (None, None)


def test_custom_job_network_web_access_and_secrets():
    items = load("aiplatform_customJobs")["customJobs"]
    bad = vertex.to_custom_job(by_name(items, "train-fraud"), PROD, "us-central1").asset.attributes
    good = vertex.to_custom_job(by_name(items, "train-fraud-secure"), PROD, "us-central1")
    assert bad["vpc"] is False and bad["web_access"] is True
    assert bad["secrets"][0]["name"] == "WANDB_API_KEY"
    assert bad["machines"][0]["accelerator_type"] == "NVIDIA_TESLA_T4"
    assert good.asset.attributes["vpc"] is True and good.asset.attributes["web_access"] is False
    assert (
        "bucket",
        "gs://acme-ml-models-secure/jobs/train-fraud",
        RelationType.WRITES_DATA_TO,
    ) in (good.links)


def test_pipeline_job_executor_images_and_secrets():
    items = load("aiplatform_pipelineJobs")["pipelineJobs"]
    job = vertex.to_pipeline_job(by_name(items, "nightly-eval"), PROD, "us-central1")
    attrs = job.asset.attributes
    assert attrs["containers"] == [
        {
            "name": "exec-evaluate",
            "image": "python:3.11",
            "environment": {"OPENAI_API_KEY": "<redacted>"},
            "artifact_uri": None,
        }
    ]
    assert attrs["secrets"][0]["kind"] == "openai-api-key"
    assert "sk-proj-" not in json.dumps(job.asset.raw)
    assert attrs["service_account"] == "" and attrs["vpc"] is False


def test_tuning_job_relates_the_tuned_model():
    job = vertex.to_tuning_job(load("aiplatform_tuningJobs")["tuningJobs"][0], PROD, "us-central1")
    model = f"{UC}/models/1204"
    assert ("rel", model, RelationType.PRODUCED_BY, job.asset.id) in job.links
    assert (
        "rel",
        model,
        RelationType.FINE_TUNED_FROM,
        "//aiplatform.googleapis.com/publishers/google/models/gemini-2.0-flash-001",
    ) in job.links
    assert job.asset.kind is AssetKind.TRAINING_JOB


def test_runtime_templates_and_index_endpoints():
    templates = load("aiplatform_notebookRuntimeTemplates")["notebookRuntimeTemplates"]
    weak = vertex.to_runtime_template(by_name(templates, "colab-default"), PROD, "us-central1")
    strong = vertex.to_runtime_template(by_name(templates, "colab-hardened"), PROD, "us-central1")
    assert weak.asset.attributes["internet_access"] is True
    assert weak.asset.attributes["idle_shutdown"] is False
    assert strong.asset.attributes["secure_boot"] is True
    assert strong.asset.attributes["accelerators"] == [{"type": "NVIDIA_L4", "count": 1}]
    endpoints = load("aiplatform_indexEndpoints")["indexEndpoints"]
    public = vertex.to_index_endpoint(by_name(endpoints, "support-search"), PROD, "us-central1")
    assert public.asset.kind is AssetKind.KNOWLEDGE_BASE
    assert public.asset.attributes["public_network"] is True
    assert ("rel", public.asset.id, RelationType.SERVES, f"{UC}/indexes/6001") in public.links


def test_workbench_instance_posture():
    items = load("notebooks_instances")["instances"]
    bad = workbench.to_instance(items[0], PROD).asset
    good = workbench.to_instance(items[1], PROD).asset
    assert bad.id == (
        "//notebooks.googleapis.com/projects/acme-ml-prod/locations/us-central1-a/instances/"
        "research-wb"
    )
    assert bad.region == "us-central1-a"
    assert {k: bad.attributes[k] for k in ("external_ip", "root_access", "terminal")} == {
        "external_ip": True,
        "root_access": True,
        "terminal": True,
    }
    assert bad.attributes["default_service_account"] is True
    assert bad.attributes["secrets"][0]["name"] == "HF_TOKEN"
    assert bad.raw["gceSetup"]["metadata"]["HF_TOKEN"] == "<redacted>"
    assert good.attributes["external_ip"] is False and good.attributes["root_access"] is False
    assert good.attributes["upgrade_schedule"] == "00 19 * * SAT"
    assert good.attributes["boot_disk_cmek"] and good.attributes["integrity_monitoring"]


def test_gpu_vms_firewalls_and_cpu_vms_dropped():
    pages = load("compute_aggregated_instances")["items"]
    vms = {i["name"]: i for scope in pages.values() for i in scope["instances"]}
    firewalls = load("compute_firewalls")["items"]
    exposed = compute.to_instance(vms["llm-inference-gpu"], PROD, firewalls)
    private = compute.to_instance(vms["batch-gpu-private"], PROD, firewalls)
    assert exposed is not None and private is not None
    assert exposed.asset.attributes["accelerators"][0]["type"] == "nvidia-tesla-a100"
    assert exposed.asset.attributes["public_ip"] == "34.122.10.20"
    assert {p["from"] for p in exposed.asset.attributes["internet_open_ports"]} == {22, 8000}
    assert exposed.asset.attributes["secrets"] == []
    assert private.asset.attributes["internet_open_ports"] == []
    assert compute.to_instance(vms["web-frontend"], PROD, firewalls) is None


def test_node_pools_with_accelerators_only():
    pools = compute.to_node_pools(load("container_clusters")["clusters"][0], PROD)
    names = {c.asset.name: c.asset.attributes for c in pools}
    assert set(names) == {"ml-cluster/gpu-pool", "ml-cluster/tpu-pool"}
    assert names["ml-cluster/tpu-pool"]["accelerators"][0]["class"] == "tpu"
    assert names["ml-cluster/tpu-pool"]["default_service_account"] is True
    assert names["ml-cluster/gpu-pool"]["workload_identity"] is True
    assert names["ml-cluster/gpu-pool"]["internet_open_ports"] == []


def test_gpu_vm_hardening_facts_weak_and_hardened():
    pages = load("compute_aggregated_instances")["items"]
    vms = {i["name"]: i for scope in pages.values() for i in scope["instances"]}
    weak = compute.to_instance(vms["llm-inference-gpu"], PROD, [])
    hard = compute.to_instance(vms["llm-inference-gpu-hardened"], PROD, [])
    assert weak is not None and hard is not None
    keys = ("serial_port", "os_login", "secure_boot", "vtpm", "integrity_monitoring")
    assert [weak.asset.attributes[k] for k in keys] == [True, False, False, False, False]
    assert [hard.asset.attributes[k] for k in keys] == [False, True, True, True, True]
    assert weak.asset.attributes["cloud_platform_scope"] is True
    assert weak.asset.attributes["default_service_account"] is True
    assert hard.asset.attributes["default_service_account"] is False
    assert hard.asset.attributes["public_ip"] is None
    # Unset metadata is not a decision: the project's common metadata would decide.
    unset = compute.to_instance(vms["batch-gpu-private"], PROD, [])
    assert unset is not None and unset.asset.attributes["os_login"] is None


@pytest.mark.parametrize(
    ("value", "flag"),
    [("TRUE", True), ("1", True), ("yes", True), ("False", False), ("0", False), ("maybe", None)],
)
def test_metadata_flags_read_as_compute_engine_reads_them(value, flag):
    assert compute.metadata_flag({"enable-oslogin": value}, "enable-oslogin") is flag
    assert compute.metadata_flag({}, "enable-oslogin") is None


def test_node_pool_hardening_facts_weak_and_hardened():
    pools = {
        c.asset.name: c.asset.attributes
        for cluster in load("container_clusters")["clusters"]
        for c in compute.to_node_pools(cluster, PROD)
    }
    weak, hard = pools["gpu-sandbox/gpu-weak"], pools["ml-cluster/gpu-pool"]
    keys = ("secure_boot", "integrity_monitoring", "shielded_nodes", "workload_identity")
    assert [weak[k] for k in keys] == [False, False, False, False]
    assert [hard[k] for k in keys] == [True, True, True, True]
    assert (weak["legacy_metadata_endpoints"], hard["legacy_metadata_endpoints"]) == (True, False)
    assert (weak["private_nodes"], hard["private_nodes"]) == (False, True)
    assert weak["default_service_account"] and weak["cloud_platform_scope"]
    # proto3 JSON omits false booleans: a pool without shieldedInstanceConfig is not shielded
    assert pools["ml-cluster/tpu-pool"]["secure_boot"] is False


def test_bucket_public_and_writers():
    buckets = {b["name"]: b for b in load("storage_buckets")["items"]}
    project_policy = load("resourcemanager_project_policy")
    public = storage.to_bucket(
        buckets["acme-ml-artifacts"],
        load("storage_bucket_iam_public"),
        account="acme-ml-prod",
        owned=True,
        project_policy=project_policy,
    )
    assert public.id == bucket_id("acme-ml-artifacts")
    assert public.attributes["public"] is True
    assert public.attributes["versioning"] == "Disabled"
    writers = public.attributes["write_principals"]
    assert service_account_id("vertex-serving@acme-ml-prod.iam.gserviceaccount.com") in writers
    assert service_account_id(DEFAULT_SA) in writers  # roles/editor on the project
    private = storage.to_bucket(
        buckets["acme-ml-models-secure"],
        load("storage_bucket_iam_private"),
        account="acme-ml-prod",
        owned=True,
    )
    assert private.attributes["public"] is False
    assert private.attributes["encryption"]["algorithm"] == "CMEK"
    assert private.attributes["versioning"] == "Enabled"
    acl = storage.to_bucket(buckets["acme-rag-corpus"], {}, account="p", owned=True)
    assert acl.attributes["public"] is True  # fine-grained ACL to allAuthenticatedUsers
    unread = storage.to_bucket(buckets["acme-rag-corpus"], None, account="p", owned=True)
    assert "public" not in unread.attributes and "write_principals" not in unread.attributes


def test_project_posture_transforms():
    assert posture.effective(load("orgpolicy_effective_enforced"))["enforced"] is True
    cmek = posture.effective(load("orgpolicy_effective_list"))
    assert "aiplatform.googleapis.com" in cmek["denied_values"] and not cmek["allow_all"]
    assert posture.effective({"name": "projects/1/policies/x"})["allow_all"] is True
    armor = posture.floor_setting(load("modelarmor_floorsetting"))
    assert armor["inspect_and_block"] and armor["integrated_services"] == ["AI_PLATFORM"]
    keys = [posture.api_key(k) for k in load("apikeys_keys")["keys"]]
    assert keys[0]["api_targets"] == [] and keys[1]["application_restricted"] is True
    secure = Project(id="acme-ml-secure", number="412345678902")
    perimeters = load("accesscontextmanager_perimeters")["servicePerimeters"]
    assert posture.perimeters_of(secure, perimeters)[0]["restricted_services"][0] == (
        "aiplatform.googleapis.com"
    )
    assert posture.perimeters_of(PROD, perimeters) == []


def test_repository_and_image_references():
    ref = repository_of("us-central1-docker.pkg.dev/acme-ml-prod/serving/tgi@sha256:" + "a" * 64)
    assert ref is not None and ref.repository == "serving" and ref.location == "us-central1"
    assert repository_of("gcr.io/acme-ml-prod/trainer:1") is not None
    assert repository_of("ghcr.io/huggingface/tgi:2") is None
    repo = artifactregistry.to_repository(load("artifactregistry_repository"), {}, ref, ["x"])
    assert repo.kind is AssetKind.CONTAINER_REGISTRY
    assert repo.attributes["immutable_tags"] is True and repo.attributes["public"] is False


def test_bucket_keeps_its_own_bindings_for_the_graph():
    buckets = {b["name"]: b for b in load("storage_buckets")["items"]}
    policy = load("storage_bucket_iam_public")
    policy = {
        **policy,
        "bindings": [
            *policy["bindings"],
            {"role": "roles/x", "members": ["allUsers"], "condition": {"expression": "true"}},
        ],
    }
    made = storage.to_bucket(buckets["acme-ml-artifacts"], policy, account="p", owned=True)
    bindings = made.facts.iam_bindings
    assert bindings["roles/storage.objectViewer"] == ("allUsers",)
    assert bindings["roles/storage.objectAdmin"] == (
        "serviceAccount:vertex-serving@acme-ml-prod.iam.gserviceaccount.com",
    )
    assert "roles/x" not in bindings and made.facts.conditional_bindings == 1
    unread_policy = storage.to_bucket(buckets["acme-ml-artifacts"], None, account="p", owned=True)
    assert "iam_bindings" not in unread_policy.attributes


def test_service_account_project_roles_include_inherited_ones():
    from aiscan.collectors.gcp import iam
    from aiscan.collectors.gcp.context import References

    refs = References()
    member = "serviceAccount:a@p1.iam.gserviceaccount.com"
    refs.project_policies["p1"] = {
        "bindings": [{"role": "roles/aiplatform.user", "members": [member]}]
    }
    refs.project_policies["p2"] = {"bindings": []}
    refs.ancestors = {"p1": ["folders/9", "organizations/1"], "p2": ["organizations/1"]}
    refs.ancestor_policies = {
        "folders/9": {"bindings": [{"role": "roles/storage.objectAdmin", "members": [member]}]},
        "organizations/1": {"bindings": [{"role": "roles/viewer", "members": [member]}]},
    }
    facts = iam.role_facts("a@p1.iam.gserviceaccount.com", refs)
    assert facts["project_roles"] == {
        "p1": ["roles/aiplatform.user", "roles/storage.objectAdmin", "roles/viewer"],
        "p2": ["roles/viewer"],
    }
