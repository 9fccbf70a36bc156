"""Incremental builds are always correct: after random edits, a build that reuses the cache,
the memo and the previous output gives exactly the bytes of a clean build."""
from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest

from notulist import BuildFailed, build
from tests.conftest import CONFIG, write_site
from tests.test_site import copy_fixture, tree

SEQUENCES = 100
STEPS = 3
SEARCH_EVERY = 10       # every tenth sequence also keeps the search index (0.4 s a build)


def meeting_text(rng: random.Random, date: str, others: list[str]) -> str:
    lines = ["---", f"date: {date}", f"time: {rng.choice(['10:00', '15:00'])}",
             f"location: {rng.choice(['Webex', 'Den Haag', 'NO'])}",
             "attendees:", "  - Jansen (JenV)", "  - (SZW)", "  - {name: Ann Smith, org: IPO}"]
    earlier = [o for o in others if o < date]
    if earlier and rng.random() < 0.5:
        lines.append(f"approves: {earlier[-1]}")
    lines += ["---", "", "## 1. Opening", "", f"- Tekst {rng.randrange(1000)}."]
    if earlier:
        lines.append(f"- Zie [[{rng.choice(earlier)}]].")
    lines += ["", f"## 2. {rng.choice(['Opvang', 'Huisvesting', 'Begroting'])}", "",
              "- Actie: JenV stuurt een brief, uiterlijk 2030-01-01.",
              f"- Besluit: de tafel stemt in ({rng.randrange(100)})."]
    if rng.random() < 0.3:
        lines += ["", "::: members 5.1.2e", f"Geheim {rng.randrange(100)}.", ":::"]
    return "\n".join(lines) + "\n"


def dates(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "content/lrt").glob("*.md"))


def edit(rng: random.Random, root: Path) -> None:
    """One random change of the kind a secretariat or a git checkout makes."""
    existing = dates(root)
    action = rng.choice(["add", "add", "edit", "text", "rename", "delete", "config", "template"])
    if action == "add" or not existing:
        date = f"2024-{rng.randrange(1, 13):02d}-{rng.randrange(1, 28):02d}"
        (root / f"content/lrt/{date}.md").write_text(meeting_text(rng, date, existing))
    elif action == "edit":
        date = rng.choice(existing)
        (root / f"content/lrt/{date}.md").write_text(meeting_text(rng, date, existing))
    elif action == "text":          # the text alone, a members passage too (snapshot.py)
        path = root / f"content/lrt/{rng.choice(existing)}.md"
        path.write_text(re.sub(r"(Tekst|Geheim) \d+", lambda m: f"{m[1]} {rng.randrange(1000)}",
                               path.read_text()))
    elif action == "rename":
        old = rng.choice(existing)
        new = f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 28):02d}"
        text = (root / f"content/lrt/{old}.md").read_text().replace(f"date: {old}", f"date: {new}")
        (root / f"content/lrt/{old}.md").unlink()
        (root / f"content/lrt/{new}.md").write_text(text)
    elif action == "delete":
        (root / f"content/lrt/{rng.choice(existing)}.md").unlink()
    elif action == "config":
        # a new title; in the sequences that try search, search is switched off or on again
        text = (root / "config.toml").read_text()
        text = re.sub(r'^title = ".*"$', f'title = "Archief {rng.randrange(100)}"', text,
                      count=1, flags=re.M)
        if "search = true" in text:
            text = text.replace("search = true", "search = false  # switched")
        else:
            text = text.replace("search = false  # switched", "search = true")
        (root / "config.toml").write_text(text)
    else:
        (root / "templates").mkdir(exist_ok=True)
        (root / "templates/footer.html").write_text(f"<p>Voet {rng.randrange(100)}</p>\n")


def outcome(config: Path, output: Path, cache: bool):
    try:
        return build(config, output, cache=cache).problems
    except BuildFailed as failed:
        return ("failed", [p.format() for p in failed.problems])


