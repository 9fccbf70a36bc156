"""The benchmark's own pieces: the peer, the floor's converters, the meter, the report.
No timing is asserted; run with `PYTHONPATH=. python3 -m pytest bench/test_bench.py -q`."""
from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

import floor
from bench import add_sentence
from peer import prepare_peer
from process_meter import Measurement, measure_call, run_measured
from report import COLD, EDIT, UNCHANGED, ArchiveReport, Pair, Row, print_report
from synthetic_minutes import ArchiveSummary, write_site

REPO = Path(__file__).resolve().parent.parent
MEETINGS = 6


@pytest.mark.skipif(not shutil.which("hugo"), reason="hugo is not installed")
def test_peer_indexes_the_meeting_pages_and_builds_the_edit(tmp_path):
    summary = write_site(tmp_path / "site", MEETINGS, seed=3)
    peer, skipped = prepare_peer(REPO, tmp_path / "site", tmp_path / "hugo")
    assert skipped is None
    cold = peer.cold()
    entry = json.loads((peer.output / "pagefind" / "pagefind-entry.json").read_text())
    # data-pagefind-body on the meeting layout only: the list pages are not indexed
    assert [facts["page_count"] for facts in entry["languages"].values()] == [MEETINGS]
    assert cold.search_s is not None and cold.hugo.largest_mb > 0
    assert cold.measurement.wall_s == pytest.approx(cold.hugo.wall_s + cold.search_s)
    twin = peer.folder / summary.middle_meeting.relative_to(tmp_path / "site")
    add_sentence(twin, 4)
    edited = peer.rebuild(search=True)
    page = peer.output / twin.parent.name / twin.stem / "index.html"
    assert "Na afloop is aanvulling 5 toegevoegd." in page.read_text(encoding="utf-8")
    assert edited.pagefind is not None and peer.rebuild(search=False).pagefind is None


def test_peer_is_skipped_with_a_reason_without_hugo(tmp_path, monkeypatch):
    write_site(tmp_path / "site", MEETINGS, seed=3)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    peer, skipped = prepare_peer(REPO, tmp_path / "site", tmp_path / "hugo")
    assert peer is None and "hugo is not on PATH" in skipped
    assert not (tmp_path / "hugo").exists()


def test_floor_falls_back_to_python_markdown(monkeypatch):
    sys.path.insert(0, str(REPO))
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *rest: None if name == "markdown_it" else real(name, *rest))
    # the engine's own Python-Markdown converter is gone with Python-Markdown (issue 16)
    assert floor.markdown_converters() == [floor.PYTHON_MARKDOWN]


@pytest.mark.skipif(not importlib.util.find_spec("markdown_it"), reason="no markdown-it-py")
def test_floor_uses_markdown_it_with_the_engines_extensions():
    assert floor.markdown_converters() == [floor.MARKDOWN_IT]
    html = floor.new_converter(floor.MARKDOWN_IT)("- [x] ~~oud~~ [^1]\n\n[^1]: noot\n")
    assert 'type="checkbox"' in html and "<s>oud</s>" in html and 'class="footnotes"' in html


def test_meter_keeps_the_largest_process_and_no_pagefind():
    grow = "b = bytearray(120 * 2**20); b[::4096] = b'x' * len(b[::4096]); import time; " \
           "time.sleep(0.3)"
    run = run_measured([sys.executable, "-c", grow])
    assert run.returncode == 0
    assert run.measurement.largest_mb >= 120 and run.measurement.pagefind_mb is None


def test_meter_in_process_counts_the_call_not_what_came_before():
    before = resident_mb()              # the test process holds what the suite left in it
    earlier = bytearray(300 * 2**20)
    earlier[::4096] = b"x" * len(earlier[::4096])
    del earlier
    assert measure_call(lambda: sum(range(1000))).largest_mb < before + 150


def resident_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def test_report_prints_ratios_and_multiples_of_the_floor(capsys):
    found = floor.Floor({floor.MARKDOWN_IT: 1.0}, search_s=2.0, pages=10, start_s=0.1,
                        edit_search_s=0.4, edit_shard_pages=10)
    report = ArchiveReport(10, ArchiveSummary(meetings=10), 0.1, Path("site"), floor=found,
                           peer="Hugo x + Pagefind y")
    report.rows = [Row("(a) cold build", Measurement(6.0, 100.0, 50.0), 2.0, COLD),
                   Row("(b) nothing changed", Measurement(0.2, 20.0, 20.0), None, UNCHANGED)]
    report.pairs = [Pair("cold", 6.0, 4.0, COLD), Pair("edit", 1.0, 2.0, EDIT)]
    print_report(report)
    said = capsys.readouterr().out
    cold_row = next(line for line in said.splitlines() if line.startswith("(a) cold build"))
    assert "2.00x" in cold_row                      # 6 s against a 3 s floor
    assert "2.00x" in next(line for line in said.splitlines() if line.startswith("(b)"))
    pairs = said[said.index("ours against Hugo x + Pagefind y"):].splitlines()
    assert pairs[2].split()[:6] == ["cold", "6.00", "4.00", "1.50x", "3.00", "0.75x"]
    assert pairs[3].split()[:6] == ["edit", "1.00", "2.00", "0.50x", "0.50", "0.25x"]
