"""The minutes reader on markdown-it-py: minutes written the way secretariats write them
(Word habits, GitHub habits, Dutch and English), read into items, entries and HTML."""
import time

import pytest

from notulist.load.config import load_config
from notulist.load.files import read_sources
from notulist.model.parse import parse_source


def meeting_of(site, body_text, front="date: 2023-09-22", name="content/lrt/2023-09-22.md",
               config=None):
    files = {name: f"---\n{front}\n---\n{body_text}"}
    config_path = site(files, config) if config else site(files)
    config, problems = load_config(config_path)
    assert not problems
    sources, problems, _ = read_sources(config)
    assert not problems
    return parse_source(sources[0], config)


def messages(problems, warnings=None):
    return [(p.line, p.message) for p in problems
            if warnings is None or p.warning == warnings]


# Agenda items ------------------------------------------------------------------------------

def test_word_habits_in_headings(site):
    meeting, problems = meeting_of(site, "## 1. OPENING EN MEDEDELINGEN\n\n"
                                         "## 2) Verslag vorige vergadering\n\n"
                                         "## 6.1. Stand van zaken\n")
    assert [(i.number, i.title, i.anchor) for i in meeting.items] == [
        ("1", "OPENING EN MEDEDELINGEN", "opening-en-mededelingen"),
        ("2", "Verslag vorige vergadering", "verslag-vorige-vergadering"),
        ("6.1", "Stand van zaken", "stand-van-zaken")]
    assert problems == []


@pytest.mark.parametrize("heading, number, title", [
    ("## 2021 DSF Election", None, "2021 DSF Election"),
    ("## 0.10.34 release", None, "0.10.34 release"),
    ("## 2020. Board officers", None, "2020. Board officers"),
    ("## 3 Budget", "3", "Budget"),
])
def test_a_year_or_version_is_part_of_the_title(site, heading, number, title):
    meeting, _ = meeting_of(site, f"## 1. Opening\n\n{heading}\n", name="content/board/2023-09-22.md")
    assert (meeting.items[1].number, meeting.items[1].title) == (number, title)


def test_inline_markdown_in_a_heading_is_rendered_and_the_title_is_plain(site):
    meeting, _ = meeting_of(site, "## 4. [CLA vs. DCO](https://example.org/cla) and *`sign-off`*"
                                  " <!-- internal -->\n\n"
                                  "## 5. Over [[2023-07-10|het vorige verslag]] {#vorige}\n")
    cla, previous = meeting.items
    assert (cla.number, cla.title, cla.anchor) == ("4", "CLA vs. DCO and sign-off",
                                                   "cla-vs-dco-and-sign-off")
    assert cla.title_html == ('<a href="https://example.org/cla">CLA vs. DCO</a> and '
                              '<em><code>sign-off</code></em>')
    assert (previous.title, previous.anchor) == ("Over het vorige verslag", "vorige")
    assert previous.title_html == "Over \ufdd0R0\ufdd1"
    assert meeting.references[0].item == "vorige"


def test_a_url_in_a_heading_is_not_part_of_its_anchor(site):
    meeting, _ = meeting_of(site, "## 3. Voorstel https://example.org/voorstel\n\n"
                                  "## 4. Reactie <https://example.org/reactie>\n")
    assert [(i.title, i.anchor) for i in meeting.items] == [
        ("Voorstel", "voorstel"), ("Reactie", "reactie")]
    assert '<a href="https://example.org/voorstel">' in meeting.items[0].title_html


def test_setext_heading_is_an_item_and_lower_or_top_headings_are_not(site):
    meeting, _ = meeting_of(site, "Opening\n-------\n\n### Toelichting\n\n# Bijlage\n\n"
                                  "> ## In een citaat\n")
    (item,) = meeting.items
    assert (item.number, item.anchor) == ("1", "opening")
    assert "<h3>Toelichting</h3>" in item.html
    assert "Bijlage" in item.html and "<h1>" not in item.html     # h1/h2: text, no heading


def test_repeated_title_gets_a_second_anchor_with_a_warning(site):
    meeting, problems = meeting_of(site, "## 1. Rondvraag\n\n## 2. Rondvraag\n\n"
                                         "- Besluit: geen vragen.\n")
    assert [i.anchor for i in meeting.items] == ["rondvraag", "rondvraag-2"]
    assert meeting.decisions[0].item == "rondvraag-2"
    assert [(p.line, p.warning) for p in problems] == [(6, True)]


def test_duplicate_item_numbers_are_a_warning(site):
    meeting, problems = meeting_of(site, "## 1. Opening\n\n## 1. Rondvraag\n")
    assert messages(problems) == [(6, "two agenda items are numbered 1 — renumber one")]
    assert problems[0].warning and [i.number for i in meeting.items] == ["1", "1"]


