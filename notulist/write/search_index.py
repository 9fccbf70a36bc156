"""Full-text search: Pagefind indexes the built pages into static bundles under pagefind/.

Pagefind reads only what the templates mark: `data-pagefind-body` on the minutes (not the
navigation), `data-pagefind-filter` for body, year, kind and organisation. Only meeting
pages and free pages are given to it.

Pagefind cannot add a page to an index: a changed page means indexing again. So the index
is split into shards of whole years (`plan_shards`), each a bundle of its own under
pagefind/<first year>/, which the search page merges (Pagefind's mergeIndex). A shard is
indexed again only when one of its pages changed: its key is a digest of the digests of
its pages (see `shard_key`), remembered next to the manifest. Shards are indexed together,
one Pagefind command per shard, as many at a time as there are cores. The command line, not
Pagefind's Python API: the API answers each request after a 0.1 s poll, which cost a build
0.4 s or more for four requests a shard.
"""
from __future__ import annotations

import gzip
import hashlib
import importlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .problems import BuildFailed, Problem

BUNDLE = "pagefind/"
UI = ("pagefind-ui.js", "pagefind-ui.css")      # shared by all shards, in pagefind/ itself
# Pagefind also writes UIs and a highlighter the search page does not load.
UNUSED = ("pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.js")
HASHED = ("fragment", "index")     # Pagefind's files named after their contents (as published)
# The pages a shard holds at most (unless one year holds more): an edit indexes its whole
# shard again, about 0.9 s for 500 pages here. Each searched word fetches a part of every
# shard's word index (about 30 KB; the WebAssembly comes once, from the first), and a
# shard without a searched word offers near matches (Pagefind's longest-prefix fallback)
# below the exact ones of other shards: so an archive of up to this many pages has a
# single shard.
SHARD_PAGES = 500


@dataclass(frozen=True)
class Shard:
    name: str                       # the first year it holds, or "pages" when no meetings
    paths: tuple[str, ...]          # output paths of the pages it indexes, sorted

    @property
    def folder(self) -> str:
        return f"{BUNDLE}{self.name}/"


def plan_shards(site) -> list[Shard]:
    """The index shards of a site, newest first: meeting pages grouped by whole years,
    oldest first, a group holding at most SHARD_PAGES pages (a year that holds more is a
    group of its own), so an edit never indexes more than that again. Adding meetings to
    the latest year changes only the newest shard, or the two newest when the latest year
    outgrows the group it shares. Free pages join the oldest shard, which a new year does
    not change. No shard when there is nothing to index (Pagefind refuses an empty
    folder): the search page then says so."""
    years: dict[int, list[str]] = {}
    for meeting in site.meetings.values():
        years.setdefault(meeting.date.year, []).append(f"{meeting.body}/{meeting.id}/index.html")
    groups: list[tuple[str, list[str]]] = []
    for year in sorted(years):
        if not groups or len(groups[-1][1]) + len(years[year]) > SHARD_PAGES:
            groups.append((str(year), []))
        groups[-1][1].extend(years[year])
    if not groups and site.pages:
        groups.append(("pages", []))
    if groups:
        groups[0][1].extend(f"{page.name}/index.html" for page in site.pages)
    return [Shard(name, tuple(sorted(paths))) for name, paths in reversed(groups)]


def shard_key(shard: Shard, pages: dict[str, str], language: str) -> str | None:
    """Names what a shard's bundle is made from: its pages (by the digest of their bytes),
    the language it is stemmed in and the Pagefind release; None if a page is unknown."""
    digest = hashlib.sha1(repr((_version(), language, shard.name)).encode())
    for path in shard.paths:
        if pages.get(path) is None:
            return None
        digest.update(f"{path}\0{pages[path]}\n".encode())
    return digest.hexdigest()


