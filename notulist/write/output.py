"""Stage 5: the only code that touches the output folder.

The new site is made in a hidden sibling folder and swapped in, so a failed build leaves
the previous output untouched and readers never see half a site. Files whose bytes did not
change are hard-linked from the previous output instead of written again.

The sibling is kept after the swap, holding the site as it was (the spare, with its own
manifest), and the next build makes its site there: it only writes, links and removes the
files that differ, instead of making a tree of thousands of folders and removing the old
one. The swap exchanges the two folders in one step (Linux's renameat2 RENAME_EXCHANGE);
where that is missing, the previous output is moved aside and the spare moved in.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path, PurePosixPath

MANIFEST = "manifest-{audience}.json"


class UnsafePath(ValueError):
    """An output path that would land outside the output folder."""


def safe_path(path: str) -> PurePosixPath:
    pure = PurePosixPath(path)
    if (not path or pure.is_absolute() or "\\" in path or "\x00" in path
            or any(part in ("", ".", "..") for part in path.split("/"))):
        raise UnsafePath(path)
    return pure


def digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def reusable(output: Path, manifest_path: Path | None, digests: dict[str, str]) -> set[str]:
    """Pages whose digest equals the one their file in the current output was made from."""
    previous = read_manifest(manifest_path)
    output = output.resolve()
    return {path for path, page_digest in digests.items()
            if previous.get(path) == page_digest and _exists(output, path)}


Finish = Callable[[Path], tuple[dict[str, bytes], dict[str, str]]]


def write_site(manifest: dict[str, str], fresh: Iterable[tuple[str, bytes]], output: Path,
               manifest_path: Path | None, finish: Finish | None = None) -> int:
    """Make `output` hold exactly the files of `manifest` (path -> digest of what made it);
    returns how many were (re)written. `manifest` ends up naming every file of the output.

    `fresh` yields the bytes of files as they are made. A file whose digest is the one its
    current output file was made from is hard-linked, not written; a manifest path that
    `fresh` does not yield must be such a file (a page that did not need rendering).
    `finish` (the search index) is called once every file of `manifest` is in place, with
    the folder that holds the new site: it returns files made from its pages, and files
    of the current output to keep (path -> digest); both join the manifest. (That folder
    may also hold files the new site drops; they go before the swap.)
    """
    for path in manifest:
        safe_path(path)
    output = output.resolve()
    with _one_at_a_time(output):
        return _write_site(manifest, fresh, output, manifest_path, finish)


def _write_site(manifest: dict[str, str], fresh: Iterable[tuple[str, bytes]], output: Path,
                manifest_path: Path | None, finish: Finish | None) -> int:
    previous = read_manifest(manifest_path)
    if finish is None and previous == manifest and all_present(output, manifest):
        return 0                    # nothing to do: `fresh` is not even consumed
    staging, holds = _spare(output, manifest_path)
    written, done = 0, set()
    try:
        for path, data in fresh:
            written += _put(staging, output, path, data, previous, holds, manifest)
            done.add(path)
        _link_kept(staging, output, manifest.keys() - done, holds, manifest)
        made: dict[str, bytes] = {}
        if finish:
            made, kept = finish(staging)
            manifest.update(kept)
            manifest.update({safe_path(path).as_posix(): digest(data)
                             for path, data in made.items()})
            _link_kept(staging, output, kept.keys() - made.keys(), holds, manifest)
        for path, data in made.items():
            written += _put(staging, output, path, data, previous, holds, manifest)
        _remove_stale(staging, holds.keys() - manifest.keys())
        swapped = _swap(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _write_manifest(manifest_path, manifest)
    if swapped and previous:
        _write_manifest(_spare_record(manifest_path), previous)
    else:
        shutil.rmtree(staging, ignore_errors=True)      # not the site the manifest names
    return written


def replace_folder(output: Path, folder: str, files: dict[str, bytes],
                   manifest_path: Path | None) -> None:
    """Swap in a new version of one folder of the published site (every path of `files` is
    under `folder`), for work finished after the rest was published (serve's search index)."""
    output = output.resolve()
    with _one_at_a_time(output):
        _replace_folder(output, folder, files, manifest_path)


def _replace_folder(output: Path, folder: str, files: dict[str, bytes],
                    manifest_path: Path | None) -> None:
    manifest = {path: made_by for path, made_by in read_manifest(manifest_path).items()
                if not path.startswith(folder)}
    target_folder = output / folder.strip("/")
    staging = target_folder.with_name(f".{target_folder.name}.new-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for path, data in files.items():
            if not path.startswith(folder):
                raise UnsafePath(path)
            target = staging / safe_path(path).relative_to(folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            manifest[path] = digest(data)
        _swap(staging, target_folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _write_manifest(manifest_path, manifest)


@contextmanager
def _one_at_a_time(output: Path) -> Iterator[None]:
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
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        yield
    finally:
        os.close(folder)


def _spare(output: Path, manifest_path: Path | None) -> tuple[Path, dict[str, str]]:
    """The folder to make the new site in, and what it holds (path -> digest): the spare
    as its record describes it (a file not in the record is removed), or a new empty
    folder. The record is removed first: until the swap, the spare is being changed."""
    spare = output.with_name(f".{output.name}.spare")
    record = _spare_record(manifest_path)
    holds = read_manifest(record)
    if record is not None:
        record.unlink(missing_ok=True)
    if not (holds and spare.is_dir()):
        shutil.rmtree(spare, ignore_errors=True)
        spare.mkdir(parents=True)
        return spare, {}
    found = _files(spare)
    _remove_stale(spare, found - holds.keys())
    return spare, {path: made_by for path, made_by in holds.items() if path in found}


def _spare_record(manifest_path: Path | None) -> Path | None:
    return manifest_path.with_name(f"spare-{manifest_path.name}") if manifest_path else None


def _files(folder: Path) -> set[str]:
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


def _link_kept(staging: Path, output: Path, paths: Iterable[str], holds: dict[str, str],
               manifest: dict[str, str]) -> None:
    """Files of the current output the new site keeps, unless the spare has them."""
    for path in sorted(paths):
        if holds.get(path) != manifest[path]:
            _replace(_prepare(staging, path), partial(os.link, output / path))


def _put(staging: Path, output: Path, path: str, data: bytes, previous: dict[str, str],
         holds: dict[str, str], manifest: dict[str, str]) -> bool:
    """Puts one file of the new site in `staging`, which `holds` some files already: keeps
    it there, or links the current output's when it has the same bytes (same digest, same
    size), or writes it; whether it was written."""
    if path not in manifest:
        raise UnsafePath(path)      # every file written must be accounted for
    if holds.get(path) == manifest[path]:
        return False
    target = _prepare(staging, path)
    if previous.get(path) == manifest[path] and _same_size(output / path, len(data)):
        _replace(target, partial(os.link, output / path))
        return False
    _replace(target, lambda target: target.write_bytes(data))
    return True


def _prepare(staging: Path, path: str) -> Path:
    """Where to put `path` in `staging`, its folder made."""
    target = staging / path
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):   # a file in the old site, a folder now
        for folder in reversed(PurePosixPath(path).parents[:-1]):
            if (staging / folder).is_file():
                (staging / folder).unlink()
                break
        target.parent.mkdir(parents=True, exist_ok=True)
    return target


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


def _remove_stale(staging: Path, paths: Iterable[str]) -> None:
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
        return path.stat().st_size == size and not path.is_symlink()
    except OSError:
        return False


def all_present(output: Path, paths: Iterable[str]) -> bool:
    """Some paths, and each a file in `output`."""
    paths = list(paths)
    return bool(paths) and all(_exists(output, path) for path in paths)


def intact(output: Path, manifest_path: Path | None) -> bool:
    """Every file the last build wrote into `output` is still there."""
    return all_present(output, read_manifest(manifest_path))


def _exists(folder: Path, path: str) -> bool:
    """Whether `path` is a file in `folder` (a string join: this runs for every file)."""
    return os.path.isfile(f"{folder}/{path}")


def _swap(staging: Path, output: Path) -> bool:
    """Puts `staging` in the place of `output`; whether `staging` now holds the previous
    output (else it is gone)."""
    if not output.exists():
        os.rename(staging, output)
        return False
    if _exchange(staging, output):
        return True
    retired = output.with_name(f".{output.name}.old-{os.getpid()}")
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


def read_manifest(path: Path | None) -> dict[str, str]:
    try:
        return json.loads(path.read_text()) if path else {}
    except (OSError, ValueError):
        return {}


def _write_manifest(path: Path | None, manifest: dict[str, str]) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(manifest, sort_keys=True))
    except OSError:
        pass                        # no manifest only means the next build writes every file
