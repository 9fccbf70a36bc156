"""`serve`: build, serve the output on 127.0.0.1, rebuild when the sources settle, reload browsers.

Knows nothing about meetings: file events are debounced into one call of the same build().
"""
from __future__ import annotations

import errno
import json
import mimetypes
import os
import queue
import re
import secrets
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .pipeline import build, default_output, refresh_search
from .problems import BuildFailed, errors_of

HOST = "127.0.0.1"
EVENTS, SCRIPT_URL = "/__notulist/events", "/__notulist/livereload.js"
SCRIPT = Path(__file__).parent / "static_serve" / "livereload.js"
SCRIPT_TAG = b'<script src="/__notulist/livereload.js" defer></script>'
SOURCES = ("content", "templates", "static")
CHANGES = {"created", "modified", "moved", "deleted"}     # not opened/closed: build() reads too
EDITOR_TEMP = re.compile(r"^(?:.*~|\.#.*|#.*#|\..*\.sw[a-px]|4913)$")   # emacs, vim
LOCAL_HOST = re.compile(r"(?:127\.0\.0\.1|localhost)(?::\d+)?", re.IGNORECASE)
NOT_BUILT = (b"<!doctype html><html><head><meta charset=utf-8><title>Not found</title></head>"
             b"<body><h1>Not found</h1><p>No site has been built yet.</p></body></html>")


