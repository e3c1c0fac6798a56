"""Finding and redacting secrets in attacker-controlled text (environment maps, scripts).

Collectors call `redact_env` before a payload is stored, so no output ever carries a secret value;
the locations of what was redacted are kept (`SecretHit`) so the secrets rule can still say where.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

REDACTED = "<redacted>"

#: Value patterns: (kind, regex). Kept specific to avoid flagging every long string.
VALUE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("aws-access-key-id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("huggingface-token", re.compile(r"\bhf_[A-Za-z0-9]{30,}\b")),
    ("openai-api-key", re.compile(r"\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}\b")),
    ("anthropic-api-key", re.compile(r"\bsk-ant-[A-Za-z0-9_-]{20,}\b")),
    ("github-token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b")),
    ("slack-token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}\b")),
    ("google-api-key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("private-key", re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----")),
)

#: Names whose value is a secret whatever it looks like.
SECRET_NAME = re.compile(
    r"(?:^|_)(?:TOKEN|SECRET|PASSWORD|PASSWD|PWD|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)(?:$|_)"
    r"|^HF_TOKEN$|^HUGGING_FACE_HUB_TOKEN$|^OPENAI_API_KEY$|^WANDB_API_KEY$",
    re.IGNORECASE,
)

#: Names that match SECRET_NAME but name a non-secret (an ARN of a key, a file path, ...).
_NOT_SECRET_NAME = re.compile(r"KMS|_ARN$|_ID$|_PATH$|_FILE$|_URI$|_URL$|_NAME$", re.IGNORECASE)

_SECRET_REFERENCE = re.compile(
    r"^(?:arn:aws[\w-]*:(?:secretsmanager|ssm|kms):|\{\{resolve:|@Microsoft\.KeyVault|projects/[^/]+/secrets/)"
)


def classify_value(value: str) -> str | None:
    for kind, pattern in VALUE_PATTERNS:
        if pattern.search(value):
            return kind
    return None


def is_secret(name: str, value: str) -> str | None:
    """The kind of secret a `name=value` pair holds, or None."""
    if not value or _SECRET_REFERENCE.match(value):
        return None  # a reference to a secret store is the right way to do it
    kind = classify_value(value)
    if kind:
        return kind
    if SECRET_NAME.search(name) and not _NOT_SECRET_NAME.search(name) and len(value) >= 8:
        return "secret-named-variable"
    return None


def redact_env(
    env: Mapping[str, Any], location: str
) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Return (env with secret values replaced, hits). Each hit is {location, name, kind}."""
    clean: dict[str, str] = {}
    hits: list[dict[str, str]] = []
    for name, value in env.items():
        sval = str(value) if value is not None else ""
        kind = is_secret(str(name), sval)
        if kind:
            clean[str(name)] = REDACTED
            hits.append({"location": location, "name": str(name), "kind": kind})
        else:
            clean[str(name)] = sval
    return clean, hits


def scan_text(text: str, location: str) -> list[dict[str, str]]:
    """Secret hits in free text (a lifecycle script), one per line, without the value."""
    hits: list[dict[str, str]] = []
    assign = re.compile(r"""(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*['"]?([^'"\s]+)""")
    for lineno, line in enumerate(text.splitlines(), start=1):
        kind = classify_value(line)
        name = ""
        if not kind:
            m = assign.search(line)
            if m and is_secret(m.group(1), m.group(2)):
                kind, name = "secret-named-variable", m.group(1)
        if kind:
            hits.append({"location": f"{location}:{lineno}", "name": name, "kind": kind})
    return hits


def redact_text(text: str) -> str:
    for _, pattern in VALUE_PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


_ANY_VALUE = re.compile("|".join(f"(?:{p.pattern})" for _, p in VALUE_PATTERNS))
#: Literal prefixes of VALUE_PATTERNS: a string with none of them cannot match (a fast test,
#: since `scrub` sees every string of every asset).
_VALUE_PREFIXES = ("AKIA", "ASIA", "hf_", "sk-", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "xox",
                   "AIza", "-----BEGIN")  # fmt: skip
#: Lower-case fragments every SECRET_NAME match contains.
_NAME_FRAGMENTS = ("token", "secret", "passw", "pwd", "key", "credential")
#: `NAME=value`, `NAME: value`, `"NAME": "value"` inside free text (a command line, a repr).
_NAMED_IN_TEXT = re.compile(
    r"""(?P<name>[A-Za-z_][A-Za-z0-9_]*)["']?\s*[:=]\s*["']?(?P<value>[^\s"',;}\]]+)"""
)


@functools.lru_cache(maxsize=4096)
def _secret_name(name: str) -> bool:
    return bool(SECRET_NAME.search(name)) and not _NOT_SECRET_NAME.search(name)


def _named_secret(name: str, value: str) -> bool:
    """`is_secret` for a value under a secret-looking name, cheap for every other name."""
    return _secret_name(name) and is_secret(name, value) is not None


def _scrub_text(text: str) -> str:
    if any(p in text for p in _VALUE_PREFIXES) and _ANY_VALUE.search(text):
        text = _ANY_VALUE.sub(REDACTED, text)
    if ("=" not in text and ":" not in text) or not any(f in text.lower() for f in _NAME_FRAGMENTS):
        return text

    def named(m: re.Match[str]) -> str:
        if _named_secret(m.group("name"), m.group("value")):
            return m.group(0)[: m.start("value") - m.start()] + REDACTED
        return m.group(0)

    return _NAMED_IN_TEXT.sub(named, text)


def scrub(value: Any, key: str = "", depth: int = 0) -> Any:
    """A copy of a JSON-like tree with every secret replaced by REDACTED: values shaped like a
    token anywhere, values of secret-named keys, and `{name|key, value}` pairs with a secret
    name. The last line of defence (`Asset` applies it to what it stores): collectors redact the
    fields they know, this catches a secret where a hostile or unexpected payload put it."""
    if isinstance(value, str):
        if key and _named_secret(key, value):
            return REDACTED
        return _scrub_text(value)
    if depth > 32:
        return value
    if isinstance(value, Mapping):
        pair_name = value.get("name", value.get("key", value.get("Name", value.get("Key"))))
        pair = isinstance(pair_name, str) and _secret_name(pair_name)
        out: dict[Any, Any] = {}
        for k, v in value.items():
            if pair and k in ("value", "Value") and isinstance(v, str) and is_secret(pair_name, v):
                out[k] = REDACTED
            else:
                out[k] = scrub(v, str(k), depth + 1)
        return out
    if isinstance(value, list | tuple):
        return [scrub(v, key, depth + 1) for v in value]
    return value
