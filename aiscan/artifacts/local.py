"""`aiscan artifacts PATH...`: local files, model directories and Hugging Face caches as
`local`-cloud model assets carrying `artifact_scans`, the same attribute `scan --deep` attaches.

One asset per file argument, per directory argument, and per snapshot of a Hugging Face cache
(``models--org--name/snapshots/<commit>``). Each file inside gets its own `ArtifactScan`, named
by its own path, so member paths read the same as for the same file in a bucket.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from aiscan.artifacts.limits import Limits
from aiscan.artifacts.report import ArtifactScan, Issue, Signature
from aiscan.artifacts.scanner import scan_path
from aiscan.artifacts.signing import TrustConfig, is_signature_file, signature_beside, verify
from aiscan.core.model import Asset, AssetKind, Cloud, Coverage, CoverageStatus, Severity

ACCOUNT = "local"
SERVICE = "artifacts"
_SKIP_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".cache", "refs", ".no_exist"})


@dataclass(frozen=True)
class Target:
    root: Path
    name: str
    type: str
    hf_repo: str | None = None
    hf_revision: str | None = None
    #: symbolic links may point anywhere inside this directory (a cache snapshot: its repo)
    within: Path | None = None


def targets(path: Path) -> list[Target]:
    """What one PATH argument holds: a file, a model directory, or Hugging Face snapshots."""
    if path.is_file():
        return [Target(path, path.name, "local::model-file")]
    snapshots = list(_hf_snapshots(path))
    if snapshots:
        return snapshots
    return [Target(path, path.name or str(path), "local::model-directory")]


def _hf_snapshots(path: Path) -> Iterator[Target]:
    """`hub/` (holding models--org--name) or one `models--org--name` cache directory."""
    repos = [path] if path.name.startswith("models--") else sorted(path.glob("models--*"))
    for repo_dir in repos:
        snaps = repo_dir / "snapshots"
        if not snaps.is_dir():
            continue
        repo = repo_dir.name.removeprefix("models--").replace("--", "/")
        for snap in sorted(p for p in snaps.iterdir() if p.is_dir()):
            yield Target(
                snap,
                f"{repo}@{snap.name}",
                "huggingface::cache-snapshot",
                hf_repo=repo,
                hf_revision=snap.name,
                within=repo_dir,
            )


def _files(root: Path, within: Path, limit: int) -> tuple[list[Path], list[Path], bool]:
    """(regular files to scan, links that leave `within`, whether `limit` cut the list)."""
    out: list[Path] = []
    escaping: list[Path] = []
    inside = within.resolve()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        for fn in sorted(filenames):
            p = Path(dirpath) / fn
            if is_signature_file(p) or not p.is_file():  # is_file: HF snapshot links to blobs
                continue
            if p.is_symlink() and not p.resolve().is_relative_to(inside):
                escaping.append(p)
                continue
            if len(out) >= limit:
                return out, escaping, True
            out.append(p)
    return out, escaping, False


def _escaping_link(link: Path, root: Path) -> ArtifactScan:
    target = os.readlink(link)
    return ArtifactScan(
        location=str(link),
        format="symlink",
        issues=(
            Issue(
                code="archive-path-traversal",
                severity=Severity.HIGH,
                member=str(link.relative_to(root)),
                detail=f"symbolic link to {target[:300]!r} outside the model directory: a "
                "loader following it reads that file (not read by aiscan)",
            ),
        ),
    )


def scan_target(
    target: Target, *, limits: Limits, trust: TrustConfig | None
) -> tuple[list[ArtifactScan], int]:
    """The scans of every file of a target, each signed by the signature beside the target;
    and how many files could not be read."""
    escaping: list[Path] = []
    if target.root.is_file():
        files, capped = [target.root], False
    else:
        within = target.within or target.root
        files, escaping, capped = _files(target.root, within, limits.max_members)
    scans = [scan_path(f, location=str(f), limits=limits) for f in files]
    scans += [_escaping_link(link, target.root) for link in escaping]
    if capped:
        scans.append(
            ArtifactScan(
                location=str(target.root),
                format="directory",
                bounds=(f"more than {limits.max_members} files (max_members): the rest not read",),
            )
        )
    signature = _signature(target.root, trust)
    if signature is not None:
        scans = [s.model_copy(update={"signature": signature}) for s in scans]
    unreadable = sum(1 for s in scans if any("cannot read" in e for e in s.errors))
    return scans, unreadable


def _signature(root: Path, trust: TrustConfig | None) -> Signature | None:
    sig = signature_beside(root)
    if sig is None:
        return None
    try:
        return verify(root, sig, trust=trust)
    except Exception as exc:  # verification problems are a failed signature, never a crash
        return Signature(
            status="failed", location=str(sig), detail=f"{type(exc).__name__}: {exc}"[:500]
        )


def model_asset(target: Target, scans: list[ArtifactScan]) -> Asset:
    attributes: dict[str, object] = {
        "artifact_uri": str(target.root),
        "artifact_scans": [s.model_dump(mode="json") for s in scans],
    }
    if target.hf_repo:
        attributes["huggingface"] = {"repo": target.hf_repo, "revision": target.hf_revision}
    return Asset(
        id=str(target.root.absolute()),
        cloud=Cloud.LOCAL,
        account=ACCOUNT,
        kind=AssetKind.MODEL,
        service=SERVICE,
        type=target.type,
        name=target.name,
        attributes=attributes,
    )


def url_asset(uri: str, scans: list[ArtifactScan]) -> Asset:
    return Asset(
        id=uri,
        cloud=Cloud.LOCAL,
        account=ACCOUNT,
        kind=AssetKind.MODEL,
        service=SERVICE,
        type="url::model-artifact",
        name=uri.rstrip("/").rsplit("/", 1)[-1] or uri,
        attributes={
            "artifact_uri": uri,
            "artifact_scans": [s.model_dump(mode="json") for s in scans],
        },
    )


def scan_paths(
    paths: list[Path], *, limits: Limits, trust: TrustConfig | None
) -> tuple[list[Asset], Coverage]:
    assets: list[Asset] = []
    unreadable = files = 0
    for path in paths:
        for target in targets(path):
            scans, bad = scan_target(target, limits=limits, trust=trust)
            unreadable += bad
            files += sum(1 for s in scans if s.sha256)
            assets.append(model_asset(target, scans))
    coverage = Coverage(
        cloud=Cloud.LOCAL,
        account=ACCOUNT,
        region="local",
        service=SERVICE,
        status=CoverageStatus.ERROR if unreadable else CoverageStatus.OK,
        message=f"{unreadable} file(s) could not be read" if unreadable else "",
        assets=files,
    )
    return assets, coverage
