"""The synthetic drop generator and its ground truth (pipelines.generate).

The drop is read back here with a small independent reader (encodings, title rows, header
units, date and yes/no styles, region names) and the truth is recomputed from what was
read: that checks the writers against the contract and the truth against the files.
Hand-built record sets pin the boundary rules of DESIGN §2/§4.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from pipelines.contract.sources import MONEY_UNITS, NO, OTHER_UNITS, SOURCES, YES
from pipelines.contract.uscc import is_valid_uscc, make_uscc, org_code_check_char, uscc_check_char
from pipelines.generate import SCALES, ScaleConfig, generate
from pipelines.generate.numbers import is_valid_application_no, patent_check_char
from pipelines.generate.truth import ALL_INDICATORS, COUNT_INDICATORS, compute_truth, hightech_industry_codes

SEED_CODES = {"2710", "2720", "2740", "2761", "2770", "3581", "3586", "3911", "3912", "3921",
              "3922", "3971", "3973", "3976", "3981", "3982", "3985", "4011", "4014", "4028"}


def _hightech_codes() -> set[str]:
    try:
        return hightech_industry_codes()
    except FileNotFoundError:  # the dbt seed is written by another part of the project
        return SEED_CODES


# --------------------------------------------------------------------------------------
# fixtures
@pytest.fixture(scope="module")
def drop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    generate("sample", out, seed=42)
    return out


@pytest.fixture(scope="module")
def data(drop: Path) -> dict[str, pd.DataFrame]:
    return read_drop(drop)


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*")) if p.is_file()
    }


# --------------------------------------------------------------------------------------
# an independent reader of the drop
def _unify(h: str) -> str:
    return str(h).strip().replace("（", "(").replace("）", ")")


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030")


def _match(source: str, header: str) -> tuple[str, float] | None:
    h = _unify(header)
    m = re.fullmatch(r"(.*?)\(([^()]*)\)", h)
    base, unit = (m.group(1), m.group(2)) if m else (h, None)
    for col in SOURCES[source].columns:
        if base in (col.header_zh, col.name):
            factor = 1.0
            if col.kind == "money":
                assert unit is not None, f"money header without unit: {header}"
                factor = MONEY_UNITS[unit]
            elif unit is not None and col.unit in OTHER_UNITS:
                factor = OTHER_UNITS[col.unit][unit]
            return col.name, factor
    return None


def _table(path: Path, source: str) -> tuple[list[str], list[list[object]]]:
    if path.suffix == ".xlsx":
        ws = openpyxl.load_workbook(path, read_only=True).active
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
    else:
        rows = list(csv.reader(io.StringIO(_decode(path))))
    for i, row in enumerate(rows):
        if sum(_match(source, str(c)) is not None for c in row if c is not None) >= 2:
            return [str(c) for c in row], rows[i + 1 :]
    raise AssertionError(f"no header row in {path}")


def _date(v: object) -> dt.date | None:
    if v is None or v == "":
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"):
        try:
            return dt.datetime.strptime(str(v), fmt).date()
        except ValueError:
            pass
    raise AssertionError(f"unparseable date {v!r}")


def read_source(root: Path, source: str, by_name: dict[str, str]) -> pd.DataFrame:
    frames = []
    for path in sorted((root / source).iterdir()):
        headers, rows = _table(path, source)
        cols = {i: _match(source, h) for i, h in enumerate(headers)}
        recs = []
        for row in rows:
            rec: dict[str, object] = {"_file": path.name}
            for i, m in cols.items():
                if m is None:
                    continue
                name, factor = m
                col = SOURCES[source].column(name)
                v = row[i] if i < len(row) else None
                v = None if v == "" else v
                if v is None:
                    rec[name] = None
                elif col.kind == "date":
                    rec[name] = _date(v)
                elif col.kind in ("money", "number"):
                    rec[name] = float(v) * factor
                elif col.kind == "int":
                    rec[name] = int(float(v))
                elif col.kind == "bool":
                    t = str(v).strip().lower()
                    assert t in YES or t in NO, f"{path.name}: yes/no {v!r}"
                    rec[name] = t in YES
                elif col.kind == "enum":
                    alias = {a: k for k, vs in col.values.items() for a in (k, *vs)}
                    rec[name] = alias[str(v).strip()]
                elif col.kind == "region":
                    rec[name] = by_name.get(str(v), str(v))
                else:
                    rec[name] = str(v)
            recs.append(rec)
        frames.append(pd.DataFrame.from_records(recs))
    df = pd.concat(frames, ignore_index=True)
    for col in SOURCES[source].columns:
        if col.name not in df:
            df[col.name] = None
    return df


def read_drop(root: Path) -> dict[str, pd.DataFrame]:
    regions = read_source(root, "regions", {})
    by_name = dict(zip(regions["region_name"], regions["region_code"], strict=True))
    return {s: read_source(root, s, by_name) for s in SOURCES if s != "plan_targets"}


# --------------------------------------------------------------------------------------
# tests on the generated sample
def test_same_seed_same_bytes(drop: Path, tmp_path: Path) -> None:
    generate("sample", tmp_path, seed=42)
    assert _digests(tmp_path) == _digests(drop)


def test_layout_and_size(drop: Path) -> None:
    for source in SOURCES:
        files = list((drop / source).iterdir())
        assert files, f"{source} has no file"
    assert (drop / "expected_indicators.csv").exists()
    total = sum(p.stat().st_size for p in drop.rglob("*") if p.is_file())
    assert total <= 10 * 1024 * 1024


def test_identifiers_are_valid(data: dict[str, pd.DataFrame]) -> None:
    for source in ("hightech_certificates", "tech_sme_registry", "growth_firm_lists", "above_scale_industry"):
        bad = [u for u in data[source]["uscc"] if not is_valid_uscc(u)]
        assert not bad, f"{source}: {bad[:3]}"
    holders = data["patents"]["holder_uscc"].dropna()
    assert len(holders) and all(is_valid_uscc(u) for u in holders)
    assert data["patents"]["holder_uscc"].isna().any()  # universities and persons
    for source, col in (("innovation_platforms", "host_uscc"), ("tech_contracts", "seller_uscc")):
        codes = data[source][col].dropna()
        assert len(codes) and all(is_valid_uscc(u) for u in codes), source
        assert data[source][col].isna().any(), source  # universities and institutes
    assert all(org_code_check_char(u[8:16]) == u[16] for u in data["hightech_certificates"]["uscc"])
    assert all(re.fullmatch(r"GR20\d\d(32|36|50)\d{5,6}", c) for c in data["hightech_certificates"]["certificate_no"])
    assert all(re.fullmatch(r"20\d\d\d{6}[AB]\d{7}", c) for c in data["tech_sme_registry"]["registration_no"])
    assert all(is_valid_application_no(a) for a in data["patents"]["application_no"])
    for source, df in data.items():  # duplicate keys inside one batch are a validation failure
        key = list(SOURCES[source].key) + ["_file"]
        assert not df.duplicated(key).any(), source
    assert data["above_scale_industry"]["industry_code"].str.fullmatch(r"\d{4}").all()


def test_formats_are_mixed(drop: Path) -> None:
    gbk = [p for p in drop.rglob("*.csv") if _fails_utf8(p)]
    assert gbk, "no GB18030 file"
    assert any(p.read_bytes().startswith(b"\xef\xbb\xbf") for p in drop.rglob("*.csv"))
    titled = []
    for p in drop.rglob("*.xlsx"):
        first = next(openpyxl.load_workbook(p, read_only=True).active.iter_rows(values_only=True))
        if first[0] and all(c is None for c in first[1:]):
            titled.append(p)
    assert any("批高新技术企业名单" in p.name for p in titled)
    assert any(p.name == "2023年度省级工程技术研究中心认定名单.xlsx" for p in titled)
    headers = " ".join(_table(p, p.parent.name)[0].__str__() for p in drop.rglob("*.*")
                       if p.parent.name in SOURCES and p.parent.name != "plan_targets")
    needles = ("(亿元)", "(元)", "（万元）", "gross_output(万元)", "rd_expenditure(亿元)", "从业人员(人)", "(万平方米)",
               "成交额(亿元)", "contract_amount(元)", "成交额（万元）", "有效期至", "是否通过贯标")
    for needle in needles:
        assert needle in headers, needle
    text = " ".join(_decode(p) for p in drop.rglob("*.csv"))
    for pattern in (r"20\d\d年\d{1,2}月\d{1,2}日", r"20\d\d/\d{1,2}/\d{1,2}", r"20\d\d\.\d\d\.\d\d", r",20\d{6},",
                    r"20\d\d-\d\d-\d\d", r",Y\r?\n", r",true\r?\n", r",1\r?\n", r",是\r?\n", r"（常州）", r",钟楼区,"):
        assert re.search(pattern, text), pattern
    assert _has_excel_dates(drop / "hightech_certificates" / "2019年第一批高新技术企业名单.xlsx")
    # Old-format growth lists (2019, 2020) have neither 级别 nor 有效期至; later ones do.
    old = _table(drop / "growth_firm_lists" / "2019年度瞪羚、独角兽及专精特新企业名单.csv", "growth_firm_lists")[0]
    new = _table(drop / "growth_firm_lists" / "2023年度瞪羚、独角兽及专精特新企业名单.csv", "growth_firm_lists")[0]
    assert "级别" not in old and "有效期至" not in old and {"级别", "有效期至"} <= set(new)
    platform_headers = [_table(p, "innovation_platforms")[0] for p in (drop / "innovation_platforms").iterdir()]
    assert any("是否重大创新平台" not in h for h in platform_headers)  # optional columns left out
    assert any("platform_name" in h for h in platform_headers)


def _fails_utf8(p: Path) -> bool:
    try:
        p.read_bytes().decode("utf-8")
        return False
    except UnicodeDecodeError:
        return True


def _has_excel_dates(p: Path) -> bool:
    ws = openpyxl.load_workbook(p, read_only=True).active
    return any(isinstance(c, dt.datetime) for row in ws.iter_rows(values_only=True) for c in row)


def test_vintages_and_supersession_are_exercised(drop: Path, data: dict[str, pd.DataFrame]) -> None:
    econ = sorted(p.name for p in (drop / "regional_economy").iterdir())
    final_2023 = econ.index("2023年正式数.csv")
    prelim_2023 = econ.index("2024-03发布_2023年初步数.csv")
    assert final_2023 < prelim_2023  # the 正式 file sorts first and must still win
    assert econ.index("2024年初步数.csv") < econ.index("2024年正式数.csv")
    certs = sorted(p.name for p in (drop / "hightech_certificates").iterdir())
    assert certs.index("2022年第一批高新技术企业名单.csv") < certs.index("2022年第一批高新技术企业名单_更正.csv")
    c = data["hightech_certificates"]
    assert c["certificate_no"].duplicated().any()  # corrections and revocations repeat keys
    assert (pd.to_datetime(c["revoked_date"]).dt.strftime("%m-%d") == "12-31").any()
    assert (pd.to_datetime(c["issue_date"]).dt.strftime("%m-%d") == "12-31").any()
    p = data["patents"]
    assert (pd.to_datetime(p["lapse_date"]).dt.strftime("%m-%d") == "12-31").any()
    inc = data["incubators"]
    assert inc["year_revoked"].notna().any() and inc["carrier_name"].str.contains("（").any()
    plat = data["innovation_platforms"]
    assert plat["year_revoked"].notna().any() and plat["platform_name"].str.contains("（").any()
    assert plat["platform_name"].str.contains(r"\(").any()  # an upgrade printed half-width
    assert set(plat["platform_type"]) == set(SOURCES["innovation_platforms"].column("platform_type").values)
    assert plat["is_major"].fillna(False).astype(bool).any() and plat["rd_standard_certified"].fillna(False).any()
    assert (plat.groupby("platform_name")["level"].nunique() > 1).any()  # upgraded: same name, new level
    g = data["growth_firm_lists"]
    assert set(g["category"]) == set(SOURCES["growth_firm_lists"].column("category").values)
    assert {"市级", "区级", "省级", "国家级"} <= set(g["level"].dropna())
    until = pd.to_datetime(g["valid_until"])
    assert (until.dt.strftime("%m-%d") == "12-31").any() and until.isna().any()
    assert (until.notna() & (until.dt.strftime("%m-%d") != "12-31")).any()
    k = data["tech_contracts"]
    reg = pd.to_datetime(k["registered_date"]).dt.strftime("%m-%d")
    assert (reg == "12-31").any() and (reg == "01-01").any()
    assert set(k["contract_type"]) == set(SOURCES["tech_contracts"].column("contract_type").values)
    assert (k["technology_amount"] <= k["contract_amount"] + 1e-9).all()
    assert k["contract_no"].duplicated().any()  # the correction file re-issues some
    assert k["buyer_location"].isna().any() and (k["buyer_location"] == "上海市").any()


def _assert_truth_matches_files(root: Path, data: dict[str, pd.DataFrame]) -> None:
    regions = data["regions"].drop(columns="_file")
    got = compute_truth(regions, data, _hightech_codes())
    want = pd.read_csv(root / "expected_indicators.csv", dtype={"region_code": str})
    key = ["indicator_code", "region_code", "year"]
    merged = want.merge(got, on=key, how="outer", suffixes=("_want", "_got"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()
    for col in ("value", "numerator", "denominator"):
        a, b = merged[f"{col}_want"].astype(float), merged[f"{col}_got"].astype(float)
        assert np.allclose(a, b, rtol=1e-9, atol=1e-9, equal_nan=True), col


def test_readback_truth_matches_expected(drop: Path, data: dict[str, pd.DataFrame]) -> None:
    _assert_truth_matches_files(drop, data)


def test_benchmark_layout_in_miniature(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The benchmark path: fictional provinces, CSV only, big sources split into parts.
    monkeypatch.setitem(SCALES, "tiny", ScaleConfig(1, 3, 200, 1.0, 2, True, sample_regions=False))
    summary = generate("tiny", tmp_path, seed=7)
    assert summary.truth_rows and not list(tmp_path.rglob("*.xlsx"))
    patent_files = {p.name for p in (tmp_path / "patents").iterdir()}
    assert patent_files >= {"专利数据_2024_part01.csv", "专利数据_2024_part02.csv"}
    contract_files = {p.name for p in (tmp_path / "tech_contracts").iterdir()}
    assert contract_files >= {"技术合同登记_2024_part01.csv", "技术合同登记_2024_part02.csv"}
    data = read_drop(tmp_path)
    assert set(data["regions"]["level"]) == {"省", "市", "区县", "功能区"}
    _assert_truth_matches_files(tmp_path, data)


def test_expected_indicators_shape_and_magnitudes(drop: Path) -> None:
    t = pd.read_csv(drop / "expected_indicators.csv", dtype={"region_code": str})
    assert set(t["indicator_code"]) == set(ALL_INDICATORS) and len(ALL_INDICATORS) == 48
    assert sorted(t["year"].unique()) == [2019, 2020, 2021, 2022, 2023, 2024]
    for code in COUNT_INDICATORS:
        assert len(t[t["indicator_code"] == code]) == 15 * 6, code
    v = t.set_index(["indicator_code", "region_code", "year"])["value"]
    assert 2.7 < v["rd_intensity", "320400", 2019] < 3.0 and 3.2 < v["rd_intensity", "320400", 2024] < 3.6
    assert 1000 <= v["hightech_enterprise_count", "320400", 2024] <= 4000
    assert 10 <= v["hightech_enterprise_count", "500114", 2024] <= 300
    assert 1.0 < v["rd_intensity", "360300", 2024] < 2.0  # from the sum of its counties
    assert 3.0 < v["rd_intensity", "320491", 2024] < 6.0  # the zone publishes its own figures
    gdp = t[(t["indicator_code"] == "rd_intensity") & (t["year"] == 2019)].set_index("region_code")["denominator"]
    districts = ["320402", "320404", "320411", "320412", "320413", "320481"]
    assert abs(gdp["320400"] - gdp[districts].sum()) > 1.0  # the city's own accounts
    assert abs(gdp["320400"] / 1e4 - 7400) < 100
    # the platform, contract and list-tier indicators look like the places and their plans
    assert 300 <= v["platform_count_municipal_plus", "320400", 2024] <= 3000
    assert 50 <= v["enterprise_rd_institute_new_municipal_plus", "320400", 2021] <= 300  # plan: 100+
    assert 1.0e6 < v["tech_contract_turnover", "320400", 2024] < 1.0e7  # 100亿 .. 1000亿元
    assert 1.0e5 < v["tech_contract_turnover", "360300", 2024] < 2.0e6
    assert 0 < v["tech_contract_turnover", "500114", 2024] < 1.0e4  # below the 1亿元 of 2027
    assert v["platform_count_national", "360300", 2021] == 0  # 国家级创新平台零的突破 still ahead
    assert v["unicorn_incl_seed_count", "360300", 2021] == 0 and v["single_champion_count", "500114", 2024] == 0
    assert 10 <= v["potential_gazelle_incl_count", "360300", 2021] <= 60
    assert 0 < v["hightech_with_rd_institute_share", "320400", 2024] < 100


# --------------------------------------------------------------------------------------
# hand-built records with known answers
def _uscc(i: int) -> str:
    return make_uscc("320400", f"{i:08d}")


REGIONS = pd.DataFrame(
    [("A", "甲市", "", "市"), ("A1", "甲一区", "A", "区县"), ("A2", "甲二区", "A", "区县"),
     ("Z", "甲开发区", "A", "功能区"), ("C", "丙市", "", "市"), ("C1", "丙一区", "C", "区县"),
     ("C2", "丙二区", "C", "区县")],
    columns=["region_code", "region_name", "parent_code", "level"],
)


def _frame(rows: list[dict[str, object]], source: str) -> pd.DataFrame:
    df = pd.DataFrame.from_records(rows)
    for col in SOURCES[source].columns:
        if col.name not in df:
            df[col.name] = None
    return df


def _econ(
    region: str, year: int, gdp: float, status: str, file: str, pop: float = 10.0, legal: int = 1000
) -> dict[str, object]:
    return {"region": region, "year": year, "gdp": gdp, "population_10k": pop,
            "enterprise_legal_entities": legal, "status": status, "_file": file}


@pytest.fixture(scope="module")
def tiny() -> pd.DataFrame:
    u = [_uscc(i) for i in range(10)]
    D = dt.date
    econ = [
        # 2022: 正式 in a file that sorts before the 初步 one; the 正式 must win.
        _econ("A", 2022, 1000.0, "正式", "a_正式.csv"), _econ("A", 2022, 900.0, "初步", "b_初步.csv"),
        _econ("A1", 2022, 300.0, "正式", "a_正式.csv"), _econ("A2", 2022, 400.0, "正式", "a_正式.csv"),
        # 2023: C has no own row, both children do -> sum; A2 revised by a later 正式 file.
        _econ("A", 2023, 1100.0, "正式", "a_正式.csv"), _econ("A2", 2023, 410.0, "正式", "a_正式.csv"),
        _econ("A2", 2023, 420.0, "正式", "c_修订.csv", legal=1200),
        _econ("C1", 2023, 50.0, "正式", "a_正式.csv", 2.0), _econ("C2", 2023, 70.0, "正式", "a_正式.csv", 3.0),
        _econ("C1", 2024, 55.0, "正式", "a_正式.csv", 2.0),  # C2 missing -> C has no value in 2024
        _econ("A", 2024, 1200.0, "初步", "a_正式.csv"),
    ]
    rd = [{"region": "C1", "year": 2023, "rd_expenditure": 1.0, "status": "正式", "_file": "r.csv"},
          {"region": "C2", "year": 2023, "rd_expenditure": 2.0, "status": "初步", "_file": "r.csv"},
          {"region": "A", "year": 2022, "rd_expenditure": 30.0, "status": "正式", "_file": "r.csv"}]
    certs = [
        {"uscc": u[1], "certificate_no": "GR202132000001", "issue_date": D(2021, 12, 31), "region": "A1",
         "_file": "2021.csv"},
        {"uscc": u[2], "certificate_no": "GR202232000002", "issue_date": D(2022, 6, 1), "region": "A1",
         "revoked_date": D(2023, 12, 31), "_file": "2022.csv"},
        {"uscc": u[3], "certificate_no": "GR202032000003", "issue_date": D(2020, 11, 1), "region": "A1",
         "_file": "2020.csv"},
        {"uscc": u[3], "certificate_no": "GR202332000004", "issue_date": D(2023, 11, 1), "region": "A2",
         "_file": "2023.csv"},
        {"uscc": u[4], "certificate_no": "GR202232000005", "issue_date": D(2022, 11, 1), "region": "A1",
         "_file": "2022.csv"},
        {"uscc": u[4], "certificate_no": "GR202232000005", "issue_date": D(2022, 11, 1), "region": "A2",
         "_file": "2022_更正.csv"},
    ]
    patents = [
        {"application_no": "1", "patent_type": "发明", "grant_date": D(2020, 5, 1), "lapse_date": D(2023, 12, 31),
         "region": "A1", "high_value": False, "_file": "p.csv"},
        {"application_no": "2", "patent_type": "发明", "grant_date": D(2021, 5, 1), "region": "A2", "high_value": True,
         "holder_uscc": u[4], "_file": "p.csv"},
        {"application_no": "3", "patent_type": "实用新型", "grant_date": D(2021, 5, 1), "region": "A2",
         "high_value": False, "_file": "p.csv"},
        {"application_no": "4", "patent_type": "发明", "grant_date": D(2024, 3, 1), "region": "A2", "high_value": True,
         "_file": "p.csv"},
    ]
    carriers = [
        {"carrier_name": "K1孵化器", "carrier_type": "科技企业孵化器", "level": "区级", "year_recognized": 2018,
         "region": "A1", "area_m2": 100.0, "_file": "k.csv"},
        {"carrier_name": "K1孵化器", "carrier_type": "科技企业孵化器", "level": "市级", "year_recognized": 2020,
         "region": "A1", "area_m2": 200.0, "_file": "k.csv"},
        {"carrier_name": "K1孵化器", "carrier_type": "科技企业孵化器", "level": "省级", "year_recognized": 2022,
         "region": "A", "area_m2": 300.0, "_file": "k.csv"},
        {"carrier_name": "K1孵化器", "carrier_type": "科技企业孵化器", "level": "省级", "year_recognized": 2022,
         "region": "A", "area_m2": 300.0, "year_revoked": 2023, "_file": "k_撤销.csv"},
        {"carrier_name": "星（火）众创空间", "carrier_type": "众创空间", "level": "国家级", "year_recognized": 2023,
         "region": "A2", "area_m2": 50.0, "_file": "k.csv"},
        {"carrier_name": " 星(火)众创空间", "carrier_type": "众创空间", "level": "省级", "year_recognized": 2022,
         "region": "A2", "area_m2": 40.0, "_file": "k.csv"},
    ]
    growth = [
        {"uscc": u[1], "category": "瞪羚企业", "year": 2022, "region": "A1", "_file": "g.csv"},
        {"uscc": u[1], "category": "瞪羚企业", "year": 2023, "region": "A1", "_file": "g.csv"},
        {"uscc": u[2], "category": '专精特新"小巨人"企业', "year": 2022, "region": "A", "_file": "g.csv"},
        {"uscc": u[2], "category": "专精特新中小企业", "year": 2021, "region": "A1", "_file": "g.csv"},
        {"uscc": u[5], "category": "潜在独角兽企业", "year": 2023, "region": "A2", "_file": "g.csv"},
        # tiers and end dates, in region C
        {"uscc": u[6], "category": "瞪羚企业", "year": 2022, "region": "C1", "valid_until": D(2023, 12, 31),
         "_file": "g.csv"},  # 有效期至 on 12-31: still counts at the end of 2023, not of 2024
        {"uscc": u[7], "category": "瞪羚企业", "year": 2023, "region": "C1", "valid_until": D(2023, 11, 30),
         "_file": "g.csv"},  # ran out before the year-end of its own list
        {"uscc": u[7], "category": "瞪羚企业", "level": "市级", "year": 2023, "region": "C2", "_file": "g.csv"},
        {"uscc": u[8], "category": "专精特新中小企业", "year": 2022, "region": "C2", "_file": "g.csv"},
        # the same listing (empty 级别 = 省级), delisted by a later file
        {"uscc": u[8], "category": "专精特新中小企业", "level": "省级", "year": 2022, "region": "C2",
         "valid_until": D(2023, 6, 30), "_file": "g_调整.csv"},
        {"uscc": u[9], "category": "专精特新中小企业", "level": "区级", "year": 2022, "region": "C2", "_file": "g.csv"},
        {"uscc": u[8], "category": "种子独角兽企业", "year": 2023, "region": "C1", "valid_until": D(2023, 12, 31),
         "_file": "g.csv"},
        {"uscc": u[9], "category": "制造业单项冠军企业", "year": 2022, "region": "C2", "valid_until": D(2025, 6, 30),
         "_file": "g.csv"},
        {"uscc": u[9], "category": "制造业单项冠军企业", "level": "省级", "year": 2022, "region": "C2",
         "_file": "g.csv"},
    ]
    eng = "工程技术研究中心"
    platforms = [
        # P1, hosted by u1: 区级 2018, 市级 2020 (A1), 省级 2022 (named the city A), revoked in 2023
        {"platform_name": "甲精密工程技术研究中心", "platform_type": eng, "level": "区级", "year_recognized": 2018,
         "host_name": "甲精密", "host_uscc": u[1], "region": "A1", "_file": "p.csv"},
        {"platform_name": "甲精密工程技术研究中心", "platform_type": eng, "level": "市级", "year_recognized": 2020,
         "host_name": "甲精密", "host_uscc": u[1], "region": "A1", "_file": "p.csv"},
        {"platform_name": "甲精密工程技术研究中心", "platform_type": eng, "level": "省级", "year_recognized": 2022,
         "host_name": "甲精密", "host_uscc": u[1], "region": "A", "is_major": False, "_file": "p.csv"},
        {"platform_name": "甲精密工程技术研究中心", "platform_type": eng, "level": "省级", "year_recognized": 2022,
         "host_name": "甲精密", "host_uscc": u[1], "region": "A", "year_revoked": 2023, "_file": "p_撤销.csv"},
        # P2: a university's centre (no USCC): a platform, not an enterprise R&D institute
        {"platform_name": "甲理工学院新材料工程技术研究中心", "platform_type": eng, "level": "省级",
         "year_recognized": 2022, "host_name": "甲理工学院", "region": "A2", "is_major": True, "_file": "p.csv"},
        # P3: u3's overseas institute, the host certified (贯标) that year
        {"platform_name": "甲乙德国研发中心", "platform_type": "海外研发机构", "level": "市级", "year_recognized": 2023,
         "host_name": "甲乙", "host_uscc": u[3], "region": "A2", "rd_standard_certified": True, "_file": "p.csv"},
        # P4: u3's technology centre, 省级 2021 then 国家级 2022, its brackets printed both ways
        {"platform_name": "乙(甲)企业技术中心", "platform_type": "企业技术中心", "level": "省级",
         "year_recognized": 2021, "host_name": "甲乙", "host_uscc": u[3], "region": "A2", "_file": "p.csv"},
        {"platform_name": "乙（甲）企业技术中心", "platform_type": "企业技术中心", "level": "国家级",
         "year_recognized": 2022, "host_name": "甲乙", "host_uscc": u[3], "region": "A2",
         "rd_standard_certified": True, "_file": "p.csv"},
    ]
    contracts = [
        {"contract_no": "c1", "registered_date": D(2023, 12, 31), "contract_type": "技术开发", "contract_amount": 100.0,
         "technology_amount": 80.0, "seller_uscc": u[1], "region": "A1", "_file": "t.csv"},
        {"contract_no": "c2", "registered_date": D(2024, 1, 1), "contract_type": "技术服务", "contract_amount": 50.0,
         "technology_amount": 50.0, "seller_name": "甲理工学院", "region": "A2", "_file": "t.csv"},
        {"contract_no": "c3", "registered_date": D(2023, 6, 1), "contract_type": "技术咨询", "contract_amount": 10.0,
         "technology_amount": 5.0, "seller_uscc": u[2], "region": "A2", "_file": "t.csv"},
        {"contract_no": "c3", "registered_date": D(2023, 6, 1), "contract_type": "技术咨询", "contract_amount": 20.0,
         "technology_amount": 5.0, "seller_uscc": u[2], "region": "A2", "_file": "t_更正.csv"},
    ]
    roster = [
        {"uscc": u[1], "year": 2022, "region": "A1", "industry_code": "2710", "gross_output": 100.0, "revenue": 100.0,
         "value_added": 30.0, "hightech_output": 80.0, "hightech_value_added": 20.0, "rd_expenditure": 3.0,
         "has_rd_activity": True, "_file": "s.csv"},
        {"uscc": u[6], "year": 2022, "region": "A2", "industry_code": "3311", "gross_output": 300.0, "revenue": 200.0,
         "value_added": 70.0, "hightech_output": 0.0, "hightech_value_added": 0.0, "rd_expenditure": 0.0,
         "has_rd_activity": False, "_file": "s.csv"},
    ]
    drop = {
        "regions": REGIONS,
        "regional_economy": _frame(econ, "regional_economy"),
        "rd_spending": _frame(rd, "rd_spending"),
        "hightech_certificates": _frame(certs, "hightech_certificates"),
        "tech_sme_registry": _frame(
            [{"uscc": u[1], "registration_no": "x1", "year": 2023, "region": "A1", "_file": "t.csv"},
             {"uscc": u[1], "registration_no": "x2", "year": 2023, "region": "A1", "_file": "t2.csv"}],
            "tech_sme_registry",
        ),
        "growth_firm_lists": _frame(growth, "growth_firm_lists"),
        "above_scale_industry": _frame(roster, "above_scale_industry"),
        "patents": _frame(patents, "patents"),
        "incubators": _frame(carriers, "incubators"),
        "innovation_platforms": _frame(platforms, "innovation_platforms"),
        "tech_contracts": _frame(contracts, "tech_contracts"),
    }
    return compute_truth(REGIONS, drop, {"2710"})


def _v(t: pd.DataFrame, code: str, region: str, year: int) -> float | None:
    hit = t[(t["indicator_code"] == code) & (t["region_code"] == region) & (t["year"] == year)]
    return None if hit.empty else float(hit["value"].iloc[0])


def test_truth_region_level_inputs(tiny: pd.DataFrame) -> None:
    rd = tiny[tiny["indicator_code"] == "rd_intensity"]
    a22 = rd[(rd["region_code"] == "A") & (rd["year"] == 2022)].iloc[0]
    assert a22["denominator"] == 1000.0  # own 正式 row, not 初步, not the districts' 700
    assert a22["value"] == pytest.approx(3.0)
    c23 = rd[(rd["region_code"] == "C") & (rd["year"] == 2023)].iloc[0]
    assert (c23["numerator"], c23["denominator"]) == (3.0, 120.0)  # sums of children
    assert _v(tiny, "rd_intensity", "A", 2023) is None  # no R&D figure: no row, not 0
    pop = tiny[(tiny["indicator_code"] == "invention_patents_per_10k_pop") & (tiny["year"] == 2024)]
    assert "C" not in set(pop["region_code"])  # C2 has no 2024 row: no children sum
    assert set(tiny["year"]) == {2022, 2023, 2024}
    assert _v(tiny, "invention_patents_per_10k_pop", "A2", 2023) == pytest.approx(0.1)  # 1 / 10
    hte = tiny[
        (tiny["indicator_code"] == "hightech_per_10k_legal_entities")
        & (tiny["region_code"] == "A2")
        & (tiny["year"] == 2023)
    ]
    assert hte["denominator"].iloc[0] == 1200  # later 修订 file is also 正式: same status, later file
    assert hte["value"].iloc[0] == pytest.approx(2 / 1200 * 10000)


def test_truth_certificates(tiny: pd.DataFrame) -> None:
    # 2022: u1 (12-31-2021), u2, u3 (2020 cert), u4 (corrected to A2)
    assert _v(tiny, "hightech_enterprise_count", "A", 2022) == 4
    assert _v(tiny, "hightech_enterprise_count", "A2", 2022) == 1
    # 2023: u1 still valid, u2 revoked on 12-31, u3 counted once via its 2023 renewal
    assert _v(tiny, "hightech_enterprise_count", "A", 2023) == 3
    assert _v(tiny, "hightech_enterprise_count", "A1", 2023) == 1
    # 2024: the 2021-12-31 certificate has expired
    assert _v(tiny, "hightech_enterprise_count", "A", 2024) == 2
    assert _v(tiny, "hightech_new_certified", "A", 2022) == 2
    assert _v(tiny, "hightech_enterprise_count", "Z", 2022) == 0  # counts have every region
    assert _v(tiny, "tech_sme_count", "A", 2023) == 1  # distinct enterprises


def test_truth_roster_shares(tiny: pd.DataFrame) -> None:
    assert _v(tiny, "hightech_share_of_above_scale", "A", 2022) == pytest.approx(50.0)
    assert _v(tiny, "above_scale_share_of_hightech", "A", 2022) == pytest.approx(25.0)
    assert _v(tiny, "above_scale_share_of_hightech", "A", 2023) is None  # no roster for 2023
    assert _v(tiny, "hightech_output_share", "A", 2022) == pytest.approx(20.0)
    assert _v(tiny, "hightech_manufacturing_va_share", "A", 2022) == pytest.approx(30.0)
    assert _v(tiny, "above_scale_rd_intensity", "A", 2022) == pytest.approx(1.0)
    assert _v(tiny, "above_scale_rd_coverage", "A2", 2022) == pytest.approx(0.0)
    assert _v(tiny, "hightech_output_share", "C", 2022) is None


def test_truth_patents_and_lists(tiny: pd.DataFrame) -> None:
    by_region_year = tiny.set_index(["region_code", "year"])
    pats = by_region_year[by_region_year["indicator_code"] == "invention_patents_per_10k_pop"]["numerator"]
    assert pats["A", 2022] == 2 and pats["A", 2023] == 1  # lapsed on 2023-12-31
    assert pats["A", 2024] == 2
    hv = by_region_year[by_region_year["indicator_code"] == "high_value_invention_patents_per_10k_pop"]["numerator"]
    assert hv["A", 2023] == 1
    assert _v(tiny, "gazelle_count_cumulative", "A", 2023) == 1
    assert _v(tiny, "gazelle_count", "A", 2023) == 1
    assert _v(tiny, "little_giant_count", "A", 2022) == 1 and _v(tiny, "little_giant_count", "A1", 2022) == 0
    assert _v(tiny, "specialized_sme_count", "A1", 2022) == 1 and _v(tiny, "specialized_sme_count", "A", 2022) == 1
    assert _v(tiny, "unicorn_count_cumulative", "A", 2024) == 1 and _v(tiny, "unicorn_count", "A", 2024) == 0


def test_truth_carriers(tiny: pd.DataFrame) -> None:
    # K1: 区级 2018, 市级 2020 (A1), 省级 2022 (named the city A) revoked in 2023.
    assert _v(tiny, "carrier_count_provincial_plus", "A", 2022) == 2
    assert _v(tiny, "carrier_count_provincial_plus", "A1", 2022) == 0
    assert _v(tiny, "carrier_count_provincial_plus", "A", 2023) == 1  # only the maker space
    assert _v(tiny, "carrier_count_municipal_plus", "A1", 2023) == 1  # K1 fell back to 市级 in A1
    assert _v(tiny, "carrier_new_provincial_plus", "A", 2022) == 2
    assert _v(tiny, "carrier_new_provincial_plus", "A", 2023) == 0
    # The maker space is one carrier whatever its brackets: new in 2022, national in 2023.
    assert _v(tiny, "carrier_new_count", "A", 2022) == 1
    assert _v(tiny, "carrier_new_count", "A", 2023) == 0
    assert _v(tiny, "incubation_area_new_m2", "A2", 2022) == 40.0
    assert _v(tiny, "carrier_count_national_maker_space", "A2", 2023) == 1
    assert _v(tiny, "carrier_count_national_incubator", "A", 2023) == 0


def test_truth_list_tiers_and_end_dates(tiny: pd.DataFrame) -> None:
    # u6's 瞪羚 listing of 2022 runs to 2023-12-31: valid at that year-end, gone at the next
    assert _v(tiny, "potential_gazelle_incl_count", "C", 2023) == 1
    assert _v(tiny, "potential_gazelle_incl_count", "C", 2024) == 0
    assert _v(tiny, "gazelle_count", "C", 2022) == 1
    # u7's provincial listing of 2023 ended on 11-30; its 市级 one counts (no level restriction)
    assert _v(tiny, "gazelle_count", "C1", 2023) == 0 and _v(tiny, "gazelle_count", "C2", 2023) == 1
    assert _v(tiny, "gazelle_count_cumulative", "C", 2024) == 2  # validity ignored
    # u8 delisted by the later file (same key: empty 级别 = 省级); u9's 区级 listing counts, but not as 市级+
    assert _v(tiny, "specialized_sme_count", "C", 2022) == 2
    assert _v(tiny, "specialized_sme_municipal_plus_count", "C", 2022) == 1
    assert _v(tiny, "specialized_sme_count", "C", 2023) == 1
    assert _v(tiny, "specialized_sme_municipal_plus_count", "C", 2023) == 0
    assert _v(tiny, "unicorn_incl_seed_count", "C", 2023) == 1 and _v(tiny, "unicorn_incl_seed_count", "C", 2024) == 0
    assert _v(tiny, "unicorn_count", "C", 2023) == 0  # seeds are not in unicorn_count
    assert _v(tiny, "single_champion_count", "C2", 2024) == 1  # national and provincial listing: one firm
    assert _v(tiny, "little_giant_count", "A", 2024) == 1  # no 有效期至: still valid


def test_truth_platforms(tiny: pd.DataFrame) -> None:
    # P1 upgraded to 省级 in 2022 (region A), revoked in 2023: back to 市级 in A1
    assert _v(tiny, "platform_count_provincial_plus", "A", 2022) == 3  # P1, the university's P2, P4
    assert _v(tiny, "platform_count_provincial_plus", "A", 2023) == 2
    assert _v(tiny, "platform_count_municipal_plus", "A1", 2022) == 0  # the level row names A
    assert _v(tiny, "platform_count_municipal_plus", "A1", 2023) == 1
    assert _v(tiny, "platform_new_provincial_plus", "A", 2022) == 2  # P4 reached 省级 in 2021
    assert _v(tiny, "platform_new_provincial_plus", "A", 2023) == 0
    assert _v(tiny, "platform_new_national", "A2", 2022) == 1  # P4 whatever its brackets
    assert _v(tiny, "platform_count_national", "A", 2024) == 1
    assert _v(tiny, "major_platform_new_provincial_plus", "A", 2022) == 1
    # the university's centre has no USCC: not an enterprise R&D institute
    assert _v(tiny, "enterprise_rd_institute_count", "A2", 2022) == 1  # P4 only
    assert _v(tiny, "enterprise_rd_institute_count", "A", 2023) == 2
    assert _v(tiny, "enterprise_rd_institute_new_provincial_plus", "A", 2022) == 1  # P1
    assert _v(tiny, "enterprise_rd_institute_new_municipal_plus", "A", 2022) == 0
    assert _v(tiny, "overseas_rd_institute_count", "A", 2022) == 0
    assert _v(tiny, "overseas_rd_institute_count", "A2", 2023) == 1
    assert _v(tiny, "rd_standard_certified_new", "A2", 2022) == 1  # u3, on P4's 国家级 row
    assert _v(tiny, "rd_standard_certified_new", "A2", 2023) == 1  # u3 again (P3)
    assert _v(tiny, "rd_standard_certified_new", "A", 2024) == 0


def test_truth_coverage_and_contracts(tiny: pd.DataFrame) -> None:
    # 2022: valid HTEs u1..u4; u1 (P1) and u3 (P4) host enterprise R&D institutes, wherever they are
    assert _v(tiny, "hightech_with_rd_institute_share", "A", 2022) == pytest.approx(50.0)
    assert _v(tiny, "hightech_with_rd_institute_share", "A1", 2022) == pytest.approx(200 / 3)
    assert _v(tiny, "hightech_with_rd_institute_share", "A2", 2022) == pytest.approx(0.0)
    assert _v(tiny, "hightech_with_rd_institute_share", "A", 2023) == pytest.approx(200 / 3)
    assert _v(tiny, "hightech_with_rd_institute_share", "C", 2023) is None  # no HTE: no row
    assert _v(tiny, "hightech_high_value_patent_coverage", "A", 2022) == pytest.approx(25.0)  # u4
    # registered on 12-31 counts in that year, on 01-01 in the next; the correction wins
    assert _v(tiny, "tech_contract_turnover", "A", 2023) == pytest.approx(120.0)
    assert _v(tiny, "tech_contract_count", "A", 2023) == 2
    assert _v(tiny, "tech_contract_turnover", "A2", 2024) == pytest.approx(50.0)
    assert _v(tiny, "tech_contract_turnover", "A1", 2024) == 0 and _v(tiny, "tech_contract_count", "C", 2023) == 0


# --------------------------------------------------------------------------------------
def test_check_digits() -> None:
    assert is_valid_uscc("91350100M000100Y43")  # the standard's worked example
    assert not is_valid_uscc("91350100M000100Y44")
    assert not is_valid_uscc("91350100M000100Y4")
    assert not is_valid_uscc("91350100M000100I43")  # I is not in the alphabet
    assert uscc_check_char("91350100M000100Y4") == "3"
    assert org_code_check_char("M000100Y") == "4"  # its organisation code M000100Y-4
    n = "202310123456"
    assert is_valid_application_no(f"{n}.{patent_check_char(n)}")
    # weights 2,3,4,5,6,7,8,9,2,3,4,5 over the 12 digits, mod 11, 10 -> X
    total = sum(int(c) * w for c, w in zip(n, (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5), strict=True))
    assert patent_check_char(n) == ("X" if total % 11 == 10 else str(total % 11))


# --------------------------------------------------------------------------------------
def _repeated_keys(df: pd.DataFrame, name: str) -> pd.DataFrame:
    key = df[name].astype(str).str.strip().str.replace("（", "(").str.replace("）", ")")
    return df[df.assign(_key=key).duplicated(["_file", "_key", "level"], keep=False)]


def test_crowded_unit_names_stay_unique() -> None:
    """Regression: at province scale a unit's many platforms of one institute and type ran out
    of domain words, and the serial fallback gave two platforms the same 第2 name, so a list
    repeated its key (平台名称, 级别) and the refresh rejected the file (duplicate_key)."""
    from dataclasses import replace

    from pipelines.generate.enterprises import build_pool
    from pipelines.generate.incubators import incubator_rows
    from pipelines.generate.platforms import _unique, platform_rows
    from pipelines.generate.profiles import volumes_for
    from pipelines.generate.regions import SAMPLE_REGIONS, SAMPLE_UNITS

    # the naming step alone: 2 stems (one with brackets) x 2 tails x 26 domains, far fewer than 3000
    n = 3000
    stem = np.array(["恒瑞电气（常州）", "常州理工学院"] * (n // 2), dtype=object)
    tail = np.array(["重点实验室", "研究院", "重点实验室"] * (n // 3), dtype=object)
    names = _unique(np.random.default_rng(0), stem, tail, np.zeros(n, dtype=bool))
    key = pd.Series(names).str.replace("（", "(").str.replace("）", ")")
    assert not key.duplicated().any()
    assert all(str(x).startswith(str(s)) and str(x).endswith(str(t)) for x, s, t in zip(names, stem, tail, strict=True))

    # a whole crowded unit (黔江, small firm pool) with province-sized platform and carrier volumes
    unit = SAMPLE_UNITS[2]
    vol = replace(volumes_for(unit, 0, 0.0), other_platforms=(400.0, 600.0), carriers=3000)
    pool = build_pool(unit, vol, {r.code: r for r in SAMPLE_REGIONS}, np.random.default_rng([7, 1]))
    valid = np.zeros((pool.n, 6), dtype=bool)
    platforms = platform_rows(pool, vol, valid, np.random.default_rng([7, 8]), "city").df
    assert len(platforms) > 5000
    assert _repeated_keys(platforms, "platform_name").empty
    carriers = incubator_rows(pool, vol, np.random.default_rng([7, 7]), "city", set()).df
    assert carriers["carrier_name"].nunique() > 2500
    assert _repeated_keys(carriers, "carrier_name").empty
