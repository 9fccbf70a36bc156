"""Actions, decisions and status lines, read from markdown-it's inline tokens: keyword
lines, the list items of an action list section and the rows of an action table.

Each entry keeps an empty marker token in front of its text; the reader fills it with the
A/D/U placeholder once everything is numbered in the order of the file.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from markdown_it.token import Token

from ..load.config import DEFAULT_KEYWORDS
from .minutes_syntax import collapse, plain_text

ACTION_SECTIONS = ("actiepunten", "actielijst", "acties", "action items", "actions")
_STATUS = r"(?:afgerond|gesloten|klaar|done|closed)"
STATUS_WORDS = re.compile(rf"(?:^|[\s(\[]){_STATUS}(?:$|[\s).,;\]])|[✓✔☑]", re.I)
# In an item's own text only a marked status word counts: `(afgerond)`, `— done`, `✓`.
ITEM_STATUS = re.compile(rf"[(\[]\s*{_STATUS}\s*[)\]]|[—–:-]\s*{_STATUS}\s*\.?$|[✓✔☑]", re.I)
PASTED_BULLET = "•·▪◦●‣∙–☐☑"         # and the box of a task list item
_PASTED = rf"(?:[{PASTED_BULLET}]|o(?=[ \t]))"   # Word's bullets, pasted: `• …`, `o …`
PASTED_LINE = re.compile(rf"^[ \t]*{_PASTED}")
PASTED_ANY_LINE = re.compile(rf"^[ \t]*{_PASTED}", re.M)
COLUMNS = {
    "nr": "label", "nr.": "label", "no": "label", "no.": "label", "#": "label",
    "nummer": "label", "actie": "text", "action": "text", "actiepunt": "text", "wat": "text",
    "what": "text", "omschrijving": "text", "description": "text", "wie": "owners",
    "who": "owners", "owner": "owners", "owners": "owners", "eigenaar": "owners",
    "trekker": "owners", "wanneer": "due", "when": "due", "deadline": "due", "due": "due",
    "status": "status",
}
OWNER_OPENING = re.compile(r"^(?P<owners>[^\s:.;!?][^:.;!?]{0,58}?):\s+(?P<text>\S.*)$", re.S)
OWNER_CLOSING = re.compile(r"^(?P<text>.*\S)\s*\((?P<owners>[^()]{1,60})\)\s*\.?$", re.S)
ACTION_TARGET = re.compile(r"#A\d+$")
STATUS_LEAD = re.compile(r"^\s*\x00\s*[:,—–-]?\s*")
EMPTY_PAIRS = {"strong_open": "strong_close", "em_open": "em_close", "s_open": "s_close"}


@dataclass
class Entry:
    """An action, decision or status line as written; numbered by the reader."""
    kind: str                       # action | decision | done | dropped | update
    text: str                       # plain text: no markup, references as their label
    line: int
    owners_text: str | None = None  # `Actie (MBZK, VNG):`, `Name: text`, a Wie column
    owners_written: bool = False    # in parentheses after the keyword: shown by the marker
    label: str | None = None        # the secretariat's number: `Actie 324/01:`, a Nr column
    due_text: str | None = None     # a due column's text
    done: bool = False              # a status word in the row or item
    item: str = ""
    members_only: bool = False
    marker: Token = field(default_factory=lambda: Token("text", "", 0))
    reference_tokens: list[Token] = field(default_factory=list)
    references: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class KeywordRules:
    line: re.Pattern
    kinds: dict[str, str]           # lower-case keyword -> kind
    sections: frozenset[str]        # lower-case headings of action list sections


@functools.lru_cache(maxsize=16)
def keyword_rules(extra: tuple[tuple[str, tuple[str, ...]], ...]) -> KeywordRules:
    """The keywords of the defaults and the config's `[keywords]`, as one pattern."""
    extra_words = dict(extra)
    sections = frozenset(ACTION_SECTIONS) | {w.lower() for w in extra_words.pop(
        "action_section", ())}
    kinds = {word.lower(): kind for kind, words in DEFAULT_KEYWORDS.items() for word in words}
    kinds.update({word.lower(): kind for kind, words in extra_words.items() for word in words})
    words = "|".join(re.escape(w) for w in sorted(kinds, key=len, reverse=True))
    line = re.compile(rf"^(?P<lead>[ \t]*(?:{_PASTED}[ \t]*)?)(?P<kw>{words})"
                      rf"(?:[ \t]+(?P<label>\d[\w./-]*))?(?:[ \t]*\((?P<owners>[^)\n]*)\))?"
                      rf"[ \t]*:[ \t]*", re.I)
    return KeywordRules(line, kinds, sections)


