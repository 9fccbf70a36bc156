"""Parsing every source, each one only when its content changed since the last build.

The cache maps a file's content hash to its parsed result and problems; it is invalidated
as a whole when the engine's parsing code or the config's parsing-relevant parts change.
"""
from __future__ import annotations

import functools
import gc
import hashlib
import multiprocessing
import os
import threading
import pickle
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .load import Source
from .model import Meeting, Page, outline
from .parse import parse_source
from .problems import Problem
from .progress import Progress, counted

PARSE_MODULES = ("cache.py", "load.py", "frontmatter.py", "i18n.py",
                 "locale/nl/LC_MESSAGES/notulist.po", "body.py", "parse.py", "markup.py",
                 "plain_text.py", "model.py", "config.py", "problems.py")
SHARDS = 64                       # cache files; an edit rewrites the one or two it touches
POOL_THRESHOLD = 48               # below this many misses a process pool costs more than it saves


def engine_digest() -> str:
    here = Path(__file__).parent
    digest = hashlib.sha1()
    for name in PARSE_MODULES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def parse_all(sources: list[Source], config: Config, cache_dir: Path | None,
              progress: Progress | None = None
              ) -> tuple[list[Meeting | Page], list[Problem], set[str], dict[str, Parsed]]:
    """Parsed meetings and pages in source order, every problem found in them, the keys
    of the files too broken to read (so later checks do not blame references to them), and
    per source file what snapshot.py compares an edited version with."""
    stamp = (engine_digest(), config.fingerprint(), cache_dir)
    if cache_dir is not None and _recent.get("stamp") == stamp:   # serve keeps its results
        cached, on_disk = _recent["results"], _recent["on_disk"]
    else:
        shards = _read_cache(cache_dir, stamp[:2])
        cached = {digest: entry for entries in shards.values() for digest, entry in entries.items()}
        on_disk = {number: entries.keys() for number, entries in shards.items()}
    misses = [s for s in sources if s.digest not in cached]
    fresh = dict(zip((s.digest for s in misses), _parse_many(misses, config, progress)))
    results = {s.digest: cached.get(s.digest) or fresh[s.digest] for s in sources}
    on_disk = _write_cache(cache_dir, stamp[:2], on_disk, results)
    _recent.update(stamp=stamp, results=results, on_disk=on_disk)
    parsed, problems, unreadable, facts = [], [], set(), {}
    for source in sources:
        result, found, sketch = results[source.digest]
        problems.extend(found)
        facts[str(source.path)] = Parsed(source.digest, *(sketch or (None, None)), repr(found))
        if result is not None:
            parsed.append(result)
        else:
            unreadable.add(source.key)
    return parsed, problems, unreadable, facts


@dataclass(frozen=True)
class Parsed:
    """One source file as parsed: its digest, the outline of its meeting and the outline's
    digest (model.outline; None for a page or an unreadable file), its problems as text."""
    digest: str
    outline: bytes | None
    outline_digest: str | None
    problems: str


def parse_entry(source: Source, config: Config) -> tuple:
    """What the cache keeps of a file: its meeting or page, its problems, its outline."""
    result, problems = parse_source(source, config)
    return result, problems, outline(result) if isinstance(result, Meeting) else None


def _parse_many(sources: list[Source], config: Config, progress: Progress | None) -> list:
    parse = functools.partial(parse_entry, config=config)
    workers = min(os.cpu_count() or 1, 8)
    if len(sources) < POOL_THRESHOLD or workers < 2 or not can_fork():
        return list(counted(map(parse, sources), "parsing", len(sources), progress))
    chunk = max(1, len(sources) // (workers * 8))
    gc.freeze()                     # workers then do not copy the whole heap to collect it
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(counted(pool.map(parse, sources, chunksize=chunk), "parsing",
                                len(sources), progress))
    finally:
        gc.unfreeze()


def can_fork() -> bool:
    """Forking a process that runs other threads (serve) can deadlock: then work serially."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


_recent: dict = {}                  # the last build's results in this process


def _shard(digest: str) -> int:
    return int(digest[:2], 16) % SHARDS


def _read_cache(cache_dir: Path | None, stamp) -> dict[int, dict]:
    """Shard number -> {content digest: (parsed, problems)}, for the current stamp only."""
    shards = {}
    folder = cache_dir / "parsed" if cache_dir else None
    for path in sorted(folder.glob("*.pickle")) if folder and folder.is_dir() else []:
        try:
            with open(path, "rb") as handle:
                saved_stamp, entries = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError,
                AttributeError, ImportError):
            continue                # a missing or unreadable shard only costs time
        if saved_stamp == stamp and path.stem.isdigit():
            shards[int(path.stem)] = entries
    return shards


def _write_cache(cache_dir: Path | None, stamp, on_disk: dict, results: dict) -> dict:
    """Rewrite only the shards whose set of files changed: one edit touches two of 64.
    Returns the digests each shard now holds."""
    if cache_dir is None:
        return {}
    wanted: dict[int, dict] = {}
    for digest, entry in results.items():
        wanted.setdefault(_shard(digest), {})[digest] = entry
    folder = cache_dir / "parsed"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for number in set(on_disk) | set(wanted):
            path = folder / f"{number}.pickle"
            if number not in wanted:
                path.unlink(missing_ok=True)
            elif wanted[number].keys() != on_disk.get(number, {}):
                temporary = folder / f"{number}.pickle.{os.getpid()}"
                with open(temporary, "wb") as handle:
                    pickle.dump((stamp, wanted[number]), handle, pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, path)
    except OSError:
        return {}                  # a read-only checkout still builds, just without a cache
    return {number: entries.keys() for number, entries in wanted.items()}
