"""Stage 2: one source file becomes a Meeting or Page. Pure: cached by content hash."""
from __future__ import annotations

import datetime as dt
import re

from ..load.config import Config
from ..load.files import Source
from ..load.frontmatter import list_item_lines, split_front_matter
from .due_dates import find_due, read_due_cell
from .lifecycle import read_lifecycle
from .minutes_entries import carry_key, keyword_rules
from .minutes_syntax import normalise_target
from .minutes_text import Context, Reading, read_minutes
from ..names import strip_honorific
from .records import (Action, ActionUpdate, AgendaItem, Attendee, Decision, Meeting,
                    MembersBlock, Owner, Page, Reference)
from ..problems import Problem, error, warning

MEETING_KEYS = ("date", "time", "location", "title", "attendees", "absent", "approves",
                "status", "audience", "reason", "withdrawn", "corrections")
PAGE_KEYS = ("title", "order")
TIME = re.compile(r"^([01]?\d|2[0-3])[:.][0-5]\d(\s*[-–]\s*([01]?\d|2[0-3])[:.][0-5]\d)?$")
ATTENDEE = re.compile(r"^(?P<name>[^()]*?)\s*(?:\((?P<org>[^()]*)\))?$")
OWNER_SEPARATOR = re.compile(r"^\s*(?:,|&|\ben\b|\band\b)\s*")
WORD_GOES_ON = re.compile(r"[\w-]")
GROUP_OWNERS = ("allen", "iedereen", "all", "everyone", "the board", "bestuur", "board")


def parse_source(source: Source, config: Config) -> tuple[Meeting | Page | None, list[Problem]]:
    front, problems = split_front_matter(source)
    if front is None:
        return None, problems
    if source.body is None:
        return _page(source, front, config, problems), problems
    return _meeting(source, front, config, problems), problems


def _check_keys(source: Source, front, allowed, problems) -> None:
    for key in front.data:
        if key not in allowed:
            problems.append(error(source.path, front.lines.get(str(key), 2), f"unknown "
                                  f"front-matter key `{key}` — allowed: {', '.join(allowed)}"))


def _meeting(source: Source, front, config: Config, problems: list[Problem]) -> Meeting | None:
    data, path, line_of = front.data, source.path, front.lines
    _check_keys(source, front, MEETING_KEYS, problems)
    date = _date(data.get("date"), path, line_of.get("date", 1), problems)
    time = _time(data.get("time"), path, line_of.get("time"), problems)
    lifecycle = read_lifecycle(front, source.text, path, date, problems)
    audience = _choice(data, "audience", ("public", "members"), path, line_of, problems)
    attendees = _people(data.get("attendees"), "attendees", source, line_of, config, problems)
    absent = _people(data.get("absent"), "absent", source, line_of, config, problems)
    approves = _approves(data.get("approves"), source.body, path, line_of, problems)
    language = config.bodies[source.body].language
    context = Context(str(path), source.body, language,
                      keyword_rules(tuple(sorted(config.keywords.items()))), date)
    reading = read_minutes(front.body, front.body_line, context)
    problems.extend(reading.problems)
    key = source.key
    items = tuple(AgendaItem(h.number, h.anchor, h.title, h.html, h.line, h.title_html)
                  for h in reading.items)
    actions, decisions, updates = _entries(key, reading, attendees, source.body, config,
                                           context, problems)
    if date is None:
        return None
    return Meeting(
        digest=source.digest, key=key, body=source.body, id=source.id, path=path, date=date, time=time,
        location=_text_field(data, "location", path, line_of, problems),
        title=_text_field(data, "title", path, line_of, problems), status=lifecycle.status,
        audience=audience, attendees=attendees, absent=absent, approves=approves,
        approves_line=line_of.get("approves", 1), intro_html=reading.intro_html, items=items,
        actions=actions, decisions=decisions, updates=updates,
        references=_references(reading), blocks=_blocks(reading),
        footnotes_html=reading.footnotes_html, reason=lifecycle.reason,
        withdrawn=lifecycle.withdrawn, corrections=lifecycle.corrections)


