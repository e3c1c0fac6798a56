"""The read-only guard: an azure-core pipeline policy that refuses every request but a read.

Imports azure-core: only the collector (lazily) and tests import this module.

It is the last policy of every pipeline the Azure collector builds, so it sees exactly what goes
to the wire. Allowed: GET and HEAD, and POST to the Resource Graph query endpoint (a read that
ARM models as POST). Everything else is refused before it is sent — PUT/PATCH/DELETE, and every
POST "action" such as ``listKeys``, ``listSecrets``, ``regenerateKey`` or a resource provider
registration, which either return secrets or change state.

Blob contents are refused too (a GET to a ``*.blob.core.*`` / ``*.dfs.core.*`` host), except by the
policy of the --deep blob pipeline (``object_reads=True``), which allows GET and HEAD only.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote, urlsplit

from azure.core.pipeline.policies import SansIOHTTPPolicy

#: POST endpoints that only read.
READ_POSTS = (re.compile(r"^/providers/microsoft\.resourcegraph/resources$", re.IGNORECASE),)

#: GETs that still return secret material (none of ARM's GETs do today; kept as a second line).
SECRET_PATHS = re.compile(r"/(?:list[a-z]*keys|listsecrets|listcredentials)(?:/|$)", re.IGNORECASE)


#: Storage data-plane hosts: reading from them reads customer data, not configuration.
DATA_HOSTS = re.compile(
    r"^[a-z0-9]{3,24}\.(?:blob|dfs)\.core\."
    r"(?:windows\.net|chinacloudapi\.cn|usgovcloudapi\.net)$",
    re.IGNORECASE,
)


class ReadOnlyViolation(Exception):
    """A request that is not a read was about to be sent."""


def is_read_only(method: str, url: str, *, object_reads: bool = False) -> bool:
    parts = urlsplit(url)
    path = unquote(parts.path).rstrip("/")
    verb = method.upper()
    if object_reads:  # the --deep blob pipeline: it reads objects and does nothing else
        return verb in ("GET", "HEAD")
    if DATA_HOSTS.match(parts.hostname or ""):
        return False
    if verb in ("GET", "HEAD"):
        return not SECRET_PATHS.search(path)
    if verb == "POST":
        return any(p.match(path) for p in READ_POSTS)
    return False


class ReadOnlyPolicy(SansIOHTTPPolicy):  # type: ignore[type-arg]
    """Raises `ReadOnlyViolation` for any request `is_read_only` does not allow."""

    def __init__(self, *, object_reads: bool = False) -> None:
        super().__init__()
        self.object_reads = object_reads

    def on_request(self, request: Any) -> None:
        http = request.http_request
        if not is_read_only(http.method, http.url, object_reads=self.object_reads):
            path = urlsplit(http.url).path[:200]
            raise ReadOnlyViolation(f"aiscan is read-only: refused {http.method} {path}")
