"""Publish (DESIGN §3, step 3) and the state it moves: raw append, dbt build, the served file.

schema.py and ledger.py are the `raw` and `audit` schemas of build.duckdb; lock.py lets one writer
in; raw_assets.py, dbt_assets.py and serving_asset.py are the Dagster assets of the step;
publication.py swaps sti.duckdb (written by serving_file.py) and the ledger together;
warehouse_resource.py is every run's lifecycle (lock, recovery, run record, roll-back);
run_refresh.py runs the job in-process for `sti refresh`, dbt_child.py is `sti-dbt`, which
dbt_resource.py (the `dbt` resource) starts.
"""
