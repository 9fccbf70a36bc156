"""The templates a site renders with: its own templates/ over the built-in ones."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..digests import PACKAGE, digest
from ..problems import Problem, not_utf8
from .files import list_files

BUILTIN_TEMPLATES = PACKAGE / "templates"


@dataclass(frozen=True)
class Templates:
    """Template name -> (source, file it came from); a site's file takes the place of the
    built-in one of the same name. `digest` names the site's own (the built-in ones are
    part of the engine, see digests.engine_digest)."""
    sources: dict[str, tuple[str, str]]
    digest: str


def read_templates(site_templates: Path) -> tuple[Templates, list[Problem]]:
    sources, problems, named = {}, [], []
    for folder in (BUILTIN_TEMPLATES, site_templates):
        for path, name in list_files(folder):
            try:
                data = Path(path).read_bytes()
            except OSError:
                continue            # a symlink leading nowhere: the built-in one stays
            try:
                sources[name] = (data.decode("utf-8"), path)
            except UnicodeDecodeError as exc:
                problems.append(not_utf8(path, data, exc, "this template"))
                continue
            if folder == site_templates:
                named.append(f"{name}\0{digest(data)}")
    return Templates(sources, digest("\n".join(named).encode())), problems
