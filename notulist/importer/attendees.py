"""Attendee lists as minutes write them -> `Name (ORG)`, `(ORG)` and roles, with notes."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..load.config import Config

HONORIFIC = re.compile(r"^(?:(?:dhr|mevr|mw|mr|mrs|ms|mx|dr|drs|ir|ing|prof|de heer|mevrouw|"
                       r"sir|madam)\b\.?\s*)+", re.I)
ROLES = {"voorzitter": "voorzitter", "vz": "voorzitter", "chair": "chair",
         "chairman": "chair", "chairwoman": "chair", "chairperson": "chair",
         "secretaris": "secretaris", "secretary": "secretary", "notulist": "notulist",
         "minutes": "notulist", "vice-voorzitter": "vice-voorzitter", "vice-chair": "vice-chair"}
POSSESSIVE = re.compile(r"(?:[´'’`]s|[´'’`])$")


@dataclass(frozen=True)
class Entry:
    value: str | dict | None        # what goes into the front matter; None: left out
    note: str | None = None         # an uncertain choice, for the review report


def split_people(text: str) -> list[str]:
    """`A (X), B (Y, voorzitter); (Z)` -> the entries, commas inside brackets kept."""
    entries, depth, current = [], 0, ""
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char in ",;\n" and depth <= 0:
            entries.append(current)
            current, depth = "", 0
        else:
            current += char
    return [e.strip(" .") for e in entries + [current] if e.strip(" .")]


def read_person(text: str, config: Config, role: str | None = None) -> Entry:
    text = re.sub(r"\)\s*\(", ", ", text)      # `Okafor (HBA) (chair)` as `(HBA, chair)`
    found = re.match(r"^(?P<name>[^()]*?)\s*(?:\((?P<inner>[^()]*)\))?\s*(?:[-–,]\s*)?"
                     r"(?P<tail>[\w -]*)$", text.strip())
    if not found:
        return Entry(None, f"`{text}` is not `Name (ORGANISATION)` — left out; add it by hand")
    if found.group("inner") is None and not re.search(r"\s[-–]\s|,", text):
        return _entry(HONORIFIC.sub("", text.strip()).strip(), None, role, text, config)
    name = HONORIFIC.sub("", found.group("name")).strip()
    words = [w.strip() for w in (found.group("inner") or "").split(",") if w.strip()]
    roles = [ROLES[w.lower()] for w in words + [found.group("tail").strip()] if w.lower() in ROLES]
    if name.lower() in ROLES:           # `Voorzitter: …` fields name the role, not a person
        roles, name = [ROLES[name.lower()]], ""
    role = role or (roles[0] if roles else None)
    orgs = [w for w in words if w.lower() not in ROLES]
    if found.group("tail").strip() and not roles:
        return Entry(None, f"`{text}` is not `Name (ORGANISATION)` — left out; add it by hand")
    return _entry(name, orgs[0] if orgs else None, role, text, config)


def _entry(name: str, written_org: str | None, role: str | None, text: str,
           config: Config) -> Entry:
    if name and name == name.lower() and not written_org:
        return Entry(None, f"`{text}` reads as a description, not a person — left out")
    org = match_organisation(written_org, config) if written_org else None
    note = None
    if written_org and org is None:
        note = (f"`{text}`: `{written_org}` is not in [organisations] of config.toml — "
                + (f"written as `{name}`; add `{written_org} = \"…\"` and write "
                   f"`{name} ({written_org})`" if name else
                   f"left out; add `{written_org} = \"…\"` and `({written_org})` by hand"))
        if not name:
            return Entry(None, note)
    elif not written_org:
        note = f"`{text}`: an attendee without organisation — written as `{name}`"
    if role:
        return Entry({k: v for k, v in (("name", name or None), ("org", org), ("role", role))
                      if v}, note)
    return Entry(f"{name} ({org})".strip() if org else name, note)


def match_organisation(written: str, config: Config) -> str | None:
    """A code of [organisations]: the code itself in any case, its plural/possessive
    (`CdK´s`), or the organisation's full name."""
    codes = config.organisations
    for candidate in (written.strip(), POSSESSIVE.sub("", written.strip())):
        if candidate in codes:
            return candidate
        folded = {c.lower(): c for c in codes} | {o.name.lower(): c for c, o in codes.items()}
        if candidate.lower() in folded:
            return folded[candidate.lower()]
    return None
