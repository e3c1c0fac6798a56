"""OpenSSF model signing: verify a signature found beside a model, offline.

A model-signing signature is a Sigstore bundle holding a DSSE envelope around an in-toto statement
whose predicate lists every file of the model with its digest. Verification has two halves:

* integrity — the files on disk are exactly the files the statement lists, with the same digests
  (checked here for the ``files`` serialization with SHA-256, and again by model-signing);
* authenticity — the envelope was signed by a key the user trusts: a public key, a certificate
  chain ending at a given CA, or a Sigstore identity with a given trust root (``trust_config``,
  so nothing is fetched from the network).

Without a trust root only integrity can be judged: the result is ``unverified`` (manual), never
``verified``. ``model-signing`` (the ``deep`` extra) is imported only when a signature is found.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import Field

from aiscan.artifacts.report import Signature
from aiscan.core.model import Frozen
from aiscan.core.sanitize import clean_text

#: A bundle is a few KiB; anything far larger is not one.
MAX_SIGNATURE_BYTES = 16 << 20
PREDICATE_TYPE = "https://model_signing/signature/v1.0"
#: File names model-signing's CLI writes, and the suffixes used beside single-file artifacts.
SIGNATURE_FILES = ("model.sig",)
SIGNATURE_SUFFIXES = (".sig",)


class TrustConfig(Frozen):
    """What a signature must chain to, from the command line."""

    public_keys: tuple[str, ...] = Field(default=(), description="PEM public key files")
    certificate_chains: tuple[str, ...] = Field(
        default=(), description="PEM CA certificates a signing certificate must chain to"
    )
    sigstore_identity: str | None = None
    sigstore_issuer: str | None = None
    sigstore_trust_config: str | None = Field(
        default=None, description="Sigstore ClientTrustConfig JSON (offline trusted root)"
    )

    @property
    def configured(self) -> bool:
        return bool(self.public_keys or self.certificate_chains or self.sigstore_identity)


def signature_beside(path: Path) -> Path | None:
    """The signature of a model directory (``model.sig`` in or beside it) or of one file
    (``<file>.sig``), if there is one."""
    candidates: list[Path] = []
    if path.is_dir():
        candidates += [path / name for name in SIGNATURE_FILES]
        candidates += [path.with_name(path.name + s) for s in SIGNATURE_SUFFIXES]
    else:
        candidates += [path.with_name(path.name + s) for s in SIGNATURE_SUFFIXES]
    for c in candidates:
        if c.is_file() and not c.is_symlink():
            return c
    return None


def is_signature_file(path: Path) -> bool:
    return path.name in SIGNATURE_FILES or path.name.endswith(SIGNATURE_SUFFIXES)


# -- reading the bundle ------------------------------------------------------------------------


class _Bundle:
    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        material = raw.get("verificationMaterial")
        if not isinstance(material, dict):
            raise ValueError("no verificationMaterial")
        self.material = material
        envelope = raw.get("dsseEnvelope")
        if not isinstance(envelope, dict) or not isinstance(envelope.get("payload"), str):
            raise ValueError("no DSSE envelope")
        statement = json.loads(base64.b64decode(envelope["payload"], validate=True))
        if not isinstance(statement, dict) or statement.get("predicateType") != PREDICATE_TYPE:
            raise ValueError("not a model-signing statement")
        predicate = statement.get("predicate")
        if not isinstance(predicate, dict):
            raise ValueError("statement has no predicate")
        self.predicate = predicate

    @property
    def method(self) -> str:
        if "publicKey" in self.material:
            return "key"
        if self.material.get("tlogEntries"):
            return "sigstore"
        return "certificate"

    def leaf_der(self) -> bytes | None:
        if isinstance(self.material.get("certificate"), dict):
            raw = self.material["certificate"].get("rawBytes")
        else:
            chain = (self.material.get("x509CertificateChain") or {}).get("certificates") or []
            raw = chain[0].get("rawBytes") if chain and isinstance(chain[0], dict) else None
        return base64.b64decode(raw) if isinstance(raw, str) else None

    def signer(self) -> str | None:
        if self.method == "key":
            hint = (self.material.get("publicKey") or {}).get("hint")
            return f"key {clean_text(hint, 80)}" if hint else "key"
        der = self.leaf_der()
        return _certificate_identity(der) if der else None

    def resources(self) -> dict[str, tuple[str, str]] | None:
        """name -> (algorithm, digest hex) for the ``files`` serialization, else None."""
        serialization = self.predicate.get("serialization") or {}
        if not isinstance(serialization, dict) or serialization.get("method") != "files":
            return None
        out: dict[str, tuple[str, str]] = {}
        for r in self.predicate.get("resources") or []:
            if isinstance(r, dict) and isinstance(r.get("name"), str):
                out[r["name"]] = (str(r.get("algorithm", "")), str(r.get("digest", "")))
        return out

    def ignored(self) -> tuple[str, ...]:
        serialization = self.predicate.get("serialization") or {}
        paths = serialization.get("ignore_paths") if isinstance(serialization, dict) else None
        return tuple(str(p) for p in paths or [] if isinstance(p, str))


def _certificate_identity(der: bytes) -> str | None:
    from cryptography import x509

    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        return None
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names = [str(v) for v in san.get_values_for_type(x509.RFC822Name)]
        names += [str(v) for v in san.get_values_for_type(x509.UniformResourceIdentifier)]
        names += [str(v) for v in san.get_values_for_type(x509.DNSName)]
        if names:
            return clean_text(names[0], 200)
    except x509.ExtensionNotFound:
        pass
    return clean_text(cert.subject.rfc4514_string(), 200) or None


def _read_bundle(signature_path: Path) -> _Bundle:
    size = signature_path.stat().st_size
    if size > MAX_SIGNATURE_BYTES:
        raise ValueError(f"signature file of {size} bytes is not a bundle")
    data = json.loads(signature_path.read_bytes())
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return _Bundle(data)


# -- integrity ----------------------------------------------------------------------------------


def _model_files(model_path: Path, skip: Iterable[Path], ignored: Iterable[str]) -> dict[str, Path]:
    if model_path.is_file():
        return {".": model_path}  # model-signing names a single-file model "."
    skip_resolved = {p.resolve() for p in skip}
    ignore = set(ignored)
    out: dict[str, Path] = {}
    for p in sorted(model_path.rglob("*")):
        rel = p.relative_to(model_path).as_posix()
        if any(part in ignore for part in PurePosixPath(rel).parts) or rel in ignore:
            continue
        if p.is_file() and p.resolve() not in skip_resolved:
            out[rel] = p
    return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def integrity_problems(model_path: Path, signature_path: Path, bundle: _Bundle) -> list[str] | None:
    """What differs between the files and the signed manifest ([] = nothing); None when the
    manifest's serialization is not one checked here (model-signing still checks it)."""
    expected = bundle.resources()
    if expected is None or any(alg != "sha256" for alg, _ in expected.values()):
        return None
    actual = _model_files(model_path, [signature_path], bundle.ignored())
    problems = []
    for name, (_, digest) in sorted(expected.items()):
        path = actual.get(name)
        if path is None:
            problems.append(f"missing file {name!r}")
        elif _sha256(path) != digest.lower():
            problems.append(f"hash mismatch for {name!r}")
    problems.extend(f"unsigned extra file {name!r}" for name in sorted(set(actual) - set(expected)))
    return problems


