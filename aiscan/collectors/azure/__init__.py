"""The Azure collector: every visible subscription (or those of --subscription), read through ARM.

Flow: list subscriptions; probe each (a denied subscription shows in coverage for every service
and is not read further); enumerate the top-level resource types of every readable subscription
with one Azure Resource Graph query (`$skipToken` paging; ARM list calls per subscription and
type when Resource Graph cannot be read); then, with bounded concurrency, per subscription x
service: the AI services (cognitiveservices, search, azureml, compute, aks), the role
assignments (identity), and what AI assets referred to (storage, containerregistry).

Credentials: a pre-obtained ARM token in AISCAN_AZURE_TOKEN (then no credential chain runs), else
azure-identity's DefaultAzureCredential. ARM endpoint: --azure-cloud, overridden by
AISCAN_AZURE_ENDPOINT. The Azure SDK is imported only inside `collect`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import closing
from typing import Any

from aiscan.collectors.azure.context import AzureContext, References, subscription_of
from aiscan.collectors.azure.errors import classify
from aiscan.collectors.azure.identity import build_identities, collect_authorization
from aiscan.collectors.azure.permissions import PERMISSIONS
from aiscan.collectors.azure.services import AI_PASS, REFERENCE_PASS
from aiscan.collectors.base import (
    Collector,
    CollectorConfigError,
    CoverageLog,
    FanOut,
    Progress,
    Scope,
)
from aiscan.collectors.settings import AzureSettings
from aiscan.core.inventory import InventoryBuilder
from aiscan.core.model import Cloud, CoverageStatus
from aiscan.core.shard import accounts_of

#: The AI resources first; after them (and the role assignments, `identity`) what they referred to.
ALL_SERVICES = (*AI_PASS, "identity", *REFERENCE_PASS)

#: Top-level resource types enumerated per service, and the api-version of their ARM list.
RESOURCE_TYPES: dict[str, dict[str, str]] = {
    "cognitiveservices": {"Microsoft.CognitiveServices/accounts": "2024-10-01"},
    "search": {"Microsoft.Search/searchServices": "2023-11-01"},
    "azureml": {
        "Microsoft.MachineLearningServices/workspaces": "2024-10-01",
        "Microsoft.MachineLearningServices/registries": "2024-10-01",
    },
    "compute": {"Microsoft.Compute/virtualMachines": "2024-07-01"},
    "aks": {"Microsoft.ContainerService/managedClusters": "2024-09-01"},
    "storage": {"Microsoft.Storage/storageAccounts": "2023-05-01"},
    "containerregistry": {"Microsoft.ContainerRegistry/registries": "2023-07-01"},
}
SUBSCRIPTIONS_API = "2022-12-01"
RESOURCE_GROUPS_API = "2021-04-01"


def graph_query(types: list[str]) -> str:
    listed = ", ".join(f"'{t.lower()}'" for t in types)
    return (
        "Resources\n"
        f"| where type in~ ({listed})\n"
        "| project id, name, type, kind, location, resourceGroup, subscriptionId, tags, sku, "
        "identity, properties"
    )


class AzureCollector(Collector):
    # the class attributes `Collector` declares (name and extra: its cloud's)
    cloud = Cloud.AZURE
    title = "Azure"
    services = ALL_SERVICES
    permissions = PERMISSIONS
    settings: AzureSettings = AzureSettings()

    @classmethod
    def detect(cls, environ: Mapping[str, str]) -> str | None:
        import os.path

        for var in ("AISCAN_AZURE_TOKEN", "AZURE_CLIENT_ID", "AZURE_FEDERATED_TOKEN_FILE"):
            if environ.get(var):
                return f"{var} is set"
        home = environ.get("HOME", "")
        config_dir = environ.get("AZURE_CONFIG_DIR") or f"{home}/.azure"
        for name in ("msal_token_cache.json", "msal_token_cache.bin", "azureProfile.json"):
            path = os.path.join(config_dir, name)
            if home and os.path.isfile(path):
                return f"{path} exists (Azure CLI login)"
        return None

    # -- the scan -------------------------------------------------------------------------------

    def collect(self, scope: Scope, sink: InventoryBuilder, progress: Progress) -> dict[str, str]:
        self.check_services(scope)
        arm, identity = self._client(scope)
        try:
            self._scan(arm, scope, sink, progress)
        finally:
            arm.close()
        from aiscan.collectors.deep import options_of

        deep = options_of(scope.options)
        if deep is not None:  # the blobs of every Azure ML model, through the object-read pipeline
            from aiscan.collectors.azure.objects import SERVICE, BlobStore

            with closing(BlobStore(self.settings)) as store:
                self.scan_artifacts(sink, progress, deep, SERVICE, classify, lambda a, r: store)
        return identity

    def _client(self, scope: Scope) -> tuple[Any, dict[str, str]]:
        try:
            from aiscan.collectors.azure.arm import (
                TOKEN_ENV,
                ArmClient,
                arm_endpoint,
                token_claims,
                token_scope,
            )
        except ImportError as exc:  # pragma: no cover - depends on the installed extras
            raise CollectorConfigError(
                f"the Azure collector needs its extra: pip install 'aiscan[azure]' ({exc})"
            ) from exc
        cloud = str(scope.options.get("azure_cloud") or "public")
        try:
            endpoint = arm_endpoint(cloud, self.settings)
        except ValueError as exc:
            raise CollectorConfigError(str(exc)) from exc
        identity = {"cloud": "azure", "endpoint": endpoint}
        token = self.settings.token.get_secret_value() if self.settings.token else ""
        auth: dict[str, Any] = {"token": token}
        if token:
            identity.update(token_claims(token))
            identity["credential"] = TOKEN_ENV
        else:
            try:
                from azure.identity import DefaultAzureCredential
            except ImportError as exc:  # pragma: no cover - depends on the installed extras
                raise CollectorConfigError(
                    f"the Azure collector needs azure-identity: pip install 'aiscan[azure]' ({exc})"
                ) from exc
            identity["credential"] = "DefaultAzureCredential"
            auth = {"credential": DefaultAzureCredential(), "scope": token_scope(cloud)}
        pool_size = max(1, scope.max_workers) * 8
        return ArmClient(endpoint, pool_size=pool_size, settings=self.settings, **auth), identity

    def _scan(self, arm: Any, scope: Scope, sink: InventoryBuilder, progress: Progress) -> None:
        log = CoverageLog(Cloud.AZURE, classify, sink, progress)
        subscriptions = self._subscriptions(arm, scope, log)
        if not subscriptions:
            return
        wanted = [s for s in ALL_SERVICES if scope.wants(s)]
        readable: list[str] = []
        with FanOut(sink, progress, scope.max_workers) as fan:
            probes = fan.map(lambda s: self._probe(arm, s), subscriptions)
            for sub, problem in zip(subscriptions, probes, strict=True):
                if problem is None:
                    readable.append(sub)
                    continue
                for service in wanted:
                    log.failed(
                        problem, "cannot read the subscription", account=sub, service=service
                    )
            if not readable:
                return
            refs = References()
            graph, problems = self._enumerate(arm, readable, wanted, refs)

            def context(sub: str, service: str) -> AzureContext:
                return AzureContext(
                    subscription=sub,
                    service=service,
                    arm=arm,
                    sink=sink,
                    refs=refs,
                    graph=graph.get(sub, {}),
                    regions=scope.regions,
                    problems=problems.get((sub, service)),
                )

            def task(sub: str, service: str, read: Callable[[Any], None]) -> Callable[[], None]:
                return fan.scope(f"azure {sub} {service}", lambda: context(sub, service), read)

            fan.run(
                task(sub, svc, read)
                for sub in readable
                for svc, read in AI_PASS.items()
                if svc in wanted
            )
            if "identity" in wanted:
                contexts = [context(sub, "identity") for sub in readable]

                def authorization(ctx: AzureContext) -> Callable[[], None]:
                    def read() -> None:
                        progress.started(f"azure {ctx.subscription} identity")
                        ctx.section("identity", collect_authorization, ctx)

                    return read

                fan.run(authorization(ctx) for ctx in contexts)
                # Roles granted in any subscription count, so identities are built after all.
                for ctx in contexts:
                    ctx.section("identities", build_identities, ctx, set(readable))
                    fan.finish(ctx)
            fan.run(
                task(sub, svc, read)
                for sub in readable
                for svc, read in REFERENCE_PASS.items()
                if svc in wanted
            )

    def _subscriptions(self, arm: Any, scope: Scope, log: CoverageLog) -> list[str]:
        requested = [str(s).strip().lower() for s in scope.options.get("subscriptions") or ()]
        try:
            visible = list(arm.list("/subscriptions", SUBSCRIPTIONS_API))
        except Exception as exc:
            log.failed(exc, "cannot list subscriptions", account="unknown", service="subscriptions")
            # An explicit list can still be read even if listing is not allowed.
            return requested
        states = {
            str(s.get("subscriptionId", "")).lower(): str(s.get("state") or "Enabled")
            for s in visible
        }
        out = []
        for sub in requested or sorted(states):
            state = states.get(sub, "Enabled")
            if state in ("Disabled", "Deleted"):
                log.skipped(sub, "subscription", CoverageStatus.SKIPPED, f"subscription is {state}")
            else:
                out.append(sub)
        if scope.shard is not None:
            # Subscriptions are this cloud's unit of work: each is read whole by one shard.
            out = accounts_of(scope.shard, out)
        if not out and not requested and scope.shard is None:
            why = "no subscription is visible to this identity"
            log.skipped("none", "subscriptions", CoverageStatus.OK, why)
        return out

    def _probe(self, arm: Any, subscription: str) -> Exception | None:
        """None when the subscription can be read, else what reading it raised."""
        try:
            path = f"/subscriptions/{subscription}/resourcegroups"
            arm.get(path, RESOURCE_GROUPS_API, {"$top": "1"})
        except Exception as exc:
            return exc
        return None

    def _enumerate(
        self, arm: Any, subscriptions: list[str], wanted: list[str], refs: Any
    ) -> tuple[
        dict[str, dict[str, list[dict[str, Any]]]],
        dict[tuple[str, str], list[tuple[CoverageStatus, str]]],
    ]:
        """Top-level resources by subscription and type (lower case), and problems by scope."""
        services = [
            s for s in RESOURCE_TYPES if s in wanted or s in ("storage", "containerregistry")
        ]
        types = {t: api for s in services for t, api in RESOURCE_TYPES[s].items()}
        graph: dict[str, dict[str, list[dict[str, Any]]]] = {s: {} for s in subscriptions}
        problems: dict[tuple[str, str], list[tuple[CoverageStatus, str]]] = {}
        try:
            rows = list(arm.query(subscriptions, graph_query(sorted(types))))
        except Exception as exc:
            note = f"Resource Graph unavailable ({classify(exc)[1]}); enumerated with ARM lists"
            rows = []
            for sub in subscriptions:
                for service in services:
                    for rtype, api in RESOURCE_TYPES[service].items():
                        try:
                            rows.extend(arm.list(f"/subscriptions/{sub}/providers/{rtype}", api))
                        except Exception as list_exc:
                            problems.setdefault((sub, service), []).append(classify(list_exc))
                    problems.setdefault((sub, service), []).append((CoverageStatus.OK, note))
        for row in rows:
            rid, rtype = str(row.get("id", "")), str(row.get("type", "")).lower()
            sub = str(row.get("subscriptionId") or "").lower() or subscription_of(rid)
            if sub in graph:
                graph[sub].setdefault(rtype, []).append(row)
        refs.index(rows)
        return graph, problems
