"""Google Cloud accelerated compute: GPU/TPU VMs (GCP-CE-*) and GKE GPU/TPU node pools (GCP-GKE-*).

One weakness per rule, so a waiver or a category filter targets exactly one. The facts are read
by aiscan/collectors/gcp/compute.py (its docstring says what each means in Google's terms).
References are the CIS Google Cloud Platform Foundations benchmark (section 4, virtual machines)
and the CIS GKE benchmark (section 5, managed services), besides prowler, OWASP and MITRE ATLAS.

What an identity a VM runs as may do is judged on the identity (XC-ID-001) and on every workload
running as it (XC-ID-002); the rules here judge how the VM or pool is configured.
"""

from __future__ import annotations

from operator import not_

from aiscan.core.facts import Unread, known, unread
from aiscan.core.facts.gcp import ComputeInstanceFacts, NodePoolFacts, OrgPolicy, VertexServiceFacts
from aiscan.rules.base import (
    Asset,
    AssetKind,
    Category,
    Cloud,
    Result,
    RuleContext,
    Severity,
    judge,
    rule,
)

GCP = (Cloud.GCP,)
GPU = (AssetKind.GPU_COMPUTE,)


def _not_read(name: str) -> Result:
    return Result.manual(f"not read: {name}")


def project_policy(asset: Asset, ctx: RuleContext, constraint: str) -> OrgPolicy | None:
    """The effective organization policy of `constraint` on the asset's project, as read on the
    project's Vertex AI service asset (None when the project has none or it was not read)."""
    for other in ctx.inventory.of_kind(AssetKind.LLM_SERVICE):
        if other.cloud is not Cloud.GCP or other.account != asset.account:
            continue
        facts = other.facts
        if isinstance(facts, VertexServiceFacts):
            policies = known(facts.org_policies)
            if policies and constraint in policies:
                return policies[constraint]
    return None


def _must_be_on(value: bool | Unread, fact: str, *, off: str, on: str) -> Result:
    """A hardening switch that must be on: manual when not read, fail when off."""
    return judge(value, fact, not_, fail=off, ok=on, evidence={fact: False})


#: Shielded VM controls (secure boot, vTPM, integrity monitoring) share their references.
_SHIELDED_VM_REFS = (
    "CIS-GCP:4.8",
    "orgpolicy:compute.requireShieldedVm",
    "prowler:compute_instance_shielded_vm_enabled",
    "OWASP-ML:ML06",
)


def _default_full_access(facts: ComputeInstanceFacts | NodePoolFacts) -> Result:
    default, full = facts.default_service_account, facts.cloud_platform_scope
    if unread(default) or unread(full):
        return Result.manual("not read: default_service_account or cloud_platform_scope")
    if default and full:
        return Result.fail(
            "the default service account has the cloud-platform scope",
            evidence={
                "service_account": known(facts.service_account),
                "scopes": list(known(facts.scopes) or ()),
            },
        )
    return Result.ok("no default service account with full API access")


# -- Compute Engine GPU / TPU VMs ------------------------------------------------------------------


@rule(
    id="GCP-CE-001",
    title="GPU VM has interactive serial port access enabled",
    severity=Severity.MEDIUM,
    category=Category.COMPUTE_HARDENING,
    kinds=GPU,
    clouds=GCP,
    services=("compute",),
    description=(
        'The instance metadata sets serial-port-enable to "true", so the interactive serial '
        "console accepts connections from any IP address to anyone with the right SSH key."
    ),
    risk=(
        "The serial console bypasses VPC firewall rules and network tags: a leaked key reaches a "
        "GPU host with models, data and a service account token from anywhere."
    ),
    remediation=(
        "gcloud compute instances add-metadata VM --metadata=serial-port-enable=false; enforce "
        "constraints/compute.disableSerialPortAccess at the organization."
    ),
    references=(
        "CIS-GCP:4.5",
        "orgpolicy:compute.disableSerialPortAccess",
        "prowler:compute_instance_serial_ports_in_use",
        "MITRE-ATLAS:AML.T0012",
    ),
)
def vm_serial_port(asset: Asset, facts: ComputeInstanceFacts, ctx: RuleContext) -> Result:
    return judge(
        facts.serial_port,
        "serial_port",
        bool,
        fail="interactive serial port access is enabled",
        ok="serial port access disabled",
        evidence={"serial-port-enable": True},
    )