def _page(source: Source, front, config: Config, problems: list[Problem]) -> Page | None:
    _check_keys(source, front, PAGE_KEYS, problems)
    title, order = front.data.get("title"), front.data.get("order", 0)
    if not isinstance(title, str) or not title.strip():
        problems.append(error(source.path, front.lines.get("title", 1),
                              "a page needs `title: …` in its front matter — add it"))
    if not isinstance(order, int) or isinstance(order, bool):
        problems.append(error(source.path, front.lines.get("order", 2),
                              "`order` must be a whole number, like `order: 2`"))
        order = 0
    context = Context(str(source.path), None, config.language, keyword_rules(()))
    reading = read_minutes(front.body, front.body_line, context)
    problems.extend(reading.problems)
    return Page(source.key, source.id, source.path, str(title or source.id), order,
                reading.intro_html + reading.footnotes_html, _references(reading),
                _blocks(reading))


def _text(value) -> str | None:
    return None if value is None else str(value).strip() or None


def _text_field(data, key, path, line_of, problems) -> str | None:
    value = data.get(key)
    if isinstance(value, (list, dict)):
        problems.append(error(path, line_of.get(key, 1), f"`{key}` must be text on one line, "
                              f"like `{key}: Webex`"))
        return None
    return _text(value)


def _date(value, path, line, problems) -> dt.date | None:
    if value is None:
        problems.append(error(path, line, "the meeting has no `date:` — add "
                              "`date: YYYY-MM-DD` to the front matter"))
        return None
    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems.append(error(path, line, f"`date: {value}` is not a date — write "
                          "it as YYYY-MM-DD, like 2023-09-22"))
    return None


def _time(value, path, line, problems) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if not TIME.match(text):
        problems.append(error(path, line, f"`time: {value}` is not a time — write it as "
                              "HH:MM, like 15:00 (or a range 15:00-17:00)"))
        return None
    return text.replace(".", ":")


def _choice(data, key, allowed, path, line_of, problems) -> str:
    value = data.get(key, allowed[0])
    if value not in allowed:
        problems.append(error(path, line_of.get(key, 1), f"`{key}: {value}` is not allowed — "
                              f"use one of: {', '.join(allowed)}"))
        return allowed[0]
    return value


def _approves(value, body, path, line_of, problems) -> str | None:
    if value is None:
        return None
    target = normalise_target(str(value).strip(), body)
    if target is None or "#" in target or target.startswith("topic:"):
        problems.append(error(path, line_of.get("approves", 1), f"`approves: {value}` must name "
                              "a meeting, like 2023-07-10 or lrt/2023-07-10"))
        return None
    return target


def _people(value, field, source, line_of, config, problems) -> tuple[Attendee, ...]:
    path, line = source.path, line_of.get(field, 1)
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(error(path, line, f"`{field}` must be a list, one person a line: "
                              "`  - Name (ORG)`"))
        return ()
    lines = list_item_lines(source.text, line)
    lines = lines if len(lines) == len(value) else [line] * len(value)   # [a, b] on one line
    return tuple(filter(None, (_person(entry, field, path, entry_line, config, problems)
                               for entry, entry_line in zip(value, lines))))


def _person(entry, field, path, line, config, problems) -> Attendee | None:
    if isinstance(entry, dict):
        unknown = sorted(set(map(str, entry)) - {"name", "org", "role"})
        if unknown:
            problems.append(error(path, line, f"unknown key `{unknown[0]}` in {field} — "
                                  "allowed: name, org, role"))
        name, org, role = (_text(entry.get(k)) for k in ("name", "org", "role"))
    elif isinstance(entry, str) and ATTENDEE.match(entry.strip()):
        found = ATTENDEE.match(entry.strip())
        name, org, role = found.group("name") or None, _text(found.group("org")), None
    else:
        problems.append(error(path, line, f"cannot read `{entry}` in {field} — write "
                              "`Name (ORG)`, `(ORG)` or `{name: …, org: …, role: …}`"))
        return None
    if org and org not in config.organisations:
        problems.append(error(path, line, f"unknown organisation `{org}` in {field} — add "
                              f'`{org} = "Full name"` to [organisations] in config.toml'))
    if not name and not org:
        problems.append(error(path, line, f"an entry in {field} has neither name nor "
                              "organisation — write `Name (ORG)` or `(ORG)`"))
        return None
    return Attendee(strip_honorific(name) if name else None, org, role, line)


def _references(reading: Reading) -> tuple[Reference, ...]:
    return tuple(Reference(*fields) for fields in reading.references)


