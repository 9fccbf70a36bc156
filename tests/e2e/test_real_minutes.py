"""Three archives written the way other secretariats write minutes (issue 16).

tests/real_minutes/ holds three fictional site folders: Dutch government working groups
typed in Word (werkgroepen), a foundation board that never approves minutes later (stichting)
and an open-source steering committee writing GitHub Markdown (steering). Beside each, an
expected.json written by hand from SPEC.md, with the choices where SPEC is silent written down
in tests/real_minutes/README.md. Each archive is built and checked, and its open data compared
with expected.json field by field; then what readers see is checked: no raw Markdown in any
title, no item numbered with a year or version, nested lists nested, a list right after a
paragraph line a list.
"""
from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from notulist.pipeline import build, check
from notulist.problems import BuildFailed

pytestmark = pytest.mark.xfail(reason="issue 16: engine not there yet", strict=False)

ROOT = Path(__file__).parents[1] / "real_minutes"
ARCHIVES = ("werkgroepen", "stichting", "steering")
RAW_MARKDOWN = ("[", "](", "**", "`", "<!--")
ITEM_NUMBER = re.compile(r"^(?!0\.)\d{1,3}(?:\.\d{1,3})*$")   # 3, 6.1; never 2021 or 0.10.34


# --------------------------------------------------------------------------- building

@dataclass
class Built:
    """One archive copied into tmp_path (check() writes .cache/ beside the config), built and
    checked."""
    site: Path
    output: Path
    expected: dict
    warnings: list        # (path relative to the site, line, message) of the build's warnings
    build_errors: list    # formatted problems when the build failed
    check_problems: list  # (path, line, message) that check(strict=True) raised


def _where(site: Path, problem) -> tuple[str, int, str]:
    path = Path(problem.path).resolve()
    relative = path.relative_to(site.resolve()) if path.is_relative_to(site.resolve()) else path
    return str(relative), problem.line, problem.message


def _build(name: str, tmp: Path) -> Built:
    site = tmp / name
    shutil.copytree(ROOT / name, site, ignore=shutil.ignore_patterns("expected.json"))
    expected = json.loads((ROOT / name / "expected.json").read_text(encoding="utf-8"))
    output, warnings, build_errors, check_problems = site / "output", [], [], []
    try:
        result = build(site / "config.toml", output=output, strict=False, cache=False)
        warnings = [_where(site, p) for p in result.problems]
    except BuildFailed as exc:
        build_errors = [p.format() for p in exc.problems]
    try:
        check(site / "config.toml", strict=True)
    except BuildFailed as exc:
        check_problems = [_where(site, p) for p in exc.problems]
    return Built(site, output, expected, warnings, build_errors, check_problems)


@pytest.fixture(scope="module")
def archives(tmp_path_factory) -> dict[str, Built]:
    return {name: _build(name, tmp_path_factory.mktemp("real")) for name in ARCHIVES}


@pytest.fixture(params=ARCHIVES)
def archive(request, archives) -> Built:
    return archives[request.param]


def built_output(archive: Built) -> Path:
    """The output folder; fails the test (with every error) when the build did not succeed."""
    if archive.build_errors:
        pytest.fail(f"{archive.site.name} did not build:\n" + "\n".join(archive.build_errors))
    return archive.output


