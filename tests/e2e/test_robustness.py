"""Bad input never produces a traceback: seeded random damage to the fixture site, of the
kinds a secretariat's hands and editors cause (lines lost, doubled or swapped, stray
Markdown, YAML and reference syntax, odd characters, other encodings, empty files, files
under odd names, broken front-matter values, failing templates, static files in the way).
Every build or check must pass, or fail with problems that each read `path:line: message`
and the fix. The damage that found real tracebacks is kept below."""
from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest

from notulist import BuildFailed, build, check
from tests.test_site import FIXTURE

RUNS = 400
PIECES = [
    "[[", "]]", "[[lrt/", "[[topic:", "#", "{#", "}", ":::", "::: members",
    "::: members ground: x", "---", ":", "- ", "Actie:", "Besluit:", "Action:", "Decision:",
    "Afgerond:", "Stand:", "(", ")", "\t", "\x00", "\ufdd0", "\ufdd1", "é", "\u202e",
    "&#xfdd0;", "<script>", "`", "```", "\n", "approves: ", "date: ", "2023-13-45", "{", "[",
    "]", "*", "|", "uiterlijk 2023-02-30", "## ", "## 1. ", "### ", "[^1]", "[^1]: x",
    "*[X]: y", "audience: members", "status: draft", "time: 25:00", "attendees:", "  - ",
    "(IPO)", "~~~", "<!--", "\r", "\ufeff", "../", "{{", "{%", "\\", "'", '"', "NO",
    "[[2023-09-22#", "#A1]]", "#D1]]", "99999999999999999999",
]
VALUES = [
    "[a, b]", "{a: 1}", "1", "true", "2023-01-01", "!!binary aGVsbG8=", "&x a", "*x",
    "!!python/object:os.system", "''", "!!timestamp soon", "!!int x", "!!float x",
    "2023-09-22T10:00", "1e400", "-", "? a", "!!set {a, b}", "[[[[", "2023-02-30",
    "0001-01-01", "null", "~", "15:00", "25:61",
]
TEMPLATES = [
    "{{ foo }}", "{% if %}", "{{ meeting.nowhere }}", "{% include 'nope.html' %}",
    "{% extends 'nope.html' %}", "{{ 1/0 }}", "{% for x in 3 %}{% endfor %}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
]
PROBLEM = re.compile(r"^.+:\d+: (warning: )?\S.{10,}$", re.S)


def damage(rng: random.Random, site: Path) -> None:
    files = sorted((site / "content").rglob("*.md"))
    for _ in range(rng.randint(1, 3)):
        chance, target = rng.random(), rng.choice(files)
        if chance < 0.6:
            target.write_text(_lines(rng, target.read_text(encoding="utf-8", errors="replace")),
                              encoding="utf-8", errors="surrogatepass")
        elif chance < 0.7:
            config = site / "config.toml"
            config.write_text(_lines(rng, config.read_text(encoding="utf-8", errors="replace")),
                              encoding="utf-8", errors="surrogatepass")
        elif chance < 0.75:                  # saved as Latin-1
            latin = rng.choice([target, site / "config.toml"])
            latin.write_bytes(latin.read_bytes().replace(b"e", b"\xe9", 1))
        elif chance < 0.8:
            name = rng.choice(["x y", "ä", "-", "a.b", "CON", ".hidden"])
            (target.parent / f"{name}.md").write_bytes(target.read_bytes())
        elif chance < 0.85:
            target.write_text("")
        elif chance < 0.93:
            _front_matter_value(rng, target)
        elif chance < 0.97:
            (site / "templates").mkdir(exist_ok=True)
            (site / "templates" / rng.choice(["meeting.html", "home.html", "topic.html"])
             ).write_text(rng.choice(TEMPLATES))
        else:
            name = rng.choice(["index.html", "assets/notulist.css", "feed.xml", "a/b.txt"])
            (site / "static" / name).parent.mkdir(parents=True, exist_ok=True)
            (site / "static" / name).write_text("x")


def _lines(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(lines))
        chance = rng.random()
        if chance < 0.2 and len(lines) > 1:
            del lines[i]
        elif chance < 0.35:
            lines.insert(i, lines[i])
        elif chance < 0.45:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        else:
            at = rng.randint(0, len(lines[i]))
            piece = rng.choice(PIECES) if rng.random() < 0.9 else chr(rng.randint(1, 0x2FFFF))
            lines[i] = lines[i][:at] + piece + lines[i][at:]
    return "\n".join(lines)


def _front_matter_value(rng: random.Random, path: Path) -> None:
    lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    keys = [i for i, line in enumerate(lines[:20]) if re.match(r"^[a-z]+:", line)]
    if keys:
        i = rng.choice(keys)
        lines[i] = f"{lines[i].split(':')[0]}: {rng.choice(VALUES)}"
        path.write_text("\n".join(lines), encoding="utf-8")


