"""Contract tests over everything registered through entry points."""

import re
from pathlib import Path

from aiscan.core import plugins
from aiscan.core.model import Category
from aiscan.scan import load_rules

TESTS = Path(__file__).parent
RULE_ID = re.compile(r"^(AWS|AZ|GCP|XC)-[A-Z]+-\d{3}$")


def test_every_builtin_plugin_loads():
    for kind in plugins.GROUPS:
        loaded, errors = plugins.load_all(kind)
        assert not errors, errors
        assert loaded, f"no {kind} registered"


def test_rule_metadata_is_complete_and_ids_unique():
    rules, errors = load_rules()
    assert not errors
    ids = [r.meta.id for r in rules]
    assert len(ids) == len(set(ids))
    for r in rules:
        m = r.meta
        assert RULE_ID.match(m.id), m.id
        assert m.category in Category
        for field in (m.title, m.description, m.risk, m.remediation):
            assert len(field) > 10, f"{m.id}: metadata too thin"
        assert m.references, f"{m.id} has no references"
        assert m.kinds, f"{m.id} applies to nothing"


def test_every_rule_has_a_test():
    corpus = "\n".join(p.read_text() for p in (TESTS / "rules").glob("test_*.py"))
    missing = [
        r.meta.id
        for r in load_rules()[0]
        if r.meta.id not in corpus and f".{r.__name__}" not in corpus
    ]
    assert not missing, f"rules without a test: {missing}"


def test_every_collector_declares_permissions():
    loaded, _ = plugins.load_all("collectors")
    for name, cls in loaded.items():
        assert cls.permissions, name
        assert all(re.match(r"^[a-z0-9-]+:[A-Za-z]+$", p) for p in cls.permissions), name
        # read-only: no permission may be a write
        writes = [
            p
            for p in cls.permissions
            if not p.split(":")[1].startswith(("List", "Describe", "Get", "Search", "BatchGet"))
            and p != "sts:AssumeRole"
        ]
        assert not writes, writes
