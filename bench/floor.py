"""The floor (--floor): what the fixed tools alone take on the same meetings.

Whatever the engine around them does, a cold build cannot take less than:

- **Markdown**: every meeting's text converted, one reused converter per core, the files
  split evenly over the cores. No YAML, links, pages or writing. With markdown-it-py when
  it is importable (the engine is moving to it), configured as CommonMark with tables,
  strikethrough, footnotes and task lists; else with Python-Markdown, bare and as
  `markup.py` configures it, the faster of the two counting.
- **search**: Pagefind indexing the pages the cold build indexed, one command per shard
  as the build runs them, as many at a time as there are cores.

An edit cannot take less than starting Python plus Pagefind indexing the edited meeting's
shard again (Pagefind cannot add or replace one page of an index), and a rebuild with
nothing changed not less than starting Python. Each figure is the fastest of a few runs
(COLD_RUNS, EDIT_RUNS, five Python starts).
"""
from __future__ import annotations

import importlib.util
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

MARKDOWN_IT = "markdown-it-py, CommonMark + tables, strikethrough, footnotes, task lists"
PYTHON_MARKDOWN = "Python-Markdown, no extension"
PYTHON_MARKDOWN_OURS = "Python-Markdown as markup.py configures it"
COLD_RUNS, EDIT_RUNS = 2, 3          # each floor is the fastest of this many runs


@dataclass(frozen=True)
class Floor:
    markdown: dict[str, float]      # converter -> seconds for every meeting on every core
    search_s: float | None          # None: no shards in the build's search record
    pages: int                      # indexed pages
    start_s: float                  # `python -c pass` with this interpreter's site-packages
    edit_search_s: float | None     # Pagefind on the edited meeting's shard
    edit_shard_pages: int

    @property
    def markdown_s(self) -> float:
        return min(self.markdown.values())

    @property
    def cold_s(self) -> float:
        return self.markdown_s + (self.search_s or 0.0)

    @property
    def edit_s(self) -> float | None:
        return None if self.edit_search_s is None else self.start_s + self.edit_search_s


def measure_floor(site: Path, edited: Path | None, repo: Path) -> Floor:
    """`site` after a cold build (its output and .cache/ in place); `repo` the checkout
    whose engine runs Pagefind (and configures Python-Markdown when that is the one)."""
    if str(repo) not in sys.path:
        sys.path.insert(0, str(repo))   # the pool's forked processes inherit it
    from notulist.incremental.store import Store
    from notulist.link.shards import Shard
    from notulist.pipeline import configure
    from notulist.write.search_index import read_record
    language = configure(site / "config.toml").language
    record = read_record(Store.beside(site / "config.toml", (site / "output").resolve()))
    shards = [Shard(name, tuple(paths)) for name, paths in record["shards"].items()]
    edited_shard = next((shard for shard in shards if edited and page_of(site, edited)
                         in shard.paths), None)
    return Floor(
        {converter: fastest(lambda: markdown_seconds(site, converter))
         for converter in markdown_converters()},
        fastest(lambda: pagefind_seconds(site / "output", shards, language)) if shards else None,
        sum(len(shard.paths) for shard in shards), start_seconds(),
        fastest(lambda: pagefind_seconds(site / "output", [edited_shard], language, seeded=True),
                EDIT_RUNS) if edited_shard else None,
        len(edited_shard.paths) if edited_shard else 0)


def fastest(seconds_of_a_run, runs: int = COLD_RUNS) -> float:
    """The fastest of a few runs: a floor, and this machine's speed varies by a third."""
    return min(seconds_of_a_run() for _ in range(runs))


def markdown_converters() -> list[str]:
    """markdown-it-py when importable, else Python-Markdown bare and as markup.py has it."""
    if importlib.util.find_spec("markdown_it") and importlib.util.find_spec("mdit_py_plugins"):
        return [MARKDOWN_IT]
    import notulist.model.markup as markup
    ours = [PYTHON_MARKDOWN_OURS] if hasattr(markup, "new_converter") else []
    return [PYTHON_MARKDOWN, *ours]


