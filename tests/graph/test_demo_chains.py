"""The attack chains planted in the bundled demo estates, each next to its hardened twin.

Every chain of issue 9 is planted in each cloud where its parts exist (table in
docs/demo-estate.md); its twin is the same shape with one link broken. Azure and Google Cloud are
read through the real collectors and the graph: the derived edges of each chain are asserted, and
the twin's broken edge is asserted absent. For AWS the collected relations and facts each chain
needs are asserted, plus the IAM policy that grants the step, read back from the emulator (an
independent check of what derive/aws.py decides; tests/cli/test_demo_paths.py checks the AWS
paths themselves end to end).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from aiscan.core.graph import ANONYMOUS, INTERNET, EdgeType, EstateGraph, hub_node
from aiscan.core.inventory import Inventory
from aiscan.core.model import Asset, RelationType
from aiscan.rules import paths
from tests.graph.test_demo_estates_graph import azure, gcp

AZ_OPENAI = "https://oai-chat-prod.openai.azure.com/"
ACCOUNT = "123456789012"


def node(graph: EstateGraph, suffix: str) -> str:
    found = [n for n in graph.g if n.lower().endswith(suffix.lower())]
    assert len(found) == 1, (suffix, found)
    return found[0]


def targets(graph: EstateGraph, source: str, edge: EdgeType) -> set[str]:
    return {t for t, _ in graph.out_edges(source, edge)}


def exposed(graph: EstateGraph, asset: str) -> bool:
    return asset in targets(graph, INTERNET, EdgeType.EXPOSED_TO)


def identity_of(graph: EstateGraph, workload: str) -> str:
    (ident,) = targets(graph, workload, EdgeType.RUNS_AS)
    return ident


def secret_names(asset: Asset | None) -> set[str]:
    assert asset is not None
    return {s.name for s in asset.facts.secrets}


def env(asset: Asset | None) -> dict[str, str]:
    assert asset is not None
    merged: dict[str, str] = {}
    for c in asset.facts.containers:
        merged.update(c.environment)
    return merged


def env_values(asset: Asset | None, name: str) -> set[str]:
    assert asset is not None
    return {c.environment[name] for c in asset.facts.containers if name in c.environment}


# -- Azure ------------------------------------------------------------------------------------

AZ_VM = "virtualmachines/vm-gpu-jupyter"
AZ_CI_ALICE = "workspaces/mlw-fraud/computes/ci-alice"
AZ_CI_BOB = "workspaces/mlw-secure/computes/ci-bob"
AZ_MODELS = "containers/models"
AZ_TRAINING = "containers/training"
AZ_LLAMA_FT = "models/llama-ft/versions/1"
AZ_FRAUD_LLM = "onlineendpoints/fraud-llm"
AZ_BLUE = "onlineendpoints/fraud-llm/deployments/blue"
AZ_GREEN = "onlineendpoints/secure-scoring/deployments/green"
AZ_OAI = "accounts/oai-chat-prod"


def test_azure_1_exposed_gpu_vm_can_overwrite_a_served_model_twin_identity_cannot_write():
    g = azure()
    vm, models, model, endpoint = (
        node(g, s) for s in (AZ_VM, AZ_MODELS, AZ_LLAMA_FT, AZ_FRAUD_LLM)
    )
    assert exposed(g, vm)
    assert models in targets(g, identity_of(g, vm), EdgeType.CAN_WRITE)
    assert models in targets(g, model, EdgeType.STORES_ARTIFACT_IN)
    assert model in targets(g, endpoint, EdgeType.SERVES)
    # twin: the exposed compute instance ci-alice, whose identity cannot write any store
    twin = node(g, AZ_CI_ALICE)
    assert exposed(g, twin)
    assert not targets(g, identity_of(g, twin), EdgeType.CAN_WRITE)


def test_azure_8_exposed_gpu_vm_identity_reaches_ai_data_twin_identity_reads_nothing():
    g = azure()
    vm, training = node(g, AZ_VM), node(g, AZ_TRAINING)
    assert exposed(g, vm)  # Azure IMDS answers every VM: no IMDSv1/v2 switch to break
    assert training in targets(g, identity_of(g, vm), EdgeType.CAN_READ)
    twin = node(g, AZ_CI_ALICE)
    assert exposed(g, twin)
    assert not targets(g, identity_of(g, twin), EdgeType.CAN_READ)


def test_azure_7_notebook_identity_can_redeploy_the_endpoint_twin_has_no_identity():
    g = azure()
    ci, endpoint = node(g, AZ_CI_ALICE), node(g, AZ_FRAUD_LLM)
    grant = [d for t, d in g.out_edges(identity_of(g, ci), EdgeType.CAN_DEPLOY) if t == endpoint]
    assert grant and grant[0]["evidence"]["source"] == "role-assignment"
    assert not targets(g, node(g, AZ_CI_BOB), EdgeType.RUNS_AS)


def hub_load(graph: EstateGraph, workload: str) -> dict[str, Any]:
    """The evidence of the workload's one loads-from-hub edge (derived from its HubFacts)."""
    ((target, edge),) = graph.out_edges(workload, EdgeType.LOADS_FROM_HUB)
    assert target == hub_node("huggingface.co") and edge["derived"] is True
    return dict(edge["evidence"])


