"""Cross-cloud derived edges on hand-built inventories: trained-on, loads-from-hub, pulls-image,
authenticates-to; and bad input (external ends, cycles)."""

from __future__ import annotations

from typing import Any

from aiscan.core.graph.build import build_graph
from aiscan.core.graph.model import EdgeType, EstateGraph, hub_node, registry_node
from aiscan.core.model import Asset, AssetKind, Cloud, RelationType
from tests.factories import asset, inventory, rel

ACCOUNT = "123456789012"
MODEL = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:model/m"
JOB = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:training-job/j"
DATA = "arn:aws:s3:::training-data"
ENDPOINT = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:endpoint/e"


def model(id: str = MODEL, **facts: Any) -> Asset:  # noqa: A002
    return asset(AssetKind.MODEL, id, type="AWS::SageMaker::Model", **facts)


def out(graph: EstateGraph, source: str, kind: EdgeType) -> dict[str, dict[str, Any]]:
    return {t: dict(d["evidence"]) for t, d in graph.out_edges(source, kind)}


def test_trained_on_follows_produced_by_then_reads_data_from():
    job = asset(AssetKind.TRAINING_JOB, JOB, type="AWS::SageMaker::TrainingJob")
    store = asset(AssetKind.BUCKET, DATA, service="s3", type="AWS::S3::Bucket")
    g = build_graph(
        inventory(
            [model(), job, store],
            [
                rel(MODEL, RelationType.PRODUCED_BY, JOB),
                rel(JOB, RelationType.READS_DATA_FROM, DATA),
                rel(JOB, RelationType.WRITES_DATA_TO, "arn:aws:s3:::out"),
            ],
        )
    )
    assert out(g, MODEL, EdgeType.TRAINED_ON) == {
        DATA: {"job": JOB, "via": "produced-by/reads-data-from"}
    }
    # the job itself is not "trained on" anything; only what the model came from
    assert out(g, JOB, EdgeType.TRAINED_ON) == {}


def test_trained_on_a_custom_models_own_training_data_and_through_a_dataset():
    custom = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:custom-model/c"
    dataset = "projects/p/locations/l/datasets/d"
    g = build_graph(
        inventory(
            [
                asset(AssetKind.MODEL, custom, service="bedrock", type="AWS::Bedrock::CustomModel"),
                asset(AssetKind.DATASET, dataset, cloud=Cloud.GCP, type="test::dataset"),
                model(),
            ],
            [
                rel(custom, RelationType.READS_DATA_FROM, DATA),  # DATA is outside: external
                rel(MODEL, RelationType.PRODUCED_BY, JOB),
                rel(JOB, RelationType.READS_DATA_FROM, dataset),
                rel(dataset, RelationType.READS_DATA_FROM, "gs://raw"),
            ],
        )
    )
    assert out(g, custom, EdgeType.TRAINED_ON) == {DATA: {"job": None, "via": "reads-data-from"}}
    assert g.node(DATA)["external"] is True
    assert set(out(g, MODEL, EdgeType.TRAINED_ON)) == {dataset, "gs://raw"}
    assert out(g, MODEL, EdgeType.TRAINED_ON)["gs://raw"]["via"] == (
        "produced-by/reads-data-from/reads-data-from"
    )


def test_a_cycle_of_relations_terminates_and_externals_are_kept():
    a, b = MODEL, JOB
    g = build_graph(
        inventory(
            [model(), asset(AssetKind.TRAINING_JOB, JOB, type="AWS::SageMaker::TrainingJob")],
            [
                rel(a, RelationType.PRODUCED_BY, b),
                rel(b, RelationType.PRODUCED_BY, a),
                rel(b, RelationType.READS_DATA_FROM, a),
                rel(a, RelationType.READS_DATA_FROM, b),
                rel(a, RelationType.RUNS_AS, "arn:aws:iam::999999999999:role/elsewhere"),
            ],
        )
    )
    assert g.node("arn:aws:iam::999999999999:role/elsewhere")["external"] is True
    assert MODEL not in out(g, MODEL, EdgeType.TRAINED_ON)  # never an edge to itself
    # an external node and an id the graph never saw have no asset behind them (no KeyError)
    assert g.asset("arn:aws:iam::999999999999:role/elsewhere") is None
    assert g.asset("arn:aws:iam::999999999999:role/never-seen") is None
    assert g.asset(MODEL) is not None


