"""Shared fixtures: a generated drop refreshed once through the CLI, with a real Dagster instance."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main as sti


def pytest_sessionstart(session) -> None:
    """Tests import the definitions, which load the dbt manifest; outside `dagster dev` it is made the way
    `sti refresh` makes it (pipelines.project.ensure_manifest), before any test module is collected."""
    from pipelines.project import ensure_manifest

    ensure_manifest()


@pytest.fixture(autouse=True, scope="session")
def dagster_home(tmp_path_factory) -> Path:
    """A new, empty Dagster instance (DESIGN §3: the warehouse behaves the same with one).

    In /dev/shm when there is one: the SQLite event log commits a few hundred events per run,
    which costs ~15 s of fsync per refresh on disk.
    """
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        home = Path(tempfile.mkdtemp(prefix="sti-dagster-session-", dir=shm))
    else:
        home = tmp_path_factory.mktemp("dagster_home")
    os.environ["DAGSTER_HOME"] = str(home)
    yield home
    shutil.rmtree(home, ignore_errors=True)


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_truth(drop: Path) -> dict[tuple[str, str, int], float]:
    with (drop / "expected_indicators.csv").open(encoding="utf-8") as fh:
        return {(r["indicator_code"], r["region_code"], int(r["year"])): float(r["value"]) for r in csv.DictReader(fh)}


def read_marts(serving: Path) -> dict[tuple[str, str, int], float]:
    con = duckdb.connect(str(serving), read_only=True)
    try:
        rows = con.execute("SELECT indicator_code, region_code, year, value FROM marts.fct_indicator_value").fetchall()
    finally:
        con.close()
    return {(c, r, int(y)): float(v) for c, r, y, v in rows}


@dataclass
class Refreshed:
    drop: Path
    warehouse: Path
    exit_code: int
    output: str


SAMPLE = Path(__file__).resolve().parents[1] / "sources" / "sample"


@pytest.fixture(scope="session")
def spark_python() -> Path:
    """The Python of `.venv-spark` (`make spark-setup` builds it, and a JRE when there is no java);
    the Spark tests are skipped, saying why, only when it cannot be built."""
    repo = Path(__file__).resolve().parents[1]
    run = subprocess.run(["make", "--no-print-directory", "spark-setup"], cwd=repo, capture_output=True, text=True)
    if run.returncode != 0:
        pytest.skip(f"the Spark venv could not be built (make spark-setup):\n{(run.stdout + run.stderr)[-2000:]}")
    return repo / ".venv-spark" / "bin" / "python"


@pytest.fixture(scope="session")
def generated_drop(tmp_path_factory) -> Path:
    """`sti generate --scale sample --seed 42`: the very drop committed as sources/sample."""
    drop = tmp_path_factory.mktemp("drop")
    assert sti(["generate", "--scale", "sample", "--out", str(drop), "--seed", "42"]) == 0
    return drop


@pytest.fixture(scope="session")
def refreshed(generated_drop, tmp_path_factory) -> Refreshed:
    import contextlib
    import io

    warehouse = tmp_path_factory.mktemp("warehouse")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = sti(["refresh", "--sources", str(generated_drop), "--warehouse", str(warehouse)])
    return Refreshed(generated_drop, warehouse, code, out.getvalue())


@pytest.fixture(scope="session")
def tiny_drop(tmp_path_factory) -> Path:
    """The tiny drop of tests/drops.py, written once."""
    from tests import drops

    return drops.write_tiny_drop(tmp_path_factory.mktemp("tiny") / "drop")


@pytest.fixture(scope="session")
def good_warehouse(tiny_drop, tmp_path_factory) -> Path:
    """The tiny drop refreshed once. Tests copy the directory (copying it copies the warehouse)."""
    from tests import drops
    from tests.harness import raw_counts, refresh

    warehouse = tmp_path_factory.mktemp("good") / "warehouse"
    run = refresh(tiny_drop, warehouse)
    assert run.code == 0, run.text
    assert raw_counts(warehouse) == drops.tiny_row_counts()
    return warehouse
