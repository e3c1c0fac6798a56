"""The read-only guard: every request the GCP collector sends passes `check` first.

`transport.ReadOnlyAdapter`, the only transport mounted on the collector's HTTP session (for
http:// and https://), calls `check` before anything is sent, so no code path, ours or a
library's, can send a mutating request with aiscan's credentials through it. Reads are GET; the
few Google read methods that are POST by API design (``:getIamPolicy``, Cloud Asset
``:searchAll*``) are allowed by their exact custom verb.

Object contents (``alt=media``) are refused, except through a transport made for ``--deep``
(``object_reads=True``), and then only a GET of one Cloud Storage object.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

#: Custom verbs (the ``:verb`` suffix of a Google REST path) that are reads sent as POST.
READ_ONLY_POST_VERBS = frozenset(
    {"getIamPolicy", "searchAllResources", "searchAllIamPolicies", "getEffectiveIamPolicies"}
)

#: GETs that are still refused: they return secret material or data, not configuration
#: (API key strings, secret versions' payloads).
DENIED_GET_VERBS = frozenset({"getKeyString", "accessSecretVersion", "access"})
DENIED_GET_SEGMENTS = frozenset({"keyString"})


#: The JSON API's object GET (``/storage/v1/b/BUCKET/o/OBJECT``, the object name URL-encoded).
_OBJECT_GET = re.compile(r"^(?:/download)?/storage/v1/b/[^/]+/o/[^/]+$")


class ReadOnlyViolation(Exception):
    """A request that is not a read was about to be sent."""


def _verb(path: str) -> str:
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return last.rsplit(":", 1)[1] if ":" in last else ""


def is_read_only(method: str, url: str, *, object_reads: bool = False) -> bool:
    parts = urlsplit(url)
    path = parts.path
    verb = _verb(path)
    method = method.upper()
    if method in ("GET", "HEAD"):
        if "alt=media" in parts.query or "media" in parse_qs(parts.query).get("alt", []):
            # Object contents: never needed for posture; --deep reads model artifacts only.
            return object_reads and method == "GET" and _OBJECT_GET.match(path) is not None
        last = path.rstrip("/").rsplit("/", 1)[-1]
        return verb not in DENIED_GET_VERBS and last not in DENIED_GET_SEGMENTS
    if method == "POST":
        return verb in READ_ONLY_POST_VERBS
    return False


def check(method: str, url: str, *, object_reads: bool = False) -> None:
    """Raise `ReadOnlyViolation` unless the request is a read."""
    if not is_read_only(method, url, object_reads=object_reads):
        raise ReadOnlyViolation(f"aiscan is read-only: refused {method} {urlsplit(url).path}")
