"""Parsing the references AI workloads carry: Hugging Face model ids and container images.

Pure functions over attacker-controlled strings; nothing here resolves anything over the network.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

#: huggingface_hub decides "this is a commit" with exactly this (lowercase, full length).
COMMIT_SHA = re.compile(r"[0-9a-f]{40}")

MODEL_ID_VARS = ("HF_MODEL_ID", "MODEL_ID", "OPTION_MODEL_ID", "HF_MODEL", "OPTION_MODEL_ID")
REVISION_VARS = ("HF_MODEL_REVISION", "HF_REVISION", "REVISION", "OPTION_REVISION")
TRUST_REMOTE_CODE_VARS = (
    "HF_MODEL_TRUST_REMOTE_CODE",
    "TRUST_REMOTE_CODE",
    "OPTION_TRUST_REMOTE_CODE",
)
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}/[\w.-]{1,96}$|^[A-Za-z0-9][\w.-]{0,95}$")


@dataclass(frozen=True)
class HubReference:
    repo_id: str
    revision: str | None
    #: where the reference was found: an environment variable, an attribute, a file path
    variable: str
    kind: str = "model"  # model, dataset or space

    @property
    def pinned(self) -> bool:
        return self.revision is not None and COMMIT_SHA.fullmatch(self.revision) is not None

    @property
    def purl(self) -> str | None:
        if not self.pinned:
            return None
        return f"pkg:huggingface/{self.repo_id}@{self.revision}"


def hub_reference(env: Mapping[str, str]) -> HubReference | None:
    """The Hugging Face Hub model an inference/training container loads, from its environment."""
    for var in MODEL_ID_VARS:
        value = (env.get(var) or "").strip()
        if not value or value.startswith(("/", "s3://", "gs://", "azureml:", "https://", "file:")):
            continue  # a local or object-store path, not a Hub repo
        if "/" not in value and var != "HF_MODEL_ID":
            continue  # DJL/TGI MODEL_ID without org is usually a local name; HF_MODEL_ID is the Hub
        if not _HUB_ID.match(value):
            continue
        revision = None
        for rvar in REVISION_VARS:
            if env.get(rvar):
                revision = env[rvar].strip()
                break
        return HubReference(repo_id=value, revision=revision, variable=var)
    return None


_REPO = r"([A-Za-z0-9][\w.-]{0,95}/[\w.-]{1,96})"
#: https://huggingface.co/[datasets/|spaces/]org/name[/(resolve|blob|tree|commit|raw)/<rev>]
_HUB_URL = re.compile(
    r"https?://(?:www\.)?(?:huggingface\.co|hf\.co)/(?:(datasets|spaces)/)?"
    + _REPO
    + r"(?:/(?:resolve|blob|tree|commit|raw)/([^/?#\s\"']+))?",
    re.IGNORECASE,
)
#: hf://[datasets/|spaces/]org/name[@rev][/path] and the hub:// alias
_HUB_SCHEME = re.compile(
    r"\b(?:hf|hub)://(?:(datasets|spaces)/)?"
    + r"([A-Za-z0-9][\w.-]{0,95}/[\w-]+(?:\.[\w-]+)*)"
    + r"(?:@([^/\s\"']+))?",
    re.IGNORECASE,
)
#: pkg:huggingface/org/name@rev
_HUB_PURL = re.compile(r"\bpkg:huggingface/" + _REPO + r"(?:@([^?#\s\"']+))?")
#: the Hugging Face cache layout: models--org--name/snapshots/<commit>
_HUB_CACHE = re.compile(r"\b(models|datasets|spaces)--([\w.-]+?)--([\w.-]+)/snapshots/([^/\s]+)")
_KINDS = {"datasets": "dataset", "spaces": "space"}


def hub_references_in(text: str, where: str) -> Iterator[HubReference]:
    """Every Hugging Face Hub reference written in `text` as a URL (``huggingface.co/...``),
    ``hf://`` / ``hub://`` path, ``pkg:huggingface`` purl or cache path; `where` names the
    place it came from. A bare repository id is not matched here (see `hub_reference`)."""
    if len(text) > 100_000:  # attacker-controlled: bound the work
        text = text[:100_000]
    for m in _HUB_URL.finditer(text):
        rev = unquote(m.group(3)) if m.group(3) else None
        yield HubReference(m.group(2), rev, where, _KINDS.get((m.group(1) or "").lower(), "model"))
    for m in _HUB_SCHEME.finditer(text):
        rev = unquote(m.group(3)) if m.group(3) else None
        yield HubReference(m.group(2), rev, where, _KINDS.get((m.group(1) or "").lower(), "model"))
    for m in _HUB_PURL.finditer(text):
        yield HubReference(m.group(1), unquote(m.group(2)) if m.group(2) else None, where)
    for m in _HUB_CACHE.finditer(text):
        kind = {"models": "model", "datasets": "dataset", "spaces": "space"}[m.group(1)]
        yield HubReference(f"{m.group(2)}/{m.group(3)}", m.group(4), where, kind)


def trusts_remote_code(env: Mapping[str, str]) -> str | None:
    """The variable that switches on remote code from the model repo, if any."""
    for var in TRUST_REMOTE_CODE_VARS:
        if (env.get(var) or "").strip().lower() in ("1", "true", "yes", "on"):
            return var
    return None


def hub_facts(envs: Iterable[Mapping[str, str]]) -> dict[str, Any]:
    """The cloud-neutral ``HubFacts`` attributes of a workload from its container environments
    (unredacted or redacted: neither the repository id nor the switch is a secret):
    ``hub_model`` ({repo_id, revision, pinned, variable} of the first Hub reference, or None)
    and ``trust_remote_code`` (the first variable that enables remote code, or None)."""
    hub: dict[str, Any] | None = None
    trust: str | None = None
    for env in envs:
        ref = hub_reference(env)
        if ref is not None and hub is None:
            hub = {
                "repo_id": ref.repo_id,
                "revision": ref.revision,
                "pinned": ref.pinned,
                "variable": ref.variable,
            }
        trust = trust or trusts_remote_code(env)
    return {"hub_model": hub, "trust_remote_code": trust}


@dataclass(frozen=True)
class ImageReference:
    raw: str
    registry: str
    repository: str
    tag: str | None
    digest: str | None

    @property
    def pinned(self) -> bool:
        return self.digest is not None

    @property
    def is_ecr(self) -> bool:
        return bool(_ECR.match(self.registry))

    @property
    def ecr_account(self) -> str | None:
        m = _ECR.match(self.registry)
        return m.group(1) if m else None

    @property
    def ecr_region(self) -> str | None:
        m = _ECR.match(self.registry)
        return m.group(2) if m else None


_ECR = re.compile(r"^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$")
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")

#: Registries anyone can push to or that are outside the customer's control.
PUBLIC_REGISTRIES = (
    "docker.io",
    "registry-1.docker.io",
    "index.docker.io",
    "ghcr.io",
    "quay.io",
    "public.ecr.aws",
    "nvcr.io",
    "registry.hub.docker.com",
    "huggingface.co",
    "registry.gitlab.com",
)


def parse_image(uri: str) -> ImageReference:
    s = uri.strip()
    digest = None
    if "@" in s:
        s, _, d = s.partition("@")
        digest = d if _DIGEST.match(d) else None
    first, sep, rest = s.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        registry, path = first, rest
    else:
        registry, path = "docker.io", s
    tag = None
    last_slash = path.rfind("/")
    colon = path.rfind(":")
    if colon > last_slash:
        path, tag = path[:colon], path[colon + 1 :]
    return ImageReference(
        raw=uri, registry=registry.lower(), repository=path, tag=tag, digest=digest
    )


def is_public_registry(ref: ImageReference) -> bool:
    return ref.registry in PUBLIC_REGISTRIES


def s3_bucket_of(uri: str | None) -> str | None:
    """The bucket name of an s3:// or https S3 URL, or None."""
    if not uri:
        return None
    m = re.match(r"^s3a?://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/|$)", uri.strip())
    if m:
        return m.group(1)
    m = re.match(
        r"^https://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\.s3[.-][a-z0-9.-]*amazonaws\.com/", uri
    )
    return m.group(1) if m else None
