"""Options of the deep scan shared by `scan --deep` (and `inventory`, `bom`, `show`) and
`aiscan artifacts`: the per-artifact byte bound and what model signatures must chain to."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from aiscan.artifacts.limits import Limits
    from aiscan.artifacts.signing import TrustConfig

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def signing_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--signing-key / --signing-ca / --sigstore-*: the trust root of model signatures."""
    options = [
        click.option(
            "--signing-key",
            "signing_keys",
            multiple=True,
            type=_FILE,
            help="PEM public key a model signature may be made with (repeatable).",
        ),
        click.option(
            "--signing-ca",
            "signing_cas",
            multiple=True,
            type=_FILE,
            help="PEM CA certificate a model signing certificate must chain to (repeatable).",
        ),
        click.option("--sigstore-identity", help="Signer identity of Sigstore-signed models."),
        click.option("--sigstore-issuer", help="OIDC issuer of --sigstore-identity."),
        click.option(
            "--sigstore-trust-config",
            type=_FILE,
            help="Sigstore ClientTrustConfig JSON: verify Sigstore bundles offline.",
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def deep_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--deep and its bound, plus the signing options."""
    options = [
        click.option(
            "--deep",
            is_flag=True,
            help="Also stream every model's artifacts from S3 / Cloud Storage / Azure blob and "
            "inspect them statically (needs object-read permission; see docs/deep-scan.md).",
        ),
        click.option(
            "--deep-max-bytes",
            type=click.IntRange(1),
            help="Bytes read per artifact (members included); beyond it the result is manual.",
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return signing_options(fn)


def trust_config(
    *,
    signing_keys: tuple[Path, ...] = (),
    signing_cas: tuple[Path, ...] = (),
    sigstore_identity: str | None = None,
    sigstore_issuer: str | None = None,
    sigstore_trust_config: Path | None = None,
) -> TrustConfig | None:
    from aiscan.artifacts.signing import TrustConfig

    if bool(sigstore_identity) != bool(sigstore_issuer):
        raise click.UsageError("--sigstore-identity and --sigstore-issuer go together")
    trust = TrustConfig(
        public_keys=tuple(str(p) for p in signing_keys),
        certificate_chains=tuple(str(p) for p in signing_cas),
        sigstore_identity=sigstore_identity,
        sigstore_issuer=sigstore_issuer,
        sigstore_trust_config=str(sigstore_trust_config) if sigstore_trust_config else None,
    )
    return trust if trust.configured else None


def limits(max_bytes: int | None) -> Limits:
    from aiscan.artifacts.limits import Limits

    return Limits(max_bytes=max_bytes) if max_bytes else Limits()
