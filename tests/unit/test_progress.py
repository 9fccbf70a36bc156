"""The progress line of long builds: counts and elapsed time in a terminal, nothing in CI."""
from __future__ import annotations

import io
import shutil

from notulist import build
from notulist.cli import main
from notulist.progress import TerminalProgress, for_terminal
from tests.test_site import FIXTURE


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_build_reports_each_file_parsed_and_page_rendered(tmp_path):
    shutil.copytree(FIXTURE, tmp_path / "site", ignore=shutil.ignore_patterns(".cache"))
    heard = []
    build(tmp_path / "site/config.toml", tmp_path / "out", cache=False,
          progress=lambda step, done, total: heard.append((step, done, total)))
    parsed = [(d, t) for s, d, t in heard if s == "parsing"]
    rendered = [(d, t) for s, d, t in heard if s == "rendering"]
    assert parsed == [(n, 4) for n in range(1, 5)]       # 3 meetings and a free page
    pages = len(list((tmp_path / "out").rglob("*.html")))
    assert rendered == [(n, pages) for n in range(1, pages + 1)]


def test_terminal_line_waits_half_a_second_throttles_and_clears():
    stream, clock = io.StringIO(), Clock()
    progress = TerminalProgress(stream, clock)
    progress("parsing", 1, 100)
    assert stream.getvalue() == ""                        # a short build shows nothing
    clock.now += 0.6
    progress("parsing", 2, 100)
    progress("parsing", 3, 100)                           # within 0.1 s: not redrawn
    clock.now += 0.25
    progress("parsing", 100, 100)                         # the last count is always drawn
    assert stream.getvalue() == ("\rparsing 2/100 · 0.6 s\x1b[K"
                                 "\rparsing 100/100 · 0.8 s\x1b[K")
    progress.close()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_no_progress_line_in_ci_or_when_not_a_terminal(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("CI", raising=False)
    assert isinstance(for_terminal(Terminal()), TerminalProgress)
    assert for_terminal(io.StringIO()) is None
    monkeypatch.setenv("CI", "true")
    assert for_terminal(Terminal()) is None


def test_cli_build_prints_no_progress_when_piped(tmp_path, monkeypatch, capsys):
    shutil.copytree(FIXTURE, tmp_path / "site", ignore=shutil.ignore_patterns(".cache"))
    monkeypatch.chdir(tmp_path / "site")
    assert main(["build"]) == 0
    assert "\r" not in capsys.readouterr().err
