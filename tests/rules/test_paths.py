"""Attack-path graph rules (XC-PATH-001..008): for every chain an estate where it fires once, with
the path in attack order, every hop's edge and evidence, and a risk above every single-asset
finding on its assets; the same estate with one link broken has no path finding.

Estates are inventories (tests/factories.py) turned into graphs by the real `build_graph`; the
derived edges (exposed-to, can-*, trained-on, loads-from-hub, authenticates-to) are added the way
the graph contract says the derivers add them, with their evidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pytest

from aiscan.core.engine import evaluate
from aiscan.core.graph import ANONYMOUS, INTERNET, EdgeType, EstateGraph, hub_node
from aiscan.core.graph.build import build_graph
from aiscan.core.inventory import Inventory
from aiscan.core.model import (
    AssetKind,
    Category,
    Cloud,
    Finding,
    Relation,
    RelationType,
    Severity,
    fingerprint,
)
from aiscan.core.rules import Result, rule
from aiscan.rules import paths
from aiscan.rules.base import GraphRuleFunc
from tests.factories import asset, inventory, rel

ACC = "123456789012"
NB = f"arn:aws:sagemaker:us-east-1:{ACC}:notebook-instance/research"
GPU = f"arn:aws:ec2:us-east-1:{ACC}:instance/i-0gpu"
ROLE = f"arn:aws:iam::{ACC}:role/research-role"
ADMIN = f"arn:aws:iam::{ACC}:role/admin-role"
ARTIFACTS = "arn:aws:s3:::model-artifacts"
DATA = "arn:aws:s3:::training-data"
JOB = f"arn:aws:sagemaker:us-east-1:{ACC}:training-job/train-1"
MODEL = f"arn:aws:sagemaker:us-east-1:{ACC}:model/chat"
ENDPOINT = f"arn:aws:sagemaker:us-east-1:{ACC}:endpoint/chat-prod"
AGENT = f"arn:aws:bedrock:us-east-1:{ACC}:agent/helper"
GUARD = f"arn:aws:bedrock:us-east-1:{ACC}:guardrail/g1"
HUB = hub_node("huggingface.co")
OPENAI = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/oai"

Derived = tuple[str, str, EdgeType, dict[str, Any]]

EXPOSED = {
    "reason": "public IP 3.3.3.3, port 8888 open to 0.0.0.0/0",
    "auth": None,
    "ports": [8888],
}
WRITE_GRANT = {
    "source": "iam-policy",
    "policy": "inline/research",
    "actions": ["s3:PutObject"],
    "resource": "arn:aws:s3:::model-artifacts/*",
}
READ_GRANT = {**WRITE_GRANT, "actions": ["s3:GetObject"]}
DEPLOY_GRANT = {
    "source": "iam-policy",
    "policy": "inline/research",
    "actions": ["sagemaker:UpdateEndpoint"],
    "resource": "*",
}
SYNTHETIC_KIND = {INTERNET: "internet", ANONYMOUS: "anonymous", HUB: "public-hub"}


def estate(
    assets: Iterable[Any], relations: Iterable[Relation], derived: Iterable[Derived]
) -> tuple[Inventory, EstateGraph]:
    inv = inventory(assets, relations)
    graph = build_graph(inv)
    for source, target, edge, evidence in derived:
        for end in (source, target):
            if end in SYNTHETIC_KIND:
                graph.add_synthetic(end, SYNTHETIC_KIND[end], end.removeprefix("aiscan:"))
        graph.add_derived(source, target, edge, evidence)
    return inv, graph


@rule(
    id="T-ANY-001",
    title="a critical single-asset finding on every asset",
    severity=Severity.CRITICAL,
    category=Category.GOVERNANCE,
    kinds=tuple(AssetKind),
    description="d",
    risk="r",
    remediation="fix",
    references=("x",),
)
def everywhere(a: Any, ctx: Any) -> Result:
    return Result.fail("planted")


def path_findings(
    chain: GraphRuleFunc, inv: Inventory, graph: EstateGraph
) -> tuple[list[Finding], list[Finding]]:
    """(attack-path findings, single-asset findings) of the chain plus a critical per-asset rule
    that fails on every asset, so the path's risk has something to beat."""
    out = evaluate(inv, [everywhere, chain], graph=graph)
    found = [f for f in out.findings if f.category is Category.ATTACK_PATH]
    return found, [f for f in out.findings if f.category is not Category.ATTACK_PATH]


