"""A text edit (snapshot.py): when only the text of meetings changed, the build renders
their pages in the site of the last build. It must give exactly the bytes of a clean build,
and anything more than text must build in full."""
from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest

from notulist import build, memo, pipeline, snapshot
from tests.test_site import copy_fixture, tree

MEETING = "content/lrt/2023-07-10.md"


@pytest.fixture
def full_builds(monkeypatch) -> list[str]:
    """The audiences of the builds that ran every stage (not counting the clean builds
    compared with)."""
    runs: list[str] = []
    run_stages = pipeline.run_stages

    def counted(config, output, audience, *args, **kwargs):
        if not output.name.startswith("clean"):
            runs.append(audience)
        return run_stages(config, output, audience, *args, **kwargs)
    monkeypatch.setattr(pipeline, "run_stages", counted)
    return runs


def change(config: Path, old: str, new: str, name: str = MEETING) -> None:
    path = config.parent / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def clean_tree(config: Path, tmp_path: Path, audience: str) -> dict[str, bytes]:
    clean = tmp_path / f"clean-{audience}"
    shutil.rmtree(clean, ignore_errors=True)
    build(config, clean, audience=audience, cache=False)
    return tree(clean)


@pytest.mark.parametrize("audience", ["public", "members"])
def test_a_text_edit_renders_its_page_alone_and_equals_a_clean_build(tmp_path, full_builds,
                                                                     audience):
    config = copy_fixture(tmp_path)
    out = tmp_path / "out"
    build(config, out, audience=audience)
    before = tree(out)
    change(config, "De vergadering wordt geopend.", "De voorzitter opent de vergadering.")
    result = build(config, out, audience=audience)
    assert full_builds == [audience]                    # the first build only
    after = tree(out)
    assert after == clean_tree(config, tmp_path, audience)
    changed = {name for name in after if after[name] != before.get(name)}
    assert "lrt/2023-07-10/index.html" in changed
    assert not {name for name in changed if not name.startswith(("lrt/2023-07-10/", "pagefind/"))}
    assert b"De voorzitter opent de vergadering." in after["lrt/2023-07-10/index.html"]
    assert result.pages == len(after)
    # the warnings of the last full build, path:line, as a clean build reports them
    clean = build(config, tmp_path / "clean-again", audience=audience, cache=False)
    assert [p.format() for p in result.problems] == [p.format() for p in clean.problems]
    assert any(":11: warning: due date" in p.format() for p in result.problems)


def test_a_members_passage_edited_in_a_public_build_stays_out_of_it(tmp_path, full_builds):
    """Members blocks are text: an edit of one is a text edit, and the public page still
    shows only that a passage was withheld; nothing of it reaches the index."""
    config = copy_fixture(tmp_path)
    out, members = tmp_path / "out", tmp_path / "members"
    build(config, out)
    build(config, members, audience="members")
    canary = "KANARIE-tekstbewerking-7731"
    change(config, "Vertrouwelijke toelichting van JenV.", f"Vertrouwelijk: {canary}.")
    build(config, out)
    build(config, members, audience="members")
    assert full_builds == ["public", "members"]
    published = tree(out)
    assert published == clean_tree(config, tmp_path, "public")
    assert not [name for name, data in published.items() if canary.encode() in data]
    assert canary.encode() in tree(members)["lrt/2023-07-10/index.html"]


@pytest.mark.parametrize("old, new", [
    ("location: Den Haag", "location: Utrecht"),                          # front matter
    ("## 1. Opening", "## 1. Welkom"),                                    # an item's title
    ("- De vergadering wordt geopend.", "- Actie: SZW belt de VNG."),     # a new action
    ("- De vergadering wordt geopend.", "- Zie [[2023-09-22]]."),         # a reference
    ("overleg met de provincies.", "overleg met het Rijk."),              # an action's text
    ("Besluit: de tafel", "Besluit: de gehele tafel"),                    # a decision's text
    ("- De vergadering wordt geopend.", "\n\n- De vergadering wordt geopend."),  # lines move
])
def test_more_than_text_builds_in_full(tmp_path, full_builds, old, new):
    config = copy_fixture(tmp_path)
    out = tmp_path / "out"
    build(config, out)
    change(config, old, new)
    build(config, out)
    assert full_builds == ["public", "public"]
    assert tree(out) == clean_tree(config, tmp_path, "public")


def test_a_new_problem_builds_in_full(tmp_path, full_builds):
    """Problems are part of what a text edit must keep: a build reports them all."""
    config = copy_fixture(tmp_path)
    out = tmp_path / "out"
    build(config, out)
    change(config, "De vergadering wordt geopend.", "Zie <div>open HTML.\n\n## 9. Los")
    with pytest.raises(Exception):
        pipeline.build(config, out, strict=True)
    assert len(full_builds) == 2


@pytest.mark.parametrize("what", ["template", "new file", "removed file", "config", "page",
                                  "site snapshot lost", "site snapshot broken", "state lost"])
