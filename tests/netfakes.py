"""Loopback network fixtures: a front that terminates TLS and injects faults, and a CONNECT proxy.

`Front` sits between a scanner and one of the local fakes (the moto emulator, the fake ARM, the
fake Google APIs). It forwards every request to the fake and relays the answer, optionally

* over HTTPS with a certificate issued by a private CA (`trustme`), as a TLS-inspecting
  corporate proxy or a private endpoint would present;
* with faults: throttling, 5xx (shaped in the cloud's own error format, or a load balancer's HTML
  page) and dropped connections at seeded rates, plus fixed rules (deny a service, fail a path
  every time). Which attempt of which request fails is a hash of (seed, request, attempt), so a
  run does not depend on thread scheduling; no request fails more than `max_faults` times
  in all, so a client with enough retries always gets the real answer.

URLs of the fake inside answers (ARM ``nextLink``) are rewritten to the front's, as a real
gateway's would be. `ConnectProxy` is an HTTP forward proxy that only tunnels (CONNECT) to
loopback and counts the tunnels it opened.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import re
import select
import socket
import ssl
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

_LOOPBACK = ("127.0.0.1", "localhost", "::1")
_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection"}
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request")

HTML_503 = (
    b"<!DOCTYPE html>\n<html><head><title>503 Service Temporarily Unavailable</title></head>"
    b"<body><center><h1>503 Service Temporarily Unavailable</h1></center><hr>"
    b"<center>nginx</center></body></html>\n"
)

#: The kinds of fault a `Front` injects.
THROTTLE, SERVER_ERROR, HTML, DROP, DENY = "throttle", "5xx", "html-503", "drop", "deny"


@dataclass(frozen=True)
class Facts:
    """What a shaper and a rule may look at."""

    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def aws_service(self) -> str:
        m = _SCOPE.search(self.headers.get("authorization", ""))
        return m.group(2) if m else ""


Answer = tuple[int, dict[str, str], bytes]
Shaper = Callable[[str, Facts], Answer]


@dataclass
class FaultPlan:
    seed: int = 0
    throttle: float = 0.0
    server_error: float = 0.0  # half shaped in the cloud's format, half a load balancer's HTML
    drop: float = 0.0
    max_faults: int = 3  # per distinct request, so enough retries always get through
    #: fixed rules, tried first: (predicate, fault kind) -> that fault every time
    rules: list[tuple[Callable[[Facts], bool], str]] = field(default_factory=list)

    def random_fault(self, key: bytes, attempt: int) -> str | None:
        digest = hashlib.sha256(b"%d|%d|" % (self.seed, attempt) + key).digest()
        u = int.from_bytes(digest[:8], "big") / 2**64
        if u < self.throttle:
            return THROTTLE
        u -= self.throttle
        if u < self.server_error:
            return SERVER_ERROR if u < self.server_error / 2 else HTML
        u -= self.server_error
        return DROP if u < self.drop else None


# -- error shapes of each cloud -----------------------------------------------------------------


def aws_protocol(facts: Facts) -> str:
    if facts.headers.get("x-amz-target"):
        return "json"
    if facts.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return "ec2" if facts.aws_service == "ec2" else "query"
    return "rest-xml" if facts.aws_service == "s3" else "rest-json"


_AWS_CODES = {  # protocol -> fault kind -> (status, code)
    "json": {THROTTLE: (400, "ThrottlingException"), SERVER_ERROR: (503, "ServiceUnavailable"),
             DENY: (400, "AccessDeniedException")},
    "query": {THROTTLE: (400, "Throttling"), SERVER_ERROR: (503, "ServiceUnavailable"),
              DENY: (403, "AccessDenied")},
    "ec2": {THROTTLE: (503, "RequestLimitExceeded"), SERVER_ERROR: (503, "Unavailable"),
            DENY: (403, "UnauthorizedOperation")},
    "rest-xml": {THROTTLE: (503, "SlowDown"), SERVER_ERROR: (500, "InternalError"),
                 DENY: (403, "AccessDenied")},
    "rest-json": {THROTTLE: (429, "ThrottlingException"),
                  SERVER_ERROR: (503, "ServiceUnavailableException"),
                  DENY: (403, "AccessDeniedException")},
}  # fmt: skip


def aws_shape(kind: str, facts: Facts) -> Answer:
    """An AWS error in the wire format of the request's protocol."""
    protocol = aws_protocol(facts)
    if kind == HTML:
        return 503, {"Content-Type": "text/html"}, HTML_503
    status, code = _AWS_CODES[protocol][kind]
    message = f"injected {kind}"
    if protocol == "json":
        ctype = facts.headers.get("content-type", "application/x-amz-json-1.1")
        body = json.dumps({"__type": code, "message": message}).encode()
        return status, {"Content-Type": ctype}, body
    if protocol == "rest-json":
        body = json.dumps({"message": message}).encode()
        return status, {"Content-Type": "application/json", "x-amzn-ErrorType": code}, body
    error = f"<Code>{code}</Code><Message>{message}</Message>"
    if protocol == "query":
        xml = f"<ErrorResponse><Error><Type>Sender</Type>{error}</Error></ErrorResponse>"
    elif protocol == "ec2":
        xml = f"<Response><Errors><Error>{error}</Error></Errors></Response>"
    else:
        xml = f"<Error>{error}<RequestId>f</RequestId></Error>"
    return status, {"Content-Type": "text/xml"}, xml.encode()


