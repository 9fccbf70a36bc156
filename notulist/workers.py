"""Work spread over the cores: forked worker processes, when there is enough to pay for them."""
from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager


def worker_count() -> int:
    return min(os.cpu_count() or 1, 8)


def can_fork() -> bool:
    """Forking a process that runs other threads (serve) can deadlock: then work serially."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def worth_a_pool(tasks: int, threshold: int) -> bool:
    """Whether `tasks` pieces of work pay for a process pool (below `threshold` they do not)."""
    return tasks >= threshold and worker_count() >= 2 and can_fork()


# Descriptors of the locks this process holds (write/spare.py): a forked worker shares each
# lock while it keeps a copy, so it closes them, and a killed build frees its lock.
HELD_LOCKS: set[int] = set()


@contextmanager
def forked_pool() -> Iterator[ProcessPoolExecutor]:
    """Workers forked from this process, so they inherit what it holds without pickling;
    they hold none of its locks and never outlive it (kill -9 included)."""
    gc.freeze()                     # workers then do not copy the whole heap to collect it
    try:
        with ProcessPoolExecutor(worker_count(), mp_context=multiprocessing.get_context("fork"),
                                 initializer=start_worker, initargs=(os.getpid(),)) as pool:
            yield pool
    finally:
        gc.unfreeze()


def start_worker(parent: int) -> None:
    """In a new worker: close the inherited locks, and die when the parent does."""
    for descriptor in HELD_LOCKS:
        try:
            os.close(descriptor)
        except OSError:
            pass
    HELD_LOCKS.clear()
    die_with_parent()
    if os.getppid() != parent:      # the parent died before the signal was asked for
        os._exit(1)


def die_with_parent() -> None:
    """Linux's prctl(PR_SET_PDEATHSIG, SIGKILL); elsewhere the pool's own checks remain."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)     # 1: PR_SET_PDEATHSIG, <linux/prctl.h>
    except (OSError, AttributeError):
        pass
