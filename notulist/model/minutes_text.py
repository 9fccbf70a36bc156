"""Reading a minutes body line by line: agenda items, keyword lines, references, members blocks.

The walker rewrites the Markdown so that everything the link stage decides later (reference
labels, action status, what the audience may read) becomes a placeholder (see markup.py).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from slugify import slugify

from ..load.config import MAX_NAME
from .markup import block_line, placeholder
from ..problems import Problem, error

DEFAULT_KEYWORDS = {
    "action": ("Actie", "Action", "ACTION"),
    "decision": ("Besluit", "Decision", "RESOLVED"),
    "done": ("Afgerond", "Done"),
    "dropped": ("Vervallen", "Dropped"),
    "update": ("Stand", "Update"),
}
HEADING = re.compile(r"^##[ \t]+(.*?)[ \t]*#*[ \t]*$")
ITEM_NUMBER = re.compile(r"^(\d+(?:\.\d+)*)(?:[.)]|(?=\s))\s*(.*)$")
EXPLICIT_ANCHOR = re.compile(r"\s*\{#([^}]*)\}$")
ANCHOR = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
MEMBERS_FENCE = re.compile(r"^:::[ \t]*(\S*)[ \t]*(.*?)[ \t]*$")
LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+")
REFERENCE = re.compile(r"\[\[([^\[\]\n|]*)(?:\|([^\[\]\n]*))?\]\]")
INLINE_CODE = re.compile(r"(`+[^`]*?`+)")
NAME = r"[A-Za-z0-9][A-Za-z0-9_-]*"
TARGET = re.compile(rf"^(?:topic:({NAME})|(?:({NAME})/)?({NAME})(?:#([A-Za-z0-9_-]+))?)$")
DUE = re.compile(r"\b(?:uiterlijk|deadline|due|before)\b\D{0,20}?(\d{4}-\d{2}-\d{2})", re.I)


@dataclass
class Entry:
    """A keyword line (action, decision, status) with its continuation lines."""
    kind: str
    item: str
    owners_text: str | None
    lines: list[str]
    line: int
    members_only: bool
    references: list[int] = field(default_factory=list)


@dataclass
class Walk:
    body: str | None                     # the meeting's body; None for free pages
    keyword_line: re.Pattern
    keyword_kind: dict[str, str]
    path: str
    out: list[str] = field(default_factory=list)
    items: list[tuple[str, str, str, int]] = field(default_factory=list)  # number, anchor, title
    entries: list[Entry] = field(default_factory=list)
    references: list[tuple] = field(default_factory=list)   # Reference fields, in order
    blocks: list[tuple[str | None, int]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    open_block: int | None = None
    block_lines: list[list[str]] = field(default_factory=list)   # Markdown of each block
    unknown_block: bool = False          # inside `::: other` (reported): its `:::` is no error
    open_entry: Entry | None = None
    fence: str | None = None

    def emit(self, line: str) -> None:
        """Members blocks are written apart: converted on their own, nothing in them
        (a footnote, an abbreviation, a link definition) can reach the public text."""
        (self.out if self.open_block is None else self.block_lines[self.open_block]).append(line)


def keyword_pattern(extra: dict[str, tuple[str, ...]]) -> tuple[re.Pattern, dict[str, str]]:
    kinds = {word: kind for kind, words in DEFAULT_KEYWORDS.items() for word in words}
    kinds.update({word: kind for kind, words in extra.items() for word in words})
    words = "|".join(re.escape(w) for w in sorted(kinds, key=len, reverse=True))
    pattern = re.compile(rf"^(?P<lead>[ \t]*(?:(?:[-*+]|\d+[.)])[ \t]+)?)(?P<kw>{words})"
                         rf"(?:[ \t]*\((?P<owners>[^)\n]*)\))?[ \t]*:[ \t]*(?P<rest>.*)$")
    return pattern, kinds


def walk_body(text: str, first_line: int, walk: Walk) -> str:
    """Rewrite the body into Markdown with placeholders, collecting what it declares."""
    previous_blank = True
    for offset, line in enumerate(text.split("\n")):
        number = first_line + offset
        if walk.fence:
            walk.emit(line)
            walk.fence = None if line.strip().startswith(walk.fence) else walk.fence
            continue
        fence = FENCE.match(line)
        if fence:
            _close_entry(walk)
            walk.fence = fence.group(1)
            walk.emit(line)
        elif line.startswith(":::"):
            _members_fence(line, number, walk)
        elif walk.body and HEADING.match(line):
            _heading(HEADING.match(line).group(1), number, walk)
        else:
            _text_line(line, number, previous_blank, walk)
        previous_blank = not line.strip()
    _close_entry(walk)
    if walk.open_block is not None:
        walk.problems.append(error(walk.path, walk.blocks[walk.open_block][1],
                                   "this `::: members` block is never closed — add a line `:::`"))
    return "\n".join(walk.out)


def block_markdown(walk: Walk) -> list[str]:
    return ["\n".join(lines) for lines in walk.block_lines]


def _members_fence(line: str, number: int, walk: Walk) -> None:
    _close_entry(walk)
    name, ground = MEMBERS_FENCE.match(line).groups()
    if not name and walk.unknown_block:
        walk.unknown_block = False
    elif not name and walk.open_block is not None:
        walk.open_block = None
    elif name == "members" and walk.open_block is None:
        walk.emit(block_line("M", len(walk.blocks)))
        walk.open_block = len(walk.blocks)
        walk.blocks.append((ground or None, number))
        walk.block_lines.append([])
    elif name == "members":
        walk.problems.append(error(walk.path, number, "a `::: members` block cannot start "
                                   "inside another — close the first with `:::`"))
    elif not name:
        walk.problems.append(error(walk.path, number, "`:::` closes nothing — remove it or "
                                   "open the block with `::: members`"))
    else:
        walk.unknown_block = True
        walk.problems.append(error(walk.path, number, f"unknown block `::: {name}` — "
                                   "the only block is `::: members [ground]`"))


def _heading(heading: str, number: int, walk: Walk) -> None:
    _close_entry(walk)
    if walk.open_block is not None:
        walk.problems.append(error(walk.path, number, "an agenda item cannot start inside a "
                                   "`::: members` block — close the block with `:::` first"))
    explicit = EXPLICIT_ANCHOR.search(heading)
    if explicit:
        heading = heading[:explicit.start()]
    numbered = ITEM_NUMBER.match(heading)
    item_number = numbered.group(1) if numbered else str(len(walk.items) + 1)
    title = (numbered.group(2) if numbered else heading).strip()
    anchor = explicit.group(1).strip() if explicit else \
        slugify(title, max_length=MAX_NAME, word_boundary=True, save_order=True)
    if explicit and not ANCHOR.match(anchor):
        walk.problems.append(error(walk.path, number, f"anchor `{{#{anchor}}}` is not usable — "
                                   "use lower-case letters, digits and dashes, like {#opvang}"))
    elif explicit and len(anchor) > MAX_NAME:
        walk.problems.append(error(walk.path, number, f"anchor `{{#{anchor[:20]}…}}` is longer "
                                   f"than {MAX_NAME} characters — shorten it"))
    elif not anchor or anchor.isdigit():
        walk.problems.append(error(walk.path, number, "this agenda item needs a title with "
                                   "letters, or an anchor like `{#opvang}` at the end"))
    if any(a == anchor for _, a, _, _ in walk.items):
        walk.problems.append(error(walk.path, number, f"two agenda items have the anchor "
                                   f"`{anchor}` — give one an explicit `{{#other-anchor}}`"))
    if any(n == item_number for n, _, _, _ in walk.items):
        walk.problems.append(error(walk.path, number, f"two agenda items are numbered "
                                   f"{item_number} — renumber one"))
    walk.emit(block_line("H", len(walk.items)))
    walk.items.append((item_number, anchor, title or anchor, number))


def _text_line(line: str, number: int, previous_blank: bool, walk: Walk) -> None:
    keyword = walk.keyword_line.match(line) if walk.body else None
    if keyword and (keyword.group("lead").strip() or previous_blank or walk.open_entry):
        _close_entry(walk)
        kind = walk.keyword_kind[keyword.group("kw")]
        entry = Entry(kind, walk.items[-1][1] if walk.items else "", keyword.group("owners"),
                      [keyword.group("rest")], number, walk.open_block is not None)
        marker = placeholder(kind[0].upper() if kind in ("action", "decision") else "U",
                             sum(1 for e in walk.entries if _family(e.kind) == _family(kind)))
        walk.entries.append(entry)
        walk.open_entry = entry
        rest = _references(keyword.group("rest"), number, walk)
        walk.emit(f"{keyword.group('lead')}{marker} {rest}".rstrip())
        return
    if walk.open_entry and (not line.strip() or LIST_ITEM.match(line)):
        _close_entry(walk)
    elif walk.open_entry:
        walk.open_entry.lines.append(line.strip())
    walk.emit(_references(line, number, walk))


def _family(kind: str) -> str:
    return kind if kind in ("action", "decision") else "update"


def _close_entry(walk: Walk) -> None:
    walk.open_entry = None


def _references(line: str, number: int, walk: Walk) -> str:
    if "[[" not in line:
        return line
    parts = INLINE_CODE.split(line)
    for index in range(0, len(parts), 2):       # odd parts are code spans: left as written
        parts[index] = REFERENCE.sub(lambda m: _reference(m, number, walk), parts[index])
    return "".join(parts)


def _reference(match: re.Match, number: int, walk: Walk) -> str:
    written, label = match.group(1).strip(), match.group(2)
    target = normalise_target(written, walk.body)
    if target is None and walk.body is None and TARGET.match(written):
        walk.problems.append(error(walk.path, number, f"`[[{written}]]`: a free page belongs "
                                   "to no body — write body/id, like [[lrt/2023-07-10]]"))
        return match.group(0)
    if target is None:
        walk.problems.append(error(walk.path, number, f"`[[{written}]]` is not a reference "
                                   "I understand — write [[2023-07-10]], [[lrt/2023-07-10#3]], "
                                   "[[2023-07-10#A2]] or [[topic:opvang]]"))
        return match.group(0)
    index = len(walk.references)
    walk.references.append((target, written, label.strip() if label else None, number,
                            walk.open_block is not None, walk.items[-1][1] if walk.items else ""))
    if walk.open_entry is not None:
        walk.open_entry.references.append(index)
    return placeholder("R", index)


def normalise_target(written: str, body: str | None) -> str | None:
    """`2023-07-10#A2` in body lrt becomes `lrt/2023-07-10#A2`; None if not a valid form."""
    found = TARGET.match(written)
    if not found:
        return None
    topic, target_body, meeting, fragment = found.groups()
    if topic:
        return f"topic:{topic}"
    target_body = target_body or body
    if target_body is None:
        return None
    return f"{target_body}/{meeting}" + (f"#{fragment}" if fragment else "")


def entry_text(entry: Entry) -> str:
    """The plain text of a keyword line, references written as their label or target."""
    text = " ".join(part for part in entry.lines if part)
    if entry.kind in ("done", "dropped", "update"):     # the leading action reference is not text
        text = re.sub(r"^\[\[[^\]]*\]\]\s*[:,—–-]?\s*", "", text)
    text = REFERENCE.sub(lambda m: (m.group(2) or m.group(1)).strip(), text)
    return re.sub(r"\s+", " ", text).strip()


def due_date(text: str, path: str, line: int, problems: list[Problem]) -> dt.date | None:
    found = DUE.search(text)
    if not found:
        return None
    try:
        return dt.date.fromisoformat(found.group(1))
    except ValueError:
        problems.append(error(path, line, f"due date {found.group(1)} does not exist — "
                              "write a real date as YYYY-MM-DD"))
        return None
