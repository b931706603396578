"""The enterprises of one unit: identity, home region, industry, size and 'tech' level.

Every list (certificates, registry, growth lists, roster, patents) draws its firms from
this pool, so the same USCC shows up across sources the way a real firm does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.generate.names import enterprise_names
from pipelines.generate.numbers import usccs
from pipelines.generate.profiles import Volumes
from pipelines.generate.regions import YEARS, Region, Unit

# GB/T 4754-2017 classes. The first group is what the NBS 高技术产业(制造业) classification
# (2017) covers; the generator only uses it to make such firms report more high-tech
# output. Which codes count for the indicator is decided by the dbt seed, read by truth.py.
HIGHTECH_CODES = (
    "2710", "2720", "2740", "2761", "2770", "3581", "3586", "3911", "3912", "3921",
    "3922", "3971", "3973", "3976", "3981", "3982", "3985", "4011", "4014", "4028",
)
GENERAL_CODES = (
    "1713", "2221", "2614", "2641", "2651", "2929", "3021", "3130", "3311", "3392",
    "3421", "3441", "3443", "3444", "3451", "3453", "3484", "3511", "3551", "3670",
    "3811", "3812", "3821", "3823", "3825", "3831", "3841", "3871",
)
LOCAL_CODES = {
    "changzhou": ("3831", "3825", "3841", "3670", "3484", "1713"),
    "pingxiang": ("3073", "2672", "2614", "3130", "3021", "3311"),
    "qianjiang": ("1512", "1351", "1741", "3021", "1391", "2221"),
}


@dataclass
class Pool:
    unit: Unit
    n: int
    home: np.ndarray  # region code per firm
    founded: np.ndarray  # year
    manufacturing: np.ndarray  # bool
    hightech_industry: np.ndarray  # bool, intended high-tech manufacturing class
    industry: np.ndarray  # 4-digit code (manufacturing firms), "" otherwise
    z: np.ndarray  # latent innovation level
    revenue: np.ndarray  # (n, len(YEARS)) 万元
    uscc: list[str]
    name: list[str]

    def year_col(self, year: int) -> int:
        return YEARS.index(year)


def build_pool(
    unit: Unit, vol: Volumes, regions_by_code: dict[str, Region], rng: np.random.Generator
) -> Pool:
    n = vol.n_ent
    weights = np.array(unit.home_weights, dtype=float)
    home_idx = rng.choice(len(unit.homes), size=n, p=weights / weights.sum())
    home = np.array(unit.homes, dtype=object)[home_idx]
    # Firms in a functional zone register with the city's market regulation bureau.
    register = [
        unit.root if regions_by_code[h].level == "功能区" else h for h in home
    ]
    founded = np.clip(np.round(2024 - rng.gamma(2.2, 5.0, n)), 1985, 2023).astype(int)
    manufacturing = rng.random(n) < vol.manuf_share
    ht = manufacturing & (rng.random(n) < vol.hightech_industry_share)
    local = LOCAL_CODES.get(unit.profile, GENERAL_CODES[:6])
    general = np.where(
        rng.random(n) < 0.35,
        np.array(local, dtype=object)[rng.integers(0, len(local), n)],
        np.array(GENERAL_CODES, dtype=object)[rng.integers(0, len(GENERAL_CODES), n)],
    )
    hightech_pick = np.array(HIGHTECH_CODES, dtype=object)[rng.integers(0, len(HIGHTECH_CODES), n)]
    industry = np.where(manufacturing, np.where(ht, hightech_pick, general), "")
    z = rng.normal(0, 1, n) + 0.4 * ht
    # Revenue: lognormal level, firm-specific trend plus yearly shocks.
    level = np.log(vol.revenue_median) + rng.normal(0, 1.15, n) - 0.6 * (~manufacturing)
    trend = rng.normal(0.07, 0.07, n)
    shocks = rng.normal(0, 0.08, (n, len(YEARS)))
    shocks[:, 1] -= 0.04  # 2020
    steps = np.cumsum(trend[:, None] + shocks, axis=1) - (trend + shocks[:, 0])[:, None]
    revenue = np.round(np.exp(level[:, None] + steps), 2)
    uscc = usccs(unit.index, register, founded, rng)
    names = enterprise_names(
        rng, n, industry, unit.city_short, unit.province_short, taken=set()
    )
    return Pool(unit, n, home, founded, manufacturing, ht, industry, z, revenue, uscc, names)


def weighted_pick(
    rng: np.random.Generator, candidates: np.ndarray, score: np.ndarray, k: int
) -> np.ndarray:
    """k distinct candidates, more likely the higher their score (Gumbel top-k)."""
    if k <= 0 or len(candidates) == 0:
        return candidates[:0]
    k = min(k, len(candidates))
    keys = score + rng.gumbel(0, 1, len(candidates))
    return candidates[np.argpartition(-keys, k - 1)[:k]]
