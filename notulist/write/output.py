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
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..digests import digest
from ..problems import BuildFailed, Problem
from .spare import UnsafePath, files_in, link_kept, put, remove_stale, safe_path, swap

if TYPE_CHECKING:
    from ..incremental.store import Store


def reusable(store: Store, digests: dict[str, str]) -> set[str]:
    """Pages whose digest equals the one their file in the current output was made from."""
    previous = read_manifest(store)
    return {path for path, page_digest in digests.items()
            if previous.get(path) == page_digest and _exists(store.output, path)}


class Staging:
    """The new site of one build, made in the spare beside the output (see the module's
    docstring): `put` its files, `keep` the current output's, `index` adds the search
    files, and leaving `staged` swaps it in (or, on an error, throws it away)."""

    def __init__(self, store: Store, manifest: dict[str, str], previous: dict[str, str]):
        self.store, self.output, self.manifest, self.previous = store, store.output, manifest, previous
        self.folder, self.holds = _spare(store)
        self.written, self.done = 0, set()
        self.folders: set[str] = set()     # folders of the spare made (or found) so far

    def put(self, path: str, data: bytes) -> None:
        """One file of the new site: kept in the spare, linked from the output when it has
        the same bytes (same digest, same size), or written."""
        self.written += put(self.folder, self.output, path, data, self.previous,
                             self.holds, self.manifest, self.folders)
        self.done.add(path)

    def keep_the_rest(self) -> None:
        """The files of the manifest no `put` gave: the current output's, unchanged."""
        link_kept(self.folder, self.output, self.manifest.keys() - self.done, self.holds,
                   self.manifest, self.folders)

    def index(self, made: dict[str, bytes], kept: dict[str, str]) -> None:
        """The search index: files made from the staged pages, and published ones kept."""
        self.manifest.update(kept)
        self.manifest.update({safe_path(path).as_posix(): digest(data)
                              for path, data in made.items()})
        link_kept(self.folder, self.output, kept.keys() - made.keys(), self.holds,
                   self.manifest, self.folders)
        for path, data in made.items():
            self.put(path, data)

    def swap(self) -> None:
        remove_stale(self.folder, self.holds.keys() - self.manifest.keys())
        swapped = swap(self.folder, self.output)
        _write_manifest(self.store, "manifest", self.manifest)
        if swapped and self.previous:
            _write_manifest(self.store, "spare-manifest", self.previous)
        else:
            shutil.rmtree(self.folder, ignore_errors=True)  # not the site the manifest names


@contextmanager
def staged(store: Store, manifest: dict[str, str], search_work: bool
           ) -> Iterator[Staging | None]:
    """A Staging for the site of `manifest` (path -> digest of what made it), swapped in on
    leaving; None when the output already is that site and no search work is due. Call
    with the output locked (`locked`)."""
    for path in manifest:
        safe_path(path)
    previous = read_manifest(store)
    if not search_work and previous == manifest and all_present(store.output, manifest):
        yield None
        return
    staging = Staging(store, manifest, previous)
    try:
        yield staging
        staging.swap()
    except BaseException:
        shutil.rmtree(staging.folder, ignore_errors=True)
        raise


