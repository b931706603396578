"""Region-level inputs: R&D spending and GDP / population / legal entities, with vintages.

A city's own figures are accounted on their own, so they differ from the sum of its
districts. Recent years arrive twice: a 初步 (preliminary) figure and later a 正式 (final)
one; older years get a same-status revision file. Some region-years have no own row so
that the children-sum rule is needed. 常州经开区 (a 功能区) publishes its own figures, like
the real zone does, so every DESIGN §6 region has both headline indicators.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.generate.batches import Rows
from pipelines.generate.formats import FileSpec
from pipelines.generate.regions import YEARS, Region

# City-level series 2019..2024 for the sample: GDP 亿元, population 万人, R&D % of GDP,
# enterprise legal entities. Shaped on the published yearbook figures, not copied.
_CITY = {
    "320400": ([7400.86, 7805.32, 8807.58, 9550.10, 10116.36, 10813.60],
               [473.60, 528.06, 534.96, 536.63, 537.50, 537.92],
               [2.82, 2.95, 3.10, 3.22, 3.31, 3.38],
               [182400, 199300, 221500, 238100, 252700, 263400]),
    "360300": ([1075.60, 1108.30, 1208.40, 1251.20, 1278.60, 1311.50],
               [192.10, 180.50, 179.60, 178.30, 177.40, 176.60],
               [1.22, 1.33, 1.46, 1.57, 1.68, 1.79],
               [24500, 27100, 29800, 31900, 33700, 35200]),
    "500114": ([252.30, 259.80, 276.90, 283.40, 291.20, 300.50],
               [48.90, 48.70, 48.60, 48.50, 48.40, 48.30],
               [0.62, 0.68, 0.75, 0.83, 0.91, 0.98],
               [6100, 6700, 7300, 7800, 8300, 8700]),
}
# District shares of the city: GDP, population, R&D intensity relative to the city.
_DISTRICT = {
    "320402": (0.120, 0.135, 0.80), "320404": (0.115, 0.125, 0.85), "320411": (0.235, 0.135, 1.25),
    "320412": (0.275, 0.270, 1.15), "320413": (0.095, 0.110, 0.85), "320481": (0.130, 0.150, 0.70),
    "320491": (0.045, 0.030, 1.35),
    "360302": (0.330, 0.290, 1.20), "360313": (0.190, 0.190, 0.90), "360321": (0.070, 0.130, 0.60),
    "360322": (0.200, 0.250, 0.80), "360323": (0.160, 0.140, 1.10),
}


@dataclass
class Series:
    gdp: np.ndarray  # 亿元
    pop: np.ndarray  # 万人
    rd: np.ndarray  # 万元
    legal: np.ndarray  # count


def _from_shares(parent: Series, share: tuple[float, float, float], rng: np.random.Generator) -> Series:
    g_share, p_share, rd_mult = share
    noise = 1 + rng.normal(0, 0.015, len(YEARS))
    gdp = np.round(parent.gdp * g_share * noise, 2)
    pop = np.round(parent.pop * p_share * (1 + rng.normal(0, 0.005, len(YEARS))), 2)
    intensity = parent.rd / (parent.gdp * 1e4) * rd_mult * (1 + rng.normal(0, 0.03, len(YEARS)))
    rd = np.round(gdp * 1e4 * intensity, 2)
    legal = np.round(parent.legal * p_share * (1 + rng.normal(0, 0.02, len(YEARS)))).astype(int)
    return Series(gdp, pop, rd, legal)


def build_series(regions: list[Region], seed: int) -> dict[str, Series]:
    """Figures for every region that publishes its own (synthetic zones publish none)."""
    rng = np.random.default_rng([seed, 7007])
    out: dict[str, Series] = {}
    kids: dict[str, list[Region]] = {}
    for r in regions:
        kids.setdefault(r.parent, []).append(r)
    for r in regions:
        if r.code in _CITY:
            g, p, i, n = (np.array(x, dtype=float) for x in _CITY[r.code])
            out[r.code] = Series(g, p, np.round(g * 1e4 * i / 100, 2), n.astype(int))
    for r in regions:
        if r.code in _DISTRICT:
            out[r.code] = _from_shares(out[r.parent], _DISTRICT[r.code], rng)
    # Synthetic provinces: cities first, then the province's own accounts.
    for prov in (r for r in regions if r.level == "省"):
        cities = [c for c in kids.get(prov.code, []) if c.level == "市"]
        for c in cities:
            pop0 = rng.uniform(200, 1100)
            gdp_pc = rng.uniform(5, 16)  # 万元 per person
            growth = rng.uniform(0.03, 0.08)
            t = np.arange(len(YEARS))
            gdp = np.round(pop0 * gdp_pc * (1 + growth) ** t * (1 + rng.normal(0, 0.01, len(t))), 2)
            pop = np.round(pop0 * (1 + rng.uniform(-0.01, 0.015)) ** t, 2)
            intensity = rng.uniform(0.8, 3.5) + 0.06 * t
            s = Series(gdp, pop, np.round(gdp * 1e4 * intensity / 100, 2),
                       np.round(pop * rng.uniform(300, 550) * (1.06 ** t)).astype(int))
            out[c.code] = s
            members = [k for k in kids.get(c.code, []) if k.level == "区县"]
            shares = rng.dirichlet(np.full(len(members), 4.0))
            for k, sh in zip(members, shares, strict=True):
                out[k.code] = _from_shares(s, (sh * 0.98, sh, rng.uniform(0.6, 1.3)), rng)
        agg = [out[c.code] for c in cities]
        f = rng.uniform(0.97, 1.03)
        out[prov.code] = Series(
            np.round(sum(a.gdp for a in agg) * f, 2), np.round(sum(a.pop for a in agg), 2),
            np.round(sum(a.rd for a in agg) * f, 2), np.round(sum(a.legal for a in agg) * f).astype(int),
        )
    return out


# (region, year) pairs that publish no own row, so their figure is the sum of children.
SAMPLE_NO_OWN_ECONOMY = {("360300", 2019)}
SAMPLE_NO_OWN_RD = {("360300", 2024)}
SAMPLE_RD_REVISIONS = {("320404", 2021), ("360300", 2020), ("360313", 2022)}

ECON_FILES = {
    "final_old": (
        "2019-2022年地区经济基本情况.xlsx",
        FileSpec("xlsx", title="2019-2022年地区经济基本情况（正式数）", region_by_name=True),
    ),
    # The 2023 final was published before the preliminary file got its (later-sorting)
    # name, so path order and vintage disagree here on purpose: 正式 must still win.
    "final_2023": ("2023年正式数.csv", FileSpec(encoding="utf-8-sig", money_unit="万元")),
    "prelim_2023": ("2024-03发布_2023年初步数.csv", FileSpec()),
    "prelim_2024": ("2024年初步数.csv", FileSpec(encoding="gb18030", region_by_name=True, crlf=True)),
    "final_2024": ("2024年正式数.csv", FileSpec(english=True)),
}
RD_FILES = {
    "final_old": (
        "R&D经费内部支出_2019-2022.csv",
        FileSpec(encoding="gb18030", money_unit="亿元", region_by_name=True, crlf=True),
    ),
    "revision": ("R&D经费内部支出_2019-2022_修订.csv", FileSpec()),
    "prelim_2023": ("R&D经费内部支出_2023_初步.csv", FileSpec(fullwidth=True)),
    "final_2023": (
        "R&D经费内部支出_2023_正式.xlsx",
        FileSpec("xlsx", title="2023年全社会R&D经费内部支出（正式数）", money_unit="元"),
    ),
    "prelim_2024": ("R&D经费内部支出_2024_初步.csv", FileSpec(english=True, money_unit="亿元", enum_english=True)),
}


def _vintage(key: str, year: int) -> str | None:
    if key == "final_old":
        return "正式" if year <= 2022 else None
    want = int(key[-4:]) if key[-4:].isdigit() else None
    if want != year:
        return None
    return "初步" if key.startswith("prelim") else "正式"


def economy_rows(regions: list[Region], series: dict[str, Series], seed: int, scale: str) -> tuple[Rows, Rows]:
    rng = np.random.default_rng([seed, 7008])
    sample = scale == "sample"
    no_econ = set(SAMPLE_NO_OWN_ECONOMY)
    no_rd = set(SAMPLE_NO_OWN_RD)
    revisions = set(SAMPLE_RD_REVISIONS)
    if not sample:
        for r in regions:
            if r.level == "市" and r.code in series and r.code not in _CITY:
                if rng.random() < 0.05:
                    no_econ.add((r.code, int(rng.choice(YEARS))))
                if rng.random() < 0.05:
                    no_rd.add((r.code, int(rng.choice(YEARS))))
                if rng.random() < 0.05:
                    revisions.add((r.code, int(rng.choice(YEARS[:4]))))
    econ: list[dict[str, object]] = []
    rd: list[dict[str, object]] = []
    for r in regions:
        s = series.get(r.code)
        if s is None:
            continue
        for yi, year in enumerate(YEARS):
            for key, (fname, _) in ECON_FILES.items():
                status = _vintage(key, year)
                if status is None or (r.code, year) in no_econ:
                    continue
                final = status == "正式"
                f = 1.0 if final else 1 + rng.normal(0, 0.012)
                fp = 1.0 if final else 1 + rng.normal(0, 0.003)
                econ.append({"region": r.code, "year": year,
                             # 万元, whole: the files print 亿元 with 2 decimals
                             "gdp": float(round(round(float(s.gdp[yi]) * f, 2) * 1e4)),
                             "population_10k": round(float(s.pop[yi]) * fp, 2),
                             "enterprise_legal_entities": int(round(s.legal[yi] * f)),
                             "status": status, "_file": fname})
            for key, (fname, _) in RD_FILES.items():
                status = _vintage(key, year) if key != "revision" else None
                if key == "revision" and (r.code, year) in revisions:
                    rd.append({"region": r.code, "year": year, "status": "正式", "_file": fname,
                               "rd_expenditure": round(float(s.rd[yi]) * (1 + rng.normal(0, 0.03)), 2)})
                if status is None or (r.code, year) in no_rd:
                    continue
                f = 1.0 if status == "正式" else 1 + rng.normal(0, 0.01)
                rd.append({"region": r.code, "year": year, "status": status, "_file": fname,
                           "rd_expenditure": round(float(s.rd[yi]) * f, 2)})
    econ_df = pd.DataFrame.from_records(econ).sort_values(["_file", "year", "region"], kind="stable")
    rd_df = pd.DataFrame.from_records(rd).sort_values(["_file", "year", "region"], kind="stable")
    return _scaled("regional_economy", econ_df, ECON_FILES, scale), _scaled("rd_spending", rd_df, RD_FILES, scale)


def _scaled(source: str, df: pd.DataFrame, files: dict[str, tuple[str, FileSpec]], scale: str) -> Rows:
    """xlsx files become .csv at benchmark scales."""
    names: dict[str, str] = {}
    specs: dict[str, FileSpec] = {}
    for fname, spec in files.values():
        s = spec.for_scale(scale)
        name = fname if fname.endswith("." + s.fmt) else fname.rsplit(".", 1)[0] + "." + s.fmt
        names[fname] = name
        specs[name] = s
    df = df.assign(_file=df["_file"].map(names))
    return Rows(source, df.reset_index(drop=True), specs)
