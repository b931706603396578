"""科技型中小企业入库名单 and the growth-firm lists (瞪羚, 独角兽, 专精特新, 单项冠军).

Both are yearly lists whose members persist: a firm registered or listed last year is
likely to be on this year's list too, which is what makes distinct-over-years counts
differ from sums of yearly counts.

Growth lists carry 级别 and 有效期至 from 2021 on (the 2019 and 2020 files are in the old
format without them: an empty level is the one the category implies, and no end date means
valid). 瞪羚 listings run to 12-31 two years on, 潜在瞪羚 to the next year-end, the annual
独角兽 lists to their own year-end, 专精特新/小巨人/单项冠军 three years from publication and
are re-confirmed (复核) then; 市级 and 区级 lists come beside the provincial ones. Two later
files repeat listings with the implied level spelt out: a notice giving the old-format 瞪羚
listings their end dates, and a 动态调整 list that delists some firms early (an earlier 有效期至).
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import numpy as np
import pandas as pd

from pipelines.generate.batches import Rows
from pipelines.generate.enterprises import Pool, weighted_pick
from pipelines.generate.formats import FileSpec
from pipelines.generate.numbers import registration_number
from pipelines.generate.profiles import Volumes, on_path
from pipelines.generate.regions import YEARS

SME_SPECS: dict[str, FileSpec] = {
    "2019": FileSpec(),
    "2020": FileSpec("xlsx", region_by_name=True),
    "2021": FileSpec(encoding="gb18030", region_by_name=True, crlf=True),
    "2022": FileSpec(english=True),
    "2023-1": FileSpec(encoding="utf-8-sig", extra=("序号",)),
    "2023-2": FileSpec("xlsx"),
    "2024": FileSpec(extra=("序号",), region_by_name=True),
}
OLD_FORMAT = ("level", "valid_until")  # the tiers and end dates came with the 2021 lists
GROWTH_SPECS: dict[int, FileSpec] = {
    2019: FileSpec(region_by_name=True, omit=OLD_FORMAT),
    2020: FileSpec("xlsx", omit=OLD_FORMAT),
    2021: FileSpec(english=True, enum_english=True),
    2022: FileSpec(encoding="gb18030", crlf=True, date_style="slash"),
    2023: FileSpec(encoding="utf-8-sig", region_by_name=True, date_style="zh"),
    2024: FileSpec("xlsx", extra=("序号",), date_style="excel"),
}
# '瞪' sorts after '2': read after every year file, so its rows supersede the listings they repeat.
# '企' < '及': the notice is read before the delistings, which win where both name a listing.
NOTICE_FILE = "瞪羚企业有效期补充公告.csv"
NOTICE_SPEC = FileSpec(encoding="gb18030", date_style="zh", crlf=True)
ADJUST_FILE = "瞪羚及专精特新企业动态调整名单.csv"
ADJUST_SPEC = FileSpec(date_style="iso")
GAZELLES = ("瞪羚企业", "潜在瞪羚企业")
NAT = np.datetime64("NaT", "s")
IMPLIED_LEVEL = {'专精特新"小巨人"企业': "国家级", "制造业单项冠军企业": "国家级"}  # others 省级
SME_LARGE = 20000.0  # 万元: above this revenue a firm is no longer an SME


def _titled(spec: FileSpec, title: str, scale: str) -> FileSpec:
    spec = spec.for_scale(scale)
    if spec.fmt == "xlsx":
        spec = replace(spec, title=title)
    return spec


def sme_rows(pool: Pool, vol: Volumes, valid: np.ndarray, rng: np.random.Generator, scale: str) -> Rows:
    frames: list[pd.DataFrame] = []
    last = np.zeros(pool.n, dtype=bool)
    specs: dict[str, FileSpec] = {}
    uscc = np.array(pool.uscc, dtype=object)
    names = np.array(pool.name, dtype=object)
    for yi, year in enumerate(YEARS):
        eligible = np.flatnonzero((pool.founded <= year) & (pool.revenue[:, yi] < SME_LARGE))
        score = 1.0 * pool.z + 2.5 * last + 0.8 * valid[:, yi]
        picked = np.sort(weighted_pick(rng, eligible, score[eligible], int(round(on_path(vol.sme, year)))))
        last = np.zeros(pool.n, dtype=bool)
        last[picked] = True
        # 2023 was published in two batches; batch B numbers carry the letter B.
        second = (rng.random(len(picked)) < 0.45) & (year == 2023)
        keys = [f"{year}-2", f"{year}-1"] if year == 2023 else [str(year), str(year)]
        fnames = []
        for key in keys:
            batch = {"-1": "第一批", "-2": "第二批"}.get(key[-2:], "")
            title = f"{year}年{batch}科技型中小企业入库名单"
            spec = _titled(SME_SPECS[key], title, scale)
            fnames.append(f"{title}.{spec.fmt}")
            specs[fnames[-1]] = spec
        home = pool.home[picked].astype(str)
        start = {h: int(rng.integers(1, 400)) for h in sorted(set(home))}
        seq = pd.Series(home).groupby(home).cumcount().to_numpy()
        serial = np.array([start[h] for h in home], dtype=int) + seq
        letters = np.where(second, "B", "A")
        frames.append(
            pd.DataFrame(
                {
                    "enterprise_name": names[picked],
                    "uscc": uscc[picked],
                    "registration_no": [
                        registration_number(year, h, int(k), letter)
                        for h, k, letter in zip(home, serial, letters, strict=True)
                    ],
                    "year": year,
                    "region": home,
                    "_file": np.where(second, fnames[0], fnames[1]),
                }
            )
        )
    return Rows("tech_sme_registry", pd.concat(frames, ignore_index=True), specs)




def _year_end(year: int) -> np.datetime64:
    return np.datetime64(f"{year}-12-31", "s")


def _years_on(day: np.datetime64, years: int) -> np.datetime64:
    """The day before the same date `years` later (a three-year term from publication)."""
    d = pd.Timestamp(day) + pd.DateOffset(years=years) - pd.Timedelta(days=1)
    return np.datetime64(d.date(), "s")


def _stochastic(x: float, rng: np.random.Generator) -> int:
    """Round so that the expected value is x (small lists: 0.25 a year is one every four years)."""
    return int(np.floor(x + rng.random()))


def _pub(rng: np.random.Generator, year: int, month: int) -> np.datetime64:
    """The publication day of a list."""
    return np.datetime64(f"{year}-{month:02d}-{int(rng.integers(1, 29)):02d}", "s")


def _add(
    frames: list[pd.DataFrame],
    pool: Pool,
    rng: np.random.Generator,
    year: int,
    fname: str,
    new_format: bool,
    idx: np.ndarray,
    cat: str,
    level: str | None = None,
    until: np.datetime64 = NAT,
) -> None:
    """Append the listings of firms `idx` in category `cat` (at `level`, None = implied) to frames."""
    idx = np.sort(np.asarray(idx, dtype=int))
    m = len(idx)
    if not m:
        return
    region = pool.home[idx].astype(object)
    if IMPLIED_LEVEL.get(cat) == "国家级":
        region = np.where(rng.random(m) < 0.3, pool.unit.root, region)  # national lists often name only the city
    lv = np.full(m, level, dtype=object)
    if new_format and level is None:
        # Some lists print the level the category implies; most leave it empty.
        lv[rng.random(m) < 0.1] = IMPLIED_LEVEL.get(cat, "省级")
    frames.append(
        pd.DataFrame(
            {
                "enterprise_name": np.array(pool.name, dtype=object)[idx],
                "uscc": np.array(pool.uscc, dtype=object)[idx],
                "category": cat,
                "year": year,
                "region": region,
                "level": lv if new_format else None,
                # kept for the notice and the delistings; blanked in old-format files at the end
                "valid_until": np.full(m, until, dtype="datetime64[s]"),
                "_file": fname,
            }
        )
    )


def growth_rows(pool: Pool, vol: Volumes, valid: np.ndarray, rng: np.random.Generator, scale: str) -> Rows:
    n = pool.n
    unit = pool.unit
    has_districts = len(unit.homes) > 1
    on_gazelle = np.zeros(n, dtype=bool)
    on_potential = np.zeros(n, dtype=bool)
    unicorn_any = np.zeros(n, dtype=bool)
    specialized_year = np.zeros(n, dtype=int)
    municipal_year = np.zeros(n, dtype=int)
    giant_year = np.zeros(n, dtype=int)
    champion_year = np.zeros(n, dtype=int)
    frames: list[pd.DataFrame] = []
    specs: dict[str, FileSpec] = {}
    for yi, year in enumerate(YEARS):
        title = f"{year}年度瞪羚、独角兽及专精特新企业名单"
        spec = _titled(GROWTH_SPECS[year], title, scale)
        fname = f"{title}.{spec.fmt}"
        specs[fname] = spec
        new_format = "level" not in spec.omit

        add = partial(_add, frames, pool, rng, year, fname, new_format)
        pub = partial(_pub, rng, year)

        growth = pool.revenue[:, yi] / np.maximum(pool.revenue[:, max(yi - 1, 0)], 1.0)
        young = pool.founded >= year - 15

        cand = np.flatnonzero(young & (pool.z > -0.3))
        score = pool.z + 3.0 * np.log(growth) + 1.5 * on_gazelle
        gaz = weighted_pick(rng, cand, score[cand], int(round(on_path(vol.gazelle, year))))
        on_gazelle[:] = False
        on_gazelle[gaz] = True
        add(gaz, "瞪羚企业", until=_year_end(year + 2))

        cand = np.flatnonzero(young & ~on_gazelle & (pool.z > -0.8))
        score = pool.z + 2.0 * np.log(growth) + 1.5 * on_potential
        pot = weighted_pick(rng, cand, score[cand], int(round(on_path(vol.potential_gazelle, year))))
        on_potential[:] = False
        on_potential[pot] = True
        add(pot, "潜在瞪羚企业", until=_year_end(year + 1))

        cand = np.flatnonzero((pool.founded >= year - 12) & ~on_gazelle)
        score = 2.0 * pool.z + 3.0 * unicorn_any
        k_u = int(round(on_path(vol.unicorn, year)))
        k_p = int(round(on_path(vol.potential_unicorn, year)))
        k_s = int(round(on_path(vol.seed_unicorn, year)))
        uni = weighted_pick(rng, cand, score[cand] + 2.0 * unicorn_any[cand], k_u + k_p + k_s)
        uni = uni[np.argsort(-pool.z[uni], kind="stable")]
        # The annual unicorn lists hold until the end of their year.
        add(uni[:k_u], "独角兽企业", until=_year_end(year))
        add(uni[k_u : k_u + k_p], "潜在独角兽企业", until=_year_end(year))
        add(uni[k_u + k_p :], "种子独角兽企业", until=_year_end(year))
        unicorn_any[uni] = True

        cand = np.flatnonzero(pool.manufacturing & (specialized_year == 0) & (pool.founded < year))
        n_spec = int(round(on_path(vol.specialized_new, year)))
        spec_new = weighted_pick(rng, cand, pool.z[cand], n_spec)
        # Listed firms are re-confirmed three years later (复核), so some reappear.
        recheck = np.flatnonzero((specialized_year == year - 3) & (specialized_year > 0))
        recheck = recheck[rng.random(len(recheck)) < 0.5]
        specialized_year[spec_new] = year
        day = pub(int(rng.integers(6, 10)))
        add(np.concatenate([spec_new, recheck]), "专精特新中小企业", until=_years_on(day, 3))

        cand = np.flatnonzero((specialized_year > 0) & (specialized_year < year) & (giant_year == 0))
        lg = weighted_pick(rng, cand, 1.5 * pool.z[cand], int(round(on_path(vol.little_giant_new, year))))
        again = np.flatnonzero((giant_year == year - 3) & (giant_year > 0))
        again = again[rng.random(len(again)) < 0.7]
        giant_year[lg] = year
        day = pub(7)
        add(np.concatenate([lg, again]), '专精特新"小巨人"企业', until=_years_on(day, 3))

        cand = np.flatnonzero(pool.manufacturing & (champion_year == 0) & (pool.founded < year - 8))
        score = 2.0 * pool.z + 1.0 * (specialized_year > 0) + 2.0 * (giant_year > 0)
        champ = weighted_pick(rng, cand, score[cand], _stochastic(on_path(vol.single_champion_new, year), rng))
        kept = np.flatnonzero((champion_year == year - 3) & (champion_year > 0))
        kept = kept[rng.random(len(kept)) < 0.8]
        champion_year[champ] = year
        day = pub(11)
        add(np.concatenate([champ, kept]), "制造业单项冠军企业", until=_years_on(day, 3))

        if not new_format:
            continue
        # Tiers below the provincial lists: 市级 瞪羚 and 专精特新, 区级 专精特新, 省级 单项冠军.
        cand = np.flatnonzero(young & ~on_gazelle & (pool.z > -1.0))
        k = int(round(vol.municipal_lists / 3 * len(gaz)))
        add(weighted_pick(rng, cand, (pool.z + np.log(growth))[cand], k), "瞪羚企业", "市级", _years_on(pub(5), 2))
        cand = np.flatnonzero(
            pool.manufacturing & (specialized_year == 0) & ((municipal_year == 0) | (municipal_year <= year - 3))
        )
        k = int(round(vol.municipal_lists * n_spec))
        muni = weighted_pick(rng, cand, pool.z[cand], k)
        municipal_year[muni] = year
        add(muni, "专精特新中小企业", "市级", _years_on(pub(4), 3))
        if has_districts:
            cand = np.flatnonzero(pool.manufacturing & (specialized_year == 0) & (municipal_year != year))
            k = int(round(vol.district_lists * n_spec))
            add(weighted_pick(rng, cand, pool.z[cand], k), "专精特新中小企业", "区级")
        cand = np.flatnonzero(pool.manufacturing & (champion_year == 0) & (pool.founded < year - 5))
        k = _stochastic(1.5 * on_path(vol.single_champion_new, year), rng)
        add(weighted_pick(rng, cand, 2.0 * pool.z[cand], k), "制造业单项冠军企业", "省级", _year_end(year + 2))

    df = pd.concat(frames, ignore_index=True)
    old = df["_file"].isin([f for f, sp in specs.items() if "valid_until" in sp.omit]).to_numpy()
    notice = df.loc[old & df["category"].isin(GAZELLES).to_numpy()].assign(level="省级", _file=NOTICE_FILE)
    delisted = _delistings(df, rng)
    df.loc[old, "valid_until"] = NAT
    specs[NOTICE_FILE] = NOTICE_SPEC.for_scale(scale)
    specs[ADJUST_FILE] = ADJUST_SPEC.for_scale(scale)
    return Rows("growth_firm_lists", pd.concat([df, notice, delisted], ignore_index=True), specs)


def _delistings(df: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Firms struck off before their term ran out (动态调整): the listing repeated with an
    earlier 有效期至 and its level spelt out. Some removals take effect on 12-31, which still
    counts at that year-end."""
    cats = ("瞪羚企业", "潜在瞪羚企业", "专精特新中小企业")
    pick = np.flatnonzero(
        df["category"].isin(cats).to_numpy() & (df["year"].to_numpy() >= 2020) & (rng.random(len(df)) < 0.03)
    )
    out = df.iloc[pick].copy()
    if out.empty:
        return out.assign(_file=ADJUST_FILE)
    year = out["year"].to_numpy()
    start = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]") + rng.integers(150, 330, len(out))
    stop = out["valid_until"].to_numpy().astype("datetime64[D]")
    stop = np.where(np.isnat(stop), np.datetime64("2024-12-31"), np.minimum(stop, np.datetime64("2024-12-31")))
    span = np.maximum((stop - start).astype(int), 1)
    removed = start + (rng.random(len(out)) * span).astype(int)
    on_year_end = rng.random(len(out)) < 0.2
    ends = (removed.astype("datetime64[Y]") + 1).astype("datetime64[D]") - 1
    removed = np.where(on_year_end & (ends <= stop), ends, removed)
    level = out["level"].to_numpy(dtype=object)
    implied = np.array([IMPLIED_LEVEL.get(c, "省级") for c in out["category"]], dtype=object)
    out["level"] = np.where(pd.isna(level), implied, level)
    out["valid_until"] = removed.astype("datetime64[s]")
    out["_file"] = ADJUST_FILE
    return out
