"""ECR repositories of this account that AI assets pull images from."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws

from aiscan.collectors.aws import ecr
from aiscan.collectors.aws.context import References
from aiscan.core.model import AssetKind, CoverageStatus
from tests import awsfake
from tests.collectors.aws.test_s3 import run_global

DATA = Path(__file__).resolve().parents[2] / "data" / "aws"
ACCOUNT = "123456789012"
REGISTRY = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com"
REPO_ARN = f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/llm/serve"


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text())


def test_image_ids_prefer_digests_and_default_to_latest():
    digest = "sha256:" + "b" * 64
    assert ecr.image_ids(
        [f"{REGISTRY}/r:v1", f"{REGISTRY}/r@{digest}", f"{REGISTRY}/r", f"{REGISTRY}/r:v1"]
    ) == [{"imageDigest": digest}, {"imageTag": "latest"}, {"imageTag": "v1"}]


def test_recorded_repository_and_images():
    (repo,) = load("ecr_repositories.json")["repositories"]
    (detail,) = load("ecr_images.json")["imageDetails"]
    asset = ecr.to_repository(
        repo,
        ACCOUNT,
        "us-east-1",
        [({"imageTag": "v1"}, detail), ({"imageTag": "v0"}, None)],
    )
    assert asset.id == REPO_ARN
    assert asset.kind is AssetKind.CONTAINER_REGISTRY
    assert asset.type == "AWS::ECR::Repository"
    assert asset.name == "llm/serve"
    assert asset.created_at is not None
    assert asset.attributes["image_tag_mutability"] == "IMMUTABLE"
    assert asset.attributes["scan_on_push"] is True
    assert asset.attributes["encryption"] == {"type": "AES256", "kms_key": None}
    assert asset.attributes["kms_key"] is None
    assert asset.attributes["images"] == [
        {
            "tag": "v1",
            "digest": "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "pushed_at": "2026-11-25T21:30:14+00:00",
            "scan_status": None,
            "finding_counts": {},
        }
    ]
    assert asset.attributes["missing_images"] == ["v0"]


def _seed() -> None:
    client = boto3.client("ecr", region_name="us-east-1")
    client.create_repository(repositoryName="llm/serve", imageTagMutability="MUTABLE")
    client.create_repository(
        repositoryName="train",
        imageTagMutability="IMMUTABLE",
        imageScanningConfiguration={"scanOnPush": True},
        encryptionConfiguration={
            "encryptionType": "KMS",
            "kmsKey": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k1",
        },
    )
    client.create_repository(repositoryName="web-frontend")  # not referenced
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {
            "digest": "sha256:" + "a" * 64,
            "size": 1,
            "mediaType": "application/vnd.docker.container.image.v1+json",
        },
        "layers": [],
    }
    client.put_image(repositoryName="llm/serve", imageManifest=json.dumps(manifest), imageTag="v1")


def _refs(*uris: str) -> References:
    refs = References()
    for uri in uris:
        refs.add("images", uri, f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:model/m")
    return refs


@mock_aws
def test_only_referenced_repositories_of_this_account_become_assets():
    _seed()
    inv = run_global(
        ecr.collect,
        "ecr",
        _refs(
            f"{REGISTRY}/llm/serve:v1",
            f"{REGISTRY}/llm/serve:v2",  # tag that does not exist
            f"{REGISTRY}/train@sha256:" + "c" * 64,
            f"{REGISTRY}/deleted:latest",  # repository that does not exist
            "210987654321.dkr.ecr.us-east-1.amazonaws.com/llm/serve:v1",  # other account
            "ghcr.io/huggingface/text-generation-inference:2.0",  # public registry
        ),
    )
    train_arn = f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/train"
    assert {a.id for a in inv.assets} == {REPO_ARN, train_arn}
    serve = inv.get(REPO_ARN)
    train = inv.get(train_arn)
    assert serve is not None and train is not None
    assert serve.attributes["image_tag_mutability"] == "MUTABLE"
    assert serve.attributes["scan_on_push"] is False
    assert [i["tag"] for i in serve.attributes["images"]] == ["v1"]
    assert serve.attributes["images"][0]["digest"].startswith("sha256:")
    assert serve.attributes["missing_images"] == ["v2"]
    assert train.attributes["image_tag_mutability"] == "IMMUTABLE"
    assert train.attributes["encryption"] == {
        "type": "KMS",
        "kms_key": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k1",
    }
    (cov,) = inv.coverage
    assert cov.status is CoverageStatus.OK
    assert "deleted in us-east-1 does not exist" in cov.message


@mock_aws
def test_denied_describe_images_keeps_the_repository_and_marks_the_scope():
    _seed()
    inv = run_global(
        ecr.collect,
        "ecr",
        _refs(f"{REGISTRY}/llm/serve:v1"),
        handlers={"before-call.ecr.DescribeImages": awsfake.error("AccessDeniedException")},
    )
    (asset,) = inv.assets
    assert "images" not in asset.attributes
    assert asset.attributes["image_tag_mutability"] == "MUTABLE"
    assert inv.coverage[0].status is CoverageStatus.DENIED
