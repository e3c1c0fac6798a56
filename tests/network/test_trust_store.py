"""Trust stores and proxies in all three clouds, as each SDK's users configure them.

Each cloud's example estate is served over HTTPS by a certificate of a private CA (what a
TLS-inspecting corporate proxy or a private endpoint presents). With the CA configured the scan
finds every asset the plain-http scan finds; without it every read fails verification, and the
scan says so in coverage and exits 3, never a silent green. Through a CONNECT proxy on loopback
(HTTPS_PROXY) the same holds, and the proxy saw the tunnels; NO_PROXY is honoured.
"""

from __future__ import annotations

import pytest

from tests.netfakes import ConnectProxy, FaultPlan, Front
from tests.netscan import asset_ids, problems, scan

SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"  # exists on Debian; checked below

#: (cloud, the variable a user of that cloud's SDK sets): every one must be honoured.
CASES = [
    ("aws", "AWS_CA_BUNDLE"),
    ("aws", "REQUESTS_CA_BUNDLE"),
    ("aws", "SSL_CERT_FILE"),
    ("azure", "REQUESTS_CA_BUNDLE"),
    ("azure", "SSL_CERT_FILE"),
    ("gcp", "REQUESTS_CA_BUNDLE"),
    ("gcp", "SSL_CERT_FILE"),
]


@pytest.fixture(scope="module")
def baselines(aws_estate, azure_estate, gcp_estate):
    """The plain-http scan of each estate: what a trusted HTTPS scan must find too."""
    out = {}
    for estate in (aws_estate, azure_estate, gcp_estate):
        code, doc = scan(estate)
        assert code in (0, 1) and not problems(doc), problems(doc)
        out[estate.cloud] = doc
    return out


def _estate(request, cloud):
    return request.getfixturevalue(f"{cloud}_estate")


@pytest.fixture
def tls_front(request, ca):
    def start(estate):
        front = Front(estate.url, tls=ca.server, plan=FaultPlan())
        request.addfinalizer(lambda: front.__exit__(None, None, None))
        return front.__enter__()

    return start


@pytest.mark.parametrize(("cloud", "variable"), CASES)
def test_private_ca_in_the_sdks_own_variable_finds_every_asset(
    request, baselines, ca, tls_front, cloud, variable
):
    estate = _estate(request, cloud)
    front = tls_front(estate)
    code, doc = scan(estate, endpoint=front.url, network={variable: ca.ca_file})
    assert not problems(doc), problems(doc)
    assert asset_ids(doc) == asset_ids(baselines[cloud])
    assert len(doc["assets"]) > 5
    assert front.requests > 0  # the scan went through the HTTPS front, not around it


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_without_the_ca_the_scan_is_incomplete_and_says_why(request, ca, tls_front, cloud):
    import os

    assert os.path.isfile(SYSTEM_BUNDLE)
    estate = _estate(request, cloud)
    front = tls_front(estate)
    # Every variable names the system bundle, which does not hold the private CA.
    network = dict.fromkeys(
        ("AWS_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"), SYSTEM_BUNDLE
    )
    code, doc = scan(estate, endpoint=front.url, network=network)
    assert code == 3
    assert doc["assets"] == []
    messages = " ".join(c["message"] for c in problems(doc))
    assert "TLS certificate not trusted" in messages
    assert ("AWS_CA_BUNDLE" if cloud == "aws" else "REQUESTS_CA_BUNDLE") in messages


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_https_proxy_carries_the_scan_and_no_proxy_bypasses_it(
    request, baselines, ca, tls_front, cloud
):
    estate = _estate(request, cloud)
    front = tls_front(estate)
    trust = {"REQUESTS_CA_BUNDLE": ca.ca_file, "AWS_CA_BUNDLE": ca.ca_file}
    with ConnectProxy() as proxy:
        proxied = {**trust, "HTTPS_PROXY": proxy.url, "NO_PROXY": ""}
        code, doc = scan(estate, endpoint=front.url, network=proxied)
        assert not problems(doc), problems(doc)
        assert asset_ids(doc) == asset_ids(baselines[cloud])
        host = front.url.split("://", 1)[1]
        assert proxy.tunnels[host] > 0 and set(proxy.tunnels) == {host}

        before = proxy.total
        bypassed = {**proxied, "NO_PROXY": "127.0.0.1,localhost"}
        code, doc = scan(estate, endpoint=front.url, network=bypassed)
        assert asset_ids(doc) == asset_ids(baselines[cloud])
        assert proxy.total == before


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_a_ca_variable_naming_no_file_is_a_usage_error(request, tmp_path, cloud):
    from click.testing import CliRunner

    from aiscan.cli import cli
    from tests.netscan import ENDPOINT_VARIABLE, NETWORK_VARIABLES

    estate = _estate(request, cloud)
    env = dict.fromkeys(NETWORK_VARIABLES)
    env.update(estate.env)
    env[ENDPOINT_VARIABLE[cloud]] = estate.url
    env["REQUESTS_CA_BUNDLE"] = str(tmp_path / "missing.pem")
    res = CliRunner().invoke(cli, ["-q", "scan", "--cloud", cloud, *estate.args], env=env)
    assert res.exit_code == 2, res.output
    assert "REQUESTS_CA_BUNDLE" in res.output
