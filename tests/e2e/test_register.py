"""The actions and decisions register across meetings and bodies.

tests/register_site/ is a small fictional archive: a Harbour Board (English) and a Regionale
Waterraad (Dutch). Actions are raised with every owner form, updated, closed (once in the other
body, once only in a members-only meeting), dropped, left open (some overdue, one without a due
date); decisions are taken in both languages; one action, one decision and one status line
stand inside a `::: members` block. Every expected value below was written by hand from the
minutes in that folder, not copied from engine output.

Newest meeting in the archive (both audiences): raad/2024-06-26 — "overdue" means a due date
before 26 June 2024. All due dates are long past on the clock, so an engine that judged
overdue against today would mark every open action overdue.
"""
from __future__ import annotations

import csv
import io
import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from notulist import build

SITE = Path(__file__).parent / "register_site"
BASE = "https://example.org/minutes/"
AUDIENCES = ("public", "members")


# --------------------------------------------------------------------------- HTML helper

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class Node:
    """An element of a parsed page: tag, attributes, children (nodes and strings)."""

    def __init__(self, tag: str, attrs, parent: "Node | None"):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children: list = []

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def iter(self):
        """This node and every element below it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs) -> list["Node"]:
        return [n for n in self.iter() if (tag is None or n.tag == tag)
                and (cls is None or cls in n.classes)
                and all(n.attrs.get(k) == v for k, v in attrs.items())]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs) -> "Node":
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag or '*'}> class={cls!r} {attrs} in <{self.tag}>"
        return found[0]

    def text(self) -> str:
        parts = []

        def collect(node):
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                elif child.tag == "br":
                    parts.append(" ")
                else:
                    collect(child)
        collect(self)
        return " ".join("".join(parts).split())

    def links(self) -> list[tuple[str, str]]:
        """(href, text) of every link below this node."""
        return [(a.attrs.get("href"), a.text()) for a in self.find_all("a") if "href" in a.attrs]

    def ancestor(self, tag: str) -> "Node | None":
        node = self.parent
        while node is not None and node.tag != tag:
            node = node.parent
        return node


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", [], None)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse_html(text: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


# --------------------------------------------------------------------------- the builds

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Both audiences, built from a copy so nothing is ever written into tests/."""
    root = tmp_path_factory.mktemp("register")
    site = root / "site"
    shutil.copytree(SITE, site)
    results = {}
    for audience in AUDIENCES:
        output = root / f"output-{audience}"
        results[audience] = (output, build(site / "config.toml", output, audience=audience,
                                           cache=False))
    return results


@pytest.fixture(params=AUDIENCES)
def audience(request):
    return request.param


def output_of(built, audience: str) -> Path:
    return built[audience][0]


def page(built, audience: str, path: str) -> Node:
    """The parsed page at site path `path` (like "actions/" or "board/2024-01-10/")."""
    file = output_of(built, audience) / path / "index.html"
    assert file.is_file(), f"{audience} build has no {path}index.html"
    return parse_html(file.read_text(encoding="utf-8"))


def data(built, audience: str, name: str):
    return json.loads((output_of(built, audience) / "data" / name).read_text(encoding="utf-8"))


def follow(built, audience: str, page_path: str, href: str) -> Node:
    """The element a relative link from `page_path` points to; fails if file or anchor is missing."""
    assert not href.startswith(("/", "http")), f"{href} is not a relative link"
    path, _, fragment = href.partition("#")
    assert path.endswith("index.html"), f"{href} does not end in index.html"
    target = (output_of(built, audience) / page_path / path).resolve()
    assert target.is_file(), f"{href} from /{page_path} points to a missing file"
    tree = parse_html(target.read_text(encoding="utf-8"))
    if not fragment:
        return tree
    found = tree.find_all(id=fragment)
    assert len(found) == 1, f"{href} from /{page_path}: anchor #{fragment} found {len(found)}x"
    return found[0]


# --------------------------------------------------------------------------- expected register

def org(code):
    return {"name": None, "org": code}


def person(name, code):
    return {"name": name, "org": code}


def action(id, item, owners, text, due, status="open", closed_in=None, updates=()):
    meeting, _, number = id.partition("#")
    return {
        "id": id, "meeting": meeting, "item": item, "owners": owners, "text": text, "due": due,
        "status": status, "closed_in": closed_in,
        "updates": [{"meeting": m, "status": s, "text": t} for m, s, t in updates],
        "url": f"{BASE}{meeting}/#{number}",
    }


