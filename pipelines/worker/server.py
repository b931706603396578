"""The worker: import once, then fork per command.

Each connection gets a handler process (a fork of the worker), which forks the command itself and
stays beside it: it relays the client's signals, stops the command if the client goes away (the
client was killed: as `sti-dbt` dies with its refresh, the command dies with its client), and reports
how the command ended. The worker's own loop only accepts and forks, so commands run side by side
(a refresh and the `sti-dbt` it starts are two commands).
"""

from __future__ import annotations

import atexit
import gc
import io
import os
import select
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from pipelines.worker import protocol
from pipelines.worker.code_stamp import CodeStamp


def preload() -> None:
    """Everything a refresh imports, imported now: the definitions (Dagster, dagster-dbt and the dbt
    manifest), the audit (Great Expectations) and dbt with its DuckDB adapter, for `sti-dbt`."""
    from pipelines.project import ensure_manifest

    ensure_manifest()
    import dbt.adapters.duckdb  # noqa: F401
    import dbt.cli.main  # noqa: F401

    import pipelines.audit.landed_batches  # noqa: F401
    import pipelines.cli.refresh_display  # noqa: F401
    import pipelines.publish.run_refresh  # noqa: F401
    from pipelines.definitions import defs

    defs.resolve_job_def("refresh")
    _open_an_instance()


def _open_an_instance() -> None:
    """Open and close a Dagster instance of the kind a refresh opens, in a throwaway home: its storage
    imports (SQLAlchemy dialects, alembic, the file watcher: 0.6 s) come with the first one."""
    import tempfile

    from dagster import DagsterInstance

    from pipelines.publish.dagster_home import dagster_yaml

    with tempfile.TemporaryDirectory(prefix="sti-worker-home-") as home:
        (Path(home) / "dagster.yaml").write_text(dagster_yaml(Path(home)), encoding="utf-8")
        with DagsterInstance.from_config(home) as instance:
            instance.get_runs(limit=1)


def serve(path: Path, log: Callable[[str], None]) -> None:
    """Accept commands on `path` until SIGTERM or SIGINT; start over (exec) when the code on disk changed."""
    started = time.monotonic()
    preload()
    stamp = CodeStamp()
    # The imports are millions of objects every command inherits; frozen, the collector of each fork
    # no longer walks them (a cold `sti-dbt` has only dbt's), nor copies their pages by touching them.
    gc.freeze()
    if threading.active_count() > 1:  # a fork copies only the forking thread: nothing may run beside it
        raise RuntimeError(f"{threading.active_count()} threads after the imports; the worker forks only alone")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(16)
    # Signals only set `stopping` and wake the select: an exception raised from a handler can land inside
    # a fork's at-fork callbacks, where Python ignores it.
    stopping: list[int] = []
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGUSR1):  # SIGUSR1: a handler found the code stale
        signal.signal(sig, lambda signum, _frame: stopping.append(signum))
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # handlers are reaped by the kernel
    log(f"listening on {path} (pid {os.getpid()}, imports {time.monotonic() - started:.1f} s)")
    try:
        while not stopping:
            ready, _, _ = select.select([listener, wake_r], [], [])
            if wake_r in ready:
                os.read(wake_r, 512)
                continue
            conn, _ = listener.accept()
            if os.fork() == 0:
                for fd in (listener.fileno(), wake_r, wake_w):
                    os.close(fd)
                _handle(conn, stamp, log)  # never returns
            conn.close()
    finally:
        listener.close()
        path.unlink(missing_ok=True)
    if stopping[0] == signal.SIGUSR1:
        log("code changed on disk: starting over")
        os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])


