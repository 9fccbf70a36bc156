"""Wall time and peak memory of a build: the sum of RSS over a process and its descendants,
and the high-water mark of its largest process, Pagefind's apart from the others."""
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
    largest_mb: float | None = None     # the largest VmHWM of a process not Pagefind's
    pagefind_mb: float | None = None    # the largest VmHWM of a Pagefind process (None: none ran)


@dataclass(frozen=True)
class BuildRun:
    measurement: Measurement
    returncode: int
    stdout: str
    stderr: str


class TreeMemorySampler(threading.Thread):
    """Samples /proc every ~10 ms: keeps the highest summed RSS of the process tree, and the
    highest high-water mark (VmHWM, which the kernel keeps) of one process, for Pagefind's
    processes and the others apart. A process's last ~10 ms before it ends can be missed."""

    def __init__(self, root_pid: int):
        super().__init__(daemon=True)
        self.root_pid = root_pid
        self.peak_bytes = 0
        self.largest_bytes = {False: 0, True: 0}    # is Pagefind -> largest VmHWM seen
        self._stop_event = threading.Event()

    def run(self) -> None:
        while True:
            self.sample()
            if self._stop_event.wait(SAMPLE_SECONDS):
                return

    def sample(self) -> None:
        tree = process_tree(self.root_pid)
        self.peak_bytes = max(self.peak_bytes, sum(rss_bytes(pid) for pid in tree))
        for pid in tree:
            role = is_pagefind(pid)
            self.largest_bytes[role] = max(self.largest_bytes[role], high_water_bytes(pid))

    def finish(self) -> tuple[float, float | None, float | None]:
        """The peak of the tree, the largest process other than Pagefind's, Pagefind's
        largest (MB; None when none was seen)."""
        self._stop_event.set()
        self.join()
        other, pagefind = self.largest_bytes[False], self.largest_bytes[True]
        return (self.peak_bytes / MB, other / MB if other else None,
                pagefind / MB if pagefind else None)


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


def is_pagefind(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/comm") as comm:
            return comm.read().startswith("pagefind")
    except (FileNotFoundError, ProcessLookupError):
        return False


def high_water_bytes(pid: int) -> int:
    """VmHWM: the largest RSS the process has had so far."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError, ValueError):
        pass
    return 0


def reset_high_water(pid: int) -> None:
    """VmHWM back to the current RSS (Linux 4.0 and later: 5 to clear_refs)."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        pass                     # not allowed here: the figure then includes what came before


def rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * PAGE_BYTES
    except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
        return 0


def run_measured(command: list[str], cwd: Path | None = None,
                 env: dict[str, str] | None = None) -> BuildRun:
    """Run a command to completion; output goes to files so a full pipe never stalls it."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err)
        sampler = TreeMemorySampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        peak, largest, pagefind = sampler.finish()
        process.returncode = os.waitstatus_to_exitcode(status)
        measurement = Measurement(wall, peak, usage.ru_maxrss * 1024 / MB, largest, pagefind)
        return BuildRun(measurement, process.returncode, read_back(out), read_back(err))


def measure_call(call) -> Measurement:
    """Time a call in this process; memory is this process plus any workers it starts,
    its high-water mark reset first so that it is the call's (where the kernel allows)."""
    reset_high_water(os.getpid())
    sampler = TreeMemorySampler(os.getpid())
    started = time.perf_counter()
    sampler.start()
    try:
        call()
    finally:
        wall = time.perf_counter() - started
        peak, largest, pagefind = sampler.finish()
    return Measurement(wall, peak, None, largest, pagefind)


def read_back(stream) -> str:
    stream.seek(0)
    return stream.read().decode("utf-8", errors="replace")
