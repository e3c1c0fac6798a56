"""Placeholder: being written."""

from __future__ import annotations

from aiscan.collectors.aws.context import ScopeContext

PERMISSIONS: tuple[str, ...] = ()


def collect_instances(ctx: ScopeContext) -> None:
    return None


def collect_nodegroups(ctx: ScopeContext) -> None:
    return None
