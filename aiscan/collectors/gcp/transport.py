"""The requests transport of the GCP collector: it sends only what `guard.check` lets through.

Kept apart from `guard` so that importing the collector (to list permissions, to detect
credentials) does not import requests.
"""

from __future__ import annotations

from typing import Any

from requests import PreparedRequest, Response
from requests.adapters import HTTPAdapter

from aiscan.collectors.gcp.guard import check


class ReadOnlyAdapter(HTTPAdapter):
    """Refuses, before anything is sent, every request that is not a read (`object_reads`: also
    lets a Cloud Storage object's contents through, for --deep)."""

    def __init__(self, *args: Any, object_reads: bool = False, **kwargs: Any) -> None:
        self.object_reads = object_reads
        super().__init__(*args, **kwargs)

    def send(self, request: PreparedRequest, *args: Any, **kwargs: Any) -> Response:
        check(request.method or "GET", request.url or "", object_reads=self.object_reads)
        return super().send(request, *args, **kwargs)
