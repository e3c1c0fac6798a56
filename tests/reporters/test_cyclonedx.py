"""The CycloneDX AI-BOM: the demo estate's BOM validates (1.6, and 1.7 behind the flag) with the
library's strict validator, and holds every model, endpoint, dataset and bucket of the inventory
with its dependencies, purls, hashes and properties; model cards hold only what is known."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from aiscan.core.model import AssetKind, RelationType, ScanInfo, ScanResult, ToolInfo
from aiscan.reporters.cyclonedx import CycloneDxReporter, add_ai_parts, build_bom
from tests.factories import asset, rel

COMPONENT_KINDS = {"model": "machine-learning-model", "dataset": "data", "bucket": "data",
                   "knowledge-base": "data"}  # fmt: skip
SERVICE_KINDS = {"endpoint", "llm-service", "llm-deployment", "agent"}
BEDROCK = "arn:aws:bedrock:us-east-1:123456789012"
VALIDATORS = {"1.6": SchemaVersion.V1_6, "1.7": SchemaVersion.V1_7}


def validate(text: str, spec: str = "1.6") -> None:
    error = JsonStrictValidator(VALIDATORS[spec]).validate_str(text)
    assert error is None, str(error)[:2000]


@pytest.fixture(scope="module")
def demo(demo_run: dict[str, str]) -> tuple[dict[str, Any], str]:
    """(the JSON report, the BOM text) of the session's `aiscan demo` run."""
    return json.loads(demo_run["json"]), demo_run["cyclonedx"]


def props(node: dict[str, Any]) -> dict[str, str]:
    return {p["name"]: p["value"] for p in node.get("properties", [])}


def test_demo_bom_validates_against_cyclonedx_1_6(demo: tuple[dict[str, Any], str]) -> None:
    _, text = demo
    validate(text, "1.6")
    bom = json.loads(text)
    assert (bom["bomFormat"], bom["specVersion"]) == ("CycloneDX", "1.6")
    assert any(t["name"] == "aiscan" for t in bom["metadata"]["tools"]["components"])
    assert props(bom["metadata"])["aiscan:scan:incomplete"] == "false"


def test_1_7_is_the_same_content_and_validates_against_1_7(
    demo: tuple[dict[str, Any], str],
) -> None:
    doc, text16 = demo
    text17 = CycloneDxReporter(spec="1.7").render(ScanResult.model_validate(doc))
    validate(text17, "1.7")
    bom16, bom17 = json.loads(text16), json.loads(text17)
    assert bom17["specVersion"] == "1.7"
    assert bom16["components"] == bom17["components"]
    assert bom16["services"] == bom17["services"]
    assert bom16["dependencies"] == bom17["dependencies"]


def test_every_model_endpoint_dataset_and_bucket_appears_with_its_dependencies(
    demo: tuple[dict[str, Any], str],
) -> None:
    doc, text = demo
    bom = json.loads(text)
    components = {c["bom-ref"]: c for c in bom["components"]}
    services = {s["bom-ref"]: s for s in bom["services"]}
    members = set()
    for a in doc["assets"]:
        if a["kind"] in COMPONENT_KINDS:
            assert a["id"] in components, a["id"]
            assert components[a["id"]]["type"] == COMPONENT_KINDS[a["kind"]]
            members.add(a["id"])
        elif a["kind"] in SERVICE_KINDS:
            assert a["id"] in services, a["id"]
            members.add(a["id"])
        else:
            assert a["id"] not in components and a["id"] not in services
    kinds = {a["kind"] for a in doc["assets"] if a["id"] in members}
    assert {"model", "endpoint", "bucket", "llm-deployment"} <= kinds
    depends = {d["ref"]: set(d.get("dependsOn", [])) for d in bom["dependencies"]}
    assert members <= set(depends)
    for r in doc["relations"]:
        if r["source"] in members and (r["target"] in members or r["type"] == "uses-model"):
            assert r["target"] in depends[r["source"]], r
    # every reference resolves to something in the BOM
    refs = set(components) | set(services)
    assert all(ref in refs and targets <= refs for ref, targets in depends.items())
    endpoint = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/llama31-8b-chat-pinned"
    model = "arn:aws:sagemaker:us-east-1:123456789012:model/llama31-8b-chat-pinned"
    assert model in depends[endpoint]
    # a provider's foundation model an agent uses is a component of its own
    foundation = [c for c in components.values() if props(c).get("aiscan:external") == "true"]
    assert foundation and all(c["type"] == "machine-learning-model" for c in foundation)


def test_purls_hashes_and_aiscan_properties(demo: tuple[dict[str, Any], str]) -> None:
    _, text = demo
    bom = json.loads(text)
    by_ref = {c["bom-ref"]: c for c in bom["components"]}
    pinned = by_ref["arn:aws:sagemaker:us-east-1:123456789012:model/llama31-8b-chat-pinned"]
    assert pinned["purl"] == (
        "pkg:huggingface/meta-llama/Llama-3.1-8B-Instruct@0e9e39f249a16976918f6564b8830bc894c89659"
    )
    floating = by_ref["arn:aws:sagemaker:us-east-1:123456789012:model/llama31-8b-chat"]
    assert "purl" not in floating  # a branch is not a version: no purl is invented
    assert props(floating)["aiscan:hub:repo-id"] == "meta-llama/Llama-3.1-8B-Instruct"
    assert props(floating)["aiscan:hub:pinned"] == "false"
    p = props(pinned)
    assert (p["aiscan:cloud"], p["aiscan:account"], p["aiscan:region"], p["aiscan:kind"]) == (
        "aws",
        "123456789012",
        "us-east-1",
        "model",
    )
    assert p["aiscan:native-id"] == pinned["bom-ref"]
    images = [c for c in bom["components"] if c["type"] == "container"]
    digested = [c for c in images if "@sha256:" in props(c)["aiscan:image"]]
    tagged = [c for c in images if "@sha256:" not in props(c)["aiscan:image"]]
    assert digested and tagged
    for c in digested:
        digest = props(c)["aiscan:image"].rsplit("@sha256:", 1)[1]
        assert c["purl"].startswith("pkg:oci/") and f"@sha256:{digest}?" in c["purl"]
        assert c["hashes"] == [{"alg": "SHA-256", "content": digest}]
    assert all("purl" not in c and "hashes" not in c for c in tagged)


