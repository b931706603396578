"""Run the refresh job in-process (as `sti refresh` and the tests do) and summarise it."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from dagster import DagsterInstance, ExecuteInProcessResult

from pipelines.project import REPO_ROOT
from pipelines.reports import batches_of, write_report
from pipelines.warehouse import ledger


def dagster_instance() -> DagsterInstance:
    """The instance in DAGSTER_HOME; a project-local folder when the variable is not set."""
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        home = str(REPO_ROOT / ".dagster_home")
        os.environ["DAGSTER_HOME"] = home
    Path(home).mkdir(parents=True, exist_ok=True)
    config = Path(home) / "dagster.yaml"
    if not config.exists():
        # No network beyond package registries here, and a warehouse has no business phoning home.
        config.write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    return DagsterInstance.get()


@dataclass
class BatchLine:
    source: str
    file: str
    status: str
    rows: int
    findings: list[dict] = field(default_factory=list)


@dataclass
class RefreshOutcome:
    run_id: str
    success: bool
    published: bool
    batches: list[BatchLine]
    error: str | None = None
    changes: dict[str, int] | None = None

    @property
    def rejected(self) -> list[BatchLine]:
        return [b for b in self.batches if b.status == "rejected"]


def _first_failure(result: ExecuteInProcessResult) -> str | None:
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            err = event.step_failure_data.error
            # Dagster wraps the user's exception; its sentence is at the bottom of the chain.
            while err.cause is not None:
                err = err.cause
            # A Failure raised on purpose (e.g. the dbt step naming its failed tests) says what to
            # fix over several lines: keep them all. Other exceptions: their first line.
            message = err.message.strip().splitlines()
            if err.cls_name == "Failure" and message:
                first = message[0].split(": ", 1)[-1] if message[0].startswith("dagster.") else message[0]
                return f"step {event.step_key}: " + "\n".join([first, *message[1:]])
            return f"step {event.step_key}: {message[0] if message else err.cls_name}"
    return None


def _outcome(success: bool, published: bool, batches: list[BatchLine]) -> str:
    if any(b.status == "rejected" for b in batches):
        return "rejected"
    if not success:
        return "failed"
    return "published" if published else "unchanged"


def run_refresh(sources: Path, warehouse: Path, log_level: str = "CRITICAL") -> RefreshOutcome:
    from pipelines.definitions import defs

    job = defs.resolve_job_def("refresh")
    log_path = warehouse / "logs" / "refresh-latest.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    # dbt's console output (hundreds of lines per build) goes to a log file, not the summary.
    with log_path.open("w", encoding="utf-8") as log, contextlib.redirect_stdout(log):
        result = _execute(job, sources, warehouse, log_level)
    return _summarise(result, sources, warehouse)


def _execute(job, sources: Path, warehouse: Path, log_level: str) -> ExecuteInProcessResult:
    return job.execute_in_process(
        run_config={
            "resources": {"warehouse": {"config": {"sources_dir": str(sources), "warehouse_dir": str(warehouse)}}},
            "loggers": {"console": {"config": {"log_level": log_level}}},
        },
        instance=dagster_instance(),
        raise_on_error=False,
    )


def _summarise(result: ExecuteInProcessResult, sources: Path, warehouse: Path) -> RefreshOutcome:
    run_id = result.run_id
    build_db = warehouse / "build.duckdb"
    batches: list[BatchLine] = []
    published = False
    if build_db.exists():
        con = duckdb.connect(str(build_db))
        try:
            ledger.ensure_schemas(con)
            if not result.success:
                # All-or-nothing: batches this refresh appended to raw leave with it.
                ledger.roll_back_unpublished(con)
            for source, file, status, rows, report in con.execute(
                "SELECT source, file, status, row_count, report FROM audit.load_ledger "
                "WHERE refresh_id = ? ORDER BY file",
                [run_id],
            ).fetchall():
                batches.append(BatchLine(source, file, status, int(rows or 0), json.loads(report or "[]")))
            published = bool(
                con.execute(
                    "SELECT count(*) FROM audit.refresh_log WHERE refresh_id = ? AND status = 'published'", [run_id]
                ).fetchone()[0]
            )
            outcome = _outcome(result.success, published, batches)
            if not published:
                con.execute(
                    "INSERT INTO audit.refresh_log (refresh_id, started_at, finished_at, status, sources_dir, "
                    "batches_loaded, batches_rejected) VALUES (?, ?, ?, ?, ?, 0, ?)",
                    [run_id, ledger.now(), ledger.now(), outcome, str(sources),
                     sum(b.status == "rejected" for b in batches)],
                )
            write_report(
                warehouse / "reports", run_id, "refresh", outcome, batches_of(con, run_id),
                error=None if result.success else _first_failure(result),
            )
        finally:
            con.close()
    changes = None
    last = warehouse / "reports" / "last_publish.json"
    if published and last.exists():
        changes = json.loads(last.read_text()).get("indicator_values")
    return RefreshOutcome(run_id, result.success, published, batches, _first_failure(result), changes)
