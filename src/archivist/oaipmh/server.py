"""The OAI-PMH data provider on waitress, a production WSGI server: parallel worker threads, request size
limits and connection timeouts; the record index is refreshed by a background thread, never by a request.

With ``workers`` above one (on a system with ``fork``: Linux, macOS, the BSDs), the server forks that many
processes after binding its socket and building its index; each runs its own waitress on the shared socket
(the kernel hands each connection to one of them), so pages are made on every core, not one at a time under
one interpreter lock. The first process only refreshes the index and stops the others. Windows has no fork:
there the server is always one process with threads."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import replace
from multiprocessing.sharedctypes import RawArray
from pathlib import Path
from typing import Any, cast

from waitress.server import create_server
from waitress.wasyncore import loop

from .._defaults import TIMEOUT_SECONDS
from .._errors import ArchivistError
from .._oai_vocabulary import placeholders
from .._words import counted
from ..records import check_sources
from ..site import SiteSettings
from ._framing import StrictChannel
from ._index import RecordIndex
from ._provider import FORMATS, Provider, Repository
from ._wsgi import MAX_BODY, OAIApplication

log = logging.getLogger("archivist.oaipmh")

REFRESH_SECONDS = 2.0
THREADS = 8
#: Worker processes ``archivist serve`` starts by default: one per core, where the system can fork.
CAN_FORK = hasattr(os, "fork")
MAX_CONNECTIONS = 500
_GONE = 1 << 30  # the connection count of a worker that ended: never the least
_LATE = b"the request was not complete in time\n"
_TIMED_OUT = (b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
              b"Content-Length: %d\r\n\r\n%s" % (len(_LATE), _LATE))


def default_index_path(paths: Iterable[str | os.PathLike[str]]) -> Path:
    """Where the index lives unless told: beside the first record path (``.archivist-oai.sqlite``)."""
    first = Path(next(iter(paths)))
    folder = first if first.is_dir() else first.parent
    return folder / ".archivist-oai.sqlite"


def _url_host(host: str) -> str:
    """``host`` as it appears in a URL: a wildcard address becomes this machine's name, IPv6 gets brackets."""
    if host in ("", "0.0.0.0", "::"):
        return socket.gethostname()
    return f"[{host}]" if ":" in host else host


