"""CycloneDX AI-BOM (1.6 by default, 1.7 on request) of the AI estate a scan found.

cyclonedx-python-lib writes the envelope: serial number, metadata, components, services,
dependencies, purls, hashes and properties. It has no model for the AI parts (`modelCard`,
`component.data`, `service.trustZone`; upstream issues #911-#913), so `add_ai_parts` merges them,
typed, into the serialised document. Never round-trip the result through `Bom.from_json`: the
library silently drops those parts.

What goes where:

* models -> `machine-learning-model` components, with a `modelCard` only when something is known
  (architecture, task, training data read by the model or by the job that produced it);
  models a relation names but the inventory does not hold (provider foundation models) are
  components too, marked `aiscan:external`;
* datasets, feature stores, knowledge bases and buckets -> `data` components;
* endpoints, LLM services, managed LLM deployments and agents -> `services` (endpoint URL,
  authenticated, trust zone = the cloud account);
* container images the models run -> `container` components (`pkg:oci/...@sha256:...` purl and
  SHA-256 hash when the image is pinned by digest);
* every relation between two of those -> `dependencies` (source dependsOn target); relations to
  anything else (roles, registries, jobs) -> `aiscan:relation:<type>` properties; so are the
  derived `trained-on` edges of the estate graph (model dependsOn its training data) and the
  hops of attack paths that are relations (in the relation's direction); the crown jewel of an
  attack path carries an `aiscan:attack-path` property (rule id and finding fingerprint);
* artifacts a deep scan read (``artifact_scans``) -> `file` components nested in their model, with
  the SHA-256 of the artifact and, nested again, of every member (`aiscan:artifact:*` properties:
  location, format, size; the model signature's status, method and signer). A model with exactly
  one artifact also carries that artifact's hash itself.

Cloud, account, region, native id, kind and service are properties in the `aiscan:` namespace.
Nothing is guessed: an attribute the scan could not read is simply absent.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Literal, NotRequired, TypedDict

from cyclonedx.model import HashAlgorithm, HashType, Property, XsUri
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.contact import OrganizationalEntity
from cyclonedx.model.service import Service
from cyclonedx.output import make_outputter
from cyclonedx.schema import OutputFormat, SchemaVersion
from packageurl import PackageURL

from aiscan import __version__
from aiscan.artifacts.report import ArtifactScan
from aiscan.core.model import Asset, AssetKind, Category, RelationType, ScanResult
from aiscan.core.refs import hub_references_in, parse_image
from aiscan.reporters.base import Reporter
from aiscan.reporters.resources import PROVIDER

SPECS = ("1.6", "1.7")

MODEL_KINDS = frozenset({AssetKind.MODEL})
DATA_KINDS = frozenset({AssetKind.DATASET, AssetKind.BUCKET, AssetKind.KNOWLEDGE_BASE})
SERVICE_KINDS = frozenset(
    {AssetKind.ENDPOINT, AssetKind.LLM_SERVICE, AssetKind.LLM_DEPLOYMENT, AssetKind.AGENT}
)
#: Relations whose target, when the inventory does not hold it, is a model (e.g. a provider's
#: foundation model) and is worth a component of its own.
MODEL_RELATIONS = frozenset({RelationType.USES_MODEL, RelationType.FINE_TUNED_FROM})
#: Relations that say the source learnt from the target's data.
TRAINING_RELATIONS = frozenset({RelationType.READS_DATA_FROM})
#: Members of one artifact listed in the BOM (an archive may hold thousands of files).
MAX_MEMBERS_IN_BOM = 1000


# -- the AI parts cyclonedx-python-lib does not model (CycloneDX 1.6/1.7, identical in both) -----


class DatasetRef(TypedDict):
    ref: str


class MLFormat(TypedDict):
    format: str


class ModelParameters(TypedDict, total=False):
    task: str
    architectureFamily: str
    modelArchitecture: str
    datasets: list[DatasetRef]
    inputs: list[MLFormat]
    outputs: list[MLFormat]


class ModelCard(TypedDict):
    modelParameters: ModelParameters


class DataContents(TypedDict):
    url: str


class ComponentData(TypedDict):
    type: Literal["source-code", "configuration", "dataset", "definition", "other"]
    name: str
    contents: NotRequired[DataContents]


class AiParts(TypedDict):
    """Per bom-ref: what to merge into the serialised BOM."""

    model_cards: dict[str, ModelCard]
    component_data: dict[str, list[ComponentData]]
    trust_zones: dict[str, str]


def add_ai_parts(doc: dict[str, Any], parts: AiParts) -> dict[str, Any]:
    """Merge model cards, component data and service trust zones into a serialised BOM, by
    bom-ref. Every ref must name a component (model card, data) or service (trust zone)."""
    components = {c["bom-ref"]: c for c in doc.get("components", []) if "bom-ref" in c}
    services = {s["bom-ref"]: s for s in doc.get("services", []) if "bom-ref" in s}
    for ref, card in parts["model_cards"].items():
        components[ref]["modelCard"] = {"bom-ref": f"{ref}#model-card", **card}
    for ref, data in parts["component_data"].items():
        components[ref]["data"] = list(data)
    for ref, zone in parts["trust_zones"].items():
        services[ref]["trustZone"] = zone
    return doc


# -- the reporter ---------------------------------------------------------------------------------


class CycloneDxReporter(Reporter):
    name: ClassVar[str] = "cyclonedx"
    is_manifest: ClassVar[bool] = True

    def __init__(self, spec: str = "1.6") -> None:
        if spec not in SPECS:
            raise ValueError(f"CycloneDX {spec} is not supported (choose {', '.join(SPECS)})")
        self.spec = spec

    def render(self, result: ScanResult, *, command: str = "scan") -> str:
        return json.dumps(self.document(result), indent=2) + "\n"

    def document(self, result: ScanResult) -> dict[str, Any]:
        bom, parts = build_bom(result)
        version = SchemaVersion.V1_7 if self.spec == "1.7" else SchemaVersion.V1_6
        text = make_outputter(bom, OutputFormat.JSON, version).output_as_string()
        return add_ai_parts(json.loads(text), parts)


def build_bom(result: ScanResult) -> tuple[Bom, AiParts]:
    """The library's Bom (envelope) plus the AI parts to merge after serialisation."""

    assets = {a.id: a for a in result.assets}
    members = {a.id: a for a in result.assets if a.kind in MODEL_KINDS | DATA_KINDS | SERVICE_KINDS}
    out_rel: dict[str, list[tuple[RelationType, str]]] = defaultdict(list)
    for r in result.relations:
        out_rel[r.source].append((r.type, r.target))

    nodes: dict[str, Component | Service] = {}
    parts: AiParts = {"model_cards": {}, "component_data": {}, "trust_zones": {}}
    graph_deps = _graph_dependencies(result)
    crown_jewels: dict[str, list[str]] = defaultdict(list)
    for f in result.findings:
        if f.category is Category.ATTACK_PATH:
            crown_jewels[f.asset_id].append(f"{f.rule_id}:{f.fingerprint}")

    def common_props(a: Asset) -> list[tuple[str, object]]:
        return [
            ("aiscan:cloud", a.cloud.value),
            ("aiscan:account", a.account),
            ("aiscan:region", a.region),
            ("aiscan:native-id", a.id),
            ("aiscan:kind", a.kind.value),
            ("aiscan:service", a.service),
            ("aiscan:type", a.type),
        ]

    def relation_props(a: Asset, kept: set[str]) -> list[tuple[str, object]]:
        return [
            (f"aiscan:relation:{rtype.value}", target)
            for rtype, target in sorted(out_rel.get(a.id, []))
            if target not in kept
        ]

    # external models first, so relation properties know which targets became components
    external: dict[str, Component] = {}
    for a in members.values():
        for rtype, target in out_rel.get(a.id, []):
            if rtype in MODEL_RELATIONS and target not in assets and target not in external:
                external[target] = Component(
                    type=ComponentType.MACHINE_LEARNING_MODEL,
                    name=target.rsplit("/", 1)[-1] or target,
                    bom_ref=target,
                    properties=props([("aiscan:native-id", target), ("aiscan:external", "true")]),
                )
    images: dict[str, Component] = {}
    image_of: dict[str, list[str]] = defaultdict(list)
    for a in members.values():
        for container in _containers(a):
            raw = container.get("image")
            if not isinstance(raw, str) or not raw:
                continue
            ref = f"image:{raw}"
            image_of[a.id].append(ref)
            if ref not in images:
                images[ref] = _image_component(raw, ref)
    kept = set(members) | set(external)

    for a in members.values():
        base = common_props(a) + relation_props(a, kept)
        base += [("aiscan:attack-path", p) for p in sorted(crown_jewels.get(a.id, []))]
        if a.kind in MODEL_KINDS:
            hub = a.attributes.get("hub_model")
            purl = None
            if isinstance(hub, Mapping):
                base += [
                    ("aiscan:hub:repo-id", hub.get("repo_id")),
                    ("aiscan:hub:revision", hub.get("revision")),
                    ("aiscan:hub:pinned", str(bool(hub.get("pinned"))).lower()),
                ]
                if hub.get("pinned") and hub.get("repo_id") and hub.get("revision"):
                    org, _, name = str(hub["repo_id"]).rpartition("/")
                    purl = PackageURL(
                        type="huggingface",
                        namespace=org or None,
                        name=name,
                        version=str(hub["revision"]).lower(),
                    )
            if purl is None:
                purl = _pinned_hub_purl(a)
            version = a.attributes.get("version")
            files = _artifact_components(a)
            single = [f for f in files if f.hashes]
            nodes[a.id] = Component(
                type=ComponentType.MACHINE_LEARNING_MODEL,
                name=a.name,
                bom_ref=a.id,
                version=str(version) if version is not None else None,
                purl=purl,
                hashes=list(single[0].hashes) if len(files) == 1 and single else None,
                properties=props(base),
                components=files,
            )
            card = _model_card(a, out_rel, members)
            if card is not None:
                parts["model_cards"][a.id] = card
        elif a.kind in DATA_KINDS:
            nodes[a.id] = Component(
                type=ComponentType.DATA, name=a.name, bom_ref=a.id, properties=props(base)
            )
            parts["component_data"][a.id] = [_component_data(a, result)]
        else:
            url = a.attributes.get("endpoint_url")
            auth = a.attributes.get("authenticated")
            nodes[a.id] = Service(
                name=a.name,
                bom_ref=a.id,
                provider=OrganizationalEntity(name=PROVIDER[a.cloud]),
                endpoints=[XsUri(url)] if isinstance(url, str) and url else None,
                authenticated=auth if isinstance(auth, bool) else None,
                properties=props(base),
            )
            parts["trust_zones"][a.id] = f"{a.cloud.value}:{a.account}"

    components = [n for n in nodes.values() if isinstance(n, Component)]
    services = [n for n in nodes.values() if isinstance(n, Service)]
    metadata = BomMetaData(
        timestamp=result.scan.finished,
        properties=props(
            [
                ("aiscan:scan:started", result.scan.started.isoformat()),
                ("aiscan:scan:clouds", ",".join(result.scan.scope.get("clouds", []) or [])),
                ("aiscan:scan:incomplete", str(bool(result.incomplete_scopes)).lower()),
            ]
        ),
    )
    metadata.tools.components.add(
        Component(type=ComponentType.APPLICATION, name="aiscan", version=__version__)
    )
    bom = Bom(
        components=components + list(external.values()) + list(images.values()),
        services=services,
        serial_number=uuid.uuid5(
            uuid.NAMESPACE_URL, f"aiscan:{result.scan.started.isoformat()}:{__version__}"
        ),
        metadata=metadata,
    )
    everything: dict[str, Component | Service] = {**nodes, **external, **images}
    for source, node in nodes.items():
        targets = {t for _, t in out_rel.get(source, []) if t in everything and t != source}
        targets.update(t for t in graph_deps.get(source, ()) if t in everything and t != source)
        targets.update(image_of.get(source, []))
        bom.register_dependency(node, [everything[t] for t in sorted(targets)])
    for node in list(external.values()) + list(images.values()):
        bom.register_dependency(node, [])
    return bom, parts


