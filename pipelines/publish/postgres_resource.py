"""The optional PostgreSQL publish target as a Dagster resource, and the one way a mirror runs and is
recorded in the ledger, whether the refresh's asset or `sti publish` starts it.

Configuration (docs/decisions.md, "Configuration" and "PostgreSQL publish target"): resource config,
empty by default (no mirror). The code location binds `url` to the environment variable
STI_POSTGRES_URL (and `schema_name` to STI_POSTGRES_SCHEMA) only when it is set where the definitions
load: an `EnvVar` is resolved when a run starts, so the URL and any password in it never enter a run's
config, while an `EnvVar` bound unconditionally would fail every run of a deployment without it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import duckdb
from dagster import ConfigurableResource, EnvVar
from pydantic import Field

from pipelines.publish import ledger
from pipelines.publish.postgres_catalog import table_docs
from pipelines.publish.postgres_mirror import (
    DEFAULT_SCHEMA,
    RERUN,
    MirrorError,
    MirrorResult,
    MirrorTarget,
    mirror_marts,
)

ENV_URL, ENV_SCHEMA = "STI_POSTGRES_URL", "STI_POSTGRES_SCHEMA"


class PostgresMirrorResource(ConfigurableResource):
    """Where the served marts are mirrored after every publish; no mirror while `url` is empty."""

    url: str = Field(
        default="",
        description="libpq URL, e.g. postgresql://sti@db.example.org:5432/bi (password in ~/.pgpass); empty: no mirror",
    )
    schema_name: str = Field(default=DEFAULT_SCHEMA, description="PostgreSQL schema that holds the mirror")
    lock_timeout_seconds: float = Field(
        default=10.0, description="how long a table swap waits for readers' locks before the mirror gives up"
    )

    @property
    def enabled(self) -> bool:
        return bool(self.url.strip())

    def target(self) -> MirrorTarget:
        return MirrorTarget(self.url.strip(), self.schema_name.strip() or DEFAULT_SCHEMA, self.lock_timeout_seconds)


def postgres_from_env() -> PostgresMirrorResource:
    """The code location's resource: bound to STI_POSTGRES_URL / STI_POSTGRES_SCHEMA when they are set."""
    bound = {"url": EnvVar(ENV_URL)} if os.environ.get(ENV_URL, "").strip() else {}
    if os.environ.get(ENV_SCHEMA, "").strip():
        bound["schema_name"] = EnvVar(ENV_SCHEMA)
    return PostgresMirrorResource(**bound)


def mirror_and_record(
    serving_db: Path,
    connect: Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]],
    target: MirrorTarget,
    refresh_id: str | None,
) -> MirrorResult:
    """Mirror the served marts into `target` and record the outcome in the ledger (`connect()` opens
    build.duckdb); a failure is recorded, then raised as the MirrorError it is."""
    from pipelines.project import sti_dbt_project  # the dbt manifest documents the marts

    started = ledger.now()
    try:
        try:
            result = mirror_marts(serving_db, target, table_docs(sti_dbt_project.manifest_path))
        except (MirrorError, KeyboardInterrupt):
            raise
        except Exception as exc:  # recorded and reported like any failed mirror, with the trace on request
            raise MirrorError(
                f"unexpected error while mirroring into {target.display}: {type(exc).__name__}: {exc}",
                f"if this does not say what to fix, it is a bug in sti (STI_DEBUG=1 shows the trace); {RERUN}",
            ) from exc
    except MirrorError as exc:
        with connect() as con:
            ledger.record_mirror(
                con,
                ledger.MirrorRecord(
                    refresh_id, exc.publication_id, target.display, target.schema, started, ledger.now(),
                    "failed", None, None, str(exc),
                ),
            )  # fmt: skip
        raise
    with connect() as con:
        ledger.record_mirror(
            con,
            ledger.MirrorRecord(
                refresh_id, result.publication_id, target.display, target.schema, started, ledger.now(),
                "mirrored", len(result.rows), result.total_rows, None,
            ),
        )  # fmt: skip
    return result
