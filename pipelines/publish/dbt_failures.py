"""What failed in a `dbt build`, as one message: each failed node, a few failing rows of each failed test,
and what to do.

A failed test's rows stay queryable afterwards as the view `test_failures.<test name>` in build.duckdb,
made here from the SQL dbt ran (`compiled_code` in run_results.json). dbt's own `store_failures` would
make that view for every test, passing or not, before running it: three statements per test instead
of one, about 1.8 s of the 173 tests of a city build (docs/decisions.md, "Failing rows").
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb

from pipelines.publish import duckdb_config
from pipelines.publish.publication import DISK_FULL_MARKERS

FAILURES_SCHEMA = "test_failures"


def describe_dbt_failures(run_results: Mapping[str, Any], build_db: Path, examples: int = 3) -> str:
    """The message of a failed `dbt build`; keeps each failed test's rows as a view (`keep_failing_rows`)."""
    failed = [r for r in run_results.get("results", []) if r.get("status") in ("fail", "error", "runtime error")]
    if any(marker in str(r.get("message")) for r in failed for marker in DISK_FULL_MARKERS):
        return (
            "dbt build failed: the disk holding the warehouse is full (No space left on device); nothing was "
            f"published\n  fix: free space on the disk of {build_db.parent} (df -h) and run sti refresh again; the "
            "batches of this refresh are rolled back and loaded again"
        )
    if not failed:
        return "dbt build failed before running any test (see the dbt log above); nothing was published"
    out_of_memory = [r for r in failed if "Out of Memory Error" in str(r.get("message"))]
    if out_of_memory:
        node = str(out_of_memory[0].get("unique_id", "?")).split(".")[-1]
        return (
            f"dbt build failed: model {node} needed more memory than DuckDB may take "
            f"({duckdb_config.MEMORY_LIMIT_ENV}={duckdb_config.memory_limit()}); nothing was published\n"
            f"  fix: raise {duckdb_config.MEMORY_LIMIT_ENV} (e.g. 8GB; it must leave room for this process and "
            "the OS) or refresh on a machine with more memory, then run sti refresh again; the batches of "
            "this refresh are rolled back and loaded again"
        )
    rows = keep_failing_rows(failed, build_db, examples)
    lines = [
        f"dbt build failed ({len(failed)} node(s)); nothing was published and this refresh's batches are rolled back:"
    ]
    for result in failed:
        kind, name = node_kind_and_name(str(result.get("unique_id", "?")))
        count = f", {result['failures']} failing row(s)" if result.get("failures") else ""
        message = (str(result.get("message") or "").strip().splitlines() or [""])[0]
        lines.append(f"  {kind} {name}{count}: {message}")
        if name in rows:
            lines.append(f"      failing rows: {FAILURES_SCHEMA}.{name} in {build_db.name}")
            lines.extend(f"      e.g. {text[:300]}" for text in rows[name])
    lines.append(
        "  fix: the failing rows come from the data of this refresh (tests/ and models/ of dbt_project say what each "
        "test checks); correct or withdraw the batch that causes them and run sti refresh again"
    )
    return "\n".join(lines)


def node_kind_and_name(unique_id: str) -> tuple[str, str]:
    """("test", "<test name>") of test.sti.<name>[.<hash>]; unit_test.sti.<model>.<name> keeps both parts."""
    parts = unique_id.split(".")
    name = ".".join(parts[2:3] + (parts[3:] if parts[0] == "unit_test" else []))
    return parts[0], name or parts[-1]


def keep_failing_rows(failed: list[Mapping[str, Any]], build_db: Path, examples: int) -> dict[str, list[str]]:
    """Make `test_failures.<name>` over each failed test's SQL and return a few of its rows per test name.
    A figure for the message: if build.duckdb cannot be opened (held, damaged), the message goes without."""
    tests = [
        (node_kind_and_name(str(r.get("unique_id")))[1], str(r["compiled_code"]))
        for r in failed
        if r.get("status") == "fail" and str(r.get("unique_id")).startswith("test.") and r.get("compiled_code")
    ]
    if not tests:
        return {}
    rows: dict[str, list[str]] = {}
    try:
        con = duckdb_config.connect(build_db)
    except duckdb.Error:
        return rows
    try:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {FAILURES_SCHEMA}")
        for name, sql in tests:
            view = f'{FAILURES_SCHEMA}."{name}"'
            try:
                con.execute(f"CREATE OR REPLACE VIEW {view} AS {sql}")
                cur = con.execute(f"SELECT * FROM {view} LIMIT {examples}")
            except duckdb.Error:
                continue
            names = [d[0] for d in cur.description]
            rows[name] = [", ".join(f"{n}={v}" for n, v in zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()
    return rows