def test_model_cards_hold_only_what_is_known(demo: tuple[dict[str, Any], str]) -> None:
    _, text = demo
    bom = json.loads(text)
    by_ref = {c["bom-ref"]: c for c in bom["components"]}
    custom = by_ref[
        "arn:aws:bedrock:us-east-1:123456789012:custom-model/support-assistant-titan-ft"
    ]
    datasets = custom["modelCard"]["modelParameters"]["datasets"]
    assert datasets == [{"ref": "arn:aws:s3:::acme-ml-training-data"}]
    assert by_ref[datasets[0]["ref"]]["type"] == "data"
    assert by_ref[datasets[0]["ref"]]["data"][0]["type"] == "dataset"
    # nothing is known about these models' task, architecture or data: no card at all
    for name in ("llama31-8b-chat", "mistral-7b-vllm"):
        assert "modelCard" not in by_ref[f"arn:aws:sagemaker:us-east-1:123456789012:model/{name}"]
    for c in bom["components"]:
        assert ("data" in c) == (c["type"] == "data")  # the schema forbids data elsewhere
    endpoint = next(s for s in bom["services"] if s["name"] == "llama31-8b-chat")
    assert endpoint["endpoints"] == [
        "https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/llama31-8b-chat/invocations"
    ]
    assert endpoint["authenticated"] is True
    assert endpoint["trustZone"] == "aws:123456789012"
    assert endpoint["provider"]["name"] == "Amazon Web Services"


def small_result() -> ScanResult:
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    fs = "arn:aws:sagemaker:us-east-1:123456789012:feature-group/churn"
    gcs = "//storage.googleapis.com/projects/_/buckets/train-data"
    job = "arn:aws:sagemaker:us-east-1:123456789012:training-job/churn-2026"
    model = "arn:aws:bedrock:us-east-1:123456789012:imported-model/churn"
    llm = "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/churn"
    assets = (
        asset(AssetKind.DATASET, fs),
        asset(AssetKind.BUCKET, gcs, service="storage"),
        asset(AssetKind.TRAINING_JOB, job),
        asset(AssetKind.MODEL, model, service="bedrock", architecture="llama"),
        asset(AssetKind.LLM_DEPLOYMENT, llm, service="bedrock"),
    )
    relations = (
        rel(model, RelationType.PRODUCED_BY, job),
        rel(job, RelationType.READS_DATA_FROM, fs),
        rel(job, RelationType.READS_DATA_FROM, gcs),
        rel(llm, RelationType.USES_MODEL, model),
    )
    return ScanResult(
        tool=ToolInfo(version="0"),
        scan=ScanInfo(started=now, finished=now),
        assets=assets,
        relations=relations,
    )


def test_feature_stores_gcs_buckets_and_training_lineage() -> None:
    result = small_result()
    text = CycloneDxReporter().render(result)
    validate(text)
    bom = json.loads(text)
    by_ref = {c["bom-ref"]: c for c in bom["components"]}
    model = by_ref["arn:aws:bedrock:us-east-1:123456789012:imported-model/churn"]
    assert model["modelCard"]["modelParameters"] == {
        "modelArchitecture": "llama",
        "datasets": [
            {"ref": "//storage.googleapis.com/projects/_/buckets/train-data"},
            {"ref": "arn:aws:sagemaker:us-east-1:123456789012:feature-group/churn"},
        ],
    }
    gcs = by_ref["//storage.googleapis.com/projects/_/buckets/train-data"]
    assert gcs["data"] == [
        {"type": "dataset", "name": "train-data", "contents": {"url": "gs://train-data"}}
    ]
    assert props(model)["aiscan:relation:produced-by"].endswith("training-job/churn-2026")
    assert [s["name"] for s in bom["services"]] == ["churn"]
    assert "endpoints" not in bom["services"][0]  # no URL was read: none is invented
    assert "authenticated" not in bom["services"][0]


def test_strict_validation_catches_a_bad_model_card() -> None:
    """Negative control: the merged AI parts really are validated."""
    from cyclonedx.output import make_outputter
    from cyclonedx.schema import OutputFormat

    bom, parts = build_bom(small_result())
    ref = next(iter(parts["model_cards"]))
    parts["model_cards"][ref]["modelParameters"]["approach"] = {"type": "magic"}  # type: ignore[typeddict-unknown-key]
    text = make_outputter(bom, OutputFormat.JSON, SchemaVersion.V1_6).output_as_string()
    bad = json.dumps(add_ai_parts(json.loads(text), parts))
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(bad) is not None
