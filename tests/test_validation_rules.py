"""Load validation (DESIGN §2/§3): one GX suite per source, one Finding per failed rule.

Each rule gets a tiny clean frame with exactly one planted defect: exactly that rule must
fail, with the right row numbers (as in the file) and values in the examples. The frames
look like landing tables from DuckDB (`.df()` dtypes); `_row_number` starts at 3 (a title
row and the header row precede the data).
"""

from __future__ import annotations

import datetime as dt
import json
import random

import duckdb
import numpy as np
import pandas as pd
import pytest

from pipelines.audit.constraints import CONSTRAINTS
from pipelines.audit.cross_batch_checks import compare_with_previous
from pipelines.audit.findings import MAX_EXAMPLES, Finding
from pipelines.audit.runner import validate_batch
from pipelines.audit.suites import EXPECTATIONS_DIR, build_suite, load_suite
from pipelines.audit.suites import main as suites_main
from pipelines.audit.value_kinds import dtype_guarantees_kind, wrong_kind_positions
from pipelines.contract.sources import SOURCES, SQL_TYPE
from pipelines.contract.uscc import USCC_CHARSET, is_valid_uscc, make_uscc, uscc_check_char

TODAY = dt.date(2025, 6, 30)
FIRST_ROW = 3  # title row + header row
KNOWN = {
    "320000", "江苏省", "320400", "常州市", "320402", "天宁区", "CZJK01", "常州经开区",
}  # fmt: skip

U1 = make_uscc("320400", "10000001")
U2 = make_uscc("320402", "10000002")
U3 = make_uscc("320411", "10000003")


def _bad_check_digit(code: str) -> str:
    return code[:17] + ("0" if code[17] != "0" else "1")


def _letters_in_division(code: str) -> str:
    """A code with a letter in its division part (characters 3-8) and a matching check character."""
    first17 = code[:2] + "A" + code[3:17]
    return first17 + uscc_check_char(first17)


CLEAN: dict[str, list[tuple]] = {
    "regions": [
        ("320000", "江苏省", None, "省"),
        ("320400", "常州市", "320000", "市"),
        ("320402", "天宁区", "320400", "区县"),
        ("CZJK01", "常州经开区", "320400", "功能区"),
    ],
    "hightech_certificates": [
        ("企业甲", U1, "GR202332000001", "2023-11-06", "320400", None),
        ("企业乙", U2, "GR202232000002", "2022-12-12", "常州市", "2024-05-01"),
        ("企业丙", U3, "GR202132000003", "2021-11-03", "320402", None),
    ],
    "tech_sme_registry": [
        ("企业甲", U1, "20233204000001", 2023, "320400"),
        ("企业乙", U2, "20233204000002", 2023, "320402"),
        ("企业甲", U1, "20243204000001", 2024, "320400"),
    ],
    "growth_firm_lists": [
        ("企业甲", U1, "瞪羚企业", 2023, "320400", "省级", "2025-12-31"),
        ("企业甲", U1, "专精特新中小企业", 2023, "320400", "市级", None),
        ("企业乙", U2, '专精特新"小巨人"企业', 2024, "320402", "国家级", None),
        ("企业乙", U2, "潜在瞪羚企业", 2024, "320402", "省级", "2024-12-31"),
    ],
    "above_scale_industry": [
        (U1, "企业甲", 2023, "320400", "3911", 10000.0, 9500.0, 2500.0, 6000.0, 1500.0, 300.0, True),
        (U2, "企业乙", 2023, "320402", "1713", 5000.0, 5200.0, 1200.0, 0.0, 0.0, 0.0, False),
        (U1, "企业甲", 2022, "320400", "3911", 9000.0, 8800.0, 2300.0, 5000.0, 1200.0, 250.0, True),
    ],
    "patents": [
        ("202310123456.7", "发明", "2023-01-05", "2024-06-01", None, "企业甲", U1, "320400", True),
        ("202320234567.X", "实用新型", "2023-03-01", "2023-09-01", "2024-10-01", "企业乙", U2, "320402", False),
        ("98123456.1", "外观设计", "1998-05-01", None, None, "某大学", None, "常州市", False),
    ],
    "rd_spending": [
        ("320400", 2023, 2_500_000.0, "正式"),
        ("320400", 2024, 2_700_000.0, "初步"),
        ("320402", 2023, 300_000.0, "正式"),
    ],
    "regional_economy": [
        ("320400", 2023, 101_160_000.0, 537.5, 150_000, "正式"),
        ("320400", 2024, 105_000_000.0, 540.0, 155_000, "初步"),
        ("320402", 2023, 12_000_000.0, 70.1, 20_000, "正式"),
    ],
    "incubators": [
        ("常州创新港", "科技企业孵化器", "市级", 2018, "320400", 12000.0, None),
        ("常州创新港", "科技企业孵化器", "省级", 2020, "320400", 12000.0, None),
        ("天宁众创空间", "众创空间", "区级", 2019, "320402", 800.0, 2023),
    ],
    "innovation_platforms": [
        ("常州市智能装备工程技术研究中心", "工程技术研究中心", "市级", 2019, "企业甲", U1, "320400", None, True, None),
        ("常州市智能装备工程技术研究中心", "工程技术研究中心", "省级", 2022, "企业甲", U1, "320400", True, None, 2024),
        ("江苏省先进材料重点实验室", "重点实验室", "省级", 2021, "常州大学", None, "天宁区", False, False, None),
    ],
    "tech_contracts": [
        ("2023320400000101", "2023-12-31", "技术开发", 120.5, 100.0, "企业甲", U1, "320400", "上海某公司", "上海市"),
        ("2024320400000001", "2024-01-02", "技术服务", 30.0, 30.0, "常州大学", None, "320402", "企业乙", None),
        ("2024320400000002", "2024-03-15", "技术转让", 0.0, 0.0, "企业乙", U2, "常州市", "企业甲", "常州市"),
    ],
    "plan_targets": [
        ("常州市科技创新“十四五”规划", "常政发〔2021〕1号", "320400", "rd_intensity", "存量",
         2020, 3.0, 2021, 2025, ">=", 3.5, None, "到2025年，全社会研发投入强度达到3.5%。"),
        ("常州市科技创新“十四五”规划", None, "常州市", "hightech_enterprise_count", "存量",
         None, None, 2021, 2025, ">=", 5000.0, None, "高新技术企业数达到5000家。"),
        ("常州市科技创新“十四五”规划", "常政发〔2021〕1号", "320400", "tech_sme_count", "年度",
         2020, None, 2021, 2025, ">=", 3000.0, None, "每年入库科技型中小企业3000家以上。"),
    ],
}  # fmt: skip

