"""The source-drop contract (DESIGN §2) as data.

Everything that needs to know what a source looks like — the header matcher, the value
converter, the raw table DDL, the generator, the GX suites — reads it from here, so the
contract is written once.

Raw tables use the English aliases as column names and hold converted values: money in 万元,
dates as DATE, yes/no as BOOLEAN, categories as their canonical (Chinese) term.

A column's rules are its kind and `nullable` (which imply the usual ones: required, a valid USCC,
a known region, an allowed category, a plausible date) plus the `checks` it declares. The audit
turns both into the source's Great Expectations suite through one table
(`pipelines/audit/constraints.py`: expectation, severity, message and fix per constraint).
"""

from __future__ import annotations

from pipelines.contract.columns import (
    DATA_YEAR,
    LEVELS,
    NON_NEGATIVE,
    PAST_DATE,
    PLAN_YEAR,
    SQL_TYPE,
    STATUS,
    Check,
    Column,
    Implied,
    Kind,
    Source,
    enterprise_name_column,
    region_column,
    uscc_column,
    year_column,
    year_revoked_column,
)

__all__ = [
    "MONEY_UNITS", "NO", "OTHER_UNITS", "REGIONS", "SOURCES", "SQL_TYPE", "YES", "Check", "Column", "Kind", "Source",
]  # fmt: skip

