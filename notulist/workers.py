"""Work spread over the cores: forked worker processes, when there is enough to pay for them."""
from __future__ import annotations

import gc
import multiprocessing
import os
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


@contextmanager
def forked_pool() -> Iterator[ProcessPoolExecutor]:
    """Workers forked from this process, so they inherit what it holds without pickling."""
    gc.freeze()                     # workers then do not copy the whole heap to collect it
    try:
        with ProcessPoolExecutor(worker_count(),
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            yield pool
    finally:
        gc.unfreeze()
