"""SageMaker rule pack: each rule on passing, failing and unreadable assets."""

from __future__ import annotations

from typing import Any

import pytest

from aiscan.core.engine import evaluate
from aiscan.core.model import AssetKind, Category, ResultStatus, Severity
from aiscan.rules import aws_sagemaker as sm
from tests.factories import asset, failing_ids, inventory, rel, run, statuses

P = "arn:aws:sagemaker:us-east-1:123456789012"
KEY = "arn:aws:kms:us-east-1:123456789012:key/k"
PASS, FAIL, MANUAL, NA = (
    ResultStatus.PASS,
    ResultStatus.FAIL,
    ResultStatus.MANUAL,
    ResultStatus.NOT_APPLICABLE,
)


NOTEBOOK = "AWS::SageMaker::NotebookInstance"
DOMAIN = "AWS::SageMaker::Domain"
ENDPOINT = "AWS::SageMaker::Endpoint"
TRAINING = "AWS::SageMaker::TrainingJob"
TRANSFORM = "AWS::SageMaker::TransformJob"
JOB_TYPES = {
    "training": TRAINING,
    "processing": "AWS::SageMaker::ProcessingJob",
    "transform": TRANSFORM,
}


def notebook(name: str, **attrs: Any) -> Any:
    base: dict[str, Any] = {
        "direct_internet_access": False,
        "vpc": True,
        "root_access": False,
        "imds_v2_required": True,
        "kms_key": KEY,
        "platform_identifier": "notebook-al2023-v1",
        "secrets": [],
    }
    base.update(attrs)
    return asset(AssetKind.NOTEBOOK, f"{P}:notebook-instance/{name}", type=NOTEBOOK, **base)


def domain(name: str, **attrs: Any) -> Any:
    base: dict[str, Any] = {"app_network_access_type": "VpcOnly", "kms_key": KEY, "vpc": True}
    base.update(attrs)
    return asset(AssetKind.WORKSPACE, f"{P}:domain/{name}", type=DOMAIN, **base)


def container(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "c",
        "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/inf:1",
        "environment": {},
        "artifact_uri": "s3://a/model.tar.gz",
        "repository_access_mode": "Vpc",
        "model_package": None,
    }
    base.update(kw)
    return base


def model(name: str, **attrs: Any) -> Any:
    base: dict[str, Any] = {
        "network_isolation": True,
        "vpc": True,
        "containers": [container(model_package=f"{P}:model-package/g/1")],
    }
    base.update(attrs)
    return asset(AssetKind.MODEL, f"{P}:model/{name}", type="AWS::SageMaker::Model", **base)


def package(name: str, approval: str | None) -> Any:
    attrs: dict[str, Any] = {"containers": [container(repository_access_mode=None)]}
    if approval is not None:
        attrs["approval_status"] = approval
    return asset(
        AssetKind.MODEL, f"{P}:model-package/{name}", type="AWS::SageMaker::ModelPackage", **attrs
    )


def endpoint(name: str, **attrs: Any) -> Any:
    base: dict[str, Any] = {
        "variants": [{"name": "a", "instance_type": "ml.m5.xlarge", "serverless": False}],
        "kms_key": KEY,
        "data_capture": {"enabled": True, "kms_key": KEY, "destination": "s3://c/x"},
        "async_output": None,
        "monitoring_schedules": 1,
        "monitoring": [{"name": "m", "network_isolation": True}],
    }
    base.update(attrs)
    return asset(AssetKind.ENDPOINT, f"{P}:endpoint/{name}", type=ENDPOINT, **base)


def job(name: str, job_type: str = "training", **attrs: Any) -> Any:
    base: dict[str, Any] = {
        "job_type": job_type,
        "network_isolation": True,
        "vpc": True,
        "inter_container_encryption": True,
        "instance_type": "ml.m5.xlarge",
        "instance_count": 2,
        "volume_kms_key": KEY,
        "output_kms_key": KEY,
    }
    base.update(attrs)
    type_ = JOB_TYPES[job_type]
    if type_ == TRANSFORM:
        for key in ("network_isolation", "vpc", "inter_container_encryption"):
            base.pop(key, None)
    return asset(AssetKind.TRAINING_JOB, f"{P}:{job_type}-job/{name}", type=type_, **base)


