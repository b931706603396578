"""Ground truth: every catalogue indicator for every region and spine year.

Computed in pandas straight from the generated rows (canonical units, each row tagged
with its file), following DESIGN §2/§4 literally and sharing no code with the dbt models,
so that a disagreement between the two points at a bug in one of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.generate.truth_platforms import (
    CONTRACT_INDICATORS,
    COVERAGE_INDICATORS,
    LIST_TIER_INDICATORS,
    PLATFORM_COUNT_INDICATORS,
    PlatformTruth,
)

SEED_PATH = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "hightech_manufacturing_industries.csv"

COUNT_INDICATORS = (
    "hightech_enterprise_count", "hightech_new_certified", "tech_sme_count",
    "gazelle_count", "gazelle_count_cumulative", "unicorn_count", "unicorn_count_cumulative",
    "specialized_sme_count", "little_giant_count",
    "carrier_count_municipal_plus", "carrier_count_provincial_plus",
    "carrier_count_national_maker_space", "carrier_count_national_incubator",
    "carrier_new_count", "carrier_new_municipal_plus", "carrier_new_provincial_plus",
    "incubation_area_new_m2",
)
RATIO_INDICATORS = (
    "rd_intensity", "hightech_share_of_above_scale", "above_scale_share_of_hightech",
    "hightech_output_share", "hightech_va_share", "hightech_manufacturing_va_share",
    "above_scale_rd_intensity", "above_scale_rd_coverage", "invention_patents_per_10k_pop",
    "high_value_invention_patents_per_10k_pop", "hightech_per_10k_legal_entities",
)
# The first catalogue table in its order, then the second one (platforms, coverage, contracts, list tiers).
ALL_INDICATORS = (
    RATIO_INDICATORS[:1] + COUNT_INDICATORS[:3] + RATIO_INDICATORS[1:] + COUNT_INDICATORS[3:]
    + PLATFORM_COUNT_INDICATORS + COVERAGE_INDICATORS + CONTRACT_INDICATORS + LIST_TIER_INDICATORS
)  # fmt: skip
RATIO_INDICATORS += COVERAGE_INDICATORS
COUNT_INDICATORS += PLATFORM_COUNT_INDICATORS + CONTRACT_INDICATORS + LIST_TIER_INDICATORS
LEVEL_RANK = {"区级": 1, "市级": 2, "省级": 3, "国家级": 4}
STATUS_RANK = {"初步": 0, "正式": 1}
COLUMNS = ["indicator_code", "region_code", "year", "value", "numerator", "denominator"]


def hightech_industry_codes(path: Path = SEED_PATH) -> set[str]:
    seed = pd.read_csv(path, dtype=str)
    return set(seed["industry_code"].str.strip())


def normalise_name(s: pd.Series) -> pd.Series:
    return s.astype(str).str.strip().str.replace("（", "(", regex=False).str.replace("）", ")", regex=False)


def select_latest(df: pd.DataFrame, key: list[str], by_status: bool = False) -> pd.DataFrame:
    """The surviving row per key: later file (path order) wins; 正式 beats 初步 first."""
    d = df.reset_index(drop=True).assign(_pos=np.arange(len(df)))
    order = ["_file", "_pos"]
    if by_status:
        d = d.assign(_rank=d["status"].map(STATUS_RANK))
        order = ["_rank"] + order
    d = d.sort_values(order, kind="stable")
    return d.drop_duplicates(key, keep="last")


class Truth(PlatformTruth):
    name_key = staticmethod(normalise_name)
    level_rank = LEVEL_RANK

    def __init__(self, regions: pd.DataFrame, drop: Mapping[str, pd.DataFrame], hightech_codes: set[str] | None):
        self.regions = regions.reset_index(drop=True)
        self.codes = list(self.regions["region_code"])
        parent = dict(zip(self.regions["region_code"], self.regions["parent_code"].fillna(""), strict=True))
        self.children: dict[str, list[str]] = {c: [] for c in self.codes}
        for c, p in parent.items():
            if p:
                self.children[p].append(c)
        # Ancestor matrix: row i holds region i, its parent, ... padded with -1, so that
        # rolling rows up to every ancestor is one fancy-index instead of a merge.
        self.code_index = pd.Index(self.codes)
        chains = []
        for c in self.codes:
            chain, a = [], c
            while a:
                chain.append(self.code_index.get_loc(a))
                a = parent[a]
            chains.append(chain)
        self.anc = np.full((len(self.codes), max(map(len, chains), default=1)), -1, dtype=np.int64)
        for i, chain in enumerate(chains):
            self.anc[i, : len(chain)] = chain
        self.by_name = dict(zip(self.regions["region_name"], self.regions["region_code"], strict=True))
        self.drop = drop
        self.hightech_codes = hightech_codes
        econ = drop["regional_economy"]
        self.years = sorted({int(y) for y in econ["year"]})
        self.out: list[tuple[str, str, int, float, float, float | None]] = []

    # -- helpers ---------------------------------------------------------------------
    def _rows(self, source: str, key: list[str], by_status: bool = False) -> pd.DataFrame:
        df = self.drop.get(source)
        if df is None or df.empty:
            return pd.DataFrame(columns=key + ["region", "_file"])
        df = df.copy()
        df["region"] = df["region"].astype(str).map(lambda r: r if r in self.children else self.by_name.get(r, r))
        return select_latest(df, key, by_status)

    def _up(self, df: pd.DataFrame) -> np.ndarray:
        """Flattened ancestor indices of every row (row-major, -1 = none)."""
        ri = self.code_index.get_indexer(df["region"].to_numpy(dtype=object))
        up = self.anc[ri]
        up[ri < 0] = -1
        return up.ravel()

    def _distinct(self, df: pd.DataFrame, col: str = "uscc") -> dict[str, int]:
        """Per region, distinct values of `col` among rows of the region and its descendants."""
        if df.empty:
            return {}
        keys, uniq = pd.factorize(df[col])
        m = len(uniq) + 1
        a = self._up(df)
        k = np.repeat(keys, self.anc.shape[1])
        ok = (a >= 0) & (k >= 0)
        pairs = np.unique(a[ok] * m + k[ok])
        counts = np.bincount(pairs // m, minlength=len(self.codes))
        return {self.codes[i]: int(c) for i in np.flatnonzero(counts) for c in (counts[i],)}

    def _sum(self, df: pd.DataFrame, col: str) -> dict[str, float]:
        if df.empty:
            return {}
        a = self._up(df)
        w = np.repeat(df[col].to_numpy(dtype=float), self.anc.shape[1])
        ok = a >= 0
        sums = np.bincount(a[ok], weights=w[ok], minlength=len(self.codes))
        has = np.bincount(a[ok], minlength=len(self.codes)) > 0
        return {self.codes[i]: float(sums[i]) for i in np.flatnonzero(has)}

    def _count(self, code: str, year: int, counts: Mapping[str, float]) -> None:
        for r in self.codes:
            n = counts.get(r, 0)
            self.out.append((code, r, year, n, n, None))

    def _ratio(
        self,
        code: str,
        year: int,
        num: Mapping[str, float | None],
        den: Mapping[str, float | None],
        factor: float = 100.0,
    ) -> None:
        for r in self.codes:
            d = den.get(r)
            n = num.get(r, 0)
            if d is None or d == 0 or n is None:
                continue
            self.out.append((code, r, year, n / d * factor, n, d))

    # -- region-level inputs --------------------------------------------------------------
    def _resolved(self, source: str, col: str) -> dict[int, dict[str, float | None]]:
        rows = self._rows(source, ["region", "year"], by_status=True)
        own = {(r, int(y)): float(v) for r, y, v in zip(rows["region"], rows["year"], rows[col], strict=True)}
        return {year: self._resolved_year(own, year) for year in self.years}

    def _resolved_year(self, own: dict[tuple[str, int], float], year: int) -> dict[str, float | None]:
        """Every region's value in `year`: its own figure, else the sum of its children's (none if one is missing)."""
        memo: dict[str, float | None] = {}

        def resolve(r: str) -> float | None:
            if r in memo:
                return memo[r]
            v: float | None = own.get((r, year))
            if v is None and self.children[r]:
                vals = [resolve(c) for c in self.children[r]]
                v = None if any(x is None for x in vals) else float(sum(vals))  # type: ignore[arg-type]
            memo[r] = v
            return v

        return {r: resolve(r) for r in self.codes}

    # -- indicators ----------------------------------------------------------------------
    def compute(self) -> pd.DataFrame:
        gdp = self._resolved("regional_economy", "gdp")
        pop = self._resolved("regional_economy", "population_10k")
        legal = self._resolved("regional_economy", "enterprise_legal_entities")
        rd = self._resolved("rd_spending", "rd_expenditure")
        certs = self._rows("hightech_certificates", ["certificate_no"])
        issue = pd.to_datetime(certs["issue_date"])
        if "revoked_date" in certs:
            revoked = pd.to_datetime(certs["revoked_date"])
        else:
            revoked = pd.Series(pd.NaT, index=certs.index)
        expiry = issue + pd.DateOffset(years=3)
        sme = self._rows("tech_sme_registry", ["registration_no"])
        roster = self._rows("above_scale_industry", ["uscc", "year"])
        patents = self._rows("patents", ["application_no"])
        grant = pd.to_datetime(patents["grant_date"])
        lapse = pd.to_datetime(patents["lapse_date"])
        growth = self._growth_rows()
        carriers = self._carrier_rows()
        first = self._carrier_first_years(carriers)
        platforms = self._platform_rows()
        platform_first = self._platform_first_years(platforms)
        contracts = self._contract_rows()

        for year in self.years:
            end = pd.Timestamp(year, 12, 31)
            y = year
            self._ratio("rd_intensity", y, rd[y], gdp[y])
            valid = certs[(issue <= end) & (end < expiry) & (revoked.isna() | (revoked > end))]
            hte = self._distinct(valid)
            self._count("hightech_enterprise_count", y, hte)
            self._count("hightech_new_certified", y, self._distinct(certs[issue.dt.year == year]))
            self._count("tech_sme_count", y, self._distinct(sme[sme["year"].astype(int) == year]))

            ros = roster[roster["year"].astype(int) == year]
            valid_set = set(valid["uscc"])
            firms = self._distinct(ros)
            self._ratio("hightech_share_of_above_scale", y, self._distinct(ros[ros["uscc"].isin(valid_set)]), firms)
            if len(ros):
                in_roster = valid[valid["uscc"].isin(set(ros["uscc"]))]
                self._ratio("above_scale_share_of_hightech", y, self._distinct(in_roster), hte)
            self._ratio("hightech_output_share", y, self._sum(ros, "hightech_output"), self._sum(ros, "gross_output"))
            self._ratio("hightech_va_share", y, self._sum(ros, "hightech_value_added"), self._sum(ros, "value_added"))
            if self.hightech_codes is not None:
                htm = ros[ros["industry_code"].astype(str).str.strip().isin(self.hightech_codes)]
                self._ratio(
                    "hightech_manufacturing_va_share", y, self._sum(htm, "value_added"), self._sum(ros, "value_added")
                )
            self._ratio("above_scale_rd_intensity", y, self._sum(ros, "rd_expenditure"), self._sum(ros, "revenue"))
            rd_firms = ros[ros["has_rd_activity"].astype(bool)]
            self._ratio("above_scale_rd_coverage", y, self._distinct(rd_firms), firms)

            held = patents[(grant <= end) & (lapse.isna() | (lapse > end)) & (patents["patent_type"] == "发明")]
            self._ratio("invention_patents_per_10k_pop", y, self._distinct(held, "application_no"), pop[y], 1.0)
            hv = held[held["high_value"].astype(bool)]
            high_value = self._distinct(hv, "application_no")
            self._ratio("high_value_invention_patents_per_10k_pop", y, high_value, pop[y], 1.0)
            self._ratio("hightech_per_10k_legal_entities", y, {r: hte.get(r, 0) for r in self.codes}, legal[y], 10000.0)

            self._growth_counts(growth, year)
            self._carrier_counts(carriers, first, year)
            rd_hosts = self._platform_counts(platforms, platform_first, year)
            self._coverage(year, valid, hte, rd_hosts, hv)
            self._contract_counts(contracts, year)
        df = pd.DataFrame(self.out, columns=COLUMNS)
        order = {c: i for i, c in enumerate(ALL_INDICATORS)}
        df["_o"] = df["indicator_code"].map(order)
        return df.sort_values(["_o", "region_code", "year"], kind="stable").drop(columns="_o").reset_index(drop=True)

    # -- carriers ------------------------------------------------------------------------
    def _carrier_rows(self) -> pd.DataFrame:
        df = self.drop.get("incubators")
        if df is None or df.empty:
            return pd.DataFrame(columns=["carrier", "rank", "rec", "rev", "region", "carrier_type", "area_m2"])
        df = df.assign(carrier=normalise_name(df["carrier_name"]))
        rows = self._rows_frame(df, ["carrier", "level"])
        rows = rows.assign(
            rank=rows["level"].map(LEVEL_RANK),
            rec=rows["year_recognized"].astype(int),
            rev=pd.to_numeric(rows.get("year_revoked"), errors="coerce") if "year_revoked" in rows else np.nan,
        )
        return rows[["carrier", "rank", "rec", "rev", "region", "carrier_type", "area_m2"]].reset_index(drop=True)

    def _rows_frame(self, df: pd.DataFrame, key: list[str]) -> pd.DataFrame:
        df = df.copy()
        df["region"] = df["region"].astype(str).map(lambda r: r if r in self.children else self.by_name.get(r, r))
        return select_latest(df, key)

    @staticmethod
    def _level_rows(carriers: pd.DataFrame, year: int) -> pd.DataFrame:
        """Per carrier the row that gives its level in `year` (highest active level)."""
        active = carriers[(carriers["rec"] <= year) & (carriers["rev"].isna() | (carriers["rev"] > year))]
        return active.sort_values(["carrier", "rank"], kind="stable").drop_duplicates("carrier", keep="last")

    @staticmethod
    def _carrier_first_years(carriers: pd.DataFrame) -> dict[int, pd.Series]:
        """Per threshold rank, each carrier's first year with a level at or above it."""
        alive = carriers[carriers["rev"].isna() | (carriers["rev"] > carriers["rec"])]
        return {t: alive[alive["rank"] >= t].groupby("carrier")["rec"].min() for t in (1, 2, 3)}

    def _carrier_counts(self, carriers: pd.DataFrame, first: dict[int, pd.Series], year: int) -> None:
        lv = self._level_rows(carriers, year)
        self._count("carrier_count_municipal_plus", year, self._distinct(lv[lv["rank"] >= 2], "carrier"))
        self._count("carrier_count_provincial_plus", year, self._distinct(lv[lv["rank"] >= 3], "carrier"))
        nat = lv[lv["rank"] == 4]
        maker_spaces = self._distinct(nat[nat["carrier_type"] == "众创空间"], "carrier")
        incubators = self._distinct(nat[nat["carrier_type"] == "科技企业孵化器"], "carrier")
        self._count("carrier_count_national_maker_space", year, maker_spaces)
        self._count("carrier_count_national_incubator", year, incubators)
        new_any = set(first[1][first[1] == year].index)
        new_any_rows = lv[lv["carrier"].isin(new_any)]
        self._count("carrier_new_count", year, self._distinct(new_any_rows, "carrier"))
        for t, code in ((2, "carrier_new_municipal_plus"), (3, "carrier_new_provincial_plus")):
            names = set(first[t][first[t] == year].index)
            self._count(code, year, self._distinct(lv[lv["carrier"].isin(names)], "carrier"))
        self._count("incubation_area_new_m2", year, self._sum(new_any_rows, "area_m2"))


