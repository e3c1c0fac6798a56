"""An in-process AWS emulation for `aiscan demo` and the benchmark.

`AwsEmulator` serves moto's WSGI application on 127.0.0.1 (ephemeral port) in a thread, behind a
middleware that

* answers *canned* operations moto lacks, keyed by ``"<service>:<Operation>"`` with the botocore
  service name (``"bedrock:ListGuardrails"``, ``"bedrock-agent:ListDataSources"``); the operation
  is recognised from ``X-Amz-Target`` (JSON protocol), the ``Action`` form field (query protocol)
  or method + path matched against botocore's ``http.requestUri`` (REST protocols), so keys are
  operation names, never paths;
* adds an optional per-request latency (benchmarks);
* counts requests, in total and per operation.

The scanner reaches it through ``AWS_ENDPOINT_URL`` (see `demo_environment`); it never needs to
know it is not talking to AWS. moto itself is imported only when the emulator starts.
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote

from aiscan.collectors.settings import AwsSettings

#: moto's default account: everything the emulator holds lives in it.
DEMO_ACCOUNT_ID = "123456789012"

_HOST = "127.0.0.1"  # never another interface: the emulator accepts any credentials

#: Variables that would let a demo scan leave the emulator or pick up real credentials; the CLI
#: removes them (and every ``AWS_ENDPOINT_URL_<SERVICE>``) before applying `demo_environment`.
DEMO_UNSET_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_CREDENTIAL_EXPIRATION",
)


def demo_environment(url: str) -> dict[str, str]:
    """Environment that points every boto3 client at the emulator with fake credentials.

    The config and credentials files are /dev/null and the metadata service is disabled, so no
    real credential chain is consulted.
    """
    return {
        "AWS_ENDPOINT_URL": url,
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "false",
        "AWS_ACCESS_KEY_ID": "demo",
        "AWS_SECRET_ACCESS_KEY": "demo",
        "AWS_SESSION_TOKEN": "demo",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    }


def demo_settings(url: str) -> AwsSettings:
    """The AWS collector's settings for a scan of the emulator: every client is pointed at it
    with fake credentials, and no profile, config file or endpoint variable of the environment
    is consulted (so no real credential chain runs and the process environment is left alone)."""
    from pydantic import SecretStr

    return AwsSettings(
        endpoint_url=url,
        s3control_endpoint=url,
        access_key_id=SecretStr("demo"),
        secret_access_key=SecretStr("demo"),
        session_token=SecretStr("demo"),
        region="us-east-1",
        isolated=True,
    )


def demo_unset(environ: Mapping[str, str]) -> list[str]:
    """The variables of `environ` to remove before applying `demo_environment`."""
    return sorted(
        k
        for k in environ
        if k in DEMO_UNSET_VARIABLES
        or (k.startswith("AWS_ENDPOINT_URL_") and k != "AWS_ENDPOINT_URL")
    )


# -- canned answers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CannedRequest:
    """What a canned answer may depend on."""

    service: str  # botocore service name, e.g. "bedrock-agent"
    operation: str  # e.g. "GetGuardrail"
    region: str
    method: str
    path: str
    query: Mapping[str, list[str]]
    #: URI labels from the operation's requestUri, decoded (e.g. {"guardrailIdentifier": "abc"})
    labels: Mapping[str, str]
    #: the JSON (or form) body, {} when there is none
    body: Mapping[str, Any]


class CannedError(Exception):
    """Raised by a canned answer to reply with an AWS error in the service's protocol."""

    def __init__(self, code: str, message: str = "", status: int = 400) -> None:
        super().__init__(message or code)
        self.code = code
        self.message = message or code
        self.status = status


def not_found(message: str) -> CannedError:
    return CannedError("ResourceNotFoundException", message, 404)


CannedBody = Mapping[str, Any]
Canned = CannedBody | Callable[[CannedRequest], CannedBody]
#: Rewrites moto's (successful, JSON) answer, for fields moto accepts but drops.
Amendment = Callable[[CannedRequest, dict[str, Any]], dict[str, Any]]


def by_label(label: str, table: Mapping[str, CannedBody]) -> Callable[[CannedRequest], CannedBody]:
    """A canned answer chosen by one URI label (e.g. GetGuardrail by ``guardrailIdentifier``);
    ARNs are matched by their last path segment too. Unknown values answer 404."""

    def answer(request: CannedRequest) -> CannedBody:
        value = request.labels.get(label, "")
        if value in table:
            return table[value]
        short = value.rsplit("/", 1)[-1]
        if short in table:
            return table[short]
        raise not_found(f"{label} {value} not found")

    return answer


