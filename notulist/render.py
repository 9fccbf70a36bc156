"""Stage 4: the linked site becomes {output path: bytes}. Pure: touches no disk but templates."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from .data import data_files
from .feeds import feed_files
from .fragments import View, meeting_label, relative_url, resolve, status_text, topic_title
from .i18n import format_date, translate
from .link import Site
from .model import Meeting
from .problems import Problem, error

BUILTIN_TEMPLATES = Path(__file__).parent / "templates"


def environment(site_templates: Path) -> jinja2.Environment:
    """Templates in the site's templates/ override the built-in ones of the same name."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(site_templates),
                                    jinja2.FileSystemLoader(BUILTIN_TEMPLATES)]),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True, extensions=["jinja2.ext.i18n"], auto_reload=False)
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)
    env.globals.update(url=_url, date=_date)
    return env


@jinja2.pass_context
def _gettext(context, message: str) -> str:
    return translate(context["lang"], message)


@jinja2.pass_context
def _ngettext(context, singular: str, plural: str, count: int) -> str:
    return translate(context["lang"], singular if count == 1 else plural)


@jinja2.pass_context
def _url(context, target: str) -> str:
    if context.get("absolute"):     # 404.html is served at any depth: links from the site root
        return urlsplit(context["config"].base_url).path + target
    return relative_url(context["page_path"], target)


@jinja2.pass_context
def _date(context, value, style: str = "long") -> str:
    return format_date(value, context["lang"], style) if value else ""


def render_site(site: Site, env: jinja2.Environment) -> tuple[dict[str, bytes], list[Problem]]:
    try:
        pages = Pages(site, env)
        files = pages.all()
    except jinja2.TemplateSyntaxError as exc:
        return {}, [error(exc.filename or exc.name or "templates", exc.lineno or 1,
                          f"template error: {exc.message} — fix the template")]
    except jinja2.TemplateError as exc:
        return {}, [error(_template_path(env, exc), 1, f"template error: {exc} — fix the "
                          "template or remove it to use the built-in one")]
    return files, []


def _template_path(env, exc) -> str:
    return str(getattr(exc, "filename", None) or getattr(exc, "name", None) or "templates/")


class Pages:
    """Every page of one site; each method returns {path: bytes} for one kind of page."""

    def __init__(self, site: Site, env: jinja2.Environment):
        self.site, self.env, self.config = site, env, site.config
        self.markers = env.get_template("markers.html").make_module({"lang": self.config.language,
                                                                     "page_path": ""})

    def all(self) -> dict[str, bytes]:
        files: dict[str, bytes] = {}
        for part in (self.home(), self.bodies(), self.meetings(), self.topics(),
                     self.organisations(), self.actions(), self.decisions(), self.free_pages(),
                     self.not_found(), data_files(self.site),
                     feed_files(self.site, self.meeting_title)):
            files.update(part)
        return files

    def page(self, template: str, path: str, language: str | None = None, **context) -> bytes:
        language = language or self.config.language
        html = self.env.get_template(template).render(
            site=self.site, config=self.config, page_path=path, lang=language,
            nav=self.navigation(), **context)
        return html.encode("utf-8")

    def view(self, path: str, language: str, body: str | None) -> View:
        markers = self.markers if language == self.config.language else \
            self.env.get_template("markers.html").make_module({"lang": language, "page_path": path})
        return View(self.site, path, language, body, markers)

    def navigation(self) -> list[tuple[str, str]]:
        return [(page.title, f"{page.name}/") for page in self.site.pages]

    def meeting_title(self, meeting: Meeting, language: str | None = None) -> str:
        if meeting.title:
            return meeting.title
        body = self.config.bodies[meeting.body]
        return f"{body.name}, {format_date(meeting.date, language or body.language)}"

    def summary(self, key: str, language: str) -> dict:
        meeting = self.site.meetings[key]
        return {"meeting": meeting, "title": self.meeting_title(meeting, language),
                "path": f"{meeting.body}/{meeting.id}/",
                "body": self.config.bodies[meeting.body]}

    def home(self) -> dict[str, bytes]:
        latest = sorted(self.site.meetings, key=lambda k: self.site.meetings[k].sort_key)[-10:]
        return {"index.html": self.page(
            "home.html", "", latest=[self.summary(k, self.config.language)
                                     for k in reversed(latest)],
            outstanding=len(self.site.register.outstanding()))}

    def bodies(self) -> dict[str, bytes]:
        files = {}
        for key, body in self.config.bodies.items():
            years = defaultdict(list)
            for meeting_key in reversed(self.site.by_body[key]):
                years[self.site.meetings[meeting_key].date.year].append(
                    self.summary(meeting_key, body.language))
            files[f"{key}/index.html"] = self.page("body.html", f"{key}/", body.language,
                                                   body=body, years=list(years.items()))
        return files

    def meetings(self) -> dict[str, bytes]:
        from .meeting_page import meeting_context
        files = {}
        for key in self.site.meetings:
            meeting = self.site.meetings[key]
            language = self.config.bodies[meeting.body].language
            path = f"{meeting.body}/{meeting.id}/"
            view = self.view(path, language, meeting.body)
            files[f"{path}index.html"] = self.page(
                "meeting.html", path, language, **meeting_context(self, meeting, view))
        return files

    def topics(self) -> dict[str, bytes]:
        language = self.config.language
        topics = [(anchor, topic_title(self.site, anchor), entries)
                  for anchor, entries in self.site.topics.items()]
        files = {"topics/index.html": self.page("topics.html", "topics/", topics=topics)}
        for anchor, title, entries in topics:
            path = f"topics/{anchor}/"
            view = self.view(path, language, None)
            history = [dict(self.summary(key, language), item=next(
                i for i in self.site.meetings[key].items if i.anchor == anchor),
                label=meeting_label(self.site.meetings[key], view)) for key, _ in entries]
            files[f"{path}index.html"] = self.page(
                "topic.html", path, anchor=anchor, title=title, history=history,
                backlinks=self.backlinks(f"topic:{anchor}", view))
        return files

    def backlinks(self, key: str, view: View) -> list[dict]:
        links = []
        for link in self.site.backlinks.get(key, ()):
            meeting = self.site.meetings[link.meeting]
            item = next((i for i in meeting.items if i.anchor == link.item), None)
            links.append({"label": meeting_label(meeting, view), "item": item,
                          "path": f"{meeting.body}/{meeting.id}/"
                                  + (f"#{item.anchor}" if item else "")})
        return links

    def organisations(self) -> dict[str, bytes]:
        from .registers import organisation_pages
        return organisation_pages(self)

    def actions(self) -> dict[str, bytes]:
        from .registers import action_pages
        return action_pages(self)

    def decisions(self) -> dict[str, bytes]:
        from .registers import decision_page
        return decision_page(self)

    def free_pages(self) -> dict[str, bytes]:
        files = {}
        for page in self.site.pages:
            path = f"{page.name}/"
            view = self.view(path, self.config.language, None)
            files[f"{path}index.html"] = self.page("page.html", path, page=page,
                                                   content=resolve(page.html, page, view))
        return files

    def not_found(self) -> dict[str, bytes]:
        # Served at any depth, so its links are absolute from base_url, not relative.
        return {"404.html": self.page("404.html", "", absolute=True)}
