"""The publication lifecycle in a meeting's front matter: status, withdrawal, corrections."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..load.frontmatter import list_item_lines
from ..problems import Problem, error
from .records import Correction

STATUSES = ("final", "draft", "withdrawn")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Lifecycle:
    status: str                         # one of STATUSES
    reason: str | None
    withdrawn: dt.date | None
    corrections: tuple[Correction, ...]


def read_lifecycle(front, text: str, path, date: dt.date | None,
                   problems: list[Problem]) -> Lifecycle:
    """`status`, `reason`, `withdrawn` and `corrections` of the front matter, checked."""
    data, line_of = front.data, front.lines
    status = data.get("status", "final")
    if status not in STATUSES:
        problems.append(error(path, line_of.get("status", 1), f"`status: {status}` is not "
                              f"allowed — use one of: {', '.join(STATUSES)}"))
        status = "final"
    reason = data.get("reason")
    reason = (str(reason).strip() or None) if isinstance(reason, (str, int, float)) else None
    withdrawn = read_date(data.get("withdrawn"), "withdrawn", path,
                          line_of.get("withdrawn", 1), problems)
    if status == "withdrawn":
        _check_withdrawal(reason, withdrawn, date, path, line_of, problems)
    else:
        for key in ("reason", "withdrawn"):
            if key in data:
                problems.append(error(path, line_of[key], f"`{key}:` is for withdrawn "
                                      "minutes — add `status: withdrawn`, or remove it"))
    corrections = _corrections(data.get("corrections"), text, path,
                               line_of.get("corrections", 1), date, problems)
    return Lifecycle(status, reason if status == "withdrawn" else None,
                     withdrawn if status == "withdrawn" else None, corrections)


def _check_withdrawal(reason, withdrawn, date, path, line_of, problems) -> None:
    line = line_of.get("status", 1)
    if reason is None:
        problems.append(error(path, line_of.get("reason", line), "withdrawn minutes need "
                              "`reason: …` on one line — say why they were withdrawn"))
    if "withdrawn" not in line_of:
        problems.append(error(path, line, "withdrawn minutes need `withdrawn: YYYY-MM-DD` — "
                              "add the date they were withdrawn"))
    elif withdrawn and date and withdrawn < date:
        problems.append(error(path, line_of["withdrawn"], f"`withdrawn: {withdrawn}` is before "
                              f"the meeting itself ({date}) — correct the date"))


def read_date(value, key: str, path, line: int, problems: list[Problem]) -> dt.date | None:
    """An ISO date written in the front matter; None (and an error) when it is not one."""
    if value is None:
        return None
    text = str(value).strip()
    if ISO_DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    problems.append(error(path, line, f"`{key}: {value}` is not a date — write it as "
                          "YYYY-MM-DD, like 2023-09-22"))
    return None


def _corrections(value, text: str, path, line: int, date: dt.date | None,
                 problems: list[Problem]) -> tuple[Correction, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(error(path, line, "`corrections` must be a list, one correction an "
                              "entry: `  - {date: YYYY-MM-DD, text: \"what changed\"}`"))
        return ()
    lines = list_item_lines(text, line)
    lines = lines if len(lines) == len(value) else [line] * len(value)
    found = [_correction(entry, path, entry_line, date, problems)
             for entry, entry_line in zip(value, lines)]
    return tuple(sorted(filter(None, found), key=lambda c: (c.date, c.line)))


def _correction(entry, path, line: int, date: dt.date | None,
                problems: list[Problem]) -> Correction | None:
    if not isinstance(entry, dict) or not isinstance(entry.get("text"), str) \
            or not entry["text"].strip() or "date" not in entry:
        problems.append(error(path, line, "a correction needs a date and a text: "
                              "`  - {date: YYYY-MM-DD, text: \"what changed\"}`"))
        return None
    unknown = sorted(set(map(str, entry)) - {"date", "text"})
    if unknown:
        problems.append(error(path, line, f"unknown key `{unknown[0]}` in corrections — "
                              "allowed: date, text"))
    corrected = read_date(entry["date"], "date", path, line, problems)
    if corrected and date and corrected < date:
        problems.append(error(path, line, f"the correction of {corrected} is dated before the "
                              f"meeting itself ({date}) — correct the date"))
        return None
    return Correction(corrected, entry["text"].strip(), line) if corrected else None