def azure_shape(kind: str, facts: Facts, retry_after: str = "0.05") -> Answer:
    if kind == HTML:
        return 503, {"Content-Type": "text/html"}, HTML_503
    status, code, headers = {
        THROTTLE: (429, "TooManyRequests", {"Retry-After": retry_after}),
        SERVER_ERROR: (503, "ServiceUnavailable", {}),
        DENY: (403, "AuthorizationFailed", {}),
    }[kind]
    body = json.dumps({"error": {"code": code, "message": f"injected {kind}"}}).encode()
    return status, {"Content-Type": "application/json", **headers}, body


def gcp_shape(kind: str, facts: Facts, retry_after: str = "0.05") -> Answer:
    if kind == HTML:
        return 503, {"Content-Type": "text/html"}, HTML_503
    status, code, headers = {
        THROTTLE: (429, "RESOURCE_EXHAUSTED", {"Retry-After": retry_after}),
        SERVER_ERROR: (503, "UNAVAILABLE", {}),
        DENY: (403, "PERMISSION_DENIED", {}),
    }[kind]
    error = {"code": status, "message": f"injected {kind}", "status": code}
    body = json.dumps({"error": error}).encode()
    return status, {"Content-Type": "application/json", **headers}, body


# -- the front ----------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that rejects our certificate or hangs up is part of the tests


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


class _Loopback:
    """A threaded server on 127.0.0.1 (ephemeral port), optionally behind TLS."""

    _server: _Server | None = None
    url = ""

    def _start(self, handler: type[BaseHTTPRequestHandler], tls: ssl.SSLContext | None) -> None:
        self._server = _Server(("127.0.0.1", 0), handler)
        if tls is not None:
            self._server.socket = tls.wrap_socket(
                self._server.socket, server_side=True, do_handshake_on_connect=False
            )
        host, port = self._server.server_address[:2]
        self.url = f"{'https' if tls else 'http'}://{host}:{port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