def fires_once(
    chain: GraphRuleFunc,
    inv: Inventory,
    graph: EstateGraph,
    path: Sequence[str],
    edges: Sequence[str],
) -> Finding:
    found, singles = path_findings(chain, inv, graph)
    assert len(found) == 1, [f.path for f in found]
    f = found[0]
    assert f.rule_id == chain.meta.id
    assert f.path == tuple(path)
    assert f.asset_id == path[-1]  # the crown jewel
    assert [h.edge for h in f.hops] == list(edges)
    # every hop joins two consecutive nodes of the path (in the edge's own direction)
    for hop, pair in zip(f.hops, zip(f.path, f.path[1:], strict=False), strict=True):
        assert {hop.source, hop.target} == set(pair)
    for hop in f.hops:
        if hop.edge in {e.value for e in EdgeType} - {r.value for r in RelationType}:
            assert hop.evidence, f"derived hop {hop.edge} without evidence"
    entry = next(n for n in f.path if not n.startswith("aiscan:"))
    assert f.fingerprint == fingerprint(chain.meta.id, path[-1], key=entry)
    on_path = [s for s in singles if s.asset_id in f.path]
    assert on_path, "the planted rule must fail on the path's assets"
    assert all(f.risk_score > s.risk_score for s in on_path)
    assert 0 < f.risk_score <= 10
    assert f.risk is not None and [r.name for r in f.risk.factors] == [
        "severity",
        "exposure",
        "blast-radius",
    ]
    assert all(r.why for r in f.risk.factors)
    return f


def never_fires(chain: GraphRuleFunc, inv: Inventory, graph: EstateGraph) -> None:
    found, _ = path_findings(chain, inv, graph)
    assert found == []


# -- XC-PATH-001 model tampering ------------------------------------------------------------


def tampering(grant: EdgeType = EdgeType.CAN_WRITE, status: str = "InService") -> Any:
    return estate(
        [
            asset("notebook", NB),
            asset("identity", ROLE, service="iam"),
            asset("bucket", ARTIFACTS, service="s3"),
            asset("model", MODEL),
            asset("endpoint", ENDPOINT, status=status),
        ],
        [
            rel(NB, "runs-as", ROLE),
            rel(MODEL, "stores-artifact-in", ARTIFACTS),
            rel(ENDPOINT, "serves", MODEL),
        ],
        [
            (INTERNET, NB, EdgeType.EXPOSED_TO, EXPOSED),
            (ROLE, ARTIFACTS, grant, WRITE_GRANT if grant is EdgeType.CAN_WRITE else READ_GRANT),
        ],
    )


def test_an_unread_endpoint_status_is_not_proof_that_it_is_down() -> None:
    # typed SageMaker endpoint whose status the collector could not read (UNREAD, which refuses
    # a truth value): the chain is still reported, never a rule error
    inv, graph = estate(
        [
            asset("notebook", NB),
            asset("identity", ROLE, service="iam"),
            asset("bucket", ARTIFACTS, service="s3"),
            asset("model", MODEL),
            asset("endpoint", ENDPOINT, type="AWS::SageMaker::Endpoint"),
        ],
        [
            rel(NB, "runs-as", ROLE),
            rel(MODEL, "stores-artifact-in", ARTIFACTS),
            rel(ENDPOINT, "serves", MODEL),
        ],
        [
            (INTERNET, NB, EdgeType.EXPOSED_TO, EXPOSED),
            (ROLE, ARTIFACTS, EdgeType.CAN_WRITE, WRITE_GRANT),
        ],
    )
    out = evaluate(inv, [paths.exposed_compute_tampers_served_model], graph=graph)
    assert not [e for e in out.evaluations if e.status.value == "manual"], out.evaluations
    assert [f.asset_id for f in out.findings] == [ENDPOINT]


def test_xc_path_001_exposed_notebook_can_overwrite_a_served_model() -> None:
    f = fires_once(
        paths.exposed_compute_tampers_served_model,
        *tampering(),
        path=[INTERNET, NB, ROLE, ARTIFACTS, MODEL, ENDPOINT],
        edges=["exposed-to", "runs-as", "can-write", "stores-artifact-in", "serves"],
    )
    assert f.severity is Severity.CRITICAL
    assert f.hops[2].evidence["actions"] == ["s3:PutObject"]
    exposure = f.risk.factors[1] if f.risk else None
    assert exposure is not None and exposure.level == "internet"


