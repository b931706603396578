"""Sensor: start a refresh when an entry of the drop appears or changes.

A failed refresh needs no sensor of its own: the job's lifecycle (pipelines.publish.warehouse_resource) rolls
it back, whoever started it.
"""

import hashlib
import os

from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SkipReason, sensor

from pipelines.jobs import refresh_job
from pipelines.publish.refresh_scope import refresh_selection
from pipelines.publish.warehouse_resource import WarehouseResource


def drop_state(warehouse: WarehouseResource) -> str:
    """Cheap fingerprint of every entry of the drop (path, size, mtime; links not followed): hashing
    every file each minute is not. An unknown folder or a symlink changes it too, so the refresh that
    reports them runs."""
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(warehouse.drop):
        dirs.sort()
        for name in sorted(dirs + files):
            stat = os.lstat(os.path.join(folder, name))
            rel = os.path.relpath(os.path.join(folder, name), warehouse.drop)
            digest.update(f"{rel}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


@sensor(job=refresh_job, minimum_interval_seconds=60, default_status=DefaultSensorStatus.STOPPED)
def new_files_in_drop(context: SensorEvaluationContext, warehouse: WarehouseResource):
    state = drop_state(warehouse)
    if state == context.cursor:
        return SkipReason("no entry of the drop was added or changed")
    context.update_cursor(state)
    # The refresh itself decides what is new (sha256 against the ledger); this only wakes it.
    return RunRequest(run_key=state, asset_selection=refresh_selection(warehouse.drop, warehouse.location))
