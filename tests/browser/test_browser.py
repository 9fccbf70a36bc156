"""The demo archive in a real browser: Debian's Chromium driven by Playwright, the site served
over HTTP from a sub-path (/archive/) to prove the relative links work anywhere.

Every test opens fresh pages and fails on any console error, uncaught exception, failed
request or HTTP error. Targets (meetings, references, topics) are read from content/ and
config.toml, not hard-coded. NOTULIST_SCREENSHOTS=1 also writes docs/screenshots/*.png."""
from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from browser_support import (ACTIONS, BACKLINKS, CHROMIUM, LAUNCH_ARGS, SKIP_LINK,
                             Problems, contrast, crawl, http_server, png_size,
                             read_config, read_meetings, references, unique_words)

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (tests/run.sh does)",
                allow_module_level=True)

from babel.dates import format_date                             # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.sync_api import expect, sync_playwright          # noqa: E402

from notulist import build                                       # noqa: E402

REPO = Path(__file__).parent.parent
CONFIG = REPO / "config.toml"
SCREENSHOTS = REPO / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
SUB_PATH = "archive/"

SITE, BODIES = read_config(CONFIG)
MEETINGS = [m for m in read_meetings(REPO / "content", BODIES) if m.public]
BY_KEY = {(m.body, m.id): m for m in MEETINGS}


def expected_h1(meeting) -> str:
    """A meeting's heading: its title, or '<body name>, <long date>' in the body's language."""
    if meeting.title:
        return meeting.title
    body = BODIES[meeting.body]
    return f"{body.name}, {format_date(meeting.date, 'd MMMM y', locale=body.language)}"


def reference_pair():
    """(referrer, target): a public meeting whose public text refers with a plain [[id]] to an
    earlier public meeting of the same body. The brief's example first, if it still holds."""
    pairs = [(m, BY_KEY[(body, id)]) for m in MEETINGS for body, id, fragment in references(m)
             if not fragment and body == m.body and (body, id) in BY_KEY and id < m.id]
    assert pairs, "content/ has no plain reference from one meeting to an earlier one"
    preferred = [p for p in pairs if (p[0].body, p[0].id, p[1].id) == ("rwb", "2025-03-14",
                                                                      "2025-01-21")]
    return (preferred or pairs)[0]


# --- fixtures -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The demo archive, built for the public into <tmp>/archive/."""
    root = tmp_path_factory.mktemp("served")
    with pytest.MonkeyPatch.context() as patch:
        # Small search shards, so the search page merges several, as on a large archive.
        patch.setattr("notulist.search.SHARD_PAGES", 4)
        build(CONFIG, root / SUB_PATH.strip("/"), audience="public", cache=False)
    return root / SUB_PATH.strip("/")


@pytest.fixture(scope="module")
def base(site) -> str:
    """http://127.0.0.1:<port>/archive/ — the server's root is the folder above the site."""
    with http_server(site.parent) as root:
        yield root + SUB_PATH


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


class Tab:
    """A fresh page in its own browser context, with the problems it reports."""

    def __init__(self, context, base: str):
        self.context, self.base = context, base
        self.page = context.new_page()
        self.problems = Problems(self.page)

    def goto(self, path: str = ""):
        self.problems.settle()                   # let the page we leave finish its requests
        response = self.page.goto(self.base + path)
        assert response is not None and response.status in (200, 304), \
            f"{path}: HTTP {response.status if response else 'no response'}"
        return self.page

    @property
    def path(self) -> str:
        """Where the page is, relative to the site root ('' is the home page)."""
        url = self.page.url.split("#")[0]
        assert url.startswith(self.base), f"left the site: {self.page.url}"
        return url[len(self.base):]

    @property
    def hash(self) -> str:
        return urlsplit(self.page.url).fragment

    def follow(self, link, expected_path: str):
        """Click `link` and wait until the browser shows `expected_path` (a page of the site)."""
        self.problems.settle()
        link.click()
        self.page.wait_for_url(lambda url: url.split("#")[0] == self.base + expected_path)
        self.page.wait_for_load_state("load")
        return self.page

    def lang(self) -> str:
        return self.page.evaluate("document.documentElement.lang")

    def assert_clean(self):
        problems = self.problems.take()
        assert problems == [], "\n".join(problems)


