"""Google Cloud rules: Vertex AI Workbench (GCP-WB-*) and the Vertex AI platform (GCP-VAI-*);
the pack also exports the GPU VM and GKE node-pool rules of aiscan/rules/gcp_compute.py.

They read the typed facts of aiscan/core/facts/gcp.py (what each means is documented in the
aiscan/collectors/gcp/*.py docstrings); the facts model a rule names decides which resource types
it judges.
References name the organization-policy constraint (``orgpolicy:<constraint>``) and Security
Command Center's secure-AI posture (``scc:secure-ai-posture``) that enforce or detect the same
thing, besides OWASP and MITRE ATLAS. Cloud-neutral supply-chain, exposure and identity rules
(XC-*) judge GCP assets from the shared attributes.
"""

from __future__ import annotations

from collections.abc import Iterator
from operator import not_
from typing import Any

from aiscan.core.facts import known, unread
from aiscan.core.facts.gcp import (
    ArtifactRepositoryFacts,
    NotebookRuntimeTemplateFacts,
    ServiceAccountIdentityFacts,
    VertexCustomJobFacts,
    VertexDatasetFacts,
    VertexEndpointFacts,
    VertexFeatureOnlineStoreFacts,
    VertexFeaturestoreFacts,
    VertexIndexEndpointFacts,
    VertexIndexFacts,
    VertexModelFacts,
    VertexPipelineJobFacts,
    VertexServiceFacts,
    VertexTrainingPipelineFacts,
    WorkbenchInstanceFacts,
)
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
from aiscan.rules.gcp_compute import RULES as COMPUTE_RULES

GCP = (Cloud.GCP,)
SCC = "scc:secure-ai-posture"


def _not_read(**facts: object) -> Result:
    """Manual, naming the facts (of those given) the collector could not read."""
    return Result.manual(f"not read: {', '.join(n for n, v in facts.items() if unread(v))}")


# -- Vertex AI Workbench ------------------------------------------------------------------------


@rule(
    id="GCP-WB-001",
    title="Workbench instance has an external IP address",
    severity=Severity.HIGH,
    category=Category.NETWORK_EXPOSURE,
    kinds=(AssetKind.NOTEBOOK,),
    clouds=GCP,
    services=("notebooks",),
    description=(
        "The Vertex AI Workbench instance is created with a public IP "
        "(gceSetup.disablePublicIp is not true), so the VM is reachable from the internet "
        "wherever firewall rules allow it, and can reach the internet without a NAT."
    ),
    risk=(
        "A Jupyter host with data, credentials and a service account becomes an internet-facing "
        "VM: exposed services, exfiltration paths and a foothold for attackers."
    ),
    remediation=(
        "Recreate the instance with `gcloud workbench instances create ... --disable-public-ip` "
        "(Terraform google_workbench_instance gce_setup.disable_public_ip = true); reach it "
        "through the proxy or IAP, and enforce constraints/ainotebooks.restrictPublicIp."
    ),
    references=(
        "orgpolicy:ainotebooks.restrictPublicIp",
        "checkov:CKV_GCP_89",
        SCC,
        "MITRE-ATLAS:AML.T0049",
        "MITRE-ATLAS:AML.T0025",
    ),
)
def workbench_public_ip(asset: Asset, facts: WorkbenchInstanceFacts, ctx: RuleContext) -> Result:
    return judge(
        facts.external_ip,
        "external_ip",
        bool,
        fail="the instance has an external IP (disablePublicIp is not set)",
        ok="no external IP",
        evidence={"external_ip": True, "network": known(facts.network)},
    )


@rule(
    id="GCP-WB-002",
    title="Workbench instance allows root (sudo) access",
    severity=Severity.HIGH,
    category=Category.COMPUTE_HARDENING,
    kinds=(AssetKind.NOTEBOOK,),
    clouds=GCP,
    services=("notebooks",),
    description=(
        'The instance metadata does not set notebook-disable-root to "true", so every notebook '
        "user can become root on the VM."
    ),
    risk=(
        "Root lets a user (or code a notebook runs, such as a malicious package or model file) "
        "disable controls, read every credential on the VM and persist."
    ),
    remediation=(
        'Set metadata notebook-disable-root="true" (gcloud workbench instances update '
        "--metadata=notebook-disable-root=true); enforce constraints/ainotebooks.disableRootAccess."
    ),
    references=(
        "orgpolicy:ainotebooks.disableRootAccess",
        SCC,
        "OWASP-ML:ML06",
        "MITRE-ATLAS:AML.T0011.001",
    ),
)
def workbench_root(asset: Asset, facts: WorkbenchInstanceFacts, ctx: RuleContext) -> Result:
    return judge(
        facts.root_access,
        "root_access",
        bool,
        fail="root access is enabled",
        ok="root access disabled",
        evidence={"root_access": True},
    )


@rule(
    id="GCP-WB-003",
    title="Workbench instance allows file downloads or the terminal, or has no upgrade schedule",
    severity=Severity.MEDIUM,
    category=Category.DATA_EXPOSURE,
    kinds=(AssetKind.NOTEBOOK,),
    clouds=GCP,
    services=("notebooks",),
    description=(
        'notebook-disable-downloads or notebook-disable-terminal is not "true", or '
        "notebook-upgrade-schedule is missing from the instance metadata."
    ),
    risk=(
        "Downloads and a terminal are the easiest paths to take data off the instance; without an "
        "upgrade schedule the Jupyter environment keeps known vulnerabilities."
    ),
    remediation=(
        'Set metadata notebook-disable-downloads="true", notebook-disable-terminal="true" and a '
        "notebook-upgrade-schedule cron; enforce constraints/ainotebooks.disableFileDownloads, "
        "ainotebooks.disableTerminal and ainotebooks.requireAutoUpgradeSchedule."
    ),
    references=(
        "orgpolicy:ainotebooks.disableFileDownloads",
        "orgpolicy:ainotebooks.disableTerminal",
        "orgpolicy:ainotebooks.requireAutoUpgradeSchedule",
        SCC,
        "OWASP-LLM:LLM02",
        "MITRE-ATLAS:AML.T0025",
    ),
)
def workbench_downloads_terminal(
    asset: Asset, facts: WorkbenchInstanceFacts, ctx: RuleContext
) -> Result:
    downloads, terminal, schedule = facts.file_downloads, facts.terminal, facts.upgrade_schedule
    if unread(downloads) or unread(terminal) or unread(schedule):
        return _not_read(file_downloads=downloads, terminal=terminal, upgrade_schedule=schedule)
    problems = []
    if downloads:
        problems.append("file downloads enabled")
    if terminal:
        problems.append("terminal enabled")
    if not schedule:
        problems.append("no auto-upgrade schedule")
    if problems:
        return Result.fail(
            "; ".join(problems),
            evidence={
                "file_downloads": downloads,
                "terminal": terminal,
                "upgrade_schedule": schedule,
            },
        )
    return Result.ok("downloads and terminal disabled, upgrades scheduled")


