"""Watching the sources: file events, debounced into one rebuild once they settle."""
from __future__ import annotations

import os
import queue
import re
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

SOURCES = ("content", "templates", "static")
CHANGES = {"created", "modified", "moved", "deleted"}     # not opened/closed: build() reads too
EDITOR_TEMP = re.compile(r"^(?:.*~|\.#.*|#.*#|\..*\.sw[a-px]|4913)$")   # emacs, vim


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
                    return self._finish()       # None: stopped
            except queue.Empty:     # quiet since a build that left work for later
                self._due = False
                self._later()
                continue
            try:
                while self._changes.get(timeout=self._settle):
                    pass            # still busy: wait for `settle` seconds of quiet
                return self._finish()           # None: stopped
            except queue.Empty:
                self._due = (bool(self._build()) or self._due) and self._later is not None

    def _finish(self) -> None:
        """Stopped: the work left for later is done now, so none is left stale."""
        if self._due:
            self._due = False
            self._later()


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