@pytest.fixture
def new_tab(browser, base):
    """new_tab(viewport=..., color_scheme=...) -> Tab; closed after the test."""
    contexts = []

    def make(**options) -> Tab:
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(**options)
        contexts.append(context)
        return Tab(context, base)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def tab(new_tab) -> Tab:
    return new_tab()


@pytest.fixture(scope="module")
def crawled(browser, base):
    """Every page reachable from the home page, read at phone width (for the overflow check)."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        return crawl(context.new_page(), base, context.request)
    finally:
        context.close()


# --- 1. clicking down from the home page ----------------------------------------------------

@pytest.mark.parametrize("body_key", list(BODIES))
def test_click_from_home_to_body_year_and_meeting(new_tab, body_key):
    tab = new_tab(viewport={"width": 1280, "height": 500})    # short: the year link scrolls
    body = BODIES[body_key]
    meetings = sorted((m for m in MEETINGS if m.body == body_key), key=lambda m: m.id)
    meeting = meetings[0]                 # the oldest: its year is not at the top of the list
    year = str(meeting.date.year)
    page = tab.goto("")
    assert tab.lang() == SITE["language"]

    tab.follow(page.locator("header.site-header nav a", has_text=re.compile(
        rf"^\s*{re.escape(body.short)}\s*$")), f"{body_key}/index.html")
    expect(page.locator("h1")).to_have_text(body.name)
    assert tab.lang() == body.language

    page.locator(f'a[href="#y{year}"]').click()
    page.wait_for_function(f"location.hash === '#y{year}'")
    heading = page.locator(f"#y{year}")
    expect(heading).to_be_in_viewport()
    scrolled, wanted = heading.evaluate("""h => [scrollY, Math.min(
        h.getBoundingClientRect().top + scrollY,
        document.documentElement.scrollHeight - innerHeight)]""")
    assert wanted > 0 and abs(scrolled - wanted) <= 2, (scrolled, wanted)

    section = page.locator(f'section[aria-labelledby="y{year}"]')
    tab.follow(section.locator(f'a[href$="{body_key}/{meeting.id}/index.html"]'),
               meeting.path)
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_have_text(expected_h1(meeting))
    assert tab.lang() == body.language
    tab.assert_clean()


# --- 2. a reference and its backlink ------------------------------------------------------

def test_reference_and_backlink_lead_to_each_other(tab):
    referrer, target = reference_pair()
    page = tab.goto(referrer.path)

    reference = page.locator(f'.minutes-body a[href$="/{target.body}/{target.id}/index.html"]')
    expect(reference.first).to_be_visible()
    tab.follow(reference.first, target.path)
    expect(page.locator("h1")).to_have_text(expected_h1(target))

    language = BODIES[target.body].language
    backlinks = page.locator("section.backlinks")
    expect(backlinks.locator("h2")).to_have_text(BACKLINKS[language])
    back = backlinks.locator(f'a[href*="/{referrer.body}/{referrer.id}/index.html"]').first
    expect(back).to_be_visible()
    tab.follow(back, referrer.path)
    expect(page.locator("h1")).to_have_text(expected_h1(referrer))

    # The backlink names the agenda item that holds the reference: it is in view and links on.
    assert tab.hash, "the backlink has no #item fragment"
    item = page.locator(f'[id="{tab.hash}"]')
    expect(item).to_be_in_viewport()
    section = page.locator(f'section.item:has([id="{tab.hash}"])')
    expect(section.locator(f'a[href*="/{target.body}/{target.id}/index.html"]').first) \
        .to_be_attached()
    tab.assert_clean()


# --- 3. outstanding actions ---------------------------------------------------------------

def test_action_links_land_on_the_action(tab):
    page = tab.goto("")
    nav = page.locator('header.site-header nav a[href$="actions/index.html"]')
    expect(nav).to_have_text(ACTIONS[SITE["language"]])
    tab.follow(nav, "actions/index.html")

    rows = page.locator("main table tbody tr")
    assert rows.count() > 0, "the outstanding actions table is empty"
    hrefs = list(dict.fromkeys(rows.locator("td:first-child a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")))
    assert hrefs, "the action ids are not links"

    # The first and the last one (every action link's target is checked by the crawl).
    for href in dict.fromkeys([hrefs[0], hrefs[-1]]):
        if tab.path != "actions/index.html":
            tab.goto("actions/index.html")
        link = page.locator(f'main table tbody td:first-child a[href="{href}"]').first
        action_id = urlsplit(href).fragment
        target = urljoin(tab.base + "actions/index.html", href).split("#")[0]
        tab.follow(link, target[len(tab.base):])
        page.wait_for_function(f"location.hash === '#{action_id}'")
        assert re.fullmatch(r"A\d+", action_id), href
        element = page.locator(f'[id="{action_id}"]')
        expect(element).to_have_count(1)
        expect(element).to_be_visible()
        expect(element).to_be_in_viewport()
        expect(element).to_contain_text(action_id)
    tab.assert_clean()


# --- 4. every page is reachable and clean -------------------------------------------------

def test_every_page_is_reachable_and_loads_cleanly(crawled, site):
    built = sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html"))
    pages = sorted(p for p in crawled.pages if p.endswith("index.html"))
    print(f"crawled {len(crawled.pages)} pages and {len(crawled.resources)} other files")
    assert sorted(set(built) - set(pages)) == [], "pages no link leads to"
    assert len(pages) == len(built)
    assert {p: f.status for p, f in crawled.pages.items() if f.status != 200} == {}
    assert {p: f.problems for p, f in crawled.pages.items() if f.problems} == {}
    assert {p: s for p, s in crawled.resources.items() if s != 200} == {}


def test_links_stay_relative_and_inside_the_sub_path(crawled):
    # A root-relative or absolute link to this host would leave /archive/; a link to a
    # folder ("x/") breaks when the site is opened from the file system.
    assert crawled.outside == []
    assert crawled.directory_links == []


def test_every_fragment_link_has_a_target(crawled):
    ids = {path: set(page.facts["ids"]) for path, page in crawled.pages.items()}
    missing = [f"{source} -> {path}#{fragment}" for source, path, fragment in crawled.fragments
               if path in ids and fragment not in ids[path]]
    assert missing == []


# --- 5. phone and print -------------------------------------------------------------------

@pytest.mark.parametrize("path", ["", reference_pair()[0].path, "actions/index.html"],
                         ids=["home", "meeting", "actions"])
def test_no_horizontal_scroll_on_a_phone(new_tab, path):
    tab = new_tab(viewport=PHONE, is_mobile=True, has_touch=True)
    page = tab.goto(path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{path or 'home'} is {width} px wide on a 360 px phone"
    tab.assert_clean()


def test_no_page_scrolls_sideways_on_a_phone(crawled):
    """Every crawled page, the tables in the minutes apart (the next test)."""
    wide = {path: page.facts["scrollWidthWithoutTables"] for path, page in crawled.pages.items()
            if page.facts["scrollWidthWithoutTables"] > PHONE["width"]}
    assert wide == {}


def test_minutes_tables_fit_on_a_phone(crawled):
    """Wide tables scroll inside their own box (div.table-scroll), not the whole page."""
    wide = {path: page.facts["scrollWidth"] for path, page in crawled.pages.items()
            if page.facts["scrollWidth"] > PHONE["width"]}
    assert wide == {}


def test_print_hides_navigation_and_keeps_the_minutes(tab):
    page = tab.goto(reference_pair()[0].path)
    page.emulate_media(media="print")
    display = "el => getComputedStyle(el).display"
    assert page.locator("header.site-header nav").evaluate(display) == "none"
    assert page.locator("nav.breadcrumbs").evaluate(display) == "none"
    expect(page.locator("header.site-header nav")).to_be_hidden()
    expect(page.locator(".minutes-body")).to_be_visible()
    expect(page.locator(".minutes-body section.item").first).to_be_visible()
    expect(page.locator("h1")).to_be_visible()
    page.emulate_media(media="screen")
    expect(page.locator("header.site-header nav")).to_be_visible()
    tab.assert_clean()


# --- 6. keyboard --------------------------------------------------------------------------

@pytest.mark.parametrize("body_key", list(BODIES))
def test_tab_focuses_the_skip_link_and_enter_jumps_to_main(tab, body_key):
    meeting = max((m for m in MEETINGS if m.body == body_key), key=lambda m: m.id)
    page = tab.goto(meeting.path)
    language = BODIES[body_key].language

    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_class(re.compile(r"\bskip-link\b"))
    expect(focused).to_have_text(SKIP_LINK[language])
    expect(focused).to_be_in_viewport()           # off-screen until focused, then shown

    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#main'")
    top = page.locator("#main").evaluate("el => el.getBoundingClientRect().top")
    assert abs(top) <= 1, f"#main starts {top} px from the top of the viewport"
    page.keyboard.press("Tab")                    # focus continues inside the content
    assert page.evaluate("document.activeElement.closest('main') !== null"), \
        page.evaluate("document.activeElement.outerHTML")
    tab.assert_clean()


# --- 7. dark mode -------------------------------------------------------------------------

def test_dark_mode_changes_the_colours(tab):
    page = tab.goto(reference_pair()[0].path)
    colours = ("() => { const s = getComputedStyle(document.body);"
               " return [s.backgroundColor, s.color]; }")
    page.emulate_media(color_scheme="light")
    light_bg, light_text = page.evaluate(colours)
    page.emulate_media(color_scheme="dark")
    dark_bg, dark_text = page.evaluate(colours)
    assert dark_bg != light_bg
    assert dark_text != light_text
    for background, text in ((light_bg, light_text), (dark_bg, dark_text)):
        assert contrast(background, text) >= 7, (background, text)
    tab.assert_clean()


# --- 8. no scripts ------------------------------------------------------------------------

def test_no_inline_scripts_or_event_handlers(crawled):
    assert crawled.pages, "nothing was crawled"
    for key in ("inlineScripts", "handlers", "jsUrls"):
        found = {path: page.facts[key] for path, page in crawled.pages.items()
                 if page.facts[key]}
        assert found == {}, key


# --- 9. search ----------------------------------------------------------------------------

def search_word():
    """A word only one public meeting uses (not the free pages either), and that meeting."""
    pages = " ".join(p.read_text(encoding="utf-8").lower()
                     for p in (REPO / "content" / "pages").glob("*.md"))
    for word, meeting in unique_words(MEETINGS).items():
        if word[:8] not in pages:
            return word, meeting
    pytest.fail("content/ has no word that only one public meeting uses")


def search_from_header(tab: Tab, word: str):
    page = tab.goto("")
    page.get_by_role("searchbox").fill(word)
    tab.problems.settle()           # the form leaves the page: let its favicon load first
    page.get_by_role("searchbox").press("Enter")
    page.wait_for_url(lambda url: url.startswith(tab.base + "search/index.html?q="))
    results = page.locator(".pagefind-ui__result")
    expect(results.first).to_be_visible(timeout=15000)
    return page, results


def test_search_for_a_word_of_one_meeting_lands_on_it(tab):
    word, meeting = search_word()
    page, results = search_from_header(tab, word)
    assert len(page.locator("#search").get_attribute("data-bundles").split()) > 2  # merged
    expect(page.locator(".pagefind-ui__message")).to_contain_text(
        "resulta" if SITE.get("language", "nl") == "nl" else "result")     # the site's language
    # The meeting with the word comes first. A shard without the word may add near matches
    # below it (Pagefind falls back to the longest prefix it has, shard by shard).
    link = results.first.locator("a.pagefind-ui__result-link").first
    expect(link).to_have_attribute("href", re.compile(rf"/{meeting.body}/{meeting.id}/$"))
    tab.follow(link, f"{meeting.body}/{meeting.id}/")
    expect(page.locator("h1")).to_contain_text(expected_h1(meeting))
    assert word in page.locator("main").inner_text().lower()
    tab.assert_clean()


def test_search_results_show_the_agenda_item_and_lead_to_it(tab):
    word, meeting = search_word()
    page, results = search_from_header(tab, word)
    nested = results.first.locator(".pagefind-ui__result-nested a")
    expect(nested.first).to_be_visible()
    href = nested.first.get_attribute("href")
    assert "#" in href, href
    tab.follow(nested.first, f"{meeting.body}/{meeting.id}/")
    anchor = tab.hash
    heading = page.locator(f"h2[id='{anchor}']")
    expect(heading).to_be_visible()
    tab.assert_clean()


def test_search_works_under_the_documented_content_security_policy(tab):
    """docs/publishing.md gives a policy for hosts to send; search must work under it."""
    docs = (REPO / "docs" / "publishing.md").read_text(encoding="utf-8")
    policy = re.search(r"^Content-Security-Policy: (.+)$", docs, re.M).group(1)

    def with_policy(route):
        response = route.fetch()
        route.fulfill(response=response,
                      headers={**response.headers, "content-security-policy": policy})

    tab.page.route(lambda url: url.startswith(tab.base), with_policy)
    word, meeting = search_word()
    page, results = search_from_header(tab, word)
    expect(results.first.locator("a.pagefind-ui__result-link").first).to_have_attribute(
        "href", re.compile(rf"/{meeting.body}/{meeting.id}/$"))
    tab.assert_clean()          # a violation of the policy is a console error


def shared_word() -> str:
    """A word that meetings of every body use: the filters then have something to narrow."""
    words = None
    for body in BODIES:
        text = " ".join(m.public_text.lower() for m in MEETINGS if m.body == body)
        found = set(re.findall(r"\b[a-z]{4,}\b", text))
        words = found if words is None else words & found
    assert words, "no word is shared by the meetings of all bodies"
    counts = Counter(w for m in MEETINGS for w in re.findall(r"\b[a-z]{4,}\b",
                                                              m.public_text.lower()))
    return max(sorted(words), key=lambda w: counts[w])


@pytest.mark.parametrize("body_key", list(BODIES))
def test_search_filter_by_body_keeps_only_its_meetings(tab, body_key):
    page, results = search_from_header(tab, shared_word())
    body = BODIES[body_key]
    summary = page.locator("summary.pagefind-ui__filter-name").filter(
        has_text="Overleg" if SITE.get("language", "nl") == "nl" else "Body")
    try:
        summary.click(timeout=15000)
    except PlaywrightTimeout:
        raise AssertionError(f"no body filter in Pagefind's panel; the page said "
                             f"{tab.problems.items + tab.problems.warnings}; the panel: "
                             f"{page.locator('#search').inner_html()[:3000]}") from None
    page.get_by_label(re.compile(rf"^{re.escape(body.short)}\b")).check()
    others = [f"/{key}/" for key in BODIES if key != body_key]
    expect(results.first).to_be_visible()
    page.wait_for_function(
        "others => [...document.querySelectorAll('.pagefind-ui__result-link')].length > 0 &&"
        " [...document.querySelectorAll('.pagefind-ui__result-link')]"
        ".every(a => !others.some(o => a.getAttribute('href').includes(o)))", arg=others)
    links = results.locator("a.pagefind-ui__result-link")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs and all(f"/{SUB_PATH}{body_key}/" in href for href in hrefs), hrefs
    tab.assert_clean()


def test_meeting_pages_describe_the_meeting_as_a_schema_org_event(tab):
    meeting = reference_pair()[0]
    page = tab.goto(meeting.path)
    data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert data["@type"] == "Event" and data["@context"] == "https://schema.org"
    assert data["name"] in page.locator("h1").inner_text()   # the heading, less a draft mark
    assert data["startDate"].startswith(meeting.date.isoformat())
    assert data["url"] == f"{SITE['base_url'].rstrip('/')}/{meeting.body}/{meeting.id}/"
    assert data["organizer"]["name"] == BODIES[meeting.body].name
    tab.assert_clean()


# --- 10. screenshots -----------------------------------------------------------------------

def test_screenshots(new_tab, tmp_path):
    """Full-page screenshots at 1280x900; into docs/screenshots/ only with
    NOTULIST_SCREENSHOTS=1, otherwise into a temporary folder (so a test run writes nothing
    into the repository)."""
    folder = SCREENSHOTS if os.environ.get("NOTULIST_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    anchors = Counter(a for m in MEETINGS for a in re.findall(r"\{#([a-z0-9-]+)\}",
                                                              m.public_text))
    topic = anchors.most_common(1)[0][0]
    referrer = reference_pair()[0]
    shots = {"home": "", "body": f"{referrer.body}/index.html", "meeting": referrer.path,
             "actions": "actions/index.html", "topic": f"topics/{topic}/index.html",
             "search": f"search/index.html?q={shared_word()}"}
    tab = new_tab(viewport=DESKTOP)
    for name, path in shots.items():
        page = tab.goto(path)
        if name == "search":
            page.locator(".pagefind-ui__result").first.wait_for(timeout=15000)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
        width, height = png_size(folder / f"{name}.png")
        assert width == DESKTOP["width"] and height >= DESKTOP["height"], (name, width, height)
    tab.assert_clean()
