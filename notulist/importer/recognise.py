"""A document's blocks -> a draft meeting: front matter, Markdown body, and what to review."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..load.config import Config
from .document import Document, Heading, Paragraph, Unreadable
from .entries import Owners
from .header import meeting_date, meeting_time, people, read_header
from .items import item_level, write_body
from .lines import NUMBERED, squeeze

FILE_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")


@dataclass(frozen=True)
class Archive:
    """What the body's archive holds already: meeting ids, and those another meeting approved."""
    ids: frozenset[str]
    approved: frozenset[str]


@dataclass
class Draft:
    date: dt.date
    front: dict
    body: str
    recognised: list[str] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)    # (where, what to check)
    accepted: tuple[str, ...] = ()
    approvals: list[tuple[dt.date | None, str]] = field(default_factory=list)  # (minutes, where)


def recognise(document: Document, config: Config, body: str) -> Draft:
    """The draft; its `approves:` is settled later against the archive (settle_approval)."""
    blocks = list(document.blocks)
    level = item_level(blocks)
    first = next((i for i, b in enumerate(blocks) if _opens_agenda(b, level, blocks)),
                 len(blocks))
    header = read_header([Paragraph(b.text, b.where) if isinstance(b, Heading) else b
                          for b in blocks[:first]])
    date, date_note = _date(header, document.path)
    settings = config.bodies[body]
    attendees, absent, notes = people(header, config, settings.language)
    names = tuple(_name(a) for a in attendees + absent if _name(a))
    owners = Owners(config, names, (settings.key, settings.short, settings.name))
    text = write_body(blocks[first:], owners, date, settings.language)
    front = {"date": date.isoformat(), "time": meeting_time(header),
             "location": squeeze(header.fields.get("location", "")) or None,
             "title": _title(header), "attendees": attendees or None, "absent": absent or None}
    front = {k: v for k, v in {**front, "status": "draft"}.items() if v}
    draft = Draft(date, front, text.markdown, accepted=document.accepted,
                  approvals=text.approves)
    draft.notes = ([date_note] if date_note else []) + notes + text.notes
    draft.recognised = _summary(front, attendees, absent, text)
    return draft


def _opens_agenda(block, level: int, blocks: list) -> bool:
    """The first agenda item: numbered when any item is (a bold title above is no item)."""
    if not isinstance(block, Heading) or block.level < max(level, 1):
        return False
    numbered = any(isinstance(b, Heading) and b.level == level and NUMBERED.match(b.text)
                   for b in blocks)
    return not numbered or bool(NUMBERED.match(block.text))


def _date(header, path: str) -> tuple[dt.date, tuple[str, str] | None]:
    found = meeting_date(header, [p.text for p in header.loose])
    if found:
        return found[0], None
    from_name = FILE_DATE.search(Path(path).stem)
    if from_name:
        try:
            date = dt.date(*map(int, from_name.groups()))
            return date, ("file name", f"no date in the document: {date} taken from the file name")
        except ValueError:
            pass
    raise Unreadable("no meeting date found — add `Datum: 22 september 2023` at the top of "
                     "the document, or name the file after the date (2023-09-22.docx)")


def _title(header) -> str | None:
    if "title" in header.fields:
        return squeeze(header.fields["title"])
    loose = [p.text for p in header.loose if len(p.text) <= 120 and not re.search(r"[.:]$", p.text)]
    return loose[0] if loose else None


def _name(attendee) -> str | None:
    if isinstance(attendee, dict):
        return attendee.get("name")
    return re.sub(r"\s*\([^()]*\)$", "", attendee) or None


def settle_approval(draft: Draft, archive: Archive) -> None:
    """`approves:` only for minutes in the archive that no other meeting approved."""
    for date, where in draft.approvals[:1]:
        earlier = sorted(i for i in archive.ids if i < draft.date.isoformat())
        meeting = date.isoformat() if date else (earlier[-1] if earlier else None)
        if meeting is None:
            draft.notes.append((where, "these minutes approve earlier minutes, but the archive "
                                "has none before this meeting — add `approves:` once it has"))
        elif meeting in archive.approved:
            draft.notes.append((where, f"these minutes approve {meeting}, which another meeting "
                                "approved already — `approves:` left out"))
        elif meeting not in archive.ids:
            draft.notes.append((where, f"these minutes approve {meeting}, which is not in the "
                                f"archive — add `approves: {meeting}` once it is"))
        else:
            if date is None:
                draft.notes.append((where, f"approval of minutes without a date: taken as the "
                                    f"previous meeting in the archive, {meeting}"))
            status = draft.front.pop("status")
            draft.front.update(approves=meeting, status=status)
            draft.recognised.append(f"approves: {meeting}")


def _summary(front: dict, attendees: list, absent: list, text) -> list[str]:
    withheld = sum(1 for a in attendees if isinstance(a, str) and a.startswith("("))
    lines = [", ".join(f"{k} {front[k]}" for k in ("date", "time", "location") if k in front)]
    if "title" in front:
        lines.append(f"title: {front['title']}")
    lines.append(f"attendees: {len(attendees) - withheld} named, {withheld} organisation only; "
                 f"absent: {len(absent)}")
    lines.append(f"agenda items: {len(text.items)}" + (f" ({'; '.join(text.items)})"
                                                        if text.items else ""))
    lines.append(f"actions: {text.actions}, decisions: {text.decisions}")
    return lines
