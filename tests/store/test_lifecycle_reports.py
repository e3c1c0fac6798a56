"""Lifecycle fields in the SARIF and OCSF reports still validate against their schemas, and are
absent (not null) when there is no store."""

from __future__ import annotations

import json
from datetime import timedelta

import jsonschema

from aiscan.core.model import ScanResult
from aiscan.reporters.ocsf import OcsfReporter
from aiscan.reporters.sarif import SarifReporter
from aiscan.store.lifecycle import with_lifecycle
from tests.reporters.test_ocsf import SCHEMA as OCSF_SCHEMA
from tests.reporters.test_sarif import github_problems, schema_errors
from tests.store.results import T0, result

LATER = T0 + timedelta(days=12, hours=5)


def _marked() -> ScanResult:
    current = result(4, started=LATER)
    first = {f.fingerprint: (T0, T0 + timedelta(days=1)) for f in current.findings[:1]}
    return with_lifecycle(current, first)


def test_sarif_carries_first_and_last_detection_and_validates() -> None:
    marked = _marked()
    log = json.loads(SarifReporter().render(marked))
    assert schema_errors(log) == [] and github_problems(log) == []
    results = log["runs"][0]["results"]
    old, new = results[0], results[1]
    assert old["provenance"] == {
        "firstDetectionTimeUtc": "2026-11-01T02:00:00Z",
        "lastDetectionTimeUtc": "2026-11-13T07:00:00Z",
    }
    assert old["properties"]["age-days"] == 12
    assert new["provenance"]["firstDetectionTimeUtc"] == "2026-11-13T07:00:00Z"
    assert new["properties"]["age-days"] == 0
    plain = json.loads(SarifReporter().render(result(4)))["runs"][0]["results"]
    assert all("provenance" not in r and "age-days" not in r["properties"] for r in plain)


def test_ocsf_carries_first_and_last_seen_time_and_validates() -> None:
    validator = jsonschema.Draft202012Validator(
        json.loads(OCSF_SCHEMA.read_text()),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    events = json.loads(OcsfReporter().render(_marked()))
    for event in events:
        assert [e.message for e in validator.iter_errors(event)] == []
    info = events[0]["finding_info"]
    assert info["first_seen_time"] == int(T0.timestamp() * 1000)
    assert info["first_seen_time_dt"] == "2026-11-01T02:00:00Z"
    assert info["last_seen_time"] == int(LATER.timestamp() * 1000)
    assert events[0]["unmapped"]["age_days"] == 12
    plain = json.loads(OcsfReporter().render(result(4)))
    assert all("first_seen_time" not in e["finding_info"] for e in plain)
