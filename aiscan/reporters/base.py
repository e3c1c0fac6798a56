"""The reporter interface."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from aiscan.core.model import ScanResult


class Reporter(ABC):
    name: ClassVar[str]
    #: True for documents describing the estate (a BOM) rather than the scan's findings.
    is_manifest: ClassVar[bool] = False

    @abstractmethod
    def render(self, result: ScanResult, *, command: str = "scan") -> str:
        """The whole document; `command` is "inventory" or "scan" (what the user asked for)."""