# The members edition: the whole archive.
MEMBERS_ACTIONS = [
    # board/2024-01-10
    action("board/2024-01-10#A1", "budget", [org("FIN")],
           "FIN prepares the quarterly budget report, due 2024-02-28.", "2024-02-28",
           "done", "raad/2024-04-10",        # closed in the OTHER body
           [("board/2024-03-06", "update", "a draft report was circulated."),
            ("raad/2024-04-10", "done", "het kwartaalrapport is ontvangen.")]),
    action("board/2024-01-10#A2", "budget", [person("Ann Smith", "FIN")],
           "Ann Smith to draft the procurement policy before 2024-04-30.", "2024-04-30",
           "done", "board/2024-05-15",       # closed only by the members-only meeting
           [("board/2024-03-06", "update", "the first draft is ready."),
            ("board/2024-05-15", "done", "the procurement policy was ratified.")]),
    action("board/2024-01-10#A3", "staffing", [person("Bob Jones", "OPS")],
           "map the vacancies in operations, deadline 2024-03-01.", "2024-03-01",
           "dropped", "board/2024-03-06",
           [("board/2024-03-06", "dropped", "superseded by the duty rota.")]),
    action("board/2024-01-10#A4", "staffing", [org("OPS"), org("HR")],
           "OPS and HR publish the duty rota, due 2024-06-01.", "2024-06-01", "open", None,
           [("board/2024-03-06", "update", "the works council was consulted."),   # members block
            ("board/2024-06-19", "update", "rota drafted, awaiting HR.")]),
    action("board/2024-01-10#A5", "staffing", [org("GemA"), org("HR")],
           "align the onboarding process.", None),                              # no due date
    # board/2024-03-06
    action("board/2024-03-06#A1", "budget", [org("FIN"), org("OPS")],
           "FIN & OPS draft the investment plan, deadline 2024-04-15.", "2024-04-15", "open",
           None, [("board/2024-06-19", "update", "the plan is with the auditors.")]),
    action("board/2024-03-06#A2", "budget", [org("HR")],                         # members block
           "HR prepares the reorganisation plan, due 2024-04-01.", "2024-04-01"),
    action("board/2024-03-06#A3", "budget", [org("WSB")],
           "report on the dyke inspection, due 2024-05-01.", "2024-05-01", "done",
           "board/2024-06-19",
           [("board/2024-06-19", "done", "the inspection report was received.")]),
    # board/2024-05-15 (audience: members)
    action("board/2024-05-15#A1", "procurement", [org("HR")],
           "HR trains the buyers, due 2024-06-30.", "2024-06-30"),
    # board/2024-06-19
    action("board/2024-06-19#A1", "aob", [person("Bob Jones", "OPS"), org("FIN")],
           "Bob Jones and FIN to review the insurance contracts, due 2024-09-30.",
           "2024-09-30"),
    # raad/2024-01-24
    action("raad/2024-01-24#A1", "water", [org("GemA"), org("PrvN")],
           "GemA en PrvN stellen een gezamenlijke dijkvisie op, uiterlijk 2024-05-01.",
           "2024-05-01", "open", None,
           [("raad/2024-04-10", "update", "eerste concept besproken."),
            ("raad/2024-06-26", "update", "de visie is bijna gereed.")]),
    action("raad/2024-01-24#A2", "water", [person("Petra Bakker", "PrvN")],
           "agendeert het subsidiebesluit, deadline 2024-03-15.", "2024-03-15", "dropped",
           "raad/2024-04-10",
           [("raad/2024-04-10", "dropped", "het subsidiebesluit is al genomen.")]),
    action("raad/2024-01-24#A3", "water", [org("WSB"), org("GemA"), org("PrvN")],
           "WSB, GemA en PrvN inventariseren de knelpunten, uiterlijk 2024-09-01.",
           "2024-09-01"),
    # raad/2024-04-10
    action("raad/2024-04-10#A1", "water", [person("Jan de Vries", "GemA")],
           "Jan de Vries stuurt de dijkvisie naar de Staten, uiterlijk 2024-05-20.",
           "2024-05-20", "done", "raad/2024-06-26",
           [("raad/2024-06-26", "done", "de dijkvisie is verstuurd.")]),
    # raad/2024-06-26
    action("raad/2024-06-26#A1", "voortgang", [org("FIN")],
           "levert de begrotingscijfers aan, uiterlijk 2024-08-01.", "2024-08-01"),
]

MEMBERS_ONLY_ACTIONS = {"board/2024-03-06#A2", "board/2024-05-15#A1"}


def _public_actions():
    public = []
    for entry in MEMBERS_ACTIONS:
        if entry["id"] in MEMBERS_ONLY_ACTIONS:
            continue
        entry = dict(entry)
        if entry["id"] == "board/2024-01-10#A2":    # its Done: is in a members-only meeting
            entry.update(status="open", closed_in=None,
                         updates=[{"meeting": "board/2024-03-06", "status": "update",
                                   "text": "the first draft is ready."}])
        if entry["id"] == "board/2024-01-10#A4":    # its first Update: is in a members block
            entry.update(updates=[{"meeting": "board/2024-06-19", "status": "update",
                                   "text": "rota drafted, awaiting HR."}])
        public.append(entry)
    return public


EXPECTED_ACTIONS = {"members": MEMBERS_ACTIONS, "public": _public_actions()}

PUBLIC_IDS = [
    "board/2024-01-10#A1", "board/2024-01-10#A2", "board/2024-01-10#A3", "board/2024-01-10#A4",
    "board/2024-01-10#A5", "board/2024-03-06#A1", "board/2024-03-06#A3", "board/2024-06-19#A1",
    "raad/2024-01-24#A1", "raad/2024-01-24#A2", "raad/2024-01-24#A3", "raad/2024-04-10#A1",
    "raad/2024-06-26#A1",
]
MEMBERS_IDS = [
    "board/2024-01-10#A1", "board/2024-01-10#A2", "board/2024-01-10#A3", "board/2024-01-10#A4",
    "board/2024-01-10#A5", "board/2024-03-06#A1", "board/2024-03-06#A2", "board/2024-03-06#A3",
    "board/2024-05-15#A1", "board/2024-06-19#A1",
    "raad/2024-01-24#A1", "raad/2024-01-24#A2", "raad/2024-01-24#A3", "raad/2024-04-10#A1",
    "raad/2024-06-26#A1",
]
EXPECTED_IDS = {"public": PUBLIC_IDS, "members": MEMBERS_IDS}


def decision(id, item, text):
    meeting, _, number = id.partition("#")
    return {"id": id, "meeting": meeting, "item": item, "text": text,
            "url": f"{BASE}{meeting}/#{number}"}


MEMBERS_DECISIONS = [
    decision("board/2024-01-10#D1", "opening", "the board adopts the 2024 work plan."),
    decision("board/2024-01-10#D2", "budget", "the reserve is capped at ten percent."),
    decision("board/2024-03-06#D1", "budget",                                   # members block
             "the board agrees to the reorganisation in principle."),
    decision("board/2024-03-06#D2", "budget", "the investment plan is drafted jointly."),
    decision("board/2024-05-15#D1", "procurement",                             # members meeting
             "the ratified policy takes effect on 1 July."),
    decision("board/2024-06-19#D1", "aob", "the insurance review is funded."),
    decision("raad/2024-01-24#D1", "opening", "de raad stemt in met de vergaderplanning 2024."),
    decision("raad/2024-01-24#D2", "water", "het dijkbudget wordt met vijf procent verhoogd."),
    decision("raad/2024-04-10#D1", "water", "de dijkvisie wordt openbaar gemaakt."),
    decision("raad/2024-06-26#D1", "voortgang", "de raad vergadert voortaan digitaal."),
]
MEMBERS_ONLY_DECISIONS = {"board/2024-03-06#D1", "board/2024-05-15#D1"}
EXPECTED_DECISIONS = {
    "members": MEMBERS_DECISIONS,
    "public": [d for d in MEMBERS_DECISIONS if d["id"] not in MEMBERS_ONLY_DECISIONS],
}

