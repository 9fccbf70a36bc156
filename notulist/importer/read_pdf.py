"""A text PDF -> lines with their font size and weight -> blocks (see lines.py)."""
from __future__ import annotations

from pathlib import Path

from .document import Document, Unreadable
from .lines import Line, blocks_of

BOLD = ("bold", "black", "heavy", "semibold", "demi")


def read_pdf(path: Path) -> Document:
    import pdfplumber              # imported here: only an import of a PDF needs it
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException
    lines: list[Line] = []
    try:
        with pdfplumber.open(path) as pdf:
            for number, page in enumerate(pdf.pages, 1):
                lines += _page_lines(page, number)
    except (PdfminerException, PDFSyntaxError, ValueError, KeyError, TypeError) as exc:
        raise Unreadable(f"this PDF cannot be read ({type(exc).__name__}) — open it and save "
                         "or print it as PDF again, then import that file")
    if not any(line.text.strip() for line in lines):
        raise Unreadable("this PDF has no text layer (a scan?) — make its text readable "
                         "first with `ocrmypdf FILE.pdf FILE-ocr.pdf`, then import FILE-ocr.pdf")
    return Document(str(path), tuple(blocks_of(lines)))


def _page_lines(page, number: int) -> list[Line]:
    """Words grouped by baseline; a wide gap (a table's column) becomes two spaces."""
    words = page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False,
                               use_text_flow=True)
    rows: list[list[dict]] = []
    for word in words:
        if rows and abs(word["bottom"] - rows[-1][-1]["bottom"]) <= word["size"] * 0.4:
            rows[-1].append(word)
        else:
            rows.append([word])
    lines, previous_bottom = [], None
    for row_number, row in enumerate(rows, 1):
        row.sort(key=lambda w: w["x0"])
        size = max(w["size"] for w in row)
        if previous_bottom is not None and row[0]["top"] - previous_bottom > size * 0.9:
            lines.append(Line("", f"page {number}"))      # a blank line between paragraphs
        previous_bottom = max(w["bottom"] for w in row)
        lines.append(Line(_joined(row), f"page {number}, line {row_number}", size,
                          _bold(row)))
    return lines


def _joined(row: list[dict]) -> str:
    text = row[0]["text"]
    for before, word in zip(row, row[1:]):
        gap = word["x0"] - before["x1"]
        text += ("  " if gap > word["size"] * 1.5 else " ") + word["text"]
    return text


def _bold(row: list[dict]) -> bool:
    weighty = sum(len(w["text"]) for w in row if any(b in w["fontname"].lower() for b in BOLD))
    return weighty >= 0.8 * sum(len(w["text"]) for w in row)
