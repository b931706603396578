"""One writer per warehouse: an advisory lock on `<warehouse>/refresh.lock`, held by a refresh or a retract.

flock(2) is released by the kernel when the holder dies (kill -9 included), so a crashed refresh
never leaves a stale lock; the file's text only says who holds it. The lock is re-entrant within a
process: `sti refresh` takes it before starting Dagster (to fail at once), and the job's resource
takes it again for runs started by the schedule or the sensor.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = "refresh.lock"

# path -> (fd, depth) of the locks this process holds
_held: dict[str, tuple[int, int]] = {}


class WarehouseBusy(Exception):
    """Another process holds the warehouse; `holder` is what it wrote about itself."""

    def __init__(self, root: Path, holder: dict):
        self.holder = holder
        who = (
            f"{holder.get('command', 'a refresh')} (pid {holder.get('pid', '?')}, "
            f"started {holder.get('started_at', '?')} UTC)"
            if holder
            else "another process (it has not yet written who it is)"
        )
        super().__init__(
            f"the warehouse {root} is busy: {who} holds it. Only one refresh or retract runs at a time; "
            f"wait for it to finish (or stop it) and run the command again"
        )


def _holder(fd: int) -> dict:
    try:
        text = os.pread(fd, 4096, 0).decode("utf-8", errors="replace")
        return json.loads(text) if text.strip() else {}
    except (OSError, ValueError):
        return {}


@contextmanager
def warehouse_lock(root: Path, command: str | None = None) -> Iterator[None]:
    """Hold the warehouse lock for the block; raise WarehouseBusy at once if another process has it."""
    root.mkdir(parents=True, exist_ok=True)
    path = str((root / LOCK_FILE).resolve())
    if path in _held:
        fd, depth = _held[path]
        _held[path] = (fd, depth + 1)
        try:
            yield
        finally:
            fd, depth = _held[path]
            _held[path] = (fd, depth - 1)
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _holder(fd)
        os.close(fd)
        raise WarehouseBusy(root, holder) from None
    info = {
        "pid": os.getpid(),
        "started_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "command": command or " ".join(["sti", *sys.argv[1:2]]),
    }
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(info).encode(), 0)
    _held[path] = (fd, 1)
    try:
        yield
    finally:
        fd, depth = _held.pop(path)
        os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