def test_xc_path_001_broken_when_the_role_can_only_read() -> None:
    never_fires(paths.exposed_compute_tampers_served_model, *tampering(EdgeType.CAN_READ))


def test_xc_path_001_broken_when_the_endpoint_is_not_live() -> None:
    never_fires(paths.exposed_compute_tampers_served_model, *tampering(status="Failed"))


# -- XC-PATH-002 data poisoning into production -------------------------------------------------


def poisoning(access: EdgeType | None = EdgeType.CAN_WRITE) -> Any:
    derived: list[Derived] = []
    if access is not None:
        derived.append((ANONYMOUS, DATA, access, {"source": "bucket-policy", "actions": ["*"]}))
    return estate(
        [
            asset("bucket", DATA, service="s3"),
            asset("training-job", JOB),
            asset("model", MODEL),
            asset("endpoint", ENDPOINT),
        ],
        [
            rel(JOB, "reads-data-from", DATA),
            rel(MODEL, "produced-by", JOB),
            rel(ENDPOINT, "serves", MODEL),
        ],
        derived,
    )


def test_xc_path_002_publicly_writable_training_data_reaches_production() -> None:
    f = fires_once(
        paths.public_data_poisons_deployed_model,
        *poisoning(),
        # build_graph derives model -trained-on-> data from the job's relations: the shortest
        # route, and its evidence still names the job
        path=[ANONYMOUS, DATA, MODEL, ENDPOINT],
        edges=["can-write", "trained-on", "serves"],
    )
    assert f.severity is Severity.CRITICAL and f.evidence["access"] == "write"
    assert f.hops[1].evidence["job"] == JOB


def test_xc_path_002_readable_only_is_high() -> None:
    found, _ = path_findings(
        paths.public_data_poisons_deployed_model, *poisoning(EdgeType.CAN_READ)
    )
    assert [(f.severity, f.evidence["access"]) for f in found] == [(Severity.HIGH, "read")]


def test_xc_path_002_broken_when_the_bucket_is_private() -> None:
    never_fires(paths.public_data_poisons_deployed_model, *poisoning(None))


# -- XC-PATH-003 exposed endpoint, model tuned on exposed data ----------------------------------


def extraction(auth: str | None = "key", data_public: bool = True) -> Any:
    derived: list[Derived] = [
        (MODEL, DATA, EdgeType.TRAINED_ON, {"job": JOB, "via": "produced-by"})
    ]
    if auth is not None:
        derived.append(
            (INTERNET, ENDPOINT, EdgeType.EXPOSED_TO, {"reason": "auth mode key", "auth": auth})
        )
    if data_public:
        derived.append(
            (INTERNET, DATA, EdgeType.EXPOSED_TO, {"reason": "allUsers", "access": "read"})
        )
    base = "publishers/google/models/gemini"
    return estate(
        [
            asset("endpoint", ENDPOINT),
            asset("model", MODEL),
            asset("bucket", DATA, service="s3"),
        ],
        [rel(ENDPOINT, "serves", MODEL), rel(MODEL, "fine-tuned-from", base)],
        derived,
    )


def test_xc_path_003_key_authenticated_endpoint_on_exposed_data() -> None:
    f = fires_once(
        paths.exposed_endpoint_on_exposed_data,
        *extraction(),
        path=[INTERNET, ENDPOINT, MODEL, DATA],
        edges=["exposed-to", "serves", "trained-on"],
    )
    assert f.hops[0].evidence["auth"] == "key"
    assert f.evidence["data_exposure"]["edge"] == "exposed-to"


def test_xc_path_003_broken_when_the_endpoint_requires_entra_id() -> None:
    never_fires(paths.exposed_endpoint_on_exposed_data, *extraction(auth="entra-id"))
    never_fires(paths.exposed_endpoint_on_exposed_data, *extraction(auth=None))


def test_xc_path_003_broken_when_the_data_is_private() -> None:
    never_fires(paths.exposed_endpoint_on_exposed_data, *extraction(data_public=False))


# -- XC-PATH-004 excessive agency ---------------------------------------------------------------


