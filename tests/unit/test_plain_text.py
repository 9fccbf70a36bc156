"""plain_text.py lets Python-Markdown's inline processor pass over text no inline pattern
can match. The HTML must be exactly what Markdown makes without it, for any input."""
from __future__ import annotations

import random
import xml.etree.ElementTree as etree
from pathlib import Path

import markdown
import pytest

from notulist.model import markup
from notulist.model.plain_text import INLINE_PATTERNS, _Mark

ROOT = Path(__file__).parents[2]
# Pieces of Markdown that start or end inline patterns, and blocks around them.
PIECES = [
    "word", "IPO", "BZK", "*", "**", "_", "__", "`", "``", "[", "]", "(", ")", "![", "[^1]",
    "[^1]: note\n", "<", ">", "<b>", "</b>", "<http://example.org>", "<a@example.org>",
    "&amp;", "&", "&#65;", "\\", "\\*", "  \n", "\n", "\n\n", "- ", "1. ", "> ", "    ",
    "| a | b |\n|---|---|\n| c | d |\n", "```\ncode *x*\n```\n",
    "*[IPO]: Interprovinciaal Overleg\n", "Term\n: Definition\n", "## Heading", "---",
    "\ufdd0R1\ufdd1", "é", "\t", ":", "!", "[x]: http://example.org\n", "[x]", "[x][]",
    "<!-- note -->", "<div>\nblock\n</div>\n", "http://example.org", "a@example.org",
    # characters no pattern uses now: a release that gives one a meaning shows up here
    "~", "~~", "^", "==", "++", "{", "}", "@", "%", "$", "+", "=", "\"", "'", ".", "?",
]


def converters() -> tuple[markdown.Markdown, markdown.Markdown]:
    """markup.py's converter, and the same without PlainText."""
    return markup.new_converter("en"), markup.new_converter("en", plain_text=False)


def documents() -> list[str]:
    rng = random.Random(2026)
    made = ["".join(rng.choice(PIECES) + rng.choice(["", " ", " ", "\n"])
                    for _ in range(rng.randint(1, 40))) for _ in range(3000)]
    written = [path.read_text(encoding="utf-8")
               for folder in ("content", "tests/fixture_site", "tests/security_site")
               for path in sorted((ROOT / folder).rglob("*.md"))]
    assert len(written) > 20
    return made + written


def test_markdown_makes_the_same_html_with_and_without_it():
    ours, plain = converters()
    assert "notulist-mark-plain" in ours.treeprocessors
    assert "notulist-mark-plain" not in plain.treeprocessors
    for text in documents():
        ours.reset()
        plain.reset()
        assert ours.convert(text) == plain.convert(text), text


def test_it_is_on_for_the_converter_markup_uses():
    """If a release of Python-Markdown or another extension adds an inline pattern, the
    extension stands aside: this test then says to look at MAY_MATCH and INLINE_PATTERNS."""
    ours, _ = converters()
    assert "notulist-mark-plain" in ours.treeprocessors
    assert sorted(INLINE_PATTERNS) == sorted(
        name for name in INLINE_PATTERNS if name in ours.inlinePatterns)
    assert len(ours.inlinePatterns) == len(INLINE_PATTERNS)


def test_only_text_without_a_pattern_character_is_marked():
    root = etree.Element("div")
    texts = ["Plain sentence, with a comma: and 2024-01-10.", "Some *emphasis*.", "A [link].",
             "Code `x`.", "An &amp; entity.", "Raw <b>.", "Escaped \\* star.",
             "Hard  \nbreak.", "snake_case"]
    for text in texts:
        etree.SubElement(root, "p").text = text
    _Mark(markup._converter("en")).run(root)
    marked = [type(p.text).__name__ == "_Plain" for p in root]
    assert marked == [True] + [False] * (len(texts) - 1)


@pytest.mark.parametrize("text, expected", [
    ("*[IPO]: Interprovinciaal Overleg\n\nHet IPO belt.",
     '<p>Het <abbr title="Interprovinciaal Overleg">IPO</abbr> belt.</p>'),
    ("Een zin zonder opmaak.", "<p>Een zin zonder opmaak.</p>"),
])
def test_abbreviations_are_still_found_in_plain_text(text, expected):
    ours, _ = converters()
    ours.reset()
    assert ours.convert(text) == expected
