"""The collector interface: what a cloud plugin implements and the values it exchanges."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, TypeVar

from aiscan.core.inventory import InventoryBuilder
from aiscan.core.model import Asset, Cloud, Coverage, CoverageStatus, RelationType
from aiscan.core.shard import Shard


@dataclass(frozen=True)
class Scope:
    """What to read. Empty tuples mean "everything the identity can see"."""

    regions: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    profile: str | None = None
    org: bool = False
    assume_role: str | None = None
    external_id: str | None = None
    max_workers: int = 8
    options: Mapping[str, Any] = field(default_factory=dict)
    #: `--shard K/N`: read only this shard's accounts (or account regions); see core/shard.py.
    shard: Shard | None = None

    def wants(self, service: str) -> bool:
        return not self.services or service in self.services


class Progress(Protocol):
    def planned(self, scopes: int) -> None:
        """`scopes` more scopes are about to be read (so progress can show done / total)."""

    def started(self, description: str) -> None: ...

    def finished(self, coverage: Coverage) -> None: ...


class NullProgress:
    def planned(self, scopes: int) -> None:
        pass

    def started(self, description: str) -> None:
        pass

    def finished(self, coverage: Coverage) -> None:
        pass


class CollectorConfigError(Exception):
    """Bad configuration (missing extra, unknown region/service): a usage error, exit 2."""


class Collector(ABC):
    name: ClassVar[str]
    cloud: ClassVar[Cloud]
    extra: ClassVar[str]
    #: Every service key the collector can read, as used in `--services` and in coverage.
    services: ClassVar[tuple[str, ...]]
    #: Every cloud permission the collector may use (docs and the permissions test read this).
    permissions: ClassVar[tuple[str, ...]]
    #: How the cloud is named in messages.
    title: ClassVar[str] = ""
    #: The collector's settings (`aiscan.collectors.settings`), given by the scan request.
    settings: Any = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A cloud's collector is named, and installed as the extra, after its cloud unless it
        says otherwise."""
        super().__init_subclass__(**kwargs)
        cloud = cls.__dict__.get("cloud")
        for attr in ("name", "extra"):
            if cloud is not None and not hasattr(cls, attr):
                setattr(cls, attr, cloud.value)

    def __init__(self, *, settings: Any = None) -> None:
        if settings is not None:
            self.settings = settings

    def check_services(self, scope: Scope) -> None:
        """`--services` may name only what the collector reads: anything else is a usage error."""
        unknown = [s for s in scope.services if s not in self.services]
        if unknown:
            raise CollectorConfigError(
                f"unknown {self.title or self.name} service(s): {', '.join(unknown)} "
                f"(known: {', '.join(self.services)})"
            )

    def scan_artifacts(
        self,
        sink: InventoryBuilder,
        progress: Progress,
        options: Any,
        service: str,
        classify: Callable[[BaseException], tuple[CoverageStatus, str]],
        store_for: Callable[[Asset, Any], Any],
    ) -> None:
        """`--deep`: the artifacts of this cloud's models in `sink`, read through `store_for`'s
        object stores and recorded as the coverage `service` (aiscan/collectors/deep.py)."""
        from aiscan.collectors.deep import deep_scan  # deep.py builds on this module

        deep_scan(
            cloud=self.cloud,
            service=service,
            sink=sink,
            progress=progress,
            store_for=store_for,
            classify=classify,
            options=options,
        )

    @classmethod
    @abstractmethod
    def detect(cls, environ: Mapping[str, str]) -> str | None:
        """Why credentials for this cloud seem present, from local signals only; None if not."""

    @abstractmethod
    def collect(self, scope: Scope, sink: InventoryBuilder, progress: Progress) -> dict[str, str]:
        """Read every scope into `sink`; return the identity the scan ran as."""


#: Per-item reads (describe one endpoint, one model ...) run this many at a time inside one scope.
ITEM_WORKERS = 8

T = TypeVar("T")
R = TypeVar("R")

#: Which scope's shared item pool (if any) the current thread is a worker of.
_worker = threading.local()


