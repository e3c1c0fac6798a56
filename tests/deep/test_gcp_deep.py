"""`aiscan scan --cloud gcp --deep` against the local fake of Google's REST APIs: Vertex AI
models' ``artifactUri`` prefixes listed and their objects downloaded (``alt=media``) through the
real google-auth session, with the read-only guard in object-read mode."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from aiscan.cli import cli
from aiscan.collectors.gcp.guard import ReadOnlyViolation, check, is_read_only
from aiscan.demo.gcp import DEMO_TOKEN, GcpFake
from tests.deep import keys, samples

UC = "//aiplatform.googleapis.com/projects/412345678901/locations/us-central1/models"
EU = "//aiplatform.googleapis.com/projects/412345678901/locations/europe-west4/models"
SECURE = "//aiplatform.googleapis.com/projects/412345678902/locations/us-central1/models"


@pytest.fixture(scope="module")
def signing(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A model signed with a generated key; a second copy tampered after signing."""
    root = tmp_path_factory.mktemp("signed")
    pair = keys.key_pair(root / "keys")
    model = samples.write(
        root / "claims", {"model.safetensors": samples.safetensors(), "config.json": b"{}"}
    )
    keys.sign_with_key(model, root / "claims.sig", pair)
    return {
        "pair": pair,
        "files": {p.name: p.read_bytes() for p in model.iterdir()},
        "sig": (root / "claims.sig").read_bytes(),
    }


def load(fake: GcpFake, signing: dict[str, Any]) -> None:
    fake.put_object("acme-ml-artifacts", "fraud/v2/model.pkl", samples.malicious_pickle())
    fake.put_object(
        "acme-ml-models-secure", "llama-3.1-8b/model.safetensors", samples.safetensors()
    )
    fake.put_object("acme-ml-models-secure", "llama-3.1-8b/config.json", b'{"model_type": "x"}')
    fake.put_object("acme-ml-models-secure", "sentiment-bert/model.zip", samples.nested_zip())
    for name, data in signing["files"].items():
        fake.put_object("acme-secure-models", f"claims/{name}", data)
        tampered = b"tampered" if name == "model.safetensors" else data
        fake.put_object("acme-ml-artifacts", f"fraud/v1/{name}", tampered)
    fake.put_object("acme-secure-models", "claims/model.sig", signing["sig"])
    fake.put_object("acme-ml-artifacts", "fraud/v1/model.sig", signing["sig"])


@pytest.fixture(scope="module")
def fake(signing: dict[str, Any]) -> Iterator[GcpFake]:
    with GcpFake(page_size=3) as f:
        load(f, signing)
        yield f


def scan(fake: GcpFake, *args: str) -> tuple[int, dict[str, Any]]:
    env = {"AISCAN_GCP_ENDPOINT": fake.url, "AISCAN_GCP_TOKEN": DEMO_TOKEN}
    res = CliRunner().invoke(
        cli, ["-q", "scan", "--cloud", "gcp", "--format", "json", *args], env=env
    )
    assert res.exit_code in (0, 1, 3), res.output
    return res.exit_code, json.loads(res.stdout)


@pytest.fixture(scope="module")
def deep(fake: GcpFake, signing: dict[str, Any]) -> dict[str, Any]:
    before = sum(fake.requests.values())
    code, doc = scan(fake, "--deep", "--signing-key", str(signing["pair"].public))
    assert sum(fake.requests.values()) > before
    return {"code": code, "doc": doc}


def scans(doc: dict[str, Any], asset_id: str) -> list[dict[str, Any]]:
    (model,) = [a for a in doc["assets"] if a["id"] == asset_id]
    return list(model["attributes"]["artifact_scans"])


def test_every_object_under_the_artifact_prefix_is_scanned(deep: dict[str, Any]) -> None:
    doc = deep["doc"]
    (pkl,) = scans(doc, f"{UC}/1201")
    assert pkl["location"] == "gs://acme-ml-artifacts/fraud/v2/model.pkl"
    assert pkl["sha256"] == hashlib.sha256(samples.malicious_pickle()).hexdigest()
    assert ("posix", "system", "critical") in {
        (i["module"], i["name"], i["severity"]) for i in pkl["issues"]
    }
    llama = scans(doc, f"{UC}/1203")
    assert {s["location"] for s in llama} == {
        "gs://acme-ml-models-secure/llama-3.1-8b/model.safetensors",
        "gs://acme-ml-models-secure/llama-3.1-8b/config.json",
    }
    assert all(not s["issues"] and not s["bounds"] and not s["errors"] for s in llama)
    (bert,) = scans(doc, f"{EU}/2201")
    assert any("nesting" in b for b in bert["bounds"])


