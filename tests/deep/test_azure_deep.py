"""`aiscan scan --cloud azure --deep` against the fake ARM, which also serves blobs path-style
(as Azurite does): Azure ML model versions' paths (``azureml://`` datastore paths and blob URLs)
resolved to blobs and read through the object-read pipeline."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from aiscan.artifacts.remote import ObjectRef
from aiscan.cli import cli
from aiscan.collectors.azure.guard import ReadOnlyViolation, is_read_only
from aiscan.collectors.azure.objects import BlobStore
from aiscan.demo.azure import FakeArm, load_estate
from tests.deep import samples

S1 = "11111111-1111-4111-8111-111111111111"
WS = f"/subscriptions/{S1}/resourcegroups/rg-ai-prod/providers/microsoft.machinelearningservices"
FRAUD_XGB = f"{WS}/workspaces/mlw-fraud/models/fraud-xgb/versions/1"
LLAMA = f"{WS}/workspaces/mlw-fraud/models/llama-ft/versions/1"
CLASSIFIER = f"{WS}/workspaces/mlw-secure/models/classifier/versions/3"


def load(arm: FakeArm) -> None:
    # fraud-xgb: azureml://subscriptions/.../workspaces/mlw-fraud/datastores/workspaceblobstore/...
    arm.put_blob("stmlfraud", "azureml-blobstore-5f0c", "models/fraud-xgb/model.tar.gz",
                 samples.sagemaker_model_tar(malicious=True))  # fmt: skip
    # llama-ft: https://stmlfraud.blob.core.windows.net/models/llama-ft/
    arm.put_blob("stmlfraud", "models", "llama-ft/model.safetensors", samples.safetensors())
    arm.put_blob("stmlfraud", "models", "llama-ft/tokenizer_config.json", b"{}")
    # classifier: azureml://datastores/workspaceblobstore/paths/models/classifier/ (mlw-secure)
    arm.put_blob("stmlsecure", "azureml-blobstore-9a1d", "models/classifier/model.zip",
                 samples.zip_bomb())  # fmt: skip


@pytest.fixture(scope="module")
def arm() -> Iterator[FakeArm]:
    with FakeArm(copy.deepcopy(load_estate())) as fake:
        load(fake)
        yield fake


def scan(arm: FakeArm, *args: str) -> tuple[int, dict[str, Any]]:
    res = CliRunner().invoke(
        cli, ["-q", "scan", "--cloud", "azure", "--format", "json", *args], env=arm.environment()
    )
    assert res.exit_code in (0, 1, 3), res.output
    return res.exit_code, json.loads(res.stdout)


@pytest.fixture(scope="module")
def deep(arm: FakeArm) -> dict[str, Any]:
    code, doc = scan(arm, "--deep")
    return {"code": code, "doc": doc}


def scans(doc: dict[str, Any], asset_id: str) -> list[dict[str, Any]]:
    (model,) = [a for a in doc["assets"] if a["id"] == asset_id]
    return list(model["attributes"]["artifact_scans"])


def test_datastore_paths_resolve_to_blobs_and_are_scanned(deep: dict[str, Any]) -> None:
    doc = deep["doc"]
    (xgb,) = scans(doc, FRAUD_XGB)
    assert xgb["location"] == (
        "https://stmlfraud.blob.core.windows.net/azureml-blobstore-5f0c/models/fraud-xgb/"
        "model.tar.gz"
    )
    assert xgb["sha256"] == hashlib.sha256(samples.sagemaker_model_tar(malicious=True)).hexdigest()
    assert ("model.tar.gz!/model/pytorch_model.bin!/archive/data.pkl", "posix", "system") in {
        (i["member"], i["module"], i["name"]) for i in xgb["issues"]
    }
    llama = scans(doc, LLAMA)
    assert len(llama) == 2
    assert all(not s["issues"] and not s["bounds"] and not s["errors"] for s in llama)
    (bomb,) = scans(doc, CLASSIFIER)  # short datastore path, resolved in the model's workspace
    assert bomb["bounds"]


def test_blob_reads_are_coverage_and_nothing_but_reads_was_sent(
    arm: FakeArm, deep: dict[str, Any]
) -> None:
    (cov,) = [c for c in deep["doc"]["coverage"] if c["service"] == "blob-artifacts"]
    assert (cov["status"], cov["account"]) == ("ok", S1)
    assert {m for m, _ in arm.requests} <= {"GET", "HEAD", "POST"}
    assert all(p.lower() == "/providers/microsoft.resourcegraph/resources"
               for m, p in arm.requests if m == "POST")  # fmt: skip


def test_denied_blob_read_makes_the_scan_incomplete() -> None:
    with FakeArm(copy.deepcopy(load_estate())) as arm:
        load(arm)
        arm.deny_blobs("stmlsecure")
        code, doc = scan(arm, "--deep")
    assert code == 3
    (cov,) = [c for c in doc["coverage"] if c["service"] == "blob-artifacts"]
    assert cov["status"] == "denied"
    assert "AuthorizationPermissionMismatch" in cov["message"]
    (denied,) = scans(doc, CLASSIFIER)
    assert denied["errors"]


def test_blob_pipeline_refuses_writes_before_sending(arm: FakeArm) -> None:
    store = BlobStore(arm.settings())
    ref = ObjectRef("azure", "models", "llama-ft/model.safetensors", account="stmlfraud")
    before = len(arm.requests)
    for method in ("PUT", "DELETE", "POST", "PATCH"):
        with pytest.raises(ReadOnlyViolation):
            store._send(method, store.url(ref, ref.key))
    assert len(arm.requests) == before  # refused before anything was sent
    with store.open(ref) as stream:
        assert stream.read() == samples.safetensors()
    store.close()


@pytest.mark.parametrize(
    ("method", "url", "deep", "allowed"),
    [
        ("GET", "https://stmlfraud.blob.core.windows.net/models/a.bin", False, False),
        ("HEAD", "https://stmlfraud.blob.core.windows.net/models/a.bin", False, False),
        ("GET", "https://stmlfraud.dfs.core.windows.net/models/a.bin", False, False),
        ("GET", "https://stmlfraud.blob.core.windows.net/models/a.bin", True, True),
        ("PUT", "https://stmlfraud.blob.core.windows.net/models/a.bin", True, False),
        ("DELETE", "https://stmlfraud.blob.core.windows.net/models/a.bin", True, False),
        ("POST", "https://management.azure.com/providers/Microsoft.ResourceGraph/resources", True,
         False),
    ],
)  # fmt: skip
def test_arm_guard_refuses_blob_data_and_the_blob_guard_only_reads(
    method: str, url: str, deep: bool, allowed: bool
) -> None:
    assert is_read_only(method, url, object_reads=deep) is allowed


def test_marker_never_created(tmp_path: Path) -> None:
    assert not Path(samples.MARKER).exists()
