"""`make bench`: how long a refresh takes at city, province and nation scale, against the floor.

    python benchmarks/run.py                                   # city and province; 3 runs each
    python benchmarks/run.py --scales nation --runs 1 --scenarios floor --memory-limit 10GB
    python benchmarks/run.py --scales city --runs 1            # a quicker look
    python benchmarks/run.py --scales city --revision HEAD     # a commit, not the edited checkout
    python benchmarks/run.py --render-only                     # RESULTS.md from benchmarks/results/

Per scale (each command a child process, measured from outside by benchmarks/measure.py):
1. the drop: `sti generate --scale S --seed N`, cached under benchmarks/work/drops/ by scale, seed and
   the generator's commit (benchmarks/drops.py);
2. N rounds of: the floor (benchmarks/floor.py: DuckDB alone reading every file once and computing
   the catalogue in one SQL script), `sti validate`, and a refresh cycle on a hard-linked copy of
   the drop: full refresh into an empty warehouse, the same refresh again (unchanged), the
   refresh after one small new file (benchmarks/scenarios.py);
3. once: the floor checked against the generator's truth where the drop has one.

Every run goes to benchmarks/results/<scale>.json (written after each step, so an interrupted
run keeps what it measured); medians, ratios to the floor and growth between scales go to
benchmarks/RESULTS.md (benchmarks/results_md.py), whose `## Notes` section is kept.

Nation is not in the default scales: with no DuckDB memory_limit the province refresh already peaks at
~21 GB of this 23.5 GB machine, so a nation refresh would be killed (and take others with it) until the
refresh sets one. Its drop (9.4 GB, ~10 min to generate) and floor can be measured on their own (above).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from drops import REPO, WORK, code_tree, generated_drop, git, prepare  # noqa: E402
from measure import machine  # noqa: E402
from results_md import SCALES, render  # noqa: E402
from scenarios import Context, floor, floor_check, gx, refresh_cycle, validate  # noqa: E402

RESULTS = REPO / "benchmarks" / "results"
FLOOR_FILES = ("benchmarks/floor.py", "benchmarks/floor_read.py", "benchmarks/floor.sql")


def floor_code() -> str:
    """The floor's own version: the last commit of its files, marked when they have local changes."""
    commit = git("log", "-1", "--format=%h", "--", *FLOOR_FILES)
    return commit + ("+local changes" if git("status", "--porcelain", "--", *FLOOR_FILES) else "")
