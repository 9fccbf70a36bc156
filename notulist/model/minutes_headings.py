"""Agenda items from `## ` headings: the number the secretariat wrote, the plain-text title,
the anchor (slug of the title, or an explicit `{#anchor}`)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from slugify import slugify

from ..load.config import MAX_NAME
from .minutes_syntax import collapse, plain_text
from ..problems import Problem, error, warning

# One to three digits, sub-numbers of one or two: `3.`, `3)`, `6.1`; never `2021` or `0.10.34`.
ITEM_NUMBER = re.compile(r"^[ \t]*([1-9]\d{0,2}(?:\.\d{1,2}){0,2})(?:\.?(?=[ \t]|$)|\)[ \t]*)"
                         r"[ \t]*")
EXPLICIT_ANCHOR = re.compile(r"[ \t]*\{#([^}]*)\}[ \t]*$")
ANCHOR = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass
class Heading:
    """An agenda item as written; its number and anchor are settled over the whole meeting."""
    number: str | None
    anchor: str
    title: str                      # plain text: link text kept, no URL, no markup
    line: int
    token_index: int                # of its heading_open in the main stream
    explicit: bool                  # the anchor was written as `{#anchor}`
    title_html: str = ""
    html: str = ""


def read_heading(inline, line: int, token_index: int) -> Heading:
    """Takes the number and `{#anchor}` off the heading's tokens, so title_html lacks them."""
    children = inline.children or []
    number, anchor = None, None
    if children and children[0].type == "text":
        found = ITEM_NUMBER.match(children[0].content)
        if found:
            number = found.group(1).rstrip(".")
            children[0].content = children[0].content[found.end():]
    if children and children[-1].type == "text":
        found = EXPLICIT_ANCHOR.search(children[-1].content)
        if found:
            anchor = found.group(1).strip()
            children[-1].content = children[-1].content[:found.start()]
    title = collapse(plain_text(_without_autolinks(children)))
    if anchor is None:
        return Heading(number, _slug(title), title, line, token_index, False)
    return Heading(number, anchor, title, line, token_index, True)


def _without_autolinks(children) -> list:
    """A written `<https://…>` is a URL, not words of the title."""
    kept, inside = [], False
    for token in children:
        if token.type == "link_open" and token.markup in ("autolink", "linkify"):
            inside = True
        elif inside and token.type == "link_close":
            inside = False
        elif not inside:
            kept.append(token)
    return kept


def _slug(title: str) -> str:
    return slugify(title, max_length=MAX_NAME, word_boundary=True, save_order=True)


def place_heading(items: list[Heading], item: Heading, path: str,
                  problems: list[Problem]) -> None:
    """The next item, with an anchor unique on the page (before anything refers to it)."""
    _check_anchor(item, {earlier.anchor for earlier in items}, path, problems)
    item.title = item.title or item.anchor
    items.append(item)


def number_headings(items: list[Heading], path: str, problems: list[Problem]) -> None:
    """Numbers as written or, when none is, 1, 2, … in order."""
    if all(item.number is None for item in items):
        for position, item in enumerate(items, 1):
            item.number = str(position)
        return
    numbers: set[str] = set()
    for item in (item for item in items if item.number is not None):
        if item.number in numbers:
            problems.append(warning(path, item.line, f"two agenda items are numbered "
                                    f"{item.number} — renumber one"))
        numbers.add(item.number)


def _check_anchor(item: Heading, seen: set[str], path: str, problems: list[Problem]) -> None:
    anchor, line = item.anchor, item.line
    if item.explicit and not ANCHOR.match(anchor):
        problems.append(error(path, line, f"anchor `{{#{anchor}}}` is not usable — "
                              "use lower-case letters, digits and dashes, like {#opvang}"))
    elif item.explicit and len(anchor) > MAX_NAME:
        problems.append(error(path, line, f"anchor `{{#{anchor[:20]}…}}` is longer "
                              f"than {MAX_NAME} characters — shorten it"))
    elif not anchor or anchor.isdigit():
        problems.append(error(path, line, "this agenda item needs a title with "
                              "letters, or an anchor like `{#opvang}` at the end"))
    if anchor not in seen:
        return
    if item.explicit:
        problems.append(error(path, line, f"two agenda items have the anchor `{anchor}` — "
                              "give one an explicit `{#other-anchor}`"))
        return
    suffix = 2
    while f"{anchor}-{suffix}" in seen:
        suffix += 1
    item.anchor = f"{anchor}-{suffix}"
    problems.append(warning(path, line, f"two agenda items have the anchor `{anchor}`; this "
                            f"one is `{item.anchor}` — give it an explicit `{{#anchor}}` so "
                            "links to it stay stable"))
