"""Security: members-only text never reaches the public build, raw HTML cannot run script,
file names, anchors and references cannot write outside the output folder, and symlinks out
of the site folder are refused.

The fixture is tests/security_site/: a fictional archive that plants a canary in every place
members-only text can live (see CANARIES). The leak scan reads every byte of every file of the
public output, whatever its type: compressed files (gzip, zip, bz2, xz, zlib, brotli) are
opened, and each file is searched as raw bytes, as UTF-8/Latin-1/UTF-16 text, HTML-unescaped,
URL-decoded and JSON-unescaped, for each canary and for each lower-cased word part of it.
The same scan must find every canary in the members build, so it is known to look in the
right places.

Known engine weaknesses are `xfail(strict=True)`: the suite stays green, and the test turns
red the moment the engine is fixed, so the mark can be removed.
"""
from __future__ import annotations

import bz2
import gzip
import html
import io
import json
import lzma
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, unquote_plus
from xml.etree import ElementTree

import pytest

from notulist import BuildFailed, build
from notulist.write.spare import UnsafePath, safe_path

HERE = Path(__file__).parents[1]
FIXTURE = HERE / "security_site"
REPO = HERE.parent

MEMBERS_MEETING = "lrt/2024-05-01"          # `audience: members` in the fixture
MEMBERS_ID = "2024-05-01"
MEMBERS_TOPIC = "canarytopicanchor"         # the anchor only the members-only meeting has
MEMBERS_DATE = re.compile(r"(?<!\d)(?:0?1 (?:mei|may) 2024|may 0?1,? 2024)")   # its date, shown

# Every place members-only text can live, and the text planted there. Each canary is made of
# words that occur nowhere else, so its lower-cased word parts are canaries too: a slug,
# an anchor, a search-index token or a lower-cased copy of the text is found as well.
CANARIES = {
    # inside `::: members` blocks of public meetings (lrt/2024-03-01 unless noted)
    "block text": "Qzblocktext Vxblocktext",
    "block with a ground (5.1.2e)": "Qzgroundtext Vxgroundtext",
    "action in a block": "Qzblockaction Vxblockaction",
    "decision in a block": "Qzblockdecision Vxblockdecision",
    "status line in a block": "Qzblockstatus Vxblockstatus",
    "table in a block": "Qztablecell Vxtablecell",
    "footnote in a block": "Qzfootnote Vxfootnote",
    "abbreviation defined in a block": "Qzabbrtitle Vxabbrtitle",
    "link definition in a block": "Qzlinkref-Vxlinkref",
    "block inside a raw HTML element (board/2024-04-01)": "Qzhtmlwrap Vxhtmlwrap",
    "HTML element left open in a block (board/2024-04-01)": "Qzhtmlopen Vxhtmlopen",
    "block in a free page (pages/over)": "Qzpageblock Vxpageblock",
    # the members-only meeting lrt/2024-05-01
    "members meeting: title": "Qzmeetingtitle Vxmeetingtitle",
    "members meeting: location": "Qzlocation Vxlocation",
    "members meeting: attendee only there": "Qzattendee Vxattendee",
    "members meeting: attendee role": "Qzrolename Vxrolename",
    "members meeting: absentee": "Qzabsent Vxabsent",
    "members meeting: body text": "Qzmeetingtext Vxmeetingtext",
    "members meeting: agenda item title": "Qzagendatitle Vxagendatitle",
    "members meeting: topic title": "Qztopictitle Vxtopictitle",
    "members meeting: topic anchor": MEMBERS_TOPIC,
    "members meeting: action": "Qzmeetingaction Vxmeetingaction",
    "members meeting: decision": "Qzmeetingdecision Vxmeetingdecision",
    "members meeting: status line on a public action": "Qzmeetingstatus Vxmeetingstatus",
}

# Leaks found in the engine; see the report in the reasons. Remove a line once it is fixed.
KNOWN_LEAKS: dict[str, str] = {}


# --------------------------------------------------------------------------------------------
# building the fixture


def copy_site(destination: Path) -> Path:
    shutil.copytree(FIXTURE, destination,
                    ignore=shutil.ignore_patterns(".cache", "output", "output-members"))
    return destination / "config.toml"


@dataclass
class Builds:
    root: Path
    config: Path
    public: Path
    members: Path
    public_scan: list
    members_scan: list


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> Builds:
    root = tmp_path_factory.mktemp("security")
    config = copy_site(root / "site")
    public, members = root / "public", root / "members"
    build(config, public, audience="public", cache=False)
    build(config, members, audience="members", cache=False)
    return Builds(root, config, public, members, scan_tree(public), scan_tree(members))


# --------------------------------------------------------------------------------------------
# the scanner: every file, every encoding


def word_parts(canary: str) -> list[str]:
    """Lower-cased word parts: split on non-letters and on camelCase boundaries."""
    parts = []
    for chunk in re.findall(r"[A-Za-z]+", canary):
        parts += re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", chunk)
    return [part.lower() for part in parts]


def needles(canary: str) -> list[str]:
    return sorted({canary.lower(), *word_parts(canary)})


def payloads(data: bytes, name: str, depth: int = 0) -> list[bytes]:
    """The bytes of a file and of everything compressed inside it, whatever its extension."""
    found = [data]
    if depth > 4:
        return found
    inner: list[bytes] = []
    attempts = []
    if data[:2] == b"\x1f\x8b":
        attempts.append(lambda: [gzip.decompress(data)])
    if data[:3] == b"BZh":
        attempts.append(lambda: [bz2.decompress(data)])
    if data[:6] == b"\xfd7zXZ\x00":
        attempts.append(lambda: [lzma.decompress(data)])
    if len(data) > 1 and data[0] == 0x78 and data[1] in (0x01, 0x5E, 0x9C, 0xDA):
        attempts.append(lambda: [zlib.decompress(data)])
    if data[:4] == b"PK\x03\x04":
        def unzip():
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return [archive.read(info) for info in archive.infolist()]
        attempts.append(unzip)
    if name.endswith(".br"):
        try:
            import brotli  # optional: only if some build starts writing .br files
            attempts.append(lambda: [brotli.decompress(data)])
        except ImportError:
            attempts.append(lambda: pytest.fail(f"{name}: brotli file, but no brotli module "
                                                "to read it — pip install brotli"))
    for attempt in attempts:
        try:
            inner += attempt()
        except (OSError, EOFError, ValueError, zlib.error, lzma.LZMAError, zipfile.BadZipFile):
            continue
    for item in inner:
        found += payloads(item, name, depth + 1)
    return found


_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")


