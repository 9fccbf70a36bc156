"""What the meeting page shows: header facts, attendance by organisation, agenda, register."""
from __future__ import annotations

from .fragments import View, meeting_label, owners_text, resolve, status_text
from .model import Attendee, Meeting


def meeting_context(pages, meeting: Meeting, view: View) -> dict:
    """Plain values only: the page's digest is taken over them."""
    site = pages.site
    keys = site.by_body[meeting.body]
    position = keys.index(meeting.key)
    neighbour = lambda i: pages.summary(keys[i], view.language) if 0 <= i < len(keys) else None
    visible = lambda entity: site.audience == "members" or not entity.members_only
    return {
        "meeting": {"key": meeting.key, "date": meeting.date, "time": meeting.time,
                    "location": meeting.location, "status": meeting.status},
        "body": site.config.bodies[meeting.body],
        "title": pages.meeting_title(meeting, view.language),
        "intro": resolve(meeting.intro_html, meeting, view),
        "items": [{"number": item.number, "anchor": item.anchor, "title": item.title,
                   "html": resolve(item.html, meeting, view)} for item in meeting.items],
        "footnotes": resolve(meeting.footnotes_html, meeting, view),
        "attendees": group_by_organisation(meeting.attendees, site.config),
        "absent": group_by_organisation(meeting.absent, site.config),
        "approved_in": _meeting_link(site.approved_in.get(meeting.key), view),
        "approves": _meeting_link(meeting.approves, view),
        "previous": neighbour(position - 1),
        "next": neighbour(position + 1),
        "backlinks": pages.backlinks(meeting.key, view),
        "actions": [{"action": a, "state": site.register.states[a.key],
                     "status": status_text(site.register.states[a.key], view),
                     "owners": owners_text(a)}
                    for a in meeting.actions if visible(a)],
        "decisions": [d for d in meeting.decisions if visible(d)],
    }


def _meeting_link(key: str | None, view: View) -> dict | None:
    """A link to a meeting, or its key alone when the audience may not read it."""
    if key is None:
        return None
    meeting = view.site.meetings.get(key)
    if meeting is None:
        return {"label": key, "path": None}
    return {"label": meeting_label(meeting, view), "path": f"{meeting.body}/{meeting.id}/"}


def group_by_organisation(people: tuple[Attendee, ...], config) -> list[dict]:
    """People grouped under their organisation, in order of first appearance."""
    groups: dict[str | None, dict] = {}
    for person in people:
        organisation = config.organisations.get(person.org) if person.org else None
        group = groups.setdefault(person.org, {
            "code": person.org, "organisation": organisation, "names": [], "withheld": 0})
        if person.name:
            group["names"].append({"name": person.name, "role": person.role})
        else:
            group["withheld"] += 1
    return list(groups.values())
