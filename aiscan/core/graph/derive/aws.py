"""Derived edges, AWS: IAM policy grants (can-*) and exposure (exposed-to).

Grants are matched the way IAM matches (docs/graph-edges.md says what this cannot see):

* actions case-insensitively, with `*` and `?` wildcards; `NotAction` grants every action of
  `ACTIONS` it does not match;
* resources case-sensitively against the asset's ARN, with `*` and `?` (a `[` is a literal, as in
  IAM); `NotResource` applies to every asset it does not match; policy variables (`${aws:...}`)
  match anything and make the grant conditional (`${*}`, `${?}`, `${$}` are the literal
  characters);
* an explicit Deny that covers the granted resource removes the grant; a Deny under a Condition
  keeps it, marked `conditional`; an Allow under a Condition yields an edge marked `conditional`.

Object-level actions (s3:GetObject, s3:PutObject ...) act on the objects of a bucket, so a
pattern grants them on a bucket when it can match some object ARN of the bucket
(`arn:aws:s3:::models/prod/*` grants on `models`); a Deny removes them only when it covers the
whole granted pattern. Targets are the assets of the inventory in the role's own account.

Speed: each statement's actions are matched once against the table (cached by pattern), its
resource patterns look candidates up by their literal prefix in a sorted index of each target
type, and matches are cached per statement, so roles sharing a managed policy share the work.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from aiscan.core.facts.aws import (
    AgentCoreGatewayFacts,
    Ec2InstanceFacts,
    EksNodegroupFacts,
    IamRoleFacts,
    PolicyStatement,
    S3BucketFacts,
    SageMakerDomainFacts,
    SageMakerNotebookFacts,
)
from aiscan.core.facts.base import Facts, unread
from aiscan.core.facts.common import EndpointFacts
from aiscan.core.graph.derive.common import port_labels, typed_facts
from aiscan.core.graph.model import ANONYMOUS, INTERNET, EdgeType, EstateGraph
from aiscan.core.model import Asset, Cloud
from aiscan.core.sanitize import clean_text

# -- the action table -----------------------------------------------------------------------------

S3 = "AWS::S3::Bucket"
ECR = "AWS::ECR::Repository"
SM_ENDPOINT = "AWS::SageMaker::Endpoint"
SM_PACKAGE = "AWS::SageMaker::ModelPackage"
SM_GROUP = "AWS::SageMaker::ModelPackageGroup"
BR_CUSTOM = "AWS::Bedrock::CustomModel"
BR_IMPORTED = "AWS::Bedrock::ImportedModel"
BR_PROVISIONED = "AWS::Bedrock::ProvisionedModelThroughput"
BR_AGENT = "AWS::Bedrock::Agent"
BR_FLOW = "AWS::Bedrock::Flow"
AC_RUNTIME = "AWS::BedrockAgentCore::Runtime"

#: How an action names its resource relative to the asset's ARN: `self` the ARN itself,
#: `children` anything under `ARN/` (bucket objects, runtime endpoints, flow aliases),
#: `agent-alias` the aliases of a Bedrock agent (`...:agent-alias/AGENT_ID/ALIAS_ID`).
SELF, CHILDREN, AGENT_ALIAS = "self", "children", "agent-alias"


@dataclass(frozen=True)
class Grant:
    action: str
    edge: EdgeType
    types: tuple[str, ...]
    scope: str = SELF


#: The one table of IAM actions the graph turns into edges (documented in docs/graph-edges.md).
ACTIONS: tuple[Grant, ...] = (
    # can-read: data and images
    Grant("s3:GetObject", EdgeType.CAN_READ, (S3,), CHILDREN),
    Grant("s3:GetObjectVersion", EdgeType.CAN_READ, (S3,), CHILDREN),
    Grant("ecr:BatchGetImage", EdgeType.CAN_READ, (ECR,)),
    Grant("ecr:GetDownloadUrlForLayer", EdgeType.CAN_READ, (ECR,)),
    # can-write: data, images, and the policy that decides who may write
    Grant("s3:PutObject", EdgeType.CAN_WRITE, (S3,), CHILDREN),
    Grant("s3:DeleteObject", EdgeType.CAN_WRITE, (S3,), CHILDREN),
    Grant("s3:PutBucketPolicy", EdgeType.CAN_WRITE, (S3,)),
    Grant("ecr:PutImage", EdgeType.CAN_WRITE, (ECR,)),
    Grant("ecr:CompleteLayerUpload", EdgeType.CAN_WRITE, (ECR,)),
    # can-invoke: endpoints, models, agents
    Grant("sagemaker:InvokeEndpoint", EdgeType.CAN_INVOKE, (SM_ENDPOINT,)),
    Grant("sagemaker:InvokeEndpointAsync", EdgeType.CAN_INVOKE, (SM_ENDPOINT,)),
    Grant("sagemaker:InvokeEndpointWithResponseStream", EdgeType.CAN_INVOKE, (SM_ENDPOINT,)),
    Grant("bedrock:InvokeModel", EdgeType.CAN_INVOKE, (BR_CUSTOM, BR_IMPORTED, BR_PROVISIONED)),
    Grant(
        "bedrock:InvokeModelWithResponseStream",
        EdgeType.CAN_INVOKE,
        (BR_CUSTOM, BR_IMPORTED, BR_PROVISIONED),
    ),
    Grant("bedrock:InvokeAgent", EdgeType.CAN_INVOKE, (BR_AGENT,), AGENT_ALIAS),
    Grant("bedrock:InvokeFlow", EdgeType.CAN_INVOKE, (BR_FLOW,), CHILDREN),
    Grant("bedrock-agentcore:InvokeAgentRuntime", EdgeType.CAN_INVOKE, (AC_RUNTIME,)),
    Grant("bedrock-agentcore:InvokeAgentRuntime", EdgeType.CAN_INVOKE, (AC_RUNTIME,), CHILDREN),
    # can-deploy: what a live endpoint serves, what a registry approves, what an agent does
    Grant("sagemaker:UpdateEndpoint", EdgeType.CAN_DEPLOY, (SM_ENDPOINT,)),
    Grant("sagemaker:UpdateEndpointWeightsAndCapacities", EdgeType.CAN_DEPLOY, (SM_ENDPOINT,)),
    Grant("sagemaker:UpdateModelPackage", EdgeType.CAN_DEPLOY, (SM_PACKAGE,)),
    Grant("sagemaker:CreateModelPackage", EdgeType.CAN_DEPLOY, (SM_GROUP,)),
    Grant("sagemaker:UpdateModelPackage", EdgeType.CAN_DEPLOY, (SM_GROUP,)),
    Grant("bedrock:UpdateAgent", EdgeType.CAN_DEPLOY, (BR_AGENT,)),
    Grant("bedrock:UpdateAgentActionGroup", EdgeType.CAN_DEPLOY, (BR_AGENT,)),
    Grant("bedrock:CreateAgentActionGroup", EdgeType.CAN_DEPLOY, (BR_AGENT,)),
    Grant("bedrock:UpdateFlow", EdgeType.CAN_DEPLOY, (BR_FLOW,)),
    Grant("bedrock:UpdateProvisionedModelThroughput", EdgeType.CAN_DEPLOY, (BR_PROVISIONED,)),
    Grant("bedrock-agentcore:UpdateAgentRuntime", EdgeType.CAN_DEPLOY, (AC_RUNTIME,)),
)

#: Needed with UpdateEndpoint to point an endpoint at another model; named in the evidence of
#: an endpoint's can-deploy edge when the same role is also allowed them (on any resource).
REDEPLOY_HELPERS = ("sagemaker:CreateEndpointConfig", "sagemaker:CreateModel")

#: The bucket-policy actions that make an anonymous edge, by edge.
PUBLIC_ACTIONS = {
    EdgeType.CAN_READ: ("s3:GetObject", "s3:GetObjectVersion"),
    EdgeType.CAN_WRITE: ("s3:PutObject", "s3:DeleteObject", "s3:PutBucketPolicy"),
}

MAX_EVIDENCE = 20  # patterns / policies listed in one edge's evidence
PROBE = "aiscan-any-object-\x00"  # an object key no pattern names literally

# -- IAM pattern matching -------------------------------------------------------------------------

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_LITERAL_VARS = {"*": "*", "?": "?", "$": "$"}
STAR, ANY = "\x00*", "\x00?"  # glob tokens (a real character is a one-character str)


@dataclass(frozen=True)
class Pattern:
    text: str
    tokens: tuple[str, ...]
    prefix: str  # the literal characters before the first wildcard
    regex: re.Pattern[str]
    variable: bool  # a policy variable stood in as a wildcard


@lru_cache(maxsize=65536)
def compile_pattern(text: str, *, ignore_case: bool = False) -> Pattern:
    """An IAM pattern: `*` any run, `?` one character, everything else literal (`[` too)."""
    tokens: list[str] = []
    variable = False
    pos = 0
    for m in _VARIABLE.finditer(text):
        tokens.extend(_glob_tokens(text[pos : m.start()]))
        name = m.group(1)
        if name in _LITERAL_VARS:
            tokens.append(_LITERAL_VARS[name])
        else:
            tokens.append(STAR)
            variable = True
        pos = m.end()
    tokens.extend(_glob_tokens(text[pos:]))
    body = "".join(
        ".*" if t == STAR else "." if t == ANY else re.escape(t) for t in _merge_stars(tokens)
    )
    prefix = ""
    for t in tokens:
        if t in (STAR, ANY):
            break
        prefix += t
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return Pattern(text, tuple(_merge_stars(tokens)), prefix, re.compile(body, flags), variable)


def _glob_tokens(text: str) -> Iterator[str]:
    for ch in text:
        yield STAR if ch == "*" else ANY if ch == "?" else ch


def _merge_stars(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for t in tokens:
        if t == STAR and out and out[-1] == STAR:
            continue
        out.append(t)
    return out


def matches(pattern: Pattern, value: str) -> bool:
    return pattern.regex.fullmatch(value) is not None


def could_match_under(pattern: Pattern, prefix: str) -> bool:
    """Whether the pattern grants on some child of `prefix` (`ARN/`: an object of a bucket, an
    alias of an agent): it matches the parent ARN and then either a literal `/` (a key pattern
    follows) or a final `*`. A star is not taken to run from the parent's name into the key
    with more pattern after it: `arn:aws:s3:::*SageMaker*` grants on buckets whose name holds
    SageMaker, not on every bucket that might hold a key with SageMaker in it."""
    lit = pattern.prefix
    if not (prefix.startswith(lit) or lit.startswith(prefix)):
        return False
    if lit.startswith(prefix):
        return True  # the literal part names the parent and runs into its children
    parent = prefix[:-1]
    return any(r.fullmatch(parent) for r in _parents(pattern.text))


@lru_cache(maxsize=65536)
def _parents(text: str) -> tuple[re.Pattern[str], ...]:
    """Regexes a parent ARN must match for the pattern to grant on its children: the tokens
    before each literal `/`, and the whole pattern when it ends with `*`."""
    pattern = compile_pattern(text)
    tokens = pattern.tokens
    out = [_regex(tokens[:j]) for j, t in enumerate(tokens) if t == "/"]
    if tokens and tokens[-1] == STAR:
        out.append(pattern.regex)
    return tuple(out)


def _regex(tokens: tuple[str, ...]) -> re.Pattern[str]:
    body = "".join(".*" if t == STAR else "." if t == ANY else re.escape(t) for t in tokens)
    return re.compile(body, re.DOTALL)


@lru_cache(maxsize=16384)
def granted_actions(
    actions: tuple[str, ...], not_actions: tuple[str, ...] | None
) -> frozenset[str]:
    """The actions of the table (and the redeploy helpers) a statement's Action / NotAction
    covers."""
    known = {g.action for g in ACTIONS} | set(REDEPLOY_HELPERS)
    if not_actions is not None:
        excluded = [compile_pattern(p, ignore_case=True) for p in not_actions]
        return frozenset(a for a in known if not any(matches(p, a) for p in excluded))
    patterns = [compile_pattern(p, ignore_case=True) for p in actions]
    return frozenset(a for a in known if any(matches(p, a) for p in patterns))


# -- the target index -----------------------------------------------------------------------------


def resource_key(asset: Asset, scope: str) -> str:
    """The string a resource pattern is matched against for this asset and scope."""
    if scope == CHILDREN:
        return asset.id + "/"
    if scope == AGENT_ALIAS:
        return asset.id.replace(":agent/", ":agent-alias/", 1) + "/"
    return asset.id


@dataclass
class Index:
    """The targets of one (resource type, scope) in one account, for prefix search: by the whole
    key, and by the resource part after an ARN's fifth colon (so the usual `arn:aws:svc:*:*:`
    of a pattern does not make every key a candidate). Matches are memoised per pattern."""

    scope: str = SELF
    keys: list[str] = field(default_factory=list)
    ids: dict[str, list[str]] = field(default_factory=dict)
    tails: list[str] = field(default_factory=list)
    by_tail: dict[str, list[str]] = field(default_factory=dict)
    odd: list[str] = field(default_factory=list)  # keys without exactly five colons
    memo: dict[str, list[str]] = field(default_factory=dict)

    def add(self, key: str, asset_id: str) -> None:
        self.ids.setdefault(key, []).append(asset_id)

    def freeze(self) -> None:
        self.keys = sorted(self.ids)
        for key in self.keys:
            if key.count(":") == 5:
                self.by_tail.setdefault(key.split(":", 5)[5], []).append(key)
            else:
                self.odd.append(key)
        self.tails = sorted(self.by_tail)

    def starting_with(self, keys: list[str], prefix: str) -> Iterator[str]:
        i = bisect_left(keys, prefix)
        while i < len(keys) and keys[i].startswith(prefix):
            yield keys[i]
            i += 1

    def candidates(self, pattern: Pattern) -> Iterator[str]:
        """A superset of the keys the pattern can match."""
        colons = [i for i, t in enumerate(pattern.tokens) if t == ":"]
        if len(colons) < 5:
            yield from self._around(self.keys, self.ids, pattern.prefix)
            return
        # Five literal colons must meet a five-colon key's five colons in order, so the
        # pattern's resource part lines up with the key's: look that part's literal prefix up.
        yield from self.odd
        if len(colons) > 5:
            return
        tail = ""
        for t in pattern.tokens[colons[4] + 1 :]:
            if t in (STAR, ANY):
                break
            tail += t
        for found in self._around(self.tails, self.by_tail, tail):
            yield from self.by_tail[found]

    def _around(self, keys: list[str], table: dict[str, list[str]], lit: str) -> Iterator[str]:
        yield from self.starting_with(keys, lit)
        if self.scope != SELF:  # a literal that runs past a parent into its children
            for cut in range(len(lit) - 1, 0, -1):
                if lit[cut - 1] == "/" and lit[:cut] in table:
                    yield lit[:cut]

    def matching(self, text: str) -> list[str]:
        found = self.memo.get(text)
        if found is None:
            pattern = compile_pattern(text)
            test = matches if self.scope == SELF else could_match_under
            found = self.memo[text] = sorted(
                {k for k in self.candidates(pattern) if test(pattern, k)}
            )
        return found


class Targets:
    def __init__(self, graph: EstateGraph) -> None:
        self.index: dict[tuple[str, str, str], Index] = {}
        wanted = {(t, g.scope) for g in ACTIONS for t in g.types}
        scopes: dict[str, set[str]] = defaultdict(set)
        for t, s in wanted:
            scopes[t].add(s)
        for node_id in graph.g.nodes:
            asset = graph.asset(node_id)
            if asset is None or asset.cloud is not Cloud.AWS or asset.type not in scopes:
                continue
            if asset.type == S3 and _foreign(typed_facts(asset)):
                continue
            for scope in scopes[asset.type]:
                key = (asset.account, asset.type, scope)
                if key not in self.index:
                    self.index[key] = Index(scope)
                self.index[key].add(resource_key(asset, scope), asset.id)
        for idx in self.index.values():
            idx.freeze()

    def get(self, account: str, type_: str, scope: str) -> Index | None:
        return self.index.get((account, type_, scope))


def _foreign(facts: Facts) -> bool:
    owned = getattr(facts, "owned", None)
    return owned is False


# -- evaluating a role ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    target: str
    grant: Grant
    key: str
    pattern: str  # the resource pattern that matched (or "NotResource")
    statement: PolicyStatement


def statement_matches(st: PolicyStatement, account: str, targets: Targets) -> list[Match]:
    """Every (target, granted action) an Allow statement reaches, before Deny."""
    actions = granted_actions(st.actions, st.not_actions)
    if not actions:
        return []
    out: list[Match] = []
    for grant in ACTIONS:
        if grant.action not in actions:
            continue
        for type_ in grant.types:
            idx = targets.get(account, type_, grant.scope)
            if idx is None:
                continue
            out.extend(_resource_matches(st, grant, idx))
    return out


def _resource_matches(st: PolicyStatement, grant: Grant, idx: Index) -> Iterator[Match]:
    if st.not_resources is not None:
        excluded = [compile_pattern(p) for p in st.not_resources]
        for key in idx.keys:
            if not any(_covers(p, key, grant.scope, None) for p in excluded):
                for target in idx.ids[key]:
                    yield Match(target, grant, key, "NotResource", st)
        return
    seen: set[str] = set()
    for text in st.resources:
        for key in idx.matching(text):
            if key not in seen:
                seen.add(key)
                for target in idx.ids[key]:
                    yield Match(target, grant, key, text, st)


def _scope_text(allow: str | None, key: str, scope: str) -> str:
    """What an Allow granted on this key, as text a Deny pattern can be matched against."""
    if scope == SELF:
        return key
    if allow is None or allow == "NotResource":
        return key + "*"
    pattern = compile_pattern(allow)
    return key + "*" if matches(pattern, key + PROBE) else allow


def _covers(deny: Pattern, key: str, scope: str, allow: str | None) -> bool:
    """Whether a (Deny or NotResource) pattern covers everything the Allow granted on `key`."""
    return matches(deny, _scope_text(allow, key, scope))


def _denied(match: Match, denies: list[PolicyStatement]) -> tuple[bool, bool]:
    """(removed by an unconditional Deny, touched by a conditional one)."""
    conditional = False
    for st in denies:
        if match.grant.action not in granted_actions(st.actions, st.not_actions):
            continue
        if st.not_resources is not None:
            spared = [compile_pattern(p) for p in st.not_resources]
            applies = not any(
                matches(p, match.key)
                if match.grant.scope == SELF
                else could_match_under(p, match.key)
                for p in spared
            )
        else:
            applies = any(
                _covers(compile_pattern(p), match.key, match.grant.scope, match.pattern)
                for p in st.resources
            )
        if applies:
            if not st.has_condition:
                return True, conditional
            conditional = True
    return False, conditional


@dataclass
class _Edge:
    actions: set[str] = field(default_factory=set)
    policies: dict[str, str | None] = field(default_factory=dict)
    resources: list[str] = field(default_factory=list)
    sids: list[str] = field(default_factory=list)
    unconditional: bool = False


def role_grants(
    role_id: str,
    statements: Iterable[PolicyStatement],
    account: str,
    targets: Targets,
    cache: dict[tuple[PolicyStatement, str], list[Match]],
) -> dict[tuple[str, EdgeType], _Edge]:
    allows = [st for st in statements if st.effect == "Allow"]
    denies = [st for st in statements if st.effect == "Deny"]
    helpers: set[str] = set()
    edges: dict[tuple[str, EdgeType], _Edge] = {}
    for st in allows:
        key = (st, account)
        found = cache.get(key)
        if found is None:
            found = cache[key] = statement_matches(st, account, targets)
        if st.resources or st.not_resources is not None:
            helpers |= granted_actions(st.actions, st.not_actions) & set(REDEPLOY_HELPERS)
        for m in found:
            if m.target == role_id:
                continue
            removed, conditional_deny = _denied(m, denies) if denies else (False, False)
            if removed:
                continue
            edge = edges.setdefault((m.target, m.grant.edge), _Edge())
            edge.actions.add(m.grant.action)
            edge.policies.setdefault(m.statement.policy, m.statement.policy_arn)
            if m.pattern not in edge.resources:
                edge.resources.append(m.pattern)
            if m.statement.sid and m.statement.sid not in edge.sids:
                edge.sids.append(m.statement.sid)
            variable = m.pattern != "NotResource" and compile_pattern(m.pattern).variable
            if not (m.statement.has_condition or conditional_deny or variable):
                edge.unconditional = True
    if helpers:
        for (_, kind), edge in edges.items():
            if kind is EdgeType.CAN_DEPLOY and "sagemaker:UpdateEndpoint" in edge.actions:
                edge.actions |= helpers
    return edges


def _grant_evidence(edge: _Edge) -> dict[str, Any]:
    policies = sorted(edge.policies)
    return {
        "source": "iam-policy",
        "policy": policies[0],
        "policy_arn": edge.policies[policies[0]],
        "policies": policies[:MAX_EVIDENCE],
        "actions": sorted(edge.actions),
        "resource": clean_text(edge.resources[0], 512),
        "resources": [clean_text(r, 512) for r in edge.resources[:MAX_EVIDENCE]],
        "sids": edge.sids[:MAX_EVIDENCE],
        "conditional": not edge.unconditional,
    }


def derive_grants(graph: EstateGraph) -> None:
    targets = Targets(graph)
    cache: dict[tuple[PolicyStatement, str], list[Match]] = {}
    for node_id in list(graph.g.nodes):
        asset = graph.asset(node_id)
        if asset is None or asset.cloud is not Cloud.AWS:
            continue
        facts = typed_facts(asset)
        if not isinstance(facts, IamRoleFacts) or unread(facts.policy_statements):
            continue
        found = role_grants(asset.id, facts.policy_statements, asset.account, targets, cache)
        for (target, kind), edge in sorted(found.items(), key=lambda kv: (kv[0][0], kv[0][1])):
            graph.add_derived(asset.id, target, kind, _grant_evidence(edge))


# -- exposure -------------------------------------------------------------------------------------


def exposure(asset: Asset) -> dict[str, Any] | None:
    """Why the internet reaches this (non-bucket) asset, or None."""
    facts = typed_facts(asset)
    if isinstance(facts, Ec2InstanceFacts):
        ip, ports = facts.public_ip, facts.internet_open_ports
        if unread(ip) or unread(ports) or not ip or not ports:
            return None
        return {
            "reason": "public IP and security group rules open to 0.0.0.0/0 or ::/0",
            "auth": None,
            "ports": port_labels(ports),
            "public_ip": ip,
        }
    if isinstance(facts, EksNodegroupFacts):
        if unread(facts.ssh_open_to_world) or facts.ssh_open_to_world is not True:
            return None
        return {
            "reason": "remote access with an SSH key and no source security group opens port "
            "22 on the nodes to 0.0.0.0/0",
            "auth": "key",
            "ports": ["tcp/22"],
        }
    if isinstance(facts, SageMakerNotebookFacts):
        if unread(facts.direct_internet_access) or facts.direct_internet_access is not True:
            return None
        return {"reason": "direct internet access is enabled", "auth": None}
    if isinstance(facts, SageMakerDomainFacts):
        if facts.app_network_access_type != "PublicInternetOnly":
            return None
        return {"reason": "the domain's apps have public internet access", "auth": None}
    if isinstance(facts, AgentCoreGatewayFacts):
        if unread(facts.authorizer_type) or facts.authorizer_type not in (None, "NONE"):
            return None
        return {"reason": "the gateway accepts requests without authorization", "auth": "none"}
    if isinstance(facts, EndpointFacts):
        if unread(facts.authenticated) or facts.authenticated is not False:
            return None
        return {"reason": "the endpoint accepts unauthenticated calls", "auth": "none"}
    return None


def _bucket_public(facts: S3BucketFacts) -> tuple[bool, bool]:
    """(the policy's public grants are in effect, the ACL's public grants are in effect)."""
    block = facts.block_public_access
    restrict = ignore = False
    if not unread(block) and block is not None:
        restrict, ignore = block.restrict_public_buckets, block.ignore_public_acls
    policy = facts.policy_public is True and not restrict
    acl = not unread(facts.acl_public_grants) and bool(facts.acl_public_grants) and not ignore
    return policy, acl


def bucket_access(facts: S3BucketFacts) -> dict[EdgeType, dict[str, Any]]:
    """What anyone may do on a bucket: edge -> evidence (empty when it is not public)."""
    if unread(facts.public) or facts.public is not True:
        return {}
    policy, acl = _bucket_public(facts)
    out: dict[EdgeType, dict[str, Any]] = {}
    if policy:
        statements = [] if unread(facts.public_statements) else facts.public_statements
        for kind, wanted in PUBLIC_ACTIONS.items():
            for st in statements:
                if st.effect != "Allow":
                    continue
                got = granted_actions(st.actions, st.not_actions) & set(wanted)
                if got:
                    ev = out.setdefault(
                        kind,
                        {
                            "source": "bucket-policy",
                            "policy": "bucket policy",
                            "actions": [],
                            "resource": clean_text((st.resources or ("NotResource",))[0], 512),
                            "sids": [],
                            "conditional": True,
                        },
                    )
                    ev["actions"] = sorted(set(ev["actions"]) | got)
                    if st.sid:
                        ev["sids"].append(st.sid)
                    ev["conditional"] = ev["conditional"] and st.has_condition
        if unread(facts.public_statements) and EdgeType.CAN_READ not in out:
            # inventories made before statements were kept: the policy status says public
            out[EdgeType.CAN_READ] = {
                "source": "bucket-policy",
                "policy": "bucket policy",
                "actions": [],
                "resource": None,
                "conditional": True,
            }
    if acl and not unread(facts.acl_public_grants):
        for grant in facts.acl_public_grants:
            perm = grant.permission.upper()
            kinds = {
                "READ": (EdgeType.CAN_READ,),
                "WRITE": (EdgeType.CAN_WRITE,),
                "FULL_CONTROL": (EdgeType.CAN_READ, EdgeType.CAN_WRITE),
                "WRITE_ACP": (EdgeType.CAN_WRITE,),
            }.get(perm, ())
            for kind in kinds:
                out.setdefault(
                    kind,
                    {
                        "source": "acl",
                        "policy": "bucket ACL",
                        "actions": [],
                        "resource": None,
                        "grantee": grant.grantee,
                        "conditional": False,
                    },
                )
                out[kind]["actions"] = sorted(set(out[kind]["actions"]) | {f"acl:{perm}"})
    if not unread(facts.write_principals) and "*" in facts.write_principals:
        conditional = not unread(facts.write_principals_conditional) and (
            "*" in facts.write_principals_conditional
        )
        if policy and EdgeType.CAN_WRITE not in out:
            out[EdgeType.CAN_WRITE] = {
                "source": "bucket-policy",
                "policy": "bucket policy",
                "actions": ["s3:PutObject"],
                "resource": None,
                "conditional": conditional,
            }
    return out


def derive_exposure(graph: EstateGraph) -> None:
    for node_id in list(graph.g.nodes):
        asset = graph.asset(node_id)
        if asset is None or asset.cloud is not Cloud.AWS:
            continue
        facts = typed_facts(asset)
        if isinstance(facts, S3BucketFacts):
            access = bucket_access(facts)
            if not access:
                continue
            graph.add_synthetic(INTERNET, "internet", "internet")
            graph.add_synthetic(ANONYMOUS, "anonymous", "anyone (anonymous)")
            reasons = [] if unread(facts.public_reasons) else list(facts.public_reasons)
            for kind, evidence in access.items():
                graph.add_derived(ANONYMOUS, asset.id, kind, evidence)
            for kind in (EdgeType.CAN_WRITE, EdgeType.CAN_READ):
                if kind in access:
                    graph.add_derived(
                        INTERNET,
                        asset.id,
                        EdgeType.EXPOSED_TO,
                        {
                            "reason": "; ".join(reasons)[:512] or "the bucket is public",
                            "access": "write" if kind is EdgeType.CAN_WRITE else "read",
                            "auth": "none",
                            "conditional": access[kind]["conditional"],
                        },
                    )
                    break
            continue
        found = exposure(asset)
        if found is not None:
            graph.add_synthetic(INTERNET, "internet", "internet")
            graph.add_derived(INTERNET, asset.id, EdgeType.EXPOSED_TO, found)


def derive(graph: EstateGraph) -> None:
    """Exposure first (synthetic internet / anonymous nodes), then IAM grants."""
    derive_exposure(graph)
    derive_grants(graph)