@rule(
    id="GCP-CE-002",
    title="GPU VM runs without Secure Boot",
    severity=Severity.MEDIUM,
    category=Category.COMPUTE_HARDENING,
    kinds=GPU,
    clouds=GCP,
    services=("compute",),
    description="shieldedInstanceConfig.enableSecureBoot is false on the instance.",
    risk=(
        "Unsigned boot components and kernel drivers load unchecked: a bootkit or rootkit on a GPU "
        "host (whose NVIDIA drivers are kernel modules) persists below the operating system."
    ),
    remediation=(
        "Stop the VM and gcloud compute instances update VM --shielded-secure-boot (NVIDIA drivers "
        "must be signed: use a supported image); enforce constraints/compute.requireShieldedVm."
    ),
    references=_SHIELDED_VM_REFS,
)
def vm_secure_boot(asset: Asset, facts: ComputeInstanceFacts, ctx: RuleContext) -> Result:
    return _must_be_on(
        facts.secure_boot, "secure_boot", off="Secure Boot is off", on="Secure Boot on"
    )


@rule(
    id="GCP-CE-003",
    title="GPU VM runs without a virtual TPM",
    severity=Severity.LOW,
    category=Category.COMPUTE_HARDENING,
    kinds=GPU,
    clouds=GCP,
    services=("compute",),
    description="shieldedInstanceConfig.enableVtpm is false on the instance.",
    risk=(
        "Without a vTPM there is no measured boot and no hardware-protected key storage: integrity "
        "monitoring has nothing to compare and secrets cannot be sealed to the VM."
    ),
    remediation=(
        "Stop the VM and gcloud compute instances update VM --shielded-vtpm; enforce "
        "constraints/compute.requireShieldedVm."
    ),
    references=_SHIELDED_VM_REFS,
)
def vm_vtpm(asset: Asset, facts: ComputeInstanceFacts, ctx: RuleContext) -> Result:
    return _must_be_on(facts.vtpm, "vtpm", off="the virtual TPM is off", on="vTPM on")


@rule(
    id="GCP-CE-004",
    title="GPU VM runs without Shielded VM integrity monitoring",
    severity=Severity.LOW,
    category=Category.COMPUTE_HARDENING,
    kinds=GPU,
    clouds=GCP,
    services=("compute",),
    description="shieldedInstanceConfig.enableIntegrityMonitoring is false on the instance.",
    risk=(
        "A changed boot sequence (bootkit, tampered kernel) raises no integrity event in Cloud "
        "Logging, so a compromise of the host goes unnoticed."
    ),
    remediation=(
        "gcloud compute instances update VM --shielded-integrity-monitoring, and alert on "
        "earlyBootReportEvent / lateBootReportEvent integrity failures."
    ),
    references=(
        "CIS-GCP:4.8",
        "prowler:compute_instance_shielded_vm_enabled",
        "OWASP-ML:ML06",
    ),
)
def vm_integrity(asset: Asset, facts: ComputeInstanceFacts, ctx: RuleContext) -> Result:
    return _must_be_on(
        facts.integrity_monitoring,
        "integrity_monitoring",
        off="integrity monitoring is off",
        on="integrity monitoring on",
    )


