"""AWS accelerated-compute rules: IMDSv1, public IPs, EKS GPU node groups with open SSH."""

from __future__ import annotations

from aiscan.core.engine import evaluate
from aiscan.core.model import AssetKind, ResultStatus, Severity
from aiscan.rules import aws_compute
from aiscan.rules.aws_compute import eks_gpu_ssh_open, gpu_imdsv1_allowed, gpu_public_ip
from tests.factories import asset, failing_ids, inventory, statuses

ARN = "arn:aws:ec2:us-east-1:123456789012:instance/"
NG = "arn:aws:eks:us-east-1:123456789012:nodegroup/ml/"


def instance(name: str, **attributes: object):  # type: ignore[no-untyped-def]
    return asset(
        AssetKind.GPU_COMPUTE,
        ARN + name,
        service="ec2",
        type="AWS::EC2::Instance",
        instance_type="g5.xlarge",
        **attributes,
    )


def nodegroup(name: str, **attributes: object):  # type: ignore[no-untyped-def]
    return asset(
        AssetKind.GPU_COMPUTE, NG + name, service="eks", type="AWS::EKS::Nodegroup", **attributes
    )


HARDENED = instance("i-good", imds_v2_required=True, imds_enabled=True, public_ip=None)
LOCKED_NG = nodegroup(
    "locked",
    ssh_open_to_world=False,
    remote_access={"ec2_ssh_key": "ops", "source_security_groups": ["sg-1"]},
)


def test_imdsv1_allowed():
    inv = inventory(
        [
            HARDENED,
            instance("i-v1", imds_v2_required=False, imds_enabled=True),
            instance("i-off", imds_v2_required=False, imds_enabled=False),
            instance("i-unknown"),
            nodegroup("ng", ssh_open_to_world=True),  # not an EC2 instance: rule does not apply
        ]
    )
    assert failing_ids(gpu_imdsv1_allowed, inv) == {ARN + "i-v1"}
    assert statuses(gpu_imdsv1_allowed, inv) == {
        ARN + "i-good": ResultStatus.PASS,
        ARN + "i-v1": ResultStatus.FAIL,
        ARN + "i-off": ResultStatus.PASS,
        ARN + "i-unknown": ResultStatus.MANUAL,
    }


def test_public_ip():
    inv = inventory([HARDENED, instance("i-pub", public_ip="54.1.2.3"), instance("i-unknown")])
    assert failing_ids(gpu_public_ip, inv) == {ARN + "i-pub"}
    assert statuses(gpu_public_ip, inv)[ARN + "i-unknown"] is ResultStatus.MANUAL
    (finding,) = evaluate(inv, [gpu_public_ip]).findings
    assert finding.evidence["public_ip"] == "54.1.2.3"
    assert finding.severity is Severity.HIGH


def test_eks_gpu_ssh_open_to_world():
    inv = inventory(
        [
            LOCKED_NG,
            nodegroup(
                "open",
                ssh_open_to_world=True,
                remote_access={"ec2_ssh_key": "ops", "source_security_groups": []},
            ),
            nodegroup("unknown"),
            instance("i-pub", public_ip="54.1.2.3"),  # the EC2 rule's business, not this one's
        ]
    )
    assert failing_ids(eks_gpu_ssh_open, inv) == {NG + "open"}
    assert statuses(eks_gpu_ssh_open, inv) == {
        NG + "locked": ResultStatus.PASS,
        NG + "open": ResultStatus.FAIL,
        NG + "unknown": ResultStatus.MANUAL,
    }


def test_well_configured_twins_get_no_high_findings():
    out = evaluate(inventory([HARDENED, LOCKED_NG]), list(aws_compute.RULES))
    assert [f for f in out.findings if f.severity.at_least(Severity.HIGH)] == []


def test_rule_metadata():
    ids = [r.meta.id for r in aws_compute.RULES]
    assert ids == ["AWS-GPU-001", "AWS-GPU-002", "AWS-GPU-003"]
    for r in aws_compute.RULES:
        assert r.meta.references and r.meta.remediation
