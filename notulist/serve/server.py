"""The `serve` command: one Server holds the HTTP server, the watcher and the rebuilder."""
from __future__ import annotations

import errno
import sys
import threading
import time
import traceback
from pathlib import Path

from ..pipeline import build, default_output, refresh_search
from ..problems import BuildFailed, errors_of
from .http import HOST, Hub, SiteServer
from .watch import Rebuilder, Watcher


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
