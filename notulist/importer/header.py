"""The header of a minutes document (its table or `Label: value` lines) -> front matter."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..load.config import Config
from .attendees import read_person, split_people
from .dates import find_date, find_time
from .document import Block, Paragraph, Row
from .lines import LABELLED

LABELS = {
    "title": ("omschrijving", "onderwerp", "titel", "vergadering", "overleg", "title", "subject",
              "meeting"),
    "when": ("vergaderdatum en -tijd", "datum en tijd", "datum en -tijd", "date and time",
             "datum", "vergaderdatum", "date", "dag"),
    "time": ("tijd", "aanvang", "tijdstip", "time"),
    "location": ("vergaderplaats", "locatie", "plaats", "lokatie", "location", "venue", "place",
                 "where"),
    "attendees": ("aanwezig", "aanwezigen", "deelnemers", "present", "attendees", "attending",
                  "participants", "in attendance"),
    "absent": ("afwezig", "afgemeld", "afmeldingen", "afwezigen", "absent", "apologies",
               "regrets", "apologies for absence"),
    "voorzitter": ("voorzitter", "chair", "chairperson", "chairman"),
    "secretaris": ("secretaris", "notulist", "secretary", "minutes", "notulen"),
}
FIELD_OF = {label: name for name, labels in LABELS.items() for label in labels}


@dataclass
class Header:
    fields: dict[str, str] = field(default_factory=dict)
    where: dict[str, str] = field(default_factory=dict)
    loose: list[Paragraph] = field(default_factory=list)    # header text that is no field


def read_header(blocks: list[Block]) -> Header:
    header = Header()
    for block in blocks:
        pair = _pair(block)
        if pair and pair[0] in FIELD_OF:
            name = FIELD_OF[pair[0]]
            joined = f"{header.fields[name]}, {pair[1]}" if name in header.fields else pair[1]
            header.fields[name] = joined
            header.where.setdefault(name, block.where)
        elif isinstance(block, Paragraph):
            header.loose.append(block)
        elif isinstance(block, Row):
            header.loose.append(Paragraph(" ".join(block.cells), block.where))
    return header


def _pair(block: Block) -> tuple[str, str] | None:
    if isinstance(block, Row) and len(block.cells) >= 2:
        return _label(block.cells[0]), " ".join(c for c in block.cells[1:] if c)
    if isinstance(block, Paragraph) and (labelled := LABELLED.match(block.text)):
        return _label(labelled.group(1)), labelled.group(2)
    return None


def _label(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().rstrip(":").strip()).lower()


def meeting_date(header: Header, fallback_texts: list[str]) -> tuple[dt.date, str] | None:
    """The meeting's date and where it was found: its field, the title, the first text."""
    for text in [header.fields.get("when", ""), header.fields.get("title", "")] + fallback_texts:
        found = find_date(text)
        if found:
            return found[0], text
    return None


def meeting_time(header: Header) -> str | None:
    when = header.fields.get("when", "")
    date = find_date(when)
    rest = when[date[1].end():] if date else when
    return find_time(header.fields.get("time", "")) or find_time(rest)


def people(header: Header, config: Config, language: str
           ) -> tuple[list, list, list[tuple[str, str]]]:
    """attendees, absent and the notes (where, text) of what was uncertain."""
    attendees, absent, notes = [], [], []
    for name, target in (("attendees", attendees), ("absent", absent)):
        for written in split_people(header.fields.get(name, "")):
            entry = read_person(written, config)
            if entry.note:
                notes.append((header.where[name], entry.note))
            if entry.value is not None:
                target.append(entry.value)
    for name, english in (("voorzitter", "chair"), ("secretaris", "secretary")):
        for written in split_people(header.fields.get(name, "")):
            entry = read_person(written, config, role=english if language == "en" else name)
            listed = _listed(entry.value, attendees)
            if listed is not None:          # named again in `Aanwezig`: give it the role
                attendees[listed] = _with_role(attendees[listed], entry.value["role"])
                continue
            if entry.note:
                notes.append((header.where[name], entry.note))
            if entry.value is not None:
                attendees.insert(0, entry.value)
    return attendees, absent, notes


def _name(value) -> str | None:
    return value.get("name") if isinstance(value, dict) else re.sub(r"\s*\(.*$", "", value)


def _listed(value, entries: list) -> int | None:
    name = _name(value) if value is not None else None
    return next((i for i, e in enumerate(entries) if name and _name(e) == name), None)


def _with_role(entry, role: str) -> dict:
    if isinstance(entry, dict):
        return {**entry, "role": entry.get("role") or role}
    org = re.search(r"\(([^()]*)\)$", entry)
    return {k: v for k, v in (("name", _name(entry)), ("org", org and org.group(1)),
                              ("role", role)) if v}
