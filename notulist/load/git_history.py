"""When each file under a folder last changed, from git history, in one `git log` run.

The Woo-index re-harvests a document when its `lastmod` moves, so lastmod must be true (it
moves when the meeting file is committed changed) and deterministic (no file-system times,
which a fresh clone resets). Decisions:
- The date is the committer date, in UTC, of the last commit on the checked-out branch that
  changed the file; a merge counts as the moment its changes reached that branch.
- A rename is a change of the file at its new path (its URL changes with it, so the index
  sees a new document); history before the rename is not followed.
- Uncommitted edits do not count: a file has the date of the version HEAD holds, so a local
  build and the publishing pipeline agree. An untracked file has no date.
"""
from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..problems import Problem, warning
from .config import find_line

GIT_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"}


@dataclass(frozen=True)
class GitHistory:
    changed: dict[str, dt.datetime]   # path relative to the folder, with "/" -> last change
    shallow: bool                     # a shallow clone: older changes are missing


def file_dates(folder: Path) -> GitHistory | None:
    """The last change of every file git knows under folder; None outside a git work tree
    or without git."""
    found = _git(folder, "rev-parse", "--is-inside-work-tree", "--is-shallow-repository")
    if found is None or not found.startswith(b"true"):
        return None
    shallow = found.split()[-1] == b"true"
    log = _git(folder, "-c", "log.showSignature=false", "log", "-z", "--format=%x01%ct",
               "--name-only", "--relative", "--no-renames", "--first-parent",
               "--diff-merges=first-parent", "--no-color", "--end-of-options")
    return GitHistory(_last_changes(log or b""), shallow)


def history_state(folder: Path) -> str:
    """What file_dates' answer depends on, cheaply: the HEAD commit and whether the clone
    is shallow ("" outside git), so a build that remembers it knows when lastmods moved."""
    found = _git(folder, "rev-parse", "--is-shallow-repository", "HEAD")
    return found.decode("ascii", "replace").strip() if found else ""


def last_change(history: GitHistory | None, path: str, fallback: dt.date
                ) -> dt.datetime | dt.date:
    """When `path` (relative to the folder) last changed; `fallback`, the approval date,
    without full history or for a file git does not know."""
    if history is None or history.shallow:
        return fallback
    return history.changed.get(path, fallback)


def shallow_warning(folder: Path) -> str:
    """Why lastmod falls back to approval dates: a shallow clone dates every file too late."""
    return (f"{folder} is in a shallow git clone, so the Woo-index lastmod falls back to the "
            "approval dates — clone with full history (fetch-depth: 0 in GitHub Actions, "
            "GIT_DEPTH: 0 in GitLab CI)")


def read_history(config) -> tuple[GitHistory | None, list[Problem]]:
    """The content folder's git history for the Woo-index lastmod, with a warning when it
    cannot date the meetings (not in git, or a shallow clone)."""
    history = file_dates(config.content_dir)
    if history is not None and not history.shallow:
        return history, []
    line = find_line(config.path.read_text(encoding="utf-8"), "woo")
    why = shallow_warning(config.content_dir) if history is not None else (
        f"{config.content_dir} is not in a git work tree (or git is missing), so the "
        "Woo-index lastmod falls back to the approval dates — build from a git clone "
        "with full history")
    return history, [warning(config.path, line, why)]


def _last_changes(log: bytes) -> dict[str, dt.datetime]:
    """{path: newest commit date} from `--format=%x01%ct --name-only -z` output."""
    changed: dict[str, int] = {}
    for record in log.split(b"\x01"):
        fields = record.split(b"\0")
        if not fields[0].strip().isdigit():
            continue
        stamp = int(fields[0])
        for raw in fields[1:]:
            name = os.fsdecode(raw.lstrip(b"\n"))
            if name and stamp > changed.get(name, -1):
                changed[name] = stamp
    return {name: dt.datetime.fromtimestamp(stamp, dt.timezone.utc)
            for name, stamp in sorted(changed.items())}


def _git(folder: Path, *arguments: str) -> bytes | None:
    """git's standard output, or None when git is missing or refuses (not a repository)."""
    try:
        done = subprocess.run(["git", *arguments], cwd=folder, capture_output=True,
                              env={**os.environ, **GIT_ENV}, check=False)
    except (OSError, ValueError):
        return None
    return done.stdout if done.returncode == 0 else None
