"""The worker's socket and its messages: length-prefixed JSON, the client's stdio passed as descriptors."""

from __future__ import annotations

import json
import os
import socket
import struct
from pathlib import Path
from typing import Any

SOCKET_ENV = "STI_WORKER_SOCKET"
SOCKET_NAME = "sti-worker.sock"
# The repository root, found without importing pipelines.project (that imports dagster-dbt: 1.5 s).
_REPO_ROOT = Path(__file__).resolve().parents[2]
_HEADER = struct.Struct("!I")


def socket_path() -> Path:
    """STI_WORKER_SOCKET, or the Dagster home's `sti-worker.sock` (the home `dagster_home()` uses): one
    worker per Dagster instance, as one dagster-daemon is."""
    explicit = os.environ.get(SOCKET_ENV)
    if explicit:
        return Path(explicit).absolute()
    home = os.environ.get("DAGSTER_HOME") or _REPO_ROOT / ".dagster_home"
    return Path(home).absolute() / SOCKET_NAME


def connect(path: Path) -> socket.socket | None:
    """A connection to the worker listening on `path`; None when nobody does (no file, or one a stopped
    worker left)."""
    if not path.exists():
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(str(path))
    except OSError:
        sock.close()
        return None
    return sock


def send(sock: socket.socket, message: dict[str, Any], fds: list[int] | None = None) -> None:
    body = json.dumps(message).encode()
    data = _HEADER.pack(len(body)) + body
    if fds:
        sent = socket.send_fds(sock, [data], fds)
        data = data[sent:]
    sock.sendall(data)


def receive(sock: socket.socket, max_fds: int = 0) -> tuple[dict[str, Any] | None, list[int]]:
    """The next message and the descriptors sent with it; (None, []) when the other side closed."""
    fds: list[int] = []
    head = b""
    while len(head) < _HEADER.size:
        if max_fds and not fds:
            chunk, got, _, _ = socket.recv_fds(sock, _HEADER.size - len(head), max_fds)
            fds.extend(got)
        else:
            chunk = sock.recv(_HEADER.size - len(head))
        if not chunk:
            return None, fds
        head += chunk
    (size,) = _HEADER.unpack(head)
    body = b""
    while len(body) < size:
        chunk = sock.recv(size - len(body))
        if not chunk:
            return None, fds
        body += chunk
    return json.loads(body), fds
