"""Full-text search: the Pagefind bundle a build makes, read back from its files.

The index files are gzip'd (after a `pagefind_dcd` signature) JSON (fragments: one per
page) or CBOR (filters, metadata). These tests decode them to check what is searchable,
for which audience, with which filters; that the index is made again only when a page
changed; and that serve's late refresh ends where a clean build does. test_browser.py
searches the demo archive in Chromium."""
from __future__ import annotations

import datetime as dt
import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import cbor2
import pytest

from notulist import BuildFailed, build
from notulist.pipeline import refresh_search
from notulist.search import plan_shards
from tests.test_site import FIXTURE, tree

SIGNATURE = b"pagefind_dcd"


def copy_fixture(root: Path) -> Path:
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns(".cache", "output*"))
    return root / "config.toml"


def decode(path: Path):
    plain = gzip.decompress(path.read_bytes())
    assert plain.startswith(SIGNATURE), path
    return plain[len(SIGNATURE):]


def fragments(out: Path) -> dict[str, dict]:
    """url -> the page as Pagefind indexed it (content, filters, meta, anchors), from every
    shard's bundle."""
    pages = [json.loads(decode(p)) for p in sorted(out.glob("pagefind/*/fragment/*"))]
    urls = [page["url"] for page in pages]
    assert len(urls) == len(set(urls)), "a page is in two shards"
    return {page["url"]: page for page in pages}


def filters(out: Path) -> dict[str, dict[str, int]]:
    """filter name -> value -> how many pages carry it, over all shards."""
    found: dict[str, dict[str, int]] = {}
    for path in sorted(out.glob("pagefind/*/filter/*.pf_filter")):
        name, values = cbor2.loads(decode(path))
        for value, pages in values:
            found.setdefault(name, {})[value] = found.get(name, {}).get(value, 0) + len(pages)
    return found


def shards(out: Path) -> list[str]:
    """The shard folders the search page merges, in its order."""
    html = (out / "search" / "index.html").read_text()
    return html.split('data-bundles="', 1)[1].split('"', 1)[0].split()


@pytest.fixture
def fixture(tmp_path) -> Path:
    return copy_fixture(tmp_path / "site")


def test_meetings_and_pages_are_indexed_with_their_agenda_items(fixture, tmp_path):
    out = tmp_path / "out"
    build(fixture, out)
    pages = fragments(out)
    assert sorted(pages) == ["/board/2023-08-01/", "/lrt/2023-07-10/", "/lrt/2023-09-22/",
                             "/over/"]
    meeting = pages["/lrt/2023-07-10/"]
    assert meeting["meta"]["title"].startswith("Landelijke Regietafel Proef, 10 juli 2023")
    assert [a["id"] for a in meeting["anchors"] if a["element"] == "h2"][:1] == ["opening"]
    assert "onderwerp" not in meeting["content"].split()       # the topic link is not text
    assert "Kruimelpad" not in meeting["content"]              # navigation is not indexed
    assert shards(out) == ["pagefind/2023/"]       # a small archive: one shard
    entry = json.loads((out / "pagefind" / "2023" / "pagefind-entry.json").read_text())
    assert list(entry["languages"]) == ["nl"]   # one index: the English board is found too
    assert not list(out.glob("pagefind/**/pagefind-component-ui.js"))
    assert (out / "pagefind" / "pagefind-ui.js").is_file()     # the UI, once for all shards


def test_the_build_writes_nothing_outside_its_output(fixture, tmp_path, monkeypatch):
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    build(fixture, tmp_path / "out")
    assert list(elsewhere.iterdir()) == []
    assert sorted(p.name for p in fixture.parent.iterdir()) == [
        ".cache", "config.toml", "content", "templates"]


