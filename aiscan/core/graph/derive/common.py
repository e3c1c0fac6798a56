"""Derived edges, cross-cloud: trained-on, loads-from-hub, pulls-image, authenticates-to.

* **trained-on** model -> data store: the model is `produced-by` a job that `reads-data-from`
  the store (a dataset it reads is followed one step further to the stores the dataset reads),
  or the model itself `reads-data-from` it (a Bedrock custom model names its training data).
* **loads-from-hub** workload -> hub_node(host): `HubFacts.hub_model`.
* **pulls-image** workload -> registry_node(host): a container image from a public registry
  (`aiscan.core.refs.PUBLIC_REGISTRIES`; Docker Hub's aliases are one node, docker.io). Images of
  private registries are collected relations already (ECR, ACR, Artifact Registry).
* **authenticates-to** workload -> inventory asset: a secret found in the workload's environment
  next to a reference to an asset of the inventory (an endpoint URL whose host is the asset's
  endpoint host, an `s3://` / `gs://` bucket, an ARN). The secret and the reference are paired
  when their variable names share a first word (AZURE_OPENAI_API_KEY / AZURE_OPENAI_ENDPOINT),
  when the secret is a cloud's own key kind (an AWS access key next to an AWS asset), or when the
  environment holds exactly one secret and one reference. Evidence names the secret (location,
  variable, kind), never its value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError

from aiscan.core.facts.base import Facts, GenericFacts, unread
from aiscan.core.facts.common import ContainerFacts, HubFacts, PortRange, SecretFacts, SecretHit
from aiscan.core.graph.model import EdgeType, EstateGraph, hub_node, registry_node
from aiscan.core.model import Asset, AssetKind, Cloud
from aiscan.core.refs import is_public_registry, parse_image, s3_bucket_of
from aiscan.core.sanitize import clean_text

HUB_HOST = "huggingface.co"
DOCKER_HUB = ("docker.io", "registry-1.docker.io", "index.docker.io", "registry.hub.docker.com")
#: Secret kinds that can only open their own cloud's assets.
CLOUD_KINDS = {"aws-access-key-id": Cloud.AWS, "google-api-key": Cloud.GCP}
#: Secret kinds that open no cloud AI asset (source hosting, chat).
NOT_CLOUD_KINDS = frozenset({"github-token", "slack-token"})
MAX_DATASET_HOPS = 1
_GCS = re.compile(r"^gs://([a-z0-9][a-z0-9._-]{1,220}[a-z0-9])(?:/|$)")
_ARN = re.compile(r"\barn:aws[\w-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:[^\s\"',;]+")
_URL = re.compile(r"\bhttps?://[^\s\"',;/]+", re.IGNORECASE)


def typed_facts(asset: Asset) -> Facts:
    """The asset's typed facts; an asset whose attributes do not validate (an inventory file
    edited by hand, an older schema) derives nothing rather than stopping the graph."""
    try:
        return asset.facts
    except ValidationError:
        return GenericFacts()


def derive(graph: EstateGraph) -> None:
    derive_trained_on(graph)
    derive_hub_and_images(graph)
    derive_authenticates_to(graph)


# -- trained-on -----------------------------------------------------------------------------------


def _targets(graph: EstateGraph, node: str, edge: EdgeType) -> list[str]:
    return sorted({t for t, _ in graph.out_edges(node, edge)})


def derive_trained_on(graph: EstateGraph) -> None:
    for model in sorted(graph.g.nodes):
        asset = graph.asset(model)
        if asset is None:
            continue
        found: dict[str, dict[str, Any]] = {}
        for job in _targets(graph, model, EdgeType.PRODUCED_BY):
            for store, via in _stores(graph, job, "produced-by/reads-data-from"):
                found.setdefault(store, {"job": job, "via": via})
        if asset.kind is AssetKind.MODEL:
            jobs = _targets(graph, model, EdgeType.PRODUCED_BY)
            for store, via in _stores(graph, model, "reads-data-from"):
                found.setdefault(store, {"job": jobs[0] if jobs else None, "via": via})
        for store, evidence in sorted(found.items()):
            if store != model:
                graph.add_derived(model, store, EdgeType.TRAINED_ON, evidence)


def _stores(graph: EstateGraph, reader: str, via: str) -> Iterator[tuple[str, str]]:
    """The stores `reader` reads, following a dataset's own reads (bounded, cycle-safe)."""
    seen = {reader}
    frontier = [(reader, via, 0)]
    while frontier:
        node, path, hops = frontier.pop(0)
        for store in _targets(graph, node, EdgeType.READS_DATA_FROM):
            if store in seen:
                continue
            seen.add(store)
            yield store, path
            data = graph.node(store)
            if data.get("kind") == AssetKind.DATASET.value and hops < MAX_DATASET_HOPS:
                frontier.append((store, f"{path}/reads-data-from", hops + 1))


