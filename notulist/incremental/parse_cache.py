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
                 "locale/nl/LC_MESSAGES/notulist.po", "minutes_text.py", "minutes_syntax.py",
                 "minutes_headings.py", "minutes_entries.py", "due_dates.py", "parse.py",
                 "markup.py", "model.py", "config.py", "problems.py")
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
    pickled: dict[str, bytes] = {}  # digest -> its entry pickled, as the cache holds it
    if cache_dir is not None and _recent.get("stamp") == stamp:   # serve keeps its results
        cached, on_disk = dict(_recent["results"]), _recent["on_disk"]
    else:
        shards = _read_cache(cache_dir, stamp[:2])
        pickled = {digest: entry for entries in shards.values() for digest, entry in entries.items()}
        on_disk = {number: set(entries) for number, entries in shards.items()}
        cached = {}
    for digest in {s.digest for s in sources if s.digest in pickled}:
        entry = _unpickled(pickled[digest])
        if entry is None:           # damaged: parsed again, and its shard written anew
            del pickled[digest]
            for held in on_disk.values():
                held.discard(digest)
        else:
            cached[digest] = entry
    misses = [s for s in sources if s.digest not in cached]
    for source, entry in zip(misses, _parse_many(misses, config, progress)):
        pickled[source.digest], cached[source.digest] = entry, pickle.loads(entry)
    results = {s.digest: cached[s.digest] for s in sources}
    on_disk = _write_cache(cache_dir, stamp[:2], on_disk, results, pickled)
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


def parse_pickled(source: Source, config: Config) -> bytes:
    """parse_entry, pickled where it is made: a worker process hands its entries back as
    these bytes, and the cache stores them as they are, instead of the main process
    pickling every entry again while the other core waits (1.8 s at 10,000 meetings)."""
    return pickle.dumps(parse_entry(source, config), pickle.HIGHEST_PROTOCOL)


def _unpickled(entry) -> tuple | None:
    """A cached entry, or None when its bytes are damaged."""
    try:
        found = pickle.loads(entry)
    except Exception:               # any damage: unpickling runs code named in the data
        return None
    return found if isinstance(found, tuple) and len(found) == 3 else None


def _parse_many(sources: list[Source], config: Config, progress: Progress | None
                ) -> list[bytes]:
    parse = functools.partial(parse_pickled, config=config)
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
    """Shard number -> {content digest: its entry pickled}, for the current stamp only."""
    shards = {}
    folder = cache_dir / "parsed" if cache_dir else None
    for path in sorted(folder.glob("*.pickle")) if folder and folder.is_dir() else []:
        try:
            with open(path, "rb") as handle:
                saved_stamp, entries = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError,
                AttributeError, ImportError):
            continue                # a missing or unreadable shard only costs time
        if saved_stamp == stamp and path.stem.isdigit() and isinstance(entries, dict):
            shards[int(path.stem)] = entries
    return shards


def _write_cache(cache_dir: Path | None, stamp, on_disk: dict, results: dict,
                 pickled: dict[str, bytes]) -> dict:
    """Rewrite only the shards whose set of files changed: one edit touches two of 64.
    A shard holds each entry pickled (as `pickled` has it, else pickled here). Returns the
    digests each shard now holds."""
    if cache_dir is None:
        return {}
    wanted: dict[int, list[str]] = {}
    for digest in results:
        wanted.setdefault(_shard(digest), []).append(digest)
    folder = cache_dir / "parsed"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for number in set(on_disk) | set(wanted):
            path = folder / f"{number}.pickle"
            if number not in wanted:
                path.unlink(missing_ok=True)
            elif set(wanted[number]) != set(on_disk.get(number, ())):
                entries = {digest: pickled.get(digest) or pickle.dumps(
                    results[digest], pickle.HIGHEST_PROTOCOL) for digest in wanted[number]}
                temporary = folder / f"{number}.pickle.{os.getpid()}"
                with open(temporary, "wb") as handle:
                    pickle.dump((stamp, entries), handle, pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, path)
    except OSError:
        return {}                  # a read-only checkout still builds, just without a cache
    return {number: frozenset(digests) for number, digests in wanted.items()}
