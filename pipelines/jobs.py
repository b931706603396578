"""The refresh job and its nightly schedule (the sensor that notices new files is in sensors.py)."""

from __future__ import annotations

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    RunRequest,
    ScheduleEvaluationContext,
    define_asset_job,
    in_process_executor,
    schedule,
)

from pipelines.publish.refresh_scope import refresh_selection
from pipelines.publish.warehouse_resource import WarehouseResource

# In-process: build.duckdb has one writer at a time, so the steps must not run in parallel
# processes. The CLI runs this very job (execute_in_process); the schedule launches it too.
refresh_job = define_asset_job(
    name="refresh",
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    description="Load new batches of the drop, audit them, rebuild the marts with dbt, publish sti.duckdb.",
)


@schedule(
    name="nightly_refresh",
    job=refresh_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=DefaultScheduleStatus.STOPPED,
)
def nightly_refresh(context: ScheduleEvaluationContext, warehouse: WarehouseResource) -> RunRequest:
    # Most nights nothing arrived: then the run is the raw step alone (pipelines/publish/refresh_scope.py).
    return RunRequest(asset_selection=refresh_selection(warehouse.drop, warehouse.location))
