from aiscan.core.model import Severity
from aiscan.rules import supply_chain as sc
from tests.factories import asset, failing_ids, inventory, rel, run

SHA = "0123456789abcdef0123456789abcdef01234567"
ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com/tgi"


def model(name, image=f"{ECR}@sha256:" + "a" * 64, **env):
    return asset(
        "model",
        f"arn:aws:sagemaker:us-east-1:123456789012:model/{name}",
        type="AWS::SageMaker::Model",
        containers=[{"image": image, "environment": env}],
    )


def test_hub_model_unpinned():
    inv = inventory(
        [
            model("bad", HF_MODEL_ID="meta-llama/Llama-3.1-8B"),
            model("branch", HF_MODEL_ID="org/m", HF_MODEL_REVISION="main"),
            model("good", HF_MODEL_ID="org/m", HF_MODEL_REVISION=SHA),
            model("s3", HF_MODEL_ID="/opt/ml/model"),
        ]
    )
    assert failing_ids(sc.hub_model_unpinned, inv) == {
        "arn:aws:sagemaker:us-east-1:123456789012:model/bad",
        "arn:aws:sagemaker:us-east-1:123456789012:model/branch",
    }


def test_trust_remote_code_is_critical_when_unpinned():
    inv = inventory(
        [
            model("unpinned", HF_MODEL_ID="org/m", HF_MODEL_TRUST_REMOTE_CODE="true"),
            model("pinned", HF_MODEL_ID="org/m", HF_MODEL_REVISION=SHA, TRUST_REMOTE_CODE="1"),
            model("good", HF_MODEL_ID="org/m", HF_MODEL_REVISION=SHA),
        ]
    )
    sev = {f.asset_id.rsplit("/", 1)[1]: f.severity for f in run(sc.trust_remote_code, inv)}
    assert sev == {"unpinned": Severity.CRITICAL, "pinned": Severity.HIGH}


def test_image_pinning_and_public_registry():
    inv = inventory(
        [
            model("tag", image=f"{ECR}:2.0"),
            model("hub", image="vllm/vllm-openai:latest"),
            model("good"),
        ]
    )
    base = "arn:aws:sagemaker:us-east-1:123456789012:model/"
    assert failing_ids(sc.image_not_pinned, inv) == {base + "tag", base + "hub"}
    assert failing_ids(sc.image_public_registry, inv) == {base + "hub"}
    (finding,) = run(sc.image_public_registry, inv)
    assert finding.evidence["registry"] == "docker.io"


def test_artifact_store_writable_by_serving_role():
    bucket = asset(
        "bucket",
        "arn:aws:s3:::artifacts",
        service="s3",
        type="AWS::S3::Bucket",
        write_principals=[],
        versioning="Suspended",
    )
    policy_bucket = asset(
        "bucket",
        "arn:aws:s3:::shared",
        service="s3",
        type="AWS::S3::Bucket",
        write_principals=["arn:aws:iam::123456789012:role/serve-b"],
    )
    writer = asset(
        "identity",
        "arn:aws:iam::123456789012:role/serve-a",
        service="iam",
        type="AWS::IAM::Role",
        s3_write_resources=["arn:aws:s3:::artifacts/*"],
        policies_complete=True,
    )
    reader = asset(
        "identity",
        "arn:aws:iam::123456789012:role/serve-b",
        service="iam",
        type="AWS::IAM::Role",
        s3_write_resources=[],
        policies_complete=True,
    )
    clean = asset(
        "identity",
        "arn:aws:iam::123456789012:role/serve-c",
        service="iam",
        type="AWS::IAM::Role",
        s3_write_resources=["arn:aws:s3:::other/*"],
        policies_complete=True,
    )
    m1, m2, m3 = model("a"), model("b"), model("c")
    inv = inventory(
        [bucket, policy_bucket, writer, reader, clean, m1, m2, m3],
        [
            rel(m1.id, "stores-artifact-in", bucket.id),
            rel(m1.id, "runs-as", writer.id),
            rel(m2.id, "stores-artifact-in", policy_bucket.id),
            rel(m2.id, "runs-as", reader.id),
            rel(m3.id, "stores-artifact-in", bucket.id),
            rel(m3.id, "runs-as", clean.id),
        ],
    )
    findings = run(sc.artifact_store_writable, inv)
    assert {f.asset_id for f in findings} == {m1.id, m2.id}
    assert next(f for f in findings if f.asset_id == m1.id).path == (m1.id, writer.id, bucket.id)


def test_secrets_rule_reports_location_not_value():
    leaky = asset(
        "training-job",
        "arn:aws:sagemaker:us-east-1:1:training-job/t",
        type="AWS::SageMaker::TrainingJob",
        secrets=[{"location": "Environment", "name": "HF_TOKEN", "kind": "huggingface-token"}],
    )
    clean = asset(
        "training-job",
        "arn:aws:sagemaker:us-east-1:1:training-job/u",
        type="AWS::SageMaker::TrainingJob",
        secrets=[],
    )
    findings = run(sc.secrets_in_environment, inventory([leaky, clean]))
    assert [f.asset_id for f in findings] == [leaky.id]
    assert findings[0].evidence["name"] == "HF_TOKEN"
