"""Risk: severity x exposure x blast radius, each factor decided from the estate graph and
explained in words a user can check.

- severity: the finding's base score (critical 9.5, high 8.0, medium 5.5, low 3.0, info 0).
- exposure: `internet` (1.0) when the asset has an exposed-to edge from the internet or the
  anonymous principal can read / write / invoke it; `authenticated` (0.8) when an identity holds a
  can-* grant on it or it is a service endpoint (endpoint, LLM service or deployment, agent:
  callers must authenticate); `internal` (0.6) otherwise.
- blast radius (0.7..1.0): what the asset can touch: the data stores, models, registries and
  services reachable from it and from the identities it runs as (runs-as -> can-* /
  authenticates-to), 0.7 for none, +0.06 each, saturating at 1.0 from five on; an administrator
  identity is 1.0.

An attack path scores at least 0.1 above every single-asset finding on its assets, so paths
always rank first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from aiscan.core.facts.common import IdentityFacts
from aiscan.core.graph.model import ANONYMOUS, INTERNET, EdgeType, EstateGraph
from aiscan.core.model import SEVERITY_SCORE, AssetKind, Finding, Risk, RiskFactor, Severity

EXPOSURE = {"internet": 1.0, "authenticated": 0.8, "internal": 0.6}
BLAST_BASE = 0.7
BLAST_STEP = 0.06
BLAST_SATURATES = 5

GRANTS = (EdgeType.CAN_READ, EdgeType.CAN_WRITE, EdgeType.CAN_INVOKE, EdgeType.CAN_DEPLOY)
REACH = (*GRANTS, EdgeType.AUTHENTICATES_TO)
#: Services that answer callers: reachable, but callers authenticate.
SERVICE_KINDS = frozenset(
    {AssetKind.ENDPOINT, AssetKind.LLM_SERVICE, AssetKind.LLM_DEPLOYMENT, AssetKind.AGENT}
)


def exposure(graph: EstateGraph, node_id: str) -> tuple[str, str]:
    """(level, why) of a node."""
    if node_id in (INTERNET, ANONYMOUS):
        return "internet", "the path starts on the internet"
    if node_id not in graph.g:
        return "internal", "not in the graph"
    for source, data in graph.in_edges(node_id, EdgeType.EXPOSED_TO):
        if source == INTERNET:
            reason = data.get("evidence", {}).get("reason") or "exposed-to edge"
            return "internet", f"exposed to the internet: {str(reason)[:120]}"
    for source, data in graph.in_edges(node_id, *GRANTS):
        if source == ANONYMOUS:
            return "internet", f"anyone (anonymous) has {data['type']} on it"
    granted = sorted({s for s, _ in graph.in_edges(node_id, *GRANTS)})
    if granted:
        return (
            "authenticated",
            f"{len(granted)} identit{'y' if len(granted) == 1 else 'ies'} hold grants on it",
        )
    asset = graph.asset(node_id)
    if asset is not None and asset.kind in SERVICE_KINDS:
        return "authenticated", f"a {asset.kind.value} answers callers who authenticate"
    return "internal", "no internet exposure or grant to callers found in the graph"


Reach = dict[str, tuple[frozenset[str], bool]]


def reach(
    graph: EstateGraph, node_id: str, cache: Reach | None = None
) -> tuple[frozenset[str], bool]:
    """What a node can touch (targets of can-* / authenticates-to from it and the identities it
    runs as) and whether one of those identities is an administrator. Synthetic nodes (the
    internet reaches everything exposed) touch nothing themselves."""
    if node_id not in graph.g or graph.node(node_id).get("synthetic"):
        return frozenset(), False
    if cache is None:
        return _reach(graph, node_id)
    if node_id not in cache:
        cache[node_id] = _reach(graph, node_id)
    return cache[node_id]


def _reach(graph: EstateGraph, node_id: str) -> tuple[frozenset[str], bool]:
    sources = {node_id} | {t for t, _ in graph.out_edges(node_id, EdgeType.RUNS_AS)}
    touched: set[str] = set()
    admin = False
    for source in sources:
        if source not in graph.g:
            continue
        asset = graph.asset(source)
        if asset is not None and asset.kind is AssetKind.IDENTITY:
            admin = admin or is_administrator(graph, source)
        touched.update(t for t, _ in graph.out_edges(source, *REACH))
    touched.discard(node_id)
    return frozenset(touched), admin


def is_administrator(graph: EstateGraph, node_id: str) -> bool:
    """True only when the identity's facts say administrator (UNREAD or unvalidated: False)."""
    asset = graph.asset(node_id)
    if asset is None:
        return False
    try:
        facts = asset.facts
    except ValueError:  # pydantic.ValidationError: a malformed payload decides nothing
        return False
    return isinstance(facts, IdentityFacts) and facts.administrator is True


