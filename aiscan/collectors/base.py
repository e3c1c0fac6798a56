"""The collector interface: what a cloud plugin implements and the values it exchanges."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from aiscan.core.inventory import InventoryBuilder
from aiscan.core.model import Cloud, Coverage


@dataclass(frozen=True)
class Scope:
    """What to read. Empty tuples mean "everything the identity can see"."""

    regions: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    profile: str | None = None
    org: bool = False
    assume_role: str | None = None
    external_id: str | None = None
    max_workers: int = 8
    options: Mapping[str, Any] = field(default_factory=dict)

    def wants(self, service: str) -> bool:
        return not self.services or service in self.services


class Progress(Protocol):
    def started(self, description: str) -> None: ...

    def finished(self, coverage: Coverage) -> None: ...


class NullProgress:
    def started(self, description: str) -> None:
        pass

    def finished(self, coverage: Coverage) -> None:
        pass


class CollectorConfigError(Exception):
    """Bad configuration (missing extra, unknown region/service): a usage error, exit 2."""


class Collector(ABC):
    name: ClassVar[str]
    cloud: ClassVar[Cloud]
    extra: ClassVar[str]
    #: Every service key the collector can read, as used in `--services` and in coverage.
    services: ClassVar[tuple[str, ...]]
    #: Every cloud permission the collector may use (docs and the permissions test read this).
    permissions: ClassVar[tuple[str, ...]]

    @classmethod
    @abstractmethod
    def detect(cls, environ: Mapping[str, str]) -> str | None:
        """Why credentials for this cloud seem present, from local signals only; None if not."""

    @abstractmethod
    def collect(self, scope: Scope, sink: InventoryBuilder, progress: Progress) -> dict[str, str]:
        """Read every scope into `sink`; return the identity the scan ran as."""
