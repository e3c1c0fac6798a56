"""Cross-cloud AI supply-chain rules decided from control-plane metadata alone.

They read the shared attributes of docs/attributes.md (`containers`, `secrets`, identity and
bucket summaries), so the same rule judges a SageMaker model, a Bedrock AgentCore runtime, and
later Azure ML deployments and Vertex models.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator

from aiscan.core.facts import known, unread
from aiscan.core.facts.aws import IamRoleFacts
from aiscan.core.facts.common import BucketFacts, ContainerFacts, IdentityFacts, SecretFacts
from aiscan.core.refs import hub_reference, is_public_registry, parse_image, trusts_remote_code
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

RUNS_CODE = (
    AssetKind.MODEL,
    AssetKind.TRAINING_JOB,
    AssetKind.PIPELINE,
    AssetKind.AGENT,
    AssetKind.ENDPOINT,
    AssetKind.LLM_DEPLOYMENT,
)


def _envs(facts: ContainerFacts) -> Iterator[tuple[str, dict[str, str]]]:
    for i, c in enumerate(known(facts.containers) or ()):
        yield c.name or f"container[{i}]", c.environment


@rule(
    id="XC-SC-001",
    title="Hugging Face Hub model loaded by a mutable reference",
    severity=Severity.HIGH,
    category=Category.SUPPLY_CHAIN,
    kinds=RUNS_CODE,
    description=(
        "The container loads a model from the Hugging Face Hub by repository id (HF_MODEL_ID, "
        "MODEL_ID, OPTION_MODEL_ID) without pinning a 40-character commit SHA in "
        "HF_MODEL_REVISION / HF_REVISION / REVISION."
    ),
    risk=(
        "Whoever controls the Hub repository (or its branch) changes the weights and code this "
        "workload runs at its next start, without any change on your side."
    ),
    remediation=(
        "Set HF_MODEL_REVISION (TGI) or OPTION_REVISION / HF_REVISION (DJL LMI) to the full commit "
        "SHA you reviewed, or copy the reviewed snapshot into your own bucket and load it from "
        "there."
    ),
    references=(
        "OWASP-LLM:LLM03",
        "OWASP-ML:ML06",
        "MITRE-ATLAS:AML.T0010.003",
        "https://huggingface.co/docs/text-generation-inference",
    ),
)
def hub_model_unpinned(asset: Asset, facts: ContainerFacts, ctx: RuleContext) -> Iterator[Result]:
    if unread(facts.containers):
        yield Result.not_applicable("no container definition")
        return
    found = False
    for where, env in _envs(facts):
        ref = hub_reference(env)
        if ref is None:
            continue
        found = True
        if ref.pinned:
            yield Result.ok(f"{ref.repo_id} pinned at {ref.revision}")
        else:
            yield Result.fail(
                f"{where} loads {ref.repo_id} at "
                + (
                    f"revision {ref.revision!r}, not a commit"
                    if ref.revision
                    else "its default branch"
                ),
                evidence={
                    "container": where,
                    "repo_id": ref.repo_id,
                    "variable": ref.variable,
                    "revision": ref.revision,
                },
                key=where,
            )
    if not found:
        yield Result.not_applicable("no Hugging Face Hub reference")


@rule(
    id="XC-SC-002",
    title="Remote code from the model repository is trusted",
    severity=Severity.HIGH,
    category=Category.SUPPLY_CHAIN,
    kinds=RUNS_CODE,
    description=(
        "HF_MODEL_TRUST_REMOTE_CODE, TRUST_REMOTE_CODE or OPTION_TRUST_REMOTE_CODE is true, so the "
        "serving stack executes Python shipped inside the model repository. Critical when the "
        "repository is also not pinned to a commit."
    ),
    risk="Arbitrary code from a third-party repository runs with the workload's role and data.",
    remediation=(
        "Remove the trust-remote-code switch, or pin the exact reviewed commit (XC-SC-001) and "
        "vendor the custom code into your own image."
    ),
    references=("OWASP-LLM:LLM03", "MITRE-ATLAS:AML.T0011.000", "MITRE-ATLAS:AML.T0010.003"),
)
def trust_remote_code(asset: Asset, facts: ContainerFacts, ctx: RuleContext) -> Iterator[Result]:
    if unread(facts.containers):
        yield Result.not_applicable("no container definition")
        return
    for where, env in _envs(facts):
        var = trusts_remote_code(env)
        if var is None:
            continue
        ref = hub_reference(env)
        unpinned = ref is not None and not ref.pinned
        yield Result.fail(
            f"{where} sets {var}=true" + (" on an unpinned Hub model" if unpinned else ""),
            evidence={
                "container": where,
                "variable": var,
                "repo_id": ref.repo_id if ref else None,
                "pinned": bool(ref and ref.pinned),
            },
            key=where,
            severity=Severity.CRITICAL if unpinned else None,
        )
        return
    yield Result.ok("remote code not trusted")


def _images(facts: ContainerFacts) -> list[tuple[str, str]]:
    return [
        (c.name or f"container[{i}]", c.image)
        for i, c in enumerate(known(facts.containers) or ())
        if c.image
    ]


@rule(
    id="XC-SC-006",
    title="Container image not pinned by digest",
    severity=Severity.MEDIUM,
    category=Category.SUPPLY_CHAIN,
    kinds=RUNS_CODE,
    description=(
        "A serving or training image is referenced by tag, not by an immutable @sha256 digest."
    ),
    risk=(
        "Whoever can push to the repository (or overwrite a mutable tag) changes what runs; the "
        "running version cannot be proven afterwards."
    ),
    remediation="Reference images as registry/repository@sha256:<digest>; make ECR tags immutable.",
    references=(
        "OWASP-LLM:LLM03",
        "MITRE-ATLAS:AML.T0010.004",
        "prowler:ecr_repositories_tag_immutability",
    ),
)
def image_not_pinned(asset: Asset, facts: ContainerFacts, ctx: RuleContext) -> Iterator[Result]:
    images = _images(facts)
    if not images:
        yield Result.not_applicable("no container image")
        return
    for where, uri in images:
        ref = parse_image(uri)
        if ref.pinned:
            yield Result.ok(f"{where} pinned")
        else:
            yield Result.fail(
                f"{where} runs {uri} by tag {ref.tag or 'latest'}",
                evidence={"container": where, "image": uri},
                key=uri,
            )


@rule(
    id="XC-SC-007",
    title="Image pulled from a public registry",
    severity=Severity.MEDIUM,
    category=Category.SUPPLY_CHAIN,
    kinds=RUNS_CODE,
    description=(
        "A serving or training image comes from a public registry (Docker Hub, ghcr.io, quay.io, "
        "public.ecr.aws, nvcr.io ...) instead of a registry the organisation controls."
    ),
    risk="Image tampering or typosquatting upstream lands directly in the AI workload.",
    remediation=(
        "Mirror reviewed images into your own ECR / Artifact Registry / ACR (pinned by digest) and "
        "pull from there; SageMaker: RepositoryAccessMode=Vpc with a private registry."
    ),
    references=(
        "securityhub:SageMaker.16",
        "securityhub:SageMaker.19",
        "OWASP-LLM:LLM03",
        "OWASP-ML:ML06",
        "MITRE-ATLAS:AML.T0010.004",
    ),
)
def image_public_registry(
    asset: Asset, facts: ContainerFacts, ctx: RuleContext
) -> Iterator[Result]:
    images = _images(facts)
    if not images:
        yield Result.not_applicable("no container image")
        return
    parsed = [(w, u, parse_image(u)) for w, u in images]
    bad = [(w, u, ref.registry) for w, u, ref in parsed if is_public_registry(ref)]
    for where, uri, registry in bad:
        yield Result.fail(
            f"{where} pulls {uri} from public registry {registry}",
            evidence={"container": where, "image": uri, "registry": registry},
            key=uri,
        )
    if not bad:
        yield Result.ok("all images from private registries")


def _arn_matches(pattern: str, arn: str) -> bool:
    return fnmatch.fnmatchcase(arn, pattern)


def can_write_bucket(role: Asset, bucket: Asset) -> str | None:
    """Why `role` may write objects into `bucket` (identity policy or bucket policy), or None."""
    role_facts, bucket_facts = role.facts, bucket.facts
    objects = f"{bucket.id}/model.tar.gz"
    patterns = known(role_facts.s3_write_resources) if isinstance(role_facts, IamRoleFacts) else ()
    for pattern in patterns or ():
        if _arn_matches(pattern, objects) or pattern in ("*", f"{bucket.id}/*"):
            return f"identity policy allows writes on {pattern}"
    principals = (
        known(bucket_facts.write_principals) if isinstance(bucket_facts, BucketFacts) else ()
    ) or ()
    if "*" in principals:
        return "bucket policy allows anyone to write"
    if role.id in principals:
        return "bucket policy allows this role to write"
    return None


@rule(
    id="XC-SC-008",
    title="Model artifact store writable by the model's own serving identity",
    severity=Severity.HIGH,
    category=Category.SUPPLY_CHAIN,
    # ENDPOINT: an Azure ML online deployment loads its model and runs as the endpoint identity.
    kinds=(AssetKind.MODEL, AssetKind.ENDPOINT),
    description=(
        "The identity the model (or the deployment serving it) runs as may write objects into the "
        "bucket its artifact is loaded from (identity policy, bucket policy or a storage role "
        "assignment), so a compromised container can replace its own "
        "weights for the next deployment; without versioning that cannot be undone."
    ),
    risk="Persistent model tampering (backdoored weights) from one compromised container.",
    remediation=(
        "Give serving roles read-only access to artifact prefixes (s3:GetObject only); write "
        "artifacts from the training/CI role; enable versioning and Object Lock on artifact "
        "buckets."
    ),
    references=(
        "OWASP-LLM:LLM04",
        "OWASP-ML:ML10",
        "MITRE-ATLAS:AML.T0018.000",
        "MITRE-ATLAS:AML.T0010.003",
    ),
)
def artifact_store_writable(asset: Asset, ctx: RuleContext) -> Iterator[Result]:
    inv = ctx.inventory
    bucket_ids = [r.target for r in inv.outgoing(asset.id, RelationType.STORES_ARTIFACT_IN)]
    role_ids = [r.target for r in inv.outgoing(asset.id, RelationType.RUNS_AS)]
    if not bucket_ids or not role_ids:
        yield Result.not_applicable("no artifact bucket or no execution role")
        return
    roles = [inv.get(r) for r in role_ids]
    buckets = [inv.get(b) for b in bucket_ids]
    if any(r is None for r in roles) or any(b is None for b in buckets):
        yield Result.manual("execution role or artifact bucket could not be read")
        return
    for role in roles:
        for bucket in buckets:
            if role is None or bucket is None:  # narrowed above; keeps mypy exact
                continue
            why = can_write_bucket(role, bucket)
            role_facts, bucket_facts = role.facts, bucket.facts
            if why:
                versioning = (
                    known(bucket_facts.versioning)
                    if isinstance(bucket_facts, BucketFacts)
                    else None
                )
                yield Result.fail(
                    f"{role.name} can write to {bucket.name}: {why}",
                    evidence={
                        "role": role.id,
                        "bucket": bucket.id,
                        "why": why,
                        "bucket_versioning": versioning,
                    },
                    key=f"{role.id}|{bucket.id}",
                    path=(asset.id, role.id, bucket.id),
                )
            elif isinstance(role_facts, IdentityFacts) and role_facts.policies_complete is False:
                yield Result.manual(f"not every policy of {role.name} could be read")
            else:
                yield Result.ok(f"{role.name} cannot write to {bucket.name}")


@rule(
    id="XC-SC-010",
    title="Secret in an AI workload's environment, hyper-parameters or scripts",
    severity=Severity.HIGH,
    category=Category.SECRETS,
    # Notebooks' lifecycle scripts have their own per-cloud rules (AWS-SM-007 ...).
    kinds=tuple(k for k in AssetKind if k is not AssetKind.NOTEBOOK),
    description=(
        "A credential (Hugging Face token, cloud access key, API key, private key, or a variable "
        "named like a secret) is set in plain text where anyone who can describe the resource "
        "reads it. aiscan redacts the value in every output and reports where it was."
    ),
    risk="Anyone who can read the control plane (or its logs) obtains the secret.",
    remediation=(
        "Move the value to Secrets Manager / Key Vault / Secret Manager, resolve it at run time; "
        "rotate the exposed credential."
    ),
    references=(
        "OWASP-LLM:LLM02",
        "MITRE-ATLAS:AML.T0055",
        "prowler:awslambda_function_no_secrets_in_variables",
    ),
)
def secrets_in_environment(asset: Asset, facts: SecretFacts, ctx: RuleContext) -> Iterator[Result]:
    hits = facts.secrets
    if unread(hits):
        yield Result.not_applicable()
        return
    if not hits:
        yield Result.ok("no secrets found")
        return
    for hit in hits:
        yield Result.fail(
            f"{hit.kind} in {hit.location}" + (f" ({hit.name})" if hit.name else ""),
            evidence={"location": hit.location, "name": hit.name, "kind": hit.kind},
            key=f"{hit.location}|{hit.name}",
        )


RULES = (
    hub_model_unpinned,
    trust_remote_code,
    image_not_pinned,
    image_public_registry,
    artifact_store_writable,
    secrets_in_environment,
)
