"""`make bench`: how long validation and a full refresh take on a city-scale drop, and how much memory.

    python benchmarks/run.py                 # city scale, seed 1, 3 runs each, writes benchmarks/RESULTS.md
    python benchmarks/run.py --runs 1 --gx-rows 100000   # a quicker look

Steps (each measured command runs as its own child process, as a user would run it):
1. `sti generate --scale city --out benchmarks/work/city --seed 1` (kept while the seed and the generator
   code are the same);
2. `sti validate` on the drop (against an empty warehouse), N times;
3. `sti refresh` of the drop into a fresh, empty warehouse (and a fresh DAGSTER_HOME), N times;
   after the first one, a second `sti refresh` of the unchanged drop (nothing new: the fixed
   cost of a refresh);
4. the GX-only figure: `python benchmarks/gx_validate.py --source patents --rows 1000000`, N times.

For every command: wall time, and peak RSS two ways — the largest single process (wait4's
ru_maxrss, which covers the dbt child process too) and the peak sum of RSS over the process
tree (sampled every 0.2 s: sti and its dbt subprocess run at the same time). The refresh's
time is split by Dagster step (write = landing, audit = GX checks, publish = raw append,
dbt build, serving copy) from the run's step stats. Medians go to benchmarks/RESULTS.md, every
figure to benchmarks/work/results.json. No assertion is made about any figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "benchmarks" / "work"
GX_BENCH = REPO / "benchmarks" / "gx_validate.py"  # validate_batch alone, in its own process
BIN = Path(sys.executable).parent
STI = str(BIN / "sti")


# ---------------------------------------------------------------------------------------
# Measuring a child process


def _tree_rss_kb(root: int) -> int:
    """Sum of VmRSS over `root` and its descendants (from /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/status") as fh:
                kb = next((int(line.split()[1]) for line in fh if line.startswith("VmRSS:")), 0)
        except (OSError, ValueError, IndexError):
            continue
        parents[int(entry)] = ppid
        rss[int(entry)] = kb
    members, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, ppid in parents.items():
            if ppid == pid and child not in members:
                members.add(child)
                frontier.append(child)
    return sum(rss.get(p, 0) for p in members)


@dataclass
class Measured:
    command: list[str]
    exit_code: int
    wall_s: float
    max_process_rss_mb: float  # largest single process of the tree (wait4 ru_maxrss)
    peak_tree_rss_mb: float  # peak of the summed RSS of the tree (sampled)
    user_s: float
    sys_s: float
    stdout_tail: str = ""
    extra: dict = field(default_factory=dict)


def measure(command: list[str], env: dict[str, str] | None = None, log: Path | None = None) -> Measured:
    started = time.perf_counter()
    out = open(log, "wb") if log else subprocess.DEVNULL
    proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_rss_kb(proc.pid))
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    stop.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if log:
        out.close()
    tail = ""
    if log:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-25:])
    return Measured(
        command=[str(c) for c in command],
        exit_code=proc.returncode,
        wall_s=round(wall, 2),
        max_process_rss_mb=round(usage.ru_maxrss / 1024, 1),
        peak_tree_rss_mb=round(peak / 1024, 1),
        user_s=round(usage.ru_utime, 2),
        sys_s=round(usage.ru_stime, 2),
        stdout_tail=tail,
    )


# ---------------------------------------------------------------------------------------
# Steps


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
    versions = {}
    dists = ("duckdb", "great_expectations", "dagster", "dagster-dbt", "dbt-core", "dbt-duckdb", "pandas", "pyarrow")
    for dist in dists:
        try:
            from importlib.metadata import version

            versions[dist] = version(dist)
        except Exception:
            versions[dist] = "?"
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": mem_gb,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
    }


def drop_summary(drop: Path) -> dict:
    """Files and megabytes per source folder (top-level files such as the ground truth left out)."""
    per_source: dict[str, dict] = {}
    for p in sorted(drop.rglob("*")):
        rel = p.relative_to(drop)
        if not p.is_file() or len(rel.parts) < 2 or p.name.startswith("."):
            continue
        s = per_source.setdefault(rel.parts[0], {"files": 0, "mb": 0.0})
        s["files"] += 1
        s["mb"] += p.stat().st_size / 1e6
    for s in per_source.values():
        s["mb"] = round(s["mb"], 1)
    return {
        "files": sum(s["files"] for s in per_source.values()),
        "mb": round(sum(s["mb"] for s in per_source.values()), 1),
        "per_source": per_source,
    }


