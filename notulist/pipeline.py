"""The build, top to bottom: guard the output -> shortcut? -> configure -> gather (load,
model, link) -> plan and render -> index and write -> remember. `check` and `new` gather
the same way."""
from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .incremental import memo
from .publish import Gathered, Result, leak_scan, page_salt, publish, publish_text_edit
from .incremental.store import Store
from .load.inputs import Inputs, fingerprint
from .problems import BuildFailed, Problem, error, stop_on
from .progress import Progress
from .write.output import guard_output, intact
from .write.spare import locked

if TYPE_CHECKING:
    from .incremental.text_edit import TextEdit
    from .load.config import Config

# The stages are imported inside the functions that run them: a build with nothing to do
# (see incremental/memo.py) then costs the interpreter start and one read of the inputs.


def default_output(config_path: Path, audience: str) -> Path:
    return config_path.parent / ("output" if audience == "public" else "output-members")


def build(config_path: Path, output: Path | None = None, audience: str = "public",
          strict: bool = False, cache: bool = True, progress: Progress | None = None,
          search_now: bool = True) -> Result:
    """Build the site; raises BuildFailed with every problem and leaves the output untouched.
    `progress(step, done, total)` hears of each file parsed and page rendered.
    With `search_now` false (serve), a changed site keeps its previous search index, and
    `refresh_search` brings it up to date once the pages are published."""
    output = guard_output(config_path, output or default_output(config_path, audience))
    store = Store.beside(config_path, output, cache)
    with locked(output):            # one build at a time reads and writes output and records
        stopped = _stopped_build(config_path, store)
        inputs = _inputs(store, config_path, audience, strict)
        remembered = memo.recall(store, inputs) if inputs else None
        if remembered is not None and intact(store):
            return Result(remembered[0] + stopped, remembered[1], written=0)
        memo.forget(store)
        with cycle_collector_off():
            config = configure(config_path)
            edit = _text_edit(config, store, inputs)
            result = (edit and publish_text_edit(config, edit, store, inputs, progress,
                                                 search_now)) \
                or run_stages(config, audience, strict, store, progress, search_now, inputs)
        if inputs:
            memo.remember(store, inputs, result.problems, result.pages, result.search_pending)
        result.problems = result.problems + stopped
        return result


def _stopped_build(config_path: Path, store: Store) -> list[Problem]:
    """A build killed before it finished (its lock is free again) left folders: removed,
    with a warning that says so."""
    from .problems import warning
    from .write.output import remove_leftovers
    left = remove_leftovers(store)
    return [warning(config_path, 1, f"a build of {store.output} was stopped before it "
                    f"finished; its leftovers were removed ({', '.join(left)})")] if left else []


def _inputs(store: Store, config_path: Path, audience: str, strict: bool) -> Inputs | None:
    if store.folder is None or not config_path.is_file():
        return None
    return fingerprint(config_path, audience, strict, store.output, memo.known_table(store))


def _text_edit(config: Config, store: Store, inputs: Inputs | None) -> TextEdit | None:
    from .incremental.text_edit import find_text_edit
    return find_text_edit(config, store, inputs) if inputs else None


def run_stages(config: Config, audience: str, strict: bool, store: Store,
               progress: Progress | None = None, search_now: bool = True,
               inputs: Inputs | None = None) -> Result:
    """gather -> plan -> render -> index and write; with `inputs`, the snapshot is kept for
    the next build (incremental/text_edit.py)."""
    from .digests import digest
    from .incremental import snapshot
    from .render.plans import page_digests, plan_site
    from .write.output import reusable
    gathered = gather(config, store, audience, progress)
    stop_on(gathered.problems, strict)
    plans, files = plan_site(gathered.site)
    stop_on(_overwritten(gathered.assets, {**plans, **files}), strict)
    files.update({name: data for name, (_, data) in gathered.assets.items()})
    pages = page_digests(plans, page_salt(config, gathered.templates, gathered.site))
    manifest = {**pages, **{path: digest(data) for path, data in files.items()}}
    reused = reusable(store, pages)
    fresh = {path: plan for path, plan in plans.items() if path not in reused}
    written, search, count = publish(config, gathered, fresh, files, manifest, reused,
                                      store, progress, search_now)
    if inputs is not None:
        snapshot.keep(store, inputs, gathered.site, gathered.archive.parsed, gathered.problems)
    return Result(gathered.problems, count, written, search.seconds, search.pending)


