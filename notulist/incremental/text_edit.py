"""The text-edit shortcut: when only meetings' text changed since the last full build (see
snapshot.py), their pages are rendered in the site of that build, skipping the
whole-archive stages."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..load.files import Source, read_source
from ..model.parse import parse_source
from ..model.records import Meeting
from . import snapshot

if TYPE_CHECKING:
    from ..load.config import Config
    from ..load.inputs import Inputs
    from .store import Store


@dataclass(frozen=True)
class TextEdit:
    site: object                    # the last full build's site, the edited meetings in full
    meetings: tuple[Meeting, ...]   # the edited meetings, parsed anew
    sources: tuple[Source, ...]
    state: snapshot.State

    @property
    def problems(self) -> list:
        return self.state.problems


def find_text_edit(config: Config, store: Store, inputs: Inputs) -> TextEdit | None:
    """The text edit since the last full build, or None when the build must run in full
    (no snapshot, a file added or removed, an outline or a problem changed, …)."""
    recalled = snapshot.recall(store, inputs)
    if recalled is None or not recalled[1]:
        return None
    state, changed = recalled
    sources = [read_source(config, config.root / name) for name in changed]
    if None in sources or any(source.body is None for source in sources):
        return None
    parsed = [parse_source(source, config) for source in sources]
    if not snapshot.outlined(state, list(zip(sources, parsed))):
        return None
    edited = tuple(meeting for meeting, _ in parsed)
    site = snapshot.site_of(store, state, list(edited))
    if site is None:
        return None
    return TextEdit(site, tuple(map(site.people.shown, edited)), tuple(sources), state)


def remember_text_edit(store: Store, edit: TextEdit, inputs: Inputs) -> None:
    snapshot.write_state(store, snapshot.edited_state(edit.state, inputs, list(edit.sources)))
