"""Hypothesis strategies for attacker-controlled cloud payloads.

Keys come from each collector module's own string constants (the field names it reads), so
random payloads reach real code paths; values are hostile text (rich markup, ANSI/OSC escapes,
control and bidi characters), wrong types, deep nesting and planted secrets under every
environment/parameter-like key.
"""

from __future__ import annotations

import ast
import inspect
import re
from types import ModuleType
from typing import Any

from hypothesis import strategies as st

#: Planted secrets: one caught by its shape, one only by its variable name.
SECRET_TOKEN = "hf_PlantedHostileToken0123456789abcdefXYZ"
SECRET_PASSWORD = "planted-db-password-7f3a"
SECRETS = (SECRET_TOKEN, SECRET_PASSWORD)

#: Keys under which clouds put environment variables and job parameters.
ENV_KEYS = frozenset(
    {"environment", "environmentvariables", "env", "hyperparameters", "environmentvariable",
     "containerenvironment", "parameters", "envvars"}
)  # fmt: skip

HOSTILE_TOKENS = (
    "[bold red]pwned[/bold red]",
    "[link=https://evil.example]click[/link]",
    "\x1b[31mred\x1b[0m",
    "\x1b[2J\x1b[H",  # clear the screen
    "\x1b]8;;https://evil.example\x07link\x1b]8;;\x07",  # OSC 8 hyperlink
    "\x1b]52;c;cHduZWQ=\x07",  # OSC 52: write the clipboard
    "\x9b31m",  # 8-bit CSI
    "evil\rname",
    "a\x00b\x07c\x08d",
    "\u202eevil\u202c",  # right-to-left override
    "line1\nline2",
    ":memory:",
    "arn:aws:iam::123456789012:role/x",
    "/subscriptions/s/resourceGroups/g/providers/Microsoft.X/y/z",
    "projects/p/locations/us-central1/models/1",
)
_ALPHABET = st.characters(
    codec="utf-8", categories=("L", "N", "P", "S", "Zs", "Cc", "Cf"), exclude_characters="\ud800"
)
hostile_text = st.one_of(
    st.sampled_from(HOSTILE_TOKENS),
    st.text(_ALPHABET, max_size=30),
    st.builds(lambda a, b: a + b, st.sampled_from(HOSTILE_TOKENS), st.text(_ALPHABET, max_size=8)),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**64),
    st.floats(allow_nan=True, allow_infinity=True),
    hostile_text,
)

_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_.@-]{0,60}$")
COMMON_KEYS = ("id", "name", "properties", "location", "tags", "type", "displayName", "labels")


def vocabulary(*modules: ModuleType) -> list[str]:
    """The identifier-like string constants of the modules: the field names they read."""
    found: set[str] = set(COMMON_KEYS)
    for module in modules:
        tree = ast.parse(inspect.getsource(module))
        found |= {
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and _IDENT.match(node.value)
        }
    return sorted(found)


def payloads(keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Random JSON objects over `keys`, nested up to a few levels, secrets under env keys."""
    key = st.sampled_from(keys)

    def extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(key, children, max_size=6).map(_plant),
        )

    tree = st.recursive(scalars, extend, max_leaves=25)
    return st.dictionaries(key, tree, max_size=12).map(_plant)


def planted_env(key: str) -> Any:
    """Secrets in the shape the cloud uses under `key`: Google's `env` is a list of name/value
    pairs, AWS and Azure use maps."""
    if key == "env":
        return [
            {"name": "HF_TOKEN", "value": SECRET_TOKEN},
            {"name": "DB_PASSWORD", "value": SECRET_PASSWORD},
        ]
    return {"HF_TOKEN": SECRET_TOKEN, "DB_PASSWORD": SECRET_PASSWORD, "PLAIN": "ok"}


def _plant(value: dict[str, Any]) -> dict[str, Any]:
    """Environment-like keys always carry planted secrets."""
    out = dict(value)
    for k in out:
        if k.lower().replace("_", "") in ENV_KEYS:
            out[k] = planted_env(k)
    return out