def test_filters_name_body_year_kind_and_organisation_in_the_site_language(fixture, tmp_path):
    out = tmp_path / "out"
    build(fixture, out)
    found = filters(out)
    assert sorted(found) == ["Jaar", "Organisatie", "Overleg", "Soort"]
    assert found["Overleg"] == {"LRT": 2, "TB": 1}              # the English body too
    assert found["Jaar"] == {"2023": 3}
    assert found["Soort"]["Verslag"] == 3
    assert set(found["Soort"]) <= {"Verslag", "Acties", "Besluiten"}
    assert found["Soort"].get("Besluiten", 0) >= 1              # 2023-07-10 has a decision
    assert set(found["Organisatie"]) <= {"JenV", "IPO", "VNG", "SZW"}
    page = fragments(out)["/lrt/2023-07-10/"]
    assert "Besluiten" in page["filters"]["Soort"]


def test_the_public_index_holds_no_members_only_text(fixture, tmp_path):
    build(fixture, tmp_path / "public")
    build(fixture, tmp_path / "members", audience="members")
    secret = "Vertrouwelijke toelichting"
    assert secret not in fragments(tmp_path / "public")["/lrt/2023-07-10/"]["content"]
    assert secret in fragments(tmp_path / "members")["/lrt/2023-07-10/"]["content"]


def test_the_index_is_made_again_only_when_a_page_changed(fixture, tmp_path):
    out = tmp_path / "out"
    first = build(fixture, out)
    assert first.search_seconds > 0
    (fixture.parent / "static").mkdir(exist_ok=True)
    (fixture.parent / "static" / "note.txt").write_text("not a page")   # no HTML changes
    kept = build(fixture, out)
    assert kept.written == 1 and kept.search_seconds == 0
    meeting = fixture.parent / "content" / "lrt" / "2023-09-22.md"
    meeting.write_text(meeting.read_text() + "\nZandsuppletieplan besproken.\n")
    again = build(fixture, out)
    assert again.search_seconds > 0
    assert "Zandsuppletieplan" in fragments(out)["/lrt/2023-09-22/"]["content"]
    shutil.rmtree(fixture.parent / ".cache")
    clean = tmp_path / "clean"
    build(fixture, clean, cache=False)
    assert tree(out) == tree(clean)


def test_an_edit_makes_only_the_changed_files_of_its_shard(fixture, tmp_path):
    """Pagefind starts from the published bundle's fragments and word indexes: the pages
    that kept their bytes keep their fragment files, and the edited page's old fragment
    is no longer in the bundle."""
    out = tmp_path / "out"
    build(fixture, out)

    def bundle() -> dict[str, int]:
        return {p.relative_to(out).as_posix(): p.stat().st_ino
                for p in (out / "pagefind").rglob("*") if p.is_file()}
    before, old = bundle(), fragments(out)["/lrt/2023-09-22/"]
    meeting = fixture.parent / "content" / "lrt" / "2023-09-22.md"
    meeting.write_text(meeting.read_text() + "\nDe Kwelderwerkenkaart is besproken.\n")
    build(fixture, out)
    after, new = bundle(), fragments(out)
    assert "Kwelderwerkenkaart" in new["/lrt/2023-09-22/"]["content"]
    assert old["content"] not in [page["content"] for page in new.values()]
    fragment_files = {path for path in after if "/fragment/" in path}
    assert len(fragment_files) == len(new) == 4         # none left from the old bundle
    kept = {path for path in fragment_files if before.get(path) == after[path]}
    assert len(kept) == 3                               # hard-linked: the same bytes
    clean = tmp_path / "clean"
    build(fixture, clean, cache=False)
    assert tree(out) == tree(clean)


def sharded(fixture: Path, monkeypatch) -> Path:
    """The fixture with board meetings in 2021 and 2022 too, indexed in shards of one page
    (a year is never split: 2023 holds three meetings and a free page)."""
    monkeypatch.setattr("notulist.search.SHARD_PAGES", 1)
    for year, word in (("2021", "Duinafslagmodel"), ("2022", "Getijdenstroomkaart")):
        (fixture.parent / "content" / "board" / f"{year}-03-01.md").write_text(
            f"---\ndate: {year}-03-01\n---\n## 1. Opening\n\nThe {word} was discussed.\n")
    return fixture


