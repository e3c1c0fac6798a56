"""--deep, after a cloud's collection: stream the artifacts of every model it found and attach
what the scanner saw (``artifact_scans``) to the model asset.

Cloud-neutral: each collector hands in how to reach its object store (`store_for`), how to
classify what a read raised, and the coverage service name (``s3-artifacts``, ``gcs-artifacts``,
``blob-artifacts``). Every read that fails is coverage for that account (denied or error), so a
CI gate never passes on artifacts it could not open; the artifact itself carries the error, so
its rules answer manual.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, ClassVar

from aiscan.artifacts import ArtifactScan, Limits
from aiscan.artifacts.remote import (
    ArtifactNotFound,
    ObjectRef,
    ObjectStore,
    locate,
    parse_uri,
    scan_location,
)
from aiscan.artifacts.signing import TrustConfig
from aiscan.collectors.base import Progress, ScopeRecorder
from aiscan.collectors.settings import ScanSettings
from aiscan.core.inventory import InventoryBuilder
from aiscan.core.model import Asset, Cloud, Coverage, CoverageStatus
from aiscan.core.sanitize import clean_text

#: Artifacts downloaded and scanned at the same time (each may be gigabytes: keep it small).
WORKERS = 4


@dataclass(frozen=True)
class DeepOptions:
    """What ``--deep`` was asked to do (``Scope.options["deep"]``)."""

    limits: Limits = field(default_factory=Limits)
    trust: TrustConfig | None = None
    workers: int = WORKERS


def options_of(scope_options: Any) -> DeepOptions | None:
    value = scope_options.get("deep") if scope_options else None
    return value if isinstance(value, DeepOptions) else None


Classify = Callable[[BaseException], tuple[CoverageStatus, str]]


def _classify(classify: Classify, exc: BaseException) -> tuple[CoverageStatus, str]:
    """The cloud's classification of a failed object read; a skip is never a reason to trust an
    unread artifact, so it counts as an error."""
    if isinstance(exc, ArtifactNotFound):
        return CoverageStatus.ERROR, str(exc)
    status, message = classify(exc)
    return (status if status.incomplete else CoverageStatus.ERROR), message


class DeepRecorder(ScopeRecorder):
    """Coverage of the object reads in one account (``assets`` counts the objects scanned)."""

    cloud: ClassVar[Cloud] = Cloud.LOCAL

    def __init__(self, classify: Classify, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._classify = classify

    @classmethod
    def of(cls, cloud: Cloud) -> type[DeepRecorder]:
        return type(f"DeepRecorder_{cloud.value}", (cls,), {"cloud": cloud})

    def classify(self, exc: BaseException) -> tuple[CoverageStatus, str]:
        return self._classify(exc)

    def scanned(self, n: int) -> None:
        with self._lock:
            self.assets += n


def deep_scan(
    *,
    cloud: Cloud,
    service: str,
    sink: InventoryBuilder,
    progress: Progress,
    store_for: Callable[[Asset, ObjectRef], ObjectStore],
    classify: Classify,
    options: DeepOptions,
) -> None:
    """Scan the artifacts of every `cloud` model in `sink`; attach them; record coverage."""
    located = locate(sink.build(), cloud=cloud.value)
    recorders: dict[str, DeepRecorder] = {}
    #: (account, object) -> scans: read once per account (another account's read may differ)
    cache: dict[tuple[str, str], list[ArtifactScan]] = {}
    lock = threading.Lock()
    recorder_class = DeepRecorder.of(cloud)

    def recorder(account: str) -> DeepRecorder:
        with lock:
            if account not in recorders:
                progress.started(f"{cloud.value} {account} {service}")
                recorders[account] = recorder_class(
                    classify, account=account, region="global", service=service, sink=sink
                )
            return recorders[account]

    def one_location(asset: Asset, uri: str, ref: ObjectRef | None) -> list[ArtifactScan]:
        rec = recorder(asset.account)
        if ref is None:
            message = f"{clean_text(uri, 200)}: not an object-store location aiscan can read"
            rec.note(CoverageStatus.ERROR, message)
            return [ArtifactScan(location=uri, format="unknown", errors=(message,))]
        key = (asset.account, ref.uri)
        with lock:
            if key in cache:
                return cache[key]

        def on_error(target: ObjectRef, exc: BaseException) -> str:
            status, message = _classify(classify, exc)
            rec.note(status, f"{clean_text(target.uri, 300)}: {message}")
            return message

        try:
            store = store_for(asset, ref)
            scans = scan_location(
                store, ref, limits=options.limits, trust=options.trust, on_error=on_error
            )
        except Exception as exc:  # a store that cannot even be built is an error, not a crash
            scans = [
                ArtifactScan(
                    location=ref.uri,
                    format="unknown",
                    errors=(f"cannot read: {on_error(ref, exc)}",),
                )
            ]
        rec.scanned(sum(1 for s in scans if s.sha256))
        with lock:
            cache[key] = scans
        return scans

    def one_model(item: Any) -> None:
        scans: list[ArtifactScan] = []
        for uri, ref in item.targets:
            scans.extend(one_location(item.asset, uri, ref))
        attributes = {
            **item.asset.attributes,
            "artifact_scans": [s.model_dump(mode="json") for s in scans],
        }
        sink.add_asset(item.asset.model_copy(update={"attributes": attributes}))

    with ThreadPoolExecutor(max_workers=max(1, options.workers)) as pool:
        list(pool.map(one_model, located))
    for rec in recorders.values():
        cov = rec.coverage()
        sink.add_coverage(cov)
        progress.finished(cov)


def open_store(
    uri: str, settings: ScanSettings | None = None
) -> tuple[ObjectRef, ObjectStore, Classify, Cloud]:
    """The store of one ``s3://`` / ``gs://`` / Azure blob URL, reached with the local
    credentials and the endpoint overrides of `settings` (``aiscan artifacts URL``); object reads
    are allowed."""
    from aiscan.collectors.base import CollectorConfigError

    settings = settings or ScanSettings()
    ref = parse_uri(uri)
    if ref is None:
        raise CollectorConfigError(f"not an s3://, gs:// or Azure blob URL: {uri[:200]!r}")
    try:
        if ref.scheme == "s3":
            from aiscan.collectors.aws import AwsCollector
            from aiscan.collectors.aws.errors import classify as aws_classify
            from aiscan.collectors.aws.objects import S3Store

            aws = AwsCollector(settings=settings.aws)
            aws.object_reads = True
            session = aws._new_session(None)  # botocore resolves AWS_PROFILE itself
            return ref, S3Store(session, settings.aws), aws_classify, Cloud.AWS
        if ref.scheme == "gs":
            from aiscan.collectors.gcp import GcpCollector
            from aiscan.collectors.gcp.errors import classify as gcp_classify
            from aiscan.collectors.gcp.objects import GcsStore

            http, _ = GcpCollector(settings=settings.gcp).connect(object_reads=True)
            return ref, GcsStore(http), gcp_classify, Cloud.GCP
        from aiscan.collectors.azure.errors import classify as azure_classify
        from aiscan.collectors.azure.objects import BlobStore

        return ref, BlobStore(settings.azure), azure_classify, Cloud.AZURE
    except ImportError as exc:
        extra = {"s3": "aws", "gs": "gcp", "azure": "azure"}[ref.scheme]
        raise CollectorConfigError(
            f"reading {uri[:100]} needs pip install 'aiscan[{extra}]'"
        ) from exc


SERVICES = {"s3": "s3-artifacts", "gs": "gcs-artifacts", "azure": "blob-artifacts"}


def scan_url(
    uri: str,
    *,
    limits: Limits | None = None,
    trust: TrustConfig | None = None,
    settings: ScanSettings | None = None,
) -> tuple[list[ArtifactScan], Coverage]:
    """Scan what one object-store URL holds (an object or a prefix); the coverage record of the
    reads (denied/error when any failed, so the exit code says the scan is incomplete)."""
    ref, store, classify, cloud = open_store(uri, settings)
    problems: list[tuple[CoverageStatus, str]] = []

    def on_error(target: ObjectRef, exc: BaseException) -> str:
        status, message = _classify(classify, exc)
        problems.append((status, f"{clean_text(target.uri, 300)}: {message}"))
        return message

    scans = scan_location(store, ref, limits=limits, trust=trust, on_error=on_error)
    worst = CoverageStatus.OK
    if any(s is CoverageStatus.DENIED for s, _ in problems):
        worst = CoverageStatus.DENIED
    elif problems:
        worst = CoverageStatus.ERROR
    cov = Coverage(
        cloud=cloud,
        account=ref.account or ref.container,
        region="global",
        service=SERVICES[ref.scheme],
        status=worst,
        message="; ".join(m for _, m in problems[:20])[:2000],
        assets=sum(1 for s in scans if s.sha256),
    )
    return scans, cov
