"""S3 buckets that AI assets read from or write to (model artifacts, training data, RAG sources).

Only buckets referenced by an AI asset (`ctx.refs.buckets`) become assets: the company's other
buckets are not AI assets. ListBuckets runs once to tell this account's buckets (`owned`) and their
regions; a referenced bucket that does not exist is noted in coverage as a dangling reference (a
finding for later, not a read failure), and a referenced bucket that cannot be read is recorded as
denied for the account's `s3` scope.

Per bucket: GetBucketLocation (unless ListBuckets gave the region), GetPublicAccessBlock,
GetBucketPolicyStatus, GetBucketPolicy, GetBucketAcl, GetBucketEncryption, GetBucketVersioning,
GetBucketLogging, GetBucketTagging; per account: s3control GetPublicAccessBlock.

Decisions worth knowing:

* "Not configured" answers are facts, not failures: no public-access block means all four flags
  are false; no bucket policy means the policy makes nothing public and grants no writes; no
  default-encryption configuration is reported as `{algorithm: "AES256", kms_key: null,
  default: true}` because S3 has applied SSE-S3 to every new object since January 2023 (older
  emulators still answer ServerSideEncryptionConfigurationNotFoundError).
* A referenced bucket of another account (not in ListBuckets, e.g. a JumpStart cache) that refuses
  reads is still an asset (`owned: false`, unreadable attributes absent); the refusal is noted in
  coverage without marking the scope denied, since no permission of this account can fix it.
  Reading our own referenced bucket denied marks the scope denied.
* `block_public_access` is the effective setting: the bucket's flags OR the account's flags.
  When the account-level block could not be read it holds the bucket's flags only, and `public`
  is left absent whenever the account block could have changed the answer.
* `public` is true when the policy status says public and RestrictPublicBuckets is not in effect,
  or when the ACL grants anything to AllUsers/AuthenticatedUsers and IgnorePublicAcls is not in
  effect; it is absent when a deciding fact could not be read.
* `write_principals` lists the principals of Allow statements in the bucket policy that grant
  s3:PutObject (by wildcard too, `NotAction` conservatively); `*` is anyone. Conditions are not
  evaluated: principals granted only under a Condition are also listed in
  `write_principals_conditional`, so a rule can weigh `aws:PrincipalOrgID`-style restrictions.

Facts: aiscan/core/facts/aws.py `S3BucketFacts`; docs/attributes.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiscan.collectors.aws.assets import aws_asset, without_metadata
from aiscan.collectors.aws.context import ScopeContext, paginate
from aiscan.collectors.aws.errors import classify
from aiscan.collectors.aws.iam import (
    allows,
    as_datetime,
    error_code,
    home_region,
    parse_document,
    principals,
    statement_facts,
    statements,
)
from aiscan.collectors.aws.tagging import bounded_tags
from aiscan.collectors.payload import items, mapping, opt
from aiscan.core.model import Asset, AssetKind, CoverageStatus
from aiscan.core.sanitize import clean_text

PERMISSIONS: tuple[str, ...] = (
    "s3:ListAllMyBuckets",
    "s3:GetBucketLocation",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketPolicyStatus",
    "s3:GetBucketPolicy",
    "s3:GetBucketAcl",
    "s3:GetEncryptionConfiguration",
    "s3:GetBucketVersioning",
    "s3:GetBucketLogging",
    "s3:GetBucketTagging",
    "s3:GetAccountPublicAccessBlock",
)

PUBLIC_GROUPS = {
    "http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "AuthenticatedUsers",
}
FLAGS = {
    "BlockPublicAcls": "block_public_acls",
    "IgnorePublicAcls": "ignore_public_acls",
    "BlockPublicPolicy": "block_public_policy",
    "RestrictPublicBuckets": "restrict_public_buckets",
}
#: The settings read per bucket (API operation names), each with the error code that means "not
#: configured" (an answer, not a failure; None: there is no such answer).
BUCKET_READS: dict[str, str | None] = {
    "GetPublicAccessBlock": "NoSuchPublicAccessBlockConfiguration",
    "GetBucketPolicyStatus": "NoSuchBucketPolicy",
    "GetBucketPolicy": "NoSuchBucketPolicy",
    "GetBucketAcl": None,
    "GetBucketEncryption": "ServerSideEncryptionConfigurationNotFoundError",
    "GetBucketVersioning": None,
    "GetBucketLogging": None,
    "GetBucketTagging": "NoSuchTagSet",
}


class BucketGone(Exception):
    """The bucket does not exist (NoSuchBucket)."""


# -- SDK calls -----------------------------------------------------------------------------------


def list_buckets(client: Any) -> list[dict[str, Any]]:
    return [dict(b) for b in paginate(client, "list_buckets", "Buckets")]


def bucket_region(location: Mapping[str, Any]) -> str:
    """The region of a GetBucketLocation answer (legacy answers: no constraint is us-east-1, "EU"
    is eu-west-1)."""
    constraint = opt(location, "LocationConstraint") or "us-east-1"
    return "eu-west-1" if constraint == "EU" else constraint


def read_config(client: Any, operation: str, **kwargs: Any) -> dict[str, Any]:
    """One configuration read (`operation` by its API name; the account's GetPublicAccessBlock
    too): the response, or `{"Error": {"Code": ...}}` for BUCKET_READS' "not configured"."""
    from botocore import xform_name

    try:
        return without_metadata(getattr(client, xform_name(operation))(**kwargs))
    except Exception as exc:
        code = error_code(exc)
        if code and code == BUCKET_READS.get(operation):
            return {"Error": {"Code": code}}
        raise