def read_keyword_lines(inline: Token, rules: KeywordRules, line: int) -> list[Entry]:
    """The entries of one paragraph: a line opening with a keyword starts one; the lines
    after it are its text until another starts (after an entry, or with a pasted bullet)."""
    children = inline.children or []
    if not children or not _may_open(inline, rules):
        return []
    starts = [0] + [i + 1 for i, t in enumerate(children) if t.type == "softbreak"]
    lines = list(zip(starts, starts[1:] + [len(children) + 1]))
    opened, boundaries, in_entry = [], [], False
    for number, (start, end) in enumerate(lines):
        text = plain_text(children[start:end - 1], "mark")
        found, bulleted = rules.line.match(text), PASTED_LINE.match(text) is not None
        if found and (number == 0 or in_entry or bulleted):
            opened.append((number, found))
        if found and (number == 0 or in_entry or bulleted) or bulleted:
            boundaries.append(number)
            in_entry = bool(found)
    entries = []
    for number, found in reversed(opened):
        start = lines[number][0]
        following = [b for b in boundaries if b > number]
        stop = lines[following[0]][0] - 1 if following else len(children)
        kind = rules.kinds[found.group("kw").lower()]
        entry = Entry(kind, "", line + number, found.group("owners"),
                      found.group("owners") is not None, found.group("label"))
        before = len(children)
        _cut(children, start, found.end())
        stop += len(children) - before + 1         # the cut tokens, and the marker
        bullet = found.group("lead").strip()
        entry.marker.content = bullet + " " if bullet else ""
        children.insert(start, entry.marker)
        entry.reference_tokens = [t for t in children[start:stop] if t.type == "reference"]
        entry.text = _entry_text(children[start + 1:stop], kind, entry.reference_tokens)
        entries.append(entry)
    return entries[::-1]


def _may_open(inline: Token, rules: KeywordRules) -> bool:
    """A cheap first look: most paragraphs open with plain text that is no keyword line
    (a keyword split over tokens, like `**Actie**:`, opens with markup or a short text)."""
    token = inline.children[0]
    return token.type != "text" or len(token.content) < 24 or \
        rules.line.match(token.content) is not None or \
        PASTED_ANY_LINE.search(inline.content) is not None


def read_section_item(inline: Token, rules: KeywordRules, line: int) -> list[Entry]:
    """A list item of an action list section: an action, unless it opens with a keyword."""
    entries = read_keyword_lines(inline, rules, line)
    if entries:
        return entries
    children = inline.children or []
    if children and children[0].type == "reference" and ACTION_TARGET.search(
            children[0].meta["written"]):
        return [_carried(children, line)]
    text = collapse(plain_text(children))
    if not text:
        return []
    entry = Entry("action", text, line)
    entry.done = bool(ITEM_STATUS.search(text))
    closing = OWNER_CLOSING.match(text)
    opening = OWNER_OPENING.match(text)
    if closing and _names(closing.group("owners")):
        entry.owners_text, entry.text = closing.group("owners"), closing.group("text")
    elif opening and _names(opening.group("owners")):
        entry.owners_text, entry.text = opening.group("owners"), opening.group("text")
    children.insert(0, entry.marker)
    entry.reference_tokens = [t for t in children if t.type == "reference"]
    return [entry]


