"""A throwaway PostgreSQL server for tests: Debian's `postgresql` package, a new cluster in a
temporary directory, on a free localhost port and a private unix-socket directory, stopped and
deleted afterwards. Never a mock: the mirror's tests run against a real server.

initdb refuses to run as root; under root the cluster belongs to the `postgres` OS user (created by
the Debian package) and every server command runs as that user (`runuser -u postgres --`). The
directory is made outside pytest's tmp tree, which is private to root (mode 0700) and which the
`postgres` user therefore could not enter.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.system_packages import ensure_debian_packages

SUPERUSER = "postgres"
PASSWORD = "s3cret-pw"  # host connections (127.0.0.1) need it; the unix socket is trusted


@dataclass
class PostgresServer:
    bindir: Path
    root: Path  # data/, socket/, server.log
    port: int
    run_as: str | None  # OS user the server runs as (None: the current user)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    def url(self, database: str = "sti", password: str | None = PASSWORD, user: str = SUPERUSER) -> str:
        auth = f"{user}:{password}" if password else user
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{database}"

    def _cmd(self, *args: str) -> list[str]:
        return (["runuser", "-u", self.run_as, "--"] if self.run_as else []) + list(args)

    def pg_ctl(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            self._cmd(str(self.bindir / "pg_ctl"), "-D", str(self.data), *args),
            capture_output=True, text=True, check=False,
        )  # fmt: skip

    def start(self) -> None:
        opts = (
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        run = self.pg_ctl("-o", opts, "-l", str(self.root / "server.log"), "-w", "-t", "60", "start")
        if run.returncode != 0:
            log = (
                (self.root / "server.log").read_text(errors="replace")[-3000:]
                if (self.root / "server.log").exists()
                else ""
            )
            raise RuntimeError(f"pg_ctl start failed:\n{run.stdout}{run.stderr}\n{log}")

    def stop(self) -> None:
        self.pg_ctl("-m", "fast", "-w", "stop")

    def log_text(self) -> str:
        path = self.root / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _bindir() -> Path:
    versions = sorted(
        (p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if not versions:
        raise RuntimeError("no PostgreSQL server binaries under /usr/lib/postgresql/<version>/bin")
    return versions[-1]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server() -> PostgresServer:
    """Install the server package when missing, initdb a new cluster, start it, create database `sti`."""
    ensure_debian_packages("postgresql")
    bindir = _bindir()
    run_as = SUPERUSER if os.geteuid() == 0 else None
    base = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    root = Path(tempfile.mkdtemp(prefix="sti-pg-", dir=base))
    (root / "socket").mkdir()
    pwfile = root / "pwfile"
    pwfile.write_text(PASSWORD + "\n", encoding="utf-8")
    if run_as:
        user = pwd.getpwnam(run_as)
        for path in (root, root / "socket", pwfile):
            os.chown(path, user.pw_uid, user.pw_gid)
    server = PostgresServer(bindir, root, _free_port(), run_as)
    init = subprocess.run(
        server._cmd(
            str(bindir / "initdb"), "-D", str(server.data), "-U", SUPERUSER, "--encoding=UTF8", "--locale=C",
            "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile}", "--no-sync",
        ),
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if init.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"initdb failed:\n{init.stdout}{init.stderr}")
    pwfile.unlink()
    server.start()
    created = subprocess.run(
        server._cmd(
            str(bindir / "psql"), "-h", str(server.socket_dir), "-p", str(server.port), "-U", SUPERUSER,
            "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", "CREATE DATABASE sti ENCODING 'UTF8' TEMPLATE template0",
        ),
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if created.returncode != 0:
        stop_server(server)
        raise RuntimeError(f"CREATE DATABASE failed:\n{created.stdout}{created.stderr}")
    return server


def stop_server(server: PostgresServer) -> None:
    server.stop()
    shutil.rmtree(server.root, ignore_errors=True)
