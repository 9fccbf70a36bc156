"""What the meeting page shows: header facts, attendance by organisation, agenda, register."""
from __future__ import annotations

import re

from markupsafe import escape

from .fragments import View, meeting_label, owners_text, resolve, status_text
from ..i18n import translate
from ..urls import meeting_path
from ..model.records import Attendee, Meeting

CLOCK = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)\b")     # 15:00, 9.30, 14:00-16:00


def meeting_inputs(pages, meeting: Meeting, view: View) -> tuple:
    """Everything the meeting page shows, named cheaply: other meetings by the digest of
    their file. Keep in step with meeting_context: a fact missing here is a stale page."""
    site = pages.site
    digest = lambda key: site.meetings[key].digest if key in site.meetings else None
    references = []
    for reference in meeting.references:
        target = site.targets.get(reference.target)
        references.append(None if target is None else site.topic_names[target.key[6:]]
                          if target.kind == "topic" else digest(target.meeting))
    states = [site.register.states.get(a.key) for a in meeting.actions]
    approver = site.approved_in.get(meeting.key)
    return (view.language, meeting.digest, tuple(references), approver, digest(approver),
            meeting.approves, digest(meeting.approves),
            tuple((key, digest(key)) for key in _neighbours(pages, meeting)),
            tuple((b.meeting, b.item, digest(b.meeting))
                  for b in site.backlinks.get(meeting.key, ())),
            tuple((s.status, s.closed_in, digest(s.closed_in)) if s else None for s in states))


def _neighbours(pages, meeting: Meeting) -> tuple[str | None, str | None]:
    body, position = pages.position[meeting.key]
    keys = pages.site.by_body[body]
    return (keys[position - 1] if position > 0 else None,
            keys[position + 1] if position + 1 < len(keys) else None)


def meeting_context(pages, meeting: Meeting, view: View) -> dict:
    """Plain values for meeting.html."""
    site = pages.site
    previous, following = _neighbours(pages, meeting)
    neighbour = lambda key: pages.summary(key) if key else None
    visible = lambda entity: site.audience == "members" or not entity.members_only
    actions = [a for a in meeting.actions if visible(a)]
    decisions = [d for d in meeting.decisions if visible(d)]
    title = pages.meeting_title(meeting, view.language)
    return {
        "meeting": {"key": meeting.key, "date": meeting.date, "time": meeting.time,
                    "location": meeting.location, "status": meeting.status},
        "body": site.config.bodies[meeting.body],
        "title": title,
        "intro": resolve(meeting.intro_html, meeting, view),
        "items": [{"number": item.number, "anchor": item.anchor, "title": item.title,
                   "title_html": resolve(item.title_html or str(escape(item.title)), meeting,
                                         view),
                   "html": resolve(item.html, meeting, view)} for item in meeting.items],
        "footnotes": resolve(meeting.footnotes_html, meeting, view),
        "corrections": meeting.corrections,
        "attendees": group_by_organisation(meeting.attendees, site.config, site.people),
        "absent": group_by_organisation(meeting.absent, site.config, site.people),
        "approved_in": _meeting_link(site.approved_in.get(meeting.key), view),
        "approves": _meeting_link(meeting.approves, view),
        "previous": neighbour(previous),
        "next": neighbour(following),
        "backlinks": pages.backlinks(meeting.key, view),
        "actions": [{"action": a, "state": site.register.states[a.key],
                     "status": status_text(site.register.states[a.key], view),
                     "owners": owners_text(a)}
                    for a in actions],
        "decisions": decisions,
        "search": search_filters(meeting, bool(actions), bool(decisions), site.config),
        "event": event(meeting, title, site.config),
    }


def search_filters(meeting: Meeting, actions: bool, decisions: bool, config) -> list[tuple]:
    """The meeting's values for the search filters (see search.py). Names and values are in
    the site's language, whatever the page's: one index serves every body."""
    say = lambda message: translate(config.language, message)
    kinds = [say("Minutes")] + [say("Actions")] * actions + [say("Decisions")] * decisions
    organisations = sorted({person.org for person in meeting.attendees
                            if person.org in config.organisations})
    return ([(say("Body"), config.bodies[meeting.body].short),
             (say("Year"), str(meeting.date.year))]
            + [(say("Kind"), kind) for kind in kinds]
            + [(say("Organisation"), code) for code in organisations])


def event(meeting: Meeting, title: str, config) -> dict:
    """schema.org Event for the page's JSON-LD: what search engines show of a meeting."""
    start = meeting.date.isoformat()
    clock = CLOCK.match(meeting.time or "")
    if clock:
        start += f"T{int(clock.group(1)):02d}:{clock.group(2)}"
    body = config.bodies[meeting.body]
    data = {"@context": "https://schema.org", "@type": "Event", "name": title,
            "startDate": start, "inLanguage": body.language,
            "url": config.base_url + meeting_path(meeting.key),
            "organizer": {"@type": "Organization", "name": body.name}}
    if meeting.location:
        data["location"] = {"@type": "Place", "name": meeting.location}
    attendees = [config.organisations[code].name for code in
                 dict.fromkeys(p.org for p in meeting.attendees if p.org in config.organisations)]
    if attendees:
        data["attendee"] = [{"@type": "Organization", "name": name} for name in attendees]
    return data


def _meeting_link(key: str | None, view: View) -> dict | None:
    """A link to a meeting, or its key alone when the audience may not read it."""
    if key is None:
        return None
    meeting = view.site.meetings.get(key)
    if meeting is None:
        return {"label": key, "path": None}
    return {"label": meeting_label(meeting, view), "path": meeting_path(meeting.key)}


def group_by_organisation(people: tuple[Attendee, ...], config, registry=None) -> list[dict]:
    """People grouped under their organisation, in order of first appearance."""
    groups: dict[str | None, dict] = {}
    for person in people:
        organisation = config.organisations.get(person.org) if person.org else None
        group = groups.setdefault(person.org, {
            "code": person.org, "organisation": organisation, "names": [], "withheld": 0})
        if person.name:
            group["names"].append({"name": person.name, "role": person.role,
                                   "page": registry and registry.slug_of(person.name)})
        else:
            group["withheld"] += 1
    return list(groups.values())