def agency(guarded: bool = False, admin: bool = True) -> Any:
    assets = [
        asset("agent", AGENT, service="bedrock", type="AWS::Bedrock::Agent", guardrail=None),
        asset("identity", ADMIN, service="iam", type="AWS::IAM::Role", administrator=admin),
        asset("bucket", DATA, service="s3"),
    ]
    relations = [rel(AGENT, "runs-as", ADMIN)]
    if guarded:
        assets[0] = asset(
            "agent", AGENT, service="bedrock", type="AWS::Bedrock::Agent", guardrail=GUARD
        )
        assets.append(
            asset(
                "guardrail",
                GUARD,
                service="bedrock",
                type="AWS::Bedrock::Guardrail",
                prompt_attack_strength="HIGH",
            )
        )
        relations.append(rel(AGENT, "guarded-by", GUARD))
    derived: list[Derived] = [(ADMIN, DATA, EdgeType.CAN_WRITE, WRITE_GRANT)] if not admin else []
    return estate(assets, relations, derived)


def test_xc_path_004_unguarded_agent_runs_as_administrator() -> None:
    f = fires_once(
        paths.unguarded_agent_excessive_agency,
        *agency(),
        path=[AGENT, ADMIN],
        edges=["runs-as"],
    )
    assert f.evidence["guardrail"] is None
    blast = f.risk.factors[2] if f.risk else None
    assert blast is not None and (blast.level, blast.value) == ("administrator", 1.0)


def test_xc_path_004_unguarded_agent_can_write_a_data_store() -> None:
    fires_once(
        paths.unguarded_agent_excessive_agency,
        *agency(admin=False),
        path=[AGENT, ADMIN, DATA],
        edges=["runs-as", "can-write"],
    )


def test_xc_path_004_broken_by_a_strong_guardrail() -> None:
    never_fires(paths.unguarded_agent_excessive_agency, *agency(guarded=True))


def test_xc_path_004_a_weak_guardrail_does_not_count() -> None:
    inv, graph = agency(guarded=True)
    weak = [
        a
        if a.id != GUARD
        else asset(
            "guardrail",
            GUARD,
            service="bedrock",
            type="AWS::Bedrock::Guardrail",
            prompt_attack_strength="NONE",
        )
        for a in inv.assets
    ]
    inv, graph = estate(weak, inv.relations, [])
    found, _ = path_findings(paths.unguarded_agent_excessive_agency, inv, graph)
    assert [f.evidence.get("prompt_attack_strength") for f in found] == ["NONE"]


# -- XC-PATH-005 floating hub model with remote code as a powerful identity ---------------------


def supply_chain(pinned: bool = False) -> Any:
    return estate(
        [
            asset(
                "model",
                MODEL,
                type="AWS::SageMaker::Model",
                hub_model={"repo_id": "acme/chat", "revision": None, "pinned": pinned},
                trust_remote_code="HF_TRUST_REMOTE_CODE",
            ),
            asset("identity", ADMIN, service="iam", type="AWS::IAM::Role", administrator=True),
        ],
        [rel(MODEL, "runs-as", ADMIN)],
        [
            (
                MODEL,
                HUB,
                EdgeType.LOADS_FROM_HUB,
                {
                    "repo_id": "acme/chat",
                    "revision": None,
                    "pinned": pinned,
                    "trust_remote_code": True,
                },
            )
        ],
    )


def test_xc_path_005_floating_remote_code_model_as_administrator() -> None:
    f = fires_once(
        paths.floating_hub_model_powerful_identity,
        *supply_chain(),
        path=[HUB, MODEL, ADMIN],
        edges=["loads-from-hub", "runs-as"],
    )
    assert f.hops[0].evidence["repo_id"] == "acme/chat"
    assert f.evidence["identity"] == {"administrator": True}


def test_xc_path_005_broken_when_the_revision_is_pinned() -> None:
    never_fires(paths.floating_hub_model_powerful_identity, *supply_chain(pinned=True))


# -- XC-PATH-006 secret opens another AI service ------------------------------------------------


def secret(target: str = OPENAI) -> Any:
    return estate(
        [
            asset("training-job", JOB),
            asset("llm-service", OPENAI, service="cognitive", cloud=Cloud.AZURE, account="s"),
        ],
        [],
        [
            (
                JOB,
                target,
                EdgeType.AUTHENTICATES_TO,
                {"location": "environment", "name": "AZURE_OPENAI_KEY", "kind": "azure-key"},
            )
        ]
        if target in (OPENAI, JOB)
        else [],
    )


def test_xc_path_006_secret_in_a_job_authenticates_to_azure_openai() -> None:
    f = fires_once(
        paths.secret_opens_service,
        *secret(),
        path=[JOB, OPENAI],
        edges=["authenticates-to"],
    )
    assert f.hops[0].evidence["name"] == "AZURE_OPENAI_KEY"
    assert "value" not in f.hops[0].evidence
    assert (f.cloud, f.account) == (Cloud.AZURE, "s")  # reported on the crown jewel


