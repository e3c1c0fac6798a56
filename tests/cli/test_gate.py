"""The CI gate end to end: `aiscan scan` against a moto server with --fail-on, --waivers and
--baseline, as a pipeline would run it; and `aiscan bom` with the 1.7 flag."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner, Result
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from aiscan.cli import cli
from aiscan.demo.emulator import AwsEmulator, CannedError, demo_environment, demo_unset
from aiscan.demo.estate import fill_missing_lists
from tests.awsfake import SAGEMAKER_TRUST

ACCOUNT = "123456789012"
REGION = "us-east-1"
IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/tgi@sha256:" + "ab" * 32
TRUST = SAGEMAKER_TRUST
SCAN = ("scan", "--cloud", "aws", "--regions", REGION, "--format", "json")


@pytest.fixture(scope="module")
def emulator() -> Iterator[AwsEmulator]:
    with AwsEmulator() as emu:
        yield emu


@pytest.fixture
def aws(emulator: AwsEmulator) -> AwsEmulator:
    emulator.reset()
    fill_missing_lists(emulator)
    return emulator


def client(emu: AwsEmulator, service: str) -> Any:
    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=emu.url,
        aws_access_key_id="seed",
        aws_secret_access_key="seed",
    )


def add_model(emu: AwsEmulator, name: str, role: str) -> str:
    """A model that loads a Hub repo with remote code switched on: a critical finding."""
    env = {"HF_MODEL_ID": "acme/chat", "HF_MODEL_TRUST_REMOTE_CODE": "true"}
    return str(
        client(emu, "sagemaker").create_model(
            ModelName=name,
            ExecutionRoleArn=role,
            PrimaryContainer={
                "Image": IMAGE,
                "ModelDataUrl": "s3://ai-artifacts/chat/model.tar.gz",
                "Environment": env,
            },
        )["ModelArn"]
    )


def seed(emu: AwsEmulator) -> dict[str, str]:
    role = client(emu, "iam").create_role(RoleName="serve", AssumeRolePolicyDocument=TRUST)
    client(emu, "s3").create_bucket(Bucket="ai-artifacts")
    model = add_model(emu, "chat", role["Role"]["Arn"])
    sm = client(emu, "sagemaker")
    sm.create_endpoint_config(
        EndpointConfigName="chat-config",
        ProductionVariants=[
            {
                "VariantName": "main",
                "ModelName": "chat",
                "InitialInstanceCount": 1,
                "InstanceType": "ml.g4dn.xlarge",
            }
        ],
    )
    endpoint = sm.create_endpoint(EndpointName="chat", EndpointConfigName="chat-config")
    return {"role": role["Role"]["Arn"], "model": model, "endpoint": endpoint["EndpointArn"]}


def run(emu: AwsEmulator, *args: str) -> tuple[Result, dict[str, Any] | None]:
    env = {k: v for k, v in os.environ.items() if k not in demo_unset(os.environ)}
    env.update(demo_environment(emu.url))
    env["COLUMNS"] = "400"  # messages on one line, so they can be matched
    res = CliRunner().invoke(cli, ["-q", *args], env=env, catch_exceptions=False)
    doc = json.loads(res.stdout) if res.exit_code in (0, 1, 3) and "json" in args else None
    return res, doc


def critical(doc: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f["rule_id"], f["asset_id"]) for f in doc["findings"] if f["severity"] == "critical"]


def waiver_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text(body)
    return path


def test_baseline_passes_an_unchanged_estate_and_fails_on_one_new_critical(
    aws: AwsEmulator, tmp_path: Path
) -> None:
    ids = seed(aws)
    first, doc1 = run(aws, *SCAN, "--fail-on", "critical")
    assert first.exit_code == 1 and doc1 is not None
    assert critical(doc1) == [("XC-SC-002", ids["model"])]
    baseline = tmp_path / "previous.json"
    baseline.write_text(first.stdout)

    # an unchanged estate: the same fingerprints, and the gate passes against the baseline
    again, doc2 = run(aws, *SCAN, "--fail-on", "critical", "--baseline", str(baseline))
    assert doc2 is not None
    assert [f["fingerprint"] for f in doc2["findings"]] == [
        f["fingerprint"] for f in doc1["findings"]
    ]
    assert again.exit_code == 0, again.output
    assert all(f["new"] is False for f in doc2["findings"])
    assert doc2["baseline"] == {
        "source": str(baseline),
        "known": len(doc1["findings"]),
        "new": 0,
        "resolved": 0,
    }

    # one new critical finding appears: the gate fails, on exactly that one
    chat2 = add_model(aws, "chat2", ids["role"])
    third, doc3 = run(aws, *SCAN, "--fail-on", "critical", "--baseline", str(baseline))
    assert third.exit_code == 1
    assert doc3 is not None
    new_critical = [
        (f["rule_id"], f["asset_id"])
        for f in doc3["findings"]
        if f["new"] and f["severity"] == "critical"
    ]
    assert new_critical == [("XC-SC-002", chat2)]
    assert "gate: 1 finding(s) at or above critical" in third.stderr
    assert {f["fingerprint"] for f in doc3["findings"] if not f["new"]} == {
        f["fingerprint"] for f in doc1["findings"]
    }


def test_a_waiver_suppresses_exactly_its_finding_everywhere(
    aws: AwsEmulator, tmp_path: Path
) -> None:
    ids = seed(aws)
    expires = (datetime.now(UTC).date() + timedelta(days=30)).isoformat()
    waivers = waiver_file(
        tmp_path,
        f"""waivers:
  - rule: XC-SC-002
    asset: "{ids["model"]}"
    reason: remote code reviewed with the vendor
    owner: ml-platform@example.com
    expires: {expires}
