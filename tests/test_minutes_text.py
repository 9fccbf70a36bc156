"""The minutes reader on markdown-it-py: minutes written the way secretariats write them
(Word habits, GitHub habits, Dutch and English), read into items, entries and HTML."""
import datetime as dt
import time

import pytest

from notulist.config import load_config
from notulist.load import read_sources
from notulist.parse import parse_source


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
    from notulist.model import AgendaItem
    item = AgendaItem(None, "rondvraag", "Rondvraag", "", 3)
    assert item.label == "Rondvraag" and AgendaItem("2", "a", "Opvang", "", 3).label == "2. Opvang"


# Keyword lines -----------------------------------------------------------------------------

def test_keyword_line_text_is_the_plain_text_of_its_tokens(site):
    meeting, _ = meeting_of(site, "## 1. Opvang\n\n"
                                  "**Actie:** JenV stuurt de [brief](https://example.org/b) aan "
                                  "*alle* gemeenten <!-- nog niet -->\n"
                                  "en  informeert `IPO`.\n")
    (action,) = meeting.actions
    assert action.text == "JenV stuurt de brief aan alle gemeenten en informeert IPO."
    assert [(o.org) for o in action.owners] == ["JenV"]
    html = meeting.items[0].html
    assert html.startswith("<p>\ufdd0A0\ufdd1 JenV stuurt de <a") and "<strong>" not in html


def test_secretariat_labels_and_two_space_nested_lists(site):
    meeting, _ = meeting_of(site, "## 1. Opvang\n\nBesproken is:\n"
                                  "- de planning\n"
                                  "  - Actie 324/01 (VNG): gemeenten bellen.\n"
                                  "  - Besluit: de planning wordt vastgesteld.\n")
    (action,), (decision,) = meeting.actions, meeting.decisions
    assert (action.label, action.text, action.owners_written) == ("324/01", "gemeenten bellen.",
                                                                  True)
    assert decision.text == "de planning wordt vastgesteld."
    html = meeting.items[0].html
    assert "<ul>\n<li>de planning\n<ul>\n<li>\ufdd0A0\ufdd1 gemeenten" in html   # a real list


def test_pasted_bullets_are_one_entry_each(site):
    meeting, _ = meeting_of(site, "## 1. Opvang\n\n"
                                  "• Actie: JenV belt de gemeenten.\n"
                                  "• Besluit: het plan gaat door.\n"
                                  "Actie (IPO): de provincies informeren\n"
                                  "voor de zomer.\n")
    assert [(a.text, a.line) for a in meeting.actions] == [
        ("JenV belt de gemeenten.", 6), ("de provincies informeren voor de zomer.", 8)]
    assert [d.text for d in meeting.decisions] == ["het plan gaat door."]
    assert "• \ufdd0A0\ufdd1 JenV" in meeting.items[0].html


def test_word_paste_with_wrapped_bullets(site):
    meeting, _ = meeting_of(site, "## 2. STAND VAN ZAKEN OPVANG\n\n"
                                  "• De voorzitter licht de stand toe. De\n"
                                  "instroom is hoger dan verwacht.\n"
                                  "o Actie: LRT komt bijeen na de\n"
                                  "uitspraak van de rechter.\n"
                                  "• Het verslag wordt vastgesteld.\n\n"
                                  "Verder is er een lange eerste regel zonder trefwoord\n"
                                  "• Besluit: de LRT stemt in.\n")
    assert [d.text for d in meeting.decisions] == ["de LRT stemt in."]
    (action,) = meeting.actions
    assert (action.text, action.line) == ("LRT komt bijeen na de uitspraak van de rechter.", 8)
    assert [(o.name, o.org) for o in action.owners] == [("LRT", None)]      # the body itself
    assert "o \ufdd0A0\ufdd1 LRT komt" in meeting.items[0].html


def test_status_line_text_leaves_out_its_action_reference(site):
    meeting, _ = meeting_of(site, "## 1. Acties\n\n- Afgerond: [[2023-07-10#A2]]: de brief "
                                  "aan [[2023-07-10|de LRT]] is verstuurd.\n")
    (update,) = meeting.updates
    assert update.targets == ("lrt/2023-07-10#A2",)
    assert update.text == "de brief aan de LRT is verstuurd."


def test_a_keyword_in_the_middle_of_a_paragraph_is_text(site):
    meeting, _ = meeting_of(site, "## 1. Opvang\n\nDe voorzitter vat samen.\nActie: niemand.\n")
    assert meeting.actions == ()


# Action list sections ----------------------------------------------------------------------

SECTION = """\
## 1. Opvang

- Actie: JenV belt.

### Actiepunten

- VNG: de gemeenten informeren, uiterlijk 6 oktober.
- Een brief aan de provincies opstellen (IPO, JenV)
  - een onderdeel, geen actie
- Besluit: dit is een besluit.
- Het plan herzien (afgerond)
- Say what is done so far (Ann Smith)

### Toelichting

- geen actie meer
"""


def test_action_list_section_items_are_actions(site):
    meeting, problems = meeting_of(site, SECTION)
    rows = [(a.text, [o.org for o in a.owners], a.due, a.done, a.owners_written)
            for a in meeting.actions]
    assert rows == [
        ("JenV belt.", ["JenV"], None, False, False),
        ("de gemeenten informeren, uiterlijk 6 oktober.", ["VNG"], dt.date(2023, 10, 6),
         False, False),
        ("Een brief aan de provincies opstellen", ["IPO", "JenV"], None, False, False),
        ("Het plan herzien (afgerond)", [], None, True, False),
        ("Say what is done so far", [None], None, False, False)]
    assert [d.text for d in meeting.decisions] == ["dit is een besluit."]
    assert meeting.actions[1].carried == "degemeenteninformerenuiterlijk6oktober"
    assert "<li>\ufdd0A1\ufdd1 VNG: de gemeenten" in meeting.items[0].html
    assert [p.message[:30] for p in problems] == ["this action has no owner — wri"]


