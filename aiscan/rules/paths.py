"""Attack paths (XC-PATH-*): graph rules over the estate graph, each chain from an entry point to
a crown jewel, every hop with the edge type and the evidence that made it.

The chains are written against the relation directions the collectors use (an endpoint `serves`
a model, a model `stores-artifact-in` a bucket and is `produced-by` a job, a job
`reads-data-from` data, a workload `runs-as` an identity, an agent is `guarded-by` a guardrail)
and the derived edges of the graph contract (`exposed-to` from the internet, `can-*` from
identities or the anonymous principal, `trained-on`, `loads-from-hub`, `authenticates-to`).

A hop's `source` and `target` are the edge's own ends, so a hop may run against the path's
direction (the model stores-artifact-in the bucket the attacker writes). The `path` is always in
attack order: entry (after the internet, when it starts there) first, crown jewel last.

Search is bounded: every chain has a fixed shape plus at most `MAX_TUNING_DEPTH` fine-tuned-from
steps, each walked with a visited set, so cycles in relations terminate.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aiscan.core.facts.aws import BedrockAgentFacts, BedrockGuardrailFacts, Ec2InstanceFacts
from aiscan.core.facts.azure import RaiPolicyFacts
from aiscan.core.facts.base import Facts, unread
from aiscan.core.facts.common import (
    AcceleratorFacts,
    HubFacts,
    IdentityFacts,
    MetadataFacts,
)
from aiscan.core.facts.gcp import NodePoolFacts
from aiscan.rules.base import (
    ANONYMOUS,
    INTERNET,
    AssetKind,
    EdgeType,
    EstateGraph,
    PathHop,
    PathResult,
    Severity,
    graph_rule,
)

MAX_TUNING_DEPTH = 4
#: Bound on the alternatives one chain explores from one node (a role that can write 10,000
#: buckets yields its first paths, never an explosion).
FANOUT = 200

ATLAS_TAMPER = "MITRE ATLAS AML.T0018 (Manipulate AI Model / Backdoor ML Model)"
ATLAS_POISON = "MITRE ATLAS AML.T0020 (Poison Training Data)"
ATLAS_EXTRACT = "MITRE ATLAS AML.T0024 (Exfiltration via AI Inference API)"
ATLAS_AGENCY = "MITRE ATLAS AML.T0053 (LLM Plugin Compromise)"
ATLAS_SUPPLY = "MITRE ATLAS AML.T0010 (AI Supply Chain Compromise)"
ATLAS_CREDS = "MITRE ATLAS AML.T0055 (Unsecured Credentials)"
ATLAS_ACCESS = "MITRE ATLAS AML.T0012 (Valid Accounts)"
ATLAS_PUBLIC = "MITRE ATLAS AML.T0049 (Exploit Public-Facing Application)"

COMPUTE = frozenset({AssetKind.NOTEBOOK, AssetKind.GPU_COMPUTE})
DATA = frozenset({AssetKind.BUCKET, AssetKind.DATASET, AssetKind.KNOWLEDGE_BASE})
AI_DATA = DATA | {AssetKind.MODEL, AssetKind.MODEL_REGISTRY, AssetKind.CONTAINER_REGISTRY}
DEPLOYED_BY = frozenset(
    {AssetKind.ENDPOINT, AssetKind.LLM_DEPLOYMENT, AssetKind.LLM_SERVICE, AssetKind.AGENT}
)
DEPLOY_TARGETS = frozenset(
    {AssetKind.ENDPOINT, AssetKind.LLM_DEPLOYMENT, AssetKind.MODEL_REGISTRY, AssetKind.MODEL}
)
#: Workloads whose code a user or a dependency controls: the entry points of XC-PATH-007 (a
#: model's or endpoint's own serving identity is judged by the single-asset identity rules).
REDEPLOY_ENTRIES = frozenset(
    {
        AssetKind.NOTEBOOK,
        AssetKind.GPU_COMPUTE,
        AssetKind.TRAINING_JOB,
        AssetKind.PIPELINE,
        AssetKind.AGENT,
    }
)
DEPLOY_PRIORITY = {
    AssetKind.ENDPOINT: 0,
    AssetKind.LLM_DEPLOYMENT: 1,
    AssetKind.MODEL_REGISTRY: 2,
    AssetKind.MODEL: 3,
}
MAX_LISTED_TARGETS = 25
NOT_LIVE = ("fail", "delet", "outofservice", "stopped", "undeploy", "disabled")
GRANTS = (EdgeType.CAN_READ, EdgeType.CAN_WRITE, EdgeType.CAN_INVOKE, EdgeType.CAN_DEPLOY)
WEAK_STRENGTHS = (None, "", "NONE", "LOW")


# -- graph helpers ----------------------------------------------------------------------------


def _kind(graph: EstateGraph, node_id: str) -> AssetKind | None:
    asset = graph.asset(node_id)
    return asset.kind if asset is not None else None


def _facts(graph: EstateGraph, node_id: str) -> Facts | None:
    """The node's typed facts; None for synthetic / external nodes and malformed payloads."""
    asset = graph.asset(node_id)
    if asset is None:
        return None
    try:
        return asset.facts
    except ValueError:  # pydantic.ValidationError: the per-asset rules report it as manual
        return None