_DTYPES = {
    "text": "str",
    "uscc": "str",
    "region": "str",
    "enum": "str",
    "money": "float64",
    "number": "float64",
    "int": "Int64",
    "bool": "boolean",
}


def frame(source: str, rows: list[tuple] | None = None) -> pd.DataFrame:
    """A landing table as DuckDB's `.df()` returns it."""
    rows = CLEAN[source] if rows is None else rows
    cols = SOURCES[source].columns
    data = {}
    for i, col in enumerate(cols):
        values = [r[i] for r in rows]
        if col.kind == "date":
            data[col.name] = pd.to_datetime(pd.Series(values, dtype=object)).astype("datetime64[us]")
        else:
            data[col.name] = pd.Series(values, dtype=_DTYPES[col.kind])
    df = pd.DataFrame(data)
    df["_row_number"] = np.arange(FIRST_ROW, FIRST_ROW + len(rows), dtype="int32")
    return df


def put(df: pd.DataFrame, row: int, column: str, value, *, as_object: bool = False) -> pd.DataFrame:
    """Set the cell of file row `row` (as_object: first make the column hold Python objects)."""
    if as_object:
        df[column] = df[column].astype(object).where(df[column].notna(), None)
    if df[column].dtype.kind == "M" and value is not None:
        value = pd.Timestamp(value)
    df.loc[df["_row_number"] == row, column] = value
    return df


def run(source: str, df: pd.DataFrame, **kw) -> list[Finding]:
    kw.setdefault("known_regions", KNOWN)
    kw.setdefault("today", TODAY)
    kw.setdefault("header_map", {})
    return validate_batch(source, df, file=f"{source}/test.csv", **kw)


# --------------------------------------------------------------------------------------
# Suites


