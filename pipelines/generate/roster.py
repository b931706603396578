"""规上工业企业名录: the statistics office's yearly roster of above-scale industrial firms.

A firm is on the roster while its revenue keeps it among the unit's largest
manufacturers; high-tech output comes mostly from high-tech industries and certified
high-tech enterprises, which is what the plans' share indicators measure.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from pipelines.generate.batches import Rows
from pipelines.generate.enterprises import Pool
from pipelines.generate.formats import FileSpec
from pipelines.generate.profiles import Volumes, on_path
from pipelines.generate.regions import YEARS

SPECS: dict[int, FileSpec] = {
    2019: FileSpec(fullwidth=True),
    2020: FileSpec(encoding="gb18030", money_unit="元", bool_style=("1", "0"), region_by_name=True, crlf=True),
    2021: FileSpec("xlsx"),
    2022: FileSpec(english=True, bool_style=("Y", "N")),
    2023: FileSpec(encoding="utf-8-sig", money_unit="亿元", fullwidth=True, bool_style=("true", "false")),
    2024: FileSpec(extra=("从业人员(人)",), region_by_name=True),
}


def roster_file(year: int, scale: str, part: str = "") -> tuple[str, FileSpec]:
    spec = SPECS[year].for_scale(scale)
    title = f"{year}年规模以上工业企业名录"
    if spec.fmt == "xlsx":
        spec = replace(spec, title=title)
    return f"规上工业企业名录_{year}{part}.{spec.fmt}", spec


def roster_rows(
    pool: Pool, vol: Volumes, valid: np.ndarray, rng: np.random.Generator, scale: str, part: str = ""
) -> Rows:
    n = pool.n
    ever_cert = valid.any(axis=1)
    base_share = np.where(
        pool.hightech_industry,
        rng.uniform(0.6, 1.0, n),
        np.where(ever_cert, rng.uniform(0.2, 0.85, n), (rng.random(n) < 0.15) * rng.uniform(0, 0.3, n)),
    )
    rd_u = rng.random(n)
    va_rate = rng.uniform(0.2, 0.32, n)
    rd_rate = rng.uniform(0.008, 0.045, n)
    frames: list[pd.DataFrame] = []
    specs: dict[str, FileSpec] = {}
    for yi, year in enumerate(YEARS):
        cand = np.flatnonzero(pool.manufacturing & (pool.founded <= year))
        k = min(len(cand), int(round(on_path(vol.roster, year))))
        top = cand[np.argsort(-pool.revenue[cand, yi], kind="stable")[:k]]
        top = np.sort(top)
        m = len(top)
        revenue = pool.revenue[top, yi]
        gross = np.round(revenue * rng.uniform(0.92, 1.08, m), 2)
        va = np.round(gross * va_rate[top] * rng.uniform(0.95, 1.05, m), 2)
        certified = valid[top, yi]
        h = base_share[top] * np.where(certified | pool.hightech_industry[top], 1.0, 0.3)
        h = np.clip(h * vol.hightech_output_bias * rng.uniform(0.9, 1.1, m), 0, 1)
        ht_out = np.minimum(np.round(gross * h, 2), gross)
        ht_va = np.minimum(np.round(va * h * rng.uniform(0.9, 1.0, m), 2), va)
        has_rd = rd_u[top] < np.where(certified, 0.95, vol.rd_rate)
        rd = np.where(has_rd, np.round(revenue * rd_rate[top], 2), 0.0)
        fname, spec = roster_file(year, scale, part)
        specs[fname] = spec
        frames.append(
            pd.DataFrame(
                {
                    "uscc": [pool.uscc[i] for i in top],
                    "enterprise_name": [pool.name[i] for i in top],
                    "year": year,
                    "region": pool.home[top],
                    "industry_code": pool.industry[top],
                    "gross_output": gross,
                    "revenue": revenue,
                    "value_added": va,
                    "hightech_output": ht_out,
                    "hightech_value_added": ht_va,
                    "rd_expenditure": rd,
                    "has_rd_activity": has_rd,
                    "_file": fname,
                }
            )
        )
    return Rows("above_scale_industry", pd.concat(frames, ignore_index=True), specs)
