"""The GX suites on the lake's batches, in the Spark build's session (STI_ENGINE=spark; issue 13).

Runs in the Spark venv, inside `pipelines.spark.full_build --validate PLAN --findings OUT`, before dbt:
every batch the plan names (the refresh's batches, as `pipelines.spark.lake.validation_plan` wrote
them from the ledger) is read from the registered `raw.<source>` table by its `_load_id` and validated
by `pipelines.audit.gx_spark.validate_spark_batch`, the same suite and findings code as the landing
audit's pandas path. One JVM for both (its start-up is most of a small run's cost).

The findings are written as JSON; the Dagster step (`pipelines/spark/assets.py`) judges them against
the landing audit's (the ledger's `report`), so this module only validates.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

from pipelines.audit.result_findings import ROW
from pipelines.contract.sources import SOURCES

# Small batches: adaptive plans and whole-stage code generation cost more than they save (GX runs
# one Spark job per metric); set for the validation only, dbt's build gets the session's own again.
_VALIDATION_CONF = {"spark.sql.adaptive.enabled": "false", "spark.sql.codegen.wholeStage": "false"}


def validate_plan(session: Any, plan_file: Path, findings_file: Path) -> int:
    """Validate every batch of the plan; write `{"batches": [...]}` to `findings_file`; return how many."""
    from pyspark.sql import functions as F

    from pipelines.audit.gx_spark import validate_spark_batch

    plan = json.loads(plan_file.read_text(encoding="utf-8"))
    today = dt.date.fromisoformat(plan["today"])
    known = set(plan["known_regions"])
    saved = {key: session.conf.get(key, None) for key in _VALIDATION_CONF}
    for key, value in _VALIDATION_CONF.items():
        session.conf.set(key, value)
    out: list[dict[str, Any]] = []
    try:
        for batch in plan["batches"]:
            started = time.monotonic()
            source = batch["source"]
            table = session.table(f"raw.{source}")
            # the contract's columns the raw table has (a batch of an older contract lacks the newer ones)
            columns = [c.name for c in SOURCES[source].columns if c.name in table.columns] + [ROW]
            frame = table.filter(F.col("_load_id") == int(batch["load_id"])).select(*columns)
            findings = validate_spark_batch(
                source, frame, file=batch["file"], header_map=batch["header_map"], known_regions=known,
                today=today, skip_null_check=set(batch["skip_null_check"]),
            )  # fmt: skip
            seconds = round(time.monotonic() - started, 2)
            out.append({**batch, "findings": [f.to_dict() for f in findings], "seconds": seconds})
            # one line a batch: the refresh's progress (assets.py), minutes of GX on a big refresh
            print(f"  GX on Spark {len(out)}/{len(plan['batches'])}: {batch['file']}, {len(findings)} finding(s)"
                  f" ({seconds} s)", flush=True)  # fmt: skip
    finally:
        for key, value in saved.items():
            if value is None:
                session.conf.unset(key)
            else:
                session.conf.set(key, value)
    findings_file.write_text(json.dumps({"batches": out}, ensure_ascii=False, indent=1), encoding="utf-8")
    return len(out)
