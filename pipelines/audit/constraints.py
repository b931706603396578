"""The constraint table: each constraint a contract column carries → its GX expectation, the rule
a breach reports, its severity and the texts of the finding.

A column carries constraints in two ways (`pipelines/contract/sources.py`): implied by its kind
and nullability (`implied()` below: a required column is `required`, a USCC column `valid_uscc`,
...) and declared in `Column.checks` (`data_year`, `non_negative`, a format, a comparison with
another column). `pipelines/audit/suites.py` turns every one into a row of the source's suite.

Severity is stated here once per constraint: ERROR rejects the batch, WARN is reported and the
batch is still published. Texts may hold `{column}` (the checked column), `{other}` (the column
it is compared with), `{key}`, `{values}`, `{kind_en}`/`{kind_zh}`, which the suite builder fills,
and `{<column name>}`, `{today}`, `{current_year}`, `{earliest_date}`, which stay in the suite
and are filled when a finding is written (with the header as written in the file).
"""

from __future__ import annotations

from dataclasses import dataclass

import great_expectations.expectations as gxe

from pipelines.audit.constraint_targets import (
    Kwargs,
    Target,
    allowed_values,
    between,
    column,
    compound_key,
    fill_slots,
    given_when_other,
    in_set,
    not_in_set_when,
    pair,
    param,
    regex,
)
from pipelines.audit.custom_expectations import ExpectColumnValuesToBeValidUscc
from pipelines.audit.findings import Severity
from pipelines.contract.sources import Column

EARLIEST_DATE = "1949-10-01"  # no certificate, patent or revocation predates the PRC
EARLIEST_YEAR = 1949
LATEST_PLAN_YEAR = 2100  # plan horizons (target years) may lie in the future, not that far

# Values only known when a batch is validated: GX suite parameters ({"$PARAMETER": name}).
PARAMETERS = {
    "known_regions": "every valid region code and region name (regions source of the drop + published)",
    "region_codes": "known_regions plus the region codes of the batch itself",
    "today": "the validation date",
    "current_year": "the year of the validation date",
    "earliest_date": EARLIEST_DATE,
    "non_flow_indicators": "catalogue codes whose measure is not flow (dbt_project/seeds/indicator_catalogue.csv)",
}


@dataclass(frozen=True)
class Constraint:
    """One row of the table."""

    rule: str  # the Finding's rule id (several constraints may report the same rule)
    severity: Severity  # ERROR rejects the batch, WARN is reported
    expectation: type[gxe.Expectation] | None  # the GX expectation; None: not one (see "of_kind")
    kwargs: Kwargs  # its kwargs for a target (constraint_targets.py)
    zh: str  # the finding's message, in Chinese ...
    en: str  # ... and in English
    fix: str  # what to change in the file


_KEY = (
    "同一文件中主键（{key}）重复。",
    "Key ({key}) is duplicated within the file.",
    "Keep one row per {key}: delete the repeated rows or correct the key of the wrong one "
    "(a later file supersedes an earlier one; a single file must not contradict itself).",
)
_BEFORE = ("{column}早于{other}。", "{column} is before {other}.")
_LARGER = ("{column}大于{other}。", "{column} is larger than {other}.")
_BETWEEN = gxe.ExpectColumnValuesToBeBetween
_YEAR_FIX = "Enter {column} as a four-digit year."
ERROR: Severity = "ERROR"
WARN: Severity = "WARN"

