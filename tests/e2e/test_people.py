"""People: the registry in config.toml, withheld names replaced in the public build (every
place a name can be written), the leak check, person and organisation pages, check's
spelling warning and `new`."""
from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from notulist import BuildFailed, build
from notulist.cli import main
from notulist.link.withhold import Matcher
from notulist.load.config import load_config
from tests.conftest import CONFIG, write_site
from tests.e2e.test_security import scan_tree
from tests.e2e.test_text_edit import full_builds  # noqa: F401 (a fixture)

REGISTRY = CONFIG + """
[[people]]
name = "Van der Burg"
org = "JenV"
function = "staatssecretaris"
publish = "public"
aliases = ["E. van der Burg"]

[[people]]
name = "Piet Quaedvlieg"
org = "JenV"
function = "ambtenaar"
publish = "withheld"
aliases = ["P. Quaedvlieg"]

[[people]]
name = "Anneke Zwiebelaar"
org = "SZW"
publish = "withheld"
ground = "5.1.2e"

[[people]]
name = "Kees Jansen"
org = "VNG"
publish = "public"

[[people]]
name = "Jansen"
org = "IPO"
publish = "withheld"
"""

# Every place a name can be written; the withheld ones are Quaedvlieg, Zwiebelaar and the
# IPO's Jansen (written alone), the public ones Van der Burg and Kees Jansen.
FIRST = """
---
date: 2024-01-10
title: Overleg met Piet Quaedvlieg
attendees:
  - Dhr. Van der Burg (JenV)
  - Piet Quaedvlieg (JenV)
  - {name: Mevr. Anneke Zwiebelaar, org: SZW, role: notulist}
  - {name: Kees Jansen, org: VNG, role: namens Piet Quaedvlieg}
  - Jansen (IPO)
  - (SZW)
absent: [P. Quaedvlieg (JenV)]
---
## 1. Opening door Piet Quaedvlieg {#opening}

- Dhr. P. Quaedvlieg licht toe; ANNEKE ZWIEBELAAR vult aan.[^1]
- Kees Jansen en Jansen spreken; E. van der Burg sluit af.
- Actie (Piet Quaedvlieg): een brief opstellen met [de notitie van Anneke Zwiebelaar](https://example.org/notitie).
- Actie: Anneke Zwiebelaar bereidt het volgende overleg voor.
- Besluit: het voorstel van Piet Quaedvlieg wordt aangenomen.

| wie | wat |
|-----|-----|
| Piet Quaedvlieg | *Anneke Zwiebelaar* |

![foto van Piet Quaedvlieg](https://example.org/foto.png "Anneke Zwiebelaar spreekt")

[^1]: Voetnoot over Piet Quaedvlieg.
"""
SECOND = """
---
date: 2024-02-10
attendees: [Van der Burg (JenV), Piet Quaedvlieg (JenV)]
---
## 1. Actielijst

- Stand: [[2024-01-10#A2]] Anneke Zwiebelaar heeft een datum gevonden.
- Afgerond: [[2024-01-10#A1]] de brief van Piet Quaedvlieg is verstuurd.
"""
WITHHELD = ["piet quaedvlieg", "p. quaedvlieg", "quaedvlieg", "anneke zwiebelaar",
            "zwiebelaar", "piet-quaedvlieg", "anneke-zwiebelaar"]


def b64_readings(scan) -> list[tuple[str, set[str]]]:
    """The scan, with every base64-looking run of each file decoded as well."""
    found = []
    for path, texts in scan:
        decoded = set()
        for text in texts:
            for run in re.findall(r"[A-Za-z0-9+/]{16,}={0,2}", text):
                try:
                    decoded.add(base64.b64decode(run + "=" * (-len(run) % 4)).decode(
                        "utf-8", "ignore").lower())
                except ValueError:
                    continue
        found.append((path, texts | decoded))
    return found


def files_naming(scan, needle: str) -> list[str]:
    return [path for path, texts in scan if any(needle in text for text in texts)]


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("people")
    config = write_site(root, {"content/lrt/2024-01-10.md": FIRST,
                               "content/lrt/2024-02-10.md": SECOND},
                        REGISTRY.replace("search = false", "search = true"))
    build(config, root / "public")
    build(config, root / "members", audience="members")
    return root


@pytest.fixture(scope="module")
def scans(builds):
    return {audience: b64_readings(scan_tree(builds / audience))
            for audience in ("public", "members")}


@pytest.mark.parametrize("needle", WITHHELD)
def test_the_public_build_names_no_withheld_person_in_any_byte(scans, needle):
    assert files_naming(scans["public"], needle) == []


@pytest.mark.parametrize("needle", WITHHELD + ["van der burg", "kees jansen"])
def test_the_members_build_names_everyone(scans, needle):
    assert files_naming(scans["members"], needle)


