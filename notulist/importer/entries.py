"""One line of minutes text -> the line the format reads: keywords, owners, due dates."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..load.config import DEFAULT_KEYWORDS
from .attendees import HONORIFIC, match_organisation
from .dates import find_date

KEYWORD = re.compile(r"^(?P<kw>actiepunt|acties?|action(?:\s+point)?|besluit(?:en)?|decision|"
                     r"resolved)\s*(?:\((?P<owners>[^)]*)\))?\s*[:–]\s*(?P<rest>\S.*)$", re.I)
WRITTEN = {"actie": "Actie", "acties": "Actie", "actiepunt": "Actie", "action": "Action",
           "action point": "Action", "besluit": "Besluit", "besluiten": "Besluit",
           "decision": "Decision", "resolved": "Decision"}
SEPARATOR = re.compile(r"^\s*(?:,|&|\ben\b|\band\b)\s*")
DUE_WORD = re.compile(r"\b(uiterlijk|deadline|due|before|vóór|voor|by|tot)\b"
                      r"(?:\s+(?:op|on|de|het))?\s+", re.I)
ENGINE_DUE = ("uiterlijk", "deadline", "due", "before")
APPROVAL = re.compile(r"\b(?:verslag|notulen|minutes)\b.*?\b(?:vastgesteld|geaccordeerd|"
                      r"goedgekeurd|approved|adopted)\b", re.I)


@dataclass(frozen=True)
class Owners:
    """Who may own an action in this meeting: codes, spellings of them, attendee names."""
    config: object
    names: tuple[str, ...]
    body_words: tuple[str, ...]     # the body's key, short name and name


@dataclass
class Line:
    text: str
    kind: str | None = None         # "action" | "decision" | None
    notes: list[str] | None = None


def read_entry(text: str, owners: Owners, meeting: dt.date) -> Line:
    keyword = KEYWORD.match(text)
    if not keyword:
        return _status_word(text, owners)
    word = WRITTEN[re.sub(r"\s+", " ", keyword.group("kw").lower())]
    rest, notes = keyword.group("rest"), []
    if word in ("Besluit", "Decision"):
        return Line(f"{word}: {rest}", "decision", notes)
    written = keyword.group("owners")
    codes = _listed_owners(written, owners, notes) if written else _opening_owners(rest, owners)
    if not codes:
        notes.append(_ownerless(written or rest, owners))
    rest = _due(rest, meeting, notes)
    owned = f" ({', '.join(codes)})" if codes and (written or codes != _openers(rest, owners)) \
        else ""
    return Line(f"{word}{owned}: {rest}", "action", notes)


def _status_word(text: str, owners: Owners) -> Line:
    """`Update: …` opens a status line, which must name one action (`[[2024-01-15#A2]]`);
    an old text cannot, so the word is written in bold and no longer read as a keyword."""
    words = [w for kind in ("done", "dropped", "update") for w in
             DEFAULT_KEYWORDS[kind] + owners.config.keywords.get(kind, ())]
    status = re.match(rf"^({'|'.join(map(re.escape, words))})(\s*\([^)]*\))?\s*:\s*", text)
    if not status or "[[" in text:
        return Line(text)
    return Line(f"**{status.group(0).strip()}** {text[status.end():]}", None, [
        f"`{status.group(1)}:` opens a status line, which names the action it closes or notes "
        f"— written in bold; write `{status.group(1)}: [[date#A1]] …` to link the action"])


def _listed_owners(written: str, owners: Owners, notes: list[str]) -> list[str]:
    found = []
    for part in re.split(r",|&|\ben\b|\band\b", written):
        part = HONORIFIC.sub("", part.strip()).strip()
        code = match_organisation(part, owners.config) if part else None
        if code or part in owners.names:
            found.append(code or part)
        elif part:
            found.append(part)
            notes.append(f"action owner `{part}` is neither an organisation code nor an "
                         "attendee — add it to [organisations] or correct it")
    return found


def _opening_owners(text: str, owners: Owners) -> list[str]:
    """Codes and names that open the sentence; a spelling like `CdK´s` as its code."""
    found, rest = [], text
    while word := _opening(rest, owners):
        found.append(match_organisation(word, owners.config) or word)
        separator = SEPARATOR.match(rest[len(word):])
        if not separator:
            break
        rest = rest[len(word) + separator.end():]
    return found


def _openers(text: str, owners: Owners) -> list[str]:
    """The owners the engine itself reads from the opening words (codes and names as written)."""
    found, rest = [], text
    while (word := _opening(rest, owners)) and (word in owners.config.organisations
                                                or word in owners.names):
        found.append(word)
        separator = SEPARATOR.match(rest[len(word):])
        if not separator:
            break
        rest = rest[len(word) + separator.end():]
    return found


def _opening(text: str, owners: Owners) -> str | None:
    word = re.match(r"[\w´'’-]+", text)
    for name in sorted(owners.names, key=len, reverse=True):
        if text.startswith(name) and not re.match(r"[\w-]", text[len(name):len(name) + 1]):
            return name
    if word and match_organisation(word.group(0), owners.config):
        return word.group(0)
    return None


def _ownerless(text: str, owners: Owners) -> str:
    first = text.split()[0] if text.split() else ""
    if first in owners.body_words:
        return (f"action owned by the body itself (`{first}`): check warns of an owner it "
                "does not know — name the organisation that acts, e.g. `Actie (JenV): …`")
    return "action without owner — write `Actie (ORG): …` or open the sentence with a code"


def _due(text: str, meeting: dt.date, notes: list[str]) -> str:
    """`uiterlijk 6 oktober` -> `uiterlijk 2023-10-06`: the format reads ISO dates only."""
    for word in DUE_WORD.finditer(text):
        after = text[word.end():word.end() + 30]
        found = find_date(after, meeting)
        if not found or found[1].start() != 0:
            continue
        date, match = found
        if word.group(1).lower() in ENGINE_DUE:
            return text[:word.end()] + date.isoformat() + text[word.end() + match.end():]
        notes.append(f"`{word.group(0)}{match.group(0)}` may be a due date — write "
                     f"`uiterlijk {date.isoformat()}` if it is")
        return text
    return text


def approved_minutes(text: str, meeting: dt.date) -> tuple[bool, dt.date | None]:
    """`Het verslag van 10 juli 2023 wordt vastgesteld` -> (True, 2023-07-10); without a
    date (`het verslag van de vorige vergadering …`) -> (True, None)."""
    if not APPROVAL.search(text):
        return False, None
    found = find_date(text, meeting - dt.timedelta(days=366))
    return True, found[0] if found and found[0] < meeting else None