# Text that occurs only in members-only places (block in board/2024-03-06, meeting 2024-05-15).
MEMBERS_ONLY_WORDS = ("reorganisation", "works council", "ratified", "buyers", "Confidential",
                      "Procurement")


# --------------------------------------------------------------------------- the builds succeed

def test_the_archive_builds_without_warnings(built, audience):
    result = built[audience][1]
    assert [str(p) for p in result.problems] == []


# --------------------------------------------------------------------------- actions.json

def test_actions_json_lists_exactly_the_expected_ids_in_order(built, audience):
    assert [a["id"] for a in data(built, audience, "actions.json")] == EXPECTED_IDS[audience]


def test_actions_json_records_are_exact(built, audience):
    got = {a["id"]: a for a in data(built, audience, "actions.json")}
    for expected in EXPECTED_ACTIONS[audience]:
        assert got[expected["id"]] == expected, expected["id"]
    assert len(got) == len(EXPECTED_ACTIONS[audience])


@pytest.mark.parametrize("field", ["owners", "due", "status", "closed_in", "item", "url"])
def test_actions_json_field_by_field(built, audience, field):
    """The same facts as above, one field at a time, so a failure names what is wrong."""
    got = {a["id"]: a[field] for a in data(built, audience, "actions.json")}
    assert got == {a["id"]: a[field] for a in EXPECTED_ACTIONS[audience]}


def test_actions_json_updates_meeting_and_status(built, audience):
    got = {a["id"]: [(u["meeting"], u["status"]) for u in a["updates"]]
           for a in data(built, audience, "actions.json")}
    assert got == {a["id"]: [(u["meeting"], u["status"]) for u in a["updates"]]
                   for a in EXPECTED_ACTIONS[audience]}


def test_actions_json_has_exactly_the_spec_fields(built, audience):
    fields = {"id", "meeting", "item", "owners", "text", "due", "status", "closed_in",
              "updates", "url"}
    for record in data(built, audience, "actions.json"):
        assert set(record) == fields, record["id"]
        assert all(set(o) == {"name", "org"} for o in record["owners"])
        assert all(set(u) == {"meeting", "status", "text"} for u in record["updates"])


# --------------------------------------------------------------------------- decisions.json

def test_decisions_json_is_exact(built, audience):
    assert data(built, audience, "decisions.json") == EXPECTED_DECISIONS[audience]


# --------------------------------------------------------------------------- meetings.json

def attendee(name, code, role=None):
    return {"name": name, "org": code, "role": role}


ATTENDEES = {
    "board/2024-01-10": [attendee("Ann Smith", "FIN"), attendee("Bob Jones", "OPS"),
                         attendee("Carla Diaz", "HR", "chair"), attendee(None, "GemA")],
    "board/2024-03-06": [attendee("Ann Smith", "FIN"), attendee("Bob Jones", "OPS"),
                         attendee("Carla Diaz", "HR", "chair"), attendee("Erik Berg", "WSB")],
    "board/2024-05-15": [attendee("Ann Smith", "FIN"), attendee("Carla Diaz", "HR", "chair")],
    "board/2024-06-19": [attendee("Ann Smith", "FIN"), attendee("Bob Jones", "OPS"),
                         attendee(None, "HR")],
    "raad/2024-01-24": [attendee("Jan de Vries", "GemA", "voorzitter"),
                        attendee("Petra Bakker", "PrvN"), attendee(None, "WSB")],
    "raad/2024-04-10": [attendee("Jan de Vries", "GemA", "voorzitter"),
                        attendee("Petra Bakker", "PrvN"), attendee("Ann Smith", "FIN")],
    "raad/2024-06-26": [attendee("Jan de Vries", "GemA", "voorzitter"),
                        attendee("Petra Bakker", "PrvN"), attendee(None, "WSB")],
}
ITEMS = {
    "board/2024-01-10": [("1", "opening", "Opening"), ("2", "budget", "Budget"),
                         ("3", "staffing", "Staffing")],
    "board/2024-03-06": [("1", "minutes", "Minutes"), ("2", "budget", "Budget")],
    "board/2024-05-15": [("1", "procurement", "Procurement")],
    "board/2024-06-19": [("1", "progress", "Progress"), ("2", "aob", "Any other business")],
    "raad/2024-01-24": [("1", "opening", "Opening"), ("2", "water", "Waterveiligheid")],
    "raad/2024-04-10": [("1", "mededelingen", "Mededelingen"), ("2", "water", "Waterveiligheid")],
    "raad/2024-06-26": [("1", "voortgang", "Voortgang")],
}
APPROVED_IN = {
    "members": {"board/2024-01-10": "board/2024-03-06", "board/2024-03-06": "board/2024-05-15",
                "board/2024-05-15": "board/2024-06-19", "board/2024-06-19": None,
                "raad/2024-01-24": "raad/2024-04-10", "raad/2024-04-10": "raad/2024-06-26",
                "raad/2024-06-26": None},
    # board/2024-03-06 was approved in the members-only meeting: the public sees its key only
    "public": {"board/2024-01-10": "board/2024-03-06", "board/2024-03-06": "board/2024-05-15",
               "board/2024-06-19": None,
               "raad/2024-01-24": "raad/2024-04-10", "raad/2024-04-10": "raad/2024-06-26",
               "raad/2024-06-26": None},
}