def test_xc_path_006_broken_when_the_secret_opens_nothing_in_the_inventory() -> None:
    inv, graph = secret(target="nowhere")
    # the secret names a service outside the inventory: an external node, never a finding
    graph.g.add_node("https://other.example", label="x", kind="external", external=True, asset=None)
    graph.add_derived(JOB, "https://other.example", EdgeType.AUTHENTICATES_TO, {"name": "K"})
    never_fires(paths.secret_opens_service, inv, graph)


# -- XC-PATH-007 workload identity can redeploy production --------------------------------------


def redeploy(grant: EdgeType = EdgeType.CAN_DEPLOY) -> Any:
    return estate(
        [
            asset("notebook", NB),
            asset("identity", ROLE, service="iam"),
            asset("endpoint", ENDPOINT),
        ],
        [rel(NB, "runs-as", ROLE)],
        [(ROLE, ENDPOINT, grant, DEPLOY_GRANT)],
    )


def test_xc_path_007_notebook_identity_can_update_the_endpoint() -> None:
    f = fires_once(
        paths.workload_can_redeploy,
        *redeploy(),
        path=[NB, ROLE, ENDPOINT],
        edges=["runs-as", "can-deploy"],
    )
    assert f.severity is Severity.HIGH  # not exposed: high; exposed would be critical
    assert f.hops[1].evidence["actions"] == ["sagemaker:UpdateEndpoint"]


def test_xc_path_007_is_one_chain_per_workload_with_every_target_in_evidence() -> None:
    second, model = ENDPOINT + "-2", ENDPOINT.replace("endpoint", "model") + "-m"
    inv, graph = estate(
        [
            asset("notebook", NB),
            asset("identity", ROLE, service="iam"),
            asset("endpoint", second),
            asset("endpoint", ENDPOINT),
            asset("model", model),
        ],
        [rel(NB, "runs-as", ROLE)],
        [(ROLE, t, EdgeType.CAN_DEPLOY, DEPLOY_GRANT) for t in (model, second, ENDPOINT)],
    )
    f = fires_once(
        paths.workload_can_redeploy,
        inv,
        graph,
        path=[NB, ROLE, ENDPOINT],
        edges=["runs-as", "can-deploy"],
    )
    # an endpoint outranks the model; of the two endpoints the first id is the crown jewel
    assert f.asset_id == min(ENDPOINT, second)
    assert f.evidence["can_deploy_count"] == 3
    assert set(f.evidence["can_deploy"]) == {model, second, ENDPOINT}


def test_xc_path_007_a_models_own_serving_identity_is_not_an_entry() -> None:
    inv, graph = estate(
        [asset("model", NB), asset("identity", ROLE, service="iam"), asset("endpoint", ENDPOINT)],
        [rel(NB, "runs-as", ROLE)],
        [(ROLE, ENDPOINT, EdgeType.CAN_DEPLOY, DEPLOY_GRANT)],
    )
    never_fires(paths.workload_can_redeploy, inv, graph)


def test_xc_path_007_broken_when_the_role_can_only_invoke() -> None:
    never_fires(paths.workload_can_redeploy, *redeploy(EdgeType.CAN_INVOKE))


# -- XC-PATH-008 exposed GPU box, open metadata, role reaches AI data ----------------------------


def credential_theft(imds_v2_required: bool = False) -> Any:
    return estate(
        [
            asset(
                "gpu-compute",
                GPU,
                service="ec2",
                type="AWS::EC2::Instance",
                imds_v2_required=imds_v2_required,
                imds_enabled=True,
            ),
            asset("identity", ROLE, service="iam"),
            asset("bucket", DATA, service="s3"),
        ],
        [rel(GPU, "runs-as", ROLE)],
        [
            (INTERNET, GPU, EdgeType.EXPOSED_TO, {**EXPOSED, "ports": [22]}),
            (ROLE, DATA, EdgeType.CAN_READ, READ_GRANT),
        ],
    )


def test_xc_path_008_exposed_imdsv1_gpu_box_reaches_training_data() -> None:
    f = fires_once(
        paths.exposed_gpu_metadata_to_data,
        *credential_theft(),
        path=[INTERNET, GPU, ROLE, DATA],
        edges=["exposed-to", "runs-as", "can-read"],
    )
    assert f.hops[1].evidence == {"imds_v2_required": False}