def _graph_dependencies(result: ScanResult) -> dict[str, set[str]]:
    """source -> targets it depends on, beyond the collected relations: the estate graph's
    derived `trained-on` edges (a model depends on its training data) and the hops of attack
    paths that are relations (a hop may walk a relation backwards: it is kept as the relation
    reads)."""
    from aiscan.core.graph import EdgeType
    from aiscan.reporters.graph import result_graph

    relation_types = {t.value for t in RelationType}
    known = {(r.source, r.target) for r in result.relations}
    deps: dict[str, set[str]] = defaultdict(set)
    graph = result_graph(result)
    for source, target, data in graph.edges():
        if data.get("type") == EdgeType.TRAINED_ON.value:
            deps[source].add(target)
    for f in result.findings:
        if f.category is not Category.ATTACK_PATH:
            continue
        for hop in f.hops:
            trained = hop.edge == EdgeType.TRAINED_ON.value
            relation = hop.edge in relation_types and (hop.target, hop.source) not in known
            if trained or relation:
                deps[hop.source].add(hop.target)
    return deps


def _pinned_hub_purl(a: Asset) -> PackageURL | None:
    """`pkg:huggingface/org/name@<commit>` from a pinned Hub reference the model is loaded from:
    its artifact location (``hf://org/name@<sha>``, a ``.../resolve/<sha>/`` URL, a cache
    snapshot path) or the Hugging Face cache snapshot `aiscan artifacts` read."""
    texts = [a.attributes.get("artifact_uri")]
    texts += [c.get("artifact_uri") for c in _containers(a)]
    hf = a.attributes.get("huggingface")
    if isinstance(hf, Mapping) and hf.get("repo") and hf.get("revision"):
        texts.append(f"pkg:huggingface/{hf['repo']}@{hf['revision']}")
    for text in texts:
        if not isinstance(text, str):
            continue
        for ref in hub_references_in(text, "artifact"):
            if ref.pinned and ref.kind == "model" and ref.revision:
                org, _, name = ref.repo_id.rpartition("/")
                return PackageURL(
                    type="huggingface", namespace=org or None, name=name, version=ref.revision
                )
    return None