def test_anything_besides_meeting_text_builds_in_full(tmp_path, full_builds, what):
    config = copy_fixture(tmp_path)
    out = tmp_path / "out"
    build(config, out)
    root = config.parent
    change(config, "De vergadering wordt geopend.", "De voorzitter opent.")
    snapshots = sorted((root / ".cache").glob("snapshot-*"))
    assert [p.name.split(".", 1)[1] for p in snapshots] == ["pickle", "site.pickle"]
    if what == "template":
        (root / "templates").mkdir(exist_ok=True)
        (root / "templates/footer.html").write_text("<p>Voet</p>\n")
    elif what == "new file":
        (root / "content/lrt/2023-12-01.md").write_text("---\ndate: 2023-12-01\n---\n## 1. Opening\n")
    elif what == "removed file":
        (root / "content/pages/over.md").unlink()
    elif what == "config":
        change(config, 'title = "', 'title = "Het ', name="config.toml")
    elif what == "page":
        page = root / "content/pages/over.md"
        page.write_text(page.read_text() + "\nMeer tekst.\n")
    elif what == "site snapshot lost":
        snapshots[1].unlink()
    elif what == "site snapshot broken":
        snapshots[1].write_bytes(snapshots[1].read_bytes()[:100])
    else:
        snapshots[0].unlink()
    build(config, out)
    assert full_builds == ["public", "public"]
    assert tree(out) == clean_tree(config, tmp_path, "public")


def test_text_edits_in_a_row_and_then_a_full_build(tmp_path, full_builds):
    """Each text edit keeps the state the next one starts from; a full build after them
    (here: a new action) still finds every page as a clean build has it."""
    config = copy_fixture(tmp_path)
    out = tmp_path / "out"
    build(config, out)
    for number in range(3):
        change(config, "wordt geopend", f"wordt geopend ({number})")
        build(config, out)
        assert tree(out) == clean_tree(config, tmp_path, "public")
    assert full_builds == ["public"]
    change(config, "- De vergadering", "- Actie: SZW belt.\n- De vergadering")
    build(config, out)
    assert full_builds == ["public", "public"]
    assert tree(out) == clean_tree(config, tmp_path, "public")