def test_xc_path_008_one_chain_per_box_with_the_writable_store_as_crown_jewel() -> None:
    other = DATA + "-2"
    inv, graph = estate(
        [
            asset(
                "gpu-compute",
                GPU,
                service="ec2",
                type="AWS::EC2::Instance",
                imds_v2_required=False,
                imds_enabled=True,
            ),
            asset("identity", ROLE, service="iam"),
            asset("bucket", DATA, service="s3"),
            asset("bucket", other, service="s3"),
        ],
        [rel(GPU, "runs-as", ROLE)],
        [
            (INTERNET, GPU, EdgeType.EXPOSED_TO, {**EXPOSED, "ports": [22]}),
            (ROLE, DATA, EdgeType.CAN_READ, READ_GRANT),
            (ROLE, other, EdgeType.CAN_WRITE, WRITE_GRANT),
        ],
    )
    f = fires_once(
        paths.exposed_gpu_metadata_to_data,
        inv,
        graph,
        path=[INTERNET, GPU, ROLE, other],
        edges=["exposed-to", "runs-as", "can-write"],
    )
    assert f.evidence["reaches_count"] == 2 and set(f.evidence["reaches"]) == {DATA, other}


def test_xc_path_008_broken_when_imdsv2_is_required() -> None:
    never_fires(paths.exposed_gpu_metadata_to_data, *credential_theft(imds_v2_required=True))


# -- search properties -------------------------------------------------------------------------


def test_a_fine_tuning_cycle_terminates_and_still_finds_the_data() -> None:
    base = f"arn:aws:bedrock:us-east-1:{ACC}:custom-model/base"
    inv, graph = estate(
        [
            asset("endpoint", ENDPOINT),
            asset("model", MODEL),
            asset("model", base, service="bedrock"),
            asset("bucket", DATA, service="s3"),
        ],
        [
            rel(ENDPOINT, "serves", MODEL),
            rel(MODEL, "fine-tuned-from", base),
            rel(base, "fine-tuned-from", MODEL),  # a cycle in collected relations
            rel(MODEL, "serves", MODEL),
        ],
        [
            (base, DATA, EdgeType.TRAINED_ON, {"job": "j", "via": "customization"}),
            (ANONYMOUS, DATA, EdgeType.CAN_WRITE, {"source": "acl", "actions": ["WRITE"]}),
        ],
    )
    found, _ = path_findings(paths.public_data_poisons_deployed_model, inv, graph)
    assert [f.path for f in found] == [(ANONYMOUS, DATA, base, MODEL, ENDPOINT)]


def test_external_nodes_on_a_path_do_not_crash_any_chain() -> None:
    ghost_model = f"arn:aws:sagemaker:us-east-1:{ACC}:model/deleted"
    ghost_role = f"arn:aws:iam::{ACC}:role/not-read"
    inv, graph = estate(
        [asset("endpoint", ENDPOINT), asset("notebook", NB), asset("agent", AGENT)],
        [
            rel(ENDPOINT, "serves", ghost_model),
            rel(NB, "runs-as", ghost_role),
            rel(AGENT, "runs-as", ghost_role),
        ],
        [
            (INTERNET, NB, EdgeType.EXPOSED_TO, EXPOSED),
            (ghost_role, ghost_model, EdgeType.CAN_DEPLOY, {}),
        ],
    )
    assert graph.node(ghost_model)["external"] is True
    out = evaluate(inv, list(paths.RULES), graph=graph)
    # the external model is no crown jewel; no rule crashed (a crash shows as a manual evaluation)
    assert [f for f in out.findings if f.asset_id == ghost_model] == []
    assert [e for e in out.evaluations if e.reason.startswith("rule error")] == []


def test_two_routes_between_one_entry_and_one_jewel_are_one_finding_the_shortest() -> None:
    inv, graph = tampering()
    # a second, longer route: the same model is also stored in a second artifact bucket
    inv, graph = estate(
        [*inv.assets, asset("bucket", "arn:aws:s3:::mirror", service="s3")],
        [*inv.relations, rel(MODEL, "stores-artifact-in", "arn:aws:s3:::mirror")],
        [
            (INTERNET, NB, EdgeType.EXPOSED_TO, EXPOSED),
            (ROLE, ARTIFACTS, EdgeType.CAN_WRITE, WRITE_GRANT),
            (ROLE, "arn:aws:s3:::mirror", EdgeType.CAN_WRITE, WRITE_GRANT),
            (ROLE, MODEL, EdgeType.CAN_WRITE, {**WRITE_GRANT, "actions": ["sagemaker:*"]}),
        ],
    )
    found, _ = path_findings(paths.exposed_compute_tampers_served_model, inv, graph)
    assert len(found) == 1
    assert found[0].path == (INTERNET, NB, ROLE, MODEL, ENDPOINT)  # the shortest of three


