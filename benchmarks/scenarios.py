"""The measured scenarios of one scale. Each command runs as its own child process, as a user runs it.

- floor: `python benchmarks/floor.py DROP` (benchmarks/floor.py), N times; once more with
  `--check` where the drop carries the generator's truth (not timed as a figure);
- validate: `sti validate DROP --warehouse <empty>` with a fresh DAGSTER_HOME, N times;
- refresh cycle, N times, on a hard-linked copy of the drop with a fresh warehouse and
  DAGSTER_HOME: `sti refresh` into the empty warehouse (full), `sti refresh` again (unchanged:
  nothing new), then one small valid batch added to the copy and `sti refresh` (one new file);
- worker: the refresh cycle again, with `sti worker` running for the cycle's DAGSTER_HOME (started and
  ready before the full refresh; its start-up is not in the figures, as a daemon's is not);
- gx (optional): `python benchmarks/gx_validate.py`, GX's validate_batch alone on N rows.

The full refresh's time is split by Dagster step from the run's step stats.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from drops import BIN, CodeTree, add_new_file, linked_copy
from measure import measure

HERE = Path(__file__).resolve().parent
STI = str(BIN / "sti")


@dataclass
class Context:
    scale: str
    tree: CodeTree
    drop: Path
    work: Path  # benchmarks/work/<scale>
    memory_limit: str | None
    threads: int | None
    keep: bool = False

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a measured `sti` command: the refresh's DuckDB memory limit when one is set."""
        limit = {"STI_DUCKDB_MEMORY_LIMIT": self.memory_limit} if self.memory_limit else {}
        return self.tree.env(**limit, **extra)

    def log(self, name: str) -> Path:
        self.work.mkdir(parents=True, exist_ok=True)
        return self.work / f"{name}.log"


def _say(label: str, m: dict) -> None:
    print(f"  {label}: exit {m['exit_code']}, {m['wall_s']:.1f} s, max process RSS {m['max_process_rss_mb']:.0f} MB, "
          f"tree {m['peak_tree_rss_mb']:.0f} MB, other CPU {m['other_cpu_s']:.0f} s", flush=True)  # fmt: skip


def _floor_command(ctx: Context, *extra: str) -> list[str]:
    command = [sys.executable, str(HERE / "floor.py"), str(ctx.drop), "--temp-dir", str(ctx.work)]
    if ctx.memory_limit:
        command += ["--memory-limit", ctx.memory_limit]
    if ctx.threads:
        command += ["--threads", str(ctx.threads)]
    return command + list(extra)


def _json_tail(path: Path) -> dict:
    for line in reversed(path.read_text(encoding="utf-8", errors="replace").splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return {}


def floor(ctx: Context, i: int) -> dict:
    print(f"floor, run {i}", flush=True)
    log = ctx.log(f"floor-{i}")
    m = asdict(measure(_floor_command(ctx), cwd=ctx.tree.root, env=ctx.tree.env(), log=log))
    m["extra"] = {k: v for k, v in _json_tail(log).items() if k != "drop"}
    _say("floor", m)
    return m


def floor_check(ctx: Context) -> dict | None:
    truth = ctx.drop / "expected_indicators.csv"
    if not truth.exists():
        return None
    print("floor --check against the generator's truth", flush=True)
    log = ctx.log("floor-check")
    m = measure(_floor_command(ctx, "--check"), cwd=ctx.tree.root, env=ctx.tree.env(), log=log)
    check = _json_tail(log).get("check", {})
    print(f"  {check.get('indicators_matching')} of {check.get('indicators_in_truth')} indicators match; "
          f"{check.get('values_equal')} of {check.get('values_in_truth')} values", flush=True)  # fmt: skip
    return {"exit_code": m.exit_code, **check}


def validate(ctx: Context, i: int) -> dict:
    print(f"sti validate, run {i}", flush=True)
    drop = linked_copy(ctx.drop, ctx.work / f"validate-drop-{i}")
    warehouse, home = ctx.work / f"validate-warehouse-{i}", ctx.work / f"validate-dagster-{i}"
    for p in (warehouse, home):
        shutil.rmtree(p, ignore_errors=True)
    home.mkdir(parents=True)
    command = [STI, "validate", drop, "--warehouse", warehouse]
    env = ctx.env(DAGSTER_HOME=str(home))
    m = asdict(measure(command, cwd=ctx.tree.root, env=env, log=ctx.log(f"validate-{i}")))
    _say("validate", m)
    for p in (drop, warehouse, home):
        shutil.rmtree(p, ignore_errors=True)
    return m


@contextlib.contextmanager
def _worker(ctx: Context, env: dict[str, str], name: str) -> Iterator[int]:
    """`sti worker` for the DAGSTER_HOME of `env` (its default socket), ready; its pid. Stopped after."""
    log = ctx.log(name)
    with log.open("w") as fh:
        proc = subprocess.Popen([STI, "worker"], cwd=ctx.tree.root, env=env, stdout=fh, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        while not re.search("listening on", log.read_text(encoding="utf-8")):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"sti worker did not start:\n{log.read_text(encoding='utf-8')[-2000:]}")
            time.sleep(0.2)
        yield proc.pid
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)


