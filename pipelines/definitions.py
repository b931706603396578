"""The one Definitions object of the `sti` code location (`dagster dev -w workspace.yaml`).

Configuration is resource config, nothing is read from the environment here: the warehouse resource
defaults to the embedded sample drop and `warehouse/` (relative to the working directory, the repo
root under `make ui`); a run points elsewhere with run config, as `sti refresh --sources --warehouse`
does (pipelines/publish/run_refresh.py) and the launchpad can:

    resources:
      warehouse:
        config: {sources_dir: /data/drop, warehouse_dir: /data/warehouse}

The exceptions: the optional PostgreSQL mirror's resource is bound to STI_POSTGRES_URL when that is
set (pipelines/publish/postgres_resource.py); unset, there is no mirror. And STI_ENGINE chooses, when
the code location loads, what builds the marts: `duckdb` (unset: dagster-dbt on build.duckdb) or `spark`
(dbt on Spark from the lake's Parquet, pipelines/spark/assets.py); the other assets are the same.
"""

from __future__ import annotations

from dagster import Definitions

from pipelines.failure_webhook import AlertWebhook, refresh_failure_webhook, refresh_rejection_webhook
from pipelines.jobs import nightly_refresh, refresh_job
from pipelines.project import DBT_EXECUTABLE, sti_dbt_project
from pipelines.publish.dbt_resource import StiDbtCliResource
from pipelines.publish.postgres_asset import postgres_mirror
from pipelines.publish.postgres_resource import postgres_from_env
from pipelines.publish.raw_assets import raw_tables
from pipelines.publish.serving_asset import serving_database
from pipelines.publish.source_freshness import build_source_freshness_checks, build_source_freshness_sensor
from pipelines.publish.warehouse_resource import WarehouseResource
from pipelines.sensors import new_files_in_drop
from pipelines.spark.assets import transform_step
from pipelines.spark.resources import engine_from_env
from pipelines.write.landing_assets import landing_assets

source_freshness_checks = build_source_freshness_checks()
transform_assets, engine_resources = transform_step(engine_from_env())

defs = Definitions(
    assets=[*landing_assets, raw_tables, *transform_assets, serving_database, postgres_mirror],
    asset_checks=source_freshness_checks,
    jobs=[refresh_job],
    schedules=[nightly_refresh],
    sensors=[
        new_files_in_drop,
        build_source_freshness_sensor(source_freshness_checks),
        refresh_failure_webhook,
        refresh_rejection_webhook,
    ],
    resources={
        "warehouse": WarehouseResource(sources_dir="sources/sample", warehouse_dir="warehouse"),
        "dbt": StiDbtCliResource(project_dir=sti_dbt_project, dbt_executable=DBT_EXECUTABLE),
        "alert_webhook": AlertWebhook(),
        "postgres": postgres_from_env(),
        **engine_resources,
    },
)
