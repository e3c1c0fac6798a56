"""Derived edges, AWS: IAM policy grants (can-*), exposure (exposed-to), instance profiles."""

from __future__ import annotations

from aiscan.core.graph.model import EstateGraph


def derive(graph: EstateGraph) -> None:
    """Add this module's derived edges to `graph` (none yet)."""