@rule(
    id="GCP-WB-004",
    title="Workbench instance runs as the default Compute Engine service account",
    severity=Severity.HIGH,
    category=Category.IDENTITY,
    kinds=(AssetKind.NOTEBOOK,),
    clouds=GCP,
    services=("notebooks",),
    description=(
        "The instance's service account is PROJECT_NUMBER-compute@developer.gserviceaccount.com, "
        "which is shared by every default VM and historically holds roles/editor."
    ),
    risk=(
        "Everyone with notebook access acts with the project-wide default identity: code in a "
        "notebook can change most resources of the project."
    ),
    remediation=(
        "Create a dedicated service account with only the roles the notebooks need and recreate "
        "the instance with --service-account-email; disable automatic role grants to default "
        "service accounts (constraints/iam.automaticIamGrantsForDefaultServiceAccounts)."
    ),
    references=(
        "mondoo:workbench-instance-no-default-service-account",
        "prowler:compute_instance_default_service_account_in_use",
        "OWASP-LLM:LLM06",
        "MITRE-ATLAS:AML.T0012",
    ),
)
def workbench_default_sa(asset: Asset, facts: WorkbenchInstanceFacts, ctx: RuleContext) -> Result:
    account = known(facts.service_account)
    return judge(
        facts.default_service_account,
        "default_service_account",
        bool,
        fail=f"runs as {account}",
        ok="dedicated service account",
        evidence={"service_account": account},
    )


@rule(
    id="GCP-WB-005",
    title="Workbench disks are not encrypted with a customer-managed key",
    severity=Severity.MEDIUM,
    category=Category.ENCRYPTION,
    kinds=(AssetKind.NOTEBOOK,),
    clouds=GCP,
    services=("notebooks",),
    description="The boot disk or a data disk uses Google-managed encryption (GMEK), not CMEK.",
    risk=(
        "Notebook disks hold datasets, model checkpoints and cached credentials; without CMEK you "
        "cannot revoke access to them by disabling a key or prove key custody."
    ),
    remediation=(
        "Recreate the instance with --boot-disk-encryption=CMEK --data-disk-encryption=CMEK and "
        "a Cloud KMS key; enforce constraints/gcp.restrictNonCmekServices."
    ),
    references=(
        "orgpolicy:gcp.restrictNonCmekServices",
        SCC,
        "OWASP-LLM:LLM02",
        "OWASP-ML:ML05",
    ),
)
def workbench_cmek(asset: Asset, facts: WorkbenchInstanceFacts, ctx: RuleContext) -> Result:
    boot, data = facts.boot_disk_cmek, facts.data_disks_cmek
    if unread(boot) or unread(data):
        return _not_read(boot_disk_cmek=boot, data_disks_cmek=data)
    bad = [n for n, ok in (("boot disk", boot), ("data disk", data)) if not ok]
    if bad:
        return Result.fail(
            f"{' and '.join(bad)} without CMEK",
            evidence={"boot_disk_cmek": boot, "data_disks_cmek": data},
        )
    return Result.ok("disks use CMEK")


@rule(
    id="GCP-WB-006",
    title="Workbench instance has Shielded VM protections off",
    severity=Severity.LOW,
    category=Category.COMPUTE_HARDENING,
    kinds=(AssetKind.NOTEBOOK,),
    clouds=GCP,
    services=("notebooks",),
    description="Secure Boot, vTPM or integrity monitoring is disabled on the instance.",
    risk="Boot-level malware and rootkits on the notebook VM go undetected.",
    remediation=(
        "Recreate the instance with --shielded-secure-boot --shielded-vtpm "
        "--shielded-integrity-monitoring (Terraform gce_setup.shielded_instance_config)."
    ),
    references=(
        "checkov:CKV_GCP_126",
        "prisma:vertex-ai-workbench-integrity-monitoring",
        "OWASP-ML:ML06",
    ),
)
def workbench_shielded(asset: Asset, facts: WorkbenchInstanceFacts, ctx: RuleContext) -> Result:
    boot, vtpm, integrity = facts.secure_boot, facts.vtpm, facts.integrity_monitoring
    if unread(boot) or unread(vtpm) or unread(integrity):
        return _not_read(secure_boot=boot, vtpm=vtpm, integrity_monitoring=integrity)
    shielded = {"secure_boot": boot, "vtpm": vtpm, "integrity_monitoring": integrity}
    off = [n for n, on in shielded.items() if not on]
    if off:
        return Result.fail(f"disabled: {', '.join(off)}", evidence=shielded)
    return Result.ok("Shielded VM protections on")


# -- Vertex AI platform: project-level ------------------------------------------------------------

NOTEBOOK_BOOLEAN_CONSTRAINTS = (
    "ainotebooks.disableFileDownloads",
    "ainotebooks.disableRootAccess",
    "ainotebooks.disableTerminal",
    "ainotebooks.requireAutoUpgradeSchedule",
    "ainotebooks.restrictPublicIp",
)


