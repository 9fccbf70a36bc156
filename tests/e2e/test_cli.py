"""The command line: new, check, build, exit codes."""
from __future__ import annotations

import pytest

from notulist.cli import main

FIRST = """
---
date: 2024-01-10
time: 15:00
location: Webex
attendees:
  - Jansen (JenV)
  - (SZW)
  - {name: De Vries, org: VNG, role: voorzitter}
---
## 1. Opening

## 2. Opvang {#opvang}

- Actie: JenV stuurt een brief, uiterlijk 2024-02-01.
- Actie (VNG): gemeenten bellen.
"""
SECOND = """
---
date: 2024-03-01
approves: 2024-01-10
---
## 1. Actielijst

- Afgerond: [[2024-01-10#A2]] gebeld.
"""


def test_new_prefills_from_the_previous_meeting_and_lists_outstanding_actions(site, monkeypatch,
                                                                              capsys):
    config = site({"content/lrt/2024-01-10.md": FIRST, "content/lrt/2024-03-01.md": SECOND})
    monkeypatch.chdir(config.parent)
    assert main(["new", "lrt", "--date", "2024-04-15"]) == 0
    path = config.parent / "content/lrt/2024-04-15.md"
    assert capsys.readouterr().out.strip() == str(path)
    text = path.read_text()
    assert "date: 2024-04-15\n" in text and "approves: 2024-03-01\n" in text
    assert "status: draft\n" in text and "## 2. Actielijst {#actielijst}" in text
    assert "- [[2024-01-10#A1]] JenV stuurt een brief, uiterlijk 2024-02-01." in text
    assert "2024-01-10#A2" not in text                   # closed in 2024-03-01
    # the scaffold itself is a valid meeting: the archive still checks
    assert main(["check", "--strict"]) == 0


def test_new_uses_the_next_free_id_on_the_same_day_and_english_for_english_bodies(site,
                                                                                  monkeypatch):
    config = site({"content/board/2024-01-10.md": FIRST.replace("Actie", "Action")})
    monkeypatch.chdir(config.parent)
    assert main(["new", "board", "--date", "2024-01-10"]) == 0
    text = (config.parent / "content/board/2024-01-10-2.md").read_text()
    assert "## 1. Opening and announcements" in text and "{#action-review}" in text
    assert "  - {name: De Vries, org: VNG, role: voorzitter}" in text


def test_new_for_an_unknown_body_is_an_error(site, monkeypatch, capsys):
    config = site({"content/lrt/2024-01-10.md": FIRST})
    monkeypatch.chdir(config.parent)
    assert main(["new", "nope"]) == 1
    assert "config.toml:1: there is no body `nope` — use one of: lrt, board" in \
        capsys.readouterr().err


def test_build_exit_codes_and_strict(site, monkeypatch, capsys):
    config = site({"content/lrt/2024-01-10.md": FIRST.replace("Actie: JenV stuurt",
                                                              "Actie: iemand stuurt")})
    monkeypatch.chdir(config.parent)
    assert main([]) == 0                                 # `build` is the default command
    assert "warning: this action has no owner" in capsys.readouterr().err
    assert main(["build", "--strict"]) == 1
    assert main(["check"]) == 0 and main(["check", "--strict"]) == 1
    assert (config.parent / "output/lrt/2024-01-10/index.html").is_file()


def test_members_build_goes_to_its_own_folder(site, monkeypatch):
    config = site({"content/lrt/2024-01-10.md": FIRST + "\n::: members\nGeheim.\n:::\n"})
    monkeypatch.chdir(config.parent)
    assert main(["build", "--audience", "members"]) == 0
    assert "Geheim." in (config.parent / "output-members/lrt/2024-01-10/index.html").read_text()
    assert not (config.parent / "output").exists()


def test_problems_of_content_and_static_files_are_reported_together(site, tmp_path, monkeypatch,
                                                                     capsys):
    config = site({"content/lrt/2024-01-10.md": FIRST + "\nZie [[2099-01-01]].\n"})
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("not part of the site")
    (config.parent / "static").mkdir()
    (config.parent / "static/leak.txt").symlink_to(outside)
    monkeypatch.chdir(config.parent)
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert "content/lrt/2024-01-10.md:17: [[2099-01-01]]: there is no meeting" in err
    assert "static/leak.txt:1: this is a symlink to outside the site folder" in err


def test_new_before_the_last_meeting_does_not_approve_minutes_approved_already(site,
                                                                              monkeypatch):
    """A meeting filled in afterwards, dated between two others: the one before it was
    approved by the one after, so the new file approves nothing and the site still checks."""
    config = site({"content/lrt/2024-01-10.md": FIRST, "content/lrt/2024-03-01.md": SECOND})
    monkeypatch.chdir(config.parent)
    assert main(["new", "lrt", "--date", "2024-02-01"]) == 0
    text = (config.parent / "content/lrt/2024-02-01.md").read_text()
    assert "approves:" not in text and "[[2024-01-10]]" not in text
    assert "time: 15:00\n" in text and "  - Jansen (JenV)\n" in text     # still prefilled
    assert main(["check", "--strict"]) == 0


def test_serve_refuses_a_port_out_of_range_without_a_traceback(capsys):
    for port in ("99999", "-1", "http"):
        with pytest.raises(SystemExit) as stopped:
            main(["serve", "--port", port])
        assert stopped.value.code == 2
        assert f"argument --port: {port} is not a port: use a number from 0 to 65535" in \
            capsys.readouterr().err


def test_build_refuses_an_output_that_is_a_file_or_a_folder_of_other_files(site, tmp_path,
                                                                          monkeypatch, capsys):
    """A mistyped --output must not replace config.toml, or wipe out a folder of documents:
    the output folder is replaced whole on every build."""
    config = site({"content/lrt/2024-01-10.md": FIRST})
    monkeypatch.chdir(config.parent)
    before = config.read_bytes()
    assert main(["build", "--output", "config.toml"]) == 1
    assert "config.toml:1: the output folder " in capsys.readouterr().err
    assert config.read_bytes() == before
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "report.odt").write_bytes(b"keep me")
    assert main(["build", "--output", str(documents)]) == 1
    assert "holds files a build did not write" in capsys.readouterr().err
    assert [p.name for p in documents.iterdir()] == ["report.odt"]
    # an empty folder, and the output of an earlier build, are fine
    (tmp_path / "empty").mkdir()
    assert main(["build", "--output", str(tmp_path / "empty")]) == 0
    assert main(["build", "--output", str(tmp_path / "empty")]) == 0
    assert (tmp_path / "empty/index.html").is_file()
