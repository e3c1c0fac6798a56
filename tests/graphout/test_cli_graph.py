"""`aiscan graph RESULTS`: every format to stdout or -o FILE, --around by name, --paths."""

from __future__ import annotations

import io
import json
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from aiscan.cli import cli
from aiscan.core.graph import INTERNET
from tests.graphout.estate import ENDPOINT, MODEL, NB, OTHER, estate


@pytest.fixture
def results(tmp_path: Path) -> Path:
    path = tmp_path / "scan.json"
    path.write_text(estate().model_dump_json(), encoding="utf-8")
    return path


def invoke(*args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(cli, ["-q", "graph", *args])
    return res.exit_code, res.stdout, res.stderr


def test_graphml_to_a_file_reads_back(results: Path, tmp_path: Path):
    out = tmp_path / "g.graphml"
    code, stdout, _ = invoke(str(results), "--format", "graphml", "-o", str(out))
    assert code == 0 and stdout == ""
    g = nx.read_graphml(io.StringIO(out.read_text()))
    assert {NB, MODEL, ENDPOINT, OTHER, INTERNET} <= set(g.nodes)


def test_default_format_is_the_html_view_on_stdout(results: Path):
    code, stdout, _ = invoke(str(results))
    assert code == 0
    assert stdout.startswith("<!DOCTYPE html>") and '<span id="path-count">1</span>' in stdout


def test_around_takes_a_name_and_a_depth(results: Path):
    code, stdout, _ = invoke(str(results), "--format", "cytoscape", "--around", "fraud",
                             "--depth", "1")  # fmt: skip
    assert code == 0, stdout
    ids = {n["data"]["id"] for n in json.loads(stdout)["elements"]["nodes"]}
    assert MODEL in ids and ENDPOINT in ids and NB not in ids and OTHER not in ids


def test_paths_keeps_the_attack_path_only(results: Path):
    code, stdout, _ = invoke(str(results), "--format", "dot", "--paths")
    assert code == 0
    assert f'"{INTERNET}" -> "{NB}"' in stdout and OTHER not in stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give a results JSON file or --demo"),
        (("--around", "nothing-like-it"), "no node matches"),
        (("--around", "fraud", "--paths"), "alternatives"),
        (("--format", "png"), "Invalid value"),
    ],
)
def test_usage_errors_are_reported(results: Path, args: tuple[str, ...], message: str):
    full = args if not args else (str(results), *args)
    code, stdout, stderr = invoke(*full)
    assert code != 0 and message in stdout + stderr


def test_a_file_that_is_not_a_result_is_a_usage_error(tmp_path: Path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"not": "a result"}')
    code, _, stderr = invoke(str(bad))
    assert code == 2 and "is not an aiscan JSON result" in stderr
