"""The one HTTP layer of the GCP collector: Google REST over an authorized `requests` session.

* Every request goes through `transport.ReadOnlyAdapter` (see `guard`), the only adapter on the
  session.
* ``AISCAN_GCP_ENDPOINT`` replaces every ``https://<service>.googleapis.com`` host with one base URL
  (Private Service Connect, restricted VIPs, a local emulator); paths stay Google's.
* Lists follow ``nextPageToken``; 429 and 5xx answers are retried here, with exponential backoff
  and jitter (honouring ``Retry-After``), because plain REST has no retry of its own.
* Errors become `GcpApiError` with Google's status, ``ErrorInfo.reason`` and message.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from aiscan.collectors.base import CollectorConfigError
from aiscan.core.sanitize import clean_text

#: Answers worth another attempt: throttling and transient server errors.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_BACKOFF = 30.0
MAX_RETRY_AFTER = 60.0
#: Bound on the items one list may return, so a hostile or huge project cannot exhaust memory.
MAX_ITEMS_PER_LIST = 50_000
_LOOPBACK = ("127.0.0.1", "::1", "localhost")


class GcpApiError(Exception):
    """A Google API answered with an error."""

    def __init__(self, status: int, code: str, reason: str, message: str, path: str) -> None:
        self.status = status
        self.code = code  # google.rpc.Code name, e.g. PERMISSION_DENIED
        self.reason = reason  # ErrorInfo.reason, e.g. SERVICE_DISABLED
        self.message = message
        self.path = path
        super().__init__(f"{status} {code or reason}: {message} ({path})")


def check_endpoint(endpoint: str) -> str:
    """Validate ``AISCAN_GCP_ENDPOINT``: https, or plain http to loopback only (tokens travel)."""
    parts = urlsplit(endpoint.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CollectorConfigError(f"AISCAN_GCP_ENDPOINT is not a URL: {endpoint!r}")
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
        raise CollectorConfigError(
            "AISCAN_GCP_ENDPOINT must use https (plain http only to a loopback address): the "
            "OAuth token is sent with every request"
        )
    return endpoint.strip().rstrip("/")


def authorized_session(
    credentials: Any,
    *,
    refresh: bool,
    object_reads: bool = False,
    environ: Mapping[str, str] | None = None,
) -> Any:
    """An AuthorizedSession whose only transport is the read-only adapter (`object_reads`: the
    adapter also lets Cloud Storage object contents through, for --deep).

    Trust store and proxies as google-auth's users expect: requests honours ``HTTPS_PROXY`` /
    ``NO_PROXY`` and ``REQUESTS_CA_BUNDLE`` itself (``trust_env``); ``SSL_CERT_FILE`` is the
    fallback (`aiscan.collectors.network`), from the CA variables in `environ` (the settings'
    `TrustSettings.variables`). The token-refresh session verifies the same way."""
    import requests
    from google.auth.transport.requests import AuthorizedSession, Request

    from aiscan.collectors.gcp.transport import ReadOnlyAdapter
    from aiscan.collectors.network import requests_ca_bundle

    bundle = requests_ca_bundle(environ or {})
    token_session = requests.Session()
    codes = (401,) if refresh else ()
    session = AuthorizedSession(  # type: ignore[no-untyped-call]
        credentials, refresh_status_codes=codes, auth_request=Request(token_session)
    )
    for each in (session, token_session):
        each.trust_env = True
        each.auth = _keep_authorization  # no ~/.netrc credentials in place of the OAuth token
        if bundle:
            each.verify = bundle
    adapter = ReadOnlyAdapter(
        pool_connections=16, pool_maxsize=64, max_retries=0, object_reads=object_reads
    )
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def _keep_authorization(request: Any) -> Any:
    """Session auth that leaves the request's own Authorization header alone."""
    return request


