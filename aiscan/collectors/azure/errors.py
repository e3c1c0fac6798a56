"""Turning whatever an Azure read raised into a coverage status and a short, safe message."""

from __future__ import annotations

from aiscan.collectors.network import tls_hint, untrusted_certificate
from aiscan.core.model import CoverageStatus
from aiscan.core.sanitize import clean_text

#: ARM error codes that mean "this identity may not read that".
DENIED_CODES = frozenset(
    {
        "AuthorizationFailed",
        "AuthenticationFailed",
        "InvalidAuthenticationToken",
        "InvalidAuthenticationTokenTenant",
        "ExpiredAuthenticationToken",
        "LinkedAuthorizationFailed",
        "Forbidden",
    }
)
#: Codes that mean "the feature or provider is not there": nothing to read, not a failure.
SKIPPED_CODES = frozenset(
    {
        "SubscriptionNotRegistered",
        "MissingSubscriptionRegistration",
        "NoRegisteredProviderFound",
        "InvalidResourceNamespace",
        "FeatureNotEnabled",
    }
)


def _status(status: int, code: str, message: str, where: str) -> tuple[CoverageStatus, str]:
    text = clean_text(message, 300)
    if status in (401, 403) or code in DENIED_CODES:
        return CoverageStatus.DENIED, f"{where}{status} {code}: {text}".strip()
    if code in SKIPPED_CODES:
        return CoverageStatus.SKIPPED, f"{where}not available ({code})"
    if status == 429:
        return CoverageStatus.ERROR, f"{where}throttled, retries exhausted (429 {code})"
    return CoverageStatus.ERROR, f"{where}{status} {code}: {text}".strip()


def classify(exc: BaseException) -> tuple[CoverageStatus, str]:
    """(status, message) for an exception raised while reading one scope."""
    from azure.core.exceptions import (
        ClientAuthenticationError,
        HttpResponseError,
        ServiceRequestError,
        ServiceResponseError,
    )

    from aiscan.collectors.azure.arm import ArmError, InsecureTransport
    from aiscan.collectors.azure.guard import ReadOnlyViolation

    if isinstance(exc, ArmError):
        return _status(exc.status, exc.code, exc.message, f"{clean_text(exc.url, 200)}: ")
    if isinstance(exc, HttpResponseError) and exc.status_code is not None:
        code = ""
        if exc.error is not None and exc.error.code:
            code = str(exc.error.code)
        message = exc.error.message if exc.error is not None else exc.reason
        return _status(int(exc.status_code), code or str(exc.reason or ""), str(message or ""), "")
    if isinstance(exc, ClientAuthenticationError):
        return CoverageStatus.DENIED, f"no usable Azure credential: {clean_text(exc, 300)}"
    if isinstance(exc, ServiceRequestError | ServiceResponseError) and untrusted_certificate(exc):
        return CoverageStatus.ERROR, f"{tls_hint('azure')}: {clean_text(exc, 200)}"
    if isinstance(exc, ServiceRequestError | ServiceResponseError):
        return CoverageStatus.ERROR, f"ARM endpoint unreachable: {clean_text(exc, 300)}"
    if isinstance(exc, ReadOnlyViolation | InsecureTransport):
        return CoverageStatus.ERROR, clean_text(exc, 300)
    # A payload we could not understand (a KeyError in a transform, a validation error): an error
    # for this scope, not a crash of the scan.
    return CoverageStatus.ERROR, f"malformed response: {type(exc).__name__}: {clean_text(exc, 300)}"
