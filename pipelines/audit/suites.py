"""The Great Expectations suites of DESIGN §2, one per source, generated from the contract.

Each column of `pipelines/contract/sources.py` carries constraints — implied by its kind and
nullability, or declared in `Column.checks` — and the source its key; the constraint table
(`pipelines/audit/constraints.py`) makes each one expectation. `expectations/<source>.json` is the
serialised suite (GX 1.x: `name`, `expectations[]` with `type`, `kwargs`, `meta`) and is what the
runner loads. Regenerate after changing the contract or the table:

    python -m pipelines.audit.suites          # rewrites expectations/*.json
    python -m pipelines.audit.suites --check  # exit 1 if a JSON file is stale

Every expectation's `meta` carries what a `Finding` needs: `rule`, `severity` (ERROR / WARN),
`column` (the one to fix), `description_zh`, `description_en`, `fix`. Texts hold `{column_name}`
placeholders, replaced by the header as written in the file, and `{today}`, `{current_year}`,
`{earliest_date}`; values only known at validation time are GX suite parameters
(`{"$PARAMETER": name}`, listed in the suite's meta), filled by `pipelines.audit.runner`.
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import cache
from pathlib import Path

import great_expectations as gx
import great_expectations.expectations as gxe

from pipelines.audit.constraint_targets import Target
from pipelines.audit.constraints import CONSTRAINTS, PARAMETERS, implied, texts
from pipelines.contract.sources import SOURCES

# Resolved from the package location, never from the working directory.
REPO_ROOT = Path(__file__).resolve().parents[2]
EXPECTATIONS_DIR = REPO_ROOT / "expectations"


def _expectation(name: str, target: Target) -> gxe.Expectation:
    row = CONSTRAINTS[name]
    if row.expectation is None:
        raise ValueError(f"constraint {name} is not a GX expectation")
    zh, en, fix = texts(name, target)
    meta = {
        "rule": row.rule,
        "severity": row.severity,
        "column": ",".join(target.columns),
        "description_zh": zh,
        "description_en": en,
        "fix": fix,
    }
    expectation = row.expectation(**row.kwargs(target), meta=meta)
    expectation.severity = "warning" if row.severity == "WARN" else "critical"  # GX's own field
    return expectation


def build_suite(source: str) -> gx.ExpectationSuite:
    """The suite of one source: each column's constraints in contract order, then the key."""
    src = SOURCES[source]
    expectations: list[gxe.Expectation] = []
    for col in src.columns:
        expectations += [_expectation(name, Target((col.name,), col)) for name in implied(col)]
        expectations += [_expectation(check.name, Target((col.name,), col, check)) for check in col.checks]
    key = "unique_key" if len(src.key) == 1 else "unique_compound_key"
    expectations.append(_expectation(key, Target(src.key)))
    return gx.ExpectationSuite(
        name=source,
        expectations=expectations,
        meta={
            "source": source,
            "title_zh": src.title_zh,
            "key": list(src.key),
            "parameters": PARAMETERS,
            "generated_by": "python -m pipelines.audit.suites "
            "(from pipelines/contract/sources.py and pipelines/audit/constraints.py)",
        },
    )


def suite_path(source: str) -> Path:
    return EXPECTATIONS_DIR / f"{source}.json"


def suite_json(source: str) -> str:
    """The JSON text of `expectations/<source>.json`, as `write_suites` writes it."""
    return json.dumps(build_suite(source).to_json_dict(), ensure_ascii=False, indent=2) + "\n"


def write_suites(directory: Path = EXPECTATIONS_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SOURCES:
        path = directory / f"{name}.json"
        path.write_text(suite_json(name), encoding="utf-8")
        written.append(path)
    return written


@cache
def _load_suite_dict(path: str, mtime_ns: int) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def load_suite(source: str) -> gx.ExpectationSuite:
    """Read `expectations/<source>.json` (relative to the repository, not the CWD)."""
    if source not in SOURCES:
        raise KeyError(f"unknown source {source!r}; known: {', '.join(SOURCES)}")
    path = suite_path(source)
    if not path.exists():
        raise FileNotFoundError(f"no expectation suite for {source}: {path} is missing")
    data = _load_suite_dict(str(path), path.stat().st_mtime_ns)
    return gx.ExpectationSuite(**json.loads(json.dumps(data)))  # a fresh, independent copy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a JSON suite is stale")
    args = parser.parse_args(argv)
    if args.check:
        stale = [
            name
            for name in SOURCES
            if not suite_path(name).exists() or suite_path(name).read_text(encoding="utf-8") != suite_json(name)
        ]
        for name in stale:
            print(f"stale: {suite_path(name)}")
        return 1 if stale else 0
    for path in write_suites():
        print(f"wrote {path.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
