"""Accessibility: axe-core (npm devDependency, node_modules/axe-core) in Debian's Chromium on
every kind of page of the demo archive, in light and in dark mode, for the WCAG 2.0 and 2.1
A and AA rules. Any violation fails, with each failing element in the message.

The build is served over HTTP under the path of base_url (/notulist/), as it is deployed, so
that 404.html — whose links start at the site root — gets its stylesheet too. Which
meeting, topic, organisation and page to check is read from content/ and config.toml."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from browser_support import (CHROMIUM, LAUNCH_ARGS, MEMBERS_BLOCK, Problems, http_server,
                             read_config, read_meetings)

REPO = Path(__file__).parents[2]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (tests/run.sh does)",
                allow_module_level=True)
if not AXE.exists():
    pytest.skip(f"{AXE.relative_to(REPO)} is missing: run npm ci (tests/run.sh does)",
                allow_module_level=True)

from playwright.sync_api import sync_playwright                 # noqa: E402

from notulist import build                                       # noqa: E402

CONFIG = REPO / "config.toml"
DESKTOP = {"width": 1280, "height": 900}
SCHEMES = ("light", "dark")
AXE_RUN = """() => axe.run(document, {
  runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
}).then(results => ({
  version: axe.version,
  passes: results.passes.length,
  violations: results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary})),
  })),
  incomplete: results.incomplete.map(v => ({id: v.id, help: v.help, count: v.nodes.length})),
}))"""

SITE, BODIES = read_config(CONFIG)
SUB_PATH = urlsplit(SITE["base_url"]).path.strip("/")       # "notulist"
ALL_MEETINGS = read_meetings(REPO / "content", BODIES)
MEETINGS = [m for m in ALL_MEETINGS if m.public]


def has_members_block(meeting) -> bool:
    source = (REPO / "content" / meeting.body / f"{meeting.id}.md").read_text(encoding="utf-8")
    return MEMBERS_BLOCK.search(source) is not None


def latest(meetings):
    return max(meetings, key=lambda m: (m.date, m.id))


def meeting_per_language() -> dict[str, str]:
    """language -> the path of the latest public meeting of a body in that language, choosing
    one without members-only passages where there is one (those have their own entry)."""
    chosen = {}
    for key, body in BODIES.items():
        if body.language in chosen:
            continue
        own = [m for m in MEETINGS if m.body == key]
        if own:
            plain = [m for m in own if not has_members_block(m)]
            chosen[body.language] = latest(plain or own).path
    return chosen


WITHHELD = [m for m in MEETINGS if has_members_block(m)]
WITHHELD_MEETING = latest(WITHHELD) if WITHHELD else None
MEMBERS_ONLY = [m for m in ALL_MEETINGS if not m.public]


def topic_path() -> str:
    """The topic discussed most often (as in test_browser's screenshots)."""
    anchors = Counter(a for m in MEETINGS for a in re.findall(r"\{#([a-z0-9-]+)\}",
                                                              m.public_text))
    return f"topics/{anchors.most_common(1)[0][0]}/index.html"


def common_word() -> str:
    """The word of six letters or more that the public minutes use most."""
    words = Counter(w for m in MEETINGS for w in re.findall(r"\b[a-z]{6,}\b", m.public_text))
    return words.most_common(1)[0][0]


def free_page_path() -> str:
    return f"{sorted((REPO / 'content' / 'pages').glob('*.md'))[0].stem}/index.html"


PUBLIC_PAGES = {
    "home": "index.html",
    "body": f"{next(iter(BODIES))}/index.html",
    **{f"meeting-{language}": path for language, path in meeting_per_language().items()},
    "meeting-withheld": WITHHELD_MEETING and WITHHELD_MEETING.path,
    "topics": "topics/index.html",
    "topic": topic_path(),
    "actions": "actions/index.html",
    "actions-closed": "actions/closed/index.html",
    "decisions": "decisions/index.html",
    "organisations": "organisations/index.html",
    "organisation": None,           # the richest organisation page, found in the build
    "people": "people/index.html",
    "person": "people/marloes-bakker/index.html",     # the demo's public chair
    "page": free_page_path(),
    "search": f"search/index.html?q={common_word()}",      # with Pagefind's results shown
    "404": "404.html",
}
MEMBERS_PAGES = {
    "meeting-members-block": WITHHELD_MEETING and WITHHELD_MEETING.path,
    **({"meeting-members-only": latest(MEMBERS_ONLY).path} if MEMBERS_ONLY else {}),
}


# --- fixtures -----------------------------------------------------------------------------

def served(tmp_path_factory, audience: str):
    root = tmp_path_factory.mktemp(f"a11y-{audience}")
    site = root / SUB_PATH if SUB_PATH else root
    build(CONFIG, site, audience=audience, cache=False)
    with http_server(root) as url:
        yield site, url + (SUB_PATH + "/" if SUB_PATH else "")


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    """(build folder, URL) of the public build."""
    yield from served(tmp_path_factory, "public")


@pytest.fixture(scope="module")
def members(tmp_path_factory):
    """(build folder, URL) of the members build."""
    yield from served(tmp_path_factory, "members")


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def context(browser):
    context = browser.new_context(viewport=DESKTOP)
    yield context
    context.close()


# --- the check ----------------------------------------------------------------------------

def report(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        for node in v["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html']}")
            lines += [f"        {detail.strip()}"
                      for detail in (node["summary"] or "").splitlines() if detail.strip()]
    return "\n".join(lines)


def check(context, base: str, site: Path, path: str, scheme: str):
    assert (site / path.split("?")[0]).is_file(), f"{path} is not in the build"
    page = context.new_page()
    try:
        problems = Problems(page)
        page.emulate_media(color_scheme=scheme)
        response = page.goto(base + path, wait_until="load")
        assert response is not None and response.status == 200, f"{path}: HTTP error"
        state = page.evaluate("""() => [
            matchMedia('(prefers-color-scheme: dark)').matches,
            getComputedStyle(document.body).backgroundColor]""")
        assert state[0] == (scheme == "dark"), f"{path}: the {scheme} scheme is not in force"
        assert state[1] not in ("rgba(0, 0, 0, 0)", "transparent"), \
            f"{path}: the stylesheet did not apply"
        if "?q=" in path:           # the search page: wait for the results to be drawn
            page.locator(".pagefind-ui__result").first.wait_for(timeout=15000)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(AXE_RUN)
        left = problems.take()
        assert left == [], f"{path} ({scheme}):\n" + "\n".join(left)
    finally:
        page.close()
    print(f"axe {result['version']}, {path} ({scheme}): {result['passes']} rules passed")
    for item in result["incomplete"]:
        print(f"  needs review: {item['id']} ({item['count']}×): {item['help']}")
    assert result["passes"] > 0, "axe checked nothing"
    if result["violations"]:
        pytest.fail(f"{path} ({scheme}): {len(result['violations'])} axe violations\n"
                    + report(result["violations"]))


def organisation_path(site: Path) -> str:
    """The largest organisation page: the one with the most attendance and actions."""
    pages = list((site / "organisations").glob("*/index.html"))
    assert pages, "the build has no organisation pages"
    return max(pages, key=lambda p: p.stat().st_size).relative_to(site).as_posix()


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("kind", list(PUBLIC_PAGES))
def test_public_page_has_no_axe_violations(context, public, kind, scheme):
    site, base = public
    path = organisation_path(site) if kind == "organisation" else PUBLIC_PAGES[kind]
    if kind == "meeting-withheld":
        assert path, "content/ has no public meeting with a members-only passage"
        assert 'class="withheld"' in (site / path).read_text(encoding="utf-8"), \
            f"{path} shows no withheld passage in the public build"
    check(context, base, site, path, scheme)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("kind", list(MEMBERS_PAGES))
def test_members_page_has_no_axe_violations(context, members, kind, scheme):
    site, base = members
    path = MEMBERS_PAGES[kind]
    assert path, "content/ has no public meeting with a members-only passage"
    assert 'class="members-only"' in (site / path).read_text(encoding="utf-8") \
        or kind == "meeting-members-only", f"{path} has no members block in the members build"
    check(context, base, site, path, scheme)


def test_the_pages_cover_both_languages():
    """rwb is Dutch and jsc English: a meeting in each is checked."""
    languages = {body.language for body in BODIES.values()}
    assert {k.removeprefix("meeting-") for k in PUBLIC_PAGES} >= languages


# --- language of parts (WCAG 3.1.2) -------------------------------------------------------
# axe and vnu cannot know that a sentence on a Dutch page is English. The minutes can: what a
# body's own pages say (agenda item titles, statements, its description) is in the body's
# language, and wherever another page shows it, an enclosing element must say so with lang.

CORPUS = r"""() => {
  const texts = [];
  const clean = el => el.textContent.replace(/\s+/g, ' ').trim();
  for (const h of document.querySelectorAll('section.item > h2')) {
    const copy = h.cloneNode(true);
    copy.querySelectorAll('.number, .topic-link').forEach(e => e.remove());
    texts.push(clean(copy));
  }
  for (const li of document.querySelectorAll('.minutes-body li')) {
    const copy = li.cloneNode(true);
    copy.querySelectorAll('.mark-label, .mark-status, ul, ol').forEach(e => e.remove());
    texts.push(clean(copy));
  }
  document.querySelectorAll('main > .lead').forEach(p => texts.push(clean(p)));
  return texts.filter(t => t.length >= 12 && t.includes(' '));
}"""
UNMARKED = r"""([language, texts]) => {
  const found = new Set();
  const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.replace(/\s+/g, ' ').trim();
    const lang = node.parentElement.closest('[lang]')?.getAttribute('lang') || '';
    if (lang.split('-')[0] === language || !texts.some(t => text.includes(t))) continue;
    found.add(`<${node.parentElement.localName} lang=${lang}>: ${text.slice(0, 100)}`);
  }
  return [...found];
}"""
# Texts only the engine can mark: their template gets no language with them (see each reason).
ENGINE_GAPS: dict[str, str] = {}


def page_kind(path: str) -> str:
    first = path.split("/")[0]
    if first in BODIES:
        return "body" if path == f"{first}/index.html" else "meeting"
    if path == "index.html":
        return "home"
    return first if first in ("topics", "actions", "decisions", "organisations") else "page"


@pytest.fixture(scope="module")
def unmarked(context, public) -> dict[str, dict[str, list[str]]]:
    """kind -> page -> texts in another language without the lang that says so."""
    site, base = public
    paths = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    page = context.new_page()
    corpus: dict[str, set[str]] = {}
    for path in paths:
        body = BODIES.get(path.split("/")[0])
        if body:
            page.goto(base + path)
            corpus.setdefault(body.language, set()).update(page.evaluate(CORPUS))
    found: dict[str, dict[str, list[str]]] = {}
    for path in paths:
        page.goto(base + path)
        for language, texts in corpus.items():
            if texts and (hits := page.evaluate(UNMARKED, [language, sorted(texts)])):
                found.setdefault(page_kind(path), {}).setdefault(path, []).extend(
                    f"[{language}] {hit}" for hit in hits)
    page.close()
    return found


@pytest.mark.parametrize("kind", [
    pytest.param(kind, marks=pytest.mark.xfail(strict=True, reason=ENGINE_GAPS[kind]))
    if kind in ENGINE_GAPS else kind
    for kind in ("home", "body", "meeting", "topics", "actions", "decisions", "organisations",
                 "page")])
def test_text_in_another_language_is_marked(unmarked, kind):
    offences = unmarked.get(kind, {})
    if offences:
        pytest.fail("text in another language without lang:\n" + "\n".join(
            f"{path}:\n    " + "\n    ".join(texts) for path, texts in offences.items()))
