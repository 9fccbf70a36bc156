"""The render stage on every core: what runs in the workers and what comes back."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from notulist.load.templates import read_templates
from notulist.render import templates as render_templates
from notulist.render.plans import plan_site
from notulist.render.templates import environment, render_checked, render_pages
from notulist.workers import worker_count

from tests.unit.test_render import site


def test_the_inspection_of_each_page_runs_where_it_is_rendered(monkeypatch):
    linked = site()
    plans, _ = plan_site(linked)
    env = environment(read_templates(Path("/nowhere/templates"))[0])
    serial = dict(render_pages(plans, linked, env))
    monkeypatch.setattr(render_templates, "POOL_THRESHOLD", 1)   # a pool even for a few pages

    def inspect(path: str, page: bytes) -> tuple[int, bool]:
        return os.getpid(), page == serial[path]
    checked = list(render_checked(plans, linked, env, inspect))
    assert sorted(path for path, _, _ in checked) == sorted(plans)
    assert all(page == serial[path] and same for path, page, (_, same) in checked)
    workers = {pid for _, _, (pid, _) in checked}
    if worker_count() >= 2:
        assert os.getpid() not in workers           # not in the main process


def test_a_template_error_in_a_worker_stops_the_build_with_its_line(tmp_path, monkeypatch):
    from notulist.problems import BuildFailed
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "base.html").write_text("<p>\n{{ no_such_value }}</p>\n")
    linked = site()
    plans, _ = plan_site(linked)
    templates, problems = read_templates(tmp_path / "templates")
    assert problems == []
    monkeypatch.setattr(render_templates, "POOL_THRESHOLD", 1)
    with pytest.raises(BuildFailed) as failed:
        list(render_checked(plans, linked, environment(templates)))
    [problem] = failed.value.problems
    assert (Path(problem.path).name, problem.line) == ("base.html", 2)