def transform_job(name: str, **attrs: Any) -> Any:
    """Transform jobs have no network or inter-container traffic setting at all."""
    return job(name, "transform", **attrs)


def feature_group(name: str, **attrs: Any) -> Any:
    base: dict[str, Any] = {
        "offline_store": {"enabled": True, "kms_key": KEY, "s3_uri": "s3://f/x"},
        "online_store": {"enabled": True, "kms_key": KEY, "storage_type": "Standard"},
    }
    base.update(attrs)
    return asset(
        AssetKind.DATASET, f"{P}:feature-group/{name}", type="AWS::SageMaker::FeatureGroup", **base
    )


def role(name: str, **attrs: Any) -> Any:
    return asset(
        AssetKind.IDENTITY,
        f"arn:aws:iam::123456789012:role/{name}",
        service="iam",
        type="AWS::IAM::Role",
        **attrs,
    )


# -- metadata -------------------------------------------------------------------------------------


def test_rule_pack_metadata():
    ids = [r.meta.id for r in sm.RULES]
    assert len(ids) == len(set(ids))
    assert set(ids) == {f"AWS-SM-{n:03d}" for n in (*range(1, 21), *range(40, 52))}
    for r in sm.RULES:
        assert r.meta.references, r.meta.id
        assert r.meta.remediation and r.meta.risk and r.meta.description
    sev = {r.meta.id: r.meta.severity for r in sm.RULES}
    assert sev["AWS-SM-001"] is Severity.HIGH
    assert sev["AWS-SM-011"] is Severity.LOW
    assert sev["AWS-SM-020"] is Severity.LOW
    assert {r.meta.id: r.meta.category for r in sm.RULES}["AWS-SM-007"] is Category.SECRETS


def test_well_configured_twins_get_no_findings():
    good_model = model("good")
    inv = inventory(
        [
            notebook("good"),
            domain("good"),
            good_model,
            package("g/1", "Approved"),
            endpoint("good"),
            job("good"),
            job("good", "processing"),
            transform_job("good"),
            feature_group("good"),
            role("analyst", full_access_policies=[]),
        ],
        [rel(f"{P}:endpoint/good", "serves", good_model.id)],
    )
    findings = evaluate(inv, sm.RULES).findings
    assert [(f.rule_id, f.asset_id) for f in findings] == []


# -- notebooks ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "attr", "bad"),
    [
        (sm.notebook_direct_internet, "direct_internet_access", True),
        (sm.notebook_in_vpc, "vpc", False),
        (sm.notebook_root_access, "root_access", True),
        (sm.notebook_imdsv2, "imds_v2_required", False),
        (sm.notebook_cmk, "kms_key", None),
        (sm.notebook_platform, "platform_identifier", "notebook-al2-v1"),
    ],
)
def test_notebook_boolean_rules(rule: Any, attr: str, bad: Any):
    good, failing = notebook("good"), notebook("bad", **{attr: bad})
    unread = notebook("unread")
    unread = unread.model_copy(
        update={"attributes": {k: v for k, v in unread.attributes.items() if k != attr}}
    )
    inv = inventory([good, failing, unread])
    assert failing_ids(rule, inv) == {failing.id}
    assert statuses(rule, inv) == {good.id: PASS, failing.id: FAIL, unread.id: MANUAL}


def test_notebook_platform_accepts_al2_v3():
    nb = notebook("al2", platform_identifier="notebook-al2-v3")
    assert failing_ids(sm.notebook_platform, inventory([nb])) == set()


def test_lifecycle_secrets_one_finding_per_hit_without_values():
    hits = [
        {"location": "lifecycle-config/lc/OnStart[0]:3", "name": "", "kind": "aws-access-key-id"},
        {"location": "lifecycle-config/lc/OnStart[0]:4", "name": "DB_PASSWORD", "kind": "x"},
        {"location": "PrimaryContainer.Environment", "name": "HF_TOKEN", "kind": "y"},
    ]
    bad, good = notebook("bad", secrets=hits), notebook("good", secrets=hits[2:])
    unread = notebook("unread")
    unread = unread.model_copy(
        update={"attributes": {k: v for k, v in unread.attributes.items() if k != "secrets"}}
    )
    inv = inventory([bad, good, unread])
    findings = run(sm.notebook_lifecycle_secrets, inv)
    assert {f.asset_id for f in findings} == {bad.id}
    assert sorted(f.evidence["location"] for f in findings) == [
        "lifecycle-config/lc/OnStart[0]:3",
        "lifecycle-config/lc/OnStart[0]:4",
    ]
    assert len({f.fingerprint for f in findings}) == 2
    assert all(f.category is Category.SECRETS for f in findings)
    assert statuses(sm.notebook_lifecycle_secrets, inv)[unread.id] is MANUAL