@rule(
    id="GCP-VAI-001",
    title="AI-notebook organization-policy guardrails not enforced on the project",
    severity=Severity.MEDIUM,
    category=Category.GOVERNANCE,
    kinds=(AssetKind.LLM_SERVICE,),
    clouds=GCP,
    services=("aiplatform",),
    description=(
        "The effective organization policy of a project using Vertex AI does not enforce the "
        "notebook guardrails of Security Command Center's secure-AI posture: "
        "ainotebooks.disableFileDownloads, disableRootAccess, disableTerminal, "
        "requireAutoUpgradeSchedule, restrictPublicIp, and a restrictVpcNetworks allow-list."
    ),
    risk=(
        "Each new notebook is only as safe as whoever creates it: public IPs, root and downloads "
        "come back with the next instance."
    ),
    remediation=(
        "Enforce the constraints at the organization or folder (gcloud org-policies set-policy, "
        "or deploy the 'secure AI, essentials' posture in Security Command Center)."
    ),
    references=(
        *(f"orgpolicy:{c}" for c in NOTEBOOK_BOOLEAN_CONSTRAINTS),
        "orgpolicy:ainotebooks.restrictVpcNetworks",
        SCC,
        "OWASP-ML:ML06",
    ),
)
def notebook_org_policies(asset: Asset, facts: VertexServiceFacts, ctx: RuleContext) -> Result:
    policies = facts.org_policies
    if unread(policies):
        return Result.manual("organization policies were not read")
    wanted = (*NOTEBOOK_BOOLEAN_CONSTRAINTS, "ainotebooks.restrictVpcNetworks")
    absent = [c for c in wanted if c not in policies]
    weak = [c for c in NOTEBOOK_BOOLEAN_CONSTRAINTS if c in policies and not policies[c].enforced]
    vpc = policies.get("ainotebooks.restrictVpcNetworks")
    if vpc is not None and vpc.allow_all:
        weak.append("ainotebooks.restrictVpcNetworks")
    if weak:
        return Result.fail(
            f"not enforced: {', '.join(weak)}", evidence={"not_enforced": weak, "unread": absent}
        )
    if absent:
        return Result.manual(f"not read: {', '.join(absent)}")
    return Result.ok("notebook guardrails enforced")


@rule(
    id="GCP-VAI-002",
    title="No allow-list of Model Garden / Gemini models",
    severity=Severity.MEDIUM,
    category=Category.SUPPLY_CHAIN,
    kinds=(AssetKind.LLM_SERVICE,),
    clouds=GCP,
    services=("aiplatform",),
    description=(
        "constraints/vertexai.allowedModels is unset or allows all values, so any publisher "
        "model in Model Garden can be deployed or called in the project."
    ),
    risk=(
        "Unreviewed third-party models (licence, safety, provenance) reach production, and a "
        "compromised identity can run expensive models."
    ),
    remediation=(
        "Set vertexai.allowedModels to the reviewed models "
        "(publishers/PUBLISHER/models/MODEL:ACTION values) at the organization or folder."
    ),
    references=(
        "orgpolicy:vertexai.allowedModels",
        "OWASP-LLM:LLM03",
        "OWASP-ML:ML06",
        "MITRE-ATLAS:AML.T0010.003",
    ),
)
def model_allow_list(asset: Asset, facts: VertexServiceFacts, ctx: RuleContext) -> Result:
    policy = (known(facts.org_policies) or {}).get("vertexai.allowedModels")
    if policy is None:
        return Result.manual("vertexai.allowedModels was not read")
    if policy.allow_all:
        return Result.fail(
            "every Model Garden model is allowed",
            evidence={"policy": policy.model_dump(mode="json")},
        )
    return Result.ok(f"{len(policy.allowed_values)} model(s) allowed")


@rule(
    id="GCP-VAI-003",
    title="Vertex AI is not inside a VPC Service Controls perimeter",
    severity=Severity.MEDIUM,
    category=Category.NETWORK_EXPOSURE,
    kinds=(AssetKind.LLM_SERVICE,),
    clouds=GCP,
    services=("aiplatform",),
    description=(
        "No enforced service perimeter of the organization contains the project and restricts "
        "aiplatform.googleapis.com (a dry-run perimeter does not count)."
    ),
    risk=(
        "Stolen credentials can read models, datasets and predictions from anywhere on the "
        "internet and copy them to projects outside the organization."
    ),
    remediation=(
        "Add the project to a service perimeter that restricts aiplatform.googleapis.com, "
        "notebooks.googleapis.com and storage.googleapis.com (dry-run first, then enforce)."
    ),
    references=(
        "vertex-ai:vpc-service-controls",
        "prowler:cloudstorage_uses_vpc_service_controls",
        "MITRE-ATLAS:AML.T0025",
        "MITRE-ATLAS:AML.T0035",
    ),
)
def vpc_service_controls(asset: Asset, facts: VertexServiceFacts, ctx: RuleContext) -> Result:
    vpc_sc = facts.vpc_sc
    if unread(vpc_sc):
        return Result.manual("service perimeters were not read")
    enforced = [
        p
        for p in vpc_sc.perimeters
        if not p.dry_run and "aiplatform.googleapis.com" in p.restricted_services
    ]
    if enforced:
        return Result.ok(f"in perimeter {enforced[0].title or enforced[0].name}")
    why = (
        "the project has no organization (VPC Service Controls need one)"
        if vpc_sc.organization is None
        else "no enforced perimeter restricts aiplatform.googleapis.com for this project"
    )
    return Result.fail(
        why,
        evidence={
            "perimeters": [p.model_dump(mode="json") for p in vpc_sc.perimeters],
            "organization": vpc_sc.organization,
        },
    )


# -- Vertex AI platform: resources -----------------------------------------------------------------

CMEK_KINDS = (
    AssetKind.MODEL,
    AssetKind.ENDPOINT,
    AssetKind.DATASET,
    AssetKind.TRAINING_JOB,
    AssetKind.PIPELINE,
    AssetKind.KNOWLEDGE_BASE,
    AssetKind.LLM_SERVICE,
)


