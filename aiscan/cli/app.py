"""The App object every command receives: two consoles (data to stdout, progress to stderr)."""

from __future__ import annotations

import sys
import threading
from typing import NoReturn

import click
from rich.console import Console
from rich.text import Text

from aiscan.core.model import Coverage
from aiscan.core.sanitize import clean_text


class App:
    def __init__(self, *, quiet: bool = False) -> None:
        self.quiet = quiet
        self.out = Console(soft_wrap=False, highlight=False)
        self.err = Console(stderr=True, highlight=False)

    def abort(self, message: str, code: int = 2) -> NoReturn:
        self.err.print(Text(f"aiscan: {clean_text(message, 2000)}", style="bold red"))
        raise click.exceptions.Exit(code)

    def warn(self, message: str) -> None:
        self.err.print(Text(f"warning: {clean_text(message, 2000)}", style="yellow"))

    def progress(self) -> ScopeProgress:
        return ScopeProgress(self.err, enabled=not self.quiet)


class ScopeProgress:
    """Reports scopes as they are read. On a terminal a live status line; otherwise (cron, CI)
    only scopes that could not be read, one line each, so logs stay short but never silent."""

    def __init__(self, console: Console, *, enabled: bool) -> None:
        self.console = console
        self.enabled = enabled
        self.live = enabled and console.is_terminal
        self._lock = threading.Lock()
        self._started = 0
        self._done = 0
        self._status = console.status("starting", spinner="dots") if self.live else None

    def __enter__(self) -> ScopeProgress:
        if self._status is not None:
            self._status.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._status is not None:
            self._status.stop()

    def started(self, description: str) -> None:
        with self._lock:
            self._started += 1
            if self._status is not None:
                self._status.update(
                    f"reading {clean_text(description, 100)}  ({self._done}/{self._started} scopes)"
                )

    def finished(self, coverage: Coverage) -> None:
        with self._lock:
            self._done += 1
            if self.enabled and coverage.status.incomplete:
                c = coverage
                where = f"{c.cloud.value} {c.account} {c.region} {c.service}"
                self.console.print(
                    Text(
                        f"{coverage.status.value}: {clean_text(where, 200)}: "
                        f"{clean_text(coverage.message, 300)}",
                        style="yellow",
                    )
                )


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()
