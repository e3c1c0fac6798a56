"""Provenance of model artifacts: OpenSSF model signatures, and Hugging Face references pinned to
a commit wherever they are written.

Signature results come from the deep scan (``artifact_scans``, re-validated as `ArtifactScan`);
Hub references are read from every shared attribute that can hold one. The container variables
``HF_MODEL_ID`` + ``HF_MODEL_REVISION`` (and their DJL/TGI spellings) are XC-SC-001's; this pack
judges the other forms: ``huggingface.co`` URLs, ``hf://`` / ``hub://`` paths, ``pkg:huggingface``
purls and cache paths, in any variable, artifact location, base model or artifact member.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from aiscan.artifacts.report import ArtifactScan
from aiscan.core.facts import Facts, known, unread
from aiscan.core.facts.common import ArtifactScanFacts, ContainerFacts
from aiscan.core.refs import HubReference, hub_references_in
from aiscan.rules.base import Asset, AssetKind, Category, Result, RuleContext, Severity, rule
from aiscan.rules.supply_chain import RUNS_CODE, _envs

#: What may load a model from the Hub: what runs code, and notebooks.
RUNS_MODELS = (*RUNS_CODE, AssetKind.NOTEBOOK)
#: Unsigned artifact locations listed in one finding's evidence.
MAX_LISTED = 20


def artifact_scans(facts: Facts) -> list[ArtifactScan] | None:
    """The deep-scan results of a model; None when it was not deep-scanned."""
    if not isinstance(facts, ArtifactScanFacts) or unread(facts.artifact_scans):
        return None
    return list(facts.artifact_scans)


@rule(
    id="XC-PROV-001",
    title="Model signature does not verify",
    severity=Severity.CRITICAL,
    category=Category.SUPPLY_CHAIN,
    kinds=(AssetKind.MODEL,),
    description=(
        "An OpenSSF model-signing signature (model.sig or <artifact>.sig) sits beside the model's "
        "artifacts but does not verify: a file was changed, added or removed after signing, or "
        "the signature was not made by a trusted key, certificate chain or Sigstore identity. "
        "Verified offline; with no trust root given (--signing-key, --signing-ca, "
        "--sigstore-identity) the result is manual."
    ),
    risk=(
        "The weights or code being served are not the ones that were signed: tampering in the "
        "artifact store or in transit, or a signature forged by someone else."
    ),
    remediation=(
        "Treat the artifact as compromised: stop serving it, restore the signed version from a "
        "trusted source, find who could write to the artifact store; re-sign only after review."
    ),
    references=(
        "OWASP-ML:ML06",
        "OWASP-LLM:LLM03",
        "MITRE-ATLAS:AML.T0010.003",
        "MITRE-ATLAS:AML.T0018",
        "https://github.com/sigstore/model-transparency",
    ),
)
def signature_fails(asset: Asset, facts: ArtifactScanFacts, ctx: RuleContext) -> Iterator[Result]:
    scans = artifact_scans(facts)
    if scans is None:
        yield Result.not_applicable("not deep-scanned (scan --deep)")
        return
    seen: set[str] = set()
    found = False
    for scan in scans:
        sig = scan.signature
        if sig is None or sig.status == "unsigned":
            continue
        found = True
        where = sig.location or scan.location
        if where in seen:
            continue
        seen.add(where)
        if sig.status == "failed":
            yield Result.fail(
                f"signature {where} does not verify: {sig.detail}"[:500],
                evidence={
                    "artifact": scan.location,
                    "signature": where,
                    "method": sig.method,
                    "signer": sig.signer,
                    "detail": sig.detail,
                },
                key=where,
            )
        elif sig.status == "unverified":
            yield Result.manual(f"{where}: {sig.detail}"[:500])
        else:
            yield Result.ok(f"{where} verified ({sig.method}, {sig.signer})")
    if not found:
        yield Result.not_applicable("no signature beside the artifacts")


@rule(
    id="XC-PROV-002",
    title="Model artifact is not signed",
    severity=Severity.INFO,
    category=Category.SUPPLY_CHAIN,
    kinds=(AssetKind.MODEL,),
    description=(
        "No OpenSSF model-signing signature (model.sig, <artifact>.sig) was found beside the "
        "model's artifacts, so nothing proves who produced the weights being served."
    ),
    risk="Tampering with the artifact store cannot be told apart from a legitimate release.",
    remediation=(
        "Sign models when they are produced (model_signing sign key|certificate|sigstore), store "
        "model.sig beside the artifact, and verify before deployment (scan --deep --signing-key)."
    ),
    references=(
        "OWASP-ML:ML06",
        "OWASP-LLM:LLM03",
        "MITRE-ATLAS:AML.T0010.003",
        "https://github.com/sigstore/model-transparency",
    ),
)
def unsigned_artifact(asset: Asset, facts: ArtifactScanFacts, ctx: RuleContext) -> Iterator[Result]:
    scans = artifact_scans(facts)
    if scans is None:
        yield Result.not_applicable("not deep-scanned (scan --deep)")
        return
    read = [s for s in scans if s.sha256 is not None]
    if not read:
        yield Result.manual("no artifact of this model could be read")
        return
    unsigned = [s.location for s in read if s.signature is None or s.signature.status == "unsigned"]
    if not unsigned:
        yield Result.ok("every artifact has a signature")
        return
    yield Result.fail(
        f"{len(unsigned)} artifact(s) without a signature, e.g. {unsigned[0]}"[:500],
        evidence={"unsigned": unsigned[:MAX_LISTED], "count": len(unsigned)},
    )


#: Facts read above with their own labels (containers, deep-scan results), or that are secrets
#: locations rather than references.
_SEPARATE = frozenset({"containers", "artifact_scans", "secrets"})


def _plain(value: Any) -> Any:
    """A fact value as plain JSON data (structured values dumped)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _strings(value: Any, where: str, depth: int = 0) -> Iterator[tuple[str, str]]:
    """(place, text) of every string in an attribute value, bounded in depth."""
    if depth > 4:
        return
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, list):
        for i, item in enumerate(value[:500]):
            yield from _strings(item, f"{where}[{i}]", depth + 1)
    elif isinstance(value, dict):
        for k, item in list(value.items())[:500]:
            yield from _strings(item, f"{where}.{k}", depth + 1)


