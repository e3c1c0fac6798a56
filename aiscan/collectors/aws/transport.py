"""How the AWS collector's botocore clients talk: retries, backoff, trust store, odd error bodies.

* Retries: botocore's ``adaptive`` mode (``AISCAN_AWS_RETRY_MODE``; ``standard`` in tests),
  ``AISCAN_AWS_MAX_ATTEMPTS`` attempts in all (6). ``AISCAN_AWS_MAX_BACKOFF`` (seconds) caps the
  exponential backoff below botocore's 20 s; the fault-injection tests set it to keep runs short.
* Trust store and proxies: botocore's own resolution (``AWS_CA_BUNDLE`` / profile ``ca_bundle``,
  then ``REQUESTS_CA_BUNDLE``; ``HTTPS_PROXY`` / ``NO_PROXY``), with ``SSL_CERT_FILE`` as the last
  fallback (see `aiscan.collectors.network`).
* An error answer whose body is not in the service's protocol (a load balancer's or proxy's HTML
  503 page; a 429 from a gateway) would make botocore raise ``ResponseParserError``, which is never
  retried: it is turned into the generic error botocore gives an empty 5xx body (or a throttling
  error for 429) before parsing, so it is retried like any 5xx and, once retries are exhausted,
  becomes coverage with its HTTP status.
"""

from __future__ import annotations

import json
from typing import Any

from aiscan.collectors.network import check_ca_variables, fallback_ca_bundle
from aiscan.collectors.settings import AwsSettings

_UNPARSEABLE = "HTTP {status} with a body that is not the service's protocol"


def client_config(settings: AwsSettings) -> Any:
    """The botocore Config of every scanning client."""
    from botocore.config import Config

    return Config(
        retries={
            "mode": settings.retry_mode,
            "total_max_attempts": max(1, settings.max_attempts),
        },
        max_pool_connections=32,
        connect_timeout=10,
        read_timeout=60,
        user_agent_extra="aiscan",
    )


def client_kwargs(botocore_session: Any, settings: AwsSettings) -> dict[str, Any]:
    """Extra ``session.client(...)`` arguments: the explicit endpoint of the settings (if any),
    and ``verify`` when only SSL_CERT_FILE names a CA.

    botocore's own settings win (explicit ``verify`` would override them, so it is passed only
    when none is set)."""
    env = settings.trust.variables
    out: dict[str, Any] = {}
    if settings.endpoint_url:
        out["endpoint_url"] = settings.endpoint_url
    check_ca_variables(env, ("AWS_CA_BUNDLE", "REQUESTS_CA_BUNDLE"))
    if botocore_session.get_config_variable("ca_bundle") or env.get("REQUESTS_CA_BUNDLE"):
        return out
    bundle = fallback_ca_bundle(env)
    if bundle:
        out["verify"] = bundle
    return out


def install(botocore_session: Any) -> None:
    """Register the session-wide handlers (before any client is created)."""
    botocore_session.register(
        "before-parse", _normalise_unparseable_error, unique_id="aiscan-unparseable-error"
    )


def tune_retries(client: Any, settings: AwsSettings) -> None:
    """Cap the backoff of a new client's standard/adaptive retries at AISCAN_AWS_MAX_BACKOFF.

    botocore offers no setting for it; its retry handler is registered under a known unique id,
    so it is replaced by the same handler built with a lower ``max_backoff``."""
    cap = settings.max_backoff
    mode = client.meta.config.retries.get("mode")
    if cap is None or mode not in ("standard", "adaptive"):
        return
    from botocore.retries import quota, standard

    max_backoff = max(0.0, cap)
    attempts = client.meta.config.retries.get("total_max_attempts") or standard.DEFAULT_MAX_ATTEMPTS
    name = client.meta.service_model.service_id.hyphenize()
    unique_id = f"retry-config-{name}"
    events = client.meta.events
    events.unregister(f"needs-retry.{name}", unique_id=unique_id)
    adapter = standard.RetryEventAdapter()
    detector = standard.ThrottlingErrorDetector(adapter)
    retry_quota = standard.RetryQuotaChecker(quota.RetryQuota(), detector)
    handler = standard.RetryHandler(
        retry_policy=standard.RetryPolicy(
            retry_checker=standard.StandardRetryConditions(max_attempts=attempts),
            retry_backoff=standard.ExponentialBackoff(
                max_backoff=max_backoff, service_name=name, throttling_detector=detector
            ),
        ),
        retry_event_adapter=adapter,
        retry_quota=retry_quota,
        service_name=name,
    )
    events.register(f"after-call.{name}", retry_quota.release_retry_quota)
    events.register(f"needs-retry.{name}", handler.needs_retry, unique_id=unique_id)


# -- error bodies that are not the protocol's --------------------------------------------------


#: A throttling error in each protocol's own shape, by botocore protocol name.
_THROTTLING = {
    "query": "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
    "<Message>{message}</Message></Error></ErrorResponse>",
    "ec2": "<Response><Errors><Error><Code>RequestLimitExceeded</Code>"
    "<Message>{message}</Message></Error></Errors></Response>",
    "rest-xml": "<Error><Code>SlowDown</Code><Message>{message}</Message></Error>",
}


def _throttling_body(protocol: str, message: str) -> bytes | None:
    if protocol in ("json", "rest-json"):
        return json.dumps({"__type": "ThrottlingException", "message": message}).encode()
    body = _THROTTLING.get(protocol)
    return None if body is None else body.format(message=message).encode()


def _error_code(protocol: str, response_dict: dict[str, Any], shape: Any) -> str | None:
    """The error code botocore would parse from this answer; None if it cannot parse it."""
    from botocore.parsers import ResponseParserError, create_parser

    try:
        parsed = create_parser(protocol).parse(dict(response_dict), shape)
    except (ResponseParserError, ValueError, TypeError, AttributeError):
        return None
    error = parsed.get("Error") if isinstance(parsed, dict) else None
    code = error.get("Code") if isinstance(error, dict) else None
    return str(code) if code else None


def _normalise_unparseable_error(
    operation_model: Any, response_dict: dict[str, Any], **_: Any
) -> None:
    status = int(response_dict.get("status_code") or 0)
    body = response_dict.get("body")
    if not (status >= 500 or status == 429) or not isinstance(body, bytes):
        return
    stripped = body.strip()
    if not stripped or stripped.startswith(b"<html>"):
        return  # botocore's generic error parse already handles these
    protocol = str(operation_model.service_model.resolved_protocol)
    if _error_code(protocol, response_dict, operation_model.output_shape) is not None:
        return
    if status >= 500:
        # An empty 5xx body is botocore's "generic error": code = the status, retried as transient.
        response_dict["body"] = b""
        return
    replacement = _throttling_body(protocol, _UNPARSEABLE.format(status=status))
    if replacement is not None:
        response_dict["body"] = replacement