def _blocks(reading: Reading) -> tuple[MembersBlock, ...]:
    return tuple(MembersBlock(b.ground, b.html, b.line) for b in reading.blocks)


def _entries(key, reading: Reading, attendees, body, config, context, problems):
    actions, decisions, updates = [], [], []
    for entry in reading.entries:
        if entry.kind == "action":
            number = f"A{len(actions) + 1}"
            owners = _owners(entry, attendees, body, config, context.path, problems)
            actions.append(Action(f"{key}#{number}", number, key, entry.item, owners,
                                  entry.owners_written, entry.text,
                                  _due(entry, context, problems), entry.members_only,
                                  entry.line, entry.label, carry_key(entry.text), entry.done))
        elif entry.kind == "decision":
            number = f"D{len(decisions) + 1}"
            decisions.append(Decision(f"{key}#{number}", number, key, entry.item, entry.text,
                                      entry.members_only, entry.line))
        else:
            targets = tuple(reading.references[i][0] for i in entry.references
                            if re.search(r"#A\d+$", reading.references[i][0]))
            updates.append(ActionUpdate(key, entry.item, entry.kind, targets, entry.text,
                                        entry.members_only, entry.line))
    return tuple(actions), tuple(decisions), tuple(updates)


def _due(entry, context, problems):
    due, impossible = (read_due_cell(entry.due_text, context.meeting_date) if entry.due_text
                       else find_due(entry.text, context.meeting_date))
    if impossible:
        problems.append(error(context.path, entry.line, f"due date {impossible} does not "
                              "exist — write a real date as YYYY-MM-DD"))
    return due


def _owners(entry, attendees, body, config, path, problems) -> tuple[Owner, ...]:
    """Owners in parentheses or a column, else those opening the sentence. A person who is
    no attendee is not warned about here: the link stage knows all of the body's people."""
    people = {form: person.org for person in config.people
              for form in (person.name, *person.aliases)}     # registered, if not present
    people.update({a.name: a.org or people.get(a.name) for a in attendees if a.name})
    groups = _group_owners(body, config)
    if entry.owners_text is not None:
        owners = []
        for written in re.split(r",|&|/|\ben\b|\band\b", entry.owners_text):
            written = strip_honorific(written) if written.strip() else ""
            if written in config.organisations:
                owners.append(Owner(None, written))
            elif written:
                owners.append(Owner(groups.get(written.lower(), written), people.get(written)))
    else:
        owners = _sentence_owners(entry.text, people, config, groups)
    if not owners:
        problems.append(warning(path, entry.line, "this action has no owner — write "
                                "`Actie (ORG): …` or start the sentence with an organisation "
                                "code or attendee name"))
    return tuple(owners)


def _group_owners(body, config) -> dict[str, str]:
    """Owners that are neither organisation nor person: everyone, or the body itself."""
    groups = {word: word for word in GROUP_OWNERS}
    if body in config.bodies:
        found = config.bodies[body]
        groups.update({name.lower(): name for name in (body, found.short, found.name) if name})
    return groups


def _sentence_owners(text: str, people: dict, config: Config,
                     groups: dict[str, str] | None = None) -> list[Owner]:
    """Owners opening the sentence: `JenV en IPO stellen …`, `Ann Smith to draft …`."""
    groups = groups or {}
    written_groups = {form: name for name in groups.values()
                      for form in (name, name[:1].upper() + name[1:])}
    candidates = sorted(list(config.organisations) + list(people) + list(written_groups),
                        key=len, reverse=True)
    owners, rest = [], text
    while word := _opening(rest, candidates):
        owners.append(Owner(None, word) if word in config.organisations
                      else Owner(word, people[word]) if word in people else Owner(word, None))
        separator = OWNER_SEPARATOR.match(rest[len(word):])
        if not separator:
            break
        rest = rest[len(word) + separator.end():]
    return owners


def _opening(text: str, candidates: list[str]) -> str | None:
    """The longest candidate the text opens with as a whole word (not `IPO` of `IPOs`).
    A loop, not a regular expression of the candidates: the people differ per meeting,
    and compiling one for each took a sixth of the parse."""
    for candidate in candidates:
        if text.startswith(candidate) and not WORD_GOES_ON.match(text, len(candidate)):
            return candidate
    return None
