"""`build.py import FILE... --body BODY`: read, recognise, write drafts, check, report."""
from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import yaml

from ..load.config import Config
from ..pipeline import check, configure
from ..problems import BuildFailed, Problem
from .document import Document, Unreadable
from .recognise import Archive, Draft, recognise, settle_approval
from .report import report_draft, report_failure

APPROVES = re.compile(r"^approves:\s*['\"]?([\w/-]+?)['\"]?\s*$", re.M)
SITE_PARTS = ("content", "templates", "static")


@dataclass
class Imported:
    source: Path
    target: Path
    draft: Draft
    text: str


def import_documents(config_path: Path, files: list[Path], body: str, out: TextIO,
                     dry_run: bool = False, accept_changes: bool = False,
                     strict: bool = False, errors: TextIO | None = None) -> int:
    """Import each file; returns the exit code: 1 if any file failed or fails `check`
    (with `strict`, also when a new file has a warning). A file that cannot be imported is
    one line on `errors` (default: `out`)."""
    config = configure(config_path)
    if body not in config.bodies:
        raise BuildFailed([Problem(str(config.path), 1, f"there is no body `{body}` — use one "
                                   f"of: {', '.join(config.bodies)}")])
    archive = read_archive(config, body)
    imported, failed = [], 0
    for source in files:
        try:
            imported.append(_import_one(source, config, body, archive, imported, accept_changes))
        except Unreadable as refusal:
            failed += 1
            report_failure(source, str(refusal), errors or out)
    if not imported:
        return 1 if failed else 0
    _settle_approvals(imported, archive)
    problems = _check(config, imported, dry_run)
    targets = {i.target.resolve() for i in imported}
    elsewhere = [p for p in problems if not p.warning and Path(p.path).resolve() not in targets]
    for item in imported:
        mine = [p for p in problems if Path(p.path).resolve() == item.target.resolve()]
        failed += any(strict or not p.warning for p in mine)
        if dry_run:
            out.write(f"--- {item.target.relative_to(config.root)} (not written: --dry-run)\n")
            out.write(item.text)
        report_draft(item.source, item.target.relative_to(config.root), item.draft, mine,
                     dry_run, out)
    if elsewhere:
        out.write(f"note: `check` also found {len(elsewhere)} error(s) in other files of the "
                  "site; `build.py check` lists them\n")
    return 1 if failed else 0


def read_archive(config: Config, body: str) -> Archive:
    """The body's meeting ids, and those an `approves:` of any body names already."""
    files = sorted(config.content_dir.glob("*/*.md"))
    approved = set()
    for path in files:
        head = path.read_text(encoding="utf-8", errors="replace").split("\n---", 1)[0]
        for target in APPROVES.findall(head):
            if path.parent.name == body or target.startswith(f"{body}/"):
                approved.add(target.removeprefix(f"{body}/"))
    files = [path for path in files if path.parent.name == body]
    return Archive(frozenset(p.stem for p in files), frozenset(approved))


def _import_one(source: Path, config: Config, body: str, archive: Archive,
                imported: list[Imported], accept_changes: bool) -> Imported:
    draft = recognise(read_document(source, accept_changes), config, body)
    target = config.content_dir / body / f"{draft.date.isoformat()}.md"
    earlier = next((i.source for i in imported if i.target == target), None)
    if target.exists() or earlier:
        shown = target.relative_to(config.root)
        raise Unreadable(f"{shown} exists already" + (f" (imported from {earlier} just now)"
                         if earlier else "") + " — this meeting was imported before; remove "
                         "that file first to import it again")
    return Imported(source, target, draft, meeting_text(draft))


def _settle_approvals(imported: list[Imported], archive: Archive) -> None:
    """In date order, so an old archive imported in one go approves its own meetings."""
    ids, approved = set(archive.ids) | {i.target.stem for i in imported}, set(archive.approved)
    for item in sorted(imported, key=lambda i: i.target.stem):
        settle_approval(item.draft, Archive(frozenset(ids), frozenset(approved)))
        approved.add(item.draft.front.get("approves"))
        item.text = meeting_text(item.draft)


def read_document(source: Path, accept_changes: bool) -> Document:
    from .lines import read_text
    from .read_docx import read_docx
    from .read_pdf import read_pdf
    if not source.is_file():
        raise Unreadable("no such file — check the path")
    suffix = source.suffix.lower()
    if suffix == ".docx":
        return read_docx(source, accept_changes)
    if suffix == ".pdf":
        return read_pdf(source)
    if suffix in (".txt", ".md", ".text"):
        return read_text(source)
    raise Unreadable(f"cannot import `{suffix or 'a file without extension'}` — import .docx, "
                     ".pdf or .txt (save a .doc or .odt from Word or LibreOffice as .docx)")


def meeting_text(draft: Draft) -> str:
    front = yaml.safe_dump(draft.front, sort_keys=False, allow_unicode=True, width=1000,
                           default_flow_style=False)
    return f"---\n{front}---\n\n{draft.body}"


def _check(config: Config, imported: list[Imported], dry_run: bool) -> list[Problem]:
    """`check` of the site with the new files in place: for --dry-run, of a temporary copy."""
    if not dry_run:
        for item in imported:
            item.target.parent.mkdir(parents=True, exist_ok=True)
            with item.target.open("x", encoding="utf-8") as handle:   # never overwrite
                handle.write(item.text)
        return _problems(config.path)
    with tempfile.TemporaryDirectory(prefix="notulist-import-") as folder:
        copy = Path(folder)
        for part in SITE_PARTS:
            if (config.root / part).is_dir():
                shutil.copytree(config.root / part, copy / part, symlinks=True)
        shutil.copy2(config.path, copy / "config.toml")
        problems = []
        for item in imported:
            moved = copy / item.target.relative_to(config.root)
            moved.parent.mkdir(parents=True, exist_ok=True)
            moved.write_text(item.text, encoding="utf-8")
        for problem in _problems(copy / "config.toml"):
            path = Path(problem.path).resolve()
            real = config.root / path.relative_to(copy.resolve()) \
                if path.is_relative_to(copy.resolve()) else path
            problems.append(Problem(str(real), problem.line, problem.message, problem.warning))
        return problems


def _problems(config_path: Path) -> list[Problem]:
    try:
        return check(config_path).problems
    except BuildFailed as failed:
        return failed.problems
