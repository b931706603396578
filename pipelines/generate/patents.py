"""专利数据: applications with grant and lapse histories, plus a legal-status update.

Vectorised because the benchmark scales hold tens of millions of records. Terms follow
the patent law: utility models lapse 10 years after filing; lapses for unpaid fees fall
on an anniversary of the filing date, so a few land on 12-31.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.generate.batches import Rows
from pipelines.generate.enterprises import Pool
from pipelines.generate.formats import FileSpec
from pipelines.generate.names import institution_names, person_names
from pipelines.generate.numbers import application_numbers
from pipelines.generate.profiles import Volumes

FIRST_YEAR = 2010
CUTOFF = np.datetime64("2024-12-31")
TYPES = np.array(["发明", "实用新型", "外观设计"], dtype=object)
UPDATE_FILE = "专利法律状态更新_2024.csv"  # '法' sorts after '数': read after every year file

SPECS: dict[str, FileSpec] = {
    "2010-2016": FileSpec(encoding="gb18030", crlf=True),
    "2017": FileSpec(date_style="slash", bool_style=("Y", "N")),
    "2018": FileSpec(encoding="utf-8-sig", date_style="dot", bool_style=("1", "0")),
    "2019": FileSpec(date_style="compact", bool_style=("true", "false")),
    "2020": FileSpec(date_style="zh"),
    "2021": FileSpec(english=True, enum_english=True),
    "2022": FileSpec(encoding="gb18030", extra=("备注",), crlf=True),
    "2023": FileSpec(date_style="slash", region_by_name=True),
    "2024": FileSpec(encoding="utf-8-sig", bool_style=("Y", "N")),
}
UPDATE_SPEC = FileSpec(omit=())


def _add_years(days: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Same calendar day `years` later (29 Feb -> 28 Feb)."""
    d = pd.DatetimeIndex(days.astype("datetime64[s]"))
    day = np.where((d.month == 2) & (d.day == 29), 28, d.day)
    parts = pd.DataFrame({"year": d.year + years, "month": d.month, "day": day})
    return pd.to_datetime(parts).to_numpy().astype("datetime64[D]")


