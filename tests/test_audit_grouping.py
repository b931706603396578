"""Several small batches of a source validated together (`runner.validate_batches`, issue 12)
give exactly the findings of validating each batch alone: rule, failing count, example rows
and values (the first ones in row order), and order. The frames have several failing rules,
failures in more rows than a finding shows, failures in one batch of a group only, duplicate
keys, an empty batch and batches whose columns have other dtypes.
"""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.audit import runner
from pipelines.audit.findings import MAX_EXAMPLES
from pipelines.audit.landed_batches import GROUP_BATCHES_BELOW_ROWS, GROUP_ROWS, _segments
from pipelines.audit.runner import Batch, validate_batch, validate_batches
from pipelines.contract.uscc import make_uscc
from tests.test_validation_rules import KNOWN, TODAY, frame

N = 40  # rows per batch: more than MAX_EXAMPLES can fail


def _patents(seed: int) -> pd.DataFrame:
    rows = [
        (
            f"2023{seed:02d}{i:06d}.{i % 10}",
            ("发明", "实用新型", "外观设计")[i % 3],
            f"2023-01-{1 + i % 28:02d}",
            f"2024-02-{1 + i % 28:02d}" if i % 4 else None,
            None,
            f"企业{i}",
            make_uscc("320400", f"{10_000_000 + seed * 1000 + i}"),
            ("320400", "常州市", "320402")[i % 3],
            bool(i % 2),
        )
        for i in range(N)
    ]
    return frame("patents", rows)


def _roster(seed: int) -> pd.DataFrame:
    rows = [
        (
            make_uscc("320400", f"{10_000_000 + seed * 1000 + i}"),
            f"企业{i}",
            2023,
            ("320400", "320402")[i % 2],
            "3911",
            1000.0 + i,
            900.0,
            250.0,
            500.0,
            100.0,
            30.0,
            bool(i % 2),
        )
        for i in range(N)
    ]
    return frame("above_scale_industry", rows)


def _at(df: pd.DataFrame, rows, column: str, value) -> None:
    if df[column].dtype.kind == "M" and value is not None:
        value = pd.Timestamp(value)
    df.loc[df.index[list(rows)], column] = value


def _patent_batches() -> list[pd.DataFrame]:
    frames = [_patents(s) for s in range(6)]
    _at(frames[1], range(0, N, 2), "region", "火星")  # 20 failing rows: more than the examples
    _at(frames[1], [5, 7], "grant_date", "2099-01-01")  # future, and grant after lapse is fine
    _at(frames[1], [9], "application_no", None)
    _at(frames[3], range(3, N), "holder_uscc", "91320400MA1XXXXXX0")  # 37 failing rows
    _at(frames[3], [4, 11], "application_no", frames[3]["application_no"].iat[2])  # duplicate keys
    _at(frames[3], [6], "lapse_date", "2023-06-01")  # lapse before grant
    _at(frames[4], [1], "region", "火星")  # the same rule fails in a second batch of the group
    frames[5] = frames[5].iloc[:0]  # an empty batch
    frames[2]["high_value"] = frames[2]["high_value"].astype(bool)  # another dtype: bool, not boolean
    return frames


def _roster_batches() -> list[pd.DataFrame]:
    frames = [_roster(s) for s in range(5)]
    _at(frames[0], range(1, N, 3), "hightech_output", 5000.0)  # exceeds gross output, 13 rows
    _at(frames[0], [2], "year", 1800)
    _at(frames[2], range(N), "industry_code", "C39")  # the whole column fails
    _at(frames[2], [3], "uscc", frames[2]["uscc"].iat[0])  # duplicate (uscc, year)
    _at(frames[4], [0, 1], "gross_output", -1.0)
    frames[1]["rd_expenditure"] = None  # a column all NULL: not_null fails in every row
    return frames


CASES = {"patents": _patent_batches, "above_scale_industry": _roster_batches}


