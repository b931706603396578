"""The marts built by dbt on Spark, as Dagster assets: the transform step of the refresh when the code
location runs with STI_ENGINE=spark (pipelines/definitions.py; docs/scale-out.md, issue 13).

The same asset keys as dagster-dbt's DuckDB assets (`pipelines/publish/dbt_assets.py`), so the landing and
raw steps before it and the publish after it (`serving_asset.py`: the one atomic publish, unchanged) are
the same assets in both configurations. One step, in this order:

1. the seeds loaded into build.duckdb by `dbt seed` (DuckDB target): the Spark build takes `reference`
   from there, as `make test-spark` does (dbt-spark's seed loader mangles quotes and NULLs);
2. the lake: build.duckdb's `raw`, `audit` and `reference` tables as Parquet (`export.py`) under
   `<warehouse>/lake/input/`;
3. the Spark venv's `python -m pipelines.spark.full_build` (one local Spark session): the GX suites on
   this refresh's batches (`lake_validation.py`, unless `validate_on_spark` is off), then
   `dbt build --target spark`, then the marts written to `<warehouse>/lake/marts/<name>/` (Parquet);
4. a Spark finding of severity ERROR the landing audit did not make fails the step (the engines
   disagree: nothing is published, the lifecycle rolls the batches back);
5. the lake's marts loaded into build.duckdb's `marts` schema (`lake.load_marts`), which the publish
   copies into sti.duckdb and the ledger's history reads.

dbt's data tests run in the Spark build (any failure fails the step); they are not Dagster asset checks
here, as they are on DuckDB (dagster-dbt reads them from its own invocation).
"""

import re
import shutil
from collections.abc import Iterator
from typing import Any

from dagster import AssetExecutionContext, AssetKey, AssetSpec, Failure, MaterializeResult, multi_asset
from dagster_dbt import DbtCliResource

from pipelines.project import sti_dbt_project
from pipelines.publish import ledger
from pipelines.publish.dbt_assets import dbt_vars, sti_dbt_models
from pipelines.publish.warehouse_resource import WarehouseResource
from pipelines.spark import lake
from pipelines.spark.export import export_parquet
from pipelines.spark.resources import Engine, SparkResource


def _in_dependency_order(specs: list[AssetSpec]) -> list[AssetSpec]:
    """Parents first: Dagster wants a multi-asset's outputs yielded in topological order."""
    by_key = {spec.key: spec for spec in specs}
    done: dict[AssetKey, AssetSpec] = {}

    def visit(spec: AssetSpec) -> None:
        if spec.key not in done:
            for dep in sorted(dep.asset_key for dep in spec.deps if dep.asset_key in by_key):
                visit(by_key[dep])
            done[spec.key] = spec

    for spec in sorted(specs, key=lambda s: s.key):
        visit(spec)
    return list(done.values())


# dagster-dbt's specs without their metadata (the whole manifest rides on each); the keys, lineage, groups
# and descriptions are the DuckDB assets', so the asset graph reads the same in the UI.
SPARK_DBT_SPECS = _in_dependency_order(
    [
        AssetSpec(spec.key, deps=spec.deps, description=spec.description, group_name=spec.group_name,
                  skippable=True, kinds={"dbt", "spark"})  # fmt: skip
        for spec in sti_dbt_models.specs
    ]
)