def _scans(a: Asset) -> list[ArtifactScan]:
    raw = a.attributes.get("artifact_scans")
    out: list[ArtifactScan] = []
    for item in raw if isinstance(raw, list) else []:
        try:
            out.append(ArtifactScan.model_validate(item))
        except ValueError:  # pydantic's ValidationError; the artifact rules report it
            continue
    return out


def _sha256(value: str | None) -> list[HashType]:
    if value and len(value) == 64 and all(c in "0123456789abcdef" for c in value):
        return [HashType(alg=HashAlgorithm.SHA_256, content=value)]
    return []


def _artifact_components(a: Asset) -> list[Component]:
    """One `file` component per artifact a deep scan read, its members nested inside."""
    out: list[Component] = []
    seen: set[str] = set()
    for scan in _scans(a):
        ref = f"{a.id}#artifact:{scan.location}"
        if ref in seen:
            continue
        seen.add(ref)
        sig = scan.signature
        pairs: list[tuple[str, object]] = [
            ("aiscan:artifact:location", scan.location),
            ("aiscan:artifact:format", scan.format),
            ("aiscan:artifact:size", scan.size),
            ("aiscan:artifact:complete", str(scan.complete).lower()),
            ("aiscan:signature:status", sig.status if sig else "unsigned"),
        ]
        if sig is not None:
            pairs += [
                ("aiscan:signature:method", sig.method),
                ("aiscan:signature:signer", sig.signer),
                ("aiscan:signature:location", sig.location),
            ]
        members = []
        member_refs: set[str] = set()
        for m in scan.members[:MAX_MEMBERS_IN_BOM]:
            mref = f"{ref}!{m.path}"
            if mref in member_refs:
                continue
            member_refs.add(mref)
            members.append(
                Component(
                    type=ComponentType.FILE,
                    name=m.path,
                    bom_ref=mref,
                    hashes=_sha256(m.sha256),
                    properties=props(
                        [("aiscan:artifact:format", m.format), ("aiscan:artifact:size", m.size)]
                    ),  # fmt: skip
                )
            )
        if len(scan.members) > MAX_MEMBERS_IN_BOM:
            pairs.append(
                ("aiscan:artifact:members-omitted", len(scan.members) - MAX_MEMBERS_IN_BOM)
            )
        out.append(
            Component(
                type=ComponentType.FILE,
                name=scan.location,
                bom_ref=ref,
                hashes=_sha256(scan.sha256),
                properties=props(pairs),
                components=members,
            )
        )
    return out


