"""HTML validity: every .html file of the demo archive's public and members builds through the
Nu HTML checker (vnu.jar from the npm package vnu-jar, run by the machine's java).

One vnu run per build (the JVM takes seconds to start), both runs at the same time. No
message of type "error" is allowed, nor any warning (type "info", subType "warning") but the
ones in HARMLESS_WARNINGS, each with the reason it is harmless. Plain info messages are
printed only."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from notulist import build

REPO = Path(__file__).parent.parent
CONFIG = REPO / "config.toml"
VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AUDIENCES = ("public", "members")

# message (regular expression, matched in full) -> why that warning is harmless here.
# Nothing is excused today; add an entry only with a reason that holds for every page.
HARMLESS_WARNINGS: dict[str, str] = {}


def java_problem() -> str | None:
    """Why the checker cannot run here, or None."""
    java = shutil.which("java")
    if java is None:
        return "java is missing: tests/run.sh installs default-jre-headless"
    if not VNU.exists():
        return f"{VNU.relative_to(REPO)} is missing: tests/run.sh runs npm ci"
    result = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    found = re.search(r'version "(\d+)', result.stderr + result.stdout)
    if result.returncode != 0 or not found:
        return f"`java -version` does not work: {(result.stderr + result.stdout).strip()}"
    if int(found[1]) < 17:
        return f"vnu.jar needs Java 17 or newer, {java} is Java {found[1]}"
    return None


if (reason := java_problem()) is not None:
    pytest.skip(reason, allow_module_level=True)


def describe(message: dict, root: Path) -> str:
    """'path:line:column: type/subType: message' with the extract, for an assertion."""
    url = message.get("url", "")
    path = url.removeprefix("file:")
    try:
        path = Path(path).relative_to(root).as_posix()
    except ValueError:
        pass
    line = message.get("lastLine", "?")
    if message.get("firstLine", line) != line:
        line = f"{message['firstLine']}-{line}"
    column = message.get("firstColumn", message.get("lastColumn", "?"))
    kind = message["type"] + (f"/{message['subType']}" if message.get("subType") else "")
    extract = message.get("extract", "").replace("\n", "⏎")
    return f"{path}:{line}:{column}: {kind}: {message.get('message', '')}" + \
        (f"\n    {extract}" if extract else "")


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> dict[str, tuple[Path, list[Path], set[Path], list[dict]]]:
    """audience -> (build folder, its .html files, files vnu reports it checked, messages)."""
    runs = {}
    for audience in AUDIENCES:
        root = tmp_path_factory.mktemp(f"valid-{audience}")
        build(CONFIG, root / "site", audience=audience, cache=False)
        files = sorted((root / "site").rglob("*.html"))
        # --verbose names each checked file on stdout; the JSON report goes to stderr.
        process = subprocess.Popen(
            ["java", "-jar", str(VNU), "--format", "json", "--skip-non-html", "--verbose",
             *map(str, files)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
        runs[audience] = (root / "site", files, process)
    results = {}
    for audience, (root, files, process) in runs.items():
        stdout, stderr = process.communicate(timeout=300)
        start = stderr.find('{"')
        assert start >= 0, f"vnu ({audience}) wrote no JSON report:\n{stderr}"
        report = json.loads(stderr[start:])
        named = {Path(line.strip()) for line in stdout.splitlines() if line.strip()}
        results[audience] = (root, files, named, report["messages"])
        print(f"vnu {report.get('version')}, {audience}: {len(files)} files, "
              f"{len(report['messages'])} messages")
    return results


@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_html_file_was_checked(checked, audience):
    root, files, named, messages = checked[audience]
    assert len(files) > 10, f"the {audience} build has only {len(files)} .html files"
    assert {root / "404.html", root / "index.html"} <= set(files)
    assert sorted(set(files) - named) == [], "files vnu did not check"
    not_checked = [describe(m, root) for m in messages
                   if m["type"] == "non-document-error" or "not checked" in m.get("message", "")]
    assert not_checked == [], "\n".join(not_checked)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_no_html_errors(checked, audience):
    root, _, _, messages = checked[audience]
    errors = [describe(m, root) for m in messages if m["type"] in ("error", "non-document-error")]
    if errors:
        pytest.fail(f"{len(errors)} errors in the {audience} build:\n" + "\n".join(errors))


@pytest.mark.parametrize("audience", AUDIENCES)
def test_no_html_warnings(checked, audience):
    root, _, _, messages = checked[audience]
    warnings, excused, infos = [], [], []
    for message in messages:
        if message["type"] != "info":
            continue
        if message.get("subType") != "warning":
            infos.append(describe(message, root))
        elif any(re.fullmatch(pattern, message.get("message", ""))
                 for pattern in HARMLESS_WARNINGS):
            excused.append(describe(message, root))
        else:
            warnings.append(describe(message, root))
    for title, lines in (("info", infos), ("excused warnings", excused),
                         ("warnings", warnings)):
        if lines:
            print(f"{audience} build, {title}:", *lines, sep="\n  ")
    if warnings:
        pytest.fail(f"{len(warnings)} warnings in the {audience} build:\n" + "\n".join(warnings))
