"""The one builder of an AWS asset from a describe payload, shared by the service transforms."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiscan.collectors.payload import opt, req
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


@dataclass(frozen=True)
class Shape:
    """How one resource type's assets are built from its payload: the id is the `arn_key` field,
    the name the `name_key` field (absent: the ARN's last part, the resource id)."""

    kind: AssetKind
    service: str
    type: str
    arn_key: str
    name_key: str
    #: the creation-time field (None: created_at stays unset)
    created_key: str | None = "creationTime"

    def asset(
        self,
        payload: Mapping[str, Any],
        account: str,
        region: str,
        attributes: dict[str, Any],
        raw: Mapping[str, Any] | None = None,
    ) -> Asset:
        arn = req(payload, self.arn_key)
        return aws_asset(
            id=arn,
            kind=self.kind,
            service=self.service,
            type=self.type,
            name=opt(payload, self.name_key) or arn.rsplit("/", 1)[-1],
            account=account,
            region=region,
            payload=payload,
            attributes=attributes,
            created_at=payload.get(self.created_key) if self.created_key else None,
            raw=raw,
        )
