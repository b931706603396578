"""The Great Expectations suites of DESIGN §2, one per source, built from `pipelines.contract.sources`.

`expectations/<source>.json` is the serialised output of `build_suite(source)` (GX 1.x
format: `name`, `expectations[]` with `type`, `kwargs`, `meta`). Regenerate after changing
the contract or a rule here:

    python -m pipelines.audit.suites          # rewrites expectations/*.json
    python -m pipelines.audit.suites --check  # exit 1 if a JSON file is stale

Every expectation's `meta` carries what a `Finding` needs:

    rule            short id, e.g. "uscc_check_digit" (the Finding's rule)
    severity        "ERROR" (rejects the batch) or "WARN" (reported, batch still published)
    column          the column the Finding names (the one to fix)
    description_zh  one sentence in Chinese
    description_en  the same in English
    fix             what to change in the file

Texts may hold `{column_name}` placeholders, replaced by the header as written in the file
(or the contract's Chinese header), and `{today}`, `{current_year}`, `{earliest_date}`.

Values only known at validation time are GX suite parameters (`{"$PARAMETER": name}`),
filled in by `pipelines.audit.runner.validate_batch`:

    known_regions   every valid region code and region name (regions source + published)
    region_codes    known_regions plus the region codes of the batch (regions.parent_code)
    today           the validation date (pandas Timestamp)
    current_year    today's year
    earliest_date   EARLIEST_DATE below; no date of the contract can be older
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import lru_cache
from pathlib import Path

import great_expectations as gx
import great_expectations.expectations as gxe
from great_expectations.expectations.row_conditions import Column as RowColumn

from pipelines.audit.custom_expectations import (
    ExpectColumnValuesToBeOfKind,
    ExpectColumnValuesToBeValidUscc,
)
from pipelines.contract.sources import SOURCES, Column, Source

# Resolved from the package location, never from the working directory.
REPO_ROOT = Path(__file__).resolve().parents[2]
EXPECTATIONS_DIR = REPO_ROOT / "expectations"

EARLIEST_DATE = "1949-10-01"  # no certificate, patent or revocation predates the PRC
EARLIEST_YEAR = 1949
LATEST_PLAN_YEAR = 2100  # plan horizons (target years) may lie in the future, not that far

PARAMETERS = {
    "known_regions": "every valid region code and region name (regions source of the drop + published)",
    "region_codes": "known_regions plus the region codes of the batch itself",
    "today": "the validation date",
    "current_year": "the year of the validation date",
    "earliest_date": EARLIEST_DATE,
}

# Data years (the year a list / roster / statistic is for) cannot lie in the future;
# plan years (start/target/base of a plan horizon) can.
PLAN_YEARS = {"base_year", "start_year", "target_year"}

# Dates that are events which already happened (cannot be after the validation date).
PAST_DATES = {"issue_date", "application_date", "grant_date"}

# Text columns whose format a regex checks (an empty string fails it).
FORMAT_CHECKED = {"certificate_no", "application_no", "industry_code"}

# Columns that must be >= 0 and columns that must be > 0 (DESIGN §2).
NON_NEGATIVE = {
    "above_scale_industry": ("gross_output", "revenue", "rd_expenditure", "hightech_output"),
    "rd_spending": ("rd_expenditure",),
    "regional_economy": ("enterprise_legal_entities",),
    "incubators": ("area_m2",),
}
POSITIVE = {
    "regional_economy": ("gdp", "population_10k"),
}

KIND_EN = {
    "text": "text",
    "uscc": "text (a 统一社会信用代码)",
    "region": "text (a region code or name)",
    "enum": "text (one of the listed categories)",
    "date": "a date",
    "money": "a number (amount of money)",
    "number": "a number",
    "int": "a whole number",
    "bool": "yes/no",
}
KIND_ZH = {
    "text": "文本",
    "uscc": "文本（统一社会信用代码）",
    "region": "文本（区划代码或名称）",
    "enum": "文本（规定的类别之一）",
    "date": "日期",
    "money": "数值（金额）",
    "number": "数值",
    "int": "整数",
    "bool": "是/否",
}


def _param(name: str) -> dict:
    return {"$PARAMETER": name}


def _meta(
    rule: str,
    column: str,
    zh: str,
    en: str,
    fix: str,
    severity: str = "ERROR",
) -> dict:
    return {
        "rule": rule,
        "severity": severity,
        "column": column,
        "description_zh": zh,
        "description_en": en,
        "fix": fix,
    }


def _ph(col: str) -> str:
    """Placeholder for a column's header in a text."""
    return "{" + col + "}"


