"""Stage 3: the one place where facts across meetings are computed.

Errors are judged over the full archive, so `check` and both builds agree; everything the
pages show is derived from what the chosen audience may read.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from ..load.config import RESERVED_NAMES, Config
from ..load.git_history import GitHistory, last_change
from ..model.records import Meeting, Page
from ..problems import Problem, error
from .people import People, gather_people, spelling_problems, with_records
from .register import Register, build_register
from .shards import Shard, plan_shards
from ..urls import meeting_path


@dataclass(frozen=True)
class Target:
    kind: str                       # meeting | item | action | decision | topic
    key: str                        # normalised reference target
    meeting: str | None
    fragment: str | None            # anchor in the meeting page
    path: str                       # site path of the page, like "lrt/2023-09-22/"


@dataclass(frozen=True)
class Backlink:
    meeting: str
    item: str                       # anchor of the agenda item holding the reference


@dataclass(frozen=True)
class OrganisationRecord:
    attended: tuple[str, ...]       # meeting keys, oldest first
    missed: tuple[str, ...]
    open_actions: tuple[str, ...]
    closed_actions: tuple[str, ...]
    people: tuple[str, ...] = ()    # slugs of the person pages of its people
    unnamed: int = 0                # its attendees whose names this audience may not read


@dataclass(frozen=True)
class Site:
    config: Config
    audience: str
    meetings: dict[str, Meeting]            # visible meetings, oldest first
    by_body: dict[str, tuple[str, ...]]     # body -> meeting keys, oldest first
    pages: tuple[Page, ...]
    targets: dict[str, Target]              # every visible reference target
    hidden: frozenset[str]                  # targets that exist, but not for this audience
    approved_in: dict[str, str]
    topics: dict[str, tuple[tuple[str, str], ...]]   # anchor -> (meeting key, anchor), oldest first
    topic_names: dict[str, tuple[str, str]]          # anchor -> (title, language) of the newest
    backlinks: dict[str, tuple[Backlink, ...]]       # meeting key or topic:x -> who refers to it
    organisations: dict[str, OrganisationRecord]
    register: Register
    newest: dt.date | None
    shards: tuple[Shard, ...]                        # of the search index, newest first
    people: People                                   # registry, withheld names, person pages
    withdrawn: dict[str, Meeting] = field(default_factory=dict)  # their pages are notices
    # meeting key -> (approval date, lastmod) of each meeting in the Woo-index
    woo: dict[str, tuple[dt.date, dt.datetime | dt.date]] = field(default_factory=dict)


def link(archive, config: Config, audience: str, history: GitHistory | None = None
         ) -> tuple[Site, list[Problem]]:
    """The site for `audience`; `history` dates the Woo-index documents (public builds)."""
    pages = archive.pages
    ordered = sorted(archive.meetings, key=lambda m: (m.date, m.id, m.body))
    all_targets = collect_targets(ordered)
    problems = check_references(ordered, pages, all_targets, archive.unreadable)
    problems += check_approvals(ordered, archive.unreadable)
    problems += check_page_paths(pages, config)
    problems += spelling_problems(ordered, config)
    full_register, register_problems = build_register(ordered, members=True)
    problems += register_problems
    people = gather_people(ordered, config, audience)
    readable = [people.shown(m) for m in ordered
                if audience == "members" or m.audience == "public"]
    shown = [m for m in readable if listed(m, config, audience)]
    members = audience == "members"
    register = full_register if members and len(shown) == len(ordered) \
        else build_register(shown, members=members)[0]
    people = with_records(people, shown, config, register)
    targets = all_targets if members and len(shown) == len(ordered) \
        else visible_targets(all_targets, shown, members)
    pages = tuple(sorted(map(people.shown_page, pages), key=lambda p: (p.order, p.name)))
    # an approval stands once its minutes are published: not while they are a withheld draft
    approved_in = {m.approves: m.key for m in ordered
                   if m.approves and not withheld_draft(m, config, audience)}
    site = Site(
        config=config, audience=audience, meetings={m.key: m for m in shown},
        by_body=_by_body(shown, config), pages=pages,
        targets=targets, hidden=frozenset(all_targets) - frozenset(targets),
        # by key, whoever approved: a members-only approver shows as its key alone
        approved_in=approved_in,
        topics=_topics(shown), topic_names=_topic_names(shown, config),
        backlinks=_backlinks(shown, targets, audience),
        organisations=_organisations(shown, register, config, people, ordered),
        register=register, newest=shown[-1].date if shown else None,
        shards=tuple(plan_shards(shown, pages)), people=people,
        withdrawn={m.key: m for m in readable if m.status == "withdrawn"},
        woo=woo_dates(shown, ordered, approved_in, config, history) if not members else {})
    return site, problems


def listed(meeting: Meeting, config: Config, audience: str) -> bool:
    """Whether a readable meeting is in the site's lists: a withdrawn one never, a draft
    not in the public build of a body that withholds drafts."""
    return meeting.status != "withdrawn" and not withheld_draft(meeting, config, audience)


def withheld_draft(meeting: Meeting, config: Config, audience: str) -> bool:
    return (meeting.status == "draft" and audience == "public"
            and config.bodies[meeting.body].drafts == "withhold")


def woo_dates(shown: list[Meeting], ordered: list[Meeting], approved_in: dict[str, str],
              config: Config, history: GitHistory | None) -> dict[str, tuple]:
    """(approval date, lastmod) of every public, final meeting: approved by a later meeting,
    or of a body whose minutes need no approval (approved on the day itself)."""
    if config.woo is None:
        return {}
    dates, by_key = {}, {m.key: m for m in ordered}
    for meeting in shown:
        if meeting.status != "final" or meeting.audience != "public":
            continue
        if config.bodies[meeting.body].approval == "none":
            approved = meeting.date
        elif meeting.key in approved_in:
            approved = by_key[approved_in[meeting.key]].date
        else:
            continue
        changed = last_change(history, f"{meeting.body}/{meeting.id}.md", approved)
        dates[meeting.key] = (approved, changed)
    return dates


def collect_targets(meetings: list[Meeting]) -> dict[str, Target]:
    """Every reference target of these meetings."""
    targets: dict[str, Target] = {}
    for meeting in meetings:
        path = meeting_path(meeting.key)
        targets[meeting.key] = Target("meeting", meeting.key, meeting.key, None, path)
        for item in meeting.items:
            for fragment in filter(None, (item.anchor, item.number)):
                key = f"{meeting.key}#{fragment}"
                targets[key] = Target("item", key, meeting.key, item.anchor, path)
            targets.setdefault(f"topic:{item.anchor}", Target(
                "topic", f"topic:{item.anchor}", None, None, f"topics/{item.anchor}/"))
        for entity, kind in [(a, "action") for a in meeting.actions] + \
                            [(d, "decision") for d in meeting.decisions]:
            targets[entity.key] = Target(kind, entity.key, meeting.key, entity.number, path)
    return targets


def visible_targets(targets: dict[str, Target], shown: list[Meeting], members: bool
                    ) -> dict[str, Target]:
    """The targets readers may follow: in the meetings shown, for the public none inside
    members blocks, and the topics of the agenda items shown."""
    meetings = {meeting.key for meeting in shown}
    topics = {f"topic:{item.anchor}" for meeting in shown for item in meeting.items}
    hidden = set() if members else {
        entity.key for meeting in shown for entity in (*meeting.actions, *meeting.decisions)
        if entity.members_only}
    return {key: target for key, target in targets.items()
            if key in topics or target.meeting in meetings and key not in hidden}


def check_references(meetings: list[Meeting], pages: list[Page], targets, unreadable
                     ) -> list[Problem]:
    """Every reference must resolve; those into unreadable files are already reported there."""
    problems = []
    for source in [*meetings, *pages]:
        for reference in source.references:
            if reference.target.partition("#")[0] in unreadable:
                continue
            if reference.target not in targets:
                problems.append(error(source.path, reference.line, _unresolved(reference.target,
                                      reference.written, targets)))
    return problems


def _unresolved(target: str, written: str, targets) -> str:
    if target.startswith("topic:"):
        return (f"[[{written}]]: no agenda item anywhere has the anchor "
                f"`{target[6:]}` — check the spelling of the topic")
    meeting, _, fragment = target.partition("#")
    if meeting not in targets:
        return (f"[[{written}]]: there is no meeting {meeting} — check the date, or write "
                "body/id for a meeting of another body")
    return (f"[[{written}]]: meeting {meeting} has no agenda item, action or decision "
            f"`{fragment}` — use an item number or anchor, or A1/D1 as numbered there")


def check_approvals(meetings: list[Meeting], unreadable) -> list[Problem]:
    problems, approved, by_key = [], {}, {m.key: m for m in meetings}
    for meeting in meetings:
        if meeting.approves is None or meeting.approves in unreadable:
            continue
        target = by_key.get(meeting.approves)
        line = meeting.approves_line
        if target is None:
            problems.append(error(meeting.path, line, f"`approves: {meeting.approves}` names no "
                                  "meeting — check the date, or write body/id"))
        elif (target.date, target.id) >= (meeting.date, meeting.id):
            problems.append(error(meeting.path, line, f"`approves: {meeting.approves}` is not an "
                                  "earlier meeting — minutes are approved by a later meeting"))
        elif target.key in approved:
            problems.append(error(meeting.path, line, f"the minutes of {target.key} were already "
                                  f"approved in {approved[target.key]} — remove one `approves:`"))
        else:
            approved[target.key] = meeting.key
    return problems


def check_page_paths(pages: list[Page], config: Config) -> list[Problem]:
    taken = set(RESERVED_NAMES) | set(config.bodies)
    return [error(page.path, 1, f"the page name `{page.name}` collides with the URL /{page.name}/ "
                  "the site already uses — rename the file") for page in pages
            if page.name in taken]


def _by_body(meetings: list[Meeting], config: Config) -> dict[str, tuple[str, ...]]:
    by_body = {body: [] for body in config.bodies}
    for meeting in meetings:
        by_body[meeting.body].append(meeting.key)
    return {body: tuple(keys) for body, keys in by_body.items()}


def _topics(meetings: list[Meeting]) -> dict[str, tuple[tuple[str, str], ...]]:
    topics = defaultdict(list)
    for meeting in meetings:
        for item in meeting.items:
            topics[item.anchor].append((meeting.key, item.anchor))
    return {anchor: tuple(entries) for anchor, entries in sorted(topics.items())}


def _topic_names(meetings: list[Meeting], config: Config) -> dict[str, tuple[str, str]]:
    """A topic is called by its most recent agenda item, in that item's language."""
    names = {}
    for meeting in meetings:                 # oldest first: the newest one stays
        for item in meeting.items:
            names[item.anchor] = (item.title, config.bodies[meeting.body].language)
    return names


