"""The real GCP collector (google-auth AuthorizedSession over requests) against the local fake of
Google's REST APIs loaded with the example estate, reached through AISCAN_GCP_ENDPOINT."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from aiscan.collectors.base import CollectorConfigError, NullProgress, Scope
from aiscan.collectors.gcp import GcpCollector
from aiscan.collectors.settings import GcpSettings
from aiscan.core.inventory import Inventory, InventoryBuilder
from aiscan.core.model import AssetKind, CoverageStatus, RelationType
from aiscan.demo.gcp import DEMO_TOKEN, GcpFake, load_estate

P1 = "//aiplatform.googleapis.com/projects/412345678901/locations"
UC = f"{P1}/us-central1"
EU = f"{P1}/europe-west4"
SU = "//aiplatform.googleapis.com/projects/412345678902/locations/us-central1"
SA = "//iam.googleapis.com/projects/-/serviceAccounts/"
BUCKET = "//storage.googleapis.com/projects/_/buckets/"
AR = "//artifactregistry.googleapis.com/projects/"

EXPECTED = {
    (AssetKind.MODEL, f"{UC}/models/1201"),
    (AssetKind.MODEL, f"{UC}/models/1201@1"),
    (AssetKind.MODEL, f"{UC}/models/1202"),
    (AssetKind.MODEL, f"{UC}/models/1203"),
    (AssetKind.MODEL, f"{UC}/models/1204"),
    (AssetKind.MODEL, f"{EU}/models/2201"),
    (AssetKind.MODEL, f"{SU}/models/3201"),
    (AssetKind.ENDPOINT, f"{UC}/endpoints/3001"),
    (AssetKind.ENDPOINT, f"{UC}/endpoints/3002"),
    (AssetKind.ENDPOINT, f"{UC}/endpoints/3003"),
    (AssetKind.ENDPOINT, f"{UC}/endpoints/3004"),
    (AssetKind.ENDPOINT, f"{EU}/endpoints/3101"),
    (AssetKind.ENDPOINT, f"{SU}/endpoints/3301"),
    (AssetKind.TRAINING_JOB, f"{UC}/customJobs/5001"),
    (AssetKind.TRAINING_JOB, f"{UC}/customJobs/5002"),
    (AssetKind.TRAINING_JOB, f"{UC}/trainingPipelines/7001"),
    (AssetKind.TRAINING_JOB, f"{UC}/tuningJobs/8001"),
    (AssetKind.PIPELINE, f"{UC}/pipelineJobs/nightly-eval-20260301"),
    (AssetKind.PIPELINE, f"{UC}/pipelineJobs/nightly-eval-secure-20260301"),
    (AssetKind.DATASET, f"{UC}/datasets/4001"),
    (AssetKind.DATASET, f"{UC}/featureOnlineStores/fraud_features"),
    (AssetKind.DATASET, f"{UC}/featurestores/customer_features"),
    (AssetKind.KNOWLEDGE_BASE, f"{UC}/indexes/6001"),
    (AssetKind.KNOWLEDGE_BASE, f"{UC}/indexEndpoints/6101"),
    (AssetKind.KNOWLEDGE_BASE, f"{UC}/indexEndpoints/6102"),
    (AssetKind.NOTEBOOK, f"{UC}/notebookRuntimeTemplates/7101"),
    (AssetKind.NOTEBOOK, f"{UC}/notebookRuntimeTemplates/7102"),
    (AssetKind.NOTEBOOK, f"{UC}/notebookRuntimes/7201"),
    (
        AssetKind.NOTEBOOK,
        "//notebooks.googleapis.com/projects/acme-ml-prod/locations/us-central1-a/instances/"
        "research-wb",
    ),
    (
        AssetKind.NOTEBOOK,
        "//notebooks.googleapis.com/projects/acme-ml-prod/locations/europe-west4-a/instances/"
        "secure-wb",
    ),
    (
        AssetKind.GPU_COMPUTE,
        "//compute.googleapis.com/projects/acme-ml-prod/zones/us-central1-a/instances/"
        "llm-inference-gpu",
    ),
    (
        AssetKind.GPU_COMPUTE,
        "//compute.googleapis.com/projects/acme-ml-prod/zones/us-central1-a/instances/"
        "llm-inference-gpu-hardened",
    ),
    (
        AssetKind.GPU_COMPUTE,
        "//compute.googleapis.com/projects/acme-ml-prod/zones/us-central1-b/instances/"
        "batch-gpu-private",
    ),
    (
        AssetKind.GPU_COMPUTE,
        "//container.googleapis.com/projects/acme-ml-prod/locations/us-central1/clusters/"
        "ml-cluster/nodePools/gpu-pool",
    ),
    (
        AssetKind.GPU_COMPUTE,
        "//container.googleapis.com/projects/acme-ml-prod/locations/us-central1/clusters/"
        "ml-cluster/nodePools/tpu-pool",
    ),
    (
        AssetKind.GPU_COMPUTE,
        "//container.googleapis.com/projects/acme-ml-prod/locations/us-central1/clusters/"
        "gpu-sandbox/nodePools/gpu-weak",
    ),
    (AssetKind.BUCKET, f"{BUCKET}acme-ml-artifacts"),
    (AssetKind.BUCKET, f"{BUCKET}acme-ml-models-secure"),
    (AssetKind.BUCKET, f"{BUCKET}acme-ml-pipelines"),
    (AssetKind.BUCKET, f"{BUCKET}acme-rag-corpus"),
    (AssetKind.BUCKET, f"{BUCKET}acme-training-data"),
    (AssetKind.BUCKET, f"{BUCKET}acme-secure-models"),
    (AssetKind.CONTAINER_REGISTRY, f"{AR}acme-ml-prod/locations/us-central1/repositories/serving"),
    (AssetKind.CONTAINER_REGISTRY, f"{AR}acme-ml-prod/locations/us-central1/repositories/training"),
    (
        AssetKind.CONTAINER_REGISTRY,
        f"{AR}acme-ml-prod/locations/europe-west4/repositories/serving-eu",
    ),
    (
        AssetKind.CONTAINER_REGISTRY,
        f"{AR}acme-ml-secure/locations/us-central1/repositories/serving",
    ),
    (AssetKind.IDENTITY, f"{SA}412345678901-compute@developer.gserviceaccount.com"),
    (AssetKind.IDENTITY, f"{SA}ml-trainer@acme-ml-prod.iam.gserviceaccount.com"),
    (AssetKind.IDENTITY, f"{SA}pipelines@acme-ml-prod.iam.gserviceaccount.com"),
    (AssetKind.IDENTITY, f"{SA}vertex-serving@acme-ml-prod.iam.gserviceaccount.com"),
    (AssetKind.IDENTITY, f"{SA}vertex-training@acme-ml-prod.iam.gserviceaccount.com"),
    (AssetKind.IDENTITY, f"{SA}workbench@acme-ml-prod.iam.gserviceaccount.com"),
    (AssetKind.IDENTITY, f"{SA}vertex-serving@acme-ml-secure.iam.gserviceaccount.com"),
    (
        AssetKind.LLM_SERVICE,
        "//serviceusage.googleapis.com/projects/412345678901/services/aiplatform.googleapis.com",
    ),
    (
        AssetKind.LLM_SERVICE,
        "//serviceusage.googleapis.com/projects/412345678902/services/aiplatform.googleapis.com",
    ),
}


def run_collector(fake: GcpFake, env: pytest.MonkeyPatch, **scope: Any) -> Inventory:
    env.setenv("AISCAN_GCP_ENDPOINT", fake.url)
    env.setenv("AISCAN_GCP_TOKEN", DEMO_TOKEN)
    sink = InventoryBuilder()
    settings = GcpSettings.from_environ(os.environ).model_copy(update={"backoff": 0.001})
    GcpCollector(settings=settings).collect(Scope(**scope), sink, NullProgress())
    return sink.build()


def coverage(inv: Inventory) -> dict[tuple[str, str, str], Any]:
    return {(c.account, c.region, c.service): c for c in inv.coverage}


@pytest.fixture(scope="module")
def estate_scan() -> Iterator[tuple[Inventory, GcpFake]]:
    with GcpFake(page_size=2) as fake, pytest.MonkeyPatch.context() as env:
        yield run_collector(fake, env), fake


def test_every_ai_asset_by_full_resource_name_and_kind(estate_scan):
    inv, _ = estate_scan
    assert {(a.kind, a.id) for a in inv.assets} == EXPECTED
    assert all(a.cloud.value == "gcp" for a in inv.assets)
    prod = [a for a in inv.assets if a.id.startswith(P1)]
    assert {a.account for a in prod} == {"acme-ml-prod"}


def test_unrelated_resources_are_not_assets(estate_scan):
    inv, _ = estate_scan
    ids = " ".join(a.id for a in inv.assets)
    for unrelated in (
        "web-frontend",
        "www-1",
        "acme-website-assets",
        "acme-web-static",
        "default-pool",
        "acme-web/",
    ):
        assert unrelated not in ids


def test_relations_tie_the_estate_together(estate_scan):
    inv, _ = estate_scan
    rels = {(r.source, r.type, r.target) for r in inv.relations}
    serving = f"{SA}vertex-serving@acme-ml-prod.iam.gserviceaccount.com"
    assert (f"{UC}/endpoints/3001", RelationType.SERVES, f"{UC}/models/1201") in rels
    assert (f"{UC}/models/1201", RelationType.RUNS_AS, serving) in rels
    assert (
        f"{UC}/models/1201",
        RelationType.STORES_ARTIFACT_IN,
        f"{BUCKET}acme-ml-artifacts",
    ) in rels
    assert (f"{UC}/models/1201", RelationType.PRODUCED_BY, f"{UC}/trainingPipelines/7001") in rels
    assert (f"{UC}/models/1201@1", RelationType.VERSION_OF, f"{UC}/models/1201") in rels
    assert (f"{UC}/models/1204", RelationType.PRODUCED_BY, f"{UC}/tuningJobs/8001") in rels
    assert (
        f"{UC}/customJobs/5001",
        RelationType.PULLS_IMAGE,
        f"{AR}acme-ml-prod/locations/us-central1/repositories/training",
    ) in rels
    assert (f"{UC}/indexEndpoints/6101", RelationType.SERVES, f"{UC}/indexes/6001") in rels
    assert (f"{UC}/indexes/6001", RelationType.READS_DATA_FROM, f"{BUCKET}acme-rag-corpus") in rels
    assert (
        f"{UC}/trainingPipelines/7001",
        RelationType.READS_DATA_FROM,
        f"{UC}/datasets/4001",
    ) in (rels)


def test_coverage_per_project_location_and_service(estate_scan):
    inv, _ = estate_scan
    cov = coverage(inv)
    # the Vertex AI locations come from the API: asia-northeast1 is read although it is empty
    for loc in ("us-central1", "europe-west4", "asia-northeast1"):
        assert cov[("acme-ml-prod", loc, "aiplatform")].status is CoverageStatus.OK
    assert cov[("acme-ml-prod", "us-central1", "aiplatform")].assets == 24
    assert ("acme-ml-secure", "asia-northeast1", "aiplatform") not in cov
    assert cov[("acme-web", "global", "aiplatform")].status is CoverageStatus.SKIPPED
    assert cov[("acme-web", "global", "compute")].status is CoverageStatus.OK
    assert ("acme-web", "global", "modelarmor") not in cov  # no Vertex AI: no project posture
    for svc in (
        "notebooks",
        "compute",
        "container",
        "storage",
        "iam",
        "artifactregistry",
        "resourcemanager",
        "orgpolicy",
        "modelarmor",
        "apikeys",
        "accesscontextmanager",
    ):
        assert cov[("acme-ml-prod", "global", svc)].status is CoverageStatus.OK, svc
    assert not [c for c in inv.coverage if c.status.incomplete]


def test_attributes_rules_rely_on(estate_scan):
    inv, _ = estate_scan
    default = inv.get(f"{SA}412345678901-compute@developer.gserviceaccount.com")
    assert default is not None
    assert default.attributes["default_service_account"] is True
    assert default.attributes["full_access_policies"] == ["roles/editor"]
    assert default.attributes["policies_complete"] is True
    bucket = inv.get(f"{BUCKET}acme-ml-artifacts")
    assert bucket is not None and bucket.attributes["public"] is True
    service = inv.get(
        "//serviceusage.googleapis.com/projects/412345678902/services/aiplatform.googleapis.com"
    )
    assert service is not None
    a = service.attributes
    assert a["audit_log_types"] == ["ADMIN_READ", "DATA_READ", "DATA_WRITE"]
    assert a["org_policies"]["ainotebooks.disableRootAccess"]["enforced"] is True
    # the Compute Engine guardrails are read too: enforced in the hardened project ...
    assert a["org_policies"]["compute.requireOsLogin"]["enforced"] is True
    assert a["org_policies"]["compute.vmExternalIpAccess"]["deny_all"] is True
    assert a["vpc_sc"]["perimeters"][0]["title"] == "ml_secure"
    assert a["model_armor"]["inspect_and_block"] is True
    prod = inv.get(
        "//serviceusage.googleapis.com/projects/412345678901/services/aiplatform.googleapis.com"
    )
    assert prod is not None and prod.attributes["model_armor"] == {"api_enabled": False}
    # ... and left to Google's defaults (nothing enforced, every VM may get an external IP) here.
    policies = prod.attributes["org_policies"]
    assert policies["compute.requireShieldedVm"]["enforced"] is False
    assert policies["compute.vmExternalIpAccess"]["allow_all"] is True


def test_no_secret_value_leaves_the_collector(estate_scan):
    inv, _ = estate_scan
    dumped = json.dumps([a.model_dump(mode="json") for a in inv.assets])
    for secret in ("hf_Q7x", "hf_Z9y", "sk-proj-a1B2", "0123456789abcdef0123456789abcdef01234567"):
        assert secret not in dumped


def test_only_reads_were_sent(estate_scan):
    _, fake = estate_scan
    assert fake.writes == []
    posts = {k for k in fake.requests if k.startswith("POST")}
    assert posts and all(k.endswith(":getIamPolicy") for k in posts)


def test_denied_project_shows_in_coverage_and_the_rest_is_read(monkeypatch):
    with GcpFake() as fake:
        fake.deny_project("acme-ml-secure")
        inv = run_collector(fake, monkeypatch)
    cov = coverage(inv)
    assert cov[("acme-ml-secure", "global", "aiplatform")].status is CoverageStatus.DENIED
    assert cov[("acme-ml-secure", "global", "resourcemanager")].status is CoverageStatus.DENIED
    assert "PERMISSION_DENIED" in cov[("acme-ml-secure", "global", "aiplatform")].message
    assert inv.get(f"{UC}/endpoints/3002") is not None
    assert inv.get(f"{SU}/endpoints/3301") is None


def test_throttling_and_unavailability_are_retried(monkeypatch):
    with GcpFake(page_size=1) as fake:
        path = "/v1/projects/acme-ml-prod/locations/us-central1/endpoints"
        fake.fault(path, 429, 503, 503)
        fake.fault("/v3/projects:search", 503)
        inv = run_collector(fake, monkeypatch)
        assert fake.requests[f"GET {path}"] == 3 + 4  # three faults, then four pages
    assert inv.get(f"{UC}/endpoints/3004") is not None
    assert not [c for c in inv.coverage if c.status.incomplete]


def test_retries_exhausted_is_an_error_for_that_scope_only(monkeypatch):
    with GcpFake() as fake:
        fake.fault("/v1/projects/acme-ml-prod/locations/us-central1/endpoints", *[503] * 5)
        inv = run_collector(fake, monkeypatch)
    cov = coverage(inv)
    bad = cov[("acme-ml-prod", "us-central1", "aiplatform")]
    assert bad.status is CoverageStatus.ERROR and "503" in bad.message
    assert inv.get(f"{UC}/customJobs/5001") is not None  # the other families were still read


def test_project_option_restricts_and_a_missing_project_is_reported(monkeypatch):
    with GcpFake() as fake:
        inv = run_collector(fake, monkeypatch, options={"projects": ("acme-ml-secure", "nope")})
    assert {a.account for a in inv.assets} <= {"acme-ml-secure", "unknown"}
    assert inv.get(f"{SU}/endpoints/3301") is not None
    assert coverage(inv)[("nope", "global", "resourcemanager")].status is CoverageStatus.ERROR


def test_organization_option_widens_through_cloud_asset_then_the_folder_tree(monkeypatch):
    estate = load_estate()
    with GcpFake(estate) as fake:
        inv = run_collector(fake, monkeypatch, options={"organization": "815245119412"})
        assert fake.requests["GET /v1/organizations/815245119412:searchAllResources"] == 1
    assert {c.account for c in inv.coverage} == {"acme-ml-prod", "acme-ml-secure", "acme-web"}
    # without Cloud Asset, the folder tree gives the same projects
    search = estate["lists"].pop("/v1/organizations/815245119412:searchAllResources")
    projects = {p["projectId"]: p for p in estate["lists"]["/v3/projects:search"]["items"]}
    estate["lists"]["/v3/projects?parent=organizations/815245119412"] = {
        "key": "projects",
        "items": [projects["acme-web"]],
    }
    estate["lists"]["/v3/projects?parent=folders/302123456789"] = {
        "key": "projects",
        "items": [projects["acme-ml-prod"], projects["acme-ml-secure"]],
    }
    estate["lists"]["/v3/folders?parent=organizations/815245119412"] = {
        "key": "folders",
        "items": [{"name": "folders/302123456789", "state": "ACTIVE"}],
    }
    estate["disabled"]["/v1/organizations/815245119412:searchAllResources"] = "cloudasset"
    assert search
    with GcpFake(estate) as fake:
        inv = run_collector(fake, monkeypatch, options={"organization": "815245119412"})
    assert {c.account for c in inv.coverage} == {"acme-ml-prod", "acme-ml-secure", "acme-web"}


def test_regions_and_services_options(monkeypatch):
    with GcpFake() as fake:
        inv = run_collector(
            fake, monkeypatch, regions=("europe-west4",), services=("aiplatform", "notebooks")
        )
    kinds_ids = {(a.kind, a.id.rsplit("/", 1)[-1]) for a in inv.assets}
    assert (AssetKind.ENDPOINT, "3101") in kinds_ids
    assert (AssetKind.NOTEBOOK, "secure-wb") in kinds_ids
    assert (AssetKind.NOTEBOOK, "research-wb") not in kinds_ids
    assert not [a for a in inv.assets if a.region == "us-central1"]
    assert {c.service for c in inv.coverage} == {"aiplatform", "notebooks"}
    with pytest.raises(CollectorConfigError, match="unknown Google Cloud service"):
        GcpCollector().collect(Scope(services=("bogus",)), InventoryBuilder(), NullProgress())


def test_a_wrong_token_is_denied(monkeypatch):
    with GcpFake(token="the-right-one") as fake:
        inv = run_collector(fake, monkeypatch)
    (cov,) = inv.coverage
    assert cov.status is CoverageStatus.DENIED and "401" in cov.message


def test_detect_uses_local_signals_only(tmp_path):
    assert GcpCollector.detect({"AISCAN_GCP_TOKEN": "t"}) == "AISCAN_GCP_TOKEN is set"
    assert GcpCollector.detect({"HOME": str(tmp_path)}) is None
    adc = tmp_path / ".config" / "gcloud" / "application_default_credentials.json"
    adc.parent.mkdir(parents=True)
    adc.write_text("{}")
    assert "application_default_credentials.json" in (
        GcpCollector.detect({"HOME": str(tmp_path)}) or ""
    )
    key = tmp_path / "key.json"
    key.write_text("{}")
    assert GcpCollector.detect({"GOOGLE_APPLICATION_CREDENTIALS": str(key)})


def test_scanning_only_aws_imports_no_google_library():
    code = (
        "import sys\n"
        "from moto import mock_aws\n"
        "from aiscan.collectors.base import Scope\n"
        "from aiscan.scan import ScanRequest, choose_clouds, run\n"
        "import os\n"
        "choose_clouds((), dict(os.environ))  # loads every collector to detect credentials\n"
        "with mock_aws():\n"
        "    result = run(ScanRequest(clouds=('aws',), scope=Scope(regions=('us-east-1',),"
        " services=('sagemaker', 's3'))))\n"
        "assert result.coverage\n"
        "print('GOOGLE', sorted(m for m in sys.modules if m.split('.')[0] == 'google'))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AISCAN_GCP", "GOOGLE_"))}
    env["CLOUDSDK_CONFIG"] = "/nonexistent"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "GOOGLE []" in out.stdout


def test_without_iam_policies_no_identity_claims_complete_policies(monkeypatch):
    with GcpFake() as fake:
        inv = run_collector(fake, monkeypatch, services=("aiplatform", "iam"))
    identities = [a for a in inv.assets if a.kind is AssetKind.IDENTITY]
    assert identities
    assert all(a.attributes["policies_complete"] is False for a in identities)


def test_workbench_unreachable_locations_and_one_firewall_read(monkeypatch):
    path = "/v2/projects/acme-ml-prod/locations/-/instances"
    with GcpFake() as fake:
        listing = fake.lists.pop(path)
        unreachable = "projects/acme-ml-prod/locations/asia-east1-b"
        fake.objects[path] = {"instances": listing["items"], "unreachable": [unreachable]}
        inv = run_collector(fake, monkeypatch, services=("notebooks", "compute"))
        # two GPU VMs have an external address: the project's rules are still read once
        assert fake.requests["GET /compute/v1/projects/acme-ml-prod/global/firewalls"] == 1
    cov = coverage(inv)[("acme-ml-prod", "global", "notebooks")]
    assert cov.status is CoverageStatus.ERROR
    assert f"locations unreachable: {unreachable}" in cov.message
    names = {a.name for a in inv.assets if a.kind is AssetKind.NOTEBOOK}
    assert names == {"research-wb", "secure-wb"}  # what was reachable is still read
    exposed = inv.get(
        "//compute.googleapis.com/projects/acme-ml-prod/zones/us-central1-a/instances/"
        "llm-inference-gpu"
    )
    assert exposed is not None and exposed.attributes["internet_open_ports"]


def test_regions_select_vm_zones(monkeypatch):
    with GcpFake() as fake:
        inv = run_collector(fake, monkeypatch, regions=("us-central1",), services=("compute",))
        assert fake.requests["GET /compute/v1/projects/acme-ml-prod/global/firewalls"] == 1
    zones = {a.region for a in inv.assets}
    assert zones == {"us-central1-a", "us-central1-b"}
    with GcpFake() as fake:
        inv = run_collector(fake, monkeypatch, regions=("europe-west4",), services=("compute",))
        assert fake.requests["GET /compute/v1/projects/acme-ml-prod/global/firewalls"] == 0
    assert not inv.assets


def test_the_collector_is_named_and_installed_after_its_cloud():
    assert (GcpCollector.name, GcpCollector.extra) == ("gcp", "gcp")