def _one_by_one(source: str, frames: list[pd.DataFrame]) -> list[list[dict]]:
    return [
        [
            f.to_dict()
            for f in validate_batch(
                source, df, file=f"{source}/{i}.csv", header_map={}, known_regions=KNOWN, today=TODAY
            )
        ]
        for i, df in enumerate(frames)
    ]


def _together(source: str, frames: list[pd.DataFrame]) -> list[list[dict]]:
    batches = [Batch(df, f"{source}/{i}.csv") for i, df in enumerate(frames)]
    return [[f.to_dict() for f in fs] for fs in validate_batches(source, batches, known_regions=KNOWN, today=TODAY)]


@pytest.mark.parametrize("source", sorted(CASES))
def test_batches_validated_together_have_the_findings_of_each_alone(source):
    frames = CASES[source]()
    alone = _one_by_one(source, frames)
    # The frames do exercise it: several rules fail, in several batches, some beyond the examples.
    rules = {f["rule"] for fs in alone for f in fs}
    assert len(rules) >= 4 and sum(1 for fs in alone if fs) >= 3
    assert any(f["failing_count"] > MAX_EXAMPLES for fs in alone for f in fs)

    assert _together(source, frames) == alone  # rule, count, example rows and values, order: all equal


def test_clean_batches_together_pass_with_far_fewer_gx_evaluations(monkeypatch):
    frames = [_patents(s) for s in range(8)]
    counted = []
    real = runner.run_expectations
    monkeypatch.setattr(
        runner, "run_expectations", lambda frame, exps, *a, **k: counted.append(len(exps)) or real(frame, exps, *a, **k)
    )
    assert _together("patents", frames) == [[] for _ in frames]
    together = sum(counted)
    counted.clear()
    assert _one_by_one("patents", frames) == [[] for _ in frames]
    assert together * 4 < sum(counted)


def test_segments_group_consecutive_small_landed_batches():
    small, big = 10, GROUP_BATCHES_BELOW_ROWS
    rows = [
        ("a", "a", "landed", None, None, small),
        ("b", "b", "landed", None, None, small),
        ("c", "c", "rejected", None, None, small),  # not validated: cuts the group
        ("d", "d", "landed", None, None, small),
        ("e", "e", "landed", None, None, big),  # large: alone
        ("f", "f", "landed", None, None, small),
    ]
    assert [[r[0] for r in seg] for seg in _segments(rows)] == [["a", "b"], ["c"], ["d"], ["e"], ["f"]]
    many = [(str(i), str(i), "landed", None, None, big - 1) for i in range(12)]
    segments = _segments(many)
    assert [r for seg in segments for r in seg] == many  # every batch once, in order
    assert all(sum(r[5] for r in seg) <= GROUP_ROWS for seg in segments)
    assert len(segments) < len(many)


def test_fetch_batch_gives_the_frame_duckdb_df_gives():
    import duckdb

    from pipelines.audit.landed_batches import fetch_batch

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE t AS SELECT CASE WHEN i % 3 = 0 THEN NULL ELSE '企业' || i END AS enterprise_name,"
        " NULL::VARCHAR AS uscc, CASE WHEN i % 2 = 0 THEN NULL ELSE 2020 + i END::INTEGER AS year,"
        " CASE WHEN i % 3 = 0 THEN NULL ELSE i % 2 = 0 END AS has_rd_activity, i * 1.5::DOUBLE AS gross_output,"
        " DATE '2020-01-01' + i::INTEGER AS d, i % 2 = 0 AS b, 'x' AS _extra, (i + 3)::INTEGER AS _row_number"
        " FROM range(7) r(i)"
    )
    for where in ("", " WHERE _row_number < 0", " WHERE _row_number = 3"):
        con.execute(f"CREATE OR REPLACE VIEW v AS SELECT * FROM t{where}")
        got = fetch_batch(con, "above_scale_industry", "v")
        want = con.execute(f"SELECT {', '.join(got.columns)} FROM v").df()  # contract order, no _extra
        assert set(got.columns) == {"enterprise_name", "uscc", "year", "has_rd_activity", "gross_output", "_row_number"}
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert list(got.dtypes.astype(str)) == list(want.dtypes.astype(str))
