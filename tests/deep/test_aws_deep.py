"""`aiscan scan --deep` in moto: SageMaker models' artifacts streamed from S3 and inspected.

The CLI runs against moto's server through AWS_ENDPOINT_URL exactly as against AWS; the denied
read runs the real collector in-process under `mock_aws` with S3 answering AccessDenied.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner
from moto import mock_aws

from aiscan.cli import cli
from aiscan.collectors.aws.guard import ReadOnlyViolation, is_read_only
from aiscan.collectors.deep import DeepOptions
from aiscan.collectors.settings import AwsSettings
from aiscan.core.model import CoverageStatus
from aiscan.demo.emulator import AwsEmulator, demo_environment, demo_unset
from tests import awsfake
from tests.cli.test_cli_scan import TRUST, client, env_for
from tests.deep import samples

ACCOUNT, REGION = "123456789012", "us-east-1"
BUCKET = "ai-artifacts"
SM = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model"

#: model name -> (object key, contents)
ARTIFACTS = {
    "evil": ("evil/model.tar.gz", samples.sagemaker_model_tar(malicious=True)),
    "twin": ("twin/model.tar.gz", samples.sagemaker_model_tar(malicious=False)),
    "bomb": ("bomb/model.zip", samples.zip_bomb()),
    "nested": ("nested/model.zip", samples.nested_zip()),
}


def seed(emu: AwsEmulator, extra: dict[str, str] | None = None) -> None:
    iam, s3, sm = (client(emu, s) for s in ("iam", "s3", "sagemaker"))
    role = iam.create_role(RoleName="serve", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    s3.create_bucket(Bucket=BUCKET)
    urls = {name: key for name, (key, _) in ARTIFACTS.items()}
    for key, data in ARTIFACTS.values():
        s3.put_object(Bucket=BUCKET, Key=key, Body=data)
    urls.update(extra or {})
    for name, key in urls.items():
        sm.create_model(
            ModelName=name,
            ExecutionRoleArn=role,
            PrimaryContainer={
                "Image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/serve@sha256:{'ab' * 32}",
                "ModelDataUrl": f"s3://{BUCKET}/{key}",
            },
        )


def run(emu: AwsEmulator, *args: str) -> tuple[int, dict[str, Any]]:
    env = env_for(emu)
    res = CliRunner().invoke(
        cli,
        ["-q", "scan", "--cloud", "aws", "--regions", REGION, "--services", "sagemaker",
         "--format", "json", *args],
        env=env,
        catch_exceptions=False,
    )  # fmt: skip
    return res.exit_code, json.loads(res.stdout)


def scans_of(doc: dict[str, Any], name: str) -> list[dict[str, Any]]:
    (model,) = [a for a in doc["assets"] if a["id"] == f"{SM}/{name}"]
    return list(model["attributes"]["artifact_scans"])


def test_deep_scan_finds_os_system_in_the_model_tarball_and_the_twin_is_clean(
    aws: AwsEmulator,
) -> None:
    seed(aws)
    code, doc = run(aws, "--deep")
    assert code == 0  # no --fail-on: findings alone do not fail

    (evil,) = scans_of(doc, "evil")
    key, data = ARTIFACTS["evil"]
    assert evil["location"] == f"s3://{BUCKET}/{key}"
    assert evil["sha256"] == hashlib.sha256(data).hexdigest()
    issues = [(i["member"], i["module"], i["name"], i["severity"]) for i in evil["issues"]]
    assert (
        "model.tar.gz!/model/pytorch_model.bin!/archive/data.pkl",
        "posix",
        "system",
        "critical",
    ) in issues

    (twin,) = scans_of(doc, "twin")
    assert twin["issues"] == [] and twin["bounds"] == [] and twin["errors"] == []
    assert {m["format"] for m in twin["members"]} >= {"safetensors"}
    assert all(m["sha256"] for m in twin["members"])

    (bomb,) = scans_of(doc, "bomb")
    assert any("bomb" in b or "ratio" in b for b in bomb["bounds"])
    (nested,) = scans_of(doc, "nested")
    assert any("nesting" in b for b in nested["bounds"])

    (cov,) = [c for c in doc["coverage"] if c["service"] == "s3-artifacts"]
    assert (cov["status"], cov["account"], cov["assets"]) == ("ok", ACCOUNT, 4)


def test_findings_name_the_object_the_member_and_the_global(aws: AwsEmulator) -> None:
    seed(aws)
    code, doc = run(aws, "--deep", "--fail-on", "critical")
    assert code == 1
    critical = [f for f in doc["findings"] if f["severity"] == "critical"]
    assert {f["asset_id"] for f in critical} == {f"{SM}/evil"}
    text = json.dumps(critical)
    assert f"s3://{BUCKET}/evil/model.tar.gz" in text
    assert "archive/data.pkl" in text
    assert "posix" in text and "system" in text
    twin = [f for f in doc["findings"] if f["asset_id"] == f"{SM}/twin"]
    assert not [f for f in twin if f["rule_id"].startswith("XC-ART")]
    manual = {
        (e["asset_id"], e["rule_id"])
        for e in doc["evaluations"]
        if e["status"] == "manual" and e["rule_id"].startswith("XC-ART")
    }
    assert {a for a, _ in manual} >= {f"{SM}/bomb", f"{SM}/nested"}


def test_without_deep_nothing_is_read_and_no_artifact_scans(aws: AwsEmulator) -> None:
    seed(aws)
    code, doc = run(aws)
    assert code == 0
    assert not any("artifact_scans" in a["attributes"] for a in doc["assets"])
    assert not [c for c in doc["coverage"] if c["service"] == "s3-artifacts"]


def test_a_missing_artifact_is_an_incomplete_scan(aws: AwsEmulator) -> None:
    seed(aws, extra={"gone": "gone/model.tar.gz"})
    code, doc = run(aws, "--deep", "--fail-on", "critical")
    assert code == 1  # the critical finding wins over incompleteness
    code, doc = run(aws, "--deep")
    assert code == 3
    (cov,) = [c for c in doc["coverage"] if c["service"] == "s3-artifacts"]
    assert cov["status"] == "error"
    assert "s3://ai-artifacts/gone/model.tar.gz: no object at this location" in cov["message"]
    (gone,) = scans_of(doc, "gone")
    assert gone["errors"]


@mock_aws
def test_denied_object_read_is_denied_coverage_and_the_model_is_manual() -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="m/model.tar.gz", Body=samples.sagemaker_model_tar(True))
    iam = boto3.client("iam", region_name=REGION)
    role = iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    boto3.client("sagemaker", region_name=REGION).create_model(
        ModelName="m",
        ExecutionRoleArn=role,
        PrimaryContainer={"Image": "x", "ModelDataUrl": f"s3://{BUCKET}/m/model.tar.gz"},
    )
    denied = awsfake.error("AccessDenied", "not authorized to perform s3:GetObject", 403)
    inv = awsfake.collect(
        services=("sagemaker",),
        handlers={"before-call.s3.HeadObject": denied, "before-call.s3.GetObject": denied},
        options={"deep": DeepOptions()},
    )
    (cov,) = [c for c in inv.coverage if c.service == "s3-artifacts"]
    assert cov.status is CoverageStatus.DENIED
    assert "AccessDenied" in cov.message
    model = inv.get(f"{SM}/m")
    assert model is not None
    (scan,) = model.attributes["artifact_scans"]
    assert scan["errors"] and not scan["issues"]


@pytest.mark.parametrize(
    ("operation", "deep", "allowed"),
    [
        ("GetObject", False, False),
        ("GetObject", True, True),
        ("HeadObject", False, True),
        ("GetObjectAcl", True, False),
        ("PutObject", True, False),
        ("DeleteObject", True, False),
        ("RestoreObject", True, False),
        ("CopyObject", True, False),
    ],
)
def test_guard_allows_object_reads_only_for_deep(operation: str, deep: bool, allowed: bool) -> None:
    assert is_read_only("s3", operation, object_reads=deep) is allowed


@mock_aws
def test_deep_session_reads_objects_but_still_refuses_writes() -> None:
    from aiscan.collectors.aws import AwsCollector

    boto3.client("s3", region_name=REGION).create_bucket(Bucket=BUCKET)
    boto3.client("s3", region_name=REGION).put_object(Bucket=BUCKET, Key="k", Body=b"x")
    collector = AwsCollector()
    plain = collector._new_session(None).client("s3", region_name=REGION)
    with pytest.raises(ReadOnlyViolation, match="GetObject"):
        plain.get_object(Bucket=BUCKET, Key="k")
    collector.object_reads = True
    deep = collector._new_session(None).client("s3", region_name=REGION)
    assert deep.get_object(Bucket=BUCKET, Key="k")["Body"].read() == b"x"
    with pytest.raises(ReadOnlyViolation, match="PutObject"):
        deep.put_object(Bucket=BUCKET, Key="k", Body=b"overwritten")
    with pytest.raises(ReadOnlyViolation, match="DeleteObject"):
        deep.delete_object(Bucket=BUCKET, Key="k")
    body = boto3.client("s3", region_name=REGION).get_object(Bucket=BUCKET, Key="k")["Body"]
    assert body.read() == b"x"


def test_marker_never_created(tmp_path: Path) -> None:
    """The payload of the malicious sample was never run by any scan of this module."""
    assert not Path(samples.MARKER).exists()


def _comparable(findings: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """A finding without where it was found: rule, severity and the evidence but its location."""
    out = []
    for f in findings:
        if not f["rule_id"].startswith("XC-ART"):
            continue
        evidence = {k: v for k, v in f["evidence"].items() if k != "location"}
        out.append((f["rule_id"], f["severity"], json.dumps(evidence, sort_keys=True)))
    return sorted(out)


def test_aiscan_artifacts_on_a_directory_of_the_same_files_reports_the_same(
    aws: AwsEmulator, tmp_path: Path
) -> None:
    seed(aws)
    _, cloud = run(aws, "--deep")
    for key, data in ARTIFACTS.values():
        (tmp_path / key).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / key).write_bytes(data)
    res = CliRunner().invoke(cli, ["-q", "artifacts", str(tmp_path), "--format", "json"])
    assert res.exit_code == 0, res.output
    local = json.loads(res.stdout)

    assert _comparable(local["findings"]) == _comparable(cloud["findings"])
    assert _comparable(cloud["findings"])  # the malicious pickle is among them

    def unsigned(doc: dict[str, Any]) -> set[str]:
        return {
            loc.rsplit("/", 2)[-2] + "/" + loc.rsplit("/", 1)[-1]
            for f in doc["findings"]
            if f["rule_id"] == "XC-PROV-002"
            for loc in f["evidence"]["unsigned"]
        }

    assert unsigned(local) == unsigned(cloud) == {key for key, _ in ARTIFACTS.values()}

    def bounds(doc: dict[str, Any]) -> set[str]:
        """Which bounds stopped the artifact rules (manual), in either report."""
        reasons = " ".join(
            e["reason"]
            for e in doc["evaluations"]
            if e["status"] == "manual" and e["rule_id"].startswith("XC-ART")
        )
        return {word for word in ("bomb", "nesting") if word in reasons}

    assert bounds(local) == bounds(cloud) == {"bomb", "nesting"}


def test_aiscan_artifacts_reads_s3_urls_and_verifies_a_signature_beside_the_object(
    aws: AwsEmulator, tmp_path: Path
) -> None:
    from tests.deep import keys

    pair = keys.key_pair(tmp_path / "keys")
    artifact = tmp_path / "model.tar.gz"
    artifact.write_bytes(samples.sagemaker_model_tar(malicious=False))
    keys.sign_with_key(artifact, tmp_path / "model.tar.gz.sig", pair)
    s3 = client(aws, "s3")
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="signed/model.tar.gz", Body=artifact.read_bytes())
    sig = (tmp_path / "model.tar.gz.sig").read_bytes()
    s3.put_object(Bucket=BUCKET, Key="signed/model.tar.gz.sig", Body=sig)
    s3.put_object(
        Bucket=BUCKET, Key="tampered/model.tar.gz", Body=samples.sagemaker_model_tar(True)
    )
    s3.put_object(Bucket=BUCKET, Key="tampered/model.tar.gz.sig", Body=sig)
    env = env_for(aws)

    def artifacts(*args: str) -> tuple[int, dict[str, Any]]:
        res = CliRunner().invoke(cli, ["-q", "artifacts", "--format", "json", *args], env=env)
        return res.exit_code, json.loads(res.stdout)

    code, doc = artifacts(
        f"s3://{BUCKET}/signed/model.tar.gz", f"s3://{BUCKET}/tampered/model.tar.gz",
        "--signing-key", str(pair.public), "--fail-on", "critical",
    )  # fmt: skip
    assert code == 1
    by_rule = {
        (f["rule_id"], f["asset_id"]) for f in doc["findings"] if f["severity"] == "critical"
    }
    tampered = f"s3://{BUCKET}/tampered/model.tar.gz"
    assert ("XC-PROV-001", tampered) in by_rule
    assert {a for _, a in by_rule} == {tampered}
    verified = [
        e
        for e in doc["evaluations"]
        if e["rule_id"] == "XC-PROV-001" and e["asset_id"].endswith("signed/model.tar.gz")
    ]
    assert [e["status"] for e in verified] == ["pass"]
    assert all(c["status"] == "ok" for c in doc["coverage"])

    code, doc = artifacts(f"s3://{BUCKET}/missing/model.tar.gz")
    assert code == 3
    (cov,) = doc["coverage"]
    assert (cov["service"], cov["status"]) == ("s3-artifacts", "error")


def test_a_deep_scan_uses_only_the_declared_permissions(
    aws: AwsEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    import botocore.session

    from aiscan.collectors.aws import AwsCollector
    from aiscan.collectors.aws.permissions import DEEP_PERMISSIONS, PERMISSIONS, iam_action
    from aiscan.collectors.base import NullProgress, Scope
    from aiscan.core.inventory import InventoryBuilder

    seed(aws)
    called: set[str] = set()
    lock = threading.Lock()

    def record(model: Any, **_: Any) -> None:
        with lock:
            called.add(iam_action(model.service_model.endpoint_prefix, model.name))

    def factory(profile: str | None) -> Any:
        core = botocore.session.Session(profile=profile)
        core.register("before-call", record)
        return boto3.Session(botocore_session=core)

    for var in demo_unset(dict(os.environ)):
        monkeypatch.delenv(var)
    for var, value in demo_environment(aws.url).items():
        monkeypatch.setenv(var, value)
    sink = InventoryBuilder()
    settings = AwsSettings.from_environ(os.environ)
    AwsCollector(session_factory=factory, settings=settings).collect(
        Scope(regions=(REGION,), services=("sagemaker",), options={"deep": DeepOptions()}),
        sink,
        NullProgress(),
    )
    assert "s3:GetObject" in called
    assert called - set(PERMISSIONS) <= set(DEEP_PERMISSIONS), sorted(called - set(PERMISSIONS))
    policy = json.loads(
        (Path(__file__).resolve().parents[2] / "docs" / "aws-deep-scan-policy.json").read_text()
    )
    assert set(DEEP_PERMISSIONS) == set(policy["Statement"][0]["Action"])


@mock_aws
def test_model_packages_and_bedrock_imported_models_are_deep_scanned() -> None:
    from tests.collectors.aws.test_bedrock import load as bedrock_load
    from tests.collectors.aws.test_sagemaker import _moto_gaps

    s3 = boto3.client("s3", region_name=REGION)
    for bucket in ("ml-artifacts", "ml-model-weights"):
        s3.create_bucket(Bucket=bucket)
    s3.put_object(
        Bucket="ml-artifacts", Key="pkg/model.tar.gz", Body=samples.sagemaker_model_tar(True)
    )
    # the imported model's source is a prefix (an uncompressed Hugging Face layout)
    s3.put_object(
        Bucket="ml-model-weights", Key="llama-3-8b/model.safetensors", Body=samples.safetensors()
    )
    s3.put_object(Bucket="ml-model-weights", Key="llama-3-8b/config.json", Body=b"{}")
    sm = boto3.client("sagemaker", region_name=REGION)
    sm.create_model_package_group(ModelPackageGroupName="churn")
    pkg = sm.create_model_package(
        ModelPackageGroupName="churn",
        ModelApprovalStatus="Approved",
        InferenceSpecification={
            "Containers": [{"Image": "img", "ModelDataUrl": "s3://ml-artifacts/pkg/model.tar.gz"}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    )["ModelPackageArn"]
    imported = bedrock_load("bedrock_GetImportedModel.json")
    empty = {
        "ListGuardrails": {"guardrails": []},
        "ListCustomModels": {"modelSummaries": []},
        "ListProvisionedModelThroughputs": {"provisionedModelSummaries": []},
        "ListModelCustomizationJobs": {"modelCustomizationJobSummaries": []},
        "GetModelInvocationLoggingConfiguration": {},
        "ListEnforcedGuardrailsConfiguration": {"guardrailsConfig": []},
    }
    handlers = {
        **_moto_gaps(),
        **{f"before-call.bedrock.{op}": awsfake.canned(body) for op, body in empty.items()},
        "before-call.bedrock.ListImportedModels": awsfake.canned(
            {"modelSummaries": [{"modelArn": imported["modelArn"], "modelName": "x",
                                 "creationTime": imported["creationTime"]}]}
        ),
        "before-call.bedrock.GetImportedModel": awsfake.canned(imported),
    }  # fmt: skip
    inv = awsfake.collect(
        services=("sagemaker", "bedrock"), handlers=handlers, options={"deep": DeepOptions()}
    )
    package = inv.get(pkg)
    assert package is not None and package.kind.value == "model"
    (scan,) = package.attributes["artifact_scans"]
    assert scan["location"] == "s3://ml-artifacts/pkg/model.tar.gz"
    assert ("posix", "system") in {(i["module"], i["name"]) for i in scan["issues"]}
    model = inv.get(imported["modelArn"])
    assert model is not None
    locations = {s["location"] for s in model.attributes["artifact_scans"]}
    assert locations == {
        "s3://ml-model-weights/llama-3-8b/model.safetensors",
        "s3://ml-model-weights/llama-3-8b/config.json",
    }
    (cov,) = [c for c in inv.coverage if c.service == "s3-artifacts"]
    assert cov.status is CoverageStatus.OK, cov.message
