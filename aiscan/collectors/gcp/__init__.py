"""The Google Cloud collector: Vertex AI and what AI assets use, across every visible project.

Plain REST through google-auth's ``AuthorizedSession`` (about 0.3 s to import, against 5-6 s for
``google.cloud.aiplatform``); google-auth is imported only when a scan runs, so ``aiscan --help``
and AWS-only scans never load it.

* Credentials: ``AISCAN_GCP_TOKEN`` (a pre-obtained OAuth access token; no credential chain runs)
  or Application Default Credentials.
* ``AISCAN_GCP_ENDPOINT`` replaces every ``*.googleapis.com`` host with one base URL (https, or
  plain http to a loopback address only). ``AISCAN_GCP_MAX_ATTEMPTS`` (5) and
  ``AISCAN_GCP_BACKOFF`` (0.5 s, doubled per attempt) tune the retries of 429/5xx answers.
* Projects: every visible one, ``--project`` restricts, ``--organization`` widens (see
  `resourcemanager`).
* Pass 1, per project, in parallel: Vertex AI per location (locations asked from the API), the
  Workbench instances, accelerated VMs and GKE node pools, and the IAM policies.
  Pass 2: the buckets, registries and service accounts pass 1 referred to, and the project-level
  posture of projects where Vertex AI is in use.
* Coverage: one record per (project, location, service); the Vertex AI location list is the
  ``aiplatform`` record of region ``global``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from aiscan.collectors.base import (
    Collector,
    CollectorConfigError,
    CoverageLog,
    FanOut,
    Progress,
    Read,
    Scope,
    record,
    status_of,
)
from aiscan.collectors.gcp import (
    artifactregistry,
    compute,
    iam,
    posture,
    resourcemanager,
    storage,
    vertex,
    workbench,
)
from aiscan.collectors.settings import GcpSettings
from aiscan.core.inventory import InventoryBuilder
from aiscan.core.model import Cloud, CoverageStatus
from aiscan.core.shard import accounts_of

#: Every service key, as used in --services and coverage.
ALL_SERVICES: tuple[str, ...] = (
    "aiplatform",
    "notebooks",
    "compute",
    "container",
    "resourcemanager",
    "storage",
    "artifactregistry",
    "iam",
    "orgpolicy",
    "accesscontextmanager",
    "modelarmor",
    "apikeys",
)
_MODULES = (artifactregistry, compute, iam, posture, resourcemanager, storage, vertex, workbench)
#: Every IAM permission the collector may use, from what each module's reads need (the custom
#: role of docs/gcp-permissions.md, `permissions.document`).
PERMISSIONS: tuple[str, ...] = tuple(sorted({p for m in _MODULES for p in m.PERMISSIONS}))


class GcpCollector(Collector):
    cloud: ClassVar[Cloud] = Cloud.GCP  # also its name and extra ("gcp")
    services: ClassVar[tuple[str, ...]] = ALL_SERVICES
    permissions: ClassVar[tuple[str, ...]] = PERMISSIONS
    title: ClassVar[str] = "Google Cloud"
    settings: GcpSettings = GcpSettings()

    @classmethod
    def detect(cls, environ: Mapping[str, str]) -> str | None:
        import os.path

        if environ.get("AISCAN_GCP_TOKEN"):
            return "AISCAN_GCP_TOKEN is set"
        path = environ.get("GOOGLE_APPLICATION_CREDENTIALS")
        if path and os.path.isfile(path):
            return "GOOGLE_APPLICATION_CREDENTIALS is set"
        config = environ.get("CLOUDSDK_CONFIG") or os.path.join(
            environ.get("HOME", ""), ".config", "gcloud"
        )
        adc = os.path.join(config, "application_default_credentials.json")
        if (environ.get("HOME") or environ.get("CLOUDSDK_CONFIG")) and os.path.isfile(adc):
            return f"{adc} exists"
        return None

    # -- connection -----------------------------------------------------------------------------

    def connect(self, *, object_reads: bool = False) -> tuple[Any, dict[str, str]]:
        """(GcpHttp, identity) from AISCAN_GCP_TOKEN or Application Default Credentials;
        `object_reads` (--deep) lets the guard pass Cloud Storage object contents too."""
        try:
            from aiscan.collectors.gcp.http import GcpHttp, authorized_session, check_endpoint
        except ImportError as exc:  # pragma: no cover - depends on the installed extras
            raise CollectorConfigError(
                "the GCP collector needs google-auth and requests: pip install 'aiscan[gcp]'"
            ) from exc
        endpoint = self.settings.endpoint
        endpoint = check_endpoint(endpoint) if endpoint else None
        identity = {"cloud": "gcp"}
        token = self.settings.token.get_secret_value() if self.settings.token else None
        if token:
            from google.oauth2.credentials import Credentials

            credentials: Any = Credentials(token=token.strip())  # type: ignore[no-untyped-call]
            identity["credentials"] = "AISCAN_GCP_TOKEN"
        else:
            import google.auth
            from google.auth.exceptions import DefaultCredentialsError

            try:
                credentials, _ = google.auth.default(scopes=[compute.CLOUD_PLATFORM])
            except DefaultCredentialsError as exc:
                raise CollectorConfigError(
                    "no Google Cloud credentials: run `gcloud auth application-default login`, "
                    "set GOOGLE_APPLICATION_CREDENTIALS, or set AISCAN_GCP_TOKEN"
                ) from exc
            identity["credentials"] = "application-default"
            email = getattr(credentials, "service_account_email", None)
            if isinstance(email, str) and email and email != "default":
                identity["principal"] = email
        if endpoint:
            identity["endpoint"] = endpoint
        http = GcpHttp(
            authorized_session(
                credentials,
                refresh=not token,  # a pre-obtained token cannot be refreshed
                object_reads=object_reads,
                environ=self.settings.trust.variables,
            ),
            endpoint=endpoint,
            max_attempts=self.settings.max_attempts,
            backoff=self.settings.backoff,
        )
        return http, identity

    # -- the scan -------------------------------------------------------------------------------

    def collect(self, scope: Scope, sink: InventoryBuilder, progress: Progress) -> dict[str, str]:
        from aiscan.collectors.gcp.context import References, ScopeContext

        self.check_services(scope)
        from aiscan.collectors.deep import options_of

        deep = options_of(scope.options)
        http, identity = self.connect(object_reads=deep is not None)
        projects = self._projects(scope, http, sink, progress)
        identity["projects"] = str(len(projects))
        if not projects:
            return identity
        refs = References()
        by_number = {p.number: p for p in projects if p.number}

        def ctx_for(project: Any, region: str, service: str) -> ScopeContext:
            return ScopeContext(
                project=project,
                region=region,
                service=service,
                http=http,
                sink=sink,
                refs=refs,
                regions=scope.regions,
            )

        def task(project: Any, region: str, service: str, fn: Read) -> Callable[[], None]:
            return fan.scope(
                f"gcp {project.id} {region} {service}",
                lambda: ctx_for(project, region, service),
                fn,
            )

        pass1: dict[str, Read] = {
            "notebooks": workbench.collect,
            "compute": compute.collect_instances,
            "container": compute.collect_node_pools,
            "resourcemanager": resourcemanager.collect,
        }
        with FanOut(sink, progress, scope.max_workers) as fan:
            locations: dict[str, list[str]] = {}
            if scope.wants("aiplatform"):
                progress.planned(len(projects))
                found = fan.map(lambda p: self._locations(p, scope, ctx_for, fan), projects)
                locations = dict(zip((p.id for p in projects), found, strict=True))
            fan.run(
                [
                    task(project, loc, "aiplatform", vertex.collect_location)
                    for project in projects
                    for loc in locations.get(project.id, [])
                ]
                + [
                    task(project, "global", svc, fn)
                    for project in projects
                    for svc, fn in pass1.items()
                    if scope.wants(svc)
                ]
            )
            # Pass 2: what pass 1 referred to, and project posture where Vertex AI is in use.
            pass2: dict[str, Callable[[Any], None]] = {
                "storage": lambda cs: storage.collect_all(cs, by_number),
                "artifactregistry": artifactregistry.collect_all,
                "iam": lambda cs: iam.collect_all(cs, by_number, {p.id for p in projects}),
            }

            def every_project(service: str) -> Callable[[], dict[str, ScopeContext]]:
                return lambda: {p.id: ctx_for(p, "global", service) for p in projects}

            shared = [
                fan.shared(every_project(svc), fn) for svc, fn in pass2.items() if scope.wants(svc)
            ]
            ai = [p for p in projects if p.id in refs.ai_projects]
            for project in ai:
                posture.collect_base(ctx_for(project, "global", "aiplatform"))
            scoped = [
                task(project, "global", svc, fn)
                for project in ai
                for svc, fn in posture.SCOPES.items()
                if scope.wants(svc)
            ]
            fan.run(shared + scoped, planned=len(shared) * len(projects) + len(scoped))
        if deep is not None:
            from aiscan.collectors.gcp.errors import classify
            from aiscan.collectors.gcp.objects import SERVICE, GcsStore

            store = GcsStore(http)
            self.scan_artifacts(sink, progress, deep, SERVICE, classify, lambda a, r: store)
        return identity

    def _locations(
        self, project: Any, scope: Scope, ctx_for: Callable[..., Any], fan: FanOut
    ) -> list[str]:
        """The Vertex AI locations to read in a project (asked from the API)."""
        ctx = ctx_for(project, "global", "aiplatform")
        fan.progress.started(f"gcp {project.id} locations aiplatform")
        offered = ctx.section("locations", vertex.list_locations, ctx.http, project.id)
        if offered is not None:
            ctx.refs.mark_ai(project.id)  # the Vertex AI API is enabled here
        fan.finish(ctx)
        if offered is None:
            return []
        if not scope.regions:
            return list(offered)
        for region in scope.regions:
            if region not in offered:
                why = "Vertex AI is not offered in this location"
                skipped = CoverageStatus.SKIPPED
                cov = status_of(Cloud.GCP, project.id, "aiplatform", skipped, why, region)
                record(fan.sink, fan.progress, cov)
        return [loc for loc in offered if loc in scope.regions]

    def _projects(
        self, scope: Scope, http: Any, sink: InventoryBuilder, progress: Progress
    ) -> list[Any]:
        from aiscan.collectors.gcp.errors import classify

        rm = resourcemanager

        def read(
            account: str, what: str, fn: Callable[..., Any], *args: Any, then: Any = None
        ) -> Any:
            """`fn(http, *args)`, or when it fails `then(http, *args)`; None when that fails too,
            recorded as the resource-manager coverage of `account`."""
            try:
                try:
                    return fn(http, *args)
                except Exception:
                    if then is None:
                        raise
                    return then(http, *args)
            except Exception as exc:
                CoverageLog(Cloud.GCP, classify, sink, progress).failed(
                    exc, what, account=account, service=rm.SERVICE
                )
                return None

        wanted = tuple(scope.options.get("projects") or ())
        org = str(scope.options.get("organization") or "").removeprefix("organizations/")
        if org:
            found = read(
                f"organizations/{org}",
                "cannot list the organization's projects",
                rm.organization_projects_from_assets,
                org,
                then=rm.organization_projects_from_tree,
            )
            projects = [p for p in found or [] if not wanted or p.id in wanted]
        elif wanted:
            found = [read(i, "cannot read the project", rm.get_project, i) for i in wanted]
            projects = [p for p in found if p is not None]
        else:
            projects = read("*", "cannot list projects", rm.search_projects) or []
        unique = {p.id: p for p in projects}
        # Projects are this cloud's unit of work: each is read whole by one shard.
        return [unique[k] for k in accounts_of(scope.shard, unique)]
