"""The search index of a build: which shards keep their published bundle, which Pagefind
must index again (pagefind.py), and the record of what the output's index was made from.

Pagefind reads only what the templates mark: `data-pagefind-body` on the minutes (not the
navigation), `data-pagefind-filter` for body, year, kind and organisation. Only meeting
pages and free pages are given to it. It cannot add a page to an index, so the index is
split into shards (link/shards.py), each a bundle under pagefind/<first year>/ that the
search page merges. A shard is indexed again only when one of its pages changed: its key
is a digest of the digests of its pages (`shard_key`)."""
from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..digests import digest
from ..link.shards import BUNDLE, Shard
from .output import all_present, read_manifest, replace_folder, scratch
from .pagefind import UI, bundles, make_bundles, pagefind_version

if TYPE_CHECKING:
    from ..incremental.store import Store


def shard_key(shard: Shard, pages: dict[str, str], language: str) -> str | None:
    """Names what a shard's bundle is made from: its pages (by the digest of their bytes),
    the language it is stemmed in and the Pagefind release; None if a page is unknown."""
    found = hashlib.sha1(repr((pagefind_version(), language, shard.name)).encode())
    for path in shard.paths:
        if pages.get(path) is None:
            return None
        found.update(f"{path}\0{pages[path]}\n".encode())
    return found.hexdigest()


class SearchStep:
    """The search index of one build, shard by shard: a shard whose pages kept their bytes
    keeps its bundle; the others are indexed from the staged site before it is swapped in
    or, for serve (`now` false), left as they were for `refresh` to bring up to date once
    the pages are published.

    The bundles' files and digests are in the manifest like any output file. The record
    (store: "search") holds the digest of each indexed page as the output has it, the
    shards of the last build, and the key each published bundle was made for."""

    def __init__(self, config, store: Store, shards: tuple[Shard, ...] = (), now: bool = True):
        self.config, self.store, self.output = config, store, store.output
        self.shards, self.now = list(shards) if config.search else [], now
        self.pages: dict[str, str | None] = {}  # indexed page -> digest of its bytes
        self.keys: dict[str, str | None] = {}   # shard -> key of its published bundle
        self.planned: dict[str, list[str]] = {}  # shard -> its pages, as the output has it
        self.seconds, self.pending = 0.0, False

    def plan(self, manifest: dict[str, str], reused) -> bool:
        """Whether there is indexing to do; when not, the kept bundles join `manifest`.
        The pages not in `reused` are rendered anew and may have changed."""
        if not self.config.search:
            return False
        record = read_record(self.store)
        self.planned = record["shards"]
        self.pages = {path: record["pages"].get(path) if path in reused else None
                      for shard in self.shards for path in shard.paths}
        self.keys = {shard.name: record["keys"].get(shard.name) for shard in self.shards}
        if all(path in reused for path in self.pages):
            kept, todo = self._sort()
            if not todo:
                manifest.update(kept)
                return False
        return True

    def saw(self, path: str, data: bytes) -> None:
        """A page as staged: the index holds the digest of its bytes."""
        if path in self.pages:
            self.pages[path] = digest(data)

    @contextmanager
    def indexed(self, site: Path) -> Iterator[tuple[dict[str, bytes], dict[str, str]]]:
        """The new bundles, and the published files kept; `site` holds the new pages.
        Inside, the bundles' files are still where Pagefind wrote them (pagefind.bundles)."""
        self._fill(site)
        kept, todo = self._sort()
        if not todo:
            yield {}, kept
            return
        started = time.perf_counter()
        with bundles(site, self.output, [shard for shard, _ in todo], self.config.language,
                     self.config.path, scratch(self.store, "search-")) as files:
            self.keys.update({shard.name: key for shard, key in todo})
            self.seconds += time.perf_counter() - started
            yield files, kept

    def _fill(self, site: Path) -> None:
        """Digests the record lacks (it was lost) are read from the pages themselves."""
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
                             self.config.language, self.config.path,
                             scratch(self.store, "search-"))
        self.keys.update({shard.name: key for shard, key in todo})
        self.seconds += time.perf_counter() - started
        return files

    def done(self) -> None:
        """After the swap: remember what the output now holds (no shard is a fact too)."""
        if self.config.search:
            _write_record(self.store, self.pages, self.shards, self.keys)

    def refresh(self) -> float:
        """Index again the shards whose pages changed since their bundles were made (after a
        build that left them pending); the seconds it took, 0 when all were up to date.
        Call with the output locked."""
        if not self.config.search or self.store.folder is None:
            return 0.0
        record = read_record(self.store)
        self.planned = record["shards"]
        self.shards = [Shard(name, tuple(paths)) for name, paths in self.planned.items()]
        self.pages, self.keys = record["pages"], record["keys"]
        self._fill(self.output)
        kept, todo = self._sort()
        if not todo:
            return 0.0
        files = self._index(self.output, todo)
        for shard, _ in todo:
            replace_folder(self.store, shard.folder, {path: data for path, data in files.items()
                                                      if path.startswith(shard.folder)})
        self.done()
        return self.seconds

    def _published(self) -> dict[str, str]:
        """The search files (path -> digest) of the current output, if all are there."""
        previous = read_manifest(self.store)
        files = {path: made_by for path, made_by in previous.items() if path.startswith(BUNDLE)}
        complete = all(BUNDLE + name in files for name in UI) and all_present(self.output, files)
        return files if complete else {}


def read_record(store: Store) -> dict:
    found = store.read_json("search")
    try:
        return {part: dict(found[part]) for part in ("pages", "shards", "keys")}
    except (KeyError, TypeError, ValueError, AttributeError):
        return {"pages": {}, "shards": {}, "keys": {}}


def _write_record(store: Store, pages: dict, shards: list[Shard], keys: dict) -> None:
    # lost, the next build only indexes again
    store.write_json("search", {"pages": pages, "keys": keys,
                                "shards": {shard.name: list(shard.paths) for shard in shards}})