@rule(
    id="GCP-VAI-004",
    title="Vertex AI resource without a customer-managed encryption key",
    severity=Severity.MEDIUM,
    category=Category.ENCRYPTION,
    kinds=CMEK_KINDS,
    clouds=GCP,
    services=("aiplatform",),
    description=(
        "encryptionSpec.kmsKeyName is empty on a model, endpoint, dataset, feature store, job, "
        "pipeline or vector index; on the project, constraints/gcp.restrictNonCmekServices does "
        "not deny aiplatform.googleapis.com."
    ),
    risk=(
        "Model weights, training data and embeddings are encrypted with Google-managed keys only: "
        "no crypto-shredding, no key-access audit, no separation of duties."
    ),
    remediation=(
        "Create resources with encryption_spec.kms_key_name (a Cloud KMS key in the same "
        "location); enforce gcp.restrictNonCmekServices for aiplatform.googleapis.com."
    ),
    references=(
        "orgpolicy:gcp.restrictNonCmekServices",
        SCC,
        "mondoo:vertex-ai-job-cmek-encryption",
        "OWASP-LLM:LLM02",
        "OWASP-ML:ML05",
        "MITRE-ATLAS:AML.T0035",
    ),
)
def vertex_cmek(
    asset: Asset,
    # Tuning jobs are left out: their encryption is Google's (the tuned model carries a key).
    facts: VertexServiceFacts
    | VertexModelFacts
    | VertexEndpointFacts
    | VertexCustomJobFacts
    | VertexTrainingPipelineFacts
    | VertexPipelineJobFacts
    | VertexDatasetFacts
    | VertexFeatureOnlineStoreFacts
    | VertexFeaturestoreFacts
    | VertexIndexFacts
    | VertexIndexEndpointFacts,
    ctx: RuleContext,
) -> Result:
    if isinstance(facts, VertexServiceFacts):
        policy = (known(facts.org_policies) or {}).get("gcp.restrictNonCmekServices")
        if policy is None:
            return Result.manual("gcp.restrictNonCmekServices was not read")
        if policy.deny_all or "aiplatform.googleapis.com" in policy.denied_values:
            return Result.ok("non-CMEK Vertex AI resources are denied by policy")
        return Result.fail(
            "gcp.restrictNonCmekServices does not deny aiplatform.googleapis.com",
            evidence={"policy": policy.model_dump(mode="json")},
        )
    key = facts.kms_key
    if unread(key):
        return _not_read(kms_key=key)
    if key:
        return Result.ok(f"CMEK {key}")
    return Result.fail("encryptionSpec.kmsKeyName is empty", evidence={"kms_key": None})


@rule(
    id="GCP-VAI-005",
    title="Vertex AI endpoint on the public network",
    severity=Severity.MEDIUM,
    category=Category.NETWORK_EXPOSURE,
    kinds=(AssetKind.ENDPOINT, AssetKind.KNOWLEDGE_BASE, AssetKind.DATASET),
    clouds=GCP,
    services=("aiplatform",),
    description=(
        "An online prediction endpoint (or a vector search index endpoint, or a feature online "
        "store's serving endpoint) has neither a VPC network nor Private Service Connect, so it "
        "answers on the internet to anyone holding a token."
    ),
    risk=(
        "A leaked token or key is enough to query models and indexes from anywhere: model theft, "
        "data extraction through inference and cost abuse."
    ),
    remediation=(
        "Deploy to an endpoint created with a VPC network (peering) or "
        "private_service_connect_config.enable_private_service_connect=true, and put the project "
        "in a VPC Service Controls perimeter."
    ),
    references=(
        "vertex-ai:private-endpoints",
        "OWASP-LLM:LLM10",
        "MITRE-ATLAS:AML.T0040",
        "MITRE-ATLAS:AML.T0024",
    ),
)
def public_endpoint(
    asset: Asset,
    facts: VertexEndpointFacts | VertexIndexEndpointFacts | VertexFeatureOnlineStoreFacts,
    ctx: RuleContext,
) -> Result:
    public = facts.public_network
    if unread(public):
        return _not_read(public_network=public)
    if public:
        network = None if isinstance(facts, VertexFeatureOnlineStoreFacts) else facts.network
        return Result.fail(
            "reachable on the public network (no VPC network, no Private Service Connect)",
            evidence={
                "endpoint_url": known(facts.endpoint_url),
                "network": known(network),
                "private_service_connect": known(facts.private_service_connect),
            },
        )
    return Result.ok("private network only")


@rule(
    id="GCP-VAI-006",
    title="AI workload runs as a default or shared identity",
    severity=Severity.HIGH,
    category=Category.IDENTITY,
    kinds=(AssetKind.IDENTITY, AssetKind.ENDPOINT, AssetKind.TRAINING_JOB, AssetKind.PIPELINE),
    clouds=GCP,
    services=("iam", "aiplatform"),
    description=(
        "A service account that Vertex AI workloads, GPU VMs or node pools run as is the default "
        "Compute Engine service account (one finding on the account, listing who uses it); or a "
        "deployed model, custom job or pipeline names no service account and so runs as the "
        "project's shared Vertex AI service agent."
    ),
    risk=(
        "The default account usually holds roles/editor and is shared by every default VM: a "
        "prompt-injected or compromised workload acts on the whole project. A shared service "
        "agent gives every workload the union of all their permissions."
    ),
    remediation=(
        "Give each workload a dedicated service account with only the roles it needs "
        "(--service-account on deploy, CustomJobSpec.service_account, PipelineJob.service_account)."
    ),
    references=(
        "vertex-ai:custom-service-account",
        "prowler:compute_instance_default_service_account_in_use",
        "OWASP-LLM:LLM06",
        "MITRE-ATLAS:AML.T0012",
    ),
)
def default_identity(
    asset: Asset,
    # Tuning jobs are left out: they run as Google's service agent by design.
    facts: ServiceAccountIdentityFacts
    | VertexEndpointFacts
    | VertexCustomJobFacts
    | VertexTrainingPipelineFacts
    | VertexPipelineJobFacts,
    ctx: RuleContext,
) -> Iterator[Result]:
    if isinstance(facts, ServiceAccountIdentityFacts):
        default = facts.default_service_account
        if unread(default):
            yield _not_read(default_service_account=default)
        elif default:
            users = sorted({r.source for r in ctx.inventory.incoming(asset.id)})
            yield Result.fail(
                f"the default Compute Engine service account is used by {len(users)} AI asset(s)",
                evidence={"service_account": asset.name, "used_by": users[:20]},
            )
        else:
            yield Result.ok("not a default service account")
        return
    if isinstance(facts, VertexEndpointFacts):
        deployed = facts.deployed_models
        if unread(deployed):
            yield Result.manual("deployed models were not read")
            return
        shared = [d.id for d in deployed if not d.service_account]
        if shared:
            yield Result.fail(
                f"deployed model(s) {', '.join(map(str, shared))} run as the Vertex AI "
                "service agent",
                evidence={"deployed_models": shared},
                severity=Severity.MEDIUM,
            )
        else:
            yield Result.ok("every deployed model has its own service account")
        return
    account = facts.service_account
    if unread(account):  # a training pipeline without custom code has no identity of its own
        yield Result.not_applicable("no customer code identity")
        return
    if not account:
        yield Result.fail(
            "no service account: runs as the Vertex AI service agent",
            evidence={"service_account": None},
            severity=Severity.MEDIUM,
        )
        return
    yield Result.ok(f"runs as {account}")


