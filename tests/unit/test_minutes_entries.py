"""Actions, decisions and status lines as secretariats write them: keyword lines (Word
and GitHub habits), action list sections and tables, owners, due dates."""
import datetime as dt

import pytest

from tests.unit.test_minutes_text import meeting_of, messages


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
    from notulist.model.due_dates import find_due
    assert find_due(text, dt.date(2023, 9, 22)) == (due, None)


def test_an_impossible_due_date_is_an_error(site):
    _, problems = meeting_of(site, "## 1. A\n\n- Actie: JenV belt, uiterlijk 31-02-2024.\n")
    assert messages(problems) == [(6, "due date 31-02-2024 does not exist — write a real date "
                                      "as YYYY-MM-DD")]




def test_a_listed_earlier_action_in_an_action_section_is_no_new_action(site):
    meeting, _ = meeting_of(site, "## 2. Actielijst\n\n"
                                  "- [[2023-07-10#A1]] JenV stuurt een brief.\n")
    (update,) = meeting.updates
    assert meeting.actions == () and update.kind == "update"
    assert (update.targets, update.text) == (("lrt/2023-07-10#A1",), "JenV stuurt een brief.")