# -- verification --------------------------------------------------------------------------------


def _hashing_config(bundle: _Bundle, model_path: Path, signature_path: Path) -> Any:
    from model_signing import hashing

    serialization = bundle.predicate.get("serialization") or {}
    hash_type = str(serialization.get("hash_type") or "sha256")
    ignore = [Path(p) for p in bundle.ignored()]
    if model_path.is_dir() and signature_path.resolve().is_relative_to(model_path.resolve()):
        # model.sig kept inside the model directory is not part of the model
        ignore.append(signature_path.resolve().relative_to(model_path.resolve()))
    config = hashing.Config()  # type: ignore[no-untyped-call]
    if serialization.get("method") == "shards":
        config.use_shard_serialization(
            hashing_algorithm=hash_type,  # type: ignore[arg-type]
            shard_size=int(serialization.get("shard_size") or 1_000_000_000),
        )
    else:
        config.use_file_serialization(hashing_algorithm=hash_type)  # type: ignore[arg-type]
    # hash() joins these to the model path: they must be relative to it.
    config.set_ignored_paths(paths=ignore)
    return config


def _model_signing_verify(
    model_path: Path, signature_path: Path, bundle: _Bundle, trust: TrustConfig
) -> tuple[bool, str, str | None]:
    """(verified, detail, signer) with the verifier matching the bundle's method."""
    from model_signing import verifying

    def verifier() -> Any:
        return verifying.Config()  # type: ignore[no-untyped-call]

    method = bundle.method
    attempts: list[tuple[Any, str | None]] = []
    if method == "key":
        for key in trust.public_keys:
            config = verifier().use_elliptic_key_verifier(public_key=key)
            attempts.append((config, f"key sha256:{_key_fingerprint(Path(key))}"))
    elif method == "certificate" and trust.certificate_chains:
        config = verifier().use_certificate_verifier(
            certificate_chain=list(trust.certificate_chains)
        )
        attempts.append((config, bundle.signer()))
    elif method == "sigstore" and trust.sigstore_identity and trust.sigstore_issuer:
        if not trust.sigstore_trust_config:
            return False, "a Sigstore bundle needs --sigstore-trust-config to verify offline", None
        config = verifier().use_sigstore_verifier(
            identity=trust.sigstore_identity,
            oidc_issuer=trust.sigstore_issuer,
            trust_config=Path(trust.sigstore_trust_config),
        )
        attempts.append((config, trust.sigstore_identity))
    if not attempts:
        return False, f"no trusted {method} given for a {method} signature", None
    errors = []
    for config, signer in attempts:
        config.set_hashing_config(_hashing_config(bundle, model_path, signature_path))
        try:
            config.verify(model_path, signature_path)
        except Exception as exc:  # model-signing raises ValueError and library-specific errors
            errors.append(clean_text(exc, 300))
            continue
        return True, "signature verified", signer
    return False, "; ".join(errors)[:600], None


