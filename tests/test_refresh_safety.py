"""DESIGN §3 refresh rules under faults, through the real `sti` command in child processes: one refresh
at a time (the second exits at once naming the first), stopping or killing a refresh stops its dbt,
the served file and the ledger move together whatever instant a crash hits (STI_FAULT_AT kills the
process with SIGKILL at a named step of the publish), no temporary file stays behind, a client holding
sti.duckdb open read-write does not stop a publish, a full disk says so and loses nothing."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests import drops
from tests.conftest import sha256_file
from tests.harness import assert_history_committed, marts_value, refresh, snapshot

STI = Path(sys.executable).parent / "sti"
CERT = "hightech_certificates"


@pytest.fixture
def case(tiny_drop, good_warehouse, tmp_path):
    """A copy of the published tiny warehouse and a drop with one new certificate batch."""
    warehouse = tmp_path / "warehouse"
    shutil.copytree(good_warehouse, warehouse)
    drop = drops.copy_drop(tiny_drop, tmp_path / "drop")
    new_file = drops.extra_good_file(drop, CERT)
    return drop, warehouse, new_file.relative_to(drop).as_posix()


def start(drop: Path, warehouse: Path, log: Path, **env: str) -> subprocess.Popen:
    out = log.open("w")
    return subprocess.Popen(
        [str(STI), "refresh", "--sources", str(drop), "--warehouse", str(warehouse)],
        stdout=out,
        stderr=subprocess.STDOUT,
        env={**os.environ, **env},
    )


def dbt_of(warehouse: Path) -> list[int]:
    """Live (not zombie) dbt processes building this warehouse, found by the build path on their command
    line (`sti-dbt build --vars '{"build_db": ...}'`, pipelines/publish/dbt_assets.py)."""
    target = str(warehouse.resolve() / "build.duckdb").encode()
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            if any(b"build_db" in arg and target in arg for arg in args):
                if Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z":
                    found.append(int(pid))
        except (OSError, IndexError):
            continue
    return found


def wait_for(predicate, what: str, limit: float = 180.0) -> None:
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.2)


def ledger(warehouse: Path) -> dict[str, str]:
    con = duckdb.connect(str(warehouse / "build.duckdb"), read_only=True)
    try:
        return dict(con.execute("SELECT file, status FROM audit.load_ledger ORDER BY loaded_at").fetchall())
    finally:
        con.close()


def assert_consistent(warehouse: Path) -> None:
    """Ledger and served marts agree: nothing pending or running, the served values are the ones the
    ledger's last publication recorded, every published batch is in raw, the served publications and
    history are the committed ones (no candidate left), no temporary file or journal."""
    con = duckdb.connect(str(warehouse / "build.duckdb"), read_only=True)
    try:
        assert not con.execute("SELECT file FROM audit.load_ledger WHERE status IN ('pending', 'landed')").fetchall()
        assert not con.execute("SELECT refresh_id FROM audit.refresh_log WHERE status = 'running'").fetchall()
        recorded = set(
            con.execute(
                "SELECT indicator_code, region_code, year, round(value, 9) FROM audit.published_indicator_value"
            ).fetchall()
        )
        for source, load_id in con.execute(
            "SELECT source, load_id FROM audit.load_ledger WHERE status = 'published'"
        ).fetchall():
            assert con.execute(f'SELECT count(*) FROM raw."{source}" WHERE _load_id = ?', [load_id]).fetchone()[0] > 0
    finally:
        con.close()
    served = duckdb.connect(str(warehouse / "sti.duckdb"), read_only=True)
    try:
        values = set(
            served.execute(
                "SELECT indicator_code, region_code, year, round(value, 9) FROM marts.fct_indicator_value"
            ).fetchall()
        )
    finally:
        served.close()
    assert values == recorded
    assert_history_committed(warehouse)
    leftovers = [p.name for p in warehouse.iterdir() if p.name.startswith(".") or p.name == "publish.journal"]
    assert not leftovers


def test_one_refresh_at_a_time_and_a_killed_refresh_takes_its_dbt_along(case, tmp_path):
    drop, warehouse, new_file = case
    first = start(drop, warehouse, tmp_path / "first.log")
    try:
        wait_for(lambda: dbt_of(warehouse) or first.poll() is not None, "the first refresh to start dbt")
        assert first.poll() is None, (tmp_path / "first.log").read_text()
        second = subprocess.run(
            [str(STI), "refresh", "--sources", str(drop), "--warehouse", str(warehouse)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        # It exited while the first was still running, and named it.
        assert first.poll() is None and dbt_of(warehouse)
        assert second.returncode == 2, second.stdout + second.stderr
        assert f"pid {first.pid}" in second.stderr and "busy" in second.stderr and "Traceback" not in second.stderr
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=60)
        wait_for(lambda: not dbt_of(warehouse), "dbt to stop after its refresh was killed", limit=30)
    finally:
        if first.poll() is None:
            first.kill()
    assert ledger(warehouse)[new_file] == "pending"  # what the killed refresh left behind
    run = refresh(drop, warehouse)
    assert run.code == 0, run.text
    assert "recovered: rolled back" in run.text and "published" in run.text
    assert ledger(warehouse)[new_file] == "published"
    assert_consistent(warehouse)


def test_crash_after_the_swap_is_completed_by_the_next_refresh(case, tmp_path):
    drop, warehouse, new_file = case
    before = sha256_file(warehouse / "sti.duckdb")
    crashed = start(drop, warehouse, tmp_path / "crash.log", STI_FAULT_AT="after_swap")
    assert crashed.wait(timeout=600) == -signal.SIGKILL
    # The instant the fault was injected: new marts served, ledger not yet told.
    assert sha256_file(warehouse / "sti.duckdb") != before and ledger(warehouse)[new_file] == "pending"
    assert (warehouse / "publish.journal").exists()
    served = snapshot(warehouse).serving_sha
    run = refresh(drop, warehouse)
    assert run.code == 0, run.text
    assert "recovered: completed the publication" in run.text and "nothing new to publish" in run.text
    assert ledger(warehouse)[new_file] == "published"
    assert snapshot(warehouse).serving_sha == served
    assert_consistent(warehouse)


def test_crash_before_the_swap_keeps_the_old_publication(case, tmp_path):
    drop, warehouse, new_file = case
    before = snapshot(warehouse)
    count = marts_value(warehouse, "hightech_enterprise_count", drops.CITY, 2023)
    crashed = start(drop, warehouse, tmp_path / "crash.log", STI_FAULT_AT="before_swap")
    assert crashed.wait(timeout=600) == -signal.SIGKILL
    assert sha256_file(warehouse / "sti.duckdb") == before.serving_sha
    assert list(warehouse.glob(".sti.*.duckdb.tmp"))  # the new file was written, never renamed
    run = refresh(drop, warehouse)
    assert run.code == 0, run.text
    assert "recovered: undid the publication" in run.text and "removed the temporary file" in run.text
    assert ledger(warehouse)[new_file] == "published"
    assert marts_value(warehouse, "hightech_enterprise_count", drops.CITY, 2023) == count + 1
    assert_consistent(warehouse)


def test_sigterm_stops_dbt_and_publishes_nothing(case, tmp_path):
    drop, warehouse, new_file = case
    before = snapshot(warehouse)
    log = tmp_path / "term.log"
    proc = start(drop, warehouse, log)
    try:
        wait_for(lambda: dbt_of(warehouse) or proc.poll() is not None, "the refresh to start dbt")
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    text = log.read_text()
    assert code == 2, text
    assert "nothing was published" in text and "interrupted" in text and "Traceback" not in text
    assert not dbt_of(warehouse)
    assert ledger(warehouse)[new_file] == "rolled_back"
    assert snapshot(warehouse).serving_sha == before.serving_sha and snapshot(warehouse).raw == before.raw
    assert_consistent(warehouse)


def test_full_disk_says_so_and_the_next_refresh_recovers(tiny_drop, tmp_path):
    mount = tmp_path / "small-disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)]).returncode:
        pytest.skip("needs root to mount a small tmpfs as a full disk")
    try:
        warehouse = mount / "warehouse"
        run = refresh(tiny_drop, warehouse)
        assert run.code == 2, run.text
        assert "nothing was published" in run.text and "disk" in run.text and "full" in run.text
        assert not (warehouse / "sti.duckdb").exists()
        subprocess.run(["mount", "-o", "remount,size=256m", str(mount)], check=True)
        run = refresh(tiny_drop, warehouse)
        assert run.code == 0, run.text
        assert_consistent(warehouse)
    finally:
        subprocess.run(["umount", "-l", str(mount)])
