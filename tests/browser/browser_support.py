"""Helpers for tests/test_browser.py: a static HTTP server, a problem collector for a
Playwright page, a crawler, and a reader for the demo archive's content/ folder.

Nothing here imports the engine: the expectations come from content/ and config.toml,
the observations from a real Chromium."""
from __future__ import annotations

import contextlib
import functools
import re
import struct
import threading
import tomllib
from dataclasses import dataclass, field
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import yaml

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]

# The interface words the tests look for, per page language (from the brief, not the catalog).
SKIP_LINK = {"nl": "Naar de inhoud", "en": "Skip to content"}
BACKLINKS = {"nl": "Verwezen vanuit", "en": "Referred to from"}
ACTIONS = {"nl": "Acties", "en": "Actions"}


# --- HTTP ---------------------------------------------------------------------------------

class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):       # keep pytest's output clean
        pass


@contextlib.contextmanager
def http_server(directory: Path):
    """Serve `directory` on 127.0.0.1 with an ephemeral port; yields the root URL."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="browser-test-http",
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- problems a page reports --------------------------------------------------------------

class Problems:
    """Console errors, uncaught exceptions, failed requests and HTTP errors of one page."""

    def __init__(self, page):
        self.page = page
        self.items: list[str] = []
        self.warnings: list[str] = []       # not failures; shown when a wait times out
        self.pending: set = set()           # requests still in flight
        self.since_load: set[str] = set()   # URLs requested after the last load event
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.items.append(f"page error: {exc}"))
        page.on("request", self._request)
        page.on("load", lambda _: self.since_load.clear())
        page.on("requestfinished", lambda request: self.pending.discard(request))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _request(self, request):
        self.pending.add(request)
        self.since_load.add(request.url)

    def _failed(self, request):
        self.pending.discard(request)
        self.items.append(f"request failed: {request.url} ({request.failure})")

    def _console(self, message):
        if message.type == "warning":
            self.warnings.append(message.text)
        if message.type == "error":
            where = message.location.get("url", "") if message.location else ""
            self.items.append(f"console error: {message.text} [{where}]")

    def _response(self, response):
        if response.status >= 400:
            self.items.append(f"HTTP {response.status}: {response.url}")

    def settle(self, timeout: float = 5.0) -> None:
        """Wait until the page's requests are done. Chromium asks for the favicon just after
        the load event; leaving the page before that request ends aborts it
        (net::ERR_ABORTED), which is the test's doing, not the site's."""
        icon = self.page.evaluate(
            "() => document.readyState === 'complete'"
            " && document.querySelector('link[rel~=icon]')?.href || null")
        waited = 0.0
        while (self.pending or (icon and icon not in self.since_load)) and waited < timeout:
            self.page.wait_for_timeout(10)
            waited += 0.01
            if waited >= 1 and not self.pending:
                break                    # no icon request after all (Chromium's choice)
        for request in list(self.pending):
            self.items.append(f"request still pending after {timeout} s: {request.url}")
        self.pending.clear()

    def take(self) -> list[str]:
        """Settle, then hand over (and forget) everything reported so far."""
        self.settle()
        items, self.items = self.items, []
        return items


# --- reading a rendered page --------------------------------------------------------------

# Everything the crawl needs from one page, read from the live DOM in a single round trip.
PAGE_FACTS = """() => {
  const all = [...document.querySelectorAll('*')];
  const handlers = [];
  const jsUrls = [];
  for (const el of all) {
    for (const at of el.attributes) {
      const name = at.name.toLowerCase();
      if (name.startsWith('on')) handlers.push(`<${el.localName} ${at.name}>`);
      if (['href', 'src', 'action', 'formaction'].includes(name)
          && at.value.trim().toLowerCase().startsWith('javascript:'))
        jsUrls.push(`<${el.localName} ${at.name}="${at.value}">`);
    }
  }
  // Tables in the minutes are measured apart: see test_minutes_tables_fit_on_a_phone.
  const tables = [...document.querySelectorAll('.minutes-body table')];
  const scrollWidth = document.documentElement.scrollWidth;
  tables.forEach(t => t.style.display = 'none');
  const scrollWidthWithoutTables = document.documentElement.scrollWidth;
  tables.forEach(t => t.style.display = '');
  return {
    // [as written, as resolved by the browser] for everything that links or loads
    refs: [...document.querySelectorAll('a[href], area[href], link[href]')]
      .map(e => [e.getAttribute('href'), e.href])
      .concat([...document.querySelectorAll('img[src], script[src], source[src], iframe[src]')]
              .map(e => [e.getAttribute('src'), e.src]))
      .concat([...document.querySelectorAll('form[action]')]
              .map(e => [e.getAttribute('action'), e.action])),
    ids: all.filter(e => e.id).map(e => e.id)
      .concat([...document.querySelectorAll('a[name]')].map(a => a.name)),
    // JSON-LD is data the browser never runs; any other script must come from a file
    inlineScripts: [...document.querySelectorAll('script:not([src]):not([type="application/ld+json"])')]
      .map(s => s.textContent.trim().slice(0, 80)),
    handlers, jsUrls,
    lang: document.documentElement.lang,
    scrollWidth, scrollWidthWithoutTables,
    title: document.title,
    h1: [...document.querySelectorAll('h1')].map(h => h.textContent.trim()),
  };
}"""


@dataclass
class PageFacts:
    path: str
    status: int
    problems: list[str]
    facts: dict


@dataclass
class Crawl:
    pages: dict[str, PageFacts] = field(default_factory=dict)    # site path -> facts
    resources: dict[str, int] = field(default_factory=dict)      # site path -> HTTP status
    found_on: dict[str, str] = field(default_factory=dict)       # target path -> first referrer
    outside: list[str] = field(default_factory=list)             # same host, outside the site
    directory_links: list[str] = field(default_factory=list)     # links not ending in a file
    fragments: list[tuple[str, str, str]] = field(default_factory=list)  # (from, path, id)


def site_path(url: str, base: str) -> str | None:
    """The path of `url` inside the site at `base`, or None if it lies outside it."""
    url = urldefrag(url).url
    if not url.startswith(base):
        return None
    return url[len(base):]


def crawl(page, base: str, request) -> Crawl:
    """Breadth-first through every same-site link from the home page, in the browser.
    HTML pages are opened in `page`; other files (feeds, data, images) are fetched with
    `request` (the context's APIRequestContext) and only their status is kept."""
    problems = Problems(page)
    result = Crawl()
    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(base))
    queue, seen = [""], {""}
    while queue:
        path = queue.pop(0)
        response = page.goto(base + path, wait_until="load")
        key = path if path and not path.endswith("/") else path + "index.html"
        facts = page.evaluate(PAGE_FACTS)                 # before take(): it may wait
        result.pages[key] = PageFacts(key, response.status if response else 0,
                                      problems.take(), facts)
        for written, url in facts["refs"]:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https"):
                continue                                  # mailto:, tel:
            target = site_path(url, base)
            if target is None:
                if url.startswith(origin):
                    result.outside.append(f"{key}: {written}")
                continue
            local = re.split(r"[?#]", written, maxsplit=1)[0]
            if local and (local.endswith("/") or local.rsplit("/", 1)[-1] in (".", "..")):
                result.directory_links.append(f"{key}: {written}")
            if target == "" or target.endswith("/"):
                target += "index.html"
            if parts.fragment and target.endswith(".html"):
                result.fragments.append((key, target, parts.fragment))
            if target in seen:
                continue
            seen.add(target)
            result.found_on[target] = key
            if target.endswith(".html"):
                queue.append(target)
            else:
                result.resources[target] = request.get(base + target).status
    if result.pages:                                      # anything that arrived late
        result.pages[key].problems += problems.take()
    return result


