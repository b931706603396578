"""Writes seeds/indicator_catalogue.csv — the single place the 28 indicator definitions live.

The CSV is the artefact (dbt seeds it, dim_indicator exposes it, fct_indicator_value takes
unit / value_type / scale from it); this script only exists so the CSV is written with
correct quoting. Edit the table below, run it, commit both.

    python dbt_project/scripts/write_indicator_catalogue.py
"""

from __future__ import annotations

import csv
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "seeds" / "indicator_catalogue.csv"

# The five documents in policy_docs/ (see policy_docs/README.md).
P_CZ_2023 = "常州市科技型企业倍增行动工作计划(2023-2027年)(常科发〔2023〕46号)"
P_PX = "萍乡市科创智企工程实施方案"
P_QJ = "重庆市黔江区高新技术企业和科技型企业双倍增实施方案(2023—2027年)"
P_CZ_2021 = "2021年全市科技工作要点(常科发〔2021〕59号)"
P_ZL_2020 = "钟楼区科技局2020年工作计划"

Y = "Y-12-31"
REGION_ZH = "地区含其全部下级区划与功能区"
REGION_EN = "the region and all its descendants, functional zones included"
RESOLVED_ZH = "地区本级数据;无本级数据时为全部下级之和(任一下级缺数则无值)"
RESOLVED_EN = "the region's own figure; without one, the sum over its children when every child has one"

COLUMNS = [
    "indicator_code", "name_zh", "name_en", "unit", "value_type", "scale", "formula",
    "numerator", "denominator", "sources", "plans", "description",
]


def count(code, name_zh, name_en, unit, formula, numerator, sources, plans, zh, en):
    return dict(
        indicator_code=code, name_zh=name_zh, name_en=name_en, unit=unit, value_type="count",
        scale="", formula=formula, numerator=numerator, denominator="", sources=sources,
        plans="; ".join(plans), description=f"{zh} / {en}",
    )


def ratio(code, name_zh, name_en, unit, scale, formula, numerator, denominator, sources, plans, zh, en):
    return dict(
        indicator_code=code, name_zh=name_zh, name_en=name_en, unit=unit, value_type="ratio",
        scale=str(scale), formula=formula, numerator=numerator, denominator=denominator,
        sources=sources, plans="; ".join(plans), description=f"{zh} / {en}",
    )