def test_meetings_json_keys_approvals_attendees_items(built, audience):
    meetings = data(built, audience, "meetings.json")
    assert [m["key"] for m in meetings] == list(APPROVED_IN[audience])
    for m in meetings:
        key = m["key"]
        body, _, id_ = key.partition("/")
        assert (m["body"], m["id"], m["date"]) == (body, id_, id_), key
        assert m["url"] == f"{BASE}{key}/", key
        assert m["approved_in"] == APPROVED_IN[audience][key], key
        assert m["attendees"] == ATTENDEES[key], key
        assert [(i["number"], i["anchor"], i["title"]) for i in m["items"]] == ITEMS[key], key
        assert m["status"] == "final", key
        assert {"key", "body", "id", "date", "time", "location", "title", "status",
                "approved_in", "attendees", "items", "url"} <= set(m), key


def test_withheld_attendee_names_are_null(built, audience):
    withheld = [(m["key"], a["org"]) for m in data(built, audience, "meetings.json")
                for a in m["attendees"] if a["name"] is None]
    assert withheld == [("board/2024-01-10", "GemA"), ("board/2024-06-19", "HR"),
                        ("raad/2024-01-24", "WSB"), ("raad/2024-06-26", "WSB")]


# --------------------------------------------------------------------------- public vs members

def test_numbers_do_not_depend_on_the_audience(built):
    public = {a["id"]: a for a in data(built, "public", "actions.json")}
    members = {a["id"]: a for a in data(built, "members", "actions.json")}
    assert set(public) < set(members)
    assert set(members) - set(public) == MEMBERS_ONLY_ACTIONS
    for key, record in public.items():            # same number, same action
        assert (record["text"], record["owners"], record["due"]) == \
            (members[key]["text"], members[key]["owners"], members[key]["due"]), key
    # the action after the members-only A2 keeps its number A3 in the public build
    assert public["board/2024-03-06#A3"]["text"] == \
        "report on the dyke inspection, due 2024-05-01."
    assert "board/2024-03-06#A2" not in public
    public_d = [d["id"] for d in data(built, "public", "decisions.json")]
    assert "board/2024-03-06#D2" in public_d and "board/2024-03-06#D1" not in public_d


def test_action_closed_only_in_members_meeting(built):
    public = {a["id"]: a for a in data(built, "public", "actions.json")}
    members = {a["id"]: a for a in data(built, "members", "actions.json")}
    key = "board/2024-01-10#A2"
    assert (public[key]["status"], public[key]["closed_in"]) == ("open", None)
    assert (members[key]["status"], members[key]["closed_in"]) == ("done", "board/2024-05-15")


def _public_files(built):
    out = output_of(built, "public")
    return {p.relative_to(out).as_posix(): p.read_bytes().decode("utf-8", "replace")
            for p in sorted(out.rglob("*")) if p.is_file()}


def test_members_only_text_is_in_no_public_file(built):
    members = output_of(built, "members")
    members_text = "".join(p.read_text(encoding="utf-8", errors="replace")
                           for p in members.rglob("*") if p.is_file())
    for word in MEMBERS_ONLY_WORDS:            # the check below is not vacuous
        assert word in members_text, word
    for name, text in _public_files(built).items():
        for word in MEMBERS_ONLY_WORDS:
            assert word not in text, f"{word!r} leaks into public {name}"


def test_members_only_meeting_is_not_published(built):
    public, members = output_of(built, "public"), output_of(built, "members")
    assert not (public / "board/2024-05-15").exists()
    assert (members / "board/2024-05-15/index.html").is_file()
    # its key may appear as plain text (it approved board/2024-03-06, board/2024-06-19
    # approves it), never as a link
    mentions = {name for name, text in _public_files(built).items() if "2024-05-15" in text}
    assert mentions <= {"board/2024-06-19/index.html", "board/2024-03-06/index.html",
                        "data/meetings.json"}
    for name, text in _public_files(built).items():
        if name.endswith(".html"):
            for href, _ in parse_html(text).links():
                assert "2024-05-15" not in (href or ""), f"public {name} links to {href}"


def test_members_only_entries_on_the_meeting_page(built):
    public = page(built, "public", "board/2024-03-06/")
    members = page(built, "members", "board/2024-03-06/")
    body_ids = lambda tree: [n.attrs["id"] for n in tree.find("div", "minutes-body").iter()
                             if n.attrs.get("id") in {"A1", "A2", "A3", "D1", "D2"}]
    assert body_ids(public) == ["A1", "A3", "D2"]
    assert body_ids(members) == ["A1", "A2", "D1", "A3", "D2"]
    assert public.find_all("p", "withheld") and not public.find_all("div", "members-only")
    block = members.find("div", "members-only")
    assert "Confidential discussion of the reorganisation." in block.text()
    assert [n.attrs["id"] for n in block.iter() if "id" in n.attrs] == ["A2", "D1"]
    # the members-only status line (Update on board/2024-01-10#A4) is in the block
    assert [href for href, _ in block.links()] == ["../../board/2024-01-10/index.html#A4"]


# --------------------------------------------------------------------------- /actions/

OUTSTANDING = {     # owner organisation -> rows, overdue first (then by due date)
    "public": [
        ("FIN", ["board/2024-03-06#A1", "board/2024-01-10#A2", "raad/2024-06-26#A1",
                 "board/2024-06-19#A1"]),
        ("GemA", ["raad/2024-01-24#A1", "raad/2024-01-24#A3", "board/2024-01-10#A5"]),
        ("HR", ["board/2024-01-10#A4", "board/2024-01-10#A5"]),
        ("OPS", ["board/2024-03-06#A1", "board/2024-01-10#A4", "board/2024-06-19#A1"]),
        ("PrvN", ["raad/2024-01-24#A1", "raad/2024-01-24#A3"]),
        ("WSB", ["raad/2024-01-24#A3"]),
    ],
    "members": [
        ("FIN", ["board/2024-03-06#A1", "raad/2024-06-26#A1", "board/2024-06-19#A1"]),
        ("GemA", ["raad/2024-01-24#A1", "raad/2024-01-24#A3", "board/2024-01-10#A5"]),
        ("HR", ["board/2024-03-06#A2", "board/2024-01-10#A4", "board/2024-05-15#A1",
                "board/2024-01-10#A5"]),
        ("OPS", ["board/2024-03-06#A1", "board/2024-01-10#A4", "board/2024-06-19#A1"]),
        ("PrvN", ["raad/2024-01-24#A1", "raad/2024-01-24#A3"]),
        ("WSB", ["raad/2024-01-24#A3"]),
    ],
}
OVERDUE = {
    "public": {"board/2024-03-06#A1", "board/2024-01-10#A2", "raad/2024-01-24#A1",
               "board/2024-01-10#A4"},
    "members": {"board/2024-03-06#A2", "board/2024-03-06#A1", "raad/2024-01-24#A1",
                "board/2024-01-10#A4"},
}