def _column_expectations(src: Source, col: Column) -> list:
    """Not-null, type, category, USCC, region and range rules of one column."""
    c, h = col.name, _ph(col.name)
    out: list = []
    if not col.nullable:
        out.append(
            gxe.ExpectColumnValuesToNotBeNull(
                column=c,
                meta=_meta(
                    "not_null",
                    c,
                    f"{h}为必填项，不能为空。",
                    f"{h} is required and must not be empty.",
                    f"Fill in {h} in the listed rows (or delete rows that are not records, e.g. notes or totals).",
                ),
            )
        )
        # An empty string is as empty as a NULL (the parser trims). Columns with a format
        # rule are left out: the format rule already reports an empty string.
        if col.kind == "text" and c not in FORMAT_CHECKED:
            out.append(
                gxe.ExpectColumnValueLengthsToBeBetween(
                    column=c,
                    min_value=1,
                    meta=_meta(
                        "blank_value",
                        c,
                        f"{h}为必填项，不能为空字符串。",
                        f"{h} is required and must not be blank.",
                        f"Fill in {h} in the listed rows (the cells are blank).",
                    ),
                )
            )
    out.append(
        ExpectColumnValuesToBeOfKind(
            column=c,
            kind=col.kind,
            meta=_meta(
                "type",
                c,
                f"{h}的值应为{KIND_ZH[col.kind]}。",
                f"{h} must hold {KIND_EN[col.kind]}.",
                f"Enter {h} as {KIND_EN[col.kind]} in the listed rows.",
            ),
        )
    )
    if col.kind == "enum":
        allowed = list(col.values)
        shown = " / ".join(allowed)
        out.append(
            gxe.ExpectColumnValuesToBeInSet(
                column=c,
                value_set=allowed,
                meta=_meta(
                    "allowed_value",
                    c,
                    f"{h}只能取：{shown}。",
                    f"{h} must be one of: {shown}.",
                    f"Use one of the categories {shown} in {h} (or its English alias).",
                ),
            )
        )
    if col.kind == "uscc":
        out.append(
            ExpectColumnValuesToBeValidUscc(
                column=c,
                meta=_meta(
                    "uscc_check_digit",
                    c,
                    f"{h}不是有效的统一社会信用代码（18位，GB 32100-2015 校验位不符）。",
                    f"{h} is not a valid unified social credit code (18 characters, GB 32100-2015 check digit).",
                    f"Copy {h} from the business licence or the national enterprise credit system; "
                    "check for I/O/S/V/Z (not used in codes), lower-case letters, spaces or a truncated code.",
                ),
            )
        )
    if col.kind == "region":
        out.append(
            gxe.ExpectColumnValuesToBeInSet(
                column=c,
                value_set=_param("known_regions"),
                meta=_meta(
                    "known_region",
                    c,
                    f"{h}不是已知地区：应为 regions 名单中的区划代码或准确名称。",
                    f"{h} is not a known region: use a region code or the exact region name from the regions source.",
                    f"Correct {h} to a code or exact name listed in the regions source, "
                    "or add the missing region to a regions file of the same drop.",
                ),
            )
        )
    if col.kind == "int" and (c == "year" or c.startswith("year_") or c.endswith("_year")):
        if c in PLAN_YEARS:
            out.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column=c,
                    min_value=EARLIEST_YEAR,
                    max_value=LATEST_PLAN_YEAR,
                    meta=_meta(
                        "year_range",
                        c,
                        f"{h}应为{EARLIEST_YEAR}至{LATEST_PLAN_YEAR}之间的年份。",
                        f"{h} must be a year between {EARLIEST_YEAR} and {LATEST_PLAN_YEAR}.",
                        f"Enter {h} as a four-digit year.",
                    ),
                )
            )
        else:
            out.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column=c,
                    min_value=EARLIEST_YEAR,
                    meta=_meta(
                        "year_range",
                        c,
                        f"{h}应为不早于{EARLIEST_YEAR}年的四位年份。",
                        f"{h} must be a four-digit year not before {EARLIEST_YEAR}.",
                        f"Enter {h} as a four-digit year.",
                    ),
                )
            )
            out.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column=c,
                    max_value=_param("current_year"),
                    meta=_meta(
                        "year_in_future",
                        c,
                        f"{h}晚于当前年份（{{current_year}}）。",
                        f"{h} is after the current year ({{current_year}}).",
                        f"Correct {h}: data cannot be for a year that has not begun.",
                    ),
                )
            )
    if col.kind == "date":
        out.append(
            gxe.ExpectColumnValuesToBeBetween(
                column=c,
                min_value=_param("earliest_date"),
                meta=_meta(
                    "date_too_early",
                    c,
                    f"{h}早于{{earliest_date}}，不可信。",
                    f"{h} is before {{earliest_date}} and cannot be right.",
                    f"Correct {h} (an Excel serial number or a two-digit year misread as a date?).",
                ),
            )
        )
        if c in PAST_DATES:
            out.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column=c,
                    max_value=_param("today"),
                    meta=_meta(
                        "date_in_future",
                        c,
                        f"{h}晚于今天（{{today}}）。",
                        f"{h} is in the future (after {{today}}).",
                        f"Correct {h}: it records an event that has already happened.",
                    ),
                )
            )
    if c in NON_NEGATIVE.get(src.name, ()):
        out.append(
            gxe.ExpectColumnValuesToBeBetween(
                column=c,
                min_value=0,
                meta=_meta(
                    "negative_value",
                    c,
                    f"{h}不能为负数。",
                    f"{h} must not be negative.",
                    f"Correct the negative values of {h} (a sign error, or a missing value written as -1?).",
                ),
            )
        )
    if c in POSITIVE.get(src.name, ()):
        out.append(
            gxe.ExpectColumnValuesToBeBetween(
                column=c,
                min_value=0,
                strict_min=True,
                meta=_meta(
                    "not_positive",
                    c,
                    f"{h}必须大于0。",
                    f"{h} must be greater than 0.",
                    f"Correct {h}; leave the row out when the figure is not known rather than writing 0.",
                ),
            )
        )
    return out


