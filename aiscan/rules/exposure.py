"""Cross-cloud exposure and identity rules: public AI data, open AI ports, over-privileged roles."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import ValidationError

from aiscan.core.facts import known, unread
from aiscan.core.facts.aws import S3BucketFacts
from aiscan.core.facts.common import BucketFacts, HostExposureFacts, IdentityFacts, OpenPortsFacts
from aiscan.rules.base import (
    Asset,
    AssetKind,
    Category,
    RelationType,
    Result,
    RuleContext,
    Severity,
    rule,
)

#: Ports of AI orchestration / serving / notebook software that must never face the internet.
AI_PORTS: dict[int, str] = {
    8265: "Ray dashboard / jobs API",
    10001: "Ray client",
    6379: "Ray GCS / Redis",
    8888: "Jupyter",
    5000: "MLflow",
    11434: "Ollama",
    8000: "vLLM / TGI / FastAPI",
    8080: "TGI / TorchServe",
    7860: "Gradio",
    8501: "Streamlit",
    6006: "TensorBoard",
    22: "SSH",
}


@rule(
    id="XC-SC-009",
    title="Bucket holding AI data is publicly accessible",
    severity=Severity.CRITICAL,
    category=Category.DATA_EXPOSURE,
    kinds=(AssetKind.BUCKET,),
    description=(
        "A bucket that AI assets use (model artifacts, training data, data capture, knowledge-base "
        "sources, logs) is readable by anyone: a public bucket policy, a public ACL, with no "
        "public-access block to stop it."
    ),
    risk="Model theft and training / RAG data disclosure; public write means model poisoning.",
    remediation=(
        'Turn on S3 Block Public Access (account and bucket), remove Principal "*" statements and '
        "public ACL grants; serve data through authenticated endpoints only."
    ),
    references=(
        "prowler:s3_bucket_public_access",
        "securityhub:S3.2",
        "securityhub:S3.3",
        "OWASP-LLM:LLM04",
        "OWASP-ML:ML05",
        "MITRE-ATLAS:AML.T0035",
        "MITRE-ATLAS:AML.T0020",
    ),
)
def public_ai_bucket(asset: Asset, facts: BucketFacts, ctx: RuleContext) -> Result:
    public = facts.public
    if unread(public):
        return Result.manual("public access of the bucket could not be read")
    if not public:
        return Result.ok("not public")
    users = sorted({r.source for r in ctx.inventory.incoming(asset.id)})
    reasons = list(known(facts.public_reasons) or ())
    block = known(facts.block_public_access) if isinstance(facts, S3BucketFacts) else None
    return Result.fail(
        f"publicly accessible: {'; '.join(reasons or ['public'])}",
        evidence={
            "public_reasons": reasons or None,
            "block_public_access": block.model_dump(mode="json") if block else None,
            "used_by": users[:20],
        },
    )


def open_ports(facts: OpenPortsFacts) -> list[tuple[int, int]] | None:
    """Port ranges open to the internet, or None when the network rules were not read."""
    ports = facts.internet_open_ports
    if unread(ports):
        return None
    return [(p.from_, p.to) for p in ports]


@rule(
    id="XC-NET-001",
    title="AI orchestration or serving port open to the internet",
    severity=Severity.CRITICAL,
    category=Category.NETWORK_EXPOSURE,
    kinds=(AssetKind.GPU_COMPUTE, AssetKind.NOTEBOOK),
    description=(
        "Network rules allow 0.0.0.0/0 or ::/0 to reach a port of Ray (8265, 10001), Jupyter "
        "(8888), MLflow (5000), Ollama (11434), vLLM/TGI (8000/8080), Gradio (7860) or similar on "
        "AI compute. These services are unauthenticated by default."
    ),
    risk=(
        "Remote code execution and model/data theft without credentials (ShadowRay, "
        "CVE-2023-48022); GPU hijacking for mining or LLMjacking."
    ),
    remediation=(
        "Remove the internet-wide ingress rule; reach these services through a VPN, SSM port "
        "forwarding or an authenticated proxy."
    ),
    references=(
        "CVE-2023-48022",
        "OWASP-LLM:LLM10",
        "MITRE-ATLAS:AML.T0049",
        "MITRE-ATLAS:AML.T0040",
        "MITRE-ATLAS:AML.T0034",
    ),
)
def ai_ports_open(asset: Asset, facts: OpenPortsFacts, ctx: RuleContext) -> Iterator[Result]:
    ranges = open_ports(facts)
    if ranges is None:
        yield Result.manual("network rules were not read")
        return
    hits = {
        port: what for port, what in AI_PORTS.items() if any(lo <= port <= hi for lo, hi in ranges)
    }
    if not hits:
        yield Result.ok("no AI port open to the internet")
        return
    severity = Severity.CRITICAL if set(hits) - {22} else Severity.HIGH
    public_ip = known(facts.public_ip) if isinstance(facts, HostExposureFacts) else None
    yield Result.fail(
        "open to the internet: " + ", ".join(f"{p} ({w})" for p, w in sorted(hits.items())),
        evidence={"ports": sorted(hits), "public_ip": public_ip},
        severity=severity,
    )


def privilege_problems(facts: IdentityFacts) -> list[str]:
    admin = facts.administrator is True
    problems = []
    if admin:
        problems.append("administrator access")
    wild = [a for a in known(facts.wildcard_actions) or () if a == "*" or a.endswith(":*")]
    if wild and not admin:
        problems.append("wildcard actions " + ", ".join(sorted(wild)[:10]))
    full = known(facts.full_access_policies) or ()
    if full:
        problems.append("service-wide full access: " + ", ".join(sorted(full)[:10]))
    return problems


@rule(
    id="XC-ID-001",
    title="AI workload runs as an over-privileged identity",
    severity=Severity.HIGH,
    category=Category.IDENTITY,
    kinds=(AssetKind.IDENTITY,),
    description=(
        "An identity that AI assets run as (execution role, managed identity, service account) has "
        "administrator access, wildcard actions, or service-wide full-access policies."
    ),
    risk=(
        "A prompt-injected agent, a malicious model file or a compromised notebook inherits every "
        "permission of the identity: the blast radius of one AI workload becomes the account."
    ),
    remediation=(
        "Give each AI workload its own role scoped to the buckets, keys and APIs it uses; replace "
        "*FullAccess and AdministratorAccess with least-privilege policies (IAM Access Analyzer "
        "policy generation helps)."
    ),
    references=(
        "prowler:sagemaker_full_access_policy_attached",
        "prowler:bedrock_full_access_policy_attached",
        "prowler:iam_role_administratoraccess_policy",
        "OWASP-LLM:LLM06",
        "MITRE-ATLAS:AML.T0012",
    ),
)
def over_privileged_identity(asset: Asset, facts: IdentityFacts, ctx: RuleContext) -> Result:
    problems = privilege_problems(facts)
    users = sorted({r.source for r in ctx.inventory.incoming(asset.id)})
    admin = facts.administrator is True
    if problems:
        actions, policies = known(facts.wildcard_actions), known(facts.full_access_policies)
        return Result.fail(
            "; ".join(problems),
            evidence={
                "administrator": admin,
                "wildcard_actions": list(actions) if actions is not None else None,
                "full_access_policies": list(policies) if policies is not None else None,
                "used_by": users[:20],
            },
            severity=Severity.CRITICAL if admin else None,
        )
    if facts.policies_complete is not True:
        return Result.manual("not every policy of this identity could be read")
    return Result.ok("no administrator, wildcard or full-access grants")


#: Kinds of asset that run code as an identity (the source of a runs-as relation).
WORKLOAD_KINDS = (
    AssetKind.NOTEBOOK,
    AssetKind.ENDPOINT,
    AssetKind.TRAINING_JOB,
    AssetKind.PIPELINE,
    AssetKind.GPU_COMPUTE,
    AssetKind.MODEL,
    AssetKind.AGENT,
    AssetKind.KNOWLEDGE_BASE,
    AssetKind.WORKSPACE,
    AssetKind.LLM_SERVICE,
    AssetKind.LLM_DEPLOYMENT,
)


@rule(
    id="XC-ID-002",
    title="Workload runs as an over-privileged identity",
    severity=Severity.HIGH,
    category=Category.IDENTITY,
    kinds=WORKLOAD_KINDS,
    description=(
        "The workload (notebook, job, endpoint, agent, GPU VM or node pool ...) runs as an "
        "identity (runs-as: execution role, managed identity, service account) that has "
        "administrator access, wildcard actions or service-wide full-access roles such as "
        "roles/editor. XC-ID-001 reports the identity once; this rule puts the finding on each "
        "workload too, with the identity as evidence, so the workload's owner sees it and a "
        "waiver can target one workload."
    ),
    risk=(
        "Whatever compromises the workload (prompt injection, a malicious model file, an exposed "
        "notebook or model server) inherits every permission of the identity."
    ),
    remediation=(
        "Run the workload as a dedicated identity with only the permissions it needs (a dedicated "
        "service account, execution role or user-assigned managed identity), or narrow the "
        "identity's policies and role assignments."
    ),
    references=(
        "prowler:sagemaker_full_access_policy_attached",
        "prowler:iam_role_administratoraccess_policy",
        "OWASP-LLM:LLM06",
        "MITRE-ATLAS:AML.T0012",
    ),
)
def workload_over_privileged(asset: Asset, ctx: RuleContext) -> Iterator[Result]:
    targets = sorted({r.target for r in ctx.inventory.outgoing(asset.id, RelationType.RUNS_AS)})
    if not targets:
        yield Result.not_applicable("runs as no identity of its own")
        return
    unknown: list[str] = []
    failed = False
    for target in targets:
        identity = ctx.inventory.get(target)
        try:
            facts = identity.facts if identity is not None else None
        except ValidationError:
            facts = None
        if not isinstance(facts, IdentityFacts):
            unknown.append(target)
            continue
        problems = privilege_problems(facts)
        if problems:
            failed = True
            admin = facts.administrator is True
            policies = known(facts.full_access_policies)
            yield Result.fail(
                f"runs as {identity.name if identity else target}: {'; '.join(problems)}",
                evidence={
                    "identity": target,
                    "administrator": admin,
                    "full_access_policies": list(policies) if policies is not None else None,
                },
                key=target,
                severity=Severity.CRITICAL if admin else None,
            )
        elif facts.policies_complete is not True:
            unknown.append(target)
    if failed:
        return
    if unknown:
        yield Result.manual(f"permissions not read for {', '.join(unknown[:5])}")
        return
    yield Result.ok(f"runs as {', '.join(targets[:5])}: no administrator or full-access grants")


RULES = (public_ai_bucket, ai_ports_open, over_privileged_identity, workload_over_privileged)