def test_every_source_has_a_suite_that_loads():
    files = {p.stem for p in EXPECTATIONS_DIR.glob("*.json")}
    assert set(SOURCES) <= files
    for source in SOURCES:
        suite = load_suite(source)
        assert suite.name == source
        assert suite.expectations
        raw = json.loads((EXPECTATIONS_DIR / f"{source}.json").read_text(encoding="utf-8"))
        assert raw["name"] == source
        for exp in raw["expectations"]:
            assert set(exp) >= {"type", "kwargs", "meta"}
            meta = exp["meta"]
            assert meta["rule"] and meta["fix"] and meta["description_en"] and meta["description_zh"]
            assert meta["severity"] in ("ERROR", "WARN")


def test_suite_json_is_up_to_date_with_spec():
    # Regenerate with: python -m pipelines.audit.suites
    assert suites_main(["--check"]) == 0


def test_load_suite_does_not_depend_on_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_suite("patents").name == "patents"


def _rules(source: str) -> list[tuple[str, str, dict]]:
    return [(e.expectation_type, e.meta["rule"], e.configuration.kwargs) for e in build_suite(source).expectations]


def _meta_columns(source: str) -> list[tuple[str, str]]:
    return [(e.meta["rule"], e.meta["column"]) for e in build_suite(source).expectations]


def test_severity_is_the_constraint_tables():
    for source in SOURCES:
        for exp in build_suite(source).expectations:
            rows = [c for c in CONSTRAINTS.values() if c.rule == exp.meta["rule"]]
            assert {c.severity for c in rows} == {exp.meta["severity"]}, exp.meta["rule"]
            assert exp.severity == ("warning" if exp.meta["severity"] == "WARN" else "critical")
    declared = {check.name for src in SOURCES.values() for col in src.columns for check in col.checks}
    assert declared <= set(CONSTRAINTS)
    assert all(CONSTRAINTS[name].expectation is not None for name in declared)


def test_landing_dtypes_guarantee_the_kind():
    """Why `type` is no GX expectation: a landed batch comes from DuckDB columns of the contract's
    SQL types, and their pandas dtypes already guarantee the kind, except for DOUBLE (money and
    numbers), whose values the writer keeps finite; those are checked vectorised."""
    con = duckdb.connect()
    try:
        for kind, sql_type in SQL_TYPE.items():  # a column the file did not have: all NULL
            empty = con.execute(f"SELECT CAST(NULL AS {sql_type}) AS v FROM range(3)").df()["v"]
            assert len(wrong_kind_positions(empty, kind)) == 0, kind
        sample = con.execute(
            "SELECT 'a'::VARCHAR AS s, DATE '2023-01-01' AS d, 1::BIGINT AS i, true AS b, 1.5::DOUBLE AS f"
        ).df()
    finally:
        con.close()
    guaranteed = {"s": "text", "d": "date", "i": "int", "b": "bool"}
    assert all(dtype_guarantees_kind(sample[c].dtype, k) for c, k in guaranteed.items())
    assert not dtype_guarantees_kind(sample["f"].dtype, "money")


@pytest.mark.parametrize("source", list(SOURCES))
def test_suite_covers_contract(source):
    src = SOURCES[source]
    rules = _rules(source)

    def has(rule, column):
        return any(r == rule and (k.get("column") == column) for _, r, k in rules)

    for col in src.columns:
        # the landing table's column type guarantees the kind: no GX expectation (see below)
        assert not has("type", col.name), col.name
        assert has("not_null", col.name) == (not col.nullable), col.name
        for check in col.checks:  # every declared constraint is in the suite, on its column
            assert any(
                r == CONSTRAINTS[check.name].rule and meta_column == col.name
                for r, meta_column in _meta_columns(source)
            ), (col.name, check.name)
        if col.kind == "uscc":
            assert has("uscc_check_digit", col.name)
        if col.kind == "region":
            assert any(
                r == "known_region" and k.get("value_set") == {"$PARAMETER": "known_regions"} for _, r, k in rules
            )
        if col.kind == "enum":
            sets = [k["value_set"] for _, r, k in rules if r == "allowed_value" and k.get("column") == col.name]
            assert sets == [list(col.values)]
    key = [k for _, r, k in rules if r == "duplicate_key"]
    assert len(key) == 1
    assert key[0].get("column_list", [key[0].get("column")]) == list(src.key)


def test_uscc_expectation_is_custom_and_holder_uscc_is_optional():
    types = {(t, k.get("column")) for t, _, k in _rules("patents")}
    assert ("expect_column_values_to_be_valid_uscc", "holder_uscc") in types
    assert ("expect_column_values_to_not_be_null", "holder_uscc") not in types