def refresh_cycle(ctx: Context, i: int, worker: bool = False) -> dict[str, dict]:
    """Full refresh into an empty warehouse, the unchanged refresh, the one-new-file refresh; with `worker`,
    each through an `sti worker` started for the cycle."""
    tag = "-worker" if worker else ""
    drop = linked_copy(ctx.drop, ctx.work / f"drop{tag}-{i}")
    warehouse, home = ctx.work / f"warehouse{tag}-{i}", ctx.work / f"dagster-home{tag}-{i}"
    for p in (warehouse, home):
        shutil.rmtree(p, ignore_errors=True)
    home.mkdir(parents=True)
    env = ctx.env(DAGSTER_HOME=str(home))
    with _worker(ctx, env, f"worker-{i}") if worker else contextlib.nullcontext() as worker_pid:
        out = _cycle(ctx, i, env, drop, warehouse, home, tag, worker_pid)
    if not ctx.keep:
        for p in (drop, warehouse, home):
            shutil.rmtree(p, ignore_errors=True)
    return out


def _cycle(ctx: Context, i: int, env: dict, drop: Path, warehouse: Path, home: Path, tag: str, worker_pid: int | None):
    command = [STI, "refresh", "--sources", drop, "--warehouse", warehouse]
    out: dict[str, dict] = {}
    for name in ("full", "unchanged", "new_file"):
        if name == "new_file":
            if out["full"]["exit_code"] != 0:
                break
            add_new_file(drop)
        print(f"sti refresh ({name}{tag}), run {i}", flush=True)
        log = ctx.log(f"refresh-{name}{tag}-{i}")
        m = asdict(measure(command, cwd=ctx.tree.root, env=env, log=log, worker=worker_pid))
        _say(f"refresh {name}{tag}", m)
        try:
            m["extra"]["phases_s"] = step_stats(ctx.tree, home, warehouse)
        except Exception as exc:  # noqa: BLE001 - a missing breakdown must not lose the figure
            m["extra"]["phases_error"] = str(exc)[-300:]
        if name == "full" and m["exit_code"] == 0:
            m["extra"]["build_db_mb"] = round((warehouse / "build.duckdb").stat().st_size / 1e6, 1)
            m["extra"]["serving_db_mb"] = round((warehouse / "sti.duckdb").stat().st_size / 1e6, 1)
        out[name] = m
    return out


PHASES = {
    "write": "write (landing: read + parse + convert)",
    "audit": "audit (GX contract checks)",
    "raw": "publish to raw",
    "dbt": "dbt build (models + tests + reconciliation)",
    "serving": "serving copy",
    "other": "other steps",
}


def step_stats(tree: CodeTree, home: Path, warehouse: Path) -> dict[str, float]:
    """Seconds per phase of the latest refresh run recorded in `home`, and its span."""
    report = json.loads((warehouse / "reports" / "refresh-latest.json").read_text(encoding="utf-8"))
    code = f"""
import json
from dagster import DagsterInstance
inst = DagsterInstance.get()
stats = inst.get_run_step_stats({report['refresh_id']!r})
print(json.dumps([[s.step_key, s.start_time, s.end_time] for s in stats]))
"""
    out = subprocess.run([sys.executable, "-c", code], env=tree.env(DAGSTER_HOME=str(home)), cwd=tree.root,
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    phases = dict.fromkeys(PHASES, 0.0)
    first = last = None
    for key, start, end in json.loads(out.strip().splitlines()[-1]):
        if start is None or end is None:
            continue
        first = start if first is None else min(first, start)
        last = end if last is None else max(last, end)
        if key.endswith("_contract"):
            phase = "audit"
        elif key.startswith("landing"):
            phase = "write"
        elif key == "raw_tables" or key.startswith("raw"):
            phase = "raw"
        elif "dbt" in key:
            phase = "dbt"
        elif "serving" in key:
            phase = "serving"
        else:
            phase = "other"
        phases[phase] += end - start
    result = {k: round(v, 2) for k, v in phases.items()}
    result["steps_span"] = round((last or 0) - (first or 0), 2)
    return result


def gx(ctx: Context, i: int, rows: int) -> dict:
    print(f"GX only (patents, {rows:,} rows), run {i}", flush=True)
    log = ctx.log(f"gx-{i}")
    command = [sys.executable, str(HERE / "gx_validate.py"), "--source", "patents", "--rows", str(rows)]
    m = asdict(measure(command, cwd=ctx.tree.root, env=ctx.tree.env(), log=log))
    text = log.read_text(encoding="utf-8")
    try:
        m["extra"] = json.loads(text[text.index("{") : text.rindex("}") + 1])
    except ValueError:
        m["extra"] = {}
    _say("gx", m)
    return m
