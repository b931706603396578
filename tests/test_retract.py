"""`sti retract` and `sti history` (DESIGN §5): a retracted batch leaves the next publication, is recorded
with its reason, stays out while its file is unchanged and comes back when the file changes. The
republication also runs while a BI client holds sti.duckdb open read-write, and cleans up the temporary
files a killed publish left."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import duckdb

from tests import drops
from tests.harness import marts_value, refresh, run_sti

CERT_FILE = "hightech_certificates/2022-2023.csv"
HOLD_OPEN = """
import duckdb, sys, time
con = duckdb.connect(sys.argv[1])  # read-write, as a careless client would
print(con.execute("SELECT count(*) FROM marts.fct_indicator_value").fetchone()[0], flush=True)
time.sleep(600)
"""


def _load_id(history: str, file: str) -> int:
    match = re.search(rf"^\s+(\d+)\s+published\s.*\s{re.escape(file)}$", history, re.M)
    assert match, history
    return int(match.group(1))


def test_retract_withdraws_a_batch_until_its_file_changes(tiny_drop, good_warehouse, tmp_path):
    warehouse = tmp_path / "warehouse"
    shutil.copytree(good_warehouse, warehouse)
    drop = drops.copy_drop(tiny_drop, tmp_path / "drop")
    count = marts_value(warehouse, "hightech_enterprise_count", drops.CITY, 2023)
    assert count and count > 0

    history = run_sti("history", "--warehouse", str(warehouse))
    assert history.code == 0 and "published" in history.out
    load_id = _load_id(history.out, CERT_FILE)

    unknown = run_sti("retract", "999999", "--reason", "x", "--warehouse", str(warehouse))
    assert unknown.code == 2 and "no batch has load id 999999" in unknown.err

    done = run_sti("retract", str(load_id), "--reason", "证书名单有误,待核实", "--warehouse", str(warehouse))
    assert done.code == 0, done.text
    history = run_sti("history", "--warehouse", str(warehouse)).out
    assert re.search(rf"^\s+{load_id}\s+retracted\s.*{re.escape(CERT_FILE)}.*证书名单有误,待核实$", history, re.M), (
        history
    )
    again = run_sti("retract", str(load_id), "--reason", "twice", "--warehouse", str(warehouse))
    assert again.code == 2 and "is retracted" in again.err

    # A killed publish left these; a client holds the served file open read-write during the refresh.
    (warehouse / ".sti.deadbeef.duckdb.tmp").write_bytes(b"half a file")
    (warehouse / ".sti.deadbeef.duckdb.tmp.wal").write_bytes(b"wal")
    client = subprocess.Popen(
        [sys.executable, "-c", HOLD_OPEN, str(warehouse / "sti.duckdb")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert int(client.stdout.readline()) > 0
        run = refresh(drop, warehouse)
        assert run.code == 0, run.text
        assert f"retracted, kept out of the marts: {CERT_FILE} (load {load_id}: 证书名单有误,待核实)" in run.text
        assert "published" in run.text and client.poll() is None
    finally:
        client.kill()
        client.wait()
    assert not list(warehouse.glob(".sti.*"))
    assert marts_value(warehouse, "hightech_enterprise_count", drops.CITY, 2023) == 0

    run = refresh(drop, warehouse)  # unchanged file: stays out
    assert run.code == 0 and "nothing new to publish" in run.text, run.text
    assert marts_value(warehouse, "hightech_enterprise_count", drops.CITY, 2023) == 0

    with (drop / CERT_FILE).open("ab") as fh:  # the provider re-sends the list: new bytes, a new batch
        fh.write(b"\r\n")
    run = refresh(drop, warehouse)
    assert run.code == 0, run.text
    assert marts_value(warehouse, "hightech_enterprise_count", drops.CITY, 2023) == count
    con = duckdb.connect(str(warehouse / "build.duckdb"), read_only=True)
    try:
        statuses = con.execute(
            "SELECT status FROM audit.load_ledger WHERE file = ? ORDER BY loaded_at", [CERT_FILE]
        ).fetchall()
    finally:
        con.close()
    assert [s for (s,) in statuses] == ["retracted", "published"]


def test_retract_waits_for_no_one_while_a_refresh_holds_the_warehouse(good_warehouse, tmp_path):
    from pipelines.publish.lock import warehouse_lock

    warehouse = tmp_path / "warehouse"
    shutil.copytree(good_warehouse, warehouse)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from pipelines.publish.lock import warehouse_lock\n"
            "with warehouse_lock(Path(sys.argv[1]), 'sti refresh'):\n    print('held', flush=True); time.sleep(600)",
            str(warehouse),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        busy = run_sti("retract", "1", "--reason", "x", "--warehouse", str(warehouse))
        assert busy.code == 2 and f"pid {holder.pid}" in busy.err and "busy" in busy.err
    finally:
        holder.kill()
        holder.wait()
    with warehouse_lock(warehouse):  # released by the kernel when the holder died
        pass
