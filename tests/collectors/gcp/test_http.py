"""The GCP HTTP layer: the read-only guard, paging, retries and the endpoint override."""

from __future__ import annotations

import time

import pytest

from aiscan.collectors.base import CollectorConfigError
from aiscan.collectors.gcp import GcpCollector
from aiscan.collectors.gcp.errors import classify
from aiscan.collectors.gcp.guard import ReadOnlyViolation, is_read_only
from aiscan.collectors.gcp.http import GcpApiError, check_endpoint
from aiscan.collectors.settings import GcpSettings
from aiscan.core.model import CoverageStatus
from aiscan.demo.gcp import DEMO_TOKEN, GcpFake

ENDPOINTS = "/v1/projects/acme-ml-prod/locations/us-central1/endpoints"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", ENDPOINTS, True),
        ("GET", "/v1/projects/p/locations/l/models/1:listVersions", True),
        ("POST", "/v1/projects/p:getIamPolicy", True),
        ("POST", "/v3/folders/1:getIamPolicy", True),
        ("GET", "/v1/organizations/1:searchAllResources", True),
        ("POST", "/v1/projects/p:setIamPolicy", False),
        ("POST", f"{ENDPOINTS}/3002:undeployModel", False),
        ("POST", f"{ENDPOINTS}/3002:predict", False),
        ("POST", ENDPOINTS, False),
        ("DELETE", f"{ENDPOINTS}/3002", False),
        ("PATCH", "/storage/v1/b/acme-ml-artifacts", False),
        ("PUT", "/storage/v1/b/acme-ml-artifacts/iam", False),
        ("GET", "/v2/projects/p/locations/global/keys/k/keyString", False),
        ("GET", "/v1/projects/p/secrets/s/versions/1:access", False),
        ("GET", "/storage/v1/b/acme-ml-artifacts/o/model.pkl?alt=media", False),
    ],
)
def test_read_only_decision(method, path, allowed):
    assert is_read_only(method, f"https://example.googleapis.com{path}") is allowed


@pytest.fixture
def fake():
    with GcpFake(page_size=1) as f:
        yield f


def connect(fake, **kwargs):
    env = {"AISCAN_GCP_ENDPOINT": fake.url, "AISCAN_GCP_TOKEN": DEMO_TOKEN}
    settings = GcpSettings.from_environ(env).model_copy(update={"backoff": 0.001, **kwargs})
    http, identity = GcpCollector(settings=settings).connect()
    return http, identity


def test_the_collector_session_refuses_writes_before_sending(fake):
    http, identity = connect(fake)
    assert identity["credentials"] == "AISCAN_GCP_TOKEN"
    session = http.session  # the very session every read goes through
    with pytest.raises(ReadOnlyViolation, match="undeployModel"):
        session.post(f"{fake.url}{ENDPOINTS}/3002:undeployModel", json={"deployedModelId": "1"})
    with pytest.raises(ReadOnlyViolation):
        session.delete(f"{fake.url}{ENDPOINTS}/3002")
    with pytest.raises(ReadOnlyViolation):
        session.request("PUT", f"{fake.url}/storage/v1/b/acme-ml-artifacts/iam", json={})
    assert fake.writes == []
    assert not [k for k in fake.requests if not k.startswith("GET")]  # nothing reached the fake
    # reads, including Google's read-only POSTs, still go through
    assert http.post_read(
        "cloudresourcemanager.googleapis.com", "/v1/projects/acme-ml-prod:getIamPolicy", {}
    )["bindings"]
    assert classify(ReadOnlyViolation("x"))[0] is CoverageStatus.ERROR


def test_keep_alive_answers_are_not_held_back_by_nagle(fake):
    # The fake writes headers and body separately; with Nagle on, every body waited for the
    # client's delayed ACK (~40 ms), so 50 sequential reads took over 2 s and a loaded machine
    # stretched scans enough to make end-to-end tests flaky. Without it they take milliseconds.
    http, _ = connect(fake)
    started = time.perf_counter()
    for _ in range(50):
        assert http.get("cloudresourcemanager.googleapis.com", "/v3/projects:search")
    assert time.perf_counter() - started < 1.0
    assert http.retries == 0


def test_lists_follow_next_page_token(fake):
    http, _ = connect(fake)
    names = [e["displayName"] for e in http.items("x.googleapis.com", ENDPOINTS, "endpoints")]
    assert names == [
        "fraud-scoring",
        "public-chat",
        "private-chat",
        "support-gemini-tuned-endpoint",
    ]
    assert fake.requests[f"GET {ENDPOINTS}"] == 4
    aggregated = list(
        http.aggregated(
            "compute.googleapis.com",
            "/compute/v1/projects/acme-ml-prod/aggregated/instances",
            "instances",
        )
    )
    assert [scope for scope, _ in aggregated] == [
        "zones/us-central1-a",
        "zones/us-central1-b",
        "zones/us-central1-a",
        "zones/us-central1-a",
    ]


def test_429_and_503_are_retried_then_surface(fake):
    http, _ = connect(fake, max_attempts=3)
    fake.fault("/v3/projects/acme-ml-prod", 429, 503)
    assert http.get("cloudresourcemanager.googleapis.com", "/v3/projects/acme-ml-prod")["projectId"]
    assert http.retries == 2
    fake.fault("/v3/projects/acme-ml-prod", 503, 503, 503)
    with pytest.raises(GcpApiError) as err:
        http.get("cloudresourcemanager.googleapis.com", "/v3/projects/acme-ml-prod")
    assert err.value.status == 503 and err.value.code == "UNAVAILABLE"
    assert classify(err.value)[0] is CoverageStatus.ERROR


def test_errors_become_coverage_statuses(fake):
    http, _ = connect(fake)
    fake.deny_project("acme-web")
    with pytest.raises(GcpApiError) as denied:
        http.get("x", "/v3/projects/acme-web")
    assert classify(denied.value)[0] is CoverageStatus.DENIED
    with pytest.raises(GcpApiError) as disabled:
        http.get("x", "/v1/projects/acme-ml-prod/locations/global/floorSetting")
    assert disabled.value.reason == "SERVICE_DISABLED"
    assert classify(disabled.value)[0] is CoverageStatus.SKIPPED


def test_endpoint_override_must_be_https_or_loopback():
    assert check_endpoint("https://private.googleapis.com/") == "https://private.googleapis.com"
    assert check_endpoint("http://127.0.0.1:8080") == "http://127.0.0.1:8080"
    for bad in ("http://10.0.0.5:8080", "ftp://x", "not a url"):
        with pytest.raises(CollectorConfigError):
            check_endpoint(bad)