# -- loads-from-hub and pulls-image ---------------------------------------------------------------


def registry_host(host: str) -> str:
    return "docker.io" if host in DOCKER_HUB else host


def derive_hub_and_images(graph: EstateGraph) -> None:
    for node_id in list(graph.g.nodes):
        asset = graph.asset(node_id)
        if asset is None:
            continue
        facts = typed_facts(asset)
        if isinstance(facts, HubFacts) and not unread(facts.hub_model) and facts.hub_model:
            hub = facts.hub_model
            remote = None if unread(facts.trust_remote_code) else facts.trust_remote_code
            graph.add_synthetic(hub_node(HUB_HOST), "public-hub", HUB_HOST)
            graph.add_derived(
                asset.id,
                hub_node(HUB_HOST),
                EdgeType.LOADS_FROM_HUB,
                {
                    "repo_id": clean_text(hub.repo_id, 256),
                    "revision": clean_text(hub.revision, 128) if hub.revision else None,
                    "pinned": hub.pinned,
                    "trust_remote_code": None if unread(facts.trust_remote_code) else bool(remote),
                    "trust_remote_code_variable": clean_text(remote, 128) if remote else None,
                    "variable": clean_text(hub.variable, 128) if hub.variable else None,
                },
            )
        images = _images(facts)
        done: set[str] = set()
        for image in images:
            ref = parse_image(image)
            if not is_public_registry(ref):
                continue
            host = registry_host(ref.registry)
            if host in done:
                continue
            done.add(host)
            graph.add_synthetic(registry_node(host), "public-registry", host)
            graph.add_derived(
                asset.id,
                registry_node(host),
                EdgeType.PULLS_IMAGE,
                {"image": clean_text(image, 512), "pinned": ref.pinned, "registry": host},
            )


def _images(facts: Any) -> list[str]:
    out: list[str] = []
    if isinstance(facts, ContainerFacts) and not unread(facts.containers):
        out.extend(c.image for c in facts.containers if c.image)
    steps = getattr(facts, "steps", None)
    if isinstance(steps, tuple):
        for step in steps:
            out.extend(str(i) for i in getattr(step, "images", ()) or ())
    return out


# -- authenticates-to -----------------------------------------------------------------------------


class _Lookup:
    """Inventory assets by what an environment can name: endpoint host, bucket, ARN."""

    def __init__(self, graph: EstateGraph) -> None:
        self.hosts: dict[str, list[str]] = {}
        self.buckets: dict[str, list[str]] = {}
        self.ids: set[str] = set()
        for node_id in graph.g.nodes:
            asset = graph.asset(node_id)
            if asset is None:
                continue
            self.ids.add(asset.id)
            url = getattr(typed_facts(asset), "endpoint_url", None)
            if isinstance(url, str) and url:
                host = _host(url)
                if host:
                    self.hosts.setdefault(host, []).append(asset.id)
            if asset.kind is AssetKind.BUCKET:
                self.buckets.setdefault(f"{asset.cloud.value}:{asset.name}", []).append(asset.id)

    def referenced(self, value: str) -> list[tuple[str, str]]:
        """(asset id, what named it) for each inventory asset a value refers to."""
        out: list[tuple[str, str]] = []
        bucket = s3_bucket_of(value)
        if bucket:
            out += [(a, f"s3://{bucket}") for a in self.buckets.get(f"aws:{bucket}", [])]
        m = _GCS.match(value.strip())
        if m:
            out += [(a, f"gs://{m.group(1)}") for a in self.buckets.get(f"gcp:{m.group(1)}", [])]
        for arn in _ARN.findall(value):
            if arn in self.ids:
                out.append((arn, arn))
        for url in _URL.findall(value):
            host = _host(url)
            if host:
                out += [(a, host) for a in self.hosts.get(host, [])]
        return out