def hub_chains(graph: EstateGraph) -> dict[str, str]:
    """XC-PATH-005 over the demo graph: workload -> the identity it runs as, per path found."""
    return {r.path[1]: r.path[2] for r in paths.floating_hub_model_powerful_identity(graph)}


def test_azure_5_hub_model_by_floating_ref_with_remote_code_as_a_powerful_identity():
    g = azure()
    blue, green = node(g, AZ_BLUE), node(g, AZ_GREEN)
    facts = g.asset(blue).facts  # type: ignore[union-attr]
    assert facts.hub_model.repo_id == "meta-llama/Llama-3.1-8B-Instruct"
    assert facts.trust_remote_code == "HF_MODEL_TRUST_REMOTE_CODE"
    loads = hub_load(g, blue)
    assert loads["repo_id"] == "meta-llama/Llama-3.1-8B-Instruct" and loads["pinned"] is False
    assert loads["trust_remote_code"] is True
    ident = identity_of(g, blue)
    assert targets(g, ident, EdgeType.CAN_WRITE) and targets(g, ident, EdgeType.CAN_DEPLOY)
    # twin: it loads from the hub too, but pinned to a commit and without remote code
    twin = hub_load(g, green)
    assert twin["pinned"] is True and len(twin["revision"]) == 40
    assert twin["trust_remote_code"] is False
    assert hub_chains(g) == {blue: ident}


def test_azure_6_secret_in_deployment_env_names_an_openai_account_of_the_estate():
    g = azure()
    blue, oai = g.asset(node(g, AZ_BLUE)), g.asset(node(g, AZ_OAI))
    assert "AZURE_OPENAI_API_KEY" in secret_names(blue)
    assert env_values(blue, "AZURE_OPENAI_ENDPOINT") == {AZ_OPENAI}
    assert oai is not None and oai.facts.endpoint_url == AZ_OPENAI
    assert not secret_names(g.asset(node(g, AZ_GREEN)))  # twin: managed identity, no key


# -- Google Cloud -----------------------------------------------------------------------------

GPU = "instances/llm-inference-gpu"
GPU_HARDENED = "instances/llm-inference-gpu-hardened"
ARTIFACTS = "buckets/acme-ml-artifacts"
TRAINING_DATA = "buckets/acme-training-data"
RAG_CORPUS = "buckets/acme-rag-corpus"
UC = "locations/us-central1/"


def test_gcp_1_exposed_gpu_vm_can_overwrite_a_served_model_twin_is_not_exposed():
    g = gcp()
    box, twin, bucket = node(g, GPU), node(g, GPU_HARDENED), node(g, ARTIFACTS)
    model, endpoint = node(g, UC + "models/1201"), node(g, UC + "endpoints/3001")
    assert exposed(g, box)
    assert bucket in targets(g, identity_of(g, box), EdgeType.CAN_WRITE)
    assert bucket in targets(g, model, EdgeType.STORES_ARTIFACT_IN)
    assert model in targets(g, endpoint, EdgeType.SERVES)
    # twin: the hardened VM's account may write the same bucket; nothing reaches the VM
    assert bucket in targets(g, identity_of(g, twin), EdgeType.CAN_WRITE)
    assert not exposed(g, twin)


def test_gcp_8_exposed_gpu_vm_metadata_identity_reads_training_data_twin_not_exposed():
    g = gcp()
    box, twin = node(g, GPU), node(g, GPU_HARDENED)
    assert exposed(g, box)
    assert node(g, TRAINING_DATA) in targets(g, identity_of(g, box), EdgeType.CAN_READ)
    assert targets(g, identity_of(g, twin), EdgeType.CAN_READ)
    assert not exposed(g, twin)


