"""A refresh reads a file of the drop only when its stat changed since the warehouse hashed it
(pipelines/write/file_hashes.py): an edited file is always read again, whatever its size and mtime."""

from __future__ import annotations

import json
import os
import shutil
import time

import pytest

from pipelines.publish.refresh_scope import RAW_ONLY, refresh_selection
from pipelines.write import file_hashes
from pipelines.write.drop import scan_drop
from pipelines.write.file_hashes import CACHE_FILE, SETTLE_NS, FileHashes
from tests import drops


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The files whose bytes were read to hash them."""
    seen: list[str] = []
    real = file_hashes.sha256_of

    def counting(path):
        seen.append(path.name)
        return real(path)

    monkeypatch.setattr(file_hashes, "sha256_of", counting)
    return seen


def _settle() -> None:
    time.sleep(SETTLE_NS / 1e9 + 0.2)


def test_unchanged_files_are_not_read_again_and_edited_ones_are(tmp_path, reads):
    warehouse, a, b = tmp_path / "wh", tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("x,y\n1,2\n", encoding="utf-8")
    b.write_text("x,y\n3,4\n", encoding="utf-8")
    _settle()
    first = FileHashes(warehouse)
    sha_a, sha_b = first.sha256(a), first.sha256(b)
    first.save()
    assert reads == ["a.csv", "b.csv"] and (warehouse / CACHE_FILE).exists()

    reads.clear()
    second = FileHashes(warehouse)
    assert (second.sha256(a), second.sha256(b)) == (sha_a, sha_b)
    assert reads == []

    # the same size, the old mtime put back: ctime still tells the edit
    stat = os.stat(a)
    a.write_text("x,y\n9,9\n", encoding="utf-8")
    os.utime(a, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert os.stat(a).st_size == stat.st_size and os.stat(a).st_mtime_ns == stat.st_mtime_ns
    third = FileHashes(warehouse)
    assert third.sha256(a) == file_hashes.sha256_of(a) != sha_a
    assert reads.count("a.csv") == 2 and "b.csv" not in reads


def test_a_file_still_being_written_is_not_remembered(tmp_path, reads):
    warehouse, a = tmp_path / "wh", tmp_path / "a.csv"
    a.write_text("x\n1\n", encoding="utf-8")
    hashes = FileHashes(warehouse)  # the default window: a.csv changed less than 2 s ago
    hashes.sha256(a)
    hashes.save()
    assert not (warehouse / CACHE_FILE).exists()
    FileHashes(warehouse).sha256(a)
    assert reads == ["a.csv", "a.csv"]


def test_a_damaged_cache_costs_a_read_not_a_wrong_hash(tmp_path, reads):
    warehouse, a = tmp_path / "wh", tmp_path / "a.csv"
    a.write_text("x\n1\n", encoding="utf-8")
    (warehouse / CACHE_FILE).parent.mkdir(parents=True)
    (warehouse / CACHE_FILE).write_text("{not json", encoding="utf-8")
    assert FileHashes(warehouse, settle_ns=0).sha256(a) == file_hashes.sha256_of(a)
    # an entry for this path with another file's identity and hash is not believed
    other = os.stat(a)
    entry = [other.st_size + 1, other.st_mtime_ns, other.st_ctime_ns, other.st_ino, other.st_dev, "0" * 64]
    (warehouse / CACHE_FILE).write_text(json.dumps({"format": 1, "files": {str(a.resolve()): entry}}), "utf-8")
    assert FileHashes(warehouse).sha256(a) == file_hashes.sha256_of(a)


def test_refresh_scope_reads_only_what_changed(tiny_drop, good_warehouse, tmp_path, reads):
    drop, warehouse = drops.copy_drop(tiny_drop, tmp_path / "drop"), tmp_path / "warehouse"
    shutil.copytree(good_warehouse, warehouse)
    _settle()
    assert refresh_selection(drop, warehouse) == RAW_ONLY
    batch_files = sorted(p.name for files in scan_drop(drop).batches.values() for p in files)
    assert sorted(reads) == batch_files  # a new copy of the drop: every batch file read once

    reads.clear()
    assert refresh_selection(drop, warehouse) == RAW_ONLY
    assert reads == []

    # a batch edited in place, same size and mtime: the refresh sees a new batch of its source
    certificates = next(p for p in (drop / "hightech_certificates").iterdir() if p.suffix == ".csv")
    stat = os.stat(certificates)
    data = certificates.read_bytes()
    assert b"2023" in data
    certificates.write_bytes(data.replace(b"2023", b"2022", 1))
    os.utime(certificates, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert os.stat(certificates).st_size == stat.st_size
    selection = refresh_selection(drop, warehouse)
    assert selection != RAW_ONLY and reads == [certificates.name]