def test_uscc_mask_agrees_with_is_valid_uscc():
    from pipelines.audit.custom_expectations import uscc_mask

    rnd = random.Random(7)
    codes = [make_uscc("320400", f"{rnd.randrange(10**7, 10**8)}") for _ in range(200)]
    codes += [_bad_check_digit(c) for c in codes[:50]]
    codes += [c.lower() for c in codes[:5]] + [c[:17] for c in codes[:5]] + ["", "9" * 18, "91320400MA1O000000"]
    codes += ["".join(rnd.choice(USCC_CHARSET) for _ in range(18)) for _ in range(50)]
    mask = uscc_mask(pd.Series(codes, dtype="str"))
    assert mask.tolist() == [is_valid_uscc(c) for c in codes]


# --------------------------------------------------------------------------------------
# Clean frames


@pytest.mark.parametrize("source", list(SOURCES))
def test_clean_frame_has_no_findings(source):
    assert run(source, frame(source)) == []


# --------------------------------------------------------------------------------------
# One defect -> exactly one rule

def _headers(source: str) -> dict[str, str]:
    return {c.name: c.header_zh + (f"({c.unit})" if c.unit else "") for c in SOURCES[source].columns}


H = {
    **_headers("patents"),
    **_headers("above_scale_industry"),
    **_headers("incubators"),
    **_headers("growth_firm_lists"),
    **_headers("tech_contracts"),
}
H.update({k: v for k, v in _headers("plan_targets").items() if k != "region"})
H.update(_headers("hightech_certificates"))  # region -> 所属地区 (plan_targets calls it 地区)

