"""`aiscan demo` builds its collectors' settings itself: it needs nothing from the process
environment, is not misled by what is there, and never changes it."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from click.testing import CliRunner

#: Prefixes of every variable a scan of any cloud could be configured by.
CLOUD_PREFIXES = ("AWS_", "AISCAN_AWS_", "AISCAN_AZURE_", "AISCAN_GCP_", "AZURE_", "GOOGLE_")
#: Values that would send a scan that consulted the environment somewhere else, or fail it.
MISLEADING = {
    "AWS_PROFILE": "elsewhere",  # a profile of the config file below
    "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
    "AWS_ENDPOINT_URL_SAGEMAKER": "http://127.0.0.1:9",
    "AISCAN_AZURE_ENDPOINT": "http://127.0.0.1:9",
    "AISCAN_AZURE_TOKEN": "not-the-demo-token",
    "AISCAN_GCP_ENDPOINT": "http://127.0.0.1:9",
    "AISCAN_GCP_TOKEN": "not-the-demo-token",
}


def test_demo_needs_no_environment_ignores_it_and_leaves_it_untouched(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    import aiscan.scan
    from aiscan.cli import cli

    for var in list(os.environ):
        if var.startswith(CLOUD_PREFIXES):
            monkeypatch.delenv(var)
    for var, value in MISLEADING.items():
        monkeypatch.setenv(var, value)
    config = tmp_path / "aws-config"
    config.write_text(
        "[profile elsewhere]\nregion = eu-west-3\nendpoint_url = http://127.0.0.1:9\n"
        "aws_access_key_id = AKIAELSEWHERE\naws_secret_access_key = elsewhere\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    before = dict(os.environ)
    during: list[dict[str, str]] = []
    real_collect = aiscan.scan.collect

    def watched_collect(*args: Any, **kwargs: Any) -> Any:
        during.append(dict(os.environ))  # what the collectors run with
        return real_collect(*args, **kwargs)

    monkeypatch.setattr(aiscan.scan, "collect", watched_collect)
    out = tmp_path / "demo.json"
    res = CliRunner().invoke(cli, ["-q", "demo", "--format", "json", "-o", f"json={out}"])
    assert res.exit_code == 0, res.output
    assert during == [before], "the demo changed the environment its collectors run in"
    assert dict(os.environ) == before
    doc = json.loads(out.read_text())
    assert {a["cloud"] for a in doc["assets"]} == {"aws", "azure", "gcp"}
    incomplete = [c for c in doc["coverage"] if c["status"] not in ("ok", "skipped")]
    assert incomplete == []