def _containers(a: Asset) -> list[Mapping[str, Any]]:
    containers = a.attributes.get("containers")
    if not isinstance(containers, list):
        return []
    return [c for c in containers if isinstance(c, Mapping)]


def props(pairs: Iterable[tuple[str, object]]) -> list[Property]:
    return [Property(name=k, value=str(v)) for k, v in pairs if v not in (None, "")]


def _image_component(raw: str, ref: str) -> Component:
    image = parse_image(raw)
    purl = None
    hashes = []
    if image.digest:
        purl = PackageURL(
            type="oci",
            name=image.repository.rsplit("/", 1)[-1].lower(),
            version=image.digest,
            qualifiers={
                "repository_url": f"{image.registry}/{image.repository}",
                **({"tag": image.tag} if image.tag else {}),
            },
        )
        hashes = [HashType(alg=HashAlgorithm.SHA_256, content=image.digest.split(":", 1)[1])]
    return Component(
        type=ComponentType.CONTAINER,
        name=f"{image.registry}/{image.repository}",
        version=image.tag or image.digest,
        bom_ref=ref,
        purl=purl,
        hashes=hashes,
        properties=props([("aiscan:image", raw), ("aiscan:pinned", str(image.pinned).lower())]),
    )


def _model_card(
    a: Asset, out_rel: Mapping[str, list[tuple[RelationType, str]]], members: Mapping[str, Asset]
) -> ModelCard | None:
    """Only what the scan knows: architecture, task, and the data the model (or the job that
    produced it) read."""
    params: ModelParameters = {}
    for key, field in (("task", "task"), ("architecture", "modelArchitecture")):
        value = a.attributes.get(key)
        if isinstance(value, str) and value:
            params[field] = value  # type: ignore[literal-required]
    sources = [a.id] + [t for rt, t in out_rel.get(a.id, []) if rt is RelationType.PRODUCED_BY]
    datasets = sorted(
        {
            target
            for src in sources
            for rt, target in out_rel.get(src, [])
            if rt in TRAINING_RELATIONS and target in members and members[target].kind in DATA_KINDS
        }
    )
    if datasets:
        params["datasets"] = [{"ref": d} for d in datasets]
    return {"modelParameters": params} if params else None


def _component_data(a: Asset, result: ScanResult) -> ComponentData:
    trained_on = any(r.target == a.id and r.type in TRAINING_RELATIONS for r in result.relations)
    kind: Literal["dataset", "other"] = (
        "dataset" if a.kind is not AssetKind.BUCKET or trained_on else "other"
    )
    data: ComponentData = {"type": kind, "name": a.name}
    url = _data_url(a)
    if url:
        data["contents"] = {"url": url}
    return data


def _data_url(a: Asset) -> str | None:
    if a.kind is AssetKind.BUCKET and a.id.startswith("arn:aws:s3:::"):
        return "s3://" + a.id.removeprefix("arn:aws:s3:::")
    if a.kind is AssetKind.BUCKET and a.id.startswith("//storage.googleapis.com/"):
        return "gs://" + a.id.rsplit("/", 1)[-1]
    return None
