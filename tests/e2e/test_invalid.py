"""One folder per invalid input, asserting the exact `path:line: message` lines.

Each folder under tests/invalid/ is a small site (config.toml, content/…) with
  expected.txt  the problem lines `check` prints to stderr, in order (not the summary line)
  args.txt      optional extra arguments, like --strict for warnings-as-errors cases
  xfail.txt     optional: a known engine bug, with the reason; delete it once the engine is fixed
Every case is run from a copy in tmp_path, so the repository never gets output/ or .cache/.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from notulist.cli import main

CASES = Path(__file__).parent / "invalid"
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir())
SUMMARIES = ("ok: ", "failed: ", "built ")


def _read(folder: Path, name: str) -> str:
    path = folder / name
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _param(name: str):
    reason = _read(CASES / name, "xfail.txt").strip()
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(name, marks=marks, id=name)


def _args(name: str) -> list[str]:
    return _read(CASES / name, "args.txt").split()


def _expected(name: str) -> list[str]:
    return _read(CASES / name, "expected.txt").splitlines()


STRICT_CASES = [n for n in CASE_NAMES if "--strict" in _args(n)]


@pytest.fixture
def case_site(tmp_path, monkeypatch):
    """Copy a case folder into tmp_path and make it the working directory."""
    def copy(name: str) -> Path:
        site = tmp_path / name
        shutil.copytree(CASES / name, site, ignore=shutil.ignore_patterns(
            ".cache", "output", "output-members", ".output*"))
        monkeypatch.chdir(site)
        return site
    return copy


def run(argv: list[str], capsys) -> tuple[int, list[str], str]:
    """Exit code, the problem lines and the summary line that `build.py` would print."""
    capsys.readouterr()
    code = main(argv)
    lines = capsys.readouterr().err.splitlines()
    assert lines and lines[-1].startswith(SUMMARIES), f"no summary line in {lines}"
    return code, lines[:-1], lines[-1]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_case_has_a_site_and_expectations():
    assert CASE_NAMES
    for name in CASE_NAMES:
        folder = CASES / name
        assert (folder / "config.toml").is_file(), name
        assert _expected(name), f"{name}: expected.txt is missing or empty"
        assert not (folder / "output").exists() and not (folder / ".cache").exists(), name


@pytest.mark.parametrize("name", [_param(n) for n in CASE_NAMES])
def test_check_prints_exactly_the_expected_problems(name, case_site, capsys):
    case_site(name)
    code, problems, summary = run(["check", *_args(name)], capsys)
    assert problems == _expected(name)
    assert summary.startswith("failed: ")
    assert code == 1


@pytest.mark.parametrize("name", [_param(n) for n in CASE_NAMES])
def test_build_fails_and_leaves_previous_output_untouched(name, case_site, capsys):
    site = case_site(name)
    output = site / "output"
    (output / "lrt").mkdir(parents=True)
    (output / "assets").mkdir()             # as every build has: else it is not an output
    (output / "assets/notulist.css").write_bytes(b"/* previous build */\n")
    (output / "index.html").write_bytes(b"<!doctype html><title>previous build</title>\n")
    (output / "lrt" / "marker.txt").write_bytes(b"written by the previous build\n")
    before = snapshot(output)

    code, problems, summary = run(["build", *_args(name)], capsys)

    assert problems == _expected(name)       # build and check agree on what is wrong
    assert summary.startswith("failed: ") and "nothing was written" in summary
    assert code == 1
    assert snapshot(output) == before
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".output")) == []


@pytest.mark.parametrize("name", [_param(n) for n in STRICT_CASES])
def test_warning_without_strict_is_printed_and_check_passes(name, case_site, capsys):
    case_site(name)
    args = [a for a in _args(name) if a != "--strict"]
    code, problems, summary = run(["check", *args], capsys)
    assert problems == _expected(name)
    assert all(": warning: " in line for line in problems)
    assert summary.startswith("ok: ")
    assert code == 0


@pytest.mark.parametrize("name", [_param(n) for n in STRICT_CASES])
def test_warning_without_strict_still_builds(name, case_site, capsys):
    site = case_site(name)
    args = [a for a in _args(name) if a != "--strict"]
    code, problems, summary = run(["build", *args], capsys)
    assert problems == _expected(name)
    assert summary.startswith("built ")
    assert code == 0
    assert (site / "output" / "index.html").is_file()


# A valid input: YAML as people write it (SPEC "A meeting file"), checked in the open data.
VALID_CONFIG = """\
[site]
title = "Testnotulen"
base_url = "https://example.org/notulen/"
language = "nl"

[bodies.lrt]
name = "Landelijke Regietafel"

[organisations]
JenV = "Ministerie van Justitie en Veiligheid"
"""

VALID_MEETING = """\
---
date: 2023-09-22
time: 15:00
location: NO
title: yes
attendees:
  - name: Spies
    org: JenV
    role: on
---

## 1. Opening

- De voorzitter opent de vergadering.
"""


def test_valid_yaml_keeps_unquoted_time_and_no_as_text(tmp_path, monkeypatch, capsys):
    (tmp_path / "config.toml").write_text(VALID_CONFIG, encoding="utf-8")
    meeting = tmp_path / "content" / "lrt" / "2023-09-22.md"
    meeting.parent.mkdir(parents=True)
    meeting.write_text(VALID_MEETING, encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    code, problems, summary = run(["build"], capsys)

    assert (code, problems) == (0, []), summary
    data = json.loads((tmp_path / "output" / "data" / "meetings.json").read_text("utf-8"))
    [record] = data
    assert record["time"] == "15:00"            # YAML 1.1 would read the integer 900
    assert record["location"] == "NO"           # YAML 1.1 would read False
    assert record["title"] == "yes"
    assert record["attendees"] == [{"name": "Spies", "org": "JenV", "role": "on"}]
    assert record["date"] == "2023-09-22"


def _write_site(root: Path, meetings: dict[str, str]) -> None:
    (root / "config.toml").write_text(VALID_CONFIG, encoding="utf-8")
    for name, text in meetings.items():
        path = root / "content" / "lrt" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_valid_yaml_keeps_dotted_time_as_text(tmp_path, monkeypatch, capsys):
    _write_site(tmp_path, {"2023-09-22.md": VALID_MEETING.replace("15:00", "15.00")})
    monkeypatch.chdir(tmp_path)
    code, problems, summary = run(["build"], capsys)
    assert (code, problems) == (0, []), summary
    data = json.loads((tmp_path / "output" / "data" / "meetings.json").read_text("utf-8"))
    assert data[0]["time"] == "15:00"


def test_warnings_without_strict_are_sorted_by_path_and_line(tmp_path, monkeypatch, capsys):
    _write_site(tmp_path, {
        "2023-07-10.md": "---\ndate: 2023-07-10\n---\n\n## 1. Opvang\n\n"
                         "- Actie: JenV stuurt een brief, uiterlijk 2023-07-01.\n",
        "2023-09-22.md": "---\ndate: 2023-09-22\n---\n\n## 1. Opvang\n\n"
                         "- Actie: een brief sturen aan de gemeenten.\n"})
    monkeypatch.chdir(tmp_path)
    code, problems, _ = run(["check"], capsys)
    assert code == 0
    assert problems == [
        "content/lrt/2023-07-10.md:7: warning: due date 2023-07-01 of A1 is before the meeting "
        "itself (2023-07-10) — correct the date",
        "content/lrt/2023-09-22.md:7: warning: this action has no owner — write `Actie (ORG): …` "
        "or start the sentence with an organisation code or attendee name",
    ]
