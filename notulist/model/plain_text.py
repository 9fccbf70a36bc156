"""A Python-Markdown extension that lets the inline processor pass over plain text.

Python-Markdown tries each of its inline patterns (code, links, emphasis, …) on every text
of the document, in Python, one after another. Most text of minutes is plain sentences
that none of them can match, and that search was a third of the time Markdown took. Every
inline pattern starts with a character of its own (see MAY_MATCH), so a text without one
of them comes out of the inline processor as it went in. Before it runs, such a text is
marked an AtomicString, which is Python-Markdown's documented way of telling the inline
processor to leave a text alone; afterwards the mark is taken off again, so the
abbreviations (which also leave AtomicStrings alone) still find their words in it.

The inline patterns are those of the extensions markup.py uses: if the converter has
other ones (another extension or release), nothing is marked and Markdown does it all.
"""
from __future__ import annotations

import re

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

# The inline patterns of Python-Markdown 3 with footnotes, and what each needs to match:
INLINE_PATTERNS = (
    "backtick",                         # `
    "escape",                           # \\
    "footnote", "reference", "link", "image_link", "image_reference", "short_reference",
    "short_image_ref",                  # [ (an image's ! is followed by one)
    "autolink", "automail", "html",     # <
    "entity",                           # &
    "em_strong",                        # * or _
    "linebreak",                        # two spaces before a line break
)
MAY_MATCH = re.compile(r"[`\\\[<&*_]|  \n|[\x02\x03]")   # \x02…\x03: Markdown's placeholders


class _Plain(AtomicString):
    """A text marked plain (so only these marks are taken off again)."""


class _Mark(Treeprocessor):
    def run(self, root) -> None:
        for element in root.iter():
            text = element.text
            if text and type(text) is str and not MAY_MATCH.search(text):
                element.text = _Plain(text)


class _Unmark(Treeprocessor):
    def run(self, root) -> None:
        for element in root.iter():
            if type(element.text) is _Plain:
                element.text = str(element.text)


class PlainText(Extension):
    def extendMarkdown(self, md) -> None:
        patterns = md.inlinePatterns
        if len(patterns) != len(INLINE_PATTERNS) or not all(
                name in patterns for name in INLINE_PATTERNS):
            return
        # After the footnotes are gathered (50), just before and after the inline one (20).
        md.treeprocessors.register(_Mark(md), "notulist-mark-plain", 21)
        md.treeprocessors.register(_Unmark(md), "notulist-unmark-plain", 19)
