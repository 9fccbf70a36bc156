"""The publication lifecycle: drafts, final minutes of bodies without approval, corrections
and withdrawn minutes, from front matter to every output file."""
from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

from tests.conftest import CONFIG, write_site
from notulist import BuildFailed, build, check
from notulist.load.config import load_config
from notulist.pipeline import configure, gather
from notulist.incremental.store import Store
from tests.e2e.test_security import files_with, scan_tree

LIFECYCLE_CONFIG = CONFIG.replace("search = false", "search = true").replace(
    'language = "nl"\n', 'language = "nl"\naccessibility_statement = '
    '"https://example.org/toegankelijkheid"\n', 1) + """
[bodies.werk]
name = "Werkgroep"
short = "WG"
drafts = "withhold"

[bodies.raad]
name = "Adviesraad"
short = "AR"
approval = "none"
"""

WITHDRAWN = """
---
date: 2024-02-01
status: withdrawn
withdrawn: 2024-03-05
reason: Per vergissing gepubliceerd; vervangen door het verslag van 2024-02-01-2.
attendees: [Qzattendeewithdrawn (JenV)]
---

## Qzwithdrawnitem {#qzwithdrawntopic}

- Actie: JenV schrijft de Qzwithdrawnaction brief.
- Besluit: Qzwithdrawndecision.
"""

FILES = {
    "content/lrt/2024-01-10.md": """
        ---
        date: 2024-01-10
        corrections:
          - {date: 2024-03-01, text: "Punt 1: het aantal plaatsen was 5100, niet 5000."}
          - date: 2024-02-20
            text: De naam van de locatie is hersteld.
        ---

        ## Opening

        - Actie: JenV belt IPO.
        """,
    "content/lrt/2024-02-01.md": WITHDRAWN,
    "content/lrt/2024-02-14.md": """
        ---
        date: 2024-02-14
        approves: 2024-01-10
        ---

        ## Terugblik

        Zie [[2024-02-01]] en [[2024-02-01#A1]]; en [[2024-01-10]].
        """,
    "content/werk/2024-01-20.md": """
        ---
        date: 2024-01-20
        status: draft
        approves: 2024-01-05
        title: Qzdraftwithheld Vxdraftwithheld
        attendees: [Qzdraftattendee (VNG)]
        ---

        ## Qzdraftitem {#qzdrafttopic}

        Qzdrafttext over de planning.

        - Actie: VNG maakt het Qzdraftaction overzicht.
        """,
    "content/werk/2024-01-05.md": """
        ---
        date: 2024-01-05
        ---

        ## Planning
        """,
    "content/raad/2024-01-15.md": """
        ---
        date: 2024-01-15
        ---

        ## Advies
        """,
    "content/raad/2024-02-15.md": """
        ---
        date: 2024-02-15
        status: draft
        ---

        ## Advies
        """,
}


@functools.cache
def scanned(folder: Path) -> list:
    return scan_tree(folder)


def canary_files(scan, canary: str) -> list[str]:
    return sorted({path for part in canary.lower().split() for path in files_with(scan, part)})


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("lifecycle")
    config = write_site(root / "site", FILES, LIFECYCLE_CONFIG)
    build(config, root / "public", cache=False)
    build(config, root / "members", audience="members", cache=False)
    return config, root / "public", root / "members"


def read(folder: Path, path: str) -> str:
    return (folder / path).read_text(encoding="utf-8")


def test_a_withdrawn_meeting_answers_with_a_notice_of_when_and_why(outputs):
    _, public, members = outputs
    for folder in (public, members):
        page = read(folder, "lrt/2024-02-01/index.html")
        assert "Dit verslag is ingetrokken op 5 maart 2024." in page
        assert "Per vergissing gepubliceerd" in page
        assert '<meta name="robots" content="noindex">' in page
        assert "Qzwithdrawnitem" not in page and "Qzattendeewithdrawn" not in page


@pytest.mark.parametrize("audience", ["public", "members"])
def test_a_withdrawn_meeting_leaves_every_list_feed_search_sitemap_and_data_file(outputs,
                                                                                 audience):
    _, public, members = outputs
    folder = public if audience == "public" else members
    scan = scanned(folder)
    for canary in ("Qzwithdrawnitem", "Qzwithdrawntopic", "Qzwithdrawnaction",
                   "Qzwithdrawndecision", "Qzattendeewithdrawn"):
        assert canary_files(scan, canary) == [], canary
    # the later meeting names it by its key (so its search fragment does too); nothing else
    mentions = [p for p in files_with(scan, "2024-02-01") if not p.startswith("pagefind/")]
    assert sorted(mentions) == ["lrt/2024-02-01/index.html", "lrt/2024-02-14/index.html"]
    later = read(folder, "lrt/2024-02-14/index.html")
    assert '<span class="ref ref-withheld">lrt/2024-02-01</span>' in later
    assert '<span class="ref ref-withheld">lrt/2024-02-01#A1</span>' in later
    assert not (folder / "topics/qzwithdrawntopic").exists()
    keys = [m["key"] for m in json.loads(read(folder, "data/meetings.json"))]
    assert "lrt/2024-02-01" not in keys and "lrt/2024-02-14" in keys


def test_withdrawn_minutes_are_not_in_the_search_shards(outputs):
    config, _, _ = outputs
    gathered = gather(configure(config), Store.beside(config, config.parent / "x", False),
                      "public")
    indexed = {path for shard in gathered.site.shards for path in shard.paths}
    assert "lrt/2024-01-10/index.html" in indexed
    assert "lrt/2024-02-01/index.html" not in indexed


