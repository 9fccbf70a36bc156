"""Pages that list across meetings: outstanding and closed actions, decisions, organisations."""
from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict

from ..urls import meeting_path
from .fragments import View, meeting_label, owners_text, status_text


def action_row(pages, key: str, view: View) -> dict:
    """One action as the register pages show it, with links to where it was raised and closed."""
    site = pages.site
    action, state = site.register.actions[key], site.register.states[key]
    meeting = site.meetings[action.meeting]
    notes = [u for u in state.updates if u.kind == "update"]
    return {
        "action": action, "state": state, "owners": owners_text(action),
        "status": status_text(state, view), "meeting": meeting_label(meeting, view),
        "path": f"{meeting_path(meeting.key)}#{action.number}",
        "due": action.due,
        "lang": site.config.bodies[meeting.body].language,
        "closed": _closed_link(state.closed_in, view),
        "last_note": notes[-1] if notes else None,
        "last_note_meeting": meeting_label(site.meetings[notes[-1].meeting], view)
        if notes else None,
    }


def _closed_link(key: str | None, view: View) -> dict | None:
    meeting = view.site.meetings.get(key) if key else None
    if meeting is None:
        return None
    return {"label": meeting_label(meeting, view), "path": meeting_path(meeting.key)}


def owner_groups(rows: list[dict], config) -> list[tuple[str | None, list[dict]]]:
    """Rows grouped by owner organisation (an action of two organisations is in both)."""
    groups = defaultdict(list)
    for row in rows:
        orgs = sorted({o.org for o in row["action"].owners if o.org}) or [None]
        for org in orgs:
            groups[org].append(row)
    return sorted(groups.items(), key=lambda group: (group[0] is None, (group[0] or "").lower()))


def action_pages(pages) -> dict:
    site = pages.site
    meetings, states, actions = site.meetings, site.register.states, site.register.actions
    outstanding = sorted(site.register.outstanding(), key=lambda key: (
        not states[key].overdue, actions[key].due is None, actions[key].due or dt.date.min,
        meetings[actions[key].meeting].sort_key))
    closed = sorted(site.register.closed(), key=lambda key: meetings[actions[key].meeting].sort_key,
                    reverse=True)
    return {
        "actions/index.html": pages.lazy(
            "actions.html", (tuple(map(pages.action_token, outstanding)), site.newest),
            functools.partial(_outstanding_context, pages, outstanding)),
        "actions/closed/index.html": pages.lazy(
            "actions_closed.html", tuple(map(pages.action_token, closed)),
            functools.partial(_closed_context, pages, closed)),
    }


def _outstanding_context(pages, keys: list[str]) -> dict:
    view = pages.view("actions/", pages.config.language, None)
    rows = [action_row(pages, key, view) for key in keys]
    return {"groups": owner_groups(rows, pages.config),
            "overdue": sum(1 for row in rows if row["state"].overdue), "count": len(rows),
            "newest": pages.site.newest}


def _closed_context(pages, keys: list[str]) -> dict:
    view = pages.view("actions/closed/", pages.config.language, None)
    return {"rows": [action_row(pages, key, view) for key in keys]}


def decision_page(pages) -> dict:
    site = pages.site
    view = pages.view("decisions/", pages.config.language, None)
    by_body = []
    for body_key, body in pages.config.bodies.items():
        rows = []
        for meeting_key in reversed(site.by_body[body_key]):
            meeting = site.meetings[meeting_key]
            for decision in meeting.decisions:
                if decision.key in site.register.decisions:
                    rows.append({"decision": decision, "meeting": meeting_label(meeting, view),
                                 "path": f"{meeting_path(meeting.key)}#{decision.number}"})
        by_body.append((body, rows))
    return {"decisions/index.html": pages.plan("decisions.html", bodies=by_body)}


def organisation_pages(pages) -> dict:
    site, config = pages.site, pages.config
    listing = [(org, site.organisations[code]) for code, org in config.organisations.items()]
    files = {"organisations/index.html": pages.plan(
        "organisations.html", organisations=[(o, len(r.attended), len(r.open_actions))
                                             for o, r in listing])}
    for organisation, record in listing:
        path = f"organisations/{organisation.slug}/"
        attended, missed = _per_body(site, record.attended), _per_body(site, record.missed)
        held = {body: len(site.by_body[body]) for body in config.bodies}
        inputs = (organisation, held,
                  {body: tuple(map(pages.token, keys)) for body, keys in attended.items()},
                  {body: tuple(map(pages.token, keys)) for body, keys in missed.items()},
                  tuple(map(pages.action_token, record.open_actions)),
                  tuple(map(pages.action_token, record.closed_actions)),
                  tuple(_people(site, record)), record.unnamed)
        files[f"{path}index.html"] = pages.lazy("organisation.html", inputs, functools.partial(
            _organisation_context, pages, organisation, record, path, attended, missed))
    return files


def _organisation_context(pages, organisation, record, path: str, attended: dict,
                          missed: dict) -> dict:
    site, config = pages.site, pages.config
    view = pages.view(path, config.language, None)
    attendance = [{"body": body, "attended": [pages.summary(k) for k in attended[body_key]],
                   "missed": [pages.summary(k) for k in missed[body_key]],
                   "held": len(site.by_body[body_key])}
                  for body_key, body in config.bodies.items()
                  if attended[body_key] or missed[body_key]]
    return {"organisation": organisation, "attendance": attendance,
            "people": _people(site, record), "unnamed": record.unnamed,
            "open_actions": [action_row(pages, k, view) for k in record.open_actions],
            "closed_actions": [action_row(pages, k, view) for k in record.closed_actions]}


def _people(site, record) -> list[tuple[str, str]]:
    """(slug, name) of the organisation's people with a page, by name."""
    named = [(slug, site.people.records[slug].name) for slug in record.people]
    return sorted(named, key=lambda entry: entry[1].casefold())


def _per_body(site, keys: tuple[str, ...]) -> dict[str, list[str]]:
    grouped = defaultdict(list)
    for key in keys:
        grouped[site.meetings[key].body].append(key)
    return grouped
