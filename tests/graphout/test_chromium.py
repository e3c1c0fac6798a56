"""The demo estate's HTML graph (`aiscan graph --demo`) and report (`aiscan demo -o html=`) in
headless Chromium (Debian's package, see scripts/install-chromium.sh), with every network load
refused: the page's script runs, the attack-path count it shows equals the number of attack-path
findings in the demo's JSON result (and in an estate with planted paths and hostile names), and
a screenshot of each page is kept as an artifact in $AISCAN_TEST_ARTIFACTS (default:
build/artifacts/demo-*.png, beside the pages themselves) for a person to look at.

Without a Chromium the tests skip, unless AISCAN_TEST_CHROMIUM_REQUIRED=1 (CI sets it).
AISCAN_TEST_CHROMIUM names the browser binary when it is not `chromium` on PATH."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from aiscan.cli import cli
from tests.graphout.estate import HOSTILE_NAME, estate

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def browser() -> str:
    named = os.environ.get("AISCAN_TEST_CHROMIUM")
    candidates = (named,) if named else ("chromium", "chromium-browser")
    found = next((p for p in map(shutil.which, candidates) if p), None)
    if found:
        return found
    where = f"AISCAN_TEST_CHROMIUM={named} is not executable" if named else "no chromium on PATH"
    reason = f"{where} (scripts/install-chromium.sh installs Debian's package)"
    if os.environ.get("AISCAN_TEST_CHROMIUM_REQUIRED", "") not in ("", "0"):
        pytest.fail(f"Chromium required (AISCAN_TEST_CHROMIUM_REQUIRED) but {reason}")
    pytest.skip(f"Chromium tests skipped: {reason}")


def artifacts() -> Path:
    where = Path(os.environ.get("AISCAN_TEST_ARTIFACTS") or ROOT / "build" / "artifacts")
    where.mkdir(parents=True, exist_ok=True)
    return where


def chromium(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Headless Chromium on a local file, offline: every host name resolves to nothing and
    every proxied request goes to a closed loopback port."""
    args = [
        browser(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=127.0.0.1:9",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=5000",
        *extra,
        page.resolve().as_uri(),
    ]
    return subprocess.run(args, capture_output=True, text=True, timeout=180, check=False)


@pytest.fixture(scope="session", autouse=True)
def _browser_first() -> None:
    """Skip (or fail) before the demo runs (session-scoped autouse fixtures resolve first)."""
    browser()


@pytest.fixture(scope="module")
def pages(demo_run: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("html")
    graph = out / "demo-graph.html"
    res = CliRunner().invoke(cli, ["-q", "graph", "--demo", "--format", "html", "-o", str(graph)])
    assert res.exit_code == 0, res.output
    report = out / "demo-report.html"
    report.write_text(demo_run["html"], encoding="utf-8")
    # an estate with planted attack paths (and hostile names), until the demo has its own
    planted = out / "planted.json"
    planted.write_text(estate(hostile=HOSTILE_NAME, paths=2).model_dump_json(), encoding="utf-8")
    paths = out / "paths-report.html"
    res = CliRunner().invoke(cli, ["-q", "graph", str(planted), "-o", str(paths)])
    assert res.exit_code == 0, res.output
    return {"graph": graph, "report": report, "paths": paths, "paths-json": planted}


def expected_paths(text: str) -> int:
    doc = json.loads(text)
    return sum(1 for f in doc["findings"] if f["category"] == "attack-path")


@pytest.mark.parametrize("which", ["graph", "report", "paths"])
def test_chromium_shows_the_path_count_of_the_results_and_keeps_a_screenshot(
    which: str, pages: dict[str, Path], demo_run: dict[str, str], tmp_path: Path
) -> None:
    dom = chromium(pages[which], tmp_path / "profile", "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert 'data-ready="1"' in dom.stdout, "the page's script did not run"
    shown = re.search(r'<span id="path-count">(\d+)</span>', dom.stdout)
    assert shown, dom.stdout[:2000]
    results = pages["paths-json"].read_text() if which == "paths" else demo_run["json"]
    assert int(shown.group(1)) == expected_paths(results)
    if which == "paths":
        assert int(shown.group(1)) == 2
        assert dom.stdout.count('class="chain"') == 2 and "<img" not in dom.stdout
    else:
        assert dom.stdout.count('class="node') >= 100  # the demo estate's graph was drawn
    shot = artifacts() / f"demo-{which}.png"
    shot.unlink(missing_ok=True)
    res = chromium(
        pages[which], tmp_path / "profile2", f"--screenshot={shot}", "--window-size=1400,1800"
    )
    assert res.returncode == 0, res.stderr[-2000:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000
    shutil.copy(pages[which], artifacts() / f"demo-{which}.html")


PROBE = """<script>
(function(){
var out=document.documentElement;
document.querySelector('.chain').click();
out.setAttribute('data-path-nodes', document.querySelectorAll('#graph g.node.hl').length);
out.setAttribute('data-path-edges', document.querySelectorAll('#graph path.edge.hl').length);
var q=document.getElementById('search');q.value='unrelated-logs';
q.dispatchEvent(new Event('input'));
out.setAttribute('data-search-hits', document.querySelectorAll('#graph g.node.hl').length);
document.getElementById('reset').click();
out.setAttribute('data-after-reset', document.querySelectorAll('#graph .dim').length);
})();
</script></body>"""


def test_clicking_a_path_highlights_its_hops_and_search_filters(
    pages: dict[str, Path], tmp_path: Path
) -> None:
    """The page's own script, driven in the browser: a click on a chain lights its nodes and
    hops, a search keeps the matching node, reset clears."""
    probe = tmp_path / "probe.html"
    probe.write_text(pages["paths"].read_text().replace("</body>", PROBE), encoding="utf-8")
    dom = chromium(probe, tmp_path / "profile", "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    head = dom.stdout[: dom.stdout.index("<head")]
    assert 'data-path-nodes="6"' in head and 'data-path-edges="5"' in head, head
    assert 'data-search-hits="1"' in head and 'data-after-reset="0"' in head, head
