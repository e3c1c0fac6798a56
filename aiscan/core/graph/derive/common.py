"""Derived edges, Cross-cloud: trained-on, loads-from-hub, pulls-image, authenticates-to."""

from __future__ import annotations

from aiscan.core.graph.model import EstateGraph


def derive(graph: EstateGraph) -> None:
    """Add this module's derived edges to `graph` (none yet)."""
