"""End to end: the `aiscan` CLI against a moto server reached through AWS_ENDPOINT_URL.

The emulator is moto's own server (plus answers for the few list operations moto lacks); the CLI
runs the real boto3 collector over HTTP exactly as against AWS.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from click.testing import CliRunner

from aiscan.cli import cli
from aiscan.demo.emulator import AwsEmulator, CannedError, demo_environment, demo_unset
from aiscan.demo.estate import fill_missing_lists
from tests.awsfake import SAGEMAKER_TRUST

ACCOUNT = "123456789012"
REGION = "us-east-1"
SHA = "0123456789abcdef0123456789abcdef01234567"
DIGEST = "sha256:" + "ab" * 32
ECR_IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/tgi"
TRUST = SAGEMAKER_TRUST


@pytest.fixture(scope="module")
def emulator() -> Iterator[AwsEmulator]:
    with AwsEmulator() as emu:
        yield emu


@pytest.fixture
def aws(emulator: AwsEmulator) -> AwsEmulator:
    emulator.reset()
    fill_missing_lists(emulator)
    return emulator


def env_for(emu: AwsEmulator) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in demo_unset(os.environ)}
    env.update(demo_environment(emu.url))
    return env


def client(emu: AwsEmulator, service: str) -> object:
    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=emu.url,
        aws_access_key_id="seed",
        aws_secret_access_key="seed",
    )


def seed_estate(emu: AwsEmulator, *, bad: bool) -> dict[str, str]:
    """A small AI estate; `bad` decides whether the model is a critical supply-chain risk."""
    iam, s3, sm, ec2 = (client(emu, s) for s in ("iam", "s3", "sagemaker", "ec2"))
    role = iam.create_role(RoleName="serve", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    for name in ("ai-artifacts", "payroll-exports"):
        s3.create_bucket(Bucket=name)
    env = {"HF_MODEL_ID": "meta-llama/Llama-3.1-8B-Instruct"}
    if bad:
        env["HF_MODEL_TRUST_REMOTE_CODE"] = "true"
    else:
        env["HF_MODEL_REVISION"] = SHA
    model = sm.create_model(
        ModelName="chat",
        ExecutionRoleArn=role,
        PrimaryContainer={
            "Image": f"{ECR_IMAGE}@{DIGEST}",
            "ModelDataUrl": "s3://ai-artifacts/chat/model.tar.gz",
            "Environment": env,
        },
    )["ModelArn"]
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
    endpoint = sm.create_endpoint(EndpointName="chat", EndpointConfigName="chat-config")[
        "EndpointArn"
    ]
    notebook = sm.create_notebook_instance(
        NotebookInstanceName="lab",
        InstanceType="ml.t3.medium",
        RoleArn=role,
        DirectInternetAccess="Disabled",
    )["NotebookInstanceArn"]
    ami = ec2.describe_images()["Images"][0]["ImageId"]
    gpu = ec2.run_instances(
        ImageId=ami,
        InstanceType="g5.xlarge",
        MinCount=1,
        MaxCount=1,
        MetadataOptions={"HttpTokens": "required"},
    )["Instances"][0]["InstanceId"]
    ec2.run_instances(ImageId=ami, InstanceType="t3.micro", MinCount=1, MaxCount=1)
    return {
        "role": role,
        "model": model,
        "endpoint": endpoint,
        "notebook": notebook,
        "gpu": f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{gpu}",
        "bucket": "arn:aws:s3:::ai-artifacts",
    }


def run_cli(emu: AwsEmulator, *args: str) -> tuple[int, dict[str, object] | None, str]:
    res = CliRunner().invoke(cli, ["-q", *args], env=env_for(emu), catch_exceptions=False)
    data = json.loads(res.stdout) if "--format" in args and "json" in args else None
    return res.exit_code, data, res.output


SCAN = ("scan", "--cloud", "aws", "--regions", REGION, "--format", "json")


def test_scan_reports_every_ai_asset_and_nothing_else_through_aws_endpoint_url(
    aws: AwsEmulator,
) -> None:
    """A real `aiscan` process, configured only by environment, as a user would run it."""
    ids = seed_estate(aws, bad=True)
    proc = subprocess.run(
        [sys.executable, "-m", "aiscan.cli", *SCAN, "--fail-on", "critical"],
        env=env_for(aws),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    kinds = {a["id"]: a["kind"] for a in doc["assets"]}
    assert kinds == {
        ids["model"]: "model",
        ids["endpoint"]: "endpoint",
        ids["notebook"]: "notebook",
        ids["gpu"]: "gpu-compute",
        ids["bucket"]: "bucket",
        ids["role"]: "identity",
    }
    assert all(a["id"].startswith("arn:aws:") for a in doc["assets"])
    assert "arn:aws:s3:::payroll-exports" not in kinds  # a bucket no AI asset uses
    rels = {(r["source"], r["type"], r["target"]) for r in doc["relations"]}
    assert (ids["endpoint"], "serves", ids["model"]) in rels
    assert (ids["model"], "stores-artifact-in", ids["bucket"]) in rels
    assert (ids["model"], "runs-as", ids["role"]) in rels
    critical = [f for f in doc["findings"] if f["severity"] == "critical"]
    assert [(f["rule_id"], f["asset_id"]) for f in critical] == [("XC-SC-002", ids["model"])]
    categories = {f["category"] for f in doc["findings"]}
    assert categories <= {
        "network-exposure", "encryption", "identity", "logging", "data-exposure",
        "supply-chain", "secrets", "compute-hardening", "guardrails", "governance",
        "attack-path",
    }  # fmt: skip
    assert all(c["status"] == "ok" for c in doc["coverage"]), doc["coverage"]
    assert {"schema_version", "tool", "scan", "assets", "relations", "coverage", "findings"} <= set(
        doc
    )


def test_clean_estate_passes_the_critical_gate(aws: AwsEmulator) -> None:
    ids = seed_estate(aws, bad=False)
    code, doc, _ = run_cli(aws, *SCAN, "--fail-on", "critical")
    assert doc is not None
    assert code == 0
    assert not [f for f in doc["findings"] if f["severity"] == "critical"]
    model_findings = {f["rule_id"] for f in doc["findings"] if f["asset_id"] == ids["model"]}
    assert "XC-SC-001" not in model_findings
    assert "XC-SC-002" not in model_findings


def test_denied_service_makes_the_scan_incomplete(aws: AwsEmulator) -> None:
    seed_estate(aws, bad=False)

    def deny(_request: object) -> dict[str, object]:
        raise CannedError("AccessDeniedException", "not authorized to sagemaker:ListModels")

    aws.add_canned("sagemaker:ListModels", deny)
    code, doc, _ = run_cli(aws, *SCAN, "--fail-on", "critical")
    assert code == 3
    assert doc is not None
    denied = [c for c in doc["coverage"] if c["status"] == "denied"]
    assert [(c["account"], c["region"], c["service"]) for c in denied] == [
        (ACCOUNT, REGION, "sagemaker")
    ]
    assert "ListModels" in denied[0]["message"]
    # the rest of the scope was still read
    assert any(a["kind"] == "notebook" for a in doc["assets"])
    code, _, _ = run_cli(aws, *SCAN, "--fail-on", "critical", "--allow-partial")
    assert code == 0
    # findings at the threshold win over incompleteness
    code, _, _ = run_cli(aws, *SCAN, "--fail-on", "low")
    assert code == 1


def test_inventory_table_and_outputs(aws: AwsEmulator, tmp_path: Path) -> None:
    ids = seed_estate(aws, bad=True)
    out = tmp_path / "scan.json"
    res = CliRunner().invoke(
        cli,
        ["inventory", "--cloud", "aws", "--regions", REGION, "-o", f"json={out}"],
        env={**env_for(aws), "COLUMNS": "200"},
    )
    assert res.exit_code == 0, res.output
    assert "AI assets (6)" in res.stdout
    assert "notebook-instance/lab" in res.stdout
    doc = json.loads(out.read_text())
    assert doc["findings"] == []  # inventory runs no rules
    assert {a["id"] for a in doc["assets"]} == set(ids.values())
    show = CliRunner().invoke(cli, ["show", "chat", "--input", str(out)])
    assert show.exit_code == 2  # "chat" names both the model and the endpoint
    show = CliRunner().invoke(cli, ["show", ids["model"], "--input", str(out)])
    assert show.exit_code == 0, show.output
    assert "stores-artifact-in" in show.stdout
    assert ids["bucket"] in show.stdout
    # without --input, show scans first (with the same collection options as scan)
    live = CliRunner().invoke(
        cli, ["show", ids["model"], "--cloud", "aws", "--regions", REGION], env=env_for(aws)
    )
    assert live.exit_code == 0, live.output
    assert ids["bucket"] in live.stdout
