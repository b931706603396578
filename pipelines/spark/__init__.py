"""The dbt project on Apache Spark (issue 13, docs/scale-out.md).

export: the raw batches (and the audit and reference tables the models read) of a DuckDB build
  database as Parquet, one file per table, the layout a lake holds; runs in the main venv.
portability_check: compiles the project for dbt-spark and runs every model and data test in one
  local Spark session on those files; runs in the Spark venv (`make spark-setup`), which has
  pyspark and dbt-spark but none of the warehouse's own dependencies, so it imports nothing else
  from this package.
full_build: `dbt build --target spark` in one session (Spark venv; `make test-spark` and the job below),
  with lake_validation (GX on the refresh's batches, Spark venv) before it when asked.
compare: Spark's tables, or a Spark refresh's sti.duckdb, against DuckDB's, row for row (main venv).
resources, assets, lake: the refresh job on Spark (STI_ENGINE=spark, pipelines/definitions.py): the
  engine setting and the Spark venv's resource, the Dagster step that builds the marts on Spark, and
  its DuckDB side (validation plan, findings judged, the lake's marts loaded for the publish); main venv.
"""
