"""The PostgreSQL publish target against a real PostgreSQL server that this module starts itself
(Debian's `postgresql`, a throwaway cluster: tests/postgres_server.py). Never a mock.

- after a refresh the mirror equals the served marts, table by table and row by row, with the types
  mapped and the dbt documentation as comments; a second refresh (configured by STI_POSTGRES_URL)
  replaces it; `sti publish` mirrors on demand;
- readers holding transactions during a mirror see the old or the new marts, never a mix, and the
  mirror does not wait for them; a table that must be swapped waits at most the lock timeout, then
  fails naming the session in the way, the previous mirror intact;
- a mirror that fails (server down, a value PostgreSQL refuses) leaves the DuckDB publish in place,
  the previous mirror as it was, and says what to do; `sti refresh` exits 3.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import duckdb
import psycopg
import pytest

from pipelines.publish.postgres_mirror import PG_TYPES, MirrorError, MirrorTarget, mirror_marts
from tests import drops
from tests.harness import refresh, run_sti
from tests.postgres_server import PASSWORD, PostgresServer, start_server, stop_server

REPO = Path(__file__).resolve().parents[1]
SCHEMA = "sti_marts"


@pytest.fixture(scope="module")
def postgres() -> PostgresServer:
    server = start_server()
    yield server
    stop_server(server)


# ---------------------------------------------------------------------------------------------
# Reading both sides


def _norm(value: object) -> object:
    return "NaN" if isinstance(value, float) and math.isnan(value) else value


def _sorted(rows: list[tuple]) -> list[tuple]:
    return sorted((tuple(_norm(v) for v in r) for r in rows), key=lambda r: [(v is None, repr(v)) for v in r])


def served(serving: Path) -> dict[str, tuple[list[tuple[str, str]], list[tuple]]]:
    """table -> ([(column, DuckDB type)], rows sorted) of every mart of a served file."""
    con = duckdb.connect(str(serving), read_only=True)
    try:
        cols: dict[str, list[tuple[str, str]]] = {}
        for table, column, typ in con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'marts' ORDER BY table_name, ordinal_position"
        ).fetchall():
            cols.setdefault(table, []).append((column, typ))
        return {t: (c, _sorted(con.execute(f'SELECT * FROM marts."{t}"').fetchall())) for t, c in cols.items()}
    finally:
        con.close()


def mirrored(url: str, schema: str = SCHEMA) -> dict[str, tuple[list[tuple[str, str]], list[tuple]]]:
    """table -> ([(column, PostgreSQL type)], rows sorted) of every table of the mirror schema."""
    with psycopg.connect(url) as pg:
        cols: dict[str, list[tuple[str, str]]] = {}
        for table, column, typ in pg.execute(
            """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE n.nspname = %s AND c.relkind = 'r' ORDER BY c.relname, a.attnum
            """,
            [schema],
        ).fetchall():
            cols.setdefault(table, []).append((column, typ))
        return {
            t: (c, _sorted(pg.execute(f'SELECT * FROM "{schema}"."{t}"').fetchall())) for t, c in cols.items()
        }


def assert_mirror_equals(served_marts: dict, mirror: dict) -> None:
    assert sorted(mirror) == sorted(served_marts)
    for table, (duck_cols, duck_rows) in served_marts.items():
        pg_cols, pg_rows = mirror[table]
        assert [c for c, _t in pg_cols] == [c for c, _t in duck_cols], table
        assert [t for _c, t in pg_cols] == [PG_TYPES[t] for _c, t in duck_cols], table
        assert len(pg_rows) == len(duck_rows), table
        assert pg_rows == duck_rows, table


SIGNATURE = """
SELECT string_agg(t || ':' || n || ':' || h, ' ' ORDER BY t) FROM (
  SELECT 'dim_region' AS t, count(*) AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h
  FROM sti_marts.dim_region x
  UNION ALL SELECT 'fct_indicator_value', count(*), md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), ''))
  FROM sti_marts.fct_indicator_value x
  UNION ALL SELECT 'dim_publication', count(*), md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), ''))
  FROM sti_marts.dim_publication x
  UNION ALL SELECT 'fct_indicator_contribution', count(*), md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), ''))
  FROM sti_marts.fct_indicator_contribution x
) s
"""


def signature(pg: psycopg.Connection) -> str:
    """Counts and content hashes of four marts, read by one statement (one snapshot)."""
    return pg.execute(SIGNATURE).fetchone()[0]


# ---------------------------------------------------------------------------------------------
# Three refreshes of the tiny drop, each publishing a new batch: mirrored by --postgres, by
# STI_POSTGRES_URL, and a third whose mirror fails (nothing listens on the port).


class Story:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.outputs: dict[str, object] = {}
        self.served: dict[str, dict] = {}
        self.mirror: dict[str, dict] = {}
        self.files: dict[str, Path] = {}


def _dead_url() -> str:
    import socket

    with socket.socket() as s:  # a port nothing listens on: "the server is down"
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"postgresql://postgres:{PASSWORD}@127.0.0.1:{port}/sti"


@pytest.fixture(scope="module")
def story(postgres, good_warehouse, tiny_drop, tmp_path_factory) -> Story:
    root = tmp_path_factory.mktemp("pgstory")
    s = Story(root)
    warehouse = root / "warehouse"
    shutil.copytree(good_warehouse, warehouse)
    drop = drops.copy_drop(tiny_drop, root / "drop")
    url = postgres.url()

    def step(name: str, source: str, run) -> None:
        drops.extra_good_file(drop, source)
        s.outputs[name] = run()
        s.files[name] = root / f"{name}.duckdb"
        shutil.copy2(warehouse / "sti.duckdb", s.files[name])
        s.served[name] = served(warehouse / "sti.duckdb")
        s.mirror[name] = mirrored(url)

    step("flag", "rd_spending", lambda: run_sti(
        "refresh", "--sources", str(drop), "--warehouse", str(warehouse), "--postgres", url))  # fmt: skip
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STI_POSTGRES_URL", url)
        step("env", "tech_contracts", lambda: refresh(drop, warehouse))
    step("down", "incubators", lambda: run_sti(
        "refresh", "--sources", str(drop), "--warehouse", str(warehouse), "--postgres", _dead_url()))  # fmt: skip
    s.outputs["warehouse"], s.outputs["drop"] = warehouse, drop
    return s


def test_refresh_mirrors_the_served_marts(story):
    run = story.outputs["flag"]
    assert run.code == 0, run.text
    assert re.search(r"mirrored publication \d+ into sti_marts at \S+: 1\d tables, [\d,]+ rows", run.out), run.out
    assert PASSWORD not in run.text
    assert "***@127.0.0.1" in run.out
    assert_mirror_equals(story.served["flag"], story.mirror["flag"])
    # Chinese text arrives intact
    names = {r[1] for r in story.mirror["flag"]["dim_region"][1]}
    assert {"常州市", "天宁区", "钟楼区", "常州经开区"} <= names


def test_second_refresh_configured_by_environment_replaces_the_mirror(story):
    run = story.outputs["env"]
    assert run.code == 0, run.text
    assert "mirrored publication" in run.out
    assert story.served["env"] != story.served["flag"]  # a new batch: new marts
    assert_mirror_equals(story.served["env"], story.mirror["env"])
    publications = [r[0] for r in story.mirror["env"]["dim_publication"][1]]
    assert len(publications) == len(set(publications)) and max(publications) > max(
        r[0] for r in story.mirror["flag"]["dim_publication"][1]
    )


def test_failed_mirror_keeps_the_publish_and_the_previous_mirror(story, postgres):
    run = story.outputs["down"]
    assert run.code == 3, run.text
    assert "PostgreSQL mirror FAILED — sti.duckdb is published all the same" in run.err
    assert "cannot connect to PostgreSQL" in run.err and "fix:" in run.err
    assert "sti publish --postgres URL" in run.err
    assert PASSWORD not in run.text
    # the DuckDB publish stands: the new batch is served and the ledger says published
    assert story.served["down"] != story.served["env"]
    build = story.outputs["warehouse"] / "build.duckdb"
    con = duckdb.connect(str(build), read_only=True)
    try:
        statuses = dict(con.execute("SELECT file, status FROM audit.load_ledger").fetchall())
        records = con.execute(
            "SELECT status, target, error, refresh_id FROM audit.postgres_mirror ORDER BY started_at"
        ).fetchall()
    finally:
        con.close()
    assert statuses["incubators/extra-incubators.csv"] == "published"
    assert [r[0] for r in records] == ["mirrored", "mirrored", "failed"]
    assert all(PASSWORD not in r[1] and PASSWORD not in (r[2] or "") for r in records)
    # the mirror still holds what the previous publish served
    assert_mirror_equals(story.served["env"], story.mirror["down"])
    # the URL given on the command line never entered the Dagster run record
    from dagster import DagsterInstance

    run_record = DagsterInstance.get().get_run_by_id(records[-1][3])
    assert run_record is not None and PASSWORD not in repr(run_record.run_config)


def test_sti_publish_mirrors_the_served_marts_on_demand(story, postgres):
    warehouse = story.outputs["warehouse"]
    run = run_sti("publish", "--postgres", postgres.url(), "--warehouse", str(warehouse))
    assert run.code == 0, run.text
    assert "mirrored publication" in run.out
    assert_mirror_equals(served(warehouse / "sti.duckdb"), mirrored(postgres.url()))
    missing = run_sti("publish", "--warehouse", str(warehouse))
    assert missing.code == 2 and "no PostgreSQL target given" in missing.err and "STI_POSTGRES_URL" in missing.err


def test_comments_come_from_the_dbt_documentation(story, postgres):
    with psycopg.connect(postgres.url()) as pg:
        column = pg.execute(
            "SELECT col_description('sti_marts.fct_indicator_value'::regclass, a.attnum) FROM pg_attribute a "
            "WHERE a.attrelid = 'sti_marts.fct_indicator_value'::regclass AND a.attname = 'region_code'"
        ).fetchone()[0]
        table = pg.execute("SELECT obj_description('sti_marts.fct_indicator_value'::regclass, 'pg_class')").fetchone()
        schema = pg.execute("SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = 'sti_marts'")
        schema_comment = schema.fetchone()[0]
    assert column.startswith("地区代码") and " / Region code" in column
    assert table[0].startswith("指标值")
    assert re.search(r"publication \d+ of 20\d\d-", schema_comment)


# ---------------------------------------------------------------------------------------------
# Readers during a mirror (the served files of the story, mirrored directly)


def test_readers_see_the_old_or_the_new_mirror_never_a_mix(story, postgres):
    url, old, new = postgres.url(), story.files["flag"], story.files["env"]
    target = MirrorTarget(url, lock_timeout_s=5)
    mirror_marts(old, target)
    with psycopg.connect(url) as probe:
        sig_old = signature(probe)
    repeatable = psycopg.connect(url)
    repeatable.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    committed = psycopg.connect(url)  # READ COMMITTED, in an open transaction holding its table locks
    seen: list[str] = []
    stop = threading.Event()

    def hammer() -> None:
        with psycopg.connect(url, autocommit=True) as pg:
            while not stop.is_set():
                seen.append(signature(pg))

    try:
        assert signature(repeatable) == sig_old and signature(committed) == sig_old
        thread = threading.Thread(target=hammer)
        thread.start()
        time.sleep(0.3)
        started = time.monotonic()
        result = mirror_marts(new, target)  # must not wait for the two open transactions
        elapsed = time.monotonic() - started
        time.sleep(0.3)
        stop.set()
        thread.join()
        with psycopg.connect(url) as probe:
            sig_new = signature(probe)
        assert sig_new != sig_old
        assert elapsed < 5 and not result.replaced
        assert signature(repeatable) == sig_old  # its snapshot: the old mirror, whole, to its end
        assert signature(committed) == sig_new  # each statement: the newest committed mirror, whole
        assert seen and set(seen) <= {sig_old, sig_new}, set(seen) - {sig_old, sig_new}
        assert seen[-1] == sig_new
    finally:
        stop.set()
        repeatable.close()
        committed.close()
    assert_mirror_equals(served(new), mirrored(url))


def test_a_table_swap_waits_for_readers_then_fails_naming_them(story, postgres):
    """A mart whose columns changed is replaced with an exclusive lock: with a reader on it the mirror
    gives up after the lock timeout, says who is in the way, and leaves the previous mirror whole;
    grants on the table survive the swap."""
    url, current = postgres.url(), story.files["env"]
    mirror_marts(current, MirrorTarget(url))
    before = mirrored(url)
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("DROP ROLE IF EXISTS bi_reader")
        admin.execute("CREATE ROLE bi_reader LOGIN PASSWORD 'bi'")
        admin.execute("GRANT USAGE ON SCHEMA sti_marts TO bi_reader")
        admin.execute("GRANT SELECT ON ALL TABLES IN SCHEMA sti_marts TO bi_reader")
        admin.execute("ALTER TABLE sti_marts.dim_region ADD COLUMN added_by_hand integer")  # the shape changed
    reader = psycopg.connect(url, application_name="FineBI")
    try:
        reader.execute("SELECT count(*) FROM sti_marts.dim_region").fetchone()  # holds ACCESS SHARE
        with pytest.raises(MirrorError) as failed:
            mirror_marts(current, MirrorTarget(url, lock_timeout_s=1))
        message = str(failed.value)
        assert "replacing sti_marts.dim_region" in message
        assert f"pid {reader.info.backend_pid}" in message and "application 'FineBI'" in message
        assert "still holds the previous mirror" in message and "fix:" in message
        # everything as before, including the tables the mirror had already reloaded
        after = mirrored(url)
        assert {t: v for t, v in after.items() if t != "dim_region"} == {
            t: v for t, v in before.items() if t != "dim_region"
        }
        assert [c for c, _ in after["dim_region"][0]][-1] == "added_by_hand"
    finally:
        reader.close()
    result = mirror_marts(current, MirrorTarget(url, lock_timeout_s=1))
    assert result.replaced == ["dim_region"]
    assert_mirror_equals(served(current), mirrored(url))
    with psycopg.connect(postgres.url(user="bi_reader", password="bi")) as bi:
        assert bi.execute("SELECT count(*) FROM sti_marts.dim_region").fetchone()[0] > 0


def test_a_value_postgresql_refuses_rolls_the_whole_mirror_back(story, postgres, tmp_path):
    url = postgres.url()
    mirror_marts(story.files["env"], MirrorTarget(url))
    before = mirrored(url)
    broken = tmp_path / "broken.duckdb"
    shutil.copy2(story.files["down"], broken)
    con = duckdb.connect(str(broken))
    try:  # the last table copied holds a NUL character, which PostgreSQL text cannot
        last = con.execute(
            "SELECT max(table_name) FROM information_schema.tables WHERE table_schema = 'marts'"
        ).fetchone()[0]
        column = con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'marts' AND table_name = ? "
            "AND data_type = 'VARCHAR' LIMIT 1",
            [last],
        ).fetchone()[0]
        con.execute(f'UPDATE marts."{last}" SET "{column}" = "{column}" || chr(0)')
    finally:
        con.close()
    with pytest.raises(MirrorError) as failed:
        mirror_marts(broken, MirrorTarget(url))
    assert f"copying marts.{last}" in str(failed.value) and "still holds the previous mirror" in str(failed.value)
    assert mirrored(url) == before


# ---------------------------------------------------------------------------------------------
# Types, without a refresh


def test_types_round_trip_exactly(postgres, tmp_path):
    serving = tmp_path / "types.duckdb"
    con = duckdb.connect(str(serving))
    try:
        con.execute("CREATE SCHEMA marts")
        con.execute(
            "CREATE TABLE marts.every_type (s VARCHAR, d DOUBLE, b BIGINT, i INTEGER, f BOOLEAN, day DATE, "
            "ts TIMESTAMP, n DECIMAL(18,3))"
        )
        doubles = [0.1 + 0.2, 2.65, 1 / 3, 5e-324, 1.7976931348623157e308, -0.0, float("nan"), float("inf")]
        texts = ["", None, "常州市天宁区 科技型中小企业", 'quote " and, comma', "line\nbreak", "\\N", "NULL"]
        rows = [
            (
                texts[k % len(texts)],
                doubles[k % len(doubles)],
                -(2**63) + 1 + k if k % 2 else 2**62 + k,
                k - 7,
                [True, False, None][k % 3],
                None if k % 4 == 0 else dt.date(1900 + k, 1 + k % 12, 1 + k % 28),
                dt.datetime(2024, 2, 29, 23, 59, 59, 999_999 - k),
                None if k % 5 == 0 else f"{k}.125",
            )
            for k in range(40)
        ]
        con.executemany("INSERT INTO marts.every_type VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    finally:
        con.close()
    result = mirror_marts(serving, MirrorTarget(postgres.url(), schema="types_check"))
    assert result.rows == {"every_type": 40}
    got = mirrored(postgres.url(), "types_check")["every_type"]
    assert [t for _c, t in got[0]] == [
        "text", "double precision", "bigint", "integer", "boolean", "date", "timestamp without time zone",
        "numeric(18,3)",
    ]  # fmt: skip
    want = served(serving)["every_type"][1]
    assert got[1] == want
    neg_zero = [r[1] for r in got[1] if r[1] == 0.0]
    assert neg_zero and all(math.copysign(1, v) == -1 for v in neg_zero)


def test_an_unmapped_type_is_named(postgres, tmp_path):
    serving = tmp_path / "list.duckdb"
    con = duckdb.connect(str(serving))
    try:
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.odd AS SELECT [1, 2] AS xs")
    finally:
        con.close()
    with pytest.raises(MirrorError, match=r"marts\.odd\.xs has DuckDB type INTEGER\[\]"):
        mirror_marts(serving, MirrorTarget(postgres.url(), schema="odd_check"))


# ---------------------------------------------------------------------------------------------
# The README's commands


def _readme_block() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("### PostgreSQL (FineBI, Tableau, other server-only tools)", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    assert blocks, "the README's PostgreSQL section has no sh block"
    return blocks[0]


def test_readme_commands_run_as_written(story, postgres, tmp_path):
    """The block runs in a directory laid out like the repository, with the URL of the test server in
    STI_POSTGRES_URL instead of the example's (its `export` line is what a user edits)."""
    body = "\n".join(line for line in _readme_block().splitlines() if not line.startswith("export "))
    (tmp_path / ".venv").symlink_to(REPO / ".venv")
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "sample").symlink_to(story.outputs["drop"])
    shutil.copytree(story.outputs["warehouse"], tmp_path / "warehouse")
    env = {**os.environ, "STI_POSTGRES_URL": postgres.url(), "PATH": f"{postgres.bindir}:{os.environ['PATH']}"}
    run = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", body], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, f"{body}\n{run.stdout}\n{run.stderr}"
    assert "mirrored publication" in run.stdout
    assert "320400" in run.stdout  # psql printed the served values of 常州市
