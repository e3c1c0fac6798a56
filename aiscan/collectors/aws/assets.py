"""The one builder of an AWS asset from a describe payload, shared by the service transforms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiscan.core.model import Asset, AssetKind, Cloud
from aiscan.core.sanitize import bounded


def without_metadata(payload: Mapping[str, Any], **replace: Any) -> dict[str, Any]:
    """The payload without botocore's ``ResponseMetadata``; `replace` overrides keys it has (e.g.
    a redacted environment)."""
    out = {k: v for k, v in payload.items() if k != "ResponseMetadata"}
    out.update({k: v for k, v in replace.items() if k in payload})
    return out


def aws_asset(
    *,
    id: str,  # noqa: A002
    kind: AssetKind,
    service: str,
    type: str,  # noqa: A002
    name: str,
    account: str,
    region: str | None,
    payload: Mapping[str, Any],
    attributes: dict[str, Any],
    created_at: Any = None,
    tags: Mapping[str, str] | None = None,
    raw: Mapping[str, Any] | None = None,
) -> Asset:
    """An asset whose bounded `raw` is the payload without response metadata (or `raw`)."""
    return Asset(
        id=id,
        cloud=Cloud.AWS,
        account=account,
        region=region,
        kind=kind,
        service=service,
        type=type,
        name=name,
        created_at=created_at,
        tags=dict(tags or {}),
        attributes=attributes,
        raw=bounded(dict(raw if raw is not None else without_metadata(payload))),
    )