def readings(payload: bytes) -> set[str]:
    """Every way a reader or a program could read these bytes as text, lower-cased."""
    decoded = {payload.decode("utf-8", "ignore"), payload.decode("latin-1"),
               payload.replace(b"\x00", b"").decode("latin-1")}
    for codec in ("utf-16-le", "utf-16-be"):
        if b"\x00" in payload:
            decoded.add(payload.decode(codec, "ignore"))
    texts = set()
    for text in decoded:
        for variant in (text, html.unescape(text), unquote(text), unquote_plus(text),
                        html.unescape(unquote(text)), unquote(html.unescape(text)),
                        _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)):
            texts.add(variant.lower())
            texts.add(_INVISIBLE.sub("", variant).lower())
    return texts


def scan_tree(root: Path) -> list[tuple[str, set[str]]]:
    """(path, readings) for every file under root, recursively, any type, hidden ones too."""
    scanned = []
    for top, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(top) / name
            relative = path.relative_to(root).as_posix()
            texts = {relative.lower(), unquote(relative).lower()}
            for payload in payloads(path.read_bytes(), name):
                texts |= readings(payload)
            scanned.append((relative, texts))
    return scanned


def files_with(scan, needle: str) -> list[str]:
    return [path for path, texts in scan if any(needle in text for text in texts)]


def leak_report(scan, canary: str) -> dict[str, list[str]]:
    return {needle: files for needle in needles(canary) if (files := files_with(scan, needle))}


# --------------------------------------------------------------------------------------------
# 1. members-only text never reaches the public build


def _leak_params():
    return [pytest.param(name, id=name, marks=pytest.mark.xfail(strict=True,
                                                              reason=KNOWN_LEAKS[name]))
            if name in KNOWN_LEAKS else pytest.param(name, id=name) for name in CANARIES]


def test_canaries_are_planted_and_distinctive():
    sources = "\n".join(p.read_text(encoding="utf-8") for p in FIXTURE.rglob("*")
                        if p.is_file()).lower()
    seen: dict[str, str] = {}
    for name, canary in CANARIES.items():
        assert canary.lower() in sources, f"{name}: {canary} is not in tests/security_site"
        for part in word_parts(canary):
            assert len(part) >= 8 and (part.startswith(("qz", "vx")) or part == MEMBERS_TOPIC), \
                f"{name}: word part {part!r} is not distinctive"
            assert part not in seen, f"{name} and {seen[part]} share the word part {part!r}"
            seen[part] = name


def test_scanner_finds_canaries_in_every_encoding_and_container(tmp_path):
    """The scan itself: whatever file types a later version writes, it still looks inside."""
    word = "Qzselftest"
    plain = f"before {word} after".encode()
    files = {
        "page.html": b"<p>&#81;zselftest</p>",                      # character reference
        "url.txt": b"/search/?q=%51zselftest",                     # URL-encoded
        "plus.txt": b"q=Qz%73elftest+x",
        "data.json": b'{"t": "\\u0051zselftest"}',                  # JSON escape
        "index.js.gz": gzip.compress(plain),                       # gzip with its extension
        "fragment.pf_fragment": gzip.compress(b"pagefind_dcd" + plain),   # without it
        "nested.gz": gzip.compress(gzip.compress(plain)),
        "bundle.zip": _zip({"inner/x.txt": plain}),
        "blob.bz2": bz2.compress(plain),
        "blob.xz": lzma.compress(plain),
        "blob.z": zlib.compress(plain),
        "utf16.txt": f"x {word} y".encode("utf-16-le"),
        "shy.html": "Qz\u00adselftest".encode(),                   # soft hyphen inside
        "UPPER.TXT": b"QZSELFTEST",
        "qzselftest-in-the-name.bin": b"\x00\x01",
    }
    for name, data in files.items():
        folder = tmp_path / name.replace(".", "_")
        folder.mkdir()
        (folder / name).write_bytes(data)
        assert files_with(scan_tree(folder), "qzselftest") == [name], name
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "a.html").write_bytes(b"<p>nothing here</p>")
    (clean / "b.gz").write_bytes(gzip.compress(b"nothing"))
    assert files_with(scan_tree(clean), "qzselftest") == []


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_the_scan_reads_every_kind_of_output_file(builds):
    """Sanity: the walk is recursive and covers pages, feeds, data, assets and the rest."""
    paths = [path for path, _ in builds.public_scan]
    for expected in ("index.html", "404.html", "feed.xml", "lrt/feed.xml", "sitemap.xml",
                     "robots.txt", "data/meetings.json", "data/actions.json",
                     "data/decisions.json", "data/actions.csv", "lrt/2024-03-01/index.html",
                     "topics/index.html", "over/index.html"):
        assert expected in paths
    on_disk = sorted(p.relative_to(builds.public).as_posix()
                     for p in builds.public.rglob("*") if p.is_file())
    assert sorted(paths) == on_disk


@pytest.mark.parametrize("name", _leak_params())
def test_public_output_holds_no_members_only_text(builds, name):
    assert leak_report(builds.public_scan, CANARIES[name]) == {}


@pytest.mark.parametrize("name", list(CANARIES))
def test_members_output_holds_every_canary(builds, name):
    """Proves the scan looks where the text would be: every canary is found for members."""
    assert files_with(builds.members_scan, CANARIES[name].lower()), \
        f"{name}: {CANARIES[name]} is missing from the members build"


def test_no_public_path_names_the_members_only_meeting_or_topic(builds):
    for path, _ in builds.public_scan:
        assert MEMBERS_ID not in path and MEMBERS_TOPIC not in path.lower(), path
    assert (builds.members / MEMBERS_MEETING / "index.html").is_file()
    assert (builds.members / "topics" / MEMBERS_TOPIC / "index.html").is_file()


def test_feeds_sitemap_and_data_do_not_mention_the_members_only_meeting(builds):
    checked = 0
    for path, texts in builds.public_scan:
        if path.endswith((".xml", ".txt", ".json", ".csv")) or path.startswith("data/"):
            checked += 1
            for needle in (MEMBERS_ID, "2024/05/01"):
                assert not any(needle in text for text in texts), f"{path} mentions {needle}"
            assert not any(MEMBERS_DATE.search(text) for text in texts), path
    assert checked >= 8
    members_data = (builds.members / "data/meetings.json").read_text(encoding="utf-8")
    assert MEMBERS_MEETING in members_data


def test_no_public_page_shows_the_members_only_date(builds):
    """A reference to it shows its key only, never its title or date as a label."""
    for path, texts in builds.public_scan:
        assert not any(MEMBERS_DATE.search(text) for text in texts), path


