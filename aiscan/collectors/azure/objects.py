"""Azure blobs for --deep: the one place aiscan reads object contents in Azure.

Blob REST (Get Blob, Get Blob Properties, List Blobs) through its own azure-core pipeline whose
last policy is the read-only guard in object-read mode (GET and HEAD only). The ARM pipeline's
guard keeps refusing every storage data-plane host, so only this pipeline, made for --deep, can
read a blob.

* Endpoint: ``https://ACCOUNT.blob.core.windows.net`` (or the national cloud's suffix);
  ``AISCAN_AZURE_BLOB_ENDPOINT`` (or a loopback ``AISCAN_AZURE_ENDPOINT``: a local emulator)
  replaces it with one base URL addressed path-style, ``BASE/ACCOUNT/CONTAINER/BLOB`` (the
  Azurite convention).
* Token: ``AISCAN_AZURE_STORAGE_TOKEN``, else ``AISCAN_AZURE_TOKEN`` (pre-obtained), else
  DefaultAzureCredential for ``https://storage.azure.com/.default``.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO
from urllib.parse import quote, urlencode, urlsplit

from aiscan import __version__
from aiscan.artifacts.remote import ObjectInfo, ObjectRef
from aiscan.collectors.azure.arm import (
    _LOOPBACK,
    ArmError,
    _static_token_policy,
)
from aiscan.collectors.azure.guard import ReadOnlyPolicy
from aiscan.collectors.azure.permissions import DEEP_DATA_ACTIONS
from aiscan.collectors.settings import AzureSettings

STORAGE_SCOPE = "https://storage.azure.com/.default"
API_VERSION = "2023-11-03"
PERMISSIONS = DEEP_DATA_ACTIONS
SERVICE = "blob-artifacts"
#: A List Blobs page is a few hundred KiB at most; anything larger is not one.
MAX_LIST_BYTES = 8 << 20


class _ChunkStream(io.RawIOBase):
    """A read-only file object over an iterator of byte chunks (the pipeline's streamed body)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                return 0
        n = min(len(b), len(self._buffer))
        b[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


class BlobStore:
    """`aiscan.artifacts.remote.ObjectStore` over the Blob service REST API."""

    def __init__(self, settings: AzureSettings | None = None, credential: Any = None) -> None:
        import requests
        from azure.core import PipelineClient
        from azure.core.pipeline import policies
        from azure.core.pipeline.transport import RequestsTransport

        settings = settings or AzureSettings()
        base = (settings.blob_endpoint or "").rstrip("/")
        arm = (settings.endpoint or "").rstrip("/")
        if not base and urlsplit(arm).hostname in _LOOPBACK:
            base = arm  # a local emulator serves ARM and blobs (path-style) on one address
        self.base = base or None
        secret = settings.storage_token or settings.token
        token = secret.get_secret_value() if secret else ""
        if token:
            auth: Any = _static_token_policy(token)
        else:
            if credential is None:
                from azure.identity import DefaultAzureCredential

                credential = DefaultAzureCredential()
            auth = policies.BearerTokenCredentialPolicy(credential, STORAGE_SCOPE)
        session = requests.Session()
        session.trust_env = False  # no proxy or netrc decides where blob traffic goes
        self._pipeline: Any = PipelineClient(
            base_url=self.base or "https://blob.core.windows.net",
            policies=[
                policies.RequestIdPolicy(),
                policies.HeadersPolicy({"x-ms-version": API_VERSION}),
                policies.UserAgentPolicy(base_user_agent=f"aiscan/{__version__}"),
                policies.RetryPolicy(retry_total=4, retry_backoff_factor=0.8),
                auth,
                ReadOnlyPolicy(object_reads=True),  # last: sees exactly what is sent
            ],
            transport=RequestsTransport(session=session, session_owner=True),
        )

    def url(self, ref: ObjectRef, key: str | None = None, **query: str) -> str:
        path = f"/{ref.container}"
        if key is not None:
            path += "/" + quote(key, safe="/")
        if self.base:
            url = f"{self.base}/{ref.account}{path}"
        else:
            url = f"https://{ref.account}.blob.core.{ref.suffix}{path}"
        return f"{url}?{urlencode(query)}" if query else url

    def _send(self, method: str, url: str, *, stream: bool = False) -> Any:
        from azure.core.rest import HttpRequest

        response = self._pipeline.send_request(HttpRequest(method, url), stream=stream)
        if response.status_code >= 400:
            code = response.headers.get("x-ms-error-code") or ""
            if stream:
                response.close()
            raise ArmError(response.status_code, code, response.reason or code, url.split("?")[0])
        return response

    def stat(self, ref: ObjectRef) -> ObjectInfo | None:
        try:
            response = self._send("HEAD", self.url(ref, ref.key))
        except ArmError as exc:
            if exc.status == 404:
                return None
            raise
        length = response.headers.get("Content-Length")
        return ObjectInfo(key=ref.key, size=int(length) if length and length.isdigit() else None)

    def list(self, ref: ObjectRef, limit: int) -> list[ObjectInfo]:
        out: list[ObjectInfo] = []
        marker = ""
        seen: set[str] = set()
        while True:
            query = {"restype": "container", "comp": "list", "prefix": ref.key}
            if marker:
                query["marker"] = marker
            response = self._send("GET", self.url(ref, None, **query))
            body = response.content
            if len(body) > MAX_LIST_BYTES:
                raise ValueError("List Blobs answer is too large")
            root = ET.fromstring(body)
            for blob in root.iter("Blob"):
                name = blob.findtext("Name") or ""
                size = blob.findtext("Properties/Content-Length")
                out.append(
                    ObjectInfo(key=name, size=int(size) if size and size.isdigit() else None)
                )
                if len(out) > limit:
                    return out
            marker = root.findtext("NextMarker") or ""
            if not marker or marker in seen:
                return out
            seen.add(marker)

    @contextmanager
    def open(self, ref: ObjectRef) -> Iterator[BinaryIO]:
        response = self._send("GET", self.url(ref, ref.key), stream=True)
        try:
            yield io.BufferedReader(_ChunkStream(response.iter_bytes()), 1 << 20)
        finally:
            response.close()

    def close(self) -> None:
        self._pipeline.close()
