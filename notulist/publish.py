"""The back half of a build: plan -> render -> index and write, for every stage's result
(run_stages) and for a text edit. Each stage is imported where it runs (see pipeline.py)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .problems import BuildFailed, Problem, error, stop_on
from .progress import Progress

if TYPE_CHECKING:
    from .incremental.store import Store
    from .incremental.text_edit import TextEdit
    from .link import Site
    from .load.config import Config
    from .load.inputs import Inputs
    from .load.templates import Templates


@dataclass
class Result:
    problems: list[Problem] = field(default_factory=list)   # warnings that did not stop it
    pages: int = 0
    written: int = 0
    search_seconds: float = 0.0     # time spent indexing for search (0 when it was kept)
    search_pending: bool = False    # the search index was left for refresh_search()


@dataclass(frozen=True)
class Gathered:
    """What load, model and link made of a site for one audience."""
    site: Site
    archive: object                 # incremental.parse_cache.Archive
    assets: dict[str, tuple[Path, bytes]]
    templates: Templates
    problems: list[Problem]


def publish_text_edit(config: Config, edit: TextEdit, store: Store, inputs: Inputs,
                      progress: Progress | None, search_now: bool) -> Result | None:
    """The pages of the edited meetings, rendered in the last build's site and published
    with the rest of the output as it is; None when that output is not whole."""
    from .incremental.text_edit import remember_text_edit
    from .link.shards import BUNDLE
    from .load.templates import read_templates
    from .render.plans import Planner, meeting_plan, page_digests
    from .write.output import all_present, read_manifest
    manifest = {path: made_by for path, made_by in read_manifest(store).items()
                if not path.startswith(BUNDLE)}    # the search step adds its files again
    templates, problems = read_templates(config.root / "templates")
    if problems or not manifest or not all_present(store.output, manifest):
        return None
    planner = Planner(edit.site)
    plans = dict(meeting_plan(planner, m) for m in edit.meetings if m.key in edit.site.meetings)
    pages = page_digests(plans, page_salt(config, templates, edit.site))
    fresh = {path: plan for path, plan in plans.items() if manifest[path] != pages[path]}
    manifest.update(pages)
    gathered = Gathered(edit.site, None, {}, templates, edit.problems)
    written, search, count = publish(config, gathered, fresh, {}, manifest,
                                      manifest.keys() - fresh.keys(), store, progress,
                                      search_now)
    remember_text_edit(store, edit, inputs)
    return Result(edit.problems, count, written, search.seconds, search.pending)


def page_salt(config: Config, templates: Templates, site: Site) -> str:
    """What every page depends on besides its own plan: engine, config, templates, menu."""
    from .digests import value_digest
    from .load.inputs import engine_digest
    menu = [(page.title, page.name) for page in site.pages]
    return value_digest((engine_digest(), config.source_digest, templates.digest,
                         site.audience, menu, site.people.digest))


def publish(config: Config, gathered: Gathered, fresh: dict, files: dict[str, bytes],
             manifest: dict[str, str], reused, store: Store, progress: Progress | None,
             search_now: bool):
    """Render the `fresh` plans, stage the site of `manifest`, index it for search and swap
    it in; returns the files written, the search step and the files of the site."""
    from .progress import counted
    from .render.templates import environment, render_checked
    from .write.output import staged
    from .write.search_index import SearchStep
    from .write.spare import UnsafePath
    env = environment(gathered.templates, store.template_cache())
    leaks = leak_scan(config, gathered.site, gathered.assets)
    pages = counted(render_checked(fresh, gathered.site, env,
                                   leaks.found_in if leaks.active else None),
                    "rendering", len(fresh), progress)    # the scan runs where pages render
    search = SearchStep(config, store, gathered.site.shards, search_now)
    search_work = search.plan(manifest, reused)
    manifest = dict(sorted(manifest.items()))       # the site as written, search files added
    try:
        with staged(store, manifest, search_work) as staging:
            for path, data, withheld in (pages if staging else ()):
                leaks.record(path, withheld or [])
                staging.put(path, data)
                search.saw(path, data)
            for path, data in (files.items() if staging else ()):
                leaks.saw(path, data)
                staging.put(path, data)
            if staging:
                stop_on(leaks.problems(), strict=False)    # before the swap: nothing published
                staging.keep_the_rest()
                if search_work:
                    with search.indexed(staging.folder) as (made, kept):
                        staging.index(made, kept)   # Pagefind's files linked, not copied
    except UnsafePath as exc:
        raise BuildFailed([error(config.path, 1, f"refusing to write outside the output "
                                 f"folder: {exc} — rename the file or anchor")]) from None
    search.done()
    return (staging.written if staging else 0), search, len(manifest)


def leak_scan(config: Config, site: Site, assets: dict | None = None):
    """The public build's check that no withheld name is left (write/leak_scan.py)."""
    from .urls import meeting_file
    from .write.leak_scan import LeakScan
    pages = {f"{page.name}/index.html": page.path for page in site.pages}
    pages.update({name: source for name, (source, _) in (assets or {}).items()})
    meetings = {meeting_file(key): key for key in site.meetings}    # paths only on a hit

    def source_of(output: str | None) -> list[Path]:
        if output is None:
            return [*pages.values(), *(site.meetings[key].path for key in meetings.values())]
        key = meetings.get(output)
        return [site.meetings[key].path] if key else [pages[output]] if output in pages else []
    public = [form for form, shown in site.people.matcher.shown.items() if shown is None]
    return LeakScan(site.people.needles, source_of, config.path, public)
