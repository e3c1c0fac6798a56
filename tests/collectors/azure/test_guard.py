"""The read-only guard refuses every write through the real azure-core pipeline, before it is
sent; the token never travels over plain http beyond loopback; links never leave the endpoint."""

from __future__ import annotations

import pytest

from aiscan.collectors.azure.arm import ArmClient, ArmError, InsecureTransport
from aiscan.collectors.azure.errors import classify
from aiscan.collectors.azure.guard import ReadOnlyViolation, is_read_only
from aiscan.core.model import CoverageStatus
from tests.collectors.azure.conftest import RG1

ACCOUNT = f"{RG1}/Microsoft.CognitiveServices/accounts/oai-chat-prod"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", ACCOUNT, True),
        ("HEAD", ACCOUNT, True),
        ("POST", "/providers/Microsoft.ResourceGraph/resources", True),
        ("POST", f"{ACCOUNT}/listKeys", False),
        ("POST", f"{ACCOUNT}/regenerateKey", False),
        ("POST", "/subscriptions/s/providers/Microsoft.CognitiveServices/register", False),
        ("POST", "/providers/Microsoft.ResourceGraph/resources/../../x/listKeys", False),
        ("PUT", ACCOUNT, False),
        ("PATCH", ACCOUNT, False),
        ("DELETE", ACCOUNT, False),
        ("GET", f"{ACCOUNT}/listKeys", False),
    ],
)
def test_only_reads_are_allowed(method, path, allowed):
    assert is_read_only(method, f"https://management.azure.com{path}?api-version=1") is allowed


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", ACCOUNT),
        ("DELETE", ACCOUNT),
        ("POST", f"{ACCOUNT}/listKeys"),
        ("POST", "/subscriptions/s/providers/Microsoft.CognitiveServices/register"),
    ],
)
def test_a_write_is_refused_before_it_reaches_arm(fake, method, path):
    arm = ArmClient(fake.url, token=fake.token)
    try:
        with pytest.raises(ReadOnlyViolation, match="read-only"):
            arm.send(method, arm.url(path, "2024-10-01"), body={"properties": {}})
        assert arm.get(ACCOUNT, "2024-10-01")["name"] == "oai-chat-prod"  # reads still work
    finally:
        arm.close()
    assert fake.requests == [("GET", ACCOUNT)]
    status, message = classify(ReadOnlyViolation(f"aiscan is read-only: refused {method}"))
    assert status is CoverageStatus.ERROR and "read-only" in message


def test_token_never_sent_over_http_beyond_loopback():
    arm = ArmClient("http://arm.example.invalid", token="secret")
    try:
        with pytest.raises(InsecureTransport):
            arm.get("/subscriptions", "2022-12-01")
    finally:
        arm.close()


def test_next_links_never_leave_the_endpoint(fake):
    arm = ArmClient(fake.url, token=fake.token)
    try:
        with pytest.raises(ArmError, match="ForeignLink"):
            arm.get_url("https://attacker.example/subscriptions?api-version=1")
    finally:
        arm.close()
    assert fake.requests == []


def test_wrong_token_is_denied(fake):
    arm = ArmClient(fake.url, token="not-the-token")
    try:
        with pytest.raises(ArmError) as err:
            arm.get("/subscriptions", "2022-12-01")
    finally:
        arm.close()
    assert classify(err.value)[0] is CoverageStatus.DENIED


def test_endpoint_from_cloud_or_override_and_token_claims():
    import base64
    import json

    from aiscan.collectors.azure.arm import arm_endpoint, token_claims
    from aiscan.collectors.settings import AzureSettings

    def settings(env: dict[str, str]) -> AzureSettings:
        return AzureSettings.from_environ(env)

    assert arm_endpoint("china", settings({})) == "https://management.chinacloudapi.cn"
    assert arm_endpoint("usgov", settings({})) == "https://management.usgovcloudapi.net"
    override = settings({"AISCAN_AZURE_ENDPOINT": "https://arm.contoso.example/"})
    assert arm_endpoint("public", override) == "https://arm.contoso.example"
    with pytest.raises(ValueError, match="not an http"):
        arm_endpoint("public", settings({"AISCAN_AZURE_ENDPOINT": "ftp://x"}))
    claims = {"tid": "t-1", "oid": "o-1", "appid": "a-1"}
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    assert token_claims(f"h.{body}.s") == {"tenant": "t-1", "object_id": "o-1", "app_id": "a-1"}
    assert token_claims("opaque") == {}
