"""Measure `validate_batch` on synthetic city-scale batches (wall time, peak RSS).

    python benchmarks/gx_validate.py --source patents --rows 1000000
    python benchmarks/gx_validate.py --source above_scale_industry --rows 100000

Run each measurement in its own process: peak RSS (ru_maxrss) only grows. The frame is
built the way a landing table arrives from DuckDB (`.df()`: pandas str, datetime64[us],
Int64, boolean dtypes). `--defect-rate` plants invalid values to exercise failure paths.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sys
import time

import numpy as np
import pandas as pd


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _PeakSampler:
    """Samples VmRSS every 5 ms while a block runs (ru_maxrss cannot be reset)."""

    def __init__(self) -> None:
        import threading

        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss_mb())
            self._stop.wait(0.005)

    def __enter__(self):
        self.peak = _rss_mb()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())


def _usccs(n: int, rng: np.random.Generator) -> np.ndarray:
    from pipelines.contract.uscc import make_uscc

    # distinct 8-digit organisation-code bodies
    bodies = 10_000_000 + rng.integers(0, 7) + np.arange(n, dtype=np.int64) * (89_999_999 // max(n, 1))
    return np.array([make_uscc("320400", str(b)) for b in bodies], dtype=object)


def _dates(rng, n, start="2005-01-01", days=6000) -> np.ndarray:
    return (np.datetime64(start, "D") + rng.integers(0, days, size=n)).astype("datetime64[us]")


def patents_frame(rows: int, defect_rate: float = 0.0, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    usccs = _usccs(max(1, rows // 10), rng)
    app = _dates(rng, rows)
    grant = app + (rng.integers(100, 900, size=rows) * 86_400_000_000).astype("timedelta64[us]")
    grant = np.where(rng.random(rows) < 0.3, np.datetime64("NaT"), grant)
    lapse = np.where(rng.random(rows) < 0.8, np.datetime64("NaT"), grant + np.timedelta64(3000, "D"))
    years = pd.Series(app).dt.year.astype(str).to_numpy(dtype=object)
    serial = pd.Series(np.arange(rows) + 100_000).astype(str).str.zfill(7).to_numpy(dtype=object)
    kind = rng.choice(np.array(["1", "2", "3"], dtype=object), size=rows)
    app_no = pd.Series(years + kind + serial + ".") + pd.Series(rng.integers(0, 10, rows)).astype(str)
    holder = np.where(rng.random(rows) < 0.1, None, usccs[rng.integers(0, len(usccs), size=rows)])
    regions = np.array(["320402", "320404", "320411", "320412", "320413", "320481", "常州市"], dtype=object)
    df = pd.DataFrame(
        {
            "application_no": pd.array(app_no, dtype="str"),
            "patent_type": pd.array(
                rng.choice(np.array(["发明", "实用新型", "外观设计"], dtype=object), rows), dtype="str"
            ),
            "application_date": app,
            "grant_date": grant,
            "lapse_date": lapse,
            "holder_name": pd.array(
                pd.Series(rng.integers(0, rows // 10 + 1, rows)).astype(str).radd("企业"), dtype="str"
            ),
            "holder_uscc": pd.array(holder, dtype="str"),
            "region": pd.array(regions[rng.integers(0, len(regions), size=rows)], dtype="str"),
            "high_value": pd.array(rng.random(rows) < 0.2, dtype="boolean"),
            "_row_number": np.arange(2, rows + 2, dtype="int64"),
        }
    )
    if defect_rate:
        bad = rng.random(rows) < defect_rate
        df.loc[bad, "holder_uscc"] = "91320400MA1XXXXXX0"
        df.loc[bad, "region"] = "火星"
        df.loc[bad, "application_no"] = "CN" + df.loc[bad, "application_no"]
    return df


def roster_frame(rows: int, defect_rate: float = 0.0, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    usccs = _usccs(rows, rng)
    gross = rng.gamma(2.0, 20_000.0, rows)
    regions = np.array(["320402", "320404", "320411", "320412", "320413", "320481"], dtype=object)
    df = pd.DataFrame(
        {
            "uscc": pd.array(usccs, dtype="str"),
            "enterprise_name": pd.array(pd.Series(np.arange(rows)).astype(str).radd("企业"), dtype="str"),
            "year": pd.array(np.full(rows, 2023), dtype="Int64"),
            "region": pd.array(regions[rng.integers(0, len(regions), size=rows)], dtype="str"),
            "industry_code": pd.array(pd.Series(rng.integers(1300, 4300, rows)).astype(str), dtype="str"),
            "gross_output": gross,
            "revenue": gross * rng.uniform(0.8, 1.2, rows),
            "value_added": gross * 0.25,
            "hightech_output": gross * rng.uniform(0, 1, rows),
            "hightech_value_added": gross * 0.1,
            "rd_expenditure": gross * 0.02,
            "has_rd_activity": pd.array(rng.random(rows) < 0.4, dtype="boolean"),
            "_row_number": np.arange(2, rows + 2, dtype="int64"),
        }
    )
    if defect_rate:
        bad = rng.random(rows) < defect_rate
        df.loc[bad, "hightech_output"] = df.loc[bad, "gross_output"] * 2
        df.loc[bad, "industry_code"] = "C39"
    return df


FRAMES = {"patents": patents_frame, "above_scale_industry": roster_frame}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", choices=sorted(FRAMES), default="patents")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--defect-rate", type=float, default=0.0)
    parser.add_argument(
        "--object-strings", action="store_true", help="text columns as Python objects (not pandas str)"
    )
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    from pipelines.audit.gx_engine import get_gx_context
    from pipelines.audit.runner import validate_batch

    get_gx_context()
    t_import = time.perf_counter() - t0
    t1 = time.perf_counter()
    df = FRAMES[args.source](args.rows, args.defect_rate)
    t_frame = time.perf_counter() - t1
    if args.object_strings:
        for c in df.columns:
            if pd.api.types.is_string_dtype(df[c].dtype) and df[c].dtype != object:
                df[c] = df[c].astype(object).where(df[c].notna(), None)
    frame_mb = df.memory_usage(deep=True).sum() / 2**20
    rss_before = _rss_mb()
    peak_before = _peak_mb()
    known = {"320400", "常州市", "320402", "320404", "320411", "320412", "320413", "320481"}
    sampler = _PeakSampler()
    t2 = time.perf_counter()
    with sampler:
        findings = validate_batch(
            args.source,
            df,
            file=f"{args.source}/bench.csv",
            header_map={},
            known_regions=known,
            today=dt.date(2025, 6, 30),
        )
    t_validate = time.perf_counter() - t2
    out = {
        "source": args.source,
        "rows": args.rows,
        "defect_rate": args.defect_rate,
        "import_and_context_s": round(t_import, 2),
        "frame_build_s": round(t_frame, 2),
        "frame_mb": round(frame_mb, 1),
        "rss_before_validate_mb": round(rss_before, 1),
        "peak_rss_before_validate_mb": round(peak_before, 1),
        "validate_s": round(t_validate, 2),
        "rss_peak_during_validate_mb": round(sampler.peak, 1),
        "validate_extra_mb": round(sampler.peak - rss_before, 1),
        "process_peak_rss_mb": round(_peak_mb(), 1),
        "findings": [(f.severity, f.rule, f.column, f.failing_count) for f in findings],
    }
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
