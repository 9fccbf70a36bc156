"""The build, top to bottom: load -> model -> link -> render -> write."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .cache import parse_all
from .config import Config, load_config
from .link import link
from .load import read_sources, static_assets
from .model import Meeting, Page
from .problems import BuildFailed, Problem, errors_of
from .pages import plan_site
from .render import environment, render_pages, shared_digest
from .write import UnsafePath, reusable, write_site


@dataclass
class Result:
    problems: list[Problem] = field(default_factory=list)   # warnings that did not stop it
    pages: int = 0
    written: int = 0


def default_output(config_path: Path, audience: str) -> Path:
    return config_path.parent / ("output" if audience == "public" else "output-members")


def build(config_path: Path, output: Path | None = None, audience: str = "public",
          strict: bool = False, cache: bool = True) -> Result:
    """Build the site; raises BuildFailed with every problem and leaves the output untouched."""
    config = configure(config_path)
    cache_dir = config.root / ".cache" if cache else None
    archive, problems = model(config, cache_dir)
    site, link_problems = link(archive, config, audience)
    problems = sorted(problems + link_problems)
    _stop_on(problems, strict)
    plans, files = plan_site(site)
    salt = shared_digest(site, config.root / "templates")
    digests = {path: plan.digest(path, salt) for path, plan in plans.items()}
    output = (output or default_output(config_path, audience)).resolve()
    manifest = _manifest_path(cache_dir, output)
    reused = reusable(output, manifest, digests)
    rendered, render_problems = render_pages(
        {path: plan for path, plan in plans.items() if path not in reused}, site,
        environment(config.root / "templates"))
    assets, asset_problems = static_assets(config, {**plans, **files})
    _stop_on(render_problems + asset_problems, strict)
    try:
        written = write_site({**rendered, **files}, digests, reused, assets, output, manifest)
    except UnsafePath as exc:
        raise BuildFailed([Problem(str(config.path), 1, f"refusing to write outside the output "
                                   f"folder: {exc} — rename the file or anchor")]) from None
    return Result(problems, len(plans) + len(files) + len(assets), written)


def check(config_path: Path, strict: bool = False) -> Result:
    """Everything a build validates, for both audiences, without writing anything."""
    config = configure(config_path)
    archive, problems = model(config, config.root / ".cache")
    site, link_problems = link(archive, config, "members")
    problems = sorted(problems + link_problems)
    _stop_on(problems, strict)
    plans, files = plan_site(site)
    _, render_problems = render_pages(plans, site, environment(config.root / "templates"))
    _stop_on(render_problems + static_assets(config, {**plans, **files})[1], strict)
    return Result(problems, len(plans) + len(files))


def configure(config_path: Path) -> Config:
    config, problems = load_config(config_path)
    if config is None:
        raise BuildFailed(problems)
    return config


@dataclass(frozen=True)
class Archive:
    """What the model stage read: meetings, pages, and keys of files too broken to read."""
    meetings: list[Meeting]
    pages: list[Page]
    unreadable: frozenset[str]


def model(config: Config, cache_dir: Path | None) -> tuple[Archive, list[Problem]]:
    """Broken files do not stop the build here, so one run reports every stage's problems."""
    sources, problems = read_sources(config)
    parsed, parse_problems, unreadable = parse_all(sources, config, cache_dir)
    return Archive([p for p in parsed if isinstance(p, Meeting)],
                   [p for p in parsed if isinstance(p, Page)],
                   frozenset(unreadable)), problems + parse_problems


def _stop_on(problems: list[Problem], strict: bool) -> None:
    if errors_of(problems, strict):
        raise BuildFailed(problems)


def _manifest_path(cache_dir: Path | None, output: Path) -> Path | None:
    if cache_dir is None:
        return None
    name = hashlib.sha1(str(output).encode()).hexdigest()[:16]
    return cache_dir / f"manifest-{name}.json"
