"""ECR repositories holding the images AI assets run (serving, training, agent containers).

Only repositories of this account's ECR registries that an AI asset pulls from (`ctx.refs.images`,
parsed with `core.refs.parse_image`) are read; images in other accounts or in public registries
produce no asset here (the supply-chain rules judge the image URI itself). A referenced repository
or image that no longer exists is noted in coverage as a dangling reference, not as a failure.

Per region: DescribeRepositories(repositoryNames=[...]) in batches of 100 (one name per call when a
batch names a missing repository), then DescribeImages for each referenced tag or digest, so one
missing image does not hide the others.

Facts: aiscan/core/facts/aws.py `EcrRepositoryFacts`; docs/attributes.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from aiscan.collectors.aws.assets import aws_asset
from aiscan.collectors.aws.context import ScopeContext
from aiscan.collectors.aws.errors import classify
from aiscan.collectors.aws.iam import as_datetime, as_iso, error_code
from aiscan.collectors.payload import items, mapping
from aiscan.core.model import Asset, AssetKind, CoverageStatus
from aiscan.core.refs import parse_image
from aiscan.core.sanitize import clean_text

PERMISSIONS: tuple[str, ...] = ("ecr:DescribeRepositories", "ecr:DescribeImages")

BATCH = 100

#: Each requested image id with its ImageDetail (None: the repository does not hold it).
Images = list[tuple[dict[str, str], dict[str, Any] | None]]


# -- SDK calls -----------------------------------------------------------------------------------


def describe_repositories(client: Any, names: list[str]) -> list[dict[str, Any]]:
    # Explicit names are answered in one page; no pagination needed.
    return [dict(r) for r in client.describe_repositories(repositoryNames=names)["repositories"]]


def describe_image(
    client: Any, repository: str, image_id: Mapping[str, str]
) -> dict[str, Any] | None:
    """The ImageDetail of one image (None: the repository does not hold it)."""
    try:
        resp = client.describe_images(repositoryName=repository, imageIds=[dict(image_id)])
    except Exception as exc:
        if error_code(exc) == "ImageNotFoundException":
            return None
        raise
    details = items(resp, "imageDetails")
    return dict(details[0]) if details and details[0] else None


# -- transform -----------------------------------------------------------------------------------


def image_ids(uris: Iterable[str]) -> list[dict[str, str]]:
    """ECR image identifiers for image URIs of one repository (a digest wins over a tag)."""
    seen: set[tuple[str, str]] = set()
    for uri in uris:
        ref = parse_image(uri)
        seen.add(("imageDigest", ref.digest) if ref.digest else ("imageTag", ref.tag or "latest"))
    return [{key: value} for key, value in sorted(seen)]


def to_image(requested: Mapping[str, str], detail: Mapping[str, Any]) -> dict[str, Any]:
    summary = mapping(detail, "imageScanFindingsSummary")
    tags = [str(t) for t in items(detail, "imageTags")]
    tag = requested.get("imageTag") or (tags[0] if tags else None)
    return {
        "tag": tag,
        "digest": detail.get("imageDigest"),
        "pushed_at": as_iso(detail.get("imagePushedAt")),
        "scan_status": mapping(detail, "imageScanStatus").get("status"),
        "finding_counts": dict(mapping(summary, "findingSeverityCounts")),
    }


def to_repository(
    repo: Mapping[str, Any],
    account: str,
    region: str,
    images: list[tuple[dict[str, str], dict[str, Any] | None]] | None = None,
) -> Asset:
    """A container-registry asset with its referenced `images` (None: they could not be read);
    spelled out, not `Images`, so the hostile-payload test can build the argument."""
    encryption = mapping(repo, "encryptionConfiguration")
    attributes: dict[str, Any] = {
        "image_tag_mutability": repo.get("imageTagMutability"),
        "scan_on_push": bool(mapping(repo, "imageScanningConfiguration").get("scanOnPush")),
        "encryption": {
            "type": encryption.get("encryptionType"),
            "kms_key": encryption.get("kmsKey"),
        },
        "kms_key": encryption.get("kmsKey"),
    }
    raw: dict[str, Any] = {"repository": dict(repo)}
    if images is not None:
        attributes["images"] = [to_image(req, d) for req, d in images if d is not None]
        attributes["missing_images"] = sorted(
            req.get("imageDigest") or req.get("imageTag") or "" for req, d in images if d is None
        )
        raw["imageDetails"] = [d for _, d in images if d is not None]
    return aws_asset(
        id=str(repo["repositoryArn"]),
        kind=AssetKind.CONTAINER_REGISTRY,
        service="ecr",
        type="AWS::ECR::Repository",
        name=clean_text(repo.get("repositoryName", ""), 256),
        account=account,
        region=region,
        payload=repo,
        attributes=attributes,
        created_at=as_datetime(repo.get("createdAt")),
        raw=raw,
    )


# -- collection ----------------------------------------------------------------------------------


def collect(ctx: ScopeContext) -> None:
    wanted: defaultdict[str, defaultdict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for uri in sorted(ctx.refs.images):
        ref = parse_image(uri)
        if ref.ecr_account == ctx.account and ref.ecr_region:
            wanted[ref.ecr_region][ref.repository].append(uri)
    for region in sorted(wanted):
        ctx.section(f"ecr {region}", _collect_region, ctx, region, wanted[region])


def _collect_region(ctx: ScopeContext, region: str, repos: Mapping[str, list[str]]) -> None:
    client = ctx.client("ecr", region)
    names = sorted(repos)
    found: list[dict[str, Any]] = []
    for start in range(0, len(names), BATCH):
        batch = names[start : start + BATCH]
        try:
            found.extend(describe_repositories(client, batch))
        except Exception as exc:
            if error_code(exc) != "RepositoryNotFoundException":
                raise
            # find which names exist, one by one
            for one in ctx.each("repository", _one_repository, batch, ctx, client, region):
                found.extend(one or [])
    found_names = [str(repo["repositoryName"]) for repo in found]
    read = ctx.each(f"ecr {region}", _images, found_names, client, repos)
    for repo, images in zip(found, read, strict=True):
        ctx.add(to_repository(repo, ctx.account, region, images))


def _one_repository(ctx: ScopeContext, client: Any, region: str, name: str) -> list[dict[str, Any]]:
    # Failures are noted here rather than by ctx.each: the name comes from an image URI, so it
    # is made printable, and a missing repository is a dangling reference, not a read failure.
    try:
        return describe_repositories(client, [name])
    except Exception as exc:
        if error_code(exc) == "RepositoryNotFoundException":
            missing = f"referenced repository {clean_text(name, 128)} in {region} does not exist"
            ctx.note(CoverageStatus.OK, missing)
        else:
            status, message = classify(exc)
            ctx.note(status, f"ecr {region} repository {clean_text(name, 128)}: {message}")
        return []


def _images(client: Any, repos: Mapping[str, list[str]], repository: str) -> Images:
    ids = image_ids(repos.get(repository, []))
    return [(i, describe_image(client, repository, i)) for i in ids]
