"""Turning whatever a read raised into a coverage status and a short, safe message."""

from __future__ import annotations

from aiscan.collectors.gcp.guard import ReadOnlyViolation
from aiscan.collectors.gcp.http import GcpApiError
from aiscan.collectors.network import tls_hint, untrusted_certificate
from aiscan.core.model import CoverageStatus
from aiscan.core.sanitize import clean_text

#: ErrorInfo reasons (and message fragments) that mean "this API is not enabled in the project":
#: nothing of that service can exist there, so the scope is skipped, not denied.
SERVICE_DISABLED_REASONS = frozenset({"SERVICE_DISABLED", "accessNotConfigured"})
_DISABLED_TEXT = ("has not been used in project", "it is disabled")


def service_disabled(exc: BaseException) -> bool:
    if not isinstance(exc, GcpApiError) or exc.status != 403:
        return False
    return exc.reason in SERVICE_DISABLED_REASONS or any(t in exc.message for t in _DISABLED_TEXT)


def classify(exc: BaseException) -> tuple[CoverageStatus, str]:
    """(status, message) for an exception raised while reading one scope."""
    if isinstance(exc, GcpApiError):
        what = f"{exc.path}: {exc.status} {exc.code or exc.reason}".rstrip()
        if service_disabled(exc):
            return CoverageStatus.SKIPPED, f"{exc.path}: API not enabled in the project"
        if exc.status in (401, 403):
            return CoverageStatus.DENIED, f"{what}: {exc.message}"
        if exc.status == 429:
            return CoverageStatus.ERROR, f"{what}: throttled, retries exhausted"
        if exc.status == 501 or exc.code == "UNIMPLEMENTED":
            return CoverageStatus.SKIPPED, f"{exc.path}: not offered here"
        return CoverageStatus.ERROR, f"{what}: {exc.message}"
    if isinstance(exc, ReadOnlyViolation):
        return CoverageStatus.ERROR, clean_text(exc, 300)
    try:
        from google.auth.exceptions import GoogleAuthError
    except ImportError:  # pragma: no cover - google-auth is the collector's own dependency
        GoogleAuthError = ()  # type: ignore[assignment,misc]  # noqa: N806
    if isinstance(exc, GoogleAuthError):
        return CoverageStatus.DENIED, f"credentials: {clean_text(exc, 300)}"
    if isinstance(exc, OSError) and untrusted_certificate(exc):
        return CoverageStatus.ERROR, f"{tls_hint('gcp')}: {clean_text(exc, 200)}"
    if isinstance(exc, OSError):
        return CoverageStatus.ERROR, f"endpoint unreachable: {clean_text(exc, 300)}"
    # A payload we could not understand (a KeyError in a transform): an error for this scope.
    return CoverageStatus.ERROR, f"malformed response: {type(exc).__name__}: {clean_text(exc, 300)}"