class Front(_Loopback):
    def __init__(
        self,
        upstream: str,
        *,
        tls: ssl.SSLContext | None = None,
        plan: FaultPlan | None = None,
        shape: Shaper = aws_shape,
    ) -> None:
        self.upstream = upstream.rstrip("/")
        self.tls = tls
        self.plan = plan or FaultPlan()
        self.shape = shape
        self.injected: Counter[str] = Counter()
        self.requests = 0
        self._attempts: Counter[bytes] = Counter()
        self._faults: Counter[bytes] = Counter()
        self._lock = threading.Lock()
        self._local = threading.local()

    def __enter__(self) -> Front:
        front = self

        class Handler(_Handler):
            def setup(self) -> None:
                if isinstance(self.request, ssl.SSLSocket):
                    self.request.do_handshake()  # in this thread, not the accepting one
                super().setup()

            def _any(self) -> None:
                front._handle(self)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _any  # noqa: N815

        self._start(Handler, self.tls)
        return self

    def _decide(self, facts: Facts) -> str | None:
        for predicate, kind in self.plan.rules:
            if predicate(facts):
                return kind
        key = b"%s %s\n%s" % (facts.method.encode(), facts.path.encode(), facts.body)
        with self._lock:
            attempt = self._attempts[key]
            self._attempts[key] += 1
            # A cap on the faults of each distinct request over the whole run (not only in a
            # row): two threads sending the same request at once must not share one streak.
            if self._faults[key] >= self.plan.max_faults:
                return None
            kind = self.plan.random_fault(key, attempt)
            if kind:
                self._faults[key] += 1
        return kind

    def _handle(self, req: BaseHTTPRequestHandler) -> None:
        length = int(req.headers.get("Content-Length") or 0)
        body = req.rfile.read(length) if length else b""
        facts = Facts(req.command, req.path, {k.lower(): v for k, v in req.headers.items()}, body)
        with self._lock:
            self.requests += 1
        kind = self._decide(facts)
        if kind is not None:
            with self._lock:
                self.injected[kind] += 1
        if kind == DROP:
            req.close_connection = True  # hang up without an answer
            return
        if kind is not None:
            status, headers, data = self.shape(kind, facts)
        else:
            status, headers, data = self._forward(facts)
        req.send_response(status)
        for name, value in headers.items():
            req.send_header(name, value)
        req.send_header("Content-Length", str(len(data)))
        req.end_headers()
        if req.command != "HEAD":
            req.wfile.write(data)

    def _forward(self, facts: Facts) -> Answer:
        parts = urlsplit(self.upstream)
        headers = {k: v for k, v in facts.headers.items() if k not in _HOP and k != "host"}
        headers["host"] = parts.netloc
        for fresh in (False, True):
            conn = getattr(self._local, "conn", None)
            if conn is None or fresh:
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
                self._local.conn = conn
            try:
                conn.request(facts.method, facts.path, body=facts.body or None, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                break
            except (OSError, http.client.HTTPException):
                conn.close()
                if fresh:
                    raise
        out = {k: v for k, v in resp.getheaders() if k.lower() not in _HOP}
        # Links the fake writes with its own address now point at the front.
        data = data.replace(self.upstream.encode(), self.url.encode())
        return resp.status, out, data


# -- a forward proxy ------------------------------------------------------------------------------


class ConnectProxy(_Loopback):
    """``HTTPS_PROXY=<url>``: tunnels CONNECT requests to loopback ports; counts the tunnels."""

    def __init__(self) -> None:
        self.tunnels: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __enter__(self) -> ConnectProxy:
        proxy = self

        class Handler(_Handler):
            def do_CONNECT(self) -> None:  # noqa: N802
                host, _, port = self.path.rpartition(":")
                if host.strip("[]") not in _LOOPBACK:
                    self.send_error(403, "only loopback targets")
                    return
                upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=30)
                with proxy._lock:
                    proxy.tunnels[self.path] += 1
                self.send_response(200, "Connection Established")
                self.end_headers()
                self.close_connection = True
                _pump(self.connection, upstream)

        self._start(Handler, None)
        return self

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self.tunnels.values())


def _pump(a: socket.socket, b: socket.socket) -> None:
    try:
        while True:
            readable, _, _ = select.select([a, b], [], [], 60)
            if not readable:
                return
            for src in readable:
                data = src.recv(65536)
                if not data:
                    return
                (b if src is a else a).sendall(data)
    except OSError:
        return
    finally:
        b.close()
