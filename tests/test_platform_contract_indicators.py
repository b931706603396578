"""The platform, contract and list-tier indicators (DESIGN §4, issue 10) on the tiny drop, by hand.

The expected values are worked out from the rows of `tests/drops.py` (PLATFORM_ROWS,
CONTRACT_ROWS, CONTRACT_YI_ROWS, GROWTH_TIER_ROWS, CERT_ROWS, PATENT_ROWS), not from the generator's
truth, so they check the rules independently of both the SQL and truth.py. The boundaries of the
issue are all in the drop: a platform upgraded then revoked, a listing whose 有效期至 is 12-31 (and
one lapsing on 12-30), a contract registered on 12-31 (and one on 01-01), a host without USCC.
"""

from __future__ import annotations

import duckdb
import pytest

from tests.conftest import read_marts
from tests.drops import CITY, TIANNING, ZHONGLOU, ZONE, uscc

EXPECTED = {
    # 甲中心: 市级 2021, 省级 2022 (major, 贯标), revoked 2023 -> 市级 again; 常州大学 lab (no USCC):
    # 国家级 2023, major; 乙中心 (enterprise tech centre): 市级 2023, 贯标; 戊 overseas: 区级 from 2022
    ("platform_count_municipal_plus", CITY, 2022): 1,
    ("platform_count_municipal_plus", CITY, 2023): 3,
    ("platform_count_municipal_plus", TIANNING, 2023): 1,
    ("platform_count_provincial_plus", CITY, 2022): 1,
    ("platform_count_provincial_plus", CITY, 2023): 1,  # the lab; 甲中心 fell back to 市级
    ("platform_count_provincial_plus", TIANNING, 2023): 0,
    ("platform_count_national", CITY, 2023): 1,
    ("platform_new_municipal_plus", CITY, 2022): 0,  # 甲中心 reached 市级 in 2021
    ("platform_new_municipal_plus", CITY, 2023): 2,
    ("platform_new_provincial_plus", CITY, 2022): 1,
    ("platform_new_provincial_plus", CITY, 2023): 1,  # the lab only: 甲中心 is not new again
    ("platform_new_national", CITY, 2023): 1,
    ("major_platform_new_provincial_plus", CITY, 2022): 1,
    ("major_platform_new_provincial_plus", CITY, 2023): 1,
    ("enterprise_rd_institute_count", CITY, 2022): 1,  # 甲中心; the overseas centre is another type
    ("enterprise_rd_institute_count", CITY, 2023): 2,  # 甲中心 (市级 row) and 乙中心; not the lab
    ("enterprise_rd_institute_count", ZHONGLOU, 2023): 1,
    ("enterprise_rd_institute_new_municipal_plus", CITY, 2023): 1,
    ("enterprise_rd_institute_new_provincial_plus", CITY, 2022): 1,
    ("enterprise_rd_institute_new_provincial_plus", CITY, 2023): 0,
    ("overseas_rd_institute_count", CITY, 2022): 1,
    ("overseas_rd_institute_count", ZHONGLOU, 2023): 1,
    ("rd_standard_certified_new", CITY, 2022): 1,
    ("rd_standard_certified_new", CITY, 2023): 1,
    ("rd_standard_certified_new", ZHONGLOU, 2023): 1,
    # valid HTEs: 2022 甲 乙, 2023 甲 乙 丙 丁; institute hosts: 甲 (2022-23), 乙 (2023);
    # high-value invention patent held: 甲 (granted 2022-05-10)
    ("hightech_with_rd_institute_share", CITY, 2022): 50.0,
    ("hightech_with_rd_institute_share", CITY, 2023): 50.0,
    ("hightech_with_rd_institute_share", ZHONGLOU, 2023): 100.0,
    ("hightech_with_rd_institute_share", ZONE, 2023): 0.0,
    ("hightech_high_value_patent_coverage", CITY, 2022): 50.0,
    ("hightech_high_value_patent_coverage", CITY, 2023): 25.0,
    ("hightech_high_value_patent_coverage", TIANNING, 2023): 100.0,
    # contracts: 150 万元 on 2022-12-31; 80.5 万元 on 2023-01-01 (a university, no USCC); 0.12 亿元 on
    # 2023-12-31 in a 亿元 file
    ("tech_contract_turnover", CITY, 2022): 150.0,
    ("tech_contract_turnover", CITY, 2023): 1280.5,
    ("tech_contract_turnover", ZHONGLOU, 2023): 1200.0,
    ("tech_contract_turnover", TIANNING, 2023): 0.0,
    ("tech_contract_count", CITY, 2022): 1,
    ("tech_contract_count", CITY, 2023): 2,
    # lists: 甲 gazelle 2022+2023 (old layout: 省级 implied); 丙 潜在瞪羚 省级 valid until 2023-12-31;
    # 丁 潜在瞪羚 市级; 戊 potential unicorn and seed unicorn 2023; 乙 single champion lapsing
    # 2022-12-30 and little giant 2023 (国家级 implied); 庚 专精特新 市级 until 2025-12-31
    ("potential_gazelle_incl_count", CITY, 2022): 1,
    ("potential_gazelle_incl_count", CITY, 2023): 2,
    ("potential_gazelle_incl_count", ZONE, 2023): 1,
    ("unicorn_incl_seed_count", CITY, 2022): 0,
    ("unicorn_incl_seed_count", CITY, 2023): 1,
    ("single_champion_count", CITY, 2022): 0,
    ("single_champion_count", ZHONGLOU, 2023): 0,
    ("specialized_sme_municipal_plus_count", CITY, 2022): 1,
    ("specialized_sme_municipal_plus_count", CITY, 2023): 2,
    ("specialized_sme_count", CITY, 2023): 2,
    ("gazelle_count", CITY, 2023): 1,
    ("unicorn_count", CITY, 2023): 1,
}