def _host(url: str) -> str | None:
    text = url if "://" in url else f"https://{url}"
    try:
        host = urlsplit(text.strip()).hostname
    except ValueError:
        return None
    return host.lower() if host else None


def _first_word(name: str) -> str:
    return re.split(r"[_\-.]", name.upper(), maxsplit=1)[0]


def _environments(facts: Any) -> list[Mapping[str, str]]:
    envs: list[Mapping[str, str]] = []
    if isinstance(facts, ContainerFacts) and not unread(facts.containers):
        envs.extend(c.environment for c in facts.containers if c.environment)
    env = getattr(facts, "environment", None)
    if isinstance(env, dict) and env:
        envs.append(env)
    return envs


def pairs(
    secrets: tuple[SecretHit, ...],
    env: Mapping[str, str],
    lookup: _Lookup,
    clouds: dict[str, Cloud],
) -> Iterator[tuple[SecretHit, str, str, str, str]]:
    """(secret, target asset id, reference, variable naming it, why paired)."""
    refs: list[tuple[str, str, str]] = []
    for name, value in env.items():
        if isinstance(value, str) and value:
            refs.extend((name, target, what) for target, what in lookup.referenced(value))
    usable = [s for s in secrets if s.kind not in NOT_CLOUD_KINDS]
    for secret in usable:
        for name, target, what in refs:
            if name == secret.name:
                continue
            cloud = CLOUD_KINDS.get(secret.kind)
            if cloud is not None:
                if clouds.get(target) is cloud:
                    yield secret, target, what, name, "key-kind"
                continue
            if _first_word(name) == _first_word(secret.name):
                yield secret, target, what, name, "variable-prefix"
            elif len(usable) == 1 and len(refs) == 1:
                yield secret, target, what, name, "only-secret-and-reference"


def derive_authenticates_to(graph: EstateGraph) -> None:
    lookup = _Lookup(graph)
    clouds: dict[str, Cloud] = {}
    for node_id in graph.g.nodes:
        asset = graph.asset(node_id)
        if asset is not None:
            clouds[asset.id] = asset.cloud
    for node_id in list(graph.g.nodes):
        asset = graph.asset(node_id)
        if asset is None:
            continue
        facts = typed_facts(asset)
        if not isinstance(facts, SecretFacts) or unread(facts.secrets) or not facts.secrets:
            continue
        done: set[str] = set()
        for env in _environments(facts):
            for secret, target, what, variable, why in pairs(facts.secrets, env, lookup, clouds):
                if target == asset.id or target in done:
                    continue
                done.add(target)
                graph.add_derived(
                    asset.id,
                    target,
                    EdgeType.AUTHENTICATES_TO,
                    {
                        "location": clean_text(secret.location, 256),
                        "name": clean_text(secret.name, 128),
                        "kind": secret.kind,
                        "reference": clean_text(what, 256),
                        "reference_variable": clean_text(variable, 128),
                        "paired_by": why,
                    },
                )


def port_labels(ranges: Iterable[PortRange]) -> list[str]:
    """Open port ranges as the exposed-to evidence of every cloud shows them: tcp/22,
    tcp/8000-8100, tcp/all (sorted, at most 50)."""
    out = []
    for r in ranges:
        if r.from_ == 0 and r.to >= 65535:
            out.append(f"{r.protocol}/all")
        elif r.from_ == r.to:
            out.append(f"{r.protocol}/{r.from_}")
        else:
            out.append(f"{r.protocol}/{r.from_}-{r.to}")
    return sorted(set(out))[:50]
