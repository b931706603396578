"""The refresh job and its nightly schedule (the sensor that notices new files is in sensors.py)."""

from __future__ import annotations

from dagster import AssetSelection, DefaultScheduleStatus, ScheduleDefinition, define_asset_job, in_process_executor

# In-process: build.duckdb has one writer at a time, so the steps must not run in parallel
# processes. The CLI runs this very job (execute_in_process); the schedule launches it too.
refresh_job = define_asset_job(
    name="refresh",
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    description="Load new batches of the drop, audit them, rebuild the marts with dbt, publish sti.duckdb.",
)

nightly_refresh = ScheduleDefinition(
    name="nightly_refresh",
    job=refresh_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=DefaultScheduleStatus.STOPPED,
)
