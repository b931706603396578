"""DuckDB keeps no copy of the contributing rows while working out the values (int_indicator_values).

DuckDB materializes a CTE read more than once; the one of every contributing row (~270M at national scale)
then went to the spill folder whole and filled the disk (docs/decisions.md, "keeps no copy of the
contributing rows"). Checked on the plan DuckDB makes for the compiled model, on a built warehouse: no
materialized CTE scans a contribution rule's table.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import duckdb

from pipelines.project import DBT_EXECUTABLE, DBT_PROJECT_DIR

MODEL = "int_indicator_values"


def _compiled(build_db: Path, tmp_path: Path) -> str:
    target = tmp_path / "target"
    done = subprocess.run(
        [
            DBT_EXECUTABLE, "compile", "--select", MODEL, "--vars", json.dumps({"build_db": str(build_db)}),
            "--target-path", str(target), "--log-path", str(tmp_path), "--quiet",
        ],
        cwd=DBT_PROJECT_DIR, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:]
    return next(target.glob(f"compiled/**/{MODEL}.sql")).read_text(encoding="utf-8")


def _materialized_ctes(node: dict) -> list[tuple[str, set[str]]]:
    """(CTE name, tables whose rows it keeps) of every CTE DuckDB keeps in the plan."""
    found = []
    info = node.get("extra_info") or {}
    if node.get("name") == "CTE" and node.get("children"):
        found.append((info.get("CTE Name", "?"), _rows_of(node["children"][0])))
    for child in node.get("children", []):
        found.extend(_materialized_ctes(child))
    return found


def _rows_of(node: dict) -> set[str]:
    """Tables scanned below `node` whose rows reach it one for one: not through a grouping."""
    if "GROUP_BY" in str(node.get("name")):
        return set()
    info = node.get("extra_info") or {}
    own = {str(info["Table"]).split(".")[-1]} if isinstance(info, dict) and info.get("Table") else set()
    return own.union(*(_rows_of(child) for child in node.get("children", [])))


def test_the_values_keep_no_copy_of_the_contributing_rows(good_warehouse, tmp_path):
    build_db = tmp_path / "build.duckdb"
    shutil.copy(good_warehouse / "build.duckdb", build_db)
    sql = _compiled(build_db, tmp_path)
    con = duckdb.connect(str(build_db), read_only=True)
    try:
        con.execute("PRAGMA explain_output = 'physical_only'")
        plan = json.loads(con.execute(f"EXPLAIN (FORMAT JSON) {sql}").fetchall()[0][1])
    finally:
        con.close()
    ctes = [cte for root in plan for cte in _materialized_ctes(root)]
    assert ctes, "no CTE in the plan at all: the check below would prove nothing"
    rules = {name: sorted(t for t in tables if t.startswith("int_contributions__")) for name, tables in ctes}
    keeping_rows = {name: tables for name, tables in rules.items() if tables}
    assert not keeping_rows, f"CTEs that DuckDB keeps whole, with every contributing row: {keeping_rows}"