@pytest.fixture(scope="module")
def values(good_warehouse):
    return read_marts(good_warehouse / "sti.duckdb")


@pytest.mark.parametrize("key", list(EXPECTED), ids=[f"{c}-{r}-{y}" for c, r, y in EXPECTED])
def test_value_worked_out_by_hand(values, key):
    assert values.get(key) == pytest.approx(EXPECTED[key]), key


def test_every_new_indicator_is_checked():
    con = duckdb.connect()
    codes = {c for c, _r, _y in EXPECTED}
    from pipelines.generate.truth import catalogue_codes

    new = {
        c for c in catalogue_codes()
        if c.startswith(("platform_", "major_platform", "enterprise_rd", "overseas_rd", "rd_standard", "tech_contract"))
        or c in {"hightech_with_rd_institute_share", "hightech_high_value_patent_coverage",
                 "potential_gazelle_incl_count", "unicorn_incl_seed_count", "single_champion_count",
                 "specialized_sme_municipal_plus_count"}
    }  # fmt: skip
    con.close()
    assert len(new) == 20 and new <= codes, new - codes


def test_drill_down_names_the_rows(good_warehouse):
    """fct_indicator_contribution lists the contract of 12-31 and the certified host by file and row."""
    con = duckdb.connect(str(good_warehouse / "sti.duckdb"), read_only=True)
    try:
        contracts = con.execute(
            "SELECT entity_key, amount, source_file, row_number FROM marts.fct_indicator_contribution "
            "WHERE indicator_code = 'tech_contract_turnover' AND year = 2023 ORDER BY entity_key"
        ).fetchall()
        hosts = con.execute(
            "SELECT entity_key, source FROM marts.fct_indicator_contribution "
            "WHERE indicator_code = 'rd_standard_certified_new' AND year = 2022"
        ).fetchall()
    finally:
        con.close()
    assert contracts == [
        ("2023320400000001", 80.5, "tech_contracts/contracts-2022.csv", 3),
        ("2023320400000002", pytest.approx(1200.0), "tech_contracts/contracts-2023.csv", 2),
    ]
    assert hosts == [(uscc(1), "innovation_platforms")]