SCENARIOS = ("floor", "validate", "refresh", "worker", "gx")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="city,province",
                        help="comma-separated, of sample, city, province, nation (default: city,province; nation "
                        "only when asked: its refresh needs more memory than DuckDB's default limit leaves)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3, help="rounds of every scenario; figures are medians")
    parser.add_argument("--scenarios", default="floor,validate,refresh",
                        help=f"comma-separated, of {', '.join(SCENARIOS)} (default: floor,validate,refresh)")
    parser.add_argument("--revision", help="measure this commit (git archive into benchmarks/work/trees/) "
                        "instead of the working tree")
    parser.add_argument("--memory-limit", help="DuckDB memory_limit of the floor and of the refresh and validate "
                        "commands (STI_DUCKDB_MEMORY_LIMIT; default: each one's own default)")
    parser.add_argument("--drop-generator", help="use the cached drops of this generator version (a key of "
                        "benchmarks/work/drops/<scale>-seed<N>-<key>) instead of generating with the current one")
    parser.add_argument("--threads", type=int, help="DuckDB threads of the floor (default: DuckDB's, as the refresh)")
    parser.add_argument("--gx-rows", type=int, default=1_000_000)
    parser.add_argument("--regenerate", action="store_true", help="write the drops again even if cached")
    parser.add_argument("--keep", action="store_true", help="keep each run's warehouse and drop copy")
    parser.add_argument("--merge", action="store_true",
                        help="keep the scenarios of the existing benchmarks/results/<scale>.json not measured now")
    parser.add_argument("--generate-only", action="store_true", help="generate (and record) the drops, measure nothing")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "RESULTS.md")
    parser.add_argument("--render-only", action="store_true", help="rewrite RESULTS.md from benchmarks/results/")
    args = parser.parse_args(argv)  # fmt: skip
    if args.render_only:
        render(RESULTS, args.out)
        print(f"wrote {args.out}")
        return 0
    scales = [s.strip() for s in args.scales.split(",") if s.strip()]
    scenarios = {s.strip() for s in args.scenarios.split(",") if s.strip()}
    for s in scales:
        if s not in SCALES:
            parser.error(f"unknown scale {s}")
    for s in scenarios:
        if s not in SCENARIOS:
            parser.error(f"unknown scenario {s}")

    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    tree = code_tree(args.revision)
    print(f"code: {tree.describe()}", flush=True)
    prepared = prepare(tree)
    command = " ".join(["python benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])])
    for scale in scales:
        drop, drop_record = generated_drop(scale, args.seed, tree, args.regenerate, args.drop_generator)
        rec: dict = {
            "scale": scale,
            "seed": args.seed,
            "command": command,
            "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine(),
            "code": {"commit": tree.commit, "exported": tree.exported, "dirty": tree.dirty,
                     "describe": tree.describe(), **prepared},  # fmt: skip
            "settings": {"memory_limit": args.memory_limit, "threads": args.threads},
            "runs": args.runs,
            "drop": drop_record,
            "floor": [],
            "validate": [],
            "refresh": [],
            "refresh_worker": [],
            "gx": [],
        }
        rec["floor_code"] = floor_code()
        path = RESULTS / f"{scale}.json"
        if args.merge and path.exists():
            old = json.loads(path.read_text(encoding="utf-8"))
            if old.get("seed") == args.seed and old.get("drop", {}).get("generator") == drop_record.get("generator"):
                measured = {"floor", "floor_check"} if "floor" in scenarios else set()
                measured |= {s for s in ("validate", "refresh", "gx") if s in scenarios}
                measured |= {"refresh_worker"} if "worker" in scenarios else set()
                updates = old.get("updates", []) + [
                    {"date": rec["date"], "command": command, "scenarios": sorted(measured),
                     "code": rec["code"]["describe"], "floor_code": rec["floor_code"]}  # fmt: skip
                ]
                for key in ("floor", "floor_check", "validate", "refresh", "refresh_worker", "gx"):
                    if key not in measured and key in old:
                        rec[key] = old[key]
                for key in ("command", "date", "code", "runs", "machine"):
                    rec[key] = old[key]
                if "floor" not in measured:
                    rec["floor_code"] = old.get("floor_code")
                rec["updates"] = updates

        def save(rec: dict = rec, path: Path = path) -> None:
            path.write_text(json.dumps(rec, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")

        save()
        if args.generate_only:
            continue
        ctx = Context(scale, tree, drop, WORK / scale, args.memory_limit, args.threads, args.keep)
        if "floor" in scenarios:
            rec["floor_check"] = floor_check(ctx)
        # Rounds interleave the scenarios, so that a busy spell of the machine spreads over all of them.
        for i in range(1, args.runs + 1):
            if "floor" in scenarios:
                rec["floor"].append(floor(ctx, i))
                save()
            if "validate" in scenarios:
                rec["validate"].append(validate(ctx, i))
                save()
            if "refresh" in scenarios:
                rec["refresh"].append(refresh_cycle(ctx, i))
                save()
            if "worker" in scenarios:
                rec["refresh_worker"].append(refresh_cycle(ctx, i, worker=True))
                save()
            if "gx" in scenarios:
                rec["gx"].append(gx(ctx, i, args.gx_rows))
                save()
        render(RESULTS, args.out)
    render(RESULTS, args.out)
    print(f"wrote {args.out} and {RESULTS}/", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
