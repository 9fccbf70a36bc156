"""Dates and times as minutes write them, in Dutch and English."""
from __future__ import annotations

import datetime as dt
import re

MONTHS = {name: number for number, names in enumerate((
    ("januari", "january", "jan"), ("februari", "february", "feb"),
    ("maart", "march", "mrt", "mar"),
    ("april", "apr"), ("mei", "may"), ("juni", "june", "jun"), ("juli", "july", "jul"),
    ("augustus", "august", "aug"), ("september", "sept", "sep"),
    ("oktober", "october", "okt", "oct"), ("november", "nov"), ("december", "dec")), 1)
    for name in names}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:e|st|nd|rd|th)?\s+({_MONTH})\.?(?:,?\s+(\d{{4}}))?\b",
                       re.I)
MONTH_DAY = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b", re.I)
ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
NUMERIC = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b")
TIME = re.compile(r"\b([01]?\d|2[0-3])[:.]([0-5]\d)\b")
RANGE = re.compile(r"^\s*(?:-|–|—|tot|to|until|till)\s*$", re.I)


def find_date(text: str, after: dt.date | None = None) -> tuple[dt.date, re.Match] | None:
    """The first date in the text; one without a year is the first such date after `after`."""
    found = []
    for pattern, order in ((ISO, "ymd"), (NUMERIC, "dmy"), (DAY_MONTH, "dmy"), (MONTH_DAY, "mdy")):
        for match in pattern.finditer(text):
            date = _date(match, order, after)
            if date:
                found.append((match.start(), date, match))
    if not found:
        return None
    _, date, match = min(found, key=lambda f: f[0])
    return date, match


def _date(match: re.Match, order: str, after: dt.date | None) -> dt.date | None:
    parts = dict(zip(order, match.groups()))
    month = parts["m"] if parts["m"].isdigit() else MONTHS[parts["m"].lower()]
    year = parts.get("y")
    try:
        if year:
            return dt.date(int(year), int(month), int(parts["d"]))
        if after is None:
            return None
        date = dt.date(after.year, int(month), int(parts["d"]))
        return date if date > after else dt.date(after.year + 1, int(month), int(parts["d"]))
    except ValueError:
        return None


def find_time(text: str) -> str | None:
    """`15:00`, `15.00 uur`, or a range `14:00 - 16:00` / `van 10.00 tot 12.00 uur`."""
    times = list(TIME.finditer(text))
    if not times:
        return None
    start = f"{int(times[0].group(1)):02d}:{times[0].group(2)}"
    if len(times) > 1 and RANGE.match(text[times[0].end():times[1].start()]):
        return f"{start}-{int(times[1].group(1)):02d}:{times[1].group(2)}"
    return start
