"""Measuring a child process from outside: wall time, peak RSS, CPU, and how busy the machine was.

- wall: time from start to exit;
- max process RSS: the largest single process of the tree (`wait4` ru_maxrss, which covers the
  children the process waited for, such as dbt under sti);
- peak tree RSS: the peak of the summed RSS of the process and all its descendants, sampled
  every 0.2 s (sti and its dbt child hold memory at the same time);
- other CPU: CPU-seconds the rest of the machine used meanwhile (/proc/stat busy time minus
  the tree's own user + system time), and the load average at the start. On a shared machine
  this says how much a figure may be inflated by others.
"""

from __future__ import annotations

import os
import platform
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

_HZ = os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out += [int(x) for x in fh.read().split()]
    except OSError:
        pass
    return out


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    except (OSError, ValueError, IndexError):
        return 0


def _tree(root: int) -> list[int]:
    """`root` and its descendants (walked through /proc/PID/task/TID/children)."""
    pids, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        if pid not in pids:
            pids.append(pid)
            frontier += _children(pid)
    return pids


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            return next((int(line.split()[1]) for line in fh if line.startswith("Pss:")), 0)
    except (OSError, ValueError):
        return 0


def tree_rss_kb(root: int) -> int:
    """Sum of RSS over `root` and its descendants."""
    return sum(_rss_kb(pid) for pid in _tree(root))


def tree_pss_kb(root: int) -> int:
    """Sum of PSS over `root` and its descendants: forks of one process share their pages, which RSS
    counts once per process and PSS divides among them (the `sti worker` tree)."""
    return sum(_pss_kb(pid) for pid in _tree(root))


def busy_cpu_s() -> float:
    """CPU-seconds the whole machine has spent busy since boot (user, nice, system, irq, steal)."""
    with open("/proc/stat") as fh:
        f = [int(x) for x in fh.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (f + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / _HZ


@dataclass
class Measured:
    command: list[str]
    exit_code: int
    wall_s: float
    max_process_rss_mb: float
    peak_tree_rss_mb: float
    user_s: float
    sys_s: float
    other_cpu_s: float  # CPU-seconds used by other processes during the run
    load_at_start: float  # 1-minute load average when the command started
    stdout_tail: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def other_cores(self) -> float:
        """Average number of cores the rest of the machine kept busy during the run."""
        return self.other_cpu_s / self.wall_s if self.wall_s else 0.0


def measure(
    command: list[str], cwd: Path, env: dict[str, str] | None = None, log: Path | None = None, worker: int | None = None
) -> Measured:
    """`worker`: the pid of the `sti worker` the command hands its work to; the peak tree memory is then the
    command's RSS plus the worker tree's PSS, and its CPU time is counted as "other"."""
    load = os.getloadavg()[0]
    busy0 = busy_cpu_s()
    started = time.perf_counter()
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    proc = subprocess.Popen([str(c) for c in command], cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        worker_kb, tick = 0, 0
        while not stop.is_set():
            # PSS every 2 s only: reading smaps_rollup walks the page tables of the process under the mmap
            # lock (74 ms for a 5 GB process), and at 0.2 s it slowed a province refresh by ~5 %.
            if worker and tick % 10 == 0:
                worker_kb = tree_pss_kb(worker)
            peak = max(peak, tree_rss_kb(proc.pid) + worker_kb)
            tick += 1
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    busy = busy_cpu_s() - busy0
    stop.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    tail = ""
    if log:
        out.close()
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-25:])
    own = usage.ru_utime + usage.ru_stime
    return Measured(
        command=[str(c) for c in command],
        exit_code=proc.returncode,
        wall_s=round(wall, 2),
        max_process_rss_mb=round(usage.ru_maxrss / 1024, 1),
        peak_tree_rss_mb=round(peak / 1024, 1),
        user_s=round(usage.ru_utime, 2),
        sys_s=round(usage.ru_stime, 2),
        other_cpu_s=round(max(0.0, busy - own), 2),
        load_at_start=round(load, 2),
        stdout_tail=tail,
    )


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for dist in ("duckdb", "great_expectations", "dagster", "dagster-dbt", "dbt-core", "dbt-duckdb", "pandas",
                 "pyarrow", "openpyxl"):  # fmt: skip
        try:
            versions[dist] = version(dist)
        except PackageNotFoundError:
            versions[dist] = "?"
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": mem_gb,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
    }
