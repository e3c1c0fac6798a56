"""Every AWS wire protocol's throttling and 5xx, and dropped connections, through aiscan's
botocore clients: retried to the real answer, and classified as coverage once retries run out.

A 5xx whose body is a load balancer's HTML page (not the protocol's XML or JSON) is the case the
issue hit on the first sts:GetCallerIdentity: botocore alone raises ResponseParserError there,
which it never retries.
"""

from __future__ import annotations

import threading
from collections import Counter

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from aiscan.collectors.aws import transport
from aiscan.collectors.aws.errors import classify
from aiscan.collectors.settings import AwsSettings
from aiscan.core.model import CoverageStatus
from tests.netfakes import DROP, HTML, SERVER_ERROR, THROTTLE, FaultPlan, Front, aws_protocol

#: (botocore service, call, kwargs, wire protocol)
CALLS = [
    ("sts", "get_caller_identity", {}, "query"),
    ("ec2", "describe_instances", {}, "ec2"),
    ("s3", "list_buckets", {}, "rest-xml"),
    ("sagemaker", "list_endpoints", {}, "json"),  # JSON 1.1
    ("dynamodb", "list_tables", {}, "json"),  # JSON 1.0
    ("bedrock", "list_custom_models", {}, "rest-json"),
]
THROTTLE_CODES = {
    "query": "Throttling",
    "ec2": "RequestLimitExceeded",
    "rest-xml": "SlowDown",
    "json": "ThrottlingException",
    "rest-json": "ThrottlingException",
}
FAST = AwsSettings(max_backoff=0.02)


def first_attempts(n: int):
    """A rule predicate true for the first `n` attempts of each distinct request."""
    seen: Counter[tuple[str, str, bytes]] = Counter()
    lock = threading.Lock()

    def predicate(facts) -> bool:
        key = (facts.method, facts.path, facts.body)
        with lock:
            seen[key] += 1
            return seen[key] <= n

    return predicate


def client(service: str, url: str, attempts: int):
    session = boto3.Session(region_name="us-east-1")
    transport.install(session._session)
    config = transport.client_config(AwsSettings(retry_mode="standard")).merge(
        Config(retries={"mode": "standard", "total_max_attempts": attempts})
    )
    c = session.client(service, endpoint_url=url, config=config)
    transport.tune_retries(c, FAST)
    return c


@pytest.fixture(scope="module")
def emulator(aws_estate):
    return aws_estate.url


@pytest.mark.parametrize("kind", [THROTTLE, SERVER_ERROR, HTML, DROP])
@pytest.mark.parametrize(("service", "call", "kwargs", "protocol"), CALLS)
def test_two_faults_then_the_real_answer(emulator, service, call, kwargs, protocol, kind):
    plan = FaultPlan(rules=[(first_attempts(2), kind)])
    seen = []

    def shape(k, facts):
        seen.append(aws_protocol(facts))
        from tests.netfakes import aws_shape

        return aws_shape(k, facts)

    with Front(emulator, plan=plan, shape=shape) as front:
        answer = getattr(client(service, front.url, attempts=3), call)(**kwargs)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert answer["ResponseMetadata"]["RetryAttempts"] == 2
    assert front.injected[kind] == 2
    if kind != DROP:
        assert set(seen) == {protocol}  # the fault really was in this protocol's format


@pytest.mark.parametrize("kind", [THROTTLE, HTML])
@pytest.mark.parametrize(("service", "call", "kwargs", "protocol"), CALLS)
def test_faults_that_never_end_are_coverage_in_every_protocol(
    emulator, service, call, kwargs, protocol, kind
):
    """Exhausted throttling keeps the protocol's code; an endless HTML 503 is retried like any
    5xx and ends as a 503 error, not a parse failure."""
    plan = FaultPlan(rules=[(lambda f: True, kind)])
    with Front(emulator, plan=plan) as front, pytest.raises(ClientError) as err:
        getattr(client(service, front.url, attempts=3), call)(**kwargs)
    assert front.injected[kind] == 3
    expected = THROTTLE_CODES[protocol] if kind == THROTTLE else "503"
    assert err.value.response["Error"]["Code"] == expected
    status, message = classify(err.value)
    assert status is CoverageStatus.ERROR
    assert ("throttled, retries exhausted" if kind == THROTTLE else "503") in message


def test_a_429_with_an_html_body_is_retried_as_throttling(emulator):
    from tests.netfakes import HTML_503

    calls = first_attempts(1)
    plan = FaultPlan(rules=[(calls, "gateway-429")])

    def shape(kind, facts):
        return 429, {"Content-Type": "text/html"}, HTML_503.replace(b"503", b"429")

    with Front(emulator, plan=plan, shape=shape) as front:
        answer = client("sts", front.url, attempts=3).get_caller_identity()
    assert answer["Account"] and answer["ResponseMetadata"]["RetryAttempts"] == 1