def test_loads_from_hub_and_public_images():
    m = model(
        hub_model={
            "repo_id": "org/llm",
            "revision": None,
            "pinned": False,
            "variable": "HF_MODEL_ID",
        },
        trust_remote_code="HF_TRUST_REMOTE_CODE",
        containers=[
            {"image": "huggingface/transformers-pytorch-gpu:latest"},
            {"image": "ghcr.io/org/tool@sha256:" + "a" * 64},
            {"image": f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/private:1"},
            {"image": "docker.io/library/python:3.11"},
        ],
    )
    g = build_graph(inventory([m]))
    (hub,) = out(g, MODEL, EdgeType.LOADS_FROM_HUB).items()
    assert hub[0] == hub_node("huggingface.co")
    assert hub[1]["repo_id"] == "org/llm" and hub[1]["pinned"] is False
    assert hub[1]["trust_remote_code"] is True
    assert g.node(hub_node("huggingface.co"))["synthetic"] is True
    images = out(g, MODEL, EdgeType.PULLS_IMAGE)
    assert set(images) == {registry_node("docker.io"), registry_node("ghcr.io")}
    assert images[registry_node("docker.io")]["pinned"] is False
    assert images[registry_node("ghcr.io")]["pinned"] is True

    pinned = model(hub_model={"repo_id": "org/llm", "revision": "abc", "pinned": True})
    (ev,) = out(build_graph(inventory([pinned])), MODEL, EdgeType.LOADS_FROM_HUB).values()
    assert ev["pinned"] is True and ev["trust_remote_code"] is None  # not read
    assert (
        out(build_graph(inventory([model(hub_model=None)])), MODEL, EdgeType.LOADS_FROM_HUB) == {}
    )


def _service(id: str, url: str, cloud: Cloud = Cloud.AZURE) -> Asset:  # noqa: A002
    return asset(
        AssetKind.LLM_SERVICE,
        id,
        cloud=cloud,
        service="cognitive",
        type="test::service",
        endpoint_url=url,
    )


def test_a_secret_next_to_an_inventory_endpoint_authenticates_to_it():
    oai = "/subscriptions/s/resourceGroups/r/providers/Microsoft.CognitiveServices/accounts/oai"
    other = "/subscriptions/s/resourceGroups/r/providers/Microsoft.CognitiveServices/accounts/x"
    m = model(
        containers=[
            {
                "environment": {
                    "AZURE_OPENAI_API_KEY": "<redacted>",
                    "AZURE_OPENAI_ENDPOINT": "https://oai.openai.azure.com/",
                    "UNRELATED_URL": "https://x.cognitiveservices.azure.com",
                    "TRAINING_DATA": "s3://training-data/part-1",
                    "AWS_ACCESS_KEY_ID": "<redacted>",
                }
            }
        ],
        secrets=[
            {"location": "container[0].environment", "name": "AZURE_OPENAI_API_KEY",
             "kind": "secret-named-variable"},
            {"location": "container[0].environment", "name": "AWS_ACCESS_KEY_ID",
             "kind": "aws-access-key-id"},
        ],
    )  # fmt: skip
    store = asset(AssetKind.BUCKET, DATA, service="s3", type="AWS::S3::Bucket")
    g = build_graph(
        inventory(
            [m, store, _service(oai, "https://oai.openai.azure.com/"),
             _service(other, "https://x.cognitiveservices.azure.com/")]
        )
    )  # fmt: skip
    found = out(g, MODEL, EdgeType.AUTHENTICATES_TO)
    assert set(found) == {oai, DATA}
    assert found[oai] == {
        "location": "container[0].environment",
        "name": "AZURE_OPENAI_API_KEY",
        "kind": "secret-named-variable",
        "reference": "oai.openai.azure.com",
        "reference_variable": "AZURE_OPENAI_ENDPOINT",
        "paired_by": "variable-prefix",
    }
    assert found[DATA]["kind"] == "aws-access-key-id" and found[DATA]["paired_by"] == "key-kind"
    assert "<redacted>" not in str(found)


def test_no_pairing_without_a_shared_name_or_a_matching_kind():
    m = model(
        containers=[
            {"environment": {"GITHUB_TOKEN": "<redacted>", "A_KEY": "<redacted>",
                             "SERVICE_URL": "https://oai.openai.azure.com"}}
        ],
        secrets=[
            {"location": "c", "name": "GITHUB_TOKEN", "kind": "github-token"},
            {"location": "c", "name": "A_KEY", "kind": "secret-named-variable"},
        ],
    )  # fmt: skip
    oai = "/subscriptions/s/x/accounts/oai"
    g = build_graph(inventory([m, _service(oai, "https://oai.openai.azure.com/")]))
    # one usable secret and one reference: paired as the only candidates
    assert out(g, MODEL, EdgeType.AUTHENTICATES_TO)[oai]["paired_by"] == (
        "only-secret-and-reference"
    )
    aws_key = model(
        containers=[{"environment": {"KEY": "<redacted>", "URL": "https://oai.openai.azure.com"}}],
        secrets=[{"location": "c", "name": "KEY", "kind": "aws-access-key-id"}],
    )
    g = build_graph(inventory([aws_key, _service(oai, "https://oai.openai.azure.com/")]))
    assert out(g, MODEL, EdgeType.AUTHENTICATES_TO) == {}  # an AWS key does not open Azure


def test_an_asset_whose_facts_do_not_validate_derives_nothing_and_breaks_nothing():
    from tests.factories import raw_asset

    bad_role = raw_asset(
        AssetKind.IDENTITY, "arn:aws:iam::123456789012:role/bad", type="AWS::IAM::Role",
        policy_statements="not a list",
    )  # fmt: skip
    bad_box = raw_asset(
        AssetKind.GPU_COMPUTE, "arn:aws:ec2:us-east-1:123456789012:instance/i-bad",
        type="AWS::EC2::Instance", public_ip=7, internet_open_ports="all",
    )  # fmt: skip
    good = model(containers=[{"image": "ghcr.io/org/x:1"}])
    g = build_graph(
        inventory([bad_role, bad_box, good], [rel(bad_box.id, RelationType.RUNS_AS, bad_role.id)])
    )
    assert [d["type"] for _, _, d in g.edges() if d["derived"]] == ["pulls-image"]
    assert list(g.out_edges(bad_box.id, EdgeType.RUNS_AS))  # the relation itself is kept
