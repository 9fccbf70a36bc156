"""config.toml, read into typed, frozen settings; unknown keys are errors naming their line."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..digests import digest
from ..problems import Problem, error, not_utf8
from .files import CONTROLS, NONCHARACTERS
from .people import PeopleDefault, Person, read_people
from .woo import Term, WooSettings, check_woo_base_url, check_woo_category, check_woo_settings

LANGUAGES = ("nl", "en")
# The built-in keywords, both languages always (SPEC); [keywords] may add more.
DEFAULT_KEYWORDS = {
    "action": ("Actie", "Action", "ACTION"),
    "decision": ("Besluit", "Decision", "RESOLVED"),
    "done": ("Afgerond", "Done"),
    "dropped": ("Vervallen", "Dropped"),
    "update": ("Stand", "Update"),
}
KEYWORD_KINDS = ("action", "decision", "done", "dropped", "update", "action_section")
# Paths the engine itself writes at the top of the site; a body or free page may not take them.
# The longest body key, organisation code (as a URL) or anchor: each names a folder of the
# output, and file systems stop at 255 bytes; past 80 a URL is no longer readable anyway.
MAX_NAME = 80
RESERVED_NAMES = frozenset({
    "topics", "actions", "decisions", "organisations", "search", "data", "feed.xml",
    "sitemap.xml", "robots.txt", "404.html", "static", "pagefind", "index.html", "pages",
    "assets", "__notulist", "diwoo", "leden", "people",  # diwoo/: Woo-index; /leden/: members
})
SITE_KEYS = {"title": str, "base_url": str, "language": str, "description": str, "search": bool,
             "accessibility_statement": str}
BODY_KEYS = {"name": str, "short": str, "language": str, "description": str, "approval": str,
             "drafts": str, "woo_category": str}
APPROVALS = ("later-meeting", "none")      # minutes approved by a later meeting, or final
DRAFTS = ("publish", "withhold")           # drafts in the public build with a mark, or not
BODY_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# Codes and short names are filter values of the search page, which Pagefind's interface
# puts in as HTML: letters, digits and a few marks only (short names may hold spaces).
ORG_CODE = re.compile(r"^[^\W_][\w.+-]*$")
BODY_SHORT = re.compile(r"^[^\W_][\w .+-]*$")


@dataclass(frozen=True)
class Body:
    key: str
    name: str
    short: str
    language: str
    description: str = ""
    approval: str = "later-meeting"     # one of APPROVALS
    drafts: str = "publish"             # one of DRAFTS
    woo_category: Term | None = None    # overrides [woo] category


@dataclass(frozen=True)
class Organisation:
    code: str
    name: str
    slug: str


@dataclass(frozen=True)
class Config:
    root: Path                      # the site folder: content/, templates/, static/ live here
    path: Path
    title: str
    base_url: str
    language: str
    description: str
    bodies: dict[str, Body]
    organisations: dict[str, Organisation]
    keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)
    search: bool = True             # full-text search at /search/ (Pagefind)
    source_digest: str = ""         # of config.toml's bytes: every page depends on them
    accessibility_statement: str = ""   # URL of the site's accessibility statement
    woo: WooSettings | None = None  # the Woo-index output, off without a [woo] table
    warnings: tuple[Problem, ...] = ()  # odd but usable settings, reported by every build
    people: tuple[Person, ...] = ()                     # the [[people]] registry
    people_default: PeopleDefault = PeopleDefault()     # the rule for everyone else

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    def fingerprint(self) -> str:
        """What per-file parsing depends on: a change here invalidates the parse cache."""
        return repr((sorted(self.organisations), sorted(self.keywords.items()),
                     sorted((b.key, b.language) for b in self.bodies.values()), self.language,
                     [(p.name, p.aliases, p.orgs) for p in self.people]))


def load_config(path: Path) -> tuple[Config | None, list[Problem]]:
    """Read and validate config.toml; returns (None, problems) when it cannot be used."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [error(path, 1, f"cannot read the config file ({exc.strerror}) — "
                                    "pass the right file with --config")]
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")    # a BOM, as Notepad saves
    except UnicodeDecodeError as exc:
        return None, [not_utf8(path, data, exc, "config.toml")]
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = _decode_error_line(str(exc))
        return None, [error(path, line, f"config.toml is not valid TOML: {exc} — fix the syntax")]
    config, problems = _validate(path, text, _cleaned(raw))
    return (replace(config, source_digest=digest(data)) if config else None), problems


