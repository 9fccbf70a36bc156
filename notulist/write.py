"""Stage 5: the only code that touches the output folder.

The new site is written into a temporary sibling folder and swapped in, so a failed build
leaves the previous output untouched and readers never see half a site. Files whose bytes
did not change are hard-linked from the previous output instead of written again.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable
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
            if previous.get(path) == page_digest and _exists(output / path)}


Finish = Callable[[Callable[[str], Path]], tuple[dict[str, bytes], dict[str, str]]]


def write_site(manifest: dict[str, str], fresh: Iterable[tuple[str, bytes]], output: Path,
               manifest_path: Path | None, finish: Finish | None = None) -> int:
    """Make `output` hold exactly the files of `manifest` (path -> digest of what made it);
    returns how many were (re)written. `manifest` ends up naming every file of the output.

    `fresh` yields the bytes of files as they are made. A file whose digest is the one its
    current output file was made from is hard-linked, not written; a manifest path that
    `fresh` does not yield must be such a file (a page that did not need rendering).
    `finish` (the search index) is called once every fresh file is written, with where each
    page of the new site can be read: it returns files made from them, and files of the
    current output to keep (path -> digest); both join the manifest.
    """
    for path in manifest:
        safe_path(path)
    previous, output = read_manifest(manifest_path), output.resolve()
    if finish is None and previous == manifest and _intact(output, manifest):
        return 0                    # nothing to do: `fresh` is not even consumed
    staging = output.with_name(f".{output.name}.new-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    written, done = 0, set()
    try:
        for path, data in fresh:
            written += _put(staging, output, path, data, previous, manifest)
            done.add(path)
        made: dict[str, bytes] = {}
        if finish:
            made, kept = finish(lambda path: (staging if path in done else output) / path)
            manifest.update(kept)
            manifest.update({safe_path(path).as_posix(): digest(data)
                             for path, data in made.items()})
        for path in sorted(manifest.keys() - done - made.keys()):
            os.link(output / path, _prepare(staging, path, manifest))
        for path, data in made.items():
            written += _put(staging, output, path, data, previous, manifest)
        _swap(staging, output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _write_manifest(manifest_path, manifest)
    return written


def replace_folder(output: Path, folder: str, files: dict[str, bytes],
                   manifest_path: Path | None) -> None:
    """Swap in a new version of one folder of the published site (every path of `files` is
    under `folder`), for work finished after the rest was published (serve's search index)."""
    output = output.resolve()
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


def _put(staging: Path, output: Path, path: str, data: bytes, previous: dict[str, str],
         manifest: dict[str, str]) -> bool:
    """Writes one file of the new site, or links the current one when it holds the same
    bytes (same digest, same size); whether it was written."""
    target = _prepare(staging, path, manifest)
    if previous.get(path) == manifest[path] and _same_size(output / path, len(data)):
        os.link(output / path, target)
        return False
    target.write_bytes(data)
    return True


def _prepare(staging: Path, path: str, manifest: dict[str, str]) -> Path:
    if path not in manifest:
        raise UnsafePath(path)      # every file written must be accounted for
    target = staging / path
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def _same_size(path: Path, size: int) -> bool:
    try:
        return path.stat().st_size == size and not path.is_symlink()
    except OSError:
        return False


def _intact(output: Path, manifest: dict[str, str]) -> bool:
    return bool(manifest) and all(_exists(output / path) for path in manifest)


def intact(output: Path, manifest_path: Path | None) -> bool:
    """Every file the last build wrote into `output` is still there."""
    return _intact(output, read_manifest(manifest_path))


def _exists(path: Path) -> bool:
    return os.path.isfile(path)


def _swap(staging: Path, output: Path) -> None:
    retired = output.with_name(f".{output.name}.old-{os.getpid()}")
    if output.exists():
        os.rename(output, retired)
    os.rename(staging, output)
    shutil.rmtree(retired, ignore_errors=True)


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