def test_the_fingerprint_is_stable_and_keyed_on_entry_and_jewel() -> None:
    first, _ = path_findings(paths.exposed_compute_tampers_served_model, *tampering())
    again, _ = path_findings(paths.exposed_compute_tampers_served_model, *tampering())
    assert first[0].fingerprint == again[0].fingerprint
    assert first[0].fingerprint == fingerprint("XC-PATH-001", ENDPOINT, key=NB)


def test_path_search_on_a_large_cyclic_estate_finds_every_chain_once() -> None:
    # the timing at 10,000 assets is in benchmarks/bench_graph.py; this is the correctness
    # of the bounded search on a long fine-tune cycle and shared buckets
    assets = []
    relations = []
    derived: list[Derived] = []
    teams = 300
    for i in range(teams):
        nb, role, bucket = f"{NB}-{i}", f"{ROLE}-{i}", f"arn:aws:s3:::b-{i}"
        model, endpoint = f"{MODEL}-{i}", f"{ENDPOINT}-{i}"
        assets += [
            asset("notebook", nb),
            asset("identity", role, service="iam"),
            asset("bucket", bucket, service="s3"),
            asset("model", model),
            asset("endpoint", endpoint),
        ]
        relations += [
            rel(nb, "runs-as", role),
            rel(model, "stores-artifact-in", bucket),
            rel(endpoint, "serves", model),
            rel(model, "fine-tuned-from", f"{MODEL}-{(i + 1) % teams}"),  # one long cycle
        ]
        derived += [
            (INTERNET, nb, EdgeType.EXPOSED_TO, EXPOSED),
            (role, bucket, EdgeType.CAN_WRITE, WRITE_GRANT),
            (role, f"arn:aws:s3:::b-{(i + 1) % teams}", EdgeType.CAN_WRITE, WRITE_GRANT),
        ]
    inv, graph = estate(assets, relations, derived)
    out = evaluate(inv, list(paths.RULES), graph=graph)
    # each notebook reaches two buckets, each holding one served model: two chains apiece
    assert len([f for f in out.findings if f.rule_id == "XC-PATH-001"]) == 2 * teams


@pytest.mark.parametrize("chain", paths.RULES, ids=lambda r: r.meta.id)
def test_every_chain_is_a_cross_cloud_graph_rule_with_atlas_and_owasp(chain: GraphRuleFunc) -> None:
    m = chain.meta
    assert m.graph and m.category is Category.ATTACK_PATH and not m.clouds
    assert m.id.startswith("XC-PATH-")
    assert any(r.startswith("MITRE ATLAS AML.T") for r in m.references)
    assert any(r.startswith("OWASP") for r in m.references)


# -- the same chains on Azure and Google Cloud -------------------------------------------------

SUB = "/subscriptions/0000/resourceGroups/ml/providers"
AZ_COMPUTE = f"{SUB}/Microsoft.MachineLearningServices/workspaces/ws/computes/gpu-ci"
AZ_IDENTITY = f"{SUB}/Microsoft.ManagedIdentity/userAssignedIdentities/ci-identity"
AZ_STORAGE = f"{SUB}/Microsoft.Storage/storageAccounts/wsartifacts"
AZ_MODEL = f"{SUB}/Microsoft.MachineLearningServices/workspaces/ws/models/fraud/versions/3"
AZ_ENDPOINT = f"{SUB}/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/fraud"


def azure_tampering(grant: EdgeType) -> Any:
    az: dict[str, Any] = {"cloud": Cloud.AZURE, "account": "0000", "region": "westeurope"}
    return estate(
        [
            asset("gpu-compute", AZ_COMPUTE, service="ml", **az),
            asset("identity", AZ_IDENTITY, service="identity", **az),
            asset("bucket", AZ_STORAGE, service="storage", **az),
            asset("model", AZ_MODEL, service="ml", **az),
            asset("endpoint", AZ_ENDPOINT, service="ml", **az),
        ],
        [
            rel(AZ_COMPUTE, "runs-as", AZ_IDENTITY),
            rel(AZ_MODEL, "stores-artifact-in", AZ_STORAGE),
            rel(AZ_ENDPOINT, "serves", AZ_MODEL),
        ],
        [
            (INTERNET, AZ_COMPUTE, EdgeType.EXPOSED_TO, {**EXPOSED, "ports": [22]}),
            (
                AZ_IDENTITY,
                AZ_STORAGE,
                grant,
                {
                    "source": "role-assignment",
                    "policy": "Storage Blob Data Contributor",
                    "actions": ["Microsoft.Storage/.../blobs/write"],
                    "resource": AZ_STORAGE,
                },
            ),
        ],
    )