SOURCES: dict[str, Source] = {
    s.name: s
    for s in [
        Source(
            "regions",
            "行政区划与功能区",
            max_days_without_batch=1830,  # divisions change rarely (GB/T 2260 revisions, a new zone): five years
            key=("region_code",),
            columns=(
                Column(
                    "region_code",
                    "区划代码",
                    "text",
                    # 6 digits (GB/T 2260) for divisions, a free code for functional zones
                    checks=(Check("region_code_format", pattern=r"^[0-9]{6}$", unless=("level", "功能区")),),
                ),
                Column("region_name", "名称", "text", checks=(Check("unique_region_name"),)),
                Column("parent_code", "上级代码", "text", nullable=True, checks=(Check("known_parent_code"),)),
                Column(
                    "level",
                    "层级",
                    "enum",
                    values={
                        "省": ("province",),
                        "市": ("city",),
                        "区县": ("county",),
                        "功能区": ("zone",),
                    },
                ),
            ),
        ),
        Source(
            "hightech_certificates",
            "高新技术企业认定名单",
            max_days_without_batch=400,  # certificates are issued in batches each year
            key=("certificate_no",),
            columns=(
                enterprise_name_column(),
                uscc_column(),
                Column(
                    "certificate_no",
                    "证书编号",
                    "text",
                    # GR + 4-digit year + 2-digit province + serial digits
                    checks=(Check("certificate_no_format", pattern=r"^GR[0-9]{4}[0-9]{2}[0-9]+$"),),
                ),
                Column("issue_date", "发证日期", "date", checks=PAST_DATE),
                region_column(),
                Column(
                    "revoked_date",
                    "取消日期",
                    "date",
                    required=False,
                    nullable=True,
                    checks=(Check("revoked_before_issue", other="issue_date"),),
                ),
            ),
        ),
        Source(
            "tech_sme_registry",
            "科技型中小企业入库名单",
            max_days_without_batch=400,  # registration batches within each year
            key=("registration_no",),
            columns=(
                enterprise_name_column(),
                uscc_column(),
                Column("registration_no", "入库登记编号", "text"),
                year_column("入库年度"),
                region_column(),
            ),
        ),
        Source(
            "growth_firm_lists",
            "瞪羚/独角兽/专精特新企业名单",
            max_days_without_batch=400,  # lists are published yearly
            # An empty 级别 is the level the category implies (filled on load), so the key holds it.
            key=("uscc", "category", "level", "year"),
            columns=(
                enterprise_name_column(),
                uscc_column(),
                Column(
                    "category",
                    "类别",
                    "enum",
                    values={
                        "瞪羚企业": ("gazelle",),
                        "潜在瞪羚企业": ("potential_gazelle",),
                        "潜在独角兽企业": ("potential_unicorn",),
                        "种子独角兽企业": ("seed_unicorn",),
                        "独角兽企业": ("unicorn",),
                        "专精特新中小企业": ("specialized_sme",),
                        '专精特新"小巨人"企业': ("little_giant",),
                        "制造业单项冠军企业": ("single_champion",),
                    },
                ),
                year_column(),
                region_column(),
                # Both optional, so lists written before the tiers existed load unchanged.
                Column(
                    "level",
                    "级别",
                    "enum",
                    required=False,
                    nullable=True,
                    values=LEVELS,
                    implied=Implied(
                        "category", {'专精特新"小巨人"企业': "国家级", "制造业单项冠军企业": "国家级"}, "省级"
                    ),
                ),
                Column("valid_until", "有效期至", "date", required=False, nullable=True),
            ),
        ),
        Source(
            "above_scale_industry",
            "规模以上工业企业名录",
            max_days_without_batch=400,  # the annual roster of the statistics office
            key=("uscc", "year"),
            columns=(
                uscc_column(),
                enterprise_name_column(),
                year_column(),
                region_column(),
                Column(
                    "industry_code",
                    "行业代码",
                    "text",
                    # a GB/T 4754-2017 class: 4 digits
                    checks=(Check("industry_code_format", pattern=r"^[0-9]{4}$"),),
                ),
                Column("gross_output", "工业总产值", "money", unit="万元", checks=NON_NEGATIVE),
                Column("revenue", "营业收入", "money", unit="万元", checks=NON_NEGATIVE),
                Column("value_added", "工业增加值", "money", unit="万元"),
                Column(
                    "hightech_output",
                    "高新技术产业产值",
                    "money",
                    unit="万元",
                    checks=(*NON_NEGATIVE, Check("hightech_output_exceeds_gross_output", other="gross_output")),
                ),
                Column(
                    "hightech_value_added",
                    "高新技术产业增加值",
                    "money",
                    unit="万元",
                    checks=(Check("hightech_value_added_exceeds_value_added", other="value_added"),),
                ),
                Column("rd_expenditure", "R&D经费内部支出", "money", unit="万元", checks=NON_NEGATIVE),
                Column("has_rd_activity", "是否有研发活动", "bool"),
            ),
        ),
        Source(
            "patents",
            "专利数据",
            max_days_without_batch=100,  # patent records are extracted at least quarterly
            key=("application_no",),
            columns=(
                Column(
                    "application_no",
                    "申请号",
                    "text",
                    # 8-12 digits, a dot, a check character (digit or X): 202310123456.7
                    checks=(Check("application_no_format", pattern=r"^[0-9]{8,12}\.[0-9X]$"),),
                ),
                Column(
                    "patent_type",
                    "专利类型",
                    "enum",
                    values={
                        "发明": ("invention", "发明专利"),
                        "实用新型": ("utility", "实用新型专利"),
                        "外观设计": ("design", "外观设计专利"),
                    },
                ),
                Column("application_date", "申请日", "date", checks=PAST_DATE),
                Column(
                    "grant_date",
                    "授权日",
                    "date",
                    required=False,
                    nullable=True,
                    checks=(*PAST_DATE, Check("grant_before_application", other="application_date")),
                ),
                Column(
                    "lapse_date",
                    "失效日期",
                    "date",
                    required=False,
                    nullable=True,
                    checks=(Check("lapse_before_grant", other="grant_date"),),
                ),
                Column("holder_name", "专利权人", "text"),
                Column(
                    "holder_uscc",
                    "专利权人统一社会信用代码",
                    "uscc",
                    required=False,
                    nullable=True,
                ),
                region_column(),
                Column("high_value", "是否高价值", "bool"),
            ),
        ),
        Source(
            "rd_spending",
            "R&D经费内部支出",
            max_days_without_batch=400,  # annual bulletin (初步, then 正式)
            key=("region", "year"),
            has_status=True,
            columns=(
                region_column(),
                year_column(),
                Column("rd_expenditure", "R&D经费内部支出", "money", unit="万元", checks=NON_NEGATIVE),
                STATUS,
            ),
        ),
        Source(
            "regional_economy",
            "地区经济基本情况",
            max_days_without_batch=400,  # annual yearbook (初步, then 正式)
            key=("region", "year"),
            has_status=True,
            columns=(
                region_column(),
                year_column(),
                Column("gdp", "地区生产总值", "money", unit="亿元", checks=(Check("positive"),)),
                Column("population_10k", "常住人口", "number", unit="万人", checks=(Check("positive"),)),
                Column("enterprise_legal_entities", "企业法人单位数", "int", checks=NON_NEGATIVE),
                STATUS,
            ),
        ),
        Source(
            "incubators",
            "孵化载体名单",
            max_days_without_batch=400,  # recognition lists each year
            key=("carrier_name", "level"),
            columns=(
                Column("carrier_name", "载体名称", "text"),
                Column(
                    "carrier_type",
                    "载体类型",
                    "enum",
                    values={
                        "众创空间": ("maker_space",),
                        "科技企业孵化器": ("incubator", "孵化器"),
                        "加速器": ("accelerator",),
                    },
                ),
                Column("level", "级别", "enum", values=LEVELS),
                Column("year_recognized", "认定年度", "int", checks=DATA_YEAR),
                region_column(),
                Column("area_m2", "孵化面积", "number", unit="平方米", checks=NON_NEGATIVE),
                year_revoked_column(),
            ),
        ),
        Source(
            "innovation_platforms",
            "创新平台与研发机构认定名单",
            max_days_without_batch=400,  # recognition lists each year
            key=("platform_name", "level"),
            columns=(
                Column("platform_name", "平台名称", "text"),
                Column(
                    "platform_type",
                    "平台类型",
                    "enum",
                    values={
                        "重点实验室": ("key_lab",),
                        "工程技术研究中心": ("engineering_center",),
                        "技术创新中心": ("innovation_center",),
                        "企业技术中心": ("enterprise_tech_center",),
                        "新型研发机构": ("new_rd_institute",),
                        "企业研发机构": ("enterprise_rd_institute",),
                        "海外研发机构": ("overseas_rd_institute",),
                        "其他": ("other",),
                    },
                ),
                Column("level", "级别", "enum", values=LEVELS),
                Column("year_recognized", "认定年度", "int", checks=DATA_YEAR),
                Column("host_name", "依托单位", "text"),
                # empty for universities and institutes, which have no enterprise USCC
                Column("host_uscc", "依托单位统一社会信用代码", "uscc", required=False, nullable=True),
                region_column(),
                Column("is_major", "是否重大创新平台", "bool", required=False, nullable=True),
                Column("rd_standard_certified", "是否通过贯标", "bool", required=False, nullable=True),
                year_revoked_column(),
            ),
        ),
        Source(
            "tech_contracts",
            "技术合同认定登记",
            max_days_without_batch=100,  # contract registrations are extracted at least quarterly
            key=("contract_no",),
            columns=(
                Column("contract_no", "合同登记号", "text"),
                Column("registered_date", "登记日期", "date", checks=PAST_DATE),
                Column(
                    "contract_type",
                    "合同类型",
                    "enum",
                    values={
                        "技术开发": ("development", "技术开发合同"),
                        "技术转让": ("transfer", "技术转让合同"),
                        "技术许可": ("licensing", "技术许可合同"),
                        "技术咨询": ("consulting", "技术咨询合同"),
                        "技术服务": ("service", "技术服务合同"),
                    },
                ),
                Column("contract_amount", "成交额", "money", unit="万元", checks=NON_NEGATIVE),
                Column(
                    "technology_amount",
                    "技术交易额",
                    "money",
                    unit="万元",
                    checks=(
                        *NON_NEGATIVE,
                        Check("technology_amount_exceeds_contract_amount", other="contract_amount"),
                    ),
                ),
                Column("seller_name", "卖方名称", "text"),
                Column("seller_uscc", "卖方统一社会信用代码", "uscc", required=False, nullable=True),
                # the seller's region: contracts are counted where the technology is sold from (技术输出)
                region_column(),
                Column("buyer_name", "买方名称", "text"),
                Column("buyer_location", "买方所在地", "text", required=False, nullable=True),
            ),
        ),
        Source(
            "plan_targets",
            "规划目标",
            max_days_without_batch=1830,  # plans are written every five years (十四五, 十五五)
            key=("plan_name", "region", "indicator_code", "target_year", "kind"),
            columns=(
                Column("plan_name", "规划名称", "text"),
                Column("document_no", "文号", "text", required=False, nullable=True),
                region_column("地区"),
                Column(
                    "indicator_code",
                    "指标代码",
                    "text",
                    checks=(Check("cumulative_target_on_non_flow", other="kind"),),
                ),
                Column(
                    "kind",
                    "目标类型",
                    "enum",
                    values={
                        "存量": ("stock", "level"),
                        "年度": ("annual",),
                        "累计": ("cumulative",),
                    },
                ),
                Column(
                    "base_year",
                    "基期年",
                    "int",
                    required=False,
                    nullable=True,
                    checks=(*PLAN_YEAR, Check("base_year_not_before_target_year", other="target_year")),
                ),
                Column("base_value", "基期值", "number", required=False, nullable=True),
                Column("start_year", "起始年", "int", checks=PLAN_YEAR),
                Column(
                    "target_year",
                    "目标年",
                    "int",
                    checks=(*PLAN_YEAR, Check("target_year_before_start_year", other="start_year")),
                ),
                Column(
                    "comparator",
                    "比较",
                    "enum",
                    values={
                        ">": ("gt", "＞"),
                        ">=": ("ge", "≥", "＞＝", "=>"),
                        "=": ("eq", "＝", "=="),
                        "<=": ("le", "≤", "＜＝", "=<"),
                    },
                ),
                # Exactly one of 目标值 and 目标倍数 (DESIGN §2); 目标倍数 is optional so that drops
                # written before it existed still load.
                Column("target_value", "目标值", "number", nullable=True),
                Column(
                    "target_multiple",
                    "目标倍数",
                    "number",
                    required=False,
                    nullable=True,
                    checks=(
                        Check("positive"),
                        Check("target_value_and_multiple_both", other="target_value"),
                        Check("target_value_and_multiple_missing", other="target_value"),
                    ),
                ),
                Column("clause", "原文", "text"),
            ),
        ),
    ]
}

# Money units a header may carry, as the factor that converts a value to 万元.
MONEY_UNITS: dict[str, float] = {
    "元": 1e-4,
    "yuan": 1e-4,
    "cny": 1e-4,
    "rmb": 1e-4,
    "千元": 0.1,
    "万元": 1.0,
    "万": 1.0,
    "10kyuan": 1.0,
    "10kcny": 1.0,
    "亿元": 1e4,
    "亿": 1e4,
    "100myuan": 1e4,
    "100mcny": 1e4,
}

# Non-money units: factor to the contract's unit. A header without a unit means the contract's.
OTHER_UNITS: dict[str, dict[str, float]] = {
    "万人": {"万人": 1.0, "10k": 1.0, "10kpersons": 1.0, "10kpeople": 1.0, "人": 1e-4, "persons": 1e-4},
    "平方米": {"平方米": 1.0, "m2": 1.0, "㎡": 1.0, "m²": 1.0, "sqm": 1.0, "万平方米": 1e4},
}

YES = ("是", "y", "yes", "1", "true", "t")
NO = ("否", "n", "no", "0", "false", "f")

# The source every other one is checked against (region codes and names): it lands and is audited first.
REGIONS = "regions"
