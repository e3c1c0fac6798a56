"""A local fake of Azure Resource Manager and Resource Graph, answering from an estate file.

`FakeArm` serves, on 127.0.0.1 and an ephemeral port, the JSON shapes the real ARM returns:

* ``GET /subscriptions`` and every resource id of the estate (``resources`` in the file);
* collections: ``/subscriptions/{s}/providers/{ns}/{type}`` (top-level resources of a type),
  any child collection (``{account}/deployments``, ``{ws}/onlineEndpoints/{e}/deployments``,
  ``{id}/providers/Microsoft.Insights/diagnosticSettings`` ...), paged with absolute
  ``nextLink`` URLs (``page_size`` items a page);
* ``/subscriptions/{s}/resourcegroups``, ``.../providers/Microsoft.Compute/skus`` (``skus`` in the
  file, filtered by location), role definitions (``role_definitions``, rendered per
  subscription) and role assignments (every assignment below the subscription);
* ``POST /providers/Microsoft.ResourceGraph/resources``: the ``type in~ (...)`` filter of the
  query over the requested subscriptions, rows paged with ``$skipToken``;
* a subscription listed in ``denied_subscriptions`` is visible but every read under it answers
  403 AuthorizationFailed (Resource Graph silently leaves it out, as the real one does);
* faults on demand (`inject`): e.g. 429 with ``Retry-After`` for the first N requests to a path.

Blob storage, path-style as Azurite serves it (`put_blob`, for --deep): ``GET``/``HEAD
/ACCOUNT/CONTAINER/BLOB`` answers the blob's bytes / properties (``x-ms-blob-type``,
``Content-Length``, ``ETag``), ``GET /ACCOUNT/CONTAINER?restype=container&comp=list&prefix=``
the ``EnumerationResults`` XML (paged with ``NextMarker``), errors carry ``x-ms-error-code``;
`deny_blobs(account)` answers 403 ``AuthorizationPermissionMismatch``.

Requests must carry ``Authorization: Bearer <token>``. Every request is recorded (`requests`),
so tests can prove nothing but reads arrived. `running_azure_demo()` starts it with the bundled
example estate and yields the environment a scan needs.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit
from xml.sax.saxutils import escape

from pydantic import SecretStr

from aiscan.collectors.settings import AzureSettings

_HOST = "127.0.0.1"  # never another interface: the fake accepts one static token


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a scan opens many connections at once; the default backlog is 5


DEMO_TOKEN = "aiscan-demo-token"


@dataclass
class Fault:
    substring: str
    status: int
    times: int | None  # None: every time
    retry_after: str | None
    method: str | None = None


def load_estate(name: str = "azure.json") -> dict[str, Any]:
    text = resources.files("aiscan.demo").joinpath("estate", name).read_text(encoding="utf-8")
    estate: dict[str, Any] = json.loads(text)
    return estate


def _sub_of(rid: str) -> str:
    parts = rid.strip("/").split("/")
    return parts[1].lower() if len(parts) > 1 and parts[0].lower() == "subscriptions" else ""


def _rg_of(rid: str) -> str:
    parts = rid.strip("/").split("/")
    return parts[3] if len(parts) > 3 and parts[2].lower() == "resourcegroups" else ""


def _type_of(resource: Mapping[str, Any]) -> str:
    return str(resource.get("type", "")).lower()


class FakeArm:
    def __init__(
        self,
        estate: Mapping[str, Any],
        *,
        token: str = DEMO_TOKEN,
        page_size: int = 50,
        graph_page_size: int = 1000,
    ) -> None:
        self.estate = estate
        self.token = token
        self.page_size = page_size
        self.graph_page_size = graph_page_size
        self.requests: list[tuple[str, str]] = []
        self.faults: list[Fault] = []
        #: (account, container, blob name) -> contents, served path-style
        self.blobs: dict[tuple[str, str, str], bytes] = {}
        self.denied_blobs: set[str] = set()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._index()

    def _index(self) -> None:
        self.resources: dict[str, dict[str, Any]] = {}
        self.children: dict[str, list[dict[str, Any]]] = {}
        # "_why" and other "_" keys are comments of the estate file, not part of ARM's answers.
        self._all = [
            {k: v for k, v in res.items() if not k.startswith("_")}
            for res in self.estate.get("resources", [])
        ]
        for res in self._all:
            rid = str(res["id"]).lower()
            self.resources[rid] = res
            self.children.setdefault(rid.rsplit("/", 1)[0], []).append(res)
        self.denied = {s.lower() for s in self.estate.get("denied_subscriptions", [])}

    # -- lifecycle ------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "not started"
        return f"http://{_HOST}:{self._server.server_address[1]}"

    def start(self) -> FakeArm:
        handler = type("Handler", (_Handler,), {"arm": self})
        self._server = _Server((_HOST, 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeArm:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def environment(self) -> dict[str, str]:
        """The variables a scan of this fake is configured with (`aiscan scan` reads them)."""
        return {"AISCAN_AZURE_ENDPOINT": self.url, "AISCAN_AZURE_TOKEN": self.token}

    def settings(self) -> AzureSettings:
        """The Azure collector's settings for a scan of this fake (what the demo hands over)."""
        return AzureSettings(endpoint=self.url, token=SecretStr(self.token))

    def inject(
        self,
        substring: str,
        status: int,
        *,
        times: int | None = None,
        retry_after: str | None = None,
        method: str | None = None,
    ) -> None:
        """Answer `status` to requests whose path contains `substring` (case-insensitive)."""
        with self._lock:
            self.faults.append(Fault(substring.lower(), status, times, retry_after, method))

    def put_blob(self, account: str, container: str, name: str, data: bytes) -> None:
        with self._lock:
            self.blobs[(account.lower(), container.lower(), name)] = data

    def deny_blobs(self, account: str) -> None:
        self.denied_blobs.add(account.lower())

    def blob_account(self, path: str) -> str | None:
        first = path.strip("/").split("/", 1)[0].lower()
        with self._lock:
            return first if any(a == first for a, _, _ in self.blobs) else None

    def answer_blob(
        self, method: str, path: str, query: Mapping[str, list[str]]
    ) -> tuple[int, bytes, dict[str, str]]:
        """Get Blob / Get Blob Properties / List Blobs, the Blob service's REST shapes."""
        parts = path.strip("/").split("/", 2)
        account, container = parts[0].lower(), (parts[1].lower() if len(parts) > 1 else "")
        if account in self.denied_blobs:
            return _blob_error(
                403,
                "AuthorizationPermissionMismatch",
                "This request is not authorized to perform this operation using this permission.",
            )
        if method not in ("GET", "HEAD"):
            return _blob_error(405, "UnsupportedHttpVerb", "The resource doesn't support it.")
        with self._lock:
            blobs = {n: d for (a, c, n), d in self.blobs.items() if (a, c) == (account, container)}
        if len(parts) < 3:
            if query.get("comp") != ["list"]:
                return _blob_error(400, "InvalidQueryParameterValue", "comp must be list")
            prefix = (query.get("prefix") or [""])[0]
            names = sorted(n for n in blobs if n.startswith(prefix))
            start = int((query.get("marker") or ["0"])[0] or 0)
            chunk = names[start : start + self.page_size]
            items = "".join(
                f"<Blob><Name>{escape(n)}</Name><Properties>"
                f"<Content-Length>{len(blobs[n])}</Content-Length>"
                "<Content-Type>application/octet-stream</Content-Type>"
                "<BlobType>BlockBlob</BlobType></Properties></Blob>"
                for n in chunk
            )
            more = start + self.page_size < len(names)
            marker = (
                f"<NextMarker>{start + self.page_size}</NextMarker>" if more else "<NextMarker />"
            )
            xml = (
                '<?xml version="1.0" encoding="utf-8"?>'
                f'<EnumerationResults ServiceEndpoint="{self.url}/{account}" '
                f'ContainerName="{escape(container)}"><Prefix>{escape(prefix)}</Prefix>'
                f"<Blobs>{items}</Blobs>{marker}</EnumerationResults>"
            )
            return 200, xml.encode(), {"Content-Type": "application/xml"}
        name = unquote(parts[2])
        if name not in blobs:
            return _blob_error(404, "BlobNotFound", "The specified blob does not exist.")
        data = blobs[name]
        headers = {
            "Content-Type": "application/octet-stream",
            "ETag": f'"0x{hashlib.sha256(data).hexdigest()[:16].upper()}"',
            "Last-Modified": "Sun, 01 Mar 2026 10:00:00 GMT",
            "x-ms-blob-type": "BlockBlob",
            "Content-MD5": base64.b64encode(hashlib.md5(data).digest()).decode(),  # noqa: S324
        }
        return 200, data, headers

    def count(self, substring: str, method: str | None = None) -> int:
        with self._lock:
            return sum(
                1
                for m, p in self.requests
                if substring.lower() in p.lower() and (method is None or m == method)
            )

    # -- answers --------------------------------------------------------------------------------

    def fault_for(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.substring in path.lower() and fault.method in (None, method):
                    if fault.times is None:
                        return fault
                    if fault.times > 0:
                        fault.times -= 1
                        return fault
        return None

    def answer_get(self, path: str, query: Mapping[str, list[str]]) -> tuple[int, Any]:
        p = path.rstrip("/").lower()
        sub = _sub_of(p)
        if sub and sub in self.denied:
            return 403, _error(
                "AuthorizationFailed",
                f"The client does not have authorization to perform action over scope "
                f"'/subscriptions/{sub}' or the scope is invalid.",
            )
        if p == "/subscriptions":
            return 200, {"value": self._subscriptions()}
        parts = p.strip("/").split("/")
        if sub and len(parts) == 3 and parts[2] == "resourcegroups":
            return 200, {"value": self._resource_groups(sub)}
        if sub and p.endswith("/providers/microsoft.compute/skus"):
            return 200, {"value": self._skus(query)}
        if sub and p.endswith("/providers/microsoft.authorization/roledefinitions"):
            return 200, {"value": self._role_definitions(sub)}
        if sub and p == f"/subscriptions/{sub}/providers/microsoft.authorization/roleassignments":
            items = [
                r
                for r in self._all
                if _type_of(r) == "microsoft.authorization/roleassignments"
                and str(r["id"]).lower().startswith(f"/subscriptions/{sub}/")
            ]
            return 200, {"value": items}
        if sub and len(parts) == 5 and parts[2] == "providers":
            rtype = f"{parts[3]}/{parts[4]}"
            items = [r for r in self._all if _type_of(r) == rtype and _sub_of(str(r["id"])) == sub]
            return 200, {"value": items}
        if p in self.resources:
            return 200, self.resources[p]
        if p in self.children:
            return 200, {"value": self.children[p]}
        base = re.sub(r"/providers/[^/]+/[^/]+$", "", p)
        parent = p.rsplit("/", 1)[0]
        if base in self.resources or parent in self.resources:
            return 200, {"value": []}  # a child collection of an existing resource, empty
        return 404, _error("ResourceNotFound", f"The resource '{path}' was not found.")

    def _subscriptions(self) -> list[dict[str, Any]]:
        tenant = self.estate.get("tenant", "")
        return [
            {
                "id": f"/subscriptions/{s['subscriptionId']}",
                "subscriptionId": s["subscriptionId"],
                "tenantId": tenant,
                "displayName": s.get("displayName", s["subscriptionId"]),
                "state": s.get("state", "Enabled"),
                "subscriptionPolicies": {"spendingLimit": "Off", "quotaId": "EnterpriseAgreement"},
                "authorizationSource": "RoleBased",
            }
            for s in self.estate.get("subscriptions", [])
        ]

    def _resource_groups(self, sub: str) -> list[dict[str, Any]]:
        groups: dict[str, dict[str, Any]] = {}
        for res in self._all:
            rid = str(res["id"])
            rg = _rg_of(rid)
            if _sub_of(rid) == sub and rg and rg.lower() not in groups:
                groups[rg.lower()] = {
                    "id": f"/subscriptions/{sub}/resourceGroups/{rg}",
                    "name": rg,
                    "type": "Microsoft.Resources/resourceGroups",
                    "location": res.get("location", "eastus"),
                    "properties": {"provisioningState": "Succeeded"},
                }
        return list(groups.values())

    def _skus(self, query: Mapping[str, list[str]]) -> list[dict[str, Any]]:
        flt = (query.get("$filter") or [""])[0]
        m = re.search(r"location eq '([^']+)'", flt)
        loc = m.group(1).lower() if m else None
        return [
            s
            for s in self.estate.get("skus", [])
            if loc is None or loc in [str(x).lower() for x in s.get("locations", [])]
        ]

    def _role_definitions(self, sub: str) -> list[dict[str, Any]]:
        return [
            {
                **d,
                "id": f"/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/"
                f"{d['name']}",
                "type": "Microsoft.Authorization/roleDefinitions",
            }
            for d in self.estate.get("role_definitions", [])
        ]

    def answer_graph(self, body: Mapping[str, Any]) -> tuple[int, Any]:
        query = str(body.get("query", ""))
        m = re.search(r"type\s+in~\s*\(([^)]*)\)", query)
        if not m:
            return 400, _error("InvalidQuery", "the fake understands only 'type in~ (...)'")
        types = {t.strip().strip("'\"").lower() for t in m.group(1).split(",")}
        subs = {str(s).lower() for s in body.get("subscriptions") or []}
        rows = []
        for res in self._all:
            rid = str(res["id"])
            sub = _sub_of(rid)
            if _type_of(res) in types and sub in subs and sub not in self.denied:
                rows.append(
                    {
                        "id": rid,
                        "name": res.get("name"),
                        "type": _type_of(res),
                        "kind": res.get("kind", ""),
                        "location": res.get("location", ""),
                        "resourceGroup": _rg_of(rid).lower(),
                        "subscriptionId": sub,
                        "tags": res.get("tags"),
                        "sku": res.get("sku"),
                        "identity": res.get("identity"),
                        "properties": res.get("properties", {}),
                    }
                )
        options = body.get("options") or {}
        size = min(int(options.get("$top") or 1000), self.graph_page_size)
        start = _decode(options.get("$skipToken"))
        page = rows[start : start + size]
        out: dict[str, Any] = {
            "totalRecords": len(rows),
            "count": len(page),
            "resultTruncated": "false",
            "facets": [],
            "data": page,
        }
        if start + size < len(rows):
            out["$skipToken"] = _encode(start + size)
        return 200, out


def _encode(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode()


def _decode(token: Any) -> int:
    if not isinstance(token, str) or not token:
        return 0
    try:
        return int(json.loads(base64.urlsafe_b64decode(token.encode()))["o"])
    except (ValueError, KeyError, TypeError):
        return 0


def _blob_error(status: int, code: str, message: str) -> tuple[int, bytes, dict[str, str]]:
    xml = (
        f'<?xml version="1.0" encoding="utf-8"?><Error><Code>{code}</Code>'
        f"<Message>{escape(message)}\nRequestId:fake</Message></Error>"
    )
    return status, xml.encode(), {"Content-Type": "application/xml", "x-ms-error-code": code}


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


class _Handler(BaseHTTPRequestHandler):
    arm: FakeArm
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # Nagle + delayed ACK adds ~40 ms to every keep-alive answer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-ms-request-id", "fake")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _handle(self, method: str) -> None:
        arm = self.arm
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        with arm._lock:
            arm.requests.append((method, parts.path))
        if self.headers.get("Authorization") != f"Bearer {arm.token}":
            self._send(401, _error("InvalidAuthenticationToken", "The access token is invalid."))
            return
        fault = arm.fault_for(method, parts.path)
        if fault is not None:
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            code = "TooManyRequests" if fault.status == 429 else "InjectedFault"
            self._send(fault.status, _error(code, "injected by the test"), headers)
            return
        query = parse_qs(parts.query)
        if arm.blob_account(parts.path):
            status, data, headers = arm.answer_blob(method, parts.path, query)
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-ms-request-id", "fake")
            self.send_header("x-ms-version", "2023-11-03")
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(data)
            return
        if method == "GET":
            status, body = arm.answer_get(parts.path, query)
            if status == 200 and isinstance(body, dict) and "value" in body:
                body = self._page(parts.path, query, body["value"])
            self._send(status, body)
        elif (
            method == "POST"
            and parts.path.lower() == "/providers/microsoft.resourcegraph/resources"
        ):
            try:
                payload = json.loads(raw or b"{}")
            except ValueError:
                self._send(400, _error("InvalidRequest", "body is not JSON"))
                return
            self._send(*arm.answer_graph(payload))
        else:
            self._send(405, _error("MethodNotAllowed", f"{method} is not served by the fake"))

    def _page(self, path: str, query: Mapping[str, list[str]], items: list[Any]) -> Any:
        start = int((query.get("$skiptoken") or ["0"])[0] or 0)
        size = self.arm.page_size
        out: dict[str, Any] = {"value": items[start : start + size]}
        if start + size < len(items):
            params = {k: v[0] for k, v in query.items() if k != "$skiptoken"}
            params["$skiptoken"] = str(start + size)
            out["nextLink"] = f"{self.arm.url}{path}?{urlencode(params)}"
        return out

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_DELETE(self) -> None:
        self._handle("DELETE")


@contextlib.contextmanager
def running_azure_demo(**options: Any) -> Iterator[dict[str, str]]:
    """Start the fake ARM with the bundled example estate; yield the environment of a scan."""
    with FakeArm(load_estate(), **options) as arm:
        yield arm.environment()