# -- transform -----------------------------------------------------------------------------------


def _not_configured(resp: Mapping[str, Any] | None) -> bool:
    return resp is not None and "Error" in resp


def block_flags(resp: Mapping[str, Any] | None) -> dict[str, bool] | None:
    """Four snake_case flags from a GetPublicAccessBlock answer; None if it was not read."""
    if resp is None:
        return None
    config = {} if _not_configured(resp) else mapping(resp, "PublicAccessBlockConfiguration")
    return {snake: bool(config.get(key, False)) for key, snake in FLAGS.items()}


def write_principals(policy: Any) -> tuple[list[str], list[str]]:
    """(principals allowed to put objects, those of them allowed only under a Condition)."""
    unconditional: set[str] = set()
    conditional: set[str] = set()
    for st in statements(policy):
        if not allows(st, "s3:PutObject"):
            continue
        target = conditional if st.get("Condition") else unconditional
        target.update(principals(st))
    conditional -= unconditional
    return sorted(unconditional | conditional), sorted(conditional)


def public_statements(policy: Any) -> list[dict[str, Any]]:
    """The bucket policy's statements whose principal is anyone (`*`, `{"AWS": "*"}` or a
    NotPrincipal), as `PolicyStatement` facts with their principals."""
    found, _ = statement_facts(policy, "bucket policy", None, with_principals=True)
    return [st for st in found if "*" in st["principals"]]


def encryption(resp: Mapping[str, Any]) -> dict[str, Any]:
    if _not_configured(resp):
        return {"algorithm": "AES256", "kms_key": None, "default": True}
    default = mapping(_first_rule(resp), "ApplyServerSideEncryptionByDefault")
    algorithm = default.get("SSEAlgorithm")
    key = default.get("KMSMasterKeyID") if str(algorithm).startswith("aws:kms") else None
    if key and str(key).endswith("alias/aws/s3"):
        key = None  # the AWS-managed key: not a customer-managed one
    return {"algorithm": algorithm, "kms_key": key, "default": False}


def _first_rule(encryption: Mapping[str, Any]) -> Mapping[str, Any]:
    rules = items(mapping(encryption, "ServerSideEncryptionConfiguration"), "Rules")
    return rules[0] if rules else {}