def test_xc_path_001_on_azure_ml_compute_and_online_endpoint() -> None:
    f = fires_once(
        paths.exposed_compute_tampers_served_model,
        *azure_tampering(EdgeType.CAN_WRITE),
        path=[INTERNET, AZ_COMPUTE, AZ_IDENTITY, AZ_STORAGE, AZ_MODEL, AZ_ENDPOINT],
        edges=["exposed-to", "runs-as", "can-write", "stores-artifact-in", "serves"],
    )
    assert f.cloud is Cloud.AZURE and f.hops[2].evidence["source"] == "role-assignment"
    never_fires(paths.exposed_compute_tampers_served_model, *azure_tampering(EdgeType.CAN_READ))


GKE_POOL = "//container.googleapis.com/projects/p/locations/us-central1/clusters/c/nodePools/gpu"
GSA = "projects/p/serviceAccounts/nodes@p.iam.gserviceaccount.com"
GCS = "//storage.googleapis.com/projects/_/buckets/tuning-data"


def gcp_credential_theft(legacy: bool) -> Any:
    gcp: dict[str, Any] = {"cloud": Cloud.GCP, "account": "p", "region": "us-central1"}
    return estate(
        [
            asset(
                "gpu-compute",
                GKE_POOL,
                service="container",
                type="container.googleapis.com/NodePool",
                legacy_metadata_endpoints=legacy,
                **gcp,
            ),
            asset("identity", GSA, service="iam", **gcp),
            asset("bucket", GCS, service="storage", **gcp),
        ],
        [rel(GKE_POOL, "runs-as", GSA)],
        [
            (INTERNET, GKE_POOL, EdgeType.EXPOSED_TO, {**EXPOSED, "ports": [443]}),
            (
                GSA,
                GCS,
                EdgeType.CAN_WRITE,
                {
                    "source": "iam-binding",
                    "policy": "roles/storage.objectAdmin",
                    "actions": ["storage.objects.create"],
                    "resource": "projects/p",
                },
            ),
        ],
    )


def test_xc_path_008_on_a_gke_gpu_pool_with_legacy_metadata_endpoints() -> None:
    f = fires_once(
        paths.exposed_gpu_metadata_to_data,
        *gcp_credential_theft(legacy=True),
        path=[INTERNET, GKE_POOL, GSA, GCS],
        edges=["exposed-to", "runs-as", "can-write"],
    )
    assert f.hops[1].evidence == {"legacy_metadata_endpoints": True}
    never_fires(paths.exposed_gpu_metadata_to_data, *gcp_credential_theft(legacy=False))


def test_no_chain_errors_on_assets_whose_facts_were_not_read() -> None:
    """Every registered resource type with nothing read (every fact UNREAD, which refuses a
    truth value) joined by every edge type: the chains answer, none ends as a rule error."""
    from aiscan.core.facts.base import registry

    kinds = list(AssetKind)
    assets = [
        asset(kinds[i % len(kinds)], f"arn:aws:test:us-east-1:{ACC}:r/{i}", type=t)
        for i, t in enumerate(sorted(registry()) * 2)
    ]
    ids = [a.id for a in assets]
    relations = [
        rel(a, t.value, b) for a, b in zip(ids, ids[1:], strict=False) for t in RelationType
    ]
    derived: list[Derived] = [(INTERNET, i, EdgeType.EXPOSED_TO, EXPOSED) for i in ids[::3]]
    derived += [
        (a, b, e, WRITE_GRANT)
        for a, b in zip(ids, ids[2:], strict=False)
        for e in (EdgeType.CAN_WRITE, EdgeType.CAN_READ, EdgeType.CAN_DEPLOY)
    ]
    inv, graph = estate(assets, relations, derived)
    out = evaluate(inv, list(paths.RULES), graph=graph)
    errors = [e.reason for e in out.evaluations if "rule error" in e.reason]
    assert not errors, errors[:3]
