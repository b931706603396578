"""End to end: generate a drop, `sti refresh` it, compare the marts with the generator's truth."""

from __future__ import annotations

import contextlib
import io

import duckdb
import pytest

from pipelines.cli import main as sti
from pipelines.generate.truth import catalogue_codes
from tests.conftest import SAMPLE, read_marts, read_truth, sha256_file

HEADLINE = ("rd_intensity", "hightech_share_of_above_scale")


def _compare(truth: dict, marts: dict, codes) -> list[str]:
    problems = []
    want = {k: v for k, v in truth.items() if k[0] in codes}
    have = {k: v for k, v in marts.items() if k[0] in codes}
    for key in sorted(set(want) - set(have)):
        problems.append(f"missing in marts: {key} = {want[key]}")
    for key in sorted(set(have) - set(want)):
        problems.append(f"not in truth: {key} = {have[key]}")
    for key in sorted(set(want) & set(have)):
        if have[key] != pytest.approx(want[key], rel=1e-9, abs=1e-9):
            problems.append(f"{key}: marts {have[key]!r} truth {want[key]!r}")
    return problems


def test_committed_sample_is_what_the_generator_writes(generated_drop):
    committed = sorted(p.relative_to(SAMPLE) for p in SAMPLE.rglob("*") if p.is_file())
    generated = sorted(p.relative_to(generated_drop) for p in generated_drop.rglob("*") if p.is_file())
    assert committed == generated
    for rel in committed:
        assert sha256_file(SAMPLE / rel) == sha256_file(generated_drop / rel), rel


def test_refresh_succeeds_and_summarises(refreshed):
    assert refreshed.exit_code == 0, refreshed.output
    assert "published" in refreshed.output
    assert (refreshed.warehouse / "sti.duckdb").exists()


def test_serving_holds_marts_schema_only(refreshed):
    con = duckdb.connect(str(refreshed.warehouse / "sti.duckdb"), read_only=True)
    try:
        schemas = {r[0] for r in con.execute("SELECT DISTINCT table_schema FROM information_schema.tables").fetchall()}
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    finally:
        con.close()
    assert schemas == {"marts"}
    assert {"dim_region", "dim_indicator", "fct_indicator_value"} <= tables


def test_headline_indicators_equal_ground_truth(refreshed):
    truth = read_truth(refreshed.drop)
    marts = read_marts(refreshed.warehouse / "sti.duckdb")
    assert _compare(truth, marts, HEADLINE) == []
    # Every DESIGN §6 region has both headline indicators for 2019–2024.
    design_regions = {"320400", "320402", "320404", "320411", "320412", "320413", "320481", "320491",
                      "360300", "360302", "360313", "360321", "360322", "360323", "500114"}
    for code in HEADLINE:
        for region in design_regions:
            assert {y for c, r, y in marts if c == code and r == region} == set(range(2019, 2025)), (code, region)


def test_every_catalogue_indicator_equals_ground_truth(refreshed):
    truth = read_truth(refreshed.drop)
    marts = read_marts(refreshed.warehouse / "sti.duckdb")
    codes = {k[0] for k in truth}
    assert codes == catalogue_codes()  # the truth covers every catalogue indicator
    problems = _compare(truth, marts, codes)
    assert problems == [], f"{len(problems)} differences, first: {problems[:20]}"


def test_second_refresh_of_unchanged_drop_loads_nothing(refreshed):
    serving = refreshed.warehouse / "sti.duckdb"
    before_hash = sha256_file(serving)
    before = read_marts(serving)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = sti(["refresh", "--sources", str(refreshed.drop), "--warehouse", str(refreshed.warehouse)])
    assert code == 0, out.getvalue()
    assert "new batches: none" in out.getvalue()
    assert sha256_file(serving) == before_hash
    assert read_marts(serving) == before
    con = duckdb.connect(str(refreshed.warehouse / "build.duckdb"), read_only=True)
    try:
        statuses = con.execute("SELECT status, count(*) FROM audit.load_ledger GROUP BY 1").fetchall()
    finally:
        con.close()
    assert dict(statuses).keys() == {"published"}


def test_new_batch_publishes_while_a_reader_holds_the_old_file(refreshed):
    """A BI tool keeps its connection during a refresh; the new file replaces the old by rename."""
    from pipelines.contract.uscc import make_uscc

    serving = refreshed.warehouse / "sti.duckdb"
    before = read_marts(serving)
    reader = duckdb.connect(str(serving), read_only=True)
    old_total = reader.execute("SELECT sum(value) FROM marts.fct_indicator_value").fetchone()[0]
    con = duckdb.connect(str(refreshed.warehouse / "build.duckdb"), read_only=True)
    district, city = con.execute(
        "SELECT region_code, parent_code FROM raw.regions WHERE parent_code IS NOT NULL ORDER BY region_code LIMIT 1"
    ).fetchone()
    con.close()
    lines = ["企业名称,统一社会信用代码,入库登记编号,入库年度,所属地区"]
    for i in range(3):
        uscc = make_uscc(district, f"MA7T{i:04d}")
        lines.append(f"补充企业{i}有限公司,{uscc},2024{district}Z000900{i},2024,{district}")
    supplement = refreshed.drop / "tech_sme_registry" / "zz_2024年补充入库名单.csv"
    supplement.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = sti(["refresh", "--sources", str(refreshed.drop), "--warehouse", str(refreshed.warehouse)])
        assert code == 0, out.getvalue()
        # The reader still answers from the file it opened, during and after the swap.
        assert reader.execute("SELECT sum(value) FROM marts.fct_indicator_value").fetchone()[0] == old_total
    finally:
        reader.close()
        supplement.unlink()
    after = read_marts(serving)
    for region in (district, city):
        assert after[("tech_sme_count", region, 2024)] == before[("tech_sme_count", region, 2024)] + 3
    # Sums may differ in the last bit (DuckDB aggregates in parallel): compare to 1e-9.
    changed = {k for k in before if after.get(k) != pytest.approx(before[k], rel=1e-9, abs=1e-12)}
    assert changed and all(k[0] == "tech_sme_count" for k in changed)