def href_of(key: str, depth: int) -> str:
    meeting, _, number = key.partition("#")
    return "../" * depth + f"{meeting}/index.html#{number}"


def action_rows(container: Node) -> list[dict]:
    """The rows of register tables below `container`: id, link, classes and cell texts."""
    rows = []
    for table in container.find_all("table", "register-table"):
        for tr in table.find("tbody").find_all("tr"):
            cells = tr.find_all("td")
            link = cells[0].find("a")
            rows.append({"id": link.text(), "href": link.attrs["href"], "classes": tr.classes,
                         "cells": [c.text() for c in cells], "nodes": cells})
    return rows


def outstanding_groups(tree: Node) -> list[tuple[str, list[dict]]]:
    groups = []
    for section in tree.find("main").find_all("section"):
        heading = section.find("h2")
        code = heading.find("abbr").text() if heading.find_all("abbr") else heading.text()
        groups.append((code, action_rows(section)))
    return groups


def test_outstanding_actions_grouped_by_owner_overdue_first(built, audience):
    groups = outstanding_groups(page(built, audience, "actions/"))
    assert [(code, [r["id"] for r in rows]) for code, rows in groups] == OUTSTANDING[audience]


def test_outstanding_rows_link_to_the_action_anchor(built, audience):
    for _, rows in outstanding_groups(page(built, audience, "actions/")):
        for row in rows:
            assert row["href"] == href_of(row["id"], 1)
            anchor = follow(built, audience, "actions/", row["href"])
            assert "mark-action" in anchor.classes and "status-open" in anchor.classes


def test_overdue_is_judged_against_the_newest_meeting(built, audience):
    tree = page(built, audience, "actions/")
    overdue = {r["id"] for _, rows in outstanding_groups(tree) for r in rows
               if "overdue" in r["classes"]}
    assert overdue == OVERDUE[audience]
    lead = tree.find("main").find("p", "lead").text()
    count = {"public": 8, "members": 9}[audience]
    assert f"{count} actions are open, 4 of them overdue." in lead
    assert "26 June 2024" in lead


def test_outstanding_row_details(built, audience):
    """Text, owners, due date, age in meetings, raising meeting and last progress note."""
    rows = {r["id"]: r for _, rs in outstanding_groups(page(built, audience, "actions/"))
            for r in rs}
    # cells: [id + raising meeting, text, owners, due, age, last progress]
    raad = rows["raad/2024-01-24#A1"]["cells"]
    assert raad == ["raad/2024-01-24#A1 Raad 24 January 2024",
                    "GemA en PrvN stellen een gezamenlijke dijkvisie op, uiterlijk 2024-05-01.",
                    "GemA, PrvN", "1 May 2024 overdue", "2 meetings",
                    "de visie is bijna gereed. (Raad 26 June 2024)"]
    rota = rows["board/2024-01-10#A4"]["cells"]
    assert rota[:5] == ["board/2024-01-10#A4 Board 10 January 2024",
                        "OPS and HR publish the duty rota, due 2024-06-01.", "OPS, HR",
                        "1 June 2024 overdue",
                        "2 meetings" if audience == "public" else "3 meetings"]
    assert rota[5] == "rota drafted, awaiting HR. (Board 19 June 2024)"
    onboarding = rows["board/2024-01-10#A5"]["cells"]
    assert onboarding == ["board/2024-01-10#A5 Board 10 January 2024",
                          "align the onboarding process.", "GemA, HR", "",
                          "2 meetings" if audience == "public" else "3 meetings", ""]
    insurance = rows["board/2024-06-19#A1"]["cells"]
    assert insurance[2:5] == ["Bob Jones (OPS), FIN", "30 September 2024", "0 meetings"]
    if audience == "public":
        ann = rows["board/2024-01-10#A2"]["cells"]
        assert ann == ["board/2024-01-10#A2 Board 10 January 2024",
                       "Ann Smith to draft the procurement policy before 2024-04-30.",
                       "Ann Smith (FIN)", "30 April 2024 overdue", "2 meetings",
                       "the first draft is ready. (Board 6 March 2024)"]
    else:
        assert "board/2024-01-10#A2" not in rows
        assert rows["board/2024-05-15#A1"]["cells"][2:5] == ["HR", "30 June 2024", "1 meeting"]


# --------------------------------------------------------------------------- /actions/closed/

CLOSED = {   # id -> (status class, closed text, link to the closing meeting)
    "board/2024-01-10#A1": ("done", "done in Raad 10 April 2024", "raad/2024-04-10"),
    "board/2024-01-10#A3": ("dropped", "dropped in Board 6 March 2024", "board/2024-03-06"),
    "board/2024-03-06#A3": ("done", "done in Board 19 June 2024", "board/2024-06-19"),
    "raad/2024-01-24#A2": ("dropped", "dropped in Raad 10 April 2024", "raad/2024-04-10"),
    "raad/2024-04-10#A1": ("done", "done in Raad 26 June 2024", "raad/2024-06-26"),
}
CLOSED_MEMBERS = {**CLOSED, "board/2024-01-10#A2": ("done", "done in Board 15 May 2024",
                                                    "board/2024-05-15")}


def test_closed_actions_with_where_they_were_closed(built, audience):
    rows = action_rows(page(built, audience, "actions/closed/").find("main"))
    expected = CLOSED if audience == "public" else CLOSED_MEMBERS
    got = {}
    for row in rows:
        status = ({"status-done", "status-dropped"} & row["classes"]).pop()[len("status-"):]
        closed_links = row["nodes"][-1].links()
        assert len(closed_links) == 1, row["id"]
        got[row["id"]] = (status, row["cells"][-1], closed_links[0][0])
        assert row["href"] == href_of(row["id"], 2)
        follow(built, audience, "actions/closed/", row["href"])
        follow(built, audience, "actions/closed/", closed_links[0][0])
    assert got == {key: (status, text, f"../../{where}/index.html")
                   for key, (status, text, where) in expected.items()}


