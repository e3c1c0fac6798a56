"""Chat templates (GGUF `tokenizer.chat_template`, Hugging Face `chat_template`) are Jinja
programs that loaders render: a template reaching Python internals (``__class__``,
``__globals__``, ``lipsum``, ``cycler``, the ``attr`` filter) is server-side template injection
that runs code (CVE-2024-34359). The template is parsed, never rendered."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

_GADGET_NAMES = frozenset(
    {"lipsum", "cycler", "joiner", "self", "config", "request", "url_for", "get_flashed_messages"}
)
_DANGEROUS_CALLS = frozenset(
    {"popen", "system", "eval", "exec", "import_module", "__import__", "getattr", "spawn"}
)
_REGEX = (
    (re.compile(r"__[A-Za-z]\w*__"), "reaches a Python dunder attribute"),
    (re.compile(r"\|\s*attr\b|\battr\s*\("), "uses the attr filter to fetch attributes"),
    (
        re.compile(r"\b(lipsum|cycler|joiner|self|config|request)\s*[.\[|]"),
        "starts from a Jinja global that leads to Python internals",
    ),
    (re.compile(r"\b(popen|subprocess|os\.system|import_module|__builtins__)\b"), "calls the OS"),
)


def template_problems(source: str) -> list[str]:
    """Why this template could escape into Python ('' list when it is a plain template)."""
    source = source[: 1 << 20]
    try:
        import jinja2  # noqa: PLC0415 - optional (aiscan[deep]); the regex fallback still works
        from jinja2 import nodes  # noqa: PLC0415
    except ImportError:
        return _regex_problems(source)
    try:
        tree = jinja2.Environment(autoescape=False).parse(source)  # noqa: S701 - parsed only
    except Exception:  # syntax errors, or a template too deep for the parser
        return _regex_problems(source)
    problems: list[str] = []
    for node in _walk(tree, nodes.Node):
        if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
            problems.append(f"reads attribute {node.attr!r}")
        elif isinstance(node, nodes.Getattr) and node.attr in _DANGEROUS_CALLS:
            problems.append(f"calls {node.attr!r}")
        elif isinstance(node, nodes.Filter) and node.name == "attr":
            problems.append("uses the attr filter to fetch attributes")
        elif isinstance(node, nodes.Name) and node.name in _GADGET_NAMES and node.ctx == "load":
            problems.append(f"uses the Jinja global {node.name!r}")
        elif isinstance(node, nodes.Const) and isinstance(node.value, str) and "__" in node.value:
            problems.append(f"builds the string {node.value[:40]!r}")
        elif isinstance(node, nodes.Concat | nodes.Add) and _builds_dunder(node, nodes):
            problems.append("concatenates strings into a dunder name")
    return sorted(set(problems))[:10]


def _walk(node: Any, base: type) -> Iterator[Any]:
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(c for c in n.iter_child_nodes() if isinstance(c, base))


def _builds_dunder(node: Any, nodes: Any) -> bool:
    parts = [c.value for c in _walk(node, nodes.Node) if isinstance(c, nodes.Const)]
    joined = "".join(p for p in parts if isinstance(p, str))
    return "__" in joined or any(isinstance(p, str) and p.strip("_") != p for p in parts)


def _regex_problems(source: str) -> list[str]:
    return [why for rx, why in _REGEX if rx.search(source)]
