"""`--shard K/N` + `aiscan merge` equal one unsharded scan, on all three clouds' emulations:
asset for asset, relation for relation, coverage record for record, finding for finding."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from aiscan.cli import cli
from aiscan.demo.azure import running_azure_demo
from aiscan.demo.emulator import AwsEmulator, demo_environment, demo_unset
from aiscan.demo.estate import seed_aws
from aiscan.demo.gcp import running_gcp_demo

COMPARED = ("assets", "relations", "coverage", "findings", "evaluations")


def invoke(env: dict[str, str], *args: str) -> Any:
    return CliRunner().invoke(cli, ["-q", *args], env=env)


@contextlib.contextmanager
def estate(cloud: str) -> Iterator[tuple[dict[str, str], list[str]]]:
    env = {k: v for k, v in os.environ.items() if k not in demo_unset(os.environ)}
    if cloud == "aws":
        with AwsEmulator() as emu:
            report = seed_aws(emu)
            env.update(demo_environment(emu.url))
            # One account: the shards split its regions.
            yield env, ["--cloud", "aws", "--regions", ",".join(report.regions)]
    elif cloud == "azure":
        with running_azure_demo() as extra:
            yield {**env, **extra}, ["--cloud", "azure"]
    else:
        with running_gcp_demo() as extra:
            yield {**env, **extra}, ["--cloud", "gcp"]


@pytest.fixture(scope="module", params=[("aws", 3), ("azure", 2), ("gcp", 2)], ids=lambda p: p[0])
def sharded(request, tmp_path_factory) -> dict[str, Any]:
    cloud, count = request.param
    tmp = tmp_path_factory.mktemp(f"shard-{cloud}")
    with estate(cloud) as (env, args):
        res = invoke(env, "scan", *args, "--format", "json")
        assert res.exit_code == 0, res.output
        whole = json.loads(res.stdout)
        shards = []
        for k in range(1, count + 1):
            path = tmp / f"shard{k}.json"
            res = invoke(
                env,
                "scan",
                *args,
                "--shard",
                f"{k}/{count}",
                "-o",
                f"json={path}",
                "--format",
                "json",
                "--store",
                str(tmp / "store.db"),
            )
            assert res.exit_code == 0, res.output
            shards.append(path)
        res = invoke(
            env, "merge", *map(str, shards), "--format", "json", "-o", f"sarif={tmp / 's'}"
        )
        assert res.exit_code == 0, res.output
        merged = json.loads(res.stdout)
    return {"whole": whole, "merged": merged, "shards": shards, "tmp": tmp, "count": count}


def test_merged_shards_equal_the_unsharded_scan(sharded):
    whole, merged = sharded["whole"], sharded["merged"]
    for key in COMPARED:
        assert merged[key] == whole[key], key
    assert merged["scan"]["scope"]["merged_shards"] == sharded["count"]
    assert "shard" not in merged["scan"]["scope"]


def test_every_shard_has_work_and_no_shard_reads_everything(sharded):
    whole = sharded["whole"]
    sizes = []
    for path in sharded["shards"]:
        doc = json.loads(path.read_text())
        assert doc["scan"]["scope"]["shard"].endswith(f"/{sharded['count']}")
        sizes.append(len(doc["coverage"]))
        assert 0 < len(doc["assets"]) < len(whole["assets"])
    assert len(sizes) == sharded["count"]


def test_merge_from_the_store_takes_the_newest_complete_set_and_stores_the_result(sharded):
    store = str(sharded["tmp"] / "store.db")
    res = invoke({}, "merge", "--store", store, "--format", "json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    for key in ("assets", "relations", "coverage"):
        assert doc[key] == sharded["whole"][key], key
    assert [f["fingerprint"] for f in doc["findings"]] == [
        f["fingerprint"] for f in sharded["whole"]["findings"]
    ]
    listed = json.loads(invoke({}, "history", "--store", store, "--format", "json").stdout)
    assert len(listed) == sharded["count"] + 1


def test_merge_refuses_an_incomplete_or_mixed_set(sharded):
    shards = [str(p) for p in sharded["shards"]]
    missing = invoke({}, "merge", *shards[1:])
    assert missing.exit_code == 2 and "missing shard" in missing.output
    twice = invoke({}, "merge", shards[0], *shards)
    assert twice.exit_code == 2 and "given twice" in twice.output


def test_merge_refuses_a_result_that_is_no_shard(tmp_path, sharded):
    path = tmp_path / "whole.json"
    path.write_text(json.dumps(sharded["whole"]))
    res = invoke({}, "merge", str(path))
    assert res.exit_code == 2 and "not a shard result" in " ".join(res.output.split())


def test_a_bad_shard_is_a_usage_error():
    for bad in ("0/2", "3/2", "x"):
        res = invoke({}, "scan", "--cloud", "aws", "--shard", bad)
        assert res.exit_code == 2, res.output
