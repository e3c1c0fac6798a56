"""Turning whatever a read raised into a coverage status and a short, safe message."""

from __future__ import annotations

from aiscan.collectors.network import tls_hint, untrusted_certificate
from aiscan.core.model import CoverageStatus
from aiscan.core.sanitize import clean_text

DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedException",
        "AuthorizationError",
        "AuthorizationErrorException",
        "Forbidden",
        "AllAccessDisabled",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "AuthFailure",
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
    }
)
SKIPPED_CODES = frozenset(
    {
        "OptInRequired",
        "SubscriptionRequiredException",
        "ServiceNotEnabled",
        "AWSOrganizationsNotInUseException",
    }
)
THROTTLE_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
        "RequestThrottled",
        "ProvisionedThroughputExceededException",
    }
)
UNSUPPORTED_CODES = frozenset(
    {"UnknownOperationException", "InvalidAction", "UnsupportedOperation", "NotImplemented"}
)


def classify(exc: BaseException) -> tuple[CoverageStatus, str]:
    """(status, message) for an exception raised while reading one scope."""
    from botocore.exceptions import (  # the collector already needs botocore; keep import local
        BotoCoreError,
        ClientError,
        ConnectTimeoutError,
        EndpointConnectionError,
        NoCredentialsError,
        ReadTimeoutError,
    )

    from aiscan.collectors.aws.guard import ReadOnlyViolation

    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code = str(err.get("Code", ""))
        msg = clean_text(err.get("Message", "") or str(exc), 300)
        op = getattr(exc, "operation_name", "")
        status_code = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        where = f"{op}: " if op else ""
        if code in DENIED_CODES or status_code == 403:
            return CoverageStatus.DENIED, f"{where}{code}: {msg}"
        if code in SKIPPED_CODES:
            return CoverageStatus.SKIPPED, f"{where}not enabled ({code})"
        if code in THROTTLE_CODES:
            return CoverageStatus.ERROR, f"{where}throttled, retries exhausted ({code})"
        if code in UNSUPPORTED_CODES:
            return CoverageStatus.ERROR, f"{where}operation not supported ({code})"
        return CoverageStatus.ERROR, f"{where}{code or status_code}: {msg}"
    if isinstance(exc, NoCredentialsError):
        return CoverageStatus.DENIED, "no AWS credentials found"
    if isinstance(exc, EndpointConnectionError) and _name_not_resolved(exc):
        # AWS publishes no DNS name for a service in a region where it does not run (and
        # botocore's endpoint data does not list every service, e.g. bedrock-agent). A general
        # DNS outage still makes the scan incomplete: identity and region reads fail first.
        return CoverageStatus.SKIPPED, "no endpoint for this service in this region"
    if isinstance(exc, BotoCoreError) and untrusted_certificate(exc):
        return CoverageStatus.ERROR, f"{tls_hint('aws')}: {clean_text(exc, 200)}"
    if isinstance(exc, EndpointConnectionError | ConnectTimeoutError | ReadTimeoutError):
        return CoverageStatus.ERROR, f"endpoint unreachable: {clean_text(exc, 300)}"
    if isinstance(exc, BotoCoreError):
        return CoverageStatus.ERROR, f"{type(exc).__name__}: {clean_text(exc, 300)}"
    if isinstance(exc, ReadOnlyViolation):
        return CoverageStatus.ERROR, clean_text(exc, 300)
    if isinstance(exc, NotImplementedError):
        return CoverageStatus.ERROR, f"operation not supported by the endpoint: {clean_text(exc)}"
    # Anything else is a payload we could not understand (a KeyError in a transform, a pydantic
    # ValidationError on a malformed field): an error for this scope, not a crash of the scan.
    return CoverageStatus.ERROR, f"malformed response: {type(exc).__name__}: {clean_text(exc, 300)}"


def _name_not_resolved(exc: BaseException) -> bool:
    cause = getattr(exc, "kwargs", {}).get("error")
    text = f"{type(cause).__name__} {cause}"
    return "NameResolutionError" in text or "Name or service not known" in text
