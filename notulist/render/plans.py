"""Plans for every page: which template, in which language, with which plain values.

A plan's digest names exactly what the page shows, so a page whose digest did not change
since the last build need not be rendered again (write.py links the previous file).
"""
from __future__ import annotations

import functools
import hashlib
import io
import pickle
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

from .fragments import View, in_language, meeting_label, resolve
from ..i18n import format_date
from ..link.site import Site
from .meeting_page import meeting_context, meeting_inputs
from ..model.records import Meeting
from .list_pages import action_pages, decision_page, organisation_pages
from .person_pages import person_pages
from ..digests import value_digest
from ..urls import meeting_file, meeting_path


@dataclass(frozen=True)
class PagePlan:
    """A page to render. `inputs` are plain values naming everything the page shows: the
    context itself, or (for meeting pages, the many) a cheaper tuple from which `make`
    builds the context only when the page must really be rendered again."""
    template: str
    language: str
    inputs: object
    make: Callable[[], dict] | None = None

    def digest(self, path: str, salt: str) -> str:
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, 5)
        pickler.fast = True     # no memo: equal values give equal bytes, whatever is shared
        pickler.dump((salt, path, self.template, self.language, self.inputs))
        return "page:" + hashlib.sha1(buffer.getvalue()).hexdigest()

    def context(self) -> dict:
        return self.make() if self.make else self.inputs


class Planner:
    """Helpers shared by the page plans of one site."""

    def __init__(self, site: Site):
        self.site, self.config = site, site.config
        self.position = {key: (body, i) for body, keys in site.by_body.items()
                         for i, key in enumerate(keys)}
        self.summaries: dict[str, dict] = {}
        self.tokens: dict[str, str] = {}

    def plan(self, template: str, language: str | None = None, **context) -> PagePlan:
        return PagePlan(template, language or self.config.language, context)

    def lazy(self, template: str, inputs: object, make: Callable[[], dict]) -> PagePlan:
        """A page in the site's language named by cheap `inputs`; `make` builds its context."""
        return PagePlan(template, self.config.language, inputs, make)

    def token(self, key: str | None) -> str | None:
        """A short digest of what lists show of a meeting (its summary; None when it is not
        shown), made once per meeting: the long list pages name their meetings and actions
        by these, so their plans are cheap to digest."""
        if key not in self.site.meetings:
            return None
        if key not in self.tokens:
            self.tokens[key] = value_digest(tuple(self.summary(key).values()))
        return self.tokens[key]

    def action_token(self, key: str) -> str:
        """The same for an action as the registers show it: the action, its state, and the
        meetings they name."""
        token_key = f"action:{key}"
        if token_key not in self.tokens:
            action, state = self.site.register.actions[key], self.site.register.states[key]
            named = (action.meeting, state.closed_in, *(u.meeting for u in state.updates))
            self.tokens[token_key] = value_digest((action, state, [self.token(k) for k in named]))
        return self.tokens[token_key]

    def view(self, path: str, language: str, body: str | None) -> View:
        return View(self.site, path, language, body)

    def meeting_title(self, meeting: Meeting, language: str | None = None) -> str:
        if meeting.title:
            return meeting.title
        body = self.config.bodies[meeting.body]
        return f"{body.name}, {format_date(meeting.date, language or body.language)}"

    def summary(self, key: str) -> dict:
        """A meeting as lists show it: plain values only, in the body's language (the lists
        mark it when the page is in another), made once per meeting."""
        if key not in self.summaries:
            self.summaries[key] = self._summary(key)
        return self.summaries[key]

    def _summary(self, key: str) -> dict:
        meeting = self.site.meetings[key]
        body = self.config.bodies[meeting.body]      # its title is in the body's language
        return {"key": key, "title": self.meeting_title(meeting, body.language),
                "lang": body.language, "path": meeting_path(key),
                "date": meeting.date, "status": meeting.status, "location": meeting.location,
                "short": body.short}

    def backlinks(self, key: str, view: View) -> list[dict]:
        links = []
        for link in self.site.backlinks.get(key, ()):
            meeting = self.site.meetings[link.meeting]
            item = next((i for i in meeting.items if i.anchor == link.item), None)
            links.append({"label": meeting_label(meeting, view),
                          "item": item.label if item else None,
                          "lang": self.config.bodies[meeting.body].language,
                          "path": meeting_path(meeting.key)
                                  + (f"#{item.anchor}" if item else "")})
        return links


def plan_site(site: Site) -> tuple[dict[str, PagePlan], dict[str, bytes]]:
    """Every page as a plan, and the files cheaper to make than to plan (data, feeds)."""
    planner = Planner(site)
    from .open_data import data_files    # here, not above: a text edit plans pages without them
    from .feeds import feed_files   # (the feed's XML escaping imports urllib)
    return plan_pages(planner), {**data_files(site, planner.meeting_title),
                                 **feed_files(site, planner.meeting_title)}