ROWS = [
    ratio(
        "rd_intensity", "R&D经费投入强度", "R&D expenditure as a share of GDP", "%", 100,
        "numerator / denominator × 100",
        f"R&D经费内部支出(万元),{RESOLVED_ZH} / R&D expenditure (10k yuan), {RESOLVED_EN}",
        f"地区生产总值(万元),{RESOLVED_ZH} / GDP (10k yuan), {RESOLVED_EN}",
        "rd_spending; regional_economy", [P_PX, P_CZ_2021],
        "全社会R&D经费内部支出占地区生产总值的比重;初步与正式数并存时用正式数",
        "Gross domestic R&D expenditure over GDP; where a preliminary and a final figure exist the final one is used",
    ),
    count(
        "hightech_enterprise_count", "有效高新技术企业数", "Valid high-tech enterprises", "家",
        f"count(distinct uscc) of certificates valid at {Y}",
        f"证书在{Y}有效的企业数(按统一社会信用代码去重,按证书所属地区) / enterprises (distinct USCC) holding a certificate valid at {Y}, by certificate region",
        "hightech_certificates", [P_CZ_2023, P_PX, P_QJ, P_CZ_2021, P_ZL_2020],
        f"证书有效:发证日期 <= {Y} < 发证日期+3年,且未在{Y}或之前取消;一家企业多张证书只计一次;{REGION_ZH}",
        f"Valid: issue_date <= {Y} < issue_date + 3 years and not revoked on or before {Y}; an enterprise counts once however many certificates; {REGION_EN}",
    ),
    count(
        "hightech_new_certified", "当年认定高新技术企业数", "Newly certified high-tech enterprises", "家",
        "count(distinct uscc) of certificates with year(issue_date) = Y",
        "当年发证的企业数(含其后被取消的) / enterprises with a certificate issued in Y (revoked later or not)",
        "hightech_certificates", [P_CZ_2021],
        f"按证书所属地区;{REGION_ZH}", f"By certificate region; {REGION_EN}",
    ),
    count(
        "tech_sme_count", "科技型中小企业入库数", "Registered tech-based SMEs", "家",
        "count(distinct uscc) of registrations with year = Y",
        "入库年度为Y的企业数 / enterprises registered for year Y",
        "tech_sme_registry", [P_CZ_2023, P_PX],
        f"按入库登记所属地区;{REGION_ZH}", f"By registration region; {REGION_EN}",
    ),
    ratio(
        "hightech_share_of_above_scale", "规上工业企业中高新技术企业占比",
        "High-tech enterprises among above-scale industrial enterprises", "%", 100,
        "numerator / denominator × 100",
        f"Y年规上名录中在{Y}持有效高企证书(任一地区的证书)的企业数 / roster(Y) enterprises holding a certificate valid at {Y} (certificate in any region)",
        "Y年规上工业企业名录企业数 / enterprises on the above-scale roster of Y",
        "above_scale_industry; hightech_certificates", [P_PX, P_ZL_2020],
        f"按名录所属地区;{REGION_ZH}", f"By roster region; {REGION_EN}",
    ),
    ratio(
        "above_scale_share_of_hightech", "高新技术企业中规上企业占比",
        "Above-scale enterprises among high-tech enterprises", "%", 100,
        "numerator / denominator × 100",
        f"{Y}有效高企中在Y年规上名录(任一地区)的企业数 / valid HTEs at {Y} that are on the roster of Y (any region)",
        f"{Y}有效高新技术企业数 / valid high-tech enterprises at {Y}",
        "hightech_certificates; above_scale_industry", [P_PX],
        f"按证书所属地区;Y年规上名录无任何记录时无值;{REGION_ZH}",
        f"By certificate region; no value when the roster of Y has no rows at all; {REGION_EN}",
    ),
    ratio(
        "hightech_output_share", "高新技术产业产值占规上工业总产值比重",
        "High-tech industry output as a share of above-scale gross industrial output", "%", 100,
        "numerator / denominator × 100",
        "Y年规上名录企业高新技术产业产值合计(万元) / sum of hightech_output over roster(Y) (10k yuan)",
        "Y年规上名录企业工业总产值合计(万元) / sum of gross_output over roster(Y) (10k yuan)",
        "above_scale_industry", [P_CZ_2021],
        f"按名录所属地区;{REGION_ZH}", f"By roster region; {REGION_EN}",
    ),
    ratio(
        "hightech_va_share", "高新技术产业增加值占规上工业增加值比重",
        "High-tech industry value added as a share of above-scale industrial value added", "%", 100,
        "numerator / denominator × 100",
        "Y年规上名录企业高新技术产业增加值合计(万元) / sum of hightech_value_added over roster(Y)",
        "Y年规上名录企业工业增加值合计(万元) / sum of value_added over roster(Y)",
        "above_scale_industry", [P_PX],
        f"按名录所属地区;{REGION_ZH}", f"By roster region; {REGION_EN}",
    ),
    ratio(
        "hightech_manufacturing_va_share", "高技术制造业增加值占规上工业增加值比重",
        "High-tech manufacturing value added as a share of above-scale industrial value added", "%", 100,
        "numerator / denominator × 100",
        "行业代码属于高技术产业(制造业)分类(2017)的规上企业工业增加值合计(万元) / value_added of roster(Y) firms whose industry_code is high-tech manufacturing",
        "Y年规上名录企业工业增加值合计(万元) / sum of value_added over roster(Y)",
        "above_scale_industry; seed hightech_manufacturing_industries", [P_QJ],
        f"高技术制造业行业清单见种子表hightech_manufacturing_industries(国家统计局高技术产业(制造业)分类(2017),GB/T 4754-2017四位码);按名录所属地区;{REGION_ZH}",
        f"High-tech manufacturing = the 4-digit GB/T 4754-2017 codes of NBS 高技术产业(制造业)分类(2017) in seed hightech_manufacturing_industries; by roster region; {REGION_EN}",
    ),
    ratio(
        "above_scale_rd_intensity", "规上工业企业研发经费投入强度",
        "R&D intensity of above-scale industrial enterprises", "%", 100,
        "numerator / denominator × 100",
        "Y年规上名录企业R&D经费内部支出合计(万元) / sum of rd_expenditure over roster(Y)",
        "Y年规上名录企业营业收入合计(万元) / sum of revenue over roster(Y)",
        "above_scale_industry", [P_QJ],
        f"按名录所属地区;{REGION_ZH}", f"By roster region; {REGION_EN}",
    ),
    ratio(
        "above_scale_rd_coverage", "规上工业企业研发活动覆盖率",
        "Share of above-scale industrial enterprises with R&D activity", "%", 100,
        "numerator / denominator × 100",
        "Y年规上名录中有研发活动的企业数 / roster(Y) enterprises with has_rd_activity",
        "Y年规上名录企业数 / roster(Y) enterprises",
        "above_scale_industry", [],
        f"按名录所属地区;{REGION_ZH}", f"By roster region; {REGION_EN}",
    ),
    ratio(
        "invention_patents_per_10k_pop", "每万人口发明专利拥有量",
        "Invention patents held per 10,000 residents", "件/万人", 1,
        "numerator / denominator",
        f"{Y}有效发明专利件数(授权日 <= {Y} 且 未失效或失效日期 > {Y}),按专利所属地区 / invention patents held at {Y} (granted on or before, not lapsed on or before), by patent region",
        f"常住人口(万人),{RESOLVED_ZH} / resident population (10k persons), {RESOLVED_EN}",
        "patents; regional_economy", [],
        f"{REGION_ZH}", f"{REGION_EN}",
    ),
    ratio(
        "high_value_invention_patents_per_10k_pop", "每万人口高价值发明专利拥有量",
        "High-value invention patents held per 10,000 residents", "件/万人", 1,
        "numerator / denominator",
        f"{Y}有效且为高价值的发明专利件数 / high-value invention patents held at {Y}",
        f"常住人口(万人),{RESOLVED_ZH} / resident population (10k persons), {RESOLVED_EN}",
        "patents; regional_economy", [P_QJ],
        f"口径同每万人口发明专利拥有量,仅计高价值专利;{REGION_ZH}",
        f"As invention_patents_per_10k_pop, high-value patents only; {REGION_EN}",
    ),
    ratio(
        "hightech_per_10k_legal_entities", "每万家企业法人中高新技术企业数",
        "High-tech enterprises per 10,000 enterprise legal entities", "家/万家", 10000,
        "numerator / denominator × 10000",
        "有效高新技术企业数(同hightech_enterprise_count) / hightech_enterprise_count",
        f"企业法人单位数,{RESOLVED_ZH} / enterprise legal entities, {RESOLVED_EN}",
        "hightech_certificates; regional_economy", [P_ZL_2020],
        f"{REGION_ZH}", f"{REGION_EN}",
    ),
    count(
        "gazelle_count", "瞪羚企业数", "Gazelle enterprises", "家",
        "count(distinct uscc) on the 瞪羚企业 list of Y",
        "Y年度瞪羚企业名单上的企业数 / enterprises on the gazelle list of Y",
        "growth_firm_lists", [P_CZ_2021],
        f"按名单所属地区;{REGION_ZH}", f"By list region; {REGION_EN}",
    ),
    count(
        "gazelle_count_cumulative", "瞪羚企业累计数", "Gazelle enterprises, cumulative", "家",
        "count(distinct uscc) on any 瞪羚企业 list of a year <= Y",
        "截至Y年(含)任一年度瞪羚企业名单上的企业数(去重) / distinct enterprises on any gazelle list up to Y",
        "growth_firm_lists", [P_CZ_2023, P_PX],
        f"按名单所属地区;{REGION_ZH}", f"By list region; {REGION_EN}",
    ),
    count(
        "unicorn_count", "(潜在)独角兽企业数", "Unicorn and potential unicorn enterprises", "家",
        "count(distinct uscc) on the 独角兽企业 or 潜在独角兽企业 list of Y",
        "Y年度独角兽或潜在独角兽企业名单上的企业数 / enterprises on the unicorn or potential-unicorn list of Y",
        "growth_firm_lists", [P_CZ_2021],
        f"按名单所属地区;{REGION_ZH}", f"By list region; {REGION_EN}",
    ),
    count(
        "unicorn_count_cumulative", "(潜在)独角兽企业累计数", "Unicorn and potential unicorn enterprises, cumulative", "家",
        "count(distinct uscc) on a 独角兽企业 or 潜在独角兽企业 list of a year <= Y",
        "截至Y年(含)独角兽或潜在独角兽名单上的企业数(去重) / distinct enterprises on either list up to Y",
        "growth_firm_lists", [P_CZ_2023, P_PX],
        f"按名单所属地区;{REGION_ZH}", f"By list region; {REGION_EN}",
    ),
    count(
        "specialized_sme_count", "专精特新中小企业数", "Specialised, refined, distinctive and innovative (SRDI) SMEs", "家",
        "count(distinct uscc) on a 专精特新中小企业 or 专精特新\"小巨人\"企业 list of a year <= Y",
        "截至Y年(含)列入专精特新中小企业或小巨人名单的企业数(去重) / distinct enterprises on the SRDI-SME or little-giant list up to Y",
        "growth_firm_lists", [P_QJ],
        f"小巨人企业也计入;按名单所属地区;{REGION_ZH}", f"Little giants count too; by list region; {REGION_EN}",
    ),
    count(
        "little_giant_count", "专精特新\"小巨人\"企业数", "SRDI little-giant enterprises", "家",
        "count(distinct uscc) on a 专精特新\"小巨人\"企业 list of a year <= Y",
        "截至Y年(含)列入小巨人名单的企业数(去重) / distinct enterprises on the little-giant list up to Y",
        "growth_firm_lists", [P_QJ],
        f"按名单所属地区;{REGION_ZH}", f"By list region; {REGION_EN}",
    ),
    count(
        "carrier_count_municipal_plus", "市级以上孵化载体数", "Incubation carriers at municipal level or higher", "个",
        "count(carriers whose level in Y is 国家级, 省级 or 市级)",
        "Y年级别为市级及以上的载体数 / carriers whose level in Y is municipal or higher",
        "incubators", [],
        f"载体以规范化名称识别;Y年级别 = 认定年度<=Y且未在Y或之前撤销的各级别中最高者;地区与类型取该级别记录;{REGION_ZH}",
        f"A carrier is identified by its normalised name; its level in Y is the highest level recognised by Y and not revoked by Y; region and type are those of that level's row; {REGION_EN}",
    ),
    count(
        "carrier_count_provincial_plus", "省级以上孵化载体数", "Incubation carriers at provincial level or higher", "个",
        "count(carriers whose level in Y is 国家级 or 省级)",
        "Y年级别为省级及以上的载体数 / carriers whose level in Y is provincial or higher",
        "incubators", [],
        f"级别口径同市级以上孵化载体数;{REGION_ZH}", f"Level as for carrier_count_municipal_plus; {REGION_EN}",
    ),
    count(
        "carrier_count_national_maker_space", "国家级众创空间数", "National-level maker spaces", "个",
        "count(carriers whose level in Y is 国家级 and type 众创空间)",
        "Y年级别为国家级的众创空间数 / maker spaces whose level in Y is national",
        "incubators", [P_ZL_2020],
        f"级别口径同市级以上孵化载体数;{REGION_ZH}", f"Level as for carrier_count_municipal_plus; {REGION_EN}",
    ),
    count(
        "carrier_count_national_incubator", "国家级科技企业孵化器数", "National-level tech business incubators", "个",
        "count(carriers whose level in Y is 国家级 and type 科技企业孵化器)",
        "Y年级别为国家级的科技企业孵化器数 / incubators whose level in Y is national",
        "incubators", [P_ZL_2020],
        f"级别口径同市级以上孵化载体数;{REGION_ZH}", f"Level as for carrier_count_municipal_plus; {REGION_EN}",
    ),
    count(
        "carrier_new_count", "新增孵化载体数", "Newly recognised incubation carriers", "个",
        "count(carriers whose first year with any level = Y)",
        "首次获得任一级别认定的年份为Y的载体数 / carriers first recognised (any level) in Y",
        "incubators", [P_ZL_2020],
        f"地区取该载体当年级别记录的地区;{REGION_ZH}", f"Region of the carrier's level row in that year; {REGION_EN}",
    ),
    count(
        "carrier_new_municipal_plus", "新增市级以上孵化载体数", "Carriers newly reaching municipal level or higher", "个",
        "count(carriers whose first year with level >= 市级 = Y)",
        "级别首次达到市级及以上的年份为Y的载体数 / carriers whose level first reached municipal or higher in Y",
        "incubators", [P_CZ_2023, P_CZ_2021],
        f"地区取该载体当年级别记录的地区;{REGION_ZH}", f"Region of the carrier's level row in that year; {REGION_EN}",
    ),
    count(
        "carrier_new_provincial_plus", "新增省级以上孵化载体数", "Carriers newly reaching provincial level or higher", "个",
        "count(carriers whose first year with level >= 省级 = Y)",
        "级别首次达到省级及以上的年份为Y的载体数 / carriers whose level first reached provincial or higher in Y",
        "incubators", [P_CZ_2023, P_CZ_2021],
        f"地区取该载体当年级别记录的地区;{REGION_ZH}", f"Region of the carrier's level row in that year; {REGION_EN}",
    ),
    count(
        "incubation_area_new_m2", "新增孵化面积", "Incubation floor area newly recognised", "平方米",
        "sum(area_m2) of carriers whose first year with any level = Y",
        "首次认定年份为Y的载体的孵化面积之和(取当年级别记录的面积) / area_m2 of the level row of carriers first recognised in Y",
        "incubators", [P_ZL_2020],
        f"地区取该载体当年级别记录的地区;{REGION_ZH}", f"Region of the carrier's level row in that year; {REGION_EN}",
    ),
]


def main() -> None:
    codes = [r["indicator_code"] for r in ROWS]
    assert len(codes) == len(set(codes)) == 28, codes
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(ROWS)
    print(f"wrote {OUT} ({len(ROWS)} indicators)")


if __name__ == "__main__":
    main()
