"""A text edit: the build after one that changed only the text of some meetings.

Most edits of minutes change a sentence, not what other pages show of the meeting: its
outline (model.outline: date, title, attendees, items, actions, references, … all but the
HTML of its text) stays the same. Then the linked site is the one of the last build, and
only the meeting's own page (and its shard of the search index) can differ. The build
then skips the whole-archive stages: it parses the edited files, plans and renders their
pages, and writes and indexes as any build does.

After every full build the snapshot keeps what that needs, in two cache files:
- `snapshot-*.site.pickle`: the linked site, its meetings as outlines, unpickled only
  when a page asks for them (an edit asks for a dozen), and its large tables (reference
  targets, backlinks, the actions register) in buckets, each unpickled when a page asks
  for one of its keys (docs/performance.md);
- `snapshot-*.pickle`: the inputs it was built from (load.inputs.Inputs), each source file
  as parsed (digest, outline digest, problems), the file digest of each meeting and the
  warnings. An edit rewrites only this one.

Anything else (a file added, removed or renamed, config, templates, static, the engine,
a changed outline or problem, an unreadable file) means a full build."""
from __future__ import annotations

import pickle
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..model.records import Meeting, outline
from ..problems import Problem

if TYPE_CHECKING:
    from ..load.inputs import Inputs
    from .parse_cache import Parsed     # not at import: a build with nothing to do needs no parser
    from .store import Store


@dataclass(frozen=True)
class State:
    token: str                      # names the site file this state goes with
    frame: str                      # load.inputs.Inputs.frame
    content: dict[str, str]         # load.inputs.Inputs.content()
    sources: dict[str, Parsed]      # by path, as str(load.Source.path); outlines left out
    digests: dict[str, str]         # meeting key -> digest of its file
    problems: list[Problem]         # the warnings of the build


class Outlines(Mapping):
    """`Site.meetings` of a snapshot: each meeting unpickled from its outline when first
    asked for (with its file's digest), and the edited ones in full."""

    def __init__(self, outlines: dict[str, bytes], digests: dict[str, str],
                 full: dict[str, Meeting], shown=lambda meeting: meeting):
        self._outlines, self._digests, self._shown = outlines, digests, shown
        self._made = {key: shown(meeting) for key, meeting in full.items()}

    def __getitem__(self, key: str) -> Meeting:
        if key not in self._made:     # outlines are kept as written: withheld names again
            meeting = pickle.loads(self._outlines[key])
            self._made[key] = self._shown(replace(meeting, digest=self._digests[key]))
        return self._made[key]

    def __contains__(self, key) -> bool:
        return key in self._outlines

    def __iter__(self) -> Iterator[str]:
        return iter(self._outlines)

    def __len__(self) -> int:
        return len(self._outlines)


class Buckets(Mapping):
    """A dict kept as `BUCKETS` pickled parts by the hash of its keys (a key's bucket is the
    same in every process: see _bucket), each unpickled when one of its keys is asked for.
    Iteration follows the dict's order."""

    def __init__(self, table: dict):
        parts: list[dict] = [{} for _ in range(BUCKETS)]
        for key, value in table.items():
            parts[_bucket(key)][key] = value
        self._keys = tuple(table)
        self._parts = [pickle.dumps(part, pickle.HIGHEST_PROTOCOL) for part in parts]
        self._open: dict[int, dict] = {}

    def __getstate__(self):
        return self._keys, self._parts

    def __setstate__(self, state) -> None:
        self._keys, self._parts = state
        self._open = {}

    def _part(self, key) -> dict:
        number = _bucket(key)
        if number not in self._open:
            self._open[number] = pickle.loads(self._parts[number])
        return self._open[number]

    def __getitem__(self, key):
        return self._part(key)[key]

    def __contains__(self, key) -> bool:
        return key in self._part(key)

    def __iter__(self) -> Iterator:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


BUCKETS = 256


def _bucket(key) -> int:
    """Python's str hash changes from process to process: a digest of the key's repr."""
    return zlib.crc32(repr(key).encode()) % BUCKETS


def _bucketed(site):
    """The site as the snapshot keeps it: its large tables in buckets."""
    register = site.register
    return replace(site, targets=Buckets(site.targets), backlinks=Buckets(site.backlinks),
                   register=replace(register, actions=Buckets(register.actions),
                                    decisions=Buckets(register.decisions),
                                    states=Buckets(register.states),
                                    update_targets=Buckets(register.update_targets)))


def keep(store: Store, inputs: Inputs, site, parsed: dict[str, Parsed],
         problems: list[Problem]) -> None:
    """After a full build: the site with its meetings as outlines, and the state."""
    outlines = {key: parsed[str(meeting.path)].outline for key, meeting in site.meetings.items()}
    sources = {path: replace(entry, outline=None) for path, entry in parsed.items()}
    digests = {key: meeting.digest for key, meeting in site.meetings.items()}
    state = State(inputs.print, inputs.frame, inputs.content(), sources, digests, problems)
    store.remove("snapshot")        # the state names the site file: never a stale pair
    store.write_pickle("snapshot-site", (inputs.print, replace(_bucketed(site), meetings=outlines)))
    store.write_pickle("snapshot", state)


def recall(store: Store, inputs: Inputs) -> tuple[State, list[str]] | None:
    """The state of the last full build and the content files changed since (as
    "content/…"), when its config, templates, static and engine are the ones of `inputs`
    and no content file came or went; else None."""
    state = store.read_pickle("snapshot")
    if not isinstance(state, State) or state.frame != inputs.frame:
        return None
    content = inputs.content()
    if content.keys() != state.content.keys():
        return None
    return state, [name for name, digest in content.items() if state.content[name] != digest]


def outlined(state: State, edited: list[tuple[object, tuple]]) -> bool:
    """Whether every edited source (with its parse: meeting, problems) kept its outline
    and its problems."""
    for source, (meeting, problems) in edited:
        before = state.sources.get(str(source.path))
        if not isinstance(meeting, Meeting) or before is None or before.outline_digest is None \
                or before.outline_digest != outline(meeting)[1] \
                or before.problems != repr(problems):
            return False
    return True


def site_of(store: Store, state: State, edited: list[Meeting]):
    """The snapshot's site with the edited meetings in full; None if its file is lost."""
    found = store.read_pickle("snapshot-site")
    if not isinstance(found, tuple) or len(found) != 2 or found[0] != state.token:
        return None
    site = found[1]
    digests = {**state.digests, **{m.key: m.digest for m in edited}}
    full = {m.key: m for m in edited if m.key in site.meetings}
    return replace(site, meetings=Outlines(site.meetings, digests, full, site.people.shown))


def edited_state(state: State, inputs: Inputs, edited: list) -> State:
    """The state after a text edit: the new files' digests, the same site."""
    sources = dict(state.sources)
    for source in edited:
        sources[str(source.path)] = replace(sources[str(source.path)], digest=source.digest)
    digests = {**state.digests, **{s.key: s.digest for s in edited if s.key in state.digests}}
    return replace(state, content=inputs.content(), sources=sources, digests=digests)


def write_state(store: Store, state: State) -> None:
    store.write_pickle("snapshot", state)