# --- the demo archive's sources -----------------------------------------------------------

REFERENCE = re.compile(r"\[\[(?:(?P<body>[A-Za-z0-9_-]+)/)?(?P<id>\d{4}-\d{2}-\d{2}(?:-\d+)?)"
                       r"(?P<fragment>#[^\]|]*)?(?:\|[^\]]*)?\]\]")
MEMBERS_BLOCK = re.compile(r"^:::\s*members\b.*?^:::\s*$", re.MULTILINE | re.DOTALL)
ANCHOR = re.compile(r"\{#([a-z0-9-]+)\}")


@dataclass(frozen=True)
class Meeting:
    body: str
    id: str
    date: date
    title: str | None
    public: bool
    public_text: str              # the Markdown body without members-only blocks

    @property
    def path(self) -> str:
        return f"{self.body}/{self.id}/index.html"


@dataclass(frozen=True)
class Body:
    key: str
    name: str
    short: str
    language: str


def read_config(config_path: Path) -> tuple[dict, dict[str, Body]]:
    config = tomllib.loads(config_path.read_text(encoding="utf-8"))
    site = config["site"]
    bodies = {key: Body(key, value["name"], value.get("short", key),
                        value.get("language", site.get("language", "en")))
              for key, value in config["bodies"].items()}
    return site, bodies


def read_meetings(content: Path, bodies: dict[str, Body]) -> list[Meeting]:
    meetings = []
    for key in bodies:
        for path in sorted((content / key).glob("*.md")):
            text = path.read_text(encoding="utf-8")
            _, head, body = text.split("---", 2)
            front = yaml.safe_load(head) or {}
            when = front["date"]
            when = when if isinstance(when, date) else date.fromisoformat(str(when))
            meetings.append(Meeting(key, path.stem, when, front.get("title"),
                                    front.get("audience", "public") != "members",
                                    MEMBERS_BLOCK.sub("", body)))
    return meetings


WORD = re.compile(r"(?<![\w\[#/-])[a-z]{9,}(?![\w\]-])")


def unique_words(meetings: list[Meeting]) -> dict[str, Meeting]:
    """Long lower-case words of the public text that occur in exactly one public meeting,
    and no other meeting's text holds a word beginning with the same eight letters (so
    Pagefind's stemming cannot find the word elsewhere either)."""
    found: dict[str, set[int]] = {}
    for number, meeting in enumerate(meetings):
        text = re.sub(r"\[\[[^\]]*\]\]|\{#[^}]*\}|<[^>]*>|\([^)]*\)", " ", meeting.public_text)
        for word in WORD.findall(text):
            found.setdefault(word[:8], set()).add(number)
    unique = {}
    for number, meeting in enumerate(meetings):
        for word in sorted(set(WORD.findall(meeting.public_text)), key=lambda w: (-len(w), w)):
            if found.get(word[:8]) == {number}:
                unique[word] = meeting
    return unique


def references(meeting: Meeting) -> list[tuple[str, str, str]]:
    """(body, id, fragment) of every [[reference]] in the public text."""
    return [(m["body"] or meeting.body, m["id"], (m["fragment"] or "")[1:])
            for m in REFERENCE.finditer(meeting.public_text)]


# --- small utilities ----------------------------------------------------------------------

def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def rgb(css: str) -> tuple[float, float, float, float]:
    numbers = [float(n) for n in re.findall(r"[\d.]+", css)]
    return (*numbers[:3], numbers[3] if len(numbers) > 3 else 1.0)


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two opaque CSS rgb() colours."""
    def luminance(css):
        channels = []
        for value in rgb(css)[:3]:
            value /= 255
            channels.append(value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4)
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