@rule(
    id="GCP-CE-005",
    title="GPU VM does not use OS Login",
    severity=Severity.MEDIUM,
    category=Category.IDENTITY,
    kinds=GPU,
    clouds=GCP,
    services=("compute",),
    description=(
        'The instance metadata sets enable-oslogin to "false", so SSH access is granted by keys '
        "in metadata instead of IAM. When the instance does not set it the project's common "
        "metadata decides, which aiscan does not read: the result is then manual, unless the "
        "project's effective organization policy enforces constraints/compute.requireOsLogin "
        "(which refuses metadata that disables OS Login)."
    ),
    risk=(
        "Metadata SSH keys are not tied to a person, survive offboarding and bypass IAM and "
        "2-step verification: anyone who can edit metadata or holds an old key logs in."
    ),
    remediation=(
        "Set enable-oslogin=TRUE in project metadata (gcloud compute project-info add-metadata "
        "--metadata enable-oslogin=TRUE) and remove the instance override; enforce "
        "constraints/compute.requireOsLogin."
    ),
    references=(
        "CIS-GCP:4.4",
        "orgpolicy:compute.requireOsLogin",
        "prowler:compute_project_os_login_enabled",
        "MITRE-ATLAS:AML.T0012",
    ),
)
def vm_os_login(asset: Asset, facts: ComputeInstanceFacts, ctx: RuleContext) -> Result:
    os_login = facts.os_login
    if unread(os_login):
        return _not_read("os_login")
    if os_login is None:
        policy = project_policy(asset, ctx, "compute.requireOsLogin")
        if policy is not None and policy.enforced:
            return Result.ok(
                "enable-oslogin is not set on the instance; the project's organization policy "
                "enforces compute.requireOsLogin"
            )
        return Result.manual("enable-oslogin is not set on the instance; project metadata decides")
    if not os_login:
        return Result.fail(
            "OS Login is disabled (enable-oslogin=false)", evidence={"enable-oslogin": False}
        )
    return Result.ok("OS Login enabled")


@rule(
    id="GCP-CE-006",
    title="GPU VM runs as the default Compute Engine service account",
    severity=Severity.HIGH,
    category=Category.IDENTITY,
    kinds=GPU,
    clouds=GCP,
    services=("compute",),
    description=(
        "The instance's service account is PROJECT_NUMBER-compute@developer.gserviceaccount.com, "
        "shared by every default VM of the project and historically granted roles/editor."
    ),
    risk=(
        "Code on the GPU host (a model server, a malicious model file, a notebook) obtains a token "
        "of the project-wide default identity from the metadata server."
    ),
    remediation=(
        "Create a dedicated service account with only the roles the workload needs and "
        "gcloud compute instances set-service-account VM --service-account=SA; enforce "
        "constraints/iam.automaticIamGrantsForDefaultServiceAccounts."
    ),
    references=(
        "CIS-GCP:4.1",
        "orgpolicy:iam.automaticIamGrantsForDefaultServiceAccounts",
        "prowler:compute_instance_default_service_account_in_use",
        "OWASP-LLM:LLM06",
        "MITRE-ATLAS:AML.T0012",
    ),
)
def vm_default_sa(asset: Asset, facts: ComputeInstanceFacts, ctx: RuleContext) -> Result:
    account = known(facts.service_account)
    return judge(
        facts.default_service_account,
        "default_service_account",
        bool,
        fail=f"runs as {account}",
        ok="not the default service account",
        evidence={"service_account": account},
    )


@rule(
    id="GCP-CE-007",
    title="GPU VM gives the default service account full access to all Cloud APIs",
    severity=Severity.HIGH,
    category=Category.IDENTITY,
    kinds=GPU,
    clouds=GCP,
    services=("compute",),
    description=(
        "The instance runs as the default Compute Engine service account with the cloud-platform "
        "access scope, so the account's IAM roles (often roles/editor) apply to every Cloud API "
        "from the VM. A dedicated account with cloud-platform is Google's recommendation and "
        "passes: its IAM roles are what limit it."
    ),
    risk=(
        "Access scopes are the only limit on the default account's token; with cloud-platform a "
        "compromised GPU host can use every permission the default account holds."
    ),
    remediation=(
        "Stop the VM and gcloud compute instances set-service-account VM "
        "--service-account=DEDICATED_SA --scopes=cloud-platform (or keep the default account with "
        "narrow --scopes)."
    ),
    references=(
        "CIS-GCP:4.2",
        "prowler:compute_instance_default_service_account_in_use_with_full_api_access",
        "OWASP-LLM:LLM06",
        "MITRE-ATLAS:AML.T0012",
    ),
)
def vm_default_sa_full_access(
    asset: Asset, facts: ComputeInstanceFacts, ctx: RuleContext
) -> Result:
    return _default_full_access(facts)


