"""The whole build remembered: when no input changed since the last successful build of
this output folder, and that output is intact, there is nothing to do (like make)."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .problems import Problem

ENGINE = Path(__file__).parent


def fingerprint(config_path: Path, audience: str, strict: bool, output: Path) -> str:
    """A digest of every byte the build reads: engine, config, content, templates, static."""
    digest = hashlib.sha1(repr((audience, strict, str(output))).encode())
    root = config_path.parent
    for folder in (ENGINE, root / "content", root / "templates", root / "static"):
        hash_folder(digest, folder)
    digest.update(config_path.read_bytes())
    return digest.hexdigest()


def page_salt(config_path: Path, site_templates: Path, audience: str, menu: list) -> str:
    """What every page depends on besides its own plan: engine, templates, config, menu."""
    digest = hashlib.sha1(repr((audience, menu)).encode())
    for folder in (ENGINE, site_templates):
        hash_folder(digest, folder)
    digest.update(config_path.read_bytes())
    return digest.hexdigest()


def hash_folder(digest, folder: Path) -> None:
    """Add the names and bytes of every file a build reads under `folder` to `digest`."""
    for path in _files(folder):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())


def _files(folder: Path) -> list[Path]:
    """The files a build reads: hidden ones (editor swap files, .git) are skipped, as the
    loader skips them, so an open editor does not defeat the memo."""
    found = []
    for top, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        found += [Path(top) / f for f in sorted(files)
                  if not f.startswith((".", "#")) and not f.endswith((".pyc", "~"))]
    return found


def recall(memo_path: Path | None, print_: str) -> tuple[list[Problem], int] | None:
    """The warnings and file count of the remembered build, or None when it must run again."""
    try:
        record = json.loads(memo_path.read_text()) if memo_path else {}
    except (OSError, ValueError):
        return None
    if record.get("fingerprint") != print_:
        return None
    return [Problem(*fields) for fields in record["problems"]], record["files"]


def remember(memo_path: Path | None, print_: str, problems: list[Problem], files: int) -> None:
    if memo_path is None:
        return
    record = {"fingerprint": print_, "files": files,
              "problems": [[p.path, p.line, p.message, p.warning] for p in problems]}
    try:
        memo_path.write_text(json.dumps(record))
    except OSError:
        pass                        # without a memo the next build simply runs in full