def _backlinks(meetings, targets, audience) -> dict[str, tuple[Backlink, ...]]:
    """Who refers to a meeting (or topic); only references the audience may read count."""
    found = defaultdict(set)
    for meeting in meetings:
        for reference in meeting.references:
            target = targets.get(reference.target)
            if target is None or (reference.members_only and audience != "members"):
                continue
            owner = target.meeting or target.key
            if owner != meeting.key:
                found[owner].add(Backlink(meeting.key, reference.item))
    order = {m.key: (m.sort_key, {i.anchor: n for n, i in enumerate(m.items)}) for m in meetings}
    place = lambda b: (order[b.meeting][0], order[b.meeting][1].get(b.item, -1))
    return {key: tuple(sorted(links, key=place)) for key, links in found.items()}


def _organisations(meetings, register: Register, config: Config, people: People,
                   written: list[Meeting]) -> dict[str, OrganisationRecord]:
    attended, missed = defaultdict(list), defaultdict(list)
    for meeting in meetings:
        present = {a.org for a in meeting.attendees if a.org}
        for org in sorted(present):
            attended[org].append(meeting.key)
        for org in sorted({a.org for a in meeting.absent if a.org} - present):
            missed[org].append(meeting.key)
    open_actions, closed_actions = defaultdict(list), defaultdict(list)
    for key, state in register.states.items():
        for org in sorted({o.org for o in register.actions[key].owners if o.org}):
            (open_actions if state.status == "open" else closed_actions)[org].append(key)
    named, unnamed = _organisation_people(meetings, people, written)
    return {code: OrganisationRecord(tuple(attended[code]), tuple(missed[code]),
                                     tuple(open_actions[code]), tuple(closed_actions[code]),
                                     tuple(sorted(named[code])), len(unnamed[code]))
            for code in config.organisations}


def _organisation_people(meetings, people: People, written: list[Meeting]):
    """Per organisation: the slugs of its people with a page, and the withheld names of
    its attendees (counted, never shown; `(ORG)` entries cannot be told apart)."""
    named, unnamed = defaultdict(set), defaultdict(set)
    shown = {m.key for m in meetings}
    for meeting in written:
        if meeting.key not in shown:
            continue
        for attendee in meeting.attendees:
            slug = people.slug_of(attendee.name)
            if slug and attendee.org:
                named[attendee.org].add(slug)
            elif people.withheld(attendee.name):
                person = people.find(attendee.name)
                org = attendee.org or (person.org if person else None)
                unnamed[org].add(person.name if person else attendee.name)
    return named, unnamed
