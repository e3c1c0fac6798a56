"""A fake of Google's REST APIs for `aiscan demo`, the benchmark and the tests.

`GcpFake` serves an *estate* (JSON: the real REST shapes, keyed by request path) on 127.0.0.1 at
an ephemeral port, the way Google's APIs answer through one Private Service Connect / restricted
VIP base URL (``AISCAN_GCP_ENDPOINT``):

* ``lists``: ``{path: {"key": "endpoints", "items": [...]}}`` (``path?project=P`` /
  ``path?parent=X`` for lists that select by query) answered page by page through
  ``pageSize`` / ``pageToken`` / ``nextPageToken`` (``"aggregated_by": "zone"`` answers Compute
  Engine's aggregated shape ``{"items": {"zones/Z": {key: [...]}}}``);
* ``objects``: ``{path: {...}}`` for single resources and read-only POSTs (``:getIamPolicy``);
* ``disabled``: ``{path: "service.googleapis.com"}`` answers 403 ``SERVICE_DISABLED``;
* any other GET of a known collection answers an empty list, anything else 404; an unknown
  ``:getIamPolicy`` answers an empty policy, an unknown ``:getEffectivePolicy`` the default;
  every other method answers 405 and is counted in `writes`.

Cloud Storage objects (`put_object`, for --deep): ``GET /storage/v1/b/B/o?prefix=`` lists them
(``storage#objects`` pages), ``GET /storage/v1/b/B/o/NAME`` answers the ``storage#object``
resource and ``?alt=media`` its bytes; `deny_objects(bucket)` answers 403 to those reads.

Faults for tests: `deny_project` (403 ``PERMISSION_DENIED`` on every path of that project),
`fault(path, 503, 429 ...)` (answered in order before the real answer), a bearer token that must
match. Only the standard library is used; nothing here imports aiscan's collectors.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import re
import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from pydantic import SecretStr

from aiscan.collectors.settings import GcpSettings

_HOST = "127.0.0.1"  # never another interface: the fake accepts one shared demo token
DEMO_TOKEN = "aiscan-demo-token"

#: Collection names whose unknown paths answer an empty list (as Google does: ``{}``).
COLLECTIONS = frozenset(
    {
        "locations",
        "models",
        "endpoints",
        "customJobs",
        "trainingPipelines",
        "pipelineJobs",
        "datasets",
        "featureOnlineStores",
        "featurestores",
        "indexes",
        "indexEndpoints",
        "tuningJobs",
        "notebookRuntimeTemplates",
        "notebookRuntimes",
        "instances",
        "clusters",
        "firewalls",
        "keys",
        "b",
        "accessPolicies",
        "servicePerimeters",
        "folders",
        "projects",
        "serviceAccounts",
        "repositories",
        "listVersions",
        "searchAllResources",
        "search",
    }
)


def load_estate(name: str = "gcp.json") -> dict[str, Any]:
    text = resources.files("aiscan.demo").joinpath("estate", name).read_text(encoding="utf-8")
    data = json.loads(text)
    assert isinstance(data, dict)
    return data


def _error(status: int, code: str, message: str, reason: str, **metadata: str) -> dict[str, Any]:
    return {
        "error": {
            "code": status,
            "message": message,
            "status": code,
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": reason,
                    "domain": "googleapis.com",
                    "metadata": metadata,
                }
            ],
        }
    }


class _Server(ThreadingHTTPServer):
    # socketserver's default backlog of 5 overflows when a scan opens dozens of connections at
    # once; the kernel then drops SYNs and the client waits a second or more to retransmit.
    request_queue_size = 128


class GcpFake:
    def __init__(
        self,
        estate: Mapping[str, Any] | None = None,
        *,
        token: str | None = DEMO_TOKEN,
        page_size: int = 50,
    ) -> None:
        estate = estate if estate is not None else load_estate()
        self.lists: dict[str, dict[str, Any]] = json.loads(json.dumps(estate.get("lists", {})))
        self.objects: dict[str, Any] = json.loads(json.dumps(estate.get("objects", {})))
        self.disabled: dict[str, str] = dict(estate.get("disabled", {}))
        self.token = token
        self.page_size = page_size
        self.denied: set[str] = set()
        self.faults: dict[str, list[int]] = {}
        self.requests: Counter[str] = Counter()
        self.writes: list[str] = []
        #: (bucket, object name) -> contents, for the object media endpoints
        self.blobs: dict[tuple[str, str], bytes] = {}
        self.denied_objects: set[str] = set()
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- configuration --------------------------------------------------------------------------

    def deny_project(self, project_id: str) -> None:
        """Answer 403 on every path (or ``project=`` query) of this project, id or number."""
        self.denied.add(project_id)
        for item in self.lists.get("/v3/projects:search", {}).get("items", []):
            if item.get("projectId") == project_id:
                self.denied.add(str(item.get("name", "")).rsplit("/", 1)[-1])

    def put_object(self, bucket: str, name: str, data: bytes) -> None:
        with self._lock:
            self.blobs[(bucket, name)] = data

    def deny_objects(self, bucket: str) -> None:
        """Answer 403 to object reads (list, metadata, media) in this bucket."""
        self.denied_objects.add(bucket)

    def fault(self, path: str, *statuses: int) -> None:
        with self._lock:
            self.faults.setdefault(path, []).extend(statuses)

    # -- lifecycle -------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "not started"
        return f"http://{_HOST}:{self._server.server_address[1]}"

    def settings(self) -> GcpSettings:
        """The GCP collector's settings for a scan of this fake (what the demo hands over)."""
        return GcpSettings(endpoint=self.url, token=SecretStr(DEMO_TOKEN))

    def start(self) -> GcpFake:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body leave in separate writes; with Nagle on, the body then waits for
            # the client's delayed ACK (~40 ms) on every keep-alive answer.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:  # noqa: N802
                fake._handle(self, "GET")

            def do_POST(self) -> None:  # noqa: N802
                fake._handle(self, "POST")

            def do_DELETE(self) -> None:  # noqa: N802
                fake._handle(self, "DELETE")

            def do_PATCH(self) -> None:  # noqa: N802
                fake._handle(self, "PATCH")

            def do_PUT(self) -> None:  # noqa: N802
                fake._handle(self, "PUT")

        self._server = _Server((_HOST, 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> GcpFake:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- answering -------------------------------------------------------------------------------

    def _handle(self, req: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(req.path)
        path = parts.path
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        length = int(req.headers.get("Content-Length") or 0)
        if length:
            req.rfile.read(length)
        with self._lock:
            self.requests[f"{method} {path}"] += 1
        status, body, headers = self._answer(req, method, path, query)
        media = isinstance(body, bytes)
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        req.send_response(status)
        req.send_header(
            "Content-Type",
            "application/octet-stream" if media else "application/json; charset=UTF-8",
        )
        req.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            req.send_header(key, value)
        req.end_headers()
        req.wfile.write(data)

    def _answer(
        self, req: BaseHTTPRequestHandler, method: str, path: str, query: dict[str, str]
    ) -> tuple[int, Any, dict[str, str]]:
        if self.token is not None and req.headers.get("Authorization") != f"Bearer {self.token}":
            return (
                401,
                _error(
                    401, "UNAUTHENTICATED", "invalid credentials", "ACCESS_TOKEN_TYPE_UNSUPPORTED"
                ),
                {},
            )
        verb = path.rsplit(":", 1)[1] if ":" in path.rsplit("/", 1)[-1] else ""
        if method != "GET" and not (
            method == "POST" and verb in ("getIamPolicy", "searchAllResources")
        ):
            with self._lock:
                self.writes.append(f"{method} {path}")
            return 405, _error(405, "UNIMPLEMENTED", "the demo estate is read-only", "METHOD"), {}
        with self._lock:
            queued = self.faults.get(path)
            fault = queued.pop(0) if queued else None
        if fault is not None:
            code = "RESOURCE_EXHAUSTED" if fault == 429 else "UNAVAILABLE"
            return fault, _error(fault, code, "try again", code), {"Retry-After": "0"}
        objects = _OBJECTS.match(path)
        if objects:  # a bucket without objects lists empty, as Cloud Storage answers
            return self._object(unquote(objects.group(1)), objects.group(2), query)
        segments = path.split("/")
        for i, seg in enumerate(segments[:-1]):
            if seg == "projects":
                target = segments[i + 1].split(":", 1)[0]
                if target in self.denied:
                    return 403, self._denied(path), {}
        if query.get("project") in self.denied:
            return 403, self._denied(path), {}
        if path in self.disabled:
            service = self.disabled[path]
            message = (
                f"{service} has not been used in project before or it is disabled. Enable it by "
                f"visiting https://console.developers.google.com/apis/api/{service}/overview"
            )
            body = _error(403, "PERMISSION_DENIED", message, "SERVICE_DISABLED", service=service)
            return 403, body, {}
        for selector in ("project", "parent"):  # lists that select their parent by query
            keyed = f"{path}?{selector}={query.get(selector)}"
            if selector in query and keyed in self.lists:
                return 200, self._page(self.lists[keyed], query), {}
        if path in self.lists:
            return 200, self._page(self.lists[path], query), {}
        if path in self.objects:
            return 200, self.objects[path], {}
        if verb == "getIamPolicy":
            return 200, {"version": 1, "etag": "ACAB"}, {}
        if verb == "getEffectivePolicy":  # no policy set anywhere: the constraint's default
            return 200, {"name": path.split(":", 1)[0].removeprefix("/v2/")}, {}
        last = path.rstrip("/").rsplit("/", 1)[-1]
        if last.split(":", 1)[-1] in COLLECTIONS or last in COLLECTIONS:
            return 200, {}, {}
        return 404, _error(404, "NOT_FOUND", f"{path} not found", "NOT_FOUND"), {}

    def _object(
        self, bucket: str, name: str | None, query: dict[str, str]
    ) -> tuple[int, Any, dict[str, str]]:
        """The JSON API's object list / get / media download (real shapes)."""
        if bucket in self.denied_objects:
            message = "caller does not have storage.objects.get access to the Google Cloud object."
            body = _error(403, "PERMISSION_DENIED", message, "forbidden")
            body["error"]["errors"] = [
                {"message": message, "domain": "global", "reason": "forbidden"}
            ]
            return 403, body, {}
        with self._lock:
            blobs = {n: d for (b, n), d in self.blobs.items() if b == bucket}
        if name is None:
            prefix = query.get("prefix", "")
            names = sorted(n for n in blobs if n.startswith(prefix))
            start = int(query.get("pageToken") or 0)
            size = min(int(query.get("maxResults") or 1000), self.page_size)
            chunk = names[start : start + size]
            page: dict[str, Any] = {"kind": "storage#objects"}
            if chunk:
                page["items"] = [_object_resource(bucket, n, blobs[n]) for n in chunk]
            if start + size < len(names):
                page["nextPageToken"] = str(start + size)
            return 200, page, {}
        key = unquote(name)
        if key not in blobs:
            message = f"No such object: {bucket}/{key}"
            body = _error(404, "NOT_FOUND", message, "notFound")
            body["error"]["errors"] = [
                {"message": message, "domain": "global", "reason": "notFound"}
            ]
            return 404, body, {}
        data = blobs[key]
        if query.get("alt") == "media":
            md5 = base64.b64encode(hashlib.md5(data).digest()).decode()  # noqa: S324 - GCS's own
            return 200, data, {"x-goog-generation": "1", "x-goog-hash": f"md5={md5}"}
        return 200, _object_resource(bucket, key, data), {}

    @staticmethod
    def _denied(path: str) -> dict[str, Any]:
        return _error(
            403,
            "PERMISSION_DENIED",
            f"Permission denied on resource {path} (or it may not exist).",
            "IAM_PERMISSION_DENIED",
        )

    def _page(self, listing: dict[str, Any], query: dict[str, str]) -> dict[str, Any]:
        items = listing.get("items", [])
        try:
            start = int(query.get("pageToken") or 0)
            size = min(int(query.get("pageSize") or self.page_size), self.page_size)
        except ValueError:
            return _error(400, "INVALID_ARGUMENT", "bad page token", "BAD_TOKEN")
        chunk = items[start : start + max(1, size)]
        body: dict[str, Any]
        if listing.get("aggregated_by"):
            grouped: dict[str, dict[str, list[Any]]] = {}
            for item in chunk:
                scope = str(item.get(listing["aggregated_by"], "global")).rsplit("/", 1)[-1]
                grouped.setdefault(f"zones/{scope}", {listing["key"]: []})[listing["key"]].append(
                    item
                )
            body = {"kind": "compute#instanceAggregatedList", "items": grouped}
        else:
            body = {listing["key"]: chunk} if chunk else {}
        if start + len(chunk) < len(items):
            body["nextPageToken"] = str(start + len(chunk))
        return body


_OBJECTS = re.compile(r"^/storage/v1/b/([^/]+)/o(?:/([^/]+))?$")


def _object_resource(bucket: str, name: str, data: bytes) -> dict[str, Any]:
    return {
        "kind": "storage#object",
        "id": f"{bucket}/{name}/1",
        "selfLink": f"https://www.googleapis.com/storage/v1/b/{bucket}/o/{name}",
        "name": name,
        "bucket": bucket,
        "generation": "1",
        "metageneration": "1",
        "contentType": "application/octet-stream",
        "storageClass": "STANDARD",
        "size": str(len(data)),
        "md5Hash": base64.b64encode(hashlib.md5(data).digest()).decode(),  # noqa: S324
        "timeCreated": "2026-03-01T10:00:00.000Z",
        "updated": "2026-03-01T10:00:00.000Z",
    }


@contextlib.contextmanager
def running_gcp_demo(page_size: int = 50) -> Iterator[dict[str, str]]:
    """Serve the example estate; yield the environment a scan of it needs."""
    with GcpFake(page_size=page_size) as fake:
        yield {"AISCAN_GCP_ENDPOINT": fake.url, "AISCAN_GCP_TOKEN": DEMO_TOKEN}
