"""The build, top to bottom: load -> model -> link -> render -> write."""
from __future__ import annotations

import gc
import hashlib
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .memo import Inputs, fingerprint, page_salt, read_memo, recall, remember
from .problems import BuildFailed, Problem, errors_of
from .progress import Progress, counted
from .write import intact

if TYPE_CHECKING:
    from .config import Config

# The stages are imported inside the functions that run them: a build with nothing to do
# (see memo.py) then costs the interpreter start and one read of the inputs, nothing more.


@dataclass
class Result:
    problems: list[Problem] = field(default_factory=list)   # warnings that did not stop it
    pages: int = 0
    written: int = 0
    search_seconds: float = 0.0     # time spent indexing for search (0 when it was kept)
    search_pending: bool = False    # the search index was left for refresh_search()


def default_output(config_path: Path, audience: str) -> Path:
    return config_path.parent / ("output" if audience == "public" else "output-members")


def build(config_path: Path, output: Path | None = None, audience: str = "public",
          strict: bool = False, cache: bool = True, progress: Progress | None = None,
          search_now: bool = True) -> Result:
    """Build the site; raises BuildFailed with every problem and leaves the output untouched.
    `progress(step, done, total)` hears of each file parsed and page rendered.
    With `search_now` false (serve), a changed site keeps its previous search index, and
    `refresh_search` brings it up to date once the pages are published."""
    output = (output or default_output(config_path, audience)).resolve()
    _check_output(config_path, output)
    cache_dir = config_path.parent.resolve() / ".cache" if cache else None
    memo = _cache_file(cache_dir, "memo", output)
    record = read_memo(memo)
    inputs = fingerprint(config_path, audience, strict, output, record.get("table")) \
        if memo and config_path.is_file() else None
    remembered = recall(record, inputs.print) if inputs else None
    if remembered is not None and intact(output, _cache_file(cache_dir, "manifest", output)):
        return Result(*remembered, written=0)
    with cycle_collector_off():
        config = configure(config_path)
        result = text_edit(config, output, audience, cache_dir, inputs, progress, search_now) \
            if inputs else None
        if result is None:
            result = run_stages(config, output, audience, strict, cache_dir, progress,
                                search_now, inputs)
    if inputs and not result.search_pending:
        remember(memo, inputs, result.problems, result.pages)
    return result


def run_stages(config: Config, output: Path, audience: str, strict: bool,
               cache_dir: Path | None, progress: Progress | None = None,
               search_now: bool = True, inputs: Inputs | None = None) -> Result:
    """load -> model -> link -> render -> write; with `inputs`, the snapshot is kept for
    the next build (text_edit)."""
    from . import snapshot
    from .link import link
    from .load import overwritten, read_static
    from .pages import plan_site
    from .write import digest, reusable
    archive, problems = model(config, cache_dir, progress)
    assets, static_problems = read_static(config)
    site, link_problems = link(archive, config, audience)
    problems = sorted(problems + static_problems + link_problems)
    _stop_on(problems, strict)
    plans, files = plan_site(site)
    _stop_on(overwritten(assets, {**plans, **files}), strict)
    files.update({name: data for name, (_, data) in assets.items()})
    page_digests = _page_digests(config, audience, site, plans)
    manifest = {**page_digests, **{path: digest(data) for path, data in files.items()}}
    reused = reusable(output, _cache_file(cache_dir, "manifest", output), page_digests)
    fresh = {path: plan for path, plan in plans.items() if path not in reused}
    written, search, manifest = _publish(config, site, fresh, files, manifest, reused, output,
                                         cache_dir, progress, search_now)
    if inputs is not None:
        snapshot.keep(snapshot.paths(_cache_file(cache_dir, "snapshot", output)), inputs, site,
                      archive.parsed, problems, search.shards)
    return Result(problems, len(manifest), written, search.seconds, search.pending)


