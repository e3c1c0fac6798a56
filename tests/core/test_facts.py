"""The typed-facts contract: transforms produce only declared facts, rules read only declared
facts that some transform produces, and rule scope is metadata the engine applies."""

from __future__ import annotations

import ast
import json
from collections import defaultdict
from pathlib import Path

import pytest
from pydantic import ValidationError

from aiscan.collectors.aws import sagemaker
from aiscan.core.engine import evaluate
from aiscan.core.facts import UNREAD, GenericFacts, facts_class, registry, unread
from aiscan.core.facts.aws import SageMakerNotebookFacts
from aiscan.core.inventory import Inventory, InventoryBuilder
from aiscan.core.model import Asset, ResultStatus
from aiscan.rules import aws_sagemaker
from aiscan.scan import load_rules

DATA = Path(__file__).resolve().parent.parent / "data" / "aws"
RULES_DIR = Path(aws_sagemaker.__file__).resolve().parent
WHERE = {"account": "123456789012", "region": "us-east-1"}

#: Resource types the demo estate does not hold yet, so the "every fact is produced" check below
#: cannot see them; their transforms are covered by the collector tests (which validate facts on
#: collection). Shrink this list as the demo grows; a type listed here but present fails.
NOT_IN_DEMO = frozenset(
    {
        "AWS::Bedrock::Flow",
        "AWS::Bedrock::ImportedModel",
        "AWS::BedrockAgentCore::BrowserCustom",
        "AWS::BedrockAgentCore::CodeInterpreterCustom",
        "AWS::BedrockAgentCore::Gateway",
        "AWS::BedrockAgentCore::Memory",
        "AWS::BedrockAgentCore::Runtime",
        "AWS::ECR::Repository",
        "AWS::SageMaker::AutoMLJob",
        "AWS::SageMaker::FeatureGroup",
        "AWS::SageMaker::HyperParameterTuningJob",
        "AWS::SageMaker::InferenceExperiment",
        "AWS::SageMaker::ProcessingJob",
        "AWS::SageMaker::TransformJob",
        # aiscan artifacts PATH|URL, not a cloud scan: tests/artifacts and tests/deep
        "local::model-directory",
        "local::model-file",
        "huggingface::cache-snapshot",
        "url::model-artifact",
    }
)
#: Facts only `scan --deep` produces (the demo scans without it): tests/deep covers them.
DEEP_ONLY = frozenset({"artifact_scans"})
#: Facts declared for a type that the demo estate never sets, with the reason.
NOT_SET_IN_DEMO = {
    ("aiplatform.googleapis.com/NotebookRuntime", "service_account"): "end-user credentials",
    ("aiplatform.googleapis.com/NotebookRuntimeTemplate", "service_account"): "same",
    ("aiplatform.googleapis.com/TrainingPipeline", "network"): "AutoML pipelines carry none",
    ("aiplatform.googleapis.com/TrainingPipeline", "service_account"): "same",
    ("aiplatform.googleapis.com/TrainingPipeline", "vpc"): "same",
    ("aiplatform.googleapis.com/TrainingPipeline", "web_access"): "same",
}


def recorded_notebook() -> Asset:
    payload = json.loads((DATA / "sagemaker_DescribeNotebookInstance.json").read_text())
    return sagemaker.to_notebook(payload, lifecycle=None, **WHERE)


# -- a renamed fact, shown once --------------------------------------------------------------------


def test_a_renamed_fact_is_refused_on_collection_and_judged_manual_when_loaded() -> None:
    good = recorded_notebook()
    assert isinstance(good.facts, SageMakerNotebookFacts)
    renamed = dict(good.attributes)
    renamed["internet_access"] = renamed.pop("direct_internet_access")
    bad = good.model_copy(update={"attributes": renamed})

    # A transform that produced the new name fails its section (-> coverage), never silently.
    with pytest.raises(ValidationError, match="internet_access"):
        InventoryBuilder().add_asset(bad)

    # A result file written with the old name (e.g. by another version) loads, and the rule
    # answers manual instead of passing.
    out = evaluate(Inventory.of([bad]), [aws_sagemaker.notebook_direct_internet])
    assert not out.findings
    (ev,) = out.evaluations
    assert ev.status is ResultStatus.MANUAL
    assert "internet_access" in ev.reason


