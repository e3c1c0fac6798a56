from aiscan.core.engine import evaluate
from aiscan.core.inventory import InventoryBuilder
from aiscan.core.model import (
    AssetKind,
    Category,
    Cloud,
    Coverage,
    CoverageStatus,
    Relation,
    RelationType,
    ResultStatus,
    Severity,
)
from aiscan.core.rules import Result, rule
from tests.factories import asset, inventory


def _rule(id_, severity, category, kind, *, title="t", references=("x",)):
    """A test rule on one asset kind (the metadata the engine does not read is filler)."""
    return rule(
        id=id_,
        title=title,
        severity=severity,
        category=category,
        kinds=(kind,),
        description="d",
        risk="r",
        remediation="fix",
        references=references,
    )


@_rule("T-1", Severity.MEDIUM, Category.ENCRYPTION, AssetKind.BUCKET)
def needs_kms(a, ctx):
    if "kms_key" not in a.attributes:
        return Result.manual("not read")
    return Result.ok() if a.attributes["kms_key"] else Result.fail("no key", evidence={"k": None})


@_rule("T-2", Severity.HIGH, Category.ENCRYPTION, AssetKind.BUCKET, title="boom", references=())
def broken(a, ctx):
    raise KeyError("surprise")


def test_engine_results_and_fingerprints_are_stable():
    inv = inventory(
        [
            asset("bucket", "arn:aws:s3:::good", kms_key="k"),
            asset("bucket", "arn:aws:s3:::bad", kms_key=None),
            asset("bucket", "arn:aws:s3:::unknown"),
            asset("model", "arn:aws:sagemaker:us-east-1:1:model/m"),
        ]
    )
    out = evaluate(inv, [needs_kms, broken])
    assert [f.asset_id for f in out.findings] == ["arn:aws:s3:::bad"]
    f = out.findings[0]
    assert (f.severity, f.category, f.remediation) == (Severity.MEDIUM, Category.ENCRYPTION, "fix")
    # medium 5.5 x internal 0.6 x blast radius 0.7 (its identities reach nothing) = 2.31
    assert f.risk is not None
    assert [(r.name, r.value, r.level) for r in f.risk.factors] == [
        ("severity", 5.5, "medium"),
        ("exposure", 0.6, "internal"),
        ("blast-radius", 0.7, "0 reachable"),
    ]
    assert f.risk_score == f.risk.score == 2.3
    statuses = {(e.rule_id, e.asset_id): e.status for e in out.evaluations}
    assert statuses[("T-1", "arn:aws:s3:::good")] is ResultStatus.PASS
    assert statuses[("T-1", "arn:aws:s3:::unknown")] is ResultStatus.MANUAL
    # a crashing rule is reported as manual for each asset, never a crash or a pass
    assert statuses[("T-2", "arn:aws:s3:::good")] is ResultStatus.MANUAL
    reasons = {e.reason for e in out.evaluations if e.rule_id == "T-2"}
    assert reasons == {"rule error: KeyError: 'surprise'"}
    again = evaluate(inv, [needs_kms])
    assert again.findings[0].fingerprint == f.fingerprint


def test_builder_merges_and_keeps_worst_coverage():
    b = InventoryBuilder()
    b.add_asset(asset("bucket", "arn:aws:s3:::b", public=False))
    b.add_asset(asset("bucket", "arn:aws:s3:::b", versioning="Enabled"))
    b.add_relation("m", RelationType.STORES_ARTIFACT_IN, "arn:aws:s3:::b")
    b.add_relation("m", RelationType.STORES_ARTIFACT_IN, "arn:aws:s3:::b")
    cov = {"cloud": Cloud.AWS, "account": "1", "region": "us-east-1", "service": "s3"}
    b.add_coverage(Coverage(**cov, status=CoverageStatus.OK, assets=2))
    b.add_coverage(Coverage(**cov, status=CoverageStatus.DENIED, message="AccessDenied"))
    inv = b.build()
    assert inv.assets[0].attributes == {"public": False, "versioning": "Enabled"}
    assert len(inv.relations) == 1
    assert inv.coverage[0].status is CoverageStatus.DENIED and inv.coverage[0].assets == 2
    assert inv.incoming("arn:aws:s3:::b")[0].source == "m"


# -- risk and graph rules -------------------------------------------------------------------------


def _graph_with(inv, derived):
    from aiscan.core.graph import ANONYMOUS, INTERNET
    from aiscan.core.graph.build import build_graph

    graph = build_graph(inv)
    graph.add_synthetic(INTERNET, "internet", "internet")
    graph.add_synthetic(ANONYMOUS, "anonymous", "anyone")
    for source, target, edge, evidence in derived:
        graph.add_derived(source, target, edge, evidence)
    return graph