def serve(config_path: Path, output: Path | None = None, audience: str = "public",
          port: int = 8000, strict: bool = False) -> int:
    """The `serve` command: runs until Ctrl-C (exit 0); a port that cannot be used is exit 1."""
    if not Path(config_path).is_file():
        _say(f"{config_path}: no such file — run serve next to config.toml or pass --config")
        return 1
    try:
        server = Server(config_path, output, audience, port, strict)
    except OSError as exc:
        _say(f"port {port} is already in use — stop the other server or pass --port {port + 1}"
             if exc.errno == errno.EADDRINUSE else
             f"cannot listen on {HOST}:{port} ({exc.strerror or exc}) — choose another --port")
        return 1
    try:
        server.start()
        _say(f"Serving http://{HOST}:{server.port}/ — Ctrl-C to stop")
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        _say("stopped")
    finally:
        server.stop()
    return 0


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class Server:
    """The HTTP server, the watcher and the rebuilder of one site; port 0 picks a free port."""

    def __init__(self, config_path: Path, output: Path | None = None, audience: str = "public",
                 port: int = 8000, strict: bool = False, log=_say, settle: float = 0.3,
                 idle: float = 1.0):
        self.config, self.audience, self.strict, self.log = Path(config_path), audience, strict, log
        self.output = Path(output or default_output(self.config, audience)).resolve()
        self.hub = Hub()
        self.httpd = SiteServer((HOST, port), self.output, self.hub)
        self.rebuilder = Rebuilder(self.rebuild, settle, self.refresh_search, idle)
        self.watcher = Watcher(self.config.resolve(), self.output, self.rebuilder.poke)
        self._threads: list[threading.Thread] = []
        self._building = threading.Lock()   # one build at a time writes the output folder

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    def start(self) -> None:
        """Watch first so no edit is missed, build once, then serve and rebuild on changes."""
        self.watcher.start()
        self.rebuild(first=True)
        for target in (self.httpd.serve_forever, self.rebuilder.run):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Waits for a running build, so no half-swapped output is left behind."""
        self.watcher.stop()
        self.rebuilder.stop()
        self.hub.close()
        if self._threads:           # shutdown() waits forever if serve_forever() never ran
            self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self._threads:
            thread.join()

    def rebuild(self, first: bool = False) -> bool:
        """Returns whether the search index was left behind (see refresh_search)."""
        started = time.perf_counter()
        try:
            with self._building:
                # After the first build the pages are published before the search index is
                # made again (seconds on a large archive): refresh_search follows when idle.
                result = build(self.config, self.output, self.audience, strict=self.strict,
                               search_now=first)
        except BuildFailed as failed:
            messages = [problem.format() for problem in failed.problems]
            self._failed(messages, len(errors_of(failed.problems, self.strict)))
            return False
        except Exception:           # an engine bug must not stop the server: show it, keep serving
            self._failed([traceback.format_exc().rstrip()], 1)
            return False
        for problem in result.problems:
            self.log(problem.format())
        self.log(f"{'built' if first else 'rebuilt'} in {time.perf_counter() - started:.2f} s")
        self.hub.publish([])
        return result.search_pending

    def refresh_search(self) -> None:
        """Index the published pages for search; a failure is shown and leaves the old index."""
        try:
            with self._building:
                seconds = refresh_search(self.config, self.output, self.audience)
        except BuildFailed as failed:
            return self._failed([problem.format() for problem in failed.problems], 1)
        except Exception:
            return self._failed([traceback.format_exc().rstrip()], 1)
        if seconds:
            self.log(f"search index updated in {seconds:.2f} s")

    def _failed(self, messages: list[str], count: int) -> None:
        for message in messages:
            self.log(message)
        self.log(f"{count} error(s)")
        self.hub.publish(messages)


class Rebuilder:
    """Calls `build` once no change has come for `settle` seconds: a burst is one rebuild.
    When `build` returns true (work left for later), `later` is called once no change has
    come for `idle` seconds more."""

    def __init__(self, build, settle: float, later=None, idle: float = 1.0):
        self._build, self._settle, self._later, self._idle = build, settle, later, idle
        self._changes: queue.Queue = queue.Queue()       # True per change, None to stop
        self._due = False

    def poke(self) -> None:
        self._changes.put(True)

    def stop(self) -> None:
        self._changes.put(None)

    def run(self) -> None:
        while True:
            try:
                if not self._changes.get(timeout=self._idle if self._due else None):
                    return          # None: stopped
            except queue.Empty:     # quiet since a build that left work for later
                self._due = False
                self._later()
                continue
            try:
                while self._changes.get(timeout=self._settle):
                    pass            # still busy: wait for `settle` seconds of quiet
                return              # None: stopped
            except queue.Empty:
                self._due = (bool(self._build()) or self._due) and self._later is not None


class Watcher(FileSystemEventHandler):
    """watchdog on config.toml and on content/, templates/ and static/ once they exist."""

    def __init__(self, config: Path, output: Path, changed):
        self.config, self.root, self.output, self.changed = config, config.parent, output, changed
        self.observer = Observer()
        self.watches: dict[Path, object] = {}

    def start(self) -> None:
        self.observer.schedule(self, str(self.root), recursive=False)   # config, new folders
        for folder in (self.root / name for name in SOURCES):
            if folder.is_dir():
                self._watch(folder)
        self.observer.start()

    def stop(self) -> None:
        """Bounded: watchdog's threads are daemons, and one reading inotify can sit in a
        blocking read after stop(); serve's exit must not wait for it."""
        self.observer.stop()
        if self.observer.is_alive():
            self.observer.join(timeout=2.0)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in CHANGES or event.is_directory and event.event_type == "modified":
            return
        paths = [Path(os.fsdecode(path)) for path in (event.src_path, event.dest_path) if path]
        if any(map(self.relevant, paths)):
            for folder in paths:    # a source folder created (or renamed into place) later
                if folder.parent == self.root and folder.name in SOURCES and folder.is_dir():
                    self._watch(folder)
            self.changed()

    def relevant(self, path: Path) -> bool:
        if path == self.config:
            return True
        if not path.is_relative_to(self.root) or path.is_relative_to(self.output):
            return False    # an --output inside content/ must not trigger its own rebuilds
        parts = path.relative_to(self.root).parts
        # Hidden names (.#x, .x.swp, .git, build()'s .output.new-* staging) are never read.
        return (bool(parts) and parts[0] in SOURCES and not EDITOR_TEMP.match(path.name)
                and not any(part.startswith(".") for part in parts))

    def _watch(self, folder: Path) -> None:
        if folder in self.watches:  # a deleted and recreated folder needs a fresh watch
            try:
                self.observer.unschedule(self.watches[folder])
            except KeyError:
                pass
        self.watches[folder] = self.observer.schedule(self, str(folder), recursive=True)


