"""Where the drop is read from and where the warehouse lives (DESIGN §3 files on disk), and the
lifecycle every run of the refresh job shares, however it was started (CLI, schedule, sensor, UI):

- on entry: take the warehouse lock (a second refresh fails at once naming the holder), finish or undo
  an interrupted publish, remove temporary files, roll back what an earlier refresh left pending, open
  this run's record (`running`) and record what the drop holds besides batches (DESIGN §2);
- on exit, failed or not: the same recovery for this run's own leftovers (a failed refresh's batches
  leave raw), the run record settled (published / unchanged / rejected / failed), the report written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster import ConfigurableResource, DagsterEventType, InitResourceContext

from pipelines.audit.validation_report import batches_of, write_report
from pipelines.publish import duckdb_config, ledger
from pipelines.publish.ledger import ensure_schemas
from pipelines.publish.lock import warehouse_lock
from pipelines.publish.publication import recover
from pipelines.publish.refresh_progress import ProgressEvent, report
from pipelines.write.drop import scan_drop

# Run tag with the run's outcome as the ledger settled it (published / unchanged / rejected / failed):
# a rejected refresh is a successful Dagster run (its failed check is on the landing asset), so the
# run list and the failure webhook (pipelines/failure_webhook.py) read the outcome here.
OUTCOME_TAG = "sti/outcome"


class WarehouseResource(ConfigurableResource):
    """All warehouse state lives under `warehouse_dir`; nothing inside it stores absolute paths."""

    sources_dir: str = "sources/sample"
    warehouse_dir: str = "warehouse"

    @property
    def drop(self) -> Path:
        return Path(self.sources_dir).resolve()

    @property
    def location(self) -> Path:
        """Where the warehouse lives, without creating it (what a sensor or schedule evaluation reads)."""
        return Path(self.warehouse_dir).resolve()

    @property
    def root(self) -> Path:
        root = self.location
        root.mkdir(parents=True, exist_ok=True)
        return root

    @property
    def build_db(self) -> Path:
        return self.root / "build.duckdb"

    @property
    def serving_db(self) -> Path:
        return self.root / "sti.duckdb"

    def folder(self, name: str) -> Path:
        path = self.root / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def progress(self, stage: str, advance: int = 1, total: int | None = None, detail: str = "") -> None:
        """How far the refresh is (pipelines/publish/refresh_progress.py); free when nobody listens."""
        report(ProgressEvent(stage, advance, total, detail))

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Read-write connection to build.duckdb; closed on exit so dbt can open the file."""
        con = duckdb_config.connect(self.build_db)
        try:
            ensure_schemas(con)
            yield con
        finally:
            con.close()

    @contextmanager
    def yield_for_execution(self, context: InitResourceContext) -> Iterator[WarehouseResource]:
        run = context.run
        if run is None:  # a sensor or schedule evaluation reads paths only
            yield self
            return
        # Paths made absolute once, before any step runs: dagster-dbt changes the process's working
        # directory to the dbt project while it reads metadata, so a relative `warehouse` resolved later
        # (by another thread) would name dbt_project/warehouse.
        run_paths = WarehouseResource(sources_dir=str(self.drop), warehouse_dir=str(self.root))
        with run_paths._lifecycle(context, run.run_id, self.sources_dir) as resource:
            yield resource

    @contextmanager
    def _lifecycle(
        self, context: InitResourceContext, run_id: str, sources_as_given: str
    ) -> Iterator[WarehouseResource]:
        with warehouse_lock(self.root, f"refresh run {run_id}"):
            with self.connect() as con:
                notes = recover(self.root, con, keep_refresh_id=run_id)
                for note in notes:
                    context.log.warning(note)
                ledger.fail_interrupted_runs(con, keep_refresh_id=run_id)
                ledger.open_run(con, run_id, sources_as_given, notes)
                # What the drop holds besides batches is taken stock of once, before any step reads it.
                ledger.record_drop_findings(con, run_id, scan_drop(self.drop).findings)
            try:
                yield self
            finally:
                self._close(context, run_id)

    def _close(self, context: InitResourceContext, run_id: str) -> None:
        with self.connect() as con:
            recover(self.root, con)
            outcome = ledger.close_run(con, run_id)
            batches = batches_of(con, run_id)
        if context.instance:
            context.instance.add_run_tags(run_id, {OUTCOME_TAG: str(outcome)})
        failures = context.instance.all_logs(run_id, of_type=DagsterEventType.STEP_FAILURE) if context.instance else []
        error = first_failure([entry.dagster_event for entry in failures if entry.dagster_event])
        write_report(self.folder("reports"), run_id, "refresh", str(outcome), batches,
                     error=None if outcome in (ledger.RunStatus.PUBLISHED, ledger.RunStatus.UNCHANGED) else error)


def first_failure(events) -> str | None:
    """The sentence of the first failed step: Dagster wraps the user's exception, whose own message is at
    the bottom of the chain. A `Failure` raised on purpose (the dbt step naming its failed tests) says what
    to fix over several lines: keep them all; of other exceptions, the first line."""
    for event in events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            err = event.step_failure_data.error
            while err.cause is not None:
                err = err.cause
            message = err.message.strip().splitlines()
            if err.cls_name == "DagsterExecutionInterruptedError":
                return f"step {event.step_key}: interrupted (Ctrl-C or SIGTERM)"
            if err.cls_name == "Failure" and message:
                first = message[0].split(": ", 1)[-1] if message[0].startswith("dagster.") else message[0]
                return f"step {event.step_key}: " + "\n".join([first, *message[1:]])
            return f"step {event.step_key}: {message[0] if message else err.cls_name}"
    return None
