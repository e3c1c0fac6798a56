"""Typed posture facts: the base class, the "not read" sentinel and the per-type registry.

A fact that could not be read is `UNREAD`, never `None` or `False`: `None` keeps its meaning from
the cloud (no customer key, no public address), and a rule must answer `manual` for `UNREAD`.
`Asset.attributes` stays the serialised form (the JSON output keeps its shape); `Asset.facts` is
the typed view, validated against the model registered for the asset's resource type.
"""

from __future__ import annotations

import importlib
import threading
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema
from typing_extensions import TypeIs


class Unread:
    """The single value of a fact the collector could not read (absent from `attributes`)."""

    _instance: ClassVar[Unread | None] = None

    def __new__(cls) -> Unread:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNREAD"

    def __bool__(self) -> bool:
        # Truthiness of "not read" is a bug in a rule, not a decision: refuse it loudly.
        raise TypeError("an UNREAD fact has no truth value; test it with unread() first")

    def __reduce__(self) -> str:
        return "UNREAD"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.is_instance_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"description": "not read (the attribute is absent)"}


UNREAD = Unread()


def unread(value: object) -> TypeIs[Unread]:
    """True for a fact the collector could not read; narrows the type on both branches."""
    return value is UNREAD


T = TypeVar("T")


def known(value: T | Unread) -> T | None:
    """The fact, or None when it was not read: for evidence, never for a decision."""
    return None if isinstance(value, Unread) else value


class Facts(BaseModel):
    """Base of every facts model. Unknown names are refused: a transform that produces a fact
    no model declares fails validation (and so its scope's coverage), never silently."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    def read(self) -> dict[str, Any]:
        """The facts that were read, in their JSON form (what `Asset.attributes` holds)."""
        return self.model_dump(mode="json", exclude_unset=True, by_alias=True)


class GenericFacts(Facts):
    """Facts of a resource type no model is registered for (third-party collectors, tests):
    kept as they are, readable by no typed rule."""

    model_config = ConfigDict(extra="allow")


class Nested(BaseModel):
    """Base of structured values inside facts (a container, a port range ...)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


F = TypeVar("F", bound=type[Facts])

_REGISTRY: dict[str, type[Facts]] = {}
_TYPES: dict[type[Facts], tuple[str, ...]] = {}
_lock = threading.Lock()
_loaded = False
#: The modules that declare built-in facts; imported on first lookup, not with the data model.
FACT_MODULES = (
    "aiscan.core.facts.aws",
    "aiscan.core.facts.azure",
    "aiscan.core.facts.gcp",
    "aiscan.core.facts.local",
)


def facts_for(*resource_types: str) -> Any:
    """Class decorator: the facts model of these resource types (`Asset.type` values)."""

    def register(cls: F) -> F:
        with _lock:
            for t in resource_types:
                if t in _REGISTRY and _REGISTRY[t] is not cls:
                    raise ValueError(f"{t} already has facts {_REGISTRY[t].__name__}")
                _REGISTRY[t] = cls
            _TYPES[cls] = _TYPES.get(cls, ()) + tuple(resource_types)
        return cls

    return register


def _load() -> None:
    global _loaded
    if _loaded:
        return
    for name in FACT_MODULES:
        importlib.import_module(name)
    _loaded = True


def facts_class(resource_type: str) -> type[Facts]:
    """The facts model of a resource type (GenericFacts for an unregistered one)."""
    _load()
    return _REGISTRY.get(resource_type, GenericFacts)


def registry() -> dict[str, type[Facts]]:
    """Every registered resource type and its facts model."""
    _load()
    return dict(_REGISTRY)


def resource_types(cls: type[Facts]) -> tuple[str, ...]:
    """The resource types whose facts are `cls` or a subclass of it (a shared-facts mixin)."""
    _load()
    return tuple(sorted(t for t, c in _REGISTRY.items() if issubclass(c, cls)))
