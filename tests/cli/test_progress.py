"""Progress on stderr: a live done/total line at a terminal; in logs only what was not read."""

from __future__ import annotations

import io

from rich.console import Console

from aiscan.cli.app import ScopeProgress, format_duration
from aiscan.core.model import Cloud, Coverage, CoverageStatus


def cov(service: str, status: CoverageStatus = CoverageStatus.OK) -> Coverage:
    return Coverage(
        cloud=Cloud.AWS, account="123456789012", region="us-east-1", service=service,
        status=status, message="AccessDenied" if status.incomplete else "",
    )  # fmt: skip


def run(console: Console) -> None:
    with ScopeProgress(console, enabled=True) as progress:
        progress.planned(3)
        for service, status in (
            ("sagemaker", CoverageStatus.OK),
            ("bedrock", CoverageStatus.DENIED),
            ("s3", CoverageStatus.OK),
        ):
            progress.started(f"aws 123456789012 us-east-1 {service}")
            progress.finished(cov(service, status))


def test_logs_get_only_the_scopes_not_read_and_one_final_line() -> None:
    buf = io.StringIO()
    run(Console(file=buf, force_terminal=False, width=100))
    lines = buf.getvalue().splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("denied: aws 123456789012 us-east-1 bedrock: AccessDenied")
    assert lines[1].startswith("read 3 scope(s) in ") and lines[1].endswith(", 1 not read")


def test_a_terminal_sees_scopes_done_of_total_and_elapsed_time() -> None:
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=100, color_system=None)
    with ScopeProgress(console, enabled=True) as progress:
        progress.planned(4)
        progress.started("aws 123456789012 us-east-1 sagemaker")
        progress.finished(cov("sagemaker"))
        progress._bar.refresh()  # type: ignore[union-attr]
        shown = buf.getvalue()
        assert "1/4 scopes" in shown and "0:00:0" in shown  # done/total, elapsed
        assert "reading aws 123456789012 us-east-1 sagemaker" in shown
        progress.planned(2)  # a later pass plans more scopes: the total grows
        progress._bar.refresh()  # type: ignore[union-attr]
        assert "1/6 scopes" in buf.getvalue()
    assert "read 1 scope(s) in " in buf.getvalue()


def test_quiet_prints_nothing() -> None:
    buf = io.StringIO()
    with ScopeProgress(Console(file=buf, force_terminal=True), enabled=False) as progress:
        progress.planned(1)
        progress.finished(cov("s3", CoverageStatus.ERROR))
    assert buf.getvalue() == ""


def test_durations_read_as_a_person_says_them() -> None:
    assert format_duration(4.26) == "4.3 s"
    assert format_duration(125.0) == "2 min 05 s"
