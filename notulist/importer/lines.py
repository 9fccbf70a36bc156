"""Lines of extracted text (a .txt file, or a PDF's lines with their font) -> blocks.

Extracted text wraps in the middle of sentences and even leaves blank lines there: a block
ends only at a bullet, a heading, or a blank line after a finished sentence."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .document import Block, Bullet, Document, Heading, Paragraph, Row, Unreadable

# Word's Symbol and Wingdings bullets reach a PDF as private-use characters (U+F0B7, U+F0A7)
BULLET = re.compile(r"^\s*([•●▪■◦○o·\-–*\uf0b7\uf0a7\uf0d8\uf076])\s+(\S.*)$")
SUB_BULLETS = "o◦○▪■\uf0a7"
NUMBERED = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2})*)(?:[.)]\s*|\s+)(\S.*)$")
# `Vergaderplaats  Webex`, `Datum: 3 maart 2024`: a label cell, then its value
LABELLED = re.compile(r"^\s*([A-Za-zÀ-ÿ][A-Za-zÀ-ÿ -]{0,30}?)(?:\s*:\s+|\s{2,})(\S.*)$")
FINISHED = re.compile(r"[.!?:;]\s*$")
PAGE_NUMBER = re.compile(r"^\s*(?:(?:pagina|page)\s+)?\d+(?:\s*(?:/|van|of)\s*\d+)?\s*$", re.I)


@dataclass(frozen=True)
class Line:
    text: str
    where: str
    size: float = 0.0               # font size; 0 for plain text
    bold: bool = False


def read_text(path: Path) -> Document:
    """A .txt/.md file of text as extracted from a PDF or Word document."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise Unreadable("this file is not UTF-8 text — save it as UTF-8 and import it again")
    lines = [Line(t, f"line {n}") for n, t in enumerate(text.splitlines(), 1)]
    return Document(str(path), tuple(blocks_of(lines)))


def blocks_of(lines: list[Line]) -> list[Block]:
    body_size = _body_size(lines)
    blocks: list[Block] = []
    open_block, gap, in_header = None, False, True
    sizes: dict[int, float] = {}            # heading's index -> its font size
    for line in lines:
        text = line.text.rstrip()
        if not text.strip() or PAGE_NUMBER.match(text):
            gap = gap or not text.strip()
            continue
        heading = heading_of(line, body_size, blocks)
        if heading and _wrapped(open_block, heading, gap):
            heading = None
        if heading and isinstance(open_block, Heading) and _goes_on(open_block, line):
            blocks[-1] = open_block = Heading(join(open_block.text, text), open_block.where,
                                              open_block.level, open_block.bold)
        elif heading:
            blocks.append(heading)
            sizes[len(blocks) - 1] = line.size
            in_header = in_header and not _ends_header(heading, blocks)
            open_block = heading
        elif in_header and (row := _row(text, line.where)):
            blocks.append(row)
            open_block = row
        elif isinstance(open_block, Row) and in_header and (not gap or _listing(open_block)):
            cells = open_block.cells[:-1] + (join(open_block.cells[-1], text),)
            blocks[-1] = open_block = Row(cells, open_block.where)
        elif bullet := BULLET.match(text):
            level = 2 if bullet.group(1) in SUB_BULLETS else 1
            blocks.append(open_block := Bullet(squeeze(bullet.group(2)), line.where, level))
        elif isinstance(open_block, (Bullet, Paragraph)) and not (
                gap and FINISHED.search(open_block.text)):
            blocks[-1] = open_block = _continued(open_block, text)
        else:
            blocks.append(open_block := Paragraph(squeeze(text), line.where))
        gap = False
    return _levelled(blocks, sizes)


def _ends_header(heading: Heading, blocks: list[Block]) -> bool:
    """A title above the header table does not end it; an agenda item does."""
    return bool(NUMBERED.match(heading.text)) or any(
        isinstance(b, (Row, Paragraph, Bullet)) for b in blocks)


def _levelled(blocks: list[Block], sizes: dict[int, float]) -> list[Block]:
    """The larger the font, the higher the heading: a title above the agenda items."""
    ranks = {size: rank for rank, size in enumerate(sorted(set(sizes.values()), reverse=True), 1)}
    return [Heading(b.text, b.where, ranks[sizes[i]], b.bold) if i in sizes else b
            for i, b in enumerate(blocks)]


def heading_of(line: Line, body_size: float, blocks: list[Block]) -> Heading | None:
    """A numbered heading in capitals, the next number in sequence, or bold/large text."""
    text = squeeze(line.text)
    if BULLET.match(line.text) or len(text) > 120:
        return None
    numbered = NUMBERED.match(text)
    styled = line.size > body_size * 1.1 or line.bold
    if numbered and (shouting(numbered.group(2)) or styled):
        return Heading(text, line.where, 1, bold=False)
    if numbered and not FINISHED.search(text) and len(text) <= 80 \
            and numbered.group(1) == _next_number(blocks):
        return Heading(text, line.where, 1, bold=True)
    if styled and body_size and not FINISHED.search(text) and len(text) <= 80:
        return Heading(text, line.where, 1, bold=True)
    if shouting(re.sub(r"\([^)]*\)", "", text)) and len(text.split()) <= 8 \
            and not re.search(r"[.,;]$", text) and not LABELLED.match(line.text):
        return Heading(text, line.where, 1, bold=False)
    return None


def _wrapped(open_block, heading: Heading, gap: bool) -> bool:
    """`AVIM` or `VNG EN IPO` on a line of its own in a sentence that goes on is no heading."""
    return isinstance(open_block, (Bullet, Paragraph)) and not gap and not heading.bold \
        and not NUMBERED.match(heading.text) and not FINISHED.search(open_block.text)


def shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _next_number(blocks: list[Block]) -> str:
    numbers = [NUMBERED.match(b.text) for b in blocks if isinstance(b, Heading)]
    last = next((m.group(1) for m in reversed(numbers) if m), "0")
    return str(int(last.split(".")[0]) + 1)


def _goes_on(heading: Heading, line: Line) -> bool:
    """A heading wrapped onto a second line: capitals again, or the same weight."""
    text = squeeze(line.text)
    return not NUMBERED.match(text) and (shouting(text) or (heading.bold and line.bold))


def _row(text: str, where: str) -> Row | None:
    labelled = LABELLED.match(text)
    return Row((labelled.group(1).strip(), squeeze(labelled.group(2))), where) \
        if labelled else None


def _listing(row: Row) -> bool:
    """A list of names goes on after a blank line; `Tijd: 14:00` does not."""
    return "," in row.cells[-1] and not re.search(r"[.!?]$", row.cells[-1])


def _continued(block: Bullet | Paragraph, text: str) -> Bullet | Paragraph:
    if isinstance(block, Bullet):
        return Bullet(join(block.text, text), block.where, block.level)
    return Paragraph(join(block.text, text), block.where)


def join(before: str, after: str) -> str:
    """Re-join a wrapped line; `vergunning-` + `houders` is one word again."""
    before, after = squeeze(before), squeeze(after)
    if before.endswith("\u00ad"):                  # a soft hyphen: the word goes on
        return before[:-1] + after
    if re.search(r"[a-zà-ÿ]-$", before) and re.match(r"[a-zà-ÿ]", after):
        return before[:-1] + after
    return f"{before} {after}".strip()


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _body_size(lines: list[Line]) -> float:
    sizes = Counter(round(line.size, 1) for line in lines if line.text.strip() and line.size)
    return sizes.most_common(1)[0][0] if sizes else 0.0
