"""Stage 2: one file becomes a Meeting; everything here is plain values, no disk but tmp_path."""
import datetime as dt

import pytest

from notulist.load.config import load_config
from notulist.load.files import read_sources
from notulist.model.parse import parse_source


def parse(site, text, name="content/lrt/2023-09-22.md"):
    config_path = site({name: text})
    config, problems = load_config(config_path)
    assert not problems
    sources, problems, _ = read_sources(config)
    assert not problems
    return parse_source(sources[0], config)


MEETING = """
---
date: 2023-09-22
time: 15:00
location: NO
attendees:
  - Van der Burg (JenV)
  - (SZW)
  - name: Spies
    org: VNG
    role: voorzitter
  - Ann Smith (IPO)
absent: [Mulder (VNG)]
approves: 2023-07-10
---
Inleiding met [[2023-07-10|het vorige verslag]].

## 1. Opening en mededelingen

- Het verslag van [[2023-07-10]] wordt vastgesteld.
- Actie: JenV neemt met IPO en CdK contact op.

## 2. Stand van zaken opvang {#opvang}

- Besluit: de LRT steunt de oproep.
- Actie (MBZK, VNG): locaties aanleveren, uiterlijk 2023-10-06.
- Afgerond: [[2023-07-10#A2]] de brief is verstuurd.

::: members 5.1.2e
- Actie: SZW en VNG & IPO bellen, deadline 2023-11-01.
:::

## Rondvraag

Action: Ann Smith to draft the letter before 2023-12-01.

`[[not-a-reference]]` stays code.
"""


def test_front_matter_keeps_times_and_no_as_text(site):
    meeting, problems = parse(site, MEETING)
    assert [p for p in problems if not p.warning] == []
    assert meeting.time == "15:00" and meeting.location == "NO"
    assert meeting.date == dt.date(2023, 9, 22)
    assert meeting.approves == "lrt/2023-07-10"


def test_attendee_forms(site):
    meeting, _ = parse(site, MEETING)
    assert [(a.name, a.org, a.role) for a in meeting.attendees] == [
        ("Van der Burg", "JenV", None), (None, "SZW", None), ("Spies", "VNG", "voorzitter"),
        ("Ann Smith", "IPO", None)]
    assert [(a.name, a.org) for a in meeting.absent] == [("Mulder", "VNG")]


def test_agenda_items_numbers_and_anchors(site):
    meeting, _ = parse(site, MEETING)
    assert [(i.number, i.anchor, i.title) for i in meeting.items] == [
        ("1", "opening-en-mededelingen", "Opening en mededelingen"),
        ("2", "opvang", "Stand van zaken opvang"),
        (None, "rondvraag", "Rondvraag")]     # others are numbered: this one has none


def test_actions_owners_and_due_dates(site):
    meeting, problems = parse(site, MEETING)
    actions = {a.number: a for a in meeting.actions}
    assert list(actions) == ["A1", "A2", "A3", "A4"]
    owners = {n: [(o.name, o.org) for o in a.owners] for n, a in actions.items()}
    assert owners == {
        "A1": [(None, "JenV")],                 # "JenV neemt met IPO …": the verb ends it
        "A2": [(None, "MBZK"), (None, "VNG")],
        "A3": [(None, "SZW"), (None, "VNG"), (None, "IPO")],
        "A4": [("Ann Smith", "IPO")],
    }
    assert actions["A2"].due == dt.date(2023, 10, 6) and actions["A2"].owners_written
    assert actions["A3"].due == dt.date(2023, 11, 1) and actions["A3"].members_only
    assert actions["A4"].due == dt.date(2023, 12, 1) and actions["A4"].item == "rondvraag"
    assert actions["A2"].item == "opvang" and actions["A2"].key == "lrt/2023-09-22#A2"
    assert not problems


def test_decisions_and_status_lines(site):
    meeting, _ = parse(site, MEETING)
    assert [(d.number, d.item, d.text) for d in meeting.decisions] == [
        ("D1", "opvang", "de LRT steunt de oproep.")]
    (update,) = meeting.updates
    assert (update.kind, update.targets, update.text) == (
        "done", ("lrt/2023-07-10#A2",), "de brief is verstuurd.")