@rule(
    id="GCP-VAI-007",
    title="Custom job or pipeline not attached to a VPC, or interactive web access on",
    severity=Severity.MEDIUM,
    category=Category.NETWORK_EXPOSURE,
    kinds=(AssetKind.TRAINING_JOB, AssetKind.PIPELINE),
    clouds=GCP,
    services=("aiplatform",),
    description=(
        "A custom training job or pipeline runs without a VPC network (jobSpec.network / "
        "PipelineJob.network empty, no PSC interface), or enableWebAccess opens an interactive "
        "shell into the training container."
    ),
    risk=(
        "Training code with access to data and credentials egresses freely to the internet; web "
        "access gives anyone with the job's permissions a shell next to the data."
    ),
    remediation=(
        "Run jobs with network= a peered VPC (or a PSC interface) and without "
        "enable_web_access; keep VPC Service Controls around the project."
    ),
    references=("vertex-ai:vpc-peering", "MITRE-ATLAS:AML.T0025", "MITRE-ATLAS:AML.T0049"),
)
def job_network(
    asset: Asset,
    facts: VertexCustomJobFacts | VertexTrainingPipelineFacts | VertexPipelineJobFacts,
    ctx: RuleContext,
) -> Result:
    vpc = facts.vpc
    if unread(vpc):  # a training pipeline without custom code has no network of its own
        return Result.not_applicable("no customer code")
    web = None if isinstance(facts, VertexPipelineJobFacts) else known(facts.web_access)
    problems = []
    if not vpc:
        problems.append("no VPC network")
    if web:
        problems.append("interactive web access enabled")
    if problems:
        return Result.fail(
            "; ".join(problems), evidence={"network": known(facts.network), "web_access": web}
        )
    return Result.ok("VPC-attached, no web access")


@rule(
    id="GCP-VAI-008",
    title="Colab Enterprise runtime template gives notebooks internet access",
    severity=Severity.MEDIUM,
    category=Category.NETWORK_EXPOSURE,
    kinds=(AssetKind.NOTEBOOK,),
    clouds=GCP,
    services=("aiplatform",),
    description=(
        "A notebook runtime template sets networkSpec.enableInternetAccess, so every runtime "
        "created from it egresses to the internet directly instead of through a VPC subnet."
    ),
    risk=(
        "Notebooks hold data and credentials and run code users paste in: internet egress is an "
        "exfiltration path and a download path for malicious packages and model files."
    ),
    remediation=(
        "Create templates with network_spec.enable_internet_access=false on a VPC subnet with "
        "Cloud NAT / a proxy for the package mirrors notebooks need."
    ),
    references=(
        "mondoo:vertexai-notebook-runtime-template-private-network",
        "MITRE-ATLAS:AML.T0025",
        "OWASP-LLM:LLM02",
    ),
)
def runtime_template_internet(
    asset: Asset, facts: NotebookRuntimeTemplateFacts, ctx: RuleContext
) -> Result:
    return judge(
        facts.internet_access,
        "internet_access",
        bool,
        fail="internet access enabled",
        ok="no direct internet access",
        evidence={"internet_access": True, "network": known(facts.network)},
    )


@rule(
    id="GCP-VAI-012",
    title="Colab Enterprise runtime template has no customer-managed key",
    severity=Severity.MEDIUM,
    category=Category.ENCRYPTION,
    kinds=(AssetKind.NOTEBOOK,),
    clouds=GCP,
    services=("aiplatform",),
    description="A notebook runtime template has no encryptionSpec.kmsKeyName (CMEK).",
    risk=(
        "Runtime disks hold datasets, checkpoints and cached credentials; without CMEK access to "
        "them cannot be revoked by disabling a key, nor key custody proven."
    ),
    remediation=(
        "Create templates with encryption_spec.kms_key_name set to a Cloud KMS key in the "
        "template's region; enforce constraints/gcp.restrictNonCmekServices."
    ),
    references=(
        "mondoo:vertexai-notebook-runtime-template-cmek-encryption",
        "orgpolicy:gcp.restrictNonCmekServices",
        "OWASP-ML:ML05",
    ),
)
def runtime_template_cmek(
    asset: Asset, facts: NotebookRuntimeTemplateFacts, ctx: RuleContext
) -> Result:
    return judge(
        facts.kms_key,
        "kms_key",
        not_,
        fail="no CMEK",
        ok="CMEK",
        evidence={"kms_key": None},
    )


@rule(
    id="GCP-VAI-013",
    title="Colab Enterprise runtime template runs without Secure Boot",
    severity=Severity.LOW,
    category=Category.COMPUTE_HARDENING,
    kinds=(AssetKind.NOTEBOOK,),
    clouds=GCP,
    services=("aiplatform",),
    description="A notebook runtime template does not set shieldedVmConfig.enableSecureBoot.",
    risk="Boot-level malware on the runtime VMs loads unchecked and persists below the OS.",
    remediation="Create templates with shielded_vm_config.enable_secure_boot=true.",
    references=(
        "mondoo:vertexai-notebook-runtime-template-shielded-vm",
        "CIS-GCP:4.8",
        "OWASP-ML:ML06",
    ),
)
def runtime_template_secure_boot(
    asset: Asset, facts: NotebookRuntimeTemplateFacts, ctx: RuleContext
) -> Result:
    return judge(
        facts.secure_boot,
        "secure_boot",
        not_,
        fail="Secure Boot off",
        ok="Secure Boot on",
        evidence={"secure_boot": False},
    )


