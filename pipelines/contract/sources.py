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

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["text", "uscc", "date", "money", "int", "number", "bool", "region", "enum"]

# DuckDB type of each kind once converted.
SQL_TYPE: dict[str, str] = {
    "text": "VARCHAR",
    "uscc": "VARCHAR",
    "region": "VARCHAR",
    "enum": "VARCHAR",
    "date": "DATE",
    "money": "DOUBLE",
    "number": "DOUBLE",
    "int": "BIGINT",
    "bool": "BOOLEAN",
}


# Constraints a column may declare beyond what its kind and nullability imply. Each is a row of
# the audit's constraint table; the pair and format constraints are named after the rule a
# breach reports, because their fix texts are specific to the columns they compare.
ConstraintName = Literal[
    "data_year",  # a year a list or statistic is for: 1949 or later ...
    "not_future_year",  # ... and not after the current year
    "plan_year",  # a year of a plan horizon: 1949-2100 (may lie in the future)
    "past_date",  # an event that already happened: not after the validation date
    "non_negative",  # >= 0
    "positive",  # > 0
    "unique_region_name",  # unique within the file (regions are also written by name)
    "known_parent_code",  # a region code of the file or of a published regions batch
    # whole value matches `pattern` (rows where `unless` holds are exempt)
    "region_code_format",
    "certificate_no_format",
    "industry_code_format",
    "application_no_format",
    # this column compared with `other` (rows with either empty are not checked)
    "revoked_before_issue",  # this >= other, a plausibility warning
    "grant_before_application",  # this >= other
    "lapse_before_grant",  # this >= other
    "revoked_before_recognized",  # this >= other
    "target_year_before_start_year",  # this >= other
    "base_year_not_before_target_year",  # this < other, a plausibility warning
    # exactly one of this and `other` is given (plan_targets: 目标值 or 目标倍数, never both nor neither)
    "target_value_and_multiple_both",
    "target_value_and_multiple_missing",
    # a 累计 target (`other` = the kind column) sums its indicator: only a catalogue `flow` may be summed
    "cumulative_target_on_non_flow",
    "hightech_output_exceeds_gross_output",  # this <= other
    "hightech_value_added_exceeds_value_added",  # this <= other, a plausibility warning
]


@dataclass(frozen=True)
class Check:
    """A declared constraint and the contract facts it needs."""

    name: ConstraintName
    other: str | None = None  # the column this one is compared with
    # regex the whole value must match; [0-9], not \d, which in Python also matches full-width
    # and other Unicode digits (a certificate number typed with full-width digits is wrong)
    pattern: str | None = None
    unless: tuple[str, str] | None = None  # (column, value): rows where column == value are exempt


# A year a list or statistic is for (入库年度, 年度, 认定年度, 撤销年度): data cannot be for a year
# that has not begun. Plan years (基期年, 起始年, 目标年) may lie in the future.
DATA_YEAR = (Check("data_year"), Check("not_future_year"))
PLAN_YEAR = (Check("plan_year"),)
PAST_DATE = (Check("past_date"),)
NON_NEGATIVE = (Check("non_negative"),)


@dataclass(frozen=True)
class Column:
    name: str  # English alias = raw column name
    header_zh: str  # Chinese header without its unit
    kind: Kind
    required: bool = True  # the column must be present in the header row
    nullable: bool = False  # a present column may have empty cells
    unit: str | None = None  # unit the header shows in the contract, e.g. 万元, 万人, 平方米
    # For enums: canonical value -> accepted aliases (the canonical value is always accepted).
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    checks: tuple[Check, ...] = ()  # constraints beyond those the kind and nullability imply


@dataclass(frozen=True)
class Source:
    name: str
    title_zh: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    # Region-level sources carry a 数据状态 vintage (初步/正式).
    has_status: bool = False

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name}")

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


STATUS = Column(
    "status", "数据状态", "enum", values={"初步": ("preliminary",), "正式": ("final",)}
)


