"""Derived edges, Google Cloud: IAM bindings (can-*) and exposure (exposed-to)."""

from __future__ import annotations

from aiscan.core.graph.model import EstateGraph


def derive(graph: EstateGraph) -> None:
    """Add this module's derived edges to `graph` (none yet)."""
