"""Parser tests: each tricky format of DESIGN §2 through the same `land_file` the refresh uses."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from pipelines.write.values import parse_bool, parse_date
from tests.harness import land_and_read

CERT_HEADER = "企业名称,统一社会信用代码,证书编号,发证日期,所属地区"


def _land(tmp_path: Path, source: str, name: str, content: bytes | None = None, workbook=None):
    folder = tmp_path / "drop" / source
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if workbook is not None:
        workbook.save(path)
    else:
        path.write_bytes(content or b"")
    return land_and_read(source, tmp_path / "drop", path)


def _rules(batch) -> set[str]:
    return {f.rule for f in batch.findings}


def test_gbk_csv_with_title_row(tmp_path):
    text = (
        "2023年第一批高新技术企业名单\n"
        + CERT_HEADER
        + "\n常州甲科技有限公司,91320400MA1XXXXX1X,GR202332001234,2023-11-06,320402\n"
    )
    batch, rows = _land(tmp_path, "hightech_certificates", "a.csv", text.encode("gbk"))
    assert batch.encoding == "gb18030"
    assert batch.header_row == 2
    assert not batch.findings
    assert rows["enterprise_name"] == ["常州甲科技有限公司"]
    assert rows["_row_number"] == [3]
    assert rows["issue_date"] == [dt.date(2023, 11, 6)]


def test_utf8_bom_csv_with_english_aliases(tmp_path):
    text = (
        "enterprise_name,uscc,certificate_no,issue_date,region\n"
        "甲,91320400MA1XXXXX1X,GR202332001234,20231106,天宁区\n"
    )
    batch, rows = _land(tmp_path, "hightech_certificates", "b.csv", b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert batch.encoding == "utf-8-sig"
    assert not batch.findings
    assert rows["issue_date"] == [dt.date(2023, 11, 6)]
    assert rows["region"] == ["天宁区"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2023-11-06", dt.date(2023, 11, 6)),
        ("2023/11/6", dt.date(2023, 11, 6)),
        ("2023.11.06", dt.date(2023, 11, 6)),
        ("20231106", dt.date(2023, 11, 6)),
        ("2023年11月6日", dt.date(2023, 11, 6)),
        ("2023-11-06 00:00:00", dt.date(2023, 11, 6)),
        ("2023-02-30", None),
        ("11/06/2023", None),
        ("next week", None),
    ],
)
def test_date_formats(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("是", True), ("否", False), ("Y", True), ("n", False), ("1", True), ("0", False),
     ("TRUE", True), ("false", False), ("maybe", None)],
)
def test_yes_no(text, expected):
    assert parse_bool(text) == expected


ROSTER_ZH = (
    "统一社会信用代码,企业名称,年度,所属地区,行业代码,工业总产值（亿元）,营业收入(元),工业增加值(万元),"
    "高新技术产业产值(万元),高新技术产业增加值(万元),R&D经费内部支出(万元),是否有研发活动,备注"
)


def test_money_units_from_header_full_width_brackets_and_extra_column(tmp_path):
    line = "91320400MA1XXXXX1X,甲,2023年,320402,3911,1.5,2000000,100,50,20,10,Y,重点企业"
    batch, rows = _land(tmp_path, "above_scale_industry", "r.csv", (ROSTER_ZH + "\n" + line + "\n").encode("utf-8"))
    assert not batch.findings, [f.one_line() for f in batch.findings]
    assert rows["gross_output"][0] == pytest.approx(15000.0)  # 1.5 亿元 = 15000 万元
    assert rows["revenue"][0] == pytest.approx(200.0)  # 2,000,000 元 = 200 万元
    assert rows["year"][0] == 2023
    assert bool(rows["has_rd_activity"][0]) is True
    assert json.loads(rows["_extra"][0]) == {"备注": "重点企业"}


def test_money_header_without_unit_is_rejected(tmp_path):
    header = ROSTER_ZH.replace("工业总产值（亿元）", "工业总产值")
    line = "91320400MA1XXXXX1X,甲,2023,320402,3911,1.5,2000000,100,50,20,10,Y,"
    batch, _ = _land(tmp_path, "above_scale_industry", "r.csv", (header + "\n" + line + "\n").encode("utf-8"))
    assert batch.rejected
    finding = next(f for f in batch.findings if f.rule == "money_header_without_unit")
    assert finding.header == "工业总产值" and "万元" in finding.fix


def test_xlsx_with_title_row_excel_dates_and_numeric_codes(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2023年第二批高新技术企业名单"])
    ws.append(CERT_HEADER.split(","))
    ws.append(["乙（常州）有限公司", "91320400MA1XXXXX1X", "GR202332001235", dt.datetime(2023, 12, 31), 320402])
    ws.append([None, None, None, None, None])  # blank rows are not data
    ws.append(["丙公司", "91320400MA1XXXXX2X", "GR202332001236", "2023年1月5日", "钟楼区"])
    batch, rows = _land(tmp_path, "hightech_certificates", "c.xlsx", workbook=wb)
    assert not batch.findings, [f.one_line() for f in batch.findings]
    assert batch.header_row == 2
    assert rows["_row_number"] == [3, 5]
    assert rows["issue_date"] == [dt.date(2023, 12, 31), dt.date(2023, 1, 5)]
    assert rows["region"] == ["320402", "钟楼区"]


def test_unparseable_values_name_row_and_value(tmp_path):
    text = CERT_HEADER + (
        "\n甲,91320400MA1XXXXX1X,GR202332001234,2023-13-45,320402"
        "\n乙,91320400MA1XXXXX2X,GR202332001235,2023-01-02,320402\n"
    )
    batch, _ = _land(tmp_path, "hightech_certificates", "d.csv", text.encode("utf-8"))
    [finding] = batch.findings
    assert finding.rule == "unparseable_date" and finding.examples == [(2, "2023-13-45")]


def test_undecodable_csv(tmp_path):
    content = CERT_HEADER.encode("utf-8") + b"\n\xff\xfe\x81\x20bad,\x80\x80\n"
    batch, _ = _land(tmp_path, "hightech_certificates", "e.csv", content)
    assert _rules(batch) == {"undecodable_file"}


def test_zero_byte_and_corrupt_xlsx(tmp_path):
    batch, _ = _land(tmp_path, "patents", "empty.csv", b"")
    assert _rules(batch) == {"empty_file"}
    batch, _ = _land(tmp_path, "patents", "broken.xlsx", b"PK\x03\x04 not really a zip")
    assert _rules(batch) == {"corrupt_xlsx"}


def test_missing_required_column_and_unknown_category(tmp_path):
    text = (
        "申请号,专利类型,申请日,专利权人,所属地区\n"
        "202310123456.7,发明专利,2023-01-01,甲,320402\n"
        "202320123456.1,植物新品种,2023-01-01,甲,320402\n"
    )
    batch, _ = _land(tmp_path, "patents", "p.csv", text.encode("utf-8"))
    assert "missing_column" in _rules(batch)
    assert any(f.column == "high_value" for f in batch.findings if f.rule == "missing_column")


def test_enum_aliases_map_to_canonical_values(tmp_path):
    text = (
        "申请号,专利类型,申请日,专利权人,所属地区,是否高价值\n"
        "202310123456.7,invention,2023-01-01,甲,320402,否\n"
        "202320123456.1,植物新品种,2023-01-01,甲,320402,是\n"
    )
    batch, rows = _land(tmp_path, "patents", "p.csv", text.encode("utf-8"))
    [finding] = batch.findings
    assert finding.rule == "unknown_category" and finding.examples == [(3, "植物新品种")]
    assert rows["patent_type"][0] == "发明"


def _forty_certificate_rows() -> str:
    return "".join(
        f"常州甲{i}科技有限公司,91320400MA1XXXXX1X,GR2023320012{i:02d},2023-11-06,天宁区\n" for i in range(40)
    )


def test_damaged_utf8_is_not_read_as_gbk(tmp_path):
    """UTF-8 text with one bad byte may still decode as GB18030 — as mojibake. Reject it."""
    rows = _forty_certificate_rows()
    content = (CERT_HEADER + "\n" + rows).encode("utf-8")
    content = content[:200] + b"\xff" + content[201:]
    batch, _ = _land(tmp_path, "hightech_certificates", "f.csv", content)
    [finding] = batch.findings
    assert finding.rule == "undecodable_file" and "UTF-8" in finding.message


def test_gbk_file_still_detected_as_gbk(tmp_path):
    rows = _forty_certificate_rows()
    batch, rows_out = _land(tmp_path, "hightech_certificates", "g.csv", (CERT_HEADER + "\n" + rows).encode("gbk"))
    assert batch.encoding == "gb18030" and not batch.findings
    assert rows_out["region"][0] == "天宁区"


GROWTH_HEADER = "企业名称,统一社会信用代码,类别,年度,所属地区"


def test_empty_level_is_read_as_the_level_the_category_implies(tmp_path):
    """DESIGN §2 growth_firm_lists: an empty 级别 (or no 级别 column) is the category's level."""
    u = "91320400MA1XXXXX1X"
    text = (
        GROWTH_HEADER + ",级别,有效期至\n"
        f'甲,{u},"专精特新""小巨人""企业",2023,320402,,2026-12-31\n'
        f"乙,{u},制造业单项冠军企业,2023,320402,,\n"
        f"丙,{u},潜在瞪羚企业,2023,320402,,2023年12月31日\n"
        f"丁,{u},专精特新中小企业,2023,320402,市级,\n"
    )
    batch, rows = _land(tmp_path, "growth_firm_lists", "tiers.csv", text.encode("utf-8"))
    assert not batch.findings
    assert rows["level"] == ["国家级", "国家级", "省级", "市级"]
    assert rows["valid_until"] == [dt.date(2026, 12, 31), None, dt.date(2023, 12, 31), None]

    old = GROWTH_HEADER + f"\n戊,{u},瞪羚企业,2019,320402\n"  # a list written before the tiers existed
    batch, rows = _land(tmp_path, "growth_firm_lists", "2019.csv", old.encode("utf-8"))
    assert not batch.findings
    assert rows["level"] == ["省级"] and rows["valid_until"] == [None]


def test_unknown_level_is_reported_not_implied(tmp_path):
    text = GROWTH_HEADER + ",级别\n" + "甲,91320400MA1XXXXX1X,瞪羚企业,2023,320402,县级\n"
    batch, _rows = _land(tmp_path, "growth_firm_lists", "bad.csv", text.encode("utf-8"))
    assert "unknown_category" in _rules(batch)
