"""The client side: hand a command to a running worker and stand in for it until it ends.

The client passes its own stdin, stdout and stderr, so the command writes to the same terminal, pipe
or file as it would itself; it relays SIGINT, SIGTERM and SIGHUP to the command; and it ends as the
command ended (the same exit code, or killed by the same signal). If the client dies, the worker stops
the command (server.py). No worker, or one running other code than this: `None`, and the caller runs
the command itself.
"""

from __future__ import annotations

import os
import signal
import socket
import sys

from pipelines.worker import protocol

RELAYED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def forward(target: str, argv: list[str]) -> int | None:
    """Run `target` ("sti" or "dbt") with `argv` in the worker; its exit code, or None without a worker."""
    sock = protocol.connect(protocol.socket_path())
    if sock is None:
        return None
    with sock:
        request = {
            "target": target,
            "argv": argv,
            "cwd": os.getcwd(),
            "env": dict(os.environ),
            "umask": _umask(),
            "executable": sys.executable,
        }
        try:
            sys.stdout.flush()
            sys.stderr.flush()
            protocol.send(sock, request, fds=[0, 1, 2])
            reply, _ = protocol.receive(sock)
        except OSError:  # a closed stdin/stdout to pass, a worker stopping: the command runs here
            return None
        if reply is None or "pid" not in reply:
            if reply and reply.get("refused"):
                print(f"sti worker: {reply['refused']}; running here", file=sys.stderr)
            return None
        return _wait(sock)


def _wait(sock: socket.socket) -> int:
    previous = {sig: signal.signal(sig, lambda signum, _frame: _relay(sock, signum)) for sig in RELAYED}
    try:
        while True:
            try:
                reply, _ = protocol.receive(sock)
            except OSError:  # the connection reset: as if closed
                reply = None
            if reply is None:
                print("sti worker: the worker went away before the command ended", file=sys.stderr)
                return 2
            if "exit" in reply:
                return int(reply["exit"])
            if "signal" in reply:
                return _die_like(int(reply["signal"]), previous)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _relay(sock: socket.socket, signum: int) -> None:
    try:
        protocol.send(sock, {"signal": signum})
    except OSError:
        pass


def _die_like(signum: int, previous: dict) -> int:
    """The command was killed by `signum`: so is the client, for whoever waits for it (a shell, a test)."""
    for sig, handler in previous.items():
        signal.signal(sig, handler)
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
    return 128 + signum  # a signal the client cannot die of (it was blocked)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
