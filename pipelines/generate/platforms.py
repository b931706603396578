"""创新平台与研发机构认定名单: labs, engineering and innovation centres, enterprise R&D
institutes, new-type and overseas R&D institutes, upgraded level by level.

Three streams per unit, each a number of platforms started per year from 2012 (history
before the spine, so "first reached 省级" has something to compare with):
- enterprise R&D institutes (企业研发机构, 企业技术中心, 工程技术研究中心) hosted by firms of
  the pool, high-tech enterprises far more often than others (the coverage indicator);
- other platforms (重点实验室, 技术创新中心, 新型研发机构, 工程技术研究中心, 其他), hosted by
  universities and institutes (no USCC) or by firms;
- 海外研发机构 that firms of the pool run abroad.

Like carriers, a platform recognised at 市级 may be recognised again at 省级 years later (a
new row, same name; the upgrade sometimes names the city and prints the brackets
half-width) and a later list withdraws some recognitions by repeating the row with 撤销年度.
Every step is vectorised over a unit's platforms (millions at nation scale).

A name is a platform's identity, so names are unique across the drop by construction: each
starts with the unit's city (2 characters, unique among units) or carries it in brackets.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.generate.batches import Rows
from pipelines.generate.enterprises import Pool
from pipelines.generate.formats import FileSpec
from pipelines.generate.names import PLATFORM_DOMAINS, strip_form
from pipelines.generate.profiles import Volumes, on_path

LEVELS = np.array(["区级", "市级", "省级", "国家级"], dtype=object)
FIRST_YEAR = 2012
LAST_YEAR = 2024
RD_TYPES = ("企业研发机构", "工程技术研究中心", "企业技术中心")
OTHER_TYPES = ("重点实验室", "技术创新中心", "新型研发机构", "工程技术研究中心", "其他")
OVERSEAS = "海外研发机构"
SUFFIX = {
    "重点实验室": "重点实验室", "工程技术研究中心": "工程技术研究中心", "技术创新中心": "技术创新中心",
    "企业技术中心": "企业技术中心", "新型研发机构": "研究院", "企业研发机构": "研发中心", "其他": "公共技术服务平台",
    OVERSEAS: "研发中心",
}  # fmt: skip
TOP = {"企业研发机构": 2, "其他": 2, OVERSEAS: 2}  # highest level index; others reach 国家级 (3)
COUNTRIES = ("德国", "美国", "日本", "以色列", "英国", "新加坡", "芬兰", "韩国", "意大利", "瑞典")

HISTORIC_FILE = "创新平台名单_截至2018年.csv"
REVOCATION_FILE = "创新平台撤销名单.csv"  # '撤' > '名' > '2': read after the lists it corrects
CENTRE_TITLE = "2023年度省级工程技术研究中心认定名单"
SPECS: dict[int, FileSpec] = {
    2019: FileSpec(),
    2020: FileSpec(encoding="gb18030", crlf=True, region_by_name=True),
    2021: FileSpec(english=True, enum_english=True, bool_style=("Y", "N")),
    2022: FileSpec(encoding="utf-8-sig", omit=("year_revoked",), extra=("备注",)),
    2023: FileSpec(bool_style=("1", "0")),
    2024: FileSpec(region_by_name=True, extra=("序号",), bool_style=("true", "false")),
}
HISTORIC_SPEC = FileSpec(encoding="gb18030", crlf=True, omit=("is_major", "rd_standard_certified", "year_revoked"))
CENTRE_SPEC = FileSpec("xlsx", title=CENTRE_TITLE, omit=("rd_standard_certified", "year_revoked"))
REVOCATION_SPEC = FileSpec(region_by_name=True)


def _starts(rng: np.random.Generator, r: tuple[float, float]) -> np.ndarray:
    """Start year of every platform of a stream (Poisson counts along the unit's path)."""
    years = np.arange(FIRST_YEAR, LAST_YEAR + 1)
    counts = rng.poisson([on_path(r, int(y)) for y in years])
    return np.repeat(years, counts)


def _levels(rng: np.random.Generator, n: int, p: list[float]) -> np.ndarray:
    w = np.array(p, dtype=float)
    cdf = np.cumsum(w / w.sum())
    return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), 3)


def _pick_hosts(pool: Pool, valid: np.ndarray, rng: np.random.Generator, n: int) -> np.ndarray:
    # High-tech enterprises and manufacturers set up R&D institutes far more often.
    w = np.exp(0.8 * pool.z) * (1 + 6.0 * valid.any(axis=1)) * (1 + 0.5 * pool.manufacturing)
    return rng.choice(pool.n, size=n, p=w / w.sum())


def _bracket_key(names: np.ndarray) -> pd.Series:
    """Names as the platform's identity: full- and half-width brackets alike."""
    return pd.Series(names, dtype=object).str.replace("（", "(").str.replace("）", ")")


