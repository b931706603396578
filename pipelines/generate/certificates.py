"""高新技术企业认定名单: certificates with renewals, revocations and a corrected re-issue.

A certificate lasts three years, so firms renew in the year their certificate runs out;
some renew a year late and some give up. New certifications fill the gap to the unit's
target count, best-scoring firms first, so counts follow the profile while the firm-level
history stays plausible.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import replace

import numpy as np
import pandas as pd

from pipelines.generate.batches import Rows
from pipelines.generate.enterprises import Pool, weighted_pick
from pipelines.generate.formats import FileSpec
from pipelines.generate.numbers import CertificateCounter
from pipelines.generate.profiles import Volumes, on_path
from pipelines.generate.regions import YEARS

FIRST_YEAR = 2008  # simulate from here so that 2019 starts with a realistic stock
WRITTEN_FROM = 2017  # older certificates cannot be valid in a spine year
_BATCH = {1: "一", 2: "二"}
HISTORIC_FILE = "2017-2018年高新技术企业名单.csv"
CORRECTION_FILE = "2022年第一批高新技术企业名单_更正.csv"
# Sorts after every year file ('高' > '2'), as the revocations were published last.
REVOCATION_FILE = "高新技术企业资格取消名单.csv"

_SPECS: dict[tuple[int, int], FileSpec] = {
    (2019, 1): FileSpec("xlsx", date_style="excel"),
    (2019, 2): FileSpec(encoding="gb18030", date_style="zh", region_by_name=True, crlf=True, omit=("revoked_date",)),
    (2020, 1): FileSpec(date_style="dot"),
    (2020, 2): FileSpec("xlsx", date_style="excel", region_by_name=True, omit=("revoked_date",)),
    (2021, 1): FileSpec(encoding="utf-8-sig", date_style="compact", extra=("备注",)),
    (2021, 2): FileSpec("xlsx", date_style="excel", extra=("序号",), omit=("revoked_date",)),
    (2022, 1): FileSpec(encoding="gb18030", date_style="iso", crlf=True),
    (2022, 2): FileSpec(english=True, date_style="iso"),
    (2023, 1): FileSpec("xlsx", date_style="excel", region_by_name=True),
    (2023, 2): FileSpec(date_style="slash", omit=("revoked_date",)),
    (2024, 1): FileSpec(encoding="utf-8-sig", date_style="zh", region_by_name=True),
    (2024, 2): FileSpec("xlsx", date_style="excel", extra=("序号",)),
}
HISTORIC_SPEC = FileSpec(
    encoding="utf-8-sig", date_style="slash", region_by_name=True, omit=("revoked_date",), extra=("序号",)
)
CORRECTION_SPEC = FileSpec(date_style="iso", extra=("备注",))
REVOCATION_SPEC = FileSpec(encoding="gb18030", date_style="zh", crlf=True)


def batch_file(year: int, batch: int, scale: str) -> tuple[str, FileSpec]:
    if year < 2019:
        return HISTORIC_FILE, HISTORIC_SPEC
    spec = _SPECS[(year, batch)].for_scale(scale)
    title = f"{year}年第{_BATCH[batch]}批高新技术企业名单"
    if spec.fmt == "xlsx":
        spec = replace(spec, title=title)
    return f"{title}.{spec.fmt}", spec


@functools.lru_cache(maxsize=4096)
def batch_date(province2: str, year: int, batch: int, seed: int) -> dt.date:
    # One 江苏 batch issued on 12-31: valid at the end of 2021, 2022, 2023 but not 2024.
    if (province2, year, batch) == ("32", 2021, 2):
        return dt.date(year, 12, 31)
    r = np.random.default_rng([seed, int(province2), year, batch])
    if batch == 1:
        return dt.date(year, int(r.integers(10, 12)), int(r.integers(1, 29)))
    return dt.date(year, 12, int(r.integers(1, 24)))


def simulate_issues(pool: Pool, vol: Volumes, rng: np.random.Generator) -> dict[int, np.ndarray]:
    """Firm indices certified in each year."""
    issued: dict[int, np.ndarray] = {}
    ever = np.zeros(pool.n, dtype=bool)
    empty = np.array([], dtype=int)
    # Software and service firms certify as readily as manufacturers; most high-tech
    # enterprises are not on the above-scale industrial roster.
    score = 1.3 * pool.z - 1.0 * pool.manufacturing
    for year in range(FIRST_YEAR, YEARS[-1] + 1):
        due = issued.get(year - 3, empty)
        renew = due[rng.random(len(due)) < 0.8]
        lapsed4 = np.setdiff1d(issued.get(year - 4, empty), issued.get(year - 1, empty))
        late = lapsed4[rng.random(len(lapsed4)) < 0.06]
        holding = np.union1d(issued.get(year - 1, empty), issued.get(year - 2, empty))
        late = np.setdiff1d(late, holding)
        have = len(holding) + len(renew) + len(late)
        target = on_path(vol.hte_valid, year)
        need = max(0, int(round(target)) - have)
        if year < 2019:
            need = int(need * 0.7)  # older stock ramps up smoothly
        # Firms whose certificate lapsed may apply again later, with less success.
        busy = np.zeros(pool.n, dtype=bool)
        busy[np.concatenate([holding, due, late]).astype(int)] = True
        eligible = np.flatnonzero(~busy & (pool.founded < year))
        again = score - 1.5 * ever
        new = weighted_pick(rng, eligible, again[eligible], need)
        ids = np.concatenate([renew, late, new]).astype(int)
        ever[ids] = True
        issued[year] = np.sort(ids)
    return issued


def certificate_rows(
    pool: Pool,
    vol: Volumes,
    rng: np.random.Generator,
    counter: CertificateCounter,
    seed: int,
    scale: str,
) -> tuple[Rows, np.ndarray]:
    """The certificate rows, and the (firm, year) validity matrix the other lists use."""
    issued = simulate_issues(pool, vol, rng)
    p2 = pool.unit.province2
    recs: list[dict[str, object]] = []
    valid = np.zeros((pool.n, len(YEARS)), dtype=bool)
    for year in range(WRITTEN_FROM, YEARS[-1] + 1):
        ids = issued[year]
        batches = np.where(rng.random(len(ids)) < 0.6, 1, 2)
        for i, b in zip(ids, batches, strict=True):
            issue = batch_date(p2, year, int(b), seed)
            recs.append(
                {
                    "enterprise_name": pool.name[i],
                    "uscc": pool.uscc[i],
                    "certificate_no": counter.number(year, p2),
                    "issue_date": issue,
                    "region": pool.home[i],
                    "revoked_date": None,
                    "_year": year,
                    "_batch": int(b),
                    "_firm": int(i),
                }
            )
    df = pd.DataFrame.from_records(recs)
    files = [batch_file(y, b, scale) for y, b in zip(df["_year"], df["_batch"], strict=True)]
    df["_file"] = [f for f, _ in files]
    specs = {f: s for f, s in files}

    # Revocations (tax audits, fraud findings), published later in one list.
    n = len(df)
    revoke = rng.random(n) < 0.015
    offsets = rng.integers(90, 1000, n)
    issue_ts = pd.to_datetime(df["issue_date"])
    revoked = issue_ts + pd.to_timedelta(offsets, unit="D")
    revoke &= (revoked <= pd.Timestamp("2024-12-20")).to_numpy()
    idx = np.flatnonzero(revoke)
    revoked_year = revoked.iloc[idx].dt.year
    in_spine = idx[(revoked_year >= YEARS[0]).to_numpy() & (revoked_year < YEARS[-1]).to_numpy()]
    if pool.unit.index == 0 and len(in_spine):
        # One revocation on 12-31: not valid at that year-end any more.
        k = in_spine[0]
        revoked.iloc[k] = pd.Timestamp(revoked.iloc[k].year, 12, 31)
    final = df.copy()
    final.loc[revoke, "revoked_date"] = revoked[revoke].dt.date

    # A corrected re-issue of 2022 batch 1: the original rows carried a wrong region or date.
    in_batch = np.flatnonzero(
        (df["_year"] == 2022).to_numpy() & (df["_batch"] == 1).to_numpy() & ~revoke
    )
    n_fix = min(len(in_batch), max(2, len(in_batch) // 150))
    fix = rng.choice(in_batch, n_fix, replace=False) if n_fix else in_batch
    original = df.copy()
    for j, k in enumerate(fix):
        homes = [h for h in pool.unit.homes if h != df.at[k, "region"]]
        if j % 4 == 3 or not homes:
            # Typed as the previous year: the correction moves it into 2022.
            d = df.at[k, "issue_date"]
            original.at[k, "issue_date"] = d.replace(year=d.year - 1)
        else:
            original.at[k, "region"] = homes[int(rng.integers(0, len(homes)))]

    correction = final.loc[fix].assign(_file=CORRECTION_FILE)
    revocation = final.loc[revoke].assign(_file=REVOCATION_FILE)
    specs[CORRECTION_FILE] = CORRECTION_SPEC.for_scale(scale)
    specs[REVOCATION_FILE] = REVOCATION_SPEC.for_scale(scale)
    rows = pd.concat([original, correction, revocation], ignore_index=True)

    # Validity of the final records at each year-end, for the roster's high-tech shares.
    for y_i, y in enumerate(YEARS):
        end = pd.Timestamp(y, 12, 31)
        iss = pd.to_datetime(final["issue_date"])
        rev = pd.to_datetime(final["revoked_date"])
        ok = (iss.dt.year.between(y - 2, y)) & (iss <= end) & (rev.isna() | (rev > end))
        valid[final.loc[ok, "_firm"].to_numpy(dtype=int), y_i] = True
    rows = rows.drop(columns=["_year", "_batch", "_firm"])
    return Rows("hightech_certificates", rows, specs), valid
