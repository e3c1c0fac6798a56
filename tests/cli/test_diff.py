"""`aiscan diff` around real changes: two scans of the AWS emulation (moto), with an endpoint
added, a public bucket fixed and a private bucket made public in between."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from aiscan.cli import cli
from aiscan.core.model import (
    Asset,
    AssetKind,
    Cloud,
    Coverage,
    CoverageStatus,
    ScanInfo,
    ScanResult,
    ToolInfo,
)
from aiscan.demo.emulator import AwsEmulator, demo_environment, demo_unset
from aiscan.demo.estate import seed_aws

ACCOUNT = "123456789012"
REGIONS = "us-east-1,us-west-2,eu-west-1"
SHADOW = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:endpoint/shadow-llm"
FIXED = "arn:aws:s3:::acme-ml-model-artifacts"
OPENED = "arn:aws:s3:::acme-ml-models-private"
PUBLIC_RULE = "XC-SC-009"


def invoke(env: dict[str, str], *args: str) -> Any:
    return CliRunner().invoke(cli, ["-q", *args], env=env)


def scan(env: dict[str, str], out: Path, store: Path) -> None:
    res = invoke(
        env,
        "scan",
        "--cloud",
        "aws",
        "--regions",
        REGIONS,
        "--format",
        "json",
        "-o",
        f"json={out}",
        "--store",
        str(store),
    )
    assert res.exit_code in (0, 1), res.output


def open_bucket(s3: Any, name: str) -> None:
    s3.delete_public_access_block(Bucket=name)
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{name}/*",
            }
        ],
    }
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("diff")
    with AwsEmulator() as emu:
        seed_aws(emu)
        env = {k: v for k, v in os.environ.items() if k not in demo_unset(os.environ)}
        env.update(demo_environment(emu.url))
        store = tmp / "scans.db"
        scan(env, tmp / "1.json", store)
        client = {"endpoint_url": emu.url, "region_name": "us-east-1"}
        sm, s3 = boto3.client("sagemaker", **client), boto3.client("s3", **client)
        sm.create_endpoint(EndpointName="shadow-llm", EndpointConfigName="llama31-8b-chat-config")
        s3.delete_bucket_policy(Bucket="acme-ml-model-artifacts")
        open_bucket(s3, "acme-ml-models-private")
        scan(env, tmp / "2.json", store)
        s3.put_bucket_policy(
            Bucket="acme-ml-model-artifacts",
            Policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": "*",
                            "Action": "s3:GetObject",
                            "Resource": "arn:aws:s3:::acme-ml-model-artifacts/*",
                        }
                    ],
                }
            ),
        )
        scan(env, tmp / "3.json", store)
        yield {"env": env, "tmp": tmp, "store": store}


def diff_json(history: dict[str, Any], *args: str) -> tuple[int, dict[str, Any]]:
    res = invoke(history["env"], "diff", *args, "--format", "json")
    assert res.exit_code in (0, 1), res.output
    return res.exit_code, json.loads(res.stdout)


def test_the_diff_shows_exactly_the_changes_made(history):
    tmp = history["tmp"]
    code, d = diff_json(history, str(tmp / "1.json"), str(tmp / "2.json"))
    assert code == 0
    assert d["scope"]["same"] is True
    assert [a["id"] for a in d["assets_appeared"]] == [SHADOW]
    assert d["assets_disappeared"] == []
    changed = {c["asset"]["id"]: c["changes"] for c in d["assets_changed"]}
    assert set(changed) == {FIXED, OPENED}
    assert all(c["aspect"] in ("exposure", "identity") for cs in changed.values() for c in cs)
    public = {i: next(c for c in cs if c["attribute"] == "public") for i, cs in changed.items()}
    assert (public[FIXED]["old"], public[FIXED]["new"]) == (True, False)
    assert (public[OPENED]["old"], public[OPENED]["new"]) == (False, True)
    new = {(f["rule_id"], f["asset_id"]) for f in d["findings_new"]}
    assert (PUBLIC_RULE, OPENED) in new
    assert {asset for _, asset in new} <= {SHADOW, OPENED}
    resolved = {(f["rule_id"], f["asset_id"]) for f in d["findings_resolved"]}
    assert (PUBLIC_RULE, FIXED) in resolved
    assert {asset for _, asset in resolved} == {FIXED}
    assert d["findings_regressed"] == []


def test_every_format_shows_the_same_change(history):
    tmp = history["tmp"]
    md, table = tmp / "d.md", tmp / "d.txt"
    res = invoke(
        history["env"],
        "diff",
        str(tmp / "1.json"),
        str(tmp / "2.json"),
        "-o",
        f"markdown={md}",
        "-o",
        f"table={table}",
    )
    assert res.exit_code == 0, res.output
    for text in (res.stdout, table.read_text(), md.read_text()):
        plain = text.replace("\\", "")
        assert "shadow-llm" in plain
        assert "acme-ml-models-private" in plain and "acme-ml-model-artifacts" in plain
        assert PUBLIC_RULE in plain
        assert "1 appeared" in plain and "0 disappeared" in plain and "2 changed" in plain
    markdown = md.read_text()
    assert "### New findings" in markdown and "### Resolved findings" in markdown
    row = next(
        line
        for line in markdown.splitlines()
        if "acme-ml-models-private" in line and "`public`" in line
    )
    assert "`false`" in row and "`true`" in row


def test_defaults_to_the_two_newest_comparable_stored_scans_and_finds_the_regression(history):
    code, d = diff_json(history, "--store", str(history["store"]))
    assert d["old"]["source"] != d["new"]["source"]
    regressed = {(f["rule_id"], f["asset_id"]): f for f in d["findings_regressed"]}
    assert (PUBLIC_RULE, FIXED) in regressed
    assert "earlier" in regressed[(PUBLIC_RULE, FIXED)]["why"]
    assert all(f["asset_id"] != FIXED for f in d["findings_new"])
    code, _ = diff_json(history, str(history["tmp"] / "2.json"), str(history["tmp"] / "3.json"))
    assert code == 0


def test_fail_on_new_alerts_at_the_threshold_only(history):
    one, two = str(history["tmp"] / "1.json"), str(history["tmp"] / "2.json")
    env = history["env"]
    assert invoke(env, "diff", one, two, "--fail-on-new", "critical").exit_code == 1
    assert invoke(env, "diff", one, two, "--fail-on-new", "CRITICAL").exit_code == 1
    assert invoke(env, "diff", one, two).exit_code == 0
    assert invoke(env, "diff", two, two, "--fail-on-new", "info").exit_code == 0


def test_usage_errors_exit_2(history, tmp_path):
    env = history["env"]
    assert invoke(env, "diff").exit_code == 2
    assert invoke(env, "diff", str(history["tmp"] / "1.json")).exit_code == 2
    bad = tmp_path / "bad.json"
    bad.write_text('{"not": "a result"}')
    res = invoke(env, "diff", str(bad), str(history["tmp"] / "1.json"))
    assert res.exit_code == 2 and "aiscan JSON result" in " ".join(res.output.split())
    assert invoke(env, "diff", "nope", "nada", "--store", str(history["store"])).exit_code == 2


# -- hostile text -----------------------------------------------------------------------------

EVIL = "x|y`](https://evil.example)<img src=x onerror=alert(1)>\n# owned @team *b* \x1b[31m"


def _result(assets: tuple[Asset, ...], day: int) -> ScanResult:
    started = datetime(2026, 11, day, tzinfo=UTC)
    cov = Coverage(
        cloud=Cloud.AWS,
        account=ACCOUNT,
        region="us-east-1",
        service="sagemaker",
        status=CoverageStatus.OK,
    )
    return ScanResult(
        tool=ToolInfo(version="t"),
        scan=ScanInfo(started=started, finished=started),
        assets=assets,
        coverage=(cov,),
    )


def test_hostile_names_and_values_stay_inert_in_markdown_and_table(tmp_path):
    evil = Asset(
        id=f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:endpoint/{EVIL}",
        cloud=Cloud.AWS,
        account=ACCOUNT,
        region="us-east-1",
        kind=AssetKind.ENDPOINT,
        service="sagemaker",
        type="AWS::SageMaker::Endpoint",
        name=EVIL,
        attributes={"endpoint_url": "a"},
    )
    changed = evil.model_copy(update={"attributes": {"endpoint_url": EVIL}})
    old, new = tmp_path / "o.json", tmp_path / "n.json"
    old.write_text(_result((evil,), 1).model_dump_json())
    new.write_text(_result((changed,), 2).model_dump_json())
    res = invoke({}, "diff", str(old), str(new), "--format", "markdown")
    assert res.exit_code == 0, res.output
    md = res.stdout
    assert "\x1b" not in md
    html = MarkdownIt("commonmark").enable("table").render(md)
    assert "<img" not in html and "<a " not in html and "<h1" not in html and "<em>" not in html
    for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)[1:]:
        assert row.count("<td") in (4, 5), row  # findings rows have 4 cells, changes 5
    assert "&lt;img src=x" in html  # shown, as text
    table = invoke({}, "diff", str(old), str(new)).stdout
    assert "\x1b" not in table and "endpoint_url" in table


def test_a_scope_one_scan_could_not_read_exits_3_and_says_so(tmp_path):
    ok = _result((), 1)
    denied = ok.model_copy(
        update={"coverage": (ok.coverage[0].model_copy(update={"status": CoverageStatus.DENIED}),)}
    )
    old, new = tmp_path / "o.json", tmp_path / "n.json"
    old.write_text(ok.model_dump_json())
    new.write_text(denied.model_dump_json())
    res = invoke({}, "diff", str(old), str(new), "--format", "json")
    assert res.exit_code == 3
    d = json.loads(res.stdout)
    assert d["scope"]["unread"] == [f"aws {ACCOUNT} us-east-1 sagemaker (denied)"]
    assert invoke({}, "diff", str(old), str(new), "--allow-partial").exit_code == 0
