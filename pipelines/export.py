"""`sti export`: every table of the served marts as Parquet, CSV or XLSX under warehouse/exports/."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.warehouse.serving import sql_path

FORMATS = ("parquet", "csv", "xlsx")


def export_marts(serving: Path, out: Path, fmt: str) -> list[Path]:
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(serving), read_only=True)
    written: list[Path] = []
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' ORDER BY 1"
            ).fetchall()
        ]
        for table in tables:
            target = out / f"{table}.{fmt}"
            if fmt == "xlsx":
                frame = con.execute(f'SELECT * FROM marts."{table}"').df()
                # Excel caps a sheet at 1,048,576 rows; a bigger mart belongs in Parquet.
                frame.head(1_048_575).to_excel(target, index=False, sheet_name=table[:31])
            else:
                options = "(FORMAT parquet)" if fmt == "parquet" else "(FORMAT csv, HEADER true)"
                con.execute(f"COPY (SELECT * FROM marts.\"{table}\") TO '{sql_path(target)}' {options}")
            written.append(target)
    finally:
        con.close()
    return written
