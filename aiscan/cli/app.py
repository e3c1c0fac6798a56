"""The App object every command receives: two consoles (data to stdout, progress to stderr)."""

from __future__ import annotations

import sys
import threading
import time
from typing import NoReturn

import click
from rich.console import Console
from rich.progress import (
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
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
    """Reports scopes as they are read. On a terminal a live line: scopes done / total (total
    grows as collectors plan each pass), elapsed time and the scope being read. Otherwise (cron,
    CI) only scopes that could not be read, one line each, and one final line, so logs stay
    short but never silent."""

    def __init__(self, console: Console, *, enabled: bool) -> None:
        self.console = console
        self.enabled = enabled
        self.live = enabled and console.is_terminal
        self._lock = threading.Lock()
        self._planned = 0
        self._started = 0
        self._done = 0
        self._incomplete = 0
        self._t0 = time.monotonic()
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        if self.live:
            self._bar = Progress(
                SpinnerColumn(),
                MofNCompleteColumn(),
                TextColumn("scopes"),
                TimeElapsedColumn(),
                TextColumn("{task.description}"),
                console=console,
                transient=True,
            )
            self._task = self._bar.add_task("starting", total=None)

    def __enter__(self) -> ScopeProgress:
        self._t0 = time.monotonic()
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
        if self.enabled and exc_type is None:
            self.console.print(Text(self.final_line(), style="dim"))

    @property
    def total(self) -> int:
        """Scopes known so far: never fewer than have started or finished."""
        return max(self._planned, self._started, self._done)

    def elapsed(self) -> float:
        return time.monotonic() - self._t0

    def final_line(self) -> str:
        bad = f", {self._incomplete} not read" if self._incomplete else ""
        return f"read {self._done} scope(s) in {format_duration(self.elapsed())}{bad}"

    def planned(self, scopes: int) -> None:
        with self._lock:
            self._planned += max(0, scopes)
            self._refresh()

    def started(self, description: str) -> None:
        with self._lock:
            self._started += 1
            self._refresh(f"reading {clean_text(description, 80)}")

    def finished(self, coverage: Coverage) -> None:
        with self._lock:
            self._done += 1
            if coverage.status.incomplete:
                self._incomplete += 1
            self._refresh()
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

    def _refresh(self, description: str | None = None) -> None:
        if self._bar is None or self._task is None:
            return
        self._bar.update(
            self._task, total=self.total, completed=self._done, description=description
        )


def format_duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes} min {rest:02d} s"


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()
