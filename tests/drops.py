"""A tiny but complete source drop for fast refreshes in tests, and helpers to vary it.

`write_tiny_drop(dir)` writes all twelve sources (a handful of rows each) for one city with two
districts and a functional zone (常州市 320400: 天宁区 320402, 钟楼区 320404, 常州经开区),
under 江苏省, for the years 2022-2023. It mixes the formats of DESIGN §2: UTF-8, UTF-8 with
BOM and GBK CSVs, xlsx files with a title row and Excel date cells, 亿元 / 万元 / 元 headers,
regions by code and by name. Every USCC is valid (`pipelines.contract.uscc.make_uscc`).

A test that needs a variant copies the drop (`copy_drop`) and adds one file to it
(`add_table` for a well-formed CSV/xlsx, `add_bytes` for anything else). `extra_good_file`
gives a new valid batch of any source whose keys do not collide with the tiny drop's;
`with_dimension` rewrites an xlsx's stored sheet dimension (as some exporters get it wrong).
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile
from collections.abc import Sequence
from pathlib import Path

from pipelines.contract.uscc import make_uscc

YEARS = (2022, 2023)
PROVINCE, CITY, TIANNING, ZHONGLOU, ZONE = "320000", "320400", "320402", "320404", "CZJKQ"
REGION_NAMES = {
    PROVINCE: "江苏省",
    CITY: "常州市",
    TIANNING: "天宁区",
    ZHONGLOU: "钟楼区",
    ZONE: "常州经开区",
}

Row = Sequence[object]


def uscc(n: int, region: str = CITY) -> str:
    """The n-th valid USCC of the tiny drop (registered in `region`, a 6-digit code)."""
    return make_uscc(region if region.isdigit() else CITY, f"{n:08d}")


# ---------------------------------------------------------------------------------------
# The tables of the tiny drop: (source, file name, format options, headers, rows)

REGIONS_HEADERS = ["区划代码", "名称", "上级代码", "层级"]
REGIONS_ROWS: list[Row] = [
    [PROVINCE, "江苏省", None, "省"],
    [CITY, "常州市", PROVINCE, "市"],
    [TIANNING, "天宁区", CITY, "区县"],
    [ZHONGLOU, "钟楼区", CITY, "区县"],
    [ZONE, "常州经开区", CITY, "功能区"],
]

CERT_HEADERS = ["企业名称", "统一社会信用代码", "证书编号", "发证日期", "所属地区"]
CERT_ROWS: list[Row] = [
    ["常州甲科技有限公司", uscc(1), "GR202232000101", "2022-11-06", TIANNING],
    ["常州乙智能装备有限公司", uscc(2), "GR202232000102", "2022/11/6", "钟楼区"],
    ["常州丙新材料有限公司", uscc(3), "GR202332000201", "2023年12月1日", ZONE],
    ["常州丁电子有限公司", uscc(4), "GR202332000202", "20231201", CITY],
]

SME_HEADERS = ["企业名称", "统一社会信用代码", "入库登记编号", "入库年度", "所属地区"]
SME_ROWS: list[Row] = [
    ["常州甲科技有限公司", uscc(1), "2022320400000101", 2022, TIANNING],
    ["常州戊软件有限公司", uscc(5), "2022320400000102", 2022, ZHONGLOU],
    ["常州甲科技有限公司", uscc(1), "2023320400000101", 2023, TIANNING],
    ["常州己生物科技有限公司", uscc(6), "2023320400000102", 2023, ZONE],
]

GROWTH_HEADERS = ["企业名称", "统一社会信用代码", "类别", "年度", "所属地区"]
GROWTH_ROWS: list[Row] = [
    ["常州甲科技有限公司", uscc(1), "瞪羚企业", 2022, TIANNING],
    ["常州甲科技有限公司", uscc(1), "瞪羚企业", 2023, TIANNING],
    ["常州乙智能装备有限公司", uscc(2), '专精特新"小巨人"企业', 2023, ZHONGLOU],
    ["常州戊软件有限公司", uscc(5), "潜在独角兽企业", 2023, ZHONGLOU],
]

ROSTER_HEADERS = [
    "统一社会信用代码", "企业名称", "年度", "所属地区", "行业代码",
    "工业总产值(万元)", "营业收入(万元)", "工业增加值(万元)",
    "高新技术产业产值(万元)", "高新技术产业增加值(万元)", "R&D经费内部支出(万元)", "是否有研发活动",
]
ROSTER_ROWS: list[Row] = [
    [uscc(1), "常州甲科技有限公司", 2022, TIANNING, "3963", 52000, 50000, 12000, 40000, 9000, 1800, "是"],
    [uscc(2), "常州乙智能装备有限公司", 2022, ZHONGLOU, "3421", 81000, 79000, 17000, 30000, 6000, 2100, "是"],
    [uscc(7), "常州庚纺织有限公司", 2022, ZONE, "1711", 23000, 22500, 4100, 0, 0, 0, "否"],
    [uscc(1), "常州甲科技有限公司", 2023, TIANNING, "3963", 56000, 54000, 13000, 43000, 9800, 2000, "是"],
    [uscc(2), "常州乙智能装备有限公司", 2023, ZHONGLOU, "3421", 85000, 83000, 18000, 33000, 6500, 2300, "是"],
    [uscc(7), "常州庚纺织有限公司", 2023, ZONE, "1711", 21000, 20800, 3900, 0, 0, 0, "否"],
]

PATENT_HEADERS = [
    "申请号", "专利类型", "申请日", "授权日", "失效日期",
    "专利权人", "专利权人统一社会信用代码", "所属地区", "是否高价值",
]
PATENT_ROWS: list[Row] = [
    ["202010100001.5", "发明", "2020-03-02", "2022-05-10", None, "常州甲科技有限公司", uscc(1), TIANNING, "是"],
    ["202110100002.1", "发明", "2021-04-12", "2023-01-20", None, "常州乙智能装备有限公司", uscc(2), ZHONGLOU, "否"],
    ["202120100003.X", "实用新型", "2021-06-01", "2021-12-01", "2023-06-01", "常州甲科技有限公司", uscc(1), TIANNING,
     "否"],
    ["202210100004.8", "发明", "2022-02-14", None, None, "常州大学", None, CITY, "否"],
    ["202230100005.2", "外观设计", "2022-08-08", "2023-02-08", None, "常州丙新材料有限公司", uscc(3), ZONE, "否"],
]

RD_HEADERS = ["所属地区", "年度", "R&D经费内部支出(亿元)", "数据状态"]
RD_ROWS: list[Row] = [
    [CITY, 2022, 310.5, "正式"],
    [CITY, 2023, 338.2, "正式"],
    [TIANNING, 2022, 40.1, "正式"],
    [TIANNING, 2023, 43.6, "正式"],
    [ZHONGLOU, 2022, 35.2, "初步"],
    [ZHONGLOU, 2023, 37.9, "初步"],
]

ECON_HEADERS = ["所属地区", "年度", "地区生产总值(亿元)", "常住人口(万人)", "企业法人单位数", "数据状态"]
ECON_ROWS: list[Row] = [
    [CITY, 2022, 9550.1, 536.6, 152000, "正式"],
    [CITY, 2023, 10116.4, 537.5, 161000, "正式"],
    [TIANNING, 2022, 1320.7, 50.2, 16100, "正式"],
    [TIANNING, 2023, 1395.3, 50.6, 17050, "正式"],
    ["钟楼区", 2022, 1280.4, 63.1, 15500, "正式"],
    ["钟楼区", 2023, 1342.9, 63.4, 16200, "正式"],
]

INCUBATOR_HEADERS = ["载体名称", "载体类型", "级别", "认定年度", "所属地区", "孵化面积(平方米)"]
INCUBATOR_ROWS: list[Row] = [
    ["天宁创客空间", "众创空间", "市级", 2022, TIANNING, 3200],
    ["天宁创客空间", "众创空间", "省级", 2023, TIANNING, 3200],
    ["经开区科技企业孵化器", "科技企业孵化器", "国家级", 2022, ZONE, 25000],
]

# List tiers (级别, 有效期至): a second growth list in the newer layout; the first stays in the old one.
GROWTH_TIER_HEADERS = [*GROWTH_HEADERS, "级别", "有效期至"]
GROWTH_TIER_ROWS: list[Row] = [
    ["常州丙新材料有限公司", uscc(3), "潜在瞪羚企业", 2023, ZONE, "省级", "2023-12-31"],
    ["常州丁电子有限公司", uscc(4), "潜在瞪羚企业", 2023, CITY, "市级", None],
    ["常州戊软件有限公司", uscc(5), "种子独角兽企业", 2023, ZHONGLOU, None, None],
    ["常州乙智能装备有限公司", uscc(2), "制造业单项冠军企业", 2022, ZHONGLOU, None, "2022年12月30日"],
    ["常州庚纺织有限公司", uscc(7), "专精特新中小企业", 2022, ZONE, "市级", "2025-12-31"],
]

PLATFORM_HEADERS = [
    "平台名称", "平台类型", "级别", "认定年度", "依托单位", "依托单位统一社会信用代码", "所属地区",
    "是否重大创新平台", "是否通过贯标", "撤销年度",
]
PLATFORM_ROWS: list[Row] = [
    ["常州甲智能装备工程技术研究中心", "工程技术研究中心", "市级", 2021, "常州甲科技有限公司", uscc(1), TIANNING,
     "否", "否", None],
    # upgraded to 省级 in 2022, that recognition revoked in 2023 (back to 市级)
    ["常州甲智能装备工程技术研究中心", "工程技术研究中心", "省级", 2022, "常州甲科技有限公司", uscc(1), TIANNING,
     "是", "是", 2023],
    ["常州大学先进材料重点实验室", "重点实验室", "国家级", 2023, "常州大学", None, CITY, "是", None, None],
    ["常州乙智能装备企业技术中心", "企业技术中心", "市级", 2023, "常州乙智能装备有限公司", uscc(2), "钟楼区",
     None, "是", None],
    ["常州戊软件海外研发中心（德国）", "海外研发机构", "区级", 2022, "常州戊软件有限公司", uscc(5), ZHONGLOU,
     "否", "否", None],
]

CONTRACT_HEADERS = [
    "合同登记号", "登记日期", "合同类型", "成交额(万元)", "技术交易额(万元)", "卖方名称",
    "卖方统一社会信用代码", "所属地区", "买方名称", "买方所在地",
]
CONTRACT_ROWS: list[Row] = [
    ["2022320400000001", "2022-12-31", "技术开发", 150, 120, "常州甲科技有限公司", uscc(1), TIANNING,
     "上海某科技有限公司", "上海市"],
    ["2023320400000001", "2023-01-01", "技术服务", 80.5, 80.5, "常州大学", None, CITY, "常州乙智能装备有限公司",
     None],
]
# the statistics bureau's file states money in 亿元
CONTRACT_YI_HEADERS = [h.replace("(万元)", "(亿元)") for h in CONTRACT_HEADERS]
CONTRACT_YI_ROWS: list[Row] = [
    ["2023320400000002", "2023年12月31日", "技术转让", 0.12, 0.1, "常州乙智能装备有限公司", uscc(2), "钟楼区",
     "某新能源公司", "江苏省南京市"],
]

TARGET_HEADERS = [
    "规划名称", "文号", "地区", "指标代码", "目标类型", "基期年", "基期值",
    "起始年", "目标年", "比较", "目标值", "原文",
]
TARGET_ROWS: list[Row] = [
    ["常州市“十四五”科技创新规划", "常政发〔2021〕88号", CITY, "rd_intensity", "存量", 2020, 2.9, 2021, 2025, ">=",
     3.5, "到2025年，全社会研发经费支出占地区生产总值比重达到3.5%。"],
    ["常州市“十四五”科技创新规划", "常政发〔2021〕88号", CITY, "hightech_enterprise_count", "存量", None, None,
     2021, 2025, ">=", 5, "到2025年，有效高新技术企业数达到5家。"],
]

# (source, file, fmt, encoding / title, headers, rows)
TINY_FILES: list[tuple[str, str, dict, list[str], list[Row]]] = [
    ("regions", "regions.csv", {"encoding": "utf-8"}, REGIONS_HEADERS, REGIONS_ROWS),
    ("hightech_certificates", "2022-2023.csv", {"encoding": "gb18030"}, CERT_HEADERS, CERT_ROWS),
    ("tech_sme_registry", "入库名单.xlsx", {"title": "科技型中小企业入库名单"}, SME_HEADERS, SME_ROWS),
    ("growth_firm_lists", "lists.csv", {"encoding": "utf-8-sig"}, GROWTH_HEADERS, GROWTH_ROWS),
    ("above_scale_industry", "roster.csv", {"encoding": "utf-8"}, ROSTER_HEADERS, ROSTER_ROWS),
    ("patents", "patents.xlsx", {"title": "专利数据", "dates": ("申请日", "授权日", "失效日期")},
     PATENT_HEADERS, PATENT_ROWS),
    ("rd_spending", "rd.csv", {"encoding": "utf-8"}, RD_HEADERS, RD_ROWS),
    ("regional_economy", "economy.xlsx", {"title": "地区经济基本情况"}, ECON_HEADERS, ECON_ROWS),
    ("incubators", "carriers.csv", {"encoding": "gb18030"}, INCUBATOR_HEADERS, INCUBATOR_ROWS),
    ("growth_firm_lists", "lists-tiers.csv", {"encoding": "utf-8"}, GROWTH_TIER_HEADERS, GROWTH_TIER_ROWS),
    ("innovation_platforms", "平台名单.xlsx", {"title": "创新平台与研发机构认定名单"}, PLATFORM_HEADERS,
     PLATFORM_ROWS),
    ("tech_contracts", "contracts-2022.csv", {"encoding": "gb18030"}, CONTRACT_HEADERS, CONTRACT_ROWS),
    ("tech_contracts", "contracts-2023.csv", {"encoding": "utf-8"}, CONTRACT_YI_HEADERS, CONTRACT_YI_ROWS),
    ("plan_targets", "targets.csv", {"encoding": "utf-8-sig"}, TARGET_HEADERS, TARGET_ROWS),
]


def tiny_row_counts() -> dict[str, int]:
    counts: dict[str, int] = {}
    for source, _name, _opts, _headers, rows in TINY_FILES:
        counts[source] = counts.get(source, 0) + len(rows)
    return counts


# ---------------------------------------------------------------------------------------
# Writers


def _cell_text(value: object) -> str:
    return "" if value is None else str(value)


def csv_bytes(headers: Sequence[str], rows: Sequence[Row], encoding: str = "utf-8", title: str | None = None) -> bytes:
    import csv

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if title:
        writer.writerow([title])
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_cell_text(v) for v in row])
    text = buf.getvalue()
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode(encoding)


def _excel_value(header: str, value: object, dates: Sequence[str]) -> object:
    if header in dates and isinstance(value, str):
        return dt.datetime.strptime(value, "%Y-%m-%d")  # stored as an Excel date cell
    return value


def xlsx_bytes(
    headers: Sequence[str], rows: Sequence[Row], title: str | None = None, dates: Sequence[str] = ()
) -> bytes:
    """An xlsx workbook (first sheet) with an optional title row; columns named in `dates`
    hold Excel date cells. Zip timestamps are pinned so the bytes are deterministic."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(list(headers))
    for row in rows:
        ws.append([_excel_value(h, v, dates) for h, v in zip(headers, row, strict=True)])
    fixed = dt.datetime(2025, 1, 1, 9, 0, 0)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                import re

                pinned = rb"\g<1>2025-01-01T09:00:00Z\g<2>"
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", pinned, data)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 9, 0, 0)), data)
    return out.getvalue()


