"""Whether a dbt build may keep the enterprise rules up to date by enterprise, or rebuilds them whole.

int_contributions__enterprises, __hightech_coverage and __above_scale are dbt incremental models
(dbt_project/macros/entity_delta.sql): built incrementally, they delete and insert again the rows
of the enterprises whose list rows the refresh changes. That equals a whole rebuild only when the
tables hold exactly the published batches as this project builds them and the refresh's new batches
are certificate, tech-SME or growth-firm lists alone: the rows of the other sources the rules read
(the roster and its years, patents, platforms, regions, the year spine) then stay what they were. Any other build
passes dbt `--full-refresh`, which rebuilds them whole (and changes nothing else: the seeds are
`full_refresh: true` already, every other model a table or a view).
"""

from __future__ import annotations

import duckdb

from pipelines.contract.sources import SOURCES
from pipelines.publish import ledger

# The sources whose new batches change the incremental rules' rows of the enterprises they name only.
DELTA_SOURCES = frozenset({"hightech_certificates", "tech_sme_registry", "growth_firm_lists"})


def full_refresh_needed(con: duckdb.DuckDBPyConnection, refresh_id: str, fingerprint: str) -> bool:
    """True unless the last publication was built by this project with no batch retracted since, every
    source's models are current (ledger.current_sources) and this refresh's new batches are of
    DELTA_SOURCES only. Asked before the build starts (ledger.start_build forgets what it rebuilds)."""
    if ledger.needs_rebuild(con, fingerprint):
        return True
    if not ledger.current_sources(con, fingerprint) >= set(SOURCES):
        return True
    pending = ledger.pending_sources(con, refresh_id)
    return not pending or not pending <= DELTA_SOURCES
