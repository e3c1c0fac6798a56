"""Which CA bundle each SDK family verifies with, and how an untrusted certificate is told apart."""

from __future__ import annotations

import ssl

import pytest

from aiscan.collectors.base import CollectorConfigError
from aiscan.collectors.network import (
    check_ca_variables,
    fallback_ca_bundle,
    requests_ca_bundle,
    untrusted_certificate,
)


@pytest.fixture
def bundles(tmp_path):
    paths = {}
    for name in ("requests", "curl", "ssl"):
        path = tmp_path / f"{name}.pem"
        path.write_text("-----BEGIN CERTIFICATE-----\n")
        paths[name] = str(path)
    return paths


def test_requests_based_sdks_take_requests_then_curl_then_ssl_cert_file(bundles):
    env = {
        "REQUESTS_CA_BUNDLE": bundles["requests"],
        "CURL_CA_BUNDLE": bundles["curl"],
        "SSL_CERT_FILE": bundles["ssl"],
    }
    assert requests_ca_bundle(env) == bundles["requests"]
    del env["REQUESTS_CA_BUNDLE"]
    assert requests_ca_bundle(env) == bundles["curl"]
    del env["CURL_CA_BUNDLE"]
    assert requests_ca_bundle(env) == bundles["ssl"]
    assert requests_ca_bundle({"REQUESTS_CA_BUNDLE": "  "}) is None
    assert requests_ca_bundle({}) is None


def test_ssl_cert_file_is_the_fallback_for_botocore(bundles):
    assert fallback_ca_bundle({"SSL_CERT_FILE": bundles["ssl"]}) == bundles["ssl"]
    assert fallback_ca_bundle({"REQUESTS_CA_BUNDLE": bundles["requests"]}) is None


def test_a_variable_naming_no_file_is_a_configuration_error(tmp_path):
    missing = str(tmp_path / "nope.pem")
    with pytest.raises(CollectorConfigError, match="REQUESTS_CA_BUNDLE"):
        requests_ca_bundle({"REQUESTS_CA_BUNDLE": missing})
    with pytest.raises(CollectorConfigError, match="AWS_CA_BUNDLE"):
        check_ca_variables({"AWS_CA_BUNDLE": missing}, ("AWS_CA_BUNDLE",))


def test_untrusted_certificate_is_found_through_the_cause_chain():
    cause = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] unable to get")
    outer = ConnectionError("connection failed")
    outer.__cause__ = cause
    assert untrusted_certificate(outer)
    assert not untrusted_certificate(ConnectionError("connection refused"))
