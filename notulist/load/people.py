"""The people registry of config.toml: `[[people]]` tables and `[people_default]`."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..names import fold, strip_honorific
from ..problems import Problem, error

PUBLISH = ("public", "withheld")
DEFAULT_GROUND = "5.1.2e"           # Woo art. 5.1.2e: the personal privacy of civil servants
PERSON_KEYS = ("name", "org", "function", "publish", "ground", "aliases")
DEFAULT_KEYS = ("publish", "ground")


@dataclass(frozen=True)
class Person:
    name: str
    orgs: tuple[str, ...]           # organisation codes; the first is shown for a withheld name
    function: str | None            # "ambtenaar": shown with the organisation when withheld
    publish: str                    # public | withheld
    ground: str                     # the Woo ground of a withheld name
    aliases: tuple[str, ...]
    line: int                       # of its [[people]] header in config.toml

    @property
    def withheld(self) -> bool:
        return self.publish == "withheld"

    @property
    def org(self) -> str | None:
        return self.orgs[0] if self.orgs else None


@dataclass(frozen=True)
class PeopleDefault:
    """The rule for a person the registry does not name."""
    publish: str = "public"
    ground: str = DEFAULT_GROUND


def read_people(path, text: str, raw: dict, organisations, problems: list[Problem]
                ) -> tuple[tuple[Person, ...], PeopleDefault]:
    """The registry and the default rule; every mistake becomes a problem with its line."""
    entries = raw.get("people", [])
    headers = [n for n, line in enumerate(text.splitlines(), 1)
               if re.match(r"^\s*\[\[\s*people\s*\]\]", line)]
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        problems.append(error(path, _key_line(text, "people"), "people must be written as "
                              "[[people]] tables, one per person, with name = \"…\""))
        entries = []
    people = []
    for index, entry in enumerate(entries):
        header = headers[index] if index < len(headers) else 1
        person = _person(path, text, header, entry, organisations, problems)
        if person:
            people.append(person)
    _check_names(path, people, problems)
    return tuple(people), _default(path, text, raw.get("people_default", {}), problems)


def _key_line(text: str, key: str, start: int = 1) -> int:
    """The line of `key = …` at or after line `start` (up to the next table); else start."""
    for number, line in enumerate(text.splitlines()[start - 1:], start):
        if number > start and line.lstrip().startswith("["):
            break
        if re.match(rf'^\s*"?{re.escape(key)}"?\s*=', line):
            return number
    return start


def _texts(value) -> tuple[str, ...] | None:
    """A text or a list of texts as a tuple; None when it is neither."""
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        return None
    return tuple(v.strip() for v in values)


def _person(path, text, header, entry: dict, organisations, problems) -> Person | None:
    line_of = lambda key: _key_line(text, key, header)
    for key in entry:
        if key not in PERSON_KEYS:
            problems.append(error(path, line_of(key), f"unknown key `{key}` in [[people]] — "
                                  f"allowed: {', '.join(PERSON_KEYS)}"))
    name = entry.get("name")
    if not isinstance(name, str) or not strip_honorific(name):
        problems.append(error(path, header, "[[people]] needs `name = \"…\"` — add the "
                              "person's name"))
        return None
    orgs = _texts(entry.get("org", []))
    for code in orgs or ():
        if code not in organisations:
            problems.append(error(path, line_of("org"), f"unknown organisation `{code}` for "
                                  f"{name} — add `{code} = \"Full name\"` to [organisations]"))
    aliases = _texts(entry.get("aliases", []))
    for key, value in (("org", orgs), ("aliases", aliases)):
        if value is None:
            problems.append(error(path, line_of(key), f"`{key}` of {name} must be text or a "
                                  f"list of texts, like {key} = [\"…\"]"))
    function, ground = entry.get("function"), entry.get("ground", DEFAULT_GROUND)
    for key, value in (("function", function), ("ground", ground)):
        if value is not None and not isinstance(value, str):
            problems.append(error(path, line_of(key), f"`{key}` of {name} must be text in "
                                  "quotes"))
    publish = _publish(path, line_of("publish"), entry.get("publish", "public"), problems)
    return Person(strip_honorific(name), orgs or (), function if isinstance(function, str)
                  else None, publish, ground if isinstance(ground, str) else DEFAULT_GROUND,
                  tuple(strip_honorific(a) for a in aliases or ()), header)


def _publish(path, line, value, problems) -> str:
    if value not in PUBLISH:
        problems.append(error(path, line, f"`publish = {value!r}` is not allowed — use "
                              "\"public\" or \"withheld\""))
        return "withheld"           # when in doubt, a name is not published
    return value


def _check_names(path, people: list[Person], problems: list[Problem]) -> None:
    """One written form names one person: two people may not share a name or an alias."""
    owner: dict[str, Person] = {}
    for person in people:
        for written in dict.fromkeys((person.name, *person.aliases)):
            other = owner.setdefault(fold(written), person)
            if other is not person:
                problems.append(error(path, person.line, f"`{written}` of {person.name} also "
                                      f"names {other.name} (line {other.line}) — give each "
                                      "person a name or alias of their own, like the full "
                                      "name"))


def _default(path, text, raw, problems) -> PeopleDefault:
    if not isinstance(raw, dict):
        problems.append(error(path, _key_line(text, "people_default"), "people_default must "
                              "be a table: [people_default] with publish = \"…\""))
        return PeopleDefault()
    header = next((n for n, line in enumerate(text.splitlines(), 1)
                   if re.match(r"^\s*\[\s*people_default\s*\]", line)), 1)
    for key in raw:
        if key not in DEFAULT_KEYS:
            problems.append(error(path, _key_line(text, key, header), f"unknown key `{key}` "
                                  f"in [people_default] — allowed: {', '.join(DEFAULT_KEYS)}"))
    ground = raw.get("ground", DEFAULT_GROUND)
    if not isinstance(ground, str):
        problems.append(error(path, _key_line(text, "ground", header), "`ground` in "
                              "[people_default] must be text in quotes"))
        ground = DEFAULT_GROUND
    publish = _publish(path, _key_line(text, "publish", header),
                       raw.get("publish", "public"), problems)
    return PeopleDefault(publish, ground)