# -- recognising operations -------------------------------------------------------------------


@dataclass
class _Route:
    operation: str
    method: str
    pattern: re.Pattern[str]
    labels: dict[str, str]  # regex group -> label name
    query_keys: tuple[str, ...]
    headers: tuple[str, ...]  # required input members sent as headers (tells PutObject/CopyObject)
    literal: int  # how specific the path template is (longer literal wins)


@dataclass
class _ServiceInfo:
    name: str
    protocol: str
    signing_name: str
    target_prefix: str | None
    json_version: str
    routes: list[_Route] = field(default_factory=list)
    model: Any = None


def _compile_routes(model: Any) -> list[_Route]:
    routes = []
    for op_name in model.operation_names:
        op_model = model.operation_model(op_name)
        http = op_model.http
        shape = op_model.input_shape
        headers = tuple(
            "HTTP_" + str(m.serialization.get("name", n)).upper().replace("-", "_")
            for n, m in (shape.members.items() if shape is not None else ())
            if n in shape.required_members and m.serialization.get("location") == "header"
        )
        uri = str(http.get("requestUri", "/"))
        path_part, _, query_part = uri.partition("?")
        labels: dict[str, str] = {}
        regex = ""
        literal = 0
        for i, piece in enumerate(re.split(r"(\{[^}]+\})", path_part)):
            if piece.startswith("{") and piece.endswith("}"):
                name = piece[1:-1]
                group = f"g{i}"
                greedy = name.endswith("+")
                labels[group] = name.rstrip("+")
                regex += f"(?P<{group}>.+)" if greedy else f"(?P<{group}>[^/]+)"
            else:
                regex += re.escape(piece)
                literal += len(piece)
        if regex.endswith("/") and len(regex) > 1:
            regex = regex[:-1] + "/?"  # SDKs are not consistent about a trailing slash
        keys = tuple(q.split("=", 1)[0] for q in query_part.split("&") if q)
        routes.append(
            _Route(
                operation=op_name,
                method=str(http.get("method", "POST")).upper(),
                pattern=re.compile(f"^{regex}$"),
                labels=labels,
                query_keys=keys,
                headers=headers,
                literal=literal + len(keys) + len(headers),
            )
        )
    return routes


