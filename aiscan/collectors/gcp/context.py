"""What a service module gets while it reads one (project, location, service) scope.

Service modules call Google only through `ctx.http`, wrap each independent read in
`ctx.section(...)` so one denied read does not hide the rest, and write assets and relations
through `ctx`. Whatever a section raised ends up in this scope's coverage record (the
cloud-neutral part is `collectors.base.ScopeRecorder`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, ClassVar

from aiscan.collectors.base import ITEM_WORKERS, ScopeRecorder
from aiscan.collectors.gcp.errors import classify
from aiscan.collectors.gcp.http import GcpHttp
from aiscan.collectors.gcp.names import (
    bucket_id,
    gcs_bucket_of,
    repository_of,
    service_account_id,
)
from aiscan.core.inventory import InventoryBuilder
from aiscan.core.model import Asset, Cloud, CoverageStatus, RelationType


@dataclass(frozen=True)
class Project:
    id: str
    number: str
    name: str = ""
    parent: str = ""  # organizations/N or folders/N ("" when unknown)


@dataclass
class References:
    """What the first pass found, for the second pass (buckets, images, identities, posture).

    bucket name / image URI / service-account email -> {(referring asset id, its project id)}.
    """

    buckets: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    images: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    service_accounts: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    #: projects where Vertex AI is in use (API enabled or an AI asset found)
    ai_projects: set[str] = field(default_factory=set)
    #: project id -> its IAM policy (absent when unread); resource -> ancestor policy or None
    project_policies: dict[str, dict[str, Any]] = field(default_factory=dict)
    ancestor_policies: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    #: project id -> its ancestors, nearest first (folders/N ..., organizations/N)
    ancestors: dict[str, list[str]] = field(default_factory=dict)
    #: organization -> service perimeters of its access policies (read once per organization)
    perimeters: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, kind: str, key: str, by: str, project: str) -> None:
        with self._lock:
            getattr(self, kind).setdefault(key, set()).add((by, project))

    def mark_ai(self, project: str) -> None:
        with self._lock:
            self.ai_projects.add(project)


class ScopeContext(ScopeRecorder):
    cloud: ClassVar[Cloud] = Cloud.GCP

    def __init__(
        self,
        *,
        project: Project,
        region: str,
        service: str,
        http: GcpHttp,
        sink: InventoryBuilder,
        refs: References,
        item_workers: int = ITEM_WORKERS,
        regions: tuple[str, ...] = (),
    ) -> None:
        super().__init__(account=project.id, region=region, service=service, sink=sink)
        self.project = project
        self.http = http
        self.refs = refs
        self.item_workers = item_workers
        self.regions = regions

    def classify(self, exc: BaseException) -> tuple[CoverageStatus, str]:
        return classify(exc)

    def wants_location(self, location: str | None) -> bool:
        """Whether a region or zone is inside ``--regions`` (a zone belongs to its region)."""
        if not self.regions or not location:
            return True
        return any(location == r or location.startswith(r + "-") for r in self.regions)

    def add(self, asset: Asset) -> None:
        super().add(asset)
        if asset.service in ("aiplatform", "notebooks"):  # Vertex AI is in use here
            self.refs.mark_ai(self.project.id)

    def use_bucket(self, asset_id: str, uri: str | None, type_: RelationType) -> None:
        """Relate an asset to the bucket of a gs:// URI and queue the bucket for reading."""
        name = gcs_bucket_of(uri)
        if name is not None:
            self.relate(asset_id, type_, bucket_id(name))
            self.refs.add("buckets", name, asset_id, self.project.id)

    def use_image(self, asset_id: str, uri: str | None) -> None:
        """Record an image an asset runs; for Artifact Registry images relate to the repository."""
        if uri:
            self.refs.add("images", uri, asset_id, self.project.id)
            repo = repository_of(uri)
            self.relate(asset_id, RelationType.PULLS_IMAGE, repo.id if repo else None)

    def use_service_account(self, asset_id: str, email: str | None) -> None:
        """Relate an asset to the service account it runs as and queue the account."""
        if email:
            self.relate(asset_id, RelationType.RUNS_AS, service_account_id(email))
            self.refs.add("service_accounts", email, asset_id, self.project.id)