def test_csv_link_and_closed_link_on_the_actions_page(built):
    links = dict((text, href) for href, text in page(built, "public", "actions/")
                 .find("main").find("p", "lead").links())
    assert links["Closed actions"] == "../actions/closed/index.html"
    assert links["Download as CSV"] == "../data/actions.csv"


# --------------------------------------------------------------------------- meeting pages

def markers(tree: Node) -> dict[str, dict]:
    """Action markers in the minutes text: number -> status class, status text, link, item."""
    found = {}
    for span in tree.find("div", "minutes-body").find_all("span", "mark-action"):
        status = span.find("span", "mark-status")
        links = status.links()
        found[span.attrs["id"]] = {
            "status": ({"status-open", "status-done", "status-dropped"} & span.classes).pop(),
            "label": span.find("span", "mark-label").text(),
            "text": status.text(),
            "href": links[0][0] if links else None,
            "item": span.ancestor("section").attrs.get("aria-labelledby"),
        }
    return found


def marker(status, label, text, href, item):
    return {"status": f"status-{status}", "label": label, "text": text, "href": href,
            "item": item}


def test_markers_on_the_first_board_meeting(built, audience):
    got = markers(page(built, audience, "board/2024-01-10/"))
    ann = marker("open", "Action A2", "open", None, "budget") if audience == "public" else \
        marker("done", "Action A2", "done in 15 May 2024", "../../board/2024-05-15/index.html",
               "budget")
    assert got == {
        "A1": marker("done", "Action A1", "done in Raad 10 April 2024",
                     "../../raad/2024-04-10/index.html", "budget"),
        "A2": ann,
        "A3": marker("dropped", "Action A3", "dropped in 6 March 2024",
                     "../../board/2024-03-06/index.html", "staffing"),
        "A4": marker("open", "Action A4", "open", None, "staffing"),
        "A5": marker("open", "Action A5", "open", None, "staffing"),
    }


def test_markers_in_dutch_on_the_raad_pages(built, audience):
    assert markers(page(built, audience, "raad/2024-01-24/")) == {
        "A1": marker("open", "Actie A1", "open", None, "water"),
        "A2": marker("dropped", "Actie A2", "vervallen in 10 april 2024",
                     "../../raad/2024-04-10/index.html", "water"),
        "A3": marker("open", "Actie A3", "open", None, "water"),
    }
    assert markers(page(built, audience, "raad/2024-04-10/")) == {
        "A1": marker("done", "Actie A1", "afgerond in 26 juni 2024",
                     "../../raad/2024-06-26/index.html", "water"),
    }


def test_decision_markers_at_their_place(built, audience):
    tree = page(built, audience, "board/2024-01-10/")
    got = [(s.attrs["id"], s.text(), s.ancestor("section").attrs.get("aria-labelledby"))
           for s in tree.find("div", "minutes-body").find_all("span", "mark-decision")]
    assert got == [("D1", "Decision D1", "opening"), ("D2", "Decision D2", "budget")]
    tree = page(built, audience, "raad/2024-01-24/")
    got = [(s.attrs["id"], s.text()) for s in tree.find_all("span", "mark-decision")]
    assert got == [("D1", "Besluit D1"), ("D2", "Besluit D2")]


def status_lines(tree: Node) -> list[tuple[str, str, str]]:
    """(kind, label, link) of every status line: the marker and the action link after it."""
    lines = []
    for mark in tree.find("div", "minutes-body").find_all("span", "mark-update"):
        container = mark.parent
        refs = [a for a in container.find_all("a", "ref-action")]
        assert len(refs) == 1, container.text()
        kind = next(c for c in mark.classes if c.startswith("update-"))[len("update-"):]
        lines.append((kind, mark.text(), refs[0].attrs["href"]))
    return lines


STATUS_LINES = {
    "board/2024-03-06/": [
        ("update", "Update", "../../board/2024-01-10/index.html#A1"),
        ("update", "Update", "../../board/2024-01-10/index.html#A2"),
        ("dropped", "Dropped", "../../board/2024-01-10/index.html#A3"),
    ],
    "board/2024-06-19/": [
        ("update", "Update", "../../board/2024-03-06/index.html#A1"),
        ("update", "Update", "../../board/2024-01-10/index.html#A4"),
        ("done", "Done", "../../board/2024-03-06/index.html#A3"),
    ],
    "raad/2024-04-10/": [
        ("done", "Afgerond", "../../board/2024-01-10/index.html#A1"),
        ("update", "Stand", "../../raad/2024-01-24/index.html#A1"),
        ("dropped", "Vervallen", "../../raad/2024-01-24/index.html#A2"),
    ],
    "raad/2024-06-26/": [
        ("done", "Afgerond", "../../raad/2024-04-10/index.html#A1"),
        ("update", "Stand", "../../raad/2024-01-24/index.html#A1"),
    ],
}


def test_status_lines_link_to_the_action_they_update(built, audience):
    expected = dict(STATUS_LINES)
    if audience == "members":
        expected["board/2024-03-06/"] = STATUS_LINES["board/2024-03-06/"] + [
            ("update", "Update", "../../board/2024-01-10/index.html#A4")]
        expected["board/2024-05-15/"] = [
            ("done", "Done", "../../board/2024-01-10/index.html#A2")]
    for path, lines in expected.items():
        assert status_lines(page(built, audience, path)) == lines, path
        for _, _, href in lines:
            target = follow(built, audience, path, href)
            assert "mark-action" in target.classes, (path, href)


def register_section(tree: Node) -> dict:
    section = tree.find("section", "register")
    rows = []
    for tr in section.find("table").find("tbody").find_all("tr"):
        cells = tr.find_all("td")
        rows.append((cells[0].find("a").attrs["href"], *[c.text() for c in cells[1:]]))
    return {"title": section.find("h2").text(),
            "decisions": [(href, text) for li in section.find("ul", "register-list").find_all("li")
                          for href, text in [(li.find("a").attrs["href"], li.text())]],
            "actions": rows}


