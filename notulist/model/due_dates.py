"""Due dates as secretariats write them, in Dutch and English: `uiterlijk 6 oktober`,
`before 2023-10-06`, `eind oktober`, `Q4 2023`, or a due column of an action table."""
from __future__ import annotations

import calendar
import datetime as dt
import re

MONTHS = {
    "januari": 1, "january": 1, "jan": 1, "februari": 2, "february": 2, "feb": 2,
    "maart": 3, "march": 3, "mrt": 3, "mar": 3, "april": 4, "apr": 4, "mei": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6, "juli": 7, "july": 7, "jul": 7, "augustus": 8,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "oktober": 10,
    "october": 10, "okt": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
DATE = (rf"(?P<date>(?P<iy>\d{{4}})-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}})"
        rf"|(?P<dd>\d{{1,2}})[-/.](?P<dm>\d{{1,2}})[-/.](?P<dy>\d{{4}})"
        rf"|(?:eind(?:e)?|end\s+of)\s+(?P<em>{_MONTH})\b\.?(?:\s+(?P<ey>\d{{4}}))?"
        rf"|(?P<td>\d{{1,2}})\s+(?P<tm>{_MONTH})\b\.?(?:\s+(?P<ty>\d{{4}}))?"
        rf"|(?P<um>{_MONTH})\b\.?\s+(?P<ud>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<uy>\d{{4}}))?"
        rf"|Q(?P<q>[1-4])\s*(?P<qy>\d{{4}})"
        rf"|week\s+(?P<w>\d{{1,2}})(?:\s+(?P<wy>\d{{4}}))?)")
TRIGGER = re.compile(r"\b(?:uiterlijk|deadline|due|before|tot|voor|by)\b:?\s+"
                     r"(?:(?:op|on|de|the|en|met|het)\s+){0,2}" + DATE, re.I)
CELL = re.compile(r"^\W*(?:(?:uiterlijk|deadline|due|before|voor|by)\s+)?" + DATE, re.I)


def find_due(text: str, meeting: dt.date | None) -> tuple[dt.date | None, str | None]:
    """The due date a sentence names after a due word; or the written date that does not
    exist (for the error message). An unreadable due text is no due date."""
    found = TRIGGER.search(text)
    return _date_of(found, meeting) if found else (None, None)


def read_due_cell(text: str, meeting: dt.date | None) -> tuple[dt.date | None, str | None]:
    """The due date in a due column: the date alone, or after a due word."""
    found = CELL.match(text.strip())
    return _date_of(found, meeting) if found else (None, None)


def _date_of(found: re.Match, meeting: dt.date | None) -> tuple[dt.date | None, str | None]:
    part = found.groupdict()
    written = found.group("date")
    try:
        if part["iy"]:
            return dt.date(int(part["iy"]), int(part["im"]), int(part["id"])), None
        if part["dd"]:
            return dt.date(int(part["dy"]), int(part["dm"]), int(part["dd"])), None
    except ValueError:
        return None, written
    if part["em"]:
        month = MONTHS[part["em"].lower()]
        return _after(meeting, part["ey"], lambda y: dt.date(y, month, _last_day(y, month)))
    if part["tm"] or part["um"]:
        month = MONTHS[(part["tm"] or part["um"]).lower()]
        day = int(part["td"] or part["ud"])
        if not 1 <= day <= 31:
            return None, None
        return _after(meeting, part["ty"] or part["uy"], lambda y: dt.date(y, month, day),
                      written)
    if part["q"]:
        month = int(part["q"]) * 3
        year = int(part["qy"])
        return dt.date(year, month, _last_day(year, month)), None
    week = int(part["w"])
    return _after(meeting, part["wy"], lambda y: dt.date.fromisocalendar(y, week, 7))


def _after(meeting: dt.date | None, year: str | None, make,
           written: str = "") -> tuple[dt.date | None, str | None]:
    """A date with its year, or without one: the first such date after the meeting."""
    if year:
        try:
            return make(int(year)), None
        except ValueError:
            return None, written.strip() or None
    start = meeting.year if meeting else None
    if start is None:
        return None, None
    for candidate in range(start, start + 8):      # 29 February can be years away
        try:
            date = make(candidate)
        except ValueError:
            continue
        if date >= meeting:
            return date, None
    return None, written.strip() or None


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]
