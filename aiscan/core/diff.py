"""What changed between two scans: assets, security-relevant attributes, findings, scope.

`diff(old, new)` is pure. Assets are matched by id and findings by fingerprint (rule + asset +
distinguishing key, never a timestamp), so an unchanged estate diffs to nothing.

Scope first. Each scan's coverage says which (cloud, account, region, service) scopes it read;
only what both scans read (status ok or skipped) is compared. An asset in a scope only one scan
read, or one of the scans could not read (denied, error), is neither "appeared" nor
"disappeared": the diff says the scopes differ and leaves it out, instead of reporting
everything outside the smaller scan as gone. An asset outside every scanned scope (a bucket of
another account that a model reads) is compared when an asset in the common scope relates to it.

Attribute changes are limited to the security-relevant ones, decided by attribute name (the
names of docs/attributes.md and the collector docstrings): exposure, encryption, identity,
guardrails and model reference. One level of a dict-valued attribute is looked into, so
`data_capture.kms_key` counts as encryption.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Collection, Iterable, Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from aiscan.core.model import Asset, Coverage, Finding, Frozen, ScanResult, Severity

DIFF_SCHEMA_VERSION = "1.0"

Aspect = Literal["exposure", "encryption", "identity", "guardrails", "model"]

#: Checked in this order; the first aspect with a fragment in the attribute name wins.
_ASPECT_FRAGMENTS: tuple[tuple[Aspect, tuple[str, ...]], ...] = (
    (
        "guardrails",
        (
            "guardrail",
            "guarded",
            "content_filter",
            "content_safety",
            "rai_policy",
            "prompt_attack",
            "model_armor",
            "jailbreak",
            "indirect_attack",
            "pii_actions",
            "regex_actions",
            "contextual_grounding",
            "org_policies",
            "policy_engine",
            "filters",
        ),
    ),
    ("encryption", ("kms", "encrypt", "cmek", "cmk", "https_only", "tls", "bucket_key")),
    (
        "identity",
        (
            "role",
            "principal",
            "service_account",
            "administrator",
            "wildcard",
            "full_access",
            "s3_write",
            "trust",
            "identity",
            "root_access",
            "local_auth",
            "credentials",
            "auth_mode",
            "auth_options",
            "authorizer",
            "authenticated",
            "admin_user",
            "shared_key",
            "managed_policies",
            "inline_policies",
            "permissions_boundary",
            "instance_profile",
            "uniform_access",
        ),
    ),
    (
        "exposure",
        (
            "public",
            "internet",
            "network",
            "vpc",
            "vnet",
            "subnet",
            "private",
            "external_ip",
            "open_ports",
            "ip_rules",
            "ip_ranges",
            "ssh",
            "remote_access",
            "egress",
            "outbound",
            "allowed_fqdns",
            "anonymous",
            "web_access",
            "dashboard_access",
            "proxy_access",
            "isolation",
            "endpoint_url",
            "security_groups",
            "imds",
        ),
    ),
    (
        "model",
        (
            "model",
            "container",
            "image",
            "artifact",
            "trust_remote_code",
            "hub_",
            "variants",
            "deployed",
            "template_uri",
            "environment_id",
            "embedding",
        ),
    ),
)


@functools.lru_cache(maxsize=4096)
def aspect_of(attribute: str) -> Aspect | None:
    """The security aspect an attribute name belongs to, or None (not compared)."""
    name = attribute.lower()
    for aspect, fragments in _ASPECT_FRAGMENTS:
        if any(f in name for f in fragments):
            return aspect
    return None


# -- the result -------------------------------------------------------------------------------


class AssetRef(Frozen):
    id: str
    kind: str
    cloud: str
    account: str
    region: str | None = None
    service: str
    name: str


class AttributeChange(Frozen):
    attribute: str = Field(description="Attribute name; `a.b` for a key inside a dict attribute")
    aspect: Aspect
    old: Any = None
    new: Any = None
    old_read: bool = Field(default=True, description="False: the old scan did not report it")
    new_read: bool = Field(default=True, description="False: the new scan did not report it")


class AssetChange(Frozen):
    asset: AssetRef
    changes: tuple[AttributeChange, ...]


class FindingRef(Frozen):
    fingerprint: str
    rule_id: str
    asset_id: str
    asset_name: str = ""
    severity: Severity
    category: str
    title: str
    message: str
    suppressed: bool = False
    old_severity: Severity | None = Field(
        default=None, description="Regressions: the severity in the old scan (when it was there)"
    )
    why: str = Field(default="", description="Regressions: why this counts as one")


class ScanRef(Frozen):
    source: str = Field(description="The JSON file or stored scan id")
    started: datetime
    finished: datetime
    scope: dict[str, Any] = Field(default_factory=dict)
    assets: int
    findings: int


class ScopeComparison(Frozen):
    same: bool = Field(description="Both scans read the same scopes, all of them completely")
    declared: dict[str, tuple[Any, Any]] = Field(
        default_factory=dict, description="Scope settings that differ: name -> (old, new)"
    )
    only_old: tuple[str, ...] = Field(default=(), description="Scopes only the old scan read")
    only_new: tuple[str, ...] = Field(default=(), description="Scopes only the new scan read")
    unread: tuple[str, ...] = Field(
        default=(), description="Scopes one scan could not read (denied/error): not compared"
    )
    excluded_assets: int = Field(
        default=0, description="Assets left out because they lie outside the common scope"
    )


class Diff(Frozen):
    diff_schema_version: str = DIFF_SCHEMA_VERSION
    old: ScanRef
    new: ScanRef
    scope: ScopeComparison
    assets_appeared: tuple[AssetRef, ...] = ()
    assets_disappeared: tuple[AssetRef, ...] = ()
    assets_changed: tuple[AssetChange, ...] = ()
    findings_new: tuple[FindingRef, ...] = ()
    findings_resolved: tuple[FindingRef, ...] = ()
    findings_regressed: tuple[FindingRef, ...] = ()
    findings_unchanged: int = 0

    @property
    def empty(self) -> bool:
        return not (
            self.assets_appeared
            or self.assets_disappeared
            or self.assets_changed
            or self.findings_new
            or self.findings_resolved
            or self.findings_regressed
        )

    def alerting(self, threshold: Severity) -> tuple[FindingRef, ...]:
        """New and regressed findings at or above `threshold` that no waiver accepted."""
        return tuple(
            f
            for f in (*self.findings_new, *self.findings_regressed)
            if f.severity.at_least(threshold) and not f.suppressed
        )


# -- scope ------------------------------------------------------------------------------------

ScopeKey = tuple[str, str, str, str]
#: Scope settings that say where a scan looked (not how it ran).
_DECLARED = ("clouds", "regions", "services", "org", "accounts", "subscriptions", "projects")


def scope_label(key: ScopeKey) -> str:
    return " ".join(key)


def _key(c: Coverage) -> ScopeKey:
    return (c.cloud.value, c.account, c.region, c.service)


class _ScopeIndex:
    """Answers "does this asset lie in the scope both scans read?"."""

    def __init__(self, old: Iterable[Coverage], new: Iterable[Coverage]) -> None:
        old_read = {_key(c): c for c in old}
        new_read = {_key(c): c for c in new}
        self.union = set(old_read) | set(new_read)
        self.common = {
            k
            for k in set(old_read) & set(new_read)
            if not old_read[k].status.incomplete and not new_read[k].status.incomplete
        }
        unread = {
            k: c.status
            for scan in (old_read, new_read)
            for k, c in scan.items()
            if c.status.incomplete
        }
        self.unread = tuple(sorted(f"{scope_label(k)} ({unread[k].value})" for k in unread))
        self.only_old = tuple(
            sorted(scope_label(k) for k in set(old_read) - set(new_read) if k not in unread)
        )
        self.only_new = tuple(
            sorted(scope_label(k) for k in set(new_read) - set(old_read) if k not in unread)
        )
        self._u = _Projections(self.union)
        self._c = _Projections(self.common)

    @property
    def same(self) -> bool:
        return self.common == self.union

    def attributable(self, cloud: str, account: str) -> bool:
        return (cloud, account) in self._u.accounts

    def covers(self, cloud: str, account: str, region: str | None, service: str) -> bool:
        """For an attributable asset: is it in the common scope? The most specific dimension
        the scans' coverage knows decides (AWS buckets carry their region, while their scope is
        the account's `global` s3 record)."""
        ca = (cloud, account)
        if region is not None and (cloud, account, region, service) in self.union:
            return (cloud, account, region, service) in self.common
        if (ca, service) in self._u.services:
            if (ca, service) not in self._c.services:
                return False
            if region is not None and (ca, region) in self._u.regions:
                return (ca, region) in self._c.regions
            return True
        if region is not None and (ca, region) in self._u.regions:
            return (ca, region) in self._c.regions
        return ca in self._c.accounts