def open_data(archive: Built, name: str) -> list[dict]:
    return json.loads((built_output(archive) / "data" / name).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- problems

def _expected_warnings(archive: Built) -> set[tuple[str, int]]:
    return {(w["path"], w["line"]) for w in archive.expected["warnings"]}


def test_the_archive_builds_with_only_the_expected_warnings(archive):
    built_output(archive)
    found = {(path, line) for path, line, _ in archive.warnings}
    assert found == _expected_warnings(archive), (
        f"{archive.site.name}: warnings differ from expected.json; the build said:\n"
        + "\n".join(f"{p}:{line}: {message}" for p, line, message in archive.warnings))


def test_strict_check_fails_on_exactly_the_expected_warnings(archive):
    found = {(path, line) for path, line, _ in archive.check_problems}
    assert found == _expected_warnings(archive), (
        f"{archive.site.name}: check(strict=True) reported:\n"
        + "\n".join(f"{p}:{line}: {message}" for p, line, message in archive.check_problems))


# --------------------------------------------------------------------------- open data

def _compare(what: str, expected: dict, actual: dict, fields) -> list[str]:
    return [f"{what}: {field} is {actual.get(field)!r}, expected {expected[field]!r}"
            for field in fields if actual.get(field) != expected[field]]


def test_meetings_json_matches_expected(archive):
    actual = {m["key"]: m for m in open_data(archive, "meetings.json")}
    expected = {m["key"]: m for m in archive.expected["meetings"]}
    assert sorted(actual) == sorted(expected), f"{archive.site.name}: meeting keys differ"
    mismatches = []
    for key, meeting in expected.items():
        found = actual[key]
        mismatches += _compare(key, meeting, found, ("status", "approved_in"))
        attendees = [{f: a.get(f) for f in ("name", "org", "role")} for a in found["attendees"]]
        if attendees != meeting["attendees"]:
            mismatches.append(f"{key}: attendees are {attendees}, expected {meeting['attendees']}")
        items = [{f: i.get(f) for f in ("number", "anchor", "title")} for i in found["items"]]
        if len(items) != len(meeting["items"]):
            mismatches.append(f"{key}: items are {items}, expected {meeting['items']}")
            continue
        for index, (item, wanted) in enumerate(zip(items, meeting["items"]), 1):
            mismatches += _compare(f"{key} item {index}", wanted, item, wanted)
    assert not mismatches, "\n".join(mismatches)


def _by_meeting_and_text(records: list[dict]) -> dict[tuple[str, str], dict]:
    return {(r["meeting"], r["text"]): r for r in records}


def _match(archive: Built, name: str, fields) -> list[str]:
    """Records are matched by meeting and plain text: numbers A1/D1 are not the oracle's."""
    actual_records = open_data(archive, name)
    actual = _by_meeting_and_text(actual_records)
    expected = _by_meeting_and_text(archive.expected[name.removesuffix(".json")])
    mismatches = []
    for (meeting, text), wanted in expected.items():
        found = actual.get((meeting, text))
        if found is None:
            there = [r["text"] for r in actual_records if r["meeting"] == meeting]
            mismatches.append(f"{meeting}: no record with text {text!r}; it has {there}")
        else:
            mismatches += _compare(f"{meeting} {text[:40]!r}", wanted, found, fields)
    mismatches += [f"{meeting}: unexpected record {text!r} ({actual[(meeting, text)]['id']})"
                   for meeting, text in actual.keys() - expected.keys()]
    return mismatches


def test_actions_json_matches_expected(archive):
    fields = ("item", "owners", "due", "label", "status", "closed_in")
    mismatches = _match(archive, "actions.json", fields)
    assert not mismatches, "\n".join(mismatches)


def test_decisions_json_matches_expected(archive):
    mismatches = _match(archive, "decisions.json", ("item", "item_title"))
    assert not mismatches, "\n".join(mismatches)


def test_open_data_texts_and_titles_are_plain(archive):
    found = []
    for meeting in open_data(archive, "meetings.json"):
        found += [(meeting["key"], meeting["title"])]
        found += [(f"{meeting['key']}#{i['anchor']}", i["title"]) for i in meeting["items"]]
    for record in open_data(archive, "actions.json") + open_data(archive, "decisions.json"):
        found += [(record["id"], record["text"]), (record["id"], record.get("item_title") or "")]
    raw = [(where, text) for where, text in found if any(m in text for m in RAW_MARKDOWN)]
    assert not raw, f"raw Markdown in open data: {raw}"


def test_no_item_is_numbered_with_a_year_or_a_version(archive):
    wrong = [(m["key"], i["number"], i["title"]) for m in open_data(archive, "meetings.json")
             for i in m["items"] if i["number"] is not None and not ITEM_NUMBER.match(i["number"])]
    assert not wrong, f"items numbered with a year or version: {wrong}"


# --------------------------------------------------------------------------- what readers see

class Element:
    def __init__(self, tag: str, parent: Element | None):
        self.tag, self.parent, self.children = tag, parent, []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()


class _Tree(HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#document", None)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, self.current)
        self.current.children.append(element)
        if tag not in self.VOID:
            self.current = element

    def handle_endtag(self, tag):
        node = self.current
        while node.parent is not None and node.tag != tag:
            node = node.parent
        if node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse_page(path: Path) -> Element:
    tree = _Tree()
    tree.feed(path.read_text(encoding="utf-8"))
    return tree.root


def test_html_titles_and_headings_show_no_raw_markdown(archive):
    raw = []
    for page in sorted(built_output(archive).rglob("*.html")):
        for element in parse_page(page).iter():
            if element.tag in ("title", "h2") and any(m in element.text() for m in RAW_MARKDOWN):
                raw.append(f"{page.relative_to(archive.output)} <{element.tag}>: "
                           f"{element.text().strip()!r}")
    assert not raw, "raw Markdown in page titles and headings:\n" + "\n".join(raw)


def test_feed_titles_show_no_raw_markdown(archive):
    """Feeds carry meeting titles and, in each entry's summary, the agenda item titles."""
    texts = []
    for feed in sorted(built_output(archive).rglob("feed.xml")):
        texts += [(feed.relative_to(archive.output), e.text or "") for e in ET.parse(feed).iter()
                  if e.tag.rsplit("}", 1)[-1] in ("title", "summary", "content")]
    raw = [(str(feed), text) for feed, text in texts if any(m in text for m in RAW_MARKDOWN)]
    assert texts and not raw, f"raw Markdown in feeds: {raw}"


def meeting_page(archives, key: str) -> Element:
    name = {"wgd": "werkgroepen", "wjk": "werkgroepen", "board": "stichting", "tsc": "steering"}
    body, meeting = key.split("/")
    return parse_page(built_output(archives[name[body]]) / body / meeting / "index.html")


def list_item(page: Element, words: str) -> Element | None:
    """The innermost <li> whose text holds `words`."""
    items = [e for e in page.iter() if e.tag == "li" and words in " ".join(e.text().split())]
    return items[-1] if items else None


NESTED = [  # meeting, words of the outer item, words of an item nested 2 spaces under it
    ("tsc/2024-01-09", "0.10.33 shipped on 2 January", "two regressions reported"),
    ("tsc/2024-02-06", "the Windows job is slow again", "Aiko suspects the cache key"),
    ("tsc/2024-02-20", "options discussed:", "move to the foundation's shared host"),
    ("tsc/2024-03-12", "sync or async hooks?", "async costs us the 3.9 support"),
    ("tsc/2024-04-23", "freeze held; two blockers left", "the Windows path bug"),
]


@pytest.mark.parametrize("key, outer, inner", NESTED)
def test_lists_nested_by_two_spaces_are_nested(archives, key, outer, inner):
    page = meeting_page(archives, key)
    child = list_item(page, inner)
    assert child is not None, f"{key}: no list item {inner!r}"
    parent = child.parent
    assert parent.tag == "ul" and parent.parent is not None and parent.parent.tag == "li" \
        and outer in " ".join(parent.parent.text().split()), \
        f"{key}: {inner!r} is not in a <ul> inside the <li> {outer!r}"


AFTER_PARAGRAPH = [  # meeting, the paragraph line, an item of the list right below it
    ("board/2020-12-08", "The following candidates were elected:", "Hannah Moretti"),
    ("tsc/2024-01-23", "We agreed on these rules:", "unknown keys are an error"),
    ("tsc/2024-02-20", "ends the free plan on 31 March.", "the shared host is preferred"),
    ("tsc/2024-04-09", "What goes in:", "DCO checks in CI"),
]


def next_element(element: Element) -> Element | None:
    siblings = [c for c in element.parent.children if isinstance(c, Element)]
    index = siblings.index(element)
    return siblings[index + 1] if index + 1 < len(siblings) else None


@pytest.mark.parametrize("key, paragraph, item", AFTER_PARAGRAPH)
def test_a_list_right_after_a_paragraph_line_is_a_list(archives, key, paragraph, item):
    page = meeting_page(archives, key)
    leads = [e for e in page.iter() if e.tag == "p" and paragraph in " ".join(e.text().split())]
    assert leads, f"{key}: no paragraph {paragraph!r}"
    lists = [next_element(lead) for lead in leads]
    assert any(item not in lead.text() and found is not None and found.tag == "ul"
               and list_item(found, item) is not None for lead, found in zip(leads, lists)), \
        f"{key}: {item!r} is not in a <ul> right after the paragraph {paragraph!r}"
