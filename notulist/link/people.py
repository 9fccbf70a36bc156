"""People across the archive: who is who (the registry of config.toml), whose name the
public build withholds, and what each person's page shows.

Names are written as they are; the members build shows them. For the public build,
`People.shown` gives each meeting with every withheld name replaced: attendees and owners
by their organisation, text by the organisation and function ("ambtenaar JenV")."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from ..digests import value_digest
from ..load.config import Config
from ..load.people import Person
from ..names import fold, strip_honorific
from ..model.records import Attendee, Meeting, Owner, Page
from .withhold import Matcher


@dataclass(frozen=True)
class Needle:
    """A written form of a withheld name: what the leak check looks for."""
    form: str                       # as written: "Piet Jansen", "P. Jansen"
    person: str                     # the person's name, for messages
    ground: str                     # "5.1.2e"
    line: int                       # of the person in config.toml (0: not in the registry)


@dataclass(frozen=True)
class PersonRecord:
    """What a person's page shows."""
    slug: str
    name: str
    orgs: tuple[str, ...]
    function: str | None
    withheld: bool
    attended: tuple[str, ...]       # meeting keys, oldest first
    actions: tuple[str, ...]        # keys of the actions they own, oldest first


@dataclass(frozen=True)
class People:
    audience: str
    index: dict[str, Person]        # folded name or alias -> registry person
    matcher: Matcher                # the public build's replacements (none for members)
    needles: tuple[Needle, ...]     # every withheld form, longest first
    records: dict[str, PersonRecord]    # slug -> the people with a page for this audience
    digest: str                     # of the replacements: every page depends on them

    def find(self, name: str | None) -> Person | None:
        return self.index.get(fold(strip_honorific(name))) if name else None

    def slug_of(self, name: str | None) -> str | None:
        """The page of the person written as `name`, when this audience has one."""
        person = self.find(name)
        slug = person and person_slug(person.name)
        return slug if slug in self.records else None

    def shown(self, meeting: Meeting) -> Meeting:
        """The meeting as this audience reads it: withheld names replaced."""
        if self.matcher.pattern is None and not self._withheld_attendee(meeting):
            return meeting
        text, fragment = self.matcher.text, self.matcher.html
        return replace(
            meeting, title=text(meeting.title), location=text(meeting.location),
            attendees=tuple(map(self._attendee, meeting.attendees)),
            absent=tuple(map(self._attendee, meeting.absent)),
            intro_html=fragment(meeting.intro_html),
            footnotes_html=fragment(meeting.footnotes_html),
            items=tuple(replace(i, title=text(i.title), title_html=fragment(i.title_html),
                                html=fragment(i.html))
                        for i in meeting.items),
            blocks=tuple(replace(b, html=fragment(b.html)) for b in meeting.blocks),
            actions=tuple(replace(a, text=text(a.text), owners=tuple(map(self._owner, a.owners)))
                          for a in meeting.actions),
            decisions=tuple(replace(d, text=text(d.text)) for d in meeting.decisions),
            updates=tuple(replace(u, text=text(u.text)) for u in meeting.updates),
            references=tuple(replace(r, label=text(r.label)) for r in meeting.references))

    def shown_page(self, page: Page) -> Page:
        if self.matcher.pattern is None:
            return page
        return replace(page, title=self.matcher.text(page.title),
                       html=self.matcher.html(page.html),
                       references=tuple(replace(r, label=self.matcher.text(r.label))
                                        for r in page.references))

    def withheld(self, name: str | None) -> bool:
        return self.audience == "public" and bool(name) and (
            self.matcher.shown.get(fold(strip_honorific(name))) is not None)

    def _withheld_attendee(self, meeting: Meeting) -> bool:
        return any(self.withheld(a.name) for a in (*meeting.attendees, *meeting.absent))

    def _attendee(self, attendee: Attendee) -> Attendee:
        role = self.matcher.text(attendee.role)         # "namens …" may name someone
        if not self.withheld(attendee.name):
            return attendee if role == attendee.role else replace(attendee, role=role)
        person = self.find(attendee.name)
        return Attendee(None, attendee.org or (person.org if person else None), role,
                        attendee.line)

    def _owner(self, owner: Owner) -> Owner:
        if not self.withheld(owner.name):
            return owner
        person = self.find(owner.name)
        return Owner(None, owner.org or (person.org if person else None))


def person_slug(name: str) -> str:
    from slugify import slugify
    return slugify(strip_honorific(name))


def gather_people(meetings: list[Meeting], config: Config, audience: str) -> People:
    """The registry, and the names of these meetings (all of them) the audience may not
    read; the person pages come with `with_records`."""
    index = {fold(form): p for p in config.people for form in (p.name, *p.aliases)}
    needles, shown = _withheld_forms(meetings, config, index)
    if audience != "public":
        needles, shown = (), {}
    return People(audience, index, Matcher.of(shown), needles, {},
                  value_digest(sorted((k, v or "") for k, v in shown.items())))