def _hop(source: str, edge: EdgeType | str, target: str, data: Mapping[str, Any]) -> PathHop:
    return PathHop(
        source=source, edge=str(edge), target=target, evidence=dict(data.get("evidence") or {})
    )


def _edges(
    adjacency: Mapping[str, Mapping[Any, Mapping[str, Any]]], wanted: frozenset[str]
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    n = 0
    for other, keyed in adjacency.items():
        for data in keyed.values():
            if not wanted or data["type"] in wanted:
                yield other, data
                n += 1
                if n >= FANOUT:
                    return


def _out(graph: EstateGraph, node: str, *types: EdgeType) -> Iterator[tuple[str, PathHop]]:
    if node not in graph.g:
        return
    for target, data in _edges(graph.g.succ[node], frozenset(t.value for t in types)):
        yield target, _hop(node, data["type"], target, data)


def _in(graph: EstateGraph, node: str, *types: EdgeType) -> Iterator[tuple[str, PathHop]]:
    if node not in graph.g:
        return
    for source, data in _edges(graph.g.pred[node], frozenset(t.value for t in types)):
        yield source, _hop(source, data["type"], node, data)


def internet_hop(graph: EstateGraph, node: str) -> PathHop | None:
    """The exposed-to edge from the internet into `node`, if any."""
    for source, hop in _in(graph, node, EdgeType.EXPOSED_TO):
        if source == INTERNET:
            return hop
    return None


def public_hop(graph: EstateGraph, node: str) -> tuple[PathHop, bool] | None:
    """How anyone reaches data `node` (exposed-to from the internet, or an anonymous can-*
    grant) and whether that access writes."""
    found: tuple[PathHop, bool] | None = None
    for source, hop in _in(graph, node, EdgeType.EXPOSED_TO, *GRANTS):
        if source not in (INTERNET, ANONYMOUS):
            continue
        writes = hop.edge == EdgeType.CAN_WRITE or hop.evidence.get("access") == "write"
        if found is None or (writes and not found[1]):
            found = (hop, writes)
    return found


def _with_entry(hop: PathHop | None, rest: tuple[str, ...]) -> tuple[str, ...]:
    return ((hop.source,) if hop is not None else ()) + rest


def is_live(graph: EstateGraph, node: str) -> bool:
    """An endpoint / deployment serves traffic unless its status says otherwise (an unread
    status is not proof that it is down)."""
    facts = _facts(graph, node)
    status = next(
        (
            v
            for v in (getattr(facts, "status", None), getattr(facts, "state", None))
            if isinstance(v, str)
        ),
        None,
    )
    if status is None:  # not read, or not a status this asset type has
        return True
    flat = status.lower().replace("_", "").replace(" ", "")
    return not any(word in flat for word in NOT_LIVE)


def deployments(graph: EstateGraph, model: str) -> Iterator[tuple[str, PathHop]]:
    """The live endpoints / deployments that serve or use `model`."""
    seen: set[str] = set()
    for source, hop in _in(graph, model, EdgeType.SERVES, EdgeType.USES_MODEL):
        if source not in seen and _kind(graph, source) in DEPLOYED_BY and is_live(graph, source):
            seen.add(source)
            yield source, hop


def tuning_data(graph: EstateGraph, model: str) -> Iterator[tuple[tuple[str, ...], list[PathHop]]]:
    """(nodes after `model` down to the data, hops) for every data store the model, or a model
    it was fine-tuned from (bounded depth, visited set), was trained on: via a trained-on edge
    or produced-by job -> reads-data-from."""
    frontier: list[tuple[str, tuple[str, ...], list[PathHop]]] = [(model, (), [])]
    visited = {model}
    for _ in range(MAX_TUNING_DEPTH + 1):
        following: list[tuple[str, tuple[str, ...], list[PathHop]]] = []
        for node, nodes, hops in frontier:
            for data, hop in _out(graph, node, EdgeType.TRAINED_ON):
                yield (*nodes, data), [*hops, hop]
            for job, job_hop in _out(graph, node, EdgeType.PRODUCED_BY):
                for data, hop in _out(graph, job, EdgeType.READS_DATA_FROM):
                    if data != node:
                        yield (*nodes, job, data), [*hops, job_hop, hop]
            for base, hop in _out(graph, node, EdgeType.FINE_TUNED_FROM):
                if base not in visited:
                    visited.add(base)
                    following.append((base, (*nodes, base), [*hops, hop]))
        frontier = following
        if not frontier:
            return


def identities(graph: EstateGraph, node: str) -> Iterator[tuple[str, PathHop]]:
    yield from _out(graph, node, EdgeType.RUNS_AS)


def is_admin(graph: EstateGraph, identity: str) -> bool:
    facts = _facts(graph, identity)
    return isinstance(facts, IdentityFacts) and facts.administrator is True


# -- the chains -------------------------------------------------------------------------------


@graph_rule(
    id="XC-PATH-001",
    title="Internet-exposed compute can overwrite the model a live endpoint serves",
    severity=Severity.CRITICAL,
    kinds=(AssetKind.ENDPOINT, AssetKind.LLM_DEPLOYMENT),
    description=(
        "A notebook or GPU/compute instance reachable from the internet runs as an identity that "
        "can write the artifact store of a model (or the model entry itself) that a live "
        "endpoint serves."
    ),
    risk=(
        "Whoever compromises the exposed machine inherits its identity and can replace the model "
        "artifact with a backdoored one; the production endpoint loads it on its next restart or "
        "scale-out (model tampering)."
    ),
    remediation=(
        "Take the machine off the internet (no public IP, no 0.0.0.0/0 ingress) and remove write "
        "access to model artifact stores from its identity; serve models from a store only the "
        "deployment pipeline can write, with versioning and artifact signing."
    ),
    references=(ATLAS_TAMPER, ATLAS_PUBLIC, "OWASP LLM03:2025 Supply Chain", "OWASP ML10:2023"),
)
def exposed_compute_tampers_served_model(graph: EstateGraph) -> Iterator[PathResult]:
    for node in list(graph.g.nodes):
        if _kind(graph, node) not in COMPUTE:
            continue
        entry = internet_hop(graph, node)
        if entry is None:
            continue
        for identity, runs in identities(graph, node):
            for store, writes in _out(graph, identity, EdgeType.CAN_WRITE):
                models: list[tuple[str, list[PathHop]]] = []
                if _kind(graph, store) is AssetKind.MODEL:
                    models.append((store, []))
                models += [(m, [hop]) for m, hop in _in(graph, store, EdgeType.STORES_ARTIFACT_IN)]
                for model, via in models:
                    for endpoint, serves in deployments(graph, model):
                        chain = (node, identity, store) + ((model,) if via else ()) + (endpoint,)
                        yield PathResult(
                            path=_with_entry(entry, chain),
                            hops=(entry, runs, writes, *via, serves),
                            reason=(
                                f"{_label(graph, node)} is exposed to the internet and runs as "
                                f"{_label(graph, identity)}, which can write "
                                f"{_label(graph, store)}: the artifact of the model "
                                f"{_label(graph, endpoint)} serves"
                            ),
                        )


@graph_rule(
    id="XC-PATH-002",
    title="Public training data feeds a model that is deployed",
    severity=Severity.CRITICAL,
    kinds=(AssetKind.ENDPOINT, AssetKind.LLM_DEPLOYMENT, AssetKind.AGENT),
    description=(
        "Training or fine-tuning data that anyone can read or write feeds the job whose output "
        "model a live endpoint or deployment serves."
    ),
    risk=(
        "Anyone who can write the data poisons the next training run and so the production "
        "model's behaviour; readable data leaks what the model was trained on (data poisoning "
        "into production)."
    ),
    remediation=(
        "Make the training data store private (block public access, remove allUsers / anonymous "
        "grants), keep training data versioned and checksummed, and retrain from a trusted copy."
    ),
    references=(ATLAS_POISON, "OWASP LLM04:2025 Data and Model Poisoning", "OWASP ML02:2023"),
)
def public_data_poisons_deployed_model(graph: EstateGraph) -> Iterator[PathResult]:
    for node in list(graph.g.nodes):
        if _kind(graph, node) not in DEPLOYED_BY:
            continue
        if not is_live(graph, node):
            continue
        for model, serves in _out(graph, node, EdgeType.SERVES, EdgeType.USES_MODEL):
            for nodes, hops in tuning_data(graph, model):
                data = nodes[-1]
                public = public_hop(graph, data)
                if public is None:
                    continue
                entry, writes = public
                # attack order: internet -> data -> (job) -> ... -> model -> endpoint
                chain = (*reversed(nodes), model, node)
                yield PathResult(
                    path=_with_entry(entry, chain),
                    hops=(entry, *reversed(hops), serves),
                    reason=(
                        f"{_label(graph, data)} is publicly {'writable' if writes else 'readable'}"
                        f" and trains the model {_label(graph, node)} serves"
                    ),
                    evidence={"access": "write" if writes else "read"},
                    severity=None if writes else Severity.HIGH,
                )


@graph_rule(
    id="XC-PATH-003",
    title="Public or key-authenticated endpoint serves a model tuned on exposed data",
    severity=Severity.HIGH,
    kinds=(AssetKind.BUCKET, AssetKind.DATASET),
    description=(
        "An endpoint reachable from the internet without an identity (no auth, or an API key) "
        "serves a model trained or fine-tuned on data that is itself publicly exposed."
    ),
    risk=(
        "Callers can probe a model whose training data anyone could have poisoned, and extract "
        "what it memorised from that data through the public API (extraction / poisoned "
        "behaviour)."
    ),
    remediation=(
        "Require identity-based authentication on the endpoint (IAM / Entra ID / Google IAM) or "
        "take it off the internet, and make the training data private."
    ),
    references=(
        ATLAS_EXTRACT,
        ATLAS_POISON,
        "OWASP LLM02:2025 Sensitive Information Disclosure",
        "OWASP ML03:2023",
    ),
)
def exposed_endpoint_on_exposed_data(graph: EstateGraph) -> Iterator[PathResult]:
    for node in list(graph.g.nodes):
        if _kind(graph, node) not in DEPLOYED_BY:
            continue
        entry = internet_hop(graph, node)
        if entry is None or entry.evidence.get("auth") not in ("none", "key", None):
            continue
        for model, serves in _out(graph, node, EdgeType.SERVES, EdgeType.USES_MODEL):
            for nodes, hops in tuning_data(graph, model):
                data = nodes[-1]
                public = public_hop(graph, data)
                if public is None:
                    continue
                yield PathResult(
                    path=(INTERNET, node, model, *nodes),
                    hops=(entry, serves, *hops),
                    reason=(
                        f"{_label(graph, node)} answers the internet "
                        f"(auth {entry.evidence.get('auth') or 'none'}) with a model tuned on "
                        f"{_label(graph, data)}, which is publicly exposed"
                    ),
                    evidence={"data_exposure": public[0].model_dump()},
                )


def _guardrail_gap(graph: EstateGraph, agent: str) -> tuple[str, dict[str, Any]] | None:
    """Why the agent's guardrail is missing or weak (None: it has a guardrail that holds, or
    what decides it could not be read)."""
    facts = _facts(graph, agent)
    guards = [g for g, _ in _out(graph, agent, EdgeType.GUARDED_BY)]
    if isinstance(facts, BedrockAgentFacts):
        if unread(facts.guardrail):
            return None
        if facts.guardrail is None and not guards:
            return "no guardrail", {"guardrail": None}
    elif not guards:
        return "no guardrail", {"guardrail": None}
    for guard in guards:
        gf = _facts(graph, guard)
        if (
            isinstance(gf, BedrockGuardrailFacts)
            and not unread(gf.prompt_attack_strength)
            and gf.prompt_attack_strength in WEAK_STRENGTHS
        ):
            return "a weak guardrail", {
                "guardrail": guard,
                "prompt_attack_strength": gf.prompt_attack_strength,
            }
        if isinstance(gf, RaiPolicyFacts) and not unread(gf.jailbreak) and not gf.jailbreak.enabled:
            return "a weak guardrail", {"guardrail": guard, "jailbreak_shield": False}
    return None


@graph_rule(
    id="XC-PATH-004",
    title="Agent without a guardrail acts as an administrator or can write data stores",
    severity=Severity.HIGH,
    kinds=(AssetKind.IDENTITY, AssetKind.BUCKET, AssetKind.DATASET, AssetKind.KNOWLEDGE_BASE),
    description=(
        "An agent with no guardrail (or one without prompt-attack filtering) runs, directly or "
        "through its action functions, as an administrator identity or one that can write data "
        "stores."
    ),
    risk=(
        "A prompt injection steers the agent's tools; with an administrator identity or write "
        "access the injected instructions change or destroy data (excessive agency)."
    ),
    remediation=(
        "Attach a guardrail with prompt-attack filtering to the agent and scope its execution "
        "and action identities to the least privilege their tools need (no administrator, no "
        "write to data stores they only read)."
    ),
    references=(ATLAS_AGENCY, "OWASP LLM06:2025 Excessive Agency", "OWASP LLM01:2025"),
)
def unguarded_agent_excessive_agency(graph: EstateGraph) -> Iterator[PathResult]:
    for node in list(graph.g.nodes):
        if _kind(graph, node) is not AssetKind.AGENT:
            continue
        gap = _guardrail_gap(graph, node)
        if gap is None:
            continue
        why, evidence = gap
        routes: list[tuple[tuple[str, ...], tuple[PathHop, ...], str]] = [
            ((node, identity), (runs,), identity) for identity, runs in identities(graph, node)
        ]
        for action, invokes in _out(graph, node, EdgeType.INVOKES):
            routes += [
                ((node, action, identity), (invokes, runs), identity)
                for identity, runs in identities(graph, action)
            ]
        for nodes, hops, identity in routes:
            if is_admin(graph, identity):
                yield PathResult(
                    path=nodes,
                    hops=hops,
                    reason=(
                        f"{_label(graph, node)} has {why} and acts as "
                        f"{_label(graph, identity)}, an administrator"
                    ),
                    evidence=evidence,
                )
                continue
            for store, writes in _out(graph, identity, EdgeType.CAN_WRITE):
                if _kind(graph, store) in DATA:
                    yield PathResult(
                        path=(*nodes, store),
                        hops=(*hops, writes),
                        reason=(
                            f"{_label(graph, node)} has {why} and acts as "
                            f"{_label(graph, identity)}, which can write {_label(graph, store)}"
                        ),
                        evidence=evidence,
                    )


def _powerful(graph: EstateGraph, identity: str) -> dict[str, Any] | None:
    if is_admin(graph, identity):
        return {"administrator": True}
    writes = sorted(
        {t for t, _ in graph.out_edges(identity, EdgeType.CAN_WRITE, EdgeType.CAN_DEPLOY)}
    )
    if writes:
        return {"can_write_or_deploy": len(writes), "e.g.": writes[:3]}
    return None


@graph_rule(
    id="XC-PATH-005",
    title="Floating public-hub model with remote code runs as a powerful identity",
    severity=Severity.CRITICAL,
    kinds=(AssetKind.IDENTITY,),
    description=(
        "A workload loads a model from a public hub by a floating reference (no pinned "
        "revision) with remote code enabled, and runs as an administrator or an identity that "
        "can write or deploy."
    ),
    risk=(
        "Whoever can push to the hub repository runs code inside the workload on its next load "
        "and acts with its identity (supply chain to account takeover)."
    ),
    remediation=(
        "Pin the hub model to a commit revision, turn trust_remote_code off (or vendor the code "
        "after review), and run the workload as a least-privilege identity."
    ),
    references=(ATLAS_SUPPLY, "OWASP LLM03:2025 Supply Chain", "OWASP ML06:2023"),
)
def floating_hub_model_powerful_identity(graph: EstateGraph) -> Iterator[PathResult]:
    for node in list(graph.g.nodes):
        if _kind(graph, node) is None:
            continue
        facts = _facts(graph, node)
        for hub, loads in _out(graph, node, EdgeType.LOADS_FROM_HUB):
            pinned = loads.evidence.get("pinned")
            remote = loads.evidence.get("trust_remote_code")
            if isinstance(facts, HubFacts):
                model = facts.hub_model
                if pinned is None and not unread(model) and model is not None:
                    pinned = model.pinned
                if remote is None and not unread(facts.trust_remote_code):
                    remote = facts.trust_remote_code
            if pinned is not False or not remote:
                continue
            for identity, runs in identities(graph, node):
                power = _powerful(graph, identity)
                if power is None:
                    continue
                yield PathResult(
                    path=(hub, node, identity),
                    hops=(loads, runs),
                    reason=(
                        f"{_label(graph, node)} loads "
                        f"{loads.evidence.get('repo_id') or 'a hub model'} by a floating "
                        "reference with remote code on, as "
                        f"{_label(graph, identity)}"
                    ),
                    evidence={"identity": power},
                )


@graph_rule(
    id="XC-PATH-006",
    title="Secret in an AI workload opens another AI service or data store",
    severity=Severity.HIGH,
    kinds=sorted(AI_DATA | DEPLOYED_BY),
    description=(
        "A secret found in an AI workload's environment (container variables, job parameters) "
        "authenticates to another AI service or data store in the inventory."
    ),
    risk=(
        "Anyone who can read the workload's configuration (describe / get permissions, logs, the "
        "image) holds a working credential to the other service, outside IAM's control."
    ),
    remediation=(
        "Move the secret to a secret manager referenced by the workload's identity, rotate it, "
        "and give the workload an identity-based grant instead of a key."
    ),
    references=(ATLAS_CREDS, "OWASP LLM02:2025 Sensitive Information Disclosure"),
)
def secret_opens_service(graph: EstateGraph) -> Iterator[PathResult]:
    for node in list(graph.g.nodes):
        if _kind(graph, node) is None:
            continue
        for target, opens in _out(graph, node, EdgeType.AUTHENTICATES_TO):
            if target == node or _kind(graph, target) is None:
                continue
            entry = internet_hop(graph, node)
            yield PathResult(
                path=_with_entry(entry, (node, target)),
                hops=((entry,) if entry else ()) + (opens,),
                reason=(
                    f"a secret in {_label(graph, node)} "
                    f"({opens.evidence.get('location') or 'environment'}) authenticates to "
                    f"{_label(graph, target)}"
                ),
                severity=Severity.CRITICAL if entry else None,
            )


@graph_rule(
    id="XC-PATH-007",
    title="Notebook or workload identity can redeploy production endpoints or models",
    severity=Severity.HIGH,
    kinds=sorted(DEPLOY_TARGETS),
    description=(
        "A notebook, job, pipeline or other workload runs as an identity that can update or "
        "redeploy an endpoint, deployment or model registry entry."
    ),
    risk=(
        "Code running in the workload (a user's notebook, a poisoned dependency) can swap the "
        "model or configuration production serves without passing review."
    ),
    remediation=(
        "Deploy only from a dedicated pipeline identity; remove deployment / registry write "
        "permissions from notebook and workload identities."
    ),
    references=(ATLAS_ACCESS, ATLAS_TAMPER, "OWASP LLM06:2025 Excessive Agency", "OWASP ML10:2023"),
)
def workload_can_redeploy(graph: EstateGraph) -> Iterator[PathResult]:
    """One chain per workload: every production target its identities can redeploy is the same
    weakness (the workload holds deployment power), so the targets go into the evidence and the
    crown jewel is the most valuable of them (live endpoints before deployments, registries and
    models; then by id, so the fingerprint is stable while the target set grows)."""
    for node in list(graph.g.nodes):
        if _kind(graph, node) not in REDEPLOY_ENTRIES:
            continue
        targets: dict[str, tuple[str, PathHop, PathHop]] = {}
        for identity, runs in identities(graph, node):
            for target, deploys in _out(graph, identity, EdgeType.CAN_DEPLOY):
                kind = _kind(graph, target)
                if target == node or kind not in DEPLOY_TARGETS:
                    continue
                if kind in (AssetKind.ENDPOINT, AssetKind.LLM_DEPLOYMENT) and not is_live(
                    graph, target
                ):
                    continue
                targets.setdefault(target, (identity, runs, deploys))
        if not targets:
            continue
        jewel = min(targets, key=lambda t: (_deploy_rank(graph, t), t))
        identity, runs, deploys = targets[jewel]
        entry = internet_hop(graph, node)
        others = sorted(t for t in targets if t != jewel)
        yield PathResult(
            path=_with_entry(entry, (node, identity, jewel)),
            hops=((entry,) if entry else ()) + (runs, deploys),
            reason=(
                f"{_label(graph, node)} runs as {_label(graph, identity)}, which can "
                f"deploy {_label(graph, jewel)}"
                + (f" and {len(others)} more production target(s)" if others else "")
                + (" (and the workload is exposed to the internet)" if entry else "")
            ),
            evidence={
                "can_deploy_count": len(targets),
                "can_deploy": [jewel, *others][:MAX_LISTED_TARGETS],
            },
            severity=Severity.CRITICAL if entry else None,
        )


def _deploy_rank(graph: EstateGraph, node: str) -> int:
    kind = _kind(graph, node)
    return DEPLOY_PRIORITY.get(kind, len(DEPLOY_PRIORITY)) if kind else len(DEPLOY_PRIORITY)


def _metadata_open(graph: EstateGraph, node: str) -> dict[str, Any] | None:
    """Evidence that a credential-stealing request reaches the metadata service (None: it does
    not, or it could not be read)."""
    facts = _facts(graph, node)
    if isinstance(facts, Ec2InstanceFacts) and facts.imds_enabled is False:
        return None
    if isinstance(facts, MetadataFacts) and facts.imds_v2_required is False:
        return {"imds_v2_required": False}
    if isinstance(facts, NodePoolFacts) and facts.legacy_metadata_endpoints is True:
        return {"legacy_metadata_endpoints": True}
    return None


def _gpu(graph: EstateGraph, node: str) -> bool:
    if _kind(graph, node) is AssetKind.GPU_COMPUTE:
        return True
    facts = _facts(graph, node)
    return (
        isinstance(facts, AcceleratorFacts)
        and not unread(facts.accelerators)
        and bool(facts.accelerators)
    )


@graph_rule(
    id="XC-PATH-008",
    title="Internet-exposed GPU workload with open instance metadata reaches AI data",
    severity=Severity.CRITICAL,
    kinds=sorted(AI_DATA),
    description=(
        "A GPU workload reachable from the internet answers instance-metadata requests without "
        "session tokens (IMDSv1, legacy GCE metadata endpoints), and its role can read or write "
        "AI data: training data, models, registries."
    ),
    risk=(
        "A server-side request forgery in anything the box serves (a notebook, an inference "
        "server) returns the role's credentials; with them the attacker reads or rewrites the "
        "AI data (credential theft to data)."
    ),
    remediation=(
        "Require IMDSv2 (HttpTokens=required) / disable legacy metadata endpoints, take the "
        "workload off the internet, and scope its role to the data it needs."
    ),
    references=(ATLAS_CREDS, ATLAS_PUBLIC, "OWASP LLM02:2025 Sensitive Information Disclosure"),
)
def exposed_gpu_metadata_to_data(graph: EstateGraph) -> Iterator[PathResult]:
    for node in list(graph.g.nodes):
        if not _gpu(graph, node):
            continue
        entry = internet_hop(graph, node)
        if entry is None:
            continue
        metadata = _metadata_open(graph, node)
        if metadata is None:
            continue
        # one chain per exposed box: every store its identities reach is the same stolen
        # credential, so the stores go into the evidence and the worst one is the crown jewel
        reached: dict[str, tuple[str, PathHop, PathHop]] = {}
        for identity, runs in identities(graph, node):
            for data, grant in _out(graph, identity, EdgeType.CAN_READ, EdgeType.CAN_WRITE):
                if _kind(graph, data) not in AI_DATA:
                    continue
                if data not in reached or _data_rank(graph, data, grant) < _data_rank(
                    graph, data, reached[data][2]
                ):
                    reached[data] = (identity, runs, grant)
        if not reached:
            continue
        data = min(reached, key=lambda d: (_data_rank(graph, d, reached[d][2]), d))
        identity, runs, grant = reached[data]
        others = sorted(d for d in reached if d != data)
        yield PathResult(
            path=(INTERNET, node, identity, data),
            hops=(
                entry,
                runs.model_copy(update={"evidence": {**runs.evidence, **metadata}}),
                grant,
            ),
            reason=(
                f"{_label(graph, node)} is exposed to the internet with open instance "
                f"metadata; its role {_label(graph, identity)} can "
                f"{grant.edge.removeprefix('can-')} {_label(graph, data)}"
                + (f" and {len(others)} more AI data store(s)" if others else "")
            ),
            evidence={
                "metadata": metadata,
                "reaches_count": len(reached),
                "reaches": [data, *others][:MAX_LISTED_TARGETS],
            },
        )


def _data_rank(graph: EstateGraph, node: str, grant: PathHop) -> tuple[int, int]:
    """Writable before readable; model artifacts before training data before other data."""
    serves_models = any(True for _ in _in(graph, node, EdgeType.STORES_ARTIFACT_IN))
    feeds_jobs = any(True for _ in _in(graph, node, EdgeType.READS_DATA_FROM))
    return (
        0 if grant.edge == EdgeType.CAN_WRITE.value else 1,
        0 if serves_models else 1 if feeds_jobs else 2,
    )


def _label(graph: EstateGraph, node: str) -> str:
    return str(graph.node(node).get("label") or node)[:120] if node in graph.g else node[:120]


RULES = (
    exposed_compute_tampers_served_model,
    public_data_poisons_deployed_model,
    exposed_endpoint_on_exposed_data,
    unguarded_agent_excessive_agency,
    floating_hub_model_powerful_identity,
    secret_opens_service,
    workload_can_redeploy,
    exposed_gpu_metadata_to_data,
)
