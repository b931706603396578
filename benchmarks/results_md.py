"""benchmarks/RESULTS.md from the per-scale records in benchmarks/results/<scale>.json.

Medians of the runs; each figure's ratio to the floor of the same scale; the issue's targets;
how each cost grows from one scale to the next. The `## Notes` section is written by a person
(where the time goes, what to change) and is kept when the figures are rewritten.
"""

from __future__ import annotations

import statistics
from pathlib import Path

SCALES = ("sample", "city", "province", "nation")
BUSY_CORES = 0.25  # other processes kept this many cores busy on average: the figure is marked
SCENARIOS = (  # key, label, command shown
    ("floor", "the floor (DuckDB alone)", "python benchmarks/floor.py DROP"),
    ("full", "full refresh into an empty warehouse", "sti refresh --sources DROP --warehouse W"),
    ("unchanged", "refresh again, unchanged drop", "sti refresh --sources DROP --warehouse W"),
    ("new_file", "refresh after one new small file", "sti refresh --sources DROP --warehouse W"),
    ("full_worker", "full refresh, through `sti worker`", "sti worker & sti refresh --sources DROP --warehouse W"),
    ("unchanged_worker", "unchanged, through `sti worker`", "sti refresh --sources DROP --warehouse W"),
    ("new_file_worker", "one new file, through `sti worker`", "sti refresh --sources DROP --warehouse W"),
    ("validate", "validate the drop", "sti validate DROP --warehouse <empty>"),
    ("gx", "GX validate_batch alone (process)", "python benchmarks/gx_validate.py --source patents"),
)
PHASE_LABELS = {
    "write": "landing steps: write (read, parse, convert) and, since 695b394, the GX audit inside them",
    "audit": "audit (GX contract checks)",
    "raw": "publish to raw",
    "dbt": "dbt build (models + tests + reconciliation)",
    "serving": "serving copy",
    "other": "other steps",
}


def median(values: list[float | None]) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 2) if values else None


def runs_of(rec: dict, key: str) -> list[dict]:
    if key in ("full", "unchanged", "new_file"):
        return [c[key] for c in rec.get("refresh", []) if key in c]
    if key.endswith("_worker"):  # the cycle run with `sti worker` (benchmarks/scenarios.py)
        plain = key.removesuffix("_worker")
        return [c[plain] for c in rec.get("refresh_worker", []) if plain in c]
    return rec.get(key) or []


def ok_runs(runs: list[dict]) -> list[dict]:
    """The runs that succeeded: a failed run is listed in its scale's table with its exit code, never
    summarised as a figure."""
    return [r for r in runs if r["exit_code"] == 0]


def fig(rec: dict, key: str, field: str = "wall_s") -> float | None:
    return median([r[field] for r in ok_runs(runs_of(rec, key))])


def cpu_of(rec: dict, key: str) -> float | None:
    """Median CPU-seconds (user + system) of the process and the children it waited for."""
    return median([r["user_s"] + r["sys_s"] for r in ok_runs(runs_of(rec, key))])


def _fmt(v: float | None, digits: int = 1) -> str:
    return "–" if v is None else f"{v:,.{digits}f}"


def _ratio(a: float | None, b: float | None) -> str:
    return "–" if a is None or not b else f"{a / b:.1f}×"


def _busy(runs: list[dict]) -> str:
    cores = [r["other_cpu_s"] / r["wall_s"] for r in runs if r.get("wall_s")]
    if not cores:
        return "–"
    mark = " †" if max(cores) >= BUSY_CORES else ""
    return ", ".join(f"{c:.2f}" for c in cores) + mark