def _unique(rng: np.random.Generator, stem: np.ndarray, tail: np.ndarray, plain: np.ndarray) -> np.ndarray:
    """stem + domain + tail (`plain` rows without a domain word), a new domain word where a
    name repeats (compared with brackets unified), a serial number at last: 第k, k the
    name's place among its repeats or, if that name is taken too, the next free k.

    A crowded unit (many platforms of one institute and type) runs out of domain words, and
    two different repeated names of one stem and tail then got the same 第k, so two
    platforms shared a name (a file repeating its key); the serial now skips taken names.
    """
    domains = np.array(PLATFORM_DOMAINS, dtype=object)
    n = len(stem)
    names = np.where(plain, stem + tail, stem + domains[rng.integers(0, len(domains), n)] + tail)
    for _ in range(8):
        dup = _bracket_key(names).duplicated().to_numpy()
        if not dup.any():
            return names
        names[dup] = stem[dup] + domains[rng.integers(0, len(domains), int(dup.sum()))] + tail[dup]
    key = _bracket_key(names)
    dup = key.duplicated().to_numpy()
    if dup.any():
        serial = key.groupby(key).cumcount().to_numpy() + 1
        taken = set(key[~dup])
        for i in np.flatnonzero(dup):
            k = int(serial[i])
            while (name := f"{stem[i]}第{k}{tail[i]}").replace("（", "(").replace("）", ")") in taken:
                k += 1
            taken.add(name.replace("（", "(").replace("）", ")"))
            names[i] = name
    return names


