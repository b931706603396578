"""DDL of the persistent schemas of build.duckdb: `raw` (published batches) and `audit` (ledger).

dbt reads both as sources; the refresh writes them (`raw` in raw_assets.py, `audit` through
ledger.py). Column names of raw tables are the English aliases of DESIGN §2 (see
`pipelines.contract.sources`), values already converted.
"""

from __future__ import annotations

from pipelines.contract.sources import SOURCES, SQL_TYPE

# Lineage columns every raw row carries, NOT NULL (the raw writer always sets them; the database
# enforces it, so no dbt test restates it). `_load_id` grows with publication order, so
# "later batch wins" is "larger _load_id wins".
LINEAGE_COLUMNS: list[tuple[str, str]] = [
    ("_extra", "VARCHAR"),  # JSON object of columns the contract does not know
    ("_load_id", "BIGINT NOT NULL"),
    ("_source_file", "VARCHAR NOT NULL"),  # path relative to the drop root, e.g. patents/2023.csv
    ("_row_number", "INTEGER NOT NULL"),  # row number as it appears in the file (1-based)
]


def typed_columns(source: str) -> list[tuple[str, str]]:
    return [(c.name, SQL_TYPE[c.kind]) for c in SOURCES[source].columns]


def raw_table_ddl(source: str, schema: str = "raw", table: str | None = None) -> str:
    cols = typed_columns(source) + LINEAGE_COLUMNS
    body = ",\n  ".join(f'"{name}" {typ}' for name, typ in cols)
    return f'CREATE TABLE IF NOT EXISTS {schema}."{table or source}" (\n  {body}\n)'


LEDGER_DDL = """
CREATE TABLE IF NOT EXISTS audit.load_ledger (
  load_id      BIGINT,      -- publication order; NULL for rejected batches
  source       VARCHAR NOT NULL,
  file         VARCHAR NOT NULL,   -- path relative to the drop root
  sha256       VARCHAR NOT NULL,
  row_count    BIGINT,
  status       VARCHAR NOT NULL,   -- a ledger.BatchStatus
  refresh_id   VARCHAR NOT NULL,   -- the Dagster run id of the refresh that saw it
  loaded_at    TIMESTAMP NOT NULL,
  published_at TIMESTAMP,
  header_map   VARCHAR,            -- JSON: raw column -> header as written, with unit
  report       VARCHAR             -- JSON list of findings (rejected batches, warnings)
)
"""

# Columns added after the first release: warehouses built before them get them on open.
LEDGER_MIGRATIONS = [
    "ALTER TABLE audit.load_ledger ADD COLUMN IF NOT EXISTS retracted_at TIMESTAMP",
    "ALTER TABLE audit.load_ledger ADD COLUMN IF NOT EXISTS retract_reason VARCHAR",
    "ALTER TABLE audit.refresh_log ADD COLUMN IF NOT EXISTS recovery VARCHAR",
    # True when the refresh's dbt build kept the enterprise rules up to date by enterprise (entity_delta.py)
    "ALTER TABLE audit.refresh_log ADD COLUMN IF NOT EXISTS rules_by_enterprise BOOLEAN",
]

DROP_FINDINGS_DDL = """
CREATE TABLE IF NOT EXISTS audit.drop_findings (
  refresh_id VARCHAR NOT NULL,
  path       VARCHAR NOT NULL,   -- the entry of the drop, relative to its root
  rule       VARCHAR NOT NULL,
  severity   VARCHAR NOT NULL,   -- ERROR rejects the refresh, WARN is reported
  message    VARCHAR NOT NULL,
  fix        VARCHAR NOT NULL
)
"""

# The indicator values of the publication now served, so that the next one can count what it
# adds, changes and removes without opening sti.duckdb (a BI client may hold it).
PUBLISHED_VALUES_DDL = """
CREATE TABLE IF NOT EXISTS audit.published_indicator_value (
  indicator_code VARCHAR NOT NULL,
  region_code    VARCHAR NOT NULL,
  year           INTEGER NOT NULL,
  value          DOUBLE
)
"""

# Publication history (DESIGN §4). A publication is one swap of sti.duckdb. Its row is written
# as `candidate` before the dbt build (so the marts it serves can name it) and becomes
# `published` in the ledger transaction of the publish; a publish that fails or is undone
# deletes it. The counts are copied from the candidate's row of marts.dim_publication.
PUBLICATION_DDL = """
CREATE TABLE IF NOT EXISTS audit.publication (
  publication_id INTEGER NOT NULL,   -- 1, 2, ... in publish order
  refresh_id     VARCHAR NOT NULL,   -- the refresh that published it
  published_at   TIMESTAMP NOT NULL, -- the stamp its batches carry (load_ledger.published_at)
  status         VARCHAR NOT NULL,   -- candidate | published
  batches        INTEGER,
  indicator_values_added   INTEGER,
  indicator_values_changed INTEGER,
  indicator_values_removed INTEGER
)
"""

