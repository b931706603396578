"""`sti worker`: keep the imports of a refresh warm and run `sti` commands in forks of it (pipelines/worker)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from pipelines.cli.console import EXIT_OK, fail


def _log(text: str) -> None:
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} sti worker: {text}", file=sys.stderr, flush=True)


def cmd_worker(args: argparse.Namespace) -> int:
    from pipelines.worker import protocol, server

    path = Path(args.socket).absolute() if args.socket else protocol.socket_path()
    probe = protocol.connect(path)
    if probe is not None:
        probe.close()
        return fail(f"a worker already listens on {path}", "one worker per socket: stop it (SIGTERM) or pass --socket")
    if len(str(path)) > 100:  # AF_UNIX paths are at most 107 bytes
        return fail(f"socket path too long for a Unix socket: {path}", "pass a shorter --socket PATH")
    if args.socket:
        _log(f"clients find this socket through {protocol.SOCKET_ENV}={path}")
    server.serve(path, _log)
    _log("stopped")
    return EXIT_OK
