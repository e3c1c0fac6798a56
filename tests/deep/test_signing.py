"""OpenSSF model signing, verified offline: a signed model verifies, a tampered one fails."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from aiscan.artifacts.signing import TrustConfig, signature_beside, verify
from tests.deep import keys


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Verification must be offline: any socket connection fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("verification tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)


def _model(root: Path) -> Path:
    model = root / "model"
    model.mkdir()
    (model / "model.safetensors").write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ")
    (model / "config.json").write_text('{"architectures": ["Tiny"]}')
    return model


def test_key_signed_directory_verifies_and_tampering_fails(tmp_path: Path) -> None:
    model = _model(tmp_path)
    pair = keys.key_pair(tmp_path / "keys")
    sig = tmp_path / "model.sig"
    keys.sign_with_key(model, sig, pair)
    trust = TrustConfig(public_keys=(str(pair.public),))

    good = verify(model, sig, trust=trust)
    assert (good.status, good.method) == ("verified", "key")
    assert good.signer and good.signer.startswith("key sha256:")

    (model / "model.safetensors").write_bytes(b"backdoored weights")
    bad = verify(model, sig, trust=trust)
    assert bad.status == "failed"
    assert "model.safetensors" in bad.detail


def test_extra_file_and_wrong_key_fail(tmp_path: Path) -> None:
    model = _model(tmp_path)
    pair = keys.key_pair(tmp_path / "keys")
    other = keys.key_pair(tmp_path / "other", "other")
    sig = tmp_path / "model.sig"
    keys.sign_with_key(model, sig, pair)

    wrong = verify(model, sig, trust=TrustConfig(public_keys=(str(other.public),)))
    assert wrong.status == "failed"

    (model / "extra.pkl").write_bytes(b"\x80\x04N.")
    extra = verify(model, sig, trust=TrustConfig(public_keys=(str(pair.public),)))
    assert extra.status == "failed"
    assert "extra.pkl" in extra.detail


def test_certificate_chain_verifies_offline_and_names_the_signer(tmp_path: Path) -> None:
    model = _model(tmp_path)
    p = keys.pki(tmp_path / "pki")
    sig = tmp_path / "model.sig"
    keys.sign_with_certificate(model, sig, p)

    good = verify(model, sig, trust=TrustConfig(certificate_chains=(str(p.ca),)))
    assert (good.status, good.method, good.signer) == ("verified", "certificate", p.identity)

    other_ca = keys.pki(tmp_path / "other-pki")
    untrusted = verify(model, sig, trust=TrustConfig(certificate_chains=(str(other_ca.ca),)))
    assert untrusted.status == "failed"


def test_single_file_signature_beside_it(tmp_path: Path) -> None:
    artifact = tmp_path / "model.tar.gz"
    artifact.write_bytes(b"\x1f\x8b" + b"\x00" * 64)
    pair = keys.key_pair(tmp_path / "keys")
    sig = tmp_path / "model.tar.gz.sig"
    keys.sign_with_key(artifact, sig, pair)
    assert signature_beside(artifact) == sig
    assert verify(artifact, sig, trust=TrustConfig(public_keys=(str(pair.public),))).status == (
        "verified"
    )
    artifact.write_bytes(b"\x1f\x8b" + b"\x01" * 64)
    assert verify(artifact, sig, trust=TrustConfig(public_keys=(str(pair.public),))).status == (
        "failed"
    )


def test_signature_inside_the_model_directory_is_not_an_extra_file(tmp_path: Path) -> None:
    model = _model(tmp_path)
    pair = keys.key_pair(tmp_path / "keys")
    outside = tmp_path / "model.sig"
    keys.sign_with_key(model, outside, pair)
    inside = model / "model.sig"
    inside.write_bytes(outside.read_bytes())
    outside.unlink()
    assert signature_beside(model) == inside
    result = verify(model, inside, trust=TrustConfig(public_keys=(str(pair.public),)))
    assert result.status == "verified", result.detail


def test_without_a_trust_root_a_matching_signature_is_unverified_not_verified(
    tmp_path: Path,
) -> None:
    model = _model(tmp_path)
    pair = keys.key_pair(tmp_path / "keys")
    sig = tmp_path / "model.sig"
    keys.sign_with_key(model, sig, pair)
    assert verify(model, sig, trust=None).status == "unverified"
    (model / "config.json").write_text("{}")
    assert verify(model, sig, trust=None).status == "failed"  # integrity needs no trust root


def test_garbage_signature_fails_without_raising(tmp_path: Path) -> None:
    model = _model(tmp_path)
    sig = tmp_path / "model.sig"
    sig.write_text("not a bundle")
    result = verify(model, sig, trust=TrustConfig(public_keys=("/nonexistent",)))
    assert result.status == "failed"
    assert "unreadable" in result.detail


def _as_sigstore_bundle(sig: Path, cert_pem: Path) -> None:
    """Rewrite a bundle's verification material the way a keyless Sigstore bundle carries it
    (a Fulcio-style certificate and a transparency-log entry). Its signature no longer verifies:
    this exercises the Sigstore path without a network."""
    import base64
    import json

    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    der = x509.load_pem_x509_certificate(cert_pem.read_bytes()).public_bytes(Encoding.DER)
    bundle = json.loads(sig.read_text())
    bundle["verificationMaterial"] = {
        "certificate": {"rawBytes": base64.b64encode(der).decode()},
        "tlogEntries": [{"logIndex": "1"}],
    }
    sig.write_text(json.dumps(bundle))


def test_sigstore_bundles_need_an_offline_trust_root_and_name_the_identity(tmp_path: Path) -> None:
    model = _model(tmp_path)
    pair = keys.key_pair(tmp_path / "keys")
    p = keys.pki(tmp_path / "pki", identity="ci@acme.example")
    sig = tmp_path / "model.sig"
    keys.sign_with_key(model, sig, pair)
    _as_sigstore_bundle(sig, p.leaf_cert)

    unverified = verify(model, sig, trust=None)
    assert (unverified.status, unverified.method, unverified.signer) == (
        "unverified",
        "sigstore",
        "ci@acme.example",
    )
    identity = {"sigstore_identity": "ci@acme.example", "sigstore_issuer": "https://issuer"}
    no_root = verify(model, sig, trust=TrustConfig(**identity))
    assert no_root.status == "failed"
    assert "--sigstore-trust-config" in no_root.detail
    bogus = tmp_path / "trust.json"
    bogus.write_text("{}")
    unusable = verify(model, sig, trust=TrustConfig(**identity, sigstore_trust_config=str(bogus)))
    # undecided (manual), not verified, and the network was never reached (no_network fixture)
    assert unusable.status == "unverified"
    assert "trust root" in unusable.detail
