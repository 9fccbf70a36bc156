"""Rendered Markdown to sanitised HTML, with placeholders for what the link stage decides later.

A placeholder is `\ufdd0` + kind letter + index + `\ufdd1`. U+FDD0/U+FDD1 are Unicode
noncharacters (load.py replaces any in the input), they pass Markdown and nh3 untouched.
Kinds: R reference, A action, D decision, U status line, M members block.
"""
from __future__ import annotations

import re

import nh3

from ..i18n import translate

OPEN, CLOSE = "\ufdd0", "\ufdd1"
PLACEHOLDER = re.compile(f"{OPEN}([RADUM])(\\d+){CLOSE}")
_FOOTNOTE_IDS = re.compile(r'(id="|href="#)(fn|fnref):')
_CHARACTER_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")

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


_ALIGN = re.compile(r' align="(left|right|center)"')
_STYLE_ALIGN = re.compile(r"text-align:(left|right|center)")
BACKLINK_TITLES = {"nl": "Terug naar voetnoot %d in de tekst",
                   "en": "Back to footnote %d in the text"}


def finish_html(html: str, language: str) -> str:
    """Rendered HTML through the allow-list: no script, handler, style or javascript: URL."""
    # `align` is obsolete HTML and inline styles are blocked by a strict CSP: use classes.
    html = _ALIGN.sub(r' class="align-\1"', sanitise(html))
    if "<table>" not in html:
        return html
    # Wide tables scroll inside their own box on a phone; focusable, so keys can scroll it.
    label = translate(language, "Table")
    return html.replace("<table>", f'<div class="table-scroll" role="region" tabindex="0" '
                                   f'aria-label="{label}"><table>').replace("</table>",
                                                                           "</table></div>")


def align_cells(tokens) -> None:
    """markdown-it aligns table cells with `style=`: make it `align=` for finish_html."""
    for token in tokens:
        style = token.attrs.get("style") if token.type in ("th_open", "td_open") else None
        if style:
            del token.attrs["style"]
            found = _STYLE_ALIGN.search(str(style))
            if found:
                token.attrs["align"] = found.group(1)


def shape_footnotes(md, language: str) -> None:
    """Footnotes rendered as before (`div.footnote`, ids `fn:1`/`fnref:1`, a titled backlink)."""
    rules = md.add_render_rule
    number = lambda tokens, idx: tokens[idx].meta["id"] + 1
    sub = lambda tokens, idx: (f"-{tokens[idx].meta['subId']}"
                               if tokens[idx].meta.get("subId", 0) > 0 else "")
    rules("footnote_ref", lambda self, tokens, idx, options, env: (
        f'<sup id="fnref:{number(tokens, idx)}{sub(tokens, idx)}"><a class="footnote-ref" '
        f'href="#fn:{number(tokens, idx)}">{number(tokens, idx)}</a></sup>'))
    rules("footnote_block_open", lambda *_: '<div class="footnote">\n<hr>\n<ol>\n')
    rules("footnote_block_close", lambda *_: "</ol>\n</div>\n")
    rules("footnote_open", lambda self, tokens, idx, options, env:
          f'<li id="fn:{number(tokens, idx)}">')
    rules("footnote_close", lambda *_: "</li>\n")
    title = BACKLINK_TITLES[language]
    rules("footnote_anchor", lambda self, tokens, idx, options, env: (
        f' <a class="footnote-backref" href="#fnref:{number(tokens, idx)}{sub(tokens, idx)}" '
        f'title="{title % number(tokens, idx)}">\u21a9</a>'))


def sanitise(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel=None, strip_comments=True)


def prefix_footnotes(html: str, number: int) -> str:
    """A members block's footnote ids, so they cannot clash with the page's."""
    return _FOOTNOTE_IDS.sub(rf"\1m{number}-\2:", html)


def disarm_character_references(text: str) -> str:
    """`&#xfdd0;` would decode to a placeholder character after sanitising: make it U+FFFD."""
    def replace(match: re.Match) -> str:
        code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
        return "&#xfffd;" if 0xFDD0 <= code <= 0xFDEF or code > 0x10FFFF else match.group(0)
    return _CHARACTER_REFERENCE.sub(replace, text) if "&#" in text else text