class OAIServer:
    """An OAI-PMH server bound to ``host``:``port`` (0 picks a free port). ``provider.repo.base_url`` is the final
    base URL (``http://HOST:PORT/oai`` when the repository gives none); ``workers`` processes answer where the
    system can fork (0: one per core). Run ``serve_forever()``; ``shutdown()`` from another thread or a signal
    handler stops it."""

    def __init__(self, index: RecordIndex, repository: Repository, host: str = "127.0.0.1", port: int = 8080, *,
                 timeout: float = TIMEOUT_SECONDS, threads: int = THREADS,
                 refresh_seconds: float = REFRESH_SECONDS, site: SiteSettings | None = None, workers: int = 1) -> None:
        self.index = index
        self.workers = (workers or os.cpu_count() or 1) if CAN_FORK else 1
        self._asked = workers  # 0: one per core, which on a system that cannot fork is one without a warning
        self._threads = threads
        self._children: list[int] = []
        self._keeper = 0  # the process making payloads ahead (with worker processes)
        self._slots: dict[int, int] = {}  # each worker's pid: its place in _loads
        self._loads: Any = None  # each worker's open connections, in memory the workers share
        self._socket = socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET,
                                            backlog=1024)
        self.port = self._socket.getsockname()[1]
        self._derived = not repository.base_url
        if self._derived:
            repository = replace(repository, base_url=f"http://{_url_host(host)}:{self.port}/oai")
        self.provider = Provider(index, repository)
        self.application = OAIApplication(self.provider)
        if site is not None:  # the pages for people of `archivist site`, at the same routes, and /search
            from ._site import SitePages

            site = site if site.oai_url else replace(site, oai_url=repository.base_url)
            self.application.site = SitePages(index, site)
        self._map: dict[int, Any] = {}
        self._timeout = timeout
        self._server: Any = None
        if self.workers == 1:
            self._start_waitress()
        self._stop = threading.Event()
        self._stopped = threading.Event()
        self._refresh_seconds = refresh_seconds
        self._refresher = threading.Thread(target=self._refresh_loop, name="oai-index-refresh", daemon=True)

    def _start_waitress(self) -> None:
        """The waitress server of this process, on the listening socket (in each worker after a fork)."""
        # Any: waitress's type stubs lag the attributes used here (maintenance, active_channels)
        self._server = cast(Any, create_server(
            self.application, map=self._map, sockets=[self._socket], threads=self._threads,
            channel_timeout=self._timeout, cleanup_interval=max(1, int(self._timeout // 2)),
            max_request_body_size=MAX_BODY, max_request_header_size=MAX_BODY, connection_limit=MAX_CONNECTIONS,
            ident="archivist-oai", expose_tracebacks=False, clear_untrusted_proxy_headers=True))
        self._server.channel_class = StrictChannel  # RFC 9112 §6.1: ambiguous framing is refused, then closed
        self._waitress_maintenance = self._server.maintenance
        self._server.maintenance = self._maintenance

    def describe(self) -> str:
        """Where the server listens and what it serves, for the start-up message."""
        count = self.index.count()
        processes = f"{self.workers} processes" if self.workers > 1 else "one process"
        return (f"OAI-PMH at {self.provider.repo.base_url} (listening on {self._socket.getsockname()[0]}:{self.port}) "
                f"serving {counted(count, 'record')} from {', '.join(self.index.paths)} "
                f"(index {self.index.database}; {processes}); Ctrl-C stops")

    def warnings(self) -> list[str]:
        """What a harvester would get wrong: the repository values that are placeholders."""
        repo = self.provider.repo
        found = placeholders(repo.base_url, repo.repository_id, repo.admin_email)
        if self._derived and "base_url" not in found:
            found["base_url"] = (f"the base URL {repo.base_url} was made from this machine's name; harvesters "
                                 "may know it by another")
        said = [f"{text} (set it with --{name.replace('_', '-')})" for name, text in found.items()]
        if self._asked > self.workers:
            said.append(f"{self._asked} worker processes were asked for, but this system cannot fork them: one "
                        "process serves, with threads")
        return said

    def _maintenance(self, now: float) -> None:
        """Before waitress closes idle connections: answer 408 on those stalled in the middle of a request
        (headers never finished, a promised body never sent), so that the client learns why."""
        cutoff = now - self._timeout
        for channel in list(self._server.active_channels.values()):
            if channel.request is not None and not channel.requests and channel.last_activity < cutoff:
                channel.request = None
                channel.write_soon(_TIMED_OUT)
                log.info("%s - - - 408 %.1f ms", channel.addr[0], (now - channel.last_activity) * 1000)
        self._waitress_maintenance(now)

    def serve_forever(self, poll_interval: float = 0.2) -> None:
        """Answer requests until ``shutdown()``; then close every connection and worker thread (and, with
        worker processes, stop them and wait for them)."""
        if self.workers > 1:
            self._supervise(poll_interval)
            return
        self._refresher.start()
        try:
            self._answer(poll_interval)
        finally:
            self._close()
            if self.application.site is not None:
                self.application.site.close()
            self._stopped.set()

    def _answer(self, poll_interval: float) -> None:
        while not self._stop.is_set():
            loop(timeout=poll_interval, map=self._map, use_poll=True, count=1)

    def _supervise(self, poll_interval: float) -> None:
        """Fork the workers (before any thread starts here), refresh the index, and stop them at shutdown.

        Ctrl-C and SIGTERM only ask to stop here (no KeyboardInterrupt): one raised between ``fork()`` and
        noting the new worker's pid would leave that worker running unseen, holding the socket and the
        terminal's streams (the server then never seemed to end), or would send a worker into this code."""
        previous = _ask_to_stop_on_signals(self._stop)
        self._loads = RawArray("i", self.workers)
        try:
            for slot in range(self.workers):
                if self._stop.is_set():
                    break
                pid = os.fork()
                if pid == 0:
                    self._work(poll_interval, slot)  # never returns
                self._children.append(pid)
                self._slots[pid] = slot
            if not self._stop.is_set():
                self._keeper = os.fork()
                if self._keeper == 0:
                    self._keep_payloads()  # never returns
            self._refresher.start()
            while not self._stop.wait(poll_interval):
                self._reap()
                if not self._children:
                    log.error("error: every worker process ended; stopping")
                    break
        finally:
            self._stop.set()  # also when Ctrl-C ended the wait: the workers' ends are expected from here on
            deadline = time.monotonic() + 10
            asked = 0.0
            while (self._children or self._keeper) and time.monotonic() < deadline:
                if time.monotonic() - asked > 0.5:  # again and again: a SIGTERM that reaches a child before
                    asked = time.monotonic()  # Python's after-fork set-up is dropped by it, unseen
                    for pid in [*self._children, self._keeper]:
                        if pid:
                            with contextlib.suppress(ProcessLookupError):
                                os.kill(pid, signal.SIGTERM)
                time.sleep(0.05)
                self._reap()
            for pid in [*self._children, self._keeper]:  # still there after ten seconds
                if pid:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
            self._socket.close()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            self._stopped.set()

    def _reap(self) -> None:
        """Forget the workers that ended (saying so, unless they were asked to), and the payload keeper."""
        if self._keeper and os.waitpid(self._keeper, os.WNOHANG)[0]:
            self._keeper = 0
        for pid in list(self._children):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                self._children.remove(pid)
                self._loads[self._slots[pid]] = _GONE  # the others stop leaving connections to it
                if not self._stop.is_set():
                    log.error("error: worker process %d ended (status %d); the others keep serving", pid, status)

    def _work(self, poll_interval: float, slot: int) -> None:
        """A worker process: its own index connections and waitress on the shared socket, until SIGTERM/SIGINT."""
        status = 0
        try:  # the handlers that came with the fork set this process's copy of _stop; made sure of here too, for
            for signum in (signal.SIGTERM, signal.SIGINT):  # a server that was started from another thread
                signal.signal(signum, lambda *_: self._stop.set())
            self.index.after_fork()
            self._start_waitress()
            self._balance(slot)
            self._answer(poll_interval)
            self._close()
        except BaseException as exc:  # a worker must never run on into the parent's code
            log.error("error: worker process %d failed: %s: %s", os.getpid(), type(exc).__name__, exc)
            status = 1
        finally:
            logging.shutdown()
            os._exit(status)

    def _balance(self, slot: int) -> None:
        """Accept connections only while no other worker holds fewer. Every worker waits on the shared socket
        and the first to wake takes the connection, so four harvesters could land three or four on one worker
        (one core) while another idles; kept-alive, they stay there for the whole harvest."""
        server, loads = self._server, self._loads
        readable = server.readable  # waitress's: its maintenance and connection limit

        def balanced() -> bool:
            ready = bool(readable())
            loads[slot] = len(server.active_channels)
            return ready and loads[slot] <= min(loads)

        server.readable = balanced

    def _keep_payloads(self) -> None:
        """A process at the lowest CPU priority (it takes only what requests leave): every record's payload made
        and kept in every format, so that harvests after it find them ready; it ends when done."""
        status = 0
        try:
            for signum in (signal.SIGINT, signal.SIGTERM):  # stopped at once: a write cut short is rolled back
                signal.signal(signum, signal.SIG_DFL)
            os.nice(19)
            self.index.after_fork()
            began, cpu = time.monotonic(), time.process_time()
            count = self.provider.keep_payloads(self._stop.is_set)
            if not self._stop.is_set():
                log.info("payloads of %s kept in %s (%.1f s, %.1f s of CPU)", counted(count, "record"),
                         ", ".join(FORMATS), time.monotonic() - began, time.process_time() - cpu)
        except BaseException as exc:  # never runs on into the parent's code
            log.error("error: making payloads ahead failed: %s: %s", type(exc).__name__, exc)
            status = 1
        finally:
            self.index.close()
            logging.shutdown()
            os._exit(status)

    def shutdown(self) -> None:
        """Ask ``serve_forever()`` to return (it does within one poll interval)."""
        self._stop.set()

    def wait_stopped(self, timeout: float | None = None) -> bool:
        """Block until ``serve_forever()`` has closed everything; False on timeout."""
        return self._stopped.wait(timeout)

    def _close(self) -> None:
        """Close the listening socket and every connection, and stop the worker threads."""
        for channel in list(self._map.values()):
            channel.close()
        self._server.task_dispatcher.shutdown(timeout=5)

    def _refresh_loop(self) -> None:
        """Check the record files every few seconds (longer for big folders: ten times a scan's duration)."""
        pause = self._refresh_seconds
        while not self._stop.wait(pause):
            began = time.monotonic()
            try:
                if self.index.refresh() and self.application.site is not None:
                    self.application.site.sync()
            except Exception as exc:
                log.error("error: index refresh failed: %s: %s", type(exc).__name__, exc)
            pause = max(self._refresh_seconds, 10 * (time.monotonic() - began))


def _ask_to_stop_on_signals(stop: threading.Event) -> dict[int, Any]:
    """Make SIGINT and SIGTERM set ``stop`` (in the main thread; elsewhere signals are the caller's business);
    the handlers they had, to put back."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {signum: signal.signal(signum, lambda *_: stop.set()) for signum in (signal.SIGINT, signal.SIGTERM)}


def make_server(index: RecordIndex, repository: Repository, host: str = "127.0.0.1", port: int = 8080, *,
                timeout: float = TIMEOUT_SECONDS, threads: int = THREADS,
                refresh_seconds: float = REFRESH_SECONDS, site: SiteSettings | None = None,
                workers: int = 1) -> OAIServer:
    """An :class:`OAIServer` answering OAI-PMH from ``index`` (and the site's pages, given ``site``), in
    ``workers`` processes where it can fork (0: one per core)."""
    return OAIServer(index, repository, host, port, timeout=timeout, threads=threads, refresh_seconds=refresh_seconds,
                     site=site, workers=workers)


def open_server(paths: list[str], repository: Repository, host: str = "127.0.0.1", port: int = 8080, *,
                index: str | os.PathLike[str] | None = None, timeout: float = TIMEOUT_SECONDS,
                site: SiteSettings | None = None, workers: int = 1) -> OAIServer:
    """Index the records under ``paths`` (at ``index``, default beside them) and bind a server to them.

    Raises ArchivistError with a one-line message for anything a user can get wrong: missing records, an index
    path that is an input or not an archivist index, a read-only folder, a port in use, a bad repository value.
    """
    check_sources(paths)
    replace(repository, base_url=repository.base_url or "http://localhost/oai").check()  # before any work
    record_index = RecordIndex(paths, index or default_index_path(paths))
    try:
        return OAIServer(record_index, repository, host, port, timeout=timeout, site=site, workers=workers)
    except OSError as exc:
        record_index.close()
        raise ArchivistError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    except ArchivistError:
        record_index.close()
        raise