""",
    )
    sarif = tmp_path / "aiscan.sarif"
    res, doc = run(
        aws, *SCAN, "--fail-on", "critical", "--waivers", str(waivers), "-o", f"sarif={sarif}"
    )
    assert res.exit_code == 0, res.output
    assert doc is not None
    waived = [(f["rule_id"], f["asset_id"]) for f in doc["findings"] if f["suppressed"]]
    assert waived == [("XC-SC-002", ids["model"])]
    assert len(doc["findings"]) > 1  # the others stay, unsuppressed
    finding = next(f for f in doc["findings"] if f["suppressed"])
    assert finding["suppression"] == {
        "reason": "remote code reviewed with the vendor",
        "owner": "ml-platform@example.com",
        "expires": expires,
        "waiver": f"{waivers}:2",
    }
    assert doc["waivers"] == []
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    assert [r["ruleId"] for r in results if r.get("suppressions")] == ["XC-SC-002"]


def test_expired_and_stale_waivers_do_not_suppress_and_are_reported(
    aws: AwsEmulator, tmp_path: Path
) -> None:
    ids = seed(aws)
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    waivers = waiver_file(
        tmp_path,
        f"""waivers:
  - rule: XC-SC-002
    asset: "{ids["model"]}"
    reason: temporary
    owner: alice
    expires: {yesterday}
  - asset: "arn:aws:sagemaker:*:endpoint/decommissioned-*"
    reason: old
    owner: bob
    expires: 2099-01-01
""",
    )
    res, doc = run(aws, *SCAN, "--fail-on", "critical", "--waivers", str(waivers))
    assert res.exit_code == 1
    assert doc is not None
    assert not any(f["suppressed"] for f in doc["findings"])
    assert [(w["status"], w["waiver"], w["matched"]) for w in doc["waivers"]] == [
        ("expired", f"{waivers}:2", 1),
        ("stale", f"{waivers}:7", 0),
    ]
    assert "expired" in res.stderr and "stale" in res.stderr


def test_a_malformed_waiver_file_is_a_usage_error_naming_the_line(
    aws: AwsEmulator, tmp_path: Path
) -> None:
    waivers = waiver_file(
        tmp_path,
        "waivers:\n  - rule: XC-SC-002\n    reason: r\n    owner: o\n    expires: someday\n",
    )
    res, _ = run(aws, *SCAN, "--waivers", str(waivers))
    assert res.exit_code == 2
    assert f"{waivers}:5" in res.stderr and "expires" in res.stderr
    bad_baseline = tmp_path / "previous.json"
    bad_baseline.write_text("{}")
    res, _ = run(aws, *SCAN, "--baseline", str(bad_baseline))
    assert res.exit_code == 2
    assert "not an aiscan JSON report" in res.stderr


def test_an_incomplete_scan_still_exits_3_with_a_baseline(aws: AwsEmulator, tmp_path: Path) -> None:
    seed(aws)
    first, _ = run(aws, *SCAN)
    baseline = tmp_path / "previous.json"
    baseline.write_text(first.stdout)

    def deny(_request: object) -> dict[str, object]:
        raise CannedError("AccessDeniedException", "not authorized to sagemaker:ListModels")

    aws.add_canned("sagemaker:ListModels", deny)
    res, doc = run(aws, *SCAN, "--fail-on", "critical", "--baseline", str(baseline))
    assert doc is not None
    assert any(c["status"] == "denied" for c in doc["coverage"])
    assert res.exit_code == 3


def test_bom_command_writes_a_valid_cyclonedx_1_7_ai_bom(aws: AwsEmulator) -> None:
    ids = seed(aws)
    res, _ = run(aws, "bom", "--cloud", "aws", "--regions", REGION, "--bom-spec", "1.7")
    assert res.exit_code == 0, res.output
    assert JsonStrictValidator(SchemaVersion.V1_7).validate_str(res.stdout) is None
    bom = json.loads(res.stdout)
    assert bom["specVersion"] == "1.7"
    refs = {c["bom-ref"] for c in bom["components"]} | {s["bom-ref"] for s in bom["services"]}
    assert {ids["model"], ids["endpoint"], "arn:aws:s3:::ai-artifacts"} <= refs
    assert ids["role"] not in refs  # identities are in the JSON report, not the AI-BOM