def _key_fingerprint(path: Path) -> str:
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_public_key(path.read_bytes())
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()[:32]


def verify(model_path: Path, signature_path: Path, *, trust: TrustConfig | None) -> Signature:
    """Verify the model-signing signature at `signature_path` over `model_path` (a file or a
    directory), offline. Never raises for a bad signature: that is a `failed` result."""
    trust = trust or TrustConfig()
    where = str(signature_path)
    try:
        bundle = _read_bundle(signature_path)
    except (OSError, ValueError) as exc:
        return Signature(
            status="failed", location=where, detail=f"unreadable signature: {clean_text(exc, 300)}"
        )
    method: Any = bundle.method

    def result(status: Any, detail: str, signer: str | None = None) -> Signature:
        return Signature(
            status=status,
            method=method,
            signer=signer or bundle.signer(),
            location=where,
            detail=detail[:600],
        )

    problems = integrity_problems(model_path, signature_path, bundle)
    if problems:
        return result("failed", "; ".join(problems))
    if not trust.configured:
        return result(
            "unverified",
            "the files match the signed manifest, but no trusted key, certificate chain or "
            "Sigstore identity was given (--signing-key / --signing-ca / --sigstore-identity)",
        )
    try:
        ok, detail, signer = _model_signing_verify(model_path, signature_path, bundle, trust)
    except ImportError as exc:
        return result(
            "unverified", f"model-signing is not installed (pip install 'aiscan[deep]'): {exc}"
        )
    except Exception as exc:  # the trust root itself is unusable (a bad trust config or key file)
        return result("unverified", f"cannot use the given trust root: {clean_text(exc, 400)}")
    return result("verified" if ok else "failed", detail, signer)
