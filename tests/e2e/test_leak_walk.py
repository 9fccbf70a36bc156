"""Issue 17's property: random members/public edits (a public preview undone among them)
with interleaved public and members builds, deferred search indexes and a serve session;
after each step every public byte is scanned (the scanner of test_security.py)."""
from __future__ import annotations

from pathlib import Path

from tests.conftest import write_site
from notulist import build
from tests.e2e.test_leaks import SERVE_CONFIG, _save, _serve, _wait_for
from tests.e2e.test_security import leak_report, scan_tree

WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
         "juliet", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo",
         "sierra", "tango", "uniform", "victor", "whisky", "xray", "yankee", "zulu")


class Minutes:
    """Meeting files of numbered paragraphs, each public or members-only, edited at random."""

    def __init__(self, root: Path, random):
        self.root, self.random = root, random
        self.paragraphs = {day: [] for day in ("2023-05-10", "2024-02-01", "2024-09-12")}
        self.fresh = iter(WORDS)

    def edit(self) -> None:
        day = self.random.choice(sorted(self.paragraphs))
        paragraphs = self.paragraphs[day]
        move = self.random.choice(["add", "add", "flip", "flip", "drop"]) if paragraphs else "add"
        if move == "add":
            paragraphs.append([f"Qzp{next(self.fresh)} Vxp{paragraphs and 'x' or 'y'}",
                               self.random.random() < 0.5])
        elif move == "flip":
            self.random.choice(paragraphs)[1] ^= True
        else:
            paragraphs.remove(self.random.choice(paragraphs))
        self.write(day)

    def write(self, day: str) -> None:
        text = f"---\ndate: {day}\n---\n## 1. Punt\n\nOpenbaar begin.\n\n"
        for words, members in self.paragraphs[day]:
            text += f"::: members\n{words}.\n:::\n\n" if members else f"{words}.\n\n"
        _save(self.root / f"content/lrt/{day}.md", text)

    def preview(self) -> None:
        """A members-only paragraph saved as public for a moment (the fences taken out)."""
        hidden = [(day, paragraph) for day, paragraphs in sorted(self.paragraphs.items())
                  for paragraph in paragraphs if paragraph[1]]
        if hidden:
            day, paragraph = self.random.choice(hidden)
            paragraph[1] = False
            self.write(day)

    def state(self) -> dict:
        return {day: [list(p) for p in paragraphs] for day, paragraphs in self.paragraphs.items()}

    def restore(self, state: dict) -> None:
        """Every file as it was: byte-identical, as an editor's undo leaves it."""
        self.paragraphs = {day: [list(p) for p in paragraphs] for day, paragraphs in state.items()}
        for day in self.paragraphs:
            self.write(day)

    def secrets(self) -> list[str]:
        return [words.split()[0] for paragraphs in self.paragraphs.values()
                for words, members in paragraphs if members]

    def public(self) -> list[str]:
        return [words.split()[0] for paragraphs in self.paragraphs.values()
                for words, members in paragraphs if not members]


def _assert_clean(output: Path, minutes: Minutes, step: str) -> None:
    scan = scan_tree(output)
    found = {secret: files for secret in minutes.secrets()
             if (files := [path for path, texts in scan if any(secret.lower() in text
                                                               for text in texts)])}
    assert found == {}, f"after {step}: members-only text in the public output: {found}"


def test_random_edits_with_interleaved_builds_and_serve_never_publish_members_text(tmp_path):
    """A bounded random walk (fixed seed): edits, public and members builds into folders
    side by side, a serve session; after each step every public byte is scanned."""
    import random
    import time
    from notulist.pipeline import refresh_search
    minutes = Minutes(tmp_path, random.Random(17))
    config = write_site(tmp_path, {}, SERVE_CONFIG)
    (tmp_path / "content/lrt").mkdir(parents=True)
    for day in minutes.paragraphs:
        minutes.write(day)
    public = tmp_path / "output"
    for step in range(12):
        if step % 3 == 0:
            minutes.edit()
            before = minutes.state()
        elif step % 3 == 1:
            minutes.preview()           # then undone, as serve's user does (issue 17, case 1)
        else:
            minutes.restore(before)
            build(config, tmp_path / "output-members", audience="members")
        if build(config, public, search_now=step % 3 != 1).search_pending:
            refresh_search(config)      # as serve does once the sources are quiet
        _assert_clean(public, minutes, f"build {step}")
    lines: list[str] = []
    server = _serve(config, lines)
    try:
        for step in range(4):
            rebuilt = sum(line.startswith("rebuilt") for line in lines)
            minutes.edit()
            _wait_for(lambda: sum(line.startswith("rebuilt") for line in lines) > rebuilt,
                      "serve's rebuild")
            time.sleep(1.5)             # serve's index follows after a second of quiet
            _assert_clean(public, minutes, f"serve rebuild {step}")
    finally:
        server.stop()
    _assert_clean(public, minutes, "serve stopped")
    build(config, public)
    _assert_clean(public, minutes, "the build after serve")
    scan = scan_tree(public)                # the scan finds what the public may read
    assert minutes.public() and all(leak_report(scan, word) for word in minutes.public())
