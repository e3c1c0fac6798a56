"""Typed posture facts per resource type (see base.py); `docs/attributes.md` is generated
from these models."""

from aiscan.core.facts.base import (
    UNREAD,
    Facts,
    GenericFacts,
    Nested,
    Unread,
    facts_class,
    facts_for,
    known,
    registry,
    resource_types,
    unread,
)

__all__ = [
    "UNREAD",
    "Facts",
    "GenericFacts",
    "Nested",
    "Unread",
    "facts_class",
    "facts_for",
    "known",
    "registry",
    "resource_types",
    "unread",
]
