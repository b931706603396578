"""The region tree of a drop and the 'units' the generator works in.

A unit is a city-sized subtree (a 市 with its districts, counties and zones, or a
stand-alone 区县 such as 黔江区) whose enterprises, carriers and patents never leave it.
Generating unit by unit keeps memory flat at nation scale and lets every unit draw from
its own random stream, so a unit's rows do not depend on how many units come before it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

YEARS: tuple[int, ...] = (2019, 2020, 2021, 2022, 2023, 2024)

# 常州经开区 is not a GB/T 2260 division. 320491 follows the NBS 统计用区划代码 habit of
# giving development zones a 9x county slot under their city; the contract allows any
# free code for 功能区, and a 6-digit one keeps code-or-name detection honest.
CZ_ZONE_CODE = "320491"


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    parent: str  # "" for a top-level region
    level: str  # 省 / 市 / 区县 / 功能区


@dataclass(frozen=True)
class Unit:
    index: int
    root: str  # region code of the unit's top
    city_short: str  # used in enterprise and carrier names, e.g. 常州
    province_short: str  # e.g. 江苏
    province2: str  # 2-digit province code in certificate numbers
    homes: tuple[str, ...]  # region codes where enterprises are registered
    home_weights: tuple[float, ...]
    home_short: tuple[str, ...]  # short names of the homes for carrier names
    scale_factor: float  # enterprise volume relative to the unit's sample-size profile
    tech: float  # 0.5 .. 1.5, how innovation-heavy the unit is
    profile: str  # name of the volume profile (changzhou, pingxiang, qianjiang, synthetic)


SAMPLE_REGIONS: tuple[Region, ...] = (
    Region("320400", "常州市", "", "市"),
    Region("320402", "天宁区", "320400", "区县"),
    Region("320404", "钟楼区", "320400", "区县"),
    Region("320411", "新北区", "320400", "区县"),
    Region("320412", "武进区", "320400", "区县"),
    Region("320413", "金坛区", "320400", "区县"),
    Region("320481", "溧阳市", "320400", "区县"),
    Region(CZ_ZONE_CODE, "常州经开区", "320400", "功能区"),
    Region("360300", "萍乡市", "", "市"),
    Region("360302", "安源区", "360300", "区县"),
    Region("360313", "湘东区", "360300", "区县"),
    Region("360321", "莲花县", "360300", "区县"),
    Region("360322", "上栗县", "360300", "区县"),
    Region("360323", "芦溪县", "360300", "区县"),
    Region("500114", "黔江区", "", "区县"),
)

SAMPLE_UNITS: tuple[Unit, ...] = (
    Unit(
        0, "320400", "常州", "江苏", "32",
        ("320402", "320404", "320411", "320412", "320413", "320481", CZ_ZONE_CODE, "320400"),
        (0.12, 0.11, 0.25, 0.27, 0.09, 0.10, 0.04, 0.02),
        ("天宁", "钟楼", "新北", "武进", "金坛", "溧阳", "经开区", "常州"),
        1.0, 1.3, "changzhou",
    ),
    Unit(
        1, "360300", "萍乡", "江西", "36",
        ("360302", "360313", "360321", "360322", "360323", "360300"),
        (0.30, 0.20, 0.08, 0.20, 0.17, 0.05),
        ("安源", "湘东", "莲花", "上栗", "芦溪", "萍乡"),
        1.0, 0.8, "pingxiang",
    ),
    Unit(
        2, "500114", "黔江", "重庆", "50",
        ("500114",), (1.0,), ("黔江",),
        1.0, 0.6, "qianjiang",
    ),
)

# Fictional provinces for the benchmark scales. The 2-digit prefixes are real GB/T 2260
# province slots other than 32/36/50 so that codes look right and never collide with the
# sample regions, which every scale keeps (the plan targets name them).
_PROVINCE_SLOTS = (
    ("41", "中原"), ("43", "湘南"), ("51", "蜀东"), ("33", "浙东"), ("37", "齐鲁"),
    ("44", "岭南"), ("42", "荆楚"), ("34", "皖江"), ("35", "闽海"), ("13", "燕赵"),
    ("21", "辽海"), ("22", "松原"), ("23", "龙江"), ("14", "晋阳"), ("61", "秦川"),
    ("62", "陇右"), ("52", "黔北"), ("53", "滇池"), ("45", "桂林"), ("46", "琼崖"),
    ("15", "朔方"), ("64", "宁川"), ("63", "青海"), ("65", "天山"), ("54", "雪域"),
    ("11", "京畿"), ("12", "津门"), ("31", "沪滨"), ("71", "台澎"), ("81", "香江"),
    ("82", "濠江"),
)
_SYLLABLES = (
    "安 宝 昌 辰 川 丹 德 东 丰 福 富 光 广 海 汉 和 河 恒 宏 华 淮 嘉 江 金 锦 京 景 静 "
    "康 乐 临 龙 隆 鹿 茂 明 南 宁 平 浦 祁 清 庆 泉 瑞 山 上 盛 石 顺 泰 滕 天 通 桐 威 文 "
    "西 祥 新 兴 秀 延 阳 宜 永 余 玉 源 云 长 昭 振 正 中 舟 洲"
).split()


def _unique_name(rng: np.random.Generator, used: set[str], suffix: str) -> str:
    while True:
        a, b = rng.choice(len(_SYLLABLES), 2, replace=False)
        name = _SYLLABLES[a] + _SYLLABLES[b] + suffix
        if name not in used:
            used.add(name)
            return name


def synthetic_tree(
    n_provinces: int, cities_per_province: int, seed: int, first_unit: int = len(SAMPLE_UNITS)
) -> tuple[list[Region], list[Unit]]:
    """Fictional provinces (省) with cities (市), their districts/counties and one zone."""
    rng = np.random.default_rng([seed, 9001])
    used = {r.name for r in SAMPLE_REGIONS}
    regions: list[Region] = []
    units: list[Unit] = []
    index = first_unit
    for p in range(n_provinces):
        p2, p_short = _PROVINCE_SLOTS[p % len(_PROVINCE_SLOTS)]
        if p >= len(_PROVINCE_SLOTS):
            raise ValueError("too many provinces for the code slots")
        p_name = p_short + "省"
        used.add(p_name)
        regions.append(Region(p2 + "0000", p_name, "", "省"))
        n_cities = max(3, int(rng.normal(cities_per_province, 2)))
        for c in range(1, min(n_cities, 40) + 1):
            c_code = f"{p2}{c:02d}00"
            c_name = _unique_name(rng, used, "市")
            regions.append(Region(c_code, c_name, p2 + "0000", "市"))
            homes: list[str] = []
            shorts: list[str] = []
            n_dist = int(rng.integers(2, 6))
            n_county = int(rng.integers(1, 6))
            slots = [f"{d:02d}" for d in range(2, 2 + n_dist)]
            slots += [f"{d:02d}" for d in range(21, 21 + n_county)]
            if rng.random() < 0.4:
                slots.append("81")
            for s in slots:
                suffix = "区" if int(s) < 21 else ("县" if int(s) < 81 else "市")
                d_name = _unique_name(rng, used, suffix)
                code = f"{p2}{c:02d}{s}"
                regions.append(Region(code, d_name, c_code, "区县"))
                homes.append(code)
                shorts.append(d_name[:2])
            z_code = f"{p2}{c:02d}91"
            z_name = c_name[:-1] + "高新区"
            if z_name in used:
                z_name = c_name[:-1] + "经开区"
            used.add(z_name)
            regions.append(Region(z_code, z_name, c_code, "功能区"))
            homes += [z_code, c_code]
            shorts += [z_name[:-1], c_name[:-1]]
            weights = rng.dirichlet(np.full(len(homes), 3.0))
            weights[-1] = 0.02  # few firms are registered at city level only
            weights = weights / weights.sum()
            units.append(
                Unit(
                    index, c_code, c_name[:-1], p_short, p2, tuple(homes),
                    tuple(float(w) for w in weights), tuple(shorts),
                    float(rng.uniform(0.4, 1.6)), float(rng.uniform(0.5, 1.4)), "synthetic",
                )
            )
            index += 1
    return regions, units


def children_of(regions: list[Region]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {r.code: [] for r in regions}
    for r in regions:
        if r.parent:
            out[r.parent].append(r.code)
    return out


def ancestors_of(regions: list[Region]) -> dict[str, list[str]]:
    """Each region with itself and every ancestor (the regions whose figure it feeds)."""
    parent = {r.code: r.parent for r in regions}
    out: dict[str, list[str]] = {}
    for code in parent:
        chain = [code]
        p = parent[code]
        while p:
            if p in chain:
                raise ValueError(f"region cycle at {p}")
            chain.append(p)
            p = parent[p]
        out[code] = chain
    return out
