"""Attack paths as a user sees them: first on the summary screen as a readable chain (escaped:
cloud-supplied names are never rich markup), `aiscan show` lists the paths through an asset with
every hop's evidence, and JSON / SARIF / OCSF / waivers / baselines / diff keep working."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from click.testing import CliRunner
from rich.console import Console

from aiscan.cli import cli
from aiscan.core.diff import diff
from aiscan.core.engine import evaluate
from aiscan.core.model import Category, Coverage, CoverageStatus, ScanInfo, ScanResult, ToolInfo
from aiscan.core.waivers import Waiver
from aiscan.reporters.ocsf import OcsfReporter
from aiscan.reporters.sarif import SarifReporter
from aiscan.reporters.summary import summary_view
from aiscan.rules import paths
from aiscan.scan import apply_policy
from tests.rules.test_paths import ENDPOINT, NB, everywhere, tampering

HOSTILE = "nb[bold red]evil[/]"


def result_with_a_path() -> ScanResult:
    inv, graph = tampering()
    # a cloud-supplied name with rich markup in it: shown literally, never interpreted
    graph.g.nodes[NB]["label"] = HOSTILE
    assets = tuple(a.model_copy(update={"name": HOSTILE}) if a.id == NB else a for a in inv.assets)
    out = evaluate(inv, [everywhere, paths.exposed_compute_tampers_served_model], graph=graph)
    now = datetime(2026, 12, 3, tzinfo=UTC)
    return ScanResult(
        tool=ToolInfo(version="test"),
        scan=ScanInfo(started=now, finished=now),
        assets=assets,
        relations=inv.relations,
        coverage=tuple(
            Coverage(
                cloud=a.cloud,
                account=a.account,
                region=a.region or "global",
                service=a.service,
                status=CoverageStatus.OK,
            )
            for a in assets
        ),
        findings=out.findings,
        evaluations=out.evaluations,
    )


def test_the_summary_lists_attack_paths_first_as_a_chain_then_findings_by_risk() -> None:
    result = result_with_a_path()
    console = Console(record=True, width=250, color_system=None)
    console.print(summary_view(result))
    text = console.export_text()
    lines = text.splitlines()
    paths_at = next(
        i for i, line in enumerate(lines) if line.startswith("Top attack paths (1 of 1)")
    )
    findings_at = next(i for i, line in enumerate(lines) if line.startswith("Top findings"))
    assert paths_at < findings_at
    # the first screen names the start, the entry point and the crown jewel; markup in a
    # cloud-supplied name stays literal text
    assert f"internet → {HOSTILE} → (3 steps) → chat-prod" in text
    assert "XC-PATH-001" not in "\n".join(lines[findings_at:])  # paths are not listed twice
    rows = [line.split() for line in lines[findings_at + 3 :] if line.strip()]
    risks = [float(r[0]) for r in rows]
    assert risks == sorted(risks, reverse=True)
    path = next(f for f in result.findings if f.category is Category.ATTACK_PATH)
    assert path.risk_score > max(risks)


def test_show_lists_the_paths_through_an_asset_with_hop_evidence(tmp_path: Path) -> None:
    result = result_with_a_path()
    doc = tmp_path / "result.json"
    doc.write_text(result.model_dump_json(), encoding="utf-8")
    for name in ("model-artifacts", "chat-prod"):
        res = CliRunner().invoke(cli, ["show", "--input", str(doc), name])
        assert res.exit_code == 0, res.output
        assert "attack paths through this asset (1):" in res.output
        assert "XC-PATH-001" in res.output
        assert f"internet -[exposed-to]-> {HOSTILE} -[runs-as]-> research-role" in res.output
        assert 'research-role -[can-write]-> model-artifacts: {"source": "iam-policy"' in res.output
    res = CliRunner().invoke(cli, ["show", "--input", str(doc), "chat-prod"])
    # the single-asset findings carry their risk, each factor explained
    assert "risk: severity 9.5 (critical" in res.output and "x exposure" in res.output


def test_show_and_graph_around_refuse_an_unknown_name_and_a_file_that_is_not_a_result(
    tmp_path: Path,
) -> None:
    doc = tmp_path / "result.json"
    doc.write_text(result_with_a_path().model_dump_json(), encoding="utf-8")
    res = CliRunner().invoke(cli, ["show", "--input", str(doc), "nothing-like-it"])
    assert res.exit_code == 1 and "no asset matches 'nothing-like-it'" in res.output
    res = CliRunner().invoke(cli, ["graph", str(doc), "--around", "nothing-like-it"])
    assert res.exit_code == 1 and "no node matches 'nothing-like-it'" in res.output
    res = CliRunner().invoke(cli, ["graph", str(doc), "--around", "chat-prod", "--format", "dot"])
    assert res.exit_code == 0 and "chat-prod" in res.output
    junk = tmp_path / "junk.json"
    junk.write_bytes(b"\xff\xfe not json")
    for args in (["show", "--input", str(junk), "chat-prod"], ["graph", str(junk)]):
        res = CliRunner().invoke(cli, args)
        assert res.exit_code == 2 and "is not an aiscan JSON result" in res.output, args


def test_json_sarif_and_ocsf_carry_path_findings() -> None:
    result = result_with_a_path()
    again = ScanResult.model_validate_json(result.model_dump_json())
    [path] = [f for f in again.findings if f.category is Category.ATTACK_PATH]
    assert path.hops[0].evidence["ports"] == [8888] and path.risk is not None
    log = json.loads(SarifReporter().render(result))
    [run] = log["runs"]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    # the rule's security-severity covers the path's raised risk score (0..10)
    assert float(rules["XC-PATH-001"]["properties"]["security-severity"]) >= path.risk_score
    ocsf = OcsfReporter().render(result)
    assert "XC-PATH-001" in ocsf


def test_waivers_baselines_and_diff_work_on_path_findings() -> None:
    result = result_with_a_path()
    [path] = [f for f in result.findings if f.category is Category.ATTACK_PATH]
    waiver = Waiver(
        source="waivers.yaml",
        line=1,
        rule="XC-PATH-001",
        asset=ENDPOINT,
        reason="accepted",
        owner="sec",
        expires=date(2099, 1, 1),
    )
    waived = apply_policy(result, waivers=[waiver], baseline=frozenset({path.fingerprint}))
    [marked] = [f for f in waived.findings if f.rule_id == "XC-PATH-001"]
    assert marked.suppressed and marked.new is False
    without = result.model_copy(
        update={"findings": tuple(f for f in result.findings if f is not path)}
    )
    changes = diff(without, result)
    assert [f.rule_id for f in changes.findings_new] == ["XC-PATH-001"]
