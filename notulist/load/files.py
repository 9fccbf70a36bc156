"""Stage 1: read the site folder. The only reader of content files; no interpretation."""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..digests import PACKAGE
from ..problems import Problem, error, not_utf8, unreadable_file

if TYPE_CHECKING:
    from .config import Config      # not at import: a build with nothing to do needs none

FILE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
# U+FDD0..U+FDEF are Unicode noncharacters; the engine uses two of them as placeholders.
NONCHARACTERS = re.compile("[\ufdd0-\ufdef]")
# Control characters (but tab and line ends) are invalid in HTML and XML, and invisible.
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
OUTPUT_MARK = "assets/notulist.css"      # every build's output holds it (see write/output.py)


@dataclass(frozen=True)
class Source:
    """One Markdown file: a meeting (`body` set) or a free page (`body` is None)."""
    path: Path
    body: str | None
    id: str
    text: str
    digest: str

    @property
    def key(self) -> str:
        return key_of(self.body or "pages", self.id)


def key_of(folder: str, stem: str) -> str:
    """A content file's key: `lrt/2023-09-22`, or `pages/<name>` for a free page."""
    return f"{folder}/{stem}"


def read_sources(config: Config) -> tuple[list[Source], list[Problem], set[str]]:
    """Every meeting and free page under content/, in a stable order; and the keys of the
    files that could not be read (their problem is reported here, so a reference to one is
    not reported again)."""
    sources, problems, unreadable = [], [], set()
    content = config.content_dir
    if not content.is_dir():
        return [], [error(config.path, 1, f"no content folder at {content} — create content/"
                          "<body>/<date>.md next to config.toml")], unreadable
    for path, relative in site_files(config.root, content, problems):
        source = _read_source(config, path, relative.split("/"), problems, unreadable) \
            if relative.endswith(".md") else None
        if source:
            sources.append(source)
    return sources, problems, unreadable


def site_files(root: Path, folder: Path, problems: list[Problem]) -> list[tuple[Path, str]]:
    """(file, its path relative to `folder`), sorted, hidden ones skipped. A symlink (file
    or folder, or the folder itself) leading outside the site folder is refused: it could
    publish anything."""
    return [(Path(path), relative) for path, relative in site_paths(root, folder, problems)]


def site_paths(root: Path, folder: Path, problems: list[Problem]) -> list[tuple[str, str]]:
    """site_files with each file's path as a string (the memo only stats them)."""
    real_root = root.resolve()
    if not folder.is_dir() or _refused(folder, real_root, problems):
        return []
    found = _walk(str(folder), "", real_root, problems,
                  (str(real_root), os.path.realpath(folder)))
    problems += _case_collisions(found)
    return found


def _case_collisions(found: list[tuple[str, str]]) -> list[Problem]:
    """`Meeting.md` beside `meeting.md`: one URL on a case-insensitive host or file system."""
    first: dict[str, str] = {}
    problems = []
    for path, relative in found:
        other = first.setdefault(relative.casefold(), relative)
        if other != relative:
            problems.append(error(Path(path), 1, f"`{relative}` and `{other}` differ only in "
                                  "upper and lower case, so their URLs collide on many web "
                                  "hosts — rename one"))
    return problems


def _walk(folder: str, prefix: str, real_root: Path, problems,
          above: tuple[str, ...]) -> list[tuple[str, str]]:
    """`above`: the real paths of the folders being walked, so a symlink back to one of
    them is an error rather than a walk without end."""
    found = []
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        problems.append(error(Path(folder), 1, f"cannot read this folder ({exc.strerror}) — "
                              "give the build permission to read it, or move it away"))
        return found
    for entry in entries:
        if entry.name.startswith(".") or (
                entry.is_symlink() and _refused(Path(entry.path), real_root, problems)):
            continue
        if entry.is_dir() and os.path.isfile(f"{entry.path}/{OUTPUT_MARK}"):
            problems.append(error(Path(entry.path), 1, "this folder is the output of a build "
                                  "(or leads to one), which may hold members-only text — "
                                  "copy only the files you mean to publish"))
            continue
        if entry.is_symlink() and not os.path.exists(entry.path):
            problems.append(error(Path(entry.path), 1, "this symlink leads nowhere — point "
                                  "it at a file in the site folder, or remove it"))
        elif entry.is_dir():
            real = os.path.realpath(entry.path)
            if real in above:
                problems.append(error(Path(entry.path), 1, "this symlink leads back to a "
                                      "folder that holds it, so reading would never end — "
                                      "remove it"))
                continue
            found += _walk(entry.path, f"{prefix}{entry.name}/", real_root, problems,
                           (*above, real))
        elif entry.is_file():
            found.append((entry.path, prefix + entry.name))
    return found