class GcpHttp:
    def __init__(
        self,
        session: Any,
        *,
        endpoint: str | None = None,
        max_attempts: int = 5,
        backoff: float = 0.5,
        timeout: float = 60.0,
    ) -> None:
        self.session = session
        self.endpoint = endpoint
        self.max_attempts = max(1, max_attempts)
        self.backoff = backoff
        self.timeout = timeout
        self.requests = 0
        self.retries = 0
        self._lock = threading.Lock()

    def url(self, host: str, path: str) -> str:
        base = self.endpoint or f"https://{host}"
        return base + path

    def get(self, host: str, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return self._call("GET", host, path, params, None)

    def post_read(self, host: str, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """A read that Google's API defines as POST (``:getIamPolicy``); the guard checks it."""
        return self._call("POST", host, path, None, body)

    def pages(
        self, host: str, path: str, params: Mapping[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every page of a list, following ``nextPageToken``."""
        args = dict(params or {})
        seen: set[str] = set()
        while True:
            page = self.get(host, path, args)
            yield page
            token = page.get("nextPageToken")
            if not token or token in seen:  # a repeated token would loop forever
                return
            seen.add(str(token))
            args["pageToken"] = token

    def items(
        self,
        host: str,
        path: str,
        key: str,
        params: Mapping[str, Any] | None = None,
        unreachable: list[str] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every item under `key` of every page, bounded (the locations a page lists as
        ``unreachable`` are added to `unreachable`)."""
        count = 0
        for page in self.pages(host, path, params):
            if unreachable is not None:
                unreachable.extend(str(u) for u in page.get("unreachable") or [])
            for item in page.get(key) or []:
                count += 1
                if count > MAX_ITEMS_PER_LIST:
                    raise OverflowError(f"{path} returned more than {MAX_ITEMS_PER_LIST} items")
                yield item

    def aggregated(
        self, host: str, path: str, key: str, params: Mapping[str, Any] | None = None
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """(scope, item) of a Compute Engine aggregated list (``items`` maps scope -> {key: []})."""
        count = 0
        for page in self.pages(host, path, params):
            for scope, bucket in (page.get("items") or {}).items():
                for item in (bucket or {}).get(key) or []:
                    count += 1
                    if count > MAX_ITEMS_PER_LIST:
                        raise OverflowError(f"{path} returned more than {MAX_ITEMS_PER_LIST}")
                    yield str(scope), item

    # -- transport ------------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        host: str,
        path: str,
        params: Mapping[str, Any] | None,
        body: Mapping[str, Any] | None,
    ) -> dict[str, Any]:
        url = self.url(host, path)
        attempt = 0
        while True:
            attempt += 1
            with self._lock:
                self.requests += 1
            try:
                resp = self.session.request(
                    method, url, params=params, json=body, timeout=self.timeout
                )
            except OSError:  # requests' ConnectionError/Timeout are OSErrors
                if attempt >= self.max_attempts:
                    raise
                self._sleep(attempt, None)
                continue
            if resp.status_code in RETRY_STATUSES and attempt < self.max_attempts:
                self._sleep(attempt, resp.headers.get("Retry-After"))
                continue
            if resp.status_code >= 400:
                raise _api_error(resp, path)
            if not resp.content:
                return {}
            data = resp.json()
            if not isinstance(data, dict):
                raise ValueError(f"{path}: expected a JSON object")
            return data

    def _sleep(self, attempt: int, retry_after: str | None) -> None:
        with self._lock:
            self.retries += 1
        delay = min(MAX_BACKOFF, self.backoff * 2 ** (attempt - 1)) * (0.5 + random.random() / 2)
        if retry_after:
            with contextlib.suppress(ValueError):
                delay = max(delay, min(MAX_RETRY_AFTER, float(retry_after)))
        time.sleep(delay)


def _api_error(resp: Any, path: str) -> GcpApiError:
    code = reason = ""
    message = resp.reason or ""
    try:
        err = resp.json().get("error") or {}
    except ValueError:
        err = {}
    if isinstance(err, dict):
        code = str(err.get("status") or "")
        message = str(err.get("message") or message)
        # ErrorInfo details first, then Cloud Storage's {"errors": [{"reason": "forbidden"}]}
        found = [*(err.get("details") or []), *(err.get("errors") or [])]
        reason = next(
            (str(d["reason"]) for d in found if isinstance(d, dict) and d.get("reason")), ""
        )
    return GcpApiError(resp.status_code, code, reason, clean_text(message, 300), path)
