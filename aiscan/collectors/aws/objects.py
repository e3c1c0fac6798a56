"""S3 objects for --deep: the one place aiscan reads object contents in AWS.

The session comes from the collector with ``object_reads=True``, so its read-only guard lets
exactly ``s3:GetObject`` through in addition to the usual reads (HeadObject, ListObjectsV2);
every write is still refused before it is sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

from aiscan.artifacts.remote import ObjectInfo, ObjectRef
from aiscan.collectors.aws.permissions import DEEP_PERMISSIONS
from aiscan.collectors.settings import AwsSettings

PERMISSIONS = DEEP_PERMISSIONS
SERVICE = "s3-artifacts"


class S3Store:
    """`aiscan.artifacts.remote.ObjectStore` over one boto3 session (any region: S3 redirects)."""

    def __init__(self, session: Any, settings: AwsSettings | None = None) -> None:
        self._session = session
        self._settings = settings or AwsSettings()
        self._client: Any = None

    @property
    def client(self) -> Any:
        if self._client is None:
            # the same retries, trust store and proxies as every scanning client
            from aiscan.collectors.aws import transport

            self._client = self._session.client(
                "s3",
                config=transport.client_config(self._settings),
                **transport.client_kwargs(self._session._session, self._settings),
            )
            transport.tune_retries(self._client, self._settings)
        return self._client

    def stat(self, ref: ObjectRef) -> ObjectInfo | None:
        from botocore.exceptions import ClientError

        try:
            head = self.client.head_object(Bucket=ref.container, Key=ref.key)
        except ClientError as exc:
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if status == 404 or exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
                return None
            raise
        return ObjectInfo(key=ref.key, size=int(head.get("ContentLength") or 0))

    def list(self, ref: ObjectRef, limit: int) -> list[ObjectInfo]:
        out: list[ObjectInfo] = []
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=ref.container, Prefix=ref.key
        )
        for page in pages:
            for item in page.get("Contents") or []:
                out.append(ObjectInfo(key=str(item["Key"]), size=int(item.get("Size") or 0)))
                if len(out) > limit:
                    return out
        return out

    @contextmanager
    def open(self, ref: ObjectRef) -> Iterator[BinaryIO]:
        body = self.client.get_object(Bucket=ref.container, Key=ref.key)["Body"]
        try:
            yield body
        finally:
            body.close()