class Once:
    """`fn(*args)` the first time `key` is asked for; every later or concurrent caller gets the
    same result (or the same exception). A scope holds one (reads shared by its items); a cloud
    may hold one per account for reads shared by its regions (a multi-region trail's status)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._futures: dict[Hashable, Future[Any]] = {}

    def __call__(self, key: Hashable, fn: Callable[..., R], *args: Any) -> R:
        with self._lock:
            future = self._futures.get(key)
            owner = future is None
            if future is None:
                future = self._futures[key] = Future()
        if owner:
            try:
                future.set_result(fn(*args))
            except BaseException as exc:  # even an interrupt, or the other callers wait forever
                future.set_exception(exc)
        result: R = future.result()
        return result


class ScopeRecorder(ABC):
    """The cloud-neutral bookkeeping of reading one (cloud, account, region, service) scope.

    Service modules wrap each independent read in `section` (or `each` for per-item reads, run
    `item_workers` at a time) so one denied or malformed read is recorded without hiding the
    rest; `coverage()` turns what was recorded into the scope's coverage record. Each cloud's
    context subclasses this with its own clients, references and `classify`.
    """

    cloud: ClassVar[Cloud]

    def __init__(
        self,
        *,
        account: str,
        region: str,
        service: str,
        sink: InventoryBuilder,
        problems: Iterable[tuple[CoverageStatus, str]] = (),
    ) -> None:
        self.account = account
        self.region = region
        self.service = service
        self.sink = sink
        self.assets = 0
        self.problems: list[tuple[CoverageStatus, str]] = list(problems)
        self.item_workers = ITEM_WORKERS
        self._lock = threading.Lock()
        self._once = Once()
        self._pool: ThreadPoolExecutor | None = None

    @abstractmethod
    def classify(self, exc: BaseException) -> tuple[CoverageStatus, str]:
        """The coverage status and a short, safe message for what a read raised."""

    def label(self, item: Any) -> str:
        """How an item of `each` is named in coverage messages."""
        return str(item)[:200]

    def section(self, name: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Run one independent read; a failure is recorded for this scope and yields None."""
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            status, message = self.classify(exc)
            self.note(status, f"{name}: {message}")
            return None

    def note(self, status: CoverageStatus, message: str) -> None:
        """Record a problem (or, with OK, a remark) for this scope's coverage record."""
        with self._lock:
            self.problems.append((status, message))

    def each(
        self, label: str, fn: Callable[..., R], items: Iterable[T], *args: Any
    ) -> list[R | None]:
        """`fn(*args, item)` for every item, each as its own section, `item_workers` at a time.

        Results come back in the order of `items` (None where a section failed).
        """
        todo = list(items)

        def one(item: T) -> R | None:
            return self.section(f"{label} {self.label(item)}", fn, *args, item)

        if len(todo) <= 1 or self.item_workers <= 1:
            return [one(item) for item in todo]
        shared = self._pool
        if shared is not None and getattr(_worker, "scope", None) is not self:
            return list(shared.map(one, todo))
        # no shared pool, or a nested `each` inside one of its items (waiting on the shared pool
        # from its own worker could deadlock): a pool of its own, as before
        with ThreadPoolExecutor(max_workers=min(self.item_workers, len(todo))) as pool:
            return list(pool.map(one, todo))

    @contextmanager
    def item_pool(self) -> Iterator[None]:
        """Within this block every `each` of the scope shares one pool of `item_workers`
        threads, so resource families read concurrently (each from its own thread) still keep
        at most `item_workers` item reads in flight: the per-service limit holds for the scope,
        not per family."""
        pool = ThreadPoolExecutor(
            max_workers=max(1, self.item_workers),
            thread_name_prefix=f"aiscan-{self.service}",
            initializer=self._mark_worker,
        )
        self._pool = pool
        try:
            yield
        finally:
            self._pool = None
            pool.shutdown(wait=True)

    def _mark_worker(self) -> None:
        _worker.scope = self

    def once(self, key: Hashable, fn: Callable[..., R], *args: Any) -> R:
        """`fn(*args)` the first time `key` is asked for in this scope (see `Once`): a resource
        shared by many items (an endpoint config, a job definition) is read once per scope."""
        return self._once(key, fn, *args)

    def add(self, asset: Asset) -> None:
        self.sink.add_asset(asset)
        with self._lock:
            self.assets += 1

    def relate(self, source: str, type_: RelationType, target: str | None) -> None:
        if target:
            self.sink.add_relation(source, type_, target)

    def coverage(self) -> Coverage:
        """Worst status of what was recorded (denied > error > ok); all-skipped with nothing
        read is skipped. Messages are sorted: threads finish in any order."""
        problems = sorted(self.problems)
        statuses = {s for s, _ in problems}
        if CoverageStatus.DENIED in statuses:
            status = CoverageStatus.DENIED
        elif CoverageStatus.ERROR in statuses:
            status = CoverageStatus.ERROR
        elif statuses == {CoverageStatus.SKIPPED} and self.assets == 0:
            status = CoverageStatus.SKIPPED
        else:
            status = CoverageStatus.OK
        message = "; ".join(m for _, m in problems[:20])
        if len(problems) > 20:
            message += f"; and {len(problems) - 20} more"
        return Coverage(
            cloud=self.cloud,
            account=self.account,
            region=self.region,
            service=self.service,
            status=status,
            message=message,
            assets=self.assets,
        )


