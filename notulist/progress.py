"""A progress line for long builds in a terminal: `rendering 420/1066 · 3.2 s`."""
from __future__ import annotations

import os
import sys
import time
from typing import Callable, Iterable, Iterator, TextIO

Progress = Callable[[str, int, int], None]     # (step, done, total)


class TerminalProgress:
    """Redraws one line at most ten times a second, and only once a build has taken half a
    second: short builds print nothing."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic):
        self.stream, self.clock = stream, clock
        self.started = self.shown = clock()
        self.drawn = False

    def __call__(self, step: str, done: int, total: int) -> None:
        now = self.clock()
        if now - self.started < 0.5 or (done < total and now - self.shown < 0.1):
            return
        self.shown, self.drawn = now, True
        self.stream.write(f"\r{step} {done}/{total} · {now - self.started:.1f} s\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def for_terminal(stream: TextIO = sys.stderr) -> TerminalProgress | None:
    """A progress line when a person watches a terminal; none in CI or when piped."""
    if os.environ.get("CI") or not stream.isatty():
        return None
    return TerminalProgress(stream)


def counted(items: Iterable, step: str, total: int, progress: Progress | None) -> Iterator:
    """The items, reporting each one to `progress` as it passes."""
    for done, item in enumerate(items, 1):
        if progress:
            progress(step, done, total)
        yield item