def test_a_large_archive_is_indexed_in_shards_of_whole_years(fixture, tmp_path, monkeypatch):
    out = tmp_path / "out"
    build(sharded(fixture, monkeypatch), out)
    assert shards(out) == ["pagefind/2023/", "pagefind/2022/", "pagefind/2021/"]
    by_shard = {folder: sorted(json.loads(decode(p))["url"]
                               for p in (out / folder).glob("fragment/*"))
                for folder in shards(out)}
    assert by_shard == {"pagefind/2021/": ["/board/2021-03-01/", "/over/"],   # the oldest
                        "pagefind/2022/": ["/board/2022-03-01/"],
                        "pagefind/2023/": ["/board/2023-08-01/", "/lrt/2023-07-10/",
                                           "/lrt/2023-09-22/"]}
    assert filters(out)["Jaar"] == {"2021": 1, "2022": 1, "2023": 3}
    assert "Duinafslagmodel" in fragments(out)["/board/2021-03-01/"]["content"]


def test_a_shard_holds_whole_years_and_at_most_shard_pages_pages(monkeypatch):
    """An edit indexes its whole shard again, so a shard stops before the year that would
    take it over SHARD_PAGES; only a year that holds more on its own is a larger shard."""
    monkeypatch.setattr("notulist.search.SHARD_PAGES", 500)
    counts = {2018: 120, 2019: 300, 2020: 200, 2021: 600, 2022: 40, 2023: 30}
    meetings = [SimpleNamespace(body="lrt", id=f"{year}-{n:04d}", date=dt.date(year, 1, 1))
                for year, count in counts.items() for n in range(count)]
    site = SimpleNamespace(meetings={m.id: m for m in meetings},
                           pages=(SimpleNamespace(name="over"),))
    planned = {shard.name: len(shard.paths) for shard in plan_shards(site)}
    assert planned == {"2022": 70, "2021": 600, "2020": 200, "2018": 421}
    assert list(planned) == ["2022", "2021", "2020", "2018"]       # newest first


def test_an_edit_indexes_only_its_own_shard_again(fixture, tmp_path, monkeypatch):
    out = tmp_path / "out"
    config = sharded(fixture, monkeypatch)
    build(config, out)

    def inodes(folder: str) -> dict[str, int]:
        return {p.relative_to(out).as_posix(): p.stat().st_ino
                for p in (out / folder).rglob("*") if p.is_file()}
    before = {folder: inodes(folder) for folder in shards(out)}
    edited = fixture.parent / "content" / "board" / "2022-03-01.md"
    edited.write_text(edited.read_text() + "\nThe Zeewaartse dijkversterking too.\n")
    assert build(config, out).search_seconds > 0
    after = {folder: inodes(folder) for folder in shards(out)}
    assert after["pagefind/2021/"] == before["pagefind/2021/"]   # hard-linked, not made
    assert after["pagefind/2023/"] == before["pagefind/2023/"]
    made = {path for path, inode in after["pagefind/2022/"].items()
            if inode not in before["pagefind/2022/"].values()}
    assert "pagefind/2022/pagefind-entry.json" in made
    assert [path for path in made if "/fragment/" in path] == [
        path for path in after["pagefind/2022/"] if "/fragment/" in path]
    assert "Zeewaartse" in fragments(out)["/board/2022-03-01/"]["content"]
    clean = tmp_path / "clean"
    build(config, clean, cache=False)
    assert tree(out) == tree(clean)


