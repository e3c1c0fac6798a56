"""The artifact rule pack judges typed deep-scan facts (`artifact_scans`)."""

from aiscan.artifacts import ArtifactScan, Issue, Member
from aiscan.core.model import ResultStatus, Severity
from aiscan.rules import artifacts as art
from tests.factories import asset, failing_ids, inventory, raw_asset, run, statuses

LOC = "s3://models/prod/model.tar.gz"
SM_MODEL = "AWS::SageMaker::Model"


def model(name, *scans):
    return asset(
        "model",
        f"arn:aws:sagemaker:us-east-1:123456789012:model/{name}",
        type=SM_MODEL,
        artifact_scans=[s.model_dump(mode="json") for s in scans],
    )


def scan(*issues, fmt="tar.gz", members=(), bounds=(), errors=()):
    return ArtifactScan(
        location=LOC,
        size=10,
        sha256="ab" * 32,
        format=fmt,
        members=tuple(members),
        issues=tuple(issues),
        bounds=tuple(bounds),
        errors=tuple(errors),
    )


def issue(code, severity=Severity.CRITICAL, **kw):
    return Issue(code=code, severity=severity, member="model.tar.gz!/model.pkl", **kw)


PKL = Member(
    path="model.tar.gz!/model/pytorch_model.bin", size=5, sha256="cd" * 32, format="pytorch-zip"
)
SAFE = Member(
    path="model.tar.gz!/model/model.safetensors", size=5, sha256="ef" * 32, format="safetensors"
)


def _id(name):
    return f"arn:aws:sagemaker:us-east-1:123456789012:model/{name}"


def test_pickle_imports_critical_with_key_member_and_global():
    evil = issue("pickle-global", module="posix", name="system", position=28, detail="GLOBAL: x")
    inv = inventory(
        [
            model("evil", scan(evil, members=[PKL])),
            model("twin", scan(members=[SAFE])),
            model("unknown", scan(issue("pickle-global", Severity.HIGH, module="acme", name="f"))),
        ]
    )
    found = {f.asset_id: f for f in run(art.pickle_imports, inv)}
    assert set(found) == {_id("evil"), _id("unknown")}
    f = found[_id("evil")]
    assert f.severity is Severity.CRITICAL
    assert f.evidence["location"] == LOC
    assert f.evidence["member"] == "model.tar.gz!/model.pkl"
    assert (f.evidence["module"], f.evidence["name"]) == ("posix", "system")
    assert "posix.system" in f.message and LOC in f.message
    assert found[_id("unknown")].severity is Severity.HIGH
    assert statuses(art.pickle_imports, inv)[_id("twin")] is ResultStatus.PASS


def test_parse_error_after_payload_is_critical_not_an_error():
    broken = issue("parse-error-after-suspicious-opcode", position=40, detail="breaks at 40")
    inv = inventory([model("broken", scan(broken))])
    (f,) = run(art.pickle_imports, inv)
    assert f.severity is Severity.CRITICAL


def test_unsafe_format_medium_only_with_safe_globals():
    inv = inventory(
        [
            model("pickled", scan(members=[PKL])),
            model("safe", scan(members=[SAFE])),
            model("evil", scan(issue("pickle-global", module="os", name="system"), members=[PKL])),
        ]
    )
    found = run(art.unsafe_format, inv)
    assert {f.asset_id for f in found} == {_id("pickled")}
    assert found[0].severity is Severity.MEDIUM


def test_bound_hit_is_manual_never_pass():
    bomb = scan(members=[SAFE], bounds=("expansion ratio above 250: archive bomb",))
    inv = inventory([model("bomb", bomb), model("bad", scan(errors=("x: pickle does not parse",)))])
    for rule_fn in art.RULES:
        st = statuses(rule_fn, inv)
        assert st == {_id("bomb"): ResultStatus.MANUAL, _id("bad"): ResultStatus.MANUAL}, rule_fn


def test_not_applicable_without_a_deep_scan_and_manual_when_unreadable():
    plain = asset("model", "arn:aws:sagemaker:us-east-1:123456789012:model/plain", type=SM_MODEL)
    broken = raw_asset("model", _id("garbled"), type=SM_MODEL, artifact_scans=[{"location": 1}])
    st = statuses(art.pickle_imports, inventory([plain, broken]))
    assert st[plain.id] is ResultStatus.NOT_APPLICABLE
    assert st[_id("garbled")] is ResultStatus.MANUAL


def test_keras_code():
    inv = inventory(
        [
            model("lambda", scan(issue("keras-lambda", name="lambda", detail="names system"))),
            model("custom", scan(issue("keras-custom-object", Severity.HIGH, module="evil"))),
            model("ok", scan(fmt="keras")),
        ]
    )
    sev = {f.asset_id: f.severity for f in run(art.keras_code, inv)}
    assert sev == {_id("lambda"): Severity.CRITICAL, _id("custom"): Severity.HIGH}


def test_chat_template():
    inv = inventory(
        [
            model("ssti", scan(issue("gguf-template", name="tokenizer.chat_template"))),
            model("ok", scan(fmt="gguf")),
        ]
    )
    assert failing_ids(art.chat_template, inv) == {_id("ssti")}


def test_graph_ops():
    inv = inventory(
        [
            model("tf", scan(issue("tf-dangerous-op", name="PyFunc"))),
            model(
                "onnx",
                scan(issue("onnx-custom-op", Severity.MEDIUM, module="com.evil", name="Shell")),
            ),
            model("ok", scan(fmt="onnx")),
        ]
    )
    sev = {f.asset_id: f.severity for f in run(art.graph_ops, inv)}
    assert sev == {_id("tf"): Severity.CRITICAL, _id("onnx"): Severity.MEDIUM}


def test_structure():
    inv = inventory(
        [
            model("crc", scan(issue("zip-crc-mismatch", Severity.HIGH, name="data.pkl"))),
            model("trav", scan(issue("archive-path-traversal", Severity.HIGH, name="../../x"))),
            model("ok", scan()),
        ]
    )
    assert failing_ids(art.structure, inv) == {_id("crc"), _id("trav")}


def test_one_finding_per_global_per_member_with_stable_fingerprints():
    a = issue("pickle-global", module="os", name="system")
    b = issue("pickle-global", module="subprocess", name="Popen")
    inv = inventory([model("two", scan(a, b))])
    first = {f.fingerprint for f in run(art.pickle_imports, inv)}
    assert len(first) == 2
    assert first == {f.fingerprint for f in run(art.pickle_imports, inv)}
