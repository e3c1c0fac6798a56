"""ARM access through one azure-core pipeline: read-only guard, Retry-After aware retries, token.

Everything the Azure collector sends goes through `ArmClient`: raw GETs with an api-version
chosen per resource type (the mgmt SDKs pin old api-versions, e.g. Machine Learning at 2020-08),
`nextLink` paging, and Azure Resource Graph queries through the real `ResourceGraphClient` with
`$skipToken` paging. Both share one policy list whose last policy is the read-only guard, so no
request (ours, or one a library policy issues, such as ARM's automatic resource-provider
registration, which is left out on purpose) can change anything.

Trust store and proxies as azure-core's users expect (`aiscan.collectors.network`):
``REQUESTS_CA_BUNDLE`` (then ``CURL_CA_BUNDLE``, ``SSL_CERT_FILE``) and ``HTTPS_PROXY`` /
``NO_PROXY``; the endpoint (``AISCAN_AZURE_ENDPOINT`` or the cloud's) decides where requests go.
``AISCAN_AZURE_MAX_RETRIES`` (6) and ``AISCAN_AZURE_BACKOFF`` (0.8 s) tune the retries.

The Azure SDK is imported only when an `ArmClient` is built.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

from aiscan import __version__
from aiscan.collectors.azure.guard import ReadOnlyPolicy
from aiscan.collectors.network import requests_ca_bundle
from aiscan.collectors.settings import AzureSettings

#: ARM endpoints of the national clouds, by --azure-cloud value.
ENDPOINTS = {
    "public": "https://management.azure.com",
    "china": "https://management.chinacloudapi.cn",
    "usgov": "https://management.usgovcloudapi.net",
}
ENDPOINT_ENV = "AISCAN_AZURE_ENDPOINT"
TOKEN_ENV = "AISCAN_AZURE_TOKEN"
#: A Retry-After longer than this is not waited for in full (a hostile or broken answer).
MAX_RETRY_AFTER = 60.0

#: Bound on what one list may return, so a hostile or huge tenant cannot exhaust memory.
MAX_ITEMS_PER_LIST = 50_000
#: Resource Graph accepts at most 1000 subscriptions per query.
GRAPH_SUBSCRIPTION_BATCH = 1000

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


class InsecureTransport(Exception):
    """The token would travel over plain http to a host that is not loopback.

    Not an AzureError on purpose: the retry policy must not retry it."""


class ArmError(Exception):
    """An ARM answer with an error status (after retries)."""

    def __init__(self, status: int, code: str, message: str, url: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.url = url


def arm_endpoint(cloud: str, settings: AzureSettings) -> str:
    override = (settings.endpoint or "").strip()
    if override:
        parts = urlsplit(override)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise ValueError(f"{ENDPOINT_ENV} is not an http(s) URL: {override!r}")
        return override.rstrip("/")
    if cloud not in ENDPOINTS:
        raise ValueError(f"unknown Azure cloud {cloud!r} (known: {', '.join(ENDPOINTS)})")
    return ENDPOINTS[cloud]


def token_scope(cloud: str) -> str:
    """The OAuth scope of the cloud's ARM (also used with a private endpoint override)."""
    return ENDPOINTS.get(cloud, ENDPOINTS["public"]) + "/.default"