def test_a_fact_not_read_is_unread_not_false() -> None:
    asset = recorded_notebook()
    attrs = {k: v for k, v in asset.attributes.items() if k != "root_access"}
    facts = asset.model_copy(update={"attributes": attrs}).facts
    assert isinstance(facts, SageMakerNotebookFacts)
    assert unread(facts.root_access)
    assert facts.root_access is UNREAD
    with pytest.raises(TypeError):
        bool(facts.root_access)
    out = evaluate(
        Inventory.of([asset.model_copy(update={"attributes": attrs})]),
        [aws_sagemaker.notebook_root_access],
    )
    assert [e.status for e in out.evaluations] == [ResultStatus.MANUAL]


def test_typed_facts_round_trip_to_the_documented_attributes() -> None:
    asset = recorded_notebook()
    facts = asset.facts
    assert facts.read() == asset.attributes
    again = Asset(**{**asset.model_dump(), "attributes": facts})
    assert again.attributes == asset.attributes
    assert Asset.model_validate_json(asset.model_dump_json()).facts == facts


def test_model_copy_drops_the_cached_view() -> None:
    asset = recorded_notebook()
    assert asset.facts  # cached
    changed = asset.model_copy(update={"attributes": {**asset.attributes, "root_access": True}})
    assert isinstance(changed.facts, SageMakerNotebookFacts)
    assert changed.facts.root_access is True


# -- rules read typed facts only, and scope lives in metadata -------------------------------------


def _rule_modules() -> list[Path]:
    return sorted(p for p in RULES_DIR.glob("*.py") if p.name not in {"__init__.py", "base.py"})


@pytest.mark.parametrize("path", _rule_modules(), ids=lambda p: p.name)
def test_rules_read_no_string_keyed_attribute_and_test_no_resource_type(path: Path) -> None:
    tree = ast.parse(path.read_text())
    offences = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in {"attributes", "raw"}:
            offences.append(f"line {node.lineno}: .{node.attr}")
        if (
            isinstance(node, ast.Compare)
            and isinstance(node.left, ast.Attribute)
            and node.left.attr == "type"
        ):
            offences.append(f"line {node.lineno}: compares .type (scope belongs in metadata)")
    assert not offences, f"{path.name}: " + "; ".join(offences)


#: Rules that judge an asset only through its relations and its neighbours' facts.
RELATION_ONLY = {"XC-SC-008", "XC-ID-002"}


def test_every_rule_declares_the_facts_it_reads() -> None:
    rules, errors = load_rules()
    assert not errors
    # graph rules read their nodes' typed facts through graph.asset(id).facts
    untyped = {r.meta.id for r in rules if not r.meta.facts and not r.meta.graph}
    assert untyped == RELATION_ONLY
    for r in rules:
        if r.meta.facts:
            assert r.meta.resource_types, f"{r.meta.id} applies to no registered resource type"


# -- transforms produce declared facts, and every declared fact is produced ------------------------


def test_every_demo_asset_has_a_registered_model_and_every_fact_is_produced(
    demo_run: dict[str, str],
) -> None:
    doc = json.loads(demo_run["json"])
    assert not [c for c in doc["coverage"] if c["status"] in ("error", "denied")]
    produced: defaultdict[str, set[str]] = defaultdict(set)
    for raw in doc["assets"]:
        asset = Asset.model_validate(raw)
        assert facts_class(asset.type) is not GenericFacts, asset.type
        asset.facts  # noqa: B018 - validates
        produced[asset.type] |= set(asset.attributes)
    reg = registry()
    assert set(reg) >= NOT_IN_DEMO
    assert not NOT_IN_DEMO & set(produced), "now in the demo: drop it from NOT_IN_DEMO"
    missing_types = set(reg) - set(produced) - NOT_IN_DEMO
    assert not missing_types, f"registered types the demo never produces: {missing_types}"
    never = {
        (t, f.alias or name)
        for t, cls in reg.items()
        if t in produced
        for name, f in cls.model_fields.items()
        if (f.alias or name) not in produced[t] and name not in DEEP_ONLY
    }
    assert never == set(NOT_SET_IN_DEMO), (
        "facts declared but never produced (a rule reading them could never decide): "
        f"{sorted(never - set(NOT_SET_IN_DEMO))}; listed but now produced: "
        f"{sorted(set(NOT_SET_IN_DEMO) - never)}"
    )
