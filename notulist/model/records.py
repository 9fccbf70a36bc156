"""Stage 2 data: what one minutes file says, as frozen values that refer to each other by key.

HTML fragments hold placeholders (see markup.py) for everything that depends on other
meetings or on the audience, so a parsed meeting can be cached by the file's content hash.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import pickle
from dataclasses import dataclass, replace
from pathlib import Path


@dataclass(frozen=True)
class Attendee:
    name: str | None                # None: name withheld, organisation only
    org: str | None
    role: str | None
    line: int


@dataclass(frozen=True)
class Reference:
    """A `[[target|label]]` in the text; resolved by the link stage."""
    target: str                     # normalised: body/id, body/id#frag or topic:anchor
    written: str                    # as the secretary wrote it, for messages and hidden keys
    label: str | None
    line: int
    members_only: bool
    item: str                       # anchor of the agenda item it stands in ("" before the first)


@dataclass(frozen=True)
class Owner:
    name: str | None                # a person, or None when an organisation owns the action
    org: str | None


@dataclass(frozen=True)
class Action:
    key: str                        # lrt/2023-09-22#A1
    number: str                     # A1
    meeting: str
    item: str                       # agenda item anchor
    owners: tuple[Owner, ...]
    owners_written: bool            # owners given in parentheses after the keyword
    text: str
    due: dt.date | None
    members_only: bool
    line: int
    label: str | None = None        # the secretariat's own number: `Actie 324/01:`, a Nr column
    carried: str = ""               # the text without case, spaces, punctuation: to find it
                                    # again in a later meeting (a carried action)
    done: bool = False              # written with a status word (afgerond, done, ✓)


@dataclass(frozen=True)
class Decision:
    key: str
    number: str                     # D1
    meeting: str
    item: str
    text: str
    members_only: bool
    line: int


@dataclass(frozen=True)
class ActionUpdate:
    """A status line: done, dropped or a progress note on one earlier action."""
    meeting: str
    item: str
    kind: str                       # done | dropped | update
    targets: tuple[str, ...]        # the action references in the line (exactly one is valid)
    text: str
    members_only: bool
    line: int


@dataclass(frozen=True)
class MembersBlock:
    ground: str | None              # e.g. 5.1.2e: shown to the public with the withheld marker
    html: str
    line: int


@dataclass(frozen=True)
class Correction:
    """An erratum after publication: when the minutes were corrected, and what changed."""
    date: dt.date
    text: str
    line: int


@dataclass(frozen=True)
class AgendaItem:
    number: str | None              # as written (3, 6.1); None when others have one and it not
    anchor: str
    title: str                      # plain text
    html: str
    line: int
    title_html: str = ""            # the title's inline Markdown, sanitised; may hold R placeholders

    @property
    def label(self) -> str:
        """`3. Opvang`, or the title alone when the item has no number."""
        return f"{self.number}. {self.title}" if self.number else self.title


@dataclass(frozen=True)
class Meeting:
    digest: str                     # of the source file: stands for everything parsed from it
    key: str
    body: str
    id: str
    path: Path
    date: dt.date
    time: str | None
    location: str | None
    title: str | None
    status: str                     # draft | final | withdrawn
    audience: str                   # public | members
    attendees: tuple[Attendee, ...]
    absent: tuple[Attendee, ...]
    approves: str | None            # key of the meeting whose minutes this one approved
    approves_line: int
    intro_html: str
    items: tuple[AgendaItem, ...]
    actions: tuple[Action, ...]
    decisions: tuple[Decision, ...]
    updates: tuple[ActionUpdate, ...]
    references: tuple[Reference, ...]
    blocks: tuple[MembersBlock, ...]
    footnotes_html: str
    reason: str | None = None       # why the minutes were withdrawn
    withdrawn: dt.date | None = None    # when they were withdrawn
    corrections: tuple[Correction, ...] = ()    # oldest first

    @property
    def sort_key(self) -> tuple:
        return (self.date, self.id)


@dataclass(frozen=True)
class Page:
    """A free page under content/pages/ (about, contact)."""
    key: str
    name: str
    path: Path
    title: str
    order: int
    html: str
    references: tuple[Reference, ...]
    blocks: tuple[MembersBlock, ...]


def outline(meeting: Meeting) -> tuple[bytes, str]:
    """What other pages can see of a meeting: all of it but the HTML of its text (intro,
    items, members blocks, footnotes), which only its own page shows, and the digest of its
    file. Two versions of a file with equal outlines differ only on their own page (and in
    the search index of it); see snapshot.py.

    Returns it pickled, and a digest of it that is equal for equal outlines: the pickle
    shares repeated strings, in an order that can differ between equal values, so the
    digest is made of a pickle without that memo."""
    value = replace(meeting, digest="", intro_html="", footnotes_html="", blocks=(),
                    items=tuple(replace(item, html="") for item in meeting.items))
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(value)
    return (pickle.dumps(value, pickle.HIGHEST_PROTOCOL),
            hashlib.sha1(buffer.getvalue()).hexdigest())
