"""A text PDF -> lines with their font size and weight -> blocks (see lines.py).

pdfminer.six's characters are read directly, without its layout analysis: the lines of
minutes are simple rows of text, and grouping characters here is several times faster."""
from __future__ import annotations

import functools
import re
from collections import Counter
from pathlib import Path

from .document import Document, Unreadable
from .lines import Line, blocks_of

BOLD = ("bold", "black", "heavy", "semibold", "demi")
LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl"})


def read_pdf(path: Path) -> Document:
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.psparser import PSException
    device = PDFPageAggregator(PDFResourceManager(caching=True), laparams=None)
    interpreter = PDFPageInterpreter(device.rsrcmgr, device)
    pages: list[list[Line]] = []
    try:
        with path.open("rb") as handle:
            for number, page in enumerate(PDFPage.get_pages(handle), 1):
                interpreter.process_page(page)
                chars = [c for c in _flatten(device.get_result()) if isinstance(c, LTChar)]
                pages.append(_page_lines(chars, number))
    except (PSException, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise Unreadable(f"this PDF cannot be read ({type(exc).__name__}) — open it and save "
                         "or print it as PDF again, then import that file") from None
    lines = _without_running_lines(pages)
    # a scan may carry a stamped page number or footer: judge by the amount of text
    if sum(len(line.text.strip()) for line in lines) < 100 * max(len(pages), 1):
        raise Unreadable("this PDF has no text layer (a scan?) — make its text readable "
                         "first with `ocrmypdf FILE.pdf FILE-ocr.pdf`, then import FILE-ocr.pdf")
    return Document(str(path), tuple(blocks_of(lines)))


def _without_running_lines(pages: list[list[Line]]) -> list[Line]:
    """Leave out a running header or footer: a top or bottom line that most pages repeat."""
    def edges(page):
        texts = [line for line in page if line.text.strip()]
        return texts[:2] + texts[-2:]
    shape = lambda line: re.sub(r"\d+", "#", " ".join(line.text.split()))
    counts = Counter(s for page in pages for s in {shape(line) for line in edges(page)})
    running = {s for s, n in counts.items() if len(pages) > 1 and n > len(pages) / 2}
    return [line for page in pages for line in page
            if not (shape(line) in running and line in edges(page))]


def _flatten(container):
    for item in container:
        if hasattr(item, "__iter__") and not hasattr(item, "get_text"):
            yield from _flatten(item)       # a figure (form XObject) holds characters too
        else:
            yield item


def _page_lines(chars: list, number: int) -> list[Line]:
    """Characters grouped by baseline, top to bottom; a wide gap becomes two spaces, and a
    line further below the last than the page's usual line pitch follows a blank line."""
    rows: dict[float, list] = {}
    key = None
    for char in chars:
        if not (char.get_text().strip() or char.get_text() == " "):
            continue
        if key is None or abs(key - char.y0) > char.size * 0.4:    # most follow on one line
            key = next((k for k in rows if abs(k - char.y0) <= char.size * 0.4), char.y0)
        rows.setdefault(key, []).append(char)
    baselines = sorted(rows, reverse=True)
    pitches = sorted(a - b for a, b in zip(baselines, baselines[1:]))
    pitch = pitches[len(pitches) // 2] if pitches else 0.0
    lines = []
    for row_number, key in enumerate(baselines, 1):
        row = sorted(rows[key], key=lambda c: c.x0)
        if row_number > 1 and baselines[row_number - 2] - key > pitch * 1.35:
            lines.append(Line("", f"page {number}"))
        lines.append(Line(_joined(row), f"page {number}, line {row_number}",
                          max(c.size for c in row), _bold(row)))
    return lines


def _joined(row: list) -> str:
    text, previous = "", None
    for char in row:
        if previous is not None:
            gap = char.x0 - previous.x1
            text += "  " if gap > char.size * 1.5 else " " if gap > char.size * 0.15 else ""
        text += char.get_text()
        previous = char
    return text.translate(LIGATURES)


def _bold(row: list) -> bool:
    letters = [c.fontname for c in row if c.get_text().strip()]
    weighty = sum(count for font, count in Counter(letters).items() if _weighty(font))
    return bool(letters) and weighty >= 0.8 * len(letters)


@functools.cache
def _weighty(font: str) -> bool:
    return any(weight in font.lower() for weight in BOLD)
