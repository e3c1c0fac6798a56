"""What a service module gets while it reads one (account, region, service) scope.

Service modules call the SDK only through `ctx.client(...)`, wrap each independent read in
`ctx.section(...)` so one denied operation does not hide the rest, and write assets and relations
through `ctx`. Whatever a section raised ends up in this scope's coverage record.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from aiscan.collectors.aws.errors import classify
from aiscan.collectors.base import ITEM_WORKERS, Once, ScopeRecorder
from aiscan.core.inventory import InventoryBuilder
from aiscan.core.model import Cloud, CoverageStatus, RelationType
from aiscan.core.refs import parse_image, s3_bucket_of

__all__ = ["ITEM_WORKERS", "References", "ScopeContext", "paginate"]

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
    #: reads shared by the account's regions: a multi-region trail's status and selectors, an
    #: instance profile (IAM is global)
    once: Once = field(default_factory=Once, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, kind: str, key: str, by: str) -> None:
        with self._lock:
            getattr(self, kind).setdefault(key, set()).add(by)


class ScopeContext(ScopeRecorder):
    cloud: ClassVar[Cloud] = Cloud.AWS

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
        super().__init__(account=account, region=region, service=service, sink=sink)
        self.partition = partition
        self._client = client
        self.refs = refs

    def classify(self, exc: BaseException) -> tuple[CoverageStatus, str]:
        return classify(exc)

    def client(self, service_name: str, region: str | None = None) -> Any:
        return self._client(service_name, region or self.region)

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
