"""Stage 4: page plans (pages.py) become HTML through Jinja2. Touches no disk but templates."""
from __future__ import annotations

import functools
import traceback
from concurrent.futures import as_completed
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from ..urls import relative_url
from ..workers import forked_pool, worker_count, worth_a_pool
from ..i18n import format_date, translate
from ..link.site import Site
from ..problems import BuildFailed, error

if TYPE_CHECKING:
    from ..load.templates import Templates

def environment(templates: Templates, bytecode_cache: jinja2.BytecodeCache | None = None
                ) -> jinja2.Environment:
    """The templates as load read them (a site's own over the built-in ones). Compiling
    them costs more than rendering a small site: the store keeps the compiled code."""
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: _source(templates, name)),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True, extensions=["jinja2.ext.i18n"], auto_reload=False,
        bytecode_cache=bytecode_cache)
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)
    env.globals.update(url=_url, date=_date, lang_attr=_lang_attr)
    return env


def _source(templates: Templates, name: str) -> tuple[str, str, Callable[[], bool]] | None:
    found = templates.sources.get(name)
    return None if found is None else (found[0], found[1], lambda: True)


@jinja2.pass_context
def _gettext(context, message: str) -> str:
    return translate(context["lang"], message)


@jinja2.pass_context
def _ngettext(context, singular: str, plural: str, count: int) -> str:
    return translate(context["lang"], singular if count == 1 else plural)


@functools.cache
def translator(language: str):
    """`_` in the templates of a page in `language`: the i18n extension's newstyle gettext
    (the translation marked safe, `%(name)s` values escaped into it), without its two
    calls through the template context a string. A page calls it dozens of times."""
    marked: dict[str, tuple[Markup, bool]] = {}

    def gettext(message: str, **values) -> Markup:
        found = marked.get(message)
        if found is None:
            text = translate(language, message)
            found = marked[message] = (Markup(text), "%" in text)
        return found[0] % values if found[1] else found[0]
    return gettext


@jinja2.pass_context
def _url(context, target: str) -> str:
    if context.get("absolute"):     # 404.html is served at any depth: links from the site root
        return urlsplit(context["config"].base_url).path + target
    return relative_url(context["page_path"], target)


@jinja2.pass_context
def _lang_attr(context, language: str) -> Markup:
    """` lang="en"` on text in another language than the page's (WCAG 3.1.2), else nothing."""
    return Markup(' lang="{}"').format(language) if language != context["lang"] else Markup()


@jinja2.pass_context
def _date(context, value, style: str = "long") -> str:
    return format_date(value, context["lang"], style) if value else ""


POOL_THRESHOLD = 400            # pages; below this a process pool costs more than it saves
CHUNK = 64                      # pages a worker renders per task
_job: tuple | None = None       # (plans, shared values, env) inherited by forked workers


def render_pages(plans: dict, site: Site, env: jinja2.Environment) -> Iterator[tuple[str, bytes]]:
    """(path, HTML) for every plan, as they are made (see render_checked)."""
    return ((path, page) for path, page, _ in render_checked(plans, site, env))


def render_checked(plans: dict, site: Site, env: jinja2.Environment,
                   inspect: Callable[[str, bytes], object] | None = None
                   ) -> Iterator[tuple[str, bytes, object]]:
    """(path, HTML, inspect(path, HTML) or None) for every plan, as they are made, so the
    write stage can store them as they come and a large archive is never held in memory
    twice. On a cold build of a large archive the pages are rendered on every core, and
    `inspect` (the public build's leak scan) runs there too. A template error raises
    BuildFailed."""
    global _job
    shared = {"config": site.config, "audience": site.audience,
              "nav": [(page.title, f"{page.name}/") for page in site.pages]}
    paths = list(plans)
    try:
        if not worth_a_pool(len(paths), POOL_THRESHOLD):
            for path in paths:
                yield path, *_render(plans, shared, env, [path], inspect)[0]
            return
        _job = (plans, shared, env, inspect)
        tasks = max(worker_count() * 4, len(paths) // CHUNK)
        chunks = [paths[i::tasks] for i in range(tasks)]    # big list pages spread out
        for chunk, pages in _as_rendered(chunks):
            for path, (page, found) in zip(chunk, pages):
                yield path, page, found
    except (jinja2.TemplateSyntaxError, TemplateFailed) as exc:
        raise BuildFailed([_template_problem(exc)]) from None
    finally:
        _job = None


def _template_problem(exc: Exception):
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return error(exc.filename or exc.name or "templates", exc.lineno or 1,
                     f"template error: {exc.message} — fix the template")
    path, line, message = exc.args
    return error(path, line, f"template error: {message} — fix the template or remove it "
                 "to use the built-in one")


def _as_rendered(chunks: list[list[str]]) -> Iterator[tuple[list[str], list]]:
    """Each chunk with its pages, in the order the workers finish them: the write stage
    stores a chunk as soon as it is done instead of waiting for the one before it. The
    files are the same in any order."""
    with forked_pool() as pool:
        futures = {pool.submit(_render_chunk, chunk): chunk for chunk in chunks}
        try:
            for future in as_completed(futures):
                yield futures[future], future.result()
        finally:
            for future in futures:
                future.cancel()     # after an error, the chunks not yet started


def _render_chunk(paths: list[str]) -> list[tuple[bytes, object]]:
    plans, shared, env, inspect = _job
    return _render(plans, shared, env, paths, inspect)


def _render(plans: dict, shared: dict, env: jinja2.Environment, paths: list[str],
            inspect: Callable[[str, bytes], object] | None = None
            ) -> list[tuple[bytes, object]]:
    pages = []
    for path in paths:
        plan = plans[path]
        page_path = path.removesuffix("index.html") if path.endswith("index.html") else ""
        template = env.get_template(plan.template)
        try:
            page = template.render(
                page_path=page_path, lang=plan.language, _=translator(plan.language), **shared,
                **plan.context()).encode()
        except Exception as exc:    # the template's own error, or a fault in its code (1/0)
            raise TemplateFailed(*_template_line(exc, template.filename or plan.template),
                                 _describe(exc)) from None
        pages.append((page, inspect(path, page) if inspect else None))
    return pages


class TemplateFailed(Exception):
    """A template failed while a page was rendered: (template file, line, what). Plain
    values, so a worker process can hand it back."""


def _template_line(exc: BaseException, fallback: str) -> tuple[str, int]:
    """The innermost template line the error passed through: Jinja2 puts its templates'
    file names and lines in the traceback."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt")) and frame.lineno:
            return frame.filename, frame.lineno
    return fallback, 1


def _describe(exc: BaseException) -> str:
    if isinstance(exc, jinja2.TemplateNotFound):
        return f"no template named {exc.name}"
    if isinstance(exc, jinja2.TemplateError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"
