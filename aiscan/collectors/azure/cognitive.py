"""Azure AI services / Azure OpenAI / AI Foundry resources (`Microsoft.CognitiveServices/accounts`),
their model deployments and content-filter (RAI) policies.

Accounts come from Resource Graph; deployments and RAI policies are ARM children read per account
(api-version 2024-10-01); diagnostic settings per account; the Defender for AI plan once per
subscription. Keys are never listed (`listKeys` is a POST action the read-only guard refuses).

`policy_assignments` are read once per subscription with `$filter=atScope()`, so
management-group assignments count (see monitor.policy_assignments).

Facts: aiscan/core/facts/azure.py `CognitiveAccountFacts`, `CognitiveDeploymentFacts`,
`RaiPolicyFacts`; docs/attributes.md.
Relations: deployment member-of account, deployment guarded-by policy, policy member-of account,
account runs-as its managed identities.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiscan.collectors.azure.context import (
    AzureContext,
    as_map,
    child_name,
    ip_rules,
    norm,
    props,
    to_asset,
)
from aiscan.collectors.azure.monitor import subscription_guardrails, with_diagnostics
from aiscan.collectors.azure.spec import ArmReader, arm_row
from aiscan.collectors.payload import mapping, opt
from aiscan.collectors.spec import Collected, run_spec
from aiscan.core.model import Asset, AssetKind, RelationType

SERVICE = "cognitiveservices"
ACCOUNT_TYPE = "Microsoft.CognitiveServices/accounts"
POLICY_TYPE = f"{ACCOUNT_TYPE}/raiPolicies"
DEPLOYMENT_TYPE = f"{ACCOUNT_TYPE}/deployments"
API = "2024-10-01"

PERMISSIONS = (
    "Microsoft.CognitiveServices/accounts/read",
    "Microsoft.CognitiveServices/accounts/deployments/read",
    "Microsoft.CognitiveServices/accounts/raiPolicies/read",
)


def approved_private_endpoints(p: Mapping[str, Any]) -> int:
    conns = [c for c in p.get("privateEndpointConnections") or [] if isinstance(c, Mapping)]
    states = [as_map(props(c).get("privateLinkServiceConnectionState")) for c in conns]
    return sum(str(s.get("status", "")).lower() == "approved" for s in states)


def identity_type(payload: Mapping[str, Any]) -> str | None:
    """The managed identity type ("SystemAssigned", "UserAssigned", ...); None: it has none."""
    kind = opt(mapping(payload, "identity"), "type")
    if kind is None or kind.strip().lower() in ("", "none"):
        return None
    return kind.strip()[:64]


def to_account(payload: Mapping[str, Any]) -> Asset:
    p = props(payload)
    acls = mapping(p, "networkAcls")
    encryption = mapping(p, "encryption")
    key_source = opt(encryption, "keySource") or "Microsoft.CognitiveServices"
    kv = mapping(encryption, "keyVaultProperties")
    kms_key = None
    if key_source.lower() == "microsoft.keyvault" and encryption.get("keyVaultProperties"):
        kms_key = f"{(opt(kv, 'keyVaultUri') or '').rstrip('/')}/keys/{kv.get('keyName', '')}"
    capabilities = {
        str(c.get("name")) for c in p.get("capabilities") or [] if isinstance(c, Mapping)
    }
    attrs: dict[str, Any] = {
        "account_kind": payload.get("kind"),
        "sku": opt(mapping(payload, "sku"), "name"),
        "endpoint_url": p.get("endpoint"),
        "public_network_access": str(p.get("publicNetworkAccess") or "Enabled").capitalize(),
        "approved_private_endpoints": approved_private_endpoints(p),
        "network_default_action": opt(acls, "defaultAction"),
        "ip_rules": ip_rules(acls),
        "local_auth_disabled": p.get("disableLocalAuth") is True,
        "cmk_supported": "CustomerManagedKey" in capabilities,
        "kms_key": kms_key,
        "outbound_restricted": p.get("restrictOutboundNetworkAccess") is True,
        "allowed_fqdns": [str(f) for f in p.get("allowedFqdnList") or []],
        "identity_type": identity_type(payload),
    }
    return to_asset(payload, AssetKind.LLM_SERVICE, SERVICE, ACCOUNT_TYPE, attrs)


def _shield(filters: list[Mapping[str, Any]], name: str) -> dict[str, bool]:
    for f in filters:
        if str(f.get("name", "")).lower() == name and str(f.get("source", "Prompt")) == "Prompt":
            return {"enabled": f.get("enabled") is True, "blocking": f.get("blocking") is True}
    return {"enabled": False, "blocking": False}


def to_rai_policy(payload: Mapping[str, Any], *, region: str | None) -> Asset:
    p = props(payload)
    filters = [f for f in p.get("contentFilters") or [] if isinstance(f, Mapping)]
    attrs: dict[str, Any] = {
        "mode": p.get("mode"),
        "base_policy": p.get("basePolicyName"),
        "policy_type": p.get("type"),
        "jailbreak": _shield(filters, "jailbreak"),
        "indirect_attack": _shield(filters, "indirect attack"),
        "filters": [
            {
                "name": f.get("name"),
                "source": f.get("source"),
                "enabled": f.get("enabled"),
                "blocking": f.get("blocking"),
                "severity_threshold": f.get("severityThreshold"),
            }
            for f in filters[:50]
        ],
    }
    kind = AssetKind.GUARDRAIL
    return to_asset(
        payload, kind, SERVICE, POLICY_TYPE, attrs, region=region, name=child_name(payload)
    )


def to_deployment(
    payload: Mapping[str, Any], *, region: str | None, policies: Mapping[str, Asset] | None
) -> Asset:
    p = props(payload)
    model = mapping(p, "model")
    sku = mapping(payload, "sku")
    policy_name = opt(p, "raiPolicyName")
    attrs: dict[str, Any] = {
        "model_format": model.get("format"),
        "model_name": model.get("name"),
        "model_version": model.get("version"),
        "model_publisher": model.get("publisher"),
        "sku": sku.get("name"),
        "capacity": sku.get("capacity"),
        "rai_policy_name": policy_name,
        "version_upgrade_option": p.get("versionUpgradeOption"),
    }
    policy = (policies or {}).get(policy_name.lower()) if policy_name else None
    if policy is not None:
        attrs["content_filter"] = {
            "policy": policy_name,
            "mode": policy.attributes.get("mode"),
            "jailbreak": policy.attributes.get("jailbreak"),
            "indirect_attack": policy.attributes.get("indirect_attack"),
        }
    kind, name = AssetKind.LLM_DEPLOYMENT, child_name(payload)
    return to_asset(payload, kind, SERVICE, DEPLOYMENT_TYPE, attrs, region=region, name=name)


def collect(ctx: AzureContext) -> None:
    accounts = ctx.resources(ACCOUNT_TYPE)
    if not accounts:
        return
    defender, guardrails = subscription_guardrails(ctx)
    ctx.each("account", _one_account, accounts, ctx, defender, guardrails)


def _policy(payload: Mapping[str, Any], *, parent: Asset, **_: Any) -> Asset:
    return to_rai_policy(payload, region=parent.region)


def _deployment(
    payload: Mapping[str, Any], *, parent: Asset, policies: Mapping[str, Asset] | None, **_: Any
) -> Collected:
    """A deployment, guarded-by the RAI policy it names (read or not)."""
    dep = to_deployment(payload, region=parent.region, policies=policies)
    name = dep.attributes.get("rai_policy_name")
    if not name:
        return Collected(dep)
    policy = (policies or {}).get(name.lower())
    target = policy.id if policy is not None else norm(f"{parent.id}/raiPolicies/{name}")
    return Collected(dep, (("relation", dep.id, RelationType.GUARDED_BY, target),))


POLICIES = arm_row(SERVICE, "raiPolicies", "RAI policy", POLICY_TYPE, _policy)
DEPLOYMENTS = arm_row(SERVICE, "deployments", "deployment", DEPLOYMENT_TYPE, _deployment)


def _one_account(
    ctx: AzureContext,
    defender: bool | None,
    guardrails: list[dict[str, Any]] | None,
    payload: dict[str, Any],
) -> None:
    extra: dict[str, Any] = {"defender_for_ai": defender, "policy_assignments": guardrails}
    rid = str(payload["id"])
    facts = {k: v for k, v in extra.items() if v is not None}
    account = with_diagnostics(ctx, to_account(payload), rid, **facts)
    ctx.add(account)
    ctx.use_identities(account.id, payload, region=account.region)

    reader = ArmReader(rid, API, parent=account)
    read = run_spec(ctx, POLICIES, reader, section=f"RAI policies of {account.name}")
    policies = (
        None if read is None else {str(p.raw.get("name", "")).lower(): p for p in read.values()}
    )
    reader = ArmReader(rid, API, parent=account, policies=policies)
    run_spec(ctx, DEPLOYMENTS, reader, section=f"deployments of {account.name}")
