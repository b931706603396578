"""Paths of the repository and the dbt project, and the fingerprint of what builds the marts."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from pipelines.publish.dbt_resource import StiDbtCliResource

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"

# Files whose change means the marts must be rebuilt even if no new batch arrived.
_FINGERPRINT_DIRS = ("models", "seeds", "macros", "tests", "snapshots")


def dbt_files() -> list[Path]:
    """The files of the dbt project that make the marts: dbt_project.yml and every file of its folders."""
    files = [DBT_PROJECT_DIR / "dbt_project.yml"]
    for sub in _FINGERPRINT_DIRS:
        folder = DBT_PROJECT_DIR / sub
        if folder.is_dir():
            files += sorted(p for p in folder.rglob("*") if p.is_file())
    return files


def project_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in dbt_files():
        digest.update(path.relative_to(DBT_PROJECT_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# dagster-dbt runs dbt as a subprocess: the `sti-dbt` installed beside this interpreter (found even
# when the virtualenv is not activated) is dbt that dies with the refresh that started it.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "sti-dbt")

sti_dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR)
# Under `dagster dev` (make ui) dagster-dbt parses the project now, so the asset graph shows the
# models as they are on disk; its preparer runs the `dbt` on PATH, which `make ui` puts there.
# Elsewhere the manifest is expected to exist: `sti refresh` makes it with ensure_manifest(), a
# deployment with `dagster-dbt project prepare-and-package`.
sti_dbt_project.prepare_if_dev()


def ensure_manifest() -> Path:
    """Parse the dbt project when its manifest is missing or older than a project file.

    Called by what loads the definitions outside `dagster dev` (the `sti refresh` job, the tests)
    before importing them. The parse needs no warehouse: profiles.yml has a default build path.
    """
    manifest = sti_dbt_project.manifest_path
    newest = max(p.stat().st_mtime for p in dbt_files())
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        # Our dbt executable, not dagster-dbt's preparer: that one finds `dbt` on PATH only, and
        # `.venv/bin/sti` runs without the virtualenv activated.
        StiDbtCliResource(project_dir=sti_dbt_project, dbt_executable=DBT_EXECUTABLE).cli(
            ["parse", "--quiet"], target_path=sti_dbt_project.target_path
        ).wait()
    return manifest
