"""Reading a minutes body from markdown-it-py's tokens: agenda items, keyword lines,
references and members blocks, and the HTML of each part with placeholders (markup.py).

Members blocks are read apart: the text is parsed once to find their line ranges, each is
parsed on its own, and the rest again with each block replaced by its M placeholder line
(same line count), so nothing in a block (text, footnote, link definition) reaches the
public text. A text without `:::` is parsed once.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .markup import (align_cells, disarm_character_references, finish_html, placeholder,
                     prefix_footnotes)
from .minutes_entries import (Entry, KeywordRules, read_action_table, read_keyword_lines,
                              read_section_item)
from .minutes_headings import Heading, number_headings, place_heading, read_heading
from .minutes_syntax import (MAX_NESTING, TARGET, collapse, mark_task, minutes_parser,
                             normalise_target, plain_text)
from ..problems import Problem, error
from .members_blocks import MembersText, members_ranges

CUT = "\ufdd0-\ufdd1"                # between the parts of the main text while it is sanitised
ITEM_HEADING = re.compile(r"^[ \t]{0,3}##[ \t]")


@dataclass(frozen=True)
class Context:
    """What the reader needs to know of the file."""
    path: str
    body: str | None                # None for a free page: no items, no keyword lines
    language: str
    rules: KeywordRules
    meeting_date: dt.date | None = None


@dataclass
class Reading:
    """What a body says, in the order of the file."""
    intro_html: str = ""
    items: list[Heading] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    references: list[tuple] = field(default_factory=list)  # Reference fields, in order
    blocks: list[MembersText] = field(default_factory=list)
    footnotes_html: str = ""
    problems: list[Problem] = field(default_factory=list)


@dataclass
class _Stream:
    """The tokens of the main text or of one members block."""
    tokens: list
    env: dict
    offset: int                     # file line of the stream's first line
    block: int | None = None


def read_minutes(text: str, first_line: int, context: Context) -> Reading:
    md = minutes_parser(context.language)
    reading = Reading()
    text = disarm_character_references(text)
    env: dict = {}
    tokens = md.parse(text, env)
    ranges = members_ranges(tokens, text, first_line, context, reading) if ":::" in text else []
    streams = [_Stream(tokens, env, first_line)]
    if ranges:
        lines = text.split("\n")
        for number, (start, end) in enumerate(ranges):
            block_env: dict = {}
            block_tokens = md.parse("\n".join(lines[start + 1:end - 1]), block_env)
            streams.append(_Stream(block_tokens, block_env, first_line + start + 1, number))
            lines[start:end] = [placeholder("M", number)] + [""] * (end - start - 1)
        main_env: dict = {}
        streams[0] = _Stream(md.parse("\n".join(lines), main_env), main_env, first_line)
    references = []
    for stream in streams:
        _check_nesting(stream, context, reading)
        references += _read_stream(stream, context, reading)
    number_headings(reading.items, context.path, reading.problems)
    _number(reading, references, context)
    _render(md, streams, reading, context.language)
    return reading


def _check_nesting(stream: _Stream, context: Context, reading: Reading) -> None:
    """markdown-it stops reading deeper than maxNesting: say so rather than lose text."""
    deep = next((t for t in stream.tokens if t.level > MAX_NESTING and t.map
                 and t.type != "inline"), None)
    if deep is not None:
        reading.problems.append(error(context.path, stream.offset + deep.map[0],
                                      "lists or quotes are nested too deeply here (more "
                                      f"than {MAX_NESTING // 2} levels) — flatten them"))


def _read_stream(stream: _Stream, context: Context, reading: Reading) -> list[tuple]:
    """Items, entries and references of one stream; returns (line, token, stream) of each
    reference, numbered later in the order of the file."""
    tokens, members = stream.tokens, stream.block is not None
    item = _item_before(reading.items, stream.offset) if members else ""
    section, references, index = None, [], 0
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind == "heading_open":
            item = _heading(tokens, index, stream, context, reading) or item
            section = _section(tokens[index + 1], int(token.tag[1]), section, context.rules)
        elif kind == "html_block" and context.body and not members:
            _check_raw_html(token, stream, context, reading)
        elif kind == "table_open" and section is not None and context.body:
            entries, after = read_action_table(tokens, index, stream.offset)
            _keep(entries, item, members, reading)
            references += _references_of(tokens[index:after], stream, item, context, reading)
            index = after
            continue
        elif kind == "inline":
            references += _references_of((token,), stream, item, context, reading)
            if tokens[index - 1].type == "paragraph_open":
                _keep(_paragraph(tokens, index, section, stream, context), item, members,
                      reading)
        index += 1
    return references


def _heading(tokens, index: int, stream: _Stream, context: Context,
             reading: Reading) -> str | None:
    """A `## ` heading at the top of the main text is an agenda item: its anchor."""
    token = tokens[index]
    if token.tag != "h2" or token.level != 0 or not context.body:
        return None
    line = stream.offset + token.map[0]
    if stream.block is not None:
        reading.problems.append(error(context.path, line, "an agenda item cannot start inside "
                                      "a `::: members` block — close the block with `:::` "
                                      "first"))
        return None
    place_heading(reading.items, read_heading(tokens[index + 1], line, index), context.path,
                  reading.problems)
    return reading.items[-1].anchor


def _check_raw_html(token, stream: _Stream, context: Context, reading: Reading) -> None:
    for offset, content in enumerate(token.content.split("\n")):
        if ITEM_HEADING.match(content):
            reading.problems.append(error(context.path, stream.offset + token.map[0] + offset,
                                          "this agenda heading stands inside raw HTML — close "
                                          "the HTML element before the heading"))


def _paragraph(tokens, index: int, section: int | None, stream: _Stream,
               context: Context) -> list[Entry]:
    """The entries of a paragraph: keyword lines, or an item of an action list section."""
    inline, opener = tokens[index], tokens[index - 2] if index > 1 else None
    in_item = opener is not None and opener.type == "list_item_open"
    if in_item:
        mark_task(inline)
    if not context.body:
        return []
    line = stream.offset + inline.map[0]
    if section is not None and in_item and opener.level == 1:
        return read_section_item(inline, context.rules, line)
    return read_keyword_lines(inline, context.rules, line)


def _item_before(items: list[Heading], line: int) -> str:
    return next((h.anchor for h in reversed(items) if h.line < line), "")


def _section(inline, level: int, section: int | None, rules: KeywordRules) -> int | None:
    """The heading level of the action list section this heading opens, or still open."""
    title = collapse(plain_text(inline.children)).rstrip(":").lower()
    title = re.sub(r"^\d{1,3}(?:\.\d{1,2}){0,2}[.)]?\s+", "", title)
    if title in rules.sections:
        return level
    return section if section is not None and level > section else None


def _keep(entries: list[Entry], item: str, members: bool, reading: Reading) -> None:
    for entry in entries:
        entry.item, entry.members_only = item, members
    reading.entries += entries


def _references_of(tokens, stream: _Stream, item: str, context: Context,
                   reading: Reading) -> list[tuple]:
    found = []
    for token in tokens:
        if token.type != "inline" or not token.children or "[[" not in token.content:
            continue
        for child in token.children:
            if child.type != "reference":
                continue
            line = stream.offset + token.map[0] + child.meta["offset"]
            target = normalise_target(child.meta["written"], context.body)
            if target is None:
                _malformed(child, line, context, reading)
                child.type = "text"     # shown as written
                continue
            child.meta["target"] = target
            found.append((line, child, stream.block is not None, item))
    return found


def _malformed(child, line: int, context: Context, reading: Reading) -> None:
    written = child.meta["written"]
    if context.body is None and TARGET.match(written):
        message = (f"`[[{written}]]`: a free page belongs to no body — write body/id, "
                   "like [[lrt/2023-07-10]]")
    else:
        message = (f"`[[{written}]]` is not a reference I understand — write [[2023-07-10]], "
                   "[[lrt/2023-07-10#3]], [[2023-07-10#A2]] or [[topic:opvang]]")
    reading.problems.append(error(context.path, line, message))


def _number(reading: Reading, references: list[tuple], context: Context) -> None:
    """References and entries numbered in the order of the file, whichever stream."""
    references.sort(key=lambda found: found[0])
    for index, (line, token, members, item) in enumerate(references):
        token.meta["index"] = index
        reading.references.append((token.meta["target"], token.meta["written"],
                                   token.meta["label"], line, members, item))
    reading.entries.sort(key=lambda entry: entry.line)
    counts = {"A": 0, "D": 0, "U": 0}
    for entry in reading.entries:
        family = {"action": "A", "decision": "D"}.get(entry.kind, "U")
        entry.marker.content += placeholder(family, counts[family]) + " "
        counts[family] += 1
        entry.references = [t.meta["index"] for t in entry.reference_tokens
                            if "index" in t.meta]


def _render(md, streams: list[_Stream], reading: Reading, language: str) -> None:
    """The main text is rendered and sanitised as one document, cut at markers after."""
    for stream in streams:
        align_cells(stream.tokens)
    main, renderer, options = streams[0], md.renderer, md.options
    tokens = main.tokens
    tail = next((i for i, t in enumerate(tokens) if t.type == "footnote_block_open"),
                len(tokens))
    starts = [h.token_index for h in reading.items] + [tail]
    parts = [renderer.render(tokens[:starts[0]], options, main.env)]
    for heading, start, end in zip(reading.items, starts, starts[1:]):
        parts += [renderer.renderInline(tokens[start + 1].children, options, main.env),
                  renderer.render(tokens[start + 3:end], options, main.env)]
    parts.append(renderer.render(tokens[tail:], options, main.env))
    html = finish_html(CUT.join(parts), language)
    pieces = [piece.strip("\n") for piece in html.split(CUT)]
    if len(pieces) != len(parts):       # a marker inside raw HTML nh3 had to rewrite
        pieces = [finish_html(part, language).strip("\n") for part in parts]
    reading.intro_html, reading.footnotes_html = pieces[0], pieces[-1]
    for number, heading in enumerate(reading.items):
        heading.title_html, heading.html = pieces[1 + 2 * number].strip(), pieces[2 + 2 * number]
    for stream in streams[1:]:
        html = finish_html(renderer.render(stream.tokens, options, stream.env), language)
        reading.blocks[stream.block].html = prefix_footnotes(html.strip("\n"), stream.block)
