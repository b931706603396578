"""dbt's unit tests (every formula on fixed inputs) run here, in `make test`, not in each refresh.

A refresh builds with `--exclude-resource-type unit_test` (pipelines/publish/dbt_assets.py): the unit
tests' inputs are fixed, so running them on every production build checks nothing new (dbt's advice).
This is where they run: every model built empty (`--empty`, the unit tests need their parents' columns),
then every unit test of the project.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from pipelines.project import DBT_EXECUTABLE, DBT_PROJECT_DIR, ensure_manifest
from pipelines.publish import duckdb_config
from pipelines.publish.ledger import ensure_schemas


def _unit_tests_in_manifest() -> set[str]:
    manifest = json.loads(ensure_manifest().read_text(encoding="utf-8"))
    return set(manifest.get("unit_tests", {}))


def test_every_dbt_unit_test_passes(tmp_path: Path) -> None:
    build_db = tmp_path / "build.duckdb"
    con = duckdb_config.connect(build_db)
    try:
        ensure_schemas(con)  # raw and audit tables, empty: what the models read
    finally:
        con.close()
    target = tmp_path / "target"
    done = subprocess.run(
        [
            DBT_EXECUTABLE, "build", "--empty", "--exclude-resource-type", "test",
            "--vars", json.dumps({"build_db": str(build_db)}),
            "--target-path", str(target), "--log-path", str(tmp_path), "--quiet",
        ],
        cwd=DBT_PROJECT_DIR, capture_output=True, text=True, check=False,
    )  # fmt: skip
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    unit = {r["unique_id"]: r["status"] for r in results if r["unique_id"].startswith("unit_test.")}
    failed = {k: v for k, v in unit.items() if v != "pass"}
    assert not failed, f"dbt unit tests did not pass: {failed}\n{done.stdout[-3000:]}"
    expected = _unit_tests_in_manifest()
    assert len(expected) >= 40
    assert set(unit) == expected, f"unit tests not run: {sorted(expected - set(unit))}"
    assert done.returncode == 0, done.stdout[-3000:]
