"""Docs derived from code must match the code: regenerate with `python -m aiscan.docgen`."""

import json

import jsonschema
import pytest

from aiscan import docgen


@pytest.mark.parametrize("name", sorted(docgen.GENERATED))
def test_generated_docs_are_current(name):
    committed = (docgen.DOCS / name).read_text(encoding="utf-8")
    stale = f"docs/{name} is stale: run python -m aiscan.docgen"
    assert committed == docgen.GENERATED[name](), stale


def test_json_schema_is_a_valid_schema():
    schema = json.loads((docgen.DOCS / "schema/scan-result.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
