"""A Word .docx -> blocks, read from its XML: styles give headings and lists, tables rows.

Tracked changes and comments are refused unless accepted; document properties (author,
company) are never read."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .document import Block, Bullet, Document, Heading, Paragraph, Row, Unreadable
from .lines import BULLET, NUMBERED, SUB_BULLETS, shouting, squeeze

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CHANGES = (f"{W}ins", f"{W}del", f"{W}moveFrom", f"{W}moveTo")
REMOVED = (f"{W}del", f"{W}moveFrom")
HEADING_STYLE = re.compile(r"^(?:heading|kop)\s*(\d)$", re.I)


def read_docx(path: Path, accept_changes: bool) -> Document:
    import docx                     # imported here: only an import of a .docx needs it
    from docx.opc.exceptions import OpcError
    try:
        word = docx.Document(str(path))
    except (zipfile.BadZipFile, OpcError, KeyError, ValueError):
        raise Unreadable("this is not a Word .docx file that can be read — save it from Word "
                         "as .docx (not .doc) and import it again") from None
    body = word.element.body
    accepted = _changes(body) + _comments(word)
    if accepted and not accept_changes:
        raise Unreadable(f"this document has {len(accepted)} tracked change(s) or comment(s) — "
                         "accept or reject them in Word (Review → Accept all, delete comments) "
                         "and save it, or import with --accept-changes")
    formats = _list_formats(word)
    blocks: list[Block] = []
    for number, element in enumerate(body.iterchildren(), 1):
        if element.tag == f"{W}p":
            block = _paragraph(element, word, formats, f"paragraph {number}")
            if block:
                blocks.append(block)
        elif element.tag == f"{W}tbl":
            blocks += _rows(element, f"table at paragraph {number}")
    return Document(str(path), tuple(blocks), tuple(accepted))


def _changes(body) -> list[str]:
    found = []
    for element in body.iter(*CHANGES):
        text = squeeze("".join(t.text or "" for t in element.iter(f"{W}t", f"{W}delText")))
        kind = "deleted" if element.tag in REMOVED else "inserted"
        found.append(f"{kind} “{text}”" if text else f"{kind} formatting")
    return found


def _comments(word) -> list[str]:
    """Comments live in their own part; only their text is reported, never their author."""
    for rel in word.part.rels.values():
        if rel.reltype.endswith("/comments"):
            from lxml import etree
            root = etree.fromstring(rel.target_part.blob)
            return [f"comment removed: “{squeeze(''.join(c.itertext()))}”"
                    for c in root.iter(f"{W}comment")]
    return []


def _text(paragraph) -> str:
    """The paragraph's text with insertions kept and deletions left out."""
    parts = []
    for node in paragraph.iter(f"{W}t", f"{W}tab", f"{W}br"):
        if any(a.tag in REMOVED for a in node.iterancestors()):
            continue
        parts.append(node.text or "" if node.tag == f"{W}t" else " ")
    return squeeze("".join(parts))


def _paragraph(element, word, formats: dict, where: str) -> Block | None:
    text = _text(element)
    if not text:
        return None
    style = _style_name(element, word)
    heading = HEADING_STYLE.match(style)
    if heading or style.lower() in ("title", "titel"):
        return Heading(text, where, int(heading.group(1)) if heading else 0)
    level = element.find(f"{W}pPr/{W}numPr/{W}ilvl")
    num = element.find(f"{W}pPr/{W}numPr/{W}numId")
    if num is not None or "list" in style.lower() or "lijst" in style.lower():
        depth = int(level.get(f"{W}val")) if level is not None else 0
        kind = formats.get((num.get(f"{W}val") if num is not None else "", depth),
                           "decimal" if re.search(r"number|nummer", style, re.I) else "bullet")
        if kind != "bullet" and (_bold(element) or shouting(text)):
            return Heading(text, where, 1, bold=not shouting(text))
        return Bullet(text, where, depth + 1 + ("2" in style))
    if bullet := BULLET.match(text):
        return Bullet(bullet.group(2), where, 2 if bullet.group(1) in SUB_BULLETS else 1)
    if NUMBERED.match(text) and (shouting(NUMBERED.match(text).group(2)) or _bold(element)):
        return Heading(text, where, 1, bold=not shouting(text))
    if _bold(element) and len(text) <= 80 and not text.endswith("."):
        return Heading(text, where, 1, bold=True)
    return Paragraph(text, where)


def _style_name(element, word) -> str:
    style = element.find(f"{W}pPr/{W}pStyle")
    if style is None:
        return ""
    style_id = style.get(f"{W}val")
    try:
        return word.styles.get_by_id(style_id, 1).name or style_id   # 1: paragraph style
    except (KeyError, ValueError):
        return style_id


def _bold(element) -> bool:
    runs = [r for r in element.iter(f"{W}r") if squeeze("".join(r.itertext()))]
    return bool(runs) and all(r.find(f"{W}rPr/{W}b") is not None and r.find(
        f"{W}rPr/{W}b").get(f"{W}val", "true") not in ("0", "false") for r in runs)


def _list_formats(word) -> dict[tuple[str, int], str]:
    """(numId, level) -> "bullet" or "decimal": a numbered list may be the agenda."""
    part = getattr(word.part, "numbering_part", None)
    if part is None:
        return {}
    root = part.element
    abstract = {a.get(f"{W}abstractNumId"): {int(l.get(f"{W}ilvl")): (
        l.find(f"{W}numFmt").get(f"{W}val") if l.find(f"{W}numFmt") is not None else "bullet")
        for l in a.iter(f"{W}lvl")} for a in root.iter(f"{W}abstractNum")}
    formats = {}
    for num in root.iter(f"{W}num"):
        ref = num.find(f"{W}abstractNumId")
        for level, kind in abstract.get(ref.get(f"{W}val") if ref is not None else "", {}).items():
            formats[(num.get(f"{W}numId"), level)] = "bullet" if kind in ("bullet", "none") \
                else kind
    return formats


def _rows(table, where: str) -> list[Row]:
    rows = []
    for number, row in enumerate(table.iter(f"{W}tr"), 1):
        cells = []
        for cell in row.iter(f"{W}tc"):
            text = squeeze(" ".join(_text(p) for p in cell.iter(f"{W}p")))
            if not cells or text != cells[-1]:      # a merged cell repeats its text
                cells.append(text)
        if any(cells):
            rows.append(Row(tuple(cells), f"{where}, row {number}"))
    return rows
