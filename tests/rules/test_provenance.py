"""Provenance rules: model signatures (from deep scans) and Hub references in every form."""

from __future__ import annotations

from typing import Any

import pytest

from aiscan.artifacts.report import ArtifactScan, Member, Signature
from aiscan.core.model import ResultStatus, Severity
from aiscan.core.refs import hub_references_in
from aiscan.rules import provenance as prov
from aiscan.rules import supply_chain as sc
from tests.factories import asset, failing_ids, inventory, raw_asset, run, statuses

SHA = "0123456789abcdef0123456789abcdef01234567"
ARN = "arn:aws:sagemaker:us-east-1:123456789012:model/"


SM_MODEL = "AWS::SageMaker::Model"
URL = "url::model-artifact"
TUNING = "AWS::Bedrock::ModelCustomizationJob"


def scan(location: str, signature: Signature | None = None, **kw: Any) -> dict[str, Any]:
    return ArtifactScan(
        location=location, sha256="ab" * 32, format="safetensors", signature=signature, **kw
    ).model_dump(mode="json")


def model(name: str, *scans: dict[str, Any], **attributes: Any) -> Any:
    if scans:
        attributes["artifact_scans"] = list(scans)
    return asset("model", ARN + name, type=SM_MODEL, **attributes)


def sig(status: str, where: str = "s3://b/m/model.sig") -> Signature:
    return Signature(status=status, method="key", signer="key sha256:ab", location=where)  # type: ignore[arg-type]


def test_signature_that_does_not_verify_is_critical_and_verified_passes() -> None:
    inv = inventory(
        [
            model("tampered", scan("s3://b/t/model.safetensors", sig("failed", "s3://b/t.sig"))),
            model("verified", scan("s3://b/v/model.safetensors", sig("verified"))),
            model("no-trust", scan("s3://b/n/model.safetensors", sig("unverified"))),
            model("unsigned", scan("s3://b/u/model.safetensors")),
            model("not-deep"),
        ]
    )
    findings = run(prov.signature_fails, inv)
    assert [(f.asset_id, f.severity) for f in findings] == [(ARN + "tampered", Severity.CRITICAL)]
    assert findings[0].evidence["signature"] == "s3://b/t.sig"
    st = statuses(prov.signature_fails, inv)
    assert st[ARN + "verified"] is ResultStatus.PASS
    assert st[ARN + "no-trust"] is ResultStatus.MANUAL  # never a pass without a trust root
    assert st[ARN + "unsigned"] is ResultStatus.NOT_APPLICABLE
    assert st[ARN + "not-deep"] is ResultStatus.NOT_APPLICABLE


def test_one_signature_over_many_files_is_one_result() -> None:
    s = sig("failed", "gs://b/m/model.sig")
    inv = inventory([model("m", scan("gs://b/m/a.bin", s), scan("gs://b/m/b.json", s))])
    assert len(run(prov.signature_fails, inv)) == 1


def test_unsigned_artifact_is_info_and_unreadable_is_manual() -> None:
    unreadable = ArtifactScan(location="s3://b/x", format="unknown", errors=("denied",))
    inv = inventory(
        [
            model("unsigned", scan("s3://b/u/model.safetensors")),
            model("signed", scan("s3://b/s/model.safetensors", sig("verified"))),
            model("unreadable", unreadable.model_dump(mode="json")),
        ]
    )
    findings = run(prov.unsigned_artifact, inv)
    assert [(f.asset_id, f.severity) for f in findings] == [(ARN + "unsigned", Severity.INFO)]
    st = statuses(prov.unsigned_artifact, inv)
    assert st[ARN + "signed"] is ResultStatus.PASS
    assert st[ARN + "unreadable"] is ResultStatus.MANUAL


