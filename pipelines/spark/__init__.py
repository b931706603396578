"""The dbt project on Apache Spark (issue 13, docs/scale-out.md).

export: the raw batches (and the audit and reference tables the models read) of a DuckDB build
  database as Parquet, one file per table, the layout a lake holds; runs in the main venv.
portability_check: compiles the project for dbt-spark and runs every model and data test in one
  local Spark session on those files; runs in the Spark venv (`make spark-setup`), which has
  pyspark and dbt-spark but none of the warehouse's own dependencies, so it imports nothing else
  from this package.
"""
