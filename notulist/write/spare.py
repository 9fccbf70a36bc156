"""The spare beside the output: files put, linked and removed in it, and its swap with the
output in one step. Only output.py calls this."""
from __future__ import annotations

import errno
import os
import shutil
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path, PurePosixPath

from ..workers import HELD_LOCKS


class UnsafePath(ValueError):
    """An output path that would land outside the output folder."""


class FileBytes(bytes):
    """The bytes of a file on the output's file system that nothing writes to any more
    (Pagefind's, in its work folder): `put` links it instead of writing them again, for
    making a file costs here about thirty times a link (docs/performance.md)."""

    origin: str

    def __new__(cls, data: bytes, origin: str) -> FileBytes:
        made = super().__new__(cls, data)
        made.origin = origin
        return made


def safe_path(path: str) -> PurePosixPath:
    pure = PurePosixPath(path)
    if (not path or pure.is_absolute() or "\\" in path or "\x00" in path
            or any(part in ("", ".", "..") for part in path.split("/"))):
        raise UnsafePath(path)
    return pure


@contextmanager
def locked(output: Path) -> Iterator[None]:
    """One build at a time changes the spare and swaps it in (`serve` in one terminal, a
    build in another): a lock on the folder that holds both, released when the build is
    done or dies. Without fcntl (not POSIX), no lock."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    folder = os.open(output.parent, os.O_RDONLY)
    HELD_LOCKS.add(folder)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        yield
    finally:
        HELD_LOCKS.discard(folder)
        os.close(folder)



def files_in(folder: Path) -> set[str]:
    """The paths of every file under `folder` (a symbolic link counts as a file)."""
    found, pending = set(), [""]
    while pending:
        prefix = pending.pop()
        with os.scandir(f"{folder}/{prefix}") as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(f"{prefix}{entry.name}/")
                else:
                    found.add(prefix + entry.name)
    return found



def link_kept(staging: Path, output: Path, paths: Iterable[str], holds: dict[str, str],
               manifest: dict[str, str], folders: set[str] | None = None) -> None:
    """Files of the current output the new site keeps, unless the spare has them."""
    for path in sorted(paths):
        if holds.get(path) != manifest[path]:
            _link_new(output / path, _prepare(staging, path, folders))



def put(staging: Path, output: Path, path: str, data: bytes, previous: dict[str, str],
         holds: dict[str, str], manifest: dict[str, str], folders: set[str] | None = None
         ) -> bool:
    """Puts one file of the new site in `staging`, which `holds` some files already: keeps
    it there, or links the current output's when it has the same bytes (same digest, same
    size), or writes it; whether it was written. `folders` names the folders of `staging`
    known to exist (filled as they are made), so each is made once."""
    if path not in manifest:
        raise UnsafePath(path)      # every file written must be accounted for
    if holds.get(path) == manifest[path]:
        return False
    target = _prepare(staging, path, folders)
    if previous.get(path) == manifest[path] and _same_size(output / path, len(data)):
        _link_new(output / path, target)
        return False
    _write_new(target, data)
    return True



def _prepare(staging: Path, path: str, folders: set[str] | None = None) -> Path:
    """Where to put `path` in `staging`, its folder made (unless `folders` has it)."""
    target = staging / path
    folder = path.rpartition("/")[0]
    if folders is not None and folder in folders:
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):   # a file in the old site, a folder now
        for folder in reversed(PurePosixPath(path).parents[:-1]):
            if (staging / folder).is_file():
                (staging / folder).unlink()
                break
        target.parent.mkdir(parents=True, exist_ok=True)
    while folders is not None and folder not in folders:
        folders.add(folder)         # and its parents, made with it
        folder = folder.rpartition("/")[0]
    return target



def _write_new(target: Path, data: bytes) -> None:
    """`data` in a new file at `target` (a link to FileBytes' origin): created exclusively,
    so a file already there (the previous output may share it) is replaced, never written
    into."""
    origin = getattr(data, "origin", None)
    if origin is not None:
        try:
            return _link_new(Path(origin), target)
        except OSError:
            pass                    # gone, or on another file system: write the bytes
    try:
        with open(target, "xb") as file:
            file.write(data)
    except (FileExistsError, IsADirectoryError):
        _replace(target, lambda target: target.write_bytes(data))



def _link_new(source: Path, target: Path) -> None:
    """A hard link at `target` to `source`, replacing whatever is there."""
    try:
        os.link(source, target)
    except (FileExistsError, IsADirectoryError):
        _replace(target, partial(os.link, source))



def _replace(target: Path, make: Callable[[Path], object]) -> None:
    """Makes `target` anew, never writing into the file there: the previous output may
    share it (a hard link)."""
    try:
        target.unlink()
    except FileNotFoundError:
        pass
    except IsADirectoryError:       # a folder in the old site, a file in the new one
        shutil.rmtree(target)
    make(target)



def remove_stale(staging: Path, paths: Iterable[str]) -> None:
    """Removes files the new site does not have, and the folders they leave empty."""
    folders = set()
    for path in paths:
        try:
            (staging / path).unlink()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            continue                # gone with a folder that became a file, or the reverse
        folders.update(PurePosixPath(path).parents)
    for folder in sorted(folders, key=lambda folder: len(folder.parts), reverse=True):
        if folder.parts:
            try:
                (staging / folder).rmdir()
            except OSError:
                pass                # not empty: the new site has files there



def _same_size(path: Path, size: int) -> bool:
    try:
        found = os.lstat(path)      # one call: a symbolic link is never linked
    except OSError:
        return False
    return found.st_size == size and not stat.S_ISLNK(found.st_mode)



def swap(staging: Path, output: Path) -> bool:
    """Puts `staging` in the place of `output`; whether `staging` now holds the previous
    output (else it is gone)."""
    if not output.exists():
        os.rename(staging, output)
        return False
    if _exchange(staging, output):
        return True
    retired = staging.with_name(f"{staging.name}.old-{os.getpid()}")
    os.rename(output, retired)
    try:
        os.rename(staging, output)
    except OSError:
        os.rename(retired, output)
        raise
    os.rename(retired, staging)
    return True



def _exchange(first: Path, second: Path) -> bool:
    """Swaps two folders atomically; False where the system cannot (not Linux, an old C
    library, or a file system without RENAME_EXCHANGE)."""
    try:
        import ctypes
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_cwd, exchange = -100, 2      # AT_FDCWD, RENAME_EXCHANGE from <fcntl.h>, <stdio.h>
    if renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), exchange) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(error, os.strerror(error), str(second))


