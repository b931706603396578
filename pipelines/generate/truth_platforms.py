"""Ground truth for the growth lists (with their tiers and end dates), the platform, contract
and high-tech coverage indicators (DESIGN §4, second table), mixed into truth.Truth.

The same stance as truth.py: pandas straight from the generated rows, DESIGN's words read
literally, no code shared with the dbt models.

- A growth listing is keyed (uscc, category, effective level, year), later file wins; the
  effective level is 级别, or when empty 国家级 for 小巨人/单项冠军 and 省级 for the others. It
  counts at Y-12-31 when listed for Y or before and 有效期至 is empty or >= Y-12-31.
  gazelle_count and unicorn_count take the listings of Y only, the *_cumulative counts every
  listing up to Y whatever its end date; no level restriction unless the catalogue states one.
- A platform is its name with brackets unified; rows are keyed (name, level), later file
  wins. Its level in Y comes from the highest-ranked row recognised by Y and not revoked by
  Y (Y < 撤销年度); that "level row" also gives its region, type, host and is_major in Y.
- "First reached level L" is the smallest Y at which the level is L or higher.
- rd_standard_certified_new looks at the surviving rows recognised in Y whatever happened
  to them later: the certification happened.
- A contract counts in the year of its registration date, in the seller's region.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

RD_INSTITUTE_TYPES = ("企业研发机构", "企业技术中心", "工程技术研究中心")
OVERSEAS_TYPE = "海外研发机构"
PLATFORM_COLUMNS = ["platform", "rank", "rec", "rev", "region", "platform_type", "host", "is_major", "certified"]
# Catalogue order (DESIGN §4): counts first, then the two coverage ratios, then contracts.
PLATFORM_COUNT_INDICATORS = (
    "platform_count_municipal_plus", "platform_count_provincial_plus", "platform_count_national",
    "platform_new_municipal_plus", "platform_new_provincial_plus", "platform_new_national",
    "major_platform_new_provincial_plus", "enterprise_rd_institute_count",
    "enterprise_rd_institute_new_municipal_plus", "enterprise_rd_institute_new_provincial_plus",
    "overseas_rd_institute_count", "rd_standard_certified_new",
)  # fmt: skip
COVERAGE_INDICATORS = ("hightech_with_rd_institute_share", "hightech_high_value_patent_coverage")
CONTRACT_INDICATORS = ("tech_contract_turnover", "tech_contract_count")
LIST_TIER_INDICATORS = (
    "potential_gazelle_incl_count", "unicorn_incl_seed_count", "single_champion_count",
    "specialized_sme_municipal_plus_count",
)  # fmt: skip
# 级别 of a growth listing when the cell is empty (DESIGN §2): 小巨人 and 单项冠军 国家级, others 省级.
IMPLIED_LIST_LEVEL = {'专精特新"小巨人"企业': "国家级", "制造业单项冠军企业": "国家级"}


def _flag(s: pd.Series | None, index: pd.Index) -> pd.Series:
    """A yes/no column as booleans; missing column or empty cell = no."""
    if s is None:
        return pd.Series(False, index=index)
    return s.map(lambda v: False if pd.isna(v) else bool(v)).astype(bool)


class PlatformTruth:
    """Methods of Truth for the growth lists and the new sources; rely on Truth's _rows,
    _rows_frame, _distinct, _sum, _count, _ratio, and on its `name_key` and `level_rank`."""

    # -- growth lists ----------------------------------------------------------------------
    def _growth_rows(self) -> pd.DataFrame:
        """Listings keyed (uscc, category, effective level, year), later file wins; an empty
        级别 is the level the category implies."""
        df = self.drop.get("growth_firm_lists")  # type: ignore[attr-defined]
        if df is None or df.empty:
            return pd.DataFrame(columns=["uscc", "category", "year", "region", "rank", "until"])
        level = df["level"] if "level" in df else pd.Series(None, index=df.index, dtype=object)
        given = level.notna() & (level.astype(str).str.strip() != "")
        implied = df["category"].map(IMPLIED_LIST_LEVEL).fillna("省级")
        df = df.assign(eff_level=level.where(given, implied))
        rows = self._rows_frame(df, ["uscc", "category", "eff_level", "year"])  # type: ignore[attr-defined]
        until = rows["valid_until"] if "valid_until" in rows else pd.Series(None, index=rows.index, dtype=object)
        return rows.assign(
            year=rows["year"].astype(int), rank=rows["eff_level"].map(self.level_rank), until=pd.to_datetime(until)
        )

    def _growth_counts(self, g: pd.DataFrame, year: int) -> None:
        end = pd.Timestamp(year, 12, 31)
        gy, cat = g["year"], g["category"]
        # a listing counts at Y-12-31 from its year on, while 有效期至 is empty or not before Y-12-31
        valid = (gy <= year) & (g["until"].isna() | (g["until"] >= end))
        gazelle = cat == "瞪羚企业"
        unicorn = cat.isin(["独角兽企业", "潜在独角兽企业"])
        specialized = cat.isin(["专精特新中小企业", '专精特新"小巨人"企业'])
        counts = {
            "gazelle_count": gazelle & (gy == year) & valid,
            "gazelle_count_cumulative": gazelle & (gy <= year),
            "unicorn_count": unicorn & (gy == year) & valid,
            "unicorn_count_cumulative": unicorn & (gy <= year),
            "specialized_sme_count": specialized & valid,
            "little_giant_count": (cat == '专精特新"小巨人"企业') & valid,
            "potential_gazelle_incl_count": cat.isin(["瞪羚企业", "潜在瞪羚企业"]) & (g["rank"] >= 3) & valid,
            "unicorn_incl_seed_count": cat.isin(["独角兽企业", "潜在独角兽企业", "种子独角兽企业"]) & valid,
            "single_champion_count": (cat == "制造业单项冠军企业") & valid,
            "specialized_sme_municipal_plus_count": specialized & (g["rank"] >= 2) & valid,
        }
        for code, mask in counts.items():
            self._count(code, year, self._distinct(g[mask]))  # type: ignore[attr-defined]

    # -- platforms ---------------------------------------------------------------------------
    def _platform_rows(self) -> pd.DataFrame:
        df = self.drop.get("innovation_platforms")  # type: ignore[attr-defined]
        if df is None or df.empty:
            return pd.DataFrame(columns=PLATFORM_COLUMNS)
        df = df.assign(platform=self.name_key(df["platform_name"]))  # type: ignore[attr-defined]
        rows = self._rows_frame(df, ["platform", "level"])  # type: ignore[attr-defined]
        host = rows["host_uscc"] if "host_uscc" in rows else pd.Series(None, index=rows.index, dtype=object)
        rows = rows.assign(
            rank=rows["level"].map(self.level_rank),  # type: ignore[attr-defined]
            rec=rows["year_recognized"].astype(int),
            rev=pd.to_numeric(rows["year_revoked"], errors="coerce") if "year_revoked" in rows else np.nan,
            host=host.fillna("").astype(str).str.strip(),
            is_major=_flag(rows.get("is_major"), rows.index),
            certified=_flag(rows.get("rd_standard_certified"), rows.index),
        )
        return rows[PLATFORM_COLUMNS].reset_index(drop=True)

    @staticmethod
    def _platform_level_rows(p: pd.DataFrame, year: int) -> pd.DataFrame:
        """Per platform the row that gives its level in `year`: the highest active one."""
        active = p[(p["rec"] <= year) & (p["rev"].isna() | (year < p["rev"]))]
        return active.sort_values(["platform", "rank"], kind="stable").drop_duplicates("platform", keep="last")

    @staticmethod
    def _platform_first_years(p: pd.DataFrame) -> dict[int, pd.Series]:
        """Per threshold rank, each platform's first year with a level at or above it (a row
        revoked in its own year never gave the platform that level)."""
        alive = p[p["rev"].isna() | (p["rev"] > p["rec"])]
        return {t: alive[alive["rank"] >= t].groupby("platform")["rec"].min() for t in (2, 3, 4)}

    def _platform_counts(self, p: pd.DataFrame, first: dict[int, pd.Series], year: int) -> set[str]:
        """Count the platform indicators of `year`; return the USCCs hosting an enterprise R&D
        institute valid in `year` (for the coverage ratio)."""
        lv = self._platform_level_rows(p, year)

        def count(code: str, rows: pd.DataFrame) -> None:
            self._count(code, year, self._distinct(rows, "platform"))  # type: ignore[attr-defined]

        def new(rows: pd.DataFrame, t: int) -> pd.DataFrame:
            return rows[rows["platform"].isin(set(first[t][first[t] == year].index))]

        count("platform_count_municipal_plus", lv[lv["rank"] >= 2])
        count("platform_count_provincial_plus", lv[lv["rank"] >= 3])
        count("platform_count_national", lv[lv["rank"] == 4])
        count("platform_new_municipal_plus", new(lv, 2))
        count("platform_new_provincial_plus", new(lv, 3))
        count("platform_new_national", new(lv, 4))
        count("major_platform_new_provincial_plus", new(lv[lv["is_major"]], 3))
        rdi = lv[lv["platform_type"].isin(RD_INSTITUTE_TYPES) & (lv["host"] != "")]
        count("enterprise_rd_institute_count", rdi)
        count("enterprise_rd_institute_new_municipal_plus", new(rdi, 2))
        count("enterprise_rd_institute_new_provincial_plus", new(rdi, 3))
        count("overseas_rd_institute_count", lv[lv["platform_type"] == OVERSEAS_TYPE])
        certified = p[(p["rec"] == year) & p["certified"] & (p["host"] != "")]
        self._count("rd_standard_certified_new", year, self._distinct(certified, "host"))  # type: ignore[attr-defined]
        return set(rdi["host"])

    # -- high-tech coverage --------------------------------------------------------------------
    def _coverage(
        self, year: int, valid: pd.DataFrame, hte: Mapping[str, int], rd_hosts: set[str], hv_held: pd.DataFrame
    ) -> None:
        """valid: certificates valid at Y-12-31; hte: hightech_enterprise_count of Y; hv_held:
        high-value invention patents held at Y-12-31."""
        with_rd = valid[valid["uscc"].isin(rd_hosts)]
        self._ratio("hightech_with_rd_institute_share", year, self._distinct(with_rd), hte)  # type: ignore[attr-defined]
        holders = set(hv_held["holder_uscc"].dropna().astype(str).str.strip()) - {""}
        with_hv = valid[valid["uscc"].isin(holders)]
        self._ratio("hightech_high_value_patent_coverage", year, self._distinct(with_hv), hte)  # type: ignore[attr-defined]

    # -- technology contracts ------------------------------------------------------------------
    def _contract_rows(self) -> pd.DataFrame:
        rows = self._rows("tech_contracts", ["contract_no"])  # type: ignore[attr-defined]
        if "registered_date" not in rows:
            return rows.assign(reg_year=pd.Series(dtype=int), contract_amount=pd.Series(dtype=float))
        return rows.assign(reg_year=pd.to_datetime(rows["registered_date"]).dt.year)

    def _contract_counts(self, c: pd.DataFrame, year: int) -> None:
        in_year = c[c["reg_year"] == year]
        self._count("tech_contract_turnover", year, self._sum(in_year, "contract_amount"))  # type: ignore[attr-defined]
        self._count("tech_contract_count", year, self._distinct(in_year, "contract_no"))  # type: ignore[attr-defined]
