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
import socketserver
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .pipeline import build, default_output
from .problems import BuildFailed, errors_of

HOST = "127.0.0.1"
PREFIX = "/__notulist/"
SCRIPT = Path(__file__).parent / "static_serve" / "livereload.js"
SCRIPT_TAG = b'<script src="/__notulist/livereload.js" defer></script>'
SOURCES = ("content", "templates", "static")
CHANGES = {"created", "modified", "moved", "deleted"}
EDITOR_TEMP = re.compile(r"^(?:.*~|\.#.*|\..*\.sw[a-px]|4913)$")   # emacs, vim
LOCAL_HOST = re.compile(r"(?:127\.0\.0\.1|localhost)(?::\d+)?", re.IGNORECASE)
NOT_BUILT = (b"<!doctype html><html><head><meta charset=utf-8><title>Not found</title></head>"
             b"<body><h1>Not found</h1><p>No site has been built yet.</p></body></html>")


def serve(config_path: Path, output: Path | None = None, audience: str = "public",
          port: int = 8000, strict: bool = False) -> int:
    """The `serve` command: runs until Ctrl-C (exit 0); a port that is taken is exit 1."""
    if not Path(config_path).is_file():
        _say(f"{config_path}: no such file — run serve next to config.toml or pass --config")
        return 1
    try:
        server = Server(config_path, output, audience, port, strict)
    except OSError as exc:
        _say(_bind_message(port, exc))
        return 1
    try:
        server.start()
        _say(f"Serving http://{HOST}:{server.port}/ — Ctrl-C to stop")
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        _say("stopping")
    finally:
        server.stop()
    return 0


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _bind_message(port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} is already in use — stop the other server or pass --port {port + 1}"
    return f"cannot listen on {HOST}:{port} ({exc.strerror or exc}) — choose another --port"


class Server:
    """The site's HTTP server, its watcher and its rebuilder; port 0 picks a free port."""

    def __init__(self, config_path: Path, output: Path | None = None, audience: str = "public",
                 port: int = 8000, strict: bool = False, log=_say, settle: float = 0.3):
        self.config, self.audience, self.strict, self.log = Path(config_path), audience, strict, log
        self.output = Path(output or default_output(self.config, audience)).resolve()
        self.hub = Hub()
        self.httpd = SiteServer((HOST, port), self.output, self.hub)
        self.rebuilder = Rebuilder(self.rebuild, settle)
        self.watcher = Watcher(self.config.resolve(), self.output, self.rebuilder.poke)
        self._threads: list[threading.Thread] = []

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    def start(self) -> None:
        """Watch first so no edit is missed, build once, then serve and rebuild on changes."""
        self.watcher.start()
        self.rebuild(first=True)
        for target in (self.httpd.serve_forever, self.rebuilder.run):
            self._threads.append(threading.Thread(target=target, daemon=True))
            self._threads[-1].start()

    def stop(self) -> None:
        """Stop in reverse order; waits for a running build so no staging folder is left."""
        self.watcher.stop()
        self.rebuilder.stop()
        self.hub.close()
        if self._threads:
            self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self._threads:
            thread.join()

    def rebuild(self, first: bool = False) -> None:
        started = time.perf_counter()
        try:
            result = build(self.config, self.output, self.audience, strict=self.strict)
        except BuildFailed as failed:
            messages = [problem.format() for problem in failed.problems]
            return self._failed(messages, len(errors_of(failed.problems, self.strict)))
        except Exception:           # an engine bug must not stop the server; show it, keep serving
            return self._failed([traceback.format_exc().rstrip()], 1)
        for problem in result.problems:
            self.log(problem.format())
        self.log(f"{'built' if first else 'rebuilt'} in {time.perf_counter() - started:.2f} s")
        self.hub.publish_reload()

    def _failed(self, messages: list[str], count: int) -> None:
        for message in messages:
            self.log(message)
        self.log(f"{count} error(s)")
        self.hub.publish_errors(messages)


class Rebuilder:
    """Calls `build` once no poke has come for `settle` seconds: a burst is one rebuild."""

    def __init__(self, build, settle: float):
        self._build, self._settle = build, settle
        self._last: float | None = None
        self._stopped = False
        self._changed = threading.Condition()

    def poke(self) -> None:
        with self._changed:
            self._last = time.monotonic()
            self._changed.notify()

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            self._changed.notify()

    def run(self) -> None:
        while self._settled():
            self._build()

    def _settled(self) -> bool:
        """Waits until the events have been quiet for `settle`; False once stopped."""
        with self._changed:
            while not self._stopped:
                if self._last is None:
                    self._changed.wait()
                    continue
                quiet = time.monotonic() - self._last
                if quiet >= self._settle:
                    self._last = None
                    return True
                self._changed.wait(self._settle - quiet)
            return False


class Watcher(FileSystemEventHandler):
    """watchdog on config.toml and the existing content/, templates/ and static/ folders."""

    def __init__(self, config: Path, output: Path, changed):
        self.config, self.root, self.output, self.changed = config, config.parent, output, changed
        self.observer = Observer()
        self.watches: dict[Path, object] = {}

    def start(self) -> None:
        self.observer.schedule(self, str(self.root), recursive=False)   # config.toml, new folders
        for name in SOURCES:
            if (self.root / name).is_dir():
                self._watch(self.root / name)
        self.observer.start()

    def stop(self) -> None:
        self.observer.stop()
        if self.observer.is_alive():
            self.observer.join()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in CHANGES or event.is_directory and event.event_type == "modified":
            return
        paths = [Path(os.fsdecode(p)) for p in (event.src_path, event.dest_path) if p]
        if not any(map(self.relevant, paths)):
            return
        for path in paths:          # a source folder created (or renamed into place) after start
            if event.is_directory and path.parent == self.root and path.name in SOURCES:
                if event.event_type != "deleted" and path.is_dir():
                    self._watch(path)
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
        old = self.watches.pop(folder, None)
        if old is not None:
            try:
                self.observer.unschedule(old)
            except KeyError:
                pass                # watchdog already dropped the watch of a deleted folder
        self.watches[folder] = self.observer.schedule(self, str(folder), recursive=True)