def test_gcp_2_public_data_tunes_a_deployed_model_twin_trains_on_a_private_bucket():
    g = gcp()
    corpus, private = node(g, RAG_CORPUS), node(g, TRAINING_DATA)
    tuning, tuned = node(g, UC + "tuningJobs/8001"), node(g, UC + "models/1204")
    assert exposed(g, corpus) and corpus in targets(g, ANONYMOUS, EdgeType.CAN_READ)
    assert corpus in targets(g, tuning, EdgeType.READS_DATA_FROM)
    assert tuning in targets(g, tuned, EdgeType.PRODUCED_BY)
    assert tuned in targets(g, node(g, UC + "endpoints/3004"), EdgeType.SERVES)
    # twin: the training pipeline's dataset lives in a private bucket
    pipeline, dataset = node(g, UC + "trainingPipelines/7001"), node(g, UC + "datasets/4001")
    model = node(g, UC + "models/1201")
    assert pipeline in targets(g, model, EdgeType.PRODUCED_BY)
    assert dataset in targets(g, pipeline, EdgeType.READS_DATA_FROM)
    assert private in targets(g, dataset, EdgeType.READS_DATA_FROM)
    assert model in targets(g, node(g, UC + "endpoints/3001"), EdgeType.SERVES)
    assert not exposed(g, private) and private not in targets(g, ANONYMOUS, EdgeType.CAN_READ)


def test_gcp_5_hub_model_floating_with_remote_code_served_as_the_editor_account():
    g = gcp()
    model, twin = node(g, UC + "models/1202"), node(g, UC + "models/1203")
    facts = g.asset(model).facts  # type: ignore[union-attr]
    assert facts.hub_model.pinned is False and facts.trust_remote_code == "TRUST_REMOTE_CODE"
    loads = hub_load(g, model)
    assert loads["repo_id"] == "meta-llama/Llama-3.1-8B-Instruct" and loads["pinned"] is False
    assert loads["trust_remote_code"] is True
    endpoint = node(g, UC + "endpoints/3002")
    assert model in targets(g, endpoint, EdgeType.SERVES)
    ident = identity_of(g, endpoint)
    assert targets(g, ident, EdgeType.CAN_WRITE) and targets(g, ident, EdgeType.CAN_DEPLOY)
    assert identity_of(g, model) == ident  # the model runs as the account that serves it
    pinned = hub_load(g, twin)  # twin: same hub model, pinned to a commit, no remote code
    assert pinned["pinned"] is True and len(pinned["revision"]) == 40
    assert pinned["trust_remote_code"] is False
    assert hub_chains(g) == {model: ident}


def test_gcp_6_secret_in_pipeline_env_names_an_openai_account_of_the_estate():
    g = gcp()
    bad = g.asset(node(g, UC + "pipelineJobs/nightly-eval-20260301"))
    assert "AZURE_OPENAI_API_KEY" in secret_names(bad)
    assert env(bad)["AZURE_OPENAI_ENDPOINT"] == AZ_OPENAI
    assert AZ_OPENAI in azure_endpoints()
    assert not secret_names(g.asset(node(g, UC + "pipelineJobs/nightly-eval-secure-20260301")))


def test_gcp_7_notebook_identity_can_redeploy_endpoints_twin_account_cannot():
    g = gcp()
    nb, twin = node(g, "instances/research-wb"), node(g, "instances/secure-wb")
    deploy = [d for t, d in g.out_edges(identity_of(g, nb), EdgeType.CAN_DEPLOY)]
    assert node(g, UC + "endpoints/3001") in targets(g, identity_of(g, nb), EdgeType.CAN_DEPLOY)
    assert any("aiplatform.endpoints.deploy" in d["evidence"]["actions"] for d in deploy)
    assert not targets(g, identity_of(g, twin), EdgeType.CAN_DEPLOY)


def azure_endpoints() -> set[str]:
    """The service endpoints of the Azure demo's AI accounts (the demo scans all clouds at once)."""
    g = azure()
    assets = [a for a in (g.asset(n) for n in g.g) if a is not None]
    return {str(getattr(a.facts, "endpoint_url", None)) for a in assets}


# -- AWS: collected relations and facts, and the IAM policy behind each step -------------------