def gather(config: Config, store: Store, audience: str, progress: Progress | None = None
           ) -> Gathered:
    """load -> model -> link. Broken files do not stop it, so one run reports every
    stage's problems."""
    from .incremental.parse_cache import model
    from .link import link
    from .load.files import read_static
    from .load.git_history import read_history
    from .load.templates import read_templates
    archive, problems = model(config, store, progress)
    assets, static_problems = read_static(config)
    templates, template_problems = read_templates(config.root / "templates")
    history, history_problems = read_history(config) if config.woo and audience == "public" \
        else (None, [])
    site, link_problems = link(archive, config, audience, history)
    return Gathered(site, archive, assets, templates,
                    sorted([*config.warnings, *problems, *static_problems, *template_problems,
                            *history_problems, *link_problems]))


def _overwritten(assets, generated) -> list[Problem]:
    from .load.files import overwritten
    return overwritten(assets, generated)


@contextmanager
def cycle_collector_off() -> Iterator[None]:
    """A build makes millions of objects that live until it ends and almost no reference
    cycles (docs/performance.md), so Python's cyclic collector is off while a build runs;
    reference counting still frees everything else as it goes."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def refresh_search(config_path: Path, output: Path | None = None, audience: str = "public",
                   cache: bool = True) -> float:
    """Bring the search index of a published site up to date (after build(search_now=False));
    returns the seconds spent indexing, 0 when it was up to date."""
    from .write.search_index import SearchStep
    output = (output or default_output(config_path, audience)).resolve()
    store = Store.beside(config_path, output, cache)
    with locked(output):
        seconds = SearchStep(configure(config_path), store).refresh()
        memo.search_done(store)
        return seconds


def check(config_path: Path, strict: bool = False) -> Result:
    """Everything a build validates, for both audiences, without writing anything."""
    from .render.plans import plan_site
    from .render.templates import environment, render_pages
    with cycle_collector_off():
        config = configure(config_path)
        store = Store.beside(config_path, default_output(config_path, "members"))
        gathered = gather(config, store, "members")
        stop_on(gathered.problems, strict)
        plans, files = plan_site(gathered.site)
        stop_on(_overwritten(gathered.assets, {**plans, **files}), strict)
        env = environment(gathered.templates, store.template_cache())
        for _ in render_pages(plans, gathered.site, env):
            pass                    # a template error raises BuildFailed
        stop_on(gathered.problems + _public_leaks(config, store, env), strict)
    return Result(gathered.problems, len(plans) + len(files))


def _public_leaks(config: Config, store: Store, env) -> list[Problem]:
    """The leak check of the public build, when the registry withholds any name."""
    from .render.plans import plan_site
    from .render.templates import render_checked
    public = gather(config, store, "public")
    if not public.site.people.needles:
        return []
    leaks = leak_scan(config, public.site)
    plans, files = plan_site(public.site)
    for path, _, withheld in render_checked(plans, public.site, env, leaks.found_in):
        leaks.record(path, withheld)
    for path, data in files.items():
        leaks.saw(path, data)
    return leaks.problems()


def new_meeting(config_path: Path, body: str, date: dt.date) -> Path:
    """`new BODY`: a meeting file of `body` on `date`, filled in from its previous meeting."""
    from .load.files import meeting_ids
    from .render.new_meeting import meeting_file
    from .write.output import create_file
    config = configure(config_path)
    if body not in config.bodies:
        raise BuildFailed([error(config.path, 1, f"there is no body `{body}` — use one "
                                 f"of: {', '.join(config.bodies)}")])
    store = Store.beside(config_path, default_output(config_path, "members"))
    gathered = gather(config, store, "members")
    stop_on(gathered.problems, strict=False)
    meeting_id, text = meeting_file(gathered.site, body, date, meeting_ids(config, body))
    return create_file(config.content_dir / body / f"{meeting_id}.md", text)


def configure(config_path: Path) -> Config:
    from .load.config import load_config
    config, problems = load_config(config_path)
    if config is None:
        raise BuildFailed(problems)
    return config
