"""`sti validate DIR`: the write and audit steps of a refresh on a scratch database.

Nothing of the warehouse changes except a report under its reports/ folder. Region names and
codes already published in the warehouse count as known, as they would in a refresh.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

import duckdb

from pipelines.audit.landed_batches import audit_source
from pipelines.audit.validation_report import batches_of, write_report
from pipelines.contract.sources import REGIONS, SOURCES
from pipelines.publish import duckdb_config
from pipelines.publish.ledger import ensure_schemas, record_drop_findings
from pipelines.publish.lock import WarehouseBusy
from pipelines.publish.serving_file import sql_path
from pipelines.write.drop import scan_drop
from pipelines.write.landing import land_new_batches


def validate_drop(drop: Path, warehouse: Path) -> tuple[list[dict], Path | None]:
    refresh_id = f"validate-{uuid.uuid4().hex[:12]}"
    build_db = warehouse / "build.duckdb"
    with tempfile.TemporaryDirectory(prefix="sti-validate-") as scratch:
        con = duckdb_config.connect(Path(scratch) / "validate.duckdb")
        try:
            ensure_schemas(con)
            if build_db.exists():
                try:
                    con.execute(f"ATTACH '{sql_path(build_db)}' AS served (READ_ONLY)")
                except duckdb.IOException as exc:
                    raise WarehouseBusy(warehouse, {"command": "a refresh"}) from exc
                con.execute("INSERT INTO raw.regions SELECT * FROM served.raw.regions")
                con.execute("DETACH served")
            record_drop_findings(con, refresh_id, scan_drop(drop).findings)
            for source in [REGIONS, *(s for s in SOURCES if s != REGIONS)]:
                land_new_batches(con, drop, source, refresh_id, skip_shas=set())
                audit_source(con, source, refresh_id)
            batches = batches_of(con, refresh_id)
        finally:
            con.close()
    outcome = "rejected" if any(b["status"] == "rejected" for b in batches) else "valid"
    report = None
    if warehouse.is_dir():
        report = write_report(warehouse / "reports", refresh_id, "validate", outcome, batches)
    return batches, report
