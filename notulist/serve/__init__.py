"""`serve`: build, serve the output on 127.0.0.1, rebuild when the sources settle, reload the
browsers. Knows nothing about meetings: file events are debounced into one call of the same
pipeline.build().

May import: pipeline, the common leaves."""
from .http import find
from .server import Server, serve
from .watch import Watcher

__all__ = ["Server", "Watcher", "find", "serve"]