class _Models:
    """botocore service models, loaded lazily and only for services that are asked about."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._info: dict[str, _ServiceInfo | None] = {}
        self._session: Any = None

    def get(self, name: str) -> _ServiceInfo | None:
        with self._lock:
            if name in self._info:
                return self._info[name]
            if self._session is None:
                import botocore.session

                self._session = botocore.session.get_session()
            try:
                model = self._session.get_service_model(name)
            except Exception:
                info = None
            else:
                info = _ServiceInfo(
                    name=name,
                    protocol=str(model.protocol),
                    signing_name=str(model.signing_name),
                    target_prefix=model.metadata.get("targetPrefix"),
                    json_version=str(model.metadata.get("jsonVersion", "1.0")),
                    model=model,
                )
                if info.protocol in ("rest-json", "rest-xml"):
                    info.routes = _compile_routes(model)
            self._info[name] = info
            return info


@dataclass(frozen=True)
class _Recognised:
    service: str
    operation: str
    labels: Mapping[str, str]


def _match_rest(
    candidates: Iterable[_ServiceInfo],
    method: str,
    raw_path: str,
    query: Mapping[str, Any],
    environ: Mapping[str, Any],
) -> _Recognised | None:
    best: tuple[int, _Recognised] | None = None
    for info in candidates:
        for route in info.routes:
            if route.method != method or any(k not in query for k in route.query_keys):
                continue
            if any(h not in environ for h in route.headers):
                continue
            m = route.pattern.match(raw_path)
            if m is None:
                continue
            if best is None or route.literal > best[0]:
                labels = {route.labels[g]: unquote(v) for g, v in m.groupdict().items()}
                best = (route.literal, _Recognised(info.name, route.operation, labels))
    return best[1] if best else None


# -- the middleware ---------------------------------------------------------------------------

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

#: Services signed with another service's name (REST operations are matched across them).
_FAMILY = {"bedrock": ("bedrock-agent",), "bedrock-agentcore": ("bedrock-agentcore-control",)}

_SCOPE = re.compile(r"Credential=[^/]+/[^/]+/([^/]+)/([^/]+)/")


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


class _Middleware:
    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self.models = _Models()
        self.latency_s = 0.0
        self.canned: dict[str, Canned] = {}
        self.amendments: dict[str, list[Amendment]] = {}
        self.counts: Counter[str] = Counter()
        self.total = 0
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/moto-api"):
            return self.app(environ, start_response)
        if self.latency_s > 0:
            time.sleep(self.latency_s)
        signing, region = self._scope(environ)
        body = self._body(environ)
        recognised = self._recognise(environ, signing, body)
        key = f"{recognised.service}:{recognised.operation}" if recognised else f"{signing}:?"
        with self.lock:
            self.total += 1
            self.counts[key] += 1
        if recognised is None:
            return self.app(environ, start_response)
        answer = self.canned.get(key)
        if answer is not None:
            request = self._request(recognised, environ, region, body)
            return self._answer(request, answer, start_response)
        amendments = self.amendments.get(key)
        if amendments:
            request = self._request(recognised, environ, region, body)
            return self._amend(request, amendments, environ, start_response)
        return self.app(environ, start_response)

    # -- request facts -----------------------------------------------------------------------

    @staticmethod
    def _scope(environ: Mapping[str, Any]) -> tuple[str, str]:
        m = _SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
        return (m.group(2).lower(), m.group(1)) if m else ("", "")

    @staticmethod
    def _body(environ: dict[str, Any]) -> bytes:
        # Read once and put back, so moto sees the same bytes.
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= 0:
            return b""
        data: bytes = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(data)
        return data

    def _candidates(self, signing: str) -> list[_ServiceInfo]:
        names = {signing, *_FAMILY.get(signing, ())}
        names |= {k.split(":", 1)[0] for k in [*self.canned, *self.amendments]}
        found = []
        for name in sorted(names):
            info = self.models.get(name) if name else None
            if info is not None and info.signing_name == signing:
                found.append(info)
        return found

    def _recognise(
        self, environ: Mapping[str, Any], signing: str, body: bytes
    ) -> _Recognised | None:
        if not signing:
            return None
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        candidates = self._candidates(signing)
        if target:
            prefix, _, op = target.rpartition(".")
            for info in candidates:
                if info.target_prefix == prefix:
                    return _Recognised(info.name, op, {})
            return _Recognised(signing, op, {})
        ctype = environ.get("CONTENT_TYPE", "")
        if ctype.startswith("application/x-www-form-urlencoded"):
            action = parse_qs(body.decode("utf-8", "replace")).get("Action")
            if action:
                return _Recognised(signing, action[0], {})
        raw = str(environ.get("RAW_URI") or environ.get("REQUEST_URI") or "")
        raw_path, _, raw_query = raw.partition("?")
        if not raw_path:
            raw_path = environ.get("PATH_INFO", "/")
            raw_query = environ.get("QUERY_STRING", "")
        query = parse_qs(raw_query, keep_blank_values=True)
        rest = [c for c in candidates if c.routes]
        method = environ.get("REQUEST_METHOD", "GET").upper()
        return _match_rest(rest, method, raw_path, query, environ)

    # -- canned replies ----------------------------------------------------------------------

    @staticmethod
    def _request(
        recognised: _Recognised, environ: Mapping[str, Any], region: str, body: bytes
    ) -> CannedRequest:
        raw = str(environ.get("RAW_URI") or environ.get("PATH_INFO") or "/")
        path, _, query_string = raw.partition("?")
        return CannedRequest(
            service=recognised.service,
            operation=recognised.operation,
            region=region,
            method=environ.get("REQUEST_METHOD", "GET").upper(),
            path=unquote(path),
            query=parse_qs(query_string, keep_blank_values=True),
            labels=recognised.labels,
            body=_parse_body(body),
        )

    def _amend(
        self,
        request: CannedRequest,
        amendments: list[Amendment],
        environ: dict[str, Any],
        start_response: StartResponse,
    ) -> Iterable[bytes]:
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        result = self.app(environ, capture)
        try:
            data = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = str(captured["status"]), list(captured["headers"])
        if status.startswith("200"):
            try:
                payload = json.loads(data) if data else {}
            except ValueError:
                payload = None
            if isinstance(payload, dict):
                for amend in amendments:
                    payload = amend(request, payload)
                data = json.dumps(payload, default=_json_default).encode()
                headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
                headers.append(("Content-Length", str(len(data))))
        start_response(status, headers)
        return [data]

    def _answer(
        self, request: CannedRequest, answer: Canned, start_response: StartResponse
    ) -> Iterable[bytes]:
        info = self.models.get(request.service)
        protocol = info.protocol if info else "json"
        try:
            payload = dict(answer(request) if callable(answer) else answer)
        except CannedError as err:
            return _error(protocol, info, err, start_response)
        status = 200
        headers = [("x-amzn-RequestId", "canned")]
        if protocol == "query" and info is not None:
            data = _query_answer(info, request.operation, payload)
            headers.append(("Content-Type", "text/xml"))
            headers.append(("Content-Length", str(len(data))))
            start_response("200 OK", headers)
            return [data]
        if protocol.startswith("rest") and info is not None:
            status = _rest_status(info, request.operation)
            payload, extra = _split_headers(info, request.operation, payload)
            headers.extend(extra)
            headers.append(("Content-Type", "application/json"))
        else:
            version = info.json_version if info else "1.1"
            headers.append(("Content-Type", f"application/x-amz-json-{version}"))
        data = json.dumps(payload, default=_json_default).encode()
        headers.append(("Content-Length", str(len(data))))
        start_response(f"{status} OK", headers)
        return [data]


def _parse_body(body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    try:
        parsed = json.loads(body)
    except ValueError:
        return {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
    return parsed if isinstance(parsed, dict) else {}


def _rest_status(info: _ServiceInfo, operation: str) -> int:
    return int(info.model.operation_model(operation).http.get("responseCode", 200))


def _split_headers(
    info: _ServiceInfo, operation: str, payload: dict[str, Any]
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Move output members the model carries in HTTP headers out of the JSON body."""
    shape = info.model.operation_model(operation).output_shape
    headers: list[tuple[str, str]] = []
    if shape is None:
        return payload, headers
    for name, member in shape.members.items():
        if member.serialization.get("location") == "header" and name in payload:
            value = payload.pop(name)
            text = value.isoformat() if isinstance(value, datetime | date) else str(value)
            headers.append((str(member.serialization.get("name", name)), text))
    return payload, headers


