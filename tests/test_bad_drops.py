"""Write-audit-publish (DESIGN §3) against bad drops.

One good warehouse is refreshed from the tiny drop of `tests/drops.py` once per module;
every case copies that warehouse directory (copying the directory copies the warehouse) and
refreshes it with `sti refresh` on the good drop + one new good file + one new bad file.

- Audit gate: each defect of DESIGN §2 is rejected before anything reaches raw: exit code
  non-zero, sti.duckdb byte-for-byte unchanged, raw row counts unchanged (the new good
  file included: all-or-nothing), the file and rule named in the output, the batch rejected
  in audit.load_ledger with its report, a copy in quarantine/. The same drop is rejected
  again with the same report; without the bad file the refresh publishes the good one.
  `sti validate` on the bad drop names the file and changes nothing.
- Publish gate: batches that pass GX but break a dbt test (a region tree with a cycle) or a
  reconciliation check (R&D intensity out of range from a unit error) are rolled back.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests import drops
from tests.conftest import sha256_file
from tests.drops import (
    CERT_HEADERS,
    CITY,
    ECON_HEADERS,
    GROWTH_HEADERS,
    INCUBATOR_HEADERS,
    PATENT_HEADERS,
    RD_HEADERS,
    ROSTER_HEADERS,
    SME_HEADERS,
    TIANNING,
    ZHONGLOU,
    ZONE,
    uscc,
)
from tests.harness import Run, Snapshot, ledger_rows, marts_value, raw_counts, raw_files, refresh, run_sti, snapshot

# ---------------------------------------------------------------------------------------
# Fixtures and helpers


@pytest.fixture
def case(tiny_drop, good_warehouse, tmp_path):
    """(drop, warehouse, baseline): fresh copies of the good drop and the good warehouse."""
    warehouse = tmp_path / "warehouse"
    shutil.copytree(good_warehouse, warehouse)
    drop = drops.copy_drop(tiny_drop, tmp_path / "drop")
    return drop, warehouse, snapshot(warehouse)


# ---------------------------------------------------------------------------------------
# The defects: each writes one new file into the drop


def _truncated_xlsx() -> bytes:
    whole = drops.xlsx_bytes(RD_HEADERS, [[TIANNING, 2023, 44.0, "正式"]], title="R&D经费")
    return whole[: len(whole) // 2]


def _undecodable_csv() -> bytes:
    head = drops.csv_bytes(INCUBATOR_HEADERS, [["钟楼众创空间", "众创空间", "区级", 2023, ZHONGLOU, 900]])
    # 0x80 0xFF is valid neither in UTF-8 nor in GB18030 (a file saved in another code page)
    return head + "天宁孵化器".encode() + b"\x80\xff" + ",科技企业孵化器,市级,2023,320402,1200\n".encode()


@dataclass(frozen=True)
class Defect:
    id: str
    source: str
    name: str
    rule: str
    write: Callable[[Path, str, str], object]  # (drop, source, name)
    row: int | None  # row in the file of the first failing example, None for file-level rules
    good_source: str  # source of the new good file added beside it

    @property
    def file(self) -> str:
        return f"{self.source}/{self.name}"


def _table(headers, rows, **opts):
    return lambda drop, source, name: drops.add_table(drop, source, name, headers, rows, **opts)


def _bytes(data_fn):
    return lambda drop, source, name: drops.add_bytes(drop, source, name, data_fn())


def _bad_uscc() -> str:
    good = uscc(21)
    return good[:17] + ("0" if good[17] != "0" else "1")


DEFECTS = [
    Defect(
        "invalid_uscc", "hightech_certificates", "2023-补充-坏代码.csv", "uscc_check_digit",
        _table(CERT_HEADERS, [
            ["常州癸科技有限公司", uscc(20), "GR202332000401", "2023-12-01", TIANNING],
            ["常州子科技有限公司", _bad_uscc(), "GR202332000402", "2023-12-01", TIANNING],
        ], encoding="gb18030"),
        3, "patents",
    ),
    Defect(
        "missing_required_column", "tech_sme_registry", "2023-缺列.xlsx", "missing_column",
        _table([h for h in SME_HEADERS if h != "入库登记编号"],
               [["常州丑科技有限公司", uscc(22), 2023, TIANNING]], title="2023年科技型中小企业入库名单"),
        2, "regions",
    ),
    Defect(
        "money_header_without_unit", "above_scale_industry", "2023-无单位.csv", "money_header_without_unit",
        _table([h.replace("工业总产值(万元)", "工业总产值") for h in ROSTER_HEADERS],
               [[uscc(23), "常州寅机械有限公司", 2023, ZHONGLOU, "3421", 100, 100, 30, 0, 0, 0, "否"]]),
        1, "incubators",
    ),
    Defect(
        "duplicate_key_in_batch", "patents", "2023-重复.xlsx", "duplicate_key",
        _table(PATENT_HEADERS, [
            ["202310100010.1", "发明", "2023-02-01", None, None, "常州甲科技有限公司", uscc(1), TIANNING, "否"],
            ["202310100011.6", "实用新型", "2023-02-02", None, None, "常州甲科技有限公司", uscc(1), TIANNING, "否"],
            ["202310100010.1", "发明", "2023-02-01", None, None, "常州甲科技有限公司", uscc(1), TIANNING, "否"],
        ], title="2023年专利数据", dates=("申请日",)),
        3, "hightech_certificates",
    ),
    Defect(
        "unknown_region", "growth_firm_lists", "2023-未知地区.csv", "known_region",
        _table(GROWTH_HEADERS, [
            ["常州乙智能装备有限公司", uscc(2), "瞪羚企业", 2023, ZHONGLOU],
            ["常州卯科技有限公司", uscc(24), "瞪羚企业", 2023, "常州高新区"],
        ], encoding="utf-8-sig"),
        3, "growth_firm_lists",
    ),
    Defect(
        "undecodable_csv", "incubators", "2023-乱码.csv", "undecodable_file", _bytes(_undecodable_csv),
        None, "tech_sme_registry",
    ),
    Defect(
        "corrupt_xlsx", "rd_spending", "2023-损坏.xlsx", "corrupt_xlsx", _bytes(_truncated_xlsx),
        None, "regional_economy",
    ),
    Defect("zero_byte_file", "plan_targets", "空文件.csv", "empty_file", _bytes(lambda: b""), None, "rd_spending"),
    Defect(
        "future_date", "hightech_certificates", "2099-未来日期.xlsx", "date_in_future",
        _table(CERT_HEADERS, [
            ["常州辰科技有限公司", uscc(25), "GR209932000001", "2099-11-06", ZONE],
        ], title="高新技术企业认定名单", dates=("发证日期",)),
        3, "above_scale_industry",
    ),
    Defect(
        "grant_before_application", "patents", "2023-授权早于申请.csv", "grant_before_application",
        _table(PATENT_HEADERS, [
            ["202310100020.3", "发明", "2023-03-01", "2023-09-01", None, "常州乙智能装备有限公司", uscc(2), ZHONGLOU,
             "是"],
            ["202310100021.8", "发明", "2023-03-01", "2022-09-01", None, "常州乙智能装备有限公司", uscc(2), ZHONGLOU,
             "否"],
        ]),
        3, "plan_targets",
    ),
    Defect(
        "hightech_output_exceeds_gross_output", "above_scale_industry", "2023-补充.xlsx",
        "hightech_output_exceeds_gross_output",
        _table(ROSTER_HEADERS, [
            [uscc(26), "常州巳电子有限公司", 2023, TIANNING, "3976", 1000, 980, 300, 1200, 200, 50, "是"],
        ], title="规模以上工业企业名录（补充）"),
        3, "patents",
    ),
    Defect(
        # DESIGN §2 target rules: only a flow indicator can be summed over a horizon
        "cumulative_target_on_stock", "plan_targets", "累计存量指标.csv", "cumulative_target_on_non_flow",
        _table(drops.TARGET_HEADERS, [
            ["钟楼区科技创新行动方案", None, ZHONGLOU, "hightech_new_certified", "累计", None, None, 2022, 2025, ">=",
             10, "累计新认定高新技术企业10家。"],
            ["钟楼区科技创新行动方案", None, ZHONGLOU, "hightech_enterprise_count", "累计", None, None, 2022, 2025,
             ">=", 50, "高新技术企业累计达到50家。"],
        ]),
        3, "incubators",
    ),
    Defect(
        "target_value_and_multiple", "plan_targets", "目标值与倍数.csv", "target_value_xor_multiple",
        _table([*drops.TARGET_HEADERS, "目标倍数"], [
            ["钟楼区科技创新行动方案", None, ZHONGLOU, "hightech_enterprise_count", "存量", 2022, None, 2023, 2027,
             ">=", 100, "到2027年高新技术企业在2022年基础上翻番,达到100家。", 2],
        ]),
        2, "regions",
    ),
    Defect(
        "population_zero", "regional_economy", "2023-人口为零.csv", "not_positive",
        _table(ECON_HEADERS, [[ZONE, 2022, 380.2, 0, 3900, "正式"]]),
        2, "hightech_certificates",
    ),
]


def _defect_drop(drop: Path, defect: Defect) -> Path:
    good = drops.extra_good_file(drop, defect.good_source)
    defect.write(drop, defect.source, defect.name)
    return good


def _output_block(output: str, file: str) -> str:
    """The lines the CLI prints about one rejected file (from its name to the next file)."""
    start = output.index("REJECTED")
    lines = output[start:].splitlines()
    for i, line in enumerate(lines):
        if line.strip() == file:
            block = [line]
            for nxt in lines[i + 1 :]:
                if nxt.startswith("  ") and not nxt.startswith("    "):
                    break
                block.append(nxt)
            return "\n".join(block)
    raise AssertionError(f"{file} not listed under REJECTED:\n{output[start:]}")


def _findings(report: str | None) -> list[dict]:
    return json.loads(report or "[]")


def assert_rejected(defect: Defect, drop: Path, warehouse: Path, before: Snapshot, good: Path, run: Run) -> list[dict]:
    """Everything DESIGN §3 promises about a rejected refresh; returns the batch's findings."""
    good_file = good.relative_to(drop).as_posix()
    assert run.code == 1, f"exit code {run.code}\n{run.text}"
    assert sha256_file(warehouse / "sti.duckdb") == before.serving_sha, "sti.duckdb changed"
    assert raw_counts(warehouse) == before.raw, "rows reached raw"
    assert not {defect.file, good_file} & raw_files(warehouse)
    # the CLI names the file, the rule and (for row rules) the row, and says what to do
    block = _output_block(run.out, defect.file)
    assert defect.rule in block, block
    assert "fix:" in block, block
    if defect.row is not None:
        assert f"row {defect.row}" in block, block
    assert "Traceback" not in run.text
    # the ledger records the rejection with its report
    entries = ledger_rows(warehouse, defect.file)
    assert entries and entries[-1]["status"] == "rejected"
    findings = _findings(entries[-1]["report"])
    errors = [f for f in findings if f["severity"] == "ERROR"]
    assert defect.rule in {f["rule"] for f in errors}, findings
    assert all(f["file"] == defect.file and f["fix"] for f in errors)
    if defect.row is not None:
        rows = {e["row"] for f in errors if f["rule"] == defect.rule for e in f["examples"]}
        assert defect.row in rows, findings
    # the good file of the same refresh is not published either
    assert all(e["status"] != "published" for e in ledger_rows(warehouse, good_file))
    # a copy of the file is in quarantine
    sha = entries[-1]["sha256"]
    copy = warehouse / "quarantine" / defect.source / f"{sha[:12]}-{defect.name}"
    assert copy.is_file() and copy.read_bytes() == (drop / defect.file).read_bytes()
    # the refresh report lists it
    latest = json.loads((warehouse / "reports" / "refresh-latest.json").read_text(encoding="utf-8"))
    assert latest["outcome"] == "rejected" and defect.file in latest["rejected"]
    return findings


