"""`make run` passes relative paths (`--sources sources/sample --warehouse warehouse`): a refresh must
publish into the warehouse the caller named and leave the working directory where it was, although
dagster-dbt changes directory into the dbt project while it reads metadata (pipelines/publish/dbt_assets.py)."""

from __future__ import annotations

import os
import shutil

from pipelines.project import DBT_PROJECT_DIR
from tests.harness import refresh


def test_refresh_with_relative_paths_publishes_where_the_caller_said(tiny_drop, tmp_path, monkeypatch):
    shutil.copytree(tiny_drop, tmp_path / "drop")
    monkeypatch.chdir(tmp_path)
    stray = DBT_PROJECT_DIR / "warehouse"
    existed = stray.exists()
    run = refresh(tmp_path.joinpath("drop").relative_to(tmp_path), tmp_path.joinpath("wh").relative_to(tmp_path))
    assert run.code == 0, run.text
    assert os.getcwd() == str(tmp_path)
    assert (tmp_path / "wh" / "sti.duckdb").exists()
    assert existed or not stray.exists(), f"the refresh wrote into {stray}"