def with_records(people: People, shown: list[Meeting], config: Config, register) -> People:
    """The people with their pages: the meetings shown and the audience's register."""
    return replace(people, records=_records(shown, config, people, register))


def _withheld_forms(meetings, config: Config, index) -> tuple[tuple[Needle, ...], dict]:
    """Every form of a withheld name, and its replacement; public forms that hold a
    withheld one map to None, so the longer public name wins."""
    forms: dict[str, tuple[str, Person | None, str | None]] = {}
    for person in config.people:
        for form in (person.name, *person.aliases):
            forms[fold(form)] = (form, person, person.org)
    default = config.people_default
    for meeting in meetings if default.publish == "withheld" else ():   # unregistered names
        written = [(a.name, a.org) for a in (*meeting.attendees, *meeting.absent)]
        written += [(o.name, o.org) for a in meeting.actions for o in a.owners]
        for name, org in written:
            if name and fold(strip_honorific(name)) not in index:
                forms.setdefault(fold(strip_honorific(name)), (strip_honorific(name), None, org))
    needles, shown = [], {}
    for folded, (form, person, org) in sorted(forms.items()):
        withheld = person.withheld if person else default.publish == "withheld"
        if not withheld or not folded:      # a name of signs only matches nothing
            continue
        ground = person.ground if person else default.ground
        needles.append(Needle(form, person.name if person else form, ground,
                              person.line if person else 0))
        shown[folded] = _replacement(person, org)
    for folded, (form, person, org) in forms.items():
        if folded and folded not in shown and any(f" {w} " in f" {folded} " for w in shown):
            shown[folded] = None
    needles.sort(key=lambda n: (-len(n.form), n.form))
    return tuple(needles), shown


def _replacement(person: Person | None, org: str | None) -> str:
    """What the public reads for a withheld name: "ambtenaar JenV", or "(JenV)"."""
    function = person.function if person else None
    if function and org:
        return f"{function} {org}"
    if org:
        return f"({org})"
    return f"({function})" if function else "(…)"


def _records(meetings, config: Config, people: People, register) -> dict[str, PersonRecord]:
    attended, owned = defaultdict(list), defaultdict(list)
    for meeting in meetings:
        for attendee in meeting.attendees:
            person = people.find(attendee.name)
            if person and meeting.key not in attended[person.name]:
                attended[person.name].append(meeting.key)
    for key, action in register.actions.items():
        for owner in action.owners:
            person = people.find(owner.name)
            if person and key not in owned[person.name]:
                owned[person.name].append(key)
    records = {}
    for person in config.people:
        if person.withheld and people.audience == "public":
            continue
        slug = person_slug(person.name)
        if not slug:                # a name of signs only has no URL; it is still matched
            continue
        records.setdefault(slug, PersonRecord(
            slug, person.name, person.orgs, person.function, person.withheld,
            tuple(attended[person.name]), tuple(owned[person.name])))
    return records


PARTICLES = frozenset({"van", "der", "den", "de", "v", "d", "vd", "ter", "ten", "te", "het",
                       "t", "in", "op", "la", "le", "du", "von", "zu"})


def _skeleton(name: str) -> tuple[str, tuple[str, ...]]:
    """A name's surname without particles, and the initials before it: `v.d. Burg` and
    `Van der Burg` are ("burg", ()), `P. Jansen` is ("jansen", ("p",))."""
    words = [w for w in fold(strip_honorific(name)).split() if w not in PARTICLES]
    return (words[-1], tuple(w[0] for w in words[:-1])) if words else ("", ())


def _alike(one: tuple, other: tuple) -> bool:
    shorter, longer = sorted((one[1], other[1]), key=len)
    return bool(one[0]) and one[0] == other[0] and longer[:len(shorter)] == shorter


def spelling_problems(meetings: list[Meeting], config: Config) -> list:
    """A name written in a spelling the registry does not know, that looks like a
    registered person ("v.d. Burg" for Van der Burg): a warning, as it may be someone
    else, but a withheld person's name written so would be published."""
    from ..problems import warning
    known = {fold(form) for p in config.people for form in (p.name, *p.aliases)}
    skeletons = [(p, _skeleton(form)) for p in config.people for form in (p.name, *p.aliases)]
    problems = set()
    for meeting in meetings:
        written = [(a.name, a.line) for a in (*meeting.attendees, *meeting.absent)]
        written += [(o.name, a.line) for a in meeting.actions for o in a.owners]
        for name, line in written:
            if not name or fold(strip_honorific(name)) in known:
                continue
            shape = _skeleton(name)
            alike = sorted({p.name for p, other in skeletons if _alike(shape, other)})
            if alike:
                problems.add(warning(meeting.path, line, f"`{name}` looks like "
                                     f"{' or '.join(alike)} of [[people]] — write the name as "
                                     "the registry does, or add this spelling to their "
                                     "`aliases`"))
    return sorted(problems)