@rule(
    id="GCP-CE-008",
    title="GPU VM has a public IP address",
    severity=Severity.HIGH,
    category=Category.NETWORK_EXPOSURE,
    kinds=GPU,
    clouds=GCP,
    services=("compute",),
    description=(
        "A network interface of the instance has an external (ONE_TO_ONE_NAT) access config, so "
        "the VM is addressable from the internet wherever firewall rules let traffic in."
    ),
    risk=(
        "Model servers and notebooks on GPU hosts (Ray, Jupyter, vLLM) are unauthenticated by "
        "default: one permissive firewall rule exposes them, and the host egresses without NAT."
    ),
    remediation=(
        "Remove the access config (gcloud compute instances delete-access-config VM); reach the "
        "VM through IAP TCP forwarding and egress through Cloud NAT; enforce "
        "constraints/compute.vmExternalIpAccess."
    ),
    references=(
        "CIS-GCP:4.9",
        "orgpolicy:compute.vmExternalIpAccess",
        "prowler:compute_instance_public_ip",
        "MITRE-ATLAS:AML.T0049",
        "OWASP-LLM:LLM10",
    ),
)
def vm_public_ip(asset: Asset, facts: ComputeInstanceFacts, ctx: RuleContext) -> Result:
    public = facts.public_ip
    if unread(public):
        return _not_read("public_ip")
    if public:
        return Result.fail(f"public IP {public}", evidence={"public_ip": public})
    return Result.ok("no external address")


# -- GKE GPU / TPU node pools ----------------------------------------------------------------------


@rule(
    id="GCP-GKE-001",
    title="GKE GPU node pool runs without Secure Boot",
    severity=Severity.MEDIUM,
    category=Category.COMPUTE_HARDENING,
    kinds=GPU,
    clouds=GCP,
    services=("container",),
    description="config.shieldedInstanceConfig.enableSecureBoot is not true on the node pool.",
    risk=(
        "Nodes boot unsigned components: a bootkit on a GPU node persists below the kubelet and "
        "sees every pod's models, data and tokens."
    ),
    remediation=(
        "Create a replacement pool with gcloud container node-pools create ... "
        "--shielded-secure-boot and migrate workloads (the setting cannot be changed in place)."
    ),
    references=("CIS-GKE:5.5.7", "OWASP-ML:ML06"),
)
def pool_secure_boot(asset: Asset, facts: NodePoolFacts, ctx: RuleContext) -> Result:
    return _must_be_on(
        facts.secure_boot, "secure_boot", off="Secure Boot is off on the nodes", on="Secure Boot on"
    )


@rule(
    id="GCP-GKE-002",
    title="GKE GPU node pool runs without integrity monitoring",
    severity=Severity.LOW,
    category=Category.COMPUTE_HARDENING,
    kinds=GPU,
    clouds=GCP,
    services=("container",),
    description=(
        "config.shieldedInstanceConfig.enableIntegrityMonitoring is not true on the node pool."
    ),
    risk="A tampered boot sequence on a node raises no integrity event in Cloud Logging.",
    remediation=(
        "Create a replacement pool with --shielded-integrity-monitoring and migrate workloads."
    ),
    references=("CIS-GKE:5.5.6", "OWASP-ML:ML06"),
)
def pool_integrity(asset: Asset, facts: NodePoolFacts, ctx: RuleContext) -> Result:
    return _must_be_on(
        facts.integrity_monitoring,
        "integrity_monitoring",
        off="integrity monitoring is off on the nodes",
        on="integrity monitoring on",
    )