def test_an_item_without_a_number_among_numbered_ones_prints_no_none(site):
    from notulist.model.records import AgendaItem
    item = AgendaItem(None, "rondvraag", "Rondvraag", "", 3)
    assert item.label == "Rondvraag" and AgendaItem("2", "a", "Opvang", "", 3).label == "2. Opvang"


# References --------------------------------------------------------------------------------

def test_reference_lines_count_continuation_lines_and_skip_code(site):
    meeting, problems = meeting_of(site, "## 1. A\n\nZie het verslag\nvan [[2023-07-10]] en\n"
                                         "`[[geen-verwijzing]]` en\n\n```\n[[ook niet]]\n```\n\n"
                                         "Fout: [[dit klopt niet]].\n")
    assert [(r.target, r.line) for r in meeting.references] == [("lrt/2023-07-10", 7)]
    assert messages(problems) == [(14, "`[[dit klopt niet]]` is not a reference I understand "
                                       "— write [[2023-07-10]], [[lrt/2023-07-10#3]], "
                                       "[[2023-07-10#A2]] or [[topic:opvang]]")]
    assert "[[geen-verwijzing]]" in meeting.items[0].html


# Members blocks ----------------------------------------------------------------------------

def test_nothing_of_a_members_block_reaches_the_public_text(site):
    meeting, problems = meeting_of(site, """\
## 1. Opvang

Openbaar[^1] met [een link][geheim].

::: members 5.1.2e
Vertrouwelijk[^1] over de locatie.

[^1]: Voetnoot in het blok.
[geheim]: https://example.org/geheim
- Actie: JenV belt de burgemeester.
:::
Na het blok.

[^1]: De openbare voetnoot.
""")
    public = meeting.intro_html + "".join(i.html for i in meeting.items) + meeting.footnotes_html
    for secret in ("Vertrouwelijk", "Voetnoot in het blok", "geheim\"", "burgemeester"):
        assert secret not in public
    assert "[een link][geheim]" in public                  # its definition is in the block
    assert "\ufdd0M0\ufdd1" in meeting.items[0].html and "<p>Na het blok.</p>" in public
    (block,) = meeting.blocks
    assert block.ground == "5.1.2e" and 'id="fn:m0-1"' not in block.html
    assert 'href="#m0-fn:1"' in block.html and "Voetnoot in het blok" in block.html
    assert meeting.actions[0].members_only and meeting.actions[0].line == 13
    assert 'class="footnote"' in meeting.footnotes_html and "De openbare voetnoot" in \
        meeting.footnotes_html
    assert problems == []


@pytest.mark.parametrize("text, line", [
    ("- punt\n\n  ::: members\n  geheim\n  :::\n", 8),         # inside a list item
    ("    ::: members\n    geheim\n    :::\n", 6),              # indented: a code block
    ("\u200b::: members\ngeheim\n:::\n", 6),                   # after a zero-width space
    ("> ::: members\n> geheim\n> :::\n", 6),                  # in a quote
    ("<div>\n::: members\ngeheim\n:::\n</div>\n", 7),          # in raw HTML
])
def test_a_members_fence_that_is_not_one_is_an_error(site, text, line):
    _, problems = meeting_of(site, "## 1. A\n\n" + text)
    assert (line, True) in [(p.line, p.message.startswith("this `:::` line is no fence"))
                            for p in problems if not p.warning]


def test_members_fence_spelt_otherwise(site):
    meeting, _ = meeting_of(site, "## 1. A\n\n:::members\ngeheim\n:::\n")
    assert len(meeting.blocks) == 1 and "geheim" not in meeting.items[0].html
    _, problems = meeting_of(site, "## 1. A\n\n::: Members\ngeheim\n:::\n")
    assert messages(problems) == [(6, "unknown block `::: Members` — write it in lower case, "
                                      "`::: members`")]


# Line endings, HTML, limits ----------------------------------------------------------------

def test_crlf_and_lone_cr_read_as_lf(site):
    text = "---\ndate: 2023-09-22\n---\n## 1. Opvang\n\n- Actie: JenV belt.\n- Besluit: ja.\n"
    expected, _ = meeting_of(site, text.split("---\n", 2)[2])
    for ending in ("\r\n", "\r"):
        path = site({"content/lrt/2023-09-22.md": text.replace("\n", ending)})
        config, _ = load_config(path)
        meeting, problems = parse_source(read_sources(config)[0][0], config)
        assert problems == []
        assert meeting.items == expected.items and meeting.actions[0].line == 6


def test_html_comments_alignment_and_strikethrough(site):
    meeting, _ = meeting_of(site, "## 1. A\n\n<!-- intern -->\n\nTekst <!-- ook intern --> "
                                  "~~oud~~ en www.example.org.\n\n| a | b |\n|:-:|--:|\n| 1 | 2 |\n")
    html = meeting.items[0].html
    assert "intern" not in html and "<s>oud</s>" in html
    assert '<a href="http://www.example.org">www.example.org</a>.' in html     # GFM autolink
    assert '<th class="align-center">a</th>' in html and 'style=' not in html
    assert '<td class="align-right">2</td>' in html