def generator_fingerprint() -> str:
    """Hash of the generator's code: a drop written by another version is written again."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((REPO / "pipelines" / "generate").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(REPO).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def generate(scale: str, seed: int, drop: Path, force: bool) -> dict | None:
    marker = drop / ".bench-seed"
    wanted = f"{scale} {seed} {generator_fingerprint()}"
    if drop.is_dir() and marker.exists() and marker.read_text() == wanted and not force:
        print(f"using the existing drop {drop} ({scale}, seed {seed}, same generator)")
        return None
    shutil.rmtree(drop, ignore_errors=True)
    print(f"generating {drop} ({scale}, seed {seed}) ...", flush=True)
    m = measure([STI, "generate", "--scale", scale, "--out", str(drop), "--seed", str(seed)], log=WORK / "generate.log")
    if m.exit_code != 0:
        raise SystemExit(f"sti generate failed:\n{m.stdout_tail}")
    marker.write_text(wanted)
    return asdict(m)


def step_stats(dagster_home: Path, warehouse: Path) -> dict[str, float]:
    """Seconds per phase of the refresh run recorded in `dagster_home`."""
    report = json.loads((warehouse / "reports" / "refresh-latest.json").read_text(encoding="utf-8"))
    code = f"""
import json
from dagster import DagsterInstance
inst = DagsterInstance.get()
run = inst.get_run_by_id({report['refresh_id']!r})
stats = inst.get_run_step_stats(run.run_id)
print(json.dumps([[s.step_key, s.start_time, s.end_time] for s in stats]))
"""
    env = {**os.environ, "DAGSTER_HOME": str(dagster_home)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    phases = {"write (landing: read + parse + convert)": 0.0, "audit (GX contract checks)": 0.0,
              "publish to raw": 0.0, "dbt build (models + tests + reconciliation)": 0.0, "serving copy": 0.0}
    first = last = None
    for key, start, end in json.loads(out.strip().splitlines()[-1]):
        if start is None or end is None:
            continue
        first = start if first is None else min(first, start)
        last = end if last is None else max(last, end)
        seconds = end - start
        if key.endswith("_contract"):
            phases["audit (GX contract checks)"] += seconds
        elif key.startswith("landing__"):
            phases["write (landing: read + parse + convert)"] += seconds
        elif key == "raw_tables":
            phases["publish to raw"] += seconds
        elif "dbt" in key:
            phases["dbt build (models + tests + reconciliation)"] += seconds
        elif "serving" in key:
            phases["serving copy"] += seconds
    phases = {k: round(v, 2) for k, v in phases.items()}
    phases["first step start to last step end"] = round((last or 0) - (first or 0), 2)
    return phases


def bench_validate(drop: Path, runs: int) -> list[dict]:
    results = []
    for i in range(runs):
        warehouse = Path(tempfile.mkdtemp(prefix="validate-", dir=WORK))
        home = Path(tempfile.mkdtemp(prefix="dagster-", dir=WORK))
        env = {**os.environ, "DAGSTER_HOME": str(home)}
        print(f"sti validate, run {i + 1}/{runs} ...", flush=True)
        m = measure(
            [STI, "validate", str(drop), "--warehouse", str(warehouse)], env=env, log=WORK / f"validate-{i + 1}.log"
        )
        print(f"  exit {m.exit_code}, {m.wall_s:.1f} s, max process RSS {m.max_process_rss_mb:.0f} MB", flush=True)
        results.append(asdict(m))
        shutil.rmtree(warehouse, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)
    return results


def bench_refresh(drop: Path, runs: int) -> tuple[list[dict], dict | None]:
    results, noop = [], None
    for i in range(runs):
        warehouse = WORK / f"warehouse-{i + 1}"
        home = WORK / f"dagster-home-{i + 1}"
        shutil.rmtree(warehouse, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir(parents=True)
        env = {**os.environ, "DAGSTER_HOME": str(home)}
        print(f"sti refresh into an empty warehouse, run {i + 1}/{runs} ...", flush=True)
        command = [STI, "refresh", "--sources", str(drop), "--warehouse", str(warehouse)]
        m = measure(command, env=env, log=WORK / f"refresh-{i + 1}.log")
        if m.exit_code == 0:
            m.extra["phases_s"] = step_stats(home, warehouse)
            m.extra["build_db_mb"] = round((warehouse / "build.duckdb").stat().st_size / 1e6, 1)
            m.extra["serving_db_mb"] = round((warehouse / "sti.duckdb").stat().st_size / 1e6, 1)
        print(f"  exit {m.exit_code}, {m.wall_s:.1f} s, max process RSS {m.max_process_rss_mb:.0f} MB", flush=True)
        results.append(asdict(m))
        if i == 0 and m.exit_code == 0:
            print("sti refresh of the unchanged drop (nothing new) ...", flush=True)
            n = measure(command, env=env, log=WORK / "refresh-noop.log")
            print(f"  exit {n.exit_code}, {n.wall_s:.1f} s", flush=True)
            noop = asdict(n)
        if i > 0:  # keep the first warehouse for inspection
            shutil.rmtree(warehouse, ignore_errors=True)
    return results, noop


def bench_gx(rows: int, runs: int, source: str = "patents") -> list[dict]:
    results = []
    for i in range(runs):
        print(f"GX only ({source}, {rows:,} rows), run {i + 1}/{runs} ...", flush=True)
        log = WORK / f"gx-{i + 1}.log"
        m = measure([sys.executable, str(GX_BENCH), "--source", source, "--rows", str(rows)], log=log)
        text = log.read_text(encoding="utf-8")
        try:
            m.extra = json.loads(text[text.index("{"): text.rindex("}") + 1])
        except ValueError:
            m.extra = {}
        print(f"  exit {m.exit_code}, validate {m.extra.get('validate_s')} s, process {m.wall_s:.1f} s", flush=True)
        results.append(asdict(m))
    return results


# ---------------------------------------------------------------------------------------
# Report


def _median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 2) if values else None


def _row(name: str, runs: list[dict], extra: str = "") -> str:
    ok = [r for r in runs if r["exit_code"] in (0, 1)] or runs
    walls = ", ".join(f"{r['wall_s']:.1f}" for r in runs)
    return (
        f"| {name} | {_median([r['wall_s'] for r in ok])} | {walls} | {_median([r['max_process_rss_mb'] for r in ok])} "
        f"| {_median([r['peak_tree_rss_mb'] for r in ok])} | {extra} |"
    )


def write_results(path: Path, doc: dict) -> None:
    m, d = doc["machine"], doc["drop"]
    v, r, g = doc["validate"], doc["refresh"], doc["gx"]
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (`{' '.join(['python benchmarks/run.py', *doc['argv']])}`), started {doc['date']}.",
        "Every figure is a child process measured from outside: wall time, peak RSS of the largest",
        "single process (`wait4` ru_maxrss: sti, or its dbt subprocess) and the peak of the summed RSS",
        "of the process tree (sampled every 0.2 s). Medians of "
        f"{doc['runs']} runs; all runs in `benchmarks/work/results.json` (git-ignored).",
        "",
        "## Machine",
        "",
        f"- {m['nproc']} CPUs: {m['cpu']}",
        f"- {m['memory_gb']} GB memory",
        f"- {m['platform']}, Python {m['python']}",
        "- " + ", ".join(f"{k} {val}" for k, val in m["versions"].items()),
        "",
        "## Drop",
        "",
        f"`sti generate --scale {doc['scale']} --out benchmarks/work/{doc['scale']} --seed {doc['seed']}`: "
        f"{d['files']} files, {d['mb']} MB.",
        "",
        "| source | files | MB |",
        "|---|---:|---:|",
    ]
    for source, s in sorted(d["per_source"].items()):
        lines.append(f"| {source} | {s['files']} | {s['mb']} |")
    if d.get("rows"):
        lines += ["", "Rows: " + ", ".join(f"{k} {n:,}" for k, n in d["rows"].items()) + "."]
    if doc.get("generate"):
        gen = doc["generate"]
        lines += ["", f"Generating it took {gen['wall_s']:.0f} s (peak RSS {gen['max_process_rss_mb']:.0f} MB)."]
    lines += [
        "",
        "## Figures",
        "",
        "| command | median wall s | each run, s | max process RSS MB | peak tree RSS MB | notes |",
        "|---|---:|---|---:|---:|---|",
    ]
    if v:
        exits = f"exit {sorted({x['exit_code'] for x in v})}"
        lines.append(_row(f"`sti validate benchmarks/work/{doc['scale']}`", v, exits))
    if r:
        sizes = next((x["extra"] for x in r if x["extra"].get("build_db_mb")), {})
        note = f"exit {sorted({x['exit_code'] for x in r})}"
        if sizes:
            note += f"; build.duckdb {sizes['build_db_mb']} MB, sti.duckdb {sizes['serving_db_mb']} MB"
        lines.append(_row("`sti refresh` into an empty warehouse", r, note))
    if doc.get("refresh_noop"):
        noop = [doc["refresh_noop"]]
        lines.append(_row("`sti refresh` again, unchanged drop (nothing new)", noop, "fixed cost of a refresh"))
    if g:
        lines.append(
            _row(
                f"`python benchmarks/gx_validate.py --source patents --rows {doc['gx_rows']:,}` (whole process)",
                g,
                f"GX `validate_batch` alone: median {_median([x['extra'].get('validate_s') for x in g])} s "
                f"(runs {', '.join(str(x['extra'].get('validate_s')) for x in g)}), "
                f"+{_median([x['extra'].get('validate_extra_mb') for x in g])} MB over the frame",
            )
        )
    phases = [x["extra"].get("phases_s") for x in r if x["extra"].get("phases_s")]
    if phases:
        lines += [
            "",
            "### Where a full refresh spends its time (median of the Dagster step durations)",
            "",
            "| phase | s | share of the refresh |",
            "|---|---:|---:|",
        ]
        wall = _median([x["wall_s"] for x in r if x["exit_code"] == 0]) or 1
        for key in phases[0]:
            sec = _median([p[key] for p in phases])
            lines.append(f"| {key} | {sec} | {100 * sec / wall:.0f} % |")
        steps = _median([p["first step start to last step end"] for p in phases])
        lines.append(
            f"| outside the steps (start-up: imports, definitions, dbt manifest; Dagster run bookkeeping) "
            f"| {round(wall - steps, 2)} | {100 * (wall - steps) / wall:.0f} % |"
        )
    lines += ["", "## Notes", ""]
    lines += doc.get("notes") or ["(to be written: where the time goes, what to change)"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="city", choices=["sample", "city", "province", "nation"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--gx-rows", type=int, default=1_000_000)
    parser.add_argument("--regenerate", action="store_true", help="write the drop again even if it exists")
    parser.add_argument("--skip", action="append", default=[], choices=["validate", "refresh", "gx"])
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "RESULTS.md")
    parser.add_argument("--render-only", action="store_true",
                        help="rewrite RESULTS.md from benchmarks/work/results.json without measuring")
    args = parser.parse_args(argv)
    # The Notes section of RESULTS.md is written by a person (where the time goes, what to
    # change); it is kept when the figures are rewritten. Re-read it after new figures.
    notes = None
    if args.out.exists():
        text = args.out.read_text(encoding="utf-8")
        if "\n## Notes\n" in text:
            notes = text.split("\n## Notes\n", 1)[1].strip("\n").splitlines()
    if args.render_only:
        doc = json.loads((WORK / "results.json").read_text(encoding="utf-8"))
        doc["notes"] = notes
        write_results(args.out, doc)
        print(f"wrote {args.out}")
        return 0

    WORK.mkdir(parents=True, exist_ok=True)
    drop = WORK / args.scale
    doc: dict = {
        "argv": argv if argv is not None else sys.argv[1:],
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "scale": args.scale,
        "seed": args.seed,
        "runs": args.runs,
        "gx_rows": args.gx_rows,
        "machine": machine(),
    }
    doc["generate"] = generate(args.scale, args.seed, drop, args.regenerate)
    previous = WORK / "results.json"
    if doc["generate"] is None and previous.exists():  # drop reused: keep the figure of the run that wrote it
        old = json.loads(previous.read_text(encoding="utf-8"))
        if (old.get("scale"), old.get("seed")) == (args.scale, args.seed):
            doc["generate"] = old.get("generate")
    doc["drop"] = drop_summary(drop)
    doc["validate"] = [] if "validate" in args.skip else bench_validate(drop, args.runs)
    doc["refresh"], doc["refresh_noop"] = ([], None) if "refresh" in args.skip else bench_refresh(drop, args.runs)
    doc["gx"] = [] if "gx" in args.skip else bench_gx(args.gx_rows, args.runs)
    warehouse = WORK / "warehouse-1"
    if (warehouse / "build.duckdb").exists():
        import duckdb

        con = duckdb.connect(str(warehouse / "build.duckdb"), read_only=True)
        try:
            doc["drop"]["rows"] = dict(
                con.execute("SELECT source, sum(row_count) FROM audit.load_ledger WHERE status = 'published' "
                            "GROUP BY 1 ORDER BY 2 DESC").fetchall()
            )
        finally:
            con.close()
    doc["notes"] = notes
    (WORK / "results.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    write_results(args.out, doc)
    print(f"wrote {args.out} and {WORK / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