# name -> Constraint(rule, severity, GX expectation, kwargs, zh, en, fix)
# fmt: off
CONSTRAINTS: dict[str, Constraint] = {
    # -- implied by nullability and kind ----------------------------------------------------------
    "required": Constraint(
        "not_null", ERROR, gxe.ExpectColumnValuesToNotBeNull, column,
        "{column}为必填项，不能为空。", "{column} is required and must not be empty.",
        "Fill in {column} in the listed rows (or delete rows that are not records, e.g. notes or totals).",
    ),
    # An empty string is as empty as a NULL. (The writer already turns blank cells into NULL.)
    "not_blank": Constraint(
        "blank_value", ERROR, gxe.ExpectColumnValueLengthsToBeBetween, between(min_value=1),
        "{column}为必填项，不能为空字符串。", "{column} is required and must not be blank.",
        "Fill in {column} in the listed rows (the cells are blank).",
    ),
    # Every column: the landing table's column type (contract SQL_TYPE) guarantees it, so it is
    # no GX expectation; the runner checks it only on frames whose dtype does not (value_kinds.py).
    "of_kind": Constraint(
        "type", ERROR, None, column,
        "{column}的值应为{kind_zh}。", "{column} must hold {kind_en}.",
        "Enter {column} as {kind_en} in the listed rows.",
    ),
    "allowed_values": Constraint(
        "allowed_value", ERROR, gxe.ExpectColumnValuesToBeInSet, allowed_values,
        "{column}只能取：{values}。", "{column} must be one of: {values}.",
        "Use one of the categories {values} in {column} (or its English alias).",
    ),
    "valid_uscc": Constraint(
        "uscc_check_digit", ERROR, ExpectColumnValuesToBeValidUscc, column,
        "{column}不是有效的统一社会信用代码（18位，GB 32100-2015 校验位不符）。",
        "{column} is not a valid unified social credit code (18 characters, GB 32100-2015 check digit).",
        "Copy {column} from the business licence or the national enterprise credit system; "
        "check for I/O/S/V/Z (not used in codes), lower-case letters, spaces or a truncated code.",
    ),
    "known_region": Constraint(
        "known_region", ERROR, gxe.ExpectColumnValuesToBeInSet, in_set(param("known_regions")),
        "{column}不是已知地区：应为 regions 名单中的区划代码或准确名称。",
        "{column} is not a known region: use a region code or the exact region name from the regions source.",
        "Correct {column} to a code or exact name listed in the regions source, "
        "or add the missing region to a regions file of the same drop.",
    ),
    "plausible_date": Constraint(
        "date_too_early", ERROR, _BETWEEN, between(min_value=param("earliest_date")),
        "{column}早于{earliest_date}，不可信。", "{column} is before {earliest_date} and cannot be right.",
        "Correct {column} (an Excel serial number or a two-digit year misread as a date?).",
    ),
    # -- declared in Column.checks -----------------------------------------------------------------
    "data_year": Constraint(
        "year_range", ERROR, _BETWEEN, between(min_value=EARLIEST_YEAR),
        f"{{column}}应为不早于{EARLIEST_YEAR}年的四位年份。",
        f"{{column}} must be a four-digit year not before {EARLIEST_YEAR}.", _YEAR_FIX,
    ),
    "not_future_year": Constraint(
        "year_in_future", ERROR, _BETWEEN, between(max_value=param("current_year")),
        "{column}晚于当前年份（{current_year}）。", "{column} is after the current year ({current_year}).",
        "Correct {column}: data cannot be for a year that has not begun.",
    ),
    "plan_year": Constraint(
        "year_range", ERROR, _BETWEEN, between(min_value=EARLIEST_YEAR, max_value=LATEST_PLAN_YEAR),
        f"{{column}}应为{EARLIEST_YEAR}至{LATEST_PLAN_YEAR}之间的年份。",
        f"{{column}} must be a year between {EARLIEST_YEAR} and {LATEST_PLAN_YEAR}.", _YEAR_FIX,
    ),
    "past_date": Constraint(
        "date_in_future", ERROR, _BETWEEN, between(max_value=param("today")),
        "{column}晚于今天（{today}）。", "{column} is in the future (after {today}).",
        "Correct {column}: it records an event that has already happened.",
    ),
    "non_negative": Constraint(
        "negative_value", ERROR, _BETWEEN, between(min_value=0),
        "{column}不能为负数。", "{column} must not be negative.",
        "Correct the negative values of {column} (a sign error, or a missing value written as -1?).",
    ),
    "positive": Constraint(
        "not_positive", ERROR, _BETWEEN, between(min_value=0, strict_min=True),
        "{column}必须大于0。", "{column} must be greater than 0.",
        "Correct {column}; leave the row out when the figure is not known rather than writing 0.",
    ),
    "unique_region_name": Constraint(
        "region_name_duplicate", ERROR, gxe.ExpectColumnValuesToBeUnique, column,
        "{column}重复：地区名称必须唯一，否则按名称填写的地区无法识别。",
        "{column} is duplicated: region names must be unique, or a region given by name is ambiguous.",
        "Make each {column} unique (e.g. 市辖区 → give the full name) or remove the repeated row.",
    ),
    "known_parent_code": Constraint(
        "parent_code_unknown", ERROR, gxe.ExpectColumnValuesToBeInSet, in_set(param("region_codes")),
        "{column}不存在：上级代码必须是本文件或已发布地区中的区划代码。",
        "{column} does not exist: a parent must be a region code of this file or of a published region.",
        "Correct {column}, add the parent region to the file, or leave it empty for a top-level region.",
    ),
    "region_code_format": Constraint(
        "region_code_format", ERROR, gxe.ExpectColumnValuesToMatchRegex, regex,
        "行政区划的{column}应为6位数字（GB/T 2260）；只有功能区可用自定义代码。",
        "{column} of an administrative division must be 6 digits (GB/T 2260); "
        "only functional zones (功能区) may use a free code.",
        "Use the 6-digit GB/T 2260 code in {column}, or set {level} to 功能区 for a zone.",
    ),
    "certificate_no_format": Constraint(
        "certificate_no_format", ERROR, gxe.ExpectColumnValuesToMatchRegex, regex,
        "{column}格式错误：应为 GR + 4位年份 + 2位省份代码 + 流水号，如 GR202332001234。",
        "{column} must be GR + 4-digit year + 2-digit province + serial digits, e.g. GR202332001234.",
        "Copy {column} exactly from the certificate list (upper-case GR, digits only, no spaces).",
    ),
    "industry_code_format": Constraint(
        "industry_code_format", ERROR, gxe.ExpectColumnValuesToMatchRegex, regex,
        "{column}应为4位数字的国民经济行业代码（GB/T 4754-2017 小类）。",
        "{column} must be a 4-digit GB/T 4754-2017 industry class code.",
        "Enter the 4-digit class code in {column} (keep leading zeros: store the column as text).",
    ),
    "application_no_format": Constraint(
        "application_no_format", ERROR, gxe.ExpectColumnValuesToMatchRegex, regex,
        "{column}格式错误：应为8-12位数字 + '.' + 校验位（数字或X），如 202310123456.7。",
        "{column} must be 8-12 digits, a dot and a check character (digit or X), e.g. 202310123456.7.",
        "Write {column} as in the patent register, without the CN prefix or spaces, "
        "with the dot before the check digit.",
    ),
    "revoked_before_issue": Constraint(
        "revoked_before_issue", WARN, gxe.ExpectColumnPairValuesAToBeGreaterThanB, pair(this_is_larger=True),
        *_BEFORE, "Check {column} and {other} of the listed certificates.",
    ),
    "grant_before_application": Constraint(
        "grant_before_application", ERROR, gxe.ExpectColumnPairValuesAToBeGreaterThanB, pair(this_is_larger=True),
        *_BEFORE, "Correct {column} or {other}: a patent is granted after it is applied for.",
    ),
    "lapse_before_grant": Constraint(
        "lapse_before_grant", ERROR, gxe.ExpectColumnPairValuesAToBeGreaterThanB, pair(this_is_larger=True),
        *_BEFORE, "Correct {column} or {other}; leave {column} empty while the patent is in force.",
    ),
    "revoked_before_recognized": Constraint(
        "revoked_before_recognized", ERROR, gxe.ExpectColumnPairValuesAToBeGreaterThanB, pair(this_is_larger=True),
        *_BEFORE, "Correct {column} or {other}; leave {column} empty when the carrier was not revoked.",
    ),
    "target_year_before_start_year": Constraint(
        "target_year_before_start_year", ERROR, gxe.ExpectColumnPairValuesAToBeGreaterThanB,
        pair(this_is_larger=True),
        *_BEFORE, "Correct {other} or {column}: the horizon runs from the start year to the target year.",
    ),
    "base_year_not_before_target_year": Constraint(
        "base_year_not_before_target_year", WARN, gxe.ExpectColumnPairValuesAToBeGreaterThanB,
        pair(this_is_larger=False, strict=True),
        "{column}不早于{other}。", "{column} is not before {other}.",
        "Check {column}: the base period precedes the target year.",
    ),
    # DESIGN §2 plan_targets: exactly one of 目标值 and 目标倍数 (checked on 目标倍数, other = 目标值)
    "target_value_and_multiple_both": Constraint(
        "target_value_xor_multiple", ERROR, gxe.ExpectColumnValuesToBeNull, given_when_other(is_given=True),
        "{other}与{column}只能填写一个。", "Give either {other} or {column}, not both.",
        "Keep {other} for a target stated as a figure, or {column} for one stated as a multiple of the "
        "base (翻番 / 双倍增 = 2), and empty the other cell.",
    ),
    "target_value_and_multiple_missing": Constraint(
        "target_value_xor_multiple", ERROR, gxe.ExpectColumnValuesToNotBeNull, given_when_other(is_given=False),
        "{other}与{column}必须填写一个。", "Give one of {other} and {column}.",
        "Fill in {other} (the target figure) or {column} (the target as a multiple of the base).",
    ),
    # DESIGN §2 target rules: a 累计 target sums its indicator over the horizon; only a flow may be summed
    "cumulative_target_on_non_flow": Constraint(
        "cumulative_target_on_non_flow", ERROR, gxe.ExpectColumnValuesToNotBeInSet,
        not_in_set_when(param("non_flow_indicators"), "累计"),
        "{other}为累计的目标将指标逐年相加，只能用于流量指标；{column}是存量或年度指标，不能相加。",
        "{other} 累计 (cumulative) sums the indicator over the horizon, but {column} is a stock or "
        "annual indicator, which cannot be summed.",
        "Use 存量 (the level at the target year) as {other}, or a flow indicator "
        "(measure = flow in the indicator catalogue) as {column}.",
    ),
    "hightech_output_exceeds_gross_output": Constraint(
        "hightech_output_exceeds_gross_output", ERROR, gxe.ExpectColumnPairValuesAToBeGreaterThanB,
        pair(this_is_larger=False),
        *_LARGER,
        "Correct {column} or {other} (same unit? same enterprise?); the high-tech part cannot exceed the total.",
    ),
    "technology_amount_exceeds_contract_amount": Constraint(
        "technology_amount_exceeds_contract_amount", ERROR, gxe.ExpectColumnPairValuesAToBeGreaterThanB,
        pair(this_is_larger=False),
        *_LARGER,
        "Correct {column} or {other} (same unit?); the technology part cannot exceed the contract amount.",
    ),
    "hightech_value_added_exceeds_value_added": Constraint(
        "hightech_value_added_exceeds_value_added", WARN, gxe.ExpectColumnPairValuesAToBeGreaterThanB,
        pair(this_is_larger=False),
        *_LARGER, "Check {column} and {other} of the listed rows.",
    ),
    # -- the source's key ------------------------------------------------------------------------
    "unique_key": Constraint("duplicate_key", ERROR, gxe.ExpectColumnValuesToBeUnique, column, *_KEY),
    "unique_compound_key": Constraint(
        "duplicate_key", ERROR, gxe.ExpectCompoundColumnsToBeUnique, compound_key, *_KEY,
    ),
}
# fmt: on


def implied(col: Column) -> list[str]:
    """The constraints a column carries by its nullability and kind, in suite order."""
    names: list[str] = []
    if not col.nullable:
        names.append("required")
        # A format rule (without exemptions) already reports an empty string.
        if col.kind == "text" and not any(c.pattern and not c.unless for c in col.checks):
            names.append("not_blank")
    names += {
        "enum": ["allowed_values"],
        "uscc": ["valid_uscc"],
        "region": ["known_region"],
        "date": ["plausible_date"],
    }.get(col.kind, [])
    return names


def texts(name: str, target: Target) -> tuple[str, str, str]:
    """(zh, en, fix) of a constraint on a target, columns written as placeholders (`{issue_date}`)
    that the finding fills with the header as written in the file."""
    row = CONSTRAINTS[name]
    zh, en, fix = (fill_slots(text, target) for text in (row.zh, row.en, row.fix))
    return zh, en, fix
