"""The warm server of tests/warm.py: imports archivist once, then forks one child per run it is asked for.

Run as ``python tests/_warm_server.py FD PATH`` where FD is a SOCK_SEQPACKET Unix socket to the test process and
PATH where to listen for tests/_warm_client.py. A child leaves the request
loop and runs ``archivist/__main__.py`` as ``python -m archivist`` would, then ends the way the interpreter does
(uncaught exception printed, exit code or SIGINT death, non-daemon threads joined, atexit run, stdout and stderr
flushed) except that it skips tearing down the inherited heap, which took most of a forked run's time.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import io
import json
import os
import runpy
import selectors
import signal
import socket
import sys
import threading
from typing import Any, TextIO

sys.path.pop(0)  # this script's folder: `python -m` puts the working folder there instead (set per run below)
import langcodes  # noqa: F401 - imported by the first record a run reads
import typer._adapters  # noqa: F401 - imported (with pydantic) when Typer first parses a command line

import archivist.cli  # noqa: F401 - the point of the server: imported once, inherited by every run
from archivist import batch, ingest, oaipmh, packages  # noqa: F401 - what the commands import when they run
from archivist.records import fast_validator, record_validator

fast_validator(), record_validator()  # compiled once (each is cached), as every run that reads a record does
gc.freeze()  # the runs' collections then skip (and do not copy) the inherited objects


def _status(raw: int) -> int:
    return -os.WTERMSIG(raw) if os.WIFSIGNALED(raw) else os.WEXITSTATUS(raw)


#: Environment variables read once when the interpreter starts or Typer is imported: a run that changes one of
#: them is not forked but told to start fresh.
_AT_START = ("TYPER_USE_RICH", "TERMINAL_WIDTH", "_TYPER_FORCE_DISABLE_TERMINAL", "GITHUB_ACTIONS", "FORCE_COLOR",
             "PY_COLORS")
_STARTED_WITH = dict(os.environ)


def _needs_fresh(env: dict[str, str]) -> bool:
    keys = {k for k in {*env, *_STARTED_WITH} if k.startswith("PYTHON") or k in _AT_START}
    return any(env.get(k) != _STARTED_WITH.get(k) for k in keys)


def serve(channel: socket.socket, listener: socket.socket) -> dict[str, Any]:
    """Answer requests (from the test process on ``channel``, from tests/_warm_client.py through ``listener``) until
    the channel closes (then exit); return, in a forked child, the run to do."""
    done: dict[int, int] = {}
    chooser = selectors.DefaultSelector()
    chooser.register(channel, selectors.EVENT_READ)
    chooser.register(listener, selectors.EVENT_READ)
    while True:
        for key, _ in chooser.select():
            asker: socket.socket = key.fileobj  # type: ignore[assignment]
            if asker is listener:
                chooser.register(listener.accept()[0], selectors.EVENT_READ)
                continue
            data, fds, _, _ = socket.recv_fds(asker, 1 << 20, 3)
            if not data:
                if asker is channel:
                    sys.exit(0)
                chooser.unregister(asker)
                asker.close()
                continue
            request = json.loads(data)
            answer: dict[str, Any]
            if request["op"] == "ready":
                answer = {"ready": True}
            elif request["op"] == "poll":
                pid = request["pid"]
                if pid not in done:
                    reaped, raw = os.waitpid(pid, os.WNOHANG)
                    if reaped:
                        done[pid] = _status(raw)
                answer = {"status": done.get(pid)}
            elif _needs_fresh(request["env"]):
                answer = {"fresh": True}
            else:
                pid = os.fork()
                if pid == 0:
                    for registered in list(chooser.get_map().values()):
                        registered.fileobj.close()  # type: ignore[union-attr]
                    chooser.close()
                    for target, fd in enumerate(fds):  # received descriptors are >= 3: 0-2 are open here
                        os.dup2(fd, target)
                    for fd in fds:
                        os.close(fd)
                    return request  # type: ignore[no-any-return]
                answer = {"pid": pid}
            for fd in fds:
                os.close(fd)
            asker.send(json.dumps(answer).encode())


def _stream(fd: int, like: TextIO, line_buffering: bool) -> io.TextIOWrapper:
    """A text stream on ``fd`` with the encoding and error handler of ``like``, buffered as Python's own."""
    raw = io.FileIO(fd, "rb" if fd == 0 else "wb", closefd=False)
    buffered = io.BufferedReader(raw) if fd == 0 else io.BufferedWriter(raw)
    return io.TextIOWrapper(buffered, encoding=like.encoding, errors=like.errors, line_buffering=line_buffering)


def main() -> None:
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    listener.bind(sys.argv[2])
    listener.listen()
    request = serve(socket.socket(fileno=int(sys.argv[1])), listener)
    if request["session"]:
        os.setsid()
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    # Fresh text streams on the new descriptors 0-2, as the interpreter makes them at start-up (sys.__std*__ are
    # Final to typeshed: programs must not rebind them; an interpreter starting up does, which is what this is).
    sys.stdin = sys.__stdin__ = _stream(0, sys.stdin, line_buffering=False)  # type: ignore[misc]
    sys.stdout = sys.__stdout__ = _stream(1, sys.stdout, line_buffering=os.isatty(1))  # type: ignore[misc]
    sys.stderr = sys.__stderr__ = _stream(2, sys.stderr, line_buffering=True)  # type: ignore[misc]
    sys.argv = ["-m", *request["argv"]]  # runpy puts the path of __main__.py first, as `python -m` does
    sys.path.insert(0, os.getcwd())
    os._exit(_run())


def _run() -> int:
    """Run ``python -m archivist``; the exit status, after the shutdown steps Python takes before tearing down."""
    code = 0
    try:
        runpy.run_module("archivist", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    except BaseException as exc:  # what the interpreter does with an uncaught exception
        sys.excepthook(type(exc), exc, exc.__traceback__)
        code = -signal.SIGINT if isinstance(exc, KeyboardInterrupt) else 1
    threading._shutdown()  # type: ignore[attr-defined]  # joins non-daemon threads, as Py_FinalizeEx does first
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: Python ignores it too at exit
            stream.flush()
    if code == -signal.SIGINT:  # Python ends by SIGINT itself after an uncaught KeyboardInterrupt
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    return code & 0xFF


if __name__ == "__main__":
    main()