def to_bucket(payload: Mapping[str, Any], partition: str, account: str) -> Asset:
    """A bucket asset from {Name, CreationDate?, Region?, Owned?, AccountPublicAccessBlock?, and
    one entry per operation name of BUCKET_READS}; an absent entry was not readable."""
    name = str(payload["Name"])
    attributes: dict[str, Any] = {}
    if "Owned" in payload:
        attributes["owned"] = bool(payload["Owned"])

    bucket_flags = block_flags(payload.get("GetPublicAccessBlock"))
    account_flags = block_flags(payload.get("AccountPublicAccessBlock"))
    if bucket_flags is not None:
        attributes["bucket_block_public_access"] = bucket_flags
    if account_flags is not None:
        attributes["account_block_public_access"] = account_flags
    if bucket_flags is not None:
        attributes["block_public_access"] = {
            k: v or bool(account_flags and account_flags[k]) for k, v in bucket_flags.items()
        }

    reasons: list[str] = []
    status = payload.get("GetBucketPolicyStatus")
    if status is not None:
        policy_public = not _not_configured(status) and bool(
            mapping(status, "PolicyStatus").get("IsPublic")
        )
        attributes["policy_public"] = policy_public
        if policy_public:
            reasons.append("bucket policy allows public access")
    acl = payload.get("GetBucketAcl")
    if acl is not None:
        grants = [
            {"grantee": PUBLIC_GROUPS[g["Grantee"]["URI"]], "permission": str(g.get("Permission"))}
            for g in items(acl, "Grants")
            if mapping(g, "Grantee").get("URI") in PUBLIC_GROUPS
        ]
        attributes["acl_public_grants"] = grants
        reasons.extend(f"ACL grants {g['permission']} to {g['grantee']}" for g in grants)

    acl_grants = attributes.get("acl_public_grants")
    verdicts = (
        _exposure(
            attributes.get("policy_public"),
            _flag(bucket_flags, account_flags, "restrict_public_buckets"),
        ),
        _exposure(
            None if acl_grants is None else bool(acl_grants),
            _flag(bucket_flags, account_flags, "ignore_public_acls"),
        ),
    )
    if True in verdicts:
        attributes["public"] = True
    elif None not in verdicts:
        attributes["public"] = False
    if reasons:
        attributes["public_reasons"] = reasons

    enc = payload.get("GetBucketEncryption")
    if enc is not None:
        attributes["encryption"] = encryption(enc)
        attributes["kms_key"] = attributes["encryption"]["kms_key"]
        attributes["bucket_key_enabled"] = bool(_first_rule(enc).get("BucketKeyEnabled", False))
    versioning = payload.get("GetBucketVersioning")
    if versioning is not None:
        attributes["versioning"] = str(versioning.get("Status") or "Disabled")
        attributes["mfa_delete"] = versioning.get("MFADelete") == "Enabled"
    logging_resp = payload.get("GetBucketLogging")
    if logging_resp is not None:
        attributes["logging_enabled"] = bool(logging_resp.get("LoggingEnabled"))

    raw: dict[str, Any] = dict(payload)
    policy = payload.get("GetBucketPolicy")
    if policy is not None:
        document = None if _not_configured(policy) else parse_document(policy.get("Policy"))
        writers, conditional = write_principals(document)
        attributes["write_principals"] = writers
        attributes["write_principals_conditional"] = conditional
        attributes["public_statements"] = public_statements(document)
        raw["GetBucketPolicy"] = {"Policy": document} if document is not None else policy

    tagging = payload.get("GetBucketTagging")
    tags = {} if _not_configured(tagging) else bounded_tags(items(tagging, "TagSet"))

    region = payload.get("Region")
    return aws_asset(
        id=f"arn:{partition}:s3:::{name}",
        kind=AssetKind.BUCKET,
        service="s3",
        type="AWS::S3::Bucket",
        name=name,
        account=account,
        region=str(region) if region else None,
        payload=payload,
        attributes=attributes,
        created_at=as_datetime(payload.get("CreationDate")),
        tags=tags,
        raw=raw,
    )


