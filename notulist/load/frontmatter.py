"""Front matter: the YAML between the `---` lines, read the way people write it."""
from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from .files import CONTROLS, NONCHARACTERS, Source
from ..problems import Problem, error


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


class FrontMatterDumper(yaml.SafeDumper):
    """YAML that FrontMatterLoader reads back as written: quotes only what it would not."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)     # `  - item` under its key, as people write


class _Lines(list):
    """A list written one entry a line."""


class _Fields(dict):
    """A mapping written one key a line."""


FrontMatterDumper.yaml_implicit_resolvers = FrontMatterLoader.yaml_implicit_resolvers
FrontMatterDumper.add_representer(_Lines, lambda dumper, entries: dumper.represent_sequence(
    "tag:yaml.org,2002:seq", entries, flow_style=False))
FrontMatterDumper.add_representer(_Fields, lambda dumper, fields: dumper.represent_mapping(
    "tag:yaml.org,2002:map", fields.items(), flow_style=False))


def front_matter_text(fields: dict) -> str:
    """`key: value` lines for `fields` (text, or lists of text and mappings): a list's entries
    one a line, each mapping on one line."""
    fields = _Fields({key: _Lines(value) if isinstance(value, list) else value
                      for key, value in fields.items()})
    return yaml.dump(fields, Dumper=FrontMatterDumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=None, width=1_000_000)


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
    refused = _refused_structure(source, yaml_text)
    if refused:
        return None, [refused]
    try:
        data = yaml.load(yaml_text, Loader=FrontMatterLoader) if yaml_text.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 2
        problem = getattr(exc, "problem", None) or "invalid YAML"
        return None, [error(source.path, line, f"front matter is not valid YAML ({problem}) — "
                            "check indentation and quote text that contains ': '")]
    except (ValueError, TypeError, AttributeError, RecursionError):
        # PyYAML's constructors fail this way on an explicit tag with a value it cannot
        # hold (`!!timestamp soon`, `!!int x`), or on nesting too deep to build.
        return None, [_tagged(source, lines[1:end])]
    if _typed(data):                # a tag it can hold: a set or bytes no field takes
        return None, [_tagged(source, lines[1:end])]
    if not isinstance(data, dict):
        return None, [error(source.path, 2, "front matter must be `key: value` lines")]
    data = _cleaned(data)
    key_lines, problems = _key_lines(source, lines[1:end])
    if problems:
        return None, problems
    return FrontMatter(data, key_lines, "\n".join(lines[end + 1:]), end + 2), []


def _key_lines(source: Source, front: list[str]) -> tuple[dict[str, int], list[Problem]]:
    """The line of each top-level key; a key given twice is a problem (YAML keeps the last)."""
    key_lines, problems = {}, []
    for number, line in enumerate(front, 2):
        found = re.match(r"^([^\s#:-][^:]*?)\s*:(?:\s|$)", line)
        if found and found.group(1) in key_lines:
            problems.append(error(source.path, number, f"`{found.group(1)}` is given twice in "
                                  f"the front matter (also on line {key_lines[found.group(1)]}) "
                                  "— keep one"))
        elif found:
            key_lines[found.group(1)] = number
    return key_lines, problems


MAX_DEPTH = 20      # front matter holds lists of mappings: three levels; 400 overflow the stack


def _refused_structure(source: Source, yaml_text: str) -> Problem | None:
    """Anchors and aliases (`&a`, `*a`) let a few hundred bytes stand for gigabytes, and
    deep nesting overflows the stack; front matter needs neither. Other invalid YAML is
    left to the load, which names its line."""
    depth = 0
    try:
        for event in yaml.parse(yaml_text, Loader=FrontMatterLoader):
            line = event.start_mark.line + 2
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return error(source.path, line, "front matter uses a YAML anchor or alias "
                             "(`&name`, `*name`) — write each value out in full")
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return error(source.path, line, f"front matter is nested more than "
                                 f"{MAX_DEPTH} levels deep — write attendees as a plain list")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None
    return None


def _tagged(source: Source, front: list[str]) -> Problem:
    """At the first line with a `!!` type tag (the second line when none is seen)."""
    line = next((number for number, text in enumerate(front, 2) if "!!" in text), 2)
    return error(source.path, line, "front matter has a value YAML cannot read — remove the "
                 "`!!` type tag, or quote the value")


def _cleaned(value):
    """Escapes in quoted YAML (`"\\x01"`, `"\\ufdd0"`) make what load replaces in the file."""
    if isinstance(value, str):
        return CONTROLS.sub("\ufffd", NONCHARACTERS.sub("\ufffd", value))
    if isinstance(value, dict):
        return {_cleaned(key): _cleaned(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    return value


def _typed(value) -> bool:
    """A set or bytes anywhere in the front matter: only an explicit YAML tag makes them."""
    if isinstance(value, dict):
        return any(_typed(v) for v in value.values())
    if isinstance(value, list):
        return any(_typed(v) for v in value)
    return isinstance(value, (set, bytes))


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