def token_claims(token: str) -> dict[str, str]:
    """Who a bearer token names (unverified JWT payload; empty for an opaque token)."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return {}
    if not isinstance(payload, dict):
        return {}
    out = {}
    for claim, key in (
        ("tid", "tenant"),
        ("oid", "object_id"),
        ("upn", "principal"),
        ("unique_name", "principal"),
        ("appid", "app_id"),
    ):
        value = payload.get(claim)
        if isinstance(value, str) and key not in out:
            out[key] = value[:256]
    return out


def _static_token_policy(token: str) -> Any:
    from azure.core.pipeline.policies import SansIOHTTPPolicy

    class StaticTokenPolicy(SansIOHTTPPolicy):  # type: ignore[type-arg]
        """Sends a pre-obtained ARM token; never over plain http to anything but loopback."""

        def on_request(self, request: Any) -> None:
            parts = urlsplit(request.http_request.url)
            if parts.scheme != "https" and parts.hostname not in _LOOPBACK:
                raise InsecureTransport(
                    "refusing to send the Azure token over plain http to a non-loopback host"
                )
            request.http_request.headers["Authorization"] = f"Bearer {token}"

    return StaticTokenPolicy()


def _keep_authorization(request: Any) -> Any:
    """Session auth that leaves the request as the pipeline built it."""
    return request


def _bounded_retry_policy(retries: int, backoff: float) -> Any:
    """azure-core's RetryPolicy (429 with Retry-After, 5xx, connection errors), with Retry-After
    capped so one answer cannot stall the scan."""
    from azure.core.pipeline.policies import RetryPolicy

    class BoundedRetryPolicy(RetryPolicy):  # type: ignore[type-arg]
        def get_retry_after(self, response: Any) -> float | None:
            delay = super().get_retry_after(response)
            return None if delay is None else min(max(delay, 0.0), MAX_RETRY_AFTER)

    return BoundedRetryPolicy(
        retry_total=retries, retry_backoff_factor=backoff, retry_backoff_max=60
    )


class _NoCredential:
    """ResourceGraphClient insists on a credential; authentication is our own policy's job."""

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:  # pragma: no cover - never called
        raise RuntimeError("authentication is handled by the pipeline policy")


