"""Target progress (DESIGN §2 target rules, §4 fct_target_progress) against the generator's
ground truth: the plan targets of the sample, and a second plan_targets file that puts every
rule and boundary on every catalogue indicator (base points, multiples, 累计 sums, horizons
that start before the spine, every comparator), refreshed from a copy of the generated drop.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipelines.audit.catalogue import measures
from pipelines.cli import main as sti
from pipelines.contract.sources import SOURCES
from pipelines.generate.truth import TARGET_KEY, catalogue_codes, compute_target_truth

COMPARED = ["target_value", "target_multiple", "base_year", "base_value", "actual_year", "actual_value",
            "path_value", "completion_pct", "status"]  # fmt: skip
REGIONS = ("320400", "320404", "360300", "500114")
RULES_FILE = "规则覆盖.csv"


def _rule_targets() -> list[dict[str, object]]:
    """Targets covering every rule on every catalogue indicator of a few regions."""
    rows: list[dict[str, object]] = []

    def add(region: str, code: str, kind: str, start: int, target: int, comparator: str, **kw: object) -> None:
        rows.append({"plan_name": f"规则覆盖{len(rows):03d}", "region": region, "indicator_code": code, "kind": kind,
                     "start_year": start, "target_year": target, "comparator": comparator, "clause": "rule coverage",
                     **kw})  # fmt: skip

    for code, measure in measures().items():
        for region in REGIONS:
            add(region, code, "存量", 2023, 2027, ">=", base_year=2022, target_multiple=2)  # 黔江's 双倍增
            add(region, code, "存量", 2023, 2026, ">=", base_year=2010, target_multiple=1.5)  # base outside the spine
            add(region, code, "存量", 2016, 2026, ">", target_multiple=1.2)  # start_year - 1 before the spine
            add(region, code, "存量", 2021, 2026, ">=", target_multiple=1.1)  # start_year - 1 in the spine
            add(region, code, "存量", 2021, 2026, "<=", base_year=2020, base_value=50, target_value=10)
            add(region, code, "存量", 2020, 2023, "=", base_year=2019, target_multiple=1)
            add(region, code, "存量", 2025, 2027, ">=", target_value=5)
            add(region, code, "年度", 2022, 2026, ">=", target_multiple=1.05)
            if measure == "flow":
                add(region, code, "累计", 2021, 2026, ">=", target_value=100)
                add(region, code, "累计", 2022, 2024, "<=", target_multiple=4)
                add(region, code, "累计", 2015, 2025, ">=", target_value=10)  # the horizon starts before the spine
                add(region, code, "累计", 2020, 2023, ">", base_year=2019, base_value=1, target_value=1)
    add("320400", "talents_new", "累计", 2023, 2027, ">=", target_multiple=2)  # not measurable
    return rows


def _write(path: Path, rows: list[dict[str, object]]) -> None:
    cols = SOURCES["plan_targets"].columns
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow([c.header_zh for c in cols])
        for row in rows:
            w.writerow(["" if row.get(c.name) is None else row.get(c.name) for c in cols])


def _read_targets(drop: Path) -> pd.DataFrame:
    headers = {c.header_zh: c.name for c in SOURCES["plan_targets"].columns}
    frames = [pd.read_csv(p, dtype=str).rename(columns=headers) for p in sorted((drop / "plan_targets").glob("*.csv"))]
    df = pd.concat(frames, ignore_index=True)
    for col in ("base_year", "base_value", "target_value", "target_multiple"):
        df[col] = pd.to_numeric(df[col], errors="coerce") if col in df else math.nan
    return df.rename(columns={"region": "region_code"})


def _compare(truth: pd.DataFrame, marts: pd.DataFrame) -> list[str]:
    want = {tuple(r[k] for k in TARGET_KEY): r for r in truth.to_dict("records")}
    have = {tuple(r[k] for k in TARGET_KEY): r for r in marts.to_dict("records")}
    problems = [f"missing in marts: {k}" for k in sorted(set(want) - set(have), key=str)]
    problems += [f"not in truth: {k}" for k in sorted(set(have) - set(want), key=str)]
    for key in sorted(set(want) & set(have), key=str):
        for col in COMPARED:
            w, h = want[key][col], have[key][col]
            w = None if w is None or (isinstance(w, float) and math.isnan(w)) else w
            h = None if h is None or (isinstance(h, float) and math.isnan(h)) else h
            same = w == h if isinstance(w, str) or w is None or h is None else h == pytest.approx(w, rel=1e-9, abs=1e-9)
            if not same:
                problems.append(f"{key} {col}: marts {h!r} truth {w!r}")
    return problems


def _marts(serving: Path) -> pd.DataFrame:
    con = duckdb.connect(str(serving), read_only=True)
    try:
        return con.execute("SELECT * FROM marts.fct_target_progress").df()
    finally:
        con.close()


def _truth(drop: Path) -> pd.DataFrame:
    values = pd.read_csv(drop / "expected_indicators.csv", dtype={"region_code": str})
    return compute_target_truth(values, _read_targets(drop), catalogue_codes())


@pytest.fixture(scope="module")
def rules_refreshed(generated_drop, tmp_path_factory):
    drop = tmp_path_factory.mktemp("rules") / "drop"
    shutil.copytree(generated_drop, drop)
    _write(drop / "plan_targets" / RULES_FILE, _rule_targets())
    warehouse = tmp_path_factory.mktemp("rules_warehouse")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = sti(["refresh", "--sources", str(drop), "--warehouse", str(warehouse)])
    assert code == 0, out.getvalue()
    return drop, warehouse


def _sample_rows(df: pd.DataFrame) -> pd.DataFrame:
    return df[~df["plan_name"].str.startswith("规则覆盖")].reset_index(drop=True)


# The session's `refreshed` warehouse is changed by other tests (a supplementary batch), so
# these tests refresh their own copy of the generated drop: its sample targets plus the rules file.
def test_sample_targets_equal_ground_truth(rules_refreshed):
    drop, warehouse = rules_refreshed
    truth, marts = _sample_rows(_truth(drop)), _sample_rows(_marts(warehouse / "sti.duckdb"))
    assert len(truth) > 70
    problems = _compare(truth, marts)
    assert problems == [], f"{len(problems)} differences, first: {problems[:20]}"


def test_qianjiang_double_is_a_multiple_of_its_2022_value(rules_refreshed):
    drop, warehouse = rules_refreshed
    marts = _sample_rows(_marts(warehouse / "sti.duckdb"))
    row = marts[(marts["region_code"] == "500114") & (marts["target_multiple"] == 2)].iloc[0]
    values = pd.read_csv(drop / "expected_indicators.csv", dtype={"region_code": str})
    base = values[(values["indicator_code"] == row["indicator_code"]) & (values["region_code"] == "500114")
                  & (values["year"] == 2022)]["value"].iloc[0]  # fmt: skip
    assert (row["base_year"], row["base_value"], row["target_value"]) == (2022, base, 2 * base)


def test_every_rule_on_every_indicator_equals_ground_truth(rules_refreshed):
    drop, warehouse = rules_refreshed
    truth = _truth(drop)
    marts = _marts(warehouse / "sti.duckdb")
    problems = _compare(truth, marts)
    assert problems == [], f"{len(problems)} differences, first: {problems[:20]}"
    # the file reaches every status and both base-point fallbacks
    assert set(truth["status"]) >= {"achieved", "on_track", "behind", "missed", "no_data", "not_measurable"}
    assert marts["obs_status"].notna().equals(marts["actual_value"].notna())