# -- domains --------------------------------------------------------------------------------------


def test_domain_vpc_only_and_cmk():
    public = domain("public", app_network_access_type="PublicInternetOnly")
    nokey = domain("nokey", kms_key=None)
    unread = asset(AssetKind.WORKSPACE, f"{P}:domain/unread", type=DOMAIN)
    inv = inventory([domain("good"), public, nokey, unread])
    assert failing_ids(sm.domain_vpc_only, inv) == {public.id}
    assert failing_ids(sm.domain_cmk, inv) == {nokey.id}
    assert statuses(sm.domain_vpc_only, inv)[unread.id] is MANUAL
    assert statuses(sm.domain_cmk, inv)[unread.id] is MANUAL


# -- models ---------------------------------------------------------------------------------------


def test_model_network_isolation_skips_packages():
    open_model = model("open", network_isolation=False, vpc=False)
    inv = inventory([model("good"), open_model, package("g/1", "Approved")])
    assert failing_ids(sm.model_network_isolation, inv) == {open_model.id}
    # out of scope by metadata (model packages have no network setting): never evaluated
    assert f"{P}:model-package/g/1" not in statuses(sm.model_network_isolation, inv)
    (finding,) = run(sm.model_network_isolation, inv)
    assert finding.evidence == {"network_isolation": False, "vpc": False}


def test_model_private_registry():
    platform = model(
        "platform",
        containers=[container(), container(name="second", repository_access_mode=None)],
    )
    explicit = model("explicit", containers=[container(repository_access_mode="Platform")])
    from_package = model("pkg", containers=[container(image=None, repository_access_mode=None)])
    unread = asset(AssetKind.MODEL, f"{P}:model/unread", type="AWS::SageMaker::Model")
    inv = inventory([model("good"), platform, explicit, from_package, unread])
    assert failing_ids(sm.model_private_registry, inv) == {platform.id, explicit.id}
    assert statuses(sm.model_private_registry, inv)[unread.id] is MANUAL
    assert sm.model_private_registry.meta.severity is Severity.LOW


# -- endpoints ------------------------------------------------------------------------------------


def test_endpoint_cmk_gaps_and_nvme_exemption():
    no_key = endpoint("nokey", kms_key=None)
    nvme = endpoint(
        "nvme",
        kms_key=None,
        variants=[
            {"name": "a", "instance_type": "ml.g4dn.xlarge", "serverless": False},
            {"name": "b", "instance_type": None, "serverless": True},
        ],
    )
    capture = endpoint("capture", data_capture={"enabled": True, "kms_key": None})
    capture_off = endpoint("capture-off", data_capture={"enabled": False, "kms_key": None})
    async_out = endpoint("async", async_output={"kms_key": None, "destination": "s3://o/"})
    unread = asset(AssetKind.ENDPOINT, f"{P}:endpoint/unread", type=ENDPOINT)
    inv = inventory([endpoint("good"), no_key, nvme, capture, capture_off, async_out, unread])
    assert failing_ids(sm.endpoint_cmk, inv) == {no_key.id, capture.id, async_out.id}
    assert statuses(sm.endpoint_cmk, inv)[unread.id] is MANUAL
    evidence = {f.asset_id: f.evidence["unencrypted"] for f in run(sm.endpoint_cmk, inv)}
    assert evidence[capture.id] == ["data capture"]


@pytest.mark.parametrize(
    ("instance_type", "nvme"),
    [
        ("ml.g4dn.xlarge", True),
        ("ml.p4d.24xlarge", True),
        ("ml.g5.2xlarge", True),
        ("ml.m5d.large", True),
        ("ml.m5.xlarge", False),
        ("ml.p3.2xlarge", False),
        ("ml.inf2.xlarge", False),
        (None, False),
    ],
)
def test_has_local_nvme(instance_type: str | None, nvme: bool):
    assert sm.has_local_nvme(instance_type) is nvme