def plan_pages(planner: Planner) -> dict[str, PagePlan]:
    plans: dict[str, PagePlan] = {}
    for part in (_home, _bodies, _meetings, _withdrawn, _topics, organisation_pages, person_pages,
                 action_pages, decision_page, _free_pages, _search, _not_found):
        plans.update(part(planner))
    return plans


def _home(planner: Planner) -> dict[str, PagePlan]:
    site = planner.site
    latest = sorted(site.meetings, key=lambda k: site.meetings[k].sort_key)[-10:]
    return {"index.html": planner.plan(
        "home.html", latest=[planner.summary(k) for k in reversed(latest)],
        counts={body: len(keys) for body, keys in site.by_body.items()},
        topics=len(site.topics), outstanding=len(site.register.outstanding()))}


def _bodies(planner: Planner) -> dict[str, PagePlan]:
    plans = {}
    for key, body in planner.config.bodies.items():
        years = defaultdict(list)
        for meeting_key in reversed(planner.site.by_body[key]):
            summary = planner.summary(meeting_key)
            years[summary["date"].year].append(summary)
        plans[f"{key}/index.html"] = planner.plan("body.html", body.language, body=body,
                                                  years=list(years.items()))
    return plans


def _meetings(planner: Planner) -> dict[str, PagePlan]:
    return dict(meeting_plan(planner, meeting) for meeting in planner.site.meetings.values())


def meeting_plan(planner: Planner, meeting: Meeting) -> tuple[str, PagePlan]:
    language = planner.config.bodies[meeting.body].language
    path = meeting_path(meeting.key)
    view = planner.view(path, language, meeting.body)
    return meeting_file(meeting.key), PagePlan(
        "meeting.html", language, meeting_inputs(planner, meeting, view),
        functools.partial(meeting_context, planner, meeting, view))


def _withdrawn(planner: Planner) -> dict[str, PagePlan]:
    """A withdrawn meeting's URL keeps answering, with a notice: when and why."""
    plans = {}
    for key, meeting in planner.site.withdrawn.items():
        body = planner.config.bodies[meeting.body]
        plans[meeting_file(key)] = planner.plan(
            "withdrawn.html", body.language, body=body,
            title=planner.meeting_title(meeting, body.language),
            meeting={"key": key, "date": meeting.date, "withdrawn": meeting.withdrawn,
                     "reason": meeting.reason})
    return plans


def _topics(planner: Planner) -> dict[str, PagePlan]:
    site, language = planner.site, planner.config.language
    topics = [(anchor, *site.topic_names[anchor], len(entries))
              for anchor, entries in site.topics.items()]
    plans = {"topics/index.html": planner.plan("topics.html", topics=topics)}
    for anchor, title, title_language, _ in topics:
        path = f"topics/{anchor}/"
        view = planner.view(path, language, None)
        history = []
        for key, _ in site.topics[anchor]:
            meeting = site.meetings[key]
            item = next(i for i in meeting.items if i.anchor == anchor)
            history.append({"label": meeting_label(meeting, view), "number": item.number,
                            "title": item.title, "path": meeting_path(key),
                            "lang": planner.config.bodies[meeting.body].language})
        plans[f"{path}index.html"] = planner.plan(
            "topic.html", anchor=anchor, title=title, title_lang=title_language,
            title_html=in_language(title, title_language, language), history=history,
            backlinks=planner.backlinks(f"topic:{anchor}", view))
    return plans


def _free_pages(planner: Planner) -> dict[str, PagePlan]:
    plans = {}
    for page in planner.site.pages:
        path = f"{page.name}/"
        view = planner.view(path, planner.config.language, None)
        plans[f"{path}index.html"] = planner.plan("page.html", title=page.title,
                                                  content=resolve(page.html, page, view))
    return plans


def _search(planner: Planner) -> dict[str, PagePlan]:
    # The results come from the index write/ makes of the built pages, one bundle per
    # shard, which the page merges.
    if not planner.config.search:
        return {}
    bundles = [shard.folder for shard in planner.site.shards]
    return {"search/index.html": planner.plan("search.html", bundles=bundles)}


def _not_found(planner: Planner) -> dict[str, PagePlan]:
    # Served at any depth, so its links start from base_url's path, not relative.
    return {"404.html": planner.plan("404.html", absolute=True)}


def page_digests(plans: dict[str, PagePlan], salt: str) -> dict[str, str]:
    """Output path -> the digest of its plan; `salt` names what every page depends on
    besides its plan (engine, config, templates, audience, menu)."""
    return {path: plan.digest(path, salt) for path, plan in plans.items()}