# ---------------------------------------------------------------------------------------
# Audit gate


def test_tiny_drop_is_published_whole(good_warehouse):
    con = duckdb.connect(str(good_warehouse / "build.duckdb"), read_only=True)
    try:
        statuses = dict(con.execute("SELECT status, count(*) FROM audit.load_ledger GROUP BY 1").fetchall())
    finally:
        con.close()
    assert statuses == {"published": len(drops.TINY_FILES)}
    assert marts_value(good_warehouse, "hightech_enterprise_count", CITY, 2023) == 4.0


def test_defects_live_in_different_sources_and_formats():
    assert len({d.source for d in DEFECTS}) >= 8
    assert {Path(d.name).suffix for d in DEFECTS} == {".csv", ".xlsx"}


@pytest.mark.parametrize("defect", DEFECTS, ids=[d.id for d in DEFECTS])
def test_bad_batch_is_rejected_and_nothing_is_published(defect, case):
    drop, warehouse, before = case
    good = _defect_drop(drop, defect)

    first = refresh(drop, warehouse)
    findings = assert_rejected(defect, drop, warehouse, before, good, first)

    # Left unchanged in the drop, it is rejected again, with the same report.
    again = refresh(drop, warehouse)
    assert_rejected(defect, drop, warehouse, before, good, again)
    entries = ledger_rows(warehouse, defect.file)
    assert [e["status"] for e in entries] == ["rejected", "rejected"]
    assert entries[0]["refresh_id"] != entries[1]["refresh_id"]
    assert _findings(entries[1]["report"]) == findings
    assert len(list((warehouse / "quarantine" / defect.source).iterdir())) == 1