def test_task_list_items_show_a_box(site):
    meeting, _ = meeting_of(site, "## 1. A\n\n- [ ] open punt\n- [x] klaar punt\n")
    assert "<li>☐ open punt</li>\n<li>☑ klaar punt</li>" in meeting.items[0].html


HOSTILE = {
    "400 nested lists": ("".join("  " * depth + "- niveau\n" for depth in range(400)), True),
    "400 nested quotes": (">" * 400 + " citaat\n", True),
    "20,000 [": ("[" * 20000 + "\n", False),
    "10,000 [[": ("[[" * 10000 + "\n", False),
    "20,000 [a](": ("[a](" * 20000 + "\n", False),
    "emphasis": ("*a **b " * 20000 + "\n", False),
    "a 1.2 MB line": ("woord " * 200000 + "\n", False),
    "30,000 colons": ("a: " * 30000 + "\n", False),
    "20,000 URLs": ("http://a.nl " * 20000 + "\n", False),
}


@pytest.mark.parametrize("text, error", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_is_read_quickly_without_a_traceback(site, text, error):
    start = time.perf_counter()
    meeting, problems = meeting_of(site, "## 1. A\n\n" + text)
    assert time.perf_counter() - start < 10          # minutes-long parses were the issue
    assert [p.message.startswith("lists or quotes are nested too deeply") for p in problems] \
        == ([True] if error else [])
    assert meeting.items[0].anchor == "a"


def test_footnotes_keep_their_shape_and_translated_backlinks(site):
    meeting, _ = meeting_of(site, "## 1. A\n\nTekst[^1] en nog eens[^1].\n\n[^1]: De voetnoot.\n")
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>' in \
        meeting.items[0].html
    assert meeting.footnotes_html.startswith('<div class="footnote">\n<hr>\n<ol>\n<li id="fn:1">')
    assert 'href="#fnref:1-1" title="Terug naar voetnoot 1 in de tekst"' in meeting.footnotes_html


def test_a_members_fence_shown_as_code_with_a_language_is_code(site):
    meeting, problems = meeting_of(site, "## 1. Uitleg\n\n```markdown\n::: members\ngeheim\n"
                                         ":::\n```\n")
    assert problems == [] and meeting.blocks == ()
    assert "::: members\ngeheim\n:::" in meeting.items[0].html


@pytest.mark.parametrize("opening", ["~~~~~~~~", "```", "~~~ "])
def test_a_members_fence_in_a_code_block_without_a_language_is_an_error(site, opening):
    """A Word separator line of tildes opens a code block in CommonMark (issue 17): the
    passage after it must not be published as code."""
    _, problems = meeting_of(site, f"## 1. Opvang\n\n{opening}\n\n::: members\ngeheim\n:::\n")
    assert [(p.line, "inside a code block" in p.message) for p in problems] == [(8, True)]


def test_the_meeting_page_shows_the_title_as_html_and_no_none(site, tmp_path):
    from notulist import build
    config = site({
        "content/lrt/2023-07-10.md": "---\ndate: 2023-07-10\n---\n## 1. Opvang\n",
        "content/lrt/2023-09-22.md": "---\ndate: 2023-09-22\n---\n"
                                     "## 4. [CLA vs. DCO](https://example.org/cla)\n\n"
                                     "## Over [[2023-07-10#opvang]]\n\nTekst.\n"})
    build(config, tmp_path / "out", cache=False)
    page = (tmp_path / "out/lrt/2023-09-22/index.html").read_text(encoding="utf-8")
    assert '<h2 id="cla-vs-dco"><span class="number">4.</span> <a href="https://example.org/cla">' \
           'CLA vs. DCO</a> <a class="topic-link"' in page
    # A reference is its label in the heading, and as written in the plain title (the agenda).
    assert '<h2 id="over-2023-07-10-opvang">Over <a class="ref ref-item" href="../../lrt/' \
           '2023-07-10/index.html#opvang">10 juli 2023, punt 1: Opvang</a>' in page
    assert '<li><a href="#over-2023-07-10-opvang">Over 2023-07-10#opvang</a></li>' in page
    assert "None." not in page and "None" not in (tmp_path / "out/feed.xml").read_text()


def test_an_unclosed_script_tag_cannot_swallow_the_next_item(site):
    meeting, _ = meeting_of(site, "## 1. A\n\nTekst <script>alert(1) en <textarea> x\n\n"
                                  "## 2. B\n\nZichtbaar.\n")
    assert [i.html for i in meeting.items] == ["<p>Tekst </p>", "<p>Zichtbaar.</p>"]


def test_two_unnumbered_items_among_numbered_ones_are_no_duplicate_number(site):
    meeting, problems = meeting_of(site, "## 1. Opening\n\n## Agenda\n\n## Rondvraag\n")
    assert [item.number for item in meeting.items] == ["1", None, None]
    assert problems == []
