"""Create a throwaway build database with a handful of hand-made raw rows, for developing
and testing the dbt project without running the ingestion.

    PYTHONPATH=/work/main .venv/bin/python dbt_project/scripts/make_dev_raw.py /tmp/dev_build.duckdb
    PYTHONPATH=/work/main .venv/bin/python dbt_project/scripts/make_dev_raw.py /tmp/empty.duckdb --empty
    cd dbt_project && STI_BUILD_DB=/tmp/dev_build.duckdb ../.venv/bin/dbt build --profiles-dir .

The rows exercise the rules the models implement: regions written as code or name, a later
batch superseding an earlier one, a 正式 figure loaded before its 初步 one, a city whose own
GDP differs from the sum of its districts, a region without its own figure (children sum)
and one with a child missing, certificate and patent year-end boundaries, a carrier that is
upgraded and later revoked. `--empty` creates the schemas only (every raw table empty).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import duckdb

from pipelines.contract.sources import SOURCES
from pipelines.publish.schema import all_ddl

D = dt.date

# Batches: (load_id, source, file, status). Publication order = load_id.
BATCHES = [
    (1, "regions", "regions/regions.csv", "published"),
    (2, "regional_economy", "regional_economy/2023_final.csv", "published"),  # 正式 first
    (3, "regional_economy", "regional_economy/2023_prelim.xlsx", "published"),  # 初步 later
    (4, "rd_spending", "rd_spending/rd_2022_2023.csv", "published"),
    (5, "hightech_certificates", "hightech_certificates/2020-2023.csv", "published"),
    (6, "hightech_certificates", "hightech_certificates/2023_reissue.csv", "published"),
    (7, "tech_sme_registry", "tech_sme_registry/2022-2023.csv", "published"),
    (8, "growth_firm_lists", "growth_firm_lists/lists.csv", "published"),
    (9, "above_scale_industry", "above_scale_industry/2022-2023.csv", "published"),
    (10, "patents", "patents/patents.csv", "published"),
    (11, "incubators", "incubators/carriers.xlsx", "published"),
    (12, "plan_targets", "plan_targets/targets.csv", "published"),
    (13, "rd_spending", "rd_spending/rd_2023_final.csv", "pending"),
]

CZ, TN, ZL, JKQ = "320400", "320402", "320404", "CZJKQ"
PX, AY, XD = "360300", "360302", "360313"

ROWS: dict[str, list[tuple]] = {
    # region_code, region_name, parent_code, level
    "regions": [
        ("320000", "江苏省", None, "省"),
        (CZ, "常州市", "320000", "市"),
        (TN, "天宁区", CZ, "区县"),
        (ZL, "钟楼区", CZ, "区县"),
        (JKQ, "常州经开区", CZ, "功能区"),
        ("360000", "江西省", None, "省"),
        (PX, "萍乡市", "360000", "市"),
        (AY, "安源区", PX, "区县"),
        (XD, "湘东区", PX, "区县"),
        ("500000", "重庆市", None, "省"),
        ("500114", "黔江区", "500000", "区县"),
    ],
    # region, year, gdp(万元), population_10k, enterprise_legal_entities, status
    "regional_economy": [
        # batch 2: final figures
        (CZ, 2022, 9_550_000.0, 536.6, 230_000, "正式"),
        ("常州市", 2023, 10_116_000.0, 537.5, 240_000, "正式"),
        (TN, 2023, 1_300_000.0, 80.0, 30_000, "正式"),
        (ZL, 2023, 1_400_000.0, 70.0, 32_000, "正式"),
        (JKQ, 2023, 600_000.0, 30.0, 8_000, "正式"),
        (AY, 2023, 2_000_000.0, 50.0, 9_000, "正式"),
        ("500114", 2023, 2_800_000.0, 48.6, 12_000, "正式"),
        # batch 3: preliminary figures published later (must not win over 正式)
        (CZ, 2023, 9_999_999.0, 537.0, 239_000, "初步"),
        (TN, 2022, 1_250_000.0, 79.0, 29_000, "初步"),
        (ZL, 2022, 1_350_000.0, 69.0, 31_000, "初步"),
        (JKQ, 2022, 580_000.0, 29.5, 7_800, "初步"),
        (AY, 2022, 1_900_000.0, 49.0, 8_800, "初步"),
        (XD, 2022, 1_500_000.0, 38.0, 7_000, "初步"),
        ("500114", 2022, 2_700_000.0, 48.0, 11_500, "初步"),
    ],
    # region, year, rd_expenditure(万元), status
    "rd_spending": [
        (CZ, 2022, 300_000.0, "正式"),
        (CZ, 2023, 320_000.0, "初步"),
        (AY, 2022, 30_000.0, "正式"),
        (XD, 2022, 20_000.0, "正式"),
        ("黔江区", 2023, 25_000.0, "初步"),
        # batch 13 (pending): the final 2023 figure for 常州市
        ("常州市", 2023, 325_000.0, "正式"),
    ],
    # enterprise_name, uscc, certificate_no, issue_date, region, revoked_date
    "hightech_certificates": [
        ("常州甲科技（集团）有限公司", "91320400MA1AAAAA1X", "GR202032000001", D(2020, 12, 31), TN, None),
        ("常州乙电子有限公司", "91320400MA1BBBBB2X", "GR202132000002", D(2021, 1, 1), "钟楼区", None),
        ("常州丙材料有限公司", "91320400MA1CCCCC3X", "GR202232000003", D(2022, 6, 1), JKQ, D(2023, 12, 31)),
        ("常州丁装备有限公司", "91320400MA1DDDDD4X", "GR202332000004", D(2023, 11, 6), ZL, None),
        ("萍乡戊陶瓷有限公司", "91360300MA1EEEEE5X", "GR202136000005", D(2021, 10, 1), AY, None),
        ("黔江己食品有限公司", "91500114MA1FFFFF6X", "GR202250000006", D(2022, 12, 1), "500114", None),
        ("常州庚软件有限公司", "91320400MA1GGGGG7X", "GR202332000007", D(2023, 3, 1), TN, None),
    ],
    # (batch 6 re-issues certificate 7 with a corrected region, see below)
    # enterprise_name, uscc, registration_no, year, region
    "tech_sme_registry": [
        ("常州甲科技(集团)有限公司", "91320400MA1AAAAA1X", "20223204000001", 2022, TN),
        ("常州乙电子有限公司", "91320400MA1BBBBB2X", "20233204000002", 2023, ZL),
        ("常州乙电子有限公司", "91320400MA1BBBBB2X", "20233204000003", 2023, JKQ),
        ("萍乡戊陶瓷有限公司", "91360300MA1EEEEE5X", "20233603000004", 2023, "安源区"),
    ],
    # enterprise_name, uscc, category, year, region
    "growth_firm_lists": [
        ("常州甲科技有限公司", "91320400MA1AAAAA1X", "瞪羚企业", 2022, TN),
        ("常州甲科技有限公司", "91320400MA1AAAAA1X", "瞪羚企业", 2023, TN),
        ("常州乙电子有限公司", "91320400MA1BBBBB2X", "潜在独角兽企业", 2023, ZL),
        ("常州丙材料有限公司", "91320400MA1CCCCC3X", "专精特新中小企业", 2022, JKQ),
        ("常州丙材料有限公司", "91320400MA1CCCCC3X", '专精特新"小巨人"企业', 2023, JKQ),
        ("黔江己食品有限公司", "91500114MA1FFFFF6X", '专精特新"小巨人"企业', 2023, "500114"),
    ],
    # uscc, enterprise_name, year, region, industry_code, gross_output, revenue, value_added,
    # hightech_output, hightech_value_added, rd_expenditure, has_rd_activity
    "above_scale_industry": [
        ("91320400MA1AAAAA1X", "常州甲科技有限公司", 2022, TN, "3962", 50_000.0, 48_000.0, 12_000.0, 30_000.0, 7_000.0, 1_500.0, True),
        ("91320400MA1AAAAA1X", "常州甲科技有限公司", 2023, TN, "3962", 60_000.0, 58_000.0, 14_000.0, 40_000.0, 9_000.0, 2_000.0, True),
        ("91320400MA1HHHHH8X", "常州辛机械有限公司", 2023, ZL, "3421", 20_000.0, 19_000.0, 4_000.0, 0.0, 0.0, 0.0, False),
        ("91320400MA1DDDDD4X", "常州丁装备有限公司", 2023, JKQ, "3511", 30_000.0, 29_000.0, 6_000.0, 10_000.0, 2_000.0, 600.0, True),
        ("91360300MA1EEEEE5X", "萍乡戊陶瓷有限公司", 2023, AY, "3072", 10_000.0, 9_500.0, 2_500.0, 4_000.0, 1_000.0, 150.0, True),
    ],
    # application_no, patent_type, application_date, grant_date, lapse_date, holder_name,
    # holder_uscc, region, high_value
    "patents": [
        ("202010000001.1", "发明", D(2020, 3, 1), D(2022, 12, 31), None, "常州甲科技（集团）有限公司", "91320400MA1AAAAA1X", TN, True),
        ("202010000002.2", "发明", D(2020, 4, 1), D(2021, 5, 1), D(2023, 12, 31), "常州乙电子有限公司", "91320400MA1BBBBB2X", ZL, False),
        ("202010000003.3", "发明", D(2021, 4, 1), D(2023, 1, 1), None, "常州大学", None, JKQ, True),
        ("202020000004.4", "实用新型", D(2021, 4, 1), D(2021, 9, 1), None, "常州乙电子有限公司", "91320400MA1BBBBB2X", ZL, False),
        ("202110000005.5", "发明", D(2021, 6, 1), None, None, "常州丙材料有限公司", "91320400MA1CCCCC3X", JKQ, False),
        ("202110000006.6", "发明", D(2021, 6, 1), D(2022, 8, 1), None, "黔江己食品有限公司", "91500114MA1FFFFF6X", "黔江区", True),
    ],
    # carrier_name, carrier_type, level, year_recognized, region, area_m2, year_revoked
    "incubators": [
        # upgraded 区级 2020 -> 市级 2021 -> 省级 2022, 省级 revoked 2023
        ("常州创研港众创空间", "众创空间", "区级", 2020, TN, 2_000.0, None),
        ("常州创研港众创空间", "众创空间", "市级", 2021, TN, 2_500.0, None),
        ("常州创研港众创空间", "众创空间", "省级", 2022, TN, 3_000.0, 2023),
        ("钟楼科技企业孵化器", "科技企业孵化器", "国家级", 2022, ZL, 20_000.0, None),
        ("经开区加速器", "加速器", "市级", 2023, JKQ, 15_000.0, None),
        ("萍乡双创孵化器", "科技企业孵化器", "省级", 2023, PX, 8_000.0, None),
    ],
    # plan_name, document_no, region, indicator_code, kind, base_year, base_value,
    # start_year, target_year, comparator, target_value, clause
    "plan_targets": [
        ("常州市科技型企业倍增行动工作计划(2023-2027年)", "常科发〔2023〕46号", CZ, "hightech_enterprise_count", "存量", None, None, 2023, 2027, ">", 8000.0, "到2027年底,全市高新技术企业数超8000家"),
        ("萍乡市科创智企工程实施方案", None, "萍乡市", "rd_intensity", "存量", None, None, 2021, 2025, ">=", 2.6, "R&D经费占全市GDP比重达到2.6%以上"),
    ],
}

# Batch 6 re-issues certificate GR202332000007 (later batch wins: region 钟楼区).
REISSUE = ("常州庚软件有限公司", "91320400MA1GGGGG7X", "GR202332000007", D(2023, 3, 1), ZL, None)

BATCH_OF = {
    "regions": [1] * 11,
    "regional_economy": [2] * 7 + [3] * 7,
    "rd_spending": [4] * 5 + [13],
    "hightech_certificates": [5] * 7,
    "tech_sme_registry": [7] * 4,
    "growth_firm_lists": [8] * 6,
    "above_scale_industry": [9] * 5,
    "patents": [10] * 6,
    "incubators": [11] * 6,
    "plan_targets": [12] * 2,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--empty", action="store_true", help="schemas only, no rows")
    args = parser.parse_args()

    args.path.unlink(missing_ok=True)
    con = duckdb.connect(str(args.path))
    for stmt in all_ddl():
        con.execute(stmt)
    if not args.empty:
        files = {load_id: file for load_id, _, file, _ in BATCHES}
        now = dt.datetime(2024, 6, 1, 8, 0)
        for load_id, source, file, status in BATCHES:
            con.execute(
                "insert into audit.load_ledger (load_id, source, file, sha256, row_count, status,"
                " refresh_id, loaded_at, published_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [load_id, source, file, f"{load_id:064x}", BATCH_OF[source].count(load_id),
                 status, "dev-refresh", now, None if status == "pending" else now],
            )
        rows = {k: list(v) for k, v in ROWS.items()}
        rows["hightech_certificates"].append(REISSUE)
        batch_of = dict(BATCH_OF)
        batch_of["hightech_certificates"] = BATCH_OF["hightech_certificates"] + [6]
        for source, source_rows in rows.items():
            cols = SOURCES[source].column_names
            placeholders = ", ".join(["?"] * (len(cols) + 4))
            col_sql = ", ".join(f'"{c}"' for c in cols + ["_extra", "_load_id", "_source_file", "_row_number"])
            per_file_row: dict[int, int] = {}
            for row, load_id in zip(source_rows, batch_of[source], strict=True):
                per_file_row[load_id] = per_file_row.get(load_id, 1) + 1  # header is row 1
                con.execute(
                    f'insert into raw."{source}" ({col_sql}) values ({placeholders})',
                    [*row, "{}", load_id, files[load_id], per_file_row[load_id]],
                )
    con.close()
    print(f"{'empty ' if args.empty else ''}dev build database at {args.path}")


if __name__ == "__main__":
    main()
