"""The Woo-index output of a build: which meetings it lists, their lastmod from git history,
robots.txt, determinism, and validity against the DiWoo XSD (the demo, 1,000 meetings)."""
from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.conftest import CONFIG, write_site
from notulist import BuildFailed, build, check, pipeline
from tests.unit.test_diwoo import NS, assert_valid, diwoo_schema  # noqa: F401 (a fixture)
from tests.unit.test_git_dates import commit, git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
REPO = Path(__file__).resolve().parents[2]
BASE = "https://example.org/minutes/"
WOO = """
[woo]
publisher = "https://identifier.overheid.nl/tooi/id/ministerie/mnre1058"
publisher_name = "ministerie van Justitie en Veiligheid"
category = "https://identifier.overheid.nl/tooi/def/thes/kern/c_816e508d"
"""
DECENTRAL = "https://identifier.overheid.nl/tooi/def/thes/kern/c_db4862c3"
WOO_CONFIG = CONFIG + f"""
[bodies.raad]
name = "Adviesraad"
short = "AR"
approval = "none"
woo_category = "{DECENTRAL}"
""" + WOO


def meeting(date: str, *front: str) -> str:
    return "---\n" + "\n".join([f"date: {date}", *front]) + "\n---\n\n## Opening\n\nTekst.\n"


FILES = {
    "content/lrt/2023-11-01.md": meeting("2023-11-01", "status: draft"),
    "content/lrt/2023-12-01.md": meeting("2023-12-01", "approves: 2023-11-01",
                                         "status: withdrawn", "withdrawn: 2024-01-05",
                                         "reason: Per vergissing gepubliceerd."),
    "content/lrt/2024-01-10.md": meeting("2024-01-10", "approves: 2023-12-01"),
    "content/lrt/2024-02-14.md": meeting("2024-02-14", "approves: 2024-01-10"),
    "content/lrt/2024-03-01.md": meeting("2024-03-01", "audience: members"),
    "content/lrt/2024-04-01.md": meeting("2024-04-01", "approves: 2024-03-01"),
    "content/raad/2024-01-15.md": meeting("2024-01-15"),
    "content/raad/2024-02-15.md": meeting("2024-02-15", "status: draft"),
}
IN_THE_INDEX = ["lrt/2024-01-10", "raad/2024-01-15"]   # approved, or final without approval


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def clean_tree(site: Path, output: Path) -> dict[str, bytes]:
    build(site / "config.toml", output, cache=False)
    return tree(output)


def documents(output: Path) -> dict[str, ElementTree.Element]:
    """loc -> <url> of every DiWoo sitemap in the output."""
    found = {}
    for path in sorted((output / "diwoo").glob("sitemap-*.xml")):
        for url in ElementTree.parse(path).getroot().iterfind("s:url", NS):
            loc = url.findtext("s:loc", namespaces=NS)
            assert loc not in found, f"{loc} twice"
            found[loc] = url
    return found


def lastmods(output: Path, base: str = BASE) -> dict[str, str]:
    return {loc.removeprefix(base).strip("/"): url.findtext("s:lastmod", namespaces=NS)
            for loc, url in documents(output).items()}


@pytest.fixture
def repo(tmp_path) -> Path:
    """The site in a git repository, its meetings committed on 1 March 2024."""
    root = tmp_path / "site"
    write_site(root, FILES, WOO_CONFIG)
    git(root, "init", "-q", "-b", "main")
    commit(root, {}, "2024-03-01T09:00:00+01:00")
    return root


def test_each_public_final_meeting_once_never_drafts_withdrawn_or_members_only(repo, tmp_path):
    result = build(repo / "config.toml", tmp_path / "out")
    assert [p.message for p in result.problems if "Woo" in p.message] == []
    assert sorted(lastmods(tmp_path / "out")) == IN_THE_INDEX
    urls = documents(tmp_path / "out")
    raad = urls[f"{BASE}raad/2024-01-15/"]
    assert raad.find("diwoo:Document/diwoo:DiWoo/diwoo:classificatiecollectie/"
                     "diwoo:informatiecategorieen/diwoo:informatiecategorie",
                     NS).get("resource") == DECENTRAL
    handled = "diwoo:Document/diwoo:DiWoo/diwoo:documenthandelingen/diwoo:documenthandeling/" \
              "diwoo:atTime"
    assert raad.findtext(handled, namespaces=NS) == "2024-01-15T00:00:00Z"   # final is final
    assert urls[f"{BASE}lrt/2024-01-10/"].findtext(handled,
                                                   namespaces=NS) == "2024-02-14T00:00:00Z"