def _key_expectation(src: Source):
    key = list(src.key)
    hs = " + ".join(_ph(k) for k in key)
    meta = _meta(
        "duplicate_key",
        ",".join(key),
        f"同一文件中主键（{hs}）重复。",
        f"Key ({hs}) is duplicated within the file.",
        f"Keep one row per {hs}: delete the repeated rows or correct the key of the wrong one "
        "(a later file supersedes an earlier one; a single file must not contradict itself).",
    )
    if len(key) == 1:
        return gxe.ExpectColumnValuesToBeUnique(column=key[0], meta=meta)
    # A row missing part of its key is already reported by not_null / the parser.
    return gxe.ExpectCompoundColumnsToBeUnique(
        column_list=key, ignore_row_if="any_value_is_missing", meta=meta
    )


def _pair(a: str, b: str, *, rule: str, report: str, zh: str, en: str, fix: str, severity="ERROR", strict=False):
    """Expect column a >= b (or a > b when strict); rows with either value empty are ignored."""
    return gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=a,
        column_B=b,
        or_equal=not strict,
        ignore_row_if="either_value_is_missing",
        meta=_meta(rule, report, zh, en, fix, severity),
    )


def _source_expectations(src: Source) -> list:
    """Rules that are specific to one source."""
    n = src.name
    out: list = []
    if n == "regions":
        out.append(
            gxe.ExpectColumnValuesToBeUnique(
                column="region_name",
                meta=_meta(
                    "region_name_duplicate",
                    "region_name",
                    "{region_name}重复：地区名称必须唯一，否则按名称填写的地区无法识别。",
                    "{region_name} is duplicated: region names must be unique, or a region given by name is ambiguous.",
                    "Make each {region_name} unique (e.g. 市辖区 → give the full name) or remove the repeated row.",
                ),
            )
        )
        out.append(
            gxe.ExpectColumnValuesToMatchRegex(
                column="region_code",
                regex=r"^\d{6}$",
                row_condition=RowColumn("level") != "功能区",
                meta=_meta(
                    "region_code_format",
                    "region_code",
                    "行政区划的{region_code}应为6位数字（GB/T 2260）；只有功能区可用自定义代码。",
                    "{region_code} of an administrative division must be 6 digits (GB/T 2260); only functional zones (功能区) may use a free code.",
                    "Use the 6-digit GB/T 2260 code in {region_code}, or set {level} to 功能区 for a zone.",
                ),
            )
        )
        out.append(
            gxe.ExpectColumnValuesToBeInSet(
                column="parent_code",
                value_set=_param("region_codes"),
                meta=_meta(
                    "parent_code_unknown",
                    "parent_code",
                    "{parent_code}不存在：上级代码必须是本文件或已发布地区中的区划代码。",
                    "{parent_code} does not exist: a parent must be a region code of this file or of a published region.",
                    "Correct {parent_code}, add the parent region to the file, or leave it empty for a top-level region.",
                ),
            )
        )
    if n == "hightech_certificates":
        out.append(
            gxe.ExpectColumnValuesToMatchRegex(
                column="certificate_no",
                regex=r"^GR\d{4}\d{2}\d+$",
                meta=_meta(
                    "certificate_no_format",
                    "certificate_no",
                    "{certificate_no}格式错误：应为 GR + 4位年份 + 2位省份代码 + 流水号，如 GR202332001234。",
                    "{certificate_no} must be GR + 4-digit year + 2-digit province + serial digits, e.g. GR202332001234.",
                    "Copy {certificate_no} exactly from the certificate list (upper-case GR, digits only, no spaces).",
                ),
            )
        )
        out.append(
            _pair(
                "revoked_date",
                "issue_date",
                rule="revoked_before_issue",
                report="revoked_date",
                zh="{revoked_date}早于{issue_date}。",
                en="{revoked_date} is before {issue_date}.",
                fix="Check {revoked_date} and {issue_date} of the listed certificates.",
                severity="WARN",
            )
        )
    if n == "above_scale_industry":
        out.append(
            gxe.ExpectColumnValuesToMatchRegex(
                column="industry_code",
                regex=r"^\d{4}$",
                meta=_meta(
                    "industry_code_format",
                    "industry_code",
                    "{industry_code}应为4位数字的国民经济行业代码（GB/T 4754-2017 小类）。",
                    "{industry_code} must be a 4-digit GB/T 4754-2017 industry class code.",
                    "Enter the 4-digit class code in {industry_code} (keep leading zeros: store the column as text).",
                ),
            )
        )
        out.append(
            _pair(
                "gross_output",
                "hightech_output",
                rule="hightech_output_exceeds_gross_output",
                report="hightech_output",
                zh="{hightech_output}大于{gross_output}。",
                en="{hightech_output} is larger than {gross_output}.",
                fix="Correct {hightech_output} or {gross_output} (same unit? same enterprise?); the high-tech part cannot exceed the total.",
            )
        )
        out.append(
            _pair(
                "value_added",
                "hightech_value_added",
                rule="hightech_value_added_exceeds_value_added",
                report="hightech_value_added",
                zh="{hightech_value_added}大于{value_added}。",
                en="{hightech_value_added} is larger than {value_added}.",
                fix="Check {hightech_value_added} and {value_added} of the listed rows.",
                severity="WARN",
            )
        )
    if n == "patents":
        out.append(
            gxe.ExpectColumnValuesToMatchRegex(
                column="application_no",
                regex=r"^\d{8,12}\.[\dX]$",
                meta=_meta(
                    "application_no_format",
                    "application_no",
                    "{application_no}格式错误：应为8-12位数字 + '.' + 校验位（数字或X），如 202310123456.7。",
                    "{application_no} must be 8-12 digits, a dot and a check character (digit or X), e.g. 202310123456.7.",
                    "Write {application_no} as in the patent register, without the CN prefix or spaces, with the dot before the check digit.",
                ),
            )
        )
        out.append(
            _pair(
                "grant_date",
                "application_date",
                rule="grant_before_application",
                report="grant_date",
                zh="{grant_date}早于{application_date}。",
                en="{grant_date} is before {application_date}.",
                fix="Correct {grant_date} or {application_date}: a patent is granted after it is applied for.",
            )
        )
        out.append(
            _pair(
                "lapse_date",
                "grant_date",
                rule="lapse_before_grant",
                report="lapse_date",
                zh="{lapse_date}早于{grant_date}。",
                en="{lapse_date} is before {grant_date}.",
                fix="Correct {lapse_date} or {grant_date}; leave {lapse_date} empty while the patent is in force.",
            )
        )
    if n == "incubators":
        out.append(
            _pair(
                "year_revoked",
                "year_recognized",
                rule="revoked_before_recognized",
                report="year_revoked",
                zh="{year_revoked}早于{year_recognized}。",
                en="{year_revoked} is before {year_recognized}.",
                fix="Correct {year_revoked} or {year_recognized}; leave {year_revoked} empty when the carrier was not revoked.",
            )
        )
    if n == "plan_targets":
        out.append(
            _pair(
                "target_year",
                "start_year",
                rule="target_year_before_start_year",
                report="target_year",
                zh="{target_year}早于{start_year}。",
                en="{target_year} is before {start_year}.",
                fix="Correct {start_year} or {target_year}: the horizon runs from the start year to the target year.",
            )
        )
        out.append(
            _pair(
                "target_year",
                "base_year",
                rule="base_year_not_before_target_year",
                report="base_year",
                zh="{base_year}不早于{target_year}。",
                en="{base_year} is not before {target_year}.",
                fix="Check {base_year}: the base period precedes the target year.",
                severity="WARN",
                strict=True,
            )
        )
    return out


