"""What bench.py prints for one archive size: every scenario's figures, ours against the
peer's (Hugo + Pagefind) scenario by scenario, and each figure as a multiple of its floor."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from floor import Floor, report_lines
from process_meter import Measurement
from synthetic_minutes import ArchiveSummary

# Which floor a scenario is held against (floor.py): the fixed tools' part of that work.
COLD, MARKDOWN, UNCHANGED, EDIT, EDIT_IN_PROCESS = (
    "cold", "markdown", "unchanged", "edit", "edit in process")


@dataclass(frozen=True)
class Row:
    scenario: str
    measurement: Measurement
    search_s: float | None = None    # of the wall time, the search indexing step
    floor: str | None = None         # COLD, MARKDOWN, ...: None when no fixed tool bounds it


@dataclass(frozen=True)
class Pair:
    """One scenario, ours against the peer's."""
    scenario: str
    ours_s: float
    peer_s: float
    floor: str | None


@dataclass
class ArchiveReport:
    count: int
    summary: ArchiveSummary
    generated_s: float
    site: Path
    rows: list[Row] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)
    peer: str | None = None          # "Hugo x + Pagefind y", when the peer ran
    notes: list[str] = field(default_factory=list)   # skipped scenarios and why
    floor: Floor | None = None


def floor_seconds(kind: str | None, floor: Floor | None) -> float | None:
    if floor is None or kind is None:
        return None
    return {COLD: floor.cold_s, MARKDOWN: floor.markdown_s, UNCHANGED: floor.start_s,
            EDIT: floor.edit_s, EDIT_IN_PROCESS: floor.edit_search_s}[kind]


def times_floor(seconds: float, kind: str | None, floor: Floor | None) -> str:
    below = floor_seconds(kind, floor)
    return f"{seconds / below:.2f}x" if below else "-"


def print_report(report: ArchiveReport) -> None:
    summary = report.summary
    print(f"\nN = {report.count} meetings: {summary.markdown_bytes / 1e6:.1f} MB of Markdown, "
          f"{summary.actions} actions, {summary.references} references "
          f"(generated in {report.generated_s:.1f} s)")
    print_rows(report.rows, report.floor)
    if report.floor is not None:
        print("", *report_lines(report.floor), sep="\n")
    if report.pairs:
        print_pairs(report.pairs, report.peer or "the peer", report.floor)
    for note in report.notes:
        print(note)
    sys.stdout.flush()


def print_rows(rows: list[Row], floor: Floor | None) -> None:
    width = max(len(row.scenario) for row in rows)
    print(f"{'scenario':<{width}}  {'wall s':>7}  {'search s':>8}  {'x floor':>7}  "
          f"{'tree MB':>7}  {'largest MB':>10}  {'Pagefind MB':>11}  {'wait4 MB':>8}")
    for row in rows:
        m = row.measurement
        print(f"{row.scenario:<{width}}  {m.wall_s:>7.2f}  {figure(row.search_s, 2):>8}  "
              f"{times_floor(m.wall_s, row.floor, floor):>7}  "
              f"{figure(m.peak_tree_mb or None, 1):>7}  {figure(m.largest_mb, 1):>10}  "
              f"{figure(m.pagefind_mb, 1):>11}  {figure(m.main_maxrss_mb, 1):>8}")
    print("search s: of the wall time, indexing for search (serve: after the page was served); "
          "x floor: the wall time as a multiple of its floor (--floor); tree MB: the summed "
          "RSS of the process tree; largest MB: its largest process other than Pagefind's; "
          "Pagefind MB: Pagefind's largest process")


def print_pairs(pairs: list[Pair], peer: str, floor: Floor | None) -> None:
    width = max(len(pair.scenario) for pair in pairs)
    print(f"\nours against {peer}, the same meetings in the same run:")
    print(f"{'scenario':<{width}}  {'ours s':>7}  {'peer s':>7}  {'ours/peer':>9}  "
          f"{'floor s':>7}  {'floor/peer':>10}  {'ours x floor':>12}  {'peer x floor':>12}")
    for pair in pairs:
        below = floor_seconds(pair.floor, floor)
        print(f"{pair.scenario:<{width}}  {pair.ours_s:>7.2f}  {pair.peer_s:>7.2f}  "
              f"{pair.ours_s / pair.peer_s:>8.2f}x  {figure(below, 2):>7}  "
              f"{figure(below and below / pair.peer_s, 2, 'x'):>10}  "
              f"{times_floor(pair.ours_s, pair.floor, floor):>12}  "
              f"{times_floor(pair.peer_s, pair.floor, floor):>12}")


def figure(value: float | None, places: int, unit: str = "") -> str:
    return "-" if value is None else f"{value:.{places}f}{unit}"
