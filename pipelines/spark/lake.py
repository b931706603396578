"""The DuckDB side of a refresh on Spark (STI_ENGINE=spark): what the main venv does around the Spark
process of `pipelines/spark/assets.py`.

- `validation_plan`: the refresh's batches (ledger rows appended to raw by this run) for the GX suites
  on Spark (`lake_validation.py`), with what the landing audit gave the pandas path;
- `disagreements`: Spark's findings against the landing audit's, kept in the ledger's `report`;
- `load_marts`: the lake's mart Parquet into build.duckdb's `marts` schema, columns in the order and
  of the types of DuckDB's own build (the contracts'), so that the one publish
  (`pipelines/publish/publication.py`) and the ledger's history read the marts Spark built.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb

from pipelines.audit.cross_batch_checks import known_regions
from pipelines.project import sti_dbt_project
from pipelines.publish.serving_file import sql_path


def validation_plan(con: duckdb.DuckDBPyConnection, refresh_id: str, out: Path, status: str = "pending") -> int:
    """Write the plan of `lake_validation.validate_plan` for the refresh's batches; return how many."""
    rows = con.execute(
        "SELECT source, file, load_id, header_map, report FROM audit.load_ledger "
        "WHERE refresh_id = ? AND status = ? ORDER BY load_id",
        [refresh_id, status],
    ).fetchall()
    batches = [
        {
            "source": source, "file": file, "load_id": int(load_id), "header_map": json.loads(header_map or "{}"),
            # as the landing audit did (landed_batches.audit_source): a column the parser reported is
            # not reported again as empty
            "skip_null_check": sorted({f["column"] for f in json.loads(report or "[]") if f.get("column")}),
        }  # fmt: skip
        for source, file, load_id, header_map, report in rows
    ]
    plan = {"today": dt.date.today().isoformat(), "known_regions": sorted(known_regions(con, refresh_id)),
            "batches": batches}  # fmt: skip
    out.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    return len(batches)


def _key(finding: dict[str, Any]) -> tuple:
    return (finding["rule"], finding.get("column"), finding["severity"], finding.get("failing_count", 0))


def disagreements(con: duckdb.DuckDBPyConnection, findings_file: Path) -> tuple[int, list[str]]:
    """Spark's findings count, and one line per ERROR finding of Spark's that the landing audit (the
    gate, pandas) did not record for that batch: the engines disagree, so nothing is published. Spark
    finding less is expected: the pandas path's `type` check has nothing to find in typed Parquet."""
    validated = json.loads(findings_file.read_text(encoding="utf-8"))["batches"]
    count, lines = 0, []
    for batch in validated:
        (report,) = con.execute(
            "SELECT report FROM audit.load_ledger WHERE load_id = ?", [batch["load_id"]]
        ).fetchone() or (None,)
        recorded = {_key(f) for f in json.loads(report or "[]")}
        for finding in batch["findings"]:
            count += 1
            if finding["severity"] == "ERROR" and _key(finding) not in recorded:
                lines.append(f"{batch['file']}: {finding['rule']} ({finding.get('column')}, "
                             f"{finding.get('failing_count', 0)} rows): {finding['message']}")  # fmt: skip
    return count, lines


def mart_contracts() -> dict[str, list[tuple[str, str]]]:
    """Per contracted mart of the dbt manifest, its columns and types in contract order."""
    manifest = json.loads(Path(sti_dbt_project.manifest_path).read_text(encoding="utf-8"))
    out: dict[str, list[tuple[str, str]]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["schema"] == "marts" and node["contract"]["enforced"]:
            out[node["alias"]] = [(c["name"], c["data_type"]) for c in node["columns"].values()]
    return out


def load_marts(con: duckdb.DuckDBPyConnection, marts_dir: Path) -> list[str]:
    """Replace build.duckdb's `marts` with the lake's (`marts_dir/<name>/*.parquet`); return the names."""
    contracts = mart_contracts()
    # Spark writes its timestamps adjusted to UTC (its session's zone); the marts' are wall-clock UTC.
    con.execute("SET TimeZone = 'UTC'")
    con.execute("BEGIN TRANSACTION")
    con.execute("CREATE SCHEMA IF NOT EXISTS marts")
    for name, kind in con.execute(
        "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'marts'"
    ).fetchall():
        con.execute(f'DROP {"VIEW" if kind == "VIEW" else "TABLE"} marts."{name}"')
    names = sorted(p.name for p in marts_dir.iterdir() if p.is_dir())
    for name in names:
        files = f"read_parquet('{sql_path(marts_dir / name)}/*.parquet')"
        columns = contracts.get(name)
        select = ", ".join(f'cast("{c}" as {t}) as "{c}"' for c, t in columns) if columns else "*"
        con.execute(f'CREATE TABLE marts."{name}" AS SELECT {select} FROM {files}')
    con.execute("COMMIT")
    return names