def text_edit(config: Config, output: Path, audience: str, cache_dir: Path | None,
              inputs: Inputs, progress: Progress | None = None, search_now: bool = True
              ) -> Result | None:
    """The build after an edit of meetings' text alone (see snapshot.py): their pages,
    rendered in the site of the last build; None when it must run in full."""
    from . import snapshot
    from .load import read_source
    from .pages import Planner, meeting_plan
    from .parse import parse_source
    from .search import BUNDLE
    from .write import all_present, read_manifest
    files = snapshot.paths(_cache_file(cache_dir, "snapshot", output))
    recalled = snapshot.recall(files, inputs)
    if recalled is None or not recalled[1]:
        return None
    state, changed = recalled
    sources = [read_source(config, config.root / name) for name in changed]
    if None in sources or any(source.body is None for source in sources):
        return None
    parsed = [parse_source(source, config) for source in sources]
    if not snapshot.outlined(state, list(zip(sources, parsed))):
        return None
    edited = [meeting for meeting, _ in parsed]
    site = snapshot.site_of(files, state, edited)
    manifest = {path: made_by for path, made_by
                in read_manifest(_cache_file(cache_dir, "manifest", output)).items()
                if not path.startswith(BUNDLE)}    # the search step adds its files again
    if site is None or not manifest or not all_present(output, manifest):
        return None
    planner = Planner(site)
    plans = dict(meeting_plan(planner, m) for m in edited if m.key in site.meetings)
    page_digests = _page_digests(config, audience, site, plans)
    fresh = {path: plan for path, plan in plans.items() if manifest[path] != page_digests[path]}
    manifest.update(page_digests)
    written, search, manifest = _publish(config, site, fresh, {}, manifest,
                                         manifest.keys() - fresh.keys(), output, cache_dir,
                                         progress, search_now, state.shards)
    snapshot.write_state(files, snapshot.edited_state(state, inputs, sources))
    return Result(state.problems, len(manifest), written, search.seconds, search.pending)


def _page_digests(config: Config, audience: str, site, plans: dict) -> dict[str, str]:
    salt = page_salt(config.path, config.root / "templates", audience,
                     [(page.title, page.name) for page in site.pages])
    return {path: plan.digest(path, salt) for path, plan in plans.items()}


def _publish(config: Config, site, fresh: dict, files: dict[str, bytes], manifest: dict[str, str],
             reused, output: Path, cache_dir: Path | None, progress: Progress | None,
             search_now: bool, shards: list | None = None):
    """Render the `fresh` plans and write the site of `manifest`; returns the files written,
    the search step, and the manifest of the site as written (with the search files)."""
    from .render import environment, render_pages
    from .search import SearchStep
    from .write import UnsafePath, write_site
    manifest_path = _cache_file(cache_dir, "manifest", output)
    pages = counted(render_pages(fresh, site, environment(config.root / "templates", cache_dir)),
                    "rendering", len(fresh), progress)
    search = SearchStep(config, output, _cache_file(cache_dir, "search", output), manifest_path)
    finish = search.plan(site, manifest, reused, search_now, shards)
    in_order = dict(sorted(manifest.items()))
    try:
        written = write_site(in_order, itertools.chain(search.watch(pages), files.items()),
                             output, manifest_path, finish)
    except UnsafePath as exc:
        raise BuildFailed([Problem(str(config.path), 1, f"refusing to write outside the output "
                                   f"folder: {exc} — rename the file or anchor")]) from None
    search.done()
    return written, search, in_order


@contextmanager
def cycle_collector_off() -> Iterator[None]:
    """A build makes millions of objects that live until it ends (the parsed archive, the
    linked site, the page plans) and almost no reference cycles: a cold build of 1,000
    meetings leaves under 600 objects for the collector. Python's cyclic collector would
    walk the live ones again and again (4-6 s of an edit at 10,000 meetings), so it is off
    while a build runs; reference counting still frees everything else as it goes."""
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
    from .search import SearchStep
    output = (output or default_output(config_path, audience)).resolve()
    cache_dir = config_path.parent.resolve() / ".cache" if cache else None
    return SearchStep(configure(config_path), output, _cache_file(cache_dir, "search", output),
                      _cache_file(cache_dir, "manifest", output)).refresh()


