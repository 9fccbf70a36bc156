"""`serve` with real components: an HTTP server on 127.0.0.1, real file events, real builds."""
from __future__ import annotations

import gzip
import http.client
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from notulist.serve import Server, Watcher, serve

REPO = Path(__file__).parent.parent
DEADLINE = 10.0                 # seconds; generous for a slow 2-core CI machine
POLL = 0.05

CONFIG = """\
[site]
title = "Serve test"
base_url = "https://example.org/minutes/"
language = "en"

[bodies.b]
name = "B"

[organisations]
X = "X org"
"""


def meeting(text: str, date: str = "2024-01-10") -> str:
    return f"---\ndate: {date}\n---\n\n## 1. Opening\n\n{text}\n"


def write_site(root: Path, meetings: dict[str, str]) -> Path:
    (root / "config.toml").write_text(CONFIG, encoding="utf-8")
    (root / "content" / "b").mkdir(parents=True)
    for name, text in meetings.items():
        (root / "content" / "b" / name).write_text(text, encoding="utf-8")
    return root / "config.toml"


def save_like_an_editor(path: Path, text: str) -> None:
    """Write a temporary file next to the original, then rename it over the original."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def wait_for(condition, what: str, timeout: float = DEADLINE):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(POLL)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def get(port: int, raw_path: str, headers: dict | None = None) -> tuple[int, str, dict]:
    """A GET with the path sent exactly as given: http.client does not normalise it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=DEADLINE)
    try:
        connection.request("GET", raw_path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace"), dict(response.headers)
    finally:
        connection.close()


class EventStream:
    """The browser's side of /__notulist/events, read on a thread into a queue."""

    def __init__(self, port: int):
        self.events: queue.Queue = queue.Queue()
        self.socket = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE)
        self.socket.sendall(f"GET /__notulist/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                            "Accept: text/event-stream\r\n\r\n".encode())
        self.stream = self.socket.makefile("rb")
        head = []
        while (line := self.stream.readline().decode().strip()):
            head.append(line)
        assert head[0].split()[1] == "200" and "Content-Type: text/event-stream" in head, head
        self.socket.settimeout(None)       # a quiet stream is normal; close() ends the reader
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        kind = None
        try:
            for raw in self.stream:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith("event: "):
                    kind = line[len("event: "):]
                elif line.startswith("data: "):
                    self.events.put((kind, json.loads(line[len("data: "):])))
        except (OSError, ValueError):
            pass

    def next(self, kind: str, timeout: float = DEADLINE):
        """The data of the next event of this kind; earlier events of other kinds are skipped."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                got, data = self.events.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail(f"no {kind!r} event within {timeout} s")
            if got == kind:
                return data

    def close(self) -> None:
        try:
            self.socket.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.stream.close()
        self.socket.close()


class Running:
    """A started Server on an ephemeral port, with the lines it printed."""

    def __init__(self, config: Path):
        self.lines: list[str] = []
        self.server = Server(config, port=0, log=self.lines.append)
        self.server.start()
        self.port = self.server.port

    def rebuilds(self) -> int:
        return sum(1 for line in self.lines if line.startswith("rebuilt in "))

    def page(self, path: str) -> tuple[int, str]:
        status, body, _ = get(self.port, path)
        return status, body


@pytest.fixture
def running(tmp_path):
    started = []

    def start(meetings: dict[str, str] | None = None) -> Running:
        config = write_site(tmp_path, meetings or {"2024-01-10.md": meeting("First version.")})
        started.append(Running(config))
        return started[-1]

    yield start
    for site in started:
        site.server.stop()


def test_an_editor_save_is_one_rebuild_and_is_served(running, tmp_path):
    site = running()
    assert site.lines[-1].startswith("built in ")
    assert "First version." in site.page("/b/2024-01-10/")[1]
    save_like_an_editor(tmp_path / "content/b/2024-01-10.md", meeting("Second version."))
    wait_for(lambda: "Second version." in site.page("/b/2024-01-10/")[1], "the new text")
    time.sleep(1.0)                 # more than three settle periods: a second rebuild would show
    assert site.rebuilds() == 1, site.lines


def test_the_search_index_follows_once_the_sources_are_quiet(running, tmp_path):
    """The page is served first; the index (seconds on a large archive) is made after."""
    site = running()
    save_like_an_editor(tmp_path / "content/b/2024-01-10.md", meeting("Kwelscherm geplaatst."))
    wait_for(lambda: "Kwelscherm" in site.page("/b/2024-01-10/")[1], "the new text")
    wait_for(lambda: any(line.startswith("search index updated in ") for line in site.lines),
             "the search index to be updated")
    fragments = [gzip.decompress(path.read_bytes())
                 for path in (tmp_path / "output" / "pagefind").glob("*/fragment/*")]
    assert any("Kwelscherm" in data.decode("utf-8") for data in fragments)
    assert site.rebuilds() == 1, site.lines
    assert site.page("/pagefind/2024/pagefind-entry.json")[0] == 200


def test_a_burst_of_changes_is_one_rebuild(running, tmp_path):
    site = running()
    for day in range(11, 31):       # like a git checkout writing many files
        path = tmp_path / f"content/b/2024-01-{day}.md"
        path.write_text(meeting(f"Meeting {day}.", f"2024-01-{day}"), encoding="utf-8")
    wait_for(lambda: site.page("/b/2024-01-30/")[0] == 200, "the last new meeting")
    time.sleep(1.0)
    assert site.rebuilds() == 1, site.lines
    assert site.page("/b/2024-01-11/")[0] == 200


def test_a_broken_save_keeps_the_last_good_site_and_reports_errors(running, tmp_path):
    site = running()
    source = tmp_path / "content/b/2024-01-10.md"
    browser = EventStream(site.port)
    try:
        browser.next("hello")
        save_like_an_editor(source, meeting("Broken version.").replace("2024-01-10", "notadate"))
        errors = browser.next("errors")
        assert any("2024-01-10.md:2:" in message and "notadate" in message for message in errors)
        assert "1 error(s)" in site.lines
        assert any("2024-01-10.md:2:" in line for line in site.lines)
        status, body = site.page("/b/2024-01-10/")
        assert status == 200 and "First version." in body and "Broken" not in body

        late = EventStream(site.port)      # a page opened now sees the errors at once
        try:
            assert "notadate" in " ".join(late.next("errors"))
        finally:
            late.close()

        save_like_an_editor(source, meeting("Fixed version."))
        browser.next("reload")
        assert "Fixed version." in site.page("/b/2024-01-10/")[1]
    finally:
        browser.close()


TRAVERSALS = ["/../config.toml", "/%2e%2e/config.toml", "/..%2fconfig.toml",
              "/%2e%2e%2fconfig.toml", "/b/../../config.toml", "/b/%2E%2E/%2E%2E/config.toml",
              "/..\\config.toml", "/%5c..%5cconfig.toml", "//config.toml/..", "/..",
              "/leak.toml", "/leak/config.toml", "/leak/", "/leak", "/b/leak.toml"]


def test_nothing_outside_the_output_folder_is_served(running, tmp_path):
    site = running()
    output = tmp_path / "output"
    (output / "leak.toml").symlink_to(tmp_path / "config.toml")        # made after the build
    (output / "leak").symlink_to(tmp_path, target_is_directory=True)
    (output / "b" / "leak.toml").symlink_to("../../config.toml")
    for raw_path in TRAVERSALS:
        status, body, _ = get(site.port, raw_path)
        assert (status, "[site]" in body, "Page not found" in body) == (404, False, True), raw_path


def test_pages_are_served_with_the_script_and_the_files_stay_clean(running, tmp_path):
    site = running()
    status, body, headers = get(site.port, "/b/2024-01-10/")
    tag = '<script src="/__notulist/livereload.js" defer></script>'
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert body.count(tag) == 1 and body.index(tag) < body.index("</body>")
    assert "livereload" not in (tmp_path / "output/b/2024-01-10/index.html").read_text()
    status, _, headers = get(site.port, "/b/2024-01-10")
    assert status == 301 and headers["Location"] == "/b/2024-01-10/"
    status, script, _ = get(site.port, "/__notulist/livereload.js")
    assert status == 200 and "EventSource" in script and ".innerHTML" not in script
    status, body, _ = get(site.port, "/no/such/page/")
    assert status == 404 and "Page not found" in body and body.count(tag) == 1


def test_requests_during_rebuilds_never_miss_the_site(running, tmp_path):
    site = running()
    statuses: list[int] = []
    done = threading.Event()

    def read_the_page_again_and_again() -> None:
        while not done.is_set():
            statuses.append(site.page("/b/2024-01-10/")[0])

    readers = [threading.Thread(target=read_the_page_again_and_again) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        for version in range(15):       # every build swaps a new output folder in
            (tmp_path / "content/b/2024-01-10.md").write_text(meeting(f"Version {version}."))
            site.server.rebuild()
    finally:
        done.set()
        for reader in readers:
            reader.join()
    assert len(statuses) > 50 and set(statuses) == {200}


def test_the_server_listens_on_127_0_0_1_only(running):
    site = running()
    assert site.server.httpd.socket.getsockname()[0] == "127.0.0.1"
    others = [address for address in ("127.0.0.2", outward_address()) if address]
    for address in others if sys.platform.startswith("linux") else []:
        with pytest.raises(OSError):
            socket.create_connection((address, site.port), timeout=2).close()
    status, _, _ = get(site.port, "/", {"Host": f"attacker.example:{site.port}"})
    assert status == 403            # a DNS-rebinding page cannot read the site either


def outward_address() -> str | None:
    """This machine's address on its default route, if it has one (nothing is sent)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address


def test_deleting_a_meeting_removes_its_page_and_link(running, tmp_path):
    site = running({"2024-01-10.md": meeting("First."),
                    "2024-02-14.md": meeting("Second.", "2024-02-14")})
    assert "2024-01-10" in site.page("/b/")[1]
    (tmp_path / "content/b/2024-01-10.md").unlink()
    wait_for(lambda: site.page("/b/2024-01-10/")[0] == 404, "the deleted page to go")
    status, body = site.page("/b/")
    assert status == 200 and "2024-02-14" in body and "2024-01-10" not in body


def test_editor_temp_files_do_not_rebuild(running, tmp_path):
    site = running()
    folder = tmp_path / "content/b"
    for name in ("2024-01-10.md~", ".2024-01-10.md.swp", ".#2024-01-10.md", "#2024-01-10.md#",
                 "4913"):
        (folder / name).write_text("x")
    (tmp_path / ".cache").mkdir(exist_ok=True)
    (tmp_path / ".cache" / "junk").write_text("x")
    time.sleep(1.0)
    assert site.rebuilds() == 0, site.lines


def test_which_paths_count_as_changes(tmp_path):
    watcher = Watcher(tmp_path / "config.toml", tmp_path / "content" / "out", lambda: None)
    relevant = [tmp_path / p for p in ("config.toml", "content/b/x.md", "templates/base.html",
                                       "static/logo.svg", "content", "static")]
    ignored = [tmp_path / p for p in ("output/index.html", ".output.new-12/b/index.html",
                                      ".cache/parsed.pickle", ".git/index", "content/out/x.html",
                                      "content/b/x.md~", "content/b/.x.md.swp", "notes.txt",
                                      "content/b/.#x.md", "content/b/#x.md#", "content/b/4913",
                                      "content/.hidden.md")]
    assert [p for p in relevant if not watcher.relevant(p)] == []
    assert [p for p in ignored if watcher.relevant(p)] == []


def test_a_port_in_use_is_a_clear_message_and_exit_1(tmp_path, capsys):
    config = write_site(tmp_path, {"2024-01-10.md": meeting("First.")})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert serve(config, None, "public", port, False) == 1
    err = capsys.readouterr().err
    assert f"port {port} is already in use" in err and "Traceback" not in err


def test_ctrl_c_stops_cleanly_with_exit_0(tmp_path):
    config = write_site(tmp_path, {"2024-01-10.md": meeting("First.")})
    # PYTHONFAULTHANDLER: should it hang, SIGABRT makes it print where each thread is.
    # Ctrl-C as in a terminal: a shell starts background jobs with SIGINT ignored, and a
    # test run started that way would pass that on (Python then installs no handler).
    process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--config",
                                str(config), "--port", "0"], stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONFAULTHANDLER": "1"},
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    printed: list[str] = []
    reader = threading.Thread(target=lambda: [printed.append(line) for line in process.stderr],
                              daemon=True)
    reader.start()
    try:
        serving = wait_for(lambda: next((line for line in list(printed)
                                         if line.startswith("Serving http://127.0.0.1:")), None),
                           "the Serving line")
        port = int(serving.split(":")[2].split("/")[0])
        assert get(port, "/b/2024-01-10/")[0] == 200
        process.send_signal(signal.SIGINT)
        try:
            assert process.wait(timeout=DEADLINE) == 0
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)
            process.wait(timeout=DEADLINE)
            reader.join(timeout=DEADLINE)
            raise AssertionError("serve did not stop on Ctrl-C:\n" + "".join(printed)) from None
    finally:
        if process.poll() is None:
            process.kill()
    reader.join(timeout=DEADLINE)
    assert "Traceback" not in "".join(printed), printed


