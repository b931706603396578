"""Sensors: start a refresh when files appear in the drop; clean up after a failed refresh."""

import hashlib

import duckdb
from dagster import (
    DefaultSensorStatus,
    RunFailureSensorContext,
    RunRequest,
    SensorEvaluationContext,
    SkipReason,
    run_failure_sensor,
    sensor,
)

from pipelines.ingest.landing import batch_files
from pipelines.jobs import refresh_job
from pipelines.reports import batches_of, write_report
from pipelines.resources import WarehouseResource
from pipelines.spec import SOURCES
from pipelines.warehouse import ledger


def drop_state(warehouse: WarehouseResource) -> str:
    """Cheap fingerprint of the drop (path, size, mtime): hashing every file each minute is not."""
    digest = hashlib.sha256()
    for source in SOURCES:
        for path in batch_files(warehouse.drop, source):
            stat = path.stat()
            digest.update(f"{path.relative_to(warehouse.drop)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


@sensor(job=refresh_job, minimum_interval_seconds=60, default_status=DefaultSensorStatus.STOPPED)
def new_files_in_drop(context: SensorEvaluationContext, warehouse: WarehouseResource):
    state = drop_state(warehouse)
    if state == context.cursor:
        return SkipReason("no file of the drop was added or changed")
    context.update_cursor(state)
    # The refresh itself decides what is new (sha256 against the ledger); this only wakes it.
    return RunRequest(run_key=state)


@run_failure_sensor(monitored_jobs=[refresh_job], default_status=DefaultSensorStatus.STOPPED)
def roll_back_failed_refresh(context: RunFailureSensorContext, warehouse: WarehouseResource):
    """Scheduled runs have no CLI around them: undo their raw appends and write their report."""
    if not warehouse.build_db.exists():
        return
    run_id = context.dagster_run.run_id
    con = duckdb.connect(str(warehouse.build_db))
    try:
        ledger.ensure_schemas(con)
        ledger.roll_back_unpublished(con)
        batches = batches_of(con, run_id)
    finally:
        con.close()
    outcome = "rejected" if any(b["status"] == "rejected" for b in batches) else "failed"
    write_report(warehouse.folder("reports"), run_id, "refresh", outcome, batches)
