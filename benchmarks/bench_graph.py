"""Benchmark building the security graph (with every derived edge) of a synthetic estate.

    python benchmarks/bench_graph.py                  # 10,000 assets, 300 roles
    python benchmarks/bench_graph.py --assets 50000 --roles 1000

No network and no emulator: the inventory is made in memory from typed facts, shaped like what
the AWS collector produces (bench_scale.py measures the collector itself). Per team: buckets,
SageMaker models stored in them and served by endpoints, training jobs reading them, GPU
instances (a tenth with a public IP and an open port), notebooks, ECR repositories and a role
per team with scoped statements; every role also carries a shared managed policy in the style
of AmazonSageMakerFullAccess (s3 on `*SageMaker*` buckets, sagemaker:* on *), a Deny, a
conditional statement and NotAction, and a few roles are administrators. The graph is built
once for wall time and once under tracemalloc for peak memory; the edge counts by type are
printed so a change in what is derived shows.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiscan.core.engine import evaluate  # noqa: E402
from aiscan.core.graph.build import build_graph  # noqa: E402
from aiscan.core.inventory import Inventory  # noqa: E402
from aiscan.core.model import Asset, AssetKind, Cloud, Relation, RelationType  # noqa: E402

ACCOUNT = "123456789012"
REGION = "us-east-1"
SM = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}"
SHARED = {
    "policy": "AmazonSageMakerFullAccess",
    "policy_arn": "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess",
}


def _asset(kind: AssetKind, id_: str, type_: str, service: str, **attrs: object) -> Asset:
    return Asset(
        id=id_,
        cloud=Cloud.AWS,
        account=ACCOUNT,
        region=REGION,
        kind=kind,
        service=service,
        type=type_,
        name=id_.rsplit("/", 1)[-1].rsplit(":", 1)[-1],
        attributes=dict(attrs),
    )


def _role_statements(team: int, admin: bool) -> list[dict[str, object]]:
    own = f"arn:aws:s3:::team-{team}-*"
    statements: list[dict[str, object]] = [
        {"policy": "team", "effect": "Allow", "actions": ["s3:GetObject", "s3:PutObject"],
         "resources": [f"{own}/*"]},
        {"policy": "team", "effect": "Allow", "actions": ["sagemaker:InvokeEndpoint*"],
         "resources": [f"arn:aws:sagemaker:*:{ACCOUNT}:endpoint/team-{team}-*"]},
        {"policy": "team", "effect": "Deny", "actions": ["s3:DeleteObject"], "resources": ["*"]},
        {"policy": "team", "effect": "Allow", "actions": ["ecr:BatchGetImage"],
         "resources": ["*"], "has_condition": True},
        {"policy": "team", "effect": "Allow", "not_actions": ["iam:*", "s3:*"],
         "resources": [f"arn:aws:sagemaker:*:*:model-package/team-{team}-*"]},
        {**SHARED, "effect": "Allow", "actions": ["s3:GetObject", "s3:PutObject"],
         "resources": ["arn:aws:s3:::*SageMaker*", "arn:aws:s3:::*sagemaker*/*"]},
        {**SHARED, "effect": "Allow", "actions": ["sagemaker:Describe*", "sagemaker:List*"],
         "resources": ["*"]},
    ]  # fmt: skip
    if admin:
        statements.append({"policy": "AdministratorAccess", "effect": "Allow", "actions": ["*"],
                           "resources": ["*"]})  # fmt: skip
    return statements


def estate(n_assets: int, n_roles: int) -> Inventory:
    assets: list[Asset] = []
    rels: list[Relation] = []
    per_team = max(1, n_assets // n_roles)
    team = 0
    while len(assets) < n_assets:
        t = team % n_roles
        role = f"arn:aws:iam::{ACCOUNT}:role/team-{t}"
        if team < n_roles:
            assets.append(
                _asset(AssetKind.IDENTITY, role, "AWS::IAM::Role", "iam",
                       policy_statements=_role_statements(t, admin=t % 100 == 0))
            )  # fmt: skip
        i = team
        budget = per_team - 1
        while budget > 0 and len(assets) < n_assets:
            bucket = f"arn:aws:s3:::team-{t}-data-{i}-{budget}"
            model = f"{SM}:model/team-{t}-m-{i}-{budget}"
            endpoint = f"{SM}:endpoint/team-{t}-e-{i}-{budget}"
            job = f"{SM}:training-job/team-{t}-j-{i}-{budget}"
            instance = f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/i-{i:06d}{budget:04d}"
            public = (i + budget) % 10 == 0
            assets += [
                _asset(AssetKind.BUCKET, bucket, "AWS::S3::Bucket", "s3", public=False, owned=True),
                _asset(AssetKind.MODEL, model, "AWS::SageMaker::Model", "sagemaker",
                       containers=[{"image": "docker.io/org/serve:latest"}]),
                _asset(AssetKind.ENDPOINT, endpoint, "AWS::SageMaker::Endpoint", "sagemaker",
                       authenticated=True),
                _asset(AssetKind.TRAINING_JOB, job, "AWS::SageMaker::TrainingJob", "sagemaker"),
                _asset(AssetKind.GPU_COMPUTE, instance, "AWS::EC2::Instance", "ec2",
                       public_ip="203.0.113.7" if public else None,
                       internet_open_ports=[{"protocol": "tcp", "from": 22, "to": 22}]),
            ]  # fmt: skip
            rels += [
                Relation(source=endpoint, type=RelationType.SERVES, target=model),
                Relation(source=model, type=RelationType.STORES_ARTIFACT_IN, target=bucket),
                Relation(source=model, type=RelationType.RUNS_AS, target=role),
                Relation(source=model, type=RelationType.PRODUCED_BY, target=job),
                Relation(source=job, type=RelationType.READS_DATA_FROM, target=bucket),
                Relation(source=instance, type=RelationType.RUNS_AS, target=role),
            ]
            budget -= 5
        team += 1
    return Inventory.of(assets[:n_assets], rels)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--roles", type=int, default=300)
    args = parser.parse_args()
    inv = estate(args.assets, args.roles)
    for a in inv.assets:  # typed facts are validated by the collector, not by the graph
        a.facts  # noqa: B018
    start, cpu = time.perf_counter(), time.process_time()
    graph = build_graph(inv)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    tracemalloc.start()
    build_graph(inv)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    kinds = Counter(d["type"] for _, _, d in graph.edges() if d["derived"])
    print(f"assets      {len(inv.assets):,} ({args.roles} roles), relations {len(inv.relations):,}")
    print(f"graph       {graph.g.number_of_nodes():,} nodes, {graph.g.number_of_edges():,} edges")
    print("derived     " + ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items())))
    print(f"build       {wall:.2f} s wall, {cpu:.2f} s CPU")
    print(f"peak        {peak / 2**20:.1f} MiB (tracemalloc, second build)")
    # path search: the XC-PATH graph rules on the built graph (risk scoring included)
    from aiscan.rules.paths import RULES as PATH_RULES

    start, cpu = time.perf_counter(), time.process_time()
    out = evaluate(inv, list(PATH_RULES), graph=graph)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    tracemalloc.start()
    evaluate(inv, list(PATH_RULES), graph=graph)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    found = Counter(f.rule_id for f in out.findings)
    print("paths       " + (", ".join(f"{k} {v:,}" for k, v in sorted(found.items())) or "none"))
    print(f"search      {wall:.2f} s wall, {cpu:.2f} s CPU, peak {peak / 2**20:.1f} MiB")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"process     {rss:.0f} MiB peak resident (estate, graph and findings together)")


if __name__ == "__main__":
    main()
