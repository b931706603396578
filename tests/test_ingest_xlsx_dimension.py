"""An xlsx whose stored sheet dimension is wrong still lands every row (no silent drop, DESIGN §7)."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.write.file_hashes import sha256_of
from pipelines.write.landing import land_file
from tests import drops


@pytest.mark.parametrize("ref", ["A1", "A1:C3", "B2:D4"])
def test_wrong_sheet_dimension_does_not_drop_rows_or_columns(tmp_path, ref):
    rows = drops.SME_ROWS
    data = drops.with_dimension(drops.xlsx_bytes(drops.SME_HEADERS, rows, title="科技型中小企业入库名单"), ref)
    path = drops.add_bytes(tmp_path / "drop", "tech_sme_registry", "名单.xlsx", data)
    con = duckdb.connect()
    batch = land_file(con, "tech_sme_registry", tmp_path / "drop", path, sha256_of(path))
    assert not batch.findings, [f.one_line() for f in batch.findings]
    assert batch.header_row == 2
    landed = con.execute(f"SELECT _row_number, registration_no, region FROM {batch.table} ORDER BY 1").fetchall()
    assert landed == [(3 + i, str(r[2]), str(r[4])) for i, r in enumerate(rows)]