class Hub:
    """The browsers' event streams, and the state of the last build that each new one gets."""

    def __init__(self):
        self._lock = threading.Lock()
        self._streams: set[queue.Queue] = set()
        self._errors: list[str] = []
        self._session, self._builds = secrets.token_hex(4), 0     # tells a restart apart
        self._closed = False

    def subscribe(self) -> queue.Queue:
        stream: queue.Queue = queue.Queue()
        with self._lock:
            self._streams.add(stream)
            stream.put(_event("hello", f"{self._session}-{self._builds}"))
            if self._errors:
                stream.put(_event("errors", self._errors))
            if self._closed:
                stream.put(None)
        return stream

    def unsubscribe(self, stream: queue.Queue) -> None:
        with self._lock:
            self._streams.discard(stream)

    def publish(self, errors: list[str]) -> None:
        """After each build: its errors, or a reload when it succeeded."""
        with self._lock:
            self._errors, self._builds = list(errors), self._builds + (not errors)
            message = (_event("errors", self._errors) if errors
                       else _event("reload", f"{self._session}-{self._builds}"))
            for stream in self._streams:
                stream.put(message)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for stream in self._streams:
                stream.put(None)


def _event(kind: str, data) -> bytes:
    """One Server-Sent Event; JSON keeps the data on one line."""
    return f"event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, output: Path, hub: Hub):
        self.output, self.hub = output, hub
        super().__init__(address, SiteHandler)

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):   # not a browser that went away
            super().handle_error(request, client_address)


class SiteHandler(BaseHTTPRequestHandler):
    server: SiteServer

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if not LOCAL_HOST.fullmatch(self.headers.get("Host", HOST)):   # DNS rebinding
            return self._send(403, b"serve answers to 127.0.0.1 and localhost only\n", "text/plain")
        if path == EVENTS and self.command == "GET":
            return self._stream_events()
        if path == SCRIPT_URL:
            return self._send(200, SCRIPT.read_bytes(), "text/javascript")
        found = find(self.server.output, path)
        if isinstance(found, str):
            return self._send(301, b"", "text/plain", location=found)
        if found:
            return self._send(200, found[1], mimetypes.guess_type(found[0])[0])
        page = find(self.server.output, "/404.html")
        self._send(404, page[1] if isinstance(page, tuple) else NOT_BUILT, "text/html")

    do_HEAD = do_GET

    def _send(self, status: int, body: bytes, kind: str | None, location: str = "") -> None:
        kind = kind or "application/octet-stream"
        if kind == "text/html":
            body = inject_script(body)
        text = kind.startswith("text/") or kind.endswith(("json", "xml", "javascript"))
        self.send_response(status)
        self.send_header("Content-Type", f"{kind}; charset=utf-8" if text else kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        if location:
            self.send_header("Location", location)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _stream_events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        stream = self.server.hub.subscribe()
        try:
            while (message := _next(stream)) is not None:
                self.wfile.write(message)
        except OSError:
            pass                    # the browser went away
        finally:
            self.server.hub.unsubscribe(stream)

    def log_message(self, format, *args) -> None:
        pass                        # the terminal shows one line per rebuild, not every request


def _next(stream: queue.Queue) -> bytes | None:
    try:
        return stream.get(timeout=15)
    except queue.Empty:
        return b": keep-alive\n\n"  # writing is how a closed browser tab is noticed


def find(output: Path, url_path: str) -> tuple[str, bytes] | str | None:
    """The file for a URL path inside the real output folder, a redirect to add a folder's
    slash, or None. Tried twice: between the two renames of build()'s swap there is no folder."""
    found = _find_once(output, url_path)
    if found is None:
        if not output.is_dir():
            time.sleep(0.05)
        found = _find_once(output, url_path)
    return found


def _find_once(output: Path, url_path: str) -> tuple[str, bytes] | str | None:
    parts = [part for part in unquote(url_path, errors="replace").split("/") if part]
    if any(part in (".", "..") or "\\" in part or "\x00" in part for part in parts):
        return None
    root = os.path.realpath(output)
    target = os.path.realpath(os.path.join(root, *parts))
    if os.path.isdir(target) and _inside(target, root):
        if not url_path.endswith("/"):
            return "/" + "".join(f"{part}/" for part in url_path.split("/") if part)
        target = os.path.realpath(os.path.join(target, "index.html"))
    if not _inside(target, root) or not os.path.isfile(target):
        return None
    try:
        with open(target, "rb") as handle:
            return target, handle.read()
    except OSError:
        return None


def _inside(path: str, root: str) -> bool:
    """Real paths only: a symlink inside the output that points outside it is outside."""
    return path == root or path.startswith(root + os.sep)


def inject_script(html: bytes) -> bytes:
    """The live-reload script before </body>; the built files on disk never contain it."""
    at = html.lower().rfind(b"</body>")
    return html + SCRIPT_TAG if at < 0 else html[:at] + SCRIPT_TAG + html[at:]