def test_public_reference_to_members_only_meeting_is_its_bare_key(builds):
    public = (builds.public / "lrt/2024-03-01/index.html").read_text(encoding="utf-8")
    members = (builds.members / "lrt/2024-03-01/index.html").read_text(encoding="utf-8")
    assert '<span class="ref ref-withheld">lrt/2024-05-01</span>' in public
    assert "het vervolgoverleg" not in public              # the label is dropped, key only
    assert not re.search(r'href="[^"]*2024-05-01', public)
    assert re.search(r'<a class="ref ref-meeting" href="\.\./\.\./lrt/2024-05-01/index\.html">'
                     r"het vervolgoverleg</a>", members)


def test_backlinks_from_members_text_are_members_only(builds):
    """lrt/2024-01-10 is referred to only from a members block and a members-only meeting."""
    public = (builds.public / "lrt/2024-01-10/index.html").read_text(encoding="utf-8")
    members = (builds.members / "lrt/2024-01-10/index.html").read_text(encoding="utf-8")
    assert 'class="backlinks"' not in public
    assert 'class="backlinks"' in members and "2024-05-01/index.html" in members


def test_withheld_members_block_shows_a_marker_with_its_ground(builds):
    public = (builds.public / "lrt/2024-03-01/index.html").read_text(encoding="utf-8")
    assert public.count('class="withheld"') == 2
    assert "5.1.2e" in public


def _records(root: Path, name: str) -> dict[str, dict]:
    data = json.loads((root / "data" / name).read_text(encoding="utf-8"))
    return {record.get("key") or record["id"]: record for record in data}


def test_withheld_names_are_null_in_both_builds(builds):
    for root in (builds.public, builds.members):
        meetings = _records(root, "meetings.json")
        people = meetings["lrt/2024-03-01"]["attendees"] + meetings["lrt/2024-03-01"]["absent"]
        withheld = [p for p in people if p["org"] in ("SZW", "COA", "VNG")]
        assert len(withheld) == 3 and all(p["name"] is None for p in withheld), withheld
        roles = {p["role"] for p in withheld if p["org"] == "COA"}
        assert roles == ({None} if root == builds.public else {"secretaris"})
        assert meetings["lrt/2024-01-10"]["attendees"][2] == {"name": None, "org": "VNG",
                                                               "role": None}
    members = _records(builds.members, "meetings.json")[MEMBERS_MEETING]["attendees"]
    assert {"name": None, "org": "VNG", "role": None} in members


def test_numbers_do_not_depend_on_the_audience(builds):
    """The action after a members-only action keeps its number: #A3 public, #A2 absent."""
    public = (builds.public / "lrt/2024-03-01/index.html").read_text(encoding="utf-8")
    members = (builds.members / "lrt/2024-03-01/index.html").read_text(encoding="utf-8")
    for anchor in ("A1", "A3", "D1", "D3"):
        assert f'id="{anchor}"' in public and f'id="{anchor}"' in members
    for anchor in ("A2", "D2"):
        assert f'id="{anchor}"' not in public and f'href="#{anchor}"' not in public
        assert f'id="{anchor}"' in members
    actions = [key for key in _records(builds.public, "actions.json")
               if key.startswith("lrt/2024-03-01")]
    assert actions == ["lrt/2024-03-01#A1", "lrt/2024-03-01#A3"]
    decisions = [key for key in _records(builds.public, "decisions.json")
                 if key.startswith("lrt/2024-03-01")]
    assert decisions == ["lrt/2024-03-01#D1", "lrt/2024-03-01#D3"]
    members_actions = [key for key in _records(builds.members, "actions.json")
                       if key.startswith("lrt/2024-03-01")]
    assert members_actions == [f"lrt/2024-03-01#A{n}" for n in (1, 2, 3)]


def test_members_only_status_lines_do_not_change_the_public_register(builds):
    public, members = _records(builds.public, "actions.json"), _records(builds.members,
                                                                        "actions.json")
    assert public["lrt/2024-01-10#A1"]["status"] == "open"            # closed in a members block
    assert public["lrt/2024-01-10#A1"]["closed_in"] is None
    assert members["lrt/2024-01-10#A1"]["status"] == "done"
    assert members["lrt/2024-01-10#A1"]["closed_in"] == "lrt/2024-03-01"
    assert public["lrt/2024-03-01#A1"]["updates"] == []               # noted in lrt/2024-05-01
    assert [u["meeting"] for u in members["lrt/2024-03-01#A1"]["updates"]] == [MEMBERS_MEETING]
    assert not any(key.startswith(MEMBERS_MEETING) for key in public)


def test_public_build_after_a_members_build_into_the_same_folder_is_clean(tmp_path):
    """Switching --audience with one --output folder, with the cache on, leaves nothing."""
    config = copy_site(tmp_path / "site")
    out = tmp_path / "out"
    build(config, out, audience="members")
    build(config, out, audience="public")
    build(config, out, audience="public")                 # the memo path: nothing to do
    scan = scan_tree(out)
    assert not (out / MEMBERS_MEETING).exists()
    for name, canary in CANARIES.items():
        if name not in KNOWN_LEAKS:
            assert leak_report(scan, canary) == {}, name


def test_a_public_build_made_in_a_spare_that_held_the_members_build_is_clean(tmp_path):
    """The write stage makes each build in the output before last (the spare): after a
    members build and a public one into one folder, the next public build is made where
    the members site was. Nothing of it may stay, in the pages or the search index."""
    config = copy_site(tmp_path / "site")
    out = tmp_path / "out"
    build(config, out, audience="members")
    build(config, out, audience="public")                 # the members site is the spare now
    meeting = config.parent / "content" / "lrt" / "2024-03-01.md"
    meeting.write_text(meeting.read_text() + "\nEen zin erbij.\n")
    build(config, out, audience="public")
    scan = scan_tree(out)
    assert not (out / MEMBERS_MEETING).exists()
    for name, canary in CANARIES.items():
        if name not in KNOWN_LEAKS:
            assert leak_report(scan, canary) == {}, name


def test_command_line_build_defaults_to_the_public_audience(tmp_path):
    config = copy_site(tmp_path / "site")
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--config",
                           str(config)], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    scan = scan_tree(config.parent / "output")
    assert not (config.parent / "output-members").exists()
    for name, canary in CANARIES.items():
        if name not in KNOWN_LEAKS:
            assert leak_report(scan, canary) == {}, name


# --------------------------------------------------------------------------------------------
# 2. raw HTML, links and front matter cannot run script

XSS_MEETING = "board/2024-02-01"
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster",
                  "background", "cite", "longdesc", "ping", "codebase", "dynsrc", "lowsrc",
                  "icon", "manifest", "archive", "classid", "usemap", "srcset", "imagesrcset",
                  "profile", "itemtype", "to", "from", "values"}
NEVER = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal", "style"}
NOT_IN_MINUTES = NEVER | {"script", "form", "input", "button", "textarea", "select", "option",
                          "meta", "link", "svg", "math", "noscript", "template", "isindex",
                          "keygen", "title", "head", "body", "html"}
