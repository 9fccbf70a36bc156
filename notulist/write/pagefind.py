"""Pagefind, run on the pages of one shard into a bundle of static search files.

The command line, not Pagefind's Python API, which answers each request after a poll
(docs/performance.md). One command per shard, as many at a time as there are cores."""
from __future__ import annotations

import gzip
import hashlib
import importlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from ..link.shards import BUNDLE, Shard
from ..problems import BuildFailed, Problem
from .spare import FileBytes

UI = ("pagefind-ui.js", "pagefind-ui.css")      # shared by all shards, in pagefind/ itself
# Pagefind also writes UIs and a highlighter the search page does not load.
UNUSED = ("pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.js")
HASHED = ("fragment", "index")     # Pagefind's files named after their contents (as published)


@contextmanager
def bundles(site: Path, output: Path, shards: list[Shard], language: str,
            config_path: Path, work: Path) -> Iterator[dict[str, bytes]]:
    """Index the pages of each shard, read from the built site in `site`; the bundles'
    files by output path, sorted, with the search UI's own files in pagefind/. While the
    caller is inside, the files Pagefind wrote are still in `work` (their FileBytes origin),
    so the output can link them instead of writing them again.

    One index per shard in the site's language: Pagefind would otherwise split it by each
    page's `lang`, and a Dutch search page would not find the English minutes.
    Pagefind names its fragment and word index files after their contents and does not
    make again one that exists, so each shard's folder starts with those of its bundle
    in `output`: only the pages that changed are compressed again (half its time).
    `work` names the temporary folder (a prefix, where it goes)."""
    # In `work` (output.scratch), so the published files can be hard links (same file system).
    with tempfile.TemporaryDirectory(prefix=work.name, dir=work.parent) as folder:
        work = Path(folder)
        _start_bundles(work, output, shards)
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
        yield dict(sorted(files.items()))


def make_bundles(site: Path, output: Path, shards: list[Shard], language: str,
                 config_path: Path, work: Path) -> dict[str, bytes]:
    """The files of `bundles`, as bytes held in memory."""
    with bundles(site, output, shards, language, config_path, work) as files:
        return {path: bytes(data) for path, data in files.items()}


def _start_bundles(work: Path, output: Path, shards: list[Shard]) -> None:
    """Each shard's folder holds the fragment and word index files of its published bundle."""
    for shard in shards:
        for kind in HASHED:
            published = output / shard.folder / kind
            (work / "bundles" / shard.name / kind).mkdir(parents=True)
            for name in sorted(os.listdir(published)) if published.is_dir() else []:
                _link(f"{published}/{name}", f"{work}/bundles/{shard.name}/{kind}/{name}")


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
    return {path: FileBytes((folder / path).read_bytes(), f"{folder}/{path}")
            for path in sorted(named) if not path.startswith(UNUSED)}


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
    that package's service, which imports asyncio (docs/performance.md)."""
    if os.environ.get("PAGEFIND_BINARY_PATH") is None:
        for package in ("pagefind_bin_extended", "pagefind_bin"):
            try:
                return importlib.import_module(package).get_executable()
            except (ImportError, OSError):
                continue
    from pagefind.service import get_executable
    return get_executable()


@cache
def pagefind_version() -> str:
    from importlib import metadata      # slow to import: only when there is a shard
    try:
        return metadata.version("pagefind")
    except metadata.PackageNotFoundError:
        return "?"
