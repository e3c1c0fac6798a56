"""Lazy entry-point loading of collectors, rule packs and reporters.

Names are listed from package metadata without importing anything; `.load()` runs only for what a
command needs, once. A plugin that fails to load is reported, never hidden.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any

GROUPS = {
    "collectors": "aiscan.collectors",
    "rules": "aiscan.rules",
    "reporters": "aiscan.reporters",
}

_lock = threading.Lock()
_cache: dict[tuple[str, str], Any] = {}


@dataclass(frozen=True)
class PluginInfo:
    group: str
    name: str
    value: str
    distribution: str
    version: str
    status: str  # "ok", "not loaded" or "error: ..."


def _hermetic() -> bool:
    """AISCAN_NO_PLUGINS=1 (set by the test suite) loads only aiscan's own built-ins."""
    return os.environ.get("AISCAN_NO_PLUGINS", "") not in ("", "0")


def _entry_points(kind: str) -> list[EntryPoint]:
    eps = list(entry_points(group=GROUPS[kind]))
    if _hermetic():
        eps = [ep for ep in eps if ep.dist is None or ep.dist.name == "aiscan"]
    seen: dict[str, EntryPoint] = {}
    for ep in eps:
        seen.setdefault(ep.name, ep)  # first distribution wins on a name clash
    return sorted(seen.values(), key=lambda e: e.name)


def names(kind: str) -> list[str]:
    return [ep.name for ep in _entry_points(kind)]


class PluginError(Exception):
    pass


def load(kind: str, name: str) -> Any:
    key = (kind, name)
    with _lock:
        if key in _cache:
            return _cache[key]
    for ep in _entry_points(kind):
        if ep.name == name:
            try:
                obj = ep.load()
            except Exception as exc:
                raise PluginError(f"{kind} plugin {name!r} failed to load: {exc}") from exc
            with _lock:
                _cache[key] = obj
            return obj
    raise PluginError(f"no {kind} plugin named {name!r} (installed: {', '.join(names(kind))})")


def load_all(kind: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Load every plugin of a kind; returns (loaded, errors by name)."""
    loaded: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in names(kind):
        try:
            loaded[name] = load(kind, name)
        except PluginError as exc:
            errors[name] = str(exc)
    return loaded, errors


def describe(*, load_them: bool) -> list[PluginInfo]:
    infos = []
    for kind in GROUPS:
        for ep in _entry_points(kind):
            status = "not loaded"
            if load_them:
                try:
                    load(kind, ep.name)
                    status = "ok"
                except PluginError as exc:
                    status = f"error: {exc.__cause__ or exc}"
            dist = ep.dist
            infos.append(
                PluginInfo(
                    group=kind,
                    name=ep.name,
                    value=ep.value,
                    distribution=dist.name if dist else "?",
                    version=dist.version if dist else "?",
                    status=status,
                )
            )
    return infos
