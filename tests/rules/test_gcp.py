"""GCP rule pack: every GCP-WB-* and GCP-VAI-* rule on a failing and a passing asset."""

from __future__ import annotations

from typing import Any

from aiscan.core.model import AssetKind, Cloud, ResultStatus, Severity
from aiscan.rules import exposure, gcp
from tests.factories import asset, failing_ids, inventory, rel, run, statuses

WB = "notebooks.googleapis.com/Instance"
SVC = "serviceusage.googleapis.com/Service"


def wb(id_: str, **attrs: Any):
    return asset("notebook", id_, cloud=Cloud.GCP, service="notebooks", type=WB, **attrs)


def vertex(kind: str, id_: str, type_: str = "", **attrs: Any):
    return asset(
        kind,
        id_,
        cloud=Cloud.GCP,
        service="aiplatform",
        type=type_ or f"aiplatform.googleapis.com/{kind}",
        **attrs,
    )


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
    inv = inventory([vertex("notebook", "colab", gcp.RUNTIME_TEMPLATE, external_ip=True)])
    assert statuses(gcp.workbench_public_ip, inv) == {}  # other service: not evaluated


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
            vertex("endpoint", "good", kms_key="projects/p/locations/l/keyRings/r/cryptoKeys/k"),
            vertex("model", "bad", kms_key=None),
            vertex("training-job", "tuning", kms_key=None, job_type="tuning"),
            project("policy-good", org_policies=org()),
            project("policy-bad", org_policies=org(**{"gcp.restrictNonCmekServices": DEFAULT})),
        ]
    )
    assert failing_ids(gcp.vertex_cmek, inv) == {"bad", "policy-bad"}


def test_gcp_vai_005_public_endpoint():
    inv = inventory(
        [
            vertex("endpoint", "good", public_network=False, private_service_connect=True),
            vertex("endpoint", "bad", public_network=True),
            vertex("knowledge-base", "index-ep", public_network=True),
            vertex("knowledge-base", "index", vectors=10),
        ]
    )
    assert failing_ids(gcp.public_endpoint, inv) == {"bad", "index-ep"}


def test_gcp_vai_006_default_or_shared_identity():
    default = (
        "//iam.googleapis.com/projects/-/serviceAccounts/1-compute@developer.gserviceaccount.com"
    )
    dedicated = "//iam.googleapis.com/projects/-/serviceAccounts/serving@p.iam.gserviceaccount.com"
    inv = inventory(
        [
            asset(
                "identity", default, cloud=Cloud.GCP, service="iam", default_service_account=True
            ),
            asset(
                "identity", dedicated, cloud=Cloud.GCP, service="iam", default_service_account=False
            ),
            vertex("endpoint", "ep-good", deployed_models=[{"id": "1", "service_account": "s@p"}]),
            vertex("endpoint", "ep-shared", deployed_models=[{"id": "2", "service_account": ""}]),
            vertex("training-job", "job-shared", service_account=""),
            vertex("pipeline", "pipe-good", service_account="pipe@p.iam.gserviceaccount.com"),
            vertex("training-job", "tuning", service_account="", job_type="tuning"),
        ],
        [rel("vm", "runs-as", default)],
    )
    findings = {f.asset_id: f for f in run(gcp.default_identity, inv)}
    assert set(findings) == {default, "ep-shared", "job-shared"}
    assert findings[default].severity is Severity.HIGH
    assert findings[default].evidence["used_by"] == ["vm"]
    assert findings["ep-shared"].severity is Severity.MEDIUM


def test_gcp_vai_007_job_network():
    inv = inventory(
        [
            vertex("training-job", "good", vpc=True, web_access=False),
            vertex("training-job", "web", vpc=True, web_access=True),
            vertex("pipeline", "no-vpc", vpc=False),
            vertex("training-job", "automl"),
        ]
    )
    assert failing_ids(gcp.job_network, inv) == {"web", "no-vpc"}


def test_gcp_vai_008_runtime_template():
    good = {"internet_access": False, "kms_key": "k", "secure_boot": True, "idle_shutdown": True}
    inv = inventory(
        [
            vertex("notebook", "good", gcp.RUNTIME_TEMPLATE, **good),
            vertex("notebook", "bad", gcp.RUNTIME_TEMPLATE, **{**good, "idle_shutdown": False}),
            vertex(
                "notebook",
                "runtime",
                "aiplatform.googleapis.com/NotebookRuntime",
                **{**good, "internet_access": True},
            ),
        ]
    )
    assert failing_ids(gcp.runtime_template, inv) == {"bad"}


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
            asset(
                "identity",
                "editor",
                cloud=Cloud.GCP,
                service="iam",
                administrator=False,
                wildcard_actions=[],
                full_access_policies=["roles/editor"],
                policies_complete=True,
            ),
            asset(
                "identity",
                "least",
                cloud=Cloud.GCP,
                service="iam",
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
    assert ids == {f"GCP-WB-{i:03d}" for i in range(1, 7)} | {
        f"GCP-VAI-{i:03d}" for i in range(1, 12)
    }
    assert all(r.meta.clouds == (Cloud.GCP,) for r in gcp.RULES)
    assert AssetKind.LLM_SERVICE in gcp.audit_logs.meta.kinds
