"""The dbt project as Dagster assets: `dbt build` (seeds, models, tests, unit tests) on build.duckdb.

dbt tests are non-blocking asset checks: a failed test fails `dbt build`, which fails this step (with a
sentence naming the test), so the publish never follows a failed test without Dagster's gating; and a
blocking check of a skipped dbt step (an unchanged refresh) made Dagster log "Blocking asset check ...
emitted no result" once per test of a mart the publish reads.
"""

import ctypes
import gc
import json
import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from dagster import AssetCheckSpec, AssetExecutionContext, AssetKey, AssetSpec, Failure
from dagster_dbt import DagsterDbtTranslator, DbtProject, dbt_assets

from pipelines.project import project_fingerprint, sti_dbt_project
from pipelines.publish import dbt_scope, duckdb_config, entity_delta, ledger
from pipelines.publish.dbt_events import events_with_metadata
from pipelines.publish.dbt_failures import describe_dbt_failures
from pipelines.publish.dbt_resource import StiDbtCliResource
from pipelines.publish.warehouse_resource import WarehouseResource


class StiDbtTranslator(DagsterDbtTranslator):
    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        # staging / intermediate / marts, from the folder the model lives in.
        fqn = dbt_resource_props.get("fqn", [])
        if dbt_resource_props.get("resource_type") == "model" and len(fqn) > 2:
            return fqn[1]
        return "reference" if dbt_resource_props.get("resource_type") == "seed" else None

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props.get("resource_type") == "source":
            # raw.<source> is produced by the raw multi-asset (raw_assets.py) under the same key.
            return AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_asset_check_spec(
        self, asset_spec: AssetSpec, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> AssetCheckSpec | None:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None:
            return None
        return AssetCheckSpec(
            spec.name,
            asset=spec.asset_key,
            description=spec.description,
            additional_deps=spec.additional_deps,
            metadata=spec.metadata,
            blocking=False,
        )


@dbt_assets(manifest=sti_dbt_project.manifest_path, dagster_dbt_translator=StiDbtTranslator())
def sti_dbt_models(context: AssetExecutionContext, dbt: StiDbtCliResource, warehouse: WarehouseResource) -> Iterator:
    # dbt's own debug log (every SQL statement) goes to <warehouse>/logs/dbt.log, which dbt appends to
    # and rotates; dagster-dbt's default is the per-invocation target dir, removed below.
    log_args = ["--log-path", str(warehouse.folder("logs")), "--log-format-file", "text", "--no-use-colors-file"]
    release_memory()
    # Before any table changes: which sources' models this build makes current (refresh_scope.py).
    covered = dbt_scope.sources_covered(context.assets_def, set(context.selected_asset_keys))
    with warehouse.connect() as con:
        full_refresh = entity_delta.full_refresh_needed(con, context.run.run_id, project_fingerprint())
        ledger.start_build(con, context.run.run_id, covered, rules_by_enterprise=not full_refresh)
    if not full_refresh:
        context.log.info("enterprise rules: only the rows of the enterprises this refresh's lists change")
    # Unit tests check the formulas on fixed inputs, not this refresh's data: dbt's advice is to run them in
    # development and CI only (`make test` does: tests/test_dbt_unit_tests.py), not in every production build.
    build = ["build", "--exclude-resource-type", "unit_test", "--vars", dbt_vars(warehouse)]
    if full_refresh:
        build.append("--full-refresh")
    invocation = dbt.cli([*build, *log_args], context=context, raise_on_error=False)
    cwd = os.getcwd()
    try:
        try:
            yield from events_with_metadata(invocation, warehouse, dbt)
        finally:
            # dagster-dbt's metadata threads each `pushd` into the dbt project; interleaved, they can leave
            # the process in dbt_project/, where every relative path of the caller would then point.
            os.chdir(cwd)
        if not invocation.is_successful():
            # A sentence naming each failed test and its failing rows, not "the dbt CLI process failed".
            try:
                run_results = invocation.get_artifact("run_results.json")
            except Exception:  # no artifact: dbt did not get as far as running anything
                run_results = {}
            raise Failure(description=describe_dbt_failures(run_results, warehouse.build_db))
    finally:
        keep_partial_parse(invocation.target_path)
        # dagster-dbt gives every invocation its own target dir (~20 MB); nothing reads it later.
        if not os.environ.get("STI_DEBUG"):
            shutil.rmtree(invocation.target_path, ignore_errors=True)


def dbt_vars(warehouse: WarehouseResource) -> str:
    """The build database of this run's warehouse and the memory DuckDB may take, for one invocation
    (profiles.yml reads the vars)."""
    return json.dumps(
        {"build_db": str(warehouse.build_db), "memory_limit": duckdb_config.memory_limit()}, ensure_ascii=False
    )


def release_memory() -> None:
    """Hand what the write and audit steps freed back to the OS before dbt starts: the peak of a refresh is
    this process and dbt's DuckDB side by side, and glibc keeps freed heap (millions of small GX/pandas
    objects of a national batch) in the process unless asked."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass


def keep_partial_parse(invocation_target: Path) -> None:
    """dbt's parse state of this build, where dagster-dbt seeds the next invocation from. Parsed with this
    warehouse's vars and profile, it lets the next refresh of the same warehouse parse only what changed
    (2-3 s less); the one `dbt parse` left (no vars) made every build parse the whole project again."""
    state = invocation_target / "partial_parse.msgpack"
    if not state.exists():
        return
    target = sti_dbt_project.manifest_path.parent / state.name
    tmp = target.with_name(f"{state.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(state, tmp)
        tmp.replace(target)  # whole files only: refreshes of other warehouses may do the same at once
    except OSError:
        tmp.unlink(missing_ok=True)