def test_action_table_rows_are_actions(site):
    meeting, problems = meeting_of(site, """\
## 5. Actielijst

| Nr | Actie | Wie | Wanneer | Status |
|----|-------|-----|---------|--------|
| 12 | Locaties *aanleveren* | MBZK | 1 november | open |
| 13 | Brief versturen | JenV, VNG | eind oktober | ✓ |
| | | | | |
""", name="content/lrt/2023-09-22.md")
    rows = [(a.label, a.text, [o.org for o in a.owners], a.due, a.done, a.line)
            for a in meeting.actions]
    assert rows == [("12", "Locaties aanleveren", ["MBZK"], dt.date(2023, 11, 1), False, 8),
                    ("13", "Brief versturen", ["JenV", "VNG"], dt.date(2023, 10, 31), True, 9)]
    html = meeting.items[0].html
    assert "<td>\ufdd0A0\ufdd1 Locaties <em>aanleveren</em></td>" in html
    assert '<div class="table-scroll"' in html and problems == []


def test_english_action_items_section_and_config_section_name(site):
    from tests.conftest import CONFIG
    config = CONFIG + '\n[keywords]\naction_section = ["Te doen"]\n'
    meeting, _ = meeting_of(site, "## 1. Budget\n\n### Te doen\n\n- JenV: sign the letter\n",
                            config=config)
    assert [a.text for a in meeting.actions] == ["sign the letter"]
    meeting, _ = meeting_of(site, "## 1. Budget\n\n## 2. Action items\n\n"
                                  "1. Draft the budget by October 6 (Ann Smith)\n",
                            name="content/board/2023-09-22.md")
    (action,) = meeting.actions
    assert (action.text, action.owners[0].name, action.due) == (
        "Draft the budget by October 6", "Ann Smith", dt.date(2023, 10, 6))


# Owners ------------------------------------------------------------------------------------

def test_group_words_the_body_and_unknown_people_are_owners_without_warning(site):
    meeting, problems = meeting_of(site, "## 1. Opvang\n\n- Actie (allen): reageren.\n"
                                         "- Actie (LRT): een standpunt bepalen.\n"
                                         "- Actie: Iedereen leest het stuk.\n"
                                         "- Actie (Piet Pieters): bellen.\n")
    owners = [[(o.name, o.org) for o in a.owners] for a in meeting.actions]
    assert owners == [[("allen", None)], [("LRT", None)], [("Iedereen", None)],
                      [("Piet Pieters", None)]]
    assert problems == []


# Due dates ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, due", [
    ("locaties aanleveren, uiterlijk 2023-10-06", dt.date(2023, 10, 6)),
    ("brief sturen voor 6-10-2023", dt.date(2023, 10, 6)),
    ("deadline 6/10/2023", dt.date(2023, 10, 6)),
    ("uiterlijk 6 oktober", dt.date(2023, 10, 6)),
    ("uiterlijk 10 september", dt.date(2024, 9, 10)),       # the first one after the meeting
    ("draft it by October 6, 2023", dt.date(2023, 10, 6)),
    ("send it before 6 October 2023", dt.date(2023, 10, 6)),
    ("gereed tot eind oktober", dt.date(2023, 10, 31)),
    ("done by the end of October", dt.date(2023, 10, 31)),
    ("due Q4 2023", dt.date(2023, 12, 31)),
    ("voor week 42", dt.date(2023, 10, 22)),
    ("voor de gemeenten in oktober", None),                 # no date after the due word
    ("z.s.m.", None),
])
def test_due_dates_in_both_languages(text, due):
    from notulist.due_dates import find_due
    assert find_due(text, dt.date(2023, 9, 22)) == (due, None)


def test_an_impossible_due_date_is_an_error(site):
    _, problems = meeting_of(site, "## 1. A\n\n- Actie: JenV belt, uiterlijk 31-02-2024.\n")
    assert messages(problems) == [(6, "due date 31-02-2024 does not exist — write a real date "
                                      "as YYYY-MM-DD")]


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


def test_a_listed_earlier_action_in_an_action_section_is_no_new_action(site):
    meeting, _ = meeting_of(site, "## 2. Actielijst\n\n"
                                  "- [[2023-07-10#A1]] JenV stuurt een brief.\n")
    (update,) = meeting.updates
    assert meeting.actions == () and update.kind == "update"
    assert (update.targets, update.text) == (("lrt/2023-07-10#A1",), "JenV stuurt een brief.")


def test_footnotes_keep_their_shape_and_translated_backlinks(site):
    meeting, _ = meeting_of(site, "## 1. A\n\nTekst[^1] en nog eens[^1].\n\n[^1]: De voetnoot.\n")
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>' in \
        meeting.items[0].html
    assert meeting.footnotes_html.startswith('<div class="footnote">\n<hr>\n<ol>\n<li id="fn:1">')
    assert 'href="#fnref:1-1" title="Terug naar voetnoot 1 in de tekst"' in meeting.footnotes_html


def test_a_members_fence_shown_as_code_is_code(site):
    meeting, problems = meeting_of(site, "## 1. Uitleg\n\n```\n::: members\ngeheim\n:::\n```\n")
    assert problems == [] and meeting.blocks == ()
    assert "::: members\ngeheim\n:::" in meeting.items[0].html


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