class Hub:
    """The browsers' event streams and the state of the last build (sent on connect)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._streams: set[queue.Queue] = set()
        self._errors: list[str] = []
        self._session, self._generation = secrets.token_hex(4), 0   # tells a restart apart
        self._closed = False

    def subscribe(self) -> queue.Queue:
        stream: queue.Queue = queue.Queue()
        with self._lock:
            self._streams.add(stream)
            stream.put(_event("hello", f"{self._session}-{self._generation}"))
            if self._errors:
                stream.put(_event("errors", self._errors))
            if self._closed:
                stream.put(None)
        return stream

    def unsubscribe(self, stream: queue.Queue) -> None:
        with self._lock:
            self._streams.discard(stream)

    def publish_reload(self) -> None:
        with self._lock:
            self._errors, self._generation = [], self._generation + 1
            self._send(_event("reload", f"{self._session}-{self._generation}"))

    def publish_errors(self, messages: list[str]) -> None:
        with self._lock:
            self._errors = list(messages)
            self._send(_event("errors", self._errors))

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._send(None)

    def _send(self, message: bytes | None) -> None:
        for stream in self._streams:
            stream.put(message)


def _event(kind: str, data) -> bytes:
    """One Server-Sent Event; JSON keeps the data on one line."""
    return f"event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


class SiteServer(ThreadingHTTPServer):
    """Serves the output folder, looked up per request because build() swaps it in whole."""
    daemon_threads = True

    def __init__(self, address, output: Path, hub: Hub):
        self.output, self.hub = output, hub
        super().__init__(address, SiteHandler)

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)     # skip HTTPServer's reverse DNS lookup
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):   # a browser that went away
            super().handle_error(request, client_address)


class SiteHandler(BaseHTTPRequestHandler):
    server: SiteServer

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if not is_local(self.headers.get("Host", HOST)):   # DNS rebinding: another site's page
            return self._send(403, b"serve answers only to 127.0.0.1 and localhost\n",
                              "text/plain; charset=utf-8")
        if path == PREFIX + "events" and self.command == "GET":
            return self._stream_events()
        if path == PREFIX + "livereload.js":
            return self._send(200, SCRIPT.read_bytes(), "text/javascript; charset=utf-8")
        found = find(self.server.output, path)
        if isinstance(found, str):
            return self._redirect(found)
        if found is None:
            return self._not_found()
        self._send(200, found[1], _content_type(found[0]))

    do_HEAD = do_GET

    def _not_found(self) -> None:
        found = find(self.server.output, "/404.html")
        self._send(404, found[1] if isinstance(found, tuple) else NOT_BUILT, "text/html; charset=utf-8")

    def _redirect(self, location: str) -> None:
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        if content_type.startswith("text/html"):
            body = inject_script(body)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
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
            while True:
                try:
                    message = stream.get(timeout=15)
                except queue.Empty:
                    message = b": keep-alive\n\n"    # notices a closed browser tab
                if message is None:
                    return
                self.wfile.write(message)
        except OSError:
            pass                    # the browser went away
        finally:
            self.server.hub.unsubscribe(stream)

    def log_message(self, format, *args) -> None:
        pass                        # one line per rebuild is the terminal's business, not requests


def find(output: Path, url_path: str) -> tuple[Path, bytes] | str | None:
    """The file for a URL path, a redirect for a folder without its slash, or None.

    Never anything outside the real output folder. Tried twice: a request that falls between
    the two renames of build()'s swap finds no folder, and finds the new one a moment later.
    """
    found = _find_once(output, url_path)
    if found is None:
        if not output.is_dir():
            time.sleep(0.05)
        found = _find_once(output, url_path)
    return found


def _find_once(output: Path, url_path: str) -> tuple[Path, bytes] | str | None:
    parts = [p for p in unquote(url_path, errors="replace").split("/") if p]
    if any(p in (".", "..") or "\\" in p or "\x00" in p for p in parts):
        return None
    root = os.path.realpath(output)
    target = os.path.realpath(os.path.join(root, *parts))
    if os.path.isdir(target) and _inside(target, root):
        if not url_path.endswith("/"):
            return "/" + "".join(f"{p}/" for p in url_path.split("/") if p)
        target = os.path.realpath(os.path.join(target, "index.html"))
    if not _inside(target, root) or not os.path.isfile(target):
        return None
    try:
        with open(target, "rb") as handle:
            return Path(target), handle.read()
    except OSError:
        return None


def _inside(path: str, root: str) -> bool:
    """Real paths only: a symlink inside the output that points outside it is outside."""
    return path == root or path.startswith(root + os.sep)


def is_local(host: str) -> bool:
    return LOCAL_HOST.fullmatch(host) is not None


def _content_type(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    text = kind.startswith("text/") or kind.endswith(("json", "xml"))
    return f"{kind}; charset=utf-8" if text else kind


def inject_script(html: bytes) -> bytes:
    """The live-reload script before </body>; the built files on disk never contain it."""
    at = html.lower().rfind(b"</body>")
    return html + SCRIPT_TAG if at < 0 else html[:at] + SCRIPT_TAG + html[at:]