# Subsettable, as dagster-dbt's assets are, so that a run selecting some models plans; but the build is
# always the whole project: the Spark session starts with an empty metastore, so a model's parents must be
# built in the same run. Only the selected keys are reported materialized.
@multi_asset(specs=SPARK_DBT_SPECS, name="spark_dbt_build", can_subset=True)
def spark_dbt_models(
    context: AssetExecutionContext, warehouse: WarehouseResource, dbt: DbtCliResource, spark: SparkResource
) -> Iterator[MaterializeResult]:
    root = spark.lake(warehouse.root)
    inputs, work, marts = root / "input", root / "spark", root / "marts"
    for folder in (inputs, work, marts):  # each refresh builds its lake afresh (a fresh metastore too)
        shutil.rmtree(folder, ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)

    with warehouse.connect() as con:
        # The refresh's pending sources are no longer current in build.duckdb (ledger.start_build), and no
        # source becomes current: Spark rebuilds every model, but only the marts come back to build.duckdb,
        # so a DuckDB refresh after a switch of engine must not build on intermediate tables Spark left old.
        ledger.start_build(con, context.run.run_id, covered=[])
    warehouse.progress("dbt", advance=0, detail="dbt seed (DuckDB): the reference tables for Spark")
    seed = dbt.cli(["seed", "--vars", dbt_vars(warehouse), "--log-path", str(warehouse.folder("logs"))],
                   manifest=sti_dbt_project.manifest_path, raise_on_error=False).wait()  # fmt: skip
    shutil.rmtree(seed.target_path, ignore_errors=True)
    if not seed.is_successful():
        raise Failure(description="dbt seed failed on build.duckdb (see the dbt log); nothing was published")

    tables = export_parquet(warehouse.build_db, inputs)
    args = ["--parquet", str(inputs), "--work", str(work), "--marts-out", str(marts)]
    if spark.validate_on_spark:
        with warehouse.connect() as con:
            batches = lake.validation_plan(con, context.run.run_id, root / "plan.json")
        args += ["--validate", str(root / "plan.json"), "--findings", str(root / "findings.json")]
        context.log.info(f"GX on Spark: {batches} batch(es) of this refresh to validate")
    warehouse.progress("dbt", advance=0, detail=f"{len(tables)} tables exported to the lake; Spark build running")

    log_file = warehouse.folder("logs") / "spark-build.log"
    code = spark.run_build(args, log_file, on_line=lambda line: _relay(context, warehouse, line))
    if code != 0:
        tail = "\n".join(log_file.read_text(encoding="utf-8", errors="replace").splitlines()[-15:])
        raise Failure(description=f"dbt build --target spark failed (exit {code}; log {log_file}); nothing was "
                                  f"published:\n{tail}")  # fmt: skip

    metadata: dict[str, Any] = {"engine": "spark", "spark_build_log": str(log_file)}
    with warehouse.connect() as con:
        if spark.validate_on_spark:
            found, disagree = lake.disagreements(con, root / "findings.json")
            metadata.update(spark_validated_batches=batches, spark_findings=found)
            if disagree:
                raise Failure(description="GX on Spark found what the landing audit did not; nothing was "
                                          "published:\n  " + "\n  ".join(disagree[:20]))  # fmt: skip
        loaded = lake.load_marts(con, marts)
    warehouse.progress("dbt", advance=0, detail=f"Spark build done; {len(loaded)} marts loaded from the lake")
    for spec in SPARK_DBT_SPECS:
        if spec.key not in context.selected_asset_keys:
            continue
        is_mart = spec.group_name == "marts"
        yield MaterializeResult(asset_key=spec.key, metadata=metadata if is_mart else {"engine": "spark"})


_SUMMARY_LINES = ("Spark ", "GX on Spark", "dbt build --target spark", "error:", "fail:")


# dbt's line for a node done on Spark ("226 of 235 PASS ..."): the progress `sti refresh` shows, as on DuckDB
_NODE_DONE = re.compile(r"\b(\d+) of (\d+) (OK|PASS|FAIL|ERROR|SKIP|WARN|NO-OP)\b")


def _relay(context: AssetExecutionContext, warehouse: WarehouseResource, line: str) -> None:
    """The Spark build's progress, and its own summary lines into the run's log (the full output is in
    spark-build.log)."""
    if line.startswith("  GX on Spark"):  # a batch validated
        warehouse.progress("dbt", advance=0, detail=line.strip()[:120])
    elif done := _NODE_DONE.search(line):
        warehouse.progress("dbt", total=int(done[2]), detail=line[done.start() :][:120])
    elif line.startswith(_SUMMARY_LINES) or "marts written" in line:
        context.log.info(line)
        warehouse.progress("dbt", advance=0, detail=line[:120])


def transform_step(engine: Engine) -> tuple[list[Any], dict[str, Any]]:
    """The assets that build the marts, and the resources they need beyond the code location's own."""
    if engine == "spark":
        return [spark_dbt_models], {"spark": SparkResource()}
    return [sti_dbt_models], {}