def test_monitoring_isolation():
    open_job = endpoint("open", monitoring=[{"name": "q", "network_isolation": False}])
    none = endpoint("none", monitoring=[], monitoring_schedules=0)
    unknown_def = endpoint("def", monitoring=[{"name": "q"}])
    unread = asset(AssetKind.ENDPOINT, f"{P}:endpoint/unread", type=ENDPOINT)
    inv = inventory([endpoint("good"), open_job, none, unknown_def, unread])
    assert failing_ids(sm.monitoring_isolation, inv) == {open_job.id}
    st = statuses(sm.monitoring_isolation, inv)
    assert (st[none.id], st[unknown_def.id], st[unread.id]) == (NA, MANUAL, MANUAL)


def test_endpoint_serves_only_approved_registered_models():
    approved = model("approved", containers=[container(model_package=f"{P}:model-package/g/1")])
    pending = model("pending", containers=[container(model_package=f"{P}:model-package/g/2")])
    adhoc = model("adhoc", containers=[container()])
    unread_pkg = model("unread-pkg", containers=[container(model_package=f"{P}:model-package/x/1")])
    eps = {n: endpoint(n) for n in ("good", "pending", "adhoc", "unread", "gone", "nothing")}
    serves = [
        ("good", approved),
        ("pending", approved),
        ("pending", pending),
        ("adhoc", adhoc),
        ("unread", unread_pkg),
    ]
    inv = inventory(
        [
            *eps.values(),
            approved,
            pending,
            adhoc,
            unread_pkg,
            package("g/1", "Approved"),
            package("g/2", "PendingManualApproval"),
        ],
        [rel(eps[e].id, "serves", m.id) for e, m in serves]
        + [rel(eps["gone"].id, "serves", f"{P}:model/not-read")],
    )
    assert failing_ids(sm.endpoint_registered_models, inv) == {
        eps["pending"].id,
        eps["adhoc"].id,
    }
    st = statuses(sm.endpoint_registered_models, inv)
    assert st[eps["good"].id] is PASS
    assert (st[eps["unread"].id], st[eps["gone"].id], st[eps["nothing"].id]) == (
        MANUAL,
        MANUAL,
        MANUAL,
    )


def test_endpoint_monitored():
    bare = endpoint("bare", monitoring_schedules=0, monitoring=[])
    unread = asset(AssetKind.ENDPOINT, f"{P}:endpoint/unread", type=ENDPOINT)
    inv = inventory([endpoint("good"), bare, unread])
    assert failing_ids(sm.endpoint_monitored, inv) == {bare.id}
    assert statuses(sm.endpoint_monitored, inv)[unread.id] is MANUAL


# -- jobs -----------------------------------------------------------------------------------------


def test_training_network_containment():
    open_job = job("open", network_isolation=False, vpc=False)
    vpc_only = job("vpc", network_isolation=False, vpc=True)
    isolated = job("iso", network_isolation=True, vpc=False)
    processing = job("proc", "processing", network_isolation=False, vpc=False)
    unread = asset(
        AssetKind.TRAINING_JOB, f"{P}:training-job/unread", type=TRAINING, job_type="training"
    )
    inv = inventory([job("good"), open_job, vpc_only, isolated, processing, unread])
    assert failing_ids(sm.training_network, inv) == {open_job.id}
    st = statuses(sm.training_network, inv)
    assert (st[processing.id], st[unread.id]) == (NA, MANUAL)


def test_job_cmk():
    no_volume = job("novol", volume_kms_key=None)
    nvme = job("nvme", volume_kms_key=None, instance_type="ml.p4d.24xlarge")
    no_output = transform_job("noout", output_kms_key=None)
    unread = asset(
        AssetKind.TRAINING_JOB, f"{P}:training-job/unread", type=TRAINING, job_type="training"
    )
    inv = inventory([job("good"), no_volume, nvme, no_output, unread])
    assert failing_ids(sm.job_cmk, inv) == {no_volume.id, no_output.id}
    assert statuses(sm.job_cmk, inv)[unread.id] is MANUAL


