"""Checks of a batch against other batches (DESIGN §3 "checks across batches"): what the suite,
which sees one file, cannot know by itself.

- the regions a batch may name: every code and name of a published `regions` batch plus those
  of the `regions` batches landing in the same refresh (they are audited first), so a new
  district can be added and used in one drop and a renamed region keeps its old name;
- the row count against the previous published batch of the source with the same columns:
  a warning, never a rejection (supplementary lists of a few rows are normal).

Duplicate keys against published batches are not a failure: a later batch supersedes an
earlier one's rows with the same key (DESIGN §2); only duplicates inside one file are (the suite).
"""

from __future__ import annotations

import duckdb

from pipelines.audit.findings import Finding
from pipelines.contract.sources import REGIONS
from pipelines.publish import ledger
from pipelines.write.landing import landing_table

# Row-count drift against the previous batch of the same source (WARN only).
ROW_COUNT_LOW_RATIO = 0.1
ROW_COUNT_HIGH_RATIO = 10.0


def known_regions(con: duckdb.DuckDBPyConnection, refresh_id: str) -> set[str]:
    """Codes and names of published regions plus those landing in this refresh."""
    known: set[str] = set()
    for code, name in con.execute("SELECT region_code, region_name FROM raw.regions").fetchall():
        known.update(v for v in (code, name) if v)
    for (sha,) in con.execute(
        "SELECT sha256 FROM audit.load_ledger WHERE refresh_id = ? AND source = ? AND status = 'landed'",
        [refresh_id, REGIONS],
    ).fetchall():
        for code, name in con.execute(f"SELECT region_code, region_name FROM {landing_table(sha)}").fetchall():
            known.update(v for v in (code, name) if v)
    return known


def row_count_findings(
    con: duckdb.DuckDBPyConnection, source: str, *, file: str, row_count: int, columns: set[str]
) -> list[Finding]:
    """`compare_with_previous` against the latest published batch of the source with these columns."""
    previous = ledger.previous_row_count(con, source, columns)
    return compare_with_previous(source, file=file, row_count=row_count, previous_row_count=previous)


def compare_with_previous(
    source: str,
    *,
    file: str,
    row_count: int,
    previous_row_count: int | None,
) -> list[Finding]:
    """WARN when a batch is empty, or much smaller or larger than the previous batch of its source.

    No previous batch (or an empty one) means nothing to compare with.
    """
    if row_count == 0:
        return [
            Finding(
                source=source,
                file=file,
                rule="empty_batch",
                message="the file has a header but no data rows",
                fix="Check that the export is complete; remove the file if it was dropped by mistake.",
                severity="WARN",
                failing_count=0,
            )
        ]
    if not previous_row_count:
        return []
    ratio = row_count / previous_row_count
    if ratio < ROW_COUNT_LOW_RATIO:
        return [
            Finding(
                source=source,
                file=file,
                rule="row_count_drop",
                message=(
                    f"{row_count} rows, less than {ROW_COUNT_LOW_RATIO:.0%} of the previous batch of "
                    f"{source} ({previous_row_count} rows)"
                ),
                fix="Fine for a supplementary list; otherwise check that the export is complete "
                "(filters, truncated file, wrong sheet).",
                severity="WARN",
            )
        ]
    if ratio > ROW_COUNT_HIGH_RATIO:
        return [
            Finding(
                source=source,
                file=file,
                rule="row_count_jump",
                message=(
                    f"{row_count} rows, more than {ROW_COUNT_HIGH_RATIO:g}x the previous batch of "
                    f"{source} ({previous_row_count} rows)"
                ),
                fix="Check that the file holds one list (not several years or sources concatenated, "
                "no duplicated export).",
                severity="WARN",
            )
        ]
    return []


__all__ = ["compare_with_previous", "known_regions", "row_count_findings"]