def check(config_path: Path, strict: bool = False) -> Result:
    """Everything a build validates, for both audiences, without writing anything."""
    with cycle_collector_off():
        return _check(configure(config_path), strict)


def _check(config: Config, strict: bool) -> Result:
    from .link import link
    from .load import overwritten, read_static
    from .pages import plan_site
    from .render import environment, render_pages
    archive, problems = model(config, config.root / ".cache")
    assets, static_problems = read_static(config)
    site, link_problems = link(archive, config, "members")
    problems = sorted(problems + static_problems + link_problems)
    _stop_on(problems, strict)
    plans, files = plan_site(site)
    _stop_on(overwritten(assets, {**plans, **files}), strict)
    for _ in render_pages(plans, site, environment(config.root / "templates",
                                                   config.root / ".cache")):
        pass                        # a template error raises BuildFailed
    return Result(problems, len(plans) + len(files))


def configure(config_path: Path) -> Config:
    from .config import load_config
    config, problems = load_config(config_path)
    if config is None:
        raise BuildFailed(problems)
    return config


@dataclass(frozen=True)
class Archive:
    """What the model stage read: meetings, pages, keys of files too broken to read, and
    each source file as parsed (by its path; see cache.Parsed)."""
    meetings: list
    pages: list
    unreadable: frozenset[str]
    parsed: dict


def model(config: Config, cache_dir: Path | None, progress: Progress | None = None
          ) -> tuple[Archive, list[Problem]]:
    """Broken files do not stop the build here, so one run reports every stage's problems."""
    from .cache import parse_all
    from .load import read_sources
    from .model import Meeting, Page
    sources, problems, unread = read_sources(config)
    parsed, parse_problems, unreadable, facts = parse_all(sources, config, cache_dir, progress)
    return Archive([p for p in parsed if isinstance(p, Meeting)],
                   [p for p in parsed if isinstance(p, Page)],
                   frozenset(unreadable | unread), facts), problems + parse_problems


def _check_output(config_path: Path, output: Path) -> None:
    """The output folder is replaced whole: it may not hold (or be inside) the sources, be a
    file, or be a folder of other files (a mistyped --output must not wipe out a folder)."""
    root = config_path.parent.resolve()
    inside = [root / name for name in ("content", "templates", "static", ".cache", ".git")]
    if output == root or root.is_relative_to(output) or any(
            output == folder or output.is_relative_to(folder) for folder in inside):
        _refuse(config_path, f"the output folder {output} holds the site's own files and would "
                "be replaced — choose a folder of its own, like output/")
    if output.exists() and not output.is_dir():
        _refuse(config_path, f"the output folder {output} is a file, and would be replaced — "
                "choose a folder of its own, like output/")
    if output.is_dir() and not (output / "assets/notulist.css").is_file() and any(
            output.iterdir()):
        _refuse(config_path, f"the output folder {output} holds files a build did not write, "
                "and would be replaced with all of them — choose a new or empty folder")


def _refuse(config_path: Path, message: str) -> None:
    raise BuildFailed([Problem(str(config_path), 1, message)])


def _stop_on(problems: list[Problem], strict: bool) -> None:
    if errors_of(problems, strict):
        raise BuildFailed(problems)


def _cache_file(cache_dir: Path | None, kind: str, output: Path) -> Path | None:
    """The cache file of one kind for one output folder (builds may target several)."""
    if cache_dir is None:
        return None
    name = hashlib.sha1(str(output).encode()).hexdigest()[:16]
    return cache_dir / f"{kind}-{name}.json"
