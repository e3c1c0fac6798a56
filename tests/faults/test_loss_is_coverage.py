"""What faults cannot hide: a denied service and a read whose retries run out are in coverage and
make the scan incomplete (exit 3), while everything else is still read; a transient HTML 503 on
the very first AWS request (sts:GetCallerIdentity) loses nothing."""

from __future__ import annotations

import threading

import pytest

from tests.faults.test_fault_equivalence import PLAN, RETRY_SETTINGS, SHAPES, essence
from tests.netfakes import DENY, HTML, SERVER_ERROR, THROTTLE, FaultPlan, Front
from tests.netscan import problems, scan

#: cloud -> (a predicate choosing one service's requests, the coverage services it denies)
DENIALS = {
    # Bedrock and Bedrock Agents share the signing name "bedrock".
    "aws": (lambda f: f.aws_service == "bedrock", {"bedrock", "bedrock-agent"}),
    "azure": (lambda f: "microsoft.cognitiveservices" in f.path.lower(), {"cognitiveservices"}),
    "gcp": (lambda f: f.path.startswith("/storage/v1/"), {"storage"}),
}


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_a_denied_service_is_in_coverage_and_the_exit_code_is_3(request, clean_scan, cloud):
    estate = request.getfixturevalue(f"{cloud}_estate")
    _, clean = clean_scan(cloud, RETRY_SETTINGS)
    predicate, services = DENIALS[cloud]
    # Denied on top of the random faults: the denial must still surface, nothing else must go.
    plan = FaultPlan(seed=3, rules=[(predicate, DENY)], **PLAN)
    with Front(estate.url, plan=plan, shape=SHAPES[cloud]) as front:
        code, doc = scan(estate, endpoint=front.url, extra_env=RETRY_SETTINGS)
    assert front.injected[DENY] > 0
    assert code == 3
    bad = problems(doc)
    assert bad and {c["status"] for c in bad} == {"denied"}
    assert {c["service"] for c in bad} == services
    # Every other scope was read; the assets of services that were not denied are all there
    # (except what only the denied service referred to: roles, buckets).
    clean_status = {
        (c["account"], c["region"], c["service"]): c["status"] for c in clean["coverage"]
    }
    for c in doc["coverage"]:
        if c["service"] not in services:
            assert c["status"] == clean_status[(c["account"], c["region"], c["service"])], c
    denied = {a["id"] for a in clean["assets"] if a["service"] in services}
    referred = {r["target"] for r in clean["relations"] if r["source"] in denied}
    kept = {a["id"] for a in clean["assets"]} - denied - referred
    assert kept and kept <= {a["id"] for a in doc["assets"]}


@pytest.mark.parametrize(
    ("cloud", "predicate", "kind", "text"),
    [
        ("aws", lambda f: f.aws_service == "sagemaker", HTML, "503"),
        ("aws", lambda f: f.aws_service == "s3", THROTTLE, "throttled, retries exhausted"),
        ("azure", lambda f: "/deployments" in f.path.lower(), SERVER_ERROR, "503"),
        ("azure", lambda f: "/deployments" in f.path.lower(), THROTTLE, "throttled"),
        ("gcp", lambda f: f.path.startswith("/storage/v1/"), THROTTLE, "throttled"),
        ("gcp", lambda f: f.path.startswith("/storage/v1/"), HTML, "503"),
    ],
)
def test_exhausted_retries_become_coverage_never_a_silent_gap(
    request, cloud, predicate, kind, text
):
    estate = request.getfixturevalue(f"{cloud}_estate")
    plan = FaultPlan(rules=[(predicate, kind)])
    with Front(estate.url, plan=plan, shape=SHAPES[cloud]) as front:
        code, doc = scan(estate, endpoint=front.url, extra_env=RETRY_SETTINGS)
    assert front.injected[kind] > 0
    assert code == 3
    bad = problems(doc)
    assert bad and all(c["status"] == "error" for c in bad)
    assert any(text in c["message"] for c in bad), bad


def test_an_html_503_on_the_first_get_caller_identity_loses_nothing(aws_estate, clean_scan):
    clean_code, clean = clean_scan("aws", RETRY_SETTINGS)
    first = threading.Event()

    def first_sts(facts) -> bool:
        if facts.aws_service == "sts" and b"GetCallerIdentity" in facts.body and not first.is_set():
            first.set()
            return True
        return False

    with Front(aws_estate.url, plan=FaultPlan(rules=[(first_sts, HTML)]), shape=SHAPES["aws"]) as f:
        code, doc = scan(aws_estate, endpoint=f.url, extra_env=RETRY_SETTINGS)
    assert f.injected[HTML] == 1
    assert code == clean_code and not problems(doc)
    assert essence(doc) == essence(clean)