CASES = [
    # source, rule, column, mutation, rows, values, severity
    ("regions", "not_null", "region_name", lambda d: put(d, 5, "region_name", None), [5], [""], "ERROR"),
    ("regions", "blank_value", "region_name", lambda d: put(d, 5, "region_name", ""), [5], [""], "ERROR"),
    ("regions", "type", "region_code", lambda d: put(d, 5, "region_code", 320402, as_object=True),
     [5], ["320402"], "ERROR"),
    ("regions", "allowed_value", "level", lambda d: put(d, 5, "level", "村"), [5], ["村"], "ERROR"),
    ("regions", "duplicate_key", "region_code", lambda d: put(d, 5, "region_code", "320400"),
     [4, 5], ["320400", "320400"], "ERROR"),
    ("regions", "region_name_duplicate", "region_name", lambda d: put(d, 5, "region_name", "常州市"),
     [4, 5], ["常州市", "常州市"], "ERROR"),
    ("regions", "region_code_format", "region_code", lambda d: put(d, 5, "region_code", "32040A"),
     [5], ["32040A"], "ERROR"),
    ("regions", "parent_code_unknown", "parent_code", lambda d: put(d, 5, "parent_code", "999999"),
     [5], ["999999"], "ERROR"),
    ("hightech_certificates", "uscc_check_digit", "uscc", lambda d: put(d, 4, "uscc", _bad_check_digit(U2)),
     [4], [_bad_check_digit(U2)], "ERROR"),
    ("hightech_certificates", "certificate_no_format", "certificate_no",
     lambda d: put(d, 3, "certificate_no", "GR2023-32-0001"), [3], ["GR2023-32-0001"], "ERROR"),
    ("hightech_certificates", "certificate_no_format", "certificate_no",  # full-width digits
     lambda d: put(d, 4, "certificate_no", "GR２０２２３２０００００２"), [4], ["GR２０２２３２０００００２"], "ERROR"),
    ("hightech_certificates", "uscc_check_digit", "uscc", lambda d: put(d, 5, "uscc", _letters_in_division(U3)),
     [5], [_letters_in_division(U3)], "ERROR"),
    ("hightech_certificates", "date_in_future", "issue_date", lambda d: put(d, 3, "issue_date", "2025-07-01"),
     [3], ["2025-07-01"], "ERROR"),
    ("hightech_certificates", "date_too_early", "issue_date", lambda d: put(d, 3, "issue_date", "1900-01-01"),
     [3], ["1900-01-01"], "ERROR"),
    ("hightech_certificates", "revoked_before_issue", "revoked_date", lambda d: put(d, 4, "revoked_date", "2022-01-01"),
     [4], [f"{H['revoked_date']}=2022-01-01, {H['issue_date']}=2022-12-12"], "WARN"),
    ("hightech_certificates", "known_region", "region", lambda d: put(d, 5, "region", "火星区"),
     [5], ["火星区"], "ERROR"),
    ("hightech_certificates", "not_null", "enterprise_name", lambda d: put(d, 4, "enterprise_name", None),
     [4], [""], "ERROR"),
    ("hightech_certificates", "duplicate_key", "certificate_no",
     lambda d: put(d, 5, "certificate_no", "GR202332000001"), [3, 5], ["GR202332000001"] * 2, "ERROR"),
    ("hightech_certificates", "type", "issue_date", lambda d: put(d, 4, "issue_date", "2022-12-12", as_object=True),
     [4], ["2022-12-12"], "ERROR"),
    ("tech_sme_registry", "year_in_future", "year", lambda d: put(d, 3, "year", 2026), [3], ["2026"], "ERROR"),
    ("tech_sme_registry", "year_range", "year", lambda d: put(d, 3, "year", 1900), [3], ["1900"], "ERROR"),
    ("tech_sme_registry", "type", "year", lambda d: put(d.astype({"year": "float64"}), 3, "year", 2023.5),
     [3], ["2023.5"], "ERROR"),
    ("tech_sme_registry", "duplicate_key", "registration_no", lambda d: put(d, 4, "registration_no", "20233204000001"),
     [3, 4], ["20233204000001"] * 2, "ERROR"),
    ("tech_sme_registry", "uscc_check_digit", "uscc", lambda d: put(d, 5, "uscc", U1.lower()),
     [5], [U1.lower()], "ERROR"),
    ("growth_firm_lists", "allowed_value", "category", lambda d: put(d, 3, "category", "瞪羚"), [3], ["瞪羚"], "ERROR"),
    ("growth_firm_lists", "duplicate_key", "uscc,category,level,year",
     lambda d: put(put(d, 4, "category", "瞪羚企业"), 4, "level", "省级"), [3, 4],
     [f"{H['uscc']}={U1}, {H['category']}=瞪羚企业, {H['level']}=省级, {H['year']}=2023"] * 2, "ERROR"),
    ("above_scale_industry", "industry_code_format", "industry_code", lambda d: put(d, 3, "industry_code", "C3911"),
     [3], ["C3911"], "ERROR"),
    ("above_scale_industry", "negative_value", "rd_expenditure", lambda d: put(d, 4, "rd_expenditure", -5.0),
     [4], ["-5"], "ERROR"),
    ("above_scale_industry", "negative_value", "revenue", lambda d: put(d, 5, "revenue", -0.5), [5], ["-0.5"], "ERROR"),
    ("above_scale_industry", "hightech_output_exceeds_gross_output", "hightech_output",
     lambda d: put(d, 3, "hightech_output", 12000.0), [3],
     [f"{H['gross_output']}=10000, {H['hightech_output']}=12000"], "ERROR"),
    ("above_scale_industry", "hightech_value_added_exceeds_value_added", "hightech_value_added",
     lambda d: put(d, 3, "hightech_value_added", 3000.0), [3],
     [f"{H['value_added']}=2500, {H['hightech_value_added']}=3000"], "WARN"),
    ("above_scale_industry", "not_null", "has_rd_activity", lambda d: put(d, 5, "has_rd_activity", None),
     [5], [""], "ERROR"),
    ("above_scale_industry", "duplicate_key", "uscc,year", lambda d: put(d, 5, "year", 2023),
     [3, 5], [f"{H['uscc']}={U1}, {H['year']}=2023"] * 2, "ERROR"),
    ("patents", "application_no_format", "application_no", lambda d: put(d, 3, "application_no", "CN202310123456.7"),
     [3], ["CN202310123456.7"], "ERROR"),
    ("patents", "grant_before_application", "grant_date", lambda d: put(d, 3, "grant_date", "2022-01-01"), [3],
     [f"{H['grant_date']}=2022-01-01, {H['application_date']}=2023-01-05"], "ERROR"),
    ("patents", "lapse_before_grant", "lapse_date", lambda d: put(d, 4, "lapse_date", "2023-08-01"), [4],
     [f"{H['lapse_date']}=2023-08-01, {H['grant_date']}=2023-09-01"], "ERROR"),
    ("patents", "date_in_future", "grant_date", lambda d: put(d, 3, "grant_date", "2026-01-01"),
     [3], ["2026-01-01"], "ERROR"),
    ("patents", "uscc_check_digit", "holder_uscc", lambda d: put(d, 4, "holder_uscc", _bad_check_digit(U2)),
     [4], [_bad_check_digit(U2)], "ERROR"),
    ("patents", "allowed_value", "patent_type", lambda d: put(d, 3, "patent_type", "invention"),
     [3], ["invention"], "ERROR"),
    ("patents", "not_null", "high_value", lambda d: put(d, 4, "high_value", None), [4], [""], "ERROR"),
    ("patents", "type", "high_value", lambda d: put(d, 4, "high_value", "是", as_object=True), [4], ["是"], "ERROR"),
    ("rd_spending", "negative_value", "rd_expenditure", lambda d: put(d, 3, "rd_expenditure", -100.0),
     [3], ["-100"], "ERROR"),
    ("rd_spending", "allowed_value", "status", lambda d: put(d, 4, "status", "估计"), [4], ["估计"], "ERROR"),
    ("rd_spending", "duplicate_key", "region,year", lambda d: put(d, 4, "year", 2023),
     [3, 4], [f"{H['region']}=320400, {H['year']}=2023"] * 2, "ERROR"),
    ("regional_economy", "not_positive", "population_10k", lambda d: put(d, 3, "population_10k", 0.0),
     [3], ["0"], "ERROR"),
    ("regional_economy", "not_positive", "gdp", lambda d: put(d, 4, "gdp", -1.0), [4], ["-1"], "ERROR"),
    ("regional_economy", "negative_value", "enterprise_legal_entities",
     lambda d: put(d, 3, "enterprise_legal_entities", -1), [3], ["-1"], "ERROR"),
    ("regional_economy", "type", "enterprise_legal_entities",
     lambda d: put(d.astype({"enterprise_legal_entities": "float64"}), 5, "enterprise_legal_entities", 1.5),
     [5], ["1.5"], "ERROR"),
    ("regional_economy", "known_region", "region", lambda d: put(d, 5, "region", "常州"), [5], ["常州"], "ERROR"),
    ("incubators", "revoked_before_recognized", "year_revoked", lambda d: put(d, 5, "year_revoked", 2018), [5],
     [f"{H['year_revoked']}=2018, {H['year_recognized']}=2019"], "ERROR"),
    ("incubators", "negative_value", "area_m2", lambda d: put(d, 3, "area_m2", -1.0), [3], ["-1"], "ERROR"),
    ("incubators", "allowed_value", "level", lambda d: put(d, 5, "level", "国际级"), [5], ["国际级"], "ERROR"),
    ("incubators", "duplicate_key", "carrier_name,level", lambda d: put(d, 4, "level", "市级"), [3, 4],
     [f"{H['carrier_name']}=常州创新港, {H['level']}=市级"] * 2, "ERROR"),
    ("growth_firm_lists", "allowed_value", "level", lambda d: put(d, 4, "level", "县级"), [4], ["县级"], "ERROR"),
    ("innovation_platforms", "allowed_value", "platform_type", lambda d: put(d, 5, "platform_type", "实验室"), [5],
     ["实验室"], "ERROR"),
    ("innovation_platforms", "uscc_check_digit", "host_uscc",
     lambda d: put(d, 3, "host_uscc", _bad_check_digit(U1)), [3], [_bad_check_digit(U1)], "ERROR"),
    ("innovation_platforms", "revoked_before_recognized", "year_revoked",
     lambda d: put(d, 4, "year_revoked", 2021), [4], [f"{H['year_revoked']}=2021, {H['year_recognized']}=2022"],
     "ERROR"),
    ("tech_contracts", "technology_amount_exceeds_contract_amount", "technology_amount",
     lambda d: put(d, 3, "technology_amount", 130.0), [3],
     [f"{H['contract_amount']}=120.5, {H['technology_amount']}=130"], "ERROR"),
    ("tech_contracts", "negative_value", "technology_amount", lambda d: put(d, 4, "technology_amount", -1.0), [4],
     ["-1"], "ERROR"),
    ("plan_targets", "target_year_before_start_year", "target_year", lambda d: put(d, 4, "target_year", 2020), [4],
     [f"{H['target_year']}=2020, {H['start_year']}=2021"], "ERROR"),
    ("plan_targets", "base_year_not_before_target_year", "base_year", lambda d: put(d, 3, "base_year", 2025), [3],
     [f"{H['target_year']}=2025, {H['base_year']}=2025"], "WARN"),
    ("plan_targets", "year_range", "target_year", lambda d: put(d, 3, "target_year", 2200), [3], ["2200"], "ERROR"),
    ("plan_targets", "type", "target_value", lambda d: put(d, 3, "target_value", "3.5%", as_object=True),
     [3], ["3.5%"], "ERROR"),
    ("plan_targets", "not_null", "clause", lambda d: put(d, 4, "clause", None), [4], [""], "ERROR"),
    ("plan_targets", "allowed_value", "comparator", lambda d: put(d, 3, "comparator", "≥"), [3], ["≥"], "ERROR"),
    # exactly one of 目标值 and 目标倍数: both given, then neither
    ("plan_targets", "target_value_xor_multiple", "target_multiple", lambda d: put(d, 4, "target_multiple", 2.0),
     [4], ["2"], "ERROR"),
    ("plan_targets", "target_value_xor_multiple", "target_multiple", lambda d: put(d, 5, "target_value", None),
     [5], [""], "ERROR"),
    ("plan_targets", "not_positive", "target_multiple",
     lambda d: put(put(d, 5, "target_value", None), 5, "target_multiple", 0.0), [5], ["0"], "ERROR"),
    # a 累计 target on a stock indicator (the catalogue's measure, read from the dbt seed)
    ("plan_targets", "cumulative_target_on_non_flow", "indicator_code", lambda d: put(d, 4, "kind", "累计"),
     [4], ["hightech_enterprise_count"], "ERROR"),
]  # fmt: skip