@rule(
    id="GCP-VAI-014",
    title="Colab Enterprise runtime template disables idle shutdown",
    severity=Severity.LOW,
    category=Category.GOVERNANCE,
    kinds=(AssetKind.NOTEBOOK,),
    clouds=GCP,
    services=("aiplatform",),
    description="A notebook runtime template sets idleShutdownConfig.idleShutdownDisabled.",
    risk=(
        "Forgotten runtimes keep GPUs billing and keep their credentials and data alive on a "
        "machine nobody watches."
    ),
    remediation="Create templates with an idle_shutdown_config.idle_timeout (e.g. 3 hours).",
    references=("vertex-ai:colab-enterprise-idle-shutdown", "OWASP-LLM:LLM10"),
)
def runtime_template_idle_shutdown(
    asset: Asset, facts: NotebookRuntimeTemplateFacts, ctx: RuleContext
) -> Result:
    return judge(
        facts.idle_shutdown,
        "idle_shutdown",
        not_,
        fail="idle shutdown disabled",
        ok=f"idle shutdown after {known(facts.idle_timeout) or 'the default timeout'}",
        evidence={"idle_shutdown": False},
    )


@rule(
    id="GCP-VAI-009",
    title="Model Armor does not screen Gemini traffic on Vertex AI",
    severity=Severity.MEDIUM,
    category=Category.GUARDRAILS,
    kinds=(AssetKind.LLM_SERVICE,),
    clouds=GCP,
    services=("aiplatform",),
    description=(
        "The project's Model Armor floor setting is missing, not enforced, does not list "
        "AI_PLATFORM among its integrated services, or only inspects (does not block) Vertex AI "
        "traffic."
    ),
    risk=(
        "Prompt injection, jailbreaks and sensitive data in prompts and responses reach Gemini "
        "and the applications unscreened."
    ),
    remediation=(
        "gcloud model-armor floorsettings update --full-uri=projects/P/locations/global/"
        "floorSetting --enable-floor-setting-enforcement=true --add-integrated-services="
        "VERTEX_AI --vertex-ai-enforcement-type=INSPECT_AND_BLOCK (after enabling the API)."
    ),
    references=(
        "model-armor:vertex-ai-integration",
        "OWASP-LLM:LLM01",
        "OWASP-LLM:LLM02",
        "MITRE-ATLAS:AML.T0051",
    ),
)
def model_armor(asset: Asset, facts: VertexServiceFacts, ctx: RuleContext) -> Result:
    armor = facts.model_armor
    if unread(armor):
        return Result.manual("the Model Armor floor setting was not read")
    # As read: a disabled API reports nothing but that.
    evidence = {"model_armor": armor.model_dump(mode="json", exclude_unset=True)}
    if not armor.api_enabled:
        return Result.fail("the Model Armor API is not enabled", evidence=evidence)
    problems = []
    if not armor.enforcement:
        problems.append("floor setting not enforced")
    if "AI_PLATFORM" not in armor.integrated_services:
        problems.append("Vertex AI is not an integrated service")
    if not armor.inspect_and_block:
        problems.append("inspect only, not inspect-and-block")
    if problems:
        return Result.fail("; ".join(problems), evidence=evidence)
    return Result.ok("Model Armor inspects and blocks Vertex AI traffic")


@rule(
    id="GCP-VAI-010",
    title="API key usable with Gemini is unrestricted",
    severity=Severity.HIGH,
    category=Category.IDENTITY,
    kinds=(AssetKind.LLM_SERVICE,),
    clouds=GCP,
    services=("aiplatform",),
    description=(
        "An API key of the project has no API restriction (so it can call the Gemini API), or it "
        "targets generativelanguage / aiplatform without an application restriction (referrer, "
        "IP, Android or iOS app)."
    ),
    risk=(
        "API keys end up in front-end code and repositories: whoever finds one runs Gemini on "
        "your bill (LLMjacking) and reads whatever the key's APIs expose."
    ),
    remediation=(
        "Restrict every key to the APIs it serves (gcloud services api-keys update "
        "--api-target=service=...) and to its callers (--allowed-ips/--allowed-referrers); "
        "prefer service-account auth for Gemini on Vertex AI; delete unused keys."
    ),
    references=(
        "prowler:apikeys_api_restricted_with_gemini_api",
        "prowler:apikeys_api_restrictions_configured",
        "OWASP-LLM:LLM10",
        "MITRE-ATLAS:AML.T0055",
        "MITRE-ATLAS:AML.T0034",
    ),
)
def api_keys(asset: Asset, facts: VertexServiceFacts, ctx: RuleContext) -> Iterator[Result]:
    keys = facts.api_keys
    if unread(keys):
        yield Result.manual("API keys were not read")
        return
    bad = False
    for key in keys:
        targets = key.api_targets
        name = str(key.display_name or key.name)
        why = None
        if not targets:
            why = "no API restriction (can call the Gemini API)"
        elif (
            any(
                t in ("generativelanguage.googleapis.com", "aiplatform.googleapis.com")
                for t in targets
            )
            and not key.application_restricted
        ):
            why = "targets the Gemini API without an application restriction"
        if why:
            bad = True
            yield Result.fail(
                f"key {name}: {why}",
                evidence={"key": key.model_dump(mode="json", exclude_unset=True)},
                key=str(key.name),
            )
    if not bad:
        yield Result.ok(f"{len(keys)} key(s), all restricted")