def _handle(conn: socket.socket, stamp: CodeStamp, log: Callable[[str], None]) -> None:
    signal.set_wakeup_fd(-1)
    for sig in (signal.SIGCHLD, signal.SIGUSR1, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
    # A Ctrl-C meant for the worker stops it taking commands; those running finish and are reported.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    code = 0
    try:
        request, fds = protocol.receive(conn, max_fds=3)
        if request is None or len(fds) != 3:
            return
        refused = _refusal(request, stamp)
        if refused:
            for fd in fds:
                os.close(fd)
            protocol.send(conn, {"refused": refused})
            if stamp.changed():
                os.kill(os.getppid(), signal.SIGUSR1)
            return
        pid = os.fork()
        if pid == 0:
            conn.close()
            _run_command(request, fds)  # never returns
        for fd in fds:
            os.close(fd)
        log(f"pid {pid}: {request['target']} {' '.join(request['argv'])}")
        protocol.send(conn, {"pid": pid})
        status = _supervise(conn, pid)
        log(f"pid {pid}: {status}")
        protocol.send(conn, status)
    except OSError:  # the client is gone (it was killed): nobody to tell
        code = 1
    finally:
        os._exit(code)


def _refusal(request: dict, stamp: CodeStamp) -> str | None:
    if request.get("executable") != sys.executable:
        return f"the worker runs {sys.executable}, this command {request.get('executable')}"
    if stamp.changed():
        return "the code changed since the worker started (it is starting over)"
    return None


def _supervise(conn: socket.socket, pid: int) -> dict[str, int]:
    """Wait for the command, passing on the client's signals; if the client goes, stop the command."""
    pidfd = os.pidfd_open(pid)
    try:
        while True:
            ready, _, _ = select.select([conn, pidfd], [], [])
            if pidfd in ready:
                break
            try:
                message, _ = protocol.receive(conn)
            except OSError:
                message = None
            if message is None:  # the client is gone: its command goes too
                os.kill(pid, signal.SIGTERM)
                select.select([pidfd], [], [])
                break
            os.kill(pid, int(message["signal"]))
    finally:
        os.close(pidfd)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return {"signal": os.WTERMSIG(status)}
    return {"exit": os.waitstatus_to_exitcode(status)}


def _run_command(request: dict, fds: list[int]) -> None:
    """In the command's own process: become the client's process, run the command, exit as it does."""
    code = 1
    try:
        os.setsid()  # out of the worker's process group: the worker's terminal signals are not its
        for target_fd, fd in enumerate(fds):
            os.dup2(fd, target_fd)
            os.close(fd)
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD, signal.SIGUSR1):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.umask(int(request["umask"]))
        _reopen_stdio()
        code = _COMMANDS[request["target"]](list(request["argv"]))
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except BaseException as exc:  # noqa: BLE001 - the process ends here whatever happened
        print(f"sti worker: {type(exc).__name__}: {exc}", file=sys.stderr)
    finally:
        # What a process that ends normally does: its exit handlers, then its buffered output.
        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)


def _reopen_stdio() -> None:
    """Python's streams for the client's descriptors, buffered as Python buffers them for a fresh process
    (line by line on a terminal), not as the worker's own output was."""
    encoding = sys.stdout.encoding or "utf-8"
    for name, fd, mode in (("stdin", 0, "r"), ("stdout", 1, "w"), ("stderr", 2, "w")):
        binary = os.fdopen(fd, mode + "b", buffering=0 if name == "stderr" else -1, closefd=False)
        tty = os.isatty(fd)
        stream = io.TextIOWrapper(
            binary, encoding=encoding, errors="backslashreplace" if name == "stderr" else "strict",
            line_buffering=tty or name == "stderr", write_through=name == "stderr",
        )  # fmt: skip
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


def _sti(argv: list[str]) -> int:
    from pipelines.cli import run

    sys.argv = ["sti", *argv]
    return run(argv)


def _dbt(argv: list[str]) -> int:
    from dbt.cli.main import cli

    sys.argv = ["sti-dbt", *argv]
    cli(argv)  # click: exits with dbt's code (SystemExit)
    return 0


_COMMANDS: dict[str, Callable[[list[str]], int]] = {"sti": _sti, "dbt": _dbt}
