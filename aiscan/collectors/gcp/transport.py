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
    """Refuses, before anything is sent, every request that is not a read."""

    def send(self, request: PreparedRequest, *args: Any, **kwargs: Any) -> Response:
        check(request.method or "GET", request.url or "")
        return super().send(request, *args, **kwargs)
