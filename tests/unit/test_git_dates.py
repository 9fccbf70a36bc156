"""Last-change dates from git history: one git log, committer dates in UTC, shallow clones told."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from notulist.load import git_history as git_dates
from notulist.load.git_history import GitHistory, file_dates, last_change, shallow_warning

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
UTC = dt.timezone.utc


def git(repo: Path, *arguments: str, when: str = "2024-01-01T10:00:00+00:00") -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Secretariaat", "GIT_AUTHOR_EMAIL": "s@example.org",
           "GIT_COMMITTER_NAME": "Secretariaat", "GIT_COMMITTER_EMAIL": "s@example.org",
           "GIT_AUTHOR_DATE": "2000-01-01T00:00:00+00:00", "GIT_COMMITTER_DATE": when,
           "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo.parent)}
    subprocess.run(["git", *arguments], cwd=repo, env=env, check=True, capture_output=True)


def commit(repo: Path, files: dict[str, str | None], when: str) -> None:
    for name, text in files.items():
        path = repo / name
        if text is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "minutes", when=when)


@pytest.fixture
def repo(tmp_path) -> Path:
    repo = tmp_path / "site"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit(repo, {"content/lrt/2024-01-10.md": "v1\n", "content/lrt/2024-02-14.md": "v1\n",
                  "content/ovt/verslag één.md": "v1\n", "config.toml": "x\n"},
           "2024-03-01T09:00:00+01:00")
    commit(repo, {"content/lrt/2024-01-10.md": "v2, corrected\n"}, "2024-04-02T15:30:00+02:00")
    return repo


def test_each_file_has_the_committer_date_of_its_last_change(repo):
    history = file_dates(repo / "content")
    assert history == GitHistory({
        "lrt/2024-01-10.md": dt.datetime(2024, 4, 2, 13, 30, tzinfo=UTC),
        "lrt/2024-02-14.md": dt.datetime(2024, 3, 1, 8, 0, tzinfo=UTC),
        "ovt/verslag één.md": dt.datetime(2024, 3, 1, 8, 0, tzinfo=UTC)}, shallow=False)


def test_one_git_log_for_the_whole_folder(repo, monkeypatch):
    commit(repo, {f"content/lrt/2023-{n:02d}-01.md": "x\n" for n in range(1, 13)},
           "2024-05-01T00:00:00+00:00")
    calls, real = [], subprocess.run
    monkeypatch.setattr(git_dates.subprocess, "run",
                        lambda command, **kw: calls.append(command) or real(command, **kw))
    assert len(file_dates(repo / "content").changed) == 15
    assert len(calls) == 2 and sum("log" in command for command in calls) == 1


def test_a_correction_moves_only_the_corrected_file(repo):
    before = file_dates(repo / "content").changed
    commit(repo, {"content/lrt/2024-02-14.md": "v2\n"}, "2024-06-01T08:00:00+00:00")
    after = file_dates(repo / "content").changed
    assert after["lrt/2024-02-14.md"] == dt.datetime(2024, 6, 1, 8, 0, tzinfo=UTC)
    assert {k: v for k, v in after.items() if k != "lrt/2024-02-14.md"} == {
        k: v for k, v in before.items() if k != "lrt/2024-02-14.md"}


def test_uncommitted_edits_keep_the_date_of_the_committed_version(repo):
    (repo / "content/lrt/2024-02-14.md").write_text("edited, not committed\n", encoding="utf-8")
    (repo / "content/lrt/2024-09-09.md").write_text("new, untracked\n", encoding="utf-8")
    changed = file_dates(repo / "content").changed
    assert changed["lrt/2024-02-14.md"] == dt.datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
    assert "lrt/2024-09-09.md" not in changed


def test_a_renamed_file_is_dated_by_its_rename(repo):
    git(repo, "mv", "content/lrt/2024-02-14.md", "content/lrt/2024-02-15.md")
    git(repo, "commit", "-q", "-m", "renamed", when="2024-07-01T00:00:00+00:00")
    changed = file_dates(repo / "content").changed
    assert changed["lrt/2024-02-15.md"] == dt.datetime(2024, 7, 1, tzinfo=UTC)


def test_a_merge_dates_the_files_it_brings_in(repo):
    git(repo, "checkout", "-q", "-b", "draft")
    commit(repo, {"content/ovt/verslag één.md": "v2\n"}, "2024-05-01T00:00:00+00:00")
    git(repo, "checkout", "-q", "main")
    commit(repo, {"config.toml": "y\n"}, "2024-05-02T00:00:00+00:00")
    git(repo, "merge", "-q", "--no-ff", "-m", "merge", "draft", when="2024-05-03T00:00:00+00:00")
    changed = file_dates(repo / "content").changed
    assert changed["ovt/verslag één.md"] == dt.datetime(2024, 5, 3, tzinfo=UTC)
    assert changed["lrt/2024-02-14.md"] == dt.datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def test_outside_a_work_tree_or_without_git_there_are_no_dates(tmp_path, monkeypatch, repo):
    plain = tmp_path / "plain"
    plain.mkdir()
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert file_dates(plain) is None
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    assert file_dates(repo / "content") is None


def test_a_repository_without_commits_has_no_dates(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "-q")
    assert file_dates(empty) == GitHistory({}, shallow=False)


def test_a_shallow_clone_is_told(repo, tmp_path):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", repo.as_uri(), str(clone))
    history = file_dates(clone / "content")
    assert history.shallow
    assert "shallow git clone" in shallow_warning(clone / "content")
    assert not file_dates(repo / "content").shallow


def test_the_publishing_pipelines_clone_with_full_history():
    root = Path(__file__).resolve().parents[2]
    assert "fetch-depth: 0" in (root / ".github/workflows/pages.yml").read_text()
    gitlab = (root / ".gitlab-ci.yml").read_text()
    assert "GIT_DEPTH: 0" in gitlab and "install -y -qq --no-install-recommends git" in gitlab


def test_without_full_history_lastmod_is_the_approval_date(repo, tmp_path):
    approved = dt.date(2024, 3, 20)
    history = file_dates(repo / "content")
    assert last_change(history, "lrt/2024-02-14.md", approved) == dt.datetime(
        2024, 3, 1, 8, 0, tzinfo=UTC)
    assert last_change(history, "lrt/untracked.md", approved) == approved
    assert last_change(None, "lrt/2024-02-14.md", approved) == approved
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", repo.as_uri(), str(clone))
    assert last_change(file_dates(clone / "content"), "lrt/2024-02-14.md", approved) == approved
