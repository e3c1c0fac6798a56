"""GPU VM (GCP-CE-*) and GKE node pool (GCP-GKE-*) rules: one weakness per rule.

Hand-made facts for the edge cases; the recorded weak/hardened payloads through the transforms are
in tests/rules/test_gcp.py (RECORDED) and the demo twins in tests/cli/test_demo.py. Each case starts
from hardened facts and breaks one: exactly that rule fails, every other rule of the pack passes.
"""

from __future__ import annotations

from typing import Any

import pytest

from aiscan.core.model import Category, Cloud, ResultStatus
from aiscan.rules import gcp_compute as ce
from tests.factories import asset, failing_ids, inventory, statuses

VM = "compute.googleapis.com/Instance"
POOL = "container.googleapis.com/NodePool"
DEFAULT_SA = "412345678901-compute@developer.gserviceaccount.com"

HARD_VM: dict[str, Any] = {
    "serial_port": False,
    "secure_boot": True,
    "vtpm": True,
    "integrity_monitoring": True,
    "os_login": True,
    "default_service_account": False,
    "service_account": "serving@p.iam.gserviceaccount.com",
    "scopes": ["https://www.googleapis.com/auth/cloud-platform"],
    "cloud_platform_scope": True,
    "public_ip": None,
}
HARD_POOL: dict[str, Any] = {
    "secure_boot": True,
    "integrity_monitoring": True,
    "shielded_nodes": True,
    "workload_identity": True,
    "legacy_metadata_endpoints": False,
    "default_service_account": False,
    "service_account": "nodes@p.iam.gserviceaccount.com",
    "scopes": ["https://www.googleapis.com/auth/cloud-platform"],
    "cloud_platform_scope": True,
    "private_nodes": True,
    "cluster": "c",
}
VM_RULES = ce.RULES[:8]
POOL_RULES = ce.RULES[8:]

# rule -> the facts that break it (besides the hardened ones), and its category
VM_CASES = [
    (ce.vm_serial_port, {"serial_port": True}, Category.COMPUTE_HARDENING),
    (ce.vm_secure_boot, {"secure_boot": False}, Category.COMPUTE_HARDENING),
    (ce.vm_vtpm, {"vtpm": False}, Category.COMPUTE_HARDENING),
    (ce.vm_integrity, {"integrity_monitoring": False}, Category.COMPUTE_HARDENING),
    (ce.vm_os_login, {"os_login": False}, Category.IDENTITY),
    (
        ce.vm_default_sa,
        {
            "default_service_account": True,
            "service_account": DEFAULT_SA,
            "scopes": [],
            "cloud_platform_scope": False,
        },
        Category.IDENTITY,
    ),  # fmt: skip
    (
        ce.vm_default_sa_full_access,
        {"default_service_account": True, "service_account": DEFAULT_SA},
        Category.IDENTITY,
    ),
    (ce.vm_public_ip, {"public_ip": "34.1.2.3"}, Category.NETWORK_EXPOSURE),
]
POOL_CASES = [
    (ce.pool_secure_boot, {"secure_boot": False}, Category.COMPUTE_HARDENING),
    (ce.pool_integrity, {"integrity_monitoring": False}, Category.COMPUTE_HARDENING),
    (ce.pool_shielded_nodes, {"shielded_nodes": False}, Category.COMPUTE_HARDENING),
    (ce.pool_workload_identity, {"workload_identity": False}, Category.IDENTITY),
    (ce.pool_legacy_metadata, {"legacy_metadata_endpoints": True}, Category.COMPUTE_HARDENING),
    (
        ce.pool_default_sa,
        {
            "default_service_account": True,
            "service_account": DEFAULT_SA,
            "scopes": [],
            "cloud_platform_scope": False,
        },
        Category.IDENTITY,
    ),  # fmt: skip
    (
        ce.pool_default_sa_full_access,
        {"default_service_account": True, "service_account": DEFAULT_SA},
        Category.IDENTITY,
    ),
    (ce.pool_private_nodes, {"private_nodes": False}, Category.NETWORK_EXPOSURE),
]


#: CIS 4.2 is a narrower case of CIS 4.1: full API access for the default account implies it.
IMPLIES = {
    ce.vm_default_sa_full_access: {ce.vm_default_sa},
    ce.pool_default_sa_full_access: {ce.pool_default_sa},
}


def vm(id_: str, **attrs: Any):
    return asset("gpu-compute", id_, cloud=Cloud.GCP, service="compute", type=VM, **attrs)


def pool(id_: str, **attrs: Any):
    return asset("gpu-compute", id_, cloud=Cloud.GCP, service="container", type=POOL, **attrs)


def test_the_cases_cover_every_rule_once():
    assert [c[0] for c in VM_CASES] == list(VM_RULES)
    assert [c[0] for c in POOL_CASES] == list(POOL_RULES)
    assert all(r.meta.id.startswith("GCP-CE-") for r in VM_RULES)
    assert all(r.meta.id.startswith("GCP-GKE-") for r in POOL_RULES)
    for r in ce.RULES:
        assert any(ref.startswith("CIS-") for ref in r.meta.references), r.meta.id


@pytest.mark.parametrize(("rule_fn", "broken", "category"), VM_CASES + POOL_CASES)
def test_one_weakness_fails_exactly_its_rule(rule_fn, broken, category):
    make, hard, pack = (
        (vm, HARD_VM, VM_RULES) if rule_fn in VM_RULES else (pool, HARD_POOL, POOL_RULES)
    )
    inv = inventory([make("hard", **hard), make("weak", **{**hard, **broken}), make("unread")])
    assert failing_ids(rule_fn, inv) == {"weak"}
    assert rule_fn.meta.category is category
    st = statuses(rule_fn, inv)
    assert st["hard"] is ResultStatus.PASS
    assert st["unread"] is ResultStatus.MANUAL  # not read is never a pass
    for other in pack:
        if other is not rule_fn and other not in IMPLIES.get(rule_fn, set()):
            assert failing_ids(other, inv) - {"unread"} == set(), other.meta.id


def test_vm_rules_do_not_judge_node_pools_and_back():
    inv = inventory([vm("v", **HARD_VM), pool("p", **HARD_POOL)])
    for r in VM_RULES:
        assert set(statuses(r, inv)) == {"v"}, r.meta.id
    for r in POOL_RULES:
        assert set(statuses(r, inv)) == {"p"}, r.meta.id


def test_os_login_left_to_the_project_is_manual():
    inv = inventory([vm("inherits", **{**HARD_VM, "os_login": None})])
    assert statuses(ce.vm_os_login, inv) == {"inherits": ResultStatus.MANUAL}


def test_a_dedicated_account_with_cloud_platform_scope_passes_the_full_access_rules():
    # Google's recommendation: cloud-platform scope, IAM roles limit a dedicated account.
    inv = inventory([vm("v", **HARD_VM), pool("p", **HARD_POOL)])
    assert failing_ids(ce.vm_default_sa_full_access, inv) == set()
    assert failing_ids(ce.pool_default_sa_full_access, inv) == set()
    narrow = {"default_service_account": True, "service_account": DEFAULT_SA,
              "scopes": ["https://www.googleapis.com/auth/devstorage.read_only"],
              "cloud_platform_scope": False}  # fmt: skip
    inv = inventory([vm("narrow", **{**HARD_VM, **narrow})])
    assert failing_ids(ce.vm_default_sa, inv) == {"narrow"}
    assert failing_ids(ce.vm_default_sa_full_access, inv) == set()