def _xml(shape: Any, value: Any, name: str) -> str:
    """`value` as the query protocol's XML element `name` of botocore shape `shape`."""
    from xml.sax.saxutils import escape

    kind = shape.type_name
    if kind == "structure":
        body = "".join(
            _xml(shape.members[k], v, str(shape.members[k].serialization.get("name", k)))
            for k, v in value.items()
            if k in shape.members and v is not None
        )
    elif kind == "list":
        item = str(shape.member.serialization.get("name", "member"))
        body = "".join(_xml(shape.member, v, item) for v in value)
    elif kind == "boolean":
        body = "true" if value else "false"
    else:
        body = escape(str(value))
    return f"<{name}>{body}</{name}>"


def _query_answer(info: _ServiceInfo, operation: str, payload: Mapping[str, Any]) -> bytes:
    """A canned answer in the query protocol (XML, inside <OpResponse><OpResult>)."""
    op = info.model.operation_model(operation)
    namespace = info.model.metadata.get("xmlNamespace", "")
    result = ""
    if op.output_shape is not None:
        wrapper = op.output_shape.serialization.get("resultWrapper", f"{operation}Result")
        result = _xml(op.output_shape, dict(payload), str(wrapper))
    return (
        f'<{operation}Response xmlns="{namespace}">{result}'
        f"<ResponseMetadata><RequestId>canned</RequestId></ResponseMetadata>"
        f"</{operation}Response>"
    ).encode()


def _error(
    protocol: str, info: _ServiceInfo | None, err: CannedError, start_response: StartResponse
) -> Iterable[bytes]:
    from xml.sax.saxutils import escape

    if protocol == "query":
        data = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{escape(err.code)}</Code>"
            f"<Message>{escape(err.message)}</Message></Error>"
            f"<RequestId>canned</RequestId></ErrorResponse>"
        ).encode()
        headers = [("Content-Type", "text/xml")]
    elif protocol.startswith("rest"):
        data = json.dumps({"message": err.message}).encode()
        headers = [("Content-Type", "application/json"), ("x-amzn-ErrorType", err.code)]
    else:
        version = info.json_version if info else "1.1"
        data = json.dumps({"__type": err.code, "message": err.message}).encode()
        headers = [("Content-Type", f"application/x-amz-json-{version}")]
    headers.append(("Content-Length", str(len(data))))
    start_response(f"{err.status} Error", headers)
    return [data]


# -- the emulator -----------------------------------------------------------------------------

_RUNNING: dict[str, AwsEmulator] = {}


def running(url: str) -> AwsEmulator | None:
    """The started emulator of this process that serves `url`, if any."""
    return _RUNNING.get(url.rstrip("/"))


