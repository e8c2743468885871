"""``python -m archivist`` as a real process without the interpreter's start-up: each run is forked from one
process that has already imported archivist (#17: starting Python and importing archivist took ~1 s per run).

The forked child is the real program: its own pid (and session when asked), the caller's stdin/stdout/stderr
file descriptors (passed over a Unix socket), working folder, environment and ``sys.argv``; it runs
``archivist/__main__.py`` the way ``python -m`` does and exits through the interpreter's own shutdown (atexit,
uncaught tracebacks, exit codes). Only what Python reads once at start-up is shared: a run whose environment
changes such a variable (``PYTHON*``, the few Typer reads at import) is started as a fresh ``python -m archivist``.
Shell commands reach the same server through tests/_warm_client.py (an ``archivist`` on PATH, see :meth:`Warm.wrapper`).
The hash seed is shared by the forked runs, so tests comparing output across runs keep one fresh run as reference.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import IO, Any

_SERVER = Path(__file__).resolve().with_name("_warm_server.py")
_CLIENT = Path(__file__).resolve().with_name("_warm_client.py")
_PIPE = subprocess.PIPE
_DEVNULL = subprocess.DEVNULL
Stream = int | IO[Any] | None


@cache
def shared() -> Warm:
    """The warm server of this test process, started on first use and stopped when the process exits."""
    warm = Warm()
    atexit.register(warm.close)
    return warm


class Warm:
    """One warm server (a child of this process) and the runs forked from it."""

    def __init__(self) -> None:
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._folder = tempfile.mkdtemp(prefix="archivist-warm-")
        #: Where tests/_warm_client.py reaches the server (``ARCHIVIST_WARM_SOCKET``).
        self.address = os.path.join(self._folder, "socket")
        self._server = subprocess.Popen([sys.executable, str(_SERVER), str(theirs.fileno()), self.address],
                                        pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
        theirs.close()
        self._socket = mine
        self._lock = threading.Lock()
        assert self._ask({"op": "ready"}) == {"ready": True}, "the warm archivist server did not start"

    def _ask(self, message: dict[str, Any], fds: Sequence[int] = ()) -> dict[str, Any]:
        with self._lock:
            socket.send_fds(self._socket, [json.dumps(message).encode()], list(fds))
            answer = self._socket.recv(1 << 16)
        if not answer:
            raise RuntimeError("the warm archivist server stopped")
        return json.loads(answer)  # type: ignore[no-any-return]

    def close(self) -> None:
        self._socket.close()
        self._server.wait(timeout=30)
        shutil.rmtree(self._folder, ignore_errors=True)

    def popen(self, args: Sequence[str], *, cwd: Path | str | None = None, env: Mapping[str, str] | None = None,
              stdin: Stream = None, stdout: Stream = None, stderr: Stream = None, text: bool = False,
              start_new_session: bool = False) -> Run | subprocess.Popen[Any]:
        """``subprocess.Popen([python, -m, archivist, *args], ...)`` for the arguments shown, forked when it can be."""
        environment = dict(os.environ if env is None else env)
        fds: list[int] = []
        ours: list[IO[Any] | None] = []
        theirs: list[int] = []
        for index, stream in enumerate((stdin, stdout, stderr)):
            if stream == _PIPE:
                read, write = os.pipe()
                mine, passed = (write, read) if index == 0 else (read, write)
                mode = ("w" if index == 0 else "r") + ("" if text else "b")
                ours.append(os.fdopen(mine, mode, encoding="utf-8") if text else os.fdopen(mine, mode))
                fds.append(passed)
                theirs.append(passed)
            else:
                ours.append(None)
                if stream == _DEVNULL or (stream is None and index == 0):
                    fd = os.open(os.devnull, os.O_RDWR)
                    theirs.append(fd)
                elif stream is None:
                    fd = index  # inherit ours
                elif isinstance(stream, int):
                    fd = stream
                else:
                    fd = stream.fileno()
                fds.append(fd)
        try:
            answer = self._ask({"op": "spawn", "argv": list(args), "cwd": str(cwd or os.getcwd()),
                                "env": environment, "session": start_new_session}, fds)
        finally:
            for fd in theirs:
                os.close(fd)
        if "pid" in answer:
            return Run(self, answer["pid"], list(args), *ours)
        for stream in ours:  # the server says this run needs a fresh interpreter
            if stream is not None:
                stream.close()
        return subprocess.Popen([sys.executable, "-m", "archivist", *args], cwd=cwd, env=environment, stdin=stdin,
                                stdout=stdout, stderr=stderr, text=text, start_new_session=start_new_session)

    def wrapper(self, folder: Path) -> Path:
        """An ``archivist`` command in ``folder`` (to put first on PATH) whose runs this server forks."""
        path = folder / "archivist"
        path.write_text(f'#!/bin/sh\nexec "{sys.executable}" -I -S "{_CLIENT}" "{self.address}" "$@"\n')
        path.chmod(0o755)
        return path

    def run(self, args: Sequence[str], *, cwd: Path | str | None = None, env: Mapping[str, str] | None = None,
            input: str | bytes | None = None, timeout: float | None = None,
            text: bool = True) -> subprocess.CompletedProcess[Any]:
        """``subprocess.run([python, -m, archivist, *args], capture_output=True, text=text, ...)``, stdin empty
        unless ``input`` is given."""
        process = self.popen(args, cwd=cwd, env=env, stdin=_PIPE if input is not None else _DEVNULL, stdout=_PIPE,
                             stderr=_PIPE, text=text)
        stdout, stderr = process.communicate(input, timeout=timeout)
        return subprocess.CompletedProcess(process.args, process.returncode or 0, stdout, stderr)

    def status(self, pid: int) -> int | None:
        """The return code of a finished run (``-N`` when signal N ended it), None while it runs."""
        return self._ask({"op": "poll", "pid": pid})["status"]  # type: ignore[no-any-return]


class Run:
    """A forked run, with the part of :class:`subprocess.Popen` the tests use."""

    def __init__(self, warm: Warm, pid: int, args: list[str], stdin: IO[Any] | None, stdout: IO[Any] | None,
                 stderr: IO[Any] | None) -> None:
        self._warm = warm
        self.pid = pid
        self.args = args
        self.stdin, self.stdout, self.stderr = stdin, stdout, stderr
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self._warm.status(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(self.args, timeout or 0)
            time.sleep(0.005)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def communicate(self, input: str | bytes | None = None, timeout: float | None = None) -> tuple[Any, Any]:
        """Write ``input``, read stdout and stderr to their end (side by side, as Popen does), wait for the exit."""
        found: dict[int, Any] = {}

        def drain(index: int, stream: IO[Any]) -> None:
            found[index] = stream.read()
            stream.close()

        readers = [threading.Thread(target=drain, args=(i, s), daemon=True)
                   for i, s in ((1, self.stdout), (2, self.stderr)) if s is not None]
        for reader in readers:
            reader.start()
        if self.stdin is not None:
            try:
                if input:
                    self.stdin.write(input)
                self.stdin.close()
            except BrokenPipeError:
                pass
        deadline = None if timeout is None else time.monotonic() + timeout
        for reader in readers:
            reader.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
            if reader.is_alive():
                raise subprocess.TimeoutExpired(self.args, timeout or 0)
        self.wait(None if deadline is None else max(0.0, deadline - time.monotonic()))
        return found.get(1), found.get(2)