def test_robots_txt_names_the_index_files_and_the_ordinary_sitemap(repo, tmp_path):
    build(repo / "config.toml", tmp_path / "out")
    lines = (tmp_path / "out/robots.txt").read_text().splitlines()
    named = [line.removeprefix(f"Sitemap: {BASE}") for line in lines
             if line.startswith("Sitemap: ")]
    assert named == ["sitemap.xml", "diwoo/sitemapindex-diwoo-infocat008.xml",
                     "diwoo/sitemapindex-diwoo-infocat018.xml"]
    assert all((tmp_path / "out" / path).is_file() for path in named)
    listed = [loc.text for path in named[1:] for loc in
              ElementTree.parse(tmp_path / "out" / path).getroot().iterfind("s:sitemap/s:loc",
                                                                            NS)]
    assert sorted(listed) == sorted(BASE + p.relative_to(tmp_path / "out").as_posix()
                                    for p in (tmp_path / "out/diwoo").glob("sitemap-*.xml"))


def test_the_members_build_writes_no_woo_index(repo, tmp_path):
    build(repo / "config.toml", tmp_path / "out", audience="members")
    assert not (tmp_path / "out/diwoo").exists()
    assert "diwoo" not in (tmp_path / "out/robots.txt").read_text()


def test_two_builds_give_the_same_bytes(repo, tmp_path):
    build(repo / "config.toml", tmp_path / "a", cache=False)
    build(repo / "config.toml", tmp_path / "b", cache=False)
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_a_corrected_meeting_moves_its_lastmod_and_an_untouched_one_keeps_it(repo, tmp_path):
    out = tmp_path / "out"
    build(repo / "config.toml", out)
    before = lastmods(out)
    assert before == {key: "2024-03-01T08:00:00Z" for key in IN_THE_INDEX}
    corrected = repo / "content/lrt/2024-01-10.md"
    corrected.write_text(meeting("2024-01-10", "approves: 2023-12-01", "corrections:",
                                 '  - {date: 2024-04-02, text: "Punt 1 hersteld."}'))
    build(repo / "config.toml", out)
    assert lastmods(out) == before               # an uncommitted edit is not yet published
    commit(repo, {}, "2024-04-02T15:30:00+02:00")
    build(repo / "config.toml", out)             # the same files: only git history moved
    assert lastmods(out) == {"lrt/2024-01-10": "2024-04-02T13:30:00Z",
                             "raad/2024-01-15": "2024-03-01T08:00:00Z"}


def test_without_full_history_lastmod_is_the_approval_date_with_a_warning(repo, tmp_path):
    commit(repo, {"content/raad/2024-01-15.md": meeting("2024-01-15", "location: Webex")},
           "2024-05-01T10:00:00+00:00")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", repo.as_uri(), str(clone)],
                   check=True, capture_output=True)
    result = build(clone / "config.toml", tmp_path / "out")
    assert lastmods(tmp_path / "out") == {"lrt/2024-01-10": "2024-02-14",
                                          "raad/2024-01-15": "2024-01-15"}
    [warning] = [p for p in result.problems if "shallow" in p.message]
    assert warning.warning and warning.line == WOO_CONFIG.splitlines().index("[woo]") + 1
    assert str(clone / "content") in warning.message and "fetch-depth: 0" in warning.message


def test_outside_git_lastmod_is_the_approval_date_with_a_warning(tmp_path):
    config = write_site(tmp_path / "site", FILES, WOO_CONFIG)
    result = build(config, tmp_path / "out")
    assert lastmods(tmp_path / "out") == {"lrt/2024-01-10": "2024-02-14",
                                          "raad/2024-01-15": "2024-01-15"}
    assert [p.message for p in result.problems if "not in a git work tree" in p.message]


