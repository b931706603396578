"""Volumes per unit: how many firms, certificates, list entries, patents, carriers,
innovation platforms and technology contracts.

The three sample units are tuned so that their indicators land where the real places are
(常州 with thousands of high-tech enterprises, 萍乡 and 黔江 with hundreds and tens, the
shares the plans talk about). Synthetic units are 常州-like, scaled by their size and how
innovation-heavy they are.

The list tiers, platforms and contracts follow the plans' own figures: 常州 adds 100+ 市级以上
企业研发机构 a year (30+ 省级) and has 50-80 海外研发机构; 萍乡 counts its 省级瞪羚(含潜在) in
tens, lists its first 独角兽(种子、潜在) after 2021 and is still waiting for its first 国家级
platform; 黔江 adds a few 市级以上 platforms a year, has no 单项冠军 and its 技术合同成交额
stays below the 1亿元 it aims for in 2027.
Technology contract turnover is in 万元 (常州 ~130亿→380亿元, 萍乡 ~8亿→60亿元).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pipelines.generate.regions import Unit

Range = tuple[float, float]  # value in 2019, value in 2024 (geometric in between)


@dataclass(frozen=True)
class Volumes:
    n_ent: int
    manuf_share: float
    hightech_industry_share: float  # of manufacturing firms
    hte_valid: Range
    sme: Range
    roster: Range
    gazelle: Range
    potential_unicorn: Range
    unicorn: Range
    specialized_new: Range  # newly listed per year
    little_giant_new: Range
    patents: int
    invention_share: float
    high_value_share: float  # of invention patents
    carriers: int
    rd_rate: float  # share of non-HTE roster firms with R&D activity
    revenue_median: float  # 万元, manufacturing firms in 2019
    hightech_output_bias: float  # pushes hightech output shares up or down
    potential_gazelle: Range  # 潜在瞪羚 (省级) per year
    seed_unicorn: Range  # 种子独角兽 per year
    single_champion_new: Range  # 国家级制造业单项冠军 newly listed per year (stochastic rounding)
    municipal_lists: float  # 市级 专精特新 listings per provincial listing (市级 瞪羚: a third of that)
    district_lists: float  # 区级 专精特新 listings per provincial listing (units with districts)
    rd_institutes: Range  # enterprise R&D institutes (企业研发机构/技术中心/工程中心) started per year
    other_platforms: Range  # labs, innovation centres, new-type R&D institutes, ... started per year
    overseas_rd: Range  # 海外研发机构 started per year
    platform_tier: float  # propensity to reach 省级 and above
    national_tier: float  # propensity to reach 国家级
    contracts: Range  # registered technology contracts per year
    contract_turnover: Range  # 万元 per year


SAMPLE_VOLUMES: dict[str, Volumes] = {
    "changzhou": Volumes(
        n_ent=4700, manuf_share=0.55, hightech_industry_share=0.2,
        hte_valid=(1750, 3300), sme=(1600, 2700), roster=(1450, 1800),
        gazelle=(170, 240), potential_unicorn=(12, 19), unicorn=(1, 3),
        specialized_new=(60, 160), little_giant_new=(6, 18),
        patents=24000, invention_share=0.62, high_value_share=0.42, carriers=150,
        rd_rate=0.45, revenue_median=9000.0, hightech_output_bias=1.0,
        potential_gazelle=(90, 160), seed_unicorn=(8, 20), single_champion_new=(3, 5),
        municipal_lists=0.4, district_lists=0.15,
        rd_institutes=(105, 150), other_platforms=(22, 34), overseas_rd=(8, 11),
        platform_tier=1.0, national_tier=1.0,
        contracts=(700, 1400), contract_turnover=(1.3e6, 3.8e6),
    ),
    "pingxiang": Volumes(
        n_ent=800, manuf_share=0.68, hightech_industry_share=0.09,
        hte_valid=(150, 390), sme=(180, 420), roster=(260, 330),
        gazelle=(6, 22), potential_unicorn=(0, 1), unicorn=(0, 0),
        specialized_new=(8, 35), little_giant_new=(1, 3),
        patents=3600, invention_share=0.3, high_value_share=0.3, carriers=35,
        rd_rate=0.3, revenue_median=6000.0, hightech_output_bias=0.85,
        potential_gazelle=(4, 9), seed_unicorn=(0, 1), single_champion_new=(0, 0.25),
        municipal_lists=0.6, district_lists=0.1,
        rd_institutes=(3.5, 6), other_platforms=(1.2, 2), overseas_rd=(0.1, 0.3),
        platform_tier=0.75, national_tier=0.08,
        contracts=(120, 400), contract_turnover=(8.0e4, 6.0e5),
    ),
    "qianjiang": Volumes(
        n_ent=360, manuf_share=0.5, hightech_industry_share=0.035,
        hte_valid=(28, 78), sme=(90, 250), roster=(55, 75),
        gazelle=(1, 5), potential_unicorn=(0, 0), unicorn=(0, 0),
        specialized_new=(3, 12), little_giant_new=(0, 1),
        patents=1300, invention_share=0.22, high_value_share=0.25, carriers=12,
        rd_rate=0.25, revenue_median=4000.0, hightech_output_bias=0.5,
        potential_gazelle=(1, 3), seed_unicorn=(0, 0), single_champion_new=(0, 0),
        municipal_lists=0.0, district_lists=0.0,
        rd_institutes=(0.8, 1.2), other_platforms=(0.3, 0.5), overseas_rd=(0, 0),
        platform_tier=0.5, national_tier=0.0,
        contracts=(8, 30), contract_turnover=(1500.0, 7000.0),
    ),
}


def volumes_for(unit: Unit, firms_per_unit: int, patents_per_firm: float) -> Volumes:
    if unit.profile in SAMPLE_VOLUMES:
        return SAMPLE_VOLUMES[unit.profile]
    base = SAMPLE_VOLUMES["changzhou"]
    n = max(200, int(firms_per_unit * unit.scale_factor))
    f = n / base.n_ent
    t = unit.tech

    def sc(r: Range, k: float = 1.0) -> Range:
        return (r[0] * f * k, r[1] * f * k)

    return replace(
        base,
        n_ent=n,
        hightech_industry_share=base.hightech_industry_share * t,
        hte_valid=sc(base.hte_valid, min(t, 1.4) / 1.3),
        sme=sc(base.sme, min(t, 1.5) / 1.3),
        roster=sc(base.roster),
        gazelle=sc(base.gazelle, t / 1.3),
        potential_unicorn=sc(base.potential_unicorn, t / 1.3),
        unicorn=sc(base.unicorn, t / 1.3),
        specialized_new=sc(base.specialized_new),
        little_giant_new=sc(base.little_giant_new),
        patents=int(n * patents_per_firm),
        invention_share=0.3 + 0.15 * t,
        carriers=max(5, int(base.carriers * f * t / 1.3)),
        hightech_output_bias=t / 1.3,
        potential_gazelle=sc(base.potential_gazelle, t / 1.3),
        seed_unicorn=sc(base.seed_unicorn, t / 1.3),
        single_champion_new=sc(base.single_champion_new),
        rd_institutes=sc(base.rd_institutes, t / 1.3),
        other_platforms=sc(base.other_platforms, t / 1.3),
        overseas_rd=sc(base.overseas_rd, t / 1.3),
        platform_tier=min(1.2, t / 1.3),
        national_tier=min(1.0, (t / 1.3) ** 2),
        contracts=sc(base.contracts, t / 1.3),
        contract_turnover=sc(base.contract_turnover, t / 1.3),
    )


def on_path(r: Range, year: int) -> float:
    """The value of a 2019→2024 range in `year` (geometric, extrapolated outside)."""
    a, b = r
    if a <= 0 or b <= 0:
        return max(0.0, a + (b - a) * (year - 2019) / 5)
    return a * (b / a) ** ((year - 2019) / 5)