def test_cumulative_target_on_a_flow_indicator_passes():
    df = put(put(frame("plan_targets"), 4, "kind", "累计"), 4, "indicator_code", "hightech_new_certified")
    df = put(df, 5, "indicator_code", "talents_new")  # a free code: not measurable, not rejected
    df = put(df, 5, "kind", "累计")
    assert run("plan_targets", df) == []


@pytest.mark.parametrize(
    "source,rule,column,mutate,rows,values,severity",
    CASES,
    ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES],
)
def test_one_defect_one_finding(source, rule, column, mutate, rows, values, severity):
    findings = run(source, mutate(frame(source)))
    assert [(f.rule, f.column) for f in findings] == [(rule, column)], [f.one_line() for f in findings]
    f = findings[0]
    assert f.severity == severity
    assert f.failing_count == len(rows)
    assert f.examples == list(zip(rows, values, strict=True))
    assert f.source == source and f.file == f"{source}/test.csv"
    assert f.message and f.fix and "{" not in f.message + f.fix


def test_every_rule_of_every_suite_is_exercised():
    exercised = {(c[0], c[1]) for c in CASES}
    declared = {(s, e.meta["rule"]) for s in SOURCES for e in build_suite(s).expectations}
    # not_null / type / known_region / uscc / key rules are generated identically for every
    # source from contract/sources.py; one case per rule id suffices for those.
    generic = {"not_null", "type", "known_region", "uscc_check_digit", "duplicate_key", "blank_value",
               "allowed_value", "negative_value", "year_range", "year_in_future", "date_in_future",
               "date_too_early"}  # fmt: skip
    assert {r for _, r in declared} <= {r for _, r in exercised}
    specific = {(s, r) for s, r in declared if r not in generic}
    assert specific <= exercised, specific - exercised


