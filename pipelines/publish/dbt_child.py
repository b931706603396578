"""`sti-dbt`: dbt, bound to the life of the refresh that started it.

dagster-dbt runs dbt as a child process. If `sti refresh` is killed (SIGKILL cannot be caught), an
ordinary child goes on writing build.duckdb for a minute and the next refresh fails on its lock.
Linux's PR_SET_PDEATHSIG makes the kernel send the child SIGTERM the moment its parent dies.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def main() -> None:
    # A process started from a non-interactive shell may inherit SIGINT/SIGTERM as ignored; the
    # refresh stops dbt with exactly these, so they get their ordinary meaning back.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the request took effect
            sys.exit(143)
    from pipelines.worker.client import forward

    forwarded = forward("dbt", sys.argv[1:])  # a running `sti worker` has dbt imported already
    if forwarded is not None:
        sys.exit(forwarded)
    from dbt.cli.main import cli

    sys.exit(cli())