def blast_radius(
    graph: EstateGraph, nodes: Iterable[str], cache: Reach | None = None
) -> tuple[float, str, str]:
    """(value, level, why) over the union of what `nodes` can touch."""
    touched: set[str] = set()
    admins: list[str] = []
    for node in nodes:
        t, admin = reach(graph, node, cache)
        touched |= t
        if admin:
            admins.append(node)
    if admins:
        return (
            1.0,
            "administrator",
            f"runs as an administrator identity ({_name(graph, admins[0])})",
        )
    n = len(touched)
    value = min(1.0, BLAST_BASE + BLAST_STEP * min(n, BLAST_SATURATES))
    if not n:
        return value, "0 reachable", "its identities reach no data store, model or service"
    sample = ", ".join(sorted(_name(graph, t) for t in touched)[:3])
    more = f" and {n - 3} more" if n > 3 else ""
    return value, f"{n} reachable", f"can touch {n} store(s)/model(s)/service(s): {sample}{more}"


def _name(graph: EstateGraph, node_id: str) -> str:
    if node_id in graph.g:
        return str(graph.node(node_id).get("label") or node_id)[:80]
    return node_id[:80]


def assess(
    graph: EstateGraph,
    severity: Severity,
    nodes: tuple[str, ...],
    entry: str | None = None,
    cache: Reach | None = None,
) -> Risk:
    """The risk of a finding on `nodes` (one asset, or a path whose entry is `entry`); `cache`
    keeps what each node reaches across the findings of one evaluation."""
    base = SEVERITY_SCORE[severity]
    level, why_exposed = exposure(graph, entry if entry is not None else nodes[0])
    blast, blast_level, why_blast = blast_radius(graph, nodes, cache)
    score = round(min(10.0, base * EXPOSURE[level] * blast), 1)
    return Risk(
        score=score,
        factors=(
            RiskFactor(
                name="severity",
                value=base,
                level=severity.value,
                why=f"{severity.value} (base {base})",
            ),
            RiskFactor(name="exposure", value=EXPOSURE[level], level=level, why=why_exposed),
            RiskFactor(
                name="blast-radius", value=round(blast, 2), level=blast_level, why=why_blast
            ),
        ),
    )


def worst_by_asset(findings: Iterable[Finding]) -> dict[str, Finding]:
    """The highest-scoring finding of each asset."""
    worst: dict[str, Finding] = {}
    for f in findings:
        held = worst.get(f.asset_id)
        if held is None or f.risk_score > held.risk_score:
            worst[f.asset_id] = f
    return worst


def above_assets(risk: Risk, path: Iterable[str], worst: Mapping[str, Finding]) -> Risk:
    """A path's risk raised to 0.1 above the worst single-asset finding on its assets (`worst`:
    see `worst_by_asset`)."""
    on_path = [worst[n] for n in path if n in worst]
    top = max(on_path, key=_score, default=None)
    if top is None or risk.score > top.risk_score:
        return risk
    raised = round(min(10.0, top.risk_score + 0.1), 1)
    severity, *rest = risk.factors
    note = (
        f"; score {risk.score} raised to {raised}: a path ranks above every finding on its assets "
        f"(worst {top.rule_id} at {top.risk_score})"
    )
    return Risk(
        score=raised, factors=(severity.model_copy(update={"why": severity.why + note}), *rest)
    )


def _score(f: Finding) -> float:
    return f.risk_score