def test_serve_indexes_a_new_shard_at_once_and_leaves_changed_ones_for_later(
        fixture, tmp_path, monkeypatch):
    """The search page names every shard, so a new one (a new year) cannot wait."""
    out = tmp_path / "out"
    config = sharded(fixture, monkeypatch)
    build(config, out)
    (fixture.parent / "content" / "board" / "2024-03-01.md").write_text(
        "---\ndate: 2024-03-01\n---\n## 1. Opening\n\nThe Slibvangstscherm was shown.\n")
    edited = fixture.parent / "content" / "board" / "2021-03-01.md"
    edited.write_text(edited.read_text() + "\nThe Kribvakonderzoek too.\n")
    late = build(config, out, search_now=False)
    assert late.search_pending
    assert shards(out)[0] == "pagefind/2024/"
    assert all((out / folder / "pagefind-entry.json").is_file() for folder in shards(out))
    assert "Slibvangstscherm" in fragments(out)["/board/2024-03-01/"]["content"]
    assert "Kribvakonderzoek" not in fragments(out)["/board/2021-03-01/"]["content"]
    assert refresh_search(config, out) > 0
    assert "Kribvakonderzoek" in fragments(out)["/board/2021-03-01/"]["content"]
    clean = tmp_path / "clean"
    build(config, clean, cache=False)
    assert tree(out) == tree(clean)


def test_serve_indexes_at_once_a_shard_that_gained_pages(fixture, tmp_path, monkeypatch):
    """Shards of at most two pages: 2021 + 2022, then 2023 (three pages: a year is never
    split). A second 2021 meeting fills the first shard and moves 2022 into one of its own;
    keeping the first shard's old bundle would leave 2022 in two shards."""
    out = tmp_path / "out"
    config = sharded(fixture, monkeypatch)
    monkeypatch.setattr("notulist.search.SHARD_PAGES", 2)
    build(config, out)
    assert shards(out) == ["pagefind/2023/", "pagefind/2021/"]
    (fixture.parent / "content" / "board" / "2021-06-01.md").write_text(
        "---\ndate: 2021-06-01\n---\n## 1. Opening\n\nThe Vooroeververdediging.\n")
    build(config, out, search_now=False)
    assert shards(out) == ["pagefind/2023/", "pagefind/2022/", "pagefind/2021/"]
    pages = fragments(out)                      # asserts that no page is in two shards
    assert "/board/2022-03-01/" in pages and "/board/2021-06-01/" in pages


def test_serve_publishes_pages_first_and_refreshes_the_index_after(fixture, tmp_path):
    out = tmp_path / "out"
    build(fixture, out)
    meeting = fixture.parent / "content" / "lrt" / "2023-09-22.md"
    meeting.write_text(meeting.read_text() + "\nKwelwatermeting besproken.\n")
    late = build(fixture, out, search_now=False)
    assert late.search_pending and late.search_seconds == 0
    assert "Kwelwatermeting" in (out / "lrt" / "2023-09-22" / "index.html").read_text()
    assert "Kwelwatermeting" not in fragments(out)["/lrt/2023-09-22/"]["content"]
    assert refresh_search(fixture, out) > 0
    assert "Kwelwatermeting" in fragments(out)["/lrt/2023-09-22/"]["content"]
    assert refresh_search(fixture, out) == 0                    # up to date: nothing to do
    assert build(fixture, out).search_seconds == 0              # a build after it keeps it
    clean = tmp_path / "clean"
    build(fixture, clean, cache=False)
    assert tree(out) == tree(clean)


def test_search_can_be_switched_off(fixture, tmp_path):
    fixture.write_text(fixture.read_text().replace('language = "nl"\n',
                                                   'language = "nl"\nsearch = false\n', 1))
    out = tmp_path / "out"
    result = build(fixture, out)
    assert result.search_seconds == 0
    assert not (out / "pagefind").exists() and not (out / "search").exists()
    assert not (out / "assets" / "search.js").exists()
    assert 'role="search"' not in (out / "index.html").read_text()


def test_search_setting_must_be_true_or_false(fixture):
    fixture.write_text(fixture.read_text().replace('language = "nl"\n',
                                                   'language = "nl"\nsearch = "no"\n', 1))
    with pytest.raises(BuildFailed) as failed:
        build(fixture, fixture.parent / "out")
    assert [p.format() for p in failed.value.problems] == [
        f"{fixture}:5: `search` in [site] must be true or false"]


