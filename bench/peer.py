"""The peer: what a user would pick instead, Hugo and then Pagefind over Hugo's output.

The Hugo twin of the meetings (hugo_twin.py) is built the way its users build it: `hugo`,
then one Pagefind run over the whole output with Pagefind's defaults for a plain site
(`pagefind --site public`), the same Pagefind binary our build runs. Pagefind cannot add
a page to an index, so after an edit it indexes every page again; it finds its files of
the last run in public/pagefind/, as a user's does when the output folder is kept.
"""
from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from hugo_twin import hugo_command, hugo_version, write_hugo_site
from process_meter import Measurement, run_measured

STDERR_LINES = 40


class PeerFailed(Exception):
    """Hugo or Pagefind exited non-zero; the message says which, with what it said."""


@dataclass(frozen=True)
class PeerRun:
    hugo: Measurement
    pagefind: Measurement | None    # None: Hugo alone

    @property
    def measurement(self) -> Measurement:
        """Both runs as one: their wall times added, each memory figure the larger."""
        if self.pagefind is None:
            return self.hugo
        hugo, pagefind = self.hugo, self.pagefind
        return Measurement(hugo.wall_s + pagefind.wall_s,
                           max(hugo.peak_tree_mb, pagefind.peak_tree_mb),
                           max(hugo.main_maxrss_mb or 0, pagefind.main_maxrss_mb or 0),
                           hugo.largest_mb, pagefind.pagefind_mb)

    @property
    def search_s(self) -> float | None:
        return self.pagefind.wall_s if self.pagefind else None


class Peer:
    """The Hugo twin in `folder` and the Pagefind binary to run over its output."""

    def __init__(self, folder: Path, pagefind: Path):
        self.folder, self.pagefind = folder, pagefind
        self.output = folder / "public"
        self.version = hugo_version()

    def cold(self) -> PeerRun:
        """Hugo into a fresh output folder with no cache, then Pagefind."""
        for stale in (self.output, self.folder / "resources"):
            shutil.rmtree(stale, ignore_errors=True)
        return PeerRun(self.run_hugo(cold=True), self.run_pagefind())

    def rebuild(self, search: bool) -> PeerRun:
        """Hugo again over the kept output (it renders every page again), then Pagefind
        if `search`."""
        hugo = self.run_hugo(cold=False)
        return PeerRun(hugo, self.run_pagefind() if search else None)

    def run_hugo(self, cold: bool) -> Measurement:
        return checked(run_measured(hugo_command(self.folder, self.output, cold)), "Hugo")

    def run_pagefind(self) -> Measurement:
        # No PAGEFIND_* variable of the user's reaches it, as in our build (search.py).
        command = [str(self.pagefind), "--site", str(self.output), "--silent"]
        env = {name: value for name, value in os.environ.items()
               if not name.startswith("PAGEFIND_")}
        return checked(run_measured(command, cwd=self.folder, env=env), "Pagefind")


def checked(run, tool: str) -> Measurement:
    if run.returncode != 0:
        said = "\n".join((run.stderr or run.stdout).splitlines()[:STDERR_LINES])
        raise PeerFailed(f"{tool} exited with {run.returncode}\n{said}".rstrip())
    return run.measurement


def prepare_peer(repo: Path, site: Path, folder: Path) -> tuple[Peer | None, str | None]:
    """The peer with its twin of `site` written to `folder`, or None and why it cannot run."""
    if not shutil.which("hugo"):
        return None, ("Hugo + Pagefind: hugo is not on PATH — the peer is skipped "
                      "(apt-get install -y hugo)")
    pagefind = pagefind_binary(repo)
    if pagefind is None:
        return None, ("Hugo + Pagefind: no Pagefind binary — the peer is skipped "
                      "(pip install 'pagefind[bin]')")
    write_hugo_site(site, folder)
    return Peer(folder, pagefind), None


def pagefind_binary(repo: Path) -> Path | None:
    """The binary the benchmarked engine runs (notulist/write/pagefind.py), so both use the same."""
    if str(repo) not in sys.path:
        sys.path.insert(0, str(repo))
    try:
        from notulist.write.pagefind import _executable
        return _executable()
    except (ImportError, OSError):
        return None