@rule(
    id="GCP-GKE-003",
    title="GKE cluster of a GPU node pool does not use Shielded GKE nodes",
    severity=Severity.MEDIUM,
    category=Category.COMPUTE_HARDENING,
    kinds=GPU,
    clouds=GCP,
    services=("container",),
    description="The cluster's shieldedNodes.enabled is not true.",
    risk=(
        "Without a verifiable node identity, an attacker who steals a node's bootstrap "
        "credentials can impersonate a node and receive the secrets of pods scheduled on it."
    ),
    remediation="gcloud container clusters update CLUSTER --enable-shielded-nodes.",
    references=("CIS-GKE:5.5.5", "OWASP-ML:ML06"),
)
def pool_shielded_nodes(asset: Asset, facts: NodePoolFacts, ctx: RuleContext) -> Result:
    return judge(
        facts.shielded_nodes,
        "shielded_nodes",
        not_,
        fail="the cluster does not use Shielded GKE nodes",
        ok="Shielded GKE nodes",
        evidence={"cluster": known(facts.cluster), "shielded_nodes": False},
    )


@rule(
    id="GCP-GKE-004",
    title="GKE GPU node pool does not run the GKE metadata server (Workload Identity)",
    severity=Severity.HIGH,
    category=Category.IDENTITY,
    kinds=GPU,
    clouds=GCP,
    services=("container",),
    description=(
        "config.workloadMetadataConfig.mode is not GKE_METADATA, so pods reach the Compute Engine "
        "metadata server directly and get the node's service account token."
    ),
    risk=(
        "Every pod on the GPU nodes (model servers, training jobs, third-party images) acts as the "
        "node's identity, and node metadata such as kube-env bootstrap credentials is readable."
    ),
    remediation=(
        "Enable Workload Identity Federation on the cluster (--workload-pool=PROJECT.svc.id.goog) "
        "and gcloud container node-pools update POOL --workload-metadata=GKE_METADATA; bind "
        "Kubernetes service accounts to dedicated IAM principals."
    ),
    references=(
        "CIS-GKE:5.2.2",
        "CIS-GKE:5.4.2",
        "OWASP-LLM:LLM06",
        "MITRE-ATLAS:AML.T0012",
    ),
)
def pool_workload_identity(asset: Asset, facts: NodePoolFacts, ctx: RuleContext) -> Result:
    return judge(
        facts.workload_identity,
        "workload_identity",
        not_,
        fail="pods reach the node's metadata server (no GKE_METADATA mode)",
        ok="GKE metadata server (Workload Identity)",
        evidence={"workload_identity": False, "service_account": known(facts.service_account)},
    )


@rule(
    id="GCP-GKE-005",
    title="GKE GPU node pool serves the legacy metadata endpoints",
    severity=Severity.MEDIUM,
    category=Category.COMPUTE_HARDENING,
    kinds=GPU,
    clouds=GCP,
    services=("container",),
    description=(
        'The node metadata does not set disable-legacy-endpoints to "true", so the v0.1 and '
        "v1beta1 metadata endpoints, which need no Metadata-Flavor header, stay reachable. "
        "(Compute Engine shut these endpoints down for plain VMs, so GCP-CE-* has no such rule.)"
    ),
    risk=(
        "Requests without the Metadata-Flavor header defeat the SSRF protection of the metadata "
        "server: a server-side request forgery in a model server leaks node credentials."
    ),
    remediation=(
        "Create the pool with --metadata disable-legacy-endpoints=true (the default since GKE "
        "1.12) and migrate workloads."
    ),
    references=("CIS-GKE:5.4.1", "MITRE-ATLAS:AML.T0049"),
)
def pool_legacy_metadata(asset: Asset, facts: NodePoolFacts, ctx: RuleContext) -> Result:
    return judge(
        facts.legacy_metadata_endpoints,
        "legacy_metadata_endpoints",
        bool,
        fail="legacy metadata endpoints are enabled",
        ok="legacy metadata endpoints disabled",
        evidence={"disable-legacy-endpoints": False},
    )


