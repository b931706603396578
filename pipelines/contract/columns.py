"""The vocabulary of the source contract: column kinds, declared checks, columns and sources.

`sources.py` writes DESIGN §2 in these terms; everything else reads it from there.
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
    "technology_amount_exceeds_contract_amount",  # this <= other
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
    # What an empty cell (or a missing optional column) means, when the contract says
    # (growth lists: an empty 级别 is the level the category implies).
    implied: Implied | None = None


@dataclass(frozen=True)
class Implied:
    """An empty cell of a column is read as a value chosen by another column of the row."""

    by: str  # the other column
    values: dict[str, str]  # its canonical value -> the implied value
    otherwise: str  # for any other value of `by`

    def sql(self, by_expr: str) -> str:
        cases = " ".join(f"WHEN {_sql_literal(k)} THEN {_sql_literal(v)}" for k, v in self.values.items())
        return f"CASE {by_expr} {cases} ELSE {_sql_literal(self.otherwise)} END"


def _sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class Source:
    name: str
    title_zh: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    # Region-level sources carry a 数据状态 vintage (初步/正式).
    has_status: bool = False
    # How many days the source may go without a new published batch before its freshness check
    # (Dagster, on raw/<source>) warns: how often the issuing office publishes it, plus slack.
    max_days_without_batch: int = 400

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name}")

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


# 级别 of carriers, platforms and list tiers, highest first.
LEVELS: dict[str, tuple[str, ...]] = {
    "国家级": ("national",),
    "省级": ("provincial",),
    "市级": ("municipal",),
    "区级": ("district",),
}

STATUS = Column("status", "数据状态", "enum", values={"初步": ("preliminary",), "正式": ("final",)})


def enterprise_name_column() -> Column:
    return Column("enterprise_name", "企业名称", "text")


def uscc_column() -> Column:
    return Column("uscc", "统一社会信用代码", "uscc")


def region_column(header: str = "所属地区") -> Column:
    return Column("region", header, "region")


def year_column(header: str = "年度") -> Column:
    return Column("year", header, "int", checks=DATA_YEAR)


def year_revoked_column() -> Column:
    """撤销年度 of a recognition list (incubators, platforms): optional, never before the recognition."""
    return Column(
        "year_revoked",
        "撤销年度",
        "int",
        required=False,
        nullable=True,
        checks=(*DATA_YEAR, Check("revoked_before_recognized", other="year_recognized")),
    )
