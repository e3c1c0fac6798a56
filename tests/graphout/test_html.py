"""The HTML graph view and scan report: one offline file (no external URL, a CSP that forbids
loads), the attack-path count and chains a person reads, and hostile names kept inert."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from aiscan.core import plugins
from aiscan.reporters.graph import graph_doc
from aiscan.reporters.html import HtmlReporter, graph_page, layers
from tests.graphout.estate import HOSTILE_NAME, NB, estate

ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "p", "main",
    "section", "div", "span", "b", "ol", "li", "table", "tr", "th", "td", "input", "select",
    "option", "label", "button", "svg", "defs", "marker", "path", "g", "rect", "text",
    "script", "details", "summary",
}  # fmt: skip
EXTERNAL = re.compile(
    r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//""", re.I
)


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def parsed(page: str) -> Tags:
    tags = Tags()
    tags.feed(page)
    return tags


def assert_self_contained_and_inert(page: str) -> Tags:
    assert not EXTERNAL.search(page), EXTERNAL.search(page)
    assert "http://" not in page and "https://" not in page
    assert "default-src 'none'" in page  # the CSP: even an injected load would be refused
    tags = parsed(page)
    assert {t for t, _ in tags.tags} <= ALLOWED_TAGS, {t for t, _ in tags.tags} - ALLOWED_TAGS
    handlers = [(t, a) for t, attrs in tags.tags for a in attrs if a.lower().startswith("on")]
    assert handlers == []
    scripts = [(t, a) for t, a in tags.tags if t == "script"]
    assert len(scripts) == 2 and scripts[0][1] == {"type": "application/json", "id": "graph-data"}
    return tags


def path_count(page: str) -> int:
    m = re.search(r'<span id="path-count">(\d+)</span>', page)
    assert m, "no path count on the page"
    return int(m.group(1))


def test_graph_page_shows_the_path_count_and_the_chain_with_hops_and_evidence():
    page = graph_page(graph_doc(estate(paths=2)))
    assert_self_contained_and_inert(page)
    assert path_count(page) == 2
    assert page.count('class="chain"') == 2
    assert "internet → nb → nb-role → model-artifacts → fraud → fraud-prod" in page
    assert '<span class="hop-edge">can-write</span>model-artifacts' in page
    assert "s3:PutObject" in page and "iam-policy" in page  # the hop's evidence
    assert page.count('class="node on-path"') == 6


def test_hostile_names_render_as_text_in_the_graph_page_and_the_report():
    result = estate(hostile=HOSTILE_NAME)
    for page in (graph_page(graph_doc(result)), HtmlReporter().render(result)):
        tags = assert_self_contained_and_inert(page)
        assert "<img" not in page and "<b>]" not in page
        assert "&lt;/script&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
        assert "\x1b" not in page and "\u202e" not in page
        data = json.loads(tags.scripts[0])  # the JSON island parses back to the real names
        nb = next(n for n in data["nodes"] if n["id"] == NB)
        assert nb["label"] == (HOSTILE_NAME + "nb").replace("\u202e", "\ufffd")  # no bidi


def test_report_has_summary_paths_graph_findings_by_risk_inventory_and_coverage():
    result = estate()
    page = HtmlReporter().render(result)
    assert_self_contained_and_inert(page)
    for section in ("summary", "attack-paths", "graph-section", "findings", "inventory",
                    "coverage"):  # fmt: skip
        assert f'<section id="{section}">' in page, section
    assert path_count(page) == 1
    assert '<span id="finding-count">2</span>' in page
    assert '<span id="asset-count">6</span>' in page
    rows = re.findall(r"<tr><td>(\d+\.\d)</td>", page)
    assert rows == ["9.8", "7.0"]  # findings by risk, the path first
    assert page.count('<td class="id">arn:') >= 6 + 2
    assert HtmlReporter().render(result, command="inventory").count('class="chain"') == 0


def test_a_large_estate_report_draws_only_the_paths_from_one_graph_build(
    monkeypatch: pytest.MonkeyPatch,
):
    from aiscan.reporters import graph as graph_module
    from aiscan.reporters import html as html_module

    builds: list[int] = []
    real_build = graph_module.build_graph

    def counting_build(inventory):  # type: ignore[no-untyped-def]
        builds.append(1)
        return real_build(inventory)

    monkeypatch.setattr(graph_module, "build_graph", counting_build)
    monkeypatch.setattr(html_module, "REPORT_GRAPH_LIMIT", 2)
    page = HtmlReporter().render(estate())
    assert "Only the attack paths (the estate has more than 2 nodes" in page
    data = json.loads(parsed(page).scripts[0])
    assert data["nodes"] and all(n["on_path"] for n in data["nodes"])
    assert len(builds) == 1  # the paths-only cut reuses the graph built for the full view


def test_report_of_an_estate_without_paths_says_so():
    page = HtmlReporter().render(estate(paths=0))
    assert path_count(page) == 0 and "No attack path was found" in page


def test_layers_put_a_path_left_to_right_and_survive_cycles():
    doc = graph_doc(estate())
    layer = dict(zip([n["id"] for n in doc.nodes], layers(doc), strict=True))
    chain = doc.paths[0]["path"]
    assert [layer[i] for i in chain] == list(range(len(chain)))
    cyclic = estate(paths=0)
    a, b = cyclic.assets[0].id, cyclic.assets[1].id
    from tests.factories import rel

    cyclic = cyclic.model_copy(
        update={"relations": (*cyclic.relations, rel(b, "invokes", a), rel(a, "invokes", b))}
    )
    assert all(n >= 0 for n in layers(graph_doc(cyclic)))


def test_html_is_an_output_format_of_scan_and_demo():
    assert "html" in plugins.names("reporters")
    assert plugins.load("reporters", "html") is HtmlReporter


@pytest.mark.slow
def test_demo_writes_the_html_report(demo_run: dict[str, str]):
    page = demo_run["html"]
    assert_self_contained_and_inert(page)
    doc = json.loads(demo_run["json"])
    expected = sum(1 for f in doc["findings"] if f["category"] == "attack-path")
    assert path_count(page) == expected
    assert page.count("<tr><td>") >= len(doc["assets"])
