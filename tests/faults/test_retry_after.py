"""Azure and Google Cloud clients wait as long as a 429's Retry-After asks (backoff itself is set
to milliseconds here, so only the header can explain the wait), then get the real answer."""

from __future__ import annotations

import time

from tests.faults.test_aws_protocols import first_attempts
from tests.netfakes import THROTTLE, FaultPlan, Front, azure_shape, gcp_shape


def test_arm_client_honours_retry_after(azure_estate):
    from aiscan.collectors.azure.arm import ArmClient

    plan = FaultPlan(rules=[(first_attempts(1), THROTTLE)])
    with Front(
        azure_estate.url, plan=plan, shape=lambda k, f: azure_shape(k, f, retry_after="1")
    ) as front:
        arm = ArmClient(front.url, token=azure_estate.env["AISCAN_AZURE_TOKEN"], max_retries=3)
        started = time.monotonic()
        subscriptions = list(arm.list("/subscriptions", "2022-12-01"))
        waited = time.monotonic() - started
        arm.close()
    assert front.injected[THROTTLE] >= 1
    assert subscriptions and waited >= 1.0


def test_google_client_honours_retry_after(gcp_estate):
    from google.oauth2.credentials import Credentials

    from aiscan.collectors.gcp.http import GcpHttp, authorized_session

    plan = FaultPlan(rules=[(first_attempts(1), THROTTLE)])
    with Front(
        gcp_estate.url, plan=plan, shape=lambda k, f: gcp_shape(k, f, retry_after="1")
    ) as front:
        session = authorized_session(
            Credentials(token=gcp_estate.env["AISCAN_GCP_TOKEN"]), refresh=False, environ={}
        )
        http = GcpHttp(session, endpoint=front.url, max_attempts=3, backoff=0.001)
        started = time.monotonic()
        projects = list(
            http.items("cloudresourcemanager.googleapis.com", "/v3/projects:search", "projects")
        )
        waited = time.monotonic() - started
    assert front.injected[THROTTLE] == 1 and http.retries == 1
    assert projects and waited >= 1.0
