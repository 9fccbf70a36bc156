#!/usr/bin/env python3
"""Benchmark the Notulist build on a seeded synthetic minutes archive; prints figures.

    python bench/bench.py [--n 1000 10000] [--seed 1] [--repeat 3] [--keep]
                          [--workdir DIR] [--in-process] [--serve] [--floor] [--repo DIR]
    python bench/bench.py --generate-only DIR --n 1000 [--seed 1]
"""
from __future__ import annotations

import argparse
import importlib
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import traceback
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from floor import measure_floor, report_lines
from hugo_twin import hugo_command, write_hugo_site
from process_meter import Measurement, measure_call, run_measured
from synthetic_minutes import ArchiveSummary, write_site

REPO = Path(__file__).resolve().parent.parent
SITE_MARKER = ".notulist-bench-site"     # only folders carrying it are ever wiped
STDERR_LINES = 40
SEARCH_SECONDS = re.compile(r"of which ([0-9.]+) s indexing for search")
SERVED_WITHIN = 120.0                # seconds an edit may take to be served before we give up


class BuildFailed(Exception):
    """A build exited non-zero (or raised, in-process); carries what it said."""

    def __init__(self, what: str, output: str):
        super().__init__(what)
        self.output = output


@dataclass(frozen=True)
class Row:
    scenario: str
    measurement: Measurement
    search_s: float | None = None    # of the wall time, the search indexing step


@dataclass(frozen=True)
class ArchiveReport:
    count: int
    summary: ArchiveSummary
    generated_s: float
    site: Path
    rows: list[Row]
    notes: list[str]                 # skipped scenarios and the Hugo comparison


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv)
    if args.generate_only:
        return generate_only(args.generate_only, args.n, args.seed)
    if not (args.repo / "build.py").is_file():
        print(f"no build.py in {args.repo} — point --repo at a Notulist checkout", file=sys.stderr)
        return 1
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="notulist-bench-"))
    try:
        for count in args.n:
            print_report(benchmark_archive(count, args, workdir))
    except BuildFailed as failure:
        said = failure.output.splitlines()[:STDERR_LINES]
        heading = f"; its stderr (first {STDERR_LINES} lines):" if said else ""
        print(f"\n{failure}{heading}", *said, sep="\n", file=sys.stderr)
        return 1
    finally:
        keep_or_remove(workdir, keep=args.keep or args.workdir is not None)
    return 0


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1000, 10000],
                        help="meetings in the synthetic archive; one table per value")
    parser.add_argument("--seed", type=int, default=1, help="same seed, same archive")
    parser.add_argument("--repeat", type=int, default=3, help="runs per warm scenario (median)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary work folder")
    parser.add_argument("--workdir", type=Path, help="work here instead of a temp folder (kept)")
    parser.add_argument("--in-process", action="store_true",
                        help="also time notulist.build() called in this process")
    parser.add_argument("--serve", action="store_true",
                        help="also time `serve`: from saving an edit to the new page served")
    parser.add_argument("--floor", action="store_true",
                        help="also time the fixed tools alone on the same meetings: "
                             "markdown-it-py, and Pagefind on the indexed pages (floor.py)")
    parser.add_argument("--repo", type=Path, default=REPO,
                        help="the Notulist checkout to benchmark (default: this one)")
    parser.add_argument("--generate-only", type=Path, metavar="DIR",
                        help="only write the synthetic site into DIR (needs one --n)")
    args = parser.parse_args(argv)
    if args.generate_only and len(args.n) != 1:
        parser.error("--generate-only writes one site: give exactly one --n")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def generate_only(folder: Path, counts: list[int], seed: int) -> int:
    if not prepare_site_folder(folder):
        return 1
    summary = write_site(folder, counts[0], seed)
    print(f"wrote {summary.meetings} meetings ({summary.markdown_bytes / 1e6:.1f} MB of "
          f"Markdown, {summary.actions} actions) to {folder}")
    print(f"build: python {REPO / 'build.py'} build --config {folder / 'config.toml'} "
          f"--output {folder / 'output'}")
    return 0


def prepare_site_folder(folder: Path) -> bool:
    """An empty folder, or one this script wrote before (then its site is wiped)."""
    if folder.exists() and any(folder.iterdir()) and not (folder / SITE_MARKER).exists():
        print(f"{folder} is not empty and was not written by bench.py — "
              "give an empty or new folder", file=sys.stderr)
        return False
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / SITE_MARKER).write_text("written by bench/bench.py; wiped on the next run\n")
    return True