def compute_truth(
    regions: pd.DataFrame, drop: Mapping[str, pd.DataFrame], hightech_codes: set[str] | None = None
) -> pd.DataFrame:
    """`hightech_codes=None` leaves out hightech_manufacturing_va_share (no seed to read)."""
    return Truth(regions, drop, hightech_codes).compute()


def write_truth(df: pd.DataFrame, path: Path) -> None:
    def fmt(v: object) -> str:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return ""
        if isinstance(v, (int, np.integer)):
            return str(int(v))
        f = float(v)  # type: ignore[arg-type]
        return str(int(f)) if f.is_integer() and abs(f) < 2**53 else repr(f)

    lines = [",".join(COLUMNS)]
    for row in df.itertuples(index=False):
        lines.append(",".join([row[0], row[1], str(row[2]), fmt(row[3]), fmt(row[4]), fmt(row[5])]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# -- plan targets ------------------------------------------------------------------------
# DESIGN §2 (target rules) and §4 (fct_target_progress), restated in plain Python over the
# indicator truth above; shares nothing with int_target_progress.sql but the words of DESIGN.

CATALOGUE_PATH = SEED_PATH.parent / "indicator_catalogue.csv"
TARGET_KEY = ["plan_name", "region_code", "indicator_code", "kind", "target_year", "period_year"]
TARGET_COLUMNS = [
    *TARGET_KEY, "target_value", "target_multiple", "base_year", "base_value",
    "actual_year", "actual_value", "path_value", "completion_pct", "status",
]  # fmt: skip
_TOLERANCE = 1e-9  # DESIGN's comparators on doubles: equal within 1e-9 of the larger magnitude


def catalogue_codes(path: Path = CATALOGUE_PATH) -> set[str]:
    return set(pd.read_csv(path, dtype=str)["indicator_code"].str.strip())


def _equal(a: float, b: float) -> bool:
    return abs(a - b) <= _TOLERANCE * max(1.0, abs(a), abs(b))


def _meets(actual: float, comparator: str, target: float) -> bool:
    return {
        ">": actual > target and not _equal(actual, target),
        ">=": actual > target or _equal(actual, target),
        "=": _equal(actual, target),
        "<=": actual < target or _equal(actual, target),
    }[comparator]


def _on_track(actual: float, comparator: str, path: float, target: float) -> bool:
    if comparator in (">", ">="):
        return actual > path or _equal(actual, path)
    if comparator == "<=":
        return actual < path or _equal(actual, path)
    return abs(actual - target) <= abs(path - target) or _equal(abs(actual - target), abs(path - target))


def _given(v: object) -> bool:
    return v is not None and not (isinstance(v, float) and np.isnan(v))


def _judge_target(t: Mapping[str, object], series: Mapping[int, float], measurable: bool) -> list[dict[str, object]]:
    kind, comparator = str(t["kind"]), str(t["comparator"])
    start, target_year = int(t["start_year"]), int(t["target_year"])  # type: ignore[call-overload]
    by = int(t["base_year"]) if _given(t["base_year"]) else None  # type: ignore[call-overload]
    bv = float(t["base_value"]) if _given(t["base_value"]) else None  # type: ignore[arg-type]
    multiple = float(t["target_multiple"]) if _given(t.get("target_multiple")) else None  # type: ignore[arg-type]
    tv = float(t["target_value"]) if _given(t["target_value"]) else None  # type: ignore[arg-type]
    # base point: both given; else the value of base_year (given alone) or of start_year - 1;
    # when that year has no value, the earliest value
    if not measurable or (by is not None and bv is not None):
        base = (by, bv)
    else:
        anchor = by if by is not None else start - 1
        if anchor in series:
            base = (anchor, series[anchor])
        elif series:
            first = min(series)
            base = (first, series[first])
        else:
            base = (None, None)
    if tv is None and multiple is not None and base[1] is not None:
        tv = multiple * base[1]
    line_start = (start - 1, 0.0) if kind == "累计" and measurable and multiple is None else base
    periods = range(min(start, target_year), target_year + 1) if kind == "年度" else [target_year]
    rows = []
    for period in periods:
        actual: tuple[int, float] | None = None
        if measurable and kind == "年度":
            actual = (period, series[period]) if period in series else None
        elif measurable and kind == "累计":
            total, year = 0.0, start
            while year <= target_year and year in series:  # the sum stops at the first missing year
                total += series[year]
                actual = (year, total)
                year += 1
        elif measurable:
            before = [y for y in series if y <= target_year]
            actual = (max(before), series[max(before)]) if before else None
        path = None
        if not measurable:
            status = "not_measurable"
        elif tv is None or actual is None:
            status, actual = "no_data", None
        elif kind == "年度" or actual[0] == target_year:
            status = "achieved" if _meets(actual[1], comparator, tv) else "missed"
        elif _meets(actual[1], comparator, tv):
            status = "achieved"
        elif line_start[1] is None:
            status, actual = "no_data", None
        else:
            status = "behind"
        if actual is not None and kind != "年度" and line_start[0] is not None and line_start[1] is not None:
            y0, v0 = line_start
            path = tv if y0 == target_year else v0 + (tv - v0) * (actual[0] - y0) / (target_year - y0)  # type: ignore[operator]
            if status == "behind" and _on_track(actual[1], comparator, path, tv):  # type: ignore[arg-type]
                status = "on_track"
        rows.append(
            {
                "plan_name": t["plan_name"], "region_code": t["region_code"], "indicator_code": t["indicator_code"],
                "kind": kind, "target_year": target_year, "period_year": period,
                "target_value": tv, "target_multiple": multiple,
                "base_year": line_start[0], "base_value": line_start[1],
                "actual_year": actual[0] if actual else None, "actual_value": actual[1] if actual else None,
                "path_value": path,
                "completion_pct": actual[1] / tv * 100 if actual and tv else None,
                "status": status,
            }
        )  # fmt: skip
    return rows


def compute_target_truth(values: pd.DataFrame, targets: pd.DataFrame, catalogue: set[str]) -> pd.DataFrame:
    """Every target row of fct_target_progress as DESIGN §2/§4 define it.

    values     the indicator truth (compute_truth, or expected_indicators.csv)
    targets    the plan_targets rows (English aliases, region as a code; one row per key)
    catalogue  the indicator codes of the catalogue (catalogue_codes())
    """
    series: dict[tuple[str, str], dict[int, float]] = {}
    for code, region, year, value in values[["indicator_code", "region_code", "year", "value"]].itertuples(index=False):
        series.setdefault((str(code), str(region)), {})[int(year)] = float(value)
    rows: list[dict[str, object]] = []
    for t in targets.to_dict("records"):
        code, region = str(t["indicator_code"]).strip(), str(t["region_code"]).strip()
        rows += _judge_target({**t, "indicator_code": code, "region_code": region}, series.get((code, region), {}),
                              code in catalogue)  # fmt: skip
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)
