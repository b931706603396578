"""技术合同认定登记: registered technology contracts, counted where the seller is (技术输出).

Sellers are firms of the pool (with their USCC) or the unit's universities and institutes
(without); buyers are local firms or firms elsewhere, their 所在地 free text that may lie
outside the warehouse's regions or be missing. Each year's turnover follows the unit's path
(the plans set it in 亿元); amounts are heavy-tailed, technology_amount <= contract_amount.
Some contracts are registered on 12-31 or 01-01, which decides their year; a correction
file re-issues a few whose amounts were typed ten times too large.

Vectorised: the nation scale holds millions of contracts.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from pipelines.generate.batches import Rows
from pipelines.generate.enterprises import Pool
from pipelines.generate.formats import FileSpec
from pipelines.generate.names import firm_names
from pipelines.generate.profiles import Volumes, on_path
from pipelines.generate.regions import YEARS

TYPES = np.array(["技术开发", "技术转让", "技术许可", "技术咨询", "技术服务"], dtype=object)
TYPE_P = [0.36, 0.08, 0.05, 0.14, 0.37]
TYPE_SIZE = np.array([1.6, 2.2, 1.4, 0.3, 0.6])  # relative contract size
TECH_SHARE_LOW = np.array([0.7, 0.8, 0.8, 0.3, 0.3])  # technology_amount / contract_amount from this to 1
ELSEWHERE = (
    ("上海", "上海市"), ("北京", "北京市"), ("杭州", "浙江省杭州市"), ("深圳", "广东省深圳市"),
    ("苏州", "江苏省苏州市"), ("无锡", "江苏省无锡市"), ("南昌", "江西省南昌市"), ("长沙", "湖南省长沙市"),
    ("成都", "四川省成都市"), ("武汉", "湖北省武汉市"), ("宁波", "浙江省宁波市"), ("西安", "陕西省西安市"),
)  # fmt: skip

SPECS: dict[int, FileSpec] = {
    2019: FileSpec(encoding="gb18030", crlf=True, date_style="zh", fullwidth=True, omit=("buyer_location",)),
    2020: FileSpec("xlsx", date_style="excel", region_by_name=True),
    2021: FileSpec(money_unit="亿元", date_style="dot"),
    2022: FileSpec(english=True, enum_english=True, money_unit="元", date_style="compact"),
    2023: FileSpec(encoding="utf-8-sig", date_style="zh", region_by_name=True),
    2024: FileSpec(date_style="slash", extra=("序号",)),
}
CORRECTION_SPEC = FileSpec(extra=("备注",))


def contract_file(year: int, scale: str, part: str = "") -> tuple[str, FileSpec]:
    spec = SPECS[year].for_scale(scale)
    if spec.fmt == "xlsx":
        spec = replace(spec, title=f"{year}年技术合同认定登记情况")
    return f"技术合同登记_{year}{part}.{spec.fmt}", spec


def correction_file(part: str = "") -> str:
    return f"技术合同登记_更正{part}.csv"  # '更' sorts after the year digits: read last


def _dates(rng: np.random.Generator, years: np.ndarray) -> np.ndarray:
    n = len(years)
    jan1 = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    length = np.where((years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0)), 366, 365)
    day = (rng.random(n) ** 0.8 * length).astype(int)  # registrations pile up towards year-end
    u = rng.random(n)
    day = np.where(u < 0.004, length - 1, np.where(u < 0.007, 0, day))  # on 12-31 / 01-01
    return jan1 + day


def contract_rows(
    pool: Pool, vol: Volumes, valid: np.ndarray, rng: np.random.Generator, scale: str, part: str = ""
) -> Rows:
    unit = pool.unit
    counts = rng.poisson([on_path(vol.contracts, y) for y in YEARS])
    year = np.repeat(np.array(YEARS), counts)
    n = len(year)
    if n == 0:
        return Rows("tech_contracts", pd.DataFrame(columns=["contract_no", "_file"]))
    city = unit.city_short
    places = [h for h in unit.homes if h != unit.root] or [unit.root]
    institutions = np.array([f"{city}理工学院", f"{city}大学", f"{city}工业技术研究院"], dtype=object)

    # sellers
    w = np.exp(0.9 * pool.z) * (1 + 2.0 * valid.any(axis=1))
    firm = rng.choice(pool.n, size=n, p=w / w.sum())
    by_inst = rng.random(n) < 0.18
    inst = rng.integers(0, len(institutions), n)
    seller = np.where(by_inst, institutions[inst], np.array(pool.name, dtype=object)[firm])
    half = rng.random(n) < 0.3
    seller = np.where(half, pd.Series(seller).str.replace("（", "(").str.replace("）", ")").to_numpy(), seller)
    seller_uscc = np.where(by_inst, None, np.array(pool.uscc, dtype=object)[firm])
    region = np.where(by_inst, np.array(places, dtype=object)[inst % len(places)], pool.home[firm]).astype(object)

    # buyers: a local firm, or one elsewhere; the location is free text and sometimes missing
    local = rng.random(n) < 0.4
    other = rng.integers(0, pool.n, n)
    other = np.where(other == firm, (other + 1) % pool.n, other)  # never the seller itself
    where = rng.integers(0, len(ELSEWHERE), n)
    prefix = np.array([p for p, _ in ELSEWHERE], dtype=object)[where]
    location = np.array([loc for _, loc in ELSEWHERE], dtype=object)[where]
    buyer = np.where(local, np.array(pool.name, dtype=object)[other], firm_names(rng, prefix))
    location = np.where(local, f"{unit.province_short}{city}", location)
    location = np.where(rng.random(n) < 0.12, None, location)

    # amounts (万元): heavy-tailed, scaled so that each year adds up to the unit's turnover
    ctype = rng.choice(len(TYPES), size=n, p=TYPE_P)
    raw = np.exp(rng.normal(0, 1.3, n)) * TYPE_SIZE[ctype] * np.where(by_inst, 0.6, 1.0)
    target = np.array([on_path(vol.contract_turnover, y) for y in YEARS]) * np.exp(rng.normal(0, 0.05, len(YEARS)))
    yi = year - YEARS[0]
    total = np.bincount(yi, weights=raw, minlength=len(YEARS))
    amount = np.maximum(np.round(raw * (target / np.maximum(total, 1e-9))[yi], 2), 0.05)
    share = TECH_SHARE_LOW[ctype] + (1 - TECH_SHARE_LOW[ctype]) * rng.random(n)
    tech = np.where(rng.random(n) < 0.25, amount, np.minimum(np.round(amount * share, 2), amount))

    registered = _dates(rng, year)
    # 合同登记号: year + the seller's region + serial within both
    df = pd.DataFrame({"year": year, "region": region, "registered_date": registered})
    df = df.sort_values(["registered_date"], kind="stable")
    serial = df.groupby(["year", "region"]).cumcount().to_numpy() + 1
    order = df.index.to_numpy()
    numbers = np.empty(n, dtype=object)
    numbers[order] = (
        np.char.add(
            np.char.add(year[order].astype(str), region[order].astype(str)),
            np.char.zfill(serial.astype(str), 6),
        )
    ).astype(object)

    final = pd.DataFrame(
        {
            "contract_no": numbers,
            "registered_date": registered.astype("datetime64[s]"),
            "contract_type": TYPES[ctype],
            "contract_amount": amount,
            "technology_amount": tech,
            "seller_name": seller,
            "seller_uscc": seller_uscc,
            "region": region,
            "buyer_name": buyer,
            "buyer_location": location,
        }
    ).iloc[np.argsort(registered, kind="stable")]
    files = {y: contract_file(y, scale, part) for y in YEARS}
    final["_file"] = [files[y][0] for y in final["registered_date"].dt.year]
    specs = {f: s for f, s in files.values()}
    for fname, spec in files.values():
        if "buyer_location" in spec.omit:
            final.loc[final["_file"] == fname, "buyer_location"] = None

    # A few amounts were typed in 元 as if 万元 (ten thousand times too large would be caught
    # at once; ten times is what slips through) and re-issued in the correction file.
    fix = rng.random(n) < 0.004
    original = final.copy()
    original.loc[fix, ["contract_amount", "technology_amount"]] *= 10
    correction = final.loc[fix].assign(_file=correction_file(part))
    if len(correction):
        specs[correction_file(part)] = CORRECTION_SPEC
    return Rows("tech_contracts", pd.concat([original, correction], ignore_index=True), specs)
