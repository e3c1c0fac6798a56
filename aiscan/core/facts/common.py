"""Facts shared across clouds and kinds, as mixins, and the structured values inside them.

A cross-cloud rule names a mixin as its `facts` type (e.g. `ContainerFacts`) and so applies to
every resource type whose model includes it; the per-type models in aws.py / azure.py / gcp.py
compose these mixins with their own facts.
"""

from __future__ import annotations

from pydantic import ConfigDict, Field

from aiscan.artifacts.report import ArtifactScan
from aiscan.core.facts.base import UNREAD, Facts, Nested, Unread

# -- structured values ----------------------------------------------------------------------------


class Container(Nested):
    name: str | None = None
    image: str | None = None
    environment: dict[str, str] = Field(
        default_factory=dict, description="secret values already replaced by <redacted>"
    )
    artifact_uri: str | None = None
    repository_access_mode: str | None = None
    model_package: str | None = None


class SecretHit(Nested):
    location: str
    name: str
    kind: str


class HubModel(Nested):
    repo_id: str
    revision: str | None = None
    pinned: bool
    variable: str | None = None


class Accelerator(Nested):
    model_config = ConfigDict(populate_by_name=True)

    class_: str = Field(alias="class", description="gpu, neuron or inference")
    type: str | None = None
    manufacturer: str | None = None
    count: int | None = None
    memory_mib: int | None = None


class PortRange(Nested):
    model_config = ConfigDict(populate_by_name=True)

    protocol: str
    from_: int = Field(alias="from")
    to: int


class BucketEncryption(Nested):
    algorithm: str | None = None
    kms_key: str | None = None
    default: bool | None = None


# -- mixins ---------------------------------------------------------------------------------------


class ContainerFacts(Facts):
    containers: tuple[Container, ...] | Unread = Field(
        default=UNREAD, description="what runs: image, environment, artifact location"
    )


class SecretFacts(Facts):
    secrets: tuple[SecretHit, ...] | Unread = Field(
        default=UNREAD, description="secrets found while redacting; never the value"
    )


class HubFacts(Facts):
    hub_model: HubModel | None | Unread = Field(
        default=UNREAD, description="the Hugging Face model it loads (None: none)"
    )
    trust_remote_code: str | None | Unread = Field(
        default=UNREAD, description="the variable that enables remote code, or None"
    )


class RunsAsFacts(Facts):
    role_arn: str | None | Unread = Field(
        default=UNREAD, description="the execution role / identity id (also a runs-as relation)"
    )


class KmsFacts(Facts):
    kms_key: str | None | Unread = Field(
        default=UNREAD, description="customer-managed key id; None = service-managed key"
    )


class NetworkIsolationFacts(Facts):
    network_isolation: bool | Unread = Field(
        default=UNREAD, description="the container has no outbound network"
    )


class VpcFacts(Facts):
    vpc: bool | Unread = Field(default=UNREAD, description="attached to a customer network")


class EndpointFacts(Facts):
    endpoint_url: str | None | Unread = Field(default=UNREAD, description="where it answers")
    authenticated: bool | Unread = Field(default=UNREAD, description="callers must authenticate")


class AcceleratorFacts(Facts):
    accelerators: tuple[Accelerator, ...] | Unread = Field(
        default=UNREAD, description="decided from the machine type's capabilities"
    )


class OpenPortsFacts(Facts):
    internet_open_ports: tuple[PortRange, ...] | Unread = Field(
        default=UNREAD, description="port ranges open to 0.0.0.0/0 or ::/0 (all = all 0-65535)"
    )


class PublicIpFacts(Facts):
    public_ip: str | None | Unread = Field(default=UNREAD, description="public address, if any")


class HostExposureFacts(OpenPortsFacts, PublicIpFacts):
    """A host with an address: its public IP and what the network lets in from anywhere."""


class MetadataFacts(Facts):
    imds_v2_required: bool | Unread = Field(
        default=UNREAD, description="instance metadata requires session tokens"
    )


class BucketFacts(KmsFacts):
    public: bool | Unread = Field(default=UNREAD, description="readable by anyone")
    public_reasons: tuple[str, ...] | Unread = Field(default=UNREAD, description="why public")
    versioning: str | None | Unread = Field(
        default=UNREAD, description="Enabled / Suspended / Disabled"
    )
    write_principals: tuple[str, ...] | Unread = Field(
        default=UNREAD, description="principals allowed to write objects (* for anyone)"
    )
    encryption: BucketEncryption | None | Unread = Field(
        default=UNREAD, description="default encryption; None = none configured"
    )


class IdentityFacts(Facts):
    administrator: bool | Unread = Field(
        default=UNREAD, description="all actions on all resources (or an admin role)"
    )
    wildcard_actions: tuple[str, ...] | Unread = Field(
        default=UNREAD, description="allowed action patterns with * (e.g. s3:*, *)"
    )
    full_access_policies: tuple[str, ...] | Unread = Field(
        default=UNREAD, description="attached service-wide full-access policies / roles"
    )
    policies_complete: bool | Unread = Field(
        default=UNREAD, description="every attached policy / role assignment could be read"
    )


class WorkloadFacts(ContainerFacts, SecretFacts, HubFacts):
    """Something that runs code from an image and an environment (model, job, pipeline ...)."""


class ArtifactScanFacts(Facts):
    """A model whose artifacts a deep scan can open (`scan --deep`, `aiscan artifacts`)."""

    artifact_scans: tuple[ArtifactScan, ...] | Unread = Field(
        default=UNREAD,
        description="what the deep scan read: per object its location, SHA-256, format, "
        "members, issues, bounds hit, errors and signature (absent without --deep)",
    )