# Front-matter, heading, label and page-title payloads: shown as text, never as markup.
TEXT_PAYLOADS = [
    "Board <script>alert('title')</script> & <img src=x onerror=alert('title')>",
    '<iframe src="https://evil.example/"></iframe> Room "1" onmouseover=alert(1)',
    "<script>alert('name')</script>",
    "<img src=x onerror=alert('role')>",
    '" onfocus="alert(1)" autofocus x="',
    "<svg onload=alert('absent')>",
    "<script>alert('label')</script>",
    '" onmouseover="alert(1)',
    "Contact <script>alert('nav')</script>",
]


def url_is_dangerous(value: str) -> bool:
    """After HTML-unescaping and removing whitespace and control characters, lower-cased."""
    for _ in range(2):                      # twice: catches a double-escaped scheme as well
        value = html.unescape(value)
    cleaned = re.sub(r"[\x00-\x20\x7f-\x9f\s]", "", value).lower()
    return cleaned.startswith(DANGEROUS_SCHEMES)


class ScriptFinder(HTMLParser):
    """Everything in a page that could run script, or that minutes may not contain."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []
        self.body_depth = 0                 # inside <div class="minutes-body|page-body">
        self.script_open = False
        self.data_block: list[str] | None = None    # the text of a JSON-LD block
        self.elements: Counter = Counter()

    def where(self) -> str:
        return f"line {self.getpos()[0]}"

    def handle_starttag(self, tag, attrs):
        tag = tag.lower()
        names = {name.lower(): value or "" for name, value in attrs}
        classes = names.get("class", "").split()
        if tag == "div" and self.body_depth:
            self.body_depth += 1
        elif tag == "div" and ({"minutes-body", "page-body"} & set(classes)):
            self.body_depth = 1
        if tag in NEVER:
            self.problems.append(f"{self.where()}: <{tag}> element")
        if self.body_depth and tag in NOT_IN_MINUTES:
            self.problems.append(f"{self.where()}: <{tag}> inside the minutes text")
        self.elements[tag] += 1
        if tag == "script" and names.get("type", "").strip().lower() == "application/ld+json":
            self.data_block = []            # JSON-LD: data the browser never runs
        elif tag == "script":
            self.script_open = True
            source = names.get("src", "")
            if not source or re.match(r"^\s*([a-z][a-z0-9+.-]*:|//|\\)", source, re.I):
                self.problems.append(f"{self.where()}: <script> not loaded from the site "
                                     f"itself (src={source!r})")
        if tag == "meta" and "http-equiv" in names:
            self.problems.append(f"{self.where()}: <meta http-equiv={names['http-equiv']!r}>")
        if tag == "link" and "import" in names.get("rel", "").lower():
            self.problems.append(f"{self.where()}: <link rel=import>")
        for name, value in names.items():
            if name.startswith("on"):
                self.problems.append(f"{self.where()}: event handler {name}= on <{tag}>")
            if name == "style":
                self.problems.append(f"{self.where()}: style attribute on <{tag}>")
            if name in URL_ATTRIBUTES:
                urls = [part.strip().split(" ")[0] for part in value.split(",")] \
                    if name.endswith("srcset") else [value]
                if any(url_is_dangerous(url) for url in urls):
                    self.problems.append(f"{self.where()}: {name}={value!r} on <{tag}>")
            if name == "content" and tag == "meta" and re.search(r"url\s*=", value, re.I):
                if url_is_dangerous(re.split(r"url\s*=", value, flags=re.I)[1].strip("'\" ")):
                    self.problems.append(f"{self.where()}: meta refresh to {value!r}")

    def handle_endtag(self, tag):
        if tag.lower() == "div" and self.body_depth:
            self.body_depth -= 1
        if tag.lower() == "script":
            self.script_open = False
            if self.data_block is not None:
                self._check_data_block("".join(self.data_block))
                self.data_block = None

    def _check_data_block(self, text: str) -> None:
        """JSON-LD is JSON whose text can never end the element early or open markup."""
        if "<" in text or "&" in text:
            self.problems.append(f"{self.where()}: markup characters in JSON-LD {text[:40]!r}")
        try:
            json.loads(text)
        except ValueError:
            self.problems.append(f"{self.where()}: JSON-LD that is not JSON {text[:40]!r}")

    def handle_data(self, data):
        if self.data_block is not None:
            self.data_block.append(data)
            return
        if self.script_open and data.strip():
            self.problems.append(f"{self.where()}: inline script {data.strip()[:40]!r}")
        self.text.append(data)

    def handle_comment(self, data):
        if "<" in data or "script" in data.lower():
            self.problems.append(f"{self.where()}: comment holding markup {data[:40]!r}")

    def unknown_decl(self, data):
        self.problems.append(f"{self.where()}: declaration {data[:40]!r}")


def parse_page(path: Path) -> ScriptFinder:
    finder = ScriptFinder()
    finder.feed(path.read_text(encoding="utf-8"))
    finder.close()
    return finder


DIRTY = [
    "<script>alert(1)</script>", "<script src=//evil.example/x.js></script>",
    "<script src='https://evil.example/x.js'></script>", "<SCRIPT>alert(1)</SCRIPT>",
    "<img src=x onerror=alert(1)>", "<body ONLOAD=alert(1)>", '<a href="javascript:alert(1)">',
    '<a href=" JaVa&#x09;ScRiPt:alert(1)">', '<a href="&#106;avascript:alert(1)">',
    '<a href="&amp;#106;avascript:alert(1)">', '<a href="vbscript:x">',
    '<a href="data:text/html,x">', '<img srcset="x 1x, javascript:alert(1) 2x">',
    '<svg><a xlink:href="javascript:alert(1)">x</a></svg>', "<iframe src=x></iframe>",
    "<object data=x></object>", "<embed src=x>", "<base href=x>", "<style>p{}</style>",
    '<p style="color:red">', '<meta http-equiv="refresh" content="0;url=x">',
    "<link rel=import href=x>", '<div class="minutes-body"><form action=x></form></div>',
    '<div class="page-body"><div><svg></svg></div></div>',
    '<div class="minutes-body"><!-- <script>x</script> --></div>',
    '<button formaction="javascript:alert(1)">',
    '<script type="application/ld+json">{"name": "<b>x</b>"}</script>',
    '<script type="application/ld+json">{"a": "</script><script>alert(1)</script>"}</script>',
]
CLEAN = [
    '<p>text &lt;script&gt;alert(1)&lt;/script&gt;</p>', '<a href="https://example.org/">x</a>',
    '<a href="../../lrt/index.html#A1">x</a>', '<img src="x.png" alt="onerror=x">',
    '<link rel="stylesheet" href="assets/notulist.css">', '<meta charset="utf-8">',
    '<div class="minutes-body"><p>x</p></div><form action="search/"></form>',
    '<script src="assets/search.js"></script>', '<a href="mailto:a@example.org">m</a>',
    '<script type="application/ld+json">{"name": "A \\u003c B"}</script>',
]


def _finds(snippet: str) -> list[str]:
    finder = ScriptFinder()
    finder.feed(snippet)
    finder.close()
    return finder.problems


@pytest.mark.parametrize("snippet", DIRTY)
def test_script_finder_catches_each_vector(snippet):
    assert _finds(snippet), snippet


@pytest.mark.parametrize("snippet", CLEAN)
def test_script_finder_lets_safe_markup_pass(snippet):
    assert _finds(snippet) == []


@pytest.mark.parametrize("audience", ["public", "members"])
def test_no_page_can_run_script(builds, audience):
    root = builds.public if audience == "public" else builds.members
    pages = sorted(root.rglob("*.html"))
    assert len(pages) > 20
    problems = []
    for page in pages:
        problems += [f"{page.relative_to(root)}: {p}" for p in parse_page(page).problems]
        raw, finder = page.read_bytes().lower(), parse_page(page)
        for tag in (b"<script", b"<iframe", b"<object", b"<embed", b"<svg", b"<math",
                    b"<form", b"<base", b"<style", b"<frame", b"<applet"):
            # The engine's own scripts (JSON-LD, the search page's) and search form are
            # elements the parser checked above; the raw bytes may hold no other.
            allowed = finder.elements[tag[1:].decode()] if tag in (b"<script", b"<form") else 0
            if raw.count(tag) != allowed:
                problems.append(f"{page.relative_to(root)}: raw {tag.decode()}")
    assert problems == []


@pytest.mark.parametrize("audience", ["public", "members"])
def test_the_xss_corpus_was_rendered_not_dropped(builds, audience):
    """The vectors went through the engine: the markers around them are on the page."""
    root = builds.public if audience == "public" else builds.members
    text = "".join(parse_page(root / XSS_MEETING / "index.html").text)
    for marker in ("XSS-CORPUS-START", "RAW-HTML-END-MARKER", "MD-END-MARKER",
                   "plain javascript link", "md link", "styled paragraph", "handler on safe link"):
        assert marker in text, marker


def test_front_matter_headings_and_labels_come_out_as_text(builds):
    """Hostile values are shown, escaped: the page's text holds them, its markup does not."""
    for root in (builds.public, builds.members):
        pages = sorted(root.rglob("*.html"))
        raw = {page: page.read_text(encoding="utf-8") for page in pages}
        texts = {page: "".join(parse_page(page).text) for page in pages}
        for payload in TEXT_PAYLOADS:
            assert any(payload in text for text in texts.values()), f"not shown: {payload}"
            if "<" in payload:
                unescaped = [str(p.relative_to(root)) for p, data in raw.items()
                             if payload in data]
                assert unescaped == [], f"{payload} is in the HTML unescaped"


