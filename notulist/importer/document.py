"""The neutral document every reader produces: headings, paragraphs, bullets, table rows."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    text: str
    where: str                      # "page 1, line 12", "paragraph 7": for the review report
    level: int = 1                  # 0 = the document's title (Word's Title style)
    bold: bool = False              # found by its weight or size only, not by its wording


@dataclass(frozen=True)
class Paragraph:
    text: str
    where: str


@dataclass(frozen=True)
class Bullet:
    text: str
    where: str
    level: int = 1


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    where: str


Block = Heading | Paragraph | Bullet | Row


@dataclass(frozen=True)
class Document:
    path: str
    blocks: tuple[Block, ...]
    accepted: tuple[str, ...] = field(default=())   # tracked changes and comments accepted


class Unreadable(Exception):
    """A file that cannot be imported; the message says what is wrong and how to fix it."""
