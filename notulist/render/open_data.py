"""Open data: /data/meetings.json, actions.json, decisions.json and actions.csv, sorted, stable."""
from __future__ import annotations

import csv
import io
import json

from ..urls import meeting_path
from ..link.site import Site


def data_files(site: Site, meeting_title) -> dict[str, bytes]:
    meetings = [_meeting(site, m, meeting_title(m)) for m in site.meetings.values()]
    actions = [_action(site, key) for key in site.register.actions]
    decisions = [_decision(site, d) for d in site.register.decisions.values()]
    return {
        "data/meetings.json": _json(sorted(meetings, key=lambda m: m["key"])),
        "data/actions.json": _json(sorted(actions, key=lambda a: _id_order(a["id"]))),
        "data/decisions.json": _json(sorted(decisions, key=lambda d: _id_order(d["id"]))),
        "data/actions.csv": _csv(sorted(actions, key=lambda a: _id_order(a["id"]))),
    }


ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)   # one, not one per record


def _json(records: list[dict]) -> bytes:
    """One record a line: readable, diffable, and written by the C encoder (indent is not)."""
    lines = ",\n".join(map(ENCODER.encode, records))
    return f"[\n{lines}\n]\n".encode() if records else b"[]\n"


def _id_order(key: str) -> tuple:
    """lrt/2023-09-22#A10 sorts after #A9."""
    meeting, _, number = key.partition("#")
    return meeting, number[:1], int(number[1:] or 0)


def _url(site: Site, path: str) -> str:
    return site.config.base_url + path


def _meeting(site: Site, meeting, title: str) -> dict:
    return {
        "key": meeting.key, "body": meeting.body, "id": meeting.id,
        "date": meeting.date.isoformat(), "time": meeting.time, "location": meeting.location,
        "title": title, "status": meeting.status,
        "approved_in": site.approved_in.get(meeting.key),
        "attendees": [_person(a, site.audience) for a in meeting.attendees],
        "absent": [_person(a, site.audience) for a in meeting.absent],
        "items": [{"number": i.number, "anchor": i.anchor, "title": i.title}
                  for i in meeting.items],
        "url": _url(site, meeting_path(meeting.key)),
    }


def _person(attendee, audience: str) -> dict:
    """The public never sees the role of a withheld name: role and organisation name a person."""
    role = attendee.role if attendee.name or audience == "members" else None
    return {"name": attendee.name, "org": attendee.org, "role": role}


def _action(site: Site, key: str) -> dict:
    action, state = site.register.actions[key], site.register.states[key]
    meeting = site.meetings[action.meeting]
    return {
        "id": key, "meeting": action.meeting, "item": action.item or None,
        "owners": [{"name": o.name, "org": o.org} for o in action.owners],
        "text": action.text, "due": action.due.isoformat() if action.due else None,
        "status": state.status, "closed_in": state.closed_in,
        "updates": [{"meeting": u.meeting, "status": u.kind, "text": u.text}
                    for u in state.updates],
        "url": _url(site, f"{meeting_path(meeting.key)}#{action.number}"),
    }


def _decision(site: Site, decision) -> dict:
    meeting = site.meetings[decision.meeting]
    return {"id": decision.key, "meeting": decision.meeting, "item": decision.item or None,
            "text": decision.text,
            "url": _url(site, f"{meeting_path(meeting.key)}#{decision.number}")}


def _cell(text: str) -> str:
    """Text a spreadsheet would run as a formula (=, +, -, @) starts with a quote instead."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(actions: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["id", "meeting", "item", "owners", "text", "due", "status", "closed_in",
                     "url"])
    for a in actions:
        owners = "; ".join(o["name"] + (f" ({o['org']})" if o["org"] else "") if o["name"]
                           else o["org"] for o in a["owners"])
        writer.writerow([a["id"], a["meeting"], a["item"] or "", _cell(owners), _cell(a["text"]),
                         a["due"] or "", a["status"], a["closed_in"] or "", a["url"]])
    return out.getvalue().encode("utf-8-sig")     # the BOM makes spreadsheets read UTF-8
