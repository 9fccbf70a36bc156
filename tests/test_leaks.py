"""Issue 17, everything but the Markdown reader: each way members-only text reached the
public build (or a build failed badly) as a test that plants a canary and scans every public
byte with the scanner of test_security.py, or asserts the clear `path:line` error."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import CONFIG, write_site
from notulist import BuildFailed, build
from test_security import leak_report, scan_tree


def leaks(output: Path, *canaries: str) -> dict[str, dict]:
    """Every canary found in any public byte of `output`, with the files holding it."""
    scan = scan_tree(output)
    return {canary: found for canary in canaries if (found := leak_report(scan, canary))}


def messages(problems) -> list[str]:
    return [problem.format() for problem in problems]


def test_the_role_of_a_withheld_attendee_is_not_published(tmp_path):
    config = write_site(tmp_path, {"content/lrt/2024-01-10.md": """
        ---
        date: 2024-01-10
        attendees:
          - {org: VNG, role: Qzwithheldrole}
          - {name: Ann Smith, org: JenV, role: voorzitter}
        ---
        ## 1. Opening
        """})
    public, members = tmp_path / "output", tmp_path / "output-members"
    build(config, public, cache=False)
    build(config, members, audience="members", cache=False)
    assert leaks(public, "Qzwithheldrole") == {}
    people = json.loads((public / "data/meetings.json").read_text())[0]["attendees"]
    assert people == [{"name": None, "org": "VNG", "role": None},
                      {"name": "Ann Smith", "org": "JenV", "role": "voorzitter"}]
    assert "Qzwithheldrole" in (members / "data/meetings.json").read_text()


def test_two_bodies_meeting_on_one_day_cannot_close_each_others_actions(tmp_path):
    config = write_site(tmp_path, {
        "content/lrt/2024-01-10.md": """
            ---
            date: 2024-01-10
            ---
            ## 1. Opening

            - Actie: JenV stuurt een brief.
            """,
        "content/board/2024-01-10.md": """
            ---
            date: 2024-01-10
            ---
            ## 1. Opening

            - Done: [[lrt/2024-01-10#A1]] the letter was sent.
            """})
    with pytest.raises(BuildFailed) as failed:
        build(config, tmp_path / "output", cache=False)
    assert any("board/2024-01-10.md:6: lrt/2024-01-10#A1 is updated in a meeting that is "
               "not later" in message for message in messages(failed.value.problems))
