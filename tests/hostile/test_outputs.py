"""Hostile names, tags, descriptions and messages stay inert in every output: the terminal
(full tables, the one-screen summary, `aiscan show`) emits only the colour codes aiscan itself
chooses, and JSON, CycloneDX, SARIF and OCSF carry the text escaped, never a raw control
character. Planted secrets never reach any output."""

from __future__ import annotations

import io
import json
import re

from hypothesis import given
from rich.console import Console

from aiscan.core.model import Cloud, Coverage, CoverageStatus, ScanResult
from aiscan.reporters.cyclonedx import CycloneDxReporter
from aiscan.reporters.json import JsonReporter
from aiscan.reporters.ocsf import OcsfReporter
from aiscan.reporters.sarif import SarifReporter
from aiscan.reporters.summary import summary_view
from aiscan.reporters.table import TableReporter
from tests.factories import asset
from tests.hostile.payloads import SECRET_PASSWORD, SECRET_TOKEN, hostile_text
from tests.reporters.test_table import result_with as table_result

#: The only escape sequences a terminal render may contain: SGR colour/style codes.
_SGR = re.compile(r"\x1b\[[0-9;]*m")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: In a JSON document text is data: C0 controls, ESC among them, must be escaped (`\u001b`), so
#: no escape sequence can act when the file is printed. (JSON leaves DEL and C1 unescaped.)
_RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")


def result_with(name: str, tag: str, reason: str, message: str) -> ScanResult:
    bucket = asset(
        "bucket", "arn:aws:s3:::b", service="s3", type="AWS::S3::Bucket", public=True,
        public_reasons=[reason],
    )  # fmt: skip
    bucket = bucket.model_copy(update={"name": name, "tags": {tag: tag}})
    bucket = type(bucket).model_validate(bucket.model_dump())  # as a collector builds it
    # free-form facts (a third-party collector's type): hostile text and planted secrets
    other = asset(
        "model", "arn:aws:sagemaker:us-east-1:123456789012:model/m", description=message,
        env={"HF_TOKEN": SECRET_TOKEN, "DB_PASSWORD": SECRET_PASSWORD},
    )  # fmt: skip
    other = other.model_copy(update={"name": name, "tags": {tag: tag}})
    other = type(other).model_validate(other.model_dump())
    cov = Coverage(
        cloud=Cloud.AWS, account="123456789012", region="us-east-1", service="s3",
        status=CoverageStatus.DENIED, message=message,
    )  # fmt: skip
    return table_result([bucket, other], [cov])


def terminal(renderable: object) -> str:
    buf = io.StringIO()
    Console(file=buf, force_terminal=True, color_system="truecolor", width=100).print(renderable)
    return buf.getvalue()


def assert_inert_terminal(text: str) -> None:
    residue = _SGR.sub("", text)
    assert "\x1b" not in residue, repr(residue[residue.index("\x1b") - 20 :][:60])
    assert not _CONTROL.search(residue.replace("\n", "")), repr(_CONTROL.findall(residue))


@given(hostile_text, hostile_text, hostile_text, hostile_text)
def test_hostile_text_is_inert_in_every_output(
    name: str, tag: str, reason: str, message: str
) -> None:
    result = result_with(name, tag, reason, message)
    assert result.findings, "the public bucket rule fails, so findings carry the hostile reason"
    table = TableReporter()
    for view in (
        table.renderable(result, command="scan", width=100, wide=True),
        table.renderable(result, command="inventory", width=100),
        summary_view(result, hints=["More: `aiscan scan --full`"]),
    ):
        assert_inert_terminal(terminal(view))
    documents = {
        "json": JsonReporter().render(result),
        "cyclonedx": CycloneDxReporter().render(result),
        "sarif": SarifReporter().render(result),
        "ocsf": OcsfReporter().render(result),
        "table-file": table.render(result),
    }
    for fmt, text in documents.items():
        pattern = _CONTROL if fmt == "table-file" else _RAW_CONTROL
        assert not pattern.search(text.replace("\n", "")), (fmt, pattern.findall(text))
        assert SECRET_TOKEN not in text and SECRET_PASSWORD not in text, fmt
        if fmt != "table-file":
            json.loads(text)  # still valid JSON, whatever the names held


@given(hostile_text, hostile_text, hostile_text)
def test_hostile_names_on_an_attack_path_are_inert_in_the_graph_exports_and_html(
    name: str, tag: str, message: str
) -> None:
    """Names on an attack path reach the HTML report, the graph view and every graph format:
    each still parses as its format and no markup or control character acts."""
    import io
    from html.parser import HTMLParser

    import networkx as nx

    from aiscan.reporters.graph import graph_doc, render
    from aiscan.reporters.html import HtmlReporter
    from tests.graphout.estate import estate

    result = estate(hostile=name + tag + message, paths=1)
    doc = graph_doc(result)
    tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            tags.append((tag, attrs))

    for page in (HtmlReporter().render(result), render(doc, "html")):
        tags.clear()
        Collect().feed(page)
        assert not [t for t, _ in tags if t in ("img", "iframe", "object", "embed", "a", "link")]
        assert not [a for _, attrs in tags for a, _ in attrs if a.lower().startswith("on")]
        assert sum(1 for t, _ in tags if t == "script") == 2
        assert not _CONTROL.search(page.replace("\n", ""))
    graph = nx.read_graphml(io.StringIO(render(doc, "graphml")))
    assert graph.number_of_nodes() == len(doc.nodes)
    json.loads(render(doc, "cytoscape"))
    for fmt in ("dot", "mermaid"):
        text = render(doc, fmt)
        assert not _RAW_CONTROL.search(text.replace("\n", "")), fmt
        assert len(text.splitlines()) >= len(doc.nodes) + len(doc.edges), fmt
