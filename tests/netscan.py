"""Running `aiscan scan` of one cloud's example estate with a chosen network environment.

Each cloud's fake (the seeded moto emulator, the fake ARM, the fake Google APIs) is started once
per test module by the fixtures below; `scan` runs the CLI in process against any endpoint (the
fake itself, or a `netfakes.Front` before it) and returns the exit code and the JSON report.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import trustme
from click.testing import CliRunner

from aiscan.cli import cli

#: Every variable that decides trust or proxies; each scan sets all of them (None = unset), so
#: the machine's own settings (a system CA bundle in SSL_CERT_FILE, a proxy) never leak in.
NETWORK_VARIABLES = (
    "AWS_CA_BUNDLE",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "SSL_CERT_FILE",
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
)
#: The variable that points each cloud's client at an endpoint.
ENDPOINT_VARIABLE = {
    "aws": "AWS_ENDPOINT_URL",
    "azure": "AISCAN_AZURE_ENDPOINT",
    "gcp": "AISCAN_GCP_ENDPOINT",
}


@dataclass
class Estate:
    cloud: str
    url: str  # the fake, over plain http
    env: dict[str, str]  # what a scan of it needs (credentials, endpoint)
    args: tuple[str, ...] = ()  # e.g. --regions for AWS
    handle: Any = None


@dataclass
class PrivateCA:
    ca_file: str  # PEM of the CA, what a user would point REQUESTS_CA_BUNDLE at
    server: Any  # ssl.SSLContext for a server certificate of 127.0.0.1 signed by it


def private_ca(directory: Path) -> PrivateCA:
    import ssl

    ca = trustme.CA(organization_name="aiscan test corporate proxy CA")
    cert = ca.issue_cert("127.0.0.1", "localhost")
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(ctx)
    path = directory / "corporate-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return PrivateCA(str(path), ctx)


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> PrivateCA:
    return private_ca(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="module")
def aws_estate() -> Iterator[Estate]:
    from aiscan.demo.emulator import AwsEmulator, demo_environment
    from aiscan.demo.estate import seed_aws

    with AwsEmulator() as emulator:
        report = seed_aws(emulator)
        env = demo_environment(emulator.url)
        yield Estate("aws", emulator.url, env, ("--regions", ",".join(report.regions)), emulator)


@pytest.fixture(scope="module")
def azure_estate() -> Iterator[Estate]:
    from aiscan.demo.azure import running_azure_demo

    with running_azure_demo() as env:
        yield Estate("azure", env["AISCAN_AZURE_ENDPOINT"], dict(env))


@pytest.fixture(scope="module")
def gcp_estate() -> Iterator[Estate]:
    from aiscan.demo.gcp import running_gcp_demo

    with running_gcp_demo() as env:
        yield Estate("gcp", env["AISCAN_GCP_ENDPOINT"], dict(env))


def scan(
    estate: Estate,
    *,
    endpoint: str | None = None,
    network: Mapping[str, str] | None = None,
    extra_env: Mapping[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    """`aiscan scan --cloud <cloud> --format json` at `endpoint` (default: the fake itself)."""
    env: dict[str, str | None] = dict.fromkeys(NETWORK_VARIABLES)
    env.update(estate.env)
    env[ENDPOINT_VARIABLE[estate.cloud]] = endpoint or estate.url
    env.update(network or {})
    env.update(extra_env or {})
    res = CliRunner().invoke(
        cli, ["-q", "scan", "--cloud", estate.cloud, "--format", "json", *estate.args], env=env
    )
    assert res.exit_code in (0, 1, 3), res.output
    return res.exit_code, json.loads(res.stdout)


def asset_ids(doc: Mapping[str, Any]) -> set[str]:
    return {a["id"] for a in doc["assets"]}


def problems(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [c for c in doc["coverage"] if c["status"] in ("denied", "error")]


@pytest.fixture(scope="module")
def clean_scan(request: pytest.FixtureRequest) -> Any:
    """`clean_scan(cloud, env)`: the fault-free scan of a cloud's estate, run once per module."""
    cache: dict[str, tuple[int, dict[str, Any]]] = {}

    def get(cloud: str, env: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
        if cloud not in cache:
            estate = request.getfixturevalue(f"{cloud}_estate")
            code, doc = scan(estate, extra_env=env)
            assert not problems(doc) and len(doc["assets"]) > 5, problems(doc)
            cache[cloud] = (code, doc)
        return cache[cloud]

    return get