# --------------------------------------------------------------------------------------
# Wrapper behaviour


def test_parent_code_may_be_a_published_region():
    df = frame("regions", CLEAN["regions"][1:])  # 江苏省 320000 is not in this batch
    assert run("regions", df, known_regions={"320000", "江苏省"}) == []
    findings = run("regions", frame("regions", CLEAN["regions"][1:]), known_regions=set())
    assert [(f.rule, f.examples) for f in findings] == [("parent_code_unknown", [(FIRST_ROW, "320000")])]


def test_region_by_code_or_name():
    df = frame("rd_spending")
    put(df, 3, "region", "常州市")
    put(df, 4, "region", "320400")
    assert run("rd_spending", df) == []


def test_parse_failures_are_not_reported_again_as_null():
    df = frame("hightech_certificates")
    put(df, 4, "issue_date", None)  # the parser could not read this date
    put(df, 5, "issue_date", None)  # this one was really empty
    findings = run("hightech_certificates", df, parse_failed={"issue_date": {4}})
    assert [(f.rule, f.column, f.examples) for f in findings] == [("not_null", "issue_date", [(5, "")])]
    assert run("hightech_certificates", df, skip_null_check={"issue_date"}) == []


def test_header_as_written_is_used_in_messages():
    df = put(frame("tech_sme_registry"), 4, "uscc", _bad_check_digit(U2))
    (f,) = run("tech_sme_registry", df, header_map={"uscc": "统一社会信用代码（18位）"})
    assert f.header == "统一社会信用代码（18位）"
    assert "统一社会信用代码（18位）" in f.message and "统一社会信用代码（18位）" in f.fix
    assert "统一社会信用代码（18位）" in f.one_line()


