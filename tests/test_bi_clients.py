"""BI tools open the served file: DuckDB 1.x readers, duckdb-engine/SQLAlchemy, the README's commands.

The clients are real: the DuckDB 1.5 CLI from PyPI (in .venv, `make setup`) and a second venv with
DuckDB 1.5 + duckdb-engine + SQLAlchemy 2.0 (`make bi-client`), the stack Superset runs. The
README's commands are read from README.md and run as written, against a refreshed sample warehouse.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[1]
BI_PYTHON = REPO / ".venv-bi" / "bin" / "python"
DUCKDB_CLI = Path(sys.executable).parent / "duckdb"


@pytest.fixture(scope="module")
def bi_client() -> Path:
    run = subprocess.run(["make", "--no-print-directory", "bi-client"], cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    return BI_PYTHON


@pytest.fixture(scope="module")
def marts(refreshed) -> dict[str, list[str]]:
    """Every served table with its columns, as DuckDB 2 sees them."""
    con = duckdb.connect(str(refreshed.warehouse / "sti.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'marts' ORDER BY table_name, ordinal_position"
        ).fetchall()
    finally:
        con.close()
    out: dict[str, list[str]] = {}
    for table, column in rows:
        out.setdefault(table, []).append(column)
    return out


def test_storage_format_is_readable_by_duckdb_1x(refreshed):
    header = (refreshed.warehouse / "sti.duckdb").read_bytes()[8:16]
    assert header[:4] == b"DUCK"
    assert int.from_bytes(header[4:], "little") == 64  # DuckDB 1.0's storage version, read by every 1.x


def test_duckdb_1x_cli_reads_every_mart(refreshed, marts):
    version = subprocess.run([DUCKDB_CLI, "--version"], capture_output=True, text=True, check=True).stdout
    assert version.startswith("v1.")
    serving = refreshed.warehouse / "sti.duckdb"
    for table in marts:
        run = subprocess.run(
            [DUCKDB_CLI, "-readonly", "-csv", "-noheader", str(serving), "-c", f"SELECT count(*) FROM marts.{table}"],
            capture_output=True, text=True,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr
        assert int(run.stdout.strip()) >= 0


def test_duckdb_engine_reflects_every_mart(bi_client, refreshed, marts):
    script = """
import json, sys
import duckdb, sqlalchemy as sa
engine = sa.create_engine("duckdb:///" + sys.argv[1], connect_args={"read_only": True})
insp = sa.inspect(engine)
out = {t: [c["name"] for c in insp.get_columns(t, schema="marts")] for t in insp.get_table_names(schema="marts")}
with engine.connect() as con:
    n = con.execute(sa.text("SELECT count(*) FROM marts.fct_indicator_value")).scalar()
print(json.dumps({"duckdb": duckdb.__version__, "sqlalchemy": sa.__version__, "tables": out, "values": n}))
"""
    run = subprocess.run(
        [bi_client, "-c", script, str(refreshed.warehouse / "sti.duckdb")], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    import json

    got = json.loads(run.stdout)
    assert got["duckdb"].startswith("1.") and got["sqlalchemy"].startswith("2.0")
    assert got["tables"] == marts
    assert got["values"] > 0


def _readme_blocks() -> list[tuple[str, str]]:
    """The README's code blocks that read the served file: (language, text)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(sh|python)\n(.*?)```", text, flags=re.S)
    return [(lang, body) for lang, body in blocks if "warehouse/sti.duckdb" in body]


def test_readme_names_the_commands():
    langs = [lang for lang, _ in _readme_blocks()]
    assert langs.count("sh") >= 3 and "python" in langs  # CLI (tour and BI section), duckdb-engine; pandas


@pytest.mark.parametrize("index", range(len(_readme_blocks())))
def test_readme_command_runs_as_written(index, bi_client, refreshed, marts, tmp_path):
    """Run in a directory laid out like the repository: .venv, .venv-bi and warehouse/ where the README says."""
    layout = {".venv": REPO / ".venv", ".venv-bi": REPO / ".venv-bi", "warehouse": refreshed.warehouse}
    for name, target in layout.items():
        (tmp_path / name).symlink_to(target)
    lang, body = _readme_blocks()[index]
    cmd = ["bash", "-euo", "pipefail", "-c", body] if lang == "sh" else [str(REPO / ".venv/bin/python"), "-c", body]
    run = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, f"README block {index} failed:\n{body}\n{run.stderr}"
    assert run.stdout.strip()
    if "get_table_names" in body:
        assert all(table in run.stdout for table in marts)
