"""What a build reads, named cheaply: a table of every input file (its size, times, inode and
the digest of its bytes) and digests of the whole. A file whose size, times and inode are
the recorded ones is not read again (as git's index does). A file changed in the two
seconds before it was recorded is recorded without them, so it is read next time: file
times are coarser than the time between two saves."""
from __future__ import annotations

import functools
import hashlib
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from ..digests import PACKAGE
from ..problems import Problem
from .files import list_files, site_paths

RACY_NS = 2_000_000_000           # a file changed this recently may change again unseen
# config.toml's [woo] header, or `woo = {…}` (where a false match costs one git call)
WOO_TABLE = re.compile(rb"(?m)^[ \t]*(?:\[[ \t]*\"?woo\"?[ \t]*\]|\"?woo\"?[ \t]*=)")


@dataclass(frozen=True)
class Inputs:
    """Every byte a build reads, named: `print` for the whole, `frame` for all but content/
    (engine, config, templates, static, audience), `table` per file (see above)."""
    print: str
    frame: str
    table: dict[str, list]          # "content/lrt/x.md" -> [size, mtime, ctime, inode, sha1]

    def content(self) -> dict[str, str]:
        """Content file (as "content/…") -> digest of its bytes."""
        return {name: row[-1] for name, row in self.table.items()
                if name.startswith("content/")}


def fingerprint(config_path: Path, audience: str, strict: bool, output: Path,
                known: dict[str, list] | None = None) -> Inputs:
    """A digest of every byte the build reads: engine, config, content, templates, static.
    `known` is the table of the last build (files it names unchanged are not read)."""
    known, table, started = known or {}, {}, time.time_ns()
    root = config_path.parent
    problems: list[Problem] = []    # a symlink refused or leading nowhere: the build says so
    files = {"templates": list_files(root / "templates"),
             # as the loader finds them; of content/, only what it reads
             "static": site_paths(root, root / "static", problems),
             "content": [(path, relative) for path, relative
                         in site_paths(root, root / "content", problems)
                         if relative.endswith(".md")]}
    for name, found in files.items():
        for path, relative in found:
            table[f"{name}/{relative}"] = _row(path, known.get(f"{name}/{relative}"), started)
    settings = config_path.read_bytes()
    frame = hashlib.sha1(repr((engine_digest(), audience, strict, str(output), problems,
                               _history(root, settings, audience))).encode())
    frame.update(settings)
    whole = frame.copy()
    for name, row in table.items():
        (whole if name.startswith("content/") else frame).update(f"{name}\0{row[-1]}\n".encode())
    whole.update(frame.digest())
    return Inputs(whole.hexdigest(), frame.hexdigest(), table)


def _history(root: Path, settings: bytes, audience: str) -> str:
    """The git state the Woo-index lastmods come from, when the build writes them."""
    if audience != "public" or not WOO_TABLE.search(settings):
        return ""
    from .git_history import history_state     # only sites with a [woo] table run git
    return history_state(root / "content")


def _row(path: str, known: list | None, started: int) -> list:
    """[size, mtime, ctime, inode, digest] of a file, read only when they are not `known`'s.
    The file is looked at before it is read: a change in between is seen next time."""
    try:
        found = os.stat(path)
    except OSError as exc:          # gone or unreadable since the walk: the loader reports it
        return [None] * 4 + [_unreadable(exc)]
    signature = [found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino]
    if known and known[:4] == signature:
        return known
    if max(found.st_mtime_ns, found.st_ctime_ns) > started - RACY_NS:
        signature = [None] * 4
    return [*signature, _digest(path)]


def _digest(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha1(handle.read()).hexdigest()
    except OSError as exc:
        return _unreadable(exc)


def _unreadable(exc: OSError) -> str:
    return f"unreadable: {exc.strerror}"


@functools.cache
def engine_digest() -> str:
    """The installed engine, once per process: every file of the package (code, templates,
    catalogs, static files). A new release, or any edit of it, is a new engine."""
    found = hashlib.sha1()
    for path, relative in list_files(PACKAGE):
        found.update(f"{relative}\0{_digest(path)}\n".encode())
    return found.hexdigest()