def test_meeting_page_ends_with_its_register(built, audience):
    got = register_section(page(built, audience, "board/2024-01-10/"))
    assert got["title"] == "Decisions and actions"
    assert got["decisions"] == [("#D1", "D1 the board adopts the 2024 work plan."),
                                ("#D2", "D2 the reserve is capped at ten percent.")]
    ann = "open" if audience == "public" else "done in 15 May 2024"
    assert got["actions"] == [
        ("#A1", "FIN", "FIN prepares the quarterly budget report, due 2024-02-28.",
         "28 February 2024", "done in Raad 10 April 2024"),
        ("#A2", "Ann Smith (FIN)", "Ann Smith to draft the procurement policy before 2024-04-30.",
         "30 April 2024", ann),
        ("#A3", "Bob Jones (OPS)", "map the vacancies in operations, deadline 2024-03-01.",
         "1 March 2024", "dropped in 6 March 2024"),
        ("#A4", "OPS, HR", "OPS and HR publish the duty rota, due 2024-06-01.", "1 June 2024",
         "open"),
        ("#A5", "GemA, HR", "align the onboarding process.", "", "open"),
    ]
    # the register section comes after the minutes text
    article = page(built, audience, "board/2024-01-10/").find("article")
    order = [n for n in article.iter() if n.tag == "div" and "minutes-body" in n.classes
             or n.tag == "section" and "register" in n.classes]
    assert ["register" in n.classes for n in order] == [False, True]


def test_meeting_page_register_in_dutch(built, audience):
    got = register_section(page(built, audience, "raad/2024-01-24/"))
    assert got["title"] == "Besluiten- en actielijst"
    assert got["decisions"] == [
        ("#D1", "D1 de raad stemt in met de vergaderplanning 2024."),
        ("#D2", "D2 het dijkbudget wordt met vijf procent verhoogd.")]
    assert got["actions"] == [
        ("#A1", "GemA, PrvN",
         "GemA en PrvN stellen een gezamenlijke dijkvisie op, uiterlijk 2024-05-01.",
         "1 mei 2024", "open"),
        ("#A2", "Petra Bakker (PrvN)", "agendeert het subsidiebesluit, deadline 2024-03-15.",
         "15 maart 2024", "vervallen in 10 april 2024"),
        ("#A3", "WSB, GemA, PrvN",
         "WSB, GemA en PrvN inventariseren de knelpunten, uiterlijk 2024-09-01.",
         "1 september 2024", "open"),
    ]


def test_meeting_page_register_leaves_out_members_only_entries(built, audience):
    got = register_section(page(built, audience, "board/2024-03-06/"))
    decisions = [href for href, _ in got["decisions"]]
    actions = [row[0] for row in got["actions"]]
    if audience == "public":
        assert (decisions, actions) == (["#D2"], ["#A1", "#A3"])
    else:
        assert (decisions, actions) == (["#D1", "#D2"], ["#A1", "#A2", "#A3"])


# --------------------------------------------------------------------------- /decisions/

DECISIONS_PAGE = {
    "public": {
        "board": ["board/2024-06-19#D1", "board/2024-03-06#D2", "board/2024-01-10#D1",
                  "board/2024-01-10#D2"],
        "raad": ["raad/2024-06-26#D1", "raad/2024-04-10#D1", "raad/2024-01-24#D1",
                 "raad/2024-01-24#D2"],
    },
    "members": {
        "board": ["board/2024-06-19#D1", "board/2024-05-15#D1", "board/2024-03-06#D1",
                  "board/2024-03-06#D2", "board/2024-01-10#D1", "board/2024-01-10#D2"],
        "raad": ["raad/2024-06-26#D1", "raad/2024-04-10#D1", "raad/2024-01-24#D1",
                 "raad/2024-01-24#D2"],
    },
}


def test_decisions_newest_first_per_body(built, audience):
    main = page(built, audience, "decisions/").find("main")
    got = {}
    for section in main.find_all("section"):
        body = section.attrs["aria-labelledby"].removeprefix("decisions-")
        got[body] = [href for href, _ in section.links()]
    assert got == {body: [href_of(key, 1) for key in keys]
                   for body, keys in DECISIONS_PAGE[audience].items()}
    texts = {d["id"]: d["text"] for d in EXPECTED_DECISIONS[audience]}
    board = main.find("section", **{"aria-labelledby": "decisions-board"})
    first = board.find("li").text()
    assert first == f"D1 · Board 19 June 2024: {texts['board/2024-06-19#D1']}"
    for section in main.find_all("section"):
        for href, _ in section.links():
            assert "mark-decision" in follow(built, audience, "decisions/", href).classes


# --------------------------------------------------------------------------- organisations

ORGANISATION_ACTIONS = {   # slug -> (open, closed), as sets: the issue fixes no order here
    "public": {
        "fin": ({"board/2024-01-10#A2", "board/2024-03-06#A1", "board/2024-06-19#A1",
                 "raad/2024-06-26#A1"}, {"board/2024-01-10#A1"}),
        "ops": ({"board/2024-01-10#A4", "board/2024-03-06#A1", "board/2024-06-19#A1"},
                {"board/2024-01-10#A3"}),
        "hr": ({"board/2024-01-10#A4", "board/2024-01-10#A5"}, set()),
        "gema": ({"raad/2024-01-24#A1", "raad/2024-01-24#A3", "board/2024-01-10#A5"},
                 {"raad/2024-04-10#A1"}),
        "prvn": ({"raad/2024-01-24#A1", "raad/2024-01-24#A3"}, {"raad/2024-01-24#A2"}),
        "wsb": ({"raad/2024-01-24#A3"}, {"board/2024-03-06#A3"}),
    },
    "members": {
        "fin": ({"board/2024-03-06#A1", "board/2024-06-19#A1", "raad/2024-06-26#A1"},
                {"board/2024-01-10#A1", "board/2024-01-10#A2"}),
        "ops": ({"board/2024-01-10#A4", "board/2024-03-06#A1", "board/2024-06-19#A1"},
                {"board/2024-01-10#A3"}),
        "hr": ({"board/2024-01-10#A4", "board/2024-01-10#A5", "board/2024-03-06#A2",
                "board/2024-05-15#A1"}, set()),
        "gema": ({"raad/2024-01-24#A1", "raad/2024-01-24#A3", "board/2024-01-10#A5"},
                 {"raad/2024-04-10#A1"}),
        "prvn": ({"raad/2024-01-24#A1", "raad/2024-01-24#A3"}, {"raad/2024-01-24#A2"}),
        "wsb": ({"raad/2024-01-24#A3"}, {"board/2024-03-06#A3"}),
    },
}


