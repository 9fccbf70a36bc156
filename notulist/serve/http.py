"""The HTTP side of serve: the built files on 127.0.0.1, and the browsers' reload events."""
from __future__ import annotations

import json
import mimetypes
import os
import queue
import re
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..digests import PACKAGE

HOST = "127.0.0.1"
EVENTS, SCRIPT_URL = "/__notulist/events", "/__notulist/livereload.js"
SCRIPT = PACKAGE / "static_serve" / "livereload.js"
SCRIPT_TAG = b'<script src="/__notulist/livereload.js" defer></script>'
LOCAL_HOST = re.compile(r"(?:127\.0\.0\.1|localhost)(?::\d+)?", re.IGNORECASE)
NOT_BUILT = (b"<!doctype html><html><head><meta charset=utf-8><title>Not found</title></head>"
             b"<body><h1>Not found</h1><p>No site has been built yet.</p></body></html>")


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