class _Projections:
    def __init__(self, keys: Iterable[ScopeKey]) -> None:
        keys = list(keys)
        self.accounts = {(c, a) for c, a, _, _ in keys}
        self.services = {((c, a), s) for c, a, _, s in keys}
        self.regions = {((c, a), r) for c, a, r, _ in keys}


def _declared(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    out = {}
    for name in _DECLARED:
        a, b = old.get(name), new.get(name)
        if _canon(a) != _canon(b):
            out[name] = (a, b)
    return out


def _canon(value: Any) -> str:
    if isinstance(value, list | tuple):
        value = sorted(map(str, value))
    return json.dumps(value, sort_keys=True, default=str)


# -- the diff ---------------------------------------------------------------------------------


def diff(
    old: ScanResult,
    new: ScanResult,
    *,
    old_source: str = "old",
    new_source: str = "new",
    seen_before: Collection[str] = (),
) -> Diff:
    """`seen_before`: fingerprints that stored scans older than `old` reported; such a finding,
    absent from `old` and back in `new`, is a regression rather than new."""
    index = _ScopeIndex(old.coverage, new.coverage)
    old_assets = {a.id: a for a in old.assets}
    new_assets = {a.id: a for a in new.assets}
    comparable = _comparable(index, old, new, old_assets, new_assets)
    excluded = sum(1 for i in set(old_assets) | set(new_assets) if i not in comparable)

    appeared = [_ref(new_assets[i]) for i in sorted(set(new_assets) - set(old_assets))]
    disappeared = [_ref(old_assets[i]) for i in sorted(set(old_assets) - set(new_assets))]
    changed = []
    for asset_id in sorted(set(old_assets) & set(new_assets)):
        if asset_id not in comparable:
            continue
        changes = attribute_changes(
            old_assets[asset_id].attributes, new_assets[asset_id].attributes
        )
        if changes:
            changed.append(AssetChange(asset=_ref(new_assets[asset_id]), changes=changes))

    names = {
        **{i: a.name for i, a in old_assets.items()},
        **{i: a.name for i, a in new_assets.items()},
    }

    def in_scope(f: Finding) -> bool:
        if f.asset_id in old_assets or f.asset_id in new_assets:
            return f.asset_id in comparable
        if not index.attributable(f.cloud.value, f.account):
            return True
        return index.covers(f.cloud.value, f.account, f.region, "")

    old_f = {f.fingerprint: f for f in old.findings if in_scope(f)}
    new_f = {f.fingerprint: f for f in new.findings if in_scope(f)}
    new_list, regressed, unchanged = [], [], 0
    for fp, f in new_f.items():
        before = old_f.get(fp)
        if before is None:
            if fp in seen_before:
                why = "fixed in an earlier scan, back again"
                regressed.append(_fref(f, names, why=why))
            else:
                new_list.append(_fref(f, names))
        elif f.severity.rank > before.severity.rank:
            why = f"severity rose from {before.severity.value}"
            regressed.append(_fref(f, names, old_severity=before.severity, why=why))
        else:
            unchanged += 1
    resolved = [_fref(f, names) for fp, f in old_f.items() if fp not in new_f]

    return Diff(
        old=_scan_ref(old, old_source),
        new=_scan_ref(new, new_source),
        scope=ScopeComparison(
            same=index.same and not _declared(old.scan.scope, new.scan.scope),
            declared=_declared(old.scan.scope, new.scan.scope),
            only_old=index.only_old,
            only_new=index.only_new,
            unread=index.unread,
            excluded_assets=excluded,
        ),
        assets_appeared=tuple(a for a in appeared if a.id in comparable),
        assets_disappeared=tuple(a for a in disappeared if a.id in comparable),
        assets_changed=tuple(changed),
        findings_new=_ordered(new_list),
        findings_resolved=_ordered(resolved),
        findings_regressed=_ordered(regressed),
        findings_unchanged=unchanged,
    )


def _comparable(
    index: _ScopeIndex,
    old: ScanResult,
    new: ScanResult,
    old_assets: Mapping[str, Asset],
    new_assets: Mapping[str, Asset],
) -> set[str]:
    every = {**old_assets, **new_assets}
    inside: set[str] = set()
    foreign: set[str] = set()
    for asset_id, a in every.items():
        if not index.attributable(a.cloud.value, a.account):
            foreign.add(asset_id)
        elif index.covers(a.cloud.value, a.account, a.region, a.service):
            inside.add(asset_id)
    # An asset outside every scanned scope counts when something in the common scope uses it.
    linked = {
        other
        for r in (*old.relations, *new.relations)
        for this, other in ((r.source, r.target), (r.target, r.source))
        if this in inside and other in foreign
    }
    return inside | linked


def attribute_changes(
    old: Mapping[str, Any], new: Mapping[str, Any]
) -> tuple[AttributeChange, ...]:
    """Security-relevant attribute differences, by attribute name (sorted)."""
    out: list[AttributeChange] = []
    for name in sorted(set(old) | set(new)):
        aspect = aspect_of(name)
        a, b = old.get(name, _ABSENT), new.get(name, _ABSENT)
        if aspect is None:
            if isinstance(a, dict) and isinstance(b, dict):
                out.extend(
                    c.model_copy(update={"attribute": f"{name}.{c.attribute}"})
                    for c in _flat_changes(a, b)
                )
            continue
        if not _same(a, b):
            out.append(_change(name, aspect, a, b))
    return tuple(out)


def _flat_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[AttributeChange]:
    out = []
    for name in sorted(set(old) | set(new)):
        aspect = aspect_of(str(name))
        a, b = old.get(name, _ABSENT), new.get(name, _ABSENT)
        if aspect is not None and not _same(a, b):
            out.append(_change(str(name), aspect, a, b))
    return out


def _same(a: Any, b: Any) -> bool:
    """Equal values, or lists equal but for their order (security groups, principals)."""
    return bool(a == b) or _canon(a) == _canon(b)


class _Absent:
    def __repr__(self) -> str:
        return "<absent>"


_ABSENT: Any = _Absent()


def _change(name: str, aspect: Aspect, a: Any, b: Any) -> AttributeChange:
    return AttributeChange(
        attribute=name,
        aspect=aspect,
        old=None if a is _ABSENT else a,
        new=None if b is _ABSENT else b,
        old_read=a is not _ABSENT,
        new_read=b is not _ABSENT,
    )


def _ref(a: Asset) -> AssetRef:
    return AssetRef(
        id=a.id,
        kind=a.kind.value,
        cloud=a.cloud.value,
        account=a.account,
        region=a.region,
        service=a.service,
        name=a.name,
    )


def _fref(
    f: Finding, names: Mapping[str, str], *, old_severity: Severity | None = None, why: str = ""
) -> FindingRef:
    return FindingRef(
        fingerprint=f.fingerprint,
        rule_id=f.rule_id,
        asset_id=f.asset_id,
        asset_name=names.get(f.asset_id, ""),
        severity=f.severity,
        category=f.category.value,
        title=f.title,
        message=f.message,
        suppressed=f.suppressed,
        old_severity=old_severity,
        why=why,
    )


def _ordered(findings: Iterable[FindingRef]) -> tuple[FindingRef, ...]:
    return tuple(sorted(findings, key=lambda f: (-f.severity.rank, f.rule_id, f.asset_id)))


def _scan_ref(result: ScanResult, source: str) -> ScanRef:
    return ScanRef(
        source=source,
        started=result.scan.started,
        finished=result.scan.finished,
        scope=result.scan.scope,
        assets=len(result.assets),
        findings=len(result.findings),
    )


def comparable_scope(scope: Mapping[str, Any]) -> str:
    """A canonical text of where a scan looked: scans with equal texts are comparable."""
    return _canon({k: _canon(scope.get(k)) for k in (*_DECLARED, "shard")})
