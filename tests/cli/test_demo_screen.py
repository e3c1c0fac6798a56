"""`aiscan demo` in a real pseudo-terminal of 100 x 40: the summary and the top findings fit one
screen, and docs/demo-screen.txt is what that screen shows.

Regenerate the capture with `python -m tests.cli.test_demo_screen`.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from aiscan.reporters.summary import TOP_FINDINGS, TOP_PATHS

COLUMNS, ROWS = 100, 40
DOC = Path(__file__).resolve().parents[2] / "docs" / "demo-screen.txt"
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


def run_in_pty(*args: str) -> tuple[list[str], str]:
    """(stdout lines as the terminal shows them, stderr) of `aiscan ARGS` with stdout on a pty."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    env["TERM"] = "xterm-256color"
    proc = subprocess.Popen(
        [sys.executable, "-m", "aiscan", *args],
        stdout=slave,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([master], [], [], 120)
        if not ready:
            proc.kill()
            raise AssertionError("aiscan demo produced no output for 120 s")
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    assert proc.wait(timeout=60) == 0, stderr
    text = _ANSI.sub("", b"".join(chunks).decode("utf-8", errors="replace"))
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines, stderr


@pytest.fixture(scope="module")
def screen() -> tuple[list[str], str]:
    return run_in_pty("demo")


def test_summary_and_top_findings_fit_one_100_by_40_screen(screen: tuple[list[str], str]) -> None:
    lines, stderr = screen
    stderr_lines = [line for line in stderr.splitlines() if line.strip()]
    # The screen also holds the progress lines on stderr and the shell prompt after the run.
    assert len(lines) + len(stderr_lines) + 1 <= ROWS, (len(lines), stderr_lines)
    assert all(len(line) <= COLUMNS for line in lines), max(lines, key=len)
    assert lines[0] == "Summary"
    text = "\n".join(lines)
    assert re.search(r"assets +\d+: \d+ aws · \d+ azure · \d+ gcp", text)
    assert re.search(r"coverage +\d+ scopes: \d+ ok", text)
    assert re.search(r"findings +\d+: \d+ critical · \d+ high", text)
    # attack paths lead the screen, then the worst single-asset findings
    paths_at = lines.index(next(line for line in lines if line.startswith("Top attack paths (")))
    path_rows = lines[paths_at + 3 : paths_at + 3 + TOP_PATHS]
    assert all("→" in row and "XC-PATH-" in row for row in path_rows), path_rows
    top = lines.index(
        next(line for line in lines if line.startswith(f"Top findings ({TOP_FINDINGS} of"))
    )
    assert paths_at < top
    rows = lines[top + 3 : top + 3 + TOP_FINDINGS]  # title, header, rule, one line per finding
    assert len(rows) == TOP_FINDINGS, rows
    # findings by risk: the first column is the risk score, worst first
    risks = [float(row.split()[0]) for row in rows]
    assert risks == sorted(risks, reverse=True), rows
    assert all(row.split()[1] in ("critical", "high", "medium", "low") for row in rows), rows
    assert "aiscan demo --full" in text and "aiscan show NAME" in text
    assert "AI assets (" not in text, "the full inventory table is not on the first screen"


def test_the_committed_capture_is_what_the_demo_shows(screen: tuple[list[str], str]) -> None:
    lines, _ = screen
    doc = DOC.read_text(encoding="utf-8").splitlines()
    start = doc.index("Summary")
    assert doc[start : start + len(lines)] == lines, (
        "docs/demo-screen.txt is stale: python -m tests.cli.test_demo_screen"
    )


def test_piped_output_keeps_the_full_tables(demo_run: dict[str, str]) -> None:
    assert "AI assets (" in demo_run["table"] and "Findings (" in demo_run["table"]
    assert "Summary" not in demo_run["table"]


def main() -> None:
    lines, stderr = run_in_pty("demo")
    header = [
        f"$ aiscan demo     # a {COLUMNS} x {ROWS} terminal (captured in a pty by "
        "tests/cli/test_demo_screen.py)",
        *[line for line in stderr.splitlines() if line.strip()],
    ]
    DOC.write_text("\n".join([*header, *lines]) + "\n", encoding="utf-8")
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