def replace_folder(store: Store, folder: str, files: dict[str, bytes]) -> None:
    """Swap in a new version of one folder of the published site (every path of `files` is
    under `folder`), for work finished after the rest was published (serve's search index).
    Call with the output locked."""
    output = store.output
    manifest = {path: made_by for path, made_by in read_manifest(store).items()
                if not path.startswith(folder)}
    target_folder = output / folder.strip("/")
    staging = scratch(store, f"new-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for path, data in files.items():
            if not path.startswith(folder):
                raise UnsafePath(path)
            target = staging / safe_path(path).relative_to(folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            manifest[path] = digest(data)
        swap(staging, target_folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _write_manifest(store, "manifest", manifest)


def _spare(store: Store) -> tuple[Path, dict[str, str]]:
    """The folder to make the new site in, and what it holds (path -> digest): the spare
    as its record describes it (a file not in the record is removed), or a new empty
    folder. The record is removed first: until the swap, the spare is being changed."""
    spare = scratch(store, "spare")
    holds = read_manifest(store, "spare-manifest")
    store.remove("spare-manifest")
    if not (holds and spare.is_dir()):
        shutil.rmtree(spare, ignore_errors=True)
        spare.mkdir(parents=True)
        return spare, {}
    found = files_in(spare)
    remove_stale(spare, found - holds.keys())
    return spare, {path: made_by for path, made_by in holds.items() if path in found}


def scratch(store: Store, name: str) -> Path:
    """A folder of the builds' own (`spare`, `new-<pid>`, …): in .cache/work-*/ when .cache/
    is on the output's file system (a swap and hard links need one), so a published folder
    (`--output public/minutes`) never includes it; else hidden beside the output."""
    work, output = store.path("work"), store.output
    if work is not None and os.stat(work.parent.parent).st_dev == os.stat(output.parent).st_dev:
        work.mkdir(parents=True, exist_ok=True)
        return work / name
    return output.with_name(f".{output.name}.{name}")


def remove_leftovers(store: Store) -> list[str]:
    """What a killed build left (a temporary folder, a spare out of its place), removed;
    their names. The spare itself stays: its record says whether it can be used."""
    output, spare = store.output, scratch(store, "spare")
    found = [path for path in spare.parent.glob(f"{spare.name[:-len('spare')]}*")
             if path != spare]
    if spare.parent != output.parent:     # where they were before they moved into .cache/
        found += [path for path in output.parent.glob(f".{output.name}.*")
                  if path.name.endswith(".spare") or ".old-" in path.name]
    found += output.parent.glob(".notulist-search-*")
    for path in found:
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink()
    return sorted(path.name for path in found)


def all_present(output: Path, paths: Iterable[str]) -> bool:
    """Some paths, and each a file in `output`."""
    paths = list(paths)
    return bool(paths) and all(_exists(output, path) for path in paths)


def intact(store: Store) -> bool:
    """Every file the last build wrote into the output is still there."""
    return all_present(store.output, read_manifest(store))


def _exists(folder: Path, path: str) -> bool:
    """Whether `path` is a file in `folder` (a string join: this runs for every file)."""
    return os.path.isfile(f"{folder}/{path}")


def read_manifest(store: Store, record: str = "manifest") -> dict[str, str]:
    """What made each file of the output (or of the spare): path -> digest."""
    found = store.read_json(record)
    return found if isinstance(found, dict) else {}


def _write_manifest(store: Store, record: str, manifest: dict[str, str]) -> None:
    store.write_json(record, manifest, sort_keys=True)  # lost: the next build writes all


def guard_output(config_path: Path, output: Path) -> Path:
    """The output folder, resolved. It is replaced whole, so it may not hold (or be inside)
    the sources, be a file, or be a folder of other files (a mistyped --output must not
    wipe out a folder); else BuildFailed."""
    output, root = output.resolve(), config_path.parent.resolve()
    inside = [root / name for name in ("content", "templates", "static", ".cache", ".git")]
    if output == root or root.is_relative_to(output) or any(
            output == folder or output.is_relative_to(folder) for folder in inside):
        _refuse(config_path, f"the output folder {output} holds the site's own files and would "
                "be replaced — choose a folder of its own, like output/")
    if output.exists() and not output.is_dir():
        _refuse(config_path, f"the output folder {output} is a file, and would be replaced — "
                "choose a folder of its own, like output/")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        if not os.access(output.parent, os.W_OK) or output.parent.stat().st_dev in _VIRTUAL:
            raise PermissionError(errno.EACCES, "not a folder files can be written to")
    except OSError as exc:
        why = "a part of its path is a file" if isinstance(
            exc, (FileExistsError, NotADirectoryError)) else exc.strerror
        _refuse(config_path, f"the output folder {output} cannot be made ({why}) — "
                "choose a folder you may write, like output/")
    if output.is_dir() and not (output / "assets/notulist.css").is_file() and any(
            output.iterdir()):
        _refuse(config_path, f"the output folder {output} holds files a build did not write, "
                "and would be replaced with all of them — choose a new or empty folder")
    return output


# /proc and /sys take no new files, though root may "write" them.
_VIRTUAL = {os.stat(folder).st_dev for folder in ("/proc", "/sys") if os.path.isdir(folder)}


def _refuse(config_path: Path, message: str) -> None:
    raise BuildFailed([Problem(str(config_path), 1, message)])


def create_file(path: Path, text: str) -> Path:
    """A new file of the site (`new`): never one that exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(text)
    return path
