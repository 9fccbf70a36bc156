"""The floor (--floor): what the fixed tools alone take on the same meetings.

Issue 2 fixes Python-Markdown as the Markdown engine, and the site has a Pagefind search
index. Whatever the engine around them does, a cold build cannot take less than:

- **Markdown**: Python-Markdown converting every meeting's text, with no extension, one
  reused instance per core (`reset()` between files), the files split evenly over the
  cores. No YAML, links, pages or writing.
- **search**: Pagefind indexing the pages the cold build indexed, one command per shard
  as the build runs them, as many at a time as there are cores.

and an edit cannot take less than starting Python plus Pagefind indexing the edited
meeting's shard again (Pagefind cannot add or replace one page of an index).
"""
from __future__ import annotations

import importlib.util
import json
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
    markdown_s: float               # Python-Markdown, no extension
    ours_s: float | None            # Python-Markdown as Notulist configures it (markup.py)
    search_s: float | None          # None: no Pagefind binary, or no shards in the record
    pages: int                      # indexed pages
    start_s: float                  # `python -c pass` with this interpreter's site-packages
    edit_search_s: float | None     # Pagefind on the edited meeting's shard
    edit_shard_pages: int


def measure_floor(site: Path, edited: Path | None, repo: Path) -> Floor:
    """`site` after a cold build (its output and .cache/ in place); `repo` the checkout
    whose markup.py configures Python-Markdown."""
    if str(repo) not in sys.path:
        sys.path.insert(0, str(repo))   # the pool's forked processes inherit it
    shards = indexed_shards(site)
    pagefind = pagefind_binary()
    language = site_language(site)
    search_s = run_pagefind(site / "output", list(shards.values()), pagefind, language) \
        if shards and pagefind else None
    edited_shard = shard_of(shards, site, edited) if edited else None
    edit_search_s = run_pagefind(site / "output", [shards[edited_shard]], pagefind, language,
                                 seeded_from=site / "output" / "pagefind" / edited_shard) \
        if edited_shard and pagefind else None
    return Floor(markdown_seconds(site, ours=False), markdown_seconds(site, ours=True),
                 search_s, sum(map(len, shards.values())), start_seconds(), edit_search_s,
                 len(shards.get(edited_shard, ())))


def report_lines(floor: Floor, hugo_s: float | None) -> list[str]:
    def versus_hugo(seconds: float) -> str:
        return f" = {seconds / hugo_s:.2f}x Hugo" if hugo_s else ""
    markdown_s = min(floor.markdown_s, floor.ours_s or floor.markdown_s)
    lines = ["floor (the fixed tools alone, on the same meetings):",
             f"  Python-Markdown, no extension, one instance per core: "
             f"{floor.markdown_s:.2f} s{versus_hugo(floor.markdown_s)}"]
    if floor.ours_s is not None:
        lines.append(f"  Python-Markdown as Notulist configures it (markup.py), the same way: "
                     f"{floor.ours_s:.2f} s{versus_hugo(floor.ours_s)}")
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

def markdown_seconds(site: Path, ours: bool) -> float | None:
    """Every meeting's text converted on every core; None when `ours` and Notulist cannot
    be imported."""
    if ours and importlib.util.find_spec("notulist") is None:
        return None
    texts = [body_of(path) for path in sorted((site / "content").rglob("*.md"))]
    workers = os.cpu_count() or 1
    started = time.perf_counter()
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        list(pool.map(convert_all, [texts[i::workers] for i in range(workers)],
                      [ours] * workers))
    return time.perf_counter() - started


def body_of(path: Path) -> str:
    """The Markdown after the front matter."""
    text = path.read_text(encoding="utf-8")
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        return text[end + 5:] if end >= 0 else text
    return text


def convert_all(texts: list[str], ours: bool) -> int:
    if ours:
        from notulist.markup import new_converter
        converter = new_converter("nl")
    else:
        import markdown
        converter = markdown.Markdown()
    size = 0
    for text in texts:
        converter.reset()
        size += len(converter.convert(text))
    return size


# --- Pagefind ------------------------------------------------------------------------------

def pagefind_binary() -> str | None:
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    found = get_executable()
    return str(found) if found else None


def indexed_shards(site: Path) -> dict[str, list[str]]:
    """The shards of the last build (shard -> its pages), from the build's search record."""
    for record in sorted((site / ".cache").glob("search-*.json")):
        try:
            return dict(json.loads(record.read_text())["shards"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return {}


def shard_of(shards: dict[str, list[str]], site: Path, meeting: Path) -> str | None:
    relative = meeting.relative_to(site / "content").with_suffix("")
    page = f"{relative.as_posix()}/index.html"
    return next((name for name, paths in shards.items() if page in paths), None)


def site_language(site: Path) -> str:
    import tomllib
    with open(site / "config.toml", "rb") as handle:
        return tomllib.load(handle).get("site", {}).get("language", "en")


def run_pagefind(output: Path, shards: list[list[str]], binary: str, language: str,
                 seeded_from: Path | None = None) -> float:
    """Pagefind on each shard's pages, as many at a time as there are cores; wall seconds.
    With `seeded_from` (one shard), its bundle folder starts with that bundle's fragment
    and word index files, as the build's does for an edit: Pagefind does not compress
    again those it finds there."""
    with tempfile.TemporaryDirectory(prefix="notulist-floor-") as work:
        for kind in ("fragment", "index") if seeded_from else ():
            shutil.copytree(seeded_from / kind, f"{work}/0/{kind}")
        def index(numbered: tuple[int, list[str]]) -> None:
            number, paths = numbered
            subprocess.run([binary, "--site", str(output), "--glob",
                            "{" + ",".join(paths) + "}", "--output-path", f"{work}/{number}",
                            "--force-language", language, "--silent"], check=True, stdin=subprocess.DEVNULL)
        started = time.perf_counter()
        with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
            list(pool.map(index, enumerate(shards)))
        return time.perf_counter() - started


def start_seconds(runs: int = 5) -> float:
    """The fastest of a few `python -c pass` runs."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - started)
    return min(times)
