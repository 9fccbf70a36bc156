"""The [woo] table of config.toml, checked against the DiWoo value lists shipped in the package.

Messages are English, like every other config problem: problems are not translated today.
"""
from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..problems import Problem, error, warning

TOOI_KERN = "https://identifier.overheid.nl/tooi/def/thes/kern/"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
# NNN of an index file: the letter of the category in art. 3.3 lid 2 Woo (a = 001 … q = 017),
# as the DiWoo examples number them (onderzoeksrapporten, letter o, is infocat015); the
# inspanningsverplichting of art. 3.1 comes after them as 018.
INFOCAT_NUMBERS = {TOOI_KERN + code: number for number, code in enumerate((
    "c_139c6280", "c_aab6bfc7", "c_759721e2", "c_40a05794", "c_89ee6784", "c_8c840238",
    "c_c76862ab", "c_db4862c3", "c_3a248e3a", "c_99a836c7", "c_8fc2335c", "c_c6cd1213",
    "c_cf268088", "c_3baef532", "c_fdaee95e", "c_46a81018", "c_a870c43d", "c_816e508d"), 1)}


@dataclass(frozen=True, order=True)
class Term:
    """A value of a DiWoo value list: its URI (the `resource`) and the list's label."""
    uri: str
    label: str


VASTSTELLING = Term(TOOI_KERN + "c_641ecd76", "vaststelling")
VERGADERVERSLAG = Term(TOOI_KERN + "c_42e406dd", "vergaderverslag")
HTML = Term("http://publications.europa.eu/resource/authority/file-type/HTML", "HTML")
LANGUAGES = {"nl": Term(EU_LANGUAGE + "NLD", "Nederlands"),
             "en": Term(EU_LANGUAGE + "ENG", "Engels")}
LISTS_PATH = Path(__file__).with_name("diwoo-lists.json")   # tools/extract_diwoo_lists.py
WOO_KEYS = ("publisher", "publisher_name", "category", "document_kind")
ART_3_1 = "https://identifier.overheid.nl/tooi/def/thes/kern/c_816e508d"


@dataclass(frozen=True)
class WooSettings:
    publisher: Term                 # the organisation that publishes, with its name
    category: Term                  # the default information category of every body
    document_kind: Term = VERGADERVERSLAG


@functools.lru_cache(maxsize=None)
def value_lists() -> dict[str, dict[str, str]]:
    """{list name: {uri: label}}: organisation, information_category, document_kind, …"""
    return json.loads(LISTS_PATH.read_text(encoding="utf-8"))["lists"]


def check_woo_settings(path: Path | str, raw: dict, find_line: Callable[[str | None], int]
                       ) -> tuple[WooSettings | None, list[Problem]]:
    """The [woo] table as settings; find_line(key) is the line of `key` in it (None: the table)."""
    problems: list[Problem] = []
    for key, value in raw.items():
        if key not in WOO_KEYS:
            problems.append(error(path, find_line(key), f"unknown key `{key}` in [woo] — "
                                  "allowed: " + ", ".join(WOO_KEYS)))
        elif not isinstance(value, str):
            problems.append(error(path, find_line(key), f"`{key}` in [woo] must be text "
                                  "in quotes"))
    values = {k: v for k, v in raw.items() if k in WOO_KEYS and isinstance(v, str)}
    for required, example in (("publisher", "https://identifier.overheid.nl/tooi/id/…"),
                              ("category", ART_3_1)):
        if required not in raw:
            problems.append(error(path, find_line(None), f"[woo] needs `{required} = "
                                  f"\"{example}\"` — add it"))
    publisher = _publisher(path, values, find_line, problems)
    category = _term_of(path, values.get("category"), "information_category",
                        find_line("category"), problems)
    kind = _term_of(path, values.get("document_kind", VERGADERVERSLAG.uri), "document_kind",
                    find_line("document_kind"), problems)
    if any(not p.warning for p in problems) or not (publisher and category and kind):
        return None, problems
    return WooSettings(publisher, category, kind), problems


def check_woo_category(path: Path | str, uri: str, line: int
                       ) -> tuple[Term | None, list[Problem]]:
    """A body's `woo_category`: a TOOI information category of the value list."""
    problems: list[Problem] = []
    return _term_of(path, uri, "information_category", line, problems), problems


def check_woo_base_url(path: Path | str, base_url: str, line: int) -> list[Problem]:
    """The Woo-index harvests https URLs only, and every `loc` is made from base_url."""
    if base_url.startswith("https://"):
        return []
    return [error(path, line, "the Woo-index only reads https addresses — make base_url "
                  "start with https:// or remove the [woo] table")]


def _publisher(path, values: dict, find_line, problems: list[Problem]) -> Term | None:
    found = _term_of(path, values.get("publisher"), "organisation", find_line("publisher"),
                     problems)
    if found is None:
        return None
    name = values.get("publisher_name", found.label)
    if _folded(name) != _folded(found.label):
        problems.append(warning(path, find_line("publisher_name"), f"publisher_name {name!r} "
                                f"differs from the value list's name {found.label!r} for "
                                f"{found.uri} — the index shows {name!r}; check it is the "
                                "same organisation"))
    return Term(found.uri, name)


def _term_of(path, value: str | None, list_name: str, line: int,
             problems: list[Problem]) -> Term | None:
    """The Term of `value` in a value list; a bare code (c_816e508d) is taken with a warning."""
    if value is None:
        return None
    terms = value_lists()[list_name]
    if value in terms and (list_name != "information_category" or value in INFOCAT_NUMBERS):
        return Term(value, terms[value])
    code = value.strip().rstrip("/").rsplit("/", 1)[-1]
    matches = [uri for uri in terms if uri.rsplit("/", 1)[-1] == code] if code else []
    if len(matches) == 1:
        problems.append(warning(path, line, f"{value!r} is taken as {matches[0]} — write the "
                                "full URI"))
        return Term(matches[0], terms[matches[0]])
    problems.append(error(path, line, f"{value!r} is not in the DiWoo value list of "
                          f"{_LIST_NAMES[list_name]} — {_HINTS[list_name]}"))
    return None


def _folded(name: str) -> str:
    return " ".join(name.split()).casefold()


_LIST_NAMES = {"organisation": "organisations", "information_category":
               "information categories", "document_kind": "document kinds"}
_HINTS = {
    "organisation": "use the TOOI URI of your organisation, like "
                    "https://identifier.overheid.nl/tooi/id/ministerie/mnre1058 (look it up "
                    "at organisaties.overheid.nl or in the value lists)",
    "information_category": f"use a TOOI information category, like {ART_3_1} "
                            "(inspanningsverplichting art 3.1 Woo)",
    "document_kind": f"leave document_kind out for {VERGADERVERSLAG.uri} (vergaderverslag), "
                     "or use another TOOI document kind",
}
