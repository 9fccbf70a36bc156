"""`build.py new BODY`: a new meeting file, prefilled from the body's previous meeting."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from .link import link
from .pipeline import configure, model
from .problems import BuildFailed, Problem

SKELETON = {
    "nl": ("Opening en mededelingen", "Het verslag van [[{previous}]] wordt vastgesteld.",
           "Actielijst", "actielijst", "Rondvraag en sluiting",
           "Zet voor elke actie `Afgerond:`, `Vervallen:` of `Stand:` voor de verwijzing."),
    "en": ("Opening and announcements", "The minutes of [[{previous}]] are approved.",
           "Action review", "action-review", "Any other business",
           "Put `Done:`, `Dropped:` or `Update:` before the reference of each action."),
}


def new_meeting(config_path: Path, body: str, date: dt.date) -> Path:
    config = configure(config_path)
    if body not in config.bodies:
        raise BuildFailed([Problem(str(config.path), 1, f"there is no body `{body}` — use one "
                                   f"of: {', '.join(config.bodies)}")])
    archive, problems = model(config, config.root / ".cache")
    site, link_problems = link(archive, config, "members")
    problems += link_problems
    if any(not p.warning for p in problems):
        raise BuildFailed(problems)
    previous = [site.meetings[k] for k in site.by_body[body] if site.meetings[k].date <= date]
    last = previous[-1] if previous else None
    outstanding = [site.register.actions[k] for k in site.register.outstanding()
                   if k.startswith(f"{body}/")]
    path = _free_path(config.content_dir / body, date)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A meeting filled in later (its date before the last one's) may follow minutes another
    # meeting already approved: those are not approved twice.
    approves = last if last and last.key not in site.approved_in else None
    path.write_text(_front_matter(date, last, approves) + _agenda(
        config.bodies[body].language, approves, outstanding), encoding="utf-8")
    return path


def _free_path(folder: Path, date: dt.date) -> Path:
    path, number = folder / f"{date.isoformat()}.md", 2
    while path.exists():
        path, number = folder / f"{date.isoformat()}-{number}.md", number + 1
    return path


def _front_matter(date: dt.date, last, approves) -> str:
    lines = ["---", f"date: {date.isoformat()}"]
    if last and last.time:
        lines.append(f"time: {last.time}")
    if last and last.location:
        lines.append(f"location: {yaml.safe_dump(last.location, allow_unicode=True).strip()}"
                     .removesuffix("\n...").removesuffix("..."))
    if last and last.attendees:
        lines.append("attendees:")
        lines += [f"  - {_person(a)}" for a in last.attendees]
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
