"""The JSON document: schema_version, tool, scan, assets, relations, coverage, findings."""

from __future__ import annotations

from typing import ClassVar

from aiscan.core.model import ScanResult
from aiscan.reporters.base import Reporter


class JsonReporter(Reporter):
    name: ClassVar[str] = "json"

    def render(self, result: ScanResult, *, command: str = "scan") -> str:
        if command == "inventory":
            result = result.model_copy(update={"findings": (), "evaluations": ()})
        return result.model_dump_json(indent=2) + "\n"