def test_data_files_keep_the_text_and_feeds_escape_it(builds):
    meetings = _records(builds.public, "meetings.json")
    meeting = meetings[XSS_MEETING]
    assert meeting["title"] == TEXT_PAYLOADS[0]
    assert meeting["location"] == TEXT_PAYLOADS[1]
    assert meeting["attendees"][0] == {"name": "<script>alert('name')</script>", "org": "JenV",
                                       "role": "<img src=x onerror=alert('role')>"}
    # Raw HTML in a heading or an action is HTML, as on GitHub: sanitised where the text is
    # shown as HTML, and gone from the plain text of titles and actions.
    # (`<img src=x onerror=alert('heading')>` is no HTML tag in CommonMark: a quote in an
    # unquoted attribute value; it stays text, escaped wherever it is shown.)
    assert meeting["items"][1]["title"] == \
        "Markdown vectors alert('heading') <img src=x onerror=alert('heading')>"
    actions = _records(builds.public, "actions.json")
    assert actions[f"{XSS_MEETING}#A1"]["text"] == \
        "alert('action') check the quay <img src=x onerror=alert('action')>."
    atom = "{http://www.w3.org/2005/Atom}"
    for feed in ("feed.xml", "board/feed.xml"):
        tree = ElementTree.parse(builds.public / feed)
        assert not [e for e in tree.iter() if "script" in e.tag.lower()
                    or not e.tag.startswith(atom)]
        titles = [e.findtext(f"{atom}title") for e in tree.iter(f"{atom}entry")
                  if e.findtext(f"{atom}id").endswith(f"{XSS_MEETING}/")]
        assert titles == [TEXT_PAYLOADS[0]]
    for name in ("sitemap.xml",):
        ElementTree.parse(builds.public / name)          # well-formed: nothing broke out


