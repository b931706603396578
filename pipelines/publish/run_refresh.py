"""Run the refresh job in-process (as `sti refresh` and the tests do) and summarise it."""

from __future__ import annotations

import contextlib
import io
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from dagster import DagsterInstance, ExecuteInProcessResult

from pipelines.audit.validation_report import batches_of
from pipelines.project import ensure_manifest
from pipelines.publish import ledger
from pipelines.publish.ledger import RunStatus
from pipelines.publish.warehouse_resource import first_failure


def refresh_log(warehouse: Path) -> Path:
    """The log of the latest refresh: Dagster's events of the run and dbt's console output. dbt's own
    debug log (every statement) is <warehouse>/logs/dbt.log, appended and rotated by dbt (dbt_assets.py)."""
    return warehouse / "logs" / "refresh-latest.log"


def dagster_instance() -> DagsterInstance:
    """The instance in DAGSTER_HOME (a project-local folder when the variable is not set: read, never
    written, since the process environment is not configuration storage); `dagster_home` gives a new
    home its dagster.yaml."""
    from pipelines.publish.dagster_home import dagster_home

    return DagsterInstance.from_config(str(dagster_home()))


@dataclass
class BatchLine:
    source: str  # "(drop)" for an entry of the drop that is not a batch
    file: str
    status: str
    rows: int
    findings: list[dict] = field(default_factory=list)


@dataclass
class RefreshOutcome:
    run_id: str
    status: str  # a ledger.RunStatus: published, unchanged, rejected or failed
    batches: list[BatchLine]
    error: str | None = None
    changes: dict[str, int] | None = None
    retracted: list[tuple[int, str, str]] = field(default_factory=list)  # (load_id, file, reason) kept out
    recovery: list[str] = field(default_factory=list)  # what it finished or undid of an interrupted refresh

    @property
    def rejected(self) -> list[BatchLine]:
        return [b for b in self.batches if b.status == "rejected"]


def run_refresh(sources: Path, warehouse: Path, log_level: str = "DEBUG", postgres=None) -> RefreshOutcome:
    """The refresh job, in-process; the job's lifecycle (pipelines.publish.warehouse_resource) takes the
    warehouse lock, recovers, rolls back and settles the run record, as for a scheduled run. `postgres`, a
    PostgresMirrorResource, replaces the code location's (passed as a resource, not run config: a URL's
    password never enters the run record)."""
    ensure_manifest()  # the definitions load the dbt manifest; outside `dagster dev` nothing else makes it
    from pipelines.definitions import defs

    job = defs.resolve_job_def("refresh")
    log_path = refresh_log(warehouse)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    # Dagster's events (debug level: every step and event) and dbt's console output go to a log file, not
    # the summary; so does anything the run writes to stderr (library warnings). The CLI shows progress.
    # A Ctrl-C / SIGTERM can land while SQLAlchemy closes an instance connection; its pool then logs
    # the interrupt's stack trace although the run is settled and summarised as interrupted.
    logging.getLogger("sqlalchemy.pool").setLevel(logging.CRITICAL)
    with _RunLog(log_path) as log, contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
        result = _execute(job, sources, warehouse, log_level, postgres)
    return _summarise(result, warehouse)


class _RunLog(io.TextIOBase):
    """The refresh's log file, which gives up writing when the disk is full: the run's outcome (a full
    disk is one: the failed step says so) must still be summarised, not replaced by the log's OSError."""

    def __init__(self, path: Path) -> None:
        self._file: io.TextIOWrapper | None = path.open("w", encoding="utf-8")

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._guard(lambda f: f.write(text))
        return len(text)

    def flush(self) -> None:
        self._guard(lambda f: f.flush())

    def close(self) -> None:
        self._guard(lambda f: f.close())
        self._file = None
        super().close()

    def _guard(self, action) -> None:
        if self._file is None:
            return
        try:
            action(self._file)
        except OSError:
            with contextlib.suppress(OSError):
                self._file.close()
            self._file = None


def _execute(job, sources: Path, warehouse: Path, log_level: str, postgres=None) -> ExecuteInProcessResult:
    from pipelines.publish.refresh_scope import refresh_selection

    selection = refresh_selection(sources, warehouse)
    if selection is not None:
        # Subset first, then execute: a subset made by execute_in_process itself re-checks the resources
        # against those the definitions bound to the assets, and a `postgres` given here would conflict.
        job = job.get_subset(asset_selection=frozenset(selection))
    return job.execute_in_process(
        run_config={
            "resources": {"warehouse": {"config": {"sources_dir": str(sources), "warehouse_dir": str(warehouse)}}},
            "loggers": {"console": {"config": {"log_level": log_level}}},
        },
        instance=dagster_instance(),
        raise_on_error=False,
        resources={"postgres": postgres} if postgres is not None else None,
    )


def _summarise(result: ExecuteInProcessResult, warehouse: Path) -> RefreshOutcome:
    """What the run left in the ledger, read back (the job settled it; this only reads)."""
    run_id = result.run_id
    error = first_failure(result.all_events)
    build_db = warehouse / "build.duckdb"
    if not build_db.exists():
        return RefreshOutcome(run_id, str(RunStatus.FAILED), [], error)
    con = duckdb.connect(str(build_db), read_only=True)
    try:
        batches = [
            BatchLine(b["source"], b["file"], b["status"], b["rows"], b["findings"]) for b in batches_of(con, run_id)
        ]
        record = ledger.run_record(con, run_id)
        retracted = ledger.retracted_batches(con)
    finally:
        con.close()
    status, recovery = record or (str(RunStatus.FAILED), [])
    changes = None
    last = warehouse / "reports" / "last_publish.json"
    if status == RunStatus.PUBLISHED and last.exists():
        changes = json.loads(last.read_text()).get("indicator_values")
    return RefreshOutcome(run_id, status, batches, error, changes, retracted, recovery)