def make_bundles(site: Path, output: Path, shards: list[Shard], language: str,
                 config_path: Path) -> dict[str, bytes]:
    """Index the pages of each shard, read from the built site in `site`; the bundles'
    files by output path, sorted, with the search UI's own files in pagefind/.

    One index per shard in the site's language: Pagefind would otherwise split it by each
    page's `lang`, and a Dutch search page would not find the English minutes.
    Pagefind names its fragment and word index files after their contents and does not
    make again one that exists, so each shard's folder starts with those of its bundle
    in `output`: only the pages that changed are compressed again (half its time)."""
    # Beside the output, so the published files can be hard links (same file system).
    with tempfile.TemporaryDirectory(prefix=".notulist-search-", dir=output.parent) as folder:
        work = Path(folder)
        for shard in shards:
            for kind in HASHED:
                published = output / shard.folder / kind
                (work / "bundles" / shard.name / kind).mkdir(parents=True)
                for name in sorted(os.listdir(published)) if published.is_dir() else []:
                    _link(f"{published}/{name}", f"{work}/bundles/{shard.name}/{kind}/{name}")
        try:
            with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
                list(pool.map(lambda shard: run_pagefind(work, site, shard, language), shards))
            files: dict[str, bytes] = {}
            for shard in shards:
                found = _bundle(work / "bundles" / shard.name)
                for name in UI:
                    files[BUNDLE + name] = found.pop(name)
                files.update({shard.folder + path: data
                              for path, data in in_stable_order(found).items()})
        except Exception as exc:        # the binary missing, or Pagefind failing
            raise BuildFailed([Problem(str(config_path), 1, f"the search index could not be "
                                       f"built ({exc}) — reinstall with pip install "
                                       "'pagefind[bin]', or set search = false under [site]")]
                              ) from None
    return dict(sorted(files.items()))


def _bundle(folder: Path) -> dict[str, bytes]:
    """The files of the bundle Pagefind wrote into `folder` (path -> bytes): its metadata
    names the fragment, word index and filter files it is made of; others there are left
    from the bundle the folder started with."""
    entry = (folder / "pagefind-entry.json").read_bytes()
    named = {"pagefind-entry.json"}
    for facts in json.loads(entry)["languages"].values():
        meta = f"pagefind.{facts['hash']}.pf_meta"
        pages, chunks, filters = _decode((folder / meta).read_bytes())[1:4]
        named |= {meta, *(f"fragment/{page[0]}.pf_fragment" for page in pages),
                  *(f"index/{chunk[2]}.pf_index" for chunk in chunks),
                  *(f"filter/{hashed}.pf_filter" for _, hashed in filters)}
    named |= {path.name for path in folder.iterdir()
              if path.is_file() and not path.name.endswith(".pf_meta")}
    return {path: (folder / path).read_bytes() for path in sorted(named)
            if not path.startswith(UNUSED)}


