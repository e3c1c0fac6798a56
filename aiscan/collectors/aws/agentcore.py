"""Placeholder: being written."""

from __future__ import annotations

from aiscan.collectors.aws.context import ScopeContext

PERMISSIONS: tuple[str, ...] = ()


def collect(ctx: ScopeContext) -> None:
    return None