class AwsEmulator:
    """moto on 127.0.0.1 behind the gap-filling, latency and counting middleware.

    >>> with AwsEmulator() as emu:
    ...     emu.canned["bedrock:ListGuardrails"] = {"guardrails": []}
    ...     boto3.client("bedrock", endpoint_url=emu.url).list_guardrails()
    """

    def __init__(self, *, latency_ms: float = 0.0) -> None:
        self._latency_s = latency_ms / 1000.0
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._middleware: _Middleware | None = None
        self._env_before: bool | None = None
        self.url = ""

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> AwsEmulator:
        if self._server is not None:
            return self
        # moto reads this when it builds an IAM backend, so AWS-managed policies
        # (AdministratorAccess, AmazonSageMakerFullAccess, ...) exist and can be attached.
        from moto.core.config import default_user_config

        iam = default_user_config.setdefault("iam", {})
        self._env_before = iam.get("load_aws_managed_policies")
        iam["load_aws_managed_policies"] = True  # moto's own setting, not the environment
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        class QuietHandler(MotoRequestHandler):
            def log_request(self, *args: Any, **kwargs: Any) -> None:
                pass  # one line per request would drown the demo's output

        self._middleware = _Middleware(DomainDispatcherApplication(create_backend_app))
        self._middleware.latency_s = self._latency_s
        self._server = make_server(
            _HOST, 0, self._middleware, threaded=True, request_handler=QuietHandler
        )
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="aiscan-aws-emulator", daemon=True
        )
        self._thread.start()
        # moto's state is process-wide: start from nothing, with managed policies loaded.
        self._reset_moto()
        _RUNNING[self.url] = self
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        _RUNNING.pop(self.url, None)
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = None
        self._thread = None
        from moto.core.config import default_user_config

        iam = default_user_config.setdefault("iam", {})
        if self._env_before is None:
            iam.pop("load_aws_managed_policies", None)
        else:
            iam["load_aws_managed_policies"] = self._env_before

    def __enter__(self) -> AwsEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- controls ----------------------------------------------------------------------------

    @property
    def _mw(self) -> _Middleware:
        if self._middleware is None:
            raise RuntimeError("the emulator is not started")
        return self._middleware

    @property
    def canned(self) -> dict[str, Canned]:
        """``"<service>:<Operation>"`` -> a response body, or a callable returning one."""
        return self._mw.canned

    def add_canned(self, key: str, answer: Canned) -> None:
        """Answer ``"<service>:<Operation>"`` with `answer` instead of moto."""
        self._check_key(key)
        self._mw.canned[key] = answer

    def add_amendment(self, key: str, amend: Amendment) -> None:
        """Pass ``"<service>:<Operation>"`` to moto, then let `amend` rewrite its JSON answer
        (for inputs moto accepts but drops, e.g. a notebook's IMDS setting)."""
        self._check_key(key)
        self._mw.amendments.setdefault(key, []).append(amend)

    def _check_key(self, key: str) -> None:
        service, sep, operation = key.partition(":")
        if not sep or not operation:
            raise ValueError(f"canned key must be '<service>:<Operation>', not {key!r}")
        info = self._mw.models.get(service)
        if info is None:
            raise ValueError(f"unknown service {service!r} in canned key {key!r}")
        if operation not in info.model.operation_names:
            raise ValueError(f"{service} has no operation {operation!r}")
        if info.protocol not in ("json", "rest-json", "query"):
            raise ValueError(
                f"canned answers support JSON and query protocols only, not {info.protocol}"
            )

    @property
    def latency_ms(self) -> float:
        return self._mw.latency_s * 1000.0

    @latency_ms.setter
    def latency_ms(self, value: float) -> None:
        self._latency_s = value / 1000.0
        self._mw.latency_s = self._latency_s

    @property
    def request_count(self) -> int:
        """Requests served since start or the last reset (moto-api calls not included)."""
        return self._mw.total

    @property
    def operation_counts(self) -> dict[str, int]:
        """Requests per ``"<service>:<Operation>"`` (``"<signing-name>:?"`` if unrecognised)."""
        with self._mw.lock:
            return dict(self._mw.counts)

    def reset_counts(self) -> None:
        with self._mw.lock:
            self._mw.total = 0
            self._mw.counts.clear()

    def reset(self) -> None:
        """Wipe moto's state (POST /moto-api/reset), the canned answers and the counters."""
        self._reset_moto()
        self._mw.canned.clear()
        self._mw.amendments.clear()
        self.reset_counts()

    def _reset_moto(self) -> None:
        request = urllib.request.Request(f"{self.url}/moto-api/reset", data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