def report_lines(floor: Floor) -> list[str]:
    lines = ["floor (the fixed tools alone, on the same meetings):"]
    lines += [f"  {converter}, one converter per core: {seconds:.2f} s"
              for converter, seconds in floor.markdown.items()]
    if floor.search_s is not None:
        lines += [f"  Pagefind on the {floor.pages} pages the cold build indexed, by shard: "
                  f"{floor.search_s:.2f} s",
                  f"  cold build floor, Markdown and Pagefind: {floor.cold_s:.2f} s"]
    lines.append(f"  nothing-changed floor: Python start {floor.start_s:.2f} s")
    if floor.edit_s is not None:
        lines.append(f"  edit floor: Python start {floor.start_s:.2f} s + Pagefind on the "
                     f"edited meeting's shard ({floor.edit_shard_pages} pages, started from "
                     f"its published files) {floor.edit_search_s:.2f} s = {floor.edit_s:.2f} s")
    return lines


# --- Markdown ------------------------------------------------------------------------------

def markdown_seconds(site: Path, converter: str) -> float:
    """Every meeting's text converted on every core; the pool's start is timed too."""
    texts = [body_of(path) for path in sorted((site / "content").rglob("*.md"))]
    workers = os.cpu_count() or 1
    started = time.perf_counter()
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        list(pool.map(convert_all, [texts[i::workers] for i in range(workers)],
                      [converter] * workers))
    return time.perf_counter() - started


def body_of(path: Path) -> str:
    """The Markdown after the front matter, as the engine splits it."""
    from notulist.load.files import Source
    from notulist.load.frontmatter import split_front_matter
    front, _ = split_front_matter(Source(path, None, path.stem,
                                         path.read_text(encoding="utf-8"), ""))
    return front.body if front else ""


def convert_all(texts: list[str], converter: str) -> int:
    """The length of all the HTML, so nothing is optimised away."""
    convert = new_converter(converter)
    return sum(len(convert(text)) for text in texts)


def new_converter(converter: str):
    """A function from Markdown to HTML, one reused instance behind it."""
    if converter == MARKDOWN_IT:
        from markdown_it import MarkdownIt
        from mdit_py_plugins.footnote import footnote_plugin
        from mdit_py_plugins.tasklists import tasklists_plugin
        engine = MarkdownIt("commonmark").enable(["table", "strikethrough"])
        return engine.use(footnote_plugin).use(tasklists_plugin).render
    if converter == PYTHON_MARKDOWN_OURS:
        from notulist.model.markup import new_converter as configured
        instance = configured("nl")
    else:
        import markdown
        instance = markdown.Markdown()
    return lambda text: instance.reset().convert(text)


# --- Pagefind ------------------------------------------------------------------------------

def page_of(site: Path, meeting: Path) -> str:
    relative = meeting.relative_to(site / "content").with_suffix("")
    return f"{relative.as_posix()}/index.html"


def pagefind_seconds(output: Path, shards: list, language: str, seeded: bool = False) -> float:
    """Pagefind on each shard's pages, run as the build runs it (write/pagefind.py's run_pagefind), as
    many at a time as there are cores; wall seconds. `seeded`: each bundle folder starts
    with the published bundle's fragment and word index files, as the build's does for an
    edit: Pagefind does not compress again those it finds there."""
    from notulist.write.pagefind import HASHED, run_pagefind
    with tempfile.TemporaryDirectory(prefix="notulist-floor-") as folder:
        work = Path(folder)
        for shard in shards if seeded else ():
            for kind in HASHED:
                shutil.copytree(output / shard.folder / kind, work / "bundles" / shard.name / kind)
        started = time.perf_counter()
        with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
            list(pool.map(lambda shard: run_pagefind(work, output, shard, language), shards))
        return time.perf_counter() - started


def start_seconds(runs: int = 5) -> float:
    """The fastest of a few `python -c pass` runs."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - started)
    return min(times)
