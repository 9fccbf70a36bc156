"""Full-text search: Pagefind indexes the built pages into a static bundle under pagefind/.

Pagefind reads only what the templates mark: `data-pagefind-body` on the minutes (not the
navigation), `data-pagefind-filter` for body, year, kind and organisation. It is run through
its Python API on a folder of built pages (one `add_directory`: the API answers each request
after a 0.1 s poll, so adding pages one by one would cost 0.1 s a page).

Indexing is the costliest step of a build, so it is skipped when no HTML page changed since
the bundle in the output folder was made: the bundle's key is a digest of the digests of
every page (see `search_key`), remembered next to the manifest.
"""
from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import tempfile
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

from .problems import BuildFailed, Problem

BUNDLE = "pagefind/"
# Pagefind also writes UIs and a highlighter the search page does not load.
UNUSED = ("pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.js")


def search_key(manifest: dict[str, str], language: str) -> str:
    """Names what the index is made from: every HTML page (by the digest that made it),
    the language it is stemmed in and the Pagefind release."""
    digest = hashlib.sha1(repr((_version(), language)).encode())
    for path, page_digest in sorted(manifest.items()):
        if path.endswith(".html"):
            digest.update(f"{path}\0{page_digest}\n".encode())
    return digest.hexdigest()


def make_bundle(site: Path, language: str, config_path: Path) -> dict[str, bytes]:
    """Index the HTML pages under `site`; the bundle's files by output path, sorted.

    One index for the whole site, in the site's language: Pagefind would otherwise split it
    by each page's `lang`, and a Dutch search page would not find the English minutes."""
    with tempfile.TemporaryDirectory(prefix="notulist-search-") as folder:
        bundle = Path(folder) / "bundle"
        try:
            # A thread of its own: the caller may be running an event loop (Playwright does).
            with ThreadPoolExecutor(1) as thread:
                thread.submit(asyncio.run, _index(site, bundle, language)).result()
        except Exception as exc:        # the binary missing, or Pagefind failing
            raise BuildFailed([Problem(str(config_path), 1, f"the search index could not be "
                                       f"built ({exc!r}) — reinstall with pip install "
                                       "'pagefind[bin]', or set search = false under [site]")]
                              ) from None
        files = {path.relative_to(bundle).as_posix(): path.read_bytes()
                 for path in sorted(bundle.rglob("*"))
                 if path.is_file() and not path.name.startswith(UNUSED)}
    return {BUNDLE + path: data for path, data in sorted(in_stable_order(files).items())}


def in_stable_order(files: dict[str, bytes]) -> dict[str, bytes]:
    """The bundle with its filter indexes in sorted order, so the same pages give the same
    bytes. Pagefind writes the filters and their values in hash-map order, which changes
    from run to run (its fragments are stable since 1.3; Pagefind issue #638). The filter
    files and the metadata file that names them are re-encoded, sorted, and renamed after
    their new contents, as Pagefind names them."""
    import cbor2
    entry = json.loads(files["pagefind-entry.json"])
    for language, facts in entry["languages"].items():
        meta_path = f"pagefind.{facts['hash']}.pf_meta"
        meta = _decode(files.pop(meta_path))
        filters = []
        for name, old in meta[3]:
            name_, values = _decode(files.pop(f"filter/{old}.pf_filter"))
            data = _encode(cbor2, [name_, sorted([value, sorted(pages)]
                                                 for value, pages in values)])
            new = f"{language}_{hashlib.sha1(data).hexdigest()[:7]}"
            files[f"filter/{new}.pf_filter"] = data
            filters.append([name, new])
        meta[3] = sorted(filters)
        data = _encode(cbor2, meta)
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


def _encode(cbor2, value) -> bytes:
    return gzip.compress(SIGNATURE + cbor2.dumps(value), mtime=0)


async def _index(site: Path, bundle: Path, language: str) -> None:
    # Not `async with PagefindIndex(...)`: leaving that writes the index a second time, into
    # pagefind/ under the current directory.
    from pagefind.service import PagefindService
    async with PagefindService() as service:
        index = await service.create_index({"force_language": language})
        await index.add_directory(str(site))
        await index.write_files(output_path=str(bundle))


def kept_bundle(record_path: Path | None, output: Path, key: str | None) -> dict[str, str] | None:
    """The bundle files (path -> digest) in `output` made for `key` (any key when None),
    if the last build left them there whole."""
    record = read_record(record_path)
    if not record or (key is not None and record.get("key") != key):
        return None
    files = record.get("files", {})
    if not all((output / path).is_file() for path in files):
        return None
    return files


def read_record(record_path: Path | None) -> dict:
    try:
        return json.loads(record_path.read_text()) if record_path else {}
    except (OSError, ValueError):
        return {}


def remember_bundle(record_path: Path | None, key: str, files: dict[str, str]) -> None:
    if record_path is None:
        return
    try:
        record_path.parent.mkdir(parents=True, exist_ok=True)
        record_path.write_text(json.dumps({"key": key, "files": files}, sort_keys=True))
    except OSError:
        pass                        # no record only means the next build indexes again


def _version() -> str:
    try:
        return metadata.version("pagefind")
    except metadata.PackageNotFoundError:
        return "?"