def hub_references(facts: Facts) -> list[HubReference]:
    """Every Hub reference in URL, path or purl form anywhere in the asset's facts (environment
    variables, artifact locations, base models, inputs and outputs, artifact members),
    deduplicated."""
    found: list[HubReference] = []
    if isinstance(facts, ContainerFacts):
        for name, env in _envs(facts):
            for var, value in env.items():
                found.extend(hub_references_in(value, f"{name} env {var}"))
        for i, c in enumerate(known(facts.containers) or ()):
            if c.artifact_uri:
                where = f"{c.name or f'container[{i}]'} artifact_uri"
                found.extend(hub_references_in(c.artifact_uri, where))
    for field, value in facts:
        if unread(value) or field in _SEPARATE:
            continue
        for where, text in _strings(_plain(value), field):
            found.extend(hub_references_in(text, where))
    for scan in artifact_scans(facts) or []:
        found.extend(hub_references_in(scan.location, "artifact"))
        for member in scan.members:
            found.extend(hub_references_in(member.path, "artifact member"))
    unique: dict[tuple[str, str, str | None], HubReference] = {}
    for ref in found:
        unique.setdefault((ref.variable, ref.repo_id, ref.revision), ref)
    return list(unique.values())


@rule(
    id="XC-PROV-003",
    title="Hugging Face reference not pinned to a commit",
    severity=Severity.HIGH,
    category=Category.SUPPLY_CHAIN,
    kinds=RUNS_MODELS,
    description=(
        "A Hugging Face Hub model, dataset or space is referenced as a URL "
        "(huggingface.co/.../resolve/<rev>/...), an hf:// or hub:// path, a pkg:huggingface "
        "purl or a cache path, in an environment variable, artifact location, base model or "
        "artifact member, with a branch, tag, pull-request ref, short SHA or no revision "
        "instead of a full 40-character commit. (HF_MODEL_ID with HF_MODEL_REVISION is "
        "XC-SC-001.)"
    ),
    risk=(
        "Whoever controls the repository or the branch changes what the workload downloads next "
        "time, without any change on your side; what ran cannot be proven afterwards."
    ),
    remediation=(
        "Reference the full commit SHA you reviewed (.../resolve/<40-hex sha>/..., "
        "hf://org/name@<sha>), or copy the reviewed snapshot into your own bucket."
    ),
    references=(
        "OWASP-LLM:LLM03",
        "OWASP-ML:ML06",
        "MITRE-ATLAS:AML.T0010.003",
        "https://huggingface.co/docs/huggingface_hub/guides/download",
    ),
)
def hub_reference_floating(asset: Asset, facts: Facts, ctx: RuleContext) -> Iterator[Result]:
    refs = hub_references(facts)
    if not refs:
        yield Result.not_applicable("no Hugging Face reference in URL, path or purl form")
        return
    for ref in refs:
        if ref.pinned:
            yield Result.ok(f"{ref.repo_id} pinned at {ref.revision} ({ref.variable})")
            continue
        what = f"revision {ref.revision!r}, not a commit" if ref.revision else "no revision"
        yield Result.fail(
            f"{ref.variable}: {ref.kind} {ref.repo_id} at {what}"[:500],
            evidence={
                "where": ref.variable,
                "repo_id": ref.repo_id,
                "kind": ref.kind,
                "revision": ref.revision,
            },
            key=f"{ref.variable}|{ref.repo_id}",
        )


RULES = (signature_fails, unsigned_artifact, hub_reference_floating)
