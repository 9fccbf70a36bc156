"""The document's blocks after its header -> the Markdown body: agenda items, lists, tables."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .document import Block, Bullet, Heading, Row
from .entries import Owners, approved_minutes, read_entry
from .lines import NUMBERED, shouting

ACTION_SECTIONS = ("actiepunten", "actielijst", "acties", "openstaande acties", "action items",
                   "actions", "action list", "open actions")
COLUMNS = {"action": ("actie", "action", "wat", "what", "omschrijving", "description", "task"),
           "owner": ("wie", "who", "owner", "eigenaar", "trekker", "verantwoordelijk"),
           "due": ("wanneer", "due", "deadline", "datum", "date", "when", "gereed")}
STATUS_OR_ACTION = re.compile(r"(?i)(actie|action)\b|(afgerond|vervallen|stand|done|dropped|"
                              r"update)\s*:")
ESCAPE = re.compile(r"^(#|>|:::|\d+[.)]\s|[-*+]\s)")


@dataclass
class Body:
    markdown: str = ""
    items: list[str] = field(default_factory=list)
    actions: int = 0
    decisions: int = 0
    approves: list[tuple[dt.date | None, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)


def write_body(blocks: list[Block], owners: Owners, meeting: dt.date, language: str) -> Body:
    body, out = Body(), []
    level = item_level(blocks)
    section = False
    index = 0
    while index < len(blocks):
        block = blocks[index]
        if isinstance(block, Heading):
            section = _heading(block, level, owners, body, out)
        elif isinstance(block, Row):
            rows = _table_rows(blocks, index)
            _table(rows, section, owners, meeting, language, body, out)
            index += len(rows)
            continue
        else:
            _text_block(block, section, owners, meeting, language, body, out)
        index += 1
    body.markdown = re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n") + "\n"
    return body


def item_level(blocks: list[Block]) -> int:
    """Agenda items are the highest headings that carry a number; without numbers, the
    level most headings have (a title above them is no item)."""
    levels = [b.level for b in blocks if isinstance(b, Heading) and b.level]
    numbered = [b.level for b in blocks if isinstance(b, Heading) and b.level
                and NUMBERED.match(b.text)]
    if numbered or not levels:
        return min(numbered, default=1)
    return max(sorted(set(levels)), key=levels.count)


def _heading(block: Heading, level: int, owners: Owners, body: Body, out: list[str]) -> bool:
    numbered = NUMBERED.match(block.text) if block.level <= level else None
    number, title = (numbered.group(1), numbered.group(2)) if numbered else (None, block.text)
    title = sentence_case(title, owners)
    if block.level > level or block.level == 0:
        out += ["", f"### {_escape_heading(title)}", ""]
    else:
        written = f"{number}. {title}" if number else title
        out += ["", f"## {_escape_heading(written)}", ""]
        body.items.append(written)
        if block.bold:
            body.notes.append((block.where, f"agenda item guessed from bold or large text: "
                               f"`{block.text}`"))
    return title.lower().strip(" :") in ACTION_SECTIONS


def _text_block(block, section: bool, owners: Owners, meeting: dt.date, language: str,
                body: Body, out: list[str]) -> None:
    text = block.text
    if section and isinstance(block, Bullet) and not STATUS_OR_ACTION.match(text):
        text = _section_action(text, owners, language)
    line = read_entry(text, owners, meeting)
    body.actions += line.kind == "action"
    body.decisions += line.kind == "decision"
    body.notes += [(block.where, f"{n}: `{_short(block.text)}`") for n in line.notes or ()]
    approval, approved = approved_minutes(text, meeting)
    if approval:
        body.approves.append((approved, block.where))
    if isinstance(block, Bullet):
        indent = "  " if block.level > 1 and out and re.match(r"^\s*- ", out[-1]) else ""
        out.append(f"{indent}- {_escape(line.text)}")
    else:
        out += ["", _escape(line.text), ""]


def _section_action(text: str, owners: Owners, language: str) -> str:
    """In an action list: `JenV: brief sturen` or `brief sturen (JenV)`."""
    keyword = "Actie" if language == "nl" else "Action"
    if colon := re.match(r"^([^:]{1,40}):\s+(.+)$", text):
        return f"{keyword} ({colon.group(1)}): {colon.group(2)}"
    if named := re.match(r"^(.+?)\s+\(([^)]+)\)\.?$", text):
        return f"{keyword} ({named.group(2)}): {named.group(1)}."
    return f"{keyword}: {text}"


def _table_rows(blocks: list[Block], start: int) -> list[Row]:
    rows = []
    for block in blocks[start:]:
        if not isinstance(block, Row):
            break
        rows.append(block)
    return rows


def _table(rows: list[Row], section: bool, owners: Owners, meeting: dt.date, language: str,
           body: Body, out: list[str]) -> None:
    columns = {kind: i for i, cell in enumerate(rows[0].cells) for kind, names in COLUMNS.items()
               if cell.strip().lower().rstrip(":") in names}
    if "action" in columns and ("owner" in columns or section):
        for row in rows[1:]:
            _text_block(Bullet(_action_of(row, columns, language), row.where), False, owners,
                        meeting, language, body, out)
        out.append("")
        return
    width = max(len(r.cells) for r in rows)
    cells = [list(r.cells) + [""] * (width - len(r.cells)) for r in rows]
    out += ["", *(_table_line(c) for c in cells[:1]), _table_line(["---"] * width),
            *(_table_line(c) for c in cells[1:]), ""]


def _action_of(row: Row, columns: dict[str, int], language: str) -> str:
    cell = lambda kind: row.cells[columns[kind]].strip() if kind in columns \
        and columns[kind] < len(row.cells) else ""
    keyword = "Actie" if language == "nl" else "Action"
    owner, due = cell("owner"), cell("due")
    text = cell("action").rstrip(".")
    due_word = "uiterlijk" if language == "nl" else "due"
    return f"{keyword}{f' ({owner})' if owner else ''}: {text}" + \
        (f", {due_word} {due}." if due else ".")


def _table_line(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def sentence_case(title: str, owners: Owners) -> str:
    """`OPENING EN MEDEDELINGEN` -> `Opening en mededelingen`; codes and acronyms kept."""
    if not shouting(title):
        return title
    codes = {c.upper(): c for c in owners.config.organisations}
    codes.update({w.upper(): w for w in owners.body_words if " " not in w})
    words, inside = [], False
    for token in re.split(r"(\s+)", title):
        core = token.strip("()[],.:;")
        inside = inside or token.startswith("(")
        if core.upper() in codes:
            token = token.replace(core, codes[core.upper()])
        elif not (re.search(r"\d", core) or (inside and len(core) <= 5 and core.isalpha())):
            token = token.lower()
        inside = inside and not token.endswith(")")
        words.append(token)
    text = "".join(words)
    first = next((i for i, c in enumerate(text) if c.isalpha()), None)
    return text if first is None else text[:first] + text[first].upper() + text[first + 1:]


def _escape(text: str) -> str:
    return "\\" + text if ESCAPE.match(text) else text


def _escape_heading(text: str) -> str:
    return text.replace("{#", "{\\#")


def _short(text: str) -> str:
    return text if len(text) <= 70 else text[:67] + "…"
