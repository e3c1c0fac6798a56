"""The terminal table never lets cloud-supplied text act as markup or terminal control."""

from datetime import UTC, datetime

from aiscan.core.engine import evaluate
from aiscan.core.inventory import Inventory
from aiscan.core.model import Cloud, Coverage, CoverageStatus, ScanInfo, ScanResult, ToolInfo
from aiscan.reporters.json import JsonReporter
from aiscan.reporters.table import TableReporter
from aiscan.rules.exposure import public_ai_bucket
from tests.factories import asset

S3 = "AWS::S3::Bucket"

HOSTILE = "[bold red]pwn[/] \x1b]0;owned\x07\x1b[2J evil\u202etxt"


def result_with(assets, coverage=()) -> ScanResult:
    inv = Inventory.of(assets, coverage=coverage)
    out = evaluate(inv, [public_ai_bucket])
    now = datetime.now(UTC)
    return ScanResult(
        tool=ToolInfo(version="t"),
        scan=ScanInfo(started=now, finished=now),
        assets=inv.assets,
        coverage=inv.coverage,
        findings=out.findings,
        evaluations=out.evaluations,
    )


def test_hostile_names_are_shown_literally_without_control_characters():
    bucket = asset("bucket", "arn:aws:s3:::b", service="s3", type=S3, public=True,
                   public_reasons=[HOSTILE])  # fmt: skip
    bucket = bucket.model_copy(update={"name": HOSTILE})
    cov = Coverage(cloud=Cloud.AWS, account="1", region="us-east-1", service="s3",
                   status=CoverageStatus.DENIED, message=HOSTILE)  # fmt: skip
    text = TableReporter().render(result_with([bucket], [cov]), command="scan")
    assert "[bold red]pwn[/]" in text  # markup shown as text, not interpreted
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "Scopes not read" in text and "denied" in text


def test_findings_name_their_asset_and_inventory_has_no_findings():
    bucket = asset("bucket", "arn:aws:s3:::open-data", service="s3", type=S3, public=True)
    res = result_with([bucket])
    assert "bucket open-data" in TableReporter().render(res, command="scan")
    assert "Findings" not in TableReporter().render(res, command="inventory")
    assert '"findings": []' in JsonReporter().render(res, command="inventory")


def test_waived_and_new_findings_are_marked():
    bucket = asset("bucket", "arn:aws:s3:::open-data", service="s3", type=S3, public=True)
    res = result_with([bucket])
    waived = res.model_copy(
        update={"findings": tuple(f.model_copy(update={"suppressed": True}) for f in res.findings)}
    )
    text = TableReporter().render(waived, command="scan")
    assert "critical (waived)" in text
    assert "1 waived" in text
    new = res.model_copy(
        update={"findings": tuple(f.model_copy(update={"new": True}) for f in res.findings)}
    )
    assert "critical NEW" in TableReporter().render(new, command="scan")


def test_narrow_terminals_get_fewer_asset_columns():
    from io import StringIO

    from rich.console import Console

    res = result_with(
        [asset("bucket", "arn:aws:s3:::open-data", service="s3", type=S3, public=False)]
    )
    for width, has_id in ((80, False), (160, True)):
        buf = StringIO()
        Console(file=buf, width=width).print(
            TableReporter().renderable(res, command="inventory", width=width)
        )
        header = next(line for line in buf.getvalue().splitlines() if "kind" in line)
        assert ("account" in header) is has_id
        assert "open-data" in buf.getvalue()