@pytest.mark.parametrize("batch", range(4))
def test_damaged_sites_fail_with_path_line_problems_never_a_traceback(tmp_path, batch):
    for run in range(batch * RUNS // 4, (batch + 1) * RUNS // 4):
        rng = random.Random(run)
        site = tmp_path / f"site-{run}"
        shutil.copytree(FIXTURE, site, ignore=shutil.ignore_patterns(".cache", "output*"))
        damage(rng, site)
        try:
            if run % 3:
                check(site / "config.toml", strict=run % 2 == 0)
            else:
                build(site / "config.toml", tmp_path / f"out-{run}", cache=False,
                      audience=rng.choice(["public", "members"]))
        except BuildFailed as failed:
            assert failed.problems, run
            for problem in failed.problems:
                assert PROBLEM.match(problem.format()), (run, problem.format())
        shutil.rmtree(site)


@pytest.mark.parametrize("value", ["!!timestamp soon", "!!int x", "!!float x", "!!set {a, b}",
                                   "!!binary aGVsbG8=", "[Webex, !!set {a}]"])
def test_a_typed_front_matter_value_yaml_cannot_hold_is_a_problem(tmp_path, value):
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site, ignore=shutil.ignore_patterns(".cache", "output*"))
    meeting = site / "content/lrt/2023-07-10.md"
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(re.sub(r"(?m)^location: .*$", f"location: {value}", text, count=1),
                       encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        check(site / "config.toml")
    [problem] = [p for p in failed.value.problems if not p.warning]
    assert problem.path.endswith("2023-07-10.md") and "remove the `!!` type tag" in \
        problem.message


def test_a_very_long_agenda_heading_gets_an_anchor_a_file_system_can_hold(tmp_path):
    """Its topic is a folder of the output: an anchor made from a 370-character heading
    stopped the build with "File name too long". It is cut at a word, at 80 characters."""
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site, ignore=shutil.ignore_patterns(".cache", "output*"))
    meeting = site / "content/lrt/2023-07-10.md"
    heading = " ".join(["Bespreking van het lange agendapunt over de opvang"] * 7)
    meeting.write_text(meeting.read_text(encoding="utf-8") + f"\n## 9. {heading}\n\nTekst.\n",
                       encoding="utf-8")
    build(site / "config.toml", tmp_path / "out", cache=False)
    topics = [p.name for p in (tmp_path / "out/topics").iterdir() if p.name.startswith("besp")]
    assert topics == ["bespreking-van-het-lange-agendapunt-over-de-opvang-bespreking-van-het-lange"]


LONG = "a" * 81


@pytest.mark.parametrize("file, old, new, expected", [
    ("content/lrt/2023-07-10.md", "## 1. Opening", "## 1. Opening {#" + LONG + "}",
     "is longer than 80 characters — shorten it"),
    ("config.toml", "[organisations]", "[organisations]\n" + LONG.upper() + ' = "Lang"',
     "is longer than 80 characters — shorten it"),
    ("config.toml", "[bodies.lrt]", f'[bodies.{LONG}]\nname = "Lang"\n\n[bodies.lrt]',
     "cannot be used in URLs — use lower-case letters, digits and dashes, not a reserved "
     "name, at most 80 characters"),
    ("config.toml", "[bodies.lrt]", '[bodies]\nextra = "Lang"\n\n[bodies.lrt]',
     'must be a table of its own: [bodies.extra] with name = "…"'),
], ids=["anchor", "organisation code", "body key", "body not a table"])
def test_names_no_url_can_hold_are_problems(tmp_path, file, old, new, expected):
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site, ignore=shutil.ignore_patterns(".cache", "output*"))
    path = site / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        check(site / "config.toml")
    found = [p for p in failed.value.problems if expected in p.message]
    assert found and all(PROBLEM.match(p.format()) for p in found)


def test_a_folder_that_cannot_be_listed_is_a_problem(tmp_path, monkeypatch):
    """(As root, permissions do not stop a read: the refusal is simulated.)"""
    import os as real_os
    from notulist import load
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site, ignore=shutil.ignore_patterns(".cache", "output*"))
    scandir = real_os.scandir

    def refuse(path):
        if str(path).endswith("content/board"):
            raise PermissionError(13, "Permission denied")
        return scandir(path)
    monkeypatch.setattr(load.os, "scandir", refuse)
    with pytest.raises(BuildFailed) as failed:
        check(site / "config.toml")
    problem = next(p for p in failed.value.problems if "cannot read this folder" in p.message)
    assert problem.format().endswith("content/board:1: cannot read this folder (Permission "
                                     "denied) — give the build permission to read it, or move "
                                     "it away")