def test_inter_container_encryption():
    clear = job("clear", inter_container_encryption=False, instance_count=4)
    single = job("single", inter_container_encryption=False, instance_count=1)
    hetero = job("hetero", inter_container_encryption=False, instance_count=None)
    transform = asset(
        AssetKind.TRAINING_JOB, f"{P}:transform-job/t", type=TRANSFORM, job_type="transform"
    )
    inv = inventory([job("good"), clear, single, hetero, transform])
    assert failing_ids(sm.job_inter_container_encryption, inv) == {clear.id}
    st = statuses(sm.job_inter_container_encryption, inv)
    assert (st[single.id], st[hetero.id]) == (NA, MANUAL)
    assert transform.id not in st  # transform jobs are out of the rule's scope (metadata)


# -- feature store and IAM ------------------------------------------------------------------------


def test_feature_group_cmk():
    offline = feature_group("offline", offline_store={"enabled": True, "kms_key": None})
    online = feature_group(
        "online", online_store={"enabled": True, "kms_key": None, "storage_type": "Standard"}
    )
    in_memory = feature_group(
        "mem", online_store={"enabled": True, "kms_key": None, "storage_type": "InMemory"}
    )
    no_online = feature_group("off", online_store={"enabled": False, "kms_key": None})
    unread = asset(AssetKind.DATASET, f"{P}:feature-group/u", type="AWS::SageMaker::FeatureGroup")
    other = asset(AssetKind.DATASET, "arn:aws:s3:::data", type="AWS::S3::Bucket")
    inv = inventory([feature_group("good"), offline, online, in_memory, no_online, unread, other])
    assert failing_ids(sm.feature_group_cmk, inv) == {offline.id, online.id}
    st = statuses(sm.feature_group_cmk, inv)
    assert st[unread.id] is MANUAL
    assert other.id not in st  # not a feature group: out of scope by metadata


def test_sagemaker_full_access_on_non_service_principals():
    human = role("data-scientist", full_access_policies=["AmazonSageMakerFullAccess"])
    service = role(
        "service-role/AmazonSageMaker-ExecutionRole",
        full_access_policies=["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"],
    )
    other = role("s3-admin", full_access_policies=["AmazonS3FullAccess"])
    unread = role("unread")
    inv = inventory([human, service, other, unread])
    assert failing_ids(sm.sagemaker_full_access, inv) == {human.id}
    st = statuses(sm.sagemaker_full_access, inv)
    assert (st[service.id], st[other.id], st[unread.id]) == (NA, PASS, MANUAL)


# -- tuning, AutoML, processing containment, inference experiments (edge cases) ------------------

TUNING = "AWS::SageMaker::HyperParameterTuningJob"
AUTOML = "AWS::SageMaker::AutoMLJob"
EXPERIMENT = "AWS::SageMaker::InferenceExperiment"


def tuning(name: str, **attrs: Any) -> Any:
    base: dict[str, Any] = {
        "job_type": "tuning",
        "definitions": 1,
        "network_isolation": True,
        "vpc": True,
        "inter_container_encryption": True,
        "instance_type": "ml.m5.xlarge",
        "instance_count": 2,
        "volume_kms_key": KEY,
        "output_kms_key": KEY,
    }
    return asset(
        AssetKind.TRAINING_JOB,
        f"{P}:hyper-parameter-tuning-job/{name}",
        type=TUNING,
        **{**base, **attrs},
    )


def automl(name: str, **attrs: Any) -> Any:
    base: dict[str, Any] = {
        "job_type": "automl",
        "vpc": True,
        "inter_container_encryption": True,
        "volume_kms_key": KEY,
        "output_kms_key": KEY,
    }
    return asset(AssetKind.TRAINING_JOB, f"{P}:automl-job/{name}", type=AUTOML, **{**base, **attrs})


def experiment(name: str, **attrs: Any) -> Any:
    base: dict[str, Any] = {
        "kms_key": KEY,
        "data_storage": {"destination": "s3://capture/", "kms_key": KEY},
    }
    return asset(
        AssetKind.TRAINING_JOB,
        f"{P}:inference-experiment/{name}",
        type=EXPERIMENT,
        **{**base, **attrs},
    )


#: the weak value of each switch the one-weakness rules read
WEAK: dict[str, Any] = {
    "network_isolation": False,
    "vpc": False,
    "inter_container_encryption": False,
    "output_kms_key": None,
    "volume_kms_key": None,
    "kms_key": None,
}


