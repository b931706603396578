"""Freshness checks per source: `raw/<source>` is overdue when the source has had no new batch for longer
than its contract allows (`Source.max_days_without_batch`, pipelines/contract/sources.py).

Dagster's last-update freshness checks, one per source (the thresholds differ). The time they judge is
the raw materialization's `dagster/last_updated_timestamp` — when the source's latest batch was
published (`raw_assets.latest_batch_times`) — not the materialization's own time: raw/<source> is
materialized at every publication, also when only another source brought a new batch. Dagster's newer
`FreshnessPolicy` judges by the materialization time only, hence the checks. They are evaluated after
each publication (the refresh job includes them) and, between refreshes, by the sensor
`source_freshness_sensor` (off until switched on, like the others). An overdue source is a warning.
"""

from __future__ import annotations

import datetime as dt
import warnings

from dagster import (
    AssetChecksDefinition,
    AssetCheckSeverity,
    DefaultSensorStatus,
    SensorDefinition,
    SupersessionWarning,
    build_last_update_freshness_checks,
    build_sensor_for_freshness_checks,
)

from pipelines.contract.sources import SOURCES
from pipelines.publish.raw_assets import raw_key


def build_source_freshness_checks() -> list[AssetChecksDefinition]:
    """One `freshness_check` per raw/<source>; sources with the same threshold share a step."""
    by_days: dict[int, list[str]] = {}
    for source, spec in SOURCES.items():
        by_days.setdefault(spec.max_days_without_batch, []).append(source)
    checks: list[AssetChecksDefinition] = []
    with warnings.catch_warnings():
        # "superseded by FreshnessPolicy": which cannot judge by the data's time (module docstring)
        warnings.simplefilter("ignore", SupersessionWarning)
        for days, sources in sorted(by_days.items()):
            checks += build_last_update_freshness_checks(
                assets=[raw_key(source) for source in sources],
                lower_bound_delta=dt.timedelta(days=days),
                severity=AssetCheckSeverity.WARN,
            )
    return checks


def build_source_freshness_sensor(checks: list[AssetChecksDefinition]) -> SensorDefinition:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SupersessionWarning)  # as above: the checks it runs need it
        return build_sensor_for_freshness_checks(
            freshness_checks=checks,
            name="source_freshness_sensor",
            minimum_interval_seconds=3600,
            default_status=DefaultSensorStatus.STOPPED,
        )
