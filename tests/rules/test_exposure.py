from aiscan.core.model import ResultStatus, Severity
from aiscan.rules import exposure as ex
from tests.factories import asset, failing_ids, inventory, run, statuses

EC2 = "AWS::EC2::Instance"


def port(number: int) -> dict[str, object]:
    return {"protocol": "tcp", "from": number, "to": number}


def test_public_ai_bucket():
    inv = inventory(
        [
            asset(
                "bucket",
                "arn:aws:s3:::open",
                service="s3",
                type="AWS::S3::Bucket",
                public=True,
                public_reasons=["policy"],
            ),
            asset(
                "bucket", "arn:aws:s3:::closed", service="s3", type="AWS::S3::Bucket", public=False
            ),
            asset("bucket", "arn:aws:s3:::unread", service="s3", type="AWS::S3::Bucket"),
        ]
    )
    st = statuses(ex.public_ai_bucket, inv)
    assert st == {
        "arn:aws:s3:::open": ResultStatus.FAIL,
        "arn:aws:s3:::closed": ResultStatus.PASS,
        "arn:aws:s3:::unread": ResultStatus.MANUAL,
    }


def test_ai_ports_open():
    base = "arn:aws:ec2:us-east-1:1:instance/"
    inv = inventory(
        [
            asset(
                "gpu-compute",
                base + "ray",
                service="ec2",
                type=EC2,
                internet_open_ports=[{"protocol": "tcp", "from": 8000, "to": 9000}],
            ),
            asset(
                "gpu-compute", base + "ssh", service="ec2", type=EC2, internet_open_ports=[port(22)]
            ),
            asset(
                "gpu-compute",
                base + "web",
                service="ec2",
                type=EC2,
                internet_open_ports=[port(443)],
            ),
            asset("gpu-compute", base + "none", service="ec2", type=EC2, internet_open_ports=[]),
        ]
    )
    sev = {f.asset_id: f.severity for f in run(ex.ai_ports_open, inv)}
    assert sev == {base + "ray": Severity.CRITICAL, base + "ssh": Severity.HIGH}


def test_over_privileged_identity():
    role = "arn:aws:iam::1:role/"
    inv = inventory(
        [
            asset(
                "identity",
                role + "admin",
                service="iam",
                type="AWS::IAM::Role",
                administrator=True,
                policies_complete=True,
            ),
            asset(
                "identity",
                role + "full",
                service="iam",
                type="AWS::IAM::Role",
                full_access_policies=["AmazonSageMakerFullAccess"],
                policies_complete=True,
            ),
            asset(
                "identity",
                role + "wild",
                service="iam",
                type="AWS::IAM::Role",
                wildcard_actions=["s3:*"],
                policies_complete=True,
            ),
            asset(
                "identity",
                role + "least",
                service="iam",
                type="AWS::IAM::Role",
                wildcard_actions=[],
                policies_complete=True,
            ),
            asset(
                "identity",
                role + "partial",
                service="iam",
                type="AWS::IAM::Role",
                policies_complete=False,
            ),
        ]
    )
    found = {f.asset_id: f.severity for f in run(ex.over_privileged_identity, inv)}
    assert found == {
        role + "admin": Severity.CRITICAL,
        role + "full": Severity.HIGH,
        role + "wild": Severity.HIGH,
    }
    assert statuses(ex.over_privileged_identity, inv)[role + "partial"] is ResultStatus.MANUAL
    assert role + "least" not in failing_ids(ex.over_privileged_identity, inv)
