"""Hermetic test setup: no real credentials, no metadata probes, only aiscan's own plugins."""

from __future__ import annotations

import os

# Set before any SDK is imported: credential chains must never probe a metadata service.
_HERMETIC_ENV = {
    "AWS_EC2_METADATA_DISABLED": "true",
    "NO_GCE_CHECK": "True",
    "GCE_METADATA_HOST": "127.0.0.1:9",
    "GCE_METADATA_IP": "127.0.0.1:9",
    "AZURE_POD_IDENTITY_AUTHORITY_HOST": "http://127.0.0.1:9",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "AISCAN_NO_PLUGINS": "1",
    "AISCAN_AWS_RETRY_MODE": "standard",
    "AISCAN_AWS_MAX_ATTEMPTS": "2",
    "NO_COLOR": "1",
    # The clouds' clients honour proxy variables; loopback fakes are never reached through one.
    "NO_PROXY": "127.0.0.1,localhost,::1",
    "no_proxy": "127.0.0.1,localhost,::1",
}
os.environ.update(_HERMETIC_ENV)
for _var in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"):
    os.environ.pop(_var, None)


import pytest  # noqa: E402 - the environment above must be set before anything imports an SDK


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One `aiscan demo` for the whole session: stdout (table), and each output format's text."""
    from click.testing import CliRunner

    from aiscan.cli import cli

    out = tmp_path_factory.mktemp("demo")
    formats = ("json", "cyclonedx", "sarif", "ocsf", "html")
    args = ["-q", "demo", "--format", "table"]
    for fmt in formats:
        args += ["-o", f"{fmt}={out / fmt}"]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    return {"table": res.stdout, **{fmt: (out / fmt).read_text() for fmt in formats}}