def _rows(
    rng: np.random.Generator,
    start: np.ndarray,
    types: np.ndarray,
    level0: np.ndarray,
    vol: Volumes,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every recognition of every platform: (platform, step, level index, year, year revoked or 0)."""
    n = len(start)
    top = np.array([TOP.get(t, 3) for t in types], dtype=int) if n else np.zeros(0, dtype=int)
    up = np.array([0.5, 0.3 * vol.platform_tier, 0.1 * vol.national_tier, 0.0])
    lv = np.full((n, 4), -1)
    yr = np.zeros((n, 4), dtype=int)
    cur_l = np.minimum(level0, top)
    cur_y = start.copy()
    lv[:, 0], yr[:, 0] = cur_l, cur_y
    go = np.ones(n, dtype=bool)
    for step in range(1, 4):
        ny = cur_y + rng.integers(2, 5, n)
        go &= (cur_l < top) & (rng.random(n) < up[cur_l]) & (ny <= LAST_YEAR)
        cur_l = np.where(go, cur_l + 1, cur_l)
        cur_y = np.where(go, ny, cur_y)
        lv[go, step], yr[go, step] = cur_l[go], cur_y[go]
    steps = (lv >= 0).sum(axis=1)
    last = yr[np.arange(n), steps - 1]
    rev = np.zeros((n, 4), dtype=int)
    r = rng.random(n)
    # The newest recognition withdrawn (the platform falls back a level), or the platform closed.
    withdraw = np.flatnonzero((r < 0.07) & (last < LAST_YEAR))
    span = LAST_YEAR - last[withdraw]
    rev[withdraw, steps[withdraw] - 1] = last[withdraw] + 1 + (rng.random(len(withdraw)) * span).astype(int)
    close = (r >= 0.07) & (r < 0.10)
    closed = last + (rng.random(n) * (LAST_YEAR + 1 - last)).astype(int)
    rev = np.where(close[:, None] & (lv >= 0), np.maximum(closed[:, None], yr), rev)
    chain, step = np.nonzero(lv >= 0)
    return chain, step, lv[chain, step], yr[chain, step], rev[chain, step]


def _file(year: int, level: str, ptype: str, scale: str) -> tuple[str, FileSpec]:
    if year < 2019:
        return HISTORIC_FILE, HISTORIC_SPEC
    if year == 2023 and level == "省级" and ptype == "工程技术研究中心":
        spec = CENTRE_SPEC.for_scale(scale)
        return f"{CENTRE_TITLE}.{spec.fmt}", spec
    return f"{year}年认定创新平台名单.csv", SPECS[year]


def platform_rows(pool: Pool, vol: Volumes, valid: np.ndarray, rng: np.random.Generator, scale: str) -> Rows:
    unit = pool.unit
    city = unit.city_short
    places = [h for h in unit.homes if h != unit.root] or [unit.root]
    # Cores of enterprise names, led by the unit's city (or with it in brackets).
    core = strip_form(np.array(pool.name, dtype=object)).copy()
    prov = pd.Series(core).str.startswith(unit.province_short).to_numpy()
    core[prov] = np.array([city + c[len(unit.province_short) :] for c in core[prov]], dtype=object)

    # enterprise R&D institutes
    s_rd = _starts(rng, vol.rd_institutes)
    t_rd = np.array(RD_TYPES, dtype=object)[rng.choice(3, size=len(s_rd), p=[0.3, 0.4, 0.3])]
    l_rd = _levels(rng, len(s_rd), [0.25, 0.55, 0.17 * vol.platform_tier, 0.03 * vol.national_tier])
    # other platforms: 60 % hosted by universities and institutes
    s_ot = _starts(rng, vol.other_platforms)
    t_ot = np.array(OTHER_TYPES, dtype=object)[rng.choice(5, size=len(s_ot), p=[0.3, 0.15, 0.25, 0.15, 0.15])]
    l_ot = _levels(rng, len(s_ot), [0.1, 0.45, 0.38 * vol.platform_tier, 0.07 * vol.national_tier])
    inst = rng.random(len(s_ot)) < 0.6
    # overseas R&D institutes
    s_os = _starts(rng, vol.overseas_rd)
    t_os = np.full(len(s_os), OVERSEAS, dtype=object)
    l_os = _levels(rng, len(s_os), [0.0, 0.7, 0.3 * vol.platform_tier, 0.0])

    start = np.concatenate([s_rd, s_ot, s_os])
    types = np.concatenate([t_rd, t_ot, t_os])
    level0 = np.concatenate([l_rd, l_ot, l_os])
    hosted_by_firm = np.concatenate([np.ones(len(s_rd), bool), ~inst, np.ones(len(s_os), bool)])
    n = len(start)
    firm = _pick_hosts(pool, valid, rng, n)
    start = np.where(hosted_by_firm, np.maximum(start, pool.founded[firm] + 1), start)
    keep = start <= LAST_YEAR
    start, types, level0, hosted_by_firm, firm = (a[keep] for a in (start, types, level0, hosted_by_firm, firm))
    n = len(start)

    institutions = np.array(
        [f"{city}理工学院", f"{city}职业技术学院", f"{city}市农业科学研究院", f"{city}大学",
         f"{city}工业技术研究院", f"{city}市科学技术研究院"], dtype=object,
    )  # fmt: skip
    which = rng.integers(0, len(institutions), n)
    host_name = np.where(hosted_by_firm, np.array(pool.name, dtype=object)[firm], institutions[which])
    host_uscc = np.where(hosted_by_firm, np.array(pool.uscc, dtype=object)[firm], None)
    home = np.where(hosted_by_firm, pool.home[firm], np.array(places, dtype=object)[which % len(places)]).astype(object)
    stem = np.where(hosted_by_firm, core[firm], institutions[which])
    tail = np.array([SUFFIX[t] for t in types], dtype=object) if n else np.zeros(0, dtype=object)
    overseas = types == OVERSEAS
    countries = np.array(COUNTRIES, dtype=object)[rng.integers(0, len(COUNTRIES), n)]
    tail = np.where(overseas, countries + tail, tail)
    # Firms often name the centre after themselves alone: 常州恒瑞电气企业技术中心.
    names = _unique(rng, stem, tail, hosted_by_firm & ~overseas & (rng.random(n) < 0.5))

    chain, step, lvl, year, rev = _rows(rng, start, types, level0, vol)
    m = len(chain)
    row_name = names[chain]
    half = (step > 0) & (rng.random(m) < 0.5)
    row_name = np.where(
        half, pd.Series(row_name).str.replace("（", "(").str.replace("）", ")").to_numpy(dtype=object), row_name
    )
    region = np.where((step > 0) & (rng.random(m) < 0.1), unit.root, home[chain])
    firm_row = hosted_by_firm[chain]
    major_p = np.where(np.isin(types[chain], RD_TYPES) & firm_row, 0.04, 0.4) * ~overseas[chain]
    df = pd.DataFrame(
        {
            "platform_name": row_name,
            "platform_type": types[chain],
            "level": LEVELS[lvl],
            "year_recognized": year.astype(int),
            "host_name": host_name[chain],
            "host_uscc": host_uscc[chain],
            "region": region,
            "is_major": (lvl >= 2) & (rng.random(m) < major_p),
            # 贯标: the host firm passed 企业研发管理体系 certification in the year of the recognition.
            "rd_standard_certified": firm_row & (rng.random(m) < 0.25),
            "_rev": rev,
        }
    )
    df = df.sort_values(["year_recognized", "platform_name"], kind="stable").reset_index(drop=True)
    files = [
        _file(int(y), lv, t, scale)
        for y, lv, t in zip(df["year_recognized"], df["level"], df["platform_type"], strict=True)
    ]
    df["_file"] = [f for f, _ in files]
    specs = dict(files)
    for fname, spec in specs.items():
        # A file without an optional column says nothing about it: empty in the canonical rows too.
        for col in ("is_major", "rd_standard_certified"):
            if col in spec.omit:
                df[col] = df[col].astype(object)
                df.loc[df["_file"] == fname, col] = None
    # Lists print what was known when published; the withdrawals come in a later list that
    # repeats the row with 撤销年度.
    rev = df.pop("_rev").to_numpy()
    df["year_revoked"] = pd.array([pd.NA] * len(df), dtype="Int64")
    revoked = df.loc[rev > 0].assign(year_revoked=pd.array(rev[rev > 0], dtype="Int64"), _file=REVOCATION_FILE)
    if len(revoked):
        specs[REVOCATION_FILE] = REVOCATION_SPEC
    return Rows("innovation_platforms", pd.concat([df, revoked], ignore_index=True), specs)
