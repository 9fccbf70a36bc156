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
import time
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


async def _index(site: Path, bundle: Path, language: str) -> None:
    # Not `async with PagefindIndex(...)`: leaving that writes the index a second time, into
    # pagefind/ under the current directory.
    from pagefind.service import PagefindService
    async with PagefindService() as service:
        index = await service.create_index({"force_language": language})
        await index.add_directory(str(site))
        await index.write_files(output_path=str(bundle))


class SearchStep:
    """The search index of one build: kept when no HTML page changed, made from the new
    site before it is swapped in (write_site's `finish`), or, for serve, left as it was for
    `refresh` to bring up to date once the pages are published.

    The bundle's files and digests are in the manifest like any output file; the record
    (`.cache/search-*.json`) only remembers the key they were made for."""

    def __init__(self, config, output: Path, record: Path | None, manifest_path: Path | None):
        self.config, self.output, self.record = config, output, record
        self.manifest_path = manifest_path
        self.key: str | None = None
        self.made: dict[str, str] = {}
        self.seconds, self.pending = 0.0, False

    def plan(self, manifest: dict[str, str], now: bool):
        """Adds a kept bundle to `manifest`; returns write_site's `finish` if one is due."""
        if not self.config.search:
            return None
        self.key = search_key(manifest, self.config.language)
        kept = self._published()
        if kept and _read_key(self.record) != self.key:
            if now:
                kept = {}
            else:
                self.pending = True     # serve: published with the old bundle; refresh() next
        if kept:
            manifest.update(kept)
            return None
        return self.index

    def index(self, site: Path) -> dict[str, bytes]:
        from .write import digest
        started = time.perf_counter()
        bundle = make_bundle(site, self.config.language, self.config.path)
        self.made = {path: digest(data) for path, data in bundle.items()}
        self.seconds = time.perf_counter() - started
        return bundle

    def done(self) -> None:
        """After the swap: the new bundle is the one the output holds."""
        if self.made:
            _write_key(self.record, self.key)

    def refresh(self) -> float:
        """Index the published site again if its pages changed since its bundle was made
        (after a build that left it pending); the seconds it took, 0 when up to date."""
        from .write import read_manifest, replace_folder
        if not self.config.search or self.manifest_path is None:
            return 0.0
        key = search_key(read_manifest(self.manifest_path), self.config.language)
        if _read_key(self.record) == key and self._published():
            return 0.0
        self.key = key
        bundle = self.index(self.output)
        replace_folder(self.output, BUNDLE, bundle, self.manifest_path)
        self.done()
        return self.seconds

    def _published(self) -> dict[str, str]:
        """The bundle files (path -> digest) of the current output, if all are there."""
        from .write import read_manifest
        previous = read_manifest(self.manifest_path)
        files = {path: made_by for path, made_by in previous.items() if path.startswith(BUNDLE)}
        return files if all((self.output / path).is_file() for path in files) else {}


def _read_key(record: Path | None) -> str | None:
    try:
        return json.loads(record.read_text()).get("key") if record else None
    except (OSError, ValueError, AttributeError):
        return None


def _write_key(record: Path | None, key: str | None) -> None:
    if record is None:
        return
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps({"key": key}))
    except OSError:
        pass                        # no record only means the next build indexes again


def _version() -> str:
    try:
        return metadata.version("pagefind")
    except metadata.PackageNotFoundError:
        return "?"
