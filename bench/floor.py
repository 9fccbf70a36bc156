"""The floor (--floor): what the fixed tools alone take on the same meetings.

The Markdown engine is markdown-it-py, and the site has a Pagefind search index. Whatever
the engine around them does, a cold build cannot take less than:

- **Markdown**: markdown-it-py (CommonMark, no plugin) rendering every meeting's text, one
  reused instance per core, the files split evenly over the cores. No YAML, links, pages
  or writing.
- **search**: Pagefind indexing the pages the cold build indexed, one command per shard
  as the build runs them, as many at a time as there are cores.

and an edit cannot take less than starting Python plus Pagefind indexing the edited
meeting's shard again (Pagefind cannot add or replace one page of an index).
"""
from __future__ import annotations

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


@dataclass(frozen=True)
class Floor:
    markdown_s: float               # markdown-it-py, CommonMark, no plugin
    ours_s: float                   # the engine's reader (minutes_text.py)
    search_s: float | None          # None: no shards in the build's search record
    pages: int                      # indexed pages
    start_s: float                  # `python -c pass` with this interpreter's site-packages
    edit_search_s: float | None     # Pagefind on the edited meeting's shard
    edit_shard_pages: int


def measure_floor(site: Path, edited: Path | None, repo: Path) -> Floor:
    """`site` after a cold build (its output and .cache/ in place); `repo` the checkout
    whose engine reads the Markdown and runs Pagefind."""
    if str(repo) not in sys.path:
        sys.path.insert(0, str(repo))   # the pool's forked processes inherit it
    from notulist.pipeline import configure
    from notulist.search import Shard, read_record
    language = configure(site / "config.toml").language
    records = sorted((site / ".cache").glob("search-*.json"))
    shards = [Shard(name, tuple(paths))
              for name, paths in read_record(records[0] if records else None)["shards"].items()]
    edited_shard = next((shard for shard in shards if edited and page_of(site, edited)
                         in shard.paths), None)
    return Floor(
        markdown_seconds(site, ours=False), markdown_seconds(site, ours=True),
        pagefind_seconds(site / "output", shards, language) if shards else None,
        sum(len(shard.paths) for shard in shards), start_seconds(),
        pagefind_seconds(site / "output", [edited_shard], language, seeded=True)
        if edited_shard else None,
        len(edited_shard.paths) if edited_shard else 0)


def report_lines(floor: Floor, hugo_s: float | None) -> list[str]:
    def versus_hugo(seconds: float) -> str:
        return f" = {seconds / hugo_s:.2f}x Hugo" if hugo_s else ""
    markdown_s = min(floor.markdown_s, floor.ours_s)
    lines = ["floor (the fixed tools alone, on the same meetings):",
             f"  markdown-it-py, CommonMark, one instance per core: "
             f"{floor.markdown_s:.2f} s{versus_hugo(floor.markdown_s)}",
             f"  the engine's reader (minutes_text.py), the same way: "
             f"{floor.ours_s:.2f} s{versus_hugo(floor.ours_s)}"]
    if floor.search_s is not None:
        both = markdown_s + floor.search_s
        lines += [f"  Pagefind on the {floor.pages} pages the cold build indexed, by shard: "
                  f"{floor.search_s:.2f} s",
                  f"  cold build floor, the faster Markdown and Pagefind: "
                  f"{both:.2f} s{versus_hugo(both)}"]
    if floor.edit_search_s is not None:
        edit = floor.start_s + floor.edit_search_s
        lines.append(f"  edit floor: Python start {floor.start_s:.2f} s + Pagefind on the "
                     f"edited meeting's shard ({floor.edit_shard_pages} pages, started from "
                     f"its published files) "
                     f"{floor.edit_search_s:.2f} s = {edit:.2f} s")
    return lines


# --- Markdown ------------------------------------------------------------------------------

def markdown_seconds(site: Path, ours: bool) -> float:
    """Every meeting's text converted on every core."""
    texts = [body_of(path) for path in sorted((site / "content").rglob("*.md"))]
    workers = os.cpu_count() or 1
    started = time.perf_counter()
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        list(pool.map(convert_all, [texts[i::workers] for i in range(workers)],
                      [ours] * workers))
    return time.perf_counter() - started


def body_of(path: Path) -> str:
    """The Markdown after the front matter, as the engine splits it."""
    from notulist.frontmatter import split_front_matter
    from notulist.load import Source
    front, _ = split_front_matter(Source(path, None, path.stem,
                                         path.read_text(encoding="utf-8"), ""))
    return front.body if front else ""


def convert_all(texts: list[str], ours: bool) -> int:
    if ours:        # the engine's reader: the parse, its tokens read, the HTML sanitised
        from notulist.minutes_entries import keyword_rules
        from notulist.minutes_text import Context, read_minutes
        context = Context("bench.md", "lrt", "nl", keyword_rules(()))
        return sum(len(read_minutes(text, 1, context).intro_html) for text in texts)
    from markdown_it import MarkdownIt
    converter = MarkdownIt("commonmark")
    return sum(len(converter.render(text)) for text in texts)


# --- Pagefind ------------------------------------------------------------------------------

def page_of(site: Path, meeting: Path) -> str:
    relative = meeting.relative_to(site / "content").with_suffix("")
    return f"{relative.as_posix()}/index.html"


def pagefind_seconds(output: Path, shards: list, language: str, seeded: bool = False) -> float:
    """Pagefind on each shard's pages, run as the build runs it (search.run_pagefind), as
    many at a time as there are cores; wall seconds. `seeded`: each bundle folder starts
    with the published bundle's fragment and word index files, as the build's does for an
    edit: Pagefind does not compress again those it finds there."""
    from notulist.search import HASHED, run_pagefind
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