def test_the_scan_reads_the_search_index_and_the_data(scans):
    named = files_naming(scans["members"], "zwiebelaar")
    assert any(path.startswith("pagefind/") for path in named)
    assert any(path.startswith("data/") for path in named)
    assert any(path.startswith("pagefind/") for path, _ in scans["public"])


def test_public_names_stay_and_the_longer_public_name_wins(builds):
    page = (builds / "public/lrt/2024-01-10/index.html").read_text()
    assert "Kees Jansen en (IPO) spreken; E. van der Burg sluit af." in page
    assert "ambtenaar JenV licht toe; (SZW) vult aan." in page
    assert "Opening door ambtenaar JenV" in page
    assert 'alt="foto van ambtenaar JenV"' in page and 'title="(SZW) spreekt"' in page


def test_attendees_and_owners_are_their_organisation_in_public_data(builds):
    def records(audience, name):
        return {r.get("key") or r["id"]: r
                for r in json.loads((builds / audience / "data" / name).read_text())}
    meeting = records("public", "meetings.json")["lrt/2024-01-10"]
    assert meeting["attendees"] == [
        {"name": "Van der Burg", "org": "JenV", "role": None},
        {"name": None, "org": "JenV", "role": None},
        {"name": None, "org": "SZW", "role": None},   # a role could name them (issue 17)
        {"name": "Kees Jansen", "org": "VNG", "role": "namens ambtenaar JenV"},
        {"name": None, "org": "IPO", "role": None},
        {"name": None, "org": "SZW", "role": None}]
    assert meeting["title"] == "Overleg met ambtenaar JenV"
    actions = records("public", "actions.json")
    assert actions["lrt/2024-01-10#A1"]["owners"] == [{"name": None, "org": "JenV"}]
    assert actions["lrt/2024-01-10#A2"]["owners"] == [{"name": None, "org": "SZW"}]
    members = records("members", "actions.json")
    assert members["lrt/2024-01-10#A1"]["owners"] == [{"name": "Piet Quaedvlieg", "org": "JenV"}]


def test_person_pages_for_public_people_only_in_the_public_build(builds):
    public = sorted(p.name for p in (builds / "public/people").iterdir() if p.is_dir())
    members = sorted(p.name for p in (builds / "members/people").iterdir() if p.is_dir())
    assert public == ["kees-jansen", "van-der-burg"]
    assert members == ["anneke-zwiebelaar", "jansen", "kees-jansen", "piet-quaedvlieg",
                       "van-der-burg"]
    page = (builds / "members/people/piet-quaedvlieg/index.html").read_text()
    for meeting in ("2024-01-10", "2024-02-10"):
        assert f'<li><a href="../../lrt/{meeting}/index.html">' in page
    assert "lrt/2024-01-10#A1" in page and "lrt/2024-01-10#A2" not in page
    chair = (builds / "public/people/van-der-burg/index.html").read_text()
    assert "staatssecretaris" in chair and "2024-02-10/index.html" in chair
    meeting = (builds / "public/lrt/2024-01-10/index.html").read_text()
    assert '<a href="../../people/van-der-burg/index.html">Van der Burg</a>' in meeting


def test_organisation_pages_count_withheld_people_without_naming_them(builds):
    public = (builds / "public/organisations/jenv/index.html").read_text()
    assert re.search(r'<a href="../../people/van-der-burg/index.html">Van der Burg</a>,\s+'
                     r"1 persoon, naam niet openbaar", public)
    members = (builds / "members/organisations/jenv/index.html").read_text()
    assert "people/piet-quaedvlieg/index.html" in members and "niet openbaar" not in members


@pytest.mark.parametrize("line, where", [
    ("Zie [het profiel](https://example.org/piet-quaedvlieg).", "in a link address"),
    ("Zie `P. Quaedvlieg` in de lijst.", "in code"),
    ("Zie [[2024-01-10#opening|Anneke Zwiebelaar]] en <https://x.org/anneke-zwiebelaar>.",
     "in a URL"),
])
def test_a_name_replacement_cannot_reach_fails_the_build_at_its_line(tmp_path, line, where):
    config = write_site(tmp_path, {"content/lrt/2024-01-10.md": FIRST,
                                   "content/lrt/2024-02-10.md": SECOND}, REGISTRY)
    output = tmp_path / "output"
    build(config, output)
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    path = tmp_path / "content/lrt/2024-02-10.md"
    path.write_text(path.read_text() + "\n" + line + "\n")
    with pytest.raises(BuildFailed) as failed:
        build(config, output)
    messages = [p.format() for p in failed.value.problems]
    assert len(messages) == 1, messages
    assert re.search(r"content/lrt/2024-02-10\.md:10: the name of a withheld person \(5\.1\.2e\) "
                     rf"would be published here: `[^`]+` {where} — ", messages[0]), messages
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before
    build(config, tmp_path / "members", audience="members")     # members may read it