def test_actions_csv_cells_cannot_start_a_spreadsheet_formula(builds):
    import csv
    rows = list(csv.reader(io.StringIO((builds.public / "data/actions.csv")
                                       .read_text(encoding="utf-8-sig"))))
    assert any("HYPERLINK" in cell for row in rows for cell in row)      # the vector is there
    formulas = [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@")]
    assert formulas == []


# --------------------------------------------------------------------------------------------
# 3. file names, anchors, references and config keys cannot reach outside the output folder


def snapshot(root: Path, skip: tuple[Path, ...] = ()) -> dict[str, tuple]:
    """Every file, folder and link under root (not following links), with its content."""
    found = {}
    for top, dirs, files in os.walk(root):
        top_path = Path(top)
        dirs[:] = sorted(d for d in dirs if top_path / d not in skip and d != ".cache")
        for name in sorted(dirs + files):
            path = top_path / name
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                found[str(path.relative_to(root))] = ("link", os.readlink(path))
            elif stat.S_ISDIR(info.st_mode):
                found[str(path.relative_to(root))] = ("dir",)
            else:
                found[str(path.relative_to(root))] = ("file", path.read_bytes())
    return found


def _meeting(date: str, body: str = "") -> str:
    return f"---\ndate: {date}\nattendees:\n  - Anna Voorbeeld (JenV)\n---\n\n{body}\n"


def _write(site: Path, name: str, text: str) -> Path:
    path = site / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _config(site: Path, old: str, new: str) -> Path:
    config = site / "config.toml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new, 1), encoding="utf-8")
    return config


# (id, change to the site, outcome, what the message must mention, text that names the cause)
# outcome: "error" (BuildFailed with a clear problem), "neutral" (built, nothing escapes),
# "either" (one of the two).
TRAVERSALS = [
    ("file ..evil.md", lambda s: _write(s, "content/lrt/..evil.md", _meeting("2024-06-01",
     "## 1. Kwaad\n\nQzdotdotfile")), "neutral", None),
    ("file ％2e％2e.md (fullwidth percent)", lambda s: _write(
        s, "content/lrt/\uff052e\uff052e.md", _meeting("2024-06-01")), "error", "file name"),
    ("file with right-to-left override", lambda s: _write(
        s, "content/lrt/2024-06-01\u202edm.exe.md", _meeting("2024-06-01")), "error",
     "file name"),
    ("file with a fullwidth digit", lambda s: _write(
        s, "content/lrt/2024-06-0\uff11.md", _meeting("2024-06-01")), "error", "file name"),
    ("file with a zero-width space", lambda s: _write(
        s, "content/lrt/2024-06-01\u200b.md", _meeting("2024-06-01")), "error", "file name"),
    ("file with a dot in its id", lambda s: _write(
        s, "content/lrt/2024.06.01.md", _meeting("2024-06-01")), "error", "file name"),
    ("nested folder lrt/sub/", lambda s: _write(
        s, "content/lrt/sub/2024-06-01.md", _meeting("2024-06-01")), "error", "content/<body>"),
    ("folder that is no body", lambda s: _write(
        s, "content/etc/passwd.md", _meeting("2024-06-01")), "error", "content/<body>"),
    ("anchor {#../../x}", lambda s: _write(
        s, "content/lrt/2024-06-01.md", _meeting("2024-06-01", "## 1. Kwaad {#../../x}")),
     "error", "anchor"),
    ("anchor {#..}", lambda s: _write(
        s, "content/lrt/2024-06-01.md", _meeting("2024-06-01", "## 1. Kwaad {#..}")),
     "error", "anchor"),
    ("anchor {#a/b}", lambda s: _write(
        s, "content/lrt/2024-06-01.md", _meeting("2024-06-01", "## 1. Kwaad {#a/b}")),
     "error", "anchor"),
    ("anchor {#%2e%2e}", lambda s: _write(
        s, "content/lrt/2024-06-01.md", _meeting("2024-06-01", "## 1. Kwaad {#%2e%2e}")),
     "error", "anchor"),
    ("anchor with odd unicode", lambda s: _write(
        s, "content/lrt/2024-06-01.md", _meeting("2024-06-01", "## 1. Kwaad {#\u2025\u2215x}")),
     "error", "anchor"),
    ("heading ../../etc/passwd", lambda s: _write(
        s, "content/lrt/2024-06-01.md", _meeting("2024-06-01", "## 1. ../../etc/passwd")),
     "neutral", None),
    ("heading of two dot leaders", lambda s: _write(
        s, "content/lrt/2024-06-01.md", _meeting("2024-06-01", "## 1. \u2025")),
     "either", "agenda item"),
    ("reference [[../../etc/passwd]]", lambda s: _write(
        s, "content/lrt/2024-06-01.md", _meeting("2024-06-01", "[[../../etc/passwd]]")),
     "error", "[[../../etc/passwd]]"),
    ("reference [[lrt/../x]]", lambda s: _write(
        s, "content/lrt/2024-06-01.md", _meeting("2024-06-01", "[[lrt/../x]]")),
     "error", "[[lrt/../x]]"),
    ("reference [[topic:../../x]]", lambda s: _write(
        s, "content/lrt/2024-06-01.md", _meeting("2024-06-01", "[[topic:../../x]]")),
     "error", "[[topic:../../x]]"),
    ("reference [[2024-01-10#../../x]]", lambda s: _write(
        s, "content/lrt/2024-06-01.md", _meeting("2024-06-01", "[[2024-01-10#../../x]]")),
     "error", "[[2024-01-10#../../x]]"),
    ("reference [[%2e%2e/x]]", lambda s: _write(
        s, "content/lrt/2024-06-01.md", _meeting("2024-06-01", "[[%2e%2e/x]]")),
     "error", "[[%2e%2e/x]]"),
    ("approves: ../../x", lambda s: _write(
        s, "content/lrt/2024-06-01.md", "---\ndate: 2024-06-01\napproves: ../../x\n---\n"),
     "error", "approves"),
    ('body key "../x"', lambda s: _config(
        s, "[bodies.board]", '[bodies."../x"]\nname = "Kwaad"\n\n[bodies.board]'),
     "error", "body key"),
    ('body key ".."', lambda s: _config(
        s, "[bodies.board]", '[bodies.".."]\nname = "Kwaad"\n\n[bodies.board]'),
     "error", "body key"),
    ('body key "assets" (reserved)', lambda s: _config(
        s, "[bodies.board]", '[bodies.assets]\nname = "Kwaad"\n\n[bodies.board]'),
     "error", "body key"),
    ('organisation code "../x"', lambda s: _config(
        s, "[organisations]\n", '[organisations]\n"../x" = "Kwaad"\n'),
     "error", "organisation code"),
    ('organisation code ".."', lambda s: _config(
        s, "[organisations]\n", '[organisations]\n".." = "Kwaad"\n'),
     "error", "organisation code"),
    ("page content/pages/..md", lambda s: _write(
        s, "content/pages/..md", "---\ntitle: Kwaad\n---\n\nQzdotdotpage\n"), "neutral", None),
    ("page that takes a reserved URL", lambda s: _write(
        s, "content/pages/assets.md", "---\ntitle: Kwaad\n---\n"), "error", "collides"),
    ("page that takes a body's URL", lambda s: _write(
        s, "content/pages/lrt.md", "---\ntitle: Kwaad\n---\n"), "error", "collides"),
    ("static file with backslashes", lambda s: _write(
        s, "static/a\\..\\..\\evil.txt", "kwaad"), "error", "a\\..\\..\\evil.txt"),
    ("static file over generated data", lambda s: _write(
        s, "static/data/meetings.json", "[]"), "error", "data/meetings.json"),
    ("static file over a generated page", lambda s: _write(
        s, "static/lrt/2024-03-01/index.html", "kwaad"), "error", "lrt/2024-03-01/index.html"),
]


@pytest.mark.parametrize("change,outcome,mention",
                         [pytest.param(c, o, m, id=i) for i, c, o, m in TRAVERSALS])
def test_traversal_attempt_fails_clearly_or_is_neutralised(tmp_path, change, outcome, mention):
    work = tmp_path / "a" / "b" / "c"           # deep: a `../../..` escape stays in tmp_path
    config = copy_site(work / "site")
    out = work / "out"
    build(config, out, cache=False)                         # a previous, good output
    changed = change(config.parent)
    before = snapshot(tmp_path)
    try:
        build(config, out, cache=False)
    except BuildFailed as failed:
        assert outcome in ("error", "either"), [p.format() for p in failed.problems]
        errors = [p for p in failed.problems if not p.warning]
        assert errors
        for problem in errors:                              # path:line: what is wrong, the fix
            assert re.match(r"^.+:\d+: \S", problem.format()), problem.format()
            assert TELLS_THE_FIX.search(problem.message), problem.format()
        assert any(mention in p.format() for p in errors), [p.format() for p in errors]
        assert any(Path(p.path).resolve() == changed.resolve() or changed.name in p.message
                   for p in errors), f"no problem names {changed}"
        assert snapshot(tmp_path) == before                 # previous output untouched too
    else:
        assert outcome in ("neutral", "either"), f"built, but expected an error: {mention}"
        unchanged = {k: v for k, v in before.items() if not _under(k, tmp_path, out)}
        assert snapshot(tmp_path, skip=(out,)) == unchanged     # all changes are inside out/
        for path in out.rglob("*"):
            relative = path.relative_to(out).as_posix()
            assert ".." not in relative.split("/") and "\\" not in relative
            assert re.match(r"^[A-Za-z0-9._/-]+$", relative), relative
        assert files_with(scan_tree(out), "qzdotdot") == []    # hidden files are not read


TELLS_THE_FIX = re.compile(r" — \S|\blike\b|\b(?:use|write|add|remove|rename|check|copy|"
                           r"give|close|create|shorten|move)\b")


def _under(key: str, root: Path, folder: Path) -> bool:
    relative = str(folder.relative_to(root))
    return key == relative or key.startswith(relative + os.sep)


def test_traversal_errors_reach_the_command_line_as_path_line_message(tmp_path):
    config = copy_site(tmp_path / "site")
    _write(config.parent, "content/lrt/2024-06-01.md",
           _meeting("2024-06-01", "## 1. Kwaad {#../../x}\n\n[[../../etc/passwd]]"))
    for command in (["check"], ["build", "--output", str(tmp_path / "out")]):
        done = subprocess.run([sys.executable, str(REPO / "build.py"), *command, "--config",
                               str(config)], cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        lines = [line for line in done.stderr.splitlines() if "2024-06-01.md" in line]
        assert any(re.match(r"^.*2024-06-01\.md:\d+: .*anchor", line) for line in lines)
        assert any(re.match(r"^.*2024-06-01\.md:\d+: .*\[\[\.\./\.\./etc/passwd\]\]", line)
                   for line in lines)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("target", ["site", "content", "parent"])
def test_output_folder_that_holds_the_sources_is_refused(tmp_path, target):
    config = copy_site(tmp_path / "parent" / "site")
    site = config.parent
    output = {"site": site, "content": site / "content", "parent": site.parent}[target]
    sources = snapshot(site / "content")
    try:
        build(config, output, cache=False)
    except BuildFailed:
        pass
    assert config.is_file() and snapshot(site / "content") == sources


def test_safe_path_accepts_plain_relative_paths():
    assert str(safe_path("lrt/2024-03-01/index.html")) == "lrt/2024-03-01/index.html"
    assert str(safe_path("feed.xml")) == "feed.xml"


@pytest.mark.parametrize("path", ["../x", "/abs", "a/../b", "a\\b", "", "a//b", ".", "..",
                                  "a/./b", "a/", "/", "a/..", "a\x00b", "..\\x", "./x",
                                  "//server/share"])
def test_safe_path_refuses_paths_that_could_leave_the_output(path):
    with pytest.raises(UnsafePath):
        safe_path(path)


# --------------------------------------------------------------------------------------------
# 3b. odd Unicode that mimics the engine's own placeholders


@pytest.mark.parametrize("where,text", [
    ("meeting", "Tekst &#xfdd0;A7&#xfdd1; met een nagemaakte actie."),
    ("meeting", "Tekst &#xFDD0;R9&#xFDD1; met een nagemaakte verwijzing."),
    ("meeting", "Tekst &#64976;M3&#64977; met een nagemaakt ledenblok."),
    ("page", "Tekst &#xfdd0;A0&#xfdd1; in een vrije pagina."),
    ("meeting", "Tekst \ufdd0A7\ufdd1 met letterlijke tekens."),     # the load stage replaces
    ("page", "Tekst \ufdd0R0\ufdd1 met letterlijke tekens."),
])
def test_character_references_cannot_forge_placeholders(tmp_path, where, text):
    config = copy_site(tmp_path / "site")
    name = "content/pages/nep.md" if where == "page" else "content/lrt/2024-06-01.md"
    header = "---\ntitle: Nep\n---\n" if where == "page" else "---\ndate: 2024-06-01\n---\n"
    _write(config.parent, name, f"{header}\n{text}\n")
    out = tmp_path / "out"
    try:
        build(config, out, cache=False)
    except BuildFailed as failed:
        assert all(re.match(r"^.+:\d+: ", p.format()) for p in failed.problems)
        return
    for path, texts in scan_tree(out):
        if re.match(r"pagefind/[^/]+/wasm\.", path):
            continue                        # Pagefind's program, the same for every site
        assert not any("\ufdd0" in t or "\ufdd1" in t for t in texts), path


# --------------------------------------------------------------------------------------------
# 4. symlinks


@pytest.fixture
def linked_site(tmp_path):
    """A site copy and, beside it (outside the site folder), files it must never publish."""
    config = copy_site(tmp_path / "site")
    outside = tmp_path / "outside"
    _write(outside, "secret.md", _meeting("2024-06-01", "## 1. Buiten\n\nQzoutsidefile"))
    _write(outside, "lrt/2024-06-02.md", _meeting("2024-06-02", "## 1. Buiten\n\nQzoutsidedir"))
    _write(outside, "static/passwd.txt", "Qzoutsidestatic")
    return config, outside


def _published(out: Path) -> list[str]:
    return files_with(scan_tree(out), "qzoutside") if out.exists() else []


def test_content_symlink_to_a_file_outside_is_refused(linked_site, tmp_path):
    config, outside = linked_site
    link = config.parent / "content/lrt/2024-06-01.md"
    link.symlink_to(outside / "secret.md")
    with pytest.raises(BuildFailed) as failed:
        build(config, tmp_path / "out", cache=False)
    problems = [p for p in failed.value.problems if not p.warning]
    assert [Path(p.path).name for p in problems] == ["2024-06-01.md"]
    assert "symlink" in problems[0].message and "outside" in problems[0].message
    assert re.match(r"^.*content/lrt/2024-06-01\.md:1: .+ — .+", problems[0].format())
    assert _published(tmp_path / "out") == []


def test_content_symlink_through_a_link_inside_to_outside_is_refused(linked_site, tmp_path):
    config, outside = linked_site
    (config.parent / "hop.md").symlink_to(outside / "secret.md")
    (config.parent / "content/lrt/2024-06-01.md").symlink_to(config.parent / "hop.md")
    with pytest.raises(BuildFailed) as failed:
        build(config, tmp_path / "out", cache=False)
    assert any("symlink" in p.message and p.path.endswith("2024-06-01.md")
               for p in failed.value.problems)


def test_relative_content_symlink_escaping_with_dotdot_is_refused(linked_site, tmp_path):
    config, _ = linked_site
    (config.parent / "content/lrt/2024-06-01.md").symlink_to("../../../outside/secret.md")
    with pytest.raises(BuildFailed) as failed:
        build(config, tmp_path / "out", cache=False)
    assert any("symlink" in p.message for p in failed.value.problems)


def test_dangling_content_symlink_is_an_error_not_a_traceback(linked_site, tmp_path):
    config, _ = linked_site
    (config.parent / "content/lrt/2024-06-01.md").symlink_to(tmp_path / "nowhere.md")
    with pytest.raises(BuildFailed) as failed:
        build(config, tmp_path / "out", cache=False)
    assert any(p.path.endswith("2024-06-01.md") for p in failed.value.problems)


def test_content_symlink_inside_the_site_folder_is_accepted(linked_site, tmp_path):
    config, _ = linked_site
    _write(config.parent, "drafts/real.md", _meeting("2024-06-01", "## 1. Binnen\n\nQzinsidelink"))
    (config.parent / "content/lrt/2024-06-01.md").symlink_to("../../drafts/real.md")
    build(config, tmp_path / "out", cache=False)
    page = tmp_path / "out/lrt/2024-06-01/index.html"
    assert "Qzinsidelink" in page.read_text(encoding="utf-8")


def test_static_symlink_to_a_file_outside_is_refused(linked_site, tmp_path):
    config, outside = linked_site
    (config.parent / "static").mkdir()
    (config.parent / "static/passwd.txt").symlink_to(outside / "static/passwd.txt")
    with pytest.raises(BuildFailed) as failed:
        build(config, tmp_path / "out", cache=False)
    problems = [p for p in failed.value.problems if not p.warning]
    assert [Path(p.path).name for p in problems] == ["passwd.txt"]
    assert "symlink" in problems[0].message
    assert _published(tmp_path / "out") == []


def test_static_symlink_inside_the_site_folder_is_accepted(linked_site, tmp_path):
    config, _ = linked_site
    _write(config.parent, "assets-src/logo.txt", "Qzinsidestatic")
    (config.parent / "static").mkdir()
    (config.parent / "static/logo.txt").symlink_to(config.parent / "assets-src/logo.txt")
    build(config, tmp_path / "out", cache=False)
    assert (tmp_path / "out/logo.txt").read_text() == "Qzinsidestatic"


def _extra_body(config: Path) -> None:
    _config(config.parent, "[bodies.board]", '[bodies.extra]\nname = "Extra"\n\n[bodies.board]')


@pytest.mark.parametrize("folder", ["content/extra", "static/sub"])
def test_symlinked_folder_to_outside_is_never_published(linked_site, tmp_path, folder):
    config, outside = linked_site
    _extra_body(config)
    link = config.parent / folder
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside / ("lrt" if folder.startswith("content") else "static"),
                    target_is_directory=True)
    try:
        build(config, tmp_path / "out", cache=False)
    except BuildFailed as failed:
        assert any("symlink" in p.message for p in failed.problems)
    else:
        assert (tmp_path / "out/index.html").is_file()       # the rest of the site was built
    assert _published(tmp_path / "out") == []


def test_symlinked_body_folder_to_outside_is_refused_with_an_error(linked_site, tmp_path):
    config, outside = linked_site
    _extra_body(config)
    (config.parent / "content/extra").symlink_to(outside / "lrt", target_is_directory=True)
    with pytest.raises(BuildFailed) as failed:
        build(config, tmp_path / "out", cache=False)
    assert any("symlink" in p.message and p.path.endswith("extra")
               for p in failed.value.problems)


@pytest.mark.parametrize("folder", ["static", "content"])
def test_symlinked_static_or_content_folder_to_outside_is_refused(linked_site, tmp_path,
                                                                  folder):
    config, outside = linked_site
    link = config.parent / folder
    if folder == "content":
        shutil.copytree(link, outside / "content")
        _write(outside, "content/lrt/2024-06-02.md",
               _meeting("2024-06-02", "## 1. Buiten\n\nQzoutsidedir"))
        shutil.rmtree(link)
        link.symlink_to(outside / "content", target_is_directory=True)
    else:
        link.symlink_to(outside / "static", target_is_directory=True)
    with pytest.raises(BuildFailed) as failed:
        build(config, tmp_path / "out", cache=False)
    assert any("symlink" in p.message for p in failed.value.problems)
    assert _published(tmp_path / "out") == []


# --------------------------------------------------------------------------------------------
# 5. the development server serves the output folder and nothing else


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Path:
    """A built site next to its sources, with a symlink in the output to a secret folder."""
    root = tmp_path_factory.mktemp("serve")
    config = copy_site(root / "site")
    out = root / "out"
    build(config, out, cache=False)
    _write(root, "secret/secret.txt", "Qzserveleak")
    (out / "leak").symlink_to(root / "secret", target_is_directory=True)
    return out


def test_serve_still_serves_the_site(served):
    pytest.importorskip("watchdog")
    from notulist.serve import find
    found = find(served, "/lrt/2024-03-01/")
    assert isinstance(found, tuple) and b"Openbare inleiding" in found[1]
    assert find(served, "/lrt/2024-03-01") == "/lrt/2024-03-01/"


@pytest.mark.parametrize("url", [
    "/../site/config.toml", "/%2e%2e/site/config.toml", "/%2E%2E/site/config.toml",
    "/..%2fsite%2fconfig.toml", "/..%5csite%5cconfig.toml", "/%252e%252e/site/config.toml",
    "/lrt/../../site/config.toml", "//site/config.toml", "/..;/site/config.toml",
    "/.%2e/site/config.toml", "/%2e%2e%2f%2e%2e%2fsite%2fconfig.toml", "/leak/secret.txt",
    "/leak", "/%00/../site/config.toml", "/\u2025/site/config.toml",
])
def test_serve_finds_nothing_outside_the_output_folder(served, url):
    pytest.importorskip("watchdog")
    from notulist.serve import find
    out = served
    found = find(out, url)
    if isinstance(found, tuple):
        target = Path(found[0]).resolve()
        assert target.is_relative_to(out.resolve()), target
        assert b"Qzserveleak" not in found[1]
    elif isinstance(found, str):                       # a redirect: to a path on this site
        assert found.startswith("/") and not found.startswith("//"), found