def test_examples_are_capped_and_count_is_complete():
    rows = [("企业", U1, f"GR2023320{i:05d}x", "2023-11-06", "320400", None) for i in range(25)]
    (f,) = run("hightech_certificates", frame("hightech_certificates", rows))
    assert f.rule == "certificate_no_format"
    assert f.failing_count == 25
    assert len(f.examples) == MAX_EXAMPLES
    assert [r for r, _ in f.examples] == list(range(FIRST_ROW, FIRST_ROW + MAX_EXAMPLES))


def test_missing_column_is_reported_not_crashed():
    df = frame("patents").drop(columns=["region"])
    findings = run("patents", df)
    assert [(f.rule, f.column, f.severity) for f in findings] == [("column_missing", "region", "ERROR")]


def test_frame_with_other_index_and_object_columns():
    df = frame("hightech_certificates")
    df.index = [10, 20, 30]
    for col in ("issue_date", "revoked_date"):  # datetime.date objects, as pyarrow's to_pandas gives
        df[col] = [None if pd.isna(v) else v.date() for v in df[col]]
    df["enterprise_name"] = df["enterprise_name"].astype(object)
    assert run("hightech_certificates", df) == []
    df.loc[10, "issue_date"] = dt.date(9999, 12, 31)  # outside datetime64[ns]
    (f,) = run("hightech_certificates", df)
    assert (f.rule, f.examples) == ("date_in_future", [(3, "9999-12-31")])


def test_arrow_backed_frame():
    df = frame("patents")
    arrow = df.astype({c: pd.ArrowDtype(__import__("pyarrow").string()) for c in ("application_no", "region")})
    arrow["application_date"] = df["application_date"].astype("date32[pyarrow]")
    assert run("patents", arrow) == []


def test_findings_serialise():
    df = put(frame("patents"), 3, "application_no", "CN1")
    (f,) = run("patents", df)
    d = f.to_dict()
    assert d["examples"] == [{"row": 3, "value": "CN1"}]
    json.dumps(d, ensure_ascii=False)


# --------------------------------------------------------------------------------------
# Row count against the previous batch


@pytest.mark.parametrize(
    "rows,previous,rule",
    [
        (100, None, None),
        (50, 100, None),
        (900, 100, None),
        (5, 100, "row_count_drop"),
        (2000, 100, "row_count_jump"),
        (0, 100, "empty_batch"),
        (0, None, "empty_batch"),
    ],
)
def test_compare_with_previous(rows, previous, rule):
    findings = compare_with_previous("patents", file="patents/new.csv", row_count=rows, previous_row_count=previous)
    assert [f.rule for f in findings] == ([rule] if rule else [])
    assert all(f.severity == "WARN" for f in findings)


def test_column_split_mode_reports_the_same(monkeypatch):
    """Big batches run one GX validation per column group; the findings must not change."""
    import pipelines.audit.runner as runner

    # a row_condition, a compound key, a column pair, a type and a not-null rule
    picked = {
        ("regions", "region_code_format"),
        ("growth_firm_lists", "duplicate_key"),
        ("patents", "grant_before_application"),
        ("plan_targets", "type"),
        ("patents", "not_null"),
    }

    def all_findings():
        out = []
        for source, rule, _column, mutate, *_ in CASES:
            if (source, rule) in picked:
                out += [f.to_dict() for f in run(source, mutate(frame(source)))]
        return out

    merged = all_findings()
    monkeypatch.setattr(runner, "SPLIT_COLUMNS_ABOVE_ROWS", 0)
    assert all_findings() == merged