def test_exposure_is_decided_from_the_graph_and_ranks_findings():
    from aiscan.core.graph import ANONYMOUS, INTERNET, EdgeType

    role = "arn:aws:iam::1:role/r"
    inv = inventory(
        [
            asset("bucket", "arn:aws:s3:::open", kms_key=None),
            asset("bucket", "arn:aws:s3:::anon", kms_key=None),
            asset("bucket", "arn:aws:s3:::granted", kms_key=None),
            asset("bucket", "arn:aws:s3:::bad", kms_key=None),
            asset("identity", role, service="iam"),
        ]
    )
    graph = _graph_with(
        inv,
        [
            (INTERNET, "arn:aws:s3:::open", EdgeType.EXPOSED_TO, {"reason": "allUsers"}),
            (ANONYMOUS, "arn:aws:s3:::anon", EdgeType.CAN_READ, {"source": "acl"}),
            (role, "arn:aws:s3:::granted", EdgeType.CAN_READ, {"source": "iam-policy"}),
        ],
    )
    out = evaluate(inv, [needs_kms], graph=graph)
    level = {f.asset_id: f.risk.factors[1].level for f in out.findings}
    assert level == {
        "arn:aws:s3:::open": "internet",
        "arn:aws:s3:::anon": "internet",
        "arn:aws:s3:::granted": "authenticated",
        "arn:aws:s3:::bad": "internal",
    }
    score = {f.asset_id: f.risk_score for f in out.findings}
    assert score["arn:aws:s3:::open"] > score["arn:aws:s3:::granted"] > score["arn:aws:s3:::bad"]
    assert [f.asset_id for f in out.findings][-1] == "arn:aws:s3:::bad"  # by risk
    why = next(f for f in out.findings if f.asset_id == "arn:aws:s3:::open").risk.factors[1].why
    assert "allUsers" in why


@_rule("T-3", Severity.HIGH, Category.IDENTITY, AssetKind.NOTEBOOK)
def notebook_rule(a, ctx):
    return Result.fail("n")


def test_blast_radius_counts_what_the_identities_reach_and_saturates():
    from aiscan.core.graph import EdgeType

    def blast(n_buckets, admin=False):
        role = "arn:aws:iam::1:role/r"
        buckets = [f"arn:aws:s3:::b{i}" for i in range(n_buckets)]
        inv = inventory(
            [
                asset("notebook", "arn:aws:sagemaker:us-east-1:1:notebook-instance/nb"),
                asset("identity", role, service="iam", type="AWS::IAM::Role", administrator=admin),
                *[asset("bucket", b, service="s3") for b in buckets],
            ],
            [
                Relation(
                    source="arn:aws:sagemaker:us-east-1:1:notebook-instance/nb",
                    type=RelationType.RUNS_AS,
                    target=role,
                )
            ],
        )
        graph = _graph_with(inv, [(role, b, EdgeType.CAN_WRITE, {"source": "x"}) for b in buckets])
        [f] = evaluate(inv, [notebook_rule], graph=graph).findings
        return f.risk.factors[2], f.risk_score

    none, s0 = blast(0)
    two, s2 = blast(2)
    five, s5 = blast(5)
    many, s9 = blast(9)
    admin, sa = blast(0, admin=True)
    assert (none.value, two.value, five.value, many.value, admin.value) == (
        0.7,
        0.82,
        1.0,
        1.0,
        1.0,
    )
    assert (two.level, admin.level) == ("2 reachable", "administrator")
    assert "b0" in two.why
    assert s0 < s2 < s5 == s9 == sa
    # high 8.0 x internal 0.6 x 0.7 = 3.36; x 1.0 = 4.8
    assert (s0, s5) == (3.4, 4.8)


def test_graph_rules_run_once_on_the_graph_paths_lead_and_a_crash_is_manual():
    from aiscan.core.graph import EdgeType
    from aiscan.core.model import PathHop
    from aiscan.core.rules import PathResult, graph_rule

    nb = "arn:aws:sagemaker:us-east-1:1:notebook-instance/nb"
    calls = []

    @graph_rule(
        id="T-PATH-1",
        title="t",
        severity=Severity.LOW,
        kinds=(AssetKind.BUCKET,),
        description="d",
        risk="r",
        remediation="fix",
        references=("x",),
    )
    def chain(graph):
        calls.append(graph)
        for target, data in graph.out_edges(nb, EdgeType.WRITES_DATA_TO):
            hop = PathHop(source=nb, edge=data["type"], target=target)
            yield PathResult(path=(nb, target), hops=(hop,), reason="r")
            yield PathResult(path=(nb, target), hops=(hop,), reason="dup")  # deduplicated

    @graph_rule(
        id="T-PATH-2",
        title="t",
        severity=Severity.LOW,
        kinds=(AssetKind.BUCKET,),
        description="d",
        risk="r",
        remediation="fix",
        references=("x",),
    )
    def crashing(graph):
        raise RuntimeError("boom")
        yield

    inv = inventory(
        [asset("notebook", nb), asset("bucket", "arn:aws:s3:::out", kms_key=None)],
        [Relation(source=nb, type=RelationType.WRITES_DATA_TO, target="arn:aws:s3:::out")],
    )
    out = evaluate(inv, [needs_kms, notebook_rule, chain, crashing])
    assert len(calls) == 1  # once per evaluation, not per asset
    first = out.findings[0]
    assert (first.rule_id, first.category, first.asset_id) == (
        "T-PATH-1",
        Category.ATTACK_PATH,
        "arn:aws:s3:::out",
    )
    assert [f.rule_id for f in out.findings].count("T-PATH-1") == 1
    # a low path on two assets still scores above the high finding on the notebook
    assert first.risk_score > max(f.risk_score for f in out.findings[1:])
    assert "raised" in first.risk.factors[0].why
    [manual] = [e for e in out.evaluations if e.rule_id == "T-PATH-2"]
    assert manual.status is ResultStatus.MANUAL and "boom" in manual.reason
    assert not chain.meta.applies_to(inv.assets[0])
