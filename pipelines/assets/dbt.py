"""The dbt project as Dagster assets: `dbt build` (seeds, models, tests, unit tests) on build.duckdb."""


import os
from collections.abc import Iterator
from typing import Any, Mapping

from dagster import AssetExecutionContext, AssetKey
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from pipelines.project import ensure_manifest
from pipelines.resources import WarehouseResource


class StiDbtTranslator(DagsterDbtTranslator):
    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        # staging / intermediate / marts, from the folder the model lives in.
        fqn = dbt_resource_props.get("fqn", [])
        if dbt_resource_props.get("resource_type") == "model" and len(fqn) > 2:
            return fqn[1]
        return "reference" if dbt_resource_props.get("resource_type") == "seed" else None

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props.get("resource_type") == "source":
            # raw.<source> is produced by the ingest multi-asset under the same key.
            return AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)


@dbt_assets(manifest=ensure_manifest(), dagster_dbt_translator=StiDbtTranslator())
def sti_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource) -> Iterator:
    # dbt runs as a subprocess and reads the build database path from the environment.
    os.environ["STI_BUILD_DB"] = str(warehouse.build_db)
    yield from dbt.cli(["build"], context=context).stream()