def test_the_browser_shows_errors_and_reloads_under_a_strict_csp(running, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    site = running()
    source = tmp_path / "content/b/2024-01-10.md"
    url = f"http://127.0.0.1:{site.port}/b/2024-01-10/"
    with sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page()
            page.route(url, with_strict_csp)
            console = []
            page.on("console", lambda message: console.append(message.text))
            page.goto(url)
            save_like_an_editor(source, meeting("Broken.").replace("2024-01-10", "<b>bad</b>"))
            overlay = page.wait_for_selector("#notulist-serve-errors", timeout=DEADLINE * 1000)
            assert "2024-01-10.md:2:" in overlay.inner_text()
            assert "<b>bad</b>" in overlay.inner_text() and overlay.query_selector("b") is None
            assert "First version." in page.inner_text("main")
            save_like_an_editor(source, meeting("Fixed version."))
            page.wait_for_selector("text=Fixed version.", timeout=DEADLINE * 1000)
            assert page.query_selector("#notulist-serve-errors") is None
            assert not [text for text in console if "Content Security Policy" in text], console
        finally:
            browser.close()


def launch_chromium(playwright):
    """Debian's Chromium (tests/run.sh installs it), else Playwright's own; else skip."""
    for executable in (shutil.which("chromium"), None):
        try:
            return playwright.chromium.launch(executable_path=executable)
        except Exception:           # noqa: BLE001 - any launch failure means: try the next one
            continue
    pytest.skip("no Chromium for Playwright")


def with_strict_csp(route) -> None:
    """The page as served, under the CSP a strict host would send."""
    response = route.fetch()
    headers = {**response.headers, "content-security-policy":
               "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'"}
    route.fulfill(response=response, headers=headers)