def test_after_removing_the_bad_file_the_good_one_is_published(case):
    drop, warehouse, before = case
    defect = DEFECTS[0]  # invalid USCC beside a new patents file
    good = _defect_drop(drop, defect)
    good_file = good.relative_to(drop).as_posix()
    assert refresh(drop, warehouse).code == 1

    (drop / defect.file).unlink()
    run = refresh(drop, warehouse)
    assert run.code == 0, run.text
    assert sha256_file(warehouse / "sti.duckdb") != before.serving_sha
    after = raw_counts(warehouse)
    assert after == {**before.raw, defect.good_source: before.raw[defect.good_source] + 1}
    assert good_file in raw_files(warehouse)
    assert [e["status"] for e in ledger_rows(warehouse, good_file)] == ["rolled_back", "published"]
    # the rejection stays on record, and its quarantined copy with it
    assert [e["status"] for e in ledger_rows(warehouse, defect.file)] == ["rejected"]
    assert len(list((warehouse / "quarantine" / defect.source).iterdir())) == 1
    # the new patent (invention, granted 2023-10-30, 钟楼区) is counted
    assert marts_value(warehouse, "invention_patents_per_10k_pop", ZHONGLOU, 2023) == pytest.approx(2 / 63.4)


@pytest.mark.parametrize("defect", DEFECTS, ids=[d.id for d in DEFECTS])
def test_validate_names_the_bad_file_and_changes_nothing(defect, case):
    drop, warehouse, before = case
    _defect_drop(drop, defect)
    run = run_sti("validate", str(drop), "--warehouse", str(warehouse))
    assert run.code == 1, run.text
    assert f"REJECTED {defect.file}" in run.out, run.out
    assert defect.rule in run.out
    assert "Traceback" not in run.text
    # every other file of the drop passes
    assert run.out.count("REJECTED ") == 1, run.out
    assert sha256_file(warehouse / "sti.duckdb") == before.serving_sha
    assert sha256_file(warehouse / "build.duckdb") == before.build_sha
    assert not (warehouse / "quarantine").exists()


