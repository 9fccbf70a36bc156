"""Stage 1: read the site folder. The only reader of content files; no interpretation."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .config import Config
from .problems import Problem, error

FILE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
# U+FDD0..U+FDEF are Unicode noncharacters; the engine uses two of them as placeholders.
NONCHARACTERS = re.compile("[\ufdd0-\ufdef]")


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
        return f"{self.body}/{self.id}" if self.body else f"pages/{self.id}"


@dataclass(frozen=True)
class FrontMatter:
    data: dict
    lines: dict[str, int]           # key -> line number in the file
    body: str
    body_line: int                  # file line of the first body line


class FrontMatterLoader(yaml.CSafeLoader):
    """YAML as people write it: `15:00`, `15.00`, `NO` and dates stay text; parse.py reads them."""


# Keep only the resolvers for null, true/false and plain integers (the YAML 1.2 core subset);
# YAML 1.1's sexagesimal numbers, yes/no/on/off booleans, floats and timestamps stay text.
FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag in (
        "tag:yaml.org,2002:null", "tag:yaml.org,2002:merge", "tag:yaml.org,2002:value")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _tag, _pattern, _first in (
        ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
        ("tag:yaml.org,2002:int", r"^[-+]?(?:0|[1-9][0-9]*)$", "-+0123456789")):
    FrontMatterLoader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


def read_sources(config: Config) -> tuple[list[Source], list[Problem]]:
    """Every meeting and free page under content/, in a stable order."""
    sources, problems = [], []
    content = config.content_dir
    if not content.is_dir():
        return [], [error(config.path, 1, f"no content folder at {content} — create content/"
                          "<body>/<date>.md next to config.toml")]
    for path in sorted(content.rglob("*.md")):
        source = _read_source(config, content, path, problems)
        if source:
            sources.append(source)
    return sources, problems


def _read_source(config: Config, content: Path, path: Path, problems) -> Source | None:
    relative = path.relative_to(content)
    if any(part.startswith(".") for part in relative.parts):
        return None
    if path.is_symlink() and not _inside(path.resolve(), config.root):
        problems.append(error(path, 1, "this file is a symlink to outside the site folder — "
                              "copy the file into content/ instead"))
        return None
    folder, stem = relative.parts[0] if len(relative.parts) > 1 else "", path.stem
    if len(relative.parts) != 2 or (folder not in config.bodies and folder != "pages"):
        bodies = ", ".join(sorted(config.bodies)) or "none defined"
        problems.append(error(path, 1, f"a content file must be content/<body>/<id>.md or "
                              f"content/pages/<name>.md — bodies in config.toml: {bodies}"))
        return None
    if not FILE_ID.match(stem):
        problems.append(error(path, 1, f"the file name `{path.name}` cannot be used in a URL — "
                              "use letters, digits and dashes, like 2024-03-14.md"))
        return None
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(error(path, 1, f"cannot read this file as UTF-8 text ({exc}) — "
                              "save it as UTF-8"))
        return None
    text = NONCHARACTERS.sub("\ufffd", text.replace("\r\n", "\n").lstrip("\ufeff"))
    digest = hashlib.sha1(raw + str(path).encode()).hexdigest()
    return Source(path, None if folder == "pages" else folder, stem, text, digest)


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def split_front_matter(source: Source) -> tuple[FrontMatter | None, list[Problem]]:
    """Front matter between `---` lines, read as YAML; the body keeps its line offset."""
    lines = source.text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, [error(source.path, 1, "the file must start with front matter: a line "
                            "`---`, then `date: YYYY-MM-DD` and more, then `---`")]
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        return None, [error(source.path, 1, "the front matter is not closed — add a line `---` "
                            "after the last front-matter line")]
    yaml_text = "\n".join(lines[1:end])
    try:
        data = yaml.load(yaml_text, Loader=FrontMatterLoader) if yaml_text.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 2
        problem = getattr(exc, "problem", None) or "invalid YAML"
        return None, [error(source.path, line, f"front matter is not valid YAML ({problem}) — "
                            "check indentation and quote text that contains ': '")]
    if not isinstance(data, dict):
        return None, [error(source.path, 2, "front matter must be `key: value` lines")]
    key_lines, problems = {}, []
    for number, line in enumerate(lines[1:end], 2):
        found = re.match(r"^([^\s#:-][^:]*?)\s*:(?:\s|$)", line)
        if found and found.group(1) in key_lines:
            problems.append(error(source.path, number, f"`{found.group(1)}` is given twice in "
                                  f"the front matter (also on line {key_lines[found.group(1)]}) "
                                  "— keep one"))
        elif found:
            key_lines[found.group(1)] = number
    if problems:
        return None, problems
    return FrontMatter(data, key_lines, "\n".join(lines[end + 1:]), end + 2), []


def list_item_lines(source_text: str, key_line: int) -> list[int]:
    """Line numbers of the `- ` entries of a block list that starts under `key:`."""
    lines, found = source_text.split("\n"), []
    for number in range(key_line + 1, len(lines) + 1):
        line = lines[number - 1]
        if line.strip() in ("---", "...") or (line and not line[0].isspace() and line[0] != "-"):
            break
        if re.match(r"^\s*-\s", line + " "):
            found.append(number)
    return found


BUILTIN_STATIC = Path(__file__).parent / "static"


def static_assets(config: Config, generated: dict) -> tuple[dict[str, Path], list[Problem]]:
    """Built-in assets under assets/, the site's static/ as-is at the root of the output."""
    assets = {f"assets/{p.relative_to(BUILTIN_STATIC).as_posix()}": p
              for p in sorted(BUILTIN_STATIC.rglob("*")) if p.is_file()}
    problems = []
    static = config.root / "static"
    for path in sorted(static.rglob("*")) if static.is_dir() else []:
        if not path.is_file() or any(part.startswith(".") for part in path.relative_to(static).parts):
            continue
        if path.is_symlink() and not _inside(path.resolve(), config.root):
            problems.append(error(path, 1, "this file is a symlink to outside the site folder — "
                                  "copy the file into static/ instead"))
            continue
        name = path.relative_to(static).as_posix()
        if name in generated or name in assets:
            problems.append(error(path, 1, f"static/{name} would overwrite the generated "
                                  f"{name} — rename or move it"))
            continue
        assets[name] = path
    return assets, problems
