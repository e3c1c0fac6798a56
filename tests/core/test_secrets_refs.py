import pytest

from aiscan.core.refs import (
    hub_reference,
    is_public_registry,
    parse_image,
    s3_bucket_of,
    trusts_remote_code,
)
from aiscan.core.sanitize import bounded, clean_text
from aiscan.core.secrets import REDACTED, redact_env, scan_text

HF_TOKEN = "hf_" + "a" * 34
SHA = "0123456789abcdef0123456789abcdef01234567"


def test_redact_env_hides_values_but_reports_where():
    env = {
        "HF_TOKEN": HF_TOKEN,
        "AWS_KEY": "AKIAABCDEFGHIJKLMNOP",
        "DB_PASSWORD": "hunter2hunter2",
        "SM_NUM_GPUS": "1",
        "SECRET_ARN": "arn:aws:secretsmanager:us-east-1:1:secret:x",
        "KMS_KEY_ID": "alias/x",
    }
    clean, hits = redact_env(env, "container[0].Environment")
    assert clean["HF_TOKEN"] == REDACTED
    assert clean["AWS_KEY"] == REDACTED
    assert clean["DB_PASSWORD"] == REDACTED
    assert clean["SM_NUM_GPUS"] == "1"
    assert clean["SECRET_ARN"].startswith("arn:")  # a reference to a secret store is fine
    assert clean["KMS_KEY_ID"] == "alias/x"
    assert {h["name"] for h in hits} == {"HF_TOKEN", "AWS_KEY", "DB_PASSWORD"}
    assert all(HF_TOKEN not in str(h) for h in hits)


def test_scan_text_finds_secrets_per_line_without_values():
    script = "#!/bin/bash\necho hi\nexport OPENAI_API_KEY=sk-abcdefghijklmnopqrstuvwx\n"
    hits = scan_text(script, "OnStart[0]")
    assert hits == [{"location": "OnStart[0]:3", "name": "", "kind": "openai-api-key"}]


@pytest.mark.parametrize(
    ("env", "repo", "pinned"),
    [
        ({"HF_MODEL_ID": "meta-llama/Llama-3.1-8B"}, "meta-llama/Llama-3.1-8B", False),
        ({"HF_MODEL_ID": "org/m", "HF_MODEL_REVISION": "main"}, "org/m", False),
        ({"HF_MODEL_ID": "org/m", "HF_MODEL_REVISION": SHA[:7]}, "org/m", False),
        ({"HF_MODEL_ID": "org/m", "HF_MODEL_REVISION": SHA.upper()}, "org/m", False),
        ({"HF_MODEL_ID": "org/m", "HF_MODEL_REVISION": SHA}, "org/m", True),
        ({"OPTION_MODEL_ID": "org/m", "OPTION_REVISION": SHA}, "org/m", True),
    ],
)
def test_hub_reference_pinning(env, repo, pinned):
    ref = hub_reference(env)
    assert ref is not None
    assert (ref.repo_id, ref.pinned) == (repo, pinned)
    assert (ref.purl is not None) is pinned


@pytest.mark.parametrize("value", ["/opt/ml/model", "s3://bucket/model/", "", "not a repo id!"])
def test_non_hub_model_ids(value):
    assert hub_reference({"HF_MODEL_ID": value}) is None


def test_trust_remote_code():
    assert (
        trusts_remote_code({"HF_MODEL_TRUST_REMOTE_CODE": "true"}) == "HF_MODEL_TRUST_REMOTE_CODE"
    )
    assert trusts_remote_code({"TRUST_REMOTE_CODE": "false"}) is None


def test_parse_image():
    ecr = parse_image("123456789012.dkr.ecr.us-west-2.amazonaws.com/llm/tgi:2.0")
    assert (ecr.is_ecr, ecr.ecr_account, ecr.ecr_region, ecr.repository, ecr.tag) == (
        True,
        "123456789012",
        "us-west-2",
        "llm/tgi",
        "2.0",
    )
    hub = parse_image("vllm/vllm-openai:latest")
    assert hub.registry == "docker.io" and is_public_registry(hub) and not hub.pinned
    pinned = parse_image("ghcr.io/org/img@sha256:" + "a" * 64)
    assert pinned.pinned and pinned.registry == "ghcr.io"
    assert not parse_image("localhost:5000/img:1").pinned


def test_s3_bucket_of():
    assert s3_bucket_of("s3://my-bucket/models/x.tar.gz") == "my-bucket"
    assert s3_bucket_of("https://my-bucket.s3.us-east-1.amazonaws.com/k") == "my-bucket"
    assert s3_bucket_of("gs://other/x") is None


def test_bounded_and_clean_text_tame_hostile_payloads():
    hostile = {"name": "\x1b[31mred\x1b]0;title\x07" + "x" * 10_000, "list": list(range(1000))}
    out = bounded(hostile)
    assert len(out["name"]) < 4200
    assert len(out["list"]) == 201
    assert "\x1b" not in clean_text(hostile["name"])
    assert "\u202e" not in clean_text("abc\u202edef")
