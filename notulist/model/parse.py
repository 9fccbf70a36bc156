"""Stage 2: one source file becomes a Meeting or Page. Pure: cached by content hash."""
from __future__ import annotations

import datetime as dt
import re

from .minutes_text import (Walk, block_markdown, due_date, entry_text, keyword_pattern,
                   normalise_target, walk_body)
from ..load.config import Config
from ..load.frontmatter import list_item_lines, split_front_matter
from ..names import strip_honorific
from ..load.files import Source
from .markup import block_html, split_document, stray_headings, to_html
from .records import (Action, ActionUpdate, AgendaItem, Attendee, Decision, Meeting,
                    MembersBlock, Owner, Page, Reference)
from ..problems import Problem, error, warning

MEETING_KEYS = ("date", "time", "location", "title", "attendees", "absent", "approves",
                "status", "audience")
PAGE_KEYS = ("title", "order")
TIME = re.compile(r"^([01]?\d|2[0-3])[:.][0-5]\d(\s*[-–]\s*([01]?\d|2[0-3])[:.][0-5]\d)?$")
ATTENDEE = re.compile(r"^(?P<name>[^()]*?)\s*(?:\((?P<org>[^()]*)\))?$")
OWNER_SEPARATOR = re.compile(r"^\s*(?:,|&|\ben\b|\band\b)\s*")
WORD_GOES_ON = re.compile(r"[\w-]")


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
    status = _choice(data, "status", ("final", "draft"), path, line_of, problems)
    audience = _choice(data, "audience", ("public", "members"), path, line_of, problems)
    attendees = _people(data.get("attendees"), "attendees", source, line_of, config, problems)
    absent = _people(data.get("absent"), "absent", source, line_of, config, problems)
    approves = _approves(data.get("approves"), source.body, path, line_of, problems)
    language = config.bodies[source.body].language
    walk = Walk(source.body, *keyword_pattern(config.keywords), str(path))
    markdown = walk_body(front.body, front.body_line, walk)
    problems.extend(walk.problems)
    chunks, footnotes = split_document(to_html(markdown, language))
    for number in stray_headings(chunks):
        problems.append(error(path, walk.items[number][3], "this agenda heading stands inside "
                              "raw HTML — close the HTML element before the heading"))
    key = source.key
    items = tuple(AgendaItem(n, anchor, title, chunks[i + 1] if i + 1 < len(chunks) else "",
                             line) for i, (n, anchor, title, line) in enumerate(walk.items))
    actions, decisions, updates = _entries(key, walk, attendees, config, problems)
    if date is None:
        return None
    return Meeting(
        digest=source.digest, key=key, body=source.body, id=source.id, path=path, date=date, time=time,
        location=_text_field(data, "location", path, line_of, problems),
        title=_text_field(data, "title", path, line_of, problems), status=status,
        audience=audience, attendees=attendees, absent=absent, approves=approves,
        approves_line=line_of.get("approves", 1), intro_html=chunks[0], items=items,
        actions=actions, decisions=decisions, updates=updates,
        references=_references(walk), blocks=_blocks(walk, language),
        footnotes_html=footnotes)


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
    walk = Walk(None, *keyword_pattern({}), str(source.path))
    markdown = walk_body(front.body, front.body_line, walk)
    problems.extend(walk.problems)
    chunks, footnotes = split_document(to_html(markdown, config.language))
    return Page(source.key, source.id, source.path, str(title or source.id), order,
                "".join(chunks) + footnotes, _references(walk), _blocks(walk, config.language))


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


def _references(walk: Walk) -> tuple[Reference, ...]:
    return tuple(Reference(*fields) for fields in walk.references)


def _blocks(walk: Walk, language: str) -> tuple[MembersBlock, ...]:
    return tuple(MembersBlock(ground, block_html(markdown, i, language), line)
                 for i, ((ground, line), markdown)
                 in enumerate(zip(walk.blocks, block_markdown(walk))))


def _entries(key, walk: Walk, attendees, config, problems):
    actions, decisions, updates = [], [], []
    path = walk.path
    for entry in walk.entries:
        text = entry_text(entry)
        if entry.kind == "action":
            number = f"A{len(actions) + 1}"
            owners = _owners(entry, text, attendees, config, path, problems)
            actions.append(Action(f"{key}#{number}", number, key, entry.item, owners,
                                  entry.owners_text is not None, text,
                                  due_date(text, path, entry.line, problems),
                                  entry.members_only, entry.line))
        elif entry.kind == "decision":
            number = f"D{len(decisions) + 1}"
            decisions.append(Decision(f"{key}#{number}", number, key, entry.item, text,
                                      entry.members_only, entry.line))
        else:
            targets = tuple(walk.references[i][0] for i in entry.references
                            if re.search(r"#A\d+$", walk.references[i][0]))
            updates.append(ActionUpdate(key, entry.item, entry.kind, targets, text,
                                        entry.members_only, entry.line))
    return tuple(actions), tuple(decisions), tuple(updates)


def _owners(entry, text, attendees, config, path, problems) -> tuple[Owner, ...]:
    people = {form: person.org for person in config.people
              for form in (person.name, *person.aliases)}     # registered, if not present
    people.update({a.name: a.org or people.get(a.name) for a in attendees if a.name})
    if entry.owners_text is not None:
        owners = []
        for written in re.split(r",|&|\ben\b|\band\b", entry.owners_text):
            written = strip_honorific(written) if written.strip() else ""
            if written in config.organisations:
                owners.append(Owner(None, written))
            elif written:
                owners.append(Owner(written, people.get(written)))
                if written not in people:
                    problems.append(warning(path, entry.line, f"action owner `{written}` is "
                                            "neither an organisation in config.toml nor an "
                                            "attendee of this meeting — correct the spelling "
                                            "or add it"))
    else:
        owners = _sentence_owners(text, people, config)
    if not owners:
        problems.append(warning(path, entry.line, "this action has no owner — write "
                                "`Actie (ORG): …` or start the sentence with an organisation "
                                "code or attendee name"))
    return tuple(owners)


def _sentence_owners(text: str, people: dict, config: Config) -> list[Owner]:
    """Owners opening the sentence: `JenV en IPO stellen …`, `Ann Smith to draft …`."""
    candidates = sorted(list(config.organisations) + list(people), key=len, reverse=True)
    owners, rest = [], text
    while word := _opening(rest, candidates):
        owners.append(Owner(None, word) if word in config.organisations
                      else Owner(word, people[word]))
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
