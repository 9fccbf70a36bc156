"""End to end: the fixture site against its golden tree, determinism, atomic output."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag

import pytest

from notulist import BuildFailed, build
from tests.conftest import copy_fixture, tree

HERE = Path(__file__).parents[1]
GOLDEN = HERE / "golden"
REPO = HERE.parent


def test_fixture_site_matches_golden_tree(tmp_path, request):
    config = copy_fixture(tmp_path)
    out = tmp_path / "out"
    build(config, out, cache=False)
    # Pagefind's bundle (its program and the binary index) is checked by test_search.py.
    built = {path: data for path, data in tree(out).items() if not path.startswith("pagefind/")}
    if request.config.getoption("--regen-golden"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(out, GOLDEN, ignore=lambda folder, names: ["pagefind"]
                        if Path(folder) == out else [])
    golden = tree(GOLDEN)
    assert sorted(built) == sorted(golden)
    for path in golden:
        assert built[path] == golden[path], f"{path} differs from tests/golden/{path}"


def test_two_builds_are_byte_identical_whatever_the_cwd_and_hash_seed(tmp_path):
    first, second = copy_fixture(tmp_path / "a"), copy_fixture(tmp_path / "b")
    for seed, config, cwd in (("1", first, tmp_path), ("2", second, REPO)):
        env = dict(os.environ, PYTHONHASHSEED=seed, TZ="Pacific/Auckland" if seed == "1" else "UTC")
        subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--config", str(config)],
                       cwd=cwd, env=env, check=True, capture_output=True)
    assert tree(first.parent / "output") == tree(second.parent / "output")


def test_cached_rebuild_gives_the_same_bytes_as_a_clean_build(tmp_path):
    config = copy_fixture(tmp_path)
    build(config, tmp_path / "clean", cache=False)
    build(config, tmp_path / "warm")                     # fills .cache/
    build(config, tmp_path / "warm2")                    # reads .cache/
    assert tree(tmp_path / "clean") == tree(tmp_path / "warm2")


def test_failed_build_leaves_previous_output_untouched(tmp_path):
    config = copy_fixture(tmp_path)
    out = tmp_path / "out"
    build(config, out)
    before = tree(out)
    meeting = config.parent / "content/lrt/2023-09-22.md"
    meeting.write_text(meeting.read_text().replace("[[2023-07-10]]", "[[2023-07-11]]"))
    with pytest.raises(BuildFailed) as failed:
        build(config, out)
    assert [p.line for p in failed.value.problems if not p.warning] == [14]
    assert tree(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


def test_deleted_meeting_disappears_from_every_page(tmp_path):
    config = copy_fixture(tmp_path)
    out = tmp_path / "out"
    build(config, out)
    assert (out / "board/2023-08-01/index.html").exists()
    (config.parent / "content/lrt/2023-09-22.md").unlink()   # the only page referring to it
    (config.parent / "content/board/2023-08-01.md").unlink()
    build(config, out)
    assert not (out / "board/2023-08-01").exists()
    for path, data in tree(out).items():
        assert b"board/2023-08-01" not in data, path


def test_site_template_overrides_builtin_by_name(tmp_path):
    config = copy_fixture(tmp_path)
    build(config, tmp_path / "out", cache=False)
    assert b"fixture-override" in (tmp_path / "out/lrt/index.html").read_bytes()


@pytest.mark.parametrize("pool", [False, True])
@pytest.mark.parametrize("body, message", [
    ("{{ 1/0 }}", "template error: ZeroDivisionError: division by zero — fix the template"),
    ("{% for x in 3 %}{% endfor %}", "template error: TypeError: 'int' object is not "
                                      "iterable — fix the template"),
    ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "template error: RecursionError: "),
    ("{{ meeting.nowhere }}", "template error: 'dict object' has no attribute 'nowhere'"),
    ("{% include 'nope.html' %}", "template error: no template named nope.html"),
])
def test_a_template_failing_while_rendering_is_a_path_line_error(tmp_path, monkeypatch, pool,
                                                                  body, message):
    """A site's template is its secretariat's input: whatever goes wrong in it is reported
    at its file and line, in one process and from the worker processes alike."""
    from notulist.render import templates as render
    monkeypatch.setattr(render, "POOL_THRESHOLD", 1 if pool else 10**9)
    config = copy_fixture(tmp_path)
    template = config.parent / "templates/meeting.html"
    template.write_text("{% extends 'base.html' %}\n{% block content %}\n" + body
                        + "\n{% endblock %}\n")
    with pytest.raises(BuildFailed) as failed:
        build(config, tmp_path / "out", cache=False)
    [problem] = failed.value.problems
    assert (Path(problem.path), problem.line) == (template, 3)
    assert problem.message.startswith(message)
    assert problem.message.endswith(" — fix the template or remove it to use the built-in one")
    assert not (tmp_path / "out").exists()


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name) and tag in ("a", "link", "script", "img"):
                self.links.append(attrs[name])


def test_every_internal_link_and_anchor_resolves(tmp_path):
    """Relative links only, ending in index.html so the site works from the file system."""
    for audience in ("public", "members"):
        out = tmp_path / audience
        build(copy_fixture(tmp_path / f"site-{audience}"), out, audience=audience, cache=False)
        pages = {}
        for path in out.rglob("*.html"):
            parser = Links()
            parser.feed(path.read_text())
            pages[path] = parser
        broken = []
        for path, parser in pages.items():
            for link in parser.links:
                if re.match(r"^[a-z]+:", link) or path.name == "404.html":
                    continue
                assert not link.startswith("/"), f"{path}: absolute link {link}"
                target, fragment = urldefrag(link)
                file = (path.parent / unquote(target)).resolve() if target else path
                if not file.is_file():
                    broken.append(f"{path.relative_to(out)} -> {link}")
                elif fragment and fragment not in pages[file].ids:
                    broken.append(f"{path.relative_to(out)} -> {link} (no such anchor)")
        assert broken == []


def test_the_cycle_collector_is_off_while_a_build_runs(tmp_path, monkeypatch):
    """It would walk the parsed archive again and again (see pipeline.cycle_collector_off);
    it is back on once the build is done, or failed."""
    import gc

    import notulist.render.plans
    seen = []
    plan_site = notulist.render.plans.plan_site

    def planning(site):
        seen.append(gc.isenabled())
        return plan_site(site)
    monkeypatch.setattr(notulist.render.plans, "plan_site", planning)
    config = copy_fixture(tmp_path)
    assert gc.isenabled()
    build(config, tmp_path / "out")
    assert seen == [False] and gc.isenabled()
    (config.parent / "content" / "lrt" / "2023-09-22.md").write_text("---\ndate: 2023-13-01\n---\n")
    with pytest.raises(BuildFailed):
        build(config, tmp_path / "out")
    assert gc.isenabled()
