"""The one Definitions object of the `sti` code location (`dagster dev -w workspace.yaml`)."""

from __future__ import annotations

import os

from dagster import Definitions
from dagster_dbt import DbtCliResource

from pipelines.assets.checks import contract_checks
from pipelines.assets.dbt import sti_dbt_models
from pipelines.assets.ingest import landing_assets, raw_tables
from pipelines.assets.serving import serving_database
from pipelines.jobs import nightly_refresh, refresh_job
from pipelines.project import DBT_EXECUTABLE, sti_dbt_project
from pipelines.resources import WarehouseResource
from pipelines.sensors import new_files_in_drop

sti_dbt_project.prepare_if_dev()

defs = Definitions(
    assets=[*landing_assets, raw_tables, sti_dbt_models, serving_database],
    asset_checks=contract_checks,
    jobs=[refresh_job],
    schedules=[nightly_refresh],
    sensors=[new_files_in_drop],
    resources={
        "warehouse": WarehouseResource(
            sources_dir=os.environ.get("STI_SOURCES", "sources/sample"),
            warehouse_dir=os.environ.get("STI_WAREHOUSE", "warehouse"),
        ),
        "dbt": DbtCliResource(project_dir=sti_dbt_project, dbt_executable=DBT_EXECUTABLE),
    },
)
