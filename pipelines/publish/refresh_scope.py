"""Which assets a refresh run needs: the raw step alone, the models that new batches change, or all of them.

A run of the whole job plans every asset and every dbt test before its first step and rebuilds every model,
although a new file of one source changes only the models that read that source. So the run is launched
with:
- the raw step alone when every batch file of the drop is one already published or retracted and the
  served marts were built by this project after the last retraction: its lifecycle (lock, recovery, run
  record, report) is the same, and the raw step records the refresh `unchanged` as a whole run would;
- else every landing and raw step, the dbt models downstream of the sources with new batches, of the
  sources whose models are not current (a failed build left rolled-back rows in them: ledger.start_build
  and current_sources keep that record), and of the `audit` tables, and the publish (pipelines/publish/
  dbt_scope.py reads the graph). The other models keep the tables of the publication that built them;
- the whole job when every source is stale, the project changed, a batch was retracted, or the answer
  cannot be given for sure (a warehouse in use, a file that cannot be read).
The CLI, the schedule and the sensor all ask here, so each leaves the same state.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
from dagster import AssetKey

from pipelines.contract.sources import SOURCES
from pipelines.project import project_fingerprint
from pipelines.publish import dbt_scope, ledger
from pipelines.publish.dbt_assets import sti_dbt_models
from pipelines.publish.postgres_asset import MIRROR_KEY
from pipelines.publish.publication import JOURNAL
from pipelines.publish.raw_assets import raw_key
from pipelines.publish.refresh_progress import ProgressEvent, report
from pipelines.publish.serving_asset import SERVING_KEY
from pipelines.write.drop import scan_drop
from pipelines.write.file_hashes import FileHashes
from pipelines.write.landing_assets import landing_key

RAW_ONLY = [raw_key(source) for source in SOURCES]


@dataclass(frozen=True)
class Scope:
    new_batches: bool  # a batch file of the drop is neither published nor retracted
    stale: frozenset[str]  # sources whose models must be rebuilt: new batches, or not current


def scope_of(drop: Path, warehouse: Path) -> Scope | None:
    """What a refresh of `drop` must rebuild; None when every model must be (or it cannot be told)."""
    build_db, serving_db = warehouse / "build.duckdb", warehouse / "sti.duckdb"
    if not (build_db.exists() and serving_db.exists()) or (warehouse / JOURNAL).exists():
        return None
    try:
        # Entries of the drop that are not batches are recorded and reported by the run's lifecycle, and a
        # rejecting one rejects the refresh in the raw step: neither needs the landing steps.
        inventory = scan_drop(drop)
        fingerprint = project_fingerprint()
        con = duckdb.connect(str(build_db), read_only=True)
        try:
            if ledger.needs_rebuild(con, fingerprint):
                return None
            settled = ledger.settled_shas(con)
            current = ledger.current_sources(con, fingerprint)
        finally:
            con.close()
        hashes = FileHashes(warehouse)
        new = {
            source for source, files in inventory.batches.items() if any(hashes.sha256(p) not in settled for p in files)
        }
        hashes.save()
    except (OSError, duckdb.Error):
        return None
    return Scope(bool(new), frozenset(new | (set(SOURCES) - current)))


def refresh_selection(drop: Path, warehouse: Path) -> list[AssetKey] | None:
    """The asset keys a refresh of `drop` into `warehouse` must run; None for the whole job."""
    scope = scope_of(drop, warehouse)
    if scope is None:
        return None
    if not scope.new_batches:
        # Every source's files were checked here, not in the landing steps: the display says so as they would.
        # Models left stale by a failed build wait for the next build: the served file is the last publish.
        report(ProgressEvent("sources", advance=len(SOURCES), total=len(SOURCES), detail="every file already loaded"))
        return RAW_ONLY
    if scope.stale >= set(SOURCES):
        return None
    # Every landing step (they find what is new) and the raw step run; dbt builds the models of the
    # sources with new batches (and of any whose models a failed build left behind), then the publish.
    return [
        *(landing_key(source) for source in SOURCES),
        *RAW_ONLY,
        *sorted(dbt_scope.models_for(sti_dbt_models, scope.stale), key=lambda k: k.to_user_string()),
        SERVING_KEY,
        MIRROR_KEY,
    ]
