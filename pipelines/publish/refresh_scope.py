"""Which assets a refresh run needs: all of them, or — when the drop holds nothing new — the raw step only.

A run of the whole job plans every asset and every dbt test before its first step (some 420 Dagster events,
each a SQLite commit: seconds), even when it then finds nothing new and skips dbt and the publish. When
every batch file of the drop is one already published or retracted and the
served marts were built by this project after the last retraction, the run is launched with the raw step
alone: its lifecycle (lock, recovery, run record, report) is the same, and the raw step records the
refresh `unchanged` exactly as in a run of the whole job. The CLI, the schedule and the sensor all ask here.
Whenever the answer cannot be given for sure (a warehouse in use, a file that cannot be read), the whole job runs.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from dagster import AssetKey

from pipelines.contract.sources import SOURCES
from pipelines.project import project_fingerprint
from pipelines.publish import ledger
from pipelines.publish.publication import JOURNAL
from pipelines.publish.refresh_progress import ProgressEvent, report
from pipelines.write.drop import scan_drop
from pipelines.write.landing import sha256_of

RAW_ONLY = [AssetKey(["raw", source]) for source in SOURCES]


def nothing_new(drop: Path, warehouse: Path) -> bool:
    build_db, serving_db = warehouse / "build.duckdb", warehouse / "sti.duckdb"
    if not (build_db.exists() and serving_db.exists()) or (warehouse / JOURNAL).exists():
        return False
    try:
        # Entries of the drop that are not batches are recorded and reported by the run's lifecycle, and a
        # rejecting one rejects the refresh in the raw step: neither needs the landing steps.
        inventory = scan_drop(drop)
        con = duckdb.connect(str(build_db), read_only=True)
        try:
            settled = ledger.settled_shas(con)
            if ledger.needs_rebuild(con, project_fingerprint()):
                return False
        finally:
            con.close()
        return all(sha256_of(path) in settled for files in inventory.batches.values() for path in files)
    except (OSError, duckdb.Error):
        return False


def refresh_selection(drop: Path, warehouse: Path) -> list[AssetKey] | None:
    """The asset keys a refresh of `drop` into `warehouse` must run; None for the whole job."""
    if not nothing_new(drop, warehouse):
        return None
    # Every source's files were checked here, not in the landing steps: the display says so as they would.
    report(ProgressEvent("sources", advance=len(SOURCES), total=len(SOURCES), detail="every file already loaded"))
    return RAW_ONLY
