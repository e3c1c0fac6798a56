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


#: What a read-only permission looks like in each cloud's own notation.
READ_PERMISSION = {
    "aws": re.compile(r"^[a-z0-9-]+:(List|Describe|Get|Search|BatchGet)\w*$|^sts:AssumeRole$"),
    "azure": re.compile(r"^Microsoft\.[A-Za-z]+(/[A-Za-z]+)+/read$"),
    "gcp": re.compile(r"^[a-z]+(\.[a-zA-Z]+)+\.(get|list|search[A-Za-z]*|getIamPolicy)$"),
}


def test_every_collector_declares_only_read_permissions():
    loaded, _ = plugins.load_all("collectors")
    for name, cls in loaded.items():
        assert cls.permissions, name
        pattern = READ_PERMISSION[cls.cloud.value]
        not_reads = [p for p in cls.permissions if not pattern.match(p)]
        assert not not_reads, f"{name}: {not_reads}"