# Every indicator value ever served, with the publications between which it was served (type-2
# history: valid_to_publication NULL = served now). Rows of a committed publication never change
# except that an open row is closed by the publication that changed or removed its value.
VALUE_HISTORY_DDL = """
CREATE TABLE IF NOT EXISTS audit.indicator_value_history (
  indicator_code VARCHAR NOT NULL,
  region_code    VARCHAR NOT NULL,
  year           INTEGER NOT NULL,
  value          DOUBLE NOT NULL,
  obs_status     VARCHAR NOT NULL,
  valid_from_publication INTEGER NOT NULL,
  valid_to_publication   INTEGER
)
"""

# The same for the status of every target row of fct_target_progress (read by the alert on a
# target whose status worsened since the previous publication).
TARGET_STATUS_HISTORY_DDL = """
CREATE TABLE IF NOT EXISTS audit.target_status_history (
  plan_name      VARCHAR,
  region_code    VARCHAR,
  indicator_code VARCHAR,
  kind           VARCHAR,
  target_year    INTEGER,
  period_year    INTEGER,
  status         VARCHAR NOT NULL,
  valid_from_publication INTEGER NOT NULL,
  valid_to_publication   INTEGER
)
"""

REFRESH_DDL = """
CREATE TABLE IF NOT EXISTS audit.refresh_log (
  refresh_id   VARCHAR NOT NULL,
  started_at   TIMESTAMP NOT NULL,
  finished_at  TIMESTAMP,
  status       VARCHAR NOT NULL,   -- running | published | rejected | failed | unchanged
  sources_dir  VARCHAR,
  batches_loaded   INTEGER,
  batches_rejected INTEGER,
  project_fingerprint VARCHAR,     -- hash of the dbt project + catalogue that built the marts
  recovery     VARCHAR             -- JSON list: what this refresh finished or undid of an earlier one
)
"""


# Every mirror of the served marts into PostgreSQL (the optional publish target; README "For BI
# tools"): which publication went where, and what failed. A mirror follows a publish and never
# undoes it; written by ledger.record_mirror.
POSTGRES_MIRROR_DDL = """
CREATE TABLE IF NOT EXISTS audit.postgres_mirror (
  refresh_id     VARCHAR,            -- the refresh whose publish it followed; NULL for `sti publish`
  publication_id INTEGER,            -- the publication sti.duckdb held (marts.dim_publication)
  target         VARCHAR NOT NULL,   -- the PostgreSQL URL without its password
  schema_name    VARCHAR NOT NULL,
  started_at     TIMESTAMP NOT NULL,
  finished_at    TIMESTAMP NOT NULL,
  status         VARCHAR NOT NULL,   -- mirrored | failed
  tables         INTEGER,
  row_count      BIGINT,
  error          VARCHAR             -- failed: what happened and the fix
)
"""


# Which refresh last rebuilt every dbt model downstream of a raw source (ledger.start_build). A
# source's models are current while that refresh is published under the project fingerprint of
# today; a refresh then rebuilds only what its new batches change (pipelines/publish/refresh_scope.py).
SOURCE_BUILDS_DDL = """
CREATE TABLE IF NOT EXISTS audit.source_builds (
  source     VARCHAR NOT NULL,
  refresh_id VARCHAR NOT NULL,
  started_at TIMESTAMP NOT NULL
)
"""


def raw_column_migrations() -> list[str]:
    """Optional contract columns added after a warehouse was built (plan_targets.target_multiple):
    its raw tables get them on open, NULL for the rows published before, or the value the
    contract implies for an empty cell (growth_firm_lists.level), as a load would have read it."""
    stmts = []
    for name, source in SOURCES.items():
        for col in source.columns:
            if col.required:  # a new contract column is optional, or old drops would not load
                continue
            stmts.append(f'ALTER TABLE raw."{name}" ADD COLUMN IF NOT EXISTS "{col.name}" {SQL_TYPE[col.kind]}')
            if col.implied is not None:
                stmts.append(
                    f'UPDATE raw."{name}" SET "{col.name}" = {col.implied.sql(chr(34) + col.implied.by + chr(34))} '
                    f'WHERE "{col.name}" IS NULL'
                )
    return stmts


def all_ddl() -> list[str]:
    stmts = ["CREATE SCHEMA IF NOT EXISTS raw", "CREATE SCHEMA IF NOT EXISTS audit"]
    stmts += [raw_table_ddl(name) for name in SOURCES]
    stmts += raw_column_migrations()
    stmts += [LEDGER_DDL, REFRESH_DDL, *LEDGER_MIGRATIONS, DROP_FINDINGS_DDL, PUBLISHED_VALUES_DDL]
    stmts += [PUBLICATION_DDL, VALUE_HISTORY_DDL, TARGET_STATUS_HISTORY_DDL, POSTGRES_MIRROR_DDL, SOURCE_BUILDS_DDL]
    return stmts
