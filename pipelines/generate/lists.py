"""科技型中小企业入库名单 and the growth-firm lists (瞪羚, 独角兽, 专精特新).

Both are yearly lists whose members persist: a firm registered or listed last year is
likely to be on this year's list too, which is what makes distinct-over-years counts
differ from sums of yearly counts.
"""

from __future__ import annotations

from dataclasses import replace

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
GROWTH_SPECS: dict[int, FileSpec] = {
    2019: FileSpec(region_by_name=True),
    2020: FileSpec("xlsx"),
    2021: FileSpec(english=True, enum_english=True),
    2022: FileSpec(encoding="gb18030", crlf=True),
    2023: FileSpec(encoding="utf-8-sig", region_by_name=True),
    2024: FileSpec("xlsx", extra=("序号",)),
}
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


def growth_rows(pool: Pool, vol: Volumes, valid: np.ndarray, rng: np.random.Generator, scale: str) -> Rows:
    recs: list[dict[str, object]] = []
    n = pool.n
    on_gazelle = np.zeros(n, dtype=bool)
    unicorn_any = np.zeros(n, dtype=bool)
    specialized_year = np.full(n, 0)
    giant = np.zeros(n, dtype=bool)
    specs: dict[str, FileSpec] = {}
    for yi, year in enumerate(YEARS):
        title = f"{year}年度瞪羚、独角兽及专精特新企业名单"
        spec = _titled(GROWTH_SPECS[year], title, scale)
        fname = f"{title}.{spec.fmt}"
        specs[fname] = spec
        growth = pool.revenue[:, yi] / np.maximum(pool.revenue[:, max(yi - 1, 0)], 1.0)
        young = pool.founded >= year - 15
        chosen: list[tuple[int, str]] = []

        cand = np.flatnonzero(young & (pool.z > -0.3))
        score = pool.z + 3.0 * np.log(growth) + 1.5 * on_gazelle
        gaz = weighted_pick(rng, cand, score[cand], int(round(on_path(vol.gazelle, year))))
        on_gazelle[:] = False
        on_gazelle[gaz] = True
        chosen += [(i, "瞪羚企业") for i in gaz]

        cand = np.flatnonzero((pool.founded >= year - 12) & ~on_gazelle)
        score = 2.0 * pool.z + 3.0 * unicorn_any
        k_u = int(round(on_path(vol.unicorn, year)))
        k_p = int(round(on_path(vol.potential_unicorn, year)))
        uni = weighted_pick(rng, cand, score[cand] + 2.0 * unicorn_any[cand], k_u + k_p)
        uni = uni[np.argsort(-pool.z[uni])]
        chosen += [(i, "独角兽企业") for i in uni[:k_u]]
        chosen += [(i, "潜在独角兽企业") for i in uni[k_u:]]
        unicorn_any[uni] = True

        cand = np.flatnonzero(pool.manufacturing & (specialized_year == 0) & (pool.founded < year))
        spec_new = weighted_pick(rng, cand, pool.z[cand], int(round(on_path(vol.specialized_new, year))))
        # Listed firms are re-confirmed three years later (复核), so some reappear.
        recheck = np.flatnonzero((specialized_year == year - 3) & (specialized_year > 0))
        recheck = recheck[rng.random(len(recheck)) < 0.5]
        specialized_year[spec_new] = year
        chosen += [(i, "专精特新中小企业") for i in np.concatenate([spec_new, recheck])]

        cand = np.flatnonzero((specialized_year > 0) & (specialized_year < year) & ~giant)
        lg = weighted_pick(rng, cand, 1.5 * pool.z[cand], int(round(on_path(vol.little_giant_new, year))))
        giant[lg] = True
        chosen += [(i, '专精特新"小巨人"企业') for i in lg]

        for i, cat in chosen:
            region = str(pool.home[i])
            # National lists often name only the city.
            if cat == '专精特新"小巨人"企业' and rng.random() < 0.3:
                region = pool.unit.root
            recs.append(
                {
                    "enterprise_name": pool.name[i],
                    "uscc": pool.uscc[i],
                    "category": cat,
                    "year": year,
                    "region": region,
                    "_file": fname,
                }
            )
    df = pd.DataFrame.from_records(
        recs, columns=["enterprise_name", "uscc", "category", "year", "region", "_file"]
    )
    return Rows("growth_firm_lists", df, specs)
