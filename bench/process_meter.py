"""Wall time and peak memory of a build: the sum of RSS over a process and its descendants."""
from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
SAMPLE_SECONDS = 0.01
MB = 1024 * 1024


@dataclass(frozen=True)
class Measurement:
    wall_s: float
    peak_tree_mb: float              # peak of the summed RSS of the process tree, sampled
    # ru_maxrss from os.wait4: on Linux the largest single RSS among the main process and
    # the descendants it waited for (None when measured in-process)
    main_maxrss_mb: float | None


@dataclass(frozen=True)
class BuildRun:
    measurement: Measurement
    returncode: int
    stdout: str
    stderr: str


class TreeMemorySampler(threading.Thread):
    """Samples /proc every ~10 ms and keeps the highest summed RSS of the process tree."""

    def __init__(self, root_pid: int):
        super().__init__(daemon=True)
        self.root_pid = root_pid
        self.peak_bytes = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while True:
            self.peak_bytes = max(self.peak_bytes, tree_rss_bytes(self.root_pid))
            if self._stop_event.wait(SAMPLE_SECONDS):
                return

    def finish(self) -> float:
        self._stop_event.set()
        self.join()
        return self.peak_bytes / MB


def tree_rss_bytes(root_pid: int) -> int:
    return sum(rss_bytes(pid) for pid in process_tree(root_pid))


def process_tree(root_pid: int) -> list[int]:
    """The process and all its descendants, found through /proc/<pid>/task/*/children."""
    tree, pending = [], [root_pid]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(child_pids(pid))
    return tree


def child_pids(pid: int) -> list[int]:
    children = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as listing:
                children.extend(int(child) for child in listing.read().split())
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass                     # the process (or thread) ended between listing and reading
    return children


def rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * PAGE_BYTES
    except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
        return 0


def run_measured(command: list[str], cwd: Path | None = None) -> BuildRun:
    """Run a command to completion; output goes to files so a full pipe never stalls it."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err)
        sampler = TreeMemorySampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        peak = sampler.finish()
        process.returncode = os.waitstatus_to_exitcode(status)
        measurement = Measurement(wall, peak, usage.ru_maxrss * 1024 / MB)
        return BuildRun(measurement, process.returncode, read_back(out), read_back(err))


def measure_call(call) -> Measurement:
    """Time a call in this process; memory is this process plus any workers it starts."""
    sampler = TreeMemorySampler(os.getpid())
    started = time.perf_counter()
    sampler.start()
    try:
        call()
    finally:
        wall = time.perf_counter() - started
        peak = sampler.finish()
    return Measurement(wall, peak, None)


def read_back(stream) -> str:
    stream.seek(0)
    return stream.read().decode("utf-8", errors="replace")
