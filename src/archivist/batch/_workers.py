"""The worker processes of a batch, and the signals that stop one.

Workers leave Ctrl-C to the main process (which stops them), die with it even when it is killed outright, and
remove the temporary files they were writing before they exit. In the main process SIGTERM stops the batch the
way Ctrl-C does, so either one ends with the journal flushed and no partial file left.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from types import FrameType

from .._atomic import discard_partials

_PR_SET_PDEATHSIG = 1


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes that stop as described above."""
    return ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(os.getpid(),))


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """Send SIGTERM to every worker of ``pool`` now (each removes its temporary files and exits)."""
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14+
    if terminate is not None:
        terminate()
        return
    for process in list(getattr(pool, "_processes", {}).values()):
        if process.is_alive():
            process.terminate()


def _start_worker(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_worker)
    if sys.platform.startswith("linux"):  # the kernel sends SIGTERM when the parent dies, however it dies
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    else:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before the line above took effect
        _stop_worker(signal.SIGTERM, None)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.2)
    os.kill(os.getpid(), signal.SIGTERM)


def _stop_worker(signum: int, frame: FrameType | None) -> None:
    discard_partials()
    os._exit(128 + signum)


class Stopped(KeyboardInterrupt):
    """Raised in the main process by SIGINT or SIGTERM during a batch; ``signal`` is which one."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signal = signum


@contextmanager
def _handled(handler: Callable[[int, FrameType | None], None]) -> Iterator[bool]:
    """``handler`` takes SIGINT and SIGTERM while the block runs, then the previous handlers are back; yields False
    (and changes nothing) outside the main thread, where Python cannot set signal handlers."""
    if threading.current_thread() is not threading.main_thread():
        yield False
        return
    previous = {number: signal.signal(number, handler) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield True
    finally:
        for number, action in previous.items():
            signal.signal(number, action)


@contextmanager
def interrupts() -> Iterator[None]:
    """While the block runs in the main thread, SIGINT and SIGTERM raise :class:`Stopped` once; a second signal
    while the first is being handled (files removed, journal flushed) is ignored so the clean-up completes."""
    stopping: list[int] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        if stopping:
            return
        stopping.append(signum)
        raise Stopped(signum)

    with _handled(handler):
        yield


@contextmanager
def signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM that come while the block runs (in the main thread) are delivered when it ends, to the
    handler they would have met, so what the block starts is complete and can be stopped in an orderly way."""
    held: list[int] = []
    try:
        with _handled(lambda signum, frame: held.append(signum)):
            yield
    finally:
        if held:
            signal.raise_signal(held[0])
