"""Issue 17, everything but the Markdown reader: each way members-only text reached the
public build (or a build failed badly) as a test that plants a canary and scans every public
byte with the scanner of test_security.py, or asserts the clear `path:line` error."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CONFIG, write_site
from notulist import BuildFailed, build
from tests.e2e.test_security import leak_report, scan_tree


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


NEW_BEFORE = {
    "content/lrt/2024-01-10.md": """
        ---
        date: 2024-01-10
        time: 15:00
        location: "Zaal 3: west # boven"
        attendees:
          - {name: "Jansen, J.", org: JenV, role: "voorzitter: a.i. # tijdelijk"}
          - {org: VNG, role: Qznewwithheldrole}
        ---
        ## 1. Opvang

        - Actie: JenV stuurt een brief.

        ::: members
        - Actie: JenV belt Qznewblockaction Vxnewblockaction.
        :::
        """,
    "content/lrt/2024-02-01.md": """
        ---
        date: 2024-02-01
        location: Qznewlocation Vxnewlocation
        audience: members
        attendees:
          - Qznewattendee Vxnewattendee (JenV)
        ---
        ## 1. Geheim

        - Actie: JenV regelt Qznewmeetingaction Vxnewmeetingaction.
        """,
    "content/lrt/2024-03-01.md": """
        ---
        date: 2024-03-01
        ---
        ## 1. Later

        - Actie: JenV schrijft Qznewlateraction Vxnewlateraction.
        """,
}
NEW_CANARIES = ("Qznewblockaction Vxnewblockaction", "Qznewlocation Vxnewlocation",
                "Qznewattendee Vxnewattendee", "Qznewmeetingaction Vxnewmeetingaction",
                "Qznewwithheldrole")


def test_new_after_a_members_meeting_writes_only_what_the_public_may_read(tmp_path):
    from notulist.pipeline import new_meeting
    import datetime as dt
    config = write_site(tmp_path, NEW_BEFORE)
    path = new_meeting(config, "lrt", dt.date(2024, 2, 15))
    text = path.read_text()
    assert "Qznewlateraction" not in text                # raised after 2024-02-15
    assert "Qznewlocation" not in text and "Qznewattendee" not in text
    members = text[text.index("::: members"):]
    assert "Qznewblockaction" in members and "Qznewmeetingaction" in members
    assert "- [[2024-01-10#A1]] JenV stuurt een brief." in text[:text.index("::: members")]
    build(config, tmp_path / "output", cache=False)
    assert leaks(tmp_path / "output", *NEW_CANARIES) == {}
    assert "lrt/2024-02-15" in (tmp_path / "output/data/meetings.json").read_text()


def test_new_writes_valid_yaml_for_names_and_places_with_colons_commas_and_hashes(tmp_path):
    from notulist.pipeline import new_meeting
    import datetime as dt
    files = {"content/lrt/2024-01-10.md": NEW_BEFORE["content/lrt/2024-01-10.md"]}
    config = write_site(tmp_path, files)
    path = new_meeting(config, "lrt", dt.date(2024, 4, 1))
    build(config, tmp_path / "output", cache=False)
    new = {m["key"]: m for m in json.loads((tmp_path / "output/data/meetings.json")
                                           .read_text())}["lrt/2024-04-01"]
    assert (new["time"], new["location"]) == ("15:00", "Zaal 3: west # boven")
    assert new["attendees"] == [
        {"name": "Jansen, J.", "org": "JenV", "role": "voorzitter: a.i. # tijdelijk"},
        {"name": None, "org": "VNG", "role": None}]
    assert "Qznewwithheldrole" not in path.read_text()


def _alias_bomb(levels: int) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, levels)]
    return "\n".join(lines)


@pytest.mark.parametrize("front, line, expected", [
    (f"location: x\n{_alias_bomb(9)}", 3, "front matter uses a YAML anchor or alias"),
    ("location: &place Zaal 3\ntitle: *place", 2, "front matter uses a YAML anchor or alias"),
    ("attendees: " + "[" * 400 + "]" * 400, 2, "front matter is nested more than 20 levels"),
    ("attendees:\n" + "".join("  " * n + "-\n" for n in range(1, 400)) + "  " * 400 + "- x",
     22, "front matter is nested more than 20 levels"),
    ("title: {" * 400 + "a: b" + "}" * 400, 2, "front matter is nested more than 20 levels"),
], ids=["alias bomb", "one alias", "flow list 400 deep", "block list 400 deep",
        "flow mapping 400 deep"])
def test_front_matter_bombs_are_path_line_errors(tmp_path, front, line, expected):
    import time
    config = write_site(tmp_path, {})
    meeting = tmp_path / "content/lrt/2024-01-10.md"
    meeting.parent.mkdir(parents=True)
    meeting.write_text(f"---\ndate: 2024-01-10\n{front}\n---\n## 1. Opening\n")
    started = time.monotonic()
    with pytest.raises(BuildFailed) as failed:
        build(config, tmp_path / "output", cache=False)
    assert time.monotonic() - started < 5
    found = messages(failed.value.problems)
    assert any(f"2024-01-10.md:{line + 1}: {expected}" in message for message in found), found


def test_a_huge_value_in_an_error_is_cut(tmp_path):
    config = write_site(tmp_path, {"content/lrt/2024-01-10.md": "---\ndate: 2024-01-10\n"
                                   f"status: {'Qz' * 500_000}\n---\n## 1. Opening\n"})
    with pytest.raises(BuildFailed) as failed:
        build(config, tmp_path / "output", cache=False)
    [message] = messages(failed.value.problems)
    assert "2024-01-10.md:3: `status: QzQz" in message and len(message) < 1200
    assert message.endswith("is not allowed — use one of: final, draft, withdrawn")


@pytest.mark.parametrize("old, new, line, expected", [
    ('MBZK = "Minister', '"<marquee>ORGX" = "Injected"\nMBZK = "Minister', 20,
     "organisation code `<marquee>ORGX` may hold only letters, digits"),
    ('MBZK = "Minister', '"A\'B" = "Quote"\nMBZK = "Minister', 20,
     "organisation code `A'B` may hold only"),
    ('short = "LRT"', 'short = "<img src=x onerror=alert(1)>"', 9,
     "short name `<img src=x onerror=alert(1)>` of [bodies.lrt] may hold only letters"),
    ('[organisations]', '[keywords]\naction = ["Afgerond"]\n\n[organisations]', 17,
     "keyword `Afgerond` of action is already a keyword of done (built in)"),
    ('[organisations]', '[keywords]\naction = ["Taak"]\ndecision = ["taak"]\n\n'
     '[organisations]', 18, "keyword `taak` of decision is already a keyword of action "
     "(in [keywords])"),
], ids=["markup in a code", "quote in a code", "markup in a short name",
        "a built-in keyword of another kind", "one word for two kinds"])
def test_config_refuses_what_could_inject_markup_or_change_a_keyword(tmp_path, old, new, line,
                                                                     expected):
    assert old in CONFIG
    config = write_site(tmp_path, {"content/lrt/2024-01-10.md": "---\ndate: 2024-01-10\n---\n"},
                        CONFIG.replace(old, new, 1))
    with pytest.raises(BuildFailed) as failed:
        build(config, tmp_path / "output", cache=False)
    assert f"config.toml:{line}: {expected}" in "\n".join(messages(failed.value.problems))


def test_a_config_saved_with_a_byte_order_mark_is_read(tmp_path):
    config = write_site(tmp_path, {"content/lrt/2024-01-10.md": "---\ndate: 2024-01-10\n---\n"},
                        "\ufeff" + CONFIG)
    build(config, tmp_path / "output", cache=False)
    assert (tmp_path / "output/lrt/2024-01-10/index.html").is_file()


MEETING = "---\ndate: 2024-01-10\n---\n## 1. Opening\n\nOpenbare tekst.\n\n" \
          "::: members\nQzsymlinkblock Vxsymlinkblock\n:::\n"


@pytest.mark.parametrize("name, target", [
    ("static/cache", "../.cache"), ("static/members", "../output-members"),
    ("static/members.json", "../output-members/data/meetings.json"),
    ("static/site", ".."), ("static/spare", "../.output-members.spare"),
    ("content/pages/members.md", "../../output-members/data/meetings.json"),
], ids=["into .cache", "into the members output", "a file of the members output",
        "the site folder", "a hidden spare", "from content/"])
def test_symlinks_into_caches_and_outputs_are_refused(tmp_path, name, target):
    config = write_site(tmp_path, {"content/lrt/2024-01-10.md": MEETING})
    build(config, tmp_path / "output-members", audience="members")
    (tmp_path / ".output-members.spare").mkdir(exist_ok=True)
    (tmp_path / ".output-members.spare/x.txt").write_text("Qzsymlinkblock")
    link = tmp_path / name
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)
    with pytest.raises(BuildFailed) as failed:
        build(config, tmp_path / "output")
    assert f"{name}:1: this" in "\n".join(messages(failed.value.problems))
    assert not (tmp_path / "output").exists()


def test_names_that_differ_only_in_case_are_refused(tmp_path):
    config = write_site(tmp_path, {"content/lrt/Opening.md": MEETING,
                                   "content/lrt/opening.md": MEETING})
    with pytest.raises(BuildFailed) as failed:
        build(config, tmp_path / "output", cache=False)
    assert "lrt/opening.md:1: `lrt/opening.md` and `lrt/Opening.md` differ only in upper " \
           "and lower case" in "\n".join(messages(failed.value.problems))


def test_control_characters_do_not_reach_the_output(tmp_path):
    config = write_site(tmp_path, {"content/lrt/2024-01-10.md":
                                   "---\ndate: 2024-01-10\ntitle: \"Ti\\x01tel\"\nlocation: "
                                   "Zaal\x1b3\n---\n## 1. Ope\x01ning\n\nTekst\x02 met \x7f.\n"},
                        CONFIG.replace('name = "Landelijke', 'name = "Lande\\u0001lijke'))
    build(config, tmp_path / "output", cache=False)
    for path in (tmp_path / "output").rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".csv"):
            text = path.read_text(encoding="utf-8-sig")
            assert not any(ch in text for ch in "\x01\x02\x1b\x7f"), path


@pytest.mark.parametrize("output", ["/proc/notulist-x", "/sys/notulist-x", "/dev/null/x",
                                    "/proc/notulist-x/y"])
def test_an_output_folder_that_cannot_be_made_is_a_path_line_error(tmp_path, output, capsys):
    from notulist.cli import main
    config = write_site(tmp_path, {"content/lrt/2024-01-10.md": MEETING})
    assert main(["build", "--config", str(config), "--output", output]) == 1
    err = capsys.readouterr().err
    assert f"config.toml:1: the output folder {output} cannot be made" in err, err
    assert "Traceback" not in err


def _children(pid: int) -> set[int]:
    try:
        return set(map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split()))
    except OSError:
        return set()


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] not in "ZX"
    except (OSError, IndexError):
        return False


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
def test_kill_9_during_a_multi_core_build_leaves_no_worker_and_no_lock(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time
    from notulist.workers import worker_count
    if worker_count() < 2:
        pytest.skip("one core: no pool")
    files = {f"content/lrt/20{year:02d}-{month:02d}-{day:02d}.md":
             f"---\ndate: 20{year:02d}-{month:02d}-{day:02d}\n---\n## 1. Punt\n\n"
             + "Een zin over opvang en huisvesting. " * 40 + "\n"
             for year in range(10, 14) for month in range(1, 13) for day in range(1, 15)}
    config = write_site(tmp_path, files)
    command = [sys.executable, "-c", "import sys; from notulist import build; "
               "build(__import__('pathlib').Path(sys.argv[1]))", str(config)]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    first = subprocess.Popen(command, env=env)
    deadline = time.monotonic() + 60
    while not _children(first.pid) and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    workers = _children(first.pid)
    assert workers, "the build never started a pool"
    first.send_signal(signal.SIGKILL)
    first.wait()
    time.sleep(1)
    assert not [pid for pid in workers if _alive(pid)], "workers outlived their build"
    second = subprocess.run(command, env=env, timeout=120, capture_output=True, text=True)
    assert second.returncode == 0, second.stderr


def test_spares_and_leftovers_never_sit_in_a_published_folder(tmp_path):
    config = write_site(tmp_path, {"content/lrt/2024-01-10.md": MEETING})
    published = tmp_path / "public"
    build(config, published / "minutes", audience="members")
    build(config, published / "minutes", audience="members")    # now there is a spare
    assert [p.name for p in published.iterdir()] == ["minutes"]
    for leftover in (".minutes.spare", ".notulist-search-x1", ".minutes.old-1"):
        (published / leftover).mkdir()
        (published / leftover / "page.html").write_text("Qzsymlinkblock Vxsymlinkblock")
    result = build(config, published / "minutes")
    assert [p.name for p in published.iterdir()] == ["minutes"]
    assert leaks(published, "Qzsymlinkblock Vxsymlinkblock") == {}
    [stopped] = [p for p in messages(result.problems) if "was stopped" in p]
    assert ".minutes.old-1, .minutes.spare, .notulist-search-x1" in stopped


SERVE_CONFIG = CONFIG.replace("search = false", "search = true")
FENCED = "---\ndate: 2024-01-10\n---\n## 1. Opening\n\nOpenbaar.\n\n::: members\n" \
         "Qzserveblock Vxserveblock\n:::\n"
UNFENCED = FENCED.replace("::: members\n", "").replace(":::\n", "")


def _wait_for(condition, what: str, timeout: float = 20.0):
    import time
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def _serve(config: Path, lines: list[str]):
    from notulist.serve import Server
    server = Server(config, port=0, log=lines.append, idle=1.0)
    server.start()
    return server


def _save(path: Path, text: str) -> None:
    import os
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def test_serve_undoing_a_public_preview_leaves_nothing_public(tmp_path):
    """Save without the fences (indexed as public), undo: the output and the next build
    must forget the preview, though the file is byte-identical to the start."""
    config = write_site(tmp_path, {"content/lrt/2024-01-10.md": FENCED}, SERVE_CONFIG)
    meeting, page = tmp_path / "content/lrt/2024-01-10.md", tmp_path / "output/lrt/2024-01-10/index.html"
    lines: list[str] = []
    server = _serve(config, lines)
    try:
        _save(meeting, UNFENCED)
        _wait_for(lambda: "Qzserveblock" in page.read_text(), "the preview")
        _wait_for(lambda: any("search index updated" in line for line in lines), "the index")
        _save(meeting, FENCED)
        _wait_for(lambda: "Qzserveblock" not in page.read_text(), "the undo")
    finally:
        server.stop()               # at once: before serve's own refresh of the index
    assert leaks(tmp_path / "output", "Qzserveblock Vxserveblock") == {}
    build(config)
    assert leaks(tmp_path / "output", "Qzserveblock Vxserveblock") == {}


def test_stopping_serve_right_after_a_save_leaves_no_stale_index(tmp_path):
    config = write_site(tmp_path, {"content/lrt/2024-01-10.md": UNFENCED}, SERVE_CONFIG)
    meeting, page = tmp_path / "content/lrt/2024-01-10.md", tmp_path / "output/lrt/2024-01-10/index.html"
    lines: list[str] = []
    server = _serve(config, lines)
    try:
        _save(meeting, FENCED)
        _wait_for(lambda: "Qzserveblock" not in page.read_text(), "the members-only save")
    finally:
        server.stop()
    assert leaks(tmp_path / "output", "Qzserveblock Vxserveblock") == {}
    assert build(config).written == 0           # serve left the output whole and remembered


def _archive(count: int, special: str) -> dict[str, str]:
    """`count` meetings over the years; the first holds `special` as its last paragraph."""
    import datetime as dt
    start = dt.date(2015, 1, 5)
    files = {}
    for number in range(count):
        day = (start + dt.timedelta(days=7 * number)).isoformat()
        text = f"---\ndate: {day}\n---\n## 1. Punt\n\n" + "Een zin over opvang. " * 30 + "\n"
        files[f"content/lrt/{day}.md"] = text + (special if number == 0 else "")
    return files


@pytest.mark.parametrize("delay", [0.2, 0.5])
def test_overlapping_builds_publish_the_later_text(tmp_path, delay):
    """Build A with a public sentence, B started `delay` s later with it members-only:
    afterwards no public byte (search index included) holds it, and a third build agrees."""
    import os
    import subprocess
    import sys
    import time
    sentence = "Qzoverlap Vxoverlap.\n"
    config = write_site(tmp_path, _archive(300, sentence), SERVE_CONFIG)
    first = tmp_path / "content/lrt/2015-01-05.md"
    command = [sys.executable, "-c", "import sys, pathlib; from notulist import build; "
               "build(pathlib.Path(sys.argv[1]))", str(config)]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    a = subprocess.Popen(command, env=env)
    time.sleep(delay)
    first.write_text(first.read_text().replace(sentence, f"::: members\n{sentence}:::\n"))
    b = subprocess.Popen(command, env=env)
    assert a.wait(timeout=120) == 0 and b.wait(timeout=120) == 0
    assert leaks(tmp_path / "output", "Qzoverlap Vxoverlap") == {}
    build(config)
    assert leaks(tmp_path / "output", "Qzoverlap Vxoverlap") == {}