class ArmClient:
    """One ARM pipeline shared by every thread of a scan (azure-core pipelines are thread-safe)."""

    def __init__(
        self,
        endpoint: str,
        *,
        token: str | None = None,
        credential: Any = None,
        scope: str = ENDPOINTS["public"] + "/.default",
        max_retries: int | None = None,
        pool_size: int = 32,
        settings: AzureSettings | None = None,
    ) -> None:
        import requests
        from azure.core.pipeline import policies
        from azure.core.pipeline.transport import RequestsTransport
        from azure.mgmt.core import ARMPipelineClient

        if token is None and credential is None:
            raise ValueError("an ArmClient needs a token or a credential")
        self.endpoint = endpoint.rstrip("/")
        self._origin = urlsplit(self.endpoint)
        settings = settings or AzureSettings()
        retries = max_retries if max_retries is not None else settings.max_retries
        if token is not None:
            auth: Any = _static_token_policy(token)
        else:
            from azure.mgmt.core.policies import ARMChallengeAuthenticationPolicy

            auth = ARMChallengeAuthenticationPolicy(credential, scope)
        self._session = requests.Session()
        adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=pool_size)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)
        # As azure-core's own transport does: HTTPS_PROXY / NO_PROXY and REQUESTS_CA_BUNDLE from
        # the environment apply (a proxy carries traffic; the endpoint still decides where to).
        # A no-op session auth keeps requests from replacing the bearer token with ~/.netrc's.
        self._session.trust_env = True
        self._session.auth = _keep_authorization
        backoff = settings.backoff
        self.policies: list[Any] = [
            policies.RequestIdPolicy(),
            policies.HeadersPolicy({"Accept": "application/json"}),
            policies.UserAgentPolicy(base_user_agent=f"aiscan/{__version__}"),
            policies.ContentDecodePolicy(),
            _bounded_retry_policy(retries, backoff),
            auth,
            # Last: whatever an earlier policy did to the request, the guard sees what is sent.
            ReadOnlyPolicy(),
        ]
        verify: bool | str = requests_ca_bundle(settings.trust.variables) or True
        self._transport = RequestsTransport(
            session=self._session, session_owner=False, connection_verify=verify
        )
        self._pipeline: Any = ARMPipelineClient(
            base_url=self.endpoint, policies=self.policies, transport=self._transport
        )
        self._graph: Any = None

    # -- raw ARM --------------------------------------------------------------------------------

    def url(self, path: str, api_version: str, params: Mapping[str, str] | None = None) -> str:
        from urllib.parse import urlencode

        if not path.startswith("/") or path.startswith("//"):
            raise ValueError(f"not an ARM path: {path[:200]!r}")
        query = {"api-version": api_version, **(params or {})}
        return f"{self.endpoint}{quote(path, safe='/:@!$&()*+,;=-._~')}?{urlencode(query)}"

    def send(self, method: str, url: str, body: Any = None) -> Any:
        """Send one request through the pipeline (the guard refuses anything but a read)."""
        from azure.core.rest import HttpRequest

        request = (
            HttpRequest(method, url, json=body) if body is not None else HttpRequest(method, url)
        )
        return self._pipeline.send_request(request)

    def get_url(self, url: str) -> dict[str, Any]:
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != (self._origin.scheme, self._origin.netloc):
            # A nextLink pointing elsewhere would carry the token to another host.
            raise ArmError(0, "ForeignLink", "link leaves the ARM endpoint", url[:200])
        response = self.send("GET", url)
        return _json_or_raise(response, url)

    def get(
        self, path: str, api_version: str, params: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        return self.get_url(self.url(path, api_version, params))

    def list(
        self, path: str, api_version: str, params: Mapping[str, str] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every item of an ARM collection, following `nextLink`, bounded."""
        url: str | None = self.url(path, api_version, params)
        seen: set[str] = set()
        count = 0
        while url:
            page = self.get_url(url)
            for item in page.get("value") or []:
                if not isinstance(item, dict):
                    continue
                count += 1
                if count > MAX_ITEMS_PER_LIST:
                    raise OverflowError(f"{path} returned more than {MAX_ITEMS_PER_LIST} items")
                yield item
            link = page.get("nextLink")
            url = link if isinstance(link, str) and link and link not in seen else None
            if url:
                seen.add(url)

    # -- Resource Graph -------------------------------------------------------------------------

    def _graph_client(self) -> Any:
        if self._graph is None:
            from azure.mgmt.resourcegraph import ResourceGraphClient

            self._graph = ResourceGraphClient(
                _NoCredential(),
                base_url=self.endpoint,
                policies=self.policies,
                transport=self._transport,
            )
        return self._graph

    def query(self, subscriptions: Sequence[str], query: str) -> Iterator[dict[str, Any]]:
        """Rows of a Resource Graph query over `subscriptions`, following `$skipToken`."""
        from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions

        client = self._graph_client()
        subs = list(subscriptions)
        count = 0
        for start in range(0, len(subs), GRAPH_SUBSCRIPTION_BATCH):
            batch = subs[start : start + GRAPH_SUBSCRIPTION_BATCH]
            skip: str | None = None
            seen: set[str] = set()
            while True:
                options = QueryRequestOptions(
                    top=1000, skip_token=skip, result_format="objectArray"
                )
                response = client.resources(
                    QueryRequest(subscriptions=batch, query=query, options=options)
                )
                for row in response.data or []:
                    if isinstance(row, dict):
                        count += 1
                        if count > MAX_ITEMS_PER_LIST:
                            raise OverflowError(
                                f"Resource Graph returned more than {MAX_ITEMS_PER_LIST} rows"
                            )
                        yield row
                skip = response.skip_token
                if not skip or skip in seen:
                    break
                seen.add(skip)

    def close(self) -> None:
        if self._graph is not None:
            self._graph.close()
        self._pipeline.close()
        self._session.close()


def _json_or_raise(response: Any, url: str) -> dict[str, Any]:
    status = int(response.status_code)
    try:
        body = response.json() if response.content else {}
    except ValueError:
        body = {}
    if status >= 400:
        err = body.get("error") if isinstance(body, dict) else None
        err = err if isinstance(err, dict) else {}
        raise ArmError(
            status,
            str(err.get("code") or response.reason or "Error")[:100],
            str(err.get("message") or "")[:500],
            urlsplit(url).path[:300],
        )
    if not isinstance(body, dict):
        raise ArmError(status, "MalformedResponse", "the answer is not a JSON object", url[:300])
    return body
