"""Which engine builds the marts (STI_ENGINE), and the resource that runs the Spark build (issue 13).

The engine is chosen when the code location loads (`pipelines/definitions.py`), Dagster's pattern for
per-deployment assets and resources: the asset graph itself differs (dagster-dbt's DuckDB assets, or
the Spark build of `assets.py`), which resource config, read only at run time, cannot change.

`SparkResource` is what the Spark build needs from its deployment: the interpreter of the Spark venv
(`make spark-setup`; this venv has no pyspark, so the build runs as a subprocess), where the lake lives,
and whether the GX suites run on Spark too. Run config can change them, as the warehouse's paths.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from dagster import ConfigurableResource

from pipelines.project import REPO_ROOT

ENGINE_ENV = "STI_ENGINE"
Engine = Literal["duckdb", "spark"]
ENGINES: tuple[Engine, ...] = ("duckdb", "spark")


def engine_from_env() -> Engine:
    """STI_ENGINE: `duckdb` (unset or empty: the default) or `spark`; anything else is an error at load,
    not a silent DuckDB refresh."""
    value = (os.environ.get(ENGINE_ENV) or "duckdb").strip().lower()
    if value not in ENGINES:
        raise ValueError(f"{ENGINE_ENV}={value!r}: must be one of {', '.join(ENGINES)}")
    return value  # type: ignore[return-value]


class SparkResource(ConfigurableResource):
    """The Spark build of a refresh: `python -m pipelines.spark.full_build` in the Spark venv."""

    # Relative paths are the repository's (python) and the warehouse's (lake_dir).
    python: str = ".venv-spark/bin/python"
    lake_dir: str = "lake"
    # The GX suites on the lake's batches in the Spark session (pipelines/spark/lake_validation.py),
    # besides the landing audit (pandas, the gate). False: the landing audit only.
    validate_on_spark: bool = True

    def interpreter(self) -> Path:
        path = Path(self.python)
        return path if path.is_absolute() else REPO_ROOT / path

    def lake(self, warehouse_root: Path) -> Path:
        path = Path(self.lake_dir)
        return path if path.is_absolute() else warehouse_root / path

    def run_build(self, args: list[str], log_file: Path, on_line: Callable[[str], None]) -> int:
        """Run full_build with `args` from the repository root (the Spark venv imports `pipelines` from
        there, as `make test-spark` does); its output goes to `log_file` and, line by line, to `on_line`.
        Returns the exit code."""
        python = self.interpreter()
        if not python.exists():
            raise FileNotFoundError(f"no Spark venv at {python}: run `make spark-setup` ({ENGINE_ENV}=spark)")
        command = [str(python), "-m", "pipelines.spark.full_build", *args]
        with log_file.open("w", encoding="utf-8") as log:
            log.write(" ".join(command) + "\n")
            process = subprocess.Popen(
                command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
            )
            assert process.stdout is not None
            for line in process.stdout:
                log.write(line)
                on_line(line.rstrip("\n"))
            return process.wait()
