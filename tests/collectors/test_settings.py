"""Collectors are configured by the settings object of the scan request, never by the process
environment: the documented variables are read once, at the edge (the CLI)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from aiscan.collectors.settings import AwsSettings, AzureSettings, GcpSettings, ScanSettings

ROOT = Path(__file__).resolve().parents[2] / "aiscan"


def environment_reads(source: str) -> list[str]:
    """Every place the code touches the process environment (``os.environ``, ``os.getenv``,
    ``os.putenv``, ``from os import environ`` ...), as ``line: text``."""
    found = []
    names = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}
    for node in ast.walk(ast.parse(source)):
        hit = (
            isinstance(node, ast.Attribute)
            and node.attr in names
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
        ) or (
            isinstance(node, ast.ImportFrom)
            and node.module == "os"
            and any(alias.name in names for alias in node.names)
        )
        if hit:
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def test_the_check_finds_what_it_looks_for() -> None:
    code = "import os\nfrom os import getenv\nx = os.environ.get('A')\ny = os.getenv('B')\n"
    assert len(environment_reads(code)) == 3
    assert environment_reads("def detect(environ):\n    return environ.get('A')\n") == []


@pytest.mark.parametrize(
    "path",
    [
        *sorted((ROOT / "collectors").rglob("*.py")),
        *sorted((ROOT / "demo").rglob("*.py")),
        ROOT / "cli" / "demo.py",
    ],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_collector_or_demo_module_touches_the_process_environment(path: Path) -> None:
    assert environment_reads(path.read_text()) == [], (
        f"{path.relative_to(ROOT)} reads the environment: take the value from the collector's "
        "settings (aiscan/collectors/settings.py), filled once by the CLI"
    )


def test_every_documented_variable_fills_its_setting() -> None:
    env = {
        "AISCAN_AWS_RETRY_MODE": "standard",
        "AISCAN_AWS_MAX_ATTEMPTS": "3",
        "AISCAN_AWS_MAX_BACKOFF": "0.5",
        "AWS_ENDPOINT_URL": "https://vpce.example",
        "AISCAN_AZURE_TOKEN": "azure-token",
        "AISCAN_AZURE_ENDPOINT": "https://arm.example",
        "AISCAN_AZURE_MAX_RETRIES": "2",
        "AISCAN_AZURE_BACKOFF": "0.1",
        "AISCAN_AZURE_BLOB_ENDPOINT": "https://blob.example",
        "AISCAN_AZURE_STORAGE_TOKEN": "storage-token",
        "AISCAN_GCP_TOKEN": "gcp-token",
        "AISCAN_GCP_ENDPOINT": "https://psc.example",
        "AISCAN_GCP_MAX_ATTEMPTS": "4",
        "AISCAN_GCP_BACKOFF": "0.2",
        "SSL_CERT_FILE": "/etc/ca.pem",
        "UNRELATED": "x",
    }
    s = ScanSettings.from_environ(env)
    assert s.aws == AwsSettings(
        retry_mode="standard",
        max_attempts=3,
        max_backoff=0.5,
        s3control_endpoint="https://vpce.example",
        trust={"variables": {"SSL_CERT_FILE": "/etc/ca.pem"}},
    )
    assert s.azure.token is not None and s.azure.token.get_secret_value() == "azure-token"
    assert (s.azure.endpoint, s.azure.max_retries, s.azure.backoff) == (
        "https://arm.example",
        2,
        0.1,
    )
    assert s.azure.blob_endpoint == "https://blob.example"
    assert s.azure.storage_token is not None
    assert s.gcp.token is not None and s.gcp.token.get_secret_value() == "gcp-token"
    assert (s.gcp.endpoint, s.gcp.max_attempts, s.gcp.backoff) == ("https://psc.example", 4, 0.2)
    assert s.gcp.trust.variables == {"SSL_CERT_FILE": "/etc/ca.pem"}
    # tokens never show in a repr, a log line or a dump
    assert "gcp-token" not in repr(s) and "azure-token" not in s.model_dump_json()


def test_settings_are_frozen_and_defaults_need_no_environment() -> None:
    s = ScanSettings()
    assert (s.aws.retry_mode, s.aws.max_attempts, s.aws.max_backoff) == ("adaptive", 6, None)
    assert (s.azure.max_retries, s.azure.backoff) == (6, 0.8)
    assert (s.gcp.max_attempts, s.gcp.backoff) == (5, 0.5)
    with pytest.raises(ValueError, match="frozen"):
        s.gcp.endpoint = "https://elsewhere.example"  # type: ignore[misc]
    assert isinstance(s.of("azure"), AzureSettings) and isinstance(s.of("gcp"), GcpSettings)
    assert s.of("local") is None