@rule(
    id="GCP-VAI-011",
    title="Vertex AI data-access audit logs are off",
    severity=Severity.MEDIUM,
    category=Category.LOGGING,
    kinds=(AssetKind.LLM_SERVICE,),
    clouds=GCP,
    services=("aiplatform",),
    description=(
        "Neither the project nor its folders or organization configure DATA_READ and DATA_WRITE "
        "audit logs for aiplatform.googleapis.com (or allServices)."
    ),
    risk=(
        "Predictions, model downloads and dataset reads leave no trace: Event Threat Detection's "
        "AI detections and any investigation of model or data theft have nothing to work with."
    ),
    remediation=(
        "Add an auditConfigs entry for aiplatform.googleapis.com with DATA_READ and DATA_WRITE "
        "(IAM & Admin > Audit Logs, or google_project_iam_audit_config in Terraform)."
    ),
    references=(
        "scc:event-threat-detection-ai",
        "OWASP-LLM:LLM10",
        "MITRE-ATLAS:AML.T0034",
    ),
)
def audit_logs(asset: Asset, facts: VertexServiceFacts, ctx: RuleContext) -> Result:
    types = facts.audit_log_types
    if unread(types):
        return Result.manual("the project's IAM policy (audit configuration) was not read")
    missing = [t for t in ("DATA_READ", "DATA_WRITE") if t not in types]
    if not missing:
        return Result.ok("data-access audit logs on")
    if facts.audit_config_complete is not True:
        return Result.manual(
            f"{', '.join(missing)} not configured on the project, and a folder or organization "
            "policy could not be read"
        )
    evidence: dict[str, Any] = {"audit_log_types": list(types), "missing": missing}
    return Result.fail(f"not logged: {', '.join(missing)}", evidence=evidence)


# -- Artifact Registry repositories AI workloads pull from ----------------------------------------

_AR = (AssetKind.CONTAINER_REGISTRY,)


@rule(
    id="GCP-AR-001",
    title="Artifact Registry repository of AI images is public",
    severity=Severity.HIGH,
    category=Category.DATA_EXPOSURE,
    kinds=_AR,
    clouds=GCP,
    services=("artifactregistry",),
    description=(
        "The repository's IAM policy grants a role to allUsers or allAuthenticatedUsers, so "
        "anyone (or any Google account) reads the serving and training images in it."
    ),
    risk=(
        "Images carry model code, baked-in weights and at times credentials: public read hands "
        "them out (model theft) and maps the workload for the next attack; a public write role "
        "lets anyone replace the image endpoints run."
    ),
    remediation=(
        "Remove the public members: gcloud artifacts repositories remove-iam-policy-binding REPO "
        "--location=LOC --member=allUsers --role=ROLE; enforce "
        "constraints/iam.allowedPolicyMemberDomains."
    ),
    references=(
        "orgpolicy:iam.allowedPolicyMemberDomains",
        "OWASP-ML:ML05",
        "MITRE-ATLAS:AML.T0010.004",
        "MITRE-ATLAS:AML.T0035",
    ),
)
def repository_public(asset: Asset, facts: ArtifactRepositoryFacts, ctx: RuleContext) -> Result:
    public = facts.public
    if unread(public):
        return _not_read(public=public)
    if public:
        return Result.fail(
            "the repository is public",
            evidence={"public_reasons": list(known(facts.public_reasons) or ())},
        )
    return Result.ok("no public member")


@rule(
    id="GCP-AR-002",
    title="Artifact Registry repository of AI images has no customer-managed key",
    severity=Severity.LOW,
    category=Category.ENCRYPTION,
    kinds=_AR,
    clouds=GCP,
    services=("artifactregistry",),
    description="The repository has no kmsKeyName: images are encrypted with a Google key.",
    risk="Access to the images at rest cannot be revoked by disabling a key you own.",
    remediation=(
        "Create the repository with --kms-key (the key cannot be added later) and move the "
        "images; enforce constraints/gcp.restrictNonCmekServices for "
        "artifactregistry.googleapis.com."
    ),
    references=(
        "orgpolicy:gcp.restrictNonCmekServices",
        "OWASP-ML:ML05",
    ),
)
def repository_cmek(asset: Asset, facts: ArtifactRepositoryFacts, ctx: RuleContext) -> Result:
    return judge(
        facts.kms_key,
        "kms_key",
        not_,
        fail="no CMEK",
        ok="CMEK",
        evidence={"kms_key": None},
    )


@rule(
    id="GCP-AR-003",
    title="Artifact Registry repository of AI images is not scanned for vulnerabilities",
    severity=Severity.MEDIUM,
    category=Category.SUPPLY_CHAIN,
    kinds=_AR,
    clouds=GCP,
    services=("artifactregistry",),
    description=(
        "vulnerabilityScanningConfig.enablementState is not SCANNING_ACTIVE on a Docker "
        "repository: Artifact Analysis does not scan the images pushed to it."
    ),
    risk=(
        "Serving and training images carry CUDA, Python and ML framework stacks with frequent "
        "critical CVEs; unscanned, known-vulnerable images reach endpoints unnoticed."
    ),
    remediation=(
        "Enable the Container Scanning API and gcloud artifacts repositories update REPO "
        "--location=LOC --allow-vulnerability-scanning."
    ),
    references=(
        "OWASP-LLM:LLM03",
        "OWASP-ML:ML06",
        "MITRE-ATLAS:AML.T0010.001",
    ),
)
def repository_scanning(asset: Asset, facts: ArtifactRepositoryFacts, ctx: RuleContext) -> Result:
    fmt = known(facts.format)
    if fmt is not None and fmt.upper() != "DOCKER":
        return Result.not_applicable(f"{fmt} repository (automatic scanning covers Docker images)")
    return judge(
        facts.vulnerability_scanning,
        "vulnerability_scanning",
        not_,
        fail="vulnerability scanning is off",
        ok="vulnerability scanning active",
        evidence={"vulnerability_scanning": False},
    )


# -- organization-policy guardrails (the project's effective policy) ------------------------------


def _boolean_guardrail(facts: VertexServiceFacts, constraint: str) -> Result:
    policies = facts.org_policies
    if unread(policies):
        return Result.manual("organization policies were not read")
    policy = policies.get(constraint)
    if policy is None:
        return Result.manual(f"not read: {constraint}")
    if policy.enforced:
        return Result.ok(f"{constraint} enforced")
    return Result.fail(f"{constraint} is not enforced", evidence={"constraint": constraint})