def test_the_memo_reads_a_file_again_only_when_its_size_times_or_inode_changed(
        tmp_path, monkeypatch):
    config = copy_fixture(tmp_path)
    root = config.parent
    monkeypatch.setattr(memo, "RACY_NS", 0)
    first = memo.fingerprint(config, "public", False, tmp_path / "out")
    assert all(row[0] is not None for row in first.table.values())

    def refuse(*args, **kwargs):
        raise AssertionError("an unchanged file was read")
    monkeypatch.setattr(memo, "open", refuse, raising=False)
    assert memo.fingerprint(config, "public", False, tmp_path / "out", first.table) == first
    monkeypatch.undo()
    monkeypatch.setattr(memo, "RACY_NS", 0)
    # same size, the old modification time put back: the change time still tells
    path = root / MEETING
    stat = path.stat()
    text = path.read_text()
    path.write_text(text.replace("geopend", "GEOPEND"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    second = memo.fingerprint(config, "public", False, tmp_path / "out", first.table)
    assert second.print != first.print and second.frame == first.frame
    assert [n for n in first.table if first.table[n][-1] != second.table[n][-1]] == [
        MEETING]


def test_a_file_changed_just_before_it_was_recorded_is_read_again(tmp_path):
    """File times are coarse: a save within the same tick as the last one could keep the
    size and times. So a file changed in the last two seconds is recorded without them."""
    config = copy_fixture(tmp_path)
    (config.parent / MEETING).write_text((config.parent / MEETING).read_text() + "\n")
    inputs = memo.fingerprint(config, "public", False, tmp_path / "out")
    assert inputs.table[MEETING][:4] == [None] * 4


def test_a_text_edit_after_a_build_on_both_cores_is_a_text_edit(tmp_path, full_builds,
                                                                  monkeypatch):
    """Outlines made in the worker processes of a full build and the one made of the
    edited file in the main process must compare equal (model.outline's digest)."""
    from notulist import cache
    monkeypatch.setattr(cache, "POOL_THRESHOLD", 1)
    config = copy_fixture(tmp_path)
    out = tmp_path / "out"
    build(config, out)
    change(config, "De vergadering wordt geopend.", "De voorzitter opent de vergadering.")
    build(config, out)
    assert full_builds == ["public"]
    assert tree(out) == clean_tree(config, tmp_path, "public")


def test_a_content_symlink_led_outside_builds_in_full_and_is_refused(tmp_path, full_builds):
    """A text edit reads the changed files itself: a symlink among them is left to the full
    build, which refuses one that leads outside the site folder."""
    from notulist import BuildFailed
    config = copy_fixture(tmp_path)
    out = tmp_path / "out"
    meeting = config.parent / MEETING
    inside = config.parent / "kopie.md"
    inside.write_text(meeting.read_text())
    meeting.unlink()
    meeting.symlink_to(inside)
    build(config, out)
    outside = tmp_path / "elders.md"
    outside.write_text(inside.read_text().replace("wordt geopend", "GEHEIM-BUITEN"))
    meeting.unlink()
    meeting.symlink_to(outside)
    with pytest.raises(BuildFailed) as failed:
        pipeline.build(config, out)
    assert any("symlink to outside" in p.message for p in failed.value.problems)
    assert full_builds == ["public", "public"]
    assert not [n for n, data in tree(out).items() if b"GEHEIM-BUITEN" in data]


def test_an_edit_inside_a_symlinked_folder_is_seen(tmp_path):
    """The memo finds the files the loader reads: it follows a symlinked folder of content/
    as the loader does, so an edit behind it is built, not taken for "nothing changed"."""
    config = copy_fixture(tmp_path)
    root = config.parent
    shutil.move(root / "content/lrt", root / "lrt-src")
    (root / "content/lrt").symlink_to(root / "lrt-src", target_is_directory=True)
    out = tmp_path / "out"
    build(config, out)
    path = root / "lrt-src" / Path(MEETING).name
    path.write_text(path.read_text().replace("De vergadering wordt geopend.", "Qzbehindlink."))
    assert build(config, out).written
    assert b"Qzbehindlink." in (out / "lrt/2023-07-10/index.html").read_bytes()
    assert tree(out) == clean_tree(config, tmp_path, "public")


@pytest.mark.parametrize("kind", ["nowhere", "loop"])
def test_a_symlink_to_nowhere_or_back_up_is_an_error_after_a_good_build(tmp_path, kind):
    """With the memo of a good build in place, a symlink that leads nowhere, or back to a
    folder that holds it, fails the build with path:line and the fix, and no traceback.
    Removing it builds again."""
    from notulist import BuildFailed
    config = copy_fixture(tmp_path)
    out = tmp_path / "out"
    build(config, out)
    before = tree(out)
    link = config.parent / ("content/lrt/2099-01-01.md" if kind == "nowhere"
                            else "content/lrt/terug")
    link.symlink_to(config.parent / ("nowhere.md" if kind == "nowhere" else "content"),
                    target_is_directory=kind == "loop")
    with pytest.raises(BuildFailed) as failed:
        build(config, out)
    [problem] = [p for p in failed.value.problems if not p.warning]
    expected = "leads nowhere" if kind == "nowhere" else "leads back to a folder"
    assert problem.format().startswith(f"{link}:1: this symlink {expected}")
    assert " — " in problem.message
    assert tree(out) == before
    link.unlink()
    build(config, out)
    assert tree(out) == before


def test_a_file_gone_between_listing_and_reading_is_not_a_traceback(tmp_path, monkeypatch):
    """Saved by an editor that replaces the file, a file can vanish between the walk and
    the look at it: the memo then records it as unreadable and the build looks again."""
    config = copy_fixture(tmp_path)
    real_stat = os.stat

    def vanished(path, *args, **kwargs):
        if str(path).endswith(Path(MEETING).name):
            raise FileNotFoundError(2, "No such file or directory")
        return real_stat(path, *args, **kwargs)
    monkeypatch.setattr(memo.os, "stat", vanished)
    inputs = memo.fingerprint(config, "public", False, tmp_path / "out")
    assert inputs.table[MEETING] == [None] * 4 + ["unreadable: No such file or directory"]


def test_a_template_symlink_to_nowhere_is_not_a_traceback(tmp_path):
    """templates/ is read by Jinja, which passes over a file that is not there: the digest
    of the templates every page depends on does too."""
    config = copy_fixture(tmp_path)
    (config.parent / "templates").mkdir(exist_ok=True)
    (config.parent / "templates/kapot.html").symlink_to(config.parent / "nergens.html")
    out = tmp_path / "out"
    build(config, out)
    assert tree(out) == clean_tree(config, tmp_path, "public")


def test_the_snapshot_keeps_large_tables_in_buckets_opened_one_at_a_time():
    """snapshot.Buckets: the dict's keys, order and values, after a trip through pickle
    (a new process's str hashes differ: the bucket of a key must not depend on them),
    and asking for one key unpickles only its own bucket."""
    table = {f"lrt/2023-{n:04d}#A{n % 7}": (n, "open") for n in range(2000)}
    table[("lrt/2023-0001", 3)] = "a tuple key"        # register.update_targets has them
    kept = pickle.loads(pickle.dumps(snapshot.Buckets(table)))
    assert list(kept) == list(table) and len(kept) == len(table)
    assert kept["lrt/2023-0042#A0"] == (42, "open")
    assert kept[("lrt/2023-0001", 3)] == "a tuple key"
    assert len(kept._open) == 2
    assert "lrt/2023-9999#A1" not in kept and kept.get("lrt/2023-9999#A1") is None
    with pytest.raises(KeyError):
        kept["lrt/2023-9999#A1"]
    assert dict(kept.items()) == table
    assert len(kept._open) == snapshot.BUCKETS