def _enterprise_name() -> Column:
    return Column("enterprise_name", "企业名称", "text")


def _uscc() -> Column:
    return Column("uscc", "统一社会信用代码", "uscc")


def _region(header: str = "所属地区") -> Column:
    return Column("region", header, "region")


def _year(header: str = "年度") -> Column:
    return Column("year", header, "int", checks=DATA_YEAR)


SOURCES: dict[str, Source] = {
    s.name: s
    for s in [
        Source(
            "regions",
            "行政区划与功能区",
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
            key=("certificate_no",),
            columns=(
                _enterprise_name(),
                _uscc(),
                Column(
                    "certificate_no",
                    "证书编号",
                    "text",
                    # GR + 4-digit year + 2-digit province + serial digits
                    checks=(Check("certificate_no_format", pattern=r"^GR[0-9]{4}[0-9]{2}[0-9]+$"),),
                ),
                Column("issue_date", "发证日期", "date", checks=PAST_DATE),
                _region(),
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
            key=("registration_no",),
            columns=(
                _enterprise_name(),
                _uscc(),
                Column("registration_no", "入库登记编号", "text"),
                _year("入库年度"),
                _region(),
            ),
        ),
        Source(
            "growth_firm_lists",
            "瞪羚/独角兽/专精特新企业名单",
            key=("uscc", "category", "year"),
            columns=(
                _enterprise_name(),
                _uscc(),
                Column(
                    "category",
                    "类别",
                    "enum",
                    values={
                        "瞪羚企业": ("gazelle",),
                        "潜在独角兽企业": ("potential_unicorn",),
                        "独角兽企业": ("unicorn",),
                        "专精特新中小企业": ("specialized_sme",),
                        '专精特新"小巨人"企业': ("little_giant",),
                    },
                ),
                _year(),
                _region(),
            ),
        ),
        Source(
            "above_scale_industry",
            "规模以上工业企业名录",
            key=("uscc", "year"),
            columns=(
                _uscc(),
                _enterprise_name(),
                _year(),
                _region(),
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
                _region(),
                Column("high_value", "是否高价值", "bool"),
            ),
        ),
        Source(
            "rd_spending",
            "R&D经费内部支出",
            key=("region", "year"),
            has_status=True,
            columns=(
                _region(),
                _year(),
                Column("rd_expenditure", "R&D经费内部支出", "money", unit="万元", checks=NON_NEGATIVE),
                STATUS,
            ),
        ),
        Source(
            "regional_economy",
            "地区经济基本情况",
            key=("region", "year"),
            has_status=True,
            columns=(
                _region(),
                _year(),
                Column("gdp", "地区生产总值", "money", unit="亿元", checks=(Check("positive"),)),
                Column("population_10k", "常住人口", "number", unit="万人", checks=(Check("positive"),)),
                Column("enterprise_legal_entities", "企业法人单位数", "int", checks=NON_NEGATIVE),
                STATUS,
            ),
        ),
        Source(
            "incubators",
            "孵化载体名单",
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
                Column(
                    "level",
                    "级别",
                    "enum",
                    values={
                        "国家级": ("national",),
                        "省级": ("provincial",),
                        "市级": ("municipal",),
                        "区级": ("district",),
                    },
                ),
                Column("year_recognized", "认定年度", "int", checks=DATA_YEAR),
                _region(),
                Column("area_m2", "孵化面积", "number", unit="平方米", checks=NON_NEGATIVE),
                Column(
                    "year_revoked",
                    "撤销年度",
                    "int",
                    required=False,
                    nullable=True,
                    checks=(*DATA_YEAR, Check("revoked_before_recognized", other="year_recognized")),
                ),
            ),
        ),
        Source(
            "plan_targets",
            "规划目标",
            key=("plan_name", "region", "indicator_code", "target_year", "kind"),
            columns=(
                Column("plan_name", "规划名称", "text"),
                Column("document_no", "文号", "text", required=False, nullable=True),
                _region("地区"),
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
