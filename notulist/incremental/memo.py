"""The whole build remembered: when no input changed since the last successful build of
this output folder (load/inputs.py names them all), and that output is intact, there is
nothing to do (like make)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..problems import Problem

if TYPE_CHECKING:
    from ..load.inputs import Inputs
    from .store import Store


def known_table(store: Store) -> dict[str, list] | None:
    """The input table of the last build, so unchanged files need not be read again."""
    record = _record(store)
    return record.get("table") if isinstance(record.get("table"), dict) else None


def recall(store: Store, inputs: Inputs) -> tuple[list[Problem], int] | None:
    """The warnings and file count of the remembered build, or None when it must run again
    (also when that build left its search index for later: this one finishes it)."""
    record = _record(store)
    if record.get("fingerprint") != inputs.print or record.get("search_pending", True):
        return None
    try:
        return [Problem(*fields) for fields in record["problems"]], int(record["files"])
    except (KeyError, TypeError, ValueError):
        return None


def remember(store: Store, inputs: Inputs, problems: list[Problem], files: int,
             search_pending: bool = False) -> None:
    """The build of `inputs` is what the output holds now (but its search index, when
    `search_pending`)."""
    store.write_json("memo", {"fingerprint": inputs.print, "files": files,
                              "table": inputs.table, "search_pending": search_pending,
                              "problems": [[p.path, p.line, p.message, p.warning]
                                           for p in problems]})


def search_done(store: Store) -> None:
    """The search index left for later is made: the output is the remembered build's."""
    record = _record(store)
    if record.get("search_pending"):
        store.write_json("memo", {**record, "search_pending": False})


def forget(store: Store) -> None:
    """Before the output changes: until the new memo, none describes it."""
    store.remove("memo")


def _record(store: Store) -> dict:
    found = store.read_json("memo")
    return found if isinstance(found, dict) else {}