@pytest.mark.parametrize("seed", range(SEQUENCES))
def test_incremental_build_equals_clean_build(tmp_path, seed):
    rng = random.Random(seed)
    root = tmp_path / "site"
    searched = seed % SEARCH_EVERY == 0
    config = write_site(root, {}, CONFIG.replace("search = false", "search = true")
                        if searched else CONFIG)
    (root / "content/lrt").mkdir()
    for _ in range(rng.randrange(1, 4)):
        edit(rng, root)
    outcome(config, root / "output", cache=True)
    for _ in range(STEPS):
        edit(rng, root)
        before = tree(root / "output")
        incremental = outcome(config, root / "output", cache=True)
        clean_dir = tmp_path / "clean"
        shutil.rmtree(clean_dir, ignore_errors=True)
        clean = outcome(config, clean_dir, cache=False)
        assert incremental == clean
        if isinstance(clean, tuple):             # a failed build leaves the output as it was
            assert tree(root / "output") == before
        else:
            assert tree(root / "output") == tree(clean_dir)


def test_the_registers_follow_a_progress_note_a_new_text_and_an_action_reopened(tmp_path):
    """The action and organisation pages name their rows by short digests (pages.Planner
    .action_token): a progress note, a changed text, or an action opened again must show
    on them, as in a clean build."""
    from tests.test_site import copy_fixture
    config = copy_fixture(tmp_path)
    out = tmp_path / "out"
    later = config.parent / "content/lrt/2023-09-22.md"
    earlier = config.parent / "content/lrt/2023-07-10.md"
    edits = [           # a progress note (A2 stays open), A2's text, A1 open again
        (later, lambda text: text + "\n- Stand: [[2023-07-10#A2]] de provincies reageren.\n"),
        (earlier, lambda text: text.replace("overleg met de provincies", "overleg met het Rijk")),
        (later, lambda text: text.replace("- Afgerond: [[2023-07-10#A1]] de brief is verstuurd.\n",
                                          "")),
    ]
    build(config, out)
    for path, change in edits:
        before = {name: (out / name).read_bytes() for name in
                  ("actions/index.html", "actions/closed/index.html",
                   "organisations/ipo/index.html")}
        path.write_text(change(path.read_text()))
        build(config, out)
        clean = tmp_path / "clean"
        shutil.rmtree(clean, ignore_errors=True)
        build(config, clean, cache=False)
        assert tree(out) == tree(clean)
        assert any((out / name).read_bytes() != data for name, data in before.items())


def test_a_damaged_parse_cache_is_parsed_again_and_written_anew(tmp_path, monkeypatch):
    """The parse cache holds each file's entry pickled (as the worker that parsed it made
    it). An entry whose bytes are damaged, or a shard that is not one, costs a parse, not
    a traceback, and its shard is written again."""
    import pickle

    from notulist import cache
    config = copy_fixture(tmp_path / "site")
    out = tmp_path / "out"
    build(config, out)
    shards = sorted((config.parent / ".cache" / "parsed").glob("*.pickle"))
    damaged_entry, damaged_shard = shards[0], shards[1]
    stamp, entries = pickle.loads(damaged_entry.read_bytes())
    assert all(type(entry) is bytes for entry in entries.values())
    digest = next(iter(entries))
    entries[digest] = b"\x80\x05not a pickle"
    damaged_entry.write_bytes(pickle.dumps((stamp, entries)))
    damaged_shard.write_bytes(pickle.dumps((stamp, ["not", "a", "dict"])))
    (config.parent / "content" / "lrt" / "2024-01-15.md").write_text(  # a full build
        "---\ndate: 2024-01-15\n---\n## 1. Opening\n\nKort.\n")
    monkeypatch.setattr(cache, "_recent", {})      # as a new process: the cache is read
    build(config, out)
    clean = tmp_path / "clean"
    build(config, clean, cache=False)
    assert tree(out) == tree(clean)
    _, rewritten = pickle.loads(damaged_entry.read_bytes())
    assert pickle.loads(rewritten[digest])[0] is not None      # parsed again, kept anew
    assert isinstance(pickle.loads(damaged_shard.read_bytes())[1], dict)
