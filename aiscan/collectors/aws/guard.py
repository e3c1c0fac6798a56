"""The read-only guard: a botocore `before-call` hook that refuses every non-read operation.

Registered on every botocore session the collector creates, before any client exists, so no code
path (ours or a library's) can send a mutating request with aiscan's credentials.

Object contents (``s3:GetObject``) are refused too, except on sessions made for ``--deep``
(``object_reads=True``), which may read exactly that one more operation.
"""

from __future__ import annotations

from typing import Any

READ_PREFIXES = ("List", "Describe", "Get", "Search", "BatchGet", "Head", "Lookup")

#: Reads that are still refused: they return secret material or mint credentials.
DENIED_READS = frozenset(
    {
        "GetSecretValue",
        "BatchGetSecretValue",
        "GetAuthorizationToken",
        "GetSessionToken",
        "GetFederationToken",
        "GetParameter",
        "GetParameters",
        "GetParametersByPath",
        "GetPresignedNotebookInstanceUrl",
        "GetObject",
        "GetObjectAcl",
    }
)

#: The only denied read a --deep session may send: the object contents of model artifacts.
OBJECT_READS = frozenset({"s3.GetObject"})

#: Non-read operations that change nothing in the account and are needed to read at all.
ALLOWED_EXTRA = frozenset({"sts.AssumeRole"})


class ReadOnlyViolation(Exception):
    """An operation that is not a read was about to be sent."""


def is_read_only(service: str, operation: str, *, object_reads: bool = False) -> bool:
    if f"{service}.{operation}" in ALLOWED_EXTRA:
        return True
    if object_reads and f"{service}.{operation}" in OBJECT_READS:
        return True
    if operation in DENIED_READS:
        return False
    return operation.startswith(READ_PREFIXES)


def _guard(model: Any, **_: Any) -> None:
    service = model.service_model.endpoint_prefix
    if not is_read_only(service, model.name):
        raise ReadOnlyViolation(f"aiscan is read-only: refused {service}:{model.name}")


def _deep_guard(model: Any, **_: Any) -> None:
    service = model.service_model.endpoint_prefix
    if not is_read_only(service, model.name, object_reads=True):
        raise ReadOnlyViolation(f"aiscan is read-only: refused {service}:{model.name}")


def install(botocore_session: Any, *, object_reads: bool = False) -> None:
    """Register the guard for every operation of every client made from this session.

    `before-parameter-build` is emitted to every handler (never short-circuited) and before
    `before-call`, so a handler that answers `before-call` (a stub, a test double, a plugin)
    cannot let a write slip past; the `before-call` registration is a second line.
    """
    handler = _deep_guard if object_reads else _guard
    for event in ("before-parameter-build", "before-call"):
        botocore_session.register(event, handler, unique_id=f"aiscan-read-only-guard-{event}")