def _carried(children: list[Token], line: int) -> Entry:
    """`- [[2024-01-10#A1]] JenV stuurt …` (as `new` lists them): that action, still open;
    read as a progress note on it, not as a new action."""
    entry = Entry("update", "", line)
    children.insert(0, entry.marker)
    entry.reference_tokens = [t for t in children if t.type == "reference"]
    entry.text = _entry_text(children[1:], "update", entry.reference_tokens)
    return entry


def _names(text: str) -> bool:
    """Owners, not words: `JenV, VNG`, `Ann Smith` (not `zie bijlage`, not `afgerond`)."""
    parts = [p.strip() for p in re.split(r",|&|\ben\b|\band\b", text)]
    return all(p[:1].isupper() and len(p.split()) <= 4 for p in parts) and \
        not STATUS_WORDS.search(f"({text})")


def read_action_table(tokens: list[Token], start: int, first_line: int) -> tuple[list[Entry], int]:
    """The rows of a table with an action column; and the index after the table."""
    end = next(i for i in range(start, len(tokens)) if tokens[i].type == "table_close")
    rows, row = [], None
    for token in tokens[start:end]:
        if token.type == "tr_open":
            row = (token.map[0] if token.map else 0, [])
            rows.append(row)
        elif token.type == "inline" and row is not None:
            row[1].append(token)
    if not rows:
        return [], end + 1
    roles = [COLUMNS.get(collapse(plain_text(cell.children)).lower().rstrip(":?")) for cell
             in rows[0][1]]
    if "text" not in roles:
        return [], end + 1
    entries = [_table_row(cells, roles, first_line + number) for number, cells in rows[1:]]
    return [e for e in entries if e], end + 1


def _table_row(cells: list[Token], roles: list[str | None], line: int) -> Entry | None:
    values = {role: collapse(plain_text(cell.children)) for role, cell in zip(roles, cells)
              if role}
    text_cell = cells[roles.index("text")] if roles.index("text") < len(cells) else None
    if text_cell is None or not values.get("text"):
        return None
    entry = Entry("action", _entry_text(text_cell.children, "action", []), line,
                  values.get("owners") or None, False, values.get("label") or None,
                  values.get("due") or None, bool(STATUS_WORDS.search(values.get("status", ""))))
    text_cell.children.insert(0, entry.marker)
    entry.reference_tokens = [t for c in cells for t in c.children or () if t.type == "reference"]
    return entry


def _entry_text(children: list[Token], kind: str, references: list[Token]) -> str:
    """Plain text; a status line's leading action reference is not part of its text."""
    text = plain_text(children, "mark")
    labels = [t.meta["label"] or t.meta["written"] for t in references]
    if kind in ("done", "dropped", "update") and STATUS_LEAD.match(text):
        text, labels = STATUS_LEAD.sub("", text, count=1), labels[1:]
    parts = text.split("\x00")
    text = parts[0] + "".join(label + part for label, part in zip(labels, parts[1:]))
    return collapse(text)


def _cut(children: list[Token], start: int, count: int) -> None:
    """Take the first `count` characters of plain text (the keyword) off a line's tokens."""
    index = start
    while count > 0 and index < len(children):
        token = children[index]
        if token.type == "text":
            taken = min(count, len(token.content))
            token.content, count = token.content[taken:], count - taken
        elif token.type not in EMPTY_PAIRS and token.type not in EMPTY_PAIRS.values():
            break
        index += 1
    kept = [t for t in children[start:index] if t.type != "text" or t.content]
    while any(a.type in EMPTY_PAIRS and EMPTY_PAIRS[a.type] == b.type
              for a, b in zip(kept, kept[1:])):
        pair = next(i for i, (a, b) in enumerate(zip(kept, kept[1:]))
                    if a.type in EMPTY_PAIRS and EMPTY_PAIRS[a.type] == b.type)
        del kept[pair:pair + 2]
    children[start:index] = kept


def carry_key(text: str) -> str:
    """An action's text for recognising it carried forward: no case, spaces, punctuation."""
    return re.sub(r"[\W_]+", "", text.lower())
