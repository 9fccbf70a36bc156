"""Markdown to sanitised HTML, with placeholders for what the link stage decides later.

A placeholder is `\ufdd0` + kind letter + index + `\ufdd1`. U+FDD0/U+FDD1 are Unicode
noncharacters (load.py replaces any in the input), they pass Markdown and nh3 untouched.
Kinds: R reference, A action, D decision, U status line, M members block,
H agenda-item heading (only during conversion).
"""
from __future__ import annotations

import re

import nh3

from ..i18n import translate

OPEN, CLOSE = "\ufdd0", "\ufdd1"
PLACEHOLDER = re.compile(f"{OPEN}([RADUM])(\\d+){CLOSE}")
_HEADING_SPLIT = re.compile(f"<p>{OPEN}H(\\d+){CLOSE}</p>\n?")
_BLOCK_PARAGRAPH = re.compile(f"<p>({OPEN}M\\d+{CLOSE})</p>")
_FOOTNOTE_IDS = re.compile(r'(id="|href="#)(fn|fnref):')
_CHARACTER_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")
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
        _converters[language] = new_converter(language)
    return _converters[language]


def new_converter(language: str, plain_text: bool = True):
    """The Markdown converter of a language; `plain_text` off only to test plain_text.py."""
    import markdown  # imported on first use: warm rebuilds read everything from the cache
    from .plain_text import PlainText
    return markdown.Markdown(
        extensions=["tables", "fenced_code", "footnotes", "abbr", "sane_lists", "def_list",
                    *([PlainText()] if plain_text else [])],
        extension_configs={"tables": {"use_align_attribute": True},
                           "footnotes": {"BACKLINK_TITLE": BACKLINK_TITLES[language]}},
        output_format="html")


def to_html(text: str, language: str) -> str:
    """Markdown to HTML through the allow-list: no script, handler, style or javascript: URL."""
    converter = _converter(language)
    converter.reset()
    text = disarm_character_references(text)
    # `align` is obsolete HTML and inline styles are blocked by a strict CSP: use classes.
    html = _ALIGN.sub(r' class="align-\1"', sanitise(converter.convert(text)))
    # Wide tables scroll inside their own box on a phone; focusable, so keys can scroll it.
    label = translate(language, "Table")
    return html.replace("<table>", f'<div class="table-scroll" role="region" tabindex="0" '
                                   f'aria-label="{label}"><table>').replace("</table>",
                                                                           "</table></div>")


def sanitise(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel=None, strip_comments=True)


def split_document(html: str) -> tuple[list[str], str]:
    """Cut converted HTML into [intro, item 1, item 2, …] and the footnotes."""
    footnotes = ""
    found = _FOOTNOTES.search(html)
    if found:
        footnotes, html = found.group(0).strip(), html[:found.start()]
    html = _BLOCK_PARAGRAPH.sub(r"\1", html)        # the block's own HTML is a <div>
    parts = _HEADING_SPLIT.split(html)
    return [parts[0]] + parts[2::2], footnotes


def stray_headings(chunks: list[str]) -> list[int]:
    """Agenda headings Markdown did not see (inside raw HTML): their placeholder is left."""
    return [int(n) for chunk in chunks for n in re.findall(f"{OPEN}H(\\d+){CLOSE}", chunk)]


def block_html(markdown: str, number: int, language: str) -> str:
    """A members block converted on its own; its footnote ids cannot clash with the page's."""
    return _FOOTNOTE_IDS.sub(rf"\1m{number}-\2:", to_html(markdown, language))


def disarm_character_references(text: str) -> str:
    """`&#xfdd0;` would decode to a placeholder character after sanitising: make it U+FFFD."""
    def replace(match: re.Match) -> str:
        code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
        return "&#xfffd;" if 0xFDD0 <= code <= 0xFDEF or code > 0x10FFFF else match.group(0)
    return _CHARACTER_REFERENCE.sub(replace, text) if "&#" in text else text
