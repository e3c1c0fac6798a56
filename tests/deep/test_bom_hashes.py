"""SHA-256 of every artifact and member of a deep scan, and the signature result, in the AI-BOM
(validated strictly against CycloneDX 1.6 and 1.7)."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from aiscan.artifacts import Limits, scan_stream
from aiscan.artifacts.local import scan_paths
from aiscan.artifacts.signing import TrustConfig
from aiscan.core.model import AssetKind, Cloud, ScanInfo, ScanResult, ToolInfo
from aiscan.reporters.cyclonedx import CycloneDxReporter
from tests.deep import keys, samples
from tests.factories import asset

MODEL = "arn:aws:sagemaker:us-east-1:123456789012:model/chat"
PACKAGE = "arn:aws:sagemaker:us-east-1:123456789012:model/multi"


def result(*assets: Any) -> ScanResult:
    now = datetime.now(UTC)
    return ScanResult(
        tool=ToolInfo(version="0"), scan=ScanInfo(started=now, finished=now), assets=assets
    )


def bom(res: ScanResult, spec: str) -> dict[str, Any]:
    text = CycloneDxReporter(spec=spec).render(res)
    version = SchemaVersion.V1_7 if spec == "1.7" else SchemaVersion.V1_6
    error = JsonStrictValidator(version).validate_str(text)
    assert error is None, str(error)[:2000]
    return dict(json.loads(text))


def props(node: dict[str, Any]) -> dict[str, str]:
    return {p["name"]: p["value"] for p in node.get("properties", [])}


def sha(node: dict[str, Any]) -> str | None:
    for h in node.get("hashes", []):
        if h["alg"] == "SHA-256":
            return str(h["content"])
    return None


@pytest.mark.parametrize("spec", ["1.6", "1.7"])
def test_artifact_and_member_hashes_are_in_the_bom(spec: str) -> None:
    data = samples.sagemaker_model_tar(malicious=False)
    scan = scan_stream(io.BytesIO(data), location="s3://ai-artifacts/chat/model.tar.gz")
    scans = [scan.model_dump(mode="json")]
    doc = bom(result(asset(AssetKind.MODEL, MODEL, artifact_scans=scans)), spec)
    (model,) = [c for c in doc["components"] if c["bom-ref"] == MODEL]
    assert sha(model) == hashlib.sha256(data).hexdigest()  # one artifact: the model's own hash
    (artifact,) = model["components"]
    assert artifact["type"] == "file"
    assert artifact["name"] == "s3://ai-artifacts/chat/model.tar.gz"
    assert sha(artifact) == hashlib.sha256(data).hexdigest()
    assert props(artifact)["aiscan:signature:status"] == "unsigned"
    members = {m["name"]: sha(m) for m in artifact["components"]}
    assert members["model.tar.gz!/model/model.safetensors"] == (
        hashlib.sha256(samples.safetensors()).hexdigest()
    )
    assert members["model.tar.gz!/model/config.json"] == hashlib.sha256(b"{}").hexdigest()


def test_a_verified_signature_is_recorded_with_its_signer(tmp_path: Path) -> None:
    model_dir = samples.write(
        tmp_path / "m", {"model.safetensors": samples.safetensors(), "config.json": b"{}"}
    )
    pair = keys.key_pair(tmp_path / "keys")
    keys.sign_with_key(model_dir, model_dir / "model.sig", pair)
    assets, _ = scan_paths(
        [model_dir], limits=Limits(), trust=TrustConfig(public_keys=(str(pair.public),))
    )
    doc = bom(result(*assets), "1.6")
    files = [f for c in doc["components"] for f in c.get("components", [])]
    assert files
    for f in files:
        p = props(f)
        assert p["aiscan:signature:status"] == "verified"
        assert p["aiscan:signature:signer"].startswith("key sha256:")
        assert sha(f)


def test_several_artifacts_each_have_a_component_and_the_model_no_single_hash() -> None:
    scans = [
        scan_stream(io.BytesIO(samples.safetensors()), location=f"gs://b/m/{n}").model_dump(
            mode="json"
        )
        for n in ("a.safetensors", "b.safetensors")
    ]
    doc = bom(result(asset(AssetKind.MODEL, PACKAGE, artifact_scans=scans)), "1.6")
    (model,) = [c for c in doc["components"] if c["bom-ref"] == PACKAGE]
    assert "hashes" not in model
    assert [c["name"] for c in model["components"]] == ["gs://b/m/a.safetensors",
                                                        "gs://b/m/b.safetensors"]  # fmt: skip


SHA = "0123456789abcdef0123456789abcdef01234567"


def test_pinned_hub_locations_become_huggingface_purls() -> None:
    pinned = asset(AssetKind.MODEL, MODEL, artifact_uri=f"hf://org/chat@{SHA}/weights")
    floating = asset(AssetKind.MODEL, PACKAGE, artifact_uri="hf://org/chat@main/weights")
    cache = asset(
        AssetKind.MODEL,
        "/cache/models--org--tiny/snapshots/" + SHA,
        cloud=Cloud.LOCAL,
        huggingface={"repo": "org/tiny", "revision": SHA},
    )
    doc = bom(result(pinned, floating, cache), "1.6")
    purls = {c["bom-ref"]: c.get("purl") for c in doc["components"]}
    assert purls[MODEL] == f"pkg:huggingface/org/chat@{SHA}"
    assert purls[PACKAGE] is None
    assert purls["/cache/models--org--tiny/snapshots/" + SHA] == f"pkg:huggingface/org/tiny@{SHA}"
