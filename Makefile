# Two commands on a fresh clone: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint lint-sql lint-py ui docs bench clean bi-client

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# A DuckDB 1.x client with duckdb-engine and SQLAlchemy 2.0 — what Superset and other BI tools
# run — in its own venv, to open sti.duckdb as they do (README "For BI tools").
BI_VENV := .venv-bi
bi-client: $(BI_VENV)/.installed

$(BI_VENV)/.installed: requirements-bi.lock
	test -x $(BI_VENV)/bin/python || $(PYTHON) -m venv $(BI_VENV)
	$(BI_VENV)/bin/python -m pip install --quiet -r requirements-bi.lock
	touch $@

run: setup
	$(BIN)/sti refresh --sources sources/sample --warehouse warehouse

# Lint first (about 15 s): a red lint fails the build as a red test does.
test: setup lint
	$(BIN)/python -m pytest -q

# Static checks: ruff for the Python, sqlfluff for the dbt SQL (config: pyproject.toml
# [tool.ruff], dbt_project/.sqlfluff). Both run (-k) even when the first fails. Run by `make test`.
lint: setup
	@$(MAKE) --no-print-directory -k lint-py lint-sql

lint-py: setup
	$(BIN)/ruff check pipelines tests benchmarks

# From dbt_project/ so that .sqlfluff and .sqlfluffignore (and macros/) are found.
lint-sql: setup
	cd dbt_project && ../$(BIN)/sqlfluff lint .

ui: setup
	DAGSTER_HOME=$$($(BIN)/python -m pipelines.publish.dagster_home) ; \
	PATH=$(CURDIR)/$(BIN):$$PATH DAGSTER_HOME=$$DAGSTER_HOME $(BIN)/dagster dev -w workspace.yaml

# dbt docs (models, columns, tests, lineage graph, and the catalog: column types and row counts) of the
# marts as built in $(WAREHOUSE)/build.duckdb, the build database of the last refresh (`make run` first).
# One self-contained page: dbt_project/target/docs/static_index.html (open it in a browser; no server).
WAREHOUSE ?= warehouse
docs: setup
	@test -f $(WAREHOUSE)/build.duckdb || { echo "no $(WAREHOUSE)/build.duckdb: run make run (or sti refresh) first"; exit 1; }
	cd dbt_project && ../$(BIN)/dbt docs generate --static --target-path target/docs \
	  --vars '{"build_db": "$(abspath $(WAREHOUSE))/build.duckdb"}'
	@echo "dbt docs: dbt_project/target/docs/static_index.html"

bench: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf warehouse .dagster_home dbt_project/target dbt_project/logs

# dbt on Apache Spark (issue 13, docs/scale-out.md): dbt-core (the pin of requirements.lock), dbt-spark's
# session method and pyspark < 4.2 in their own venv, and a Java runtime from Debian when there is no
# `java` (tests/system_packages.py, as the tests install chromium and postgresql). The venv keeps
# itself out of git (its own .gitignore). Used by tests/test_spark_portability.py (`make test`).
SPARK_VENV := .venv-spark
.PHONY: spark-setup
spark-setup: $(SPARK_VENV)/.installed

$(SPARK_VENV)/.installed: requirements-spark.lock
	@command -v java >/dev/null 2>&1 || $(PYTHON) -c "from tests.system_packages import ensure_debian_packages as e; e('default-jre-headless')"
	test -x $(SPARK_VENV)/bin/python || $(PYTHON) -m venv $(SPARK_VENV)
	printf '*\n' > $(SPARK_VENV)/.gitignore
	$(SPARK_VENV)/bin/python -m pip install --quiet -r requirements-spark.lock
	touch $@

# The full `dbt build --target spark` of the sample against DuckDB's build (issue 13, docs/scale-out.md):
# the sample refreshed into a scratch warehouse (DuckDB), its raw, audit and reference tables exported
# as Parquet, `dbt build` on Spark local[2] from them in one process (pipelines/spark/full_build.py),
# then every mart table of the two builds compared row for row, doubles to 1e-9 relative
# (pipelines/spark/compare.py prints `N of N mart tables equal`). Fails unless all are equal; the
# scratch folder is removed only then. Not part of `make test` (it runs the fast Spark check).
# Then the refresh job itself with STI_ENGINE=spark (tests/test_spark_job.py, issue 13 item 4): the sample
# refreshed by the Dagster job on Spark and by the DuckDB job, every table of the two sti.duckdb equal.
.PHONY: test-spark
test-spark: setup spark-setup
	@set -e; dir=$$(mktemp -d "$${TMPDIR:-/tmp}/sti-test-spark.XXXXXX"); \
	echo "test-spark: refreshing the sample into $$dir/warehouse (log: $$dir/refresh.log)"; \
	$(BIN)/sti refresh --sources sources/sample --warehouse $$dir/warehouse >$$dir/refresh.log 2>&1 \
	  || { tail -n 30 $$dir/refresh.log; exit 1; }; \
	$(BIN)/python -c "import sys; from pathlib import Path; from pipelines.spark.export import export_parquet as e; \
	  e(Path(sys.argv[1]) / 'warehouse' / 'build.duckdb', Path(sys.argv[1]) / 'parquet')" "$$dir"; \
	$(SPARK_VENV)/bin/python -m pipelines.spark.full_build --parquet $$dir/parquet --work $$dir/spark; \
	$(BIN)/python -m pipelines.spark.compare --spark-warehouse $$dir/spark/warehouse \
	  --build-db $$dir/warehouse/build.duckdb --schema marts; \
	rm -rf "$$dir"
	STI_TEST_SPARK=1 $(BIN)/python -m pytest -q -s -p no:cacheprovider tests/test_spark_job.py
