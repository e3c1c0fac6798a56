"""What a deep scan of one artifact found: typed facts, no judgement.

Rules (aiscan/rules/artifacts.py) turn these facts into findings. The models are frozen so the
scan attached to an asset as `artifact_scans` (``model_dump(mode="json")``) re-validates exactly.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from aiscan.core.model import Frozen, Severity

#: Formats whose loaders unpickle (run code): carrying only safe globals is still a medium finding.
PICKLE_FORMATS = frozenset(
    {"pickle", "pytorch-zip", "pytorch-legacy", "torchscript", "joblib", "numpy-object"}
)


class Member(Frozen):
    """One file inside an artifact (archive entry or directory file), nested with ``!/``."""

    path: str = Field(description="e.g. model.tar.gz!/model/pytorch_model.bin!/archive/data.pkl")
    size: int | None = None
    sha256: str | None = None
    format: str = Field(description="Detected from bytes, e.g. pickle, safetensors, zip, data")


class Issue(Frozen):
    """One thing inside an artifact that a loader would act on dangerously (or a format lie)."""

    code: str = Field(description="e.g. pickle-global, keras-lambda, gguf-template")
    severity: Severity = Field(description="Hint for the rules; they decide the final severity")
    member: str | None = Field(default=None, description="Member path, None for the artifact")
    module: str | None = None
    name: str | None = None
    position: int | None = Field(default=None, description="Byte offset of the opcode / field")
    detail: str = ""


class Signature(Frozen):
    """The result of verifying an OpenSSF model signature found beside the artifact."""

    #: unverified: a signature is there and matches the files, but no trust root was given to
    #: decide who made it (rules answer manual).
    status: Literal["verified", "failed", "unsigned", "unverified"]
    method: Literal["key", "certificate", "sigstore"] | None = None
    signer: str | None = Field(default=None, description="Key fingerprint or certificate identity")
    location: str | None = Field(default=None, description="Where the signature file was found")
    detail: str = ""


class ArtifactScan(Frozen):
    location: str = Field(description="s3://b/k, gs://b/o, https://acct.blob..., or a local path")
    size: int | None = None
    sha256: str | None = None
    format: str = Field(description="Detected from bytes, not from the name")
    members: tuple[Member, ...] = ()
    issues: tuple[Issue, ...] = ()
    bounds: tuple[str, ...] = Field(
        default=(), description="Why scanning stopped early: rules answer manual, never pass"
    )
    errors: tuple[str, ...] = Field(
        default=(), description="Parts that could not be parsed: rules answer manual"
    )
    signature: Signature | None = None

    @property
    def complete(self) -> bool:
        """Everything was read and parsed: only then may a rule pass."""
        return not self.bounds and not self.errors

    @property
    def formats(self) -> frozenset[str]:
        return frozenset({self.format, *(m.format for m in self.members)})

    @property
    def uses_pickle(self) -> bool:
        return bool(self.formats & PICKLE_FORMATS)