def test_signed_model_verifies_and_the_tampered_copy_fails(deep: dict[str, Any]) -> None:
    doc = deep["doc"]
    claims = scans(doc, f"{SECURE}/3201")
    assert {s["signature"]["status"] for s in claims} == {"verified"}
    assert all(
        s["signature"]["location"] == "gs://acme-secure-models/claims/model.sig" for s in claims
    )
    tampered = scans(doc, f"{UC}/1201@1")
    assert {s["signature"]["status"] for s in tampered} == {"failed"}
    assert "model.safetensors" in tampered[0]["signature"]["detail"]


def test_object_reads_are_coverage_and_only_reads_were_sent(
    fake: GcpFake, deep: dict[str, Any]
) -> None:
    cov = {c["account"]: c for c in deep["doc"]["coverage"] if c["service"] == "gcs-artifacts"}
    assert set(cov) == {"acme-ml-prod", "acme-ml-secure"}
    assert all(c["status"] == "ok" for c in cov.values()), cov
    assert fake.writes == []
    media = [k for k in fake.requests if k.startswith("GET /storage/v1/b/") and "/o/" in k]
    assert media


def test_denied_bucket_makes_the_deep_scan_incomplete(signing: dict[str, Any]) -> None:
    with GcpFake(page_size=50) as fake:
        load(fake, signing)
        fake.deny_objects("acme-ml-models-secure")
        code, doc = scan(fake, "--deep")
    assert code == 3
    (cov,) = [
        c
        for c in doc["coverage"]
        if c["service"] == "gcs-artifacts" and c["account"] == "acme-ml-prod"
    ]
    assert cov["status"] == "denied"
    assert "acme-ml-models-secure" in cov["message"]
    assert all(s["errors"] for s in scans(doc, f"{UC}/1203"))


def test_without_deep_no_object_is_read(fake: GcpFake) -> None:
    before = {k: v for k, v in fake.requests.items() if "/o" in k and "/storage/" in k}
    code, doc = scan(fake)
    after = {k: v for k, v in fake.requests.items() if "/o" in k and "/storage/" in k}
    assert before == after
    assert not [c for c in doc["coverage"] if c["service"] == "gcs-artifacts"]


@pytest.mark.parametrize(
    ("method", "url", "deep", "allowed"),
    [
        ("GET", "/storage/v1/b/bkt/o/model.pkl?alt=media", False, False),
        ("GET", "/storage/v1/b/bkt/o/model.pkl?alt=media", True, True),
        ("GET", "/download/storage/v1/b/bkt/o/a%2Fb.bin?alt=media", True, True),
        ("GET", "/storage/v1/b/bkt/o?prefix=m/", False, True),
        ("POST", "/upload/storage/v1/b/bkt/o?uploadType=media", True, False),
        ("DELETE", "/storage/v1/b/bkt/o/model.pkl", True, False),
        ("PATCH", "/storage/v1/b/bkt/o/model.pkl", True, False),
        ("POST", "/storage/v1/b/bkt/o/a/rewriteTo/b/c/o/d", True, False),
        ("GET", "/v1/projects/p/secrets/s/versions/1:access?alt=media", True, False),
    ],
)
def test_guard_lets_object_contents_through_only_for_deep(
    method: str, url: str, deep: bool, allowed: bool
) -> None:
    full = f"https://storage.googleapis.com{url}"
    assert is_read_only(method, full, object_reads=deep) is allowed
    if not allowed:
        with pytest.raises(ReadOnlyViolation):
            check(method, full, object_reads=deep)


def test_marker_never_created(tmp_path: Path) -> None:
    assert not Path(samples.MARKER).exists()


def test_bom_deep_carries_the_artifact_hashes(fake: GcpFake) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    env = {"AISCAN_GCP_ENDPOINT": fake.url, "AISCAN_GCP_TOKEN": DEMO_TOKEN}
    res = CliRunner().invoke(cli, ["-q", "bom", "--cloud", "gcp", "--deep"], env=env)
    assert res.exit_code == 0, res.output
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(res.stdout) is None
    doc = json.loads(res.stdout)
    (model,) = [c for c in doc["components"] if c["bom-ref"] == f"{UC}/1201"]
    (artifact,) = model["components"]
    assert artifact["name"] == "gs://acme-ml-artifacts/fraud/v2/model.pkl"
    digest = hashlib.sha256(samples.malicious_pickle()).hexdigest()
    assert artifact["hashes"] == [{"alg": "SHA-256", "content": digest}]
    assert model["hashes"] == [{"alg": "SHA-256", "content": digest}]
