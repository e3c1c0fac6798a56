"""Cloud Storage objects for --deep: the one place aiscan reads object contents in Google Cloud.

JSON API through the collector's `GcpHttp` (``AISCAN_GCP_ENDPOINT`` and ``AISCAN_GCP_TOKEN``
apply). The session's transport is built with ``object_reads=True``, so the guard lets
``GET /storage/v1/b/B/o/O?alt=media`` through in addition to the usual reads; nothing else more.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO
from urllib.parse import quote

from aiscan.artifacts.remote import ObjectInfo, ObjectRef
from aiscan.collectors.gcp.http import GcpApiError, GcpHttp, _api_error
from aiscan.collectors.gcp.permissions import DEEP_PERMISSIONS

HOST = "storage.googleapis.com"
PERMISSIONS = DEEP_PERMISSIONS
SERVICE = "gcs-artifacts"


def _object_path(ref: ObjectRef) -> str:
    return f"/storage/v1/b/{quote(ref.container, safe='')}/o/{quote(ref.key, safe='')}"


class GcsStore:
    """`aiscan.artifacts.remote.ObjectStore` over the collector's HTTP layer."""

    def __init__(self, http: GcpHttp) -> None:
        self.http = http

    def stat(self, ref: ObjectRef) -> ObjectInfo | None:
        try:
            meta = self.http.get(HOST, _object_path(ref))
        except GcpApiError as exc:
            if exc.status == 404:
                return None
            raise
        return ObjectInfo(key=str(meta.get("name") or ref.key), size=_size(meta.get("size")))

    def list(self, ref: ObjectRef, limit: int) -> list[ObjectInfo]:
        out: list[ObjectInfo] = []
        path = f"/storage/v1/b/{quote(ref.container, safe='')}/o"
        for item in self.http.items(HOST, path, "items", {"prefix": ref.key}):
            out.append(ObjectInfo(key=str(item.get("name", "")), size=_size(item.get("size"))))
            if len(out) > limit:
                break
        return out

    @contextmanager
    def open(self, ref: ObjectRef) -> Iterator[BinaryIO]:
        url = self.http.url(HOST, _object_path(ref))
        resp: Any = self.http.session.request(
            "GET", url, params={"alt": "media"}, stream=True, timeout=self.http.timeout
        )
        try:
            if resp.status_code >= 400:
                raise _api_error(resp, _object_path(ref))
            resp.raw.decode_content = True
            yield resp.raw
        finally:
            resp.close()


def _size(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