def test_references_are_normalised_and_code_is_left_alone(site):
    meeting, _ = parse(site, MEETING)
    assert [(r.target, r.label) for r in meeting.references] == [
        ("lrt/2023-07-10", "het vorige verslag"), ("lrt/2023-07-10", None),
        ("lrt/2023-07-10#A2", None)]
    assert "[[not-a-reference]]" in meeting.items[-1].html


def test_members_block_is_cut_out_of_the_item_html(site):
    meeting, _ = parse(site, MEETING)
    (block,) = meeting.blocks
    assert block.ground == "5.1.2e" and "bellen" in block.html
    assert "bellen" not in "".join(i.html for i in meeting.items)


def test_raw_html_is_sanitised(site):
    meeting, _ = parse(site, """
        ---
        date: 2023-09-22
        ---
        ## 1. Item

        <script>alert(1)</script><a href="javascript:alert(2)" onclick="x()">a</a>
        <iframe src="https://example.org"></iframe><p style="color:red">styled</p>
        [link](javascript:alert(3)) <abbr title="Vereniging">VNG</abbr>
        """)
    html = meeting.items[0].html
    for bad in ("<script", 'href="javascript:', "onclick", "<iframe", "style="):
        assert bad not in html
    assert "[link](javascript:alert(3))" in html       # not a link: shown as written
    assert '<abbr title="Vereniging">VNG</abbr>' in html


def test_item_numbers_take_the_forms_secretariats_write(site):
    meeting, _ = parse(site, """
        ---
        date: 2023-09-22
        ---
        ## Opening
        ## 2) Tweede
        ## 3 Derde
        ## 6.1. Onderdeel
        ## Laatste punt
        """)
    assert [(i.number, i.anchor, i.label) for i in meeting.items] == [
        (None, "opening", "Opening"), ("2", "tweede", "2. Tweede"), ("3", "derde", "3. Derde"),
        ("6.1", "onderdeel", "6.1. Onderdeel"), (None, "laatste-punt", "Laatste punt")]


def test_items_without_any_number_are_numbered_in_order(site):
    meeting, _ = parse(site, """
        ---
        date: 2023-09-22
        ---
        ## Opening
        ## Rondvraag
        """)
    assert [(i.number, i.anchor) for i in meeting.items] == [("1", "opening"), ("2", "rondvraag")]


def test_extra_keywords_from_config(site):
    config = __import__("tests.conftest", fromlist=["CONFIG"]).CONFIG + \
        '\n[keywords]\naction = ["Taak"]\n'
    path = site({"content/lrt/2023-09-22.md": "---\ndate: 2023-09-22\n---\n## 1. A\n\n"
                 "- Taak: JenV doet iets.\n"}, config)
    config, _ = load_config(path)
    meeting, _ = parse_source(read_sources(config)[0][0], config)
    assert [(a.number, a.owners[0].org) for a in meeting.actions] == [("A1", "JenV")]


@pytest.mark.parametrize("text, expected", [
    ("IPO en VNG stellen een brief op.", [(None, "IPO"), (None, "VNG")]),
    ("IPOs stellen een brief op.", []),                       # a whole word only
    ("IPO-leden stellen een brief op.", []),
    ("Ann Smithson drafts a letter.", []),
    ("Ann Smith and BZK draft a letter.", [("Ann Smith", "IPO"), (None, "BZK")]),
    ("BZK-IPO drafts a letter.", [(None, "BZK-IPO")]),        # the longest first
    ("VNG, IPO & BZK werken samen.", [(None, "VNG"), (None, "IPO"), (None, "BZK")]),
    ("De VNG belt.", []),
])
def test_owners_opening_a_sentence(text, expected):
    from types import SimpleNamespace
    from notulist.model.parse import _sentence_owners
    config = SimpleNamespace(organisations={"IPO": 1, "VNG": 1, "BZK": 1, "BZK-IPO": 1})
    owners = _sentence_owners(text, {"Ann Smith": "IPO"}, config)
    assert [(o.name, o.org) for o in owners] == expected
