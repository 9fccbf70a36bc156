"""`build.py new BODY`: a new meeting file, prefilled from the body's previous meeting."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import yaml

from ..model.records import Attendee

SKELETON = {
    "nl": ("Opening en mededelingen", "Het verslag van [[{previous}]] wordt vastgesteld.",
           "Actielijst", "actielijst", "Rondvraag en sluiting",
           "Zet voor elke actie `Afgerond:`, `Vervallen:` of `Stand:` voor de verwijzing."),
    "en": ("Opening and announcements", "The minutes of [[{previous}]] are approved.",
           "Action review", "action-review", "Any other business",
           "Put `Done:`, `Dropped:` or `Update:` before the reference of each action."),
}


def meeting_file(site, body: str, date: dt.date, taken: set[str]) -> tuple[str, str]:
    """The id and text of a new meeting file of `body` on `date` (an id not in `taken`),
    filled in from the body's previous meeting: time, location, attendees, `approves:`
    that meeting, and its outstanding actions under the action review."""
    previous = [site.meetings[k] for k in site.by_body[body] if site.meetings[k].date <= date]
    last = previous[-1] if previous else None
    outstanding = [site.register.actions[k] for k in site.register.outstanding()
                   if k.startswith(f"{body}/")]
    # A meeting filled in later (its date before the last one's) may follow minutes another
    # meeting already approved: those are not approved twice.
    approves = last if last and last.key not in site.approved_in else None
    text = _front_matter(date, last, approves, _attendees(site, last)) + _agenda(
        site.config.bodies[body].language, approves, outstanding)
    return _free_id(date, taken), text


def _free_id(date: dt.date, taken: set[str]) -> str:
    meeting_id, number = date.isoformat(), 2
    while meeting_id in taken:
        meeting_id, number = f"{date.isoformat()}-{number}", number + 1
    return meeting_id


def _attendees(site, last) -> list[Attendee]:
    """The previous meeting's attendees, registered people by their registry name (the
    build decides whose name is published); without one, everyone in the registry."""
    if last is None:
        return [Attendee(p.name, p.org, None, 0) for p in site.config.people]
    attendees = []
    for attendee in last.attendees:
        person = site.people.find(attendee.name)
        attendees.append(replace(attendee, name=person.name, org=attendee.org or person.org)
                         if person else attendee)
    return attendees


def _front_matter(date: dt.date, last, approves, attendees: list[Attendee]) -> str:
    lines = ["---", f"date: {date.isoformat()}"]
    if last and last.time:
        lines.append(f"time: {last.time}")
    if last and last.location:
        lines.append(f"location: {yaml.safe_dump(last.location, allow_unicode=True).strip()}"
                     .removesuffix("\n...").removesuffix("..."))
    if attendees:
        lines.append("attendees:")
        lines += [f"  - {_person(a)}" for a in attendees]
    if approves:
        lines.append(f"approves: {approves.id}")
    lines += ["status: draft", "---", ""]
    return "\n".join(lines)


def _person(attendee) -> str:
    if attendee.role:
        fields = [f"name: {attendee.name}" if attendee.name else None,
                  f"org: {attendee.org}" if attendee.org else None, f"role: {attendee.role}"]
        return "{" + ", ".join(f for f in fields if f) + "}"
    return f"{attendee.name or ''} ({attendee.org})".strip() if attendee.org else attendee.name


def _agenda(language: str, approves, outstanding) -> str:
    opening, approval, review, anchor, closing, hint = SKELETON[language]
    lines = [f"## 1. {opening}", ""]
    if approves:
        lines += [f"- {approval.format(previous=approves.id)}", ""]
    lines += [f"## 2. {review} {{#{anchor}}}", ""]
    if outstanding:
        lines += [f"<!-- {hint} -->", ""]
        for action in outstanding:
            meeting_id = action.meeting.split("/", 1)[1]
            lines.append(f"- [[{meeting_id}#{action.number}]] {action.text}")
        lines.append("")
    lines += [f"## 3. {closing}", ""]
    return "\n".join(lines)