def build_suite(source: str) -> gx.ExpectationSuite:
    """The suite of one source, built from the contract in `pipelines.contract.sources`."""
    src = SOURCES[source]
    expectations: list = []
    for col in src.columns:
        expectations += _column_expectations(src, col)
    expectations.append(_key_expectation(src))
    expectations += _source_expectations(src)
    for exp in expectations:  # mirror our severity in GX's own field
        exp.severity = "warning" if exp.meta["severity"] == "WARN" else "critical"
    return gx.ExpectationSuite(
        name=source,
        expectations=expectations,
        meta={
            "source": source,
            "title_zh": src.title_zh,
            "key": list(src.key),
            "parameters": PARAMETERS,
            "generated_by": "python -m pipelines.validation.suites (from pipelines/spec.py)",
        },
    )


def suite_path(source: str) -> Path:
    return EXPECTATIONS_DIR / f"{source}.json"


def suite_json(source: str) -> str:
    """The JSON text of `expectations/<source>.json`, as `write_suites` writes it."""
    return json.dumps(build_suite(source).to_json_dict(), ensure_ascii=False, indent=2) + "\n"


def write_suites(directory: Path = EXPECTATIONS_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SOURCES:
        path = directory / f"{name}.json"
        path.write_text(suite_json(name), encoding="utf-8")
        written.append(path)
    return written


@lru_cache(maxsize=None)
def _load_suite_dict(path: str, mtime_ns: int) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def load_suite(source: str) -> gx.ExpectationSuite:
    """Read `expectations/<source>.json` (relative to the repository, not the CWD)."""
    if source not in SOURCES:
        raise KeyError(f"unknown source {source!r}; known: {', '.join(SOURCES)}")
    path = suite_path(source)
    if not path.exists():
        raise FileNotFoundError(f"no expectation suite for {source}: {path} is missing")
    data = _load_suite_dict(str(path), path.stat().st_mtime_ns)
    return gx.ExpectationSuite(**json.loads(json.dumps(data)))  # a fresh, independent copy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a JSON suite is stale")
    args = parser.parse_args(argv)
    if args.check:
        stale = [
            name
            for name in SOURCES
            if not suite_path(name).exists() or suite_path(name).read_text(encoding="utf-8") != suite_json(name)
        ]
        for name in stale:
            print(f"stale: {suite_path(name)}")
        return 1 if stale else 0
    for path in write_suites():
        print(f"wrote {path.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
