"""The store from the command line: `scan --store`, `history`, `prune`, lifecycle in every output.

Scans read the Google Cloud emulation (the real REST collector against the local fake server)."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from aiscan.cli import cli
from aiscan.core.model import ScanResult
from aiscan.demo.gcp import running_gcp_demo
from aiscan.store import open_store
from tests.store.results import result


def _invoke(args: list[str], env: dict[str, str] | None = None) -> Result:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AISCAN_GCP", "AISCAN_ST"))}
    return CliRunner().invoke(
        cli, args, env={**clean, **(env or {}), "AISCAN_GCP_BACKOFF": "0.001"}
    )


def _history(url: str) -> list[dict[str, Any]]:
    res = _invoke(["history", "--store", url, "--format", "json"])
    assert res.exit_code == 0, res.output
    rows: list[dict[str, Any]] = json.loads(res.stdout)
    return rows


def _stored_id(res: Result) -> str:
    match = re.search(r"stored scan (\S+) in ", res.stderr)
    assert match, res.stderr
    return match.group(1)


def test_scans_with_a_store_have_history_and_first_seen_in_every_format(
    store_url: str, tmp_path: Path
) -> None:
    docs, ids = [], []
    with running_gcp_demo() as env:
        for i in range(2):
            sarif, ocsf = tmp_path / f"{i}.sarif", tmp_path / f"{i}.ocsf"
            args = ["scan", "--cloud", "gcp", "--format", "json", "--store", store_url]
            args += ["--fail-on", "high", "-o", f"sarif={sarif}", "-o", f"ocsf={ocsf}"]
            res = _invoke(args, env)
            assert res.exit_code == 1, res.output  # the example estate fails a high gate
            docs.append(ScanResult.model_validate_json(res.stdout))
            ids.append(_stored_id(res))
    first, second = docs
    assert first.findings
    assert all(f.first_seen == first.scan.started for f in first.findings)
    # The second scan dates every finding from the first one.
    for f in second.findings:
        assert (f.first_seen, f.last_seen) == (first.scan.started, second.scan.started)
        assert f.age_days == 0
    sarif_results = json.loads((tmp_path / "1.sarif").read_text())["runs"][0]["results"]
    first_z = first.scan.started.isoformat().replace("+00:00", "Z")
    assert {r["provenance"]["firstDetectionTimeUtc"] for r in sarif_results} == {first_z}
    assert {r["properties"]["age-days"] for r in sarif_results} == {0}
    events = json.loads((tmp_path / "1.ocsf").read_text())
    assert {e["finding_info"]["first_seen_time_dt"] for e in events} == {first_z}
    assert {e["finding_info"]["last_seen_time"] for e in events} == {
        int(second.scan.started.timestamp() * 1000)
    }

    rows = _history(store_url)
    assert [r["id"] for r in rows] == ids[::-1]
    assert rows[0]["assets"] == len(second.assets)
    assert rows[0]["findings"] == len(second.findings)
    assert rows[0]["exit_code"] == 1
    assert rows[0]["clouds"] == ["gcp"]
    with open_store(store_url) as store:
        assert store.load(ids[1]) == second  # the JSON report and the stored scan agree


def test_without_a_store_lifecycle_fields_are_null() -> None:
    with running_gcp_demo() as env:
        res = _invoke(["-q", "scan", "--cloud", "gcp", "--format", "json"], env)
    doc = json.loads(res.stdout)
    assert doc["findings"]
    assert {(f["first_seen"], f["last_seen"], f["age_days"]) for f in doc["findings"]} == {
        (None, None, None)
    }


def test_inventory_and_demo_store_too(tmp_path: Path) -> None:
    url = str(tmp_path / "nested" / "scans.db")  # parent directories are created
    with running_gcp_demo() as env:
        res = _invoke(
            ["-q", "inventory", "--cloud", "gcp", "--format", "json"], env | {"AISCAN_STORE": url}
        )
    assert res.exit_code == 0, res.output
    res = _invoke(["-q", "demo", "--cloud", "gcp", "--format", "json", "--store", url])
    assert res.exit_code == 0, res.output
    demo_rows, inventory_rows = _history(url)
    assert inventory_rows["findings"] == 0 and inventory_rows["assets"] > 0
    assert demo_rows["findings"] > 0


def test_history_table_lists_scans_and_says_when_there_are_none(tmp_path: Path) -> None:
    url = str(tmp_path / "scans.db")
    res = _invoke(["history", "--store", url])
    assert res.exit_code == 0 and "no scans stored yet" in res.stdout
    with open_store(url) as store:
        scan_id = store.save(
            result(3, scope={"clouds": ["aws"], "regions": ["eu-west-1"], "shard": "1/3"}),
            exit_code=3,
        )
    res = _invoke(["history"], {"AISCAN_STORE": url, "COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    row = next(line for line in res.stdout.splitlines() if scan_id in line)
    assert "regions eu-west-1" in row and "shard 1/3" in row
    assert re.search(r"\b3\s+│\s+3\s+│\s+1\s+│\s+3\s+│", row), (
        row
    )  # assets findings incomplete exit


def test_prune_applies_the_retention_policy(store_url: str) -> None:
    now = datetime.now(UTC)
    with open_store(store_url) as store:
        for days in (90, 45, 1):
            store.save(result(2, started=now - timedelta(days=days)), exit_code=0)
    res = _invoke(["prune", "--store", store_url, "--keep-days", "30"])
    assert res.exit_code == 0, res.output
    assert "removed 2 scan(s) older than 30 day(s); 1 kept" in res.stdout
    assert len(_history(store_url)) == 1
    assert _invoke(["prune", "--store", store_url, "--keep-days", "-1"]).exit_code == 2


def test_an_unusable_store_fails_before_the_scan_starts(tmp_path: Path) -> None:
    res = _invoke(["scan", "--cloud", "gcp", "--store", "mysql://u@h/db"])
    assert res.exit_code == 2
    assert "unsupported store" in res.stderr
    not_a_db = tmp_path / "notes.txt"
    not_a_db.write_text("hello, this is not a database\n" * 100)
    res = _invoke(["history", "--store", str(not_a_db)])
    assert res.exit_code == 2
    assert "file is not a database" in " ".join(res.stderr.split())


def test_a_store_password_never_reaches_the_terminal() -> None:
    url = "postgresql+psycopg://scanner:s3cr3t-pw@127.0.0.1:9/aiscan?connect_timeout=2"
    res = _invoke(["history", "--store", url])
    assert res.exit_code == 2
    assert "s3cr3t-pw" not in res.output + res.stderr
    assert "scanner:***@127.0.0.1:9" in res.stderr


def test_store_urls_are_shown_without_their_password() -> None:
    from aiscan.cli.storing import display_url

    shown = display_url("postgresql+psycopg://u:p%40ss@db.internal:5432/aiscan?x=a@b")
    assert shown == "postgresql+psycopg://u:***@db.internal:5432/aiscan?x=a@b"
    assert display_url("postgres://u@h/db") == "postgres://u@h/db"
    assert display_url("/var/lib/aiscan/scans.db") == "/var/lib/aiscan/scans.db"
