"""What a service module gets while it reads one (account, region, service) scope.

Service modules call the SDK only through `ctx.client(...)`, wrap each independent read in
`ctx.section(...)` so one denied operation does not hide the rest, and write assets and relations
through `ctx`. Whatever a section raised ends up in this scope's coverage record.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiscan.collectors.aws.errors import classify
from aiscan.core.inventory import InventoryBuilder
from aiscan.core.model import Asset, Coverage, CoverageStatus, RelationType
from aiscan.core.refs import parse_image, s3_bucket_of

T = TypeVar("T")
R = TypeVar("R")

#: Per-item reads (describe one endpoint, one model ...) run this many at a time inside one
#: scope. botocore clients are thread-safe; real latency (~50-100 ms a call) dominates.
ITEM_WORKERS = 8

#: Bound on how many items one list operation may return, so a hostile or huge account cannot
#: exhaust memory. Hitting it is recorded as an error for the scope.
MAX_ITEMS_PER_LIST = 50_000


@dataclass
class References:
    """Things AI assets point at, read after the regional pass (they are global or cross-region).

    bucket name -> referring asset ids; image URI -> asset ids; role ARN -> asset ids.
    """

    buckets: dict[str, set[str]] = field(default_factory=dict)
    images: dict[str, set[str]] = field(default_factory=dict)
    roles: dict[str, set[str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, kind: str, key: str, by: str) -> None:
        with self._lock:
            getattr(self, kind).setdefault(key, set()).add(by)


class ScopeContext:
    def __init__(
        self,
        *,
        account: str,
        region: str,
        service: str,
        partition: str,
        client: Callable[[str, str], Any],
        sink: InventoryBuilder,
        refs: References,
    ) -> None:
        self.account = account
        self.region = region
        self.service = service
        self.partition = partition
        self._client = client
        self.sink = sink
        self.refs = refs
        self.assets = 0
        self.problems: list[tuple[CoverageStatus, str]] = []
        self.item_workers = ITEM_WORKERS
        self._lock = threading.Lock()

    def client(self, service_name: str, region: str | None = None) -> Any:
        return self._client(service_name, region or self.region)

    def section(self, name: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Run one independent read; a failure is recorded for this scope and yields None."""
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            status, message = classify(exc)
            with self._lock:
                self.problems.append((status, f"{name}: {message}"))
            return None

    def note(self, status: CoverageStatus, message: str) -> None:
        """Record a problem (or, with OK, a remark) for this scope's coverage record."""
        with self._lock:
            self.problems.append((status, message))

    def each(
        self,
        label: str,
        fn: Callable[..., R],
        items: Iterable[T],
        *args: Any,
    ) -> list[R | None]:
        """`fn(*args, item)` for every item, each as its own section, `item_workers` at a time.

        Results come back in the order of `items` (None where a section failed).
        """
        todo = list(items)

        def one(item: T) -> R | None:
            return self.section(f"{label} {item}", fn, *args, item)

        if len(todo) <= 1 or self.item_workers <= 1:
            return [one(item) for item in todo]
        with ThreadPoolExecutor(max_workers=min(self.item_workers, len(todo))) as pool:
            return list(pool.map(one, todo))

    def add(self, asset: Asset) -> None:
        self.sink.add_asset(asset)
        with self._lock:
            self.assets += 1

    def relate(self, source: str, type_: RelationType, target: str | None) -> None:
        if target:
            self.sink.add_relation(source, type_, target)

    def use_bucket(self, asset_id: str, uri: str | None, type_: RelationType) -> str | None:
        """Relate an asset to the S3 bucket of `uri` and queue that bucket for reading."""
        bucket = s3_bucket_of(uri)
        if bucket is None:
            return None
        arn = self.bucket_arn(bucket)
        self.relate(asset_id, type_, arn)
        self.refs.add("buckets", bucket, asset_id)
        return arn

    def use_image(self, asset_id: str, uri: str | None) -> str | None:
        """Record an image an asset runs; for ECR images relate to the repository's ARN."""
        if not uri:
            return None
        self.refs.add("images", uri, asset_id)
        ref = parse_image(uri)
        if not ref.is_ecr:
            return None
        arn = (
            f"arn:{self.partition}:ecr:{ref.ecr_region}:{ref.ecr_account}:repository/"
            f"{ref.repository}"
        )
        self.relate(asset_id, RelationType.PULLS_IMAGE, arn)
        return arn

    def use_role(self, asset_id: str, role_arn: str | None) -> None:
        """Relate an asset to the IAM role it runs as and queue the role for reading."""
        if role_arn and ":role/" in role_arn:
            self.relate(asset_id, RelationType.RUNS_AS, role_arn)
            self.refs.add("roles", role_arn, asset_id)

    def arn(self, service: str, resource: str, *, region: bool = True) -> str:
        reg = self.region if region else ""
        return f"arn:{self.partition}:{service}:{reg}:{self.account}:{resource}"

    def bucket_arn(self, bucket: str) -> str:
        return f"arn:{self.partition}:s3:::{bucket}"

    def coverage(self) -> Coverage:
        statuses = [s for s, _ in self.problems]
        if CoverageStatus.DENIED in statuses:
            status = CoverageStatus.DENIED
        elif CoverageStatus.ERROR in statuses:
            status = CoverageStatus.ERROR
        elif statuses and self.assets == 0 and all(s is CoverageStatus.SKIPPED for s in statuses):
            status = CoverageStatus.SKIPPED
        else:
            status = CoverageStatus.OK
        problems = sorted(self.problems)  # threads finish in any order; keep reports stable
        message = "; ".join(m for _, m in problems[:20])
        if len(problems) > 20:
            message += f"; and {len(problems) - 20} more"
        from aiscan.core.model import Cloud

        return Coverage(
            cloud=Cloud.AWS,
            account=self.account,
            region=self.region,
            service=self.service,
            status=status,
            message=message,
            assets=self.assets,
        )


def paginate(client: Any, operation: str, key: str, **kwargs: Any) -> Iterator[Any]:
    """Every item of a list operation, following the service's pagination, bounded.

    `operation` is the client method name (``list_endpoints``); operations botocore has no
    paginator for are followed through their NextToken/nextToken field.
    """
    count = 0
    if client.can_paginate(operation):
        pages = client.get_paginator(operation).paginate(**kwargs)
    else:
        op_model = client.meta.service_model.operation_model(
            client.meta.method_to_api_mapping[operation]
        )
        members = op_model.input_shape.members if op_model.input_shape else {}
        token_param = "nextToken" if "nextToken" in members else "NextToken"
        pages = _token_pages(getattr(client, operation), kwargs, token_param)
    for page in pages:
        for item in page.get(key) or []:
            count += 1
            if count > MAX_ITEMS_PER_LIST:
                raise OverflowError(f"{operation} returned more than {MAX_ITEMS_PER_LIST} items")
            yield item


def _token_pages(
    call: Callable[..., Any], kwargs: dict[str, Any], token_param: str
) -> Iterator[Any]:
    token: str | None = None
    seen: set[str] = set()
    while True:
        args = dict(kwargs)
        if token:
            args[token_param] = token
        page = call(**args)
        yield page
        token = page.get("NextToken") or page.get("nextToken")
        if not token or token in seen:  # a repeated token would loop forever
            return
        seen.add(token)
