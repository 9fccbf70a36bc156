"""The Markdown dialect of minutes: CommonMark + GFM on markdown-it-py, plus references,
members fences and the placeholder line a members block leaves in the main text.

One parser per language (footnote backlinks are translated), made on first use and reused.
"""
from __future__ import annotations

import functools
import re

from .markup import OPEN, PLACEHOLDER, placeholder, shape_footnotes

NAME = r"[A-Za-z0-9][A-Za-z0-9_-]*"
TARGET = re.compile(rf"^(?:topic:({NAME})|(?:({NAME})/)?({NAME})(?:#([A-Za-z0-9_-]+))?)$")
REFERENCE = re.compile(r"\[\[([^\[\]\n|]*)(?:\|([^\[\]\n]*))?\]\]")
_MAY_HOLD_URL = re.compile(r"(?i)https?://|www\.")
BARE_URL = re.compile(r"(?i)(?<![\w/@.-])(?:https?://|www\.)[^\s<]*[^\s<?!.,:;*_~'\")\]]")
BLOCK_PLACEHOLDER = re.compile(f"^{PLACEHOLDER.pattern}[ \\t]*$")
MAX_NESTING = 40                    # token levels (a list is two): deeper is an error, not a cut


@functools.cache
def minutes_parser(language: str):
    """The parser of a language: imported on first use, a warm rebuild reads the cache."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.container import container_plugin
    from mdit_py_plugins.footnote import footnote_plugin
    md = MarkdownIt("commonmark", {"xhtmlOut": False, "maxNesting": MAX_NESTING + 2})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    # Every `:::` line opens a container, so a misspelt one is found and reported, never text.
    md.use(container_plugin, name="block", validate=lambda params, markup: True)
    md.block.ruler.before("fence", "members_placeholder", _placeholder_line,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})
    md.inline.ruler.before("link", "reference", _reference)
    md.core.ruler.push("bare_urls", _link_bare_urls)
    md.add_render_rule("reference", lambda self, tokens, idx, options, env:
                       placeholder("R", tokens[idx].meta["index"]))
    md.add_render_rule("members_placeholder", lambda self, tokens, idx, options, env:
                       tokens[idx].content + "\n")
    shape_footnotes(md, language)
    return md


def _link_bare_urls(state) -> None:
    """GFM's extended autolinks (`www.example.org`, `https://…` in running text), linear in
    the text: linkify-it-py doubled the parse, and mdit-py-plugins' gfm_autolink scans back
    over the text at every colon (a line of 25,000 `a: ` took 75 s)."""
    from markdown_it.token import Token
    if not _MAY_HOLD_URL.search(state.src):
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children or not _MAY_HOLD_URL.search(block.content):
            continue
        children, depth = [], 0
        for token in block.children:
            depth += (token.type == "link_open") - (token.type == "link_close")
            if token.type != "text" or depth or not _MAY_HOLD_URL.search(token.content):
                children.append(token)
                continue
            position = 0
            for found in BARE_URL.finditer(token.content):
                href = state.md.normalizeLink(("http://" if found.group(0)[:4].lower() == "www."
                                               else "") + found.group(0))
                if not state.md.validateLink(href):
                    continue
                children.append(Token("text", "", 0, content=token.content[position:found.start()]))
                children.append(Token("link_open", "a", 1, attrs={"href": href}, markup="linkify"))
                children.append(Token("text", "", 0, content=found.group(0)))
                children.append(Token("link_close", "a", -1, markup="linkify"))
                position = found.end()
            children.append(Token("text", "", 0, content=token.content[position:]))
        block.children = [t for t in children if t.type != "text" or t.content]


def _placeholder_line(state, start: int, end: int, silent: bool) -> bool:
    """The line a members block left in the main text: a block of its own, never a paragraph
    another line could join."""
    begin = state.bMarks[start] + state.tShift[start]
    if state.src[begin:begin + 1] != OPEN or state.sCount[start] != 0:
        return False
    line = state.src[begin:state.eMarks[start]]
    if not BLOCK_PLACEHOLDER.match(line):
        return False
    if not silent:
        token = state.push("members_placeholder", "", 0)
        token.content, token.map = line.strip(), [start, start + 1]
    state.line = start + 1
    return True


def _reference(state, silent: bool) -> bool:
    """`[[target]]` or `[[target|label]]`; its meaning is checked by the reader."""
    if not state.src.startswith("[[", state.pos):
        return False
    found = REFERENCE.match(state.src, state.pos)
    if not found:
        return False
    if not silent:
        token = state.push("reference", "", 0)
        token.content = found.group(0)
        token.meta = {"written": found.group(1).strip(),
                      "label": found.group(2).strip() if found.group(2) is not None else None,
                      "offset": state.src.count("\n", 0, state.pos)}
    state.pos = found.end()
    return True


TASK = re.compile(r"^\[([ xX])\][ \t]+")


def mark_task(inline) -> None:
    """A GFM task `- [ ] …` / `- [x] …` shows a box as text (a form control is no minutes)."""
    children = inline.children
    if children and children[0].type == "text" and TASK.match(children[0].content):
        found = TASK.match(children[0].content)
        box = "☐ " if found.group(1) == " " else "☑ "
        children[0].content = box + children[0].content[found.end():]


def normalise_target(written: str, body: str | None) -> str | None:
    """`2023-07-10#A2` in body lrt becomes `lrt/2023-07-10#A2`; None if not a valid form."""
    found = TARGET.match(written)
    if not found:
        return None
    topic, target_body, meeting, fragment = found.groups()
    if topic:
        return f"topic:{topic}"
    target_body = target_body or body
    if target_body is None:
        return None
    return f"{target_body}/{meeting}" + (f"#{fragment}" if fragment else "")


def plain_text(children, references: str = "label") -> str:
    """The text of inline tokens: link text kept, URLs, markup, HTML and comments gone.
    `references`: "label" writes a reference as its label or target; "mark" as \\x00."""
    parts = []
    for token in children or ():
        kind = token.type
        if kind in ("text", "code_inline"):
            parts.append(token.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif kind == "reference":
            parts.append("\x00" if references == "mark"
                         else token.meta["label"] or token.meta["written"])
        elif kind == "image":
            parts.append(plain_text(token.children, references))
    return "".join(parts)


def collapse(text: str) -> str:
    return " ".join(text.split())
