import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from aiscan.cli import cli


@pytest.fixture
def runner():
    return CliRunner()


def test_help_imports_click_alone():
    """`aiscan --help` stays fast because no command module, no pydantic model, no rich and no
    SDK is imported (time is measured in benchmarks/, this checks the cause)."""
    code = (
        "import sys\n"
        "from aiscan.cli import cli\n"
        "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('MODULES', sorted(m for m in sys.modules if m.split('.')[0] in "
        "('aiscan', 'pydantic', 'pydantic_core', 'rich', 'yaml', "
        "'boto3', 'botocore', 'moto', 'azure', 'google')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "MODULES ['aiscan', 'aiscan.cli']" in out.stdout  # hence no cloud SDK either
    assert "Exit codes" in out.stdout
    for name in ("inventory", "scan", "bom", "show", "rules", "plugins", "demo", "artifacts",
                 "history", "diff", "merge", "prune", "graph"):  # fmt: skip
        assert f"\n  {name} " in out.stdout, name


def test_every_lazy_command_loads_with_the_help_it_advertises():
    from aiscan.cli import COMMANDS

    ctx = cli.make_context("aiscan", ["--help"], resilient_parsing=True)
    for name, (_target, short) in COMMANDS.items():
        command = cli.get_command(ctx, name)
        assert command is not None and command.name in (name, "plugins"), name
        assert (command.help or "").splitlines()[0] == short, name


def test_rules_list_json_and_explain(runner):
    res = runner.invoke(cli, ["rules", "list", "--format", "json"])
    assert res.exit_code == 0, res.output
    rules = json.loads(res.stdout)
    ids = {r["id"] for r in rules}
    assert {"XC-SC-001", "XC-SC-009", "XC-ID-001"} <= ids
    assert all(r["remediation"] and r["references"] for r in rules)
    res = runner.invoke(cli, ["rules", "explain", "xc-sc-002"])
    assert res.exit_code == 0
    assert "Remote code" in res.output and "OWASP-LLM:LLM03" in res.output
    assert runner.invoke(cli, ["rules", "explain", "NOPE-1"]).exit_code == 2


def test_plugins_lists_builtins_as_ok(runner):
    res = runner.invoke(cli, ["plugins"])
    assert res.exit_code == 0, res.output
    assert "aws" in res.output and "supply-chain" in res.output and "error" not in res.output


@pytest.mark.parametrize(
    "args",
    [
        ["scan", "--fail-on", "bogus"],
        ["scan", "--format", "xml"],
        ["scan", "-o", "nope=x.json"],
        ["scan", "-o", "json"],
        ["scan", "--cloud", "nowhere"],
        ["scan", "--cloud", "aws", "--services", "not-a-service"],
        ["inventory", "--assume-role", "X"],
        ["scan", "--max-workers", "0"],
    ],
)
def test_bad_options_exit_2(runner, args):
    res = runner.invoke(cli, args)
    assert res.exit_code == 2, res.output


def test_no_credentials_is_a_usage_error_not_a_green_scan(runner, monkeypatch, tmp_path):
    for var in list(os.environ):
        if var.startswith("AWS_"):
            monkeypatch.delenv(var)
    monkeypatch.setenv("HOME", str(tmp_path))
    res = runner.invoke(cli, ["scan"])
    assert res.exit_code == 2
    assert "no cloud credentials" in res.output
