"""Markdown to sanitised HTML, with placeholders for what the link stage decides later.

A placeholder is `\ufdd0` + kind letter + index + `\ufdd1`. U+FDD0/U+FDD1 are Unicode
noncharacters (load.py replaces any in the input), they pass Markdown and nh3 untouched.
Kinds: R reference, A action, D decision, U status line, M members block,
H agenda-item heading, B/E start/end of a members block (only during conversion).
"""
from __future__ import annotations

import re

import nh3

OPEN, CLOSE = "\ufdd0", "\ufdd1"
PLACEHOLDER = re.compile(f"{OPEN}([RADUM])(\\d+){CLOSE}")
_HEADING_SPLIT = re.compile(f"<p>{OPEN}H(\\d+){CLOSE}</p>\n?")
_BLOCK = re.compile(f"<p>{OPEN}B(\\d+){CLOSE}</p>\n?(.*?)<p>{OPEN}E\\1{CLOSE}</p>\n?", re.S)
_FOOTNOTES = re.compile(r'\n?<div class="footnote">.*</div>\s*$', re.S)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div",
    "dl", "dt", "em", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
    "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"lang", "title", "dir"},
    "a": {"href", "id", "class"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height"},
    "li": {"id"}, "sup": {"id"}, "div": {"class"}, "code": {"class"}, "span": {"class"},
    "td": {"align", "colspan", "rowspan"}, "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start", "type"}, "time": {"datetime"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def placeholder(kind: str, index: int) -> str:
    return f"{OPEN}{kind}{index}{CLOSE}"


def block_line(kind: str, index: int) -> str:
    """A placeholder standing alone as a paragraph, so Markdown closes any open list."""
    return f"\n{placeholder(kind, index)}\n"


_ALIGN = re.compile(r' align="(left|right|center)"')
BACKLINK_TITLES = {"nl": "Terug naar voetnoot %d in de tekst",
                   "en": "Back to footnote %d in the text"}
_converters: dict = {}


def _converter(language: str):
    if language not in _converters:
        import markdown  # imported on first use: warm rebuilds read everything from the cache
        _converters[language] = markdown.Markdown(
            extensions=["tables", "fenced_code", "footnotes", "abbr", "sane_lists", "def_list"],
            extension_configs={"tables": {"use_align_attribute": True},
                               "footnotes": {"BACKLINK_TITLE": BACKLINK_TITLES[language]}},
            output_format="html")
    return _converters[language]


def to_html(text: str, language: str) -> str:
    """Markdown to HTML through the allow-list: no script, handler, style or javascript: URL."""
    converter = _converter(language)
    converter.reset()
    # `align` is obsolete HTML and inline styles are blocked by a strict CSP: use classes.
    html = _ALIGN.sub(r' class="align-\1"', sanitise(converter.convert(text)))
    # Wide tables scroll inside their own box on a phone; focusable, so keys can scroll it.
    return html.replace("<table>", '<div class="table-scroll" tabindex="0"><table>') \
               .replace("</table>", "</table></div>")


def sanitise(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel=None, strip_comments=True)


def split_document(html: str) -> tuple[list[str], dict[int, str], str]:
    """Cut converted HTML into [intro, item 1, item 2, …], members blocks and footnotes."""
    footnotes = ""
    found = _FOOTNOTES.search(html)
    if found:
        footnotes, html = found.group(0).strip(), html[:found.start()]
    blocks = {}

    def take_block(match: re.Match) -> str:
        blocks[int(match.group(1))] = match.group(2)
        return placeholder("M", int(match.group(1))) + "\n"

    html = _BLOCK.sub(take_block, html)
    parts = _HEADING_SPLIT.split(html)
    chunks = [parts[0]] + parts[2::2]
    return chunks, blocks, footnotes