def _exposure(exposed: bool | None, blocked: bool | None) -> bool | None:
    """Public through one path (policy or ACL)? None when a deciding fact is unknown."""
    if blocked is True or exposed is False:
        return False
    return True if exposed is True and blocked is False else None


def _flag(
    bucket: Mapping[str, bool] | None, account: Mapping[str, bool] | None, flag: str
) -> bool | None:
    """Whether a block flag is in effect: True if either level sets it, None if undecidable."""
    if (bucket and bucket[flag]) or (account and account[flag]):
        return True
    return None if bucket is None or account is None else False


# -- collection ----------------------------------------------------------------------------------


def collect(ctx: ScopeContext) -> None:
    referenced = sorted(ctx.refs.buckets)
    if not referenced:
        return
    home = home_region(ctx.partition)
    listed = ctx.section("ListBuckets", list_buckets, ctx.client("s3", home))
    owned = {str(b["Name"]): b for b in listed} if listed is not None else None
    account_block = ctx.section(
        "account public access block",
        read_config,
        ctx.client("s3control", home),
        "GetPublicAccessBlock",
        AccountId=ctx.account,
    )
    ctx.each("bucket", _one_bucket, referenced, ctx, owned, account_block)


def _one_bucket(
    ctx: ScopeContext,
    owned: Mapping[str, Mapping[str, Any]] | None,
    account_block: Mapping[str, Any] | None,
    name: str,
) -> None:
    # Failures are noted here rather than by ctx.each, to name the bucket printably and to tell
    # a vanished bucket (a dangling reference) from a read failure.
    try:
        _collect_bucket(ctx, name, owned, account_block)
    except BucketGone:
        ctx.note(CoverageStatus.OK, f"referenced bucket {clean_text(name, 64)} does not exist")
    except Exception as exc:
        status, message = classify(exc)
        ctx.note(status, f"bucket {clean_text(name, 64)}: {message}")


def _collect_bucket(
    ctx: ScopeContext,
    name: str,
    owned: Mapping[str, Mapping[str, Any]] | None,
    account_block: Mapping[str, Any] | None,
) -> None:
    home = home_region(ctx.partition)
    payload: dict[str, Any] = {"Name": name}
    listed = (owned or {}).get(name)
    # Another account's bucket (JumpStart caches, vendor datasets): being refused is expected
    # and no permission of ours can fix it, so it is noted rather than marking the scan denied;
    # its attributes stay absent and rules answer manual.
    foreign = owned is not None and listed is None
    refused: list[str] = []

    def read(region: str, operation: str) -> dict[str, Any] | None:
        """ctx.section for one bucket read, except that a vanished bucket stops the whole
        bucket and a foreign bucket's refusals are collected in `refused`."""
        try:
            return read_config(ctx.client("s3", region), operation, Bucket=name)
        except Exception as exc:
            if error_code(exc) == "NoSuchBucket":
                raise BucketGone(name) from exc
            status, message = classify(exc)
            if foreign and status is CoverageStatus.DENIED:
                refused.append(str(getattr(exc, "operation_name", "") or type(exc).__name__))
            else:
                ctx.note(status, f"bucket {clean_text(name, 64)}: {message}")
            return None

    if owned is not None:
        payload["Owned"] = listed is not None
    if listed is not None:
        payload["CreationDate"] = listed.get("CreationDate")
    if account_block is not None and not foreign:
        payload["AccountPublicAccessBlock"] = account_block
    region = (listed or {}).get("BucketRegion")
    if not region:
        location = read(home, "GetBucketLocation")
        region = None if location is None else bucket_region(location)
    if region:
        payload["Region"] = region
    for operation in BUCKET_READS:
        resp = read(str(region or home), operation)
        if resp is not None:
            payload[operation] = resp
    if refused:
        ctx.note(
            CoverageStatus.OK,
            f"bucket {clean_text(name, 64)} belongs to another account; not readable: "
            + ", ".join(refused),
        )
    ctx.add(to_bucket(payload, ctx.partition, ctx.account))