def organisation_actions(tree: Node) -> dict[str, list[dict]]:
    """Rows of the action tables under each <h2> of an organisation page."""
    found, heading = {}, None
    for node in tree.find("main").iter():
        if node.tag == "h2":
            heading = node.text()
            found[heading] = []
        elif node.tag == "table" and "register-table" in node.classes:
            found[heading].extend(action_rows(node))
    return found


@pytest.mark.parametrize("slug", ["fin", "ops", "hr", "gema", "prvn", "wsb"])
def test_organisation_pages_list_open_and_closed_actions(built, audience, slug):
    path = f"organisations/{slug}/"
    tables = organisation_actions(page(built, audience, path))
    open_, closed = ORGANISATION_ACTIONS[audience][slug]
    assert {r["id"] for r in tables["Outstanding actions"]} == open_
    assert len(tables["Outstanding actions"]) == len(open_)
    assert {r["id"] for r in tables["Closed actions"]} == closed
    for row in tables["Outstanding actions"] + tables["Closed actions"]:
        assert row["href"] == href_of(row["id"], 2)
        follow(built, audience, path, row["href"])


def test_organisation_page_lists_actions_owned_by_its_people(built):
    """Ann Smith (FIN), Bob Jones (OPS), Petra Bakker (PrvN), Jan de Vries (GemA)."""
    people = {"fin": ("board/2024-01-10#A2", "Ann Smith (FIN)", "Outstanding actions"),
              "ops": ("board/2024-01-10#A3", "Bob Jones (OPS)", "Closed actions"),
              "prvn": ("raad/2024-01-24#A2", "Petra Bakker (PrvN)", "Closed actions"),
              "gema": ("raad/2024-04-10#A1", "Jan de Vries (GemA)", "Closed actions")}
    for slug, (key, owners, heading) in people.items():
        rows = {r["id"]: r for r in
                organisation_actions(page(built, "public", f"organisations/{slug}/"))[heading]}
        assert rows[key]["cells"][2] == owners, slug


def test_open_data_is_stable(built, tmp_path):
    """A second build of the same archive gives byte-identical data files."""
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    again = tmp_path / "again"
    build(site / "config.toml", again, audience="public", cache=False)
    for name in ("meetings.json", "actions.json", "decisions.json", "actions.csv"):
        assert (again / "data" / name).read_bytes() == \
            (output_of(built, "public") / "data" / name).read_bytes(), name


# --------------------------------------------------------------------------- actions.csv

CSV_HEADER = ["id", "meeting", "item", "owners", "text", "due", "status", "closed_in", "url"]


def csv_owners(owners: list[dict]) -> str:
    return "; ".join(f"{o['name']} ({o['org']})" if o["name"] else o["org"] for o in owners)


def test_actions_csv(built, audience):
    raw = (output_of(built, audience) / "data" / "actions.csv").read_bytes()
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == CSV_HEADER
    assert rows[1:] == [[a["id"], a["meeting"], a["item"], csv_owners(a["owners"]), a["text"],
                         a["due"] or "", a["status"], a["closed_in"] or "", a["url"]]
                        for a in EXPECTED_ACTIONS[audience]]
    # two rows spelled out in full
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id["board/2024-06-19#A1"] == [
        "board/2024-06-19#A1", "board/2024-06-19", "aob", "Bob Jones (OPS); FIN",
        "Bob Jones and FIN to review the insurance contracts, due 2024-09-30.", "2024-09-30",
        "open", "", "https://example.org/minutes/board/2024-06-19/#A1"]
    assert by_id["board/2024-01-10#A1"] == [
        "board/2024-01-10#A1", "board/2024-01-10", "budget", "FIN",
        "FIN prepares the quarterly budget report, due 2024-02-28.", "2024-02-28", "done",
        "raad/2024-04-10", "https://example.org/minutes/board/2024-01-10/#A1"]


# --------------------------------------------------------------------------- engine edge cases

SAME_DAY_CONFIG = """\
[site]
title = "Same day"
base_url = "https://example.org/"
language = "en"

[bodies.board]
name = "Board"

[organisations]
FIN = "Finance Office"
"""


def test_age_counts_a_second_meeting_on_the_same_day(tmp_path):
    content = tmp_path / "content" / "board"
    content.mkdir(parents=True)
    (tmp_path / "config.toml").write_text(SAME_DAY_CONFIG, encoding="utf-8")
    (content / "2024-01-10.md").write_text(
        "---\ndate: 2024-01-10\n---\n\n## Item\n\n- Action: FIN does a thing.\n",
        encoding="utf-8")
    (content / "2024-01-10-2.md").write_text(
        "---\ndate: 2024-01-10\n---\n\n## Item\n\n- Decision: nothing.\n", encoding="utf-8")
    (content / "2024-02-10.md").write_text(
        "---\ndate: 2024-02-10\n---\n\n## Item\n\n- Decision: nothing again.\n",
        encoding="utf-8")
    build(tmp_path / "config.toml", tmp_path / "out", cache=False)
    tree = parse_html((tmp_path / "out/actions/index.html").read_text(encoding="utf-8"))
    rows = {r["id"]: r["cells"] for r in action_rows(tree.find("main"))}
    # held since it was raised: board/2024-01-10-2 and board/2024-02-10
    assert rows["board/2024-01-10#A1"][4] == "2 meetings"