# -- the fan-out every cloud uses -------------------------------------------------------------

Read = Callable[[Any], None]


def record(sink: InventoryBuilder, progress: Progress, coverage: Coverage) -> None:
    """Add a scope's coverage record and tell progress it is done."""
    sink.add_coverage(coverage)
    progress.finished(coverage)


def status_of(
    cloud: Cloud,
    account: str,
    service: str,
    status: CoverageStatus,
    message: str,
    region: str = "global",
) -> Coverage:
    """The coverage record of a scope decided without reading it (skipped, or unreadable)."""
    return Coverage(
        cloud=cloud, account=account, region=region, service=service, status=status, message=message
    )


@dataclass(frozen=True)
class FailedScope:
    """Coverage for a scope that could not be read at all (listing the accounts, assuming a
    role, probing a subscription): the classified status (never ok) and ``what: message``."""

    cloud: Cloud
    classify: Callable[[BaseException], tuple[CoverageStatus, str]]

    def coverage(
        self, exc: BaseException, what: str, *, account: str, service: str, region: str = "global"
    ) -> Coverage:
        status, message = self.classify(exc)
        return Coverage(
            cloud=self.cloud,
            account=account,
            region=region,
            service=service,
            status=status if status.incomplete else CoverageStatus.ERROR,
            message=f"{what}: {message}",
        )


@dataclass(frozen=True)
class CoverageLog:
    """Where a collector records the coverage of scopes it decides without reading them: one it
    skips (`skipped`), one a failed read left unreadable (`failed`, as `FailedScope` words it)."""

    cloud: Cloud
    classify: Callable[[BaseException], tuple[CoverageStatus, str]]
    sink: InventoryBuilder
    progress: Progress

    def skipped(
        self, account: str, service: str, status: CoverageStatus, why: str, region: str = "global"
    ) -> None:
        cov = status_of(self.cloud, account, service, status, why, region)
        record(self.sink, self.progress, cov)

    def failed(
        self, exc: BaseException, what: str, *, account: str, service: str, region: str = "global"
    ) -> None:
        failed = FailedScope(self.cloud, self.classify)
        cov = failed.coverage(exc, what, account=account, service=service, region=region)
        record(self.sink, self.progress, cov)


class FanOut:
    """Scopes read in ordered passes on one bounded pool.

    Each pass is a list of thunks (usually `scope`, which reads one scope as a section of its
    context and records its coverage); a pass starts once every thunk of the one before it has
    finished, so a later pass can read what an earlier one referred to (buckets, roles,
    identities). Progress is told how many scopes each pass plans.
    """

    def __init__(self, sink: InventoryBuilder, progress: Progress, max_workers: int) -> None:
        self.sink = sink
        self.progress = progress
        self._pool = ThreadPoolExecutor(max_workers=max(1, max_workers))

    def __enter__(self) -> FanOut:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True)

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """`fn` of every item, on the pool, in order (for what the passes are planned from)."""
        return list(self._pool.map(fn, items))

    def run(self, thunks: Iterable[Callable[[], None]], planned: int | None = None) -> None:
        """One pass: every thunk on the pool; returns when all are done (re-raising a bug)."""
        todo = list(thunks)
        self.progress.planned(len(todo) if planned is None else planned)
        for future in [self._pool.submit(t) for t in todo]:
            future.result()

    def finish(self, ctx: ScopeRecorder) -> None:
        record(self.sink, self.progress, ctx.coverage())

    def read(self, description: str, ctx: ScopeRecorder, read: Read) -> None:
        """Read one scope now: `read(ctx)` as the section named after its service, then its
        coverage record."""
        self.progress.started(description)
        ctx.section(ctx.service, read, ctx)
        self.finish(ctx)

    def scope(
        self, description: str, context: Callable[[], ScopeRecorder], read: Read
    ) -> Callable[[], None]:
        """A thunk that reads one scope (its context is made in the worker thread)."""
        return lambda: self.read(description, context(), read)

    def shared(
        self,
        contexts: Callable[[], Mapping[str, ScopeRecorder]],
        read: Callable[[Mapping[str, Any]], None],
    ) -> Callable[[], None]:
        """A thunk that reads several scopes in one go (one list answers for every project),
        as a section of the first, then records the coverage of each."""

        def run() -> None:
            todo = contexts()
            first = next(iter(todo.values()), None)
            if first is not None:
                first.section(first.service, read, todo)
            for ctx in todo.values():
                self.finish(ctx)

        return run