# ---------------------------------------------------------------------------------------
# Publish gate: GX passes, dbt tests / reconciliation checks fail


def _region_cycle(drop: Path) -> str:
    # A re-issued regions list that puts 常州市 under its own district: every row is fine on
    # its own (GX: codes unique, parent exists, level known); the tree is not.
    drops.add_table(drop, "regions", "zz-区划调整.csv", drops.REGIONS_HEADERS, [[CITY, "常州市", TIANNING, "市"]])
    return "regions/zz-区划调整.csv"


def _rd_unit_error(drop: Path) -> str:
    # 钟楼区 R&D of 2023 in 亿元 under a 万元 header: 37.9 亿元 written as 379000 "万元" would be
    # right; 3790000 is 379 亿元, 28 % of GDP. Non-negative money passes GX; rd_intensity fails.
    drops.add_table(drop, "rd_spending", "zz-钟楼区2023正式.csv",
                    ["所属地区", "年度", "R&D经费内部支出(万元)", "数据状态"], [[ZHONGLOU, 2023, 3790000, "正式"]])
    return "rd_spending/zz-钟楼区2023正式.csv"


@pytest.mark.parametrize(
    "make_bad, failing_test",
    [
        (_region_cycle, "assert_region_tree_has_one_root_per_region"),
        (_rd_unit_error, "recon_rd_intensity_between_0_and_10_pct"),
    ],
    ids=["region_cycle", "rd_intensity_out_of_range"],
)
def test_batch_passing_audit_but_failing_dbt_is_rolled_back(make_bad, failing_test, case):
    drop, warehouse, before = case
    good = drops.extra_good_file(drop, "patents")
    good_file = good.relative_to(drop).as_posix()
    bad_file = make_bad(drop)

    run = refresh(drop, warehouse)
    assert run.code == 2, run.text
    # the CLI's own message (not only dbt's log) names the failed test, a failing row, the
    # rolled-back batches and what to do
    assert f"test {failing_test}" in run.err, run.err
    assert "e.g. " in run.err and "fix:" in run.err
    assert bad_file in run.err and good_file in run.err
    assert "Traceback" not in run.text
    assert sha256_file(warehouse / "sti.duckdb") == before.serving_sha
    # the failing rows stay queryable, named in the message; no passing test left a view
    assert f"test_failures.{failing_test}" in run.err
    con = duckdb.connect(str(warehouse / "build.duckdb"), read_only=True)
    try:
        views = con.execute("SELECT view_name FROM duckdb_views() WHERE schema_name = 'test_failures'").fetchall()
    finally:
        con.close()
    assert failing_test in {v for (v,) in views}
    assert all(f"test {v}" in run.err for (v,) in views), (views, run.err)
    assert raw_counts(warehouse) == before.raw
    assert not {bad_file, good_file} & raw_files(warehouse)
    for file in (bad_file, good_file):
        assert [e["status"] for e in ledger_rows(warehouse, file)] == ["rolled_back"], file
    latest = json.loads((warehouse / "reports" / "refresh-latest.json").read_text(encoding="utf-8"))
    assert latest["outcome"] == "failed" and failing_test in latest["error"]

    if make_bad is _region_cycle:
        # fixed: the re-issued list is withdrawn; the good batch of the failed refresh is loaded again
        (drop / bad_file).unlink()
        fixed = refresh(drop, warehouse)
        assert fixed.code == 0, fixed.text
        assert sha256_file(warehouse / "sti.duckdb") != before.serving_sha
        assert raw_counts(warehouse) == {**before.raw, "patents": before.raw["patents"] + 1}
        assert [e["status"] for e in ledger_rows(warehouse, good_file)] == ["rolled_back", "published"]
        assert [e["status"] for e in ledger_rows(warehouse, bad_file)] == ["rolled_back"]
