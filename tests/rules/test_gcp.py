"""GCP rule pack: every GCP-WB-* and GCP-VAI-* rule on a failing and a passing asset. Assets carry
their real resource types: the facts model a rule names decides which types it judges, so an asset
of another type is simply not evaluated."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from aiscan.collectors.gcp import artifactregistry, compute, posture, workbench
from aiscan.collectors.gcp import vertex as vertex_ai
from aiscan.collectors.gcp.context import Project, References
from aiscan.collectors.gcp.names import RepositoryRef
from aiscan.core.engine import evaluate
from aiscan.core.graph import hub_node
from aiscan.core.graph.build import build_graph
from aiscan.core.model import AssetKind, Category, Cloud, ResultStatus, Severity
from aiscan.rules import exposure, gcp, paths, supply_chain
from aiscan.rules import gcp_compute as ce
from tests.factories import asset, failing_ids, inventory, rel, run, statuses

WB = "notebooks.googleapis.com/Instance"
SVC = "serviceusage.googleapis.com/Service"
SA = "iam.googleapis.com/ServiceAccount"
V = "aiplatform.googleapis.com/"
RUNTIME_TEMPLATE = V + "NotebookRuntimeTemplate"


def wb(id_: str, **attrs: Any):
    return asset("notebook", id_, cloud=Cloud.GCP, service="notebooks", type=WB, **attrs)


def vertex(kind: str, id_: str, type_: str, **attrs: Any):
    """A Vertex AI asset; `type_` is the resource type without aiplatform.googleapis.com/."""
    return asset(kind, id_, cloud=Cloud.GCP, service="aiplatform", type=V + type_, **attrs)


def account(id_: str, **attrs: Any):
    return asset("identity", id_, cloud=Cloud.GCP, service="iam", type=SA, **attrs)


def project(id_: str, **attrs: Any):
    return asset("llm-service", id_, cloud=Cloud.GCP, service="aiplatform", type=SVC, **attrs)


GOOD_WB = {
    "external_ip": False,
    "root_access": False,
    "file_downloads": False,
    "terminal": False,
    "upgrade_schedule": "00 19 * * SAT",
    "default_service_account": False,
    "service_account": "wb@p.iam.gserviceaccount.com",
    "boot_disk_cmek": True,
    "data_disks_cmek": True,
    "secure_boot": True,
    "vtpm": True,
    "integrity_monitoring": True,
}


def wb_pair(**bad: Any):
    return inventory([wb("good", **GOOD_WB), wb("bad", **{**GOOD_WB, **bad}), wb("unread")])


def test_gcp_wb_001_public_ip():
    inv = wb_pair(external_ip=True)
    assert failing_ids(gcp.workbench_public_ip, inv) == {"bad"}
    assert statuses(gcp.workbench_public_ip, inv)["unread"] is ResultStatus.MANUAL


def test_gcp_wb_002_root():
    assert failing_ids(gcp.workbench_root, wb_pair(root_access=True)) == {"bad"}


def test_gcp_wb_003_downloads_terminal_upgrades():
    assert failing_ids(gcp.workbench_downloads_terminal, wb_pair(terminal=True)) == {"bad"}
    (finding,) = run(gcp.workbench_downloads_terminal, wb_pair(upgrade_schedule=None))
    assert "no auto-upgrade schedule" in finding.message


def test_gcp_wb_004_default_service_account():
    inv = wb_pair(default_service_account=True)
    assert failing_ids(gcp.workbench_default_sa, inv) == {"bad"}


def test_gcp_wb_005_cmek():
    assert failing_ids(gcp.workbench_cmek, wb_pair(data_disks_cmek=False)) == {"bad"}


def test_gcp_wb_006_shielded_vm():
    (finding,) = run(gcp.workbench_shielded, wb_pair(vtpm=False))
    assert finding.asset_id == "bad" and finding.severity is Severity.LOW


def test_workbench_rules_ignore_colab_runtimes():
    inv = inventory([vertex("notebook", "colab", "NotebookRuntimeTemplate", internet_access=True)])
    for rule_fn in (gcp.workbench_public_ip, gcp.workbench_shielded, gcp.workbench_default_sa):
        assert statuses(rule_fn, inv) == {}  # not a Workbench instance: not evaluated


def test_workbench_manual_names_the_facts_that_were_not_read():
    inv = inventory([wb("partial", secure_boot=True)])
    (evaluation,) = evaluate(inv, [gcp.workbench_shielded]).evaluations
    assert evaluation.reason == "not read: vtpm, integrity_monitoring"


def test_a_renamed_fact_is_refused_not_silently_unread():
    with pytest.raises(ValidationError, match="extrnal_ip"):
        wb("typo", extrnal_ip=True)
    with pytest.raises(ValidationError, match="org_policies"):
        project("typo", org_policies={"vertexai.allowedModels": {"enforced": "maybe"}})


ENFORCED = {
    "enforced": True,
    "allow_all": False,
    "deny_all": False,
    "allowed_values": [],
    "denied_values": [],
}
DEFAULT = {
    "enforced": False,
    "allow_all": True,
    "deny_all": False,
    "allowed_values": [],
    "denied_values": [],
}


def org(**overrides: dict[str, Any]) -> dict[str, Any]:
    base = dict.fromkeys(gcp.NOTEBOOK_BOOLEAN_CONSTRAINTS, ENFORCED)
    base["ainotebooks.restrictVpcNetworks"] = {
        **DEFAULT,
        "allow_all": False,
        "allowed_values": ["projects/p/global/networks/v"],
    }
    base["vertexai.allowedModels"] = {
        **DEFAULT,
        "allow_all": False,
        "allowed_values": ["publishers/google/models/gemini:predict"],
    }
    base["gcp.restrictNonCmekServices"] = {
        **DEFAULT,
        "allow_all": False,
        "denied_values": ["aiplatform.googleapis.com"],
    }
    base.update(overrides)
    return base


def test_gcp_vai_001_notebook_org_policies():
    inv = inventory(
        [
            project("good", org_policies=org()),
            project("bad", org_policies=org(**{"ainotebooks.disableTerminal": DEFAULT})),
            project("unread"),
        ]
    )
    assert failing_ids(gcp.notebook_org_policies, inv) == {"bad"}
    assert statuses(gcp.notebook_org_policies, inv)["unread"] is ResultStatus.MANUAL


def test_gcp_vai_002_model_allow_list():
    inv = inventory(
        [
            project("good", org_policies=org()),
            project("bad", org_policies=org(**{"vertexai.allowedModels": DEFAULT})),
        ]
    )
    assert failing_ids(gcp.model_allow_list, inv) == {"bad"}


def test_gcp_vai_003_vpc_service_controls():
    inside = {
        "name": "p/1",
        "title": "ml",
        "restricted_services": ["aiplatform.googleapis.com"],
        "dry_run": False,
    }
    inv = inventory(
        [
            project("good", vpc_sc={"organization": "1", "perimeters": [inside]}),
            project(
                "dry", vpc_sc={"organization": "1", "perimeters": [{**inside, "dry_run": True}]}
            ),
            project("no-org", vpc_sc={"organization": None, "perimeters": []}),
            project("unread"),
        ]
    )
    assert failing_ids(gcp.vpc_service_controls, inv) == {"dry", "no-org"}
    assert statuses(gcp.vpc_service_controls, inv)["unread"] is ResultStatus.MANUAL


def test_gcp_vai_004_cmek():
    inv = inventory(
        [
            vertex(
                "endpoint",
                "good",
                "Endpoint",
                kms_key="projects/p/locations/l/keyRings/r/cryptoKeys/k",
            ),
            vertex("model", "bad", "Model", kms_key=None),
            vertex("dataset", "store", "FeatureOnlineStore", kms_key=None),
            vertex("training-job", "tuning", "TuningJob", kms_key=None, job_type="tuning"),
            vertex("training-job", "unread", "CustomJob"),
            project("policy-good", org_policies=org()),
            project("policy-bad", org_policies=org(**{"gcp.restrictNonCmekServices": DEFAULT})),
        ]
    )
    assert failing_ids(gcp.vertex_cmek, inv) == {"bad", "store", "policy-bad"}
    st = statuses(gcp.vertex_cmek, inv)
    assert "tuning" not in st  # tuning jobs are out of scope: never evaluated
    assert st["unread"] is ResultStatus.MANUAL
    (finding,) = run(gcp.vertex_cmek, inventory([inv.get("policy-bad")]))
    assert finding.evidence == {"policy": DEFAULT}


def test_gcp_vai_005_public_endpoint():
    inv = inventory(
        [
            vertex(
                "endpoint", "good", "Endpoint", public_network=False, private_service_connect=True
            ),
            vertex("endpoint", "bad", "Endpoint", public_network=True, network=None),
            vertex("knowledge-base", "index-ep", "IndexEndpoint", public_network=True),
            vertex("knowledge-base", "index", "Index", vectors=10),
            vertex(
                "dataset",
                "online-store",
                "FeatureOnlineStore",
                public_network=True,
                private_service_connect=False,
                endpoint_url="https://1.us-central1-1.featurestore.vertexai.goog",
            ),
        ]
    )
    assert failing_ids(gcp.public_endpoint, inv) == {"bad", "index-ep", "online-store"}
    assert "index" not in statuses(gcp.public_endpoint, inv)
    store = next(f for f in run(gcp.public_endpoint, inv) if f.asset_id == "online-store")
    assert store.evidence == {
        "endpoint_url": "https://1.us-central1-1.featurestore.vertexai.goog",
        "network": None,
        "private_service_connect": False,
    }


def test_gcp_vai_006_default_or_shared_identity():
    default = (
        "//iam.googleapis.com/projects/-/serviceAccounts/1-compute@developer.gserviceaccount.com"
    )
    dedicated = "//iam.googleapis.com/projects/-/serviceAccounts/serving@p.iam.gserviceaccount.com"
    inv = inventory(
        [
            account(default, default_service_account=True),
            account(dedicated, default_service_account=False),
            vertex(
                "endpoint",
                "ep-good",
                "Endpoint",
                deployed_models=[{"id": "1", "service_account": "s@p"}],
            ),
            vertex(
                "endpoint",
                "ep-shared",
                "Endpoint",
                deployed_models=[{"id": "2", "service_account": ""}],
            ),
            vertex("training-job", "job-shared", "CustomJob", service_account=""),
            vertex(
                "pipeline",
                "pipe-good",
                "PipelineJob",
                service_account="pipe@p.iam.gserviceaccount.com",
            ),
            vertex("training-job", "automl", "TrainingPipeline", job_type="training-pipeline"),
            vertex("training-job", "tuning", "TuningJob", service_account="", job_type="tuning"),
        ],
        [rel("vm", "runs-as", default)],
    )
    findings = {f.asset_id: f for f in run(gcp.default_identity, inv)}
    assert set(findings) == {default, "ep-shared", "job-shared"}
    st = statuses(gcp.default_identity, inv)
    assert st["automl"] is ResultStatus.NOT_APPLICABLE  # no customer code, no identity of its own
    assert "tuning" not in st  # runs as Google's service agent by design: out of scope
    assert findings[default].severity is Severity.HIGH
    assert findings[default].evidence["used_by"] == ["vm"]
    assert findings["ep-shared"].severity is Severity.MEDIUM


def test_gcp_vai_007_job_network():
    inv = inventory(
        [
            vertex("training-job", "good", "CustomJob", vpc=True, web_access=False),
            vertex("training-job", "web", "CustomJob", vpc=True, web_access=True),
            vertex("pipeline", "no-vpc", "PipelineJob", vpc=False, network=None),
            vertex("training-job", "automl", "TrainingPipeline"),
        ]
    )
    assert failing_ids(gcp.job_network, inv) == {"web", "no-vpc"}
    assert statuses(gcp.job_network, inv)["automl"] is ResultStatus.NOT_APPLICABLE
    pipeline = next(f for f in run(gcp.job_network, inv) if f.asset_id == "no-vpc")
    assert pipeline.evidence == {"network": None, "web_access": None}


TEMPLATE_RULES = {
    "internet_access": (gcp.runtime_template_internet, True, Category.NETWORK_EXPOSURE),
    "kms_key": (gcp.runtime_template_cmek, None, Category.ENCRYPTION),
    "secure_boot": (gcp.runtime_template_secure_boot, False, Category.COMPUTE_HARDENING),
    "idle_shutdown": (gcp.runtime_template_idle_shutdown, False, Category.GOVERNANCE),
}


@pytest.mark.parametrize("fact", sorted(TEMPLATE_RULES))
def test_gcp_vai_008_split_one_weakness_per_rule(fact):
    """The old bundle is four rules: each fails only on its own weakness, in its own category."""
    good = {"internet_access": False, "kms_key": "k", "secure_boot": True, "idle_shutdown": True}
    rule_fn, bad_value, category = TEMPLATE_RULES[fact]
    inv = inventory(
        [
            vertex("notebook", "good", "NotebookRuntimeTemplate", **good),
            vertex("notebook", "bad", "NotebookRuntimeTemplate", **{**good, fact: bad_value}),
            vertex("notebook", "runtime", "NotebookRuntime", **{**good, fact: bad_value}),
            vertex("notebook", "unread", "NotebookRuntimeTemplate"),
        ]
    )
    assert failing_ids(rule_fn, inv) == {"bad"}
    assert rule_fn.meta.category is category
    assert "runtime" not in statuses(rule_fn, inv)  # runtimes: not evaluated
    assert statuses(rule_fn, inv)["unread"] is ResultStatus.MANUAL
    others = [r for r, _, _ in TEMPLATE_RULES.values() if r is not rule_fn]
    for other in others:
        assert failing_ids(other, inv) == set(), other.meta.id


def test_gcp_vai_009_model_armor():
    good = {
        "api_enabled": True,
        "enforcement": True,
        "integrated_services": ["AI_PLATFORM"],
        "inspect_only": False,
        "inspect_and_block": True,
    }
    inv = inventory(
        [
            project("good", model_armor=good),
            project(
                "inspect-only",
                model_armor={**good, "inspect_only": True, "inspect_and_block": False},
            ),
            project("disabled", model_armor={"api_enabled": False}),
        ]
    )
    assert failing_ids(gcp.model_armor, inv) == {"inspect-only", "disabled"}
    disabled = next(f for f in run(gcp.model_armor, inv) if f.asset_id == "disabled")
    assert disabled.evidence == {"model_armor": {"api_enabled": False}}


def test_gcp_vai_010_api_keys():
    restricted = {
        "name": "k1",
        "api_targets": ["generativelanguage.googleapis.com"],
        "application_restricted": True,
    }
    inv = inventory(
        [
            project("good", api_keys=[restricted]),
            project(
                "open",
                api_keys=[{"name": "k2", "api_targets": [], "application_restricted": False}],
            ),
            project("gemini-anywhere", api_keys=[{**restricted, "application_restricted": False}]),
            project("none", api_keys=[]),
        ]
    )
    assert failing_ids(gcp.api_keys, inv) == {"open", "gemini-anywhere"}
    assert statuses(gcp.api_keys, inv)["none"] is ResultStatus.PASS
    (opened,) = (f for f in run(gcp.api_keys, inv) if f.asset_id == "open")
    assert opened.message == "key k2: no API restriction (can call the Gemini API)"
    assert opened.evidence == {
        "key": {"name": "k2", "api_targets": [], "application_restricted": False}
    }


def test_gcp_vai_011_audit_logs():
    inv = inventory(
        [
            project(
                "good", audit_log_types=["DATA_READ", "DATA_WRITE"], audit_config_complete=True
            ),
            project("bad", audit_log_types=["ADMIN_READ"], audit_config_complete=True),
            project("partial", audit_log_types=[], audit_config_complete=False),
        ]
    )
    assert failing_ids(gcp.audit_logs, inv) == {"bad"}
    assert statuses(gcp.audit_logs, inv)["partial"] is ResultStatus.MANUAL


def test_cross_cloud_identity_rule_judges_gcp_service_accounts():
    inv = inventory(
        [
            account(
                "editor",
                administrator=False,
                wildcard_actions=[],
                full_access_policies=["roles/editor"],
                policies_complete=True,
            ),
            account(
                "least",
                administrator=False,
                wildcard_actions=[],
                full_access_policies=[],
                policies_complete=True,
            ),
        ]
    )
    assert failing_ids(exposure.over_privileged_identity, inv) == {"editor"}


def test_the_pack_covers_every_gcp_catalogue_rule():
    ids = {r.meta.id for r in gcp.RULES}
    assert ids == (
        {f"GCP-WB-{i:03d}" for i in range(1, 7)}
        | {f"GCP-VAI-{i:03d}" for i in range(1, 15)}
        | {f"GCP-CE-{i:03d}" for i in range(1, 9)}
        | {f"GCP-GKE-{i:03d}" for i in range(1, 9)}
        | {f"GCP-AR-{i:03d}" for i in range(1, 4)}
        | {f"GCP-ORG-{i:03d}" for i in range(1, 6)}
    )
    assert all(r.meta.clouds == (Cloud.GCP,) for r in gcp.RULES)
    assert AssetKind.LLM_SERVICE in gcp.audit_logs.meta.kinds
    for r in gcp.RULES:
        assert r.meta.resource_types, f"{r.meta.id} names no facts model"
        assert all(".googleapis.com/" in t for t in r.meta.resource_types)


# -- through the real path: recorded REST JSON (tests/data/gcp) and the pure transforms --------
# Each rule fails an asset built from a recorded payload and passes its recorded hardened twin;
# project-level rules get the project asset the posture transforms build from recorded policies.

DATA = Path(__file__).parents[1] / "data" / "gcp"
PROD = Project(id="acme-ml-prod", number="412345678901", parent="folders/302123456789")
SECURE = Project(id="acme-ml-secure", number="412345678902", parent="organizations/1")
LOC = "us-central1"


def load(name: str) -> Any:
    return json.loads((DATA / f"{name}.json").read_text())


def listed(name: str, key: str, display: str) -> dict[str, Any]:
    return next(
        i
        for i in load(name)[key]
        if display in (i.get("displayName"), i.get("name", "").rsplit("/", 1)[-1])
    )


def _workbench(index: int) -> Any:
    return workbench.to_instance(load("notebooks_instances")["instances"][index], PROD).asset


def _vertex(transform: Any, name: str, key: str, display: str) -> Callable[[], Any]:
    return lambda: transform(listed(name, key, display), PROD, LOC).asset


def _project(project: Project = PROD, **attributes: Any) -> Any:
    return posture.service_asset(project, attributes, {})


def _org(**constraints: dict[str, Any]) -> Any:
    """The project asset with the effective policies of recorded (or inline REST) policies."""
    enforced = load("orgpolicy_effective_enforced")
    networks = {"spec": {"rules": [{"values": {"allowedValues": ["projects/p/networks/v"]}}]}}
    models = {"spec": {"rules": [{"values": {"allowedValues": ["publishers/google/models/x"]}}]}}
    policies = {
        **dict.fromkeys(gcp.NOTEBOOK_BOOLEAN_CONSTRAINTS, enforced),
        "ainotebooks.restrictVpcNetworks": networks,
        "vertexai.allowedModels": models,
        "gcp.restrictNonCmekServices": load("orgpolicy_effective_list"),
        **constraints,
    }
    return _project(org_policies={c: posture.effective(p) for c, p in policies.items()})


def _perimeters(project: Project) -> Any:
    perimeters = posture.perimeters_of(
        project, load("accesscontextmanager_perimeters")["servicePerimeters"]
    )
    return _project(project, vpc_sc={"organization": "1", "perimeters": perimeters})


def _api_key(index: int) -> Any:
    return _project(api_keys=[posture.api_key(load("apikeys_keys")["keys"][index])])


def _audit(*configs: dict[str, Any]) -> Any:
    refs = References()
    refs.project_policies[PROD.id] = {
        **load("resourcemanager_project_policy"),
        "auditConfigs": list(configs),
    }
    return _project(**(posture.audit_facts(PROD, refs) or {}))


UNSET = {"name": "projects/412345678901/policies/x"}  # no rules: the default applies
DATA_ACCESS = {
    "service": "aiplatform.googleapis.com",
    "auditLogConfigs": [{"logType": "DATA_READ"}, {"logType": "DATA_WRITE"}],
}
WB_IDS = [f"GCP-WB-{i:03d}" for i in range(1, 7)]
TEMPLATE_IDS = ["GCP-VAI-008", "GCP-VAI-012", "GCP-VAI-013", "GCP-VAI-014"]
CE_IDS = [f"GCP-CE-{i:03d}" for i in range(1, 9)]
GKE_IDS = [f"GCP-GKE-{i:03d}" for i in range(1, 9)]
HARDENED_VM = "llm-inference-gpu-hardened"


def _template(display: str) -> Callable[[], Any]:
    return _vertex(
        vertex_ai.to_runtime_template,
        "aiplatform_notebookRuntimeTemplates",
        "notebookRuntimeTemplates",
        display,
    )


def _vm(name: str) -> Any:
    zones = load("compute_aggregated_instances")["items"]
    payload = next(i for z in zones.values() for i in z["instances"] if i["name"] == name)
    collected = compute.to_instance(payload, PROD, load("compute_firewalls")["items"])
    assert collected is not None
    return collected.asset


def _pool(name: str) -> Any:
    pools = [
        c for cl in load("container_clusters")["clusters"] for c in compute.to_node_pools(cl, PROD)
    ]
    return next(c.asset for c in pools if c.asset.name.endswith(f"/{name}"))


def _repository(name: str, policy: str | None) -> Any:
    payload = load(name)
    _, project, _, location, _, repo = payload["name"].split("/")
    ref = RepositoryRef(project=project, location=location, repository=repo)
    iam = load(policy) if policy else {"bindings": [], "etag": "BwYAAAAAAAA="}
    image = f"{location}-docker.pkg.dev/{project}/{repo}/server:1"
    return artifactregistry.to_repository(payload, iam, ref, [image])


WEAK_REPO = ("artifactregistry_repository__weak", "artifactregistry_repository_iam_public")
HARD_REPO = ("artifactregistry_repository", None)
#: The Compute Engine boolean guardrails (GCP-ORG-002..005), in rule order.
ORG_BOOLEANS = {
    "GCP-ORG-002": "iam.automaticIamGrantsForDefaultServiceAccounts",
    "GCP-ORG-003": "compute.requireShieldedVm",
    "GCP-ORG-004": "compute.requireOsLogin",
    "GCP-ORG-005": "compute.disableSerialPortAccess",
}


def _guardrail(constraint: str, policy: dict[str, Any]) -> Any:
    return _project(org_policies={constraint: posture.effective(policy)})


# rule id -> (failing asset, passing twin), both through the transforms
RECORDED: dict[str, tuple[Callable[[], Any], Callable[[], Any]]] = {
    **{rid: (lambda: _workbench(0), lambda: _workbench(1)) for rid in WB_IDS},
    "GCP-VAI-001": (lambda: _org(**{"ainotebooks.disableTerminal": UNSET}), lambda: _org()),
    "GCP-VAI-002": (lambda: _org(**{"vertexai.allowedModels": UNSET}), lambda: _org()),
    "GCP-VAI-003": (lambda: _perimeters(PROD), lambda: _perimeters(SECURE)),
    "GCP-VAI-004": (
        _vertex(vertex_ai.to_model, "aiplatform_models", "models", "llama-chat"),
        _vertex(vertex_ai.to_model, "aiplatform_models", "models", "llama-chat-secure"),
    ),
    "GCP-VAI-005": (
        _vertex(vertex_ai.to_endpoint, "aiplatform_endpoints", "endpoints", "public-chat"),
        _vertex(vertex_ai.to_endpoint, "aiplatform_endpoints", "endpoints", "private-chat"),
    ),
    "GCP-VAI-006": (
        _vertex(
            vertex_ai.to_pipeline_job, "aiplatform_pipelineJobs", "pipelineJobs", "nightly-eval"
        ),
        _vertex(
            vertex_ai.to_pipeline_job,
            "aiplatform_pipelineJobs",
            "pipelineJobs",
            "nightly-eval-secure",
        ),
    ),
    "GCP-VAI-007": (
        _vertex(vertex_ai.to_custom_job, "aiplatform_customJobs", "customJobs", "train-fraud"),
        _vertex(
            vertex_ai.to_custom_job, "aiplatform_customJobs", "customJobs", "train-fraud-secure"
        ),
    ),
    **{rid: (_template("colab-default"), _template("colab-hardened")) for rid in TEMPLATE_IDS},
    "GCP-VAI-009": (
        lambda: _project(model_armor=posture.floor_setting({})),
        lambda: _project(model_armor=posture.floor_setting(load("modelarmor_floorsetting"))),
    ),
    "GCP-VAI-010": (lambda: _api_key(0), lambda: _api_key(1)),
    "GCP-VAI-011": (lambda: _audit(), lambda: _audit(DATA_ACCESS)),
    **{rid: (lambda: _vm("llm-inference-gpu"), lambda: _vm(HARDENED_VM)) for rid in CE_IDS},
    **{rid: (lambda: _pool("gpu-weak"), lambda: _pool("gpu-pool")) for rid in GKE_IDS},
    **{
        rid: (lambda: _repository(*WEAK_REPO), lambda: _repository(*HARD_REPO))
        for rid in ("GCP-AR-001", "GCP-AR-002", "GCP-AR-003")
    },
    "GCP-ORG-001": (
        lambda: _guardrail("compute.vmExternalIpAccess", UNSET),
        lambda: _guardrail("compute.vmExternalIpAccess", load("orgpolicy_effective_denyall")),
    ),
    **{
        rid: (
            lambda c=constraint: _guardrail(c, UNSET),
            lambda c=constraint: _guardrail(c, load("orgpolicy_effective_enforced")),
        )
        for rid, constraint in ORG_BOOLEANS.items()
    },
}


def test_every_rule_has_a_recorded_pass_and_fail():
    assert set(RECORDED) == {r.meta.id for r in gcp.RULES}


@pytest.mark.parametrize("rule_id", sorted(RECORDED))
def test_rule_on_recorded_payloads(rule_id):
    rule_fn = next(r for r in gcp.RULES if r.meta.id == rule_id)
    make_bad, make_good = RECORDED[rule_id]
    bad, good = make_bad(), make_good()
    assert failing_ids(rule_fn, inventory([bad])) == {bad.id}
    assert statuses(rule_fn, inventory([good])) == {good.id: ResultStatus.PASS}


# -- Artifact Registry and organization-policy guardrails: edge cases ----------------------------


def test_repository_public_evidence_names_the_binding():
    (finding,) = run(gcp.repository_public, inventory([_repository(*WEAK_REPO)]))
    assert finding.evidence == {
        "public_reasons": ["IAM: allUsers has roles/artifactregistry.reader"]
    }
    unread = _repository(*WEAK_REPO).model_copy(update={"attributes": {"format": "DOCKER"}})
    assert statuses(gcp.repository_public, inventory([unread])) == {unread.id: ResultStatus.MANUAL}


def test_scanning_is_not_asked_of_non_docker_repositories():
    payload = {**load("artifactregistry_repository__weak"), "format": "PYTHON"}
    ref = RepositoryRef(project="acme-ml-prod", location="us-central1", repository="wheels")
    repo = artifactregistry.to_repository(payload, None, ref, [])
    assert statuses(gcp.repository_scanning, inventory([repo])) == {
        repo.id: ResultStatus.NOT_APPLICABLE
    }


def test_an_external_ip_allow_list_passes_and_a_missing_constraint_is_manual():
    listed = {
        "spec": {"rules": [{"values": {"allowedValues": ["projects/p/zones/z/instances/bastion"]}}]}
    }
    allowed = _guardrail("compute.vmExternalIpAccess", listed)
    assert statuses(gcp.org_external_ip, inventory([allowed])) == {allowed.id: ResultStatus.PASS}
    other = _guardrail("compute.requireOsLogin", UNSET)  # vmExternalIpAccess itself not read
    for rule_fn in (gcp.org_external_ip, gcp.org_shielded_vm):
        assert statuses(rule_fn, inventory([other])) == {other.id: ResultStatus.MANUAL}


def _vm_left_to_the_project() -> Any:
    vm = _vm(HARDENED_VM)
    attrs = {**vm.attributes, "os_login": None}
    return vm.model_copy(update={"attributes": attrs})


def test_an_enforced_os_login_constraint_settles_a_vm_that_leaves_it_to_the_project():
    vm = _vm_left_to_the_project()
    assert statuses(ce.vm_os_login, inventory([vm])) == {vm.id: ResultStatus.MANUAL}
    enforced = _guardrail("compute.requireOsLogin", load("orgpolicy_effective_enforced"))
    inv = inventory([vm, enforced])
    assert statuses(ce.vm_os_login, inv) == {vm.id: ResultStatus.PASS}
    (evaluation,) = evaluate(inv, [ce.vm_os_login]).evaluations
    assert "compute.requireOsLogin" in evaluation.reason


def test_the_os_login_constraint_of_another_project_or_unenforced_settles_nothing():
    vm = _vm_left_to_the_project()
    elsewhere = posture.service_asset(
        SECURE,
        {
            "org_policies": {
                "compute.requireOsLogin": posture.effective(load("orgpolicy_effective_enforced"))
            }
        },
        {},
    )
    unenforced = _guardrail("compute.requireOsLogin", UNSET)
    for other in (elsewhere, unenforced):
        assert statuses(ce.vm_os_login, inventory([vm, other])) == {vm.id: ResultStatus.MANUAL}
    # An explicit enable-oslogin=false still fails, whatever the constraint says.
    weak = _vm("llm-inference-gpu")
    enforced = _guardrail("compute.requireOsLogin", load("orgpolicy_effective_enforced"))
    assert weak.attributes["os_login"] is False
    assert failing_ids(ce.vm_os_login, inventory([weak, enforced])) == {weak.id}


def test_posture_reads_the_compute_guardrail_constraints():
    for constraint in (*ORG_BOOLEANS.values(), "compute.vmExternalIpAccess"):
        assert constraint in posture.CONSTRAINTS


# -- cross-cloud supply-chain rules on recorded Vertex AI models --------------------------------
# llama-chat loads its Hub model at the default branch with TRUST_REMOTE_CODE=true; its recorded
# twin llama-chat-secure pins a commit and enables no remote code.

_llama = _vertex(vertex_ai.to_model, "aiplatform_models", "models", "llama-chat")
_llama_secure = _vertex(vertex_ai.to_model, "aiplatform_models", "models", "llama-chat-secure")


@pytest.mark.parametrize(
    ("rule_fn", "message"),
    [
        (supply_chain.hub_model_unpinned, "meta-llama/Llama-3.1-8B-Instruct at its default branch"),
        (supply_chain.trust_remote_code, "TRUST_REMOTE_CODE=true on an unpinned Hub"),
    ],
)
def test_hub_rules_fail_the_floating_vertex_model_and_pass_its_pinned_twin(rule_fn, message):
    bad, good = _llama(), _llama_secure()
    (finding,) = run(rule_fn, inventory([bad]))
    assert finding.asset_id == bad.id and message in finding.message
    assert statuses(rule_fn, inventory([good]))[good.id] is ResultStatus.PASS


def test_xc_path_005_floating_vertex_model_as_an_editor_pinned_twin_is_no_path():
    editor = account("editor", administrator=True)
    bad, good = _llama(), _llama_secure()
    inv = inventory(
        [editor, bad, good], [rel(bad.id, "runs-as", editor.id), rel(good.id, "runs-as", editor.id)]
    )
    out = evaluate(inv, [paths.floating_hub_model_powerful_identity], graph=build_graph(inv))
    assert [(f.rule_id, f.path) for f in out.findings] == [
        ("XC-PATH-005", (hub_node("huggingface.co"), bad.id, editor.id))
    ]