@dataclass
class AwsDemo:
    inventory: Inventory
    iam: Any

    def asset(self, kind: str, name: str) -> Asset:
        found = [a for a in self.inventory.assets if a.kind.value == kind and a.name == name]
        assert len(found) == 1, (kind, name, found)
        return found[0]

    def related(self, source: str, rel: RelationType) -> set[str]:
        return {r.target for r in self.inventory.relations if r.source == source and r.type == rel}

    def role_of(self, workload: Asset) -> str:
        """The role name a workload runs as: a role ARN, or an instance profile's role."""
        (target,) = self.related(workload.id, RelationType.RUNS_AS)
        kind, _, name = target.rpartition(":")[2].partition("/")
        if kind == "instance-profile":
            profile = self.iam.get_instance_profile(InstanceProfileName=name)["InstanceProfile"]
            (role,) = profile["Roles"]
            return str(role["RoleName"])
        assert kind == "role", target
        return name

    def statements(self, role: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for name in self.iam.list_role_policies(RoleName=role)["PolicyNames"]:
            doc = self.iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
            found += _listed(doc["Statement"])
        for p in self.iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]:
            version = self.iam.get_policy(PolicyArn=p["PolicyArn"])["Policy"]["DefaultVersionId"]
            doc = self.iam.get_policy_version(PolicyArn=p["PolicyArn"], VersionId=version)
            found += _listed(doc["PolicyVersion"]["Document"]["Statement"])
        return found

    def allows(self, role: str, action: str, resource: str) -> bool:
        """Allowed by an identity policy of `role` (IAM wildcards; no Deny in the demo)."""
        return any(
            s.get("Effect") == "Allow"
            and any(_like(a, action, case=False) for a in _listed(s.get("Action")))
            and any(_like(r, resource, case=True) for r in _listed(s.get("Resource")))
            for s in self.statements(role)
        )


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value is not None else []