@pytest.mark.parametrize(
    ("text", "repo", "revision", "pinned"),
    [
        (f"https://huggingface.co/org/m/resolve/{SHA}/model.safetensors", "org/m", SHA, True),
        ("https://huggingface.co/org/m/resolve/main/model.safetensors", "org/m", "main", False),
        ("https://huggingface.co/org/m/blob/refs%2Fpr%2F3/x.json", "org/m", "refs/pr/3", False),
        ("https://huggingface.co/org/m/tree/v1.2", "org/m", "v1.2", False),
        ("https://huggingface.co/org/m/resolve/0123456/x", "org/m", "0123456", False),  # short
        (f"https://huggingface.co/org/m/resolve/{SHA.upper()}/x", "org/m", SHA.upper(), False),
        ("https://huggingface.co/org/m", "org/m", None, False),
        ("https://hf.co/datasets/org/d/resolve/refs%2Fconvert%2Fparquet/x", "org/d",
         "refs/convert/parquet", False),
        (f"hf://org/m@{SHA}/weights", "org/m", SHA, True),
        ("hf://datasets/org/d/train.parquet", "org/d", None, False),
        ("hub://org/m@main", "org/m", "main", False),
        (f"pkg:huggingface/org/m@{SHA}", "org/m", SHA, True),
        (f"/cache/hub/models--org--m/snapshots/{SHA}/config.json", "org/m", SHA, True),
    ],
)  # fmt: skip
def test_every_reference_form_parses(
    text: str, repo: str, revision: str | None, pinned: bool
) -> None:
    (ref,) = list(hub_references_in(f"prefix {text} suffix", "where"))
    assert (ref.repo_id, ref.revision, ref.pinned) == (repo, revision, pinned)


def test_no_reference_in_object_store_paths() -> None:
    assert list(hub_references_in("s3://bucket/huggingface/org/m/model.tar.gz", "x")) == []
    assert list(hub_references_in("meta-llama/Llama-3.1-8B", "x")) == []  # bare ids: XC-SC-001


def test_floating_references_anywhere_fail_and_pinned_pass() -> None:
    hub_url = "https://huggingface.co/org/m/resolve/main/model.safetensors"
    inv = inventory(
        [
            asset(
                "model",
                ARN + "env-url",
                type=SM_MODEL,
                containers=[{"name": "c", "environment": {"WEIGHTS": hub_url}}],
            ),
            asset("model", ARN + "artifact", type=URL, artifact_uri="hf://org/m"),
            asset("training-job", ARN + "job", type=TUNING, base_model="hub://org/base@v2"),
            model(
                "member",
                ArtifactScan(
                    location="/models/x",
                    sha256="ab" * 32,
                    format="directory",
                    members=(Member(path=f"x!/models--org--m/snapshots/{SHA}/a", format="data"),),
                ).model_dump(mode="json"),
            ),
            asset("model", ARN + "pinned", type=URL, artifact_uri=f"hf://org/m@{SHA}"),
            asset("model", ARN + "none", type=URL, artifact_uri="s3://b/model.tar.gz"),
        ]
    )
    assert failing_ids(prov.hub_reference_floating, inv) == {
        ARN + "env-url",
        ARN + "artifact",
        ARN + "job",
    }
    st = statuses(prov.hub_reference_floating, inv)
    assert st[ARN + "member"] is ResultStatus.PASS
    assert st[ARN + "pinned"] is ResultStatus.PASS
    assert st[ARN + "none"] is ResultStatus.NOT_APPLICABLE
    (f,) = [x for x in run(prov.hub_reference_floating, inv) if x.asset_id == ARN + "env-url"]
    assert f.evidence == {"where": "c env WEIGHTS", "repo_id": "org/m", "kind": "model",
                          "revision": "main"}  # fmt: skip


def test_does_not_duplicate_xc_sc_001() -> None:
    """The environment pair HF_MODEL_ID + revision is XC-SC-001's; this pack stays quiet."""
    inv = inventory(
        [
            asset(
                "model",
                ARN + "m",
                type=SM_MODEL,
                containers=[{"environment": {"HF_MODEL_ID": "org/m"}}],
            )
        ]
    )
    assert failing_ids(sc.hub_model_unpinned, inv) == {ARN + "m"}
    assert failing_ids(prov.hub_reference_floating, inv) == set()


def test_malformed_artifact_scans_do_not_crash() -> None:
    """Entries that are not an ArtifactScan make the facts invalid: manual, never pass."""
    bad = raw_asset("model", ARN + "m", type=SM_MODEL, artifact_scans=[{"location": 3}, "junk"])
    inv = inventory([bad])
    assert statuses(prov.unsigned_artifact, inv) == {ARN + "m": ResultStatus.MANUAL}
    assert statuses(prov.signature_fails, inv) == {ARN + "m": ResultStatus.MANUAL}