def test_drafts_withheld_by_their_body_leave_no_byte_in_the_public_build(outputs):
    _, public, members = outputs
    public_scan, members_scan = scanned(public), scanned(members)
    for canary in ("Qzdraftwithheld Vxdraftwithheld", "Qzdraftattendee", "Qzdraftitem",
                   "Qzdrafttopic", "Qzdrafttext", "Qzdraftaction"):
        assert canary_files(public_scan, canary) == [], canary
        assert canary_files(members_scan, canary), canary
    assert files_with(public_scan, "werk/2024-01-20") == []
    assert (public / "werk/2024-01-05/index.html").is_file()
    assert 'class="badge badge-draft"' in read(members, "werk/2024-01-20/index.html")
    # the approval in a withheld draft stands once those minutes are published
    assert "Definitief, nog niet vastgesteld" in read(public, "werk/2024-01-05/index.html")
    assert "Vastgesteld in" in read(members, "werk/2024-01-05/index.html")


def test_drafts_of_other_bodies_are_published_with_the_mark(outputs):
    _, public, _ = outputs
    page = read(public, "raad/2024-02-15/index.html")
    assert 'class="badge badge-draft"' in page and "Conceptverslag" in page


def test_a_body_without_approval_never_says_not_yet_approved(outputs):
    _, public, _ = outputs
    final, draft = read(public, "raad/2024-01-15/index.html"), read(public,
                                                                   "raad/2024-02-15/index.html")
    assert "<dd>Definitief</dd>" in final
    assert "nog niet vastgesteld" not in final and "nog niet vastgesteld" not in draft
    assert "Definitief, nog niet vastgesteld" in read(public, "werk/2024-01-05/index.html")


def test_corrections_are_an_errata_list_on_the_page_oldest_first(outputs):
    _, public, _ = outputs
    page = read(public, "lrt/2024-01-10/index.html")
    errata = page[page.index('<section class="corrections"'):]
    errata = errata[:errata.index("</section>")]
    assert errata.index("20 februari 2024") < errata.index("1 maart 2024")
    assert "De naam van de locatie is hersteld." in errata
    assert "Punt 1: het aantal plaatsen was 5100, niet 5000." in errata


def test_every_page_links_the_accessibility_statement(outputs):
    _, public, _ = outputs
    pages = sorted(public.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        footer = page.read_text(encoding="utf-8").partition('<footer')[2]
        assert 'href="https://example.org/toegankelijkheid">' in footer, page


def problems_of(site, files, config=CONFIG) -> list[str]:
    path = site(files, config)
    with pytest.raises(BuildFailed) as failed:
        check(path)
    return [p.format().removeprefix(str(path.parent) + "/") for p in failed.value.problems]


def test_lifecycle_front_matter_is_checked_at_its_line(site):
    problems = problems_of(site, {
        "content/lrt/2024-01-10.md": """
            ---
            date: 2024-01-10
            status: withdrawn
            corrections:
              - {date: 2024-01-09, text: "before the meeting"}
              - {date: 2024-13-01, text: "no such month"}
              - {date: 2024-02-01}
              - {date: 2024-02-01, text: "x", by: secretariaat}
            ---
            """,
        "content/lrt/2024-02-10.md": """
            ---
            date: 2024-02-10
            reason: "no status"
            status: withdrawn
            withdrawn: 2024-02-01
            ---
            """,
        "content/lrt/2024-03-10.md": """
            ---
            date: 2024-03-10
            status: retracted
            withdrawn: 2024-04-01
            ---
            """})
    assert problems == [
        "content/lrt/2024-01-10.md:3: withdrawn minutes need `reason: …` on one line — say "
        "why they were withdrawn",
        "content/lrt/2024-01-10.md:3: withdrawn minutes need `withdrawn: YYYY-MM-DD` — add the "
        "date they were withdrawn",
        "content/lrt/2024-01-10.md:5: the correction of 2024-01-09 is dated before the meeting "
        "itself (2024-01-10) — correct the date",
        "content/lrt/2024-01-10.md:6: `date: 2024-13-01` is not a date — write it as "
        "YYYY-MM-DD, like 2023-09-22",
        "content/lrt/2024-01-10.md:7: a correction needs a date and a text: "
        "`  - {date: YYYY-MM-DD, text: \"what changed\"}`",
        "content/lrt/2024-01-10.md:8: unknown key `by` in corrections — allowed: date, text",
        "content/lrt/2024-02-10.md:5: `withdrawn: 2024-02-01` is before the meeting itself "
        "(2024-02-10) — correct the date",
        "content/lrt/2024-03-10.md:3: `status: retracted` is not allowed — use one of: final, "
        "draft, withdrawn",
        "content/lrt/2024-03-10.md:4: `withdrawn:` is for withdrawn minutes — add "
        "`status: withdrawn`, or remove it",
    ]


def test_body_lifecycle_keys_are_checked(tmp_path):
    text = CONFIG + '\n[bodies.werk]\nname = "W"\napproval = "vote"\ndrafts = "hide"\n' \
        'woo_category = "c_nothing"\n'
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")
    config, problems = load_config(tmp_path / "config.toml")
    assert config is None
    lines = {p.line: p.message for p in problems}
    assert lines[len(CONFIG.splitlines()) + 4].startswith('`approval = "vote"` in '
                                                         '[bodies.werk] is not allowed')
    assert lines[len(CONFIG.splitlines()) + 5].startswith('`drafts = "hide"`')
    assert "not in the DiWoo value list of information categories" in \
        lines[len(CONFIG.splitlines()) + 6]


def test_reserved_paths_of_the_woo_index_and_the_members_site(tmp_path):
    for name in ("diwoo", "leden"):
        (tmp_path / "config.toml").write_text(CONFIG + f'\n[bodies.{name}]\nname = "x"\n',
                                              encoding="utf-8")
        config, problems = load_config(tmp_path / "config.toml")
        assert config is None and "cannot be used in URLs" in problems[0].message