def test_a_heading_naming_a_withheld_person_needs_its_own_anchor(tmp_path, capsys):
    text = FIRST.replace("## 1. Opening door Piet Quaedvlieg {#opening}",
                         "## 1. Opening door Piet Quaedvlieg")
    config = write_site(tmp_path, {"content/lrt/2024-01-10.md": text}, REGISTRY)
    assert main(["check", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert "2024-01-10.md:13: the name of a withheld person (5.1.2e) would be published " \
        "here: `Piet Quaedvlieg` in the anchor made from this heading — give the heading " \
        "an explicit anchor" in err


def test_people_default_withheld_withholds_unregistered_names(tmp_path):
    config = write_site(tmp_path, {"content/lrt/2024-01-10.md": """
        ---
        date: 2024-01-10
        attendees: [Gerda Wolkenveld (VNG), Van der Burg (JenV)]
        ---
        ## 1. Opening

        - Gerda Wolkenveld opent; Van der Burg luistert.
        """}, REGISTRY + '\n[people_default]\npublish = "withheld"\n')
    build(config, tmp_path / "out")
    page = (tmp_path / "out/lrt/2024-01-10/index.html").read_text()
    assert "Wolkenveld" not in page and "(VNG) opent; Van der Burg luistert." in page


def test_a_text_edit_of_a_public_build_withholds_names_too(tmp_path, full_builds):  # noqa: F811
    config = write_site(tmp_path, {"content/lrt/2024-01-10.md": FIRST,
                                   "content/lrt/2024-02-10.md": SECOND + "\nTot slot.\n"},
                        REGISTRY)
    build(config, tmp_path / "out")
    path = tmp_path / "content/lrt/2024-02-10.md"
    path.write_text(path.read_text().replace("Tot slot.", "Piet Quaedvlieg sluit af."))
    build(config, tmp_path / "out")
    assert full_builds == ["public"]                       # the edit took the shortcut
    page = (tmp_path / "out/lrt/2024-02-10/index.html").read_text()
    assert "ambtenaar JenV sluit af." in page and "Quaedvlieg" not in page
    build(config, tmp_path / "clean", cache=False)
    assert page == (tmp_path / "clean/lrt/2024-02-10/index.html").read_text()


def test_check_warns_on_another_spelling_of_a_registered_person(tmp_path, capsys):
    config = write_site(tmp_path, {"content/lrt/2024-01-10.md": """
        ---
        date: 2024-01-10
        attendees:
          - v.d. Burg (JenV)
          - Jansen (IPO)
          - Mr. Quaedvlieg (JenV)
          - Karel Appel (VNG)
        ---
        ## 1. Opening
        """}, REGISTRY)
    assert main(["check", "--config", str(config)]) == 0
    err = capsys.readouterr().err
    assert "2024-01-10.md:4: warning: `v.d. Burg` looks like Van der Burg of [[people]]" in err
    assert "2024-01-10.md:6: warning: `Quaedvlieg` looks like Piet Quaedvlieg" in err
    assert ":5:" not in err and ":7:" not in err     # a registered name; nobody like it


def test_new_fills_attendees_from_the_registry_and_the_previous_meeting(tmp_path,
                                                                          monkeypatch):
    config = write_site(tmp_path, {}, REGISTRY)
    monkeypatch.chdir(tmp_path)
    assert main(["new", "lrt", "--date", "2024-01-10"]) == 0
    first = (tmp_path / "content/lrt/2024-01-10.md").read_text()
    assert "  - Piet Quaedvlieg (JenV)\n  - Anneke Zwiebelaar (SZW)\n" in first
    (tmp_path / "content/lrt/2024-01-10.md").write_text(
        "---\ndate: 2024-01-10\nattendees: [Dhr. P. Quaedvlieg, (SZW)]\n---\n## 1. Opening\n")
    assert main(["new", "lrt", "--date", "2024-02-10", "--config", str(config)]) == 0
    second = (tmp_path / "content/lrt/2024-02-10.md").read_text()
    assert "attendees:\n  - Piet Quaedvlieg (JenV)\n  - (SZW)\n" in second


@pytest.mark.parametrize("addition, line, message", [
    ('[[people]]\nname = "A"\nnickname = "B"\n', 2, "unknown key `nickname` in [[people]]"),
    ('[[people]]\nname = "A"\norg = "XYZ"\n', 2, "unknown organisation `XYZ` for A"),
    ('[[people]]\nname = "A"\npublish = "secret"\n', 2, "`publish = 'secret'` is not allowed"),
    ('[[people]]\nname = "A"\n[[people]]\nname = "B"\naliases = ["a"]\n', 2,
     "`a` of B also names A (line {first})"),
    ('[people_default]\npublish = "public"\nrule = 1\n', 2,
     "unknown key `rule` in [people_default]"),
    ('[[people]]\norg = "JenV"\n', 0, "[[people]] needs `name = \"…\"`"),
])
def test_registry_mistakes_are_errors_at_their_line(tmp_path, addition, line, message):
    path = tmp_path / "config.toml"
    path.write_text(CONFIG + "\n" + addition)
    first = CONFIG.count("\n") + 2      # the line of the first table added; `line` counts on
    config, problems = load_config(path)
    assert config is None
    expected = f"config.toml:{first + line}: {message.format(first=first)}"
    assert any(expected in p.format() for p in problems), [p.format() for p in problems]


def test_the_matcher_folds_case_accents_honorifics_and_keeps_whole_words():
    matcher = Matcher.of({"anna ozdemir": "(SZW)", "jansen": "(IPO)", "kees jansen": None})
    assert matcher.text("Mevr. ANNA ÖZDEMIR en Kees Jansen, Jansen en Jansens") == \
        "(SZW) en Kees Jansen, (IPO) en Jansens"
    html = ('<p title="Anna Özdemir">Anna&nbsp;Özdemir <code>Anna Özdemir</code> '
            '<a href="/anna-ozdemir">Jansen &amp; co</a></p>')
    assert matcher.html(html) == ('<p title="(SZW)">(SZW) <code>Anna Özdemir</code> '
                                  '<a href="/anna-ozdemir">(IPO) &amp; co</a></p>')


def test_a_registry_without_withheld_people_changes_nothing(tmp_path):
    plain = write_site(tmp_path / "a", {"content/lrt/2024-01-10.md": SECOND.replace(
        "- Stand: [[2024-01-10#A2]]", "-").replace("- Afgerond: [[2024-01-10#A1]]", "-")})
    listed = write_site(tmp_path / "b", {"content/lrt/2024-01-10.md": SECOND.replace(
        "- Stand: [[2024-01-10#A2]]", "-").replace("- Afgerond: [[2024-01-10#A1]]", "-")},
        CONFIG + '\n[people_default]\npublish = "public"\n')
    build(plain, tmp_path / "a/out")
    build(listed, tmp_path / "b/out")
    page = lambda root: (root / "out/lrt/2024-01-10/index.html").read_bytes()
    assert page(tmp_path / "a") == page(tmp_path / "b")


@pytest.mark.parametrize("encode", [
    lambda name: name.encode(),
    lambda name: name.upper().replace("E", "&#69;").encode(),
    lambda name: name.replace(" ", "%20").encode(),
    lambda name: json.dumps(name.replace("e", "é")).encode(),
    lambda name: json.dumps(name, ensure_ascii=True).replace("a", "\\u0061").encode(),
    lambda name: b"data:" + base64.b64encode(f"x {name} y".encode()),
    lambda name: __import__("gzip").compress(f"<p>{name}</p>".encode()),
    lambda name: f"<p>Piet <em>{name.split()[1]}</em></p>".encode(),
], ids=["plain", "entities", "percent", "accents", "json", "base64", "gzip", "markup"])
def test_the_leak_scan_reads_names_in_every_encoding(encode):
    from notulist.link.people import Needle
    from notulist.write.leak_scan import LeakScan
    scan = LeakScan([Needle("Piet Quaedvlieg", "Piet Quaedvlieg", "5.1.2e", 3)],
                    lambda output: [], Path("config.toml"), ["Kees Quaedvlieg"])
    data = encode("Piet Quaedvlieg")
    if not data.startswith(b"\x1f\x8b"):    # a gzip file is compressed whole
        data = b"<p>Kees Quaedvlieg, " + data + b"</p>"
    scan.saw("page.html", data)
    scan.saw("other.html", b"<p>Kees Quaedvlieg en Piet Quaedvliegen</p>")
    assert scan.hits == {"Piet Quaedvlieg": ["page.html"]}
    assert [p.format() for p in scan.problems()] == [
        "config.toml:3: the name of a withheld person (5.1.2e) would be published here: "
        "`Piet Quaedvlieg` in page.html — find the text it comes from and write the name as "
        "plain text there, or make the passage members-only (::: members)"]


def test_a_static_file_named_after_a_withheld_person_fails_the_build(tmp_path):
    config = write_site(tmp_path, {"content/lrt/2024-01-10.md": FIRST,
                                   "static/cv-piet-quaedvlieg.txt": "cv\n"}, REGISTRY)
    with pytest.raises(BuildFailed) as failed:
        build(config, tmp_path / "out")
    assert [p.format().split(": ", 1)[0].rsplit("/", 2)[-2:] for p in failed.value.problems] \
        == [["static", "cv-piet-quaedvlieg.txt:1"]]
    assert "`Piet Quaedvlieg` in the file name — rename the file" in \
        failed.value.problems[0].message
    assert not (tmp_path / "out").exists()