def keep_or_remove(workdir: Path, keep: bool) -> None:
    if keep:
        print(f"\nwork folder kept: {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)


# --- one archive size ------------------------------------------------------------------

def benchmark_archive(count: int, args: argparse.Namespace, workdir: Path) -> ArchiveReport:
    site, hugo = workdir / f"site-{count}", workdir / f"hugo-{count}"
    progress(f"N={count}: writing the synthetic archive to {site}")
    if not prepare_site_folder(site):
        raise SystemExit(1)
    started = time.perf_counter()
    summary = write_site(site, count, args.seed)
    generated = time.perf_counter() - started
    if shutil.which("hugo"):
        write_hugo_site(site, hugo)
    rows = [Row("(a) cold build", *cold_build(args.repo, site))]
    rows.append(Row(f"(b) rebuild, nothing changed{median_note(args.repeat)}",
                    *median_with_search([warm_build(args.repo, site)
                                         for _ in range(args.repeat)])))
    # The first edit after a cold build also makes the write stage's spare (a copy of the
    # output, by hard links): its own row; the median is of the edits after it.
    rows.append(Row("(c) first edit after the cold build",
                    *edited_build(args.repo, site, summary.middle_meeting, 0)))
    rows.append(Row(f"(c) rebuild, one meeting edited{median_note(args.repeat)}",
                    *median_with_search([edited_build(args.repo, site, summary.middle_meeting, r)
                                         for r in range(1, args.repeat + 1)])))
    notes = []
    if args.in_process:
        in_process, skipped = in_process_rows(args.repo, site, summary.middle_meeting,
                                              args.repeat)
        rows += in_process
        notes += [skipped] if skipped else []
    if args.serve:
        served, skipped = serve_rows(args.repo, site, summary.middle_meeting, args.repeat)
        rows += served
        notes += [skipped] if skipped else []
    hugo_note, hugo_s = compare_with_hugo(hugo, rows[0].measurement, rows[0].search_s)
    notes.append(hugo_note)
    if args.floor:
        progress("  floor: the fixed tools alone")
        notes += report_lines(measure_floor(site, summary.middle_meeting, args.repo), hugo_s)
    return ArchiveReport(count, summary, generated, site, rows, notes)


def build_command(repo: Path, site: Path) -> list[str]:
    return [sys.executable, str(repo / "build.py"), "build",
            "--config", str(site / "config.toml"), "--output", str(site / "output")]


def cold_build(repo: Path, site: Path) -> tuple[Measurement, float | None]:
    # The spare is the write stage's copy of the output before last (see docs/design.md).
    for folder in (site / ".cache", site / "output", site / ".output.spare"):
        shutil.rmtree(folder, ignore_errors=True)
    progress("  (a) cold build")
    return checked_build(repo, site)


def warm_build(repo: Path, site: Path) -> tuple[Measurement, float | None]:
    progress("  (b) rebuild, nothing changed")
    return checked_build(repo, site)


def edited_build(repo: Path, site: Path, meeting: Path, round_number: int
                 ) -> tuple[Measurement, float | None]:
    add_sentence(meeting, round_number)
    progress(f"  (c) rebuild after editing {meeting.relative_to(site)}")
    measured, searched = checked_build(repo, site)
    progress(f"      {measured.wall_s:.2f} s"
             + (f", of which {searched:.2f} s search" if searched is not None else ""))
    return measured, searched


def checked_build(repo: Path, site: Path) -> tuple[Measurement, float | None]:
    """The build's measurement, and the seconds it says it spent indexing for search."""
    run = run_measured(build_command(repo, site), cwd=site)
    if run.returncode != 0:
        raise BuildFailed(f"the build exited with {run.returncode}", run.stderr or run.stdout)
    said = SEARCH_SECONDS.search(run.stderr)
    return run.measurement, float(said.group(1)) if said else None


def median_with_search(runs: list[tuple[Measurement, float | None]]
                       ) -> tuple[Measurement, float | None]:
    searched = [seconds for _, seconds in runs if seconds is not None]
    return (median_of([measurement for measurement, _ in runs]),
            statistics.median(searched) if searched else None)


def add_sentence(meeting: Path, round_number: int) -> None:
    """Append a sentence to the meeting's first paragraph (not a heading, list or fence)."""
    lines = meeting.read_text(encoding="utf-8").split("\n")
    body_start = lines.index("---", 1) + 1
    for number in range(body_start + 1, len(lines)):
        line, previous = lines[number], lines[number - 1]
        if line and previous == "" and not line.startswith(("#", "-", ":::")):
            lines[number] = f"{line} Na afloop is aanvulling {round_number + 1} toegevoegd."
            break
    meeting.write_text("\n".join(lines), encoding="utf-8")


def median_of(measurements: list[Measurement]) -> Measurement:
    maxrss = [m.main_maxrss_mb for m in measurements if m.main_maxrss_mb is not None]
    return Measurement(statistics.median(m.wall_s for m in measurements),
                       statistics.median(m.peak_tree_mb for m in measurements),
                       statistics.median(maxrss) if maxrss else None)


def median_note(repeat: int) -> str:
    return f", median of {repeat}" if repeat > 1 else ""


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- in-process rebuilds (--in-process) --------------------------------------------------

def in_process_rows(repo: Path, site: Path, meeting: Path, repeat: int
                    ) -> tuple[list[Row], str | None]:
    """notulist.build(config, output) called here, as a watch loop would: after a first
    call has loaded everything, time a rebuild with nothing changed and one after an edit.
    Returns the rows, or none and why the scenario was skipped."""
    build, missing = engine_build_function(repo)
    if build is None:
        return [], f"(d) in-process skipped: {missing}"
    config, output = site / "config.toml", site / "output"
    progress("  (d) in-process: first call")
    try:
        first = call_engine(lambda: build(config, output))
    except TypeError as exc:
        return [], ("(d) in-process skipped: notulist.build(config_path, output_dir) "
                    f"raised TypeError: {exc}")
    unchanged = [call_engine(lambda: build(config, output)) for _ in range(repeat)]
    edited = []
    for round_number in range(repeat):
        add_sentence(meeting, 100 + round_number)
        edited.append(call_engine(lambda: build(config, output)))
    note = median_note(repeat)
    return [Row("(d) in-process, first call", first),
            Row(f"(d) in-process, nothing changed{note}", median_of(unchanged)),
            Row(f"(d) in-process, one meeting edited{note}", median_of(edited))], None


def engine_build_function(repo: Path):
    """notulist.build, or None and the reason it cannot be called."""
    if str(repo) not in sys.path:
        sys.path.insert(0, str(repo))
    try:
        engine = importlib.import_module("notulist")
    except ImportError as exc:
        return None, f"cannot import notulist from {repo} ({exc})"
    build = getattr(engine, "build", None)
    if not callable(build):
        return None, "the notulist package has no build() function"
    return build, None


def call_engine(call) -> Measurement:
    """measure_call, with a failing build turned into BuildFailed (TypeError passes)."""
    try:
        return measure_call(call)
    except TypeError:
        raise
    except SystemExit as exc:
        if exc.code in (0, None):
            raise BuildFailed("notulist.build() exited with 0 early", "") from exc
        raise BuildFailed(f"notulist.build() exited with {exc.code}", "") from exc
    except Exception as exc:
        raise BuildFailed(f"notulist.build() raised {type(exc).__name__}",
                          traceback.format_exc()) from exc


# --- serve (--serve) --------------------------------------------------------------------

def serve_rows(repo: Path, site: Path, meeting: Path, repeat: int
               ) -> tuple[list[Row], str | None]:
    """`serve` as an author meets it: the server runs, an edit is saved the way editors save
    (a temporary file renamed over the meeting), and the clock runs until the server answers
    with the new text. That includes the 0.3 s the server waits for a burst of saves to
    settle. The search index is made again after the page is served, once the sources have
    been quiet for a second; its time is reported as the search column."""
    if str(repo) not in sys.path:
        sys.path.insert(0, str(repo))
    try:
        from notulist.serve import Server
    except ImportError as exc:
        return [], f"(e) serve skipped: cannot import notulist.serve ({exc})"
    said: list[str] = []
    server = Server(site / "config.toml", site / "output", port=0, log=said.append)
    progress("  (e) serve: starting")
    server.start()
    try:
        page = meeting_url(server.port, site, meeting)
        served, searched = [], []
        for round_number in range(repeat):
            sentence = f"Tijdens de vergadering is aanvulling {round_number + 1} gedaan."
            progress(f"  (e) serve: saving an edit of {meeting.relative_to(site)}")
            searches_before = sum(bool(SERVE_SEARCH.search(line)) for line in said)
            started = time.perf_counter()
            save_like_an_editor(meeting, with_sentence(meeting, sentence))
            wait_until(lambda: sentence.encode() in fetch(page), "the edit to be served")
            served.append(Measurement(time.perf_counter() - started, 0.0, None))
            wait_until(lambda: sum(bool(SERVE_SEARCH.search(line)) for line in said)
                       > searches_before, "the search index to be updated")
            searched.append(float([found.group(1) for line in said
                                   if (found := SERVE_SEARCH.search(line))][-1]))
    finally:
        server.stop()
    wall = statistics.median(m.wall_s for m in served)
    return [Row(f"(e) serve, save to served{median_note(repeat)}",
                Measurement(wall, 0.0, None), statistics.median(searched))], None


SERVE_SEARCH = re.compile(r"search index updated in ([0-9.]+) s")


def meeting_url(port: int, site: Path, meeting: Path) -> str:
    body = meeting.parent.name
    return f"http://127.0.0.1:{port}/{body}/{meeting.stem}/"


def fetch(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read()
    except OSError:
        return b""


def wait_until(condition, what: str) -> None:
    deadline = time.perf_counter() + SERVED_WITHIN
    while not condition():
        if time.perf_counter() > deadline:
            raise BuildFailed(f"serve: gave up waiting {SERVED_WITHIN:.0f} s for {what}", "")
        time.sleep(0.005)


def with_sentence(meeting: Path, sentence: str) -> str:
    """The meeting's text with `sentence` appended to its last paragraph."""
    return meeting.read_text(encoding="utf-8").rstrip("\n") + " " + sentence + "\n"


def save_like_an_editor(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


# --- Hugo ------------------------------------------------------------------------------

def compare_with_hugo(hugo: Path, ours: Measurement, search_s: float | None
                      ) -> tuple[str, float | None]:
    """What to print, and Hugo's wall time (None when it did not run)."""
    if not shutil.which("hugo"):
        return "Hugo: not on PATH — comparison skipped", None
    output = hugo / "public"
    for folder in (output, hugo / "resources"):
        shutil.rmtree(folder, ignore_errors=True)
    progress("  Hugo cold build")
    run = run_measured(hugo_command(hugo, output))
    if run.returncode != 0:
        said = "\n".join((run.stderr or run.stdout).splitlines()[:STDERR_LINES])
        return f"Hugo: the build exited with {run.returncode} — comparison skipped\n{said}", None
    theirs = run.measurement
    without_search = (f", {(ours.wall_s - search_s) / theirs.wall_s:.2f}x without the search "
                      "index (Hugo makes none)") if search_s else ""
    return (f"Hugo cold build: {theirs.wall_s:.2f} s, {theirs.peak_tree_mb:.1f} MB peak — "
            f"ours/Hugo: {ours.wall_s / theirs.wall_s:.2f}x wall time{without_search}, "
            f"{ours.peak_tree_mb / theirs.peak_tree_mb:.2f}x peak memory"), theirs.wall_s


# --- report ----------------------------------------------------------------------------

def print_report(report: ArchiveReport) -> None:
    summary = report.summary
    print(f"\nN = {report.count} meetings: {summary.markdown_bytes / 1e6:.1f} MB of Markdown, "
          f"{summary.actions} actions, {summary.references} references "
          f"(generated in {report.generated_s:.1f} s)")
    width = max(len(row.scenario) for row in report.rows)
    print(f"{'scenario':<{width}}  {'wall s':>8}  {'search s':>8}  {'peak MB':>8}  "
          f"{'wait4 maxrss MB':>15}")
    for row in report.rows:
        m = row.measurement
        maxrss = f"{m.main_maxrss_mb:.1f}" if m.main_maxrss_mb is not None else "-"
        search = f"{row.search_s:.2f}" if row.search_s is not None else "-"
        peak = f"{m.peak_tree_mb:.1f}" if m.peak_tree_mb else "-"
        print(f"{row.scenario:<{width}}  {m.wall_s:>8.2f}  {search:>8}  {peak:>8}  {maxrss:>15}")
    print("search s: of the wall time, indexing for search (serve: after the page was served)")
    for note in report.notes:
        print(note)
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
