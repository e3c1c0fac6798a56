"""Artifact Registry repositories holding images that AI assets run (gcr.io hosts included).

Only repositories of scanned projects are read (Google's own prebuilt-container projects such as
``vertex-ai`` are referenced, not read). Facts: aiscan/core/facts/gcp.py
`ArtifactRepositoryFacts`; docs/attributes.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiscan.collectors.gcp.context import ScopeContext
from aiscan.collectors.gcp.http import GcpApiError, GcpHttp
from aiscan.collectors.gcp.iampolicy import public_grants
from aiscan.collectors.gcp.names import ARTIFACTREGISTRY, RepositoryRef, repository_of
from aiscan.collectors.gcp.spec import gcp_asset
from aiscan.core.model import Asset, AssetKind, CoverageStatus

SERVICE = "artifactregistry"
PERMISSIONS: tuple[str, ...] = (
    "artifactregistry.repositories.get",
    "artifactregistry.repositories.getIamPolicy",
)


def _path(ref: RepositoryRef) -> str:
    return f"/v1/projects/{ref.project}/locations/{ref.location}/repositories/{ref.repository}"


def get_repository(http: GcpHttp, ref: RepositoryRef) -> dict[str, Any]:
    return http.get(ARTIFACTREGISTRY, _path(ref))


def get_repository_policy(http: GcpHttp, ref: RepositoryRef) -> dict[str, Any]:
    return http.get(ARTIFACTREGISTRY, _path(ref) + ":getIamPolicy")


def to_repository(
    payload: dict[str, Any], policy: dict[str, Any] | None, ref: RepositoryRef, images: list[str]
) -> Asset:
    remote = (payload.get("remoteRepositoryConfig") or {}).get("dockerRepository") or {}
    attributes: dict[str, Any] = {
        "format": payload.get("format"),
        "mode": payload.get("mode") or "STANDARD_REPOSITORY",
        "remote_upstream": remote.get("publicRepository")
        or (remote.get("customRepository") or {}).get("uri"),
        "kms_key": payload.get("kmsKeyName") or None,
        "immutable_tags": bool((payload.get("dockerConfig") or {}).get("immutableTags")),
        "vulnerability_scanning": (payload.get("vulnerabilityScanningConfig") or {}).get(
            "enablementState"
        )
        == "SCANNING_ACTIVE",
        "images": sorted(images),
    }
    if policy is not None:
        reasons = public_grants(policy)
        attributes["public"] = bool(reasons)
        if reasons:
            attributes["public_reasons"] = reasons
    return gcp_asset(
        payload,
        id=ref.id,
        account=ref.project,
        region=ref.location,
        kind=AssetKind.CONTAINER_REGISTRY,
        type="artifactregistry.googleapis.com/Repository",
        name=ref.repository,
        attributes=attributes,
        raw={**payload, "iamPolicy": policy},
    )


def collect_all(contexts: Mapping[str, ScopeContext]) -> None:
    refs = next(iter(contexts.values())).refs
    wanted: dict[RepositoryRef, list[str]] = {}
    for image in refs.images:
        ref = repository_of(image)
        if ref is not None and ref.project in contexts:
            wanted.setdefault(ref, []).append(image)

    def read(ref: RepositoryRef) -> None:
        ctx = contexts[ref.project]
        try:
            payload = get_repository(ctx.http, ref)
        except GcpApiError as exc:
            if exc.status == 404:
                ctx.note(CoverageStatus.OK, f"referenced repository {ref.repository} not found")
                return
            raise
        policy = ctx.section(
            f"repository {ref.repository} IAM policy", get_repository_policy, ctx.http, ref
        )
        ctx.add(to_repository(payload, policy, ref, wanted[ref]))

    for project_id, ctx in contexts.items():
        mine = sorted((r for r in wanted if r.project == project_id), key=lambda r: r.id)
        ctx.each("repository", read, mine)