def test_every_diwoo_file_of_the_demo_validates(diwoo_schema, tmp_path):  # noqa: F811
    build(REPO / "config.toml", tmp_path / "out", cache=False)
    files = {p.name: p.read_bytes() for p in (tmp_path / "out/diwoo").iterdir()}
    assert len(files) >= 2
    assert_valid(diwoo_schema, SimpleNamespace(files=files))
    listed = lastmods(tmp_path / "out", "https://example.org/notulist/").keys()
    assert "rwb/2025-03-14" in listed                              # approved, then corrected
    # withdrawn, members-only, drafts
    assert not listed & {"rwb/2025-04-29", "jsc/2025-11-13", "jsc/2026-02-12", "rwb/2026-01-20"}


def test_a_thousand_meeting_archive_validates(diwoo_schema, tmp_path):  # noqa: F811
    start = 2000
    files = {f"content/raad/{start + n // 300}-{1 + n % 300 // 25:02d}-{1 + n % 25:02d}.md":
             meeting(f"{start + n // 300}-{1 + n % 300 // 25:02d}-{1 + n % 25:02d}")
             for n in range(1_000)}
    root = tmp_path / "site"
    write_site(root, files, WOO_CONFIG)
    git(root, "init", "-q", "-b", "main")
    commit(root, {}, "2024-03-01T09:00:00+01:00")
    build(root / "config.toml", tmp_path / "out", cache=False)
    assert len(documents(tmp_path / "out")) == 1_000
    files = {p.name: p.read_bytes() for p in (tmp_path / "out/diwoo").iterdir()}
    assert_valid(diwoo_schema, SimpleNamespace(files=files))


def test_a_text_edit_then_its_commit_equal_a_clean_build(repo, tmp_path, monkeypatch):
    """An uncommitted text edit takes the text-edit shortcut (lastmod stays); its commit
    moves lastmod, so that build runs in full."""
    full = []
    run_stages = pipeline.run_stages
    monkeypatch.setattr(pipeline, "run_stages", lambda config, audience, *rest, **named: (
        full.append(audience), run_stages(config, audience, *rest, **named))[1])
    out = tmp_path / "out"
    build(repo / "config.toml", out)
    for name in ("content/lrt/2024-01-10.md", "content/lrt/2023-12-01.md"):
        path = repo / name
        path.write_text(path.read_text().replace("Tekst.", "Andere tekst."))
    build(repo / "config.toml", out)
    assert len(full) == 1
    assert tree(out) == clean_tree(repo, tmp_path / "clean-edit")
    assert lastmods(out)["lrt/2024-01-10"] == "2024-03-01T08:00:00Z"
    commit(repo, {}, "2024-04-02T15:30:00+02:00")
    runs = len(full)
    build(repo / "config.toml", out)
    assert len(full) == runs + 1
    assert tree(out) == clean_tree(repo, tmp_path / "clean-commit")
    assert lastmods(out)["lrt/2024-01-10"] == "2024-04-02T13:30:00Z"


def test_check_names_a_code_outside_the_value_lists_at_its_line(tmp_path):
    config = write_site(tmp_path / "site", FILES, WOO_CONFIG.replace("mnre1058", "mnre9999")
                        .replace('base_url = "https://', 'base_url = "http://'))
    with pytest.raises(BuildFailed) as failed:
        check(config)
    lines = WOO_CONFIG.splitlines()
    assert sorted(p.format() for p in failed.value.problems) == sorted([
        f"{config}:{lines.index('[woo]') + 2}: 'https://identifier.overheid.nl/tooi/id/"
        "ministerie/mnre9999' is not in the DiWoo value list of organisations — use the TOOI "
        "URI of your organisation, like https://identifier.overheid.nl/tooi/id/ministerie/"
        "mnre1058 (look it up at organisaties.overheid.nl or in the value lists)",
        f"{config}:3: the Woo-index only reads https addresses — make base_url start with "
        "https:// or remove the [woo] table"])


def test_a_settings_warning_is_reported_by_every_build(repo, tmp_path):
    (repo / "config.toml").write_text(WOO_CONFIG.replace(
        'publisher_name = "ministerie van Justitie en Veiligheid"',
        'publisher_name = "Justitie"'), encoding="utf-8")
    result = build(repo / "config.toml", tmp_path / "out")
    [warning] = [p for p in result.problems if "publisher_name" in p.message]
    assert warning.warning and warning.line == WOO_CONFIG.splitlines().index("[woo]") + 3
    with pytest.raises(BuildFailed):
        build(repo / "config.toml", tmp_path / "strict", strict=True)