def _cleaned(value):
    """TOML escapes (`"\\u0001"`) can make what the loader replaces in content files."""
    if isinstance(value, str):
        return CONTROLS.sub("\ufffd", NONCHARACTERS.sub("\ufffd", value))
    if isinstance(value, dict):
        return {key: _cleaned(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    return value


def _decode_error_line(message: str) -> int:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else 1


def find_line(text: str, table: str | None, key: str | None = None) -> int:
    """The line of `[table]` (or of `key` inside it) in a TOML text; 1 when not found."""
    current, header_line = None, 1
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        header = re.match(r"^\[\s*([^\]]+?)\s*\]", stripped)
        if header:
            current = header.group(1).replace('"', "").replace(" ", "")
            if table and key is None and (current == table or current.startswith(table + ".")):
                return number
            header_line = number if current == table else header_line
            continue
        if current == table and key is not None:  # table None: keys before the first header
            if re.match(rf'^"?{re.escape(key)}"?\s*=', stripped):
                return number
    return header_line if table else 1


def _validate(path: Path, text: str, raw: dict) -> tuple[Config | None, list[Problem]]:
    problems: list[Problem] = []
    for table, value in raw.items():
        if table == "people":
            continue                # an array of tables: read_people checks it
        if not isinstance(value, dict):
            problems.append(error(path, find_line(text, None, table), f"`{table}` stands "
                                  "outside any table — put it under [site] or remove it"))
        elif table not in ("site", "bodies", "organisations", "keywords", "woo",
                           "people_default"):
            problems.append(error(path, find_line(text, table), f"unknown table [{table}] — "
                                  "allowed: [site], [bodies.<key>], [organisations], "
                                  "[keywords], [woo], [[people]], [people_default]"))
    site = _check_table(path, text, "site", _table(raw, "site"), SITE_KEYS, problems)
    if not re.match(r"^https?://[^/\s]+", site.get("base_url", "https://x")):
        problems.append(error(path, find_line(text, "site", "base_url"), "base_url must be an "
                              "absolute URL, like \"https://example.org/minutes/\""))
    for required in ("title", "base_url"):
        if required not in site:
            problems.append(error(path, find_line(text, "site"),
                                  f"[site] needs `{required} = \"…\"` — add it"))
    language = site.get("language", "nl")
    if language not in LANGUAGES:
        problems.append(error(path, find_line(text, "site", "language"),
                              f"unknown language {language!r} — use one of: nl, en"))
    bodies = _bodies(path, text, _table(raw, "bodies"), language, problems)
    organisations = _organisations(path, text, _table(raw, "organisations"), problems)
    keywords = _keywords(path, text, _table(raw, "keywords"), problems)
    woo = _woo(path, text, raw, site.get("base_url", ""), problems)
    statement = site.get("accessibility_statement", "")
    if statement and not re.match(r"^https?://[^/\s]+", statement):
        problems.append(error(path, find_line(text, "site", "accessibility_statement"),
                              "accessibility_statement must be an absolute URL, like "
                              "\"https://example.org/toegankelijkheid\""))
    people, people_default = read_people(path, text, raw, organisations, problems)
    if any(not p.warning for p in problems):
        return None, problems
    base_url = site["base_url"] if site["base_url"].endswith("/") else site["base_url"] + "/"
    return Config(root=path.parent.resolve(), path=path, title=site["title"], base_url=base_url,
                  language=language, description=site.get("description", ""), bodies=bodies,
                  organisations=organisations, keywords=keywords,
                  search=site.get("search", True), accessibility_statement=statement,
                  woo=woo, warnings=tuple(problems), people=people,
                  people_default=people_default), problems


def _table(raw: dict, name: str) -> dict:
    value = raw.get(name, {})
    return value if isinstance(value, dict) else {}


def _check_table(path, text, table, values, allowed, problems) -> dict:
    for key, value in values.items():
        line = find_line(text, table, key)
        if key not in allowed:
            problems.append(error(path, line, f"unknown key `{key}` in [{table}] — allowed: "
                                  + ", ".join(allowed)))
        elif not isinstance(value, allowed[key]):
            problems.append(error(path, line, f"`{key}` in [{table}] must be " + (
                "true or false" if allowed[key] is bool else "text in quotes")))
    return {k: v for k, v in values.items() if k in allowed and isinstance(v, allowed[k])}


def _bodies(path, text, raw, site_language, problems) -> dict[str, Body]:
    bodies = {}
    if not raw:
        problems.append(error(path, 1, "no bodies defined — add a table like "
                              "[bodies.board] with name = \"…\""))
    for key, values in raw.items():
        table = f"bodies.{key}"
        line = find_line(text, table)
        if not isinstance(values, dict):
            problems.append(error(path, find_line(text, "bodies", key), f"`{key}` in [bodies] "
                                  f"must be a table of its own: [{table}] with name = \"…\""))
            continue
        if not BODY_KEY.match(key) or key in RESERVED_NAMES or len(key) > MAX_NAME:
            problems.append(error(path, line, f"body key `{key}` cannot be used in URLs — use "
                                  "lower-case letters, digits and dashes, not a reserved name, "
                                  f"at most {MAX_NAME} characters"))
            continue
        body = _check_table(path, text, table, values, BODY_KEYS, problems)
        if "name" not in body:
            problems.append(error(path, line, f"[{table}] needs `name = \"…\"` — add it"))
        language = body.get("language", site_language)
        if "language" in body and language not in LANGUAGES:
            problems.append(error(path, find_line(text, table, "language"),
                                  f"unknown language {language!r} — use one of: nl, en"))
        if not BODY_SHORT.match(body.get("short", key)):
            problems.append(error(path, find_line(text, table, "short"), f"short name "
                                  f"`{body['short']}` of [{table}] may hold only letters, "
                                  "digits, spaces, `.`, `-`, `_` and `+` — shorten it"))
        bodies[key] = Body(key, body.get("name", key), body.get("short", key.upper()),
                           language, body.get("description", ""),
                           *_lifecycle(path, text, table, body, problems))
    return bodies


def _lifecycle(path, text, table, body, problems) -> tuple[str, str, Term | None]:
    """A body's approval and drafts rules and its Woo information category."""
    chosen = []
    for key, allowed in (("approval", APPROVALS), ("drafts", DRAFTS)):
        value = body.get(key, allowed[0])
        if value not in allowed:
            problems.append(error(path, find_line(text, table, key), f"`{key} = \"{value}\"` "
                                  f"in [{table}] is not allowed — use one of: "
                                  + ", ".join(f'"{a}"' for a in allowed)))
            value = allowed[0]
        chosen.append(value)
    category = None
    if "woo_category" in body:
        category, found = check_woo_category(path, body["woo_category"],
                                             find_line(text, table, "woo_category"))
        problems.extend(found)
    return chosen[0], chosen[1], category


def _woo(path, text, raw, base_url, problems) -> WooSettings | None:
    if not isinstance(raw.get("woo"), dict):
        return None
    woo, found = check_woo_settings(path, raw["woo"],
                                    lambda key: find_line(text, "woo", key))
    problems.extend(found)
    problems.extend(check_woo_base_url(path, base_url, find_line(text, "site", "base_url")))
    return woo


def _organisations(path, text, raw, problems) -> dict[str, Organisation]:
    from slugify import slugify     # imported here: a build with nothing to do never needs it
    organisations, slugs = {}, {}
    for code, name in raw.items():
        line = find_line(text, "organisations", code)
        if not isinstance(name, str):
            problems.append(error(path, line, f"organisation `{code}` must be "
                                  f"`{code} = \"Full name\"`"))
            continue
        slug = slugify(code)
        if not ORG_CODE.match(code) or not slug:
            problems.append(error(path, line, f"organisation code `{code}` may hold only "
                                  "letters, digits, `.`, `-`, `_` and `+` — shorten it"))
            continue
        if len(slug) > MAX_NAME:
            problems.append(error(path, line, f"organisation code `{code[:20]}…` is longer "
                                  f"than {MAX_NAME} characters — shorten it"))
            continue
        if slug in slugs:
            problems.append(error(path, line, f"organisation codes `{slugs[slug]}` and `{code}` "
                                  f"share the URL /organisations/{slug}/ — rename one"))
            continue
        slugs[slug] = code
        organisations[code] = Organisation(code, name, slug)
    return organisations


def _keywords(path, text, raw, problems) -> dict[str, tuple[str, ...]]:
    keywords = {}
    for kind, words in raw.items():
        line = find_line(text, "keywords", kind)
        if kind not in KEYWORD_KINDS:
            problems.append(error(path, line, f"unknown key `{kind}` in [keywords] — allowed: "
                                  + ", ".join(KEYWORD_KINDS)))
        elif not isinstance(words, list) or not all(isinstance(w, str) and w.strip()
                                                     for w in words):
            problems.append(error(path, line, f"[keywords] {kind} must be a list of words, "
                                  f"like {kind} = [\"Todo\"]"))
        else:
            keywords[kind] = tuple(w.strip() for w in words)
    problems += _taken_keywords(path, text, keywords)
    return keywords


def _taken_keywords(path, text, keywords: dict[str, tuple[str, ...]]) -> list[Problem]:
    """A keyword means one kind: one word of two kinds would silently turn into the other."""
    taken = {word.casefold(): (kind, "built in") for kind, words in DEFAULT_KEYWORDS.items()
             for word in words}
    problems = []
    for kind, words in keywords.items():
        for word in words:
            other, how = taken.setdefault(word.casefold(), (kind, "in [keywords]"))
            if other != kind:
                problems.append(error(path, find_line(text, "keywords", kind), f"keyword "
                                      f"`{word}` of {kind} is already a keyword of {other} "
                                      f"({how}) — choose another word"))
    return problems
