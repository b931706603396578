"""The floor: DuckDB alone reading every file of a drop once and computing the 48 catalogue
indicators for every region and spine year — the least work a hand-written pipeline could do.

    python benchmarks/floor.py DROP [--memory-limit 18GB] [--threads 2] [--check [TRUTH_CSV]]

One process, one in-memory DuckDB database (spilling to --temp-dir), the same memory limit
and threads the refresh would use. Reading: benchmarks/floor_read.py; computing:
benchmarks/floor.sql. No validation, no lineage, no ledger, no serving file: a refresh does
all of those and the floor does none, so the ratio refresh / floor is what they cost.

`--check` compares the result with the generator's ground truth (`DROP/expected_indicators.csv`
by default), value by value, and prints per indicator how many values match. The check is
not part of the floor's time. The last line of stdout is a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from floor_read import read_drop, run  # noqa: E402

HERE = Path(__file__).resolve().parent
SQL = HERE / "floor.sql"
SEED = HERE.parent / "dbt_project" / "seeds" / "hightech_manufacturing_industries.csv"
TOLERANCE = 1e-9  # relative: values equal within 1e-9 of the larger magnitude (sums in another order)


def statements(text: str) -> list[tuple[str, str]]:
    """(label, SQL) per statement of floor.sql; statements end with a line holding only ';'."""
    out = []
    for chunk in re.split(r"^;\s*$", text, flags=re.M):
        body = "\n".join(line for line in chunk.splitlines() if not line.lstrip().startswith("--")).strip()
        if body:
            m = re.search(r"(?:TABLE|INTO)\s+(\w+)", body)
            out.append((m.group(1) if m else body[:30], chunk.strip()))
    return out


def compute(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    run(con, f"CREATE TEMP TABLE hightech_industry AS SELECT trim(industry_code) AS industry_code "
             f"FROM read_csv('{SEED}', all_varchar = true)")  # fmt: skip
    timings: dict[str, float] = {}
    for label, sql in statements(SQL.read_text(encoding="utf-8")):
        t0 = time.perf_counter()
        run(con, sql)
        timings[label] = round(timings.get(label, 0.0) + time.perf_counter() - t0, 3)
    return timings


def check(con: duckdb.DuckDBPyConnection, truth: Path) -> dict:
    """Per indicator: truth rows, floor rows, equal values, different values, missing, extra."""
    run(con, f"""CREATE TEMP TABLE truth AS
                 SELECT indicator_code, region_code, year::BIGINT AS year, value::DOUBLE AS value
                 FROM read_csv('{truth}', all_varchar = true)""")  # fmt: skip
    rows = run(
        con,
        f"""
        SELECT coalesce(t.indicator_code, f.indicator_code) AS code,
               count(t.value) AS truth_rows, count(f.value) AS floor_rows,
               count(*) FILTER (WHERE abs(t.value - f.value)
                                <= {TOLERANCE} * greatest(1, abs(t.value), abs(f.value))) AS equal,
               count(*) FILTER (WHERE abs(t.value - f.value)
                                > {TOLERANCE} * greatest(1, abs(t.value), abs(f.value))) AS different,
               count(*) FILTER (WHERE f.indicator_code IS NULL) AS missing,
               count(*) FILTER (WHERE t.indicator_code IS NULL) AS extra,
               any_value([t.region_code, f.region_code, t.year::VARCHAR, t.value::VARCHAR, f.value::VARCHAR])
                   FILTER (WHERE t.value IS DISTINCT FROM f.value
                           AND NOT coalesce(abs(t.value - f.value)
                                            <= {TOLERANCE} * greatest(1, abs(t.value), abs(f.value)), false))
                   AS example
        FROM truth AS t
        FULL JOIN indicator_values AS f USING (indicator_code, region_code, year)
        GROUP BY ALL ORDER BY code
        """,
    )
    per = {
        r[0]: {"truth_rows": r[1], "floor_rows": r[2], "equal": r[3], "different": r[4], "missing": r[5],
               "extra": r[6], "example": r[7]}  # fmt: skip
        for r in rows
    }
    ok = [c for c, v in per.items() if v["equal"] == v["truth_rows"] == v["floor_rows"] and v["truth_rows"] > 0]
    return {
        "truth": str(truth),
        "indicators_in_truth": sum(1 for v in per.values() if v["truth_rows"]),
        "indicators_computed": sum(1 for v in per.values() if v["floor_rows"]),
        "indicators_matching": len(ok),
        "values_in_truth": sum(v["truth_rows"] for v in per.values()),
        "values_equal": sum(v["equal"] for v in per.values()),
        "not_matching": {c: v for c, v in per.items() if c not in ok},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("drop", type=Path)
    parser.add_argument("--memory-limit", help="DuckDB memory_limit (default: DuckDB's, 80%% of RAM)")
    parser.add_argument("--threads", type=int, help="DuckDB threads (default: DuckDB's, one per core)")
    parser.add_argument("--temp-dir", type=Path, help="where DuckDB spills (default: a temporary directory)")
    parser.add_argument("--check", nargs="?", const="", default=None, metavar="TRUTH_CSV",
                        help="compare with the ground truth (default DROP/expected_indicators.csv)")  # fmt: skip
    parser.add_argument("--json", type=Path, help="also write the summary here")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="floor-", dir=args.temp_dir) as tmp:
        con = duckdb.connect(config={"temp_directory": str(Path(tmp) / "spill")})
        if args.memory_limit:
            run(con, f"SET memory_limit = '{args.memory_limit}'")
        if args.threads:
            run(con, f"SET threads = {int(args.threads)}")
        settings = dict(zip(["memory_limit", "threads"],
                            run(con, "SELECT current_setting('memory_limit'), current_setting('threads')")[0],
                            strict=True))  # fmt: skip
        read = read_drop(con, args.drop, Path(tmp))
        t0 = time.perf_counter()
        timings = compute(con)
        compute_s = time.perf_counter() - t0
        floor_s = time.perf_counter() - started
        values, indicators = run(con, "SELECT count(*), count(DISTINCT indicator_code) FROM indicator_values")[0]
        summary = {
            "drop": str(args.drop),
            "settings": settings,
            "floor_s": round(floor_s, 3),
            "read_s": round(read.seconds, 3),
            "compute_s": round(compute_s, 3),
            "read": read.as_dict(),
            "compute_steps_s": timings,
            "indicator_values": values,
            "indicators": indicators,
        }
        if args.check is not None:
            truth = Path(args.check) if args.check else args.drop / "expected_indicators.csv"
            t1 = time.perf_counter()
            summary["check"] = check(con, truth)
            summary["check"]["seconds"] = round(time.perf_counter() - t1, 3)
        con.close()
    text = json.dumps(summary, ensure_ascii=False, default=str)
    if args.json:
        args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print(f"floor: {indicators} indicators, {values:,} values in {floor_s:.2f} s "
          f"(read {read.seconds:.2f} s, compute {compute_s:.2f} s)")  # fmt: skip
    if "check" in summary:
        c = summary["check"]
        print(f"check against {c['truth']}: {c['indicators_matching']} of {c['indicators_in_truth']} indicators "
              f"match in every value; {c['values_equal']:,} of {c['values_in_truth']:,} values equal")  # fmt: skip
        for code, v in c["not_matching"].items():
            print(f"  {code}: {v}")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
