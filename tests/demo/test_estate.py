"""The bundled example estate seeds into the emulator, and plain boto3 reads see its main pieces,
including the parts moto lacks (canned) or drops (amended), in the real response shape."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from aiscan.demo.emulator import AwsEmulator
from aiscan.demo.estate import (
    GAP_FILLED_SERVICES,
    SeedReport,
    empty_list_answer,
    missing_list_operations,
    seed_aws,
)
from tests.demo.shapes import problems

ACCOUNT = "123456789012"


@pytest.fixture(scope="module")
def seeded() -> Iterator[tuple[AwsEmulator, SeedReport]]:
    with AwsEmulator() as emu:
        yield emu, seed_aws(emu.url)


@pytest.fixture(scope="module")
def raw_bodies() -> dict[str, list[Any]]:
    """Every JSON body the reading clients received, by operation, before botocore parsed it."""
    return {}


@pytest.fixture(scope="module")
def read(seeded: tuple[AwsEmulator, SeedReport], raw_bodies: dict[str, list[Any]]) -> Any:
    emu, _ = seeded
    session = boto3.Session(aws_access_key_id="demo", aws_secret_access_key="demo")

    def capture(operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        body = response_dict.get("body") or b""
        if response_dict.get("status_code") == 200 and body.startswith(b"{"):
            raw_bodies.setdefault(operation_model.name, []).append(
                (operation_model, json.loads(body))
            )

    session.events.register("before-parse", capture)

    def client(service: str, region: str = "us-east-1") -> Any:
        return session.client(
            service,
            region_name=region,
            endpoint_url=emu.url,
            config=Config(retries={"total_max_attempts": 1}),
        )

    return client


def test_seeding_creates_every_kind(seeded: tuple[AwsEmulator, SeedReport]) -> None:
    _, report = seeded
    counts = {kind: len(ids) for kind, ids in report.resources.items()}
    assert counts["sagemaker-notebook"] == 2
    assert counts["sagemaker-endpoint"] == 4
    assert counts["sagemaker-model-package"] == 2
    assert counts["bedrock-guardrail"] == 2
    assert counts["bedrock-agent"] == 2
    assert counts["ec2-gpu-instance"] == 2
    assert counts["ec2-cpu-instance"] == 1
    assert counts["s3-bucket-unrelated"] == 1
    assert report.regions == ("us-east-1", "us-west-2", "eu-west-1")
    assert {"bedrock:ListGuardrails", "sagemaker:ListFeatureGroups"} <= set(report.canned)


def test_notebooks_bad_and_locked_down(read: Any) -> None:
    bad = read("sagemaker").describe_notebook_instance(NotebookInstanceName="research-sandbox")
    assert (bad["DirectInternetAccess"], bad["RootAccess"]) == ("Enabled", "Enabled")
    assert "KmsKeyId" not in bad
    assert (
        bad["InstanceMetadataServiceConfiguration"]["MinimumInstanceMetadataServiceVersion"] == "1"
    )

    good = read("sagemaker", "us-west-2").describe_notebook_instance(
        NotebookInstanceName="fraud-model-dev"
    )
    assert (good["DirectInternetAccess"], good["RootAccess"]) == ("Disabled", "Disabled")
    assert good["SubnetId"].startswith("subnet-")
    assert good["KmsKeyId"].startswith("arn:aws:kms:us-west-2:")
    assert (
        good["InstanceMetadataServiceConfiguration"]["MinimumInstanceMetadataServiceVersion"] == "2"
    )


def test_llm_endpoints_and_their_models(read: Any) -> None:
    sm = read("sagemaker")
    names = sorted(e["EndpointName"] for e in sm.list_endpoints()["Endpoints"])
    assert names == [
        "llama31-8b-chat", "llama31-8b-chat-pinned", "llama31-8b-support", "mistral-7b-vllm"
    ]  # fmt: skip

    unpinned = sm.describe_model(ModelName="llama31-8b-chat")["PrimaryContainer"]
    assert unpinned["Environment"]["HF_MODEL_ID"] == "meta-llama/Llama-3.1-8B-Instruct"
    assert unpinned["Environment"]["HF_MODEL_TRUST_REMOTE_CODE"] == "true"
    assert unpinned["Environment"]["HF_TOKEN"].startswith("hf_")
    assert "HF_MODEL_REVISION" not in unpinned["Environment"]

    pinned = sm.describe_model(ModelName="llama31-8b-chat-pinned")
    assert len(pinned["PrimaryContainer"]["Environment"]["HF_MODEL_REVISION"]) == 40
    assert "@sha256:" in pinned["PrimaryContainer"]["Image"]
    assert pinned["EnableNetworkIsolation"] is True  # moto drops it; the emulator puts it back

    vllm = sm.describe_model(ModelName="mistral-7b-vllm")["PrimaryContainer"]
    assert vllm["Image"] == "docker.io/vllm/vllm-openai:latest"


def test_model_buckets_public_and_private(read: Any) -> None:
    s3 = read("s3")
    status = s3.get_bucket_policy_status(Bucket="acme-ml-model-artifacts")["PolicyStatus"]
    assert status["IsPublic"] is True
    assert s3.get_bucket_versioning(Bucket="acme-ml-models-private")["Status"] == "Enabled"
    rule = s3.get_bucket_encryption(Bucket="acme-ml-models-private")[
        "ServerSideEncryptionConfiguration"
    ]["Rules"][0]["ApplyServerSideEncryptionByDefault"]
    assert rule["SSEAlgorithm"] == "aws:kms"
    assert "acme-marketing-site-assets" in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_gpu_instance_exposed_and_cpu_instance_present(read: Any) -> None:
    ec2 = read("ec2")
    instances = {
        i["InstanceType"]: i
        for r in ec2.describe_instances()["Reservations"]
        for i in r["Instances"]
    }
    g5 = instances["g5.xlarge"]
    assert g5["MetadataOptions"]["HttpTokens"] == "optional"
    assert g5.get("PublicIpAddress")
    assert "t3.micro" in instances
    groups = ec2.describe_security_groups(GroupIds=[g["GroupId"] for g in g5["SecurityGroups"]])
    open_ports = {
        p["FromPort"]
        for g in groups["SecurityGroups"]
        for p in g["IpPermissions"]
        if any(r["CidrIp"] == "0.0.0.0/0" for r in p.get("IpRanges", []))
    }
    assert open_ports == {8888, 8265}

    p3 = read("ec2", "us-west-2").describe_instances()["Reservations"][0]["Instances"][0]
    assert (p3["InstanceType"], p3["MetadataOptions"]["HttpTokens"]) == (
        "p3dn.24xlarge",
        "required",
    )


def test_guardrails_are_canned_per_region(read: Any) -> None:
    east = read("bedrock").list_guardrails()["guardrails"]
    assert sorted(g["name"] for g in east) == ["customer-support-strict", "internal-chat-basic"]
    assert read("bedrock", "us-west-2").list_guardrails()["guardrails"] == []
    weak = read("bedrock").get_guardrail(guardrailIdentifier="p8w2n5r1t6ya")
    attack = [f for f in weak["contentPolicy"]["filters"] if f["type"] == "PROMPT_ATTACK"]
    assert attack[0]["inputStrength"] == "LOW"


def test_bedrock_agents_kb_logging_throughput(read: Any) -> None:
    agents = read("bedrock-agent").list_agents()["agentSummaries"]
    assert [a["agentName"] for a in agents] == ["support-assistant"]
    agent = read("bedrock-agent").get_agent(agentId=agents[0]["agentId"])["agent"]
    assert agent["guardrailConfiguration"]["guardrailIdentifier"] == "k3x9q2m7v4wd"
    ops = read("bedrock-agent", "us-west-2").list_agents()["agentSummaries"]
    assert "guardrailConfiguration" not in ops[0]

    agent_west = read("bedrock-agent", "us-west-2")
    kb = agent_west.list_knowledge_bases()["knowledgeBaseSummaries"][0]
    sources = agent_west.list_data_sources(knowledgeBaseId=kb["knowledgeBaseId"])
    ds_id = sources["dataSourceSummaries"][0]["dataSourceId"]
    ds = agent_west.get_data_source(knowledgeBaseId=kb["knowledgeBaseId"], dataSourceId=ds_id)
    assert ds["dataSource"]["dataSourceConfiguration"]["s3Configuration"]["bucketArn"] == (
        "arn:aws:s3:::acme-bedrock-kb-docs"
    )

    assert "loggingConfig" in read("bedrock").get_model_invocation_logging_configuration()
    assert (
        "loggingConfig"
        not in read("bedrock", "us-west-2").get_model_invocation_logging_configuration()
    )
    pts = read("bedrock").list_provisioned_model_throughputs()["provisionedModelSummaries"]
    assert (
        pts[0]["modelArn"]
        == f"arn:aws:bedrock:us-east-1:{ACCOUNT}:custom-model/support-assistant-titan-ft"
    )
    assert (
        read("bedrock").get_provisioned_model_throughput(
            provisionedModelId=pts[0]["provisionedModelArn"]
        )["status"]
        == "InService"
    )
    assert [m["modelName"] for m in read("bedrock").list_custom_models()["modelSummaries"]] == [
        "support-assistant-titan-ft"
    ]


def test_iam_and_eks(read: Any) -> None:
    attached = read("iam").list_attached_role_policies(RoleName="SageMakerAdminExecutionRole")
    assert [p["PolicyName"] for p in attached["AttachedPolicies"]] == ["AdministratorAccess"]
    ng = read("eks", "us-west-2").describe_nodegroup(
        clusterName="ml-platform", nodegroupName="gpu-inference"
    )["nodegroup"]
    assert (ng["instanceTypes"], ng["amiType"]) == (["g5.2xlarge"], "AL2_x86_64_GPU")


def test_canned_and_amended_answers_have_the_real_shape(
    seeded: tuple[AwsEmulator, SeedReport], read: Any, raw_bodies: dict[str, list[Any]]
) -> None:
    _, report = seeded
    # read each filled-in operation once more, so this test does not depend on the order above
    br, agent_west = read("bedrock"), read("bedrock-agent", "us-west-2")
    for g in br.list_guardrails()["guardrails"]:
        br.get_guardrail(guardrailIdentifier=g["id"])
    for p in br.list_provisioned_model_throughputs()["provisionedModelSummaries"]:
        br.get_provisioned_model_throughput(provisionedModelId=p["provisionedModelArn"])
    for kb in agent_west.list_knowledge_bases()["knowledgeBaseSummaries"]:
        for ds in agent_west.list_data_sources(knowledgeBaseId=kb["knowledgeBaseId"])[
            "dataSourceSummaries"
        ]:
            agent_west.get_data_source(
                knowledgeBaseId=kb["knowledgeBaseId"], dataSourceId=ds["dataSourceId"]
            )
    for region in ("us-east-1", "us-west-2"):
        agents = read("bedrock-agent", region)
        for a in agents.list_agents()["agentSummaries"]:
            agents.get_agent(agentId=a["agentId"])
    read("sagemaker").describe_model(ModelName="llama31-8b-chat-pinned")
    read("sagemaker").describe_notebook_instance(NotebookInstanceName="research-sandbox")

    filled = {k.split(":", 1)[1] for k in report.canned + report.amended}
    checked = set()
    for op_name, bodies in raw_bodies.items():
        if op_name not in filled:
            continue
        for operation_model, body in bodies:
            checked.add(op_name)
            assert problems(operation_model.output_shape, body) == [], op_name
    assert {"ListGuardrails", "GetGuardrail", "GetProvisionedModelThroughput", "GetDataSource",
            "GetAgent", "ListAgents", "DescribeNotebookInstance"} <= checked  # fmt: skip


def test_gap_fill_answers_are_empty_lists_of_the_real_shape() -> None:
    import botocore.session

    session = botocore.session.get_session()
    keys = missing_list_operations(GAP_FILLED_SERVICES)
    assert "sagemaker:ListFeatureGroups" in keys
    assert "sagemaker:ListEndpoints" not in keys  # moto implements it
    for key in keys:
        service, _, op = key.partition(":")
        shape = session.get_service_model(service).operation_model(op).output_shape
        assert problems(shape, dict(empty_list_answer(key))) == [], key


def test_the_real_collector_scans_the_estate_cleanly(
    seeded: tuple[AwsEmulator, SeedReport], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `aiscan demo` does: the normal AWS collector, pointed at the emulator by its settings.
    Every scope reads without error, AI assets are found and the CPU box / unrelated bucket are
    not reported."""
    from aiscan.collectors.aws import AwsCollector
    from aiscan.collectors.base import NullProgress, Scope
    from aiscan.core.inventory import InventoryBuilder
    from aiscan.demo.emulator import demo_settings

    emu, report = seeded
    sink = InventoryBuilder()
    collector = AwsCollector(settings=demo_settings(emu.url))
    collector.collect(Scope(regions=report.regions), sink, NullProgress())
    inventory = sink.build()

    bad = [(c.service, c.region, c.message) for c in inventory.coverage if c.status.incomplete]
    assert bad == []
    ids = {a.id for a in inventory.assets}
    assert set(report.resources["sagemaker-notebook"]) <= ids
    assert set(report.resources["sagemaker-endpoint"]) <= ids
    assert set(report.resources["ec2-gpu-instance"]) <= ids
    assert not set(report.resources["ec2-cpu-instance"]) & ids
    assert "arn:aws:s3:::acme-marketing-site-assets" not in ids
    assert "arn:aws:s3:::acme-ml-model-artifacts" in ids
