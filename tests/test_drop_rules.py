"""DESIGN §2 drop rules through `sti refresh` and `sti validate`: only known source folders are read;
an unknown folder or a symlink rejects the refresh by name; a nested folder, a stray file at the top
and editor debris are reported and not loaded. No published number changes in any of these cases."""

from __future__ import annotations

import os
import shutil

import duckdb
import pytest

from pipelines.contract.sources import SOURCES
from pipelines.publish import ledger
from tests import drops
from tests.drops import SME_HEADERS, TIANNING, uscc
from tests.harness import raw_files, refresh, run_sti, snapshot


@pytest.fixture
def case(tiny_drop, good_warehouse, tmp_path):
    warehouse = tmp_path / "warehouse"
    shutil.copytree(good_warehouse, warehouse)
    return drops.copy_drop(tiny_drop, tmp_path / "drop"), warehouse, snapshot(warehouse)


def _sme_rows(n: int) -> list[list[object]]:
    # Registrations the published list does not have: loading them would change tech_sme_count.
    return [[f"常州草稿{i}有限公司", uscc(60 + i), f"2023320400009{i:03d}", 2023, TIANNING] for i in range(n)]


def test_unknown_source_folder_rejects_the_refresh_by_name(case):
    drop, warehouse, before = case
    drops.add_table(drop, "tech_sme", "2023年科技型中小企业入库名单.csv", SME_HEADERS, _sme_rows(3))
    run = refresh(drop, warehouse)
    assert run.code == 1, run.text
    assert "tech_sme/" in run.text and "unknown_source_folder" in run.text
    assert "rename it tech_sme_registry/" in run.text  # the fix names the folder it probably meant
    assert "nothing was published" in run.text and "new batches: none" not in run.text
    assert snapshot(warehouse).serving_sha == before.serving_sha
    assert snapshot(warehouse).raw == before.raw

    checked = run_sti("validate", str(drop), "--warehouse", str(warehouse))
    assert checked.code == 1 and "tech_sme/" in checked.out and "every file passes" not in checked.out


def test_nested_draft_folder_is_reported_and_not_loaded(case):
    drop, warehouse, before = case
    drops.add_table(drop, "tech_sme_registry", "旧版/2023年入库名单_草稿.csv", SME_HEADERS, _sme_rows(5))
    run = refresh(drop, warehouse)
    assert run.code == 0, run.text
    assert "tech_sme_registry/旧版/" in run.text and "nested_folder" in run.text
    assert not any("旧版" in f for f in raw_files(warehouse))
    assert snapshot(warehouse).serving_sha == before.serving_sha  # not a value changed


def test_symlink_out_of_the_drop_is_never_read(case, tmp_path):
    drop, warehouse, before = case
    secret = tmp_path / "secret.csv"
    secret.write_text("企业名称,统一社会信用代码\nSECRET-TOKEN-42,x\n", encoding="utf-8")
    os.symlink(secret, drop / "patents" / "linked.csv")
    run = refresh(drop, warehouse)
    assert run.code == 1, run.text
    assert "patents/linked.csv" in run.text and "symlink_in_drop" in run.text
    assert snapshot(warehouse).serving_sha == before.serving_sha
    quarantined = [p.read_bytes() for p in (warehouse / "quarantine").rglob("*") if p.is_file()]
    assert not any(b"SECRET-TOKEN" in data for data in quarantined)


def test_symlinked_source_folder_rejects_the_refresh(case, tmp_path):
    drop, warehouse, before = case
    elsewhere = tmp_path / "elsewhere"
    shutil.move(drop / "incubators", elsewhere)
    os.symlink(elsewhere, drop / "incubators")
    run = refresh(drop, warehouse)
    assert run.code == 1 and "symlink_in_drop" in run.text and "incubators" in run.text
    assert snapshot(warehouse).serving_sha == before.serving_sha


def test_stray_files_are_reported_not_silently_skipped(case):
    drop, warehouse, before = case
    (drop / "说明.txt").write_text("readme", encoding="utf-8")
    (drop / "patents" / "~$patents.xlsx").write_bytes(b"lock")
    run = refresh(drop, warehouse)
    assert run.code == 0, run.text
    assert "说明.txt" in run.text and "file_outside_source_folder" in run.text
    assert "patents/~$patents.xlsx" in run.text and "ignored_file" in run.text
    assert snapshot(warehouse).serving_sha == before.serving_sha


def test_row_count_warning_compares_like_with_like(tmp_path):
    """A revocation list (issue, region... plus 取消日期) is compared with earlier revocation lists, not
    with the certificate list that happens to be the latest batch of the source."""
    con = duckdb.connect(str(tmp_path / "ledger.duckdb"))
    ledger.ensure_schemas(con)
    lists = {
        "enterprise_name": "企业名称",
        "uscc": "统一社会信用代码",
        "certificate_no": "证书编号",
        "issue_date": "发证日期",
        "region": "所属地区",
    }
    revocations = {**lists, "revoked_date": "取消日期"}
    for i, (header_map, rows) in enumerate([(revocations, 12), (lists, 4000), (lists, 3900)]):
        ledger.record_landed(
            con,
            refresh_id="r",
            source="hightech_certificates",
            file=f"f{i}.csv",
            sha256=f"s{i}",
            row_count=rows,
            status="landed",
            header_map=header_map,
            findings=[],
        )
        ledger.mark_pending(con, "r", f"s{i}", i + 1, ledger.now())
    con.execute("UPDATE audit.load_ledger SET status = 'published'")  # as commit_publication would
    assert ledger.previous_row_count(con, "hightech_certificates", set(revocations)) == 12
    assert ledger.previous_row_count(con, "hightech_certificates", set(lists)) == 3900
    assert ledger.previous_row_count(con, "patents", set(lists)) is None
    con.close()


def test_every_known_source_folder_is_read(tiny_drop):
    from pipelines.write.drop import scan_drop

    inventory = scan_drop(tiny_drop)
    assert not inventory.findings
    assert {s for s, files in inventory.batches.items() if files} == set(SOURCES)
