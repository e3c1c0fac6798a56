"""The one data model every stage shares: assets, relations, coverage, findings, scan results.

Everything is a frozen pydantic model so that a collected inventory cannot be mutated by a rule or
a reporter, and so that the JSON output is the model's own serialisation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from aiscan.core.facts.base import Facts, facts_class

SCHEMA_VERSION = "1.2"


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Cloud(StrEnum):
    AWS = "aws"
    AZURE = "azure"
    GCP = "gcp"
    LOCAL = "local"


class AssetKind(StrEnum):
    MODEL = "model"
    MODEL_REGISTRY = "model-registry"
    ENDPOINT = "endpoint"
    LLM_SERVICE = "llm-service"
    LLM_DEPLOYMENT = "llm-deployment"
    AGENT = "agent"
    KNOWLEDGE_BASE = "knowledge-base"
    GUARDRAIL = "guardrail"
    NOTEBOOK = "notebook"
    TRAINING_JOB = "training-job"
    PIPELINE = "pipeline"
    DATASET = "dataset"
    BUCKET = "bucket"
    CONTAINER_REGISTRY = "container-registry"
    GPU_COMPUTE = "gpu-compute"
    WORKSPACE = "workspace"
    IDENTITY = "identity"


class RelationType(StrEnum):
    SERVES = "serves"
    USES_MODEL = "uses-model"
    STORES_ARTIFACT_IN = "stores-artifact-in"
    READS_DATA_FROM = "reads-data-from"
    WRITES_DATA_TO = "writes-data-to"
    RUNS_AS = "runs-as"
    PULLS_IMAGE = "pulls-image"
    MEMBER_OF = "member-of"
    GUARDED_BY = "guarded-by"
    FINE_TUNED_FROM = "fine-tuned-from"
    PRODUCED_BY = "produced-by"
    USES_KNOWLEDGE_BASE = "uses-knowledge-base"
    INVOKES = "invokes"
    MONITORS = "monitors"
    VERSION_OF = "version-of"


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank


_SEVERITY_RANK = {
    Severity.INFO: 0,
    Severity.LOW: 1,
    Severity.MEDIUM: 2,
    Severity.HIGH: 3,
    Severity.CRITICAL: 4,
}

#: Base risk score per severity (0-10, CVSS-like so SARIF security-severity can reuse it).
SEVERITY_SCORE = {
    Severity.CRITICAL: 9.5,
    Severity.HIGH: 8.0,
    Severity.MEDIUM: 5.5,
    Severity.LOW: 3.0,
    Severity.INFO: 0.0,
}


class Category(StrEnum):
    NETWORK_EXPOSURE = "network-exposure"
    ENCRYPTION = "encryption"
    IDENTITY = "identity"
    LOGGING = "logging"
    DATA_EXPOSURE = "data-exposure"
    SUPPLY_CHAIN = "supply-chain"
    SECRETS = "secrets"
    COMPUTE_HARDENING = "compute-hardening"
    GUARDRAILS = "guardrails"
    GOVERNANCE = "governance"
    ATTACK_PATH = "attack-path"


class CoverageStatus(StrEnum):
    OK = "ok"
    DENIED = "denied"
    ERROR = "error"
    SKIPPED = "skipped"

    @property
    def incomplete(self) -> bool:
        """A scope in this state was meant to be read and was not: the scan is incomplete."""
        return self in (CoverageStatus.DENIED, CoverageStatus.ERROR)


class Asset(Frozen):
    id: str = Field(description="Cloud-native id: ARN, Azure resource id or GCP full resource name")
    cloud: Cloud
    account: str
    region: str | None = None
    kind: AssetKind
    service: str
    type: str = Field(description="The cloud's own resource type, e.g. AWS::SageMaker::Endpoint")
    name: str
    created_at: datetime | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    attributes: dict[str, Any] = Field(
        default_factory=dict,
        description="Normalised posture attributes (snake_case); see docs/attributes.md",
    )
    raw: dict[str, Any] = Field(
        default_factory=dict, description="The API payload, bounded and with secrets redacted"
    )

    @model_validator(mode="before")
    @classmethod
    def _no_secret(cls, data: Any) -> Any:
        """Whatever a collector passed, no secret value is stored (see `secrets.scrub`)."""
        if isinstance(data, dict):
            from aiscan.core.secrets import scrub

            data = dict(data)
            if isinstance(data.get("attributes"), Facts):
                data["attributes"] = data["attributes"].read()
            return {
                k: scrub(v) if k in ("id", "name", "tags", "attributes", "raw") else v
                for k, v in data.items()
            }
        return data

    @field_validator("attributes", mode="before")
    @classmethod
    def _facts_to_attributes(cls, value: Any) -> Any:
        # A transform may hand over its typed facts; the serialised form is what was read.
        return value.read() if isinstance(value, Facts) else value

    @cached_property
    def facts(self) -> Facts:
        """The typed view of `attributes`, validated against the model registered for `type`
        (raises pydantic.ValidationError when a fact is undeclared or mistyped)."""
        return facts_class(self.type).model_validate(self.attributes)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Asset:
        copied = super().model_copy(update=update, deep=deep)
        copied.__dict__.pop("facts", None)  # the cached view belongs to the old attributes
        return copied


class Relation(Frozen):
    source: str
    type: RelationType
    target: str


class Coverage(Frozen):
    cloud: Cloud
    account: str
    region: str
    service: str
    status: CoverageStatus
    message: str = ""
    assets: int = 0


class ResultStatus(StrEnum):
    FAIL = "fail"
    PASS = "pass"
    MANUAL = "manual"
    NOT_APPLICABLE = "not-applicable"


class Suppression(Frozen):
    """Why a finding does not fail the gate: the waiver that accepted it."""

    reason: str
    owner: str
    expires: date
    waiver: str = Field(description="Where the waiver is written, e.g. waivers.yaml:12")


class PathHop(Frozen):
    """One step of an attack path: `source` --`edge`--> `target`, and what was read that made
    the edge (a policy statement, a security-group rule, a bucket ACL ...)."""

    source: str
    edge: str = Field(
        description="A relation type or a derived edge type (exposed-to, can-write …)"
    )
    target: str
    evidence: dict[str, Any] = Field(default_factory=dict)


class RiskFactor(Frozen):
    name: Literal["severity", "exposure", "blast-radius"]
    value: float = Field(description="The factor's multiplier (severity: its base score)")
    level: str = Field(description="e.g. critical; internet / authenticated / internal; 3 stores")
    why: str


class Risk(Frozen):
    """severity x exposure x blast radius, each factor explained."""

    score: float
    factors: tuple[RiskFactor, ...] = ()


class Finding(Frozen):
    rule_id: str
    asset_id: str
    severity: Severity
    category: Category
    title: str
    message: str
    evidence: dict[str, Any] = Field(default_factory=dict)
    remediation: str
    references: tuple[str, ...] = ()
    risk_score: float
    fingerprint: str
    path: tuple[str, ...] = Field(
        default=(), description="Attack paths: the asset ids from entry point to crown jewel"
    )
    hops: tuple[PathHop, ...] = Field(
        default=(), description="Attack paths: every hop of `path`, its edge type and evidence"
    )
    risk: Risk | None = Field(default=None, description="How `risk_score` was reached")
    cloud: Cloud
    account: str
    region: str | None = None
    suppressed: bool = Field(
        default=False, description="Accepted by a waiver: reported, but never fails the gate"
    )
    suppression: Suppression | None = None
    new: bool | None = Field(
        default=None,
        description="Fingerprint absent from the --baseline scan (null when no baseline was given)",
    )
    first_seen: datetime | None = Field(
        default=None,
        description="When a stored scan first reported this fingerprint (null without --store)",
    )
    last_seen: datetime | None = Field(
        default=None,
        description="When a stored scan last reported it: this scan (null without --store)",
    )
    age_days: int | None = Field(
        default=None, description="Whole days from first_seen to last_seen (null without --store)"
    )


class Evaluation(Frozen):
    """A rule result that is not a failure: pass, manual or not-applicable."""

    rule_id: str
    asset_id: str
    status: ResultStatus
    reason: str = ""


class ScanInfo(Frozen):
    started: datetime
    finished: datetime
    scope: dict[str, Any] = Field(default_factory=dict)
    identity: dict[str, str] = Field(default_factory=dict)


class WaiverNotice(Frozen):
    """A waiver that needs attention: expired (no longer suppresses) or stale (matched nothing)."""

    waiver: str = Field(description="Where the waiver is written, e.g. waivers.yaml:12")
    status: Literal["expired", "stale"]
    rule: str | None = None
    asset: str | None = None
    reason: str
    owner: str
    expires: date
    matched: int = Field(default=0, description="Findings the waiver matches in this scan")


class BaselineInfo(Frozen):
    """How this scan's findings compare with a previous scan given as --baseline."""

    source: str
    known: int = Field(description="Fingerprints in the baseline")
    new: int = Field(description="Findings of this scan whose fingerprint is not in the baseline")
    resolved: int = Field(description="Baseline fingerprints this scan no longer reports")


class ToolInfo(Frozen):
    name: str = "aiscan"
    version: str


class ScanResult(Frozen):
    schema_version: str = SCHEMA_VERSION
    tool: ToolInfo
    scan: ScanInfo
    assets: tuple[Asset, ...] = ()
    relations: tuple[Relation, ...] = ()
    coverage: tuple[Coverage, ...] = ()
    findings: tuple[Finding, ...] = ()
    evaluations: tuple[Evaluation, ...] = ()
    waivers: tuple[WaiverNotice, ...] = Field(
        default=(), description="Expired and stale waivers (when --waivers was given)"
    )
    baseline: BaselineInfo | None = None

    @property
    def incomplete_scopes(self) -> tuple[Coverage, ...]:
        return tuple(c for c in self.coverage if c.status.incomplete)


def fingerprint(rule_id: str, asset_id: str, key: str = "") -> str:
    """Stable across runs: the same rule on the same asset with the same distinguishing key."""
    digest = hashlib.sha256(f"{rule_id}\x1f{asset_id}\x1f{key}".encode()).hexdigest()
    return digest[:32]