def _org_rule(
    number: int, constraint: str, title: str, description: str, risk: str, refs: tuple[str, ...]
) -> dict[str, Any]:
    return {
        "id": f"GCP-ORG-{number:03d}",
        "title": title,
        "severity": Severity.LOW,
        "category": Category.GOVERNANCE,
        "kinds": (AssetKind.LLM_SERVICE,),
        "clouds": GCP,
        "services": ("aiplatform",),
        "description": description,
        "risk": risk,
        "remediation": (
            f"Enforce constraints/{constraint} at the organization or folder: gcloud org-policies "
            "set-policy POLICY.yaml (or the Security Command Center secure-AI posture); exempt "
            "only the projects that need it, with a condition."
        ),
        "references": (f"orgpolicy:{constraint}", *refs),
    }


@rule(
    **_org_rule(
        1,
        "compute.vmExternalIpAccess",
        "Organization policy lets the project's VMs have external IPs",
        (
            "The effective list policy constraints/compute.vmExternalIpAccess allows every VM of "
            "a project using Vertex AI (notebook hosts, GPU VMs) to get an external IP: it "
            "neither denies all nor lists the few instances allowed."
        ),
        (
            "Each new notebook or GPU VM can be created internet-facing; the VM-level rules catch "
            "it only after the fact."
        ),
        ("CIS-GCP:4.9", "MITRE-ATLAS:AML.T0049"),
    )
)
def org_external_ip(asset: Asset, facts: VertexServiceFacts, ctx: RuleContext) -> Result:
    policies = facts.org_policies
    if unread(policies):
        return Result.manual("organization policies were not read")
    policy = policies.get("compute.vmExternalIpAccess")
    if policy is None:
        return Result.manual("not read: compute.vmExternalIpAccess")
    if policy.deny_all:
        return Result.ok("external IPs denied to every VM")
    if not policy.allow_all and policy.allowed_values:
        return Result.ok(f"external IPs limited to {len(policy.allowed_values)} instance(s)")
    return Result.fail(
        "every VM may have an external IP",
        evidence={"constraint": "compute.vmExternalIpAccess", "allow_all": policy.allow_all},
    )


@rule(
    **_org_rule(
        2,
        "iam.automaticIamGrantsForDefaultServiceAccounts",
        "Organization policy still grants roles/editor to default service accounts",
        (
            "constraints/iam.automaticIamGrantsForDefaultServiceAccounts is not enforced: the "
            "Compute Engine and App Engine default service accounts created in the project get "
            "roles/editor automatically."
        ),
        (
            "Every notebook, GPU VM or pipeline left on the default account runs as a project "
            "editor: one compromised workload modifies or reads everything in the project."
        ),
        ("CIS-GCP:4.1", "OWASP-LLM:LLM06", "MITRE-ATLAS:AML.T0012"),
    )
)
def org_default_sa_grants(asset: Asset, facts: VertexServiceFacts, ctx: RuleContext) -> Result:
    return _boolean_guardrail(facts, "iam.automaticIamGrantsForDefaultServiceAccounts")


@rule(
    **_org_rule(
        3,
        "compute.requireShieldedVm",
        "Organization policy does not require Shielded VMs",
        (
            "constraints/compute.requireShieldedVm is not enforced: VMs of the project (GPU "
            "hosts, Workbench instances) may boot images without Secure Boot, vTPM and integrity "
            "monitoring."
        ),
        "Boot-level malware on the AI hosts created next goes unchecked.",
        ("CIS-GCP:4.8", "OWASP-ML:ML06"),
    )
)
def org_shielded_vm(asset: Asset, facts: VertexServiceFacts, ctx: RuleContext) -> Result:
    return _boolean_guardrail(facts, "compute.requireShieldedVm")


@rule(
    **_org_rule(
        4,
        "compute.requireOsLogin",
        "Organization policy does not require OS Login",
        (
            "constraints/compute.requireOsLogin is not enforced: project or instance metadata "
            "may turn OS Login off and let metadata SSH keys in. When it is enforced, GPU VMs "
            "that leave enable-oslogin to the project pass GCP-CE-005."
        ),
        "SSH to AI hosts falls back to unmanaged keys that survive offboarding.",
        ("CIS-GCP:4.4", "MITRE-ATLAS:AML.T0012"),
    )
)
def org_os_login(asset: Asset, facts: VertexServiceFacts, ctx: RuleContext) -> Result:
    return _boolean_guardrail(facts, "compute.requireOsLogin")


@rule(
    **_org_rule(
        5,
        "compute.disableSerialPortAccess",
        "Organization policy does not disable serial port access",
        (
            "constraints/compute.disableSerialPortAccess is not enforced: any VM of the project "
            "can turn the interactive serial console on (metadata serial-port-enable)."
        ),
        "The serial console bypasses VPC firewalls: a leaked key reaches the AI hosts anywhere.",
        ("CIS-GCP:4.5", "MITRE-ATLAS:AML.T0012"),
    )
)
def org_serial_port(asset: Asset, facts: VertexServiceFacts, ctx: RuleContext) -> Result:
    return _boolean_guardrail(facts, "compute.disableSerialPortAccess")


RULES = (
    workbench_public_ip,
    workbench_root,
    workbench_downloads_terminal,
    workbench_default_sa,
    workbench_cmek,
    workbench_shielded,
    notebook_org_policies,
    model_allow_list,
    vpc_service_controls,
    vertex_cmek,
    public_endpoint,
    default_identity,
    job_network,
    runtime_template_internet,
    model_armor,
    api_keys,
    audit_logs,
    runtime_template_cmek,
    runtime_template_secure_boot,
    runtime_template_idle_shutdown,
    repository_public,
    repository_cmek,
    repository_scanning,
    org_external_ip,
    org_default_sa_grants,
    org_shielded_vm,
    org_os_login,
    org_serial_port,
    *COMPUTE_RULES,
)
