"""The AI-BOM with attack paths: hops that are relations (and trained-on edges) become
dependencies between components in the relation's direction, the crown jewel is marked, and
the BOM still validates strictly."""

from __future__ import annotations

import json

from aiscan.core.model import PathHop
from aiscan.reporters.cyclonedx import CycloneDxReporter
from tests.factories import asset
from tests.graphout.estate import BUCKET, ENDPOINT, MODEL, estate, path_finding
from tests.reporters.test_cyclonedx import props, validate

DATA = "arn:aws:s3:::training-data"


def deps(bom: dict) -> dict[str, set[str]]:
    return {d["ref"]: set(d.get("dependsOn", [])) for d in bom["dependencies"]}


def test_relations_on_a_path_stay_dependencies_in_their_direction_and_the_jewel_is_marked():
    result = estate()
    text = CycloneDxReporter().render(result)
    validate(text)
    bom = json.loads(text)
    graph = deps(bom)
    assert MODEL in graph[ENDPOINT]  # endpoint serves model
    assert BUCKET in graph[MODEL]  # model stores its artifact in the bucket
    assert ENDPOINT not in graph[MODEL] and MODEL not in graph[BUCKET]  # hops walked backwards
    endpoint = next(s for s in bom["services"] if s["bom-ref"] == ENDPOINT)
    assert props(endpoint)["aiscan:attack-path"].startswith("XC-PATH-001:")


def test_a_trained_on_hop_makes_the_model_depend_on_its_data():
    base = estate()
    finding = path_finding()
    finding = finding.model_copy(
        update={"hops": (*finding.hops, PathHop(source=MODEL, edge="trained-on", target=DATA))}
    )
    result = base.model_copy(
        update={
            "assets": (*base.assets, asset("bucket", DATA, service="s3")),
            "findings": (finding,),
        }
    )
    text = CycloneDxReporter().render(result)
    validate(text)
    assert DATA in deps(json.loads(text))[MODEL]
    assert DATA not in deps(json.loads(CycloneDxReporter().render(base)))[MODEL]