def table_bytes(name: str, headers: Sequence[str], rows: Sequence[Row], **opts) -> bytes:
    if name.endswith(".xlsx"):
        return xlsx_bytes(headers, rows, title=opts.get("title"), dates=opts.get("dates", ()))
    return csv_bytes(headers, rows, encoding=opts.get("encoding", "utf-8"), title=opts.get("title"))


def add_bytes(drop: Path, source: str, name: str, data: bytes) -> Path:
    """Put one file with exactly these bytes into `drop/source/name`."""
    path = drop / source / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def add_table(drop: Path, source: str, name: str, headers: Sequence[str], rows: Sequence[Row], **opts) -> Path:
    """Write a CSV (opts: encoding, title) or xlsx (opts: title, dates) batch into the drop."""
    return add_bytes(drop, source, name, table_bytes(name, headers, rows, **opts))


def write_tiny_drop(drop: Path) -> Path:
    drop.mkdir(parents=True, exist_ok=True)
    for source, name, opts, headers, rows in TINY_FILES:
        add_table(drop, source, name, headers, rows, **opts)
    return drop


def copy_drop(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


# ---------------------------------------------------------------------------------------
# New valid batches (keys that do not collide with the tiny drop's)

EXTRA_GOOD: dict[str, tuple[list[str], list[Row]]] = {
    "regions": (REGIONS_HEADERS, [["320411", "新北区", CITY, "区县"]]),
    "hightech_certificates": (
        CERT_HEADERS, [["常州辛光电有限公司", uscc(8), "GR202332000301", "2023-12-20", ZHONGLOU]]
    ),
    "tech_sme_registry": (SME_HEADERS, [["常州壬医疗器械有限公司", uscc(9), "2023320400000201", 2023, TIANNING]]),
    "growth_firm_lists": (GROWTH_HEADERS, [["常州丙新材料有限公司", uscc(3), "专精特新中小企业", 2023, ZONE]]),
    "above_scale_industry": (
        ROSTER_HEADERS,
        [[uscc(8), "常州辛光电有限公司", 2023, ZHONGLOU, "3976", 30500, 29800, 6900, 21000, 4700, 900, "是"]],
    ),
    "patents": (
        PATENT_HEADERS,
        [["202310100006.4", "发明", "2023-01-09", "2023-10-30", None, "常州辛光电有限公司", uscc(8), ZHONGLOU, "是"]],
    ),
    "rd_spending": (RD_HEADERS, [[ZHONGLOU, 2023, 38.4, "正式"]]),
    "regional_economy": (ECON_HEADERS, [[ZONE, 2023, 402.5, 10.3, 4100, "正式"]]),
    "incubators": (INCUBATOR_HEADERS, [["钟楼加速器", "加速器", "市级", 2023, ZHONGLOU, 8000]]),
    "innovation_platforms": (
        PLATFORM_HEADERS,
        [["钟楼新型研发机构", "新型研发机构", "市级", 2023, "常州辛光电有限公司", uscc(8), ZHONGLOU, "否", "否", None]],
    ),
    "tech_contracts": (
        CONTRACT_HEADERS,
        [["2023320400000009", "2023-06-30", "技术咨询", 12, 12, "常州辛光电有限公司", uscc(8), ZHONGLOU, "某公司",
          None]],
    ),
    "plan_targets": (
        TARGET_HEADERS,
        [["钟楼区科技创新行动方案", None, ZHONGLOU, "tech_sme_count", "年度", None, None, 2022, 2023, ">=", 1,
          "每年新增入库科技型中小企业不少于1家。"]],
    ),
}


def extra_good_file(drop: Path, source: str, name: str | None = None, **opts) -> Path:
    """Add a new valid one-row batch of `source` to the drop; returns its path."""
    headers, rows = EXTRA_GOOD[source]
    name = name or f"extra-{source}.csv"
    return add_table(drop, source, name, headers, rows, **opts)


def with_dimension(xlsx: bytes, ref: str) -> bytes:
    """The workbook with the first sheet's stored <dimension ref> replaced (as some exporters
    write it wrong, e.g. "A1" for a whole list)."""
    import re

    src = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>'.encode(), data)
                assert n == 1, "no <dimension> element in the sheet"
            dst.writestr(info, data)
    return out.getvalue()