def _link(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def in_stable_order(files: dict[str, bytes]) -> dict[str, bytes]:
    """The bundle with its filter indexes in sorted order, so the same pages give the same
    bytes. Pagefind writes the filters and their values in hash-map order, which changes
    from run to run (its fragments are stable since 1.3; Pagefind issue #638). The filter
    files and the metadata file that names them are re-encoded, sorted, and renamed after
    their new contents, as Pagefind names them."""
    entry = json.loads(files["pagefind-entry.json"])
    for language, facts in entry["languages"].items():
        meta_path = f"pagefind.{facts['hash']}.pf_meta"
        meta = _decode(files.pop(meta_path))
        filters = []
        for name, old in meta[3]:
            _, values = _decode(files.pop(f"filter/{old}.pf_filter"))
            data = _encode([name, sorted([value, sorted(pages)] for value, pages in values)])
            new = f"{language}_{hashlib.sha1(data).hexdigest()[:7]}"
            files[f"filter/{new}.pf_filter"] = data
            filters.append([name, new])
        meta[3] = sorted(filters)
        data = _encode(meta)
        facts["hash"] = f"{language}_{hashlib.sha1(data).hexdigest()[:10]}"
        files[f"pagefind.{facts['hash']}.pf_meta"] = data
    files["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False,
                                              separators=(",", ":")).encode()
    return files


SIGNATURE = b"pagefind_dcd"         # what Pagefind puts before the CBOR in its index files


def _decode(data: bytes):
    import cbor2
    plain = gzip.decompress(data)
    if not plain.startswith(SIGNATURE):
        raise ValueError("unexpected Pagefind index file")
    return cbor2.loads(plain[len(SIGNATURE):])


def _encode(value) -> bytes:
    import cbor2
    return gzip.compress(SIGNATURE + cbor2.dumps(value), mtime=0)


def run_pagefind(work: Path, site: Path, shard: Shard, language: str) -> None:
    """One shard's pages, picked from the built `site` by a glob naming each of them, into
    its bundle (work/bundles/<shard>). Output paths are letters, digits, `-`, `_` and `/`
    (load.FILE_ID, config.BODY_KEY), so the glob needs no escapes. Run in `work`, with no
    PAGEFIND_* variables, so no configuration file or variable of the secretariat's
    reaches Pagefind: the options are all here."""
    executable = _executable()
    if executable is None:
        raise FileNotFoundError("no Pagefind binary found")
    done = subprocess.run(
        [str(executable), "--site", str(site), "--glob", "{" + ",".join(shard.paths) + "}",
         "--output-path", f"bundles/{shard.name}", "--force-language", language, "--silent"],
        cwd=work, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env={name: value for name, value in os.environ.items()
             if not name.startswith("PAGEFIND_")})
    if done.returncode:
        said = done.stdout.decode(errors="replace").strip().splitlines()
        raise RuntimeError(f"Pagefind exited with {done.returncode}"
                           + (f": {said[-1].strip()}" if said else ""))


def _executable() -> Path | None:
    """Pagefind's binary, found as the pagefind package finds it (PAGEFIND_BINARY_PATH,
    then the `extended` and `bin` extras' packages, then PATH), but without importing
    that package's service, which imports asyncio (35–70 ms of an edit)."""
    if os.environ.get("PAGEFIND_BINARY_PATH") is None:
        for package in ("pagefind_bin_extended", "pagefind_bin"):
            try:
                return importlib.import_module(package).get_executable()
            except (ImportError, OSError):
                continue
    from pagefind.service import get_executable
    return get_executable()


class SearchStep:
    """The search index of one build, shard by shard: a shard whose pages kept their bytes
    keeps its bundle; the others are indexed from the new site before it is swapped in
    (write_site's `finish`) or, for serve, left as they were for `refresh` to bring up to
    date once the pages are published.

    The bundles' files and digests are in the manifest like any output file. The record
    (`.cache/search-*.json`) holds the digest of each indexed page as the output has it,
    the shards of the last build, and the key each published bundle was made for."""

    def __init__(self, config, output: Path, record: Path | None, manifest_path: Path | None):
        self.config, self.output, self.record = config, output, record
        self.manifest_path = manifest_path
        self.shards: list[Shard] = []
        self.pages: dict[str, str | None] = {}  # indexed page -> digest of its bytes
        self.keys: dict[str, str | None] = {}   # shard -> key of its published bundle
        self.planned: dict[str, list[str]] = {}  # shard -> its pages, as the output has it
        self.now = True
        self.seconds, self.pending = 0.0, False

    def plan(self, site, manifest: dict[str, str], reused, now: bool,
             shards: list[Shard] | None = None):
        """Returns write_site's `finish` unless every shard keeps its bundle (then added to
        `manifest`): the pages not in `reused` are rendered anew and may have changed.
        `shards` are the site's when they are known (a text edit keeps them)."""
        if not self.config.search:
            return None
        self.shards, self.now = plan_shards(site) if shards is None else shards, now
        record = read_record(self.record)
        self.planned = record["shards"]
        self.pages = {path: record["pages"].get(path) if path in reused else None
                      for shard in self.shards for path in shard.paths}
        self.keys = {shard.name: record["keys"].get(shard.name) for shard in self.shards}
        if all(path in reused for path in self.pages):
            kept, todo = self._sort()
            if not todo:
                manifest.update(kept)
                return None
        return self.finish

    def watch(self, pages: Iterable[tuple[str, bytes]]) -> Iterator[tuple[str, bytes]]:
        """Passes the rendered pages on, noting the digest of those the index holds."""
        from .write import digest
        for path, data in pages:
            if path in self.pages:
                self.pages[path] = digest(data)
            yield path, data

    def finish(self, site: Path) -> tuple[dict[str, bytes], dict[str, str]]:
        """The new bundles, and the published files kept; `site` holds the new pages."""
        self._fill(site)
        kept, todo = self._sort()
        if not todo:
            return {}, kept
        return self._index(site, todo), kept

    def _fill(self, site: Path) -> None:
        """Digests the record lacks (it was lost) are read from the pages themselves."""
        from .write import digest
        for path, page_digest in self.pages.items():
            if page_digest is None:
                self.pages[path] = digest((site / path).read_bytes())

    def _sort(self) -> tuple[dict[str, str], list[tuple[Shard, str | None]]]:
        """Published files to keep (path -> digest), and the shards to index with their keys.
        When the index is not wanted now (serve), a shard whose pages changed is kept, stale,
        unless it gained or lost pages: a page must not be in two shards, nor in none."""
        published = self._published()
        by_shard: dict[str, dict[str, str]] = {}   # shard folder -> its published files
        for path, made_by in published.items():
            by_shard.setdefault(path[:path.find("/", len(BUNDLE)) + 1], {})[path] = made_by
        kept, todo = {}, []
        for shard in self.shards:
            files = by_shard.get(shard.folder, {})
            key = shard_key(shard, self.pages, self.config.language)
            same_pages = self.planned.get(shard.name) == list(shard.paths)
            if files and (key is not None and self.keys[shard.name] == key
                          or not self.now and same_pages):
                kept.update(files)
                self.pending |= key is None or self.keys[shard.name] != key
            else:
                todo.append((shard, key))
        if self.shards and not todo:    # else the UI's files come with the new bundles
            kept.update({BUNDLE + name: published[BUNDLE + name] for name in UI})
        return kept, todo

    def _index(self, site: Path, todo: list[tuple[Shard, str | None]]) -> dict[str, bytes]:
        started = time.perf_counter()
        files = make_bundles(site, self.output, [shard for shard, _ in todo],
                             self.config.language, self.config.path)
        self.keys.update({shard.name: key for shard, key in todo})
        self.seconds += time.perf_counter() - started
        return files

    def done(self) -> None:
        """After the swap: remember what the output now holds (no shard is a fact too)."""
        if self.config.search:
            _write_record(self.record, self.pages, self.shards, self.keys)

    def refresh(self) -> float:
        """Index again the shards whose pages changed since their bundles were made (after a
        build that left them pending); the seconds it took, 0 when all were up to date."""
        from .write import replace_folder
        if not self.config.search or self.manifest_path is None:
            return 0.0
        record = read_record(self.record)
        self.planned = record["shards"]
        self.shards = [Shard(name, tuple(paths)) for name, paths in self.planned.items()]
        self.pages, self.keys = record["pages"], record["keys"]
        self._fill(self.output)
        kept, todo = self._sort()
        if not todo:
            return 0.0
        files = self._index(self.output, todo)
        for shard, _ in todo:
            replace_folder(self.output, shard.folder,
                           {path: data for path, data in files.items()
                            if path.startswith(shard.folder)}, self.manifest_path)
        self.done()
        return self.seconds

    def _published(self) -> dict[str, str]:
        """The search files (path -> digest) of the current output, if all are there."""
        from .write import all_present, read_manifest
        previous = read_manifest(self.manifest_path)
        files = {path: made_by for path, made_by in previous.items() if path.startswith(BUNDLE)}
        complete = all(BUNDLE + name in files for name in UI) and all_present(self.output, files)
        return files if complete else {}


def read_record(record: Path | None) -> dict:
    try:
        found = json.loads(record.read_text()) if record else {}
        return {part: dict(found[part]) for part in ("pages", "shards", "keys")}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {"pages": {}, "shards": {}, "keys": {}}


def _write_record(record: Path | None, pages: dict, shards: list[Shard], keys: dict) -> None:
    if record is None:
        return
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps({
            "pages": pages, "shards": {shard.name: list(shard.paths) for shard in shards},
            "keys": keys}))
    except OSError:
        pass                        # no record only means the next build indexes again


@cache
def _version() -> str:
    from importlib import metadata      # 14 ms to import: only when there is a shard
    try:
        return metadata.version("pagefind")
    except metadata.PackageNotFoundError:
        return "?"
