"""Problems found in the input: every one carries a path, a line and the fix."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str
    warning: bool = False

    def format(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{display_path(self.path)}:{self.line}: {kind}{self.message}"


class BuildFailed(Exception):
    """Raised by the pipeline when the input has errors; carries all of them."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = sorted(problems)


def display_path(path: str) -> str:
    """Paths relative to the working directory when inside it, so editors can jump to them."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:
        return str(path)


def errors_of(problems: list[Problem], strict: bool) -> list[Problem]:
    """The problems that stop a build: all errors, and warnings too under --strict."""
    return [p for p in problems if strict or not p.warning]


LONGEST_MESSAGE = 1000       # a message quotes the input: a huge value must not flood the terminal


def error(path: Path | str, line: int, message: str) -> Problem:
    return Problem(str(path), line, cut(message))


def warning(path: Path | str, line: int, message: str) -> Problem:
    return Problem(str(path), line, cut(message), warning=True)


def cut(message: str) -> str:
    """A message of at most LONGEST_MESSAGE characters: its start, and its end with the fix."""
    if len(message) <= LONGEST_MESSAGE:
        return message
    return f"{message[:LONGEST_MESSAGE * 2 // 3]} … {message[-LONGEST_MESSAGE // 3:]}"


def unreadable_file(path: Path | str, exc: OSError) -> Problem:
    return error(path, 1, f"cannot read this file ({exc.strerror}) — give the build "
                 "permission to read it, or remove it")


def not_utf8(path: Path | str, data: bytes, exc: UnicodeDecodeError,
             what: str = "this file") -> Problem:
    """At the line of the first byte that is not UTF-8: a file saved in Latin-1, say."""
    return error(path, data[:exc.start].count(b"\n") + 1, f"{what} is not UTF-8 text: byte "
                 f"0x{data[exc.start]:02x} on this line — save the file as UTF-8")


def stop_on(problems: list[Problem], strict: bool) -> None:
    """Raise BuildFailed with every problem when any of them stops the build."""
    if errors_of(problems, strict):
        raise BuildFailed(problems)