def list_files(folder: Path) -> list[tuple[str, str]]:
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


def _read_source(config: Config, path: Path, parts: list[str], problems,
                 unreadable: set[str]) -> Source | None:
    """The Source of one file, or None with its problem (and its key in `unreadable` when
    the file is in its place but cannot be read)."""
    folder, stem = parts[0] if len(parts) > 1 else "", parts[-1][:-len(".md")]
    if len(parts) != 2 or (folder not in config.bodies and folder != "pages"):
        bodies = ", ".join(sorted(config.bodies)) or "none defined"
        problems.append(error(path, 1, f"a content file must be content/<body>/<id>.md or "
                              f"content/pages/<name>.md — bodies in config.toml: {bodies}"))
        return None
    if not FILE_ID.match(stem):
        problems.append(error(path, 1, f"the file name `{parts[-1]}` cannot be used in a URL — "
                              "use letters, digits and dashes, like 2024-03-14.md"))
        return None
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except OSError as exc:
        problems.append(unreadable_file(path, exc))
        unreadable.add(key_of(folder, stem))
        return None
    except UnicodeDecodeError as exc:
        problems.append(not_utf8(path, raw, exc))
        unreadable.add(key_of(folder, stem))
        return None
    text = text.lstrip("\ufeff")
    if "\r" in text:             # CRLF (Windows) and lone CR (old Mac, some exports) become LF
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if b"\xef\xb7" in raw:        # how UTF-8 starts U+FDC0..U+FDFF: a fast first look
        text = NONCHARACTERS.sub("\ufffd", text)
    if CONTROLS.search(text):
        text = CONTROLS.sub("\ufffd", text)
    digest = hashlib.sha1(raw + str(path).encode()).hexdigest()
    return Source(path, None if folder == "pages" else folder, stem, text, digest)


def read_source(config: Config, path: Path) -> Source | None:
    """One file of content/ again (for a text edit, see snapshot.py): None when it is no
    Markdown file, is a symlink (read_sources judges where it leads) or reading it found a
    problem, which a full build then reports."""
    if path.suffix != ".md" or path.is_symlink():
        return None
    problems: list[Problem] = []
    parts = path.relative_to(config.content_dir).parts
    source = _read_source(config, path, list(parts), problems, set())
    return None if problems else source


def meeting_ids(config: Config, body: str) -> set[str]:
    """The ids of the meeting files of `body` there are, readable or not (for `new`)."""
    folder = config.content_dir / body
    return {path.stem for path in folder.glob("*.md")} if folder.is_dir() else set()


def _refused(path: Path, real_root: Path, problems: list[Problem]) -> bool:
    if not path.is_symlink():
        return False
    real = Path(os.path.realpath(path))
    if not _inside(real, real_root):
        problems.append(error(path, 1, "this is a symlink to outside the site folder — "
                              "copy what it points to into the site folder instead"))
        return True
    if _private(real, real_root):
        problems.append(error(path, 1, "this symlink leads into .cache/, a hidden folder or "
                              "the output of a build, which may hold members-only text — "
                              "copy only the files you mean to publish"))
        return True
    return False


def _private(real: Path, real_root: Path) -> bool:
    """Inside a hidden folder (.cache/, a spare, .git) or a build's output."""
    parts = real.relative_to(real_root).parts
    return any(part.startswith(".") for part in parts) or any(
        os.path.isfile(f"{real_root.joinpath(*parts[:depth])}/{OUTPUT_MARK}")
        for depth in range(1, len(parts) + 1))


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


BUILTIN_STATIC = PACKAGE / "static"


def read_static(config: Config) -> tuple[dict[str, tuple[Path, bytes]], list[Problem]]:
    """Output path -> (source, bytes): built-in assets under assets/, the site's static/
    as-is at the root of the output."""
    assets = {f"assets/{p.relative_to(BUILTIN_STATIC).as_posix()}": (p, p.read_bytes())
              for p in sorted(BUILTIN_STATIC.rglob("*")) if p.is_file()}
    if not config.search:
        del assets["assets/search.js"]      # only the search page loads it
    problems: list[Problem] = []
    for path, name in site_files(config.root, config.root / "static", problems):
        if name in assets:
            problems.append(error(path, 1, f"static/{name} would overwrite the built-in "
                                  f"{name} — rename or move it"))
        else:
            try:
                assets[name] = (path, path.read_bytes())
            except OSError as exc:
                problems.append(unreadable_file(path, exc))
    return assets, problems


def overwritten(assets: dict[str, tuple[Path, bytes]], generated) -> list[Problem]:
    """Static files that would take the place of a generated page or file."""
    return [error(path, 1, f"static/{name} would overwrite the generated {name} — rename or "
                  "move it") for name, (path, _) in assets.items() if name in generated]
