"""``archivist`` for shell commands in tests: the run is forked by the warm server of tests/warm.py.

Run as ``python -I -S tests/_warm_client.py SOCKET ARGS...`` (standard library only, so it starts in milliseconds).
The run gets this process's stdin, stdout, stderr, working folder and environment; this process then ends the way
the run ended (its exit code, or the same signal). A run the server says needs a fresh interpreter is exec'd as
``python -m archivist ARGS...``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import time


def main() -> None:
    address, args = sys.argv[1], sys.argv[2:]
    server = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    server.connect(address)
    request = {"op": "spawn", "argv": args, "cwd": os.getcwd(), "env": dict(os.environ), "session": False}
    socket.send_fds(server, [json.dumps(request).encode()], [0, 1, 2])
    answer = json.loads(server.recv(1 << 16))
    if "pid" not in answer:
        os.execv(sys.executable, [sys.executable, "-m", "archivist", *args])
    while True:
        server.send(json.dumps({"op": "poll", "pid": answer["pid"]}).encode())
        status = json.loads(server.recv(1 << 16))["status"]
        if status is not None:
            break
        time.sleep(0.005)
    if status < 0:
        signal.signal(-status, signal.SIG_DFL)
        os.kill(os.getpid(), -status)
    sys.exit(status)


if __name__ == "__main__":
    main()
