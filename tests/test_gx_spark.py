"""The GX suites on Spark DataFrames (issue 13): the same findings as on pandas, for the same rows.

One good and one bad small batch of two sources (hightech_certificates, tech_contracts) are validated
by the pandas path (`runner.validate_batch`, in this venv, as the refresh does) and by the Spark path
(`gx_spark.validate_spark_batch`, in the Spark venv of `make spark-setup`, all four batches in one
local Spark session). The bad batches hold a wrong USCC check digit (the custom expectation's Spark
metric), an empty required cell, a value outside an enum, a region nobody knows, a date in the
future, a duplicate key and a pair rule broken. Skipped only when the Spark venv cannot be built.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pandas as pd

from pipelines.audit.runner import validate_batch
from tests.test_validation_rules import KNOWN, TODAY, U1, _bad_check_digit, frame, put

REPO = Path(__file__).resolve().parents[1]

# Runs in the Spark venv: each Parquet batch read into one Spark session and validated there.
_SPARK_SIDE = """
import datetime as dt, json, os, sys
os.environ["PYSPARK_PYTHON"] = sys.executable  # the pandas UDF's workers: this venv's Python
from pyspark.sql import SparkSession
from pipelines.audit.gx_spark import validate_spark_batch
job = json.load(open(sys.argv[1], encoding="utf-8"))
spark = (SparkSession.builder.master("local[1]").appName("gx_spark_test")
         .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
         .config("spark.sql.shuffle.partitions", "1")  # tiny batches: no adaptive plans, no code generation
         .config("spark.sql.adaptive.enabled", "false").config("spark.sql.codegen.wholeStage", "false")
         .getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
out = {}
for name, b in job["batches"].items():
    df = spark.read.parquet(b["parquet"])
    found = validate_spark_batch(b["source"], df, file=b["file"], header_map={},
                                 known_regions=job["known"], today=dt.date.fromisoformat(job["today"]))
    out[name] = {"schema": df.schema.simpleString(), "findings": [f.to_dict() for f in found]}
spark.stop()
json.dump(out, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
"""


def _batches() -> dict[str, tuple[str, pd.DataFrame]]:
    certs = frame("hightech_certificates")
    bad_certs = pd.concat([certs, certs.iloc[[0]]], ignore_index=True)  # row 6 repeats row 3's certificate
    bad_certs["_row_number"] = range(3, 3 + len(bad_certs))
    put(bad_certs, 3, "uscc", _bad_check_digit(U1))
    put(bad_certs, 4, "enterprise_name", None)
    put(bad_certs, 5, "issue_date", "2026-01-01")  # after TODAY
    put(bad_certs, 5, "region", "999999")
    put(bad_certs, 4, "revoked_date", "2020-01-01")  # before its issue date
    contracts = frame("tech_contracts")
    bad_contracts = contracts.copy()
    put(bad_contracts, 3, "contract_type", "技术买卖")
    put(bad_contracts, 4, "seller_uscc", "91320400MA1XXXXX0")  # 17 characters
    put(bad_contracts, 5, "technology_amount", 5.0)  # above its contract amount (0)
    put(bad_contracts, 5, "buyer_name", None)
    return {
        "certs_good": ("hightech_certificates", certs),
        "certs_bad": ("hightech_certificates", bad_certs),
        "contracts_good": ("tech_contracts", contracts),
        "contracts_bad": ("tech_contracts", bad_contracts),
    }


def _comparable(findings: list[dict]) -> list[tuple]:
    return [
        (
            f["rule"],
            f["column"],
            f["severity"],
            f["failing_count"],
            tuple((e["row"], e["value"]) for e in f["examples"]),
        )
        for f in findings
    ]


def test_spark_findings_equal_pandas_findings(spark_python, tmp_path):
    batches = _batches()
    pandas_side, job = {}, {"known": sorted(KNOWN), "today": TODAY.isoformat(), "batches": {}}
    for name, (source, df) in batches.items():
        file = f"{source}/{name}.parquet"
        pandas_side[name] = [
            f.to_dict() for f in validate_batch(source, df, file=file, header_map={}, known_regions=KNOWN, today=TODAY)
        ]
        lake = df.copy()  # the lake's Parquet: dates as DATE, integers as int32/int64
        for col in lake.columns:
            if lake[col].dtype.kind == "M":
                lake[col] = lake[col].dt.date.astype("date32[pyarrow]")
        lake.to_parquet(tmp_path / f"{name}.parquet", index=False)
        job["batches"][name] = {"source": source, "file": file, "parquet": str(tmp_path / f"{name}.parquet")}
    (tmp_path / "job.json").write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
    started = time.monotonic()
    run = subprocess.run(
        [str(spark_python), "-c", _SPARK_SIDE, str(tmp_path / "job.json"), str(tmp_path / "out.json")],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    seconds = time.monotonic() - started
    assert run.returncode == 0, (run.stdout + run.stderr)[-4000:]
    spark_side = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert "date" in spark_side["certs_bad"]["schema"]  # DATE columns, as a lake holds them

    assert pandas_side["certs_good"] == [] and pandas_side["contracts_good"] == []
    assert [f["rule"] for f in pandas_side["certs_bad"]] == [
        "not_null", "uscc_check_digit", "date_in_future", "known_region", "revoked_before_issue", "duplicate_key",
    ]  # fmt: skip
    assert [f["rule"] for f in pandas_side["contracts_bad"]] == [
        "allowed_value", "technology_amount_exceeds_contract_amount", "uscc_check_digit", "not_null",
    ]  # fmt: skip
    for name in batches:
        assert _comparable(spark_side[name]["findings"]) == _comparable(pandas_side[name]), name
        assert spark_side[name]["findings"] == pandas_side[name], name  # texts and headers too
    print(f"Spark side: {seconds:.1f} s for {len(batches)} batches")