def summary(records: dict[str, dict]) -> list[str]:
    lines = [
        "## Summary",
        "",
        "Medians of the runs; `×` = ratio to the floor of the same drop (wall time); RSS = peak of the summed",
        "RSS of the process tree. † = some run of that scale was measured while other processes kept",
        f"≥ {BUSY_CORES} of the 2 cores busy on average (see each scale's table).",
        "",
        "| scale | drop | floor s | full refresh s | × floor | × floor in CPU s | unchanged s | one new file s "
        "| % of full | validate s | × floor | floor RSS MB | full refresh RSS MB | runs |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for scale, rec in records.items():
        fl, full, noop, new, val = (fig(rec, k) for k in ("floor", "full", "unchanged", "new_file", "validate"))
        busy = any(
            r["other_cpu_s"] / r["wall_s"] >= BUSY_CORES
            for k, *_ in SCENARIOS
            if not k.endswith("_worker")  # their "other" CPU is the worker doing their work
            for r in runs_of(rec, k)
            if r.get("wall_s")
        )
        pct = "–" if new is None or not full else f"{100 * new / full:.0f} %"
        d = rec["drop"]["summary"]
        lines.append(
            f"| {scale}{' †' if busy else ''} | {d['files']} files, {d['mb']:,} MB | {_fmt(fl, 2)} | {_fmt(full)} "
            f"| {_ratio(full, fl)} | {_ratio(cpu_of(rec, 'full'), cpu_of(rec, 'floor'))} | {_fmt(noop)} | {_fmt(new)} "
            f"| {pct} | {_fmt(val)} | {_ratio(val, fl)} "
            f"| {_fmt(fig(rec, 'floor', 'peak_tree_rss_mb'), 0)} | {_fmt(fig(rec, 'full', 'peak_tree_rss_mb'), 0)} "
            f"| {rec['runs']} |"
        )
    lines += ["", "Targets of issue 12 (Done when):", "", "| target | figure | met |", "|---|---|---|"]
    city, nation = records.get("city"), records.get("nation")
    if city:
        fl, full, noop, new = (fig(city, k) for k in ("floor", "full", "unchanged", "new_file"))
        if full and fl:
            met = "yes" if full <= 10 * fl else "no"
            lines.append(f"| city: full refresh ≤ 10× the floor | {full / fl:.1f}× | {met} |")
        if noop is not None:
            lines.append(f"| city: unchanged refresh ≤ 5 s | {noop:.1f} s | {'yes' if noop <= 5 else 'no'} |")
        if new is not None and full:
            lines.append(f"| city: one new file ≤ 25 % of a full refresh | {100 * new / full:.0f} % "
                         f"| {'yes' if new <= 0.25 * full else 'no'} |")  # fmt: skip
        wfull, wnoop, wnew = (fig(city, k) for k in ("full_worker", "unchanged_worker", "new_file_worker"))
        if wfull and wnew is not None and fl:
            lines.append(f"| city, through `sti worker`: full ≤ 10×, unchanged ≤ 5 s, one new file ≤ 25 % "
                         f"| {wfull / fl:.1f}×, {wnoop:.1f} s, {100 * wnew / wfull:.0f} % "
                         f"| {'yes' if wfull <= 10 * fl else 'no'}, {'yes' if wnoop <= 5 else 'no'}, "
                         f"{'yes' if wnew <= 0.25 * wfull else 'no'} |")  # fmt: skip
    if nation and fig(nation, "full") is not None:
        fl, full = fig(nation, "floor"), fig(nation, "full")
        rss = fig(nation, "full", "peak_tree_rss_mb")
        lines.append(f"| nation: peak RSS ≤ 12 GB | {_fmt(rss, 0)} MB | {'yes' if rss and rss <= 12288 else 'no'} |")
        if fl:
            lines.append(f"| nation: ≤ 8× the floor | {full / fl:.1f}× | {'yes' if full <= 8 * fl else 'no'} |")
    else:
        lines.append("| nation: completes, peak RSS ≤ 12 GB, ≤ 8× the floor | not run | – |")
    return lines


def growth(records: dict[str, dict]) -> list[str]:
    scales = [s for s in ("city", "province", "nation") if s in records]
    if len(scales) < 2:
        return []
    lines = [
        "",
        "### Growth from scale to scale",
        "",
        "Each figure's factor against the same figure one scale down, next to the factor of the drop's size.",
        "",
        "| from → to | drop MB | floor | full refresh | unchanged | one new file | validate | full refresh RSS |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for a, b in zip(scales, scales[1:], strict=False):
        ra, rb = records[a], records[b]

        def f(x: float | None, y: float | None) -> str:
            return "–" if x is None or y is None or not x else f"{y / x:.1f}×"

        cells = [f(ra["drop"]["summary"]["mb"], rb["drop"]["summary"]["mb"])]
        cells += [f(fig(ra, k), fig(rb, k)) for k in ("floor", "full", "unchanged", "new_file", "validate")]
        cells.append(f(fig(ra, "full", "peak_tree_rss_mb"), fig(rb, "full", "peak_tree_rss_mb")))
        lines.append(f"| {a} → {b} | " + " | ".join(cells) + " |")
    return lines


def scale_section(scale: str, rec: dict) -> list[str]:
    d, gen = rec["drop"], rec["drop"].get("generate") or {}
    s = rec.get("settings", {})
    lines = [
        "",
        f"## {scale.capitalize()}",
        "",
        f"- command: `{rec['command']}`, started {rec['date']}, {rec['runs']} run(s) of each scenario",
        f"- code: {rec['code']['describe']}",
        (
            f"- DuckDB memory_limit {s['memory_limit']} for the floor and for the refresh and validate commands "
            f"(`STI_DUCKDB_MEMORY_LIMIT`); threads {s.get('threads') or 'DuckDB default'}"
            if s.get("memory_limit")
            else "- DuckDB settings: the floor with DuckDB's defaults (80 % of RAM, a thread per core); the refresh "
            "with its own default limit (`STI_DUCKDB_MEMORY_LIMIT` unset: 40 % of RAM per database) "
            "from commit 148e669, DuckDB's 80 % before"
        ),
        f"- drop: `{d['command']}` (generator {d['generator']}): {d['summary']['files']} files, "
        f"{d['summary']['mb']:,} MB; generating it took {_fmt(gen.get('wall_s'), 0)} s, "
        f"peak RSS {_fmt(gen.get('max_process_rss_mb'), 0)} MB",
    ]
    if d.get("rows"):
        lines.append("- rows: " + ", ".join(f"{k} {n:,}" for k, n in d["rows"].items()))
    if d.get("repaired"):
        fixed = ", ".join(f"{f} ({n})" for f, n in d["repaired"].items())
        lines.append(f"- drop repaired before measuring (generator defect: synthetic names collide, a file repeats a "
                     f"key, which the refresh rejects): rows repeating a key of the same file removed from {fixed}")
    if rec.get("floor_code"):
        lines.append(f"- floor code: {rec['floor_code']}")
    for u in rec.get("updates", []):
        code = str(u.get("code", "")).split(" (")[0] or "the first command's code"
        lines.append(f"- re-measured {u['date']}: {', '.join(u['scenarios'])} at {code} (`{u['command']}`; floor "
                     f"code {u.get('floor_code')}); the other scenarios are from the first command")
    lines += [
        "",
        "| scenario | command | median wall s | each run, s | × floor | CPU s | CPU × floor | max process RSS MB "
        "| peak tree RSS MB | RSS × floor | other cores busy, per run | exit |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    fl, fl_rss, fl_cpu = fig(rec, "floor"), fig(rec, "floor", "peak_tree_rss_mb"), cpu_of(rec, "floor")
    for key, label, command in SCENARIOS:
        runs = runs_of(rec, key)
        if not runs:
            continue
        wall, rss = fig(rec, key), fig(rec, key, "peak_tree_rss_mb")
        each = ", ".join(f"{r['wall_s']:.1f}" for r in runs)
        exits = ", ".join(sorted({str(r["exit_code"]) for r in runs}))
        # Through the worker the client only waits: its CPU is not the refresh's, and the worker's is "other".
        worker = key.endswith("_worker")
        cpu = None if worker else cpu_of(rec, key)
        lines.append(
            f"| {label} | `{command}` | {_fmt(wall, 2)} | {each} | {_ratio(wall, fl)} "
            f"| {_fmt(cpu)} | {_ratio(cpu, fl_cpu)} "
            f"| {_fmt(fig(rec, key, 'max_process_rss_mb'), 0)} | {_fmt(rss, 0)} | {_ratio(rss, fl_rss)} "
            f"| {'– (the worker)' if worker else _busy(runs)} | {exits} |"
        )
    full = ok_runs(runs_of(rec, "full"))
    if full and full[0]["extra"].get("build_db_mb"):
        e = full[0]["extra"]
        lines += ["", f"After a full refresh: build.duckdb {e['build_db_mb']} MB, sti.duckdb {e['serving_db_mb']} MB."]
    lines += _phases(rec)
    lines += _floor_detail(rec)
    return lines


def _phases(rec: dict) -> list[str]:
    cols = [k for k in ("full", "unchanged", "new_file") if any("phases_s" in r["extra"] for r in runs_of(rec, k))]
    if not cols:
        return []
    lines = [
        "",
        "Where a refresh spends its time (median of the Dagster step durations, s; steps may overlap on 2 cores):",
        "",
        "| phase | " + " | ".join(c.replace("_", " ") for c in cols) + " |",
        "|---|" + "---:|" * len(cols),
    ]
    walls = {c: fig(rec, c) for c in cols}
    spans = {c: median([r["extra"]["phases_s"].get("steps_span") for r in runs_of(rec, c) if "phases_s" in r["extra"]])
             for c in cols}  # fmt: skip
    for key, label in PHASE_LABELS.items():
        cells = []
        for c in cols:
            v = median([r["extra"]["phases_s"].get(key) for r in runs_of(rec, c) if "phases_s" in r["extra"]])
            cells.append("–" if not v else f"{v:.1f}")
        if any(x != "–" for x in cells):
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("| first step start to last step end | " + " | ".join(_fmt(spans[c]) for c in cols) + " |")
    lines.append(
        "| outside the steps (start-up, definitions, dbt manifest, Dagster run bookkeeping) | "
        + " | ".join(_fmt(walls[c] - spans[c]) if walls[c] and spans[c] else "–" for c in cols)
        + " |"
    )
    return lines


def _floor_detail(rec: dict) -> list[str]:
    runs = ok_runs(runs_of(rec, "floor"))
    if not runs or not runs[0]["extra"]:
        return []
    read = median([r["extra"].get("read_s") for r in runs])
    comp = median([r["extra"].get("compute_s") for r in runs])
    trans = median([r["extra"].get("read", {}).get("transcode_s") for r in runs])
    gb = sum(v.get("gb18030_files", 0) for v in runs[0]["extra"].get("read", {}).get("per_source", {}).values())
    lines = [
        "",
        f"The floor (medians): reading every file {_fmt(read, 2)} s (of which transcoding {gb} GB18030 files to UTF-8 "
        f"in Python {_fmt(trans, 2)} s), computing the indicators {_fmt(comp, 2)} s, the rest is start-up "
        f"(Python, DuckDB); {runs[0]['extra'].get('indicators')} indicators, "
        f"{runs[0]['extra'].get('indicator_values', 0):,} values.",
    ]
    check = rec.get("floor_check")
    if check:
        lines.append(
            f"Checked against the generator's `expected_indicators.csv`: {check.get('indicators_matching')} of "
            f"{check.get('indicators_in_truth')} indicators equal in every value ({check.get('values_equal', 0):,} of "
            f"{check.get('values_in_truth', 0):,} values, relative tolerance 1e-9)."
        )
        for code, v in (check.get("not_matching") or {}).items():
            lines.append(f"  - not matching: {code}: {v}")
    elif rec["drop"].get("truth") is False:
        lines.append("No ground truth at this scale (the generator skips it above city): floor not checked here.")
    return lines


def machine_section(records: dict[str, dict]) -> list[str]:
    m = next(iter(records.values()))["machine"]
    return [
        "",
        "## Machine",
        "",
        f"- {m['nproc']} CPUs: {m['cpu']}",
        f"- {m['memory_gb']} GB memory",
        f"- {m['platform']}, Python {m['python']}",
        "- " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()),
    ]


HEADER = """# Benchmarks

Written by `make bench` (`python benchmarks/run.py`: city and province, 3 runs; `--scales`, `--runs`, `--revision HEAD`,
`--render-only`: see `python benchmarks/run.py --help`). Each measured command runs as its own child
process, as a user would run it, measured from outside: wall time, the peak RSS of the largest single
process (`wait4` ru_maxrss: sti, or its dbt child) and the peak of the summed RSS of the process tree
(sampled every 0.2 s), and the CPU-seconds other processes used meanwhile ("other cores busy" = those
CPU-seconds / wall: 0 on an idle machine, up to 2 here). Benchmarks, not assertions: no test times anything.
Every run of every figure is in `benchmarks/results/<scale>.json`.

**The floor** (`benchmarks/floor.py`, `benchmarks/floor_read.py`, `benchmarks/floor.sql`) is DuckDB alone,
one process, with the memory limit and threads the refresh uses: it reads every file of the drop once
(DuckDB `read_csv`; GB18030 files transcoded to UTF-8 in Python first, since DuckDB 2.0 reads no GBK without
its `encodings` extension; xlsx through openpyxl → Arrow; money units from the headers) and computes the
48 catalogue indicators for every region and spine year in one SQL script: the surviving row per key,
names resolved to region codes, the roll-up through the region tree, the validity rules of each indicator.
It does **no validation** (a cell that does not convert becomes NULL), **no lineage**, no ledger, no
vintages, no history, no serving file. The ratio refresh / floor is therefore what validation, lineage,
publication and the orchestration cost, on top of the work itself. Where the drop carries the generator's
truth, the floor's values are checked against it (a floor that computed wrong numbers would not be a floor).
"""


def render(results_dir: Path, out: Path) -> None:
    import json

    records = {}
    for scale in SCALES:
        path = results_dir / f"{scale}.json"
        if path.exists():
            records[scale] = json.loads(path.read_text(encoding="utf-8"))
    notes = None
    if out.exists():
        text = out.read_text(encoding="utf-8")
        if "\n## Notes\n" in text:
            notes = text.split("\n## Notes\n", 1)[1].strip("\n").splitlines()
    lines = HEADER.splitlines()
    if records:
        lines += [""] + summary(records) + growth(records)
        for scale, rec in records.items():
            lines += scale_section(scale, rec)
        lines += machine_section(records)
    lines += ["", "## Notes", ""] + (notes or ["(to be written: where the time goes, what to change)"])
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