def test_a_failing_indexer_fails_the_build_and_leaves_the_output(fixture, tmp_path, monkeypatch):
    out = tmp_path / "out"
    build(fixture, out)
    before = tree(out)
    meeting = fixture.parent / "content" / "lrt" / "2023-09-22.md"
    meeting.write_text(meeting.read_text() + "\nNieuw.\n")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    with pytest.raises(BuildFailed) as failed:
        build(fixture, out)
    [problem] = failed.value.problems
    assert problem.format().startswith(f"{fixture}:1: the search index could not be built")
    assert "pagefind[bin]" in problem.message and "search = false" in problem.message
    assert tree(out) == before
    assert not list(tmp_path.glob(".out.*"))                   # no staging folder left


def test_meeting_pages_carry_a_schema_org_event(fixture, tmp_path):
    out = tmp_path / "out"
    build(fixture, out)
    html = (out / "lrt" / "2023-09-22" / "index.html").read_text()
    start = html.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">')
    event = json.loads(html[start:html.index("</script>", start)])
    assert event["@type"] == "Event" and event["startDate"] == "2023-09-22T15:00"
    assert event["location"] == {"@type": "Place", "name": "Webex"}
    assert event["url"] == "https://example.org/fixture/lrt/2023-09-22/"
    assert {"@type": "Organization", "name": "Interprovinciaal Overleg"} in event["attendee"]


def test_an_archive_with_nothing_to_index_has_a_search_page_that_says_so(fixture, tmp_path):
    content = fixture.parent / "content"
    kept = tmp_path / "kept"
    shutil.move(content, kept)
    content.mkdir()
    out = tmp_path / "out"
    build(fixture, out)                 # Pagefind refuses an empty folder: no shard at all
    html = (out / "search" / "index.html").read_text()
    assert "Er valt nog niets te zoeken" in html     # the fixture is Dutch
    assert "data-bundles" not in html and "pagefind" not in html
    assert not (out / "pagefind").exists()
    (content / "lrt").mkdir()
    shutil.copy(kept / "lrt" / "2023-07-10.md", content / "lrt")
    build(fixture, out)                 # the first minutes bring the first shard
    assert shards(out) == ["pagefind/2023/"]
    assert list(fragments(out)) == ["/lrt/2023-07-10/"]
    shutil.rmtree(fixture.parent / ".cache")
    clean = tmp_path / "clean"
    build(fixture, clean, cache=False)
    assert tree(out) == tree(clean)


def test_a_deleted_meeting_leaves_the_index(fixture, tmp_path):
    """Pagefind reads the new site where it is made (the spare, which still holds pages
    the new site drops until the swap), picking each page of a shard by name."""
    out = tmp_path / "out"
    build(fixture, out)
    meeting = fixture.parent / "content" / "lrt" / "2023-09-22.md"
    meeting.write_text(meeting.read_text() + "\nNog een punt.\n")
    build(fixture, out)                 # the spare now holds the first build
    (fixture.parent / "content" / "board" / "2023-08-01.md").unlink()
    meeting.write_text(meeting.read_text().replace(" en [[board/2023-08-01#D1]]", ""))
    build(fixture, out)
    assert "/board/2023-08-01/" not in fragments(out)
    assert "/lrt/2023-09-22/" in fragments(out)
    clean = tmp_path / "clean"
    build(fixture, clean, cache=False)
    assert tree(out) == tree(clean)


def test_finding_pagefind_imports_no_asyncio():
    """The pagefind package's own lookup imports its asyncio service: 35–70 ms of every
    edit's build. The build finds the binary as that lookup does, without it."""
    code = ("import sys; from notulist.search import _executable; found = _executable(); "
            "print(found is not None and found.is_file(), 'asyncio' in sys.modules)")
    said = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.split()
    assert said == ["True", "False"]
