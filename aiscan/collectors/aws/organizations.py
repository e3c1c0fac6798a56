"""Organization-level guardrails: the service control policies (SCPs) in effect for the account.

Read once per account (``References.once``) for the Bedrock service assets and SageMaker
notebooks: DescribeOrganization, ListParents from the account up to the root (bounded to
`MAX_DEPTH`), ListPoliciesForTarget (SERVICE_CONTROL_POLICY) for the account and each parent,
DescribePolicy once per policy. Only the management account or a delegated administrator may
read SCPs, so a denied read is a *skipped* remark, not a failure: the facts stay unread and the
rules that need them stay manual. An account outside any organization has no SCPs to read
(`organization` None: those rules do not apply). Throttling or a malformed payload is an error.

Facts: aiscan/core/facts/aws.py `ScpGuardrails` (docs/attributes.md). `scp_guardrails` is a pure
function of the read policies: which SageMaker / Bedrock guardrail condition keys a Deny
statement on ``Resource: *`` enforces, and which SCPs deny InvokeModel outside an allow-list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiscan.collectors.aws.context import ScopeContext, paginate
from aiscan.collectors.aws.iam import as_list, error_code, glob_match, home_region, statements
from aiscan.core.model import CoverageStatus
from aiscan.core.sanitize import clean_text

PERMISSIONS: tuple[str, ...] = (
    "organizations:DescribeOrganization",
    "organizations:ListParents",
    "organizations:ListPoliciesForTarget",
    "organizations:DescribePolicy",
)

#: OUs nest at most five deep under the root; a longer chain is a malformed answer.
MAX_DEPTH = 8
#: Bound on the SCPs read for one account (AWS allows 5 per target, 6 targets).
MAX_POLICIES = 100

#: condition key -> (the action it guards, the value a Deny must refuse; "" = the key's absence)
GUARDRAIL_KEYS: dict[str, tuple[str, str]] = {
    "sagemaker:DirectInternetAccess": ("sagemaker:CreateNotebookInstance", "Enabled"),
    "sagemaker:RootAccess": ("sagemaker:CreateNotebookInstance", "Enabled"),
    "sagemaker:NetworkIsolation": ("sagemaker:CreateTrainingJob", "false"),
    "sagemaker:InterContainerTrafficEncryption": ("sagemaker:CreateTrainingJob", "false"),
    "sagemaker:VolumeKmsKey": ("sagemaker:CreateTrainingJob", ""),
    "sagemaker:VpcSubnets": ("sagemaker:CreateTrainingJob", ""),
    "bedrock:GuardrailIdentifier": ("bedrock:InvokeModel", ""),
}


# -- SDK calls -----------------------------------------------------------------------------------


def read_policies(client: Any, account: str) -> dict[str, Any]:
    """{Organization, Policies: [DescribePolicy.Policy]}: the SCPs attached to the account and
    to every OU above it and the root. In no organization, Organization is None (no SCP applies)."""
    try:
        org = client.describe_organization()["Organization"]
    except Exception as exc:
        if error_code(exc) == "AWSOrganizationsNotInUseException":
            return {"Organization": None, "Policies": []}
        raise
    targets = [{"Id": account, "Type": "ACCOUNT"}]
    while targets[-1]["Type"] != "ROOT":
        if len(targets) > MAX_DEPTH:
            raise OverflowError(f"more than {MAX_DEPTH} parents above account {account}")
        parents = client.list_parents(ChildId=targets[-1]["Id"]).get("Parents") or []
        if not parents:
            break
        targets.append({"Id": str(parents[0]["Id"]), "Type": str(parents[0].get("Type"))})
    ids: dict[str, None] = {}  # each policy described once, in the order first met
    for target in targets:
        scps = {"TargetId": target["Id"], "Filter": "SERVICE_CONTROL_POLICY"}
        for summary in paginate(client, "list_policies_for_target", "Policies", **scps):
            ids[str(summary["Id"])] = None
    if len(ids) > MAX_POLICIES:
        raise OverflowError(f"more than {MAX_POLICIES} SCPs apply to account {account}")
    policies = [client.describe_policy(PolicyId=pid)["Policy"] for pid in ids]
    return {"Organization": org, "Policies": policies}


# -- transform -----------------------------------------------------------------------------------


def _refuses(operator: str, values: list[str], bad: str) -> bool:
    """Whether a Deny condition `operator: values` matches the request carrying `bad` (""
    meaning the key is absent): a Null check, a negated operator (true when the key is absent)
    or an equality naming the bad value."""
    op = operator.split(":")[-1].removesuffix("IfExists")
    if op == "Null":
        return not bad and "true" in (v.lower() for v in values)
    if "Not" in op:
        return not bad or not any(glob_match(v, bad) for v in values)
    return bool(bad) and any(glob_match(v, bad) for v in values)


def _enforced_keys(statement: Mapping[str, Any]) -> set[str]:
    """The guardrail keys one Deny statement on every resource enforces."""
    if statement.get("Effect") != "Deny" or "NotAction" in statement:
        return set()
    if "NotResource" in statement or "*" not in as_list(statement.get("Resource", "*")):
        return set()
    actions = [str(a) for a in as_list(statement.get("Action"))]
    found = set()
    condition = statement.get("Condition")
    for operator, tests in condition.items() if isinstance(condition, dict) else ():
        for key, values in tests.items() if isinstance(tests, dict) else ():
            for wanted, (action, bad) in GUARDRAIL_KEYS.items():
                if (
                    str(key).lower() == wanted.lower()
                    and any(glob_match(a, action) for a in actions)
                    and _refuses(str(operator), [str(v) for v in as_list(values)], bad)
                ):
                    found.add(wanted)
    return found


def _model_allow_list(statement: Mapping[str, Any]) -> bool:
    """A Deny of InvokeModel on everything but the listed model ARNs (NotResource)."""
    return (
        statement.get("Effect") == "Deny"
        and "NotResource" in statement
        and not statement.get("Condition")
        and any(glob_match(str(a), "bedrock:InvokeModel") for a in as_list(statement.get("Action")))
    )


def scp_guardrails(payload: Mapping[str, Any]) -> dict[str, Any]:
    """`ScpGuardrails` facts from what `read_policies` returned (or its recording)."""
    org = payload.get("Organization") or {}
    names: list[str] = []
    enforced: dict[str, list[str]] = {}
    allow_lists: list[str] = []
    for policy in payload.get("Policies") or []:
        summary = policy.get("PolicySummary") or {}
        name = clean_text(str(summary.get("Name") or summary.get("Id") or ""), 128)
        names.append(name)
        for st in statements(policy.get("Content")):
            for key in _enforced_keys(st):
                enforced.setdefault(key, []).append(name)
            if _model_allow_list(st):
                allow_lists.append(name)
    return {
        "organization": org.get("Id"),
        "policies": sorted(set(names)),
        "enforced": {k: sorted(set(v)) for k, v in sorted(enforced.items())},
        "model_allow_lists": sorted(set(allow_lists)),
    }


# -- collection ----------------------------------------------------------------------------------


def guardrails(ctx: ScopeContext) -> dict[str, Any] | None:
    """The account's SCP guardrails (read once per account), or None when not read: a denied
    read is noted as skipped, anything else as the error it is."""
    client = ctx.client("organizations", home_region(ctx.partition))
    try:
        payload = ctx.refs.once(("organizations",), read_policies, client, ctx.account)
        return scp_guardrails(payload)
    except Exception as exc:
        status, message = ctx.classify(exc)
        if status in (CoverageStatus.DENIED, CoverageStatus.SKIPPED):
            status = CoverageStatus.SKIPPED
            message = f"SCPs not readable from this account ({message})"
        ctx.note(status, f"organizations: {message}")
        return None
