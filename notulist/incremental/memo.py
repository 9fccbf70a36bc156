"""The whole build remembered: when no input changed since the last successful build of
this output folder, and that output is intact, there is nothing to do (like make).

The memo holds a table of every input file: its size, times and inode, and the digest of
its bytes. A file whose size, times and inode are still the recorded ones is not read
again (as git's index does). A file changed in the last two seconds before it was recorded
is recorded without them, so it is read next time: file times are coarser than the time
between two saves."""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from .load import site_paths
from .problems import Problem

ENGINE = Path(__file__).parent
RACY_NS = 2_000_000_000           # a file changed this recently may change again unseen


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
    files = {"engine": _files(ENGINE), "templates": _files(root / "templates"),
             # as the loader finds them; of content/, only what it reads
             "static": site_paths(root, root / "static", problems),
             "content": [(path, relative) for path, relative
                         in site_paths(root, root / "content", problems)
                         if relative.endswith(".md")]}
    for name, found in files.items():
        for path, relative in found:
            table[f"{name}/{relative}"] = _row(path, known.get(f"{name}/{relative}"), started)
    frame = hashlib.sha1(repr((audience, strict, str(output), problems)).encode())
    frame.update(config_path.read_bytes())
    whole = frame.copy()
    for name, row in table.items():
        (whole if name.startswith("content/") else frame).update(f"{name}\0{row[-1]}\n".encode())
    whole.update(frame.digest())
    return Inputs(whole.hexdigest(), frame.hexdigest(), table)


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


def page_salt(config_path: Path, site_templates: Path, audience: str, menu: list) -> str:
    """What every page depends on besides its own plan: engine, templates, config, menu."""
    digest = hashlib.sha1(repr((audience, menu)).encode())
    for folder in (ENGINE, site_templates):
        for path, relative in _files(folder):
            digest.update(relative.encode() + b"\0")
            digest.update(_digest(path).encode())
    digest.update(config_path.read_bytes())
    return digest.hexdigest()


def _files(folder: Path) -> list[tuple[str, str]]:
    """The files a build reads, (path, relative path), sorted: hidden ones (editor swap
    files, .git) are skipped, as the loader skips them, so an open editor does not defeat
    the memo."""
    found = []
    for top, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        prefix = os.path.relpath(top, folder).replace(os.sep, "/") + "/"
        prefix = "" if prefix == "./" else prefix
        found += [(os.path.join(top, f), prefix + f) for f in sorted(files)
                  if not f.startswith((".", "#")) and not f.endswith((".pyc", "~"))]
    return found


def read_memo(memo_path: Path | None) -> dict:
    try:
        record = json.loads(memo_path.read_text()) if memo_path else {}
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def recall(record: dict, print_: str) -> tuple[list[Problem], int] | None:
    """The warnings and file count of the remembered build, or None when it must run again."""
    if record.get("fingerprint") != print_:
        return None
    return [Problem(*fields) for fields in record["problems"]], record["files"]


def remember(memo_path: Path | None, inputs: Inputs, problems: list[Problem], files: int) -> None:
    if memo_path is None:
        return
    record = {"fingerprint": inputs.print, "files": files, "table": inputs.table,
              "problems": [[p.path, p.line, p.message, p.warning] for p in problems]}
    try:
        memo_path.write_text(json.dumps(record))
    except OSError:
        pass                        # without a memo the next build simply runs in full