def _like(pattern: str, value: str, *, case: bool) -> bool:
    """IAM matching: * and ? are wildcards, everything else (``[`` too) is literal."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, 0 if case else re.IGNORECASE) is not None


@pytest.fixture(scope="module")
def aws() -> Iterator[AwsDemo]:
    import boto3

    from aiscan.collectors.aws import AwsCollector
    from aiscan.collectors.base import NullProgress, Scope
    from aiscan.core.inventory import InventoryBuilder
    from aiscan.demo.emulator import AwsEmulator, demo_settings
    from aiscan.demo.estate import seed_aws

    with AwsEmulator() as emu:
        report = seed_aws(emu)
        sink = InventoryBuilder()
        AwsCollector(settings=demo_settings(emu.url)).collect(
            Scope(regions=report.regions), sink, NullProgress()
        )
        iam = boto3.client("iam", region_name="us-east-1", endpoint_url=emu.url)
        yield AwsDemo(sink.build(), iam)


def s3_object(bucket: str, key: str = "any/key") -> str:
    return f"arn:aws:s3:::{bucket}/{key}"


def test_aws_1_exposed_gpu_box_role_can_overwrite_a_served_artifact_twin_is_private(aws):
    box, twin = aws.asset("gpu-compute", "gpu-dev-box"), aws.asset("gpu-compute", "gpu-train-01")
    model = aws.asset("model", "mistral-7b-vllm")
    endpoint = aws.asset("endpoint", "mistral-7b-vllm")
    artifact = s3_object("acme-ml-model-artifacts", "mistral-7b/model.tar.gz")
    assert box.facts.public_ip and box.facts.internet_open_ports
    assert aws.allows(aws.role_of(box), "s3:PutObject", artifact)
    assert model.id in aws.related(endpoint.id, RelationType.SERVES)
    assert "arn:aws:s3:::acme-ml-model-artifacts" in aws.related(
        model.id, RelationType.STORES_ARTIFACT_IN
    )
    # twin: its role may publish the same artifact, but no public IP / open port
    assert aws.allows(aws.role_of(twin), "s3:PutObject", artifact)
    assert twin.facts.public_ip is None and twin.facts.internet_open_ports == ()


def test_aws_8_exposed_gpu_box_with_imdsv1_role_reads_training_data_twin_requires_v2(aws):
    box, twin = aws.asset("gpu-compute", "gpu-dev-box"), aws.asset("gpu-compute", "gpu-train-01")
    assert box.facts.imds_v2_required is False and box.facts.public_ip
    assert aws.allows(aws.role_of(box), "s3:GetObject", s3_object("acme-ml-training-data"))
    assert twin.facts.imds_v2_required is True and twin.facts.public_ip is None


def test_aws_2_publicly_writable_data_trains_a_deployed_model_twin_trains_on_private(aws):
    inbox = aws.asset("bucket", "acme-ml-feedback-inbox")
    job = aws.asset("training-job", "llama31-8b-support-finetune-2025-09")
    model = aws.asset("model", "llama31-8b-support-ft")
    endpoint = aws.asset("endpoint", "llama31-8b-support")
    assert "*" in inbox.facts.write_principals and inbox.facts.public
    assert inbox.id in aws.related(job.id, RelationType.READS_DATA_FROM)
    assert job.id in aws.related(model.id, RelationType.PRODUCED_BY)
    assert model.id in aws.related(endpoint.id, RelationType.SERVES)
    # twin: the Bedrock fine-tune reads a private bucket; its model is provisioned (deployed)
    private = aws.asset("bucket", "acme-ml-training-data")
    bedrock_job = aws.asset("training-job", "support-assistant-ft-2025-10")
    custom = aws.asset("model", "support-assistant-titan-ft")
    throughput = aws.asset("llm-deployment", "support-assistant-pt")
    assert private.id in aws.related(bedrock_job.id, RelationType.READS_DATA_FROM)
    assert bedrock_job.id in aws.related(custom.id, RelationType.PRODUCED_BY)
    assert custom.id in aws.related(throughput.id, RelationType.USES_MODEL)
    assert "*" not in private.facts.write_principals and private.facts.public is False


def test_aws_4_agent_without_guardrail_can_rewrite_its_knowledge_docs_twin_is_guarded(aws):
    ops, support = aws.asset("agent", "ops-automation"), aws.asset("agent", "support-assistant")
    kb = aws.asset("knowledge-base", "returns-handbook-kb")
    docs = "arn:aws:s3:::acme-bedrock-kb-docs"
    assert docs in aws.related(kb.id, RelationType.READS_DATA_FROM)
    assert ops.facts.guardrail is None
    assert aws.allows(aws.role_of(ops), "s3:PutObject", s3_object("acme-bedrock-kb-docs"))
    # twin: same reach into the document bucket, behind the strict guardrail
    assert aws.allows(
        aws.role_of(support), "s3:PutObject", s3_object("acme-bedrock-kb-docs", "feedback/x")
    )
    assert str(support.facts.guardrail).endswith(":guardrail/k3x9q2m7v4wd")
    assert aws.related(support.id, RelationType.GUARDED_BY)


def test_aws_5_hub_model_floating_with_remote_code_runs_as_admin_twin_is_pinned(aws):
    bad, twin = aws.asset("model", "llama31-8b-chat"), aws.asset("model", "llama31-8b-chat-pinned")
    assert bad.facts.hub_model.repo_id == "meta-llama/Llama-3.1-8B-Instruct"
    assert bad.facts.hub_model.pinned is False
    assert bad.facts.trust_remote_code == "HF_MODEL_TRUST_REMOTE_CODE"
    assert aws.allows(aws.role_of(bad), "iam:CreateUser", "arn:aws:iam::123456789012:user/x")
    endpoint = aws.asset("endpoint", "llama31-8b-chat")
    assert bad.id in aws.related(endpoint.id, RelationType.SERVES)
    assert twin.facts.hub_model.pinned is True and twin.facts.trust_remote_code is None


def test_aws_6_secret_in_model_env_names_an_openai_account_of_the_estate(aws):
    model = aws.asset("model", "llama31-8b-support-ft")
    assert "AZURE_OPENAI_API_KEY" in secret_names(model)
    assert env_values(model, "AZURE_OPENAI_API_KEY") == {"<redacted>"}
    assert env_values(model, "AZURE_OPENAI_ENDPOINT") == {AZ_OPENAI}
    assert AZ_OPENAI in azure_endpoints()
    assert not secret_names(aws.asset("model", "llama31-8b-chat-pinned"))


def test_aws_7_notebook_role_can_redeploy_the_endpoint_twin_role_cannot(aws):
    bad, twin = (
        aws.asset("notebook", "research-sandbox"),
        aws.asset("notebook", "fraud-model-dev"),
    )
    endpoint = aws.asset("endpoint", "llama31-8b-support").id
    config = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:endpoint-config/x"
    assert aws.allows(aws.role_of(bad), "sagemaker:UpdateEndpoint", endpoint)
    assert aws.allows(aws.role_of(bad), "sagemaker:CreateEndpointConfig", config)
    assert not aws.allows(aws.role_of(twin), "sagemaker:UpdateEndpoint", endpoint)
    assert not aws.allows(aws.role_of(twin), "sagemaker:CreateEndpointConfig", config)


def test_iam_matching_is_literal_for_brackets():
    assert _like("arn:aws:s3:::b/*", "arn:aws:s3:::b/k", case=True)
    assert not _like("arn:aws:s3:::b[12]/*", "arn:aws:s3:::b1/k", case=True)
    assert _like("S3:Put*", "s3:PutObject", case=False)
