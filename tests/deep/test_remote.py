"""Artifact locations (parsing, locating them on model assets) and scanning through a store.

`MemoryStore` implements aiscan's own `ObjectStore` interface over a dict; the cloud stores
behind it are tested against moto and the fake servers in the other modules."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import pytest

from aiscan.artifacts.remote import (
    ObjectInfo,
    ObjectRef,
    locate,
    parse_uri,
    resolve_azureml,
    scan_location,
)
from aiscan.artifacts.signing import TrustConfig
from aiscan.core.model import Cloud, RelationType
from tests.deep import keys, samples
from tests.factories import asset, inventory, rel


class MemoryStore:
    def __init__(self, objects: dict[str, bytes]) -> None:
        self.objects = objects
        self.opened: list[str] = []

    def stat(self, ref: ObjectRef) -> ObjectInfo | None:
        data = self.objects.get(ref.key)
        return None if data is None else ObjectInfo(ref.key, len(data))

    def list(self, ref: ObjectRef, limit: int) -> list[ObjectInfo]:
        keys_ = sorted(k for k in self.objects if k.startswith(ref.key))
        return [ObjectInfo(k, len(self.objects[k])) for k in keys_[: limit + 1]]

    @contextmanager
    def open(self, ref: ObjectRef) -> Iterator[BinaryIO]:
        self.opened.append(ref.key)
        yield io.BytesIO(self.objects[ref.key])


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("s3://models/chat/model.tar.gz", ("s3", "models", "chat/model.tar.gz", None)),
        ("s3://models", ("s3", "models", "", None)),
        ("https://models.s3.eu-west-1.amazonaws.com/a%20b/m.bin",
         ("s3", "models", "a b/m.bin", None)),
        ("gs://acme-ml/fraud/v2/", ("gs", "acme-ml", "fraud/v2/", None)),
        ("https://stml.blob.core.windows.net/models/llama/x%2By.bin",
         ("azure", "models", "llama/x+y.bin", "stml")),
        ("https://stml.dfs.core.chinacloudapi.cn/c/m/", ("azure", "c", "m/", "stml")),
        ("azureml://datastores/ws/paths/m/", None),
        ("file:///etc/passwd", None),
        ("https://evil.example/models/x", None),
        ("s3://../x", None),
    ],
)  # fmt: skip
def test_parse_uri(uri: str, expected: tuple[str, str, str, str | None] | None) -> None:
    ref = parse_uri(uri)
    got = None if ref is None else (ref.scheme, ref.container, ref.key, ref.account)
    assert got == expected


def test_azure_uri_round_trips() -> None:
    ref = ObjectRef("azure", "c", "dir/a b.bin", account="acct")
    again = parse_uri(ref.uri)
    assert again == ref


WS = "/subscriptions/s/resourcegroups/rg/providers/microsoft.machinelearningservices/workspaces/w"


def test_resolve_azureml_datastore_paths() -> None:
    stores = {f"{WS}|workspaceblobstore": ("stacct", "azureml-blobs")}
    full = "azureml://subscriptions/s/resourcegroups/rg/workspaces/w/datastores/WorkspaceBlobStore/paths/models/m/"
    ref = resolve_azureml(full, None, stores)
    assert ref == ObjectRef("azure", "azureml-blobs", "models/m/", account="stacct")
    short = "azureml://datastores/workspaceblobstore/paths/models/m/model.pkl"
    assert resolve_azureml(short, WS, stores) == ObjectRef(
        "azure", "azureml-blobs", "models/m/model.pkl", account="stacct"
    )
    assert resolve_azureml(short, None, stores) is None  # no workspace to resolve it in
    assert resolve_azureml("azureml://datastores/other/paths/x", WS, stores) is None
    assert resolve_azureml("azureml://registries/hf/models/x/versions/1", WS, stores) is None


def test_locate_finds_every_kind_of_artifact_location() -> None:
    sm = "arn:aws:sagemaker:us-east-1:1:model/"
    job = "arn:aws:sagemaker:us-east-1:1:training-job/j"
    azure_model = f"{WS}/models/m/versions/1"
    inv = inventory(
        [
            asset("model", sm + "a", containers=[{"artifact_uri": "s3://bkt/a/model.tar.gz"},
                                                 {"artifact_uri": "s3://bkt/a/model.tar.gz"}]),
            asset("model", sm + "from-job"),
            asset("training-job", job, model_artifacts="s3://bkt/out/model.tar.gz"),
            asset("model", "arn:aws:bedrock:us-east-1:1:imported-model/i", service="bedrock",
                  artifact_uri="s3://imports/llama/"),
            asset("model", sm + "nothing"),
            asset("dataset", f"{WS}/datastores/workspaceblobstore", cloud=Cloud.AZURE,
                  service="azureml", type="Microsoft.MachineLearningServices/workspaces/datastores",
                  account_name="stacct", container="blobs"),
            asset("model", azure_model, cloud=Cloud.AZURE, service="azureml",
                  artifact_uri="azureml://datastores/workspaceblobstore/paths/models/m/"),
        ],
        [rel(sm + "from-job", RelationType.PRODUCED_BY, job),
         rel(azure_model, RelationType.MEMBER_OF, WS)],
    )  # fmt: skip
    found = {
        item.asset.id: [(u, r.uri if r else None) for u, r in item.targets] for item in locate(inv)
    }
    assert found[sm + "a"] == [("s3://bkt/a/model.tar.gz", "s3://bkt/a/model.tar.gz")]
    assert found[sm + "from-job"] == [("s3://bkt/out/model.tar.gz", "s3://bkt/out/model.tar.gz")]
    assert found["arn:aws:bedrock:us-east-1:1:imported-model/i"] == [
        ("s3://imports/llama/", "s3://imports/llama/")
    ]
    assert found[azure_model] == [
        (
            "azureml://datastores/workspaceblobstore/paths/models/m/",
            "https://stacct.blob.core.windows.net/blobs/models/m/",
        )
    ]
    assert sm + "nothing" not in found
    assert {i.asset.id for i in locate(inv, cloud="azure")} == {azure_model}


def test_a_prefix_is_listed_and_each_object_scanned() -> None:
    store = MemoryStore(
        {"m/a.safetensors": samples.safetensors(), "m/b.pkl": samples.malicious_pickle()}
    )
    scans = scan_location(store, ObjectRef("gs", "b", "m/"))
    assert [s.location for s in scans] == ["gs://b/m/a.safetensors", "gs://b/m/b.pkl"]
    assert ("posix", "system") in {(i.module, i.name) for i in scans[1].issues}


def test_a_key_that_is_not_an_object_is_read_as_a_prefix() -> None:
    store = MemoryStore({"m/model/x.safetensors": samples.safetensors()})
    (scan,) = scan_location(store, ObjectRef("s3", "b", "m/model"))
    assert scan.location == "s3://b/m/model/x.safetensors"


def test_too_many_objects_is_a_bound_not_a_pass() -> None:
    store = MemoryStore({f"m/{i}.bin": b"x" for i in range(5)})
    scans = scan_location(store, ObjectRef("s3", "b", "m/"), max_objects=3)
    assert len([s for s in scans if s.sha256]) == 3
    assert any("more than 3 objects" in b for s in scans for b in s.bounds)


def test_nothing_at_the_location_is_an_error_reported_to_coverage() -> None:
    seen: list[str] = []

    def on_error(ref: ObjectRef, exc: BaseException) -> str:
        seen.append(ref.uri)
        return "no object"

    (scan,) = scan_location(
        MemoryStore({}), ObjectRef("s3", "b", "gone/model.tar.gz"), on_error=on_error
    )
    assert scan.errors and not scan.complete
    assert seen == ["s3://b/gone/model.tar.gz"]


def test_a_store_that_raises_is_an_error_not_a_crash() -> None:
    class Broken(MemoryStore):
        def stat(self, ref: ObjectRef) -> ObjectInfo | None:
            raise PermissionError("denied")

    (scan,) = scan_location(Broken({}), ObjectRef("s3", "b", "k"))
    assert scan.errors and "denied" in scan.errors[0]


def test_signed_object_verifies_tampered_fails_and_the_download_is_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    pair = keys.key_pair(tmp_path / "keys")
    artifact = tmp_path / "model.tar.gz"
    artifact.write_bytes(samples.sagemaker_model_tar(malicious=False))
    keys.sign_with_key(artifact, tmp_path / "model.tar.gz.sig", pair)
    objects = {
        "chat/model.tar.gz": artifact.read_bytes(),
        "chat/model.tar.gz.sig": (tmp_path / "model.tar.gz.sig").read_bytes(),
    }
    trust = TrustConfig(public_keys=(str(pair.public),))

    (good,) = scan_location(
        MemoryStore(objects), ObjectRef("s3", "b", "chat/model.tar.gz"), trust=trust
    )
    assert good.signature is not None and good.signature.status == "verified"
    assert good.signature.location == "s3://b/chat/model.tar.gz.sig"
    assert good.location == "s3://b/chat/model.tar.gz"
    assert good.sha256 and good.members

    objects["chat/model.tar.gz"] = samples.sagemaker_model_tar(malicious=True)
    (bad,) = scan_location(
        MemoryStore(objects), ObjectRef("s3", "b", "chat/model.tar.gz"), trust=trust
    )
    assert bad.signature is not None and bad.signature.status == "failed"
    assert ("posix", "system") in {(i.module, i.name) for i in bad.issues}
    assert os.listdir(spool) == []  # every private download directory was removed


def test_signed_prefix_with_an_object_name_escaping_the_directory(tmp_path: Path) -> None:
    model = samples.write(tmp_path / "m", {"model.safetensors": samples.safetensors()})
    pair = keys.key_pair(tmp_path / "keys")
    keys.sign_with_key(model, tmp_path / "model.sig", pair)
    objects = {
        "m/model.safetensors": samples.safetensors(),
        "m/model.sig": (tmp_path / "model.sig").read_bytes(),
        "m/../../escape.bin": b"x",
    }
    scans = scan_location(
        MemoryStore(objects), ObjectRef("gs", "b", "m/"),
        trust=TrustConfig(public_keys=(str(pair.public),)),
    )  # fmt: skip
    by_location = {s.location: s for s in scans}
    assert by_location["gs://b/m/../../escape.bin"].errors
    assert by_location["gs://b/m/model.safetensors"].signature is not None
    assert not (tmp_path.parent / "escape.bin").exists()
