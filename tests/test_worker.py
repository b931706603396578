"""`sti worker` (pipelines/worker): `sti` and `sti-dbt` run in forks of a process that has imported
everything once, and leave the state they leave without it; a client that dies takes its command along."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipelines.worker.code_stamp import CodeStamp
from tests import drops
from tests.harness import differences, refresh

STI = str(Path(sys.executable).parent / "sti")


@dataclass
class Worker:
    process: subprocess.Popen
    socket: Path
    log: Path

    def env(self) -> dict[str, str]:
        return {**os.environ, "STI_WORKER_SOCKET": str(self.socket)}

    def lines(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def wait_for(self, pattern: str, timeout: float = 180) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.lines())
            if found:
                return found
            assert self.process.poll() is None, self.lines()
            time.sleep(0.2)
        raise AssertionError(f"no {pattern!r} in the worker's log:\n{self.lines()}")


@pytest.fixture
def worker(tmp_path):
    # AF_UNIX paths are short (107 bytes): not under pytest's long tmp_path
    folder = Path(tempfile.mkdtemp(prefix="sti-worker-", dir="/tmp"))
    log = tmp_path / "worker.log"
    with log.open("w") as fh:
        process = subprocess.Popen([STI, "worker", "--socket", str(folder / "w.sock")], stdout=fh, stderr=fh)
    w = Worker(process, folder / "w.sock", log)
    w.wait_for("listening on")
    yield w
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    assert not w.socket.exists()  # a stopped worker leaves no socket behind
    shutil.rmtree(folder, ignore_errors=True)


def _copies(tiny_drop, good_warehouse, tmp_path, name: str) -> tuple[Path, Path]:
    drop = drops.copy_drop(tiny_drop, tmp_path / f"{name}-drop")
    warehouse = shutil.copytree(good_warehouse, tmp_path / f"{name}-warehouse")
    drops.extra_good_file(drop, "hightech_certificates")
    return drop, warehouse


def test_a_refresh_through_the_worker_runs_there_and_publishes_what_one_without_it_does(
    worker, tiny_drop, good_warehouse, tmp_path
):
    drop, warehouse = _copies(tiny_drop, good_warehouse, tmp_path, "warm")
    run = subprocess.run(
        [STI, "refresh", "--sources", str(drop), "--warehouse", str(warehouse)],
        env=worker.env(), capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "published" in run.stdout and "plan targets" in run.stdout  # the summary, on the client's stdout
    # the refresh and the dbt build it started both ran in forks of the worker
    worker.wait_for(r"pid \d+: sti refresh --sources .* \{'exit': 0\}|pid \d+: \{'exit': 0\}")
    assert re.search(r"pid \d+: sti refresh --sources ", worker.lines())
    assert re.search(r"pid \d+: dbt build ", worker.lines())

    cold = shutil.copytree(good_warehouse, tmp_path / "cold-warehouse")
    assert refresh(drop, cold).code == 0
    # the same rows, but for the time each was published
    assert differences(warehouse, cold, "sti.duckdb", "marts", ignore=("published_at",)) == {}

    second = subprocess.run([STI, "worker", "--socket", str(worker.socket)], capture_output=True, text=True)
    assert second.returncode == 2 and "already listens" in second.stderr


def test_a_client_killed_mid_refresh_stops_its_refresh_and_the_next_one_publishes(
    worker, tiny_drop, good_warehouse, tmp_path
):
    drop, warehouse = _copies(tiny_drop, good_warehouse, tmp_path, "killed")
    served = (warehouse / "sti.duckdb").read_bytes()
    client = subprocess.Popen(
        [STI, "refresh", "--sources", str(drop), "--warehouse", str(warehouse)],
        env=worker.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    refresh_pid = worker.wait_for(r"pid (\d+): sti refresh ").group(1)
    worker.wait_for(r"pid \d+: dbt build ")
    client.kill()
    client.wait()
    # the refresh is stopped as SIGTERM stops one (rolled back, exit 2), not left running without a client
    worker.wait_for(rf"pid {refresh_pid}: \{{'exit': 2\}}")
    assert (warehouse / "sti.duckdb").read_bytes() == served
    run = refresh(drop, warehouse)
    assert run.code == 0, run.text


def test_the_code_stamp_changes_with_a_module_the_worker_imported(tmp_path, monkeypatch):
    module = tmp_path / "sti_stamp_probe.py"
    module.write_text("X = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    __import__("sti_stamp_probe")
    try:
        stamp = CodeStamp()
        assert not stamp.changed()
        module.write_text("X = 2  # edited\n")
        assert stamp.changed()
    finally:
        sys.modules.pop("sti_stamp_probe", None)
