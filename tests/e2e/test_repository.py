"""The promises around the code: the README's commands, CI, publishing, the demo archive."""
from __future__ import annotations

import re
from pathlib import Path

from notulist.cli import main

REPO = Path(__file__).parent.parent
SETUP = "python3 -m pip install -e . && python3 build.py"
TESTS = "bash tests/run.sh"


def quick_start() -> list[str]:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def test_readme_quick_start_has_exactly_the_two_commands():
    assert quick_start() == [SETUP, TESTS]


def test_ci_runs_the_readme_test_command():
    assert (REPO / ".ci/run").read_text().strip().endswith("exec bash tests/run.sh")


def test_publishing_pipelines_use_the_readme_commands():
    for name in (".github/workflows/pages.yml", ".gitlab-ci.yml"):
        text = (REPO / name).read_text()
        for command in ("python3 -m pip install -e .", "python3 build.py check --strict",
                        "python3 build.py build --strict"):
            assert command in text, f"{name} lacks `{command}`"


def test_demo_archive_is_valid_strict_and_shows_two_bodies_in_two_languages(monkeypatch):
    monkeypatch.chdir(REPO)
    assert main(["check", "--strict"]) == 0
    config = (REPO / "config.toml").read_text()
    meetings = {body: len(list((REPO / "content" / body).glob("*.md")))
                for body in ("rwb", "jsc")}
    assert sum(meetings.values()) >= 12 and min(meetings.values()) >= 6
    assert 'language = "nl"' in config and 'language = "en"' in config


def test_demo_shows_every_status_and_keyword():
    text = "\n".join(p.read_text() for p in (REPO / "content").rglob("*.md"))
    for word in ("Actie:", "Action:", "Besluit:", "Decision:", "Afgerond:", "Done:",
                 "Vervallen:", "Dropped:", "Stand:", "Update:", "::: members", "audience: members",
                 "status: draft", "approves:", "[[topic:"):
        assert word in text, f"the demo archive never uses {word}"
