"""The shards of the search index: which pages each Pagefind bundle holds (see write/)."""
from __future__ import annotations

from dataclasses import dataclass

from ..urls import meeting_file

BUNDLE = "pagefind/"
# The pages a shard holds at most, unless one year holds more (docs/performance.md: what an
# edit and a reader's search cost per shard). Up to this many pages, a single shard.
SHARD_PAGES = 500


@dataclass(frozen=True)
class Shard:
    name: str                       # the first year it holds, or "pages" when no meetings
    paths: tuple[str, ...]          # output paths of the pages it indexes, sorted

    @property
    def folder(self) -> str:
        return f"{BUNDLE}{self.name}/"


def plan_shards(meetings, pages) -> list[Shard]:
    """The index shards of a site, newest first: meeting pages grouped by whole years,
    oldest first, a group holding at most SHARD_PAGES pages (a year that holds more is a
    group of its own), so an edit never indexes more than that again. Adding meetings to
    the latest year changes only the newest shard, or the two newest when the latest year
    outgrows the group it shares. Free pages join the oldest shard, which a new year does
    not change. No shard when there is nothing to index (Pagefind refuses an empty
    folder): the search page then says so."""
    years: dict[int, list[str]] = {}
    for meeting in meetings:
        years.setdefault(meeting.date.year, []).append(meeting_file(meeting.key))
    groups: list[tuple[str, list[str]]] = []
    for year in sorted(years):
        if not groups or len(groups[-1][1]) + len(years[year]) > SHARD_PAGES:
            groups.append((str(year), []))
        groups[-1][1].extend(years[year])
    if not groups and pages:
        groups.append(("pages", []))
    if groups:
        groups[0][1].extend(f"{page.name}/index.html" for page in pages)
    return [Shard(name, tuple(sorted(paths))) for name, paths in reversed(groups)]