def patent_rows(
    pool: Pool, vol: Volumes, rng: np.random.Generator, n_units: int, scale: str, part: str = ""
) -> Rows:
    total = vol.patents
    unit = pool.unit
    n_inst = int(total * 0.1)
    n_person = int(total * 0.05)
    n_firm = total - n_inst - n_person

    w = np.exp(0.9 * pool.z) * (1 + pool.manufacturing) * np.sqrt(pool.revenue[:, 0] / 1000)
    firm = rng.choice(pool.n, size=n_firm, p=w / w.sum())
    insts = institution_names(unit.city_short, unit.province_short)
    inst = rng.integers(0, len(insts), n_inst)
    district_homes = [h for h in unit.homes if h != unit.root] or [unit.root]

    holder = np.concatenate([np.array(pool.name, dtype=object)[firm],
                             np.array(insts, dtype=object)[inst],
                             person_names(rng, n_person)])
    # Patent offices print half-width brackets; the registry prints full-width ones.
    half = rng.random(len(holder)) < 0.5
    holder = np.array(
        [h.replace("（", "(").replace("）", ")") if f else h for h, f in zip(holder, half, strict=True)], dtype=object
    )
    uscc = np.concatenate([np.array(pool.uscc, dtype=object)[firm], np.full(n_inst + n_person, "", dtype=object)])
    region = np.concatenate([pool.home[firm],
                             np.array(district_homes, dtype=object)[inst % len(district_homes)],
                             np.array(unit.homes, dtype=object)[rng.integers(0, len(unit.homes), n_person)]])
    z = np.concatenate([pool.z[firm], np.full(n_inst, 1.0), np.full(n_person, -1.0)])
    founded = np.concatenate([pool.founded[firm], np.full(n_inst + n_person, 1980)])

    years = np.arange(FIRST_YEAR, 2025)
    yw = np.exp(0.11 * (years - FIRST_YEAR))
    app_year = np.maximum(rng.choice(years, size=total, p=yw / yw.sum()), np.minimum(founded + 1, 2024))
    app = (app_year - 1970).astype("datetime64[Y]").astype("datetime64[D]") + rng.integers(0, 365, total)
    p_inv = np.clip(vol.invention_share + 0.08 * z, 0.03, 0.9)
    u = rng.random(total)
    ptype = np.where(u < p_inv, 0, np.where(u < p_inv + (1 - p_inv) * 0.88, 1, 2))

    grant_p = np.array([0.6, 0.92, 0.95])[ptype]
    lag = np.select([ptype == 0, ptype == 1], [rng.integers(420, 1500, total), rng.integers(150, 420, total)],
                    rng.integers(100, 300, total))
    grant = app + lag
    granted = (rng.random(total) < grant_p) & (grant <= CUTOFF)

    # Lapse on a filing anniversary: unpaid fees, or the end of the term.
    term = np.array([20, 10, 10])[ptype]
    k = np.minimum(rng.integers(2, 12, total), term)
    k = np.maximum(k, (grant - app).astype(int) // 365 + 1)
    fee_lapse = rng.random(total) < np.array([0.2, 0.45, 0.5])[ptype]
    k = np.where(fee_lapse, k, term)
    lapse = _add_years(app, k)
    lapsed = granted & (lapse <= CUTOFF) & (lapse >= grant)
    if unit.index == 0:
        # A few lapse exactly on 12-31: held at the end of the year before, not that one.
        cand = np.flatnonzero(lapsed)[:5]
        ys = lapse[cand].astype("datetime64[Y]")
        lapse[cand] = (ys + 1).astype("datetime64[D]") - 1
        lapsed[cand] &= lapse[cand] >= grant[cand]

    high_value = (ptype == 0) & (rng.random(total) < np.clip(vol.high_value_share + 0.1 * z, 0.02, 0.9))
    numbers = application_numbers(app_year, ptype + 1, unit.index, n_units)

    nat = np.datetime64("NaT")
    df = pd.DataFrame(
        {
            "application_no": numbers,
            "patent_type": TYPES[ptype],
            "application_date": app.astype("datetime64[s]"),
            "grant_date": np.where(granted, grant, nat).astype("datetime64[s]"),
            "lapse_date": np.where(lapsed, lapse, nat).astype("datetime64[s]"),
            "holder_name": holder,
            "holder_uscc": uscc,
            "region": region,
            "high_value": high_value,
        }
    )
    df = df.iloc[np.lexsort((numbers, app))].reset_index(drop=True)
    group = np.where(df["application_date"].dt.year <= 2016, "2010-2016", df["application_date"].dt.year.astype(str))
    specs: dict[str, FileSpec] = {}
    files = []
    for g in group:
        spec = SPECS[g].for_scale(scale)
        files.append(f"专利数据_{g}{part}.csv")
        specs[files[-1]] = spec
    df["_file"] = files

    # Events of the second half of 2024 reached the year files late: they show the old
    # state, and the legal-status update carries the new one.
    late_grant = (df["grant_date"] >= pd.Timestamp("2024-07-01")).to_numpy()
    late_lapse = (df["lapse_date"] >= pd.Timestamp("2024-07-01")).to_numpy()
    chosen = (late_grant | late_lapse) & (rng.random(len(df)) < 0.6)
    update = df.loc[chosen].assign(_file=UPDATE_FILE)
    old = df.copy()
    old.loc[chosen & late_grant, ["grant_date", "lapse_date"]] = pd.NaT
    old.loc[chosen & ~late_grant, "lapse_date"] = pd.NaT
    specs[UPDATE_FILE] = UPDATE_SPEC
    return Rows("patents", pd.concat([old, update], ignore_index=True), specs)
