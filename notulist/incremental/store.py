"""The one owner of `.cache/`: every record the engine keeps there, and how it keeps them.

Each record can be deleted at any time (or found damaged): the next build is then slower,
never different. All are written the same way, to a temporary file renamed into place, so a
killed build leaves the old record or the new one, never half of one; and read the same way,
so a record that is missing, unreadable or damaged counts as not there."""
from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

# Record -> (file, what it holds). Records of one output folder carry a digest of its path,
# since one site may be built into several (public, members, --output).
RECORDS = {
    "memo": ("memo-{output}.json", "the whole-build fingerprint and the table of input "
             "files (incremental/memo.py)"),
    "manifest": ("manifest-{output}.json", "which digest made each file of the output"),
    "spare-manifest": ("spare-manifest-{output}.json", "what the spare beside the output "
                       "holds (write/output.py)"),
    "search": ("search-{output}.json", "the digest of every indexed page, the search shards "
               "and the key of each published bundle (write/search_index.py)"),
    "snapshot": ("snapshot-{output}.pickle", "what a text edit starts from: inputs, "
                 "problems, shards (incremental/snapshot.py)"),
    "snapshot-site": ("snapshot-{output}.site.pickle", "the linked site of the last full "
                      "build, its meetings as outlines"),
    "work": ("work-{output}/", "the spare and the temporary folders of one output's builds, "
             "where no published folder includes them (write/output.py)"),
    "parsed": ("parsed/", "parsed files by content hash, in shards (parse_cache.py)"),
    "templates": ("templates/", "compiled templates, by their source (Jinja2's own format)"),
}
UNPICKLING_ERRORS = (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError,
                     AttributeError, ImportError, IndexError, KeyError, MemoryError)


@dataclass(frozen=True)
class Store:
    folder: Path | None             # .cache/ beside config.toml; None keeps nothing
    output: Path                    # the output folder the per-output records describe

    @classmethod
    def beside(cls, config_path: Path, output: Path, enabled: bool = True) -> Store:
        return cls(config_path.parent.resolve() / ".cache" if enabled else None, output)

    def path(self, record: str) -> Path | None:
        if self.folder is None:
            return None
        name = hashlib.sha1(str(self.output).encode()).hexdigest()[:16]
        return self.folder / RECORDS[record][0].format(output=name)

    def read_json(self, record: str):
        return _read(self.path(record), json.loads)

    def write_json(self, record: str, value, sort_keys: bool = False) -> None:
        path = self.path(record)
        if path is not None:
            write_atomic(path, json.dumps(value, sort_keys=sort_keys).encode())

    def read_pickle(self, record: str):
        return _read(self.path(record), pickle.loads)

    def write_pickle(self, record: str, value) -> None:
        path = self.path(record)
        if path is not None:
            write_atomic(path, pickle.dumps(value, pickle.HIGHEST_PROTOCOL))

    def remove(self, record: str) -> None:
        path = self.path(record)
        if path is not None:
            path.unlink(missing_ok=True)

    def template_cache(self):
        """Jinja2's cache of compiled templates: in .cache/templates/, else in memory."""
        import jinja2
        folder = self.path("templates")
        if folder is None:
            return _in_memory()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return _in_memory()
        return jinja2.FileSystemBytecodeCache(str(folder))


def read_bytes(path: Path | None) -> bytes | None:
    try:
        return path.read_bytes() if path else None
    except OSError:
        return None


def _read(path: Path | None, decode):
    data = read_bytes(path)
    if data is None:
        return None
    try:
        return decode(data)
    except UNPICKLING_ERRORS:       # any damage: unpickling runs code named in the data
        return None


def write_atomic(path: Path, data: bytes) -> bool:
    """`data` at `path` in one step; False when the cache cannot be written (a read-only
    checkout still builds, just without its records)."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        return False
    return True


def unpickled(data: bytes):
    """A pickled record, or None when its bytes are damaged."""
    try:
        return pickle.loads(data)
    except UNPICKLING_ERRORS:
        return None


@functools.cache
def _in_memory():
    """Compiled templates kept for the life of the process (serve, tests) when no .cache/."""
    import jinja2               # here: a build with nothing to do renders nothing

    class MemoryBytecodeCache(jinja2.BytecodeCache):
        def __init__(self):
            self.compiled: dict[str, bytes] = {}

        def load_bytecode(self, bucket) -> None:
            if bucket.key in self.compiled:
                bucket.bytecode_from_string(self.compiled[bucket.key])

        def dump_bytecode(self, bucket) -> None:
            self.compiled[bucket.key] = bucket.bytecode_to_string()
    return MemoryBytecodeCache()
