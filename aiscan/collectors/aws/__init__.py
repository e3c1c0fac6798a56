"""The AWS collector: fans out over accounts x regions x services with bounded concurrency.

boto3 is imported only inside methods, so listing plugins or `aiscan --help` never pays for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from aiscan.collectors.aws.context import References, ScopeContext
from aiscan.collectors.aws.permissions import PERMISSIONS
from aiscan.collectors.aws.services import GLOBAL_SERVICES, REGIONAL_SERVICES, SERVICE_ENDPOINTS
from aiscan.collectors.base import (
    Collector,
    CollectorConfigError,
    CoverageLog,
    FailedScope,
    FanOut,
    Progress,
    Scope,
)
from aiscan.collectors.settings import AwsSettings
from aiscan.core.inventory import InventoryBuilder
from aiscan.core.model import Cloud, CoverageStatus
from aiscan.core.shard import Shard, accounts_of, by_account, plan

ALL_SERVICES = tuple(REGIONAL_SERVICES) + tuple(GLOBAL_SERVICES)


def _keep_s3control_on_custom_endpoint(botocore_session: Any, settings: AwsSettings) -> None:
    """With AWS_ENDPOINT_URL (a VPC endpoint, a private gateway, an emulator), S3 Control's
    endpoint rules still prepend the account id to the host (``123456789012.<host>``), which such
    endpoints do not serve; send those requests to the configured host itself."""
    from urllib.parse import urlsplit, urlunsplit

    url = settings.s3control_endpoint or settings.endpoint_url
    if not url:
        return
    authority = urlsplit(url).netloc

    def to_configured_host(request: Any, **_: Any) -> None:
        parts = urlsplit(request.url)
        if parts.netloc != authority and parts.netloc.endswith("." + authority):
            request.url = urlunsplit(parts._replace(netloc=authority))

    botocore_session.register(
        "before-send.s3-control", to_configured_host, unique_id="aiscan-s3control-endpoint"
    )


def _isolate(botocore_session: Any, settings: AwsSettings) -> None:
    """No profile, config or credentials file, CA or endpoint variable of the environment: the
    settings alone say where clients go and who they are (the demo's emulator)."""
    from botocore.configprovider import ConstantProvider

    store = botocore_session.get_component("config_store")
    for name, value in (
        ("profile", None),
        ("config_file", "/dev/null"),
        ("credentials_file", "/dev/null"),
        ("ca_bundle", None),
        ("ignore_configured_endpoint_urls", True),
        ("region", settings.region),
    ):
        store.set_config_provider(name, ConstantProvider(value))


@dataclass
class Account:
    id: str
    partition: str
    session: Any  # boto3.Session
    name: str = ""


class AwsCollector(Collector):
    cloud: ClassVar[Cloud] = Cloud.AWS
    services: ClassVar[tuple[str, ...]] = ALL_SERVICES
    permissions: ClassVar[tuple[str, ...]] = PERMISSIONS
    title: ClassVar[str] = "AWS"
    settings: AwsSettings = AwsSettings()

    def __init__(
        self,
        session_factory: Callable[[str | None], Any] | None = None,
        *,
        settings: AwsSettings | None = None,
    ) -> None:
        """`session_factory(profile)` returns a boto3 Session; tests use it to add botocore
        handlers for operations moto lacks. The read-only guard is installed either way."""
        super().__init__(settings=settings)
        self._session_factory = session_factory
        #: --deep: sessions may also read object contents (s3:GetObject), nothing else more.
        self.object_reads = False
        self._clients: dict[tuple[str, str, str], Any] = {}
        self._lock = threading.Lock()

    @classmethod
    def detect(cls, environ: Mapping[str, str]) -> str | None:
        import os.path

        for var in ("AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE"):
            if environ.get(var):
                return f"{var} is set"
        if environ.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") or environ.get(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI"
        ):
            return "container credentials are configured"
        home = environ.get("HOME", "")
        for path in (
            environ.get("AWS_SHARED_CREDENTIALS_FILE", f"{home}/.aws/credentials"),
            environ.get("AWS_CONFIG_FILE", f"{home}/.aws/config"),
        ):
            if path and os.path.isfile(path):
                return f"{path} exists"
        return None

    # -- sessions and clients -------------------------------------------------------------------

    def _new_session(self, profile: str | None, **credentials: Any) -> Any:
        try:
            import boto3
            import botocore.session
        except ImportError as exc:  # pragma: no cover - depends on the installed extras
            raise CollectorConfigError(
                "the AWS collector needs boto3: pip install 'aiscan[aws]'"
            ) from exc
        from aiscan.collectors.aws import guard, transport

        settings = self.settings
        if self._session_factory is not None and not credentials:
            session = self._session_factory(profile)
        else:
            core = botocore.session.Session(profile=profile)
            if settings.isolated:
                _isolate(core, settings)
            if not credentials and settings.access_key_id and settings.secret_access_key:
                credentials = {
                    "aws_access_key_id": settings.access_key_id.get_secret_value(),
                    "aws_secret_access_key": settings.secret_access_key.get_secret_value(),
                    "aws_session_token": settings.session_token.get_secret_value()
                    if settings.session_token
                    else None,
                }
            if settings.region and "region_name" not in credentials:
                credentials["region_name"] = settings.region
            session = boto3.Session(botocore_session=core, **credentials)
        guard.install(session._session, object_reads=self.object_reads)
        transport.install(session._session)
        # a CA variable naming no file: exit 2 here
        transport.client_kwargs(session._session, settings)
        _keep_s3control_on_custom_endpoint(session._session, settings)
        return session

    def _client(self, account: Account, service: str, region: str) -> Any:
        key = (account.id, service, region)
        with self._lock:  # boto3 sessions are not thread-safe; clients are
            client = self._clients.get(key)
            if client is None:
                client = self._new_client(account.session, service, region)
                self._clients[key] = client
        return client

    def _new_client(self, session: Any, service: str, region: str) -> Any:
        """A scanning client: retries, trust store and error handling of `transport`."""
        from aiscan.collectors.aws import transport

        client = session.client(
            service,
            region_name=region,
            config=transport.client_config(self.settings),
            **transport.client_kwargs(session._session, self.settings),
        )
        transport.tune_retries(client, self.settings)
        return client

    # -- the scan -------------------------------------------------------------------------------

    def collect(self, scope: Scope, sink: InventoryBuilder, progress: Progress) -> dict[str, str]:
        self.check_services(scope)
        from aiscan.collectors.deep import options_of

        deep = options_of(scope.options)
        self.object_reads = deep is not None
        base = self._new_session(scope.profile)
        identity, home = self._identity(base, sink, progress)
        if home is None:
            return identity
        accounts, whole = [home], False
        if scope.org:
            accounts, whole = self._org_accounts(home, scope, sink, progress)
        with FanOut(sink, progress, scope.max_workers) as fan:
            region_lists = fan.map(lambda a: self._regions(a, scope, sink), accounts)
            if scope.shard is not None and not whole:
                accounts, region_lists = self._shard(scope.shard, accounts, region_lists)
            refs = [References() for _ in accounts]
            plan = list(zip(accounts, region_lists, refs, strict=True))
            # Global services read what the regional pass referenced, so they come after it.
            fan.run(
                self._task(fan, account, region, svc, ref)
                for account, regions, ref in plan
                for region in regions
                for svc in REGIONAL_SERVICES
                if scope.wants(svc)
            )
            fan.run(
                self._task(fan, account, "global", svc, ref)
                for account, _, ref in plan
                for svc in GLOBAL_SERVICES
                if scope.wants(svc)
            )
        if deep is not None:
            self._deep(accounts, sink, progress, deep)
        return identity

    def _deep(
        self, accounts: list[Account], sink: InventoryBuilder, progress: Progress, deep: Any
    ) -> None:
        """--deep: scan the S3 artifacts of every model, read with the model's account."""
        from aiscan.collectors.aws.errors import classify
        from aiscan.collectors.aws.objects import SERVICE, S3Store

        by_id = {a.id: a for a in accounts}
        stores: dict[str, S3Store] = {}
        lock = threading.Lock()

        def store_for(asset: Any, ref: Any) -> S3Store:
            account = by_id.get(asset.account) or accounts[0]
            with lock:
                if account.id not in stores:
                    stores[account.id] = S3Store(account.session, self.settings)
                return stores[account.id]

        self.scan_artifacts(sink, progress, deep, SERVICE, classify, store_for)

    def _identity(
        self, session: Any, sink: InventoryBuilder, progress: Progress
    ) -> tuple[dict[str, str], Account | None]:
        from aiscan.collectors.aws.errors import classify

        region = session.region_name or "us-east-1"
        try:
            sts = self._new_client(session, "sts", region)
            who = sts.get_caller_identity()
        except Exception as exc:
            log = CoverageLog(Cloud.AWS, classify, sink, progress)
            log.failed(exc, "cannot establish identity", account="unknown", service="sts")
            return {}, None
        arn = str(who.get("Arn", ""))
        partition = arn.split(":")[1] if arn.count(":") >= 5 else "aws"
        account = Account(id=str(who["Account"]), partition=partition, session=session)
        return {"cloud": "aws", "account": account.id, "arn": arn}, account

    def _org_accounts(
        self, home: Account, scope: Scope, sink: InventoryBuilder, progress: Progress
    ) -> tuple[list[Account], bool]:
        """The accounts to read, and whether a shard's whole accounts were already chosen."""
        from aiscan.collectors.aws.context import paginate
        from aiscan.collectors.aws.errors import classify

        log = CoverageLog(Cloud.AWS, classify, sink, progress)
        if not scope.assume_role:
            raise CollectorConfigError("--org needs --assume-role NAME (the role in each account)")
        try:
            org = self._client(home, "organizations", "us-east-1")
            members = [
                a for a in paginate(org, "list_accounts", "Accounts") if a.get("Status") == "ACTIVE"
            ]
        except Exception as exc:
            what = "cannot list organization accounts"
            log.failed(exc, what, account=home.id, service="organizations")
            return [home], False
        whole = scope.shard is not None and by_account(scope.shard, (str(a["Id"]) for a in members))
        if whole:
            # Enough accounts for every shard: assume roles only in this shard's accounts.
            mine = set(accounts_of(scope.shard, (str(a["Id"]) for a in members)))
            members = [a for a in members if str(a["Id"]) in mine]
        accounts = []
        for member in members:
            acct_id = str(member["Id"])
            if acct_id == home.id:
                accounts.append(home)
                continue
            role_arn = f"arn:{home.partition}:iam::{acct_id}:role/{scope.assume_role}"
            try:
                accounts.append(self._assume(home, acct_id, role_arn, scope))
            except Exception as exc:
                log.failed(exc, f"cannot assume {role_arn}", account=acct_id, service="sts")
        return accounts, whole

    def _shard(
        self, shard: Shard, accounts: list[Account], region_lists: list[list[str]]
    ) -> tuple[list[Account], list[list[str]]]:
        """This shard's accounts and, per account, its regions (core.shard decides)."""
        regions = {a.id: r for a, r in zip(accounts, region_lists, strict=True)}
        mine = plan(shard, regions, lambda account_id: regions[account_id])
        kept = [a for a in accounts if a.id in mine]
        return kept, [list(mine[a.id] or regions[a.id]) for a in kept]

    def _assume(self, home: Account, acct_id: str, role_arn: str, scope: Scope) -> Account:
        sts = self._client(home, "sts", home.session.region_name or "us-east-1")
        kwargs: dict[str, Any] = {"RoleArn": role_arn, "RoleSessionName": "aiscan"}
        if scope.external_id:
            kwargs["ExternalId"] = scope.external_id
        creds = sts.assume_role(**kwargs)["Credentials"]
        session = self._new_session(
            None,
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
            region_name=home.session.region_name,
        )
        return Account(id=acct_id, partition=home.partition, session=session)

    def _regions(self, account: Account, scope: Scope, sink: InventoryBuilder) -> list[str]:
        if scope.regions:
            return list(scope.regions)
        from aiscan.collectors.aws.errors import classify

        region = account.session.region_name or "us-east-1"
        try:
            ec2 = self._client(account, "ec2", region)
            resp = ec2.describe_regions(
                Filters=[{"Name": "opt-in-status", "Values": ["opt-in-not-required", "opted-in"]}]
            )
            return sorted(str(r["RegionName"]) for r in resp.get("Regions", []))
        except Exception as exc:
            what = f"cannot list enabled regions, scanned only {region}"
            failed = FailedScope(Cloud.AWS, classify)
            sink.add_coverage(failed.coverage(exc, what, account=account.id, service="regions"))
            return [region]

    def _task(
        self, fan: FanOut, account: Account, region: str, service: str, refs: References
    ) -> Callable[[], None]:
        """Read one (account, region, service) scope; a region the service is not offered in is
        a skipped scope."""
        read = REGIONAL_SERVICES.get(service) or GLOBAL_SERVICES[service]
        endpoint = SERVICE_ENDPOINTS.get(service, service)

        def offered_read(ctx: ScopeContext) -> None:
            if region != "global" and not self._offered(account, endpoint, region):
                ctx.note(CoverageStatus.SKIPPED, "not offered in this region")
                return
            read(ctx)

        def context() -> ScopeContext:
            return ScopeContext(
                account=account.id,
                region=region,
                service=service,
                partition=account.partition,
                client=lambda svc, reg: self._client(account, svc, reg),
                sink=fan.sink,
                refs=refs,
            )

        return fan.scope(f"aws {account.id} {region} {service}", context, offered_read)

    def _offered(self, account: Account, endpoint: str, region: str) -> bool:
        try:
            offered = account.session.get_available_regions(endpoint, account.partition)
        except Exception:
            return True
        return not offered or region in offered