@rule(
    id="GCP-GKE-006",
    title="GKE GPU node pool runs as the default Compute Engine service account",
    severity=Severity.HIGH,
    category=Category.IDENTITY,
    kinds=GPU,
    clouds=GCP,
    services=("container",),
    description=(
        'config.serviceAccount is "default" (or the PROJECT_NUMBER-compute@developer account), '
        "so nodes run as the project-wide default identity."
    ),
    risk=(
        "Any pod that reaches the node's credentials (no Workload Identity, a container escape) "
        "acts as the default account, which usually holds roles/editor."
    ),
    remediation=(
        "Create a least-privilege node service account (roles/container.defaultNodeServiceAccount)"
        " and a replacement pool with --service-account=SA; migrate workloads."
    ),
    references=(
        "CIS-GKE:5.2.1",
        "OWASP-LLM:LLM06",
        "MITRE-ATLAS:AML.T0012",
    ),
)
def pool_default_sa(asset: Asset, facts: NodePoolFacts, ctx: RuleContext) -> Result:
    account = known(facts.service_account)
    return judge(
        facts.default_service_account,
        "default_service_account",
        bool,
        fail=f"nodes run as {account}",
        ok="dedicated node service account",
        evidence={"service_account": account},
    )


@rule(
    id="GCP-GKE-007",
    title="GKE GPU node pool gives the default service account full access to all Cloud APIs",
    severity=Severity.HIGH,
    category=Category.IDENTITY,
    kinds=GPU,
    clouds=GCP,
    services=("container",),
    description=(
        "The nodes run as the default Compute Engine service account with the cloud-platform "
        "OAuth scope (config.oauthScopes), so its IAM roles apply to every Cloud API."
    ),
    risk=(
        "Access scopes are the only limit on the default account's node token; with "
        "cloud-platform a compromised pod or node uses every permission the account holds."
    ),
    remediation=(
        "Use a dedicated node service account; if the default account must stay, create the pool "
        "with the default narrow scopes (logging, monitoring, storage read-only)."
    ),
    references=("CIS-GKE:5.2.1", "CIS-GCP:4.2", "OWASP-LLM:LLM06", "MITRE-ATLAS:AML.T0012"),
)
def pool_default_sa_full_access(asset: Asset, facts: NodePoolFacts, ctx: RuleContext) -> Result:
    return _default_full_access(facts)


@rule(
    id="GCP-GKE-008",
    title="GKE GPU node pool has nodes with public IP addresses",
    severity=Severity.MEDIUM,
    category=Category.NETWORK_EXPOSURE,
    kinds=GPU,
    clouds=GCP,
    services=("container",),
    description=(
        "Neither the cluster (privateClusterConfig.enablePrivateNodes) nor the pool "
        "(networkConfig.enablePrivateNodes) makes the nodes private, so each node has an "
        "external IP address."
    ),
    risk=(
        "NodePort services and host ports of GPU workloads are one firewall rule away from the "
        "internet, and nodes egress without NAT."
    ),
    remediation=(
        "Create the pool with --enable-private-nodes (or the cluster with private nodes) and "
        "egress through Cloud NAT."
    ),
    references=(
        "CIS-GKE:5.6.5",
        "MITRE-ATLAS:AML.T0049",
    ),
)
def pool_private_nodes(asset: Asset, facts: NodePoolFacts, ctx: RuleContext) -> Result:
    return judge(
        facts.private_nodes,
        "private_nodes",
        not_,
        fail="nodes have public IP addresses",
        ok="private nodes",
        evidence={"cluster": known(facts.cluster), "private_nodes": False},
    )


RULES = (
    vm_serial_port,
    vm_secure_boot,
    vm_vtpm,
    vm_integrity,
    vm_os_login,
    vm_default_sa,
    vm_default_sa_full_access,
    vm_public_ip,
    pool_secure_boot,
    pool_integrity,
    pool_shielded_nodes,
    pool_workload_identity,
    pool_legacy_metadata,
    pool_default_sa,
    pool_default_sa_full_access,
    pool_private_nodes,
)
