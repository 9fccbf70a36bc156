"""Stage 4: page plans (pages.py) become HTML through Jinja2. Touches no disk but templates."""
from __future__ import annotations

import functools
import gc
import multiprocessing
import os
import traceback
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from .cache import can_fork
from .fragments import relative_url
from .i18n import format_date, translate
from .link import Site
from .problems import BuildFailed, error

BUILTIN_TEMPLATES = Path(__file__).parent / "templates"


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept for the life of the process (serve, tests) when no .cache/."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


_IN_MEMORY = _MemoryBytecodeCache()


def environment(site_templates: Path, cache_dir: Path | None = None) -> jinja2.Environment:
    """Templates in the site's templates/ override the built-in ones of the same name.
    Compiling them costs more than rendering a small site: compiled code is cached, keyed
    by each template's source."""
    bytecode = _IN_MEMORY
    if cache_dir is not None:
        (cache_dir / "templates").mkdir(parents=True, exist_ok=True)
        bytecode = jinja2.FileSystemBytecodeCache(str(cache_dir / "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(site_templates),
                                    jinja2.FileSystemLoader(BUILTIN_TEMPLATES)]),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True, extensions=["jinja2.ext.i18n"], auto_reload=False,
        bytecode_cache=bytecode)
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)
    env.globals.update(url=_url, date=_date, lang_attr=_lang_attr)
    return env


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
    """(path, HTML) for every plan, as they are made, so the write stage can store them as
    they come and a large archive is never held in memory twice. On a cold build of a large
    archive the pages are rendered on every core. A template error raises BuildFailed."""
    global _job
    shared = {"config": site.config, "audience": site.audience,
              "nav": [(page.title, f"{page.name}/") for page in site.pages]}
    paths = list(plans)
    workers = min(os.cpu_count() or 1, 8)
    try:
        if len(paths) < POOL_THRESHOLD or workers < 2 or not can_fork():
            for path in paths:
                yield path, _render(plans, shared, env, [path])[0]
            return
        _job = (plans, shared, env)
        tasks = max(workers * 4, len(paths) // CHUNK)
        chunks = [paths[i::tasks] for i in range(tasks)]    # big list pages spread out
        gc.freeze()                 # workers then do not copy the whole heap to collect it
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            for chunk, pages in zip(chunks, pool.map(_render_chunk, chunks)):
                yield from zip(chunk, pages)
    except jinja2.TemplateSyntaxError as exc:
        raise BuildFailed([error(exc.filename or exc.name or "templates", exc.lineno or 1,
                                 f"template error: {exc.message} — fix the template")]) from None
    except TemplateFailed as exc:
        path, line, message = exc.args
        raise BuildFailed([error(path, line, f"template error: {message} — fix the template "
                                 "or remove it to use the built-in one")]) from None
    finally:
        _job = None
        gc.unfreeze()


def _render_chunk(paths: list[str]) -> list[bytes]:
    plans, shared, env = _job
    return _render(plans, shared, env, paths)


def _render(plans: dict, shared: dict, env: jinja2.Environment, paths: list[str]) -> list[bytes]:
    pages = []
    for path in paths:
        plan = plans[path]
        page_path = path.removesuffix("index.html") if path.endswith("index.html") else ""
        template = env.get_template(plan.template)
        try:
            pages.append(template.render(
                page_path=page_path, lang=plan.language, _=translator(plan.language), **shared,
                **plan.context()).encode())
        except Exception as exc:    # the template's own error, or a fault in its code (1/0)
            raise TemplateFailed(*_template_line(exc, template.filename or plan.template),
                                 _describe(exc)) from None
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
