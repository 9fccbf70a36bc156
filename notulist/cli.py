"""The command line: build, check, serve, new, import. Thin: every command calls the package."""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from .pipeline import build, check, new_meeting
from .problems import BuildFailed, Problem, errors_of
from .progress import for_terminal


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="Build a static archive of "
                                     "meeting minutes from config.toml and content/.")
    commands = parser.add_subparsers(dest="command")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, default=Path("config.toml"),
                        help="the site's config.toml (default: ./config.toml)")
    common.add_argument("--strict", action="store_true", help="treat warnings as errors")
    audience = argparse.ArgumentParser(add_help=False)
    audience.add_argument("--audience", choices=("public", "members"), default="public")
    build_cmd = commands.add_parser("build", parents=[common, audience], help="build the site")
    build_cmd.add_argument("--output", type=Path, help="output folder (default: output/ or "
                           "output-members/ next to config.toml)")
    commands.add_parser("check", parents=[common], help="validate only; exit 1 on any error")
    serve = commands.add_parser("serve", parents=[common, audience],
                                help="build, serve on 127.0.0.1, rebuild on change")
    serve.add_argument("--port", type=_port, default=8000,
                       help="port on 127.0.0.1 (default: 8000; 0 picks a free one)")
    serve.add_argument("--output", type=Path)
    new = commands.add_parser("new", parents=[common], help="write a new meeting file")
    new.add_argument("body", help="the body's key in config.toml")
    new.add_argument("--date", type=dt.date.fromisoformat, default=None,
                     help="meeting date YYYY-MM-DD (default: today)")
    imports = commands.add_parser("import", parents=[common], help="old .docx/.pdf/.txt minutes "
                                  "-> draft meeting files and a review report")
    imports.add_argument("files", nargs="+", type=Path, metavar="FILE")
    imports.add_argument("--body", required=True, help="the body's key in config.toml")
    imports.add_argument("--dry-run", action="store_true",
                         help="print the meeting files and the report; write nothing")
    imports.add_argument("--accept-changes", action="store_true",
                         help="import Word files with tracked changes or comments as accepted")
    return parser


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text} is not a port: use a number from 0 to 65535")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv = ["build", *argv]
    args = parser().parse_args(argv)
    try:
        if args.command == "build":
            return run_build(args)
        if args.command == "check":
            result = check(args.config, strict=args.strict)
            report(result.problems)
            print(f"ok: {result.pages} pages would be written", file=sys.stderr)
            return 0
        if args.command == "new":
            path = new_meeting(args.config, args.body, args.date or dt.date.today())
            print(path)
            return 0
        if args.command == "import":
            from .importer.run import import_documents
            return import_documents(args.config, args.files, args.body, sys.stdout,
                                    args.dry_run, args.accept_changes, args.strict,
                                    sys.stderr)
        from .serve import serve
        return serve(args.config, args.output, args.audience, args.port, args.strict)
    except BuildFailed as failed:
        report(failed.problems)
        errors = len(errors_of(failed.problems, args.strict))
        print(f"failed: {errors} error(s); nothing was written", file=sys.stderr)
        return 1


def run_build(args) -> int:
    started = time.perf_counter()
    progress = for_terminal(sys.stderr)
    try:
        result = build(args.config, args.output, args.audience, strict=args.strict,
                       progress=progress)
    finally:
        if progress:
            progress.close()
    report(result.problems)
    search = f", of which {result.search_seconds:.2f} s indexing for search" \
        if result.search_seconds else ""
    print(f"built {result.pages} files ({result.written} changed) in "
          f"{time.perf_counter() - started:.2f} s{search}", file=sys.stderr)
    return 0


def report(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem.format(), file=sys.stderr)
