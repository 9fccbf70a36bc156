"""build.py import: Word, PDF and text minutes become drafts that pass `check --strict`."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from notulist.cli import main
from notulist.pipeline import check, configure
from notulist.importer.attendees import read_person, split_people
from notulist.importer.entries import Owners, read_entry
from notulist.importer.items import sentence_case
from notulist.importer.lines import Line, blocks_of, join
from notulist.importer.run import import_documents

import import_fixtures as fixtures

pytest.importorskip("fpdf")


@pytest.fixture
def archive(tmp_path):
    """A small site with one earlier meeting per body; returns its config.toml."""
    root = tmp_path / "site"
    for name, text in {"config.toml": fixtures.CONFIG, **fixtures.EARLIER}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root / "config.toml"


def run_import(config: Path, *args: str) -> tuple[int, str]:
    """`import FILE... --body BODY [--dry-run] [--accept-changes]`, its report as text."""
    body = args[args.index("--body") + 1]
    files = [Path(a) for a in args if not a.startswith("--") and a != body]
    out = io.StringIO()
    code = import_documents(config, files, body, out, "--dry-run" in args,
                            "--accept-changes" in args)
    return code, out.getvalue()


def meeting(config: Path, key: str) -> tuple[dict, str]:
    text = (config.parent / "content" / f"{key}.md").read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


DUTCH_FRONT = {"date": "2024-03-12", "time": "10:00-12:00", "location": "Provinciehuis, zaal 3",
               "title": "Verslag Waterregietafel Noord",
               "attendees": [{"name": "Doornbos", "org": "PrvN", "role": "voorzitter"},
                             "Kuipers (WSN)", "Van Dalen (PrvN)", "Smit (RWS)", "(GemA)", "(WSN)"],
               "approves": "2024-01-15", "status": "draft"}


def test_a_pdf_in_the_seed_layout_imports_and_passes_strict_check(archive, tmp_path):
    source = fixtures.write_pdf(tmp_path / "verslag.pdf")
    code, report = run_import(archive, str(source), "--body", "wrt")
    assert code == 0, report
    front, body = meeting(archive, "wrt/2024-03-12")
    assert front == DUTCH_FRONT
    assert "## 1. Opening en mededelingen\n" in body and "## 3. Rondvraag en sluiting\n" in body
    # the wrapped bullet is one item again, and the o-bullet action is nested under it
    assert "- WSN licht de peilmetingen van februari toe. Het grondwater staat op meerdere " \
           "plaatsen hoger" in body
    assert "\n  - Actie: WSN deelt de meetreeksen met PrvN, uiterlijk 2024-04-05.\n" in body
    assert "- Actie (RWS, GemA): afstemmen over de omleidingsroute." in body
    assert "`secretariaat` reads as a description" in report and "check: no problems" in report
    assert "pagina" not in body                     # the running footer is left out
    check(archive, strict=True)


def test_a_docx_imports_with_its_action_table_and_without_its_properties(archive, tmp_path):
    source = fixtures.write_docx(tmp_path / "verslag.docx", author="Jan Geheim")
    code, report = run_import(archive, str(source), "--body", "wrt")
    assert code == 0, report
    front, body = meeting(archive, "wrt/2024-03-12")
    assert front == DUTCH_FRONT
    assert "## 4. Actiepunten\n\n- Actie (PrvN): Bijwerken van het calamiteitenplan, uiterlijk " \
           "2024-05-01.\n- Actie (GemA): Uitnodigen van de buurgemeenten.\n" in body
    text = (archive.parent / "content/wrt/2024-03-12.md").read_text(encoding="utf-8")
    assert "Geheim" not in text and "Geheim" not in report
    assert "actions: 4, decisions: 1" in report and "approves: 2024-01-15" in report
    result = check(archive, strict=True)
    assert result.problems == []


def test_english_extracted_text_imports_with_chair_absentees_and_due_date(archive, tmp_path):
    source = fixtures.write_text(tmp_path / "minutes.txt")
    code, report = run_import(archive, str(source), "--body", "hb")
    assert code == 0, report
    front, body = meeting(archive, "hb/2024-03-04")
    assert front["attendees"] == [{"name": "Okafor", "org": "HBA", "role": "chair"},
                                  "Lindqvist (PO)", "Haddad (RWS)", "(PO)"]
    assert front["absent"] == ["Brennan (HBA)"] and front["approves"] == "2024-02-01"
    assert (front["time"], front["location"]) == ("14:00-15:30", "Harbour Office, room 2")
    assert "informed in advance." in body          # hyphenation across the line re-joined
    assert "  - Action: HBA to publish the closure notice, due 2024-03-15." in body
    assert "- Decision: the board approves the revised schedule." in body
    check(archive, strict=True)


def test_an_english_pdf_with_headings_by_font_size_and_paragraphs(archive, tmp_path):
    source = fixtures.write_pdf_english(tmp_path / "minutes.pdf")
    code, report = run_import(archive, str(source), "--body", "hb")
    assert code == 0, report
    front, body = meeting(archive, "hb/2024-04-11")
    assert front == {"date": "2024-04-11", "time": "09:30-11:00", "location": "Pilot Station",
                     "title": "Harbour Board - minutes",
                     "attendees": ["Okafor (HBA)", "Haddad (RWS)", "Lindqvist (PO)"],
                     "absent": ["Brennan (HBA)"], "approves": "2024-02-01", "status": "draft"}
    assert body.split("## ")[1:] == [
        "Welcome\n\nThe chair opened the meeting and welcomed the pilots' representative, who "
        "attended as a guest for the item on tides.\n\nThe minutes of the previous meeting were "
        "approved.\n\n",
        "Tidal windows\n\nRWS reported on the new tidal windows for deep-draught vessels, which "
        "take effect in May and were agreed with the port operators after a trial of six "
        "weeks.\n\nDecision: the board adopts the new tidal windows.\n\n",
        "Action items\n\n- Action (HBA): update the port guide, due 2024-05-01.\n"
        "- Action (Haddad): inform the shipping agents.\n"]
    assert "agenda item guessed from bold or large text: `Tidal windows`" in report
    check(archive, strict=True)


def test_a_docx_without_heading_styles_reads_bold_items_and_list_levels(archive, tmp_path):
    source = fixtures.write_docx_plain(tmp_path / "minutes.docx")
    code, report = run_import(archive, str(source), "--body", "hb")
    assert code == 0, report
    front, body = meeting(archive, "hb/2024-05-16")
    assert front == {"date": "2024-05-16", "time": "14:00", "location": "Harbour Office",
                     "title": "Harbour Board", "attendees": ["Okafor (HBA)", "Haddad (RWS)"],
                     "status": "draft"}
    assert body == ("\n## 1. Welcome\n\n- The chair opened the meeting.\n\n## 2. Berths\n\n"
                    "- PO asked about the state of berth 4.\n"
                    "  - Action: PO to send the survey, due 2024-05-30.\n")
    check(archive, strict=True)


def test_tracked_changes_are_refused_until_accepted(archive, tmp_path):
    source = fixtures.add_tracked_insertion(fixtures.write_docx(tmp_path / "v.docx"),
                                            "toegevoegde zin")
    code, report = run_import(archive, str(source), "--body", "wrt")
    assert code == 1 and len(report.strip().splitlines()) == 1
    assert "v.docx:1: this document has 2 tracked change(s)" in report
    assert "--accept-changes" in report
    assert not (archive.parent / "content/wrt/2024-03-12.md").exists()
    code, report = run_import(archive, str(source), "--body", "wrt", "--accept-changes")
    assert code == 0, report
    assert "inserted “toegevoegde zin”" in report and "deleted “geschrapte zin”" in report
    _, body = meeting(archive, "wrt/2024-03-12")
    assert "Nagekomen: toegevoegde zin" in body and "geschrapte zin" not in body
    assert "Piet" not in body


def test_a_comment_is_refused_and_never_copied(archive, tmp_path):
    source = fixtures.add_comment(fixtures.write_docx(tmp_path / "c.docx"), "klopt dit wel?")
    code, report = run_import(archive, str(source), "--body", "wrt")
    assert code == 1 and "1 tracked change(s) or comment(s)" in report
    code, report = run_import(archive, str(source), "--body", "wrt", "--accept-changes")
    assert code == 0 and "comment removed: “klopt dit wel?”" in report
    assert "Klaas" not in report
    text = (archive.parent / "content/wrt/2024-03-12.md").read_text(encoding="utf-8")
    assert "klopt dit wel" not in text and "Klaas" not in text


def test_a_scanned_pdf_says_to_ocr_it_first(archive, tmp_path):
    source = fixtures.write_pdf(tmp_path / "scan.pdf", scanned=True)
    code, report = run_import(archive, str(source), "--body", "wrt")
    assert code == 1
    assert report.strip().endswith("no text layer (a scan?) — make its text readable first "
                                   "with `ocrmypdf FILE.pdf FILE-ocr.pdf`, then import "
                                   "FILE-ocr.pdf")


def test_a_second_import_is_an_error_naming_the_file_and_overwrites_nothing(archive, tmp_path):
    first = fixtures.write_pdf(tmp_path / "a.pdf")
    assert run_import(archive, str(first), "--body", "wrt")[0] == 0
    target = archive.parent / "content/wrt/2024-03-12.md"
    target.write_text(target.read_text(encoding="utf-8") + "\nBijgewerkt.\n", encoding="utf-8")
    before = target.read_bytes()
    code, report = run_import(archive, str(fixtures.write_docx(tmp_path / "b.docx")),
                              "--body", "wrt")
    assert code == 1
    assert "b.docx:1: content/wrt/2024-03-12.md exists already — this meeting was imported " \
           "before" in report
    assert target.read_bytes() == before


def test_bad_files_give_one_line_each_and_do_not_stop_the_others(archive, tmp_path):
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip file")
    odt = tmp_path / "old.odt"
    odt.write_bytes(b"x")
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.4 nonsense")
    good = fixtures.write_text(tmp_path / "minutes.txt")
    code, report = run_import(archive, str(broken), str(odt), str(garbage), str(good),
                              "--body", "hb")
    assert code == 1
    failures = [line for line in report.splitlines() if ":1: " in line]
    assert len(failures) == 3, report
    assert "broken.docx:1: this is not a Word .docx file" in failures[0]
    assert "old.odt:1: cannot import `.odt`" in failures[1]
    assert "garbage.pdf:1: this PDF cannot be read" in failures[2]
    assert (archive.parent / "content/hb/2024-03-04.md").exists()


def test_dry_run_prints_the_file_and_writes_nothing(archive, tmp_path, capsys):
    source = fixtures.write_text(tmp_path / "minutes.txt")
    before = sorted(p.relative_to(archive.parent) for p in archive.parent.rglob("*"))
    code = main(["import", str(source), "--body", "hb", "--dry-run", "--config", str(archive)])
    printed = capsys.readouterr().out
    assert code == 0
    assert printed.startswith("--- content/hb/2024-03-04.md (not written: --dry-run)\n---\n"
                              "date: '2024-03-04'\n")
    assert "would be written" in printed and "check: no problems" in printed
    assert sorted(p.relative_to(archive.parent) for p in archive.parent.rglob("*")) == before


def test_the_check_result_of_the_new_file_is_in_the_report(archive, tmp_path):
    source = tmp_path / "2024-05-06 verslag.txt"
    source.write_text("1. OPENING\n• Actie: de tafel zoekt dit uit.\n", encoding="utf-8")
    code, report = run_import(archive, str(source), "--body", "wrt")
    assert code == 0            # a warning; `check --strict` would stop on it
    assert "no date in the document: 2024-05-06 taken from the file name" in report
    assert "action without owner" in report
    assert "wrt/2024-05-06.md:8: warning: this action has no owner" in report
    (archive.parent / "content/wrt/2024-05-06.md").unlink()
    assert main(["import", str(source), "--body", "wrt", "--strict", "--config", str(archive)]) == 1


def test_an_archive_imported_in_one_go_approves_its_own_meetings(archive, tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("Datum: 4 april 2024\n\n1. OPENING\n• WSN opent.\n", encoding="utf-8")
    second.write_text("Datum: 2 mei 2024\n\n1. OPENING\n• Het verslag van de vorige "
                      "vergadering wordt ongewijzigd vastgesteld.\n", encoding="utf-8")
    code, report = run_import(archive, str(second), str(first), "--body", "wrt")
    assert code == 0, report
    assert meeting(archive, "wrt/2024-05-02")[0]["approves"] == "2024-04-04"
    assert "approves" not in meeting(archive, "wrt/2024-04-04")[0]   # 2024-01-15 is not named
    assert "taken as the previous meeting in the archive, 2024-04-04" in report
    check(archive, strict=True)


def test_minutes_another_meeting_approved_are_not_approved_again(archive, tmp_path):
    (archive.parent / "content/wrt/2024-02-20.md").write_text(
        "---\ndate: 2024-02-20\napproves: wrt/2024-01-15\n---\n\n## 1. Opening\n",
        encoding="utf-8")
    code, report = run_import(archive, str(fixtures.write_pdf(tmp_path / "v.pdf")),
                              "--body", "wrt")
    assert code == 0, report
    assert "approves" not in meeting(archive, "wrt/2024-03-12")[0]
    assert "these minutes approve 2024-01-15, which another meeting approved already" in report
    check(archive, strict=True)


def test_a_chair_field_gives_the_listed_attendee_a_role(archive, tmp_path):
    source = tmp_path / "m.txt"
    source.write_text("Date: 6 May 2024\nChair: Ms. Okafor\nPresent: Ms. Okafor (HBA), "
                      "Mr. Lindqvist\n\n1. WELCOME\n• Opened.\n", encoding="utf-8")
    code, report = run_import(archive, str(source), "--body", "hb")
    assert code == 0, report
    assert meeting(archive, "hb/2024-05-06")[0]["attendees"] == [
        {"name": "Okafor", "org": "HBA", "role": "chair"}, "Lindqvist"]
    assert "`Mr. Lindqvist`: an attendee without organisation — written as `Lindqvist`" in report


def test_an_unknown_body_is_one_error(archive, tmp_path, capsys):
    code = main(["import", str(fixtures.write_text(tmp_path / "m.txt")), "--body", "nope",
                 "--config", str(archive)])
    assert code == 1
    printed = capsys.readouterr().err
    assert "config.toml:1: there is no body `nope` — use one of: wrt, hb" in printed


def test_word_symbol_bullets_and_wrapped_lines_become_one_list():
    lines = [Line("1. OPENING", "line 1"), Line("\uf0b7 Een zin die door-", "line 2"),
             Line("loopt op de volgende regel", "line 3"), Line("", "line 4"),
             Line("en na een witregel met", "line 5"), Line("AVIM EN COA", "line 6"),
             Line("\uf0a7 Actie: WSN belt.", "line 7"), Line("", "line 8"),
             Line("ACTIEPUNTEN", "line 9")]
    assert [(type(b).__name__, getattr(b, "level", 0), b.text) for b in blocks_of(lines)] == [
        ("Heading", 1, "1. OPENING"),
        ("Bullet", 1, "Een zin die doorloopt op de volgende regel en na een witregel met "
                      "AVIM EN COA"),
        ("Bullet", 2, "Actie: WSN belt."), ("Heading", 1, "ACTIEPUNTEN")]


def test_an_unknown_organisation_is_kept_out_of_the_front_matter_and_reported(tmp_path):
    config = configure_fixture(tmp_path)
    entries = [read_person(p, config) for p in split_people(
        "Dhr. Kolff (VB), Mevr. Bos (PrvN´s), (XYZ), Dr. Ir. Vos (Waterschap Noord, vz)")]
    assert [e.value for e in entries] == ["Kolff", "Bos (PrvN)", None,
                                          {"name": "Vos", "org": "WSN", "role": "voorzitter"}]
    assert "`VB` is not in [organisations]" in entries[0].note
    assert "`XYZ` is not in [organisations]" in entries[2].note


def test_headings_in_capitals_become_sentence_case_keeping_codes_and_acronyms(tmp_path):
    owners = Owners(configure_fixture(tmp_path), (), ("wrt", "WRT", "Waterregietafel Noord"))
    assert sentence_case("STAND VAN ZAKEN WATERPEIL", owners) == "Stand van zaken waterpeil"
    assert sentence_case("(CONCEPT) AFSPRAKEN MET PRVN EN WRT (BAK OEK) 2024-II", owners) \
        == "(Concept) afspraken met PrvN en WRT (BAK OEK) 2024-II"
    assert sentence_case("Al in zinsvorm", owners) == "Al in zinsvorm"
    assert join("vergunning-", "houders") == "vergunninghouders"
    assert join("Noord-", "Holland") == "Noord- Holland"


def test_action_owners_are_written_so_that_the_format_reads_them(tmp_path):
    import datetime as dt
    owners = Owners(configure_fixture(tmp_path), ("Ann Smith",), ("wrt", "WRT", "Waterregietafel Noord"))
    day = dt.date(2024, 3, 12)
    assert read_entry("ACTIE: PrvN´s stuurt de brief", owners, day).text \
        == "Actie (PrvN): PrvN´s stuurt de brief"
    assert read_entry("Action: Ann Smith to draft the letter, before 2 April", owners, day).text \
        == "Action: Ann Smith to draft the letter, before 2024-04-02"
    line = read_entry("Actie: WRT komt terug op dit punt", owners, day)
    assert line.kind == "action" and "owned by the body itself" in line.notes[0]
    line = read_entry("Update: the letter went out", owners, day)
    assert line.text == "**Update:** the letter went out" and "status line" in line.notes[0]
    line = read_entry("Actie: GemA plant dit voor 1 juni", owners, day)
    assert line.text == "Actie: GemA plant dit voor 1 juni"
    assert "`voor 1 juni` may be a due date — write `uiterlijk 2024-06-01`" in line.notes[0]


def configure_fixture(folder: Path):
    (folder / "config.toml").write_text(fixtures.CONFIG, encoding="utf-8")
    return configure(folder / "config.toml")