def test_tuning_inter_container_encryption_needs_several_instances():
    clear = tuning("clear", inter_container_encryption=False)
    single = tuning("single", inter_container_encryption=False, instance_count=1)
    unknown = tuning("unknown", instance_count=None)
    unread_flag = asset(
        AssetKind.TRAINING_JOB, f"{P}:hyper-parameter-tuning-job/u", type=TUNING, instance_count=4
    )
    inv = inventory([tuning("good"), clear, single, unknown, unread_flag])
    assert failing_ids(sm.tuning_inter_container_encryption, inv) == {clear.id}
    st = statuses(sm.tuning_inter_container_encryption, inv)
    assert (st[single.id], st[unknown.id], st[unread_flag.id]) == (NA, MANUAL, MANUAL)


def test_tuning_volume_key_is_not_asked_on_nvme_instances():
    nvme = tuning("nvme", volume_kms_key=None, instance_type="ml.p4d.24xlarge")
    plain = tuning("plain", volume_kms_key=None)
    unread_key = asset(AssetKind.TRAINING_JOB, f"{P}:hyper-parameter-tuning-job/u", type=TUNING)
    inv = inventory([nvme, plain, unread_key])
    assert failing_ids(sm.tuning_volume_cmk, inv) == {plain.id}
    st = statuses(sm.tuning_volume_cmk, inv)
    assert (st[nvme.id], st[unread_key.id]) == (NA, MANUAL)


@pytest.mark.parametrize(
    ("rule", "make", "attr", "bad"),
    [
        (sm.tuning_network_isolation, tuning, "network_isolation", False),
        (sm.tuning_output_cmk, tuning, "output_kms_key", None),
        (sm.automl_inter_container_encryption, automl, "inter_container_encryption", False),
        (sm.automl_output_cmk, automl, "output_kms_key", None),
        (sm.automl_volume_cmk, automl, "volume_kms_key", None),
        (sm.automl_vpc, automl, "vpc", False),
        (sm.experiment_volume_cmk, experiment, "kms_key", None),
    ],
)
def test_one_weakness_per_rule(rule: Any, make: Any, attr: str, bad: Any):
    good, failing = make("good"), make("bad", **{attr: bad})
    other = {k: v for k, v in good.attributes.items() if k != attr}
    missing = asset(good.kind, f"{good.id}-unread", type=good.type, **other)
    inv = inventory([good, failing, missing])
    assert failing_ids(rule, inv) == {failing.id}
    assert statuses(rule, inv)[missing.id] is MANUAL
    # a weakness another rule owns does not fail this one
    for other_attr, other_bad in WEAK.items():
        if other_attr != attr and other_attr in good.attributes:
            neighbour = make("n", **{other_attr: other_bad})
            assert not failing_ids(rule, inventory([neighbour])), other_attr


def test_experiment_storage_key_only_when_data_is_captured():
    plain = experiment("plain", data_storage={"destination": "s3://c/", "kms_key": None})
    none = experiment("none", data_storage=None)
    inv = inventory([experiment("good"), plain, none])
    assert failing_ids(sm.experiment_storage_cmk, inv) == {plain.id}
    assert statuses(sm.experiment_storage_cmk, inv)[none.id] is NA


def test_processing_containment_is_isolation_or_vpc():
    processing = "AWS::SageMaker::ProcessingJob"

    def proc(name: str, **attrs: Any) -> Any:
        return asset(AssetKind.TRAINING_JOB, f"{P}:processing-job/{name}", type=processing, **attrs)

    open_job = proc("open", network_isolation=False, vpc=False)
    inv = inventory(
        [
            open_job,
            proc("vpc", network_isolation=False, vpc=True),
            proc("iso", network_isolation=True, vpc=False),
            proc("unread", network_isolation=False),
            tuning("not-processing", network_isolation=False, vpc=False),
        ]
    )
    assert failing_ids(sm.processing_network, inv) == {open_job.id}
    st = statuses(sm.processing_network, inv)
    assert st[f"{P}:processing-job/unread"] is MANUAL
    assert f"{P}:hyper-parameter-tuning-job/not-processing" not in st  # out of scope (metadata)
