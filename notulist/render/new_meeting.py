"""`build.py new BODY`: a new meeting file, prefilled from the body's previous meeting with
only what the public build may show: members-only material stays in a members block."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

from ..load.frontmatter import front_matter_text
from ..model.records import Attendee

SKELETON = {
    "nl": ("Opening en mededelingen", "Het verslag van [[{previous}]] wordt vastgesteld.",
           "Actielijst", "actielijst", "Rondvraag en sluiting",
           "Zet voor elke actie `Afgerond:`, `Vervallen:` of `Stand:` voor de verwijzing.",
           "Deze acties staan in tekst voor leden: laat ze in dit blok."),
    "en": ("Opening and announcements", "The minutes of [[{previous}]] are approved.",
           "Action review", "action-review", "Any other business",
           "Put `Done:`, `Dropped:` or `Update:` before the reference of each action.",
           "These actions stand in members-only text: keep them in this block."),
}


def meeting_file(site, body: str, date: dt.date, taken: set[str]) -> tuple[str, str]:
    """The id and text of a new meeting file of `body` on `date` (an id not in `taken`),
    filled in from the body's previous meeting: time, location and attendees (not those of
    a members-only meeting), `approves:` that meeting, and the actions outstanding on
    `date` under the action review, those raised in members-only text in a members block.
    `site` is the members build's."""
    previous = [site.meetings[k] for k in site.by_body[body] if site.meetings[k].date <= date]
    last = previous[-1] if previous else None
    # A meeting filled in later (its date before the last one's) may follow minutes another
    # meeting already approved: those are not approved twice.
    approves = last if last and last.key not in site.approved_in else None
    text = _front_matter(date, last, approves, _attendees(site, last)) + _agenda(
        site.config.bodies[body].language, approves, outstanding_on(site, body, date))
    return _free_id(date, taken), text


def outstanding_on(site, body: str, date: dt.date) -> list[tuple[object, bool]]:
    """The actions of `body` raised before `date` and not closed before it, each with
    whether it was raised in members-only text."""
    found = []
    for key, action in site.register.actions.items():
        raised, state = site.meetings[action.meeting], site.register.states[key]
        closed = state.closed_in and site.meetings[state.closed_in].date < date
        if raised.body == body and raised.date < date and not closed:
            found.append((action, action.members_only or raised.audience == "members"))
    return found


def _free_id(date: dt.date, taken: set[str]) -> str:
    meeting_id, number = date.isoformat(), 2
    while meeting_id in taken:
        meeting_id, number = f"{date.isoformat()}-{number}", number + 1
    return meeting_id


def _attendees(site, last) -> list[Attendee]:
    """The previous meeting's attendees, registered people by their registry name (the
    build decides whose name is published); without one, everyone in the registry. None
    of a members-only meeting: the draft is public until someone says otherwise."""
    if last is None:
        return [Attendee(p.name, p.org, None, 0) for p in site.config.people]
    if last.audience != "public":
        return []
    attendees = []
    for attendee in last.attendees:
        person = site.people.find(attendee.name)
        attendees.append(replace(attendee, name=person.name, org=attendee.org or person.org)
                         if person else attendee)
    return attendees


def _front_matter(date: dt.date, last, approves, attendees: list[Attendee]) -> str:
    fields: dict = {"date": date.isoformat()}
    if last and last.time:
        fields["time"] = last.time
    if last is not None and last.audience == "public" and last.location:
        fields["location"] = last.location
    if attendees:
        fields["attendees"] = [_person(a) for a in attendees]
    if approves:
        fields["approves"] = approves.id
    fields["status"] = "draft"
    return f"---\n{front_matter_text(fields)}---\n"


def _person(attendee) -> str | dict:
    """As it was written; a withheld name's role is left out (with it, it names the person)."""
    if attendee.role and attendee.name:
        return {key: value for key, value in (("name", attendee.name), ("org", attendee.org),
                                              ("role", attendee.role)) if value}
    if attendee.org:
        return f"{attendee.name or ''} ({attendee.org})".strip()
    return attendee.name


def _agenda(language: str, approves, outstanding) -> str:
    opening, approval, review, anchor, closing, hint, members_hint = SKELETON[language]
    lines = [f"## 1. {opening}", ""]
    if approves:
        lines += [f"- {approval.format(previous=approves.id)}", ""]
    lines += [f"## 2. {review} {{#{anchor}}}", ""]
    if outstanding:
        lines += [f"<!-- {hint} -->", ""]
        lines += [_action_line(action) for action, members in outstanding if not members]
        lines.append("")
    private = [_action_line(action) for action, members in outstanding if members]
    if private:
        lines += ["::: members", f"<!-- {members_hint} -->", "", *private, ":::", ""]
    lines += [f"## 3. {closing}", ""]
    return "\n".join(lines)


def _action_line(action) -> str:
    meeting_id = action.meeting.split("/", 1)[1]
    return f"- [[{meeting_id}#{action.number}]] {action.text}"
