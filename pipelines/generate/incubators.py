"""孵化载体名单: maker spaces, incubators and accelerators, upgraded level by level.

A carrier is recognised at 区级 or 市级 and, years later, may be recognised again one
level up (a new row with the same name); revocations come in a later list that repeats
the row with 撤销年度. Upgrades sometimes name the city instead of the district, change
the type (a maker space becoming an incubator) or print the brackets half-width, all of
which the level-in-year rule must handle.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from pipelines.generate.batches import Rows
from pipelines.generate.enterprises import Pool
from pipelines.generate.formats import FileSpec
from pipelines.generate.names import carrier_name
from pipelines.generate.profiles import Volumes

LEVELS = ("区级", "市级", "省级", "国家级")
TYPES = ("众创空间", "科技企业孵化器", "加速器")
HISTORIC_FILE = "孵化载体名单_2018年及以前.xlsx"
REVOCATION_FILE = "孵化载体撤销名单.csv"  # '撤' > '名': read after the lists it corrects

SPECS: dict[int, FileSpec] = {
    2019: FileSpec(omit=("year_revoked",)),
    2020: FileSpec(encoding="gb18030", crlf=True),
    2021: FileSpec(other_units=(("area_m2", "万平方米"),)),
    2022: FileSpec(english=True, enum_english=True),
    2023: FileSpec(encoding="utf-8-sig", region_by_name=True),
    2024: FileSpec(extra=("备注",)),
}
HISTORIC_SPEC = FileSpec("xlsx", title="孵化载体名单（截至2018年底）", fullwidth=True)
REVOCATION_SPEC = FileSpec(region_by_name=True)
_UPGRADE_P = {0: 0.55, 1: 0.45, 2: 0.35}


def _file(year: int, scale: str) -> tuple[str, FileSpec]:
    if year <= 2018:
        spec = HISTORIC_SPEC.for_scale(scale)
        return HISTORIC_FILE.replace(".xlsx", f".{spec.fmt}"), spec
    return f"{year}年新认定孵化载体名单.csv", SPECS[year]


@dataclass
class _Row:
    carrier_name: str
    carrier_type: str
    level: str
    year_recognized: int
    region: str
    area_m2: float
    year_revoked: int | None = None


def _chain(
    rng: np.random.Generator, name: str, ctype: str, home: str, root: str, year: int
) -> list[_Row]:
    """One carrier's recognitions, level by level, plus any withdrawal."""
    level = int(rng.choice(3, p=[0.55, 0.35, 0.10]))
    area = float(np.round(np.exp(rng.normal(np.log(8000), 0.7)), 0))
    chain: list[_Row] = []
    while year <= 2024:
        row_name = name
        if "（" in name and chain and rng.random() < 0.5:
            row_name = name.replace("（", "(").replace("）", ")")
        region = root if chain and rng.random() < 0.1 else home
        chain.append(_Row(row_name, ctype, LEVELS[level], year, region, area))
        top = 2 if ctype == "加速器" else 3
        if level >= top or rng.random() > _UPGRADE_P[level]:
            break
        level += 1
        year += int(rng.integers(2, 5))
        area = float(np.round(area * rng.uniform(1.0, 1.6), 0))
        if ctype == "众创空间" and rng.random() < 0.08:
            ctype = "科技企业孵化器"
    r = rng.random()
    last = chain[-1]
    if r < 0.10 and last.year_recognized < 2024:
        # The newest recognition is withdrawn; the carrier falls back a level.
        last.year_revoked = int(rng.integers(last.year_recognized + 1, 2025))
    elif r < 0.14:
        closed = int(rng.integers(last.year_recognized, 2025))
        for row in chain:
            row.year_revoked = max(closed, row.year_recognized)
    return chain


def incubator_rows(
    pool: Pool, vol: Volumes, rng: np.random.Generator, scale: str, taken: set[str]
) -> Rows:
    """`taken` holds the carrier names of earlier units: a name is a carrier's identity, so
    two units must never pick the same one."""
    unit = pool.unit
    places = [(h, s) for h, s in zip(unit.homes, unit.home_short, strict=True) if h != unit.root] or [
        (unit.root, unit.home_short[0])
    ]
    years = np.arange(2012, 2025)
    yw = np.minimum(np.exp(0.25 * (years - 2012)), 3.0)
    rows: list[_Row] = []
    for _ in range(vol.carriers):
        home, short = places[int(rng.integers(0, len(places)))]
        ctype = TYPES[int(rng.choice(3, p=[0.5, 0.4, 0.1]))]
        name = carrier_name(rng, short, ctype, taken)
        rows += _chain(rng, name, ctype, home, unit.root, int(rng.choice(years, p=yw / yw.sum())))

    specs: dict[str, FileSpec] = {}
    out: list[dict[str, object]] = []
    revoked: list[dict[str, object]] = []
    for row in rows:
        fname, spec = _file(row.year_recognized, scale)
        specs[fname] = spec
        rec = asdict(row)
        if row.year_revoked is not None and row.year_revoked > 2018:
            # Lists print what was known when published; the withdrawal comes later.
            revoked.append({**rec, "_file": REVOCATION_FILE})
            out.append({**rec, "year_revoked": None, "_file": fname})
        else:
            out.append({**rec, "_file": fname})
    if revoked:
        specs[REVOCATION_FILE] = REVOCATION_SPEC
    df = pd.DataFrame.from_records(out + revoked)
    df["year_revoked"] = df["year_revoked"].astype("Int64")
    df["year_recognized"] = df["year_recognized"].astype(int)
    return Rows("incubators", df, specs)
