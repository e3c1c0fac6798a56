"""Trust stores and proxies, as each SDK's own users configure them.

A scan behind a TLS-inspecting corporate proxy needs the proxy's CA and usually the proxy itself.
Users of each SDK already know how to say so, and aiscan honours exactly that:

* AWS (botocore): ``AWS_CA_BUNDLE`` or ``ca_bundle`` in the profile, then ``REQUESTS_CA_BUNDLE``
  (botocore resolves these itself); ``HTTPS_PROXY`` / ``HTTP_PROXY`` / ``NO_PROXY``.
* Azure (azure-core over requests) and Google (google-auth over requests):
  ``REQUESTS_CA_BUNDLE``, then ``CURL_CA_BUNDLE``; ``HTTPS_PROXY`` / ``HTTP_PROXY`` / ``NO_PROXY``.
* Everywhere, ``SSL_CERT_FILE`` (OpenSSL's variable, which none of the three SDKs reads because
  they all pin certifi's bundle) as the last fallback, so one setting covers every cloud.

The endpoint (``AWS_ENDPOINT_URL``, ``AISCAN_AZURE_ENDPOINT``, ``AISCAN_GCP_ENDPOINT`` or the
cloud's own) still decides where requests go; a proxy only carries them there.

No SDK is imported here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from aiscan.collectors.base import CollectorConfigError

#: CA bundle variables in the order the requests-based SDKs (Azure, Google) consult them.
REQUESTS_CA_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
#: The variable every cloud falls back to.
FALLBACK_CA_VARIABLE = "SSL_CERT_FILE"

#: Fragments of an exception's text that mean "the server's certificate is not trusted".
_UNTRUSTED = ("CERTIFICATE_VERIFY_FAILED", "certificate verify failed", "self-signed certificate")


def _checked(variable: str, value: str) -> str:
    path = value.strip()
    if not os.path.isfile(path):
        raise CollectorConfigError(f"{variable} is set but {path!r} is not a readable file")
    return path


def requests_ca_bundle(environ: Mapping[str, str]) -> str | None:
    """The CA bundle a requests-based SDK (Azure, Google) should verify with, or None for
    certifi's: the first of REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, SSL_CERT_FILE that is set."""
    for variable in (*REQUESTS_CA_VARIABLES, FALLBACK_CA_VARIABLE):
        value = environ.get(variable)
        if value and value.strip():
            return _checked(variable, value)
    return None


def fallback_ca_bundle(environ: Mapping[str, str]) -> str | None:
    """SSL_CERT_FILE, for an SDK that found no CA bundle setting of its own (botocore)."""
    value = environ.get(FALLBACK_CA_VARIABLE)
    return _checked(FALLBACK_CA_VARIABLE, value) if value and value.strip() else None


def check_ca_variables(environ: Mapping[str, str], variables: tuple[str, ...]) -> None:
    """Fail early, as a configuration error, on a CA bundle variable naming no file."""
    for variable in variables:
        value = environ.get(variable)
        if value and value.strip():
            _checked(variable, value)


def untrusted_certificate(exc: BaseException) -> bool:
    """Whether a connection failed because the server's certificate chain is not trusted."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:  # walk the cause chain
        seen.add(id(current))
        text = f"{type(current).__name__} {current}"
        if any(fragment in text for fragment in _UNTRUSTED):
            return True
        current = current.__cause__ or current.__context__
    return False


def tls_hint(cloud: str) -> str:
    """What to set when the certificate is not trusted (a TLS-inspecting proxy, a private CA)."""
    own = "AWS_CA_BUNDLE or REQUESTS_CA_BUNDLE" if cloud == "aws" else "REQUESTS_CA_BUNDLE"
    return (
        "TLS certificate not trusted (a TLS-inspecting proxy or private CA?): set "
        f"{own} or SSL_CERT_FILE to a PEM bundle that includes its CA"
    )
