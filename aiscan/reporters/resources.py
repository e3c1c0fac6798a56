"""How reporters name cloud resources: providers, readable tails and stable pseudo-paths."""

from __future__ import annotations

import re
from urllib.parse import quote

from aiscan.core.model import Asset, Cloud, Finding

PROVIDER = {
    Cloud.AWS: "Amazon Web Services",
    Cloud.AZURE: "Microsoft Azure",
    Cloud.GCP: "Google Cloud",
    Cloud.LOCAL: "local",
}


def resource_tail(resource_id: str) -> str:
    """The part of a cloud id that names the resource within its account and region."""
    if resource_id.startswith("arn:"):
        parts = resource_id.split(":", 5)
        if len(parts) == 6 and parts[5]:
            return parts[5]
    # Only the account part is dropped (the path carries it): resource groups, zones and
    # locations stay, so two resources of one name never share a path.
    m = re.match(r"^/subscriptions/[^/]+/(.+)$", resource_id, re.IGNORECASE)
    if m:
        return m.group(1)
    if resource_id.startswith("//"):
        # GCP full resource name: //service.googleapis.com/projects/p/locations/l/kind/name
        tail = resource_id[2:].split("/", 1)[-1]
        return re.sub(r"^projects/[^/]+/", "", tail)
    return resource_id


def arn_service(resource_id: str) -> str | None:
    parts = resource_id.split(":", 5)
    return parts[2] if resource_id.startswith("arn:") and len(parts) == 6 else None


def pseudo_path(finding: Finding, asset: Asset | None) -> str:
    """A stable, repository-relative-looking path for a cloud resource, so code scanning can
    show it: <cloud>/<account>/<region>/<service>/<resource>."""
    service = (asset.service if asset else None) or arn_service(finding.asset_id) or "resource"
    segments = [
        finding.cloud.value,
        finding.account or "unknown",
        finding.region or "global",
        service,
        *_tail_segments(finding.asset_id),
    ]
    return _join(segments)


def node_path(node_id: str, asset: Asset | None) -> str:
    """The pseudo-path of any graph node: an asset's like `pseudo_path`; a synthetic node
    (``aiscan:internet``) under aiscan/; an id outside the inventory under external/."""
    if asset is not None:
        segments = [
            asset.cloud.value,
            asset.account or "unknown",
            asset.region or "global",
            asset.service or "resource",
            *_tail_segments(asset.id),
        ]
    elif node_id.startswith("aiscan:"):
        segments = ["aiscan", *_tail_segments(node_id.removeprefix("aiscan:"))]
    else:
        segments = ["external", arn_service(node_id) or "resource", *_tail_segments(node_id)]
    return _join(segments)


def _tail_segments(resource_id: str) -> list[str]:
    return [s for s in resource_tail(resource_id).split("/") if s not in ("", ".", "..")]


def _join(segments: list[str]) -> str:
    return "/".join(quote(s, safe="-._~@+=,:") for s in segments)
