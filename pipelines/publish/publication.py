"""The publish transaction: the served file and the ledger move together, whatever instant a crash hits.

1. the new serving file is written beside sti.duckdb as `.sti.<token>.duckdb.tmp` and synced;
2. a journal (`publish.journal`) naming the refresh and that file is written and synced;
3. the file is renamed over sti.duckdb (atomic) and the directory synced;
4. the ledger marks the refresh's batches published, in one DuckDB transaction;
5. the journal is removed.

`recover()` runs at the start and at the end of every refresh, under the warehouse lock: a journal whose
temporary file still exists means the rename never happened (roll back: the old marts and the old
ledger stand); a journal whose file is gone means the rename did (roll forward: step 4 again, which is
idempotent). Either way no temporary file stays behind, and batches still pending are rolled back.
"""

from __future__ import annotations

import json
import os
import signal
import uuid
from pathlib import Path

import duckdb

from pipelines.publish import ledger
from pipelines.publish.serving_file import write_serving_file

JOURNAL = "publish.journal"
_TMP_GLOB = ".sti.*.duckdb.tmp*"
FAULT_ENV = "STI_FAULT_AT"
# How a full disk shows in an error message, whichever writer (DuckDB, dbt, the OS) hit it.
DISK_FULL_MARKERS = ("No space left on device", "Errno 28", "ENOSPC")


def fault_point(name: str) -> None:
    """Crash here (SIGKILL, no clean-up) when STI_FAULT_AT names this point: the tests' crash injection."""
    if os.environ.get(FAULT_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _sync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_journal(root: Path, entry: dict) -> None:
    tmp = root / f".{JOURNAL}.tmp"
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(entry, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, root / JOURNAL)
    _sync_dir(root)


def publish(
    build_db: Path,
    serving_db: Path,
    con_factory,
    refresh_id: str,
    fingerprint: str,
    rules_rebuilt_whole: bool = True,
) -> dict:
    """Swap in the marts of build_db and mark the refresh published; return the change counts.

    `con_factory()` opens build.duckdb read-write (closed again before anything reads it by ATTACH).
    `rules_rebuilt_whole`: the run rebuilt a contribution rule that is not kept by enterprise; if not,
    and its dbt build kept those by enterprise, the new file starts from the served one (serving_patch.py)."""
    root = serving_db.parent
    with con_factory() as con:
        changes = ledger.indicator_changes(con)
        patch = not rules_rebuilt_whole and ledger.rules_built_by_enterprise(con, refresh_id)
    tmp = root / f".{serving_db.stem}.{uuid.uuid4().hex[:8]}.duckdb.tmp"
    try:
        tables, patched = write_serving_file(build_db, tmp, patch_from=serving_db if patch else None)
    except BaseException:
        _remove_tmp(tmp)
        raise
    _write_journal(root, {"refresh_id": refresh_id, "tmp": tmp.name, "fingerprint": fingerprint})
    fault_point("before_swap")
    os.replace(tmp, serving_db)
    _sync_dir(root)
    fault_point("after_swap")
    with con_factory() as con:
        batches = ledger.commit_publication(con, refresh_id, fingerprint)
    fault_point("after_ledger")
    (root / JOURNAL).unlink(missing_ok=True)
    return {**changes, "batches": batches, "tables": tables, "patched": patched}


def _remove_tmp(tmp: Path) -> None:
    tmp.unlink(missing_ok=True)
    Path(str(tmp) + ".wal").unlink(missing_ok=True)


def recover(root: Path, con: duckdb.DuckDBPyConnection, keep_refresh_id: str | None = None) -> list[str]:
    """Finish or undo an interrupted publish, remove temporary files, roll back pending batches.

    Returns sentences saying what was done (empty when the warehouse was clean)."""
    done: list[str] = []
    journal = root / JOURNAL
    if journal.exists():
        try:
            entry = json.loads(journal.read_text(encoding="utf-8"))
        except ValueError:
            entry = {}  # torn journal: written before the rename, so the rename never happened
        tmp = root / entry.get("tmp", "-")
        if entry and not tmp.exists() and (root / "sti.duckdb").exists():
            ledger.commit_publication(con, entry["refresh_id"], entry.get("fingerprint"))
            done.append(
                f"completed the publication of refresh {entry['refresh_id']} "
                "(interrupted after sti.duckdb was replaced)"
            )
        else:
            done.append(
                f"undid the publication of refresh {entry.get('refresh_id', '?')} "
                "(interrupted before sti.duckdb was replaced)"
            )
        journal.unlink()
    # ... and the UTF-8 copy of a GB18030 file that a killed write step left (pipelines/write/duckdb_csv.py)
    strays = sorted(root.glob(_TMP_GLOB)) + sorted(root.glob(f".{JOURNAL}.tmp")) + sorted(root.glob(".sti-csv-*.csv"))
    for stray in strays:
        stray.unlink(missing_ok=True)
        done.append(f"removed the temporary file {stray.name}")
    undone = ledger.roll_back_unpublished(con, keep_refresh_id=keep_refresh_id)
    if undone:
        done.append(f"rolled back {undone} batch(es) an interrupted or failed refresh left unpublished")
    return done
