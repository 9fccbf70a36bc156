"""The review report: what was recognised, what to check against the source, and `check`."""
from __future__ import annotations

from pathlib import Path
from typing import TextIO

from ..problems import Problem, display_path
from .recognise import Draft


def report_failure(source: Path, message: str, out: TextIO) -> None:
    """One line per file that could not be imported: `path:1: what — fix`."""
    out.write(f"{display_path(str(source))}:1: {message}\n")


def report_draft(source: Path, target: Path, draft: Draft, problems: list[Problem],
                 dry_run: bool, out: TextIO) -> None:
    verb = "would be written" if dry_run else "written"
    lines = [f"== {display_path(str(source))} -> {target} ({verb}, status: draft)"]
    lines += [f"   {line}" for line in draft.recognised]
    if draft.accepted:
        lines.append("   accepted from the document's tracked changes and comments:")
        lines += [f"     - {change}" for change in draft.accepted]
    if draft.notes:
        lines.append("   check these against the source:")
        lines += [f"     - {where}: {what}" for where, what in draft.notes]
    if problems:
        errors = sum(1 for p in problems if not p.warning)
        lines.append(f"   check: {errors} error(s), {len(problems) - errors} warning(s) — "
                     "fix them in the new file before the next build:")
        lines += [f"     {p.format()}" for p in problems]
    else:
        lines.append("   check: no problems")
    out.write("\n".join(lines) + "\n\n")
