"""Unit tests of the render stage: a Site made in the test from hand-built meetings, planned
and rendered to bytes without touching the disk (templates, open data, feeds)."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from notulist.incremental.parse_cache import Archive
from notulist.link import link
from notulist.load.config import Body, Config, Organisation
from notulist.load.templates import read_templates
from notulist.model.markup import placeholder
from notulist.model.records import (Action, ActionUpdate, AgendaItem, Attendee, Decision,
                                    Meeting, MembersBlock, Owner, Reference)
from notulist.render.plans import plan_site
from notulist.render.templates import environment, render_pages
from notulist.urls import relative_url

CONFIG = Config(
    root=Path("/nowhere"), path=Path("/nowhere/config.toml"), title="Test minutes",
    base_url="https://example.org/minutes/", language="en", description="",
    bodies={"lrt": Body("lrt", "Landelijke Regietafel", "LRT", "en")},
    organisations={"JenV": Organisation("JenV", "Ministerie van Justitie", "jenv"),
                   "VNG": Organisation("VNG", "Vereniging van Gemeenten", "vng")},
    search=False)


def meeting(day: int, **fields) -> Meeting:
    key = f"lrt/2024-01-{day:02d}"
    values = dict(
        digest=f"digest-{day}", key=key, body="lrt", id=key[4:], path=Path(f"/x/{key}.md"),
        date=dt.date(2024, 1, day), time="15:00", location="Webex", title=None,
        status="final", audience="public", attendees=(Attendee("Ann Smith", "VNG", None, 3),),
        absent=(), approves=None, approves_line=1, intro_html="", items=(), actions=(),
        decisions=(), updates=(), references=(), blocks=(), footnotes_html="")
    values.update(fields)
    return Meeting(**values)


def first_meeting() -> Meeting:
    key = "lrt/2024-01-10"
    html = (f"<ul>\n<li>{placeholder('A', 0)} JenV writes the letter.</li>\n"
            f"<li>{placeholder('D', 0)} The table agrees.</li>\n</ul>\n{placeholder('M', 0)}")
    return meeting(10, items=(AgendaItem("1", "opvang", "Opvang & <huisvesting>", html, 8),),
                   actions=(Action(f"{key}#A1", "A1", key, "opvang", (Owner(None, "JenV"),),
                                   False, "JenV writes the letter.", dt.date(2024, 2, 1),
                                   False, 10),),
                   decisions=(Decision(f"{key}#D1", "D1", key, "opvang", "The table agrees.",
                                       False, 11),),
                   blocks=(MembersBlock("5.1.2e", "<p>CANARY secret passage</p>", 12),))


def second_meeting() -> Meeting:
    key = "lrt/2024-01-20"
    html = f"<ul>\n<li>{placeholder('U', 0)} {placeholder('R', 0)} sent.</li>\n</ul>\n"
    return meeting(20, approves="lrt/2024-01-10",
                   items=(AgendaItem("1", "opvang", "Opvang", html, 8),),
                   updates=(ActionUpdate(key, "opvang", "done", ("lrt/2024-01-10#A1",),
                                         "sent.", False, 9),),
                   references=(Reference("lrt/2024-01-10#A1", "2024-01-10#A1", None, 9,
                                         False, "opvang"),))


def site(audience: str = "public"):
    archive = Archive([first_meeting(), second_meeting()], [], frozenset(), {})
    linked, problems = link(archive, CONFIG, audience)
    assert problems == []
    return linked


def rendered(linked) -> dict[str, bytes]:
    """Every page and file of the site; the templates are the built-in ones."""
    plans, files = plan_site(linked)
    templates, problems = read_templates(Path("/nowhere/templates"))
    assert problems == []
    return {**dict(render_pages(plans, linked, environment(templates))), **files}


@pytest.mark.parametrize("page, target, expected", [
    ("", "lrt/", "lrt/index.html"),
    ("lrt/2024-01-10/", "", "../../index.html"),
    ("lrt/2024-01-10/", "lrt/2024-01-10/#A1", "#A1"),
    ("lrt/2024-01-10/", "topics/opvang/", "../../topics/opvang/index.html"),
    ("topics/", "assets/notulist.css", "../assets/notulist.css"),
    ("actions/closed/", "lrt/2024-01-10/#A1", "../../lrt/2024-01-10/index.html#A1"),
])
def test_relative_urls(page, target, expected):
    assert relative_url(page, target) == expected


def test_open_data_follows_the_action_from_raised_to_done():
    files = plan_site(site())[1]
    [action] = json.loads(files["data/actions.json"])
    assert (action["id"], action["status"], action["closed_in"], action["due"]) == (
        "lrt/2024-01-10#A1", "done", "lrt/2024-01-20", "2024-02-01")
    assert action["url"] == "https://example.org/minutes/lrt/2024-01-10/#A1"
    meetings = {m["key"]: m for m in json.loads(files["data/meetings.json"])}
    assert meetings["lrt/2024-01-10"]["approved_in"] == "lrt/2024-01-20"
    assert meetings["lrt/2024-01-10"]["attendees"] == [
        {"name": "Ann Smith", "org": "VNG", "role": None}]
    [decision] = json.loads(files["data/decisions.json"])
    assert decision["text"] == "The table agrees."


def test_the_feed_lists_meetings_newest_first_with_escaped_agendas():
    feed = plan_site(site())[1]["feed.xml"].decode()
    assert feed.index("lrt/2024-01-20/") < feed.index("lrt/2024-01-10/")
    assert "1. Opvang &amp; &lt;huisvesting&gt;" in feed
    assert "<huisvesting>" not in feed


def test_a_meeting_page_fills_its_placeholders_for_the_audience():
    public = rendered(site("public"))["lrt/2024-01-10/index.html"].decode()
    assert 'id="A1"' in public and 'id="D1"' in public
    assert "../../lrt/2024-01-20/index.html" in public           # done in the next meeting
    assert "CANARY" not in public and "withheld" in public.lower()
    assert "Opvang &amp; &lt;huisvesting&gt;" in public          # the title is escaped
    members = rendered(site("members"))["lrt/2024-01-10/index.html"].decode()
    assert "CANARY secret passage" in members


def test_a_status_line_links_the_action_it_closes():
    page = rendered(site())["lrt/2024-01-20/index.html"].decode()
    assert 'href="../../lrt/2024-01-10/index.html#A1"' in page
    assert "\ufdd0" not in page                                   # no placeholder left
